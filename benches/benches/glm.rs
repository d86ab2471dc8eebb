//! Speed of `glm::fit` on large Poisson and logistic problems, against faer's least-squares
//! solve of the same design in the same run.
//!
//! One criterion group per model (`poisson`, `logistic`) at 10⁴, 10⁵ and 10⁶ rows × 20 columns
//! and at 10⁵ rows × 100 columns:
//! `irls` is what a user calls, `glm::fit` with `Control::default()` (IRLS stopping in
//! coefficient units); `irls-r-rule` is IRLS with R's relative deviance change below 10⁻⁸
//! (`Criterion::Deviance`); `gradient-ascent` runs the method to a 10⁻⁸ tolerance on the norm of
//! the gradient of the average log-likelihood; `faer` is one single-threaded least-squares solve
//! of the design (the yardstick of issue 14: a whole fit against one solve). `glm::fit` uses every
//! core the process may run on; pin the process to one core (`taskset -c 0 cargo bench …`) for
//! its one-thread time. The design is an intercept plus standard normal columns (`sim::intercept_gaussian`), the coefficients are small enough that
//! `η` stays in [−2, 2] or so, and the responses are drawn by `sim`, all from a fixed seed and
//! outside the timed closures. Gradient ascent takes a step of 0.5: the lesson's 0.05 suits its
//! unscaled one-covariate design, and on standardised columns it would only make the runs ten
//! times longer. Throughput is in observations per second. Every fit is run once and checked to
//! converge before it is timed.
//!
//! The group `gradient-rules` times gradient ascent's three step rules on the data of the last
//! section of `reports/glm.md` (`sim::ScaledPoisson::default()`, 400 × 4, seed 2024,
//! covariates whose units differ by 10⁴), where the report counts their iterations and
//! evaluations: `fixed` is the crawling fixed step `α = 1/λ_max` of that section for its
//! 20 000 steps (the lesson's 0.05 diverges at once), `armijo` and `nesterov` are
//! `StepRule::Armijo` and `StepRule::Nesterov` with their defaults. Run with
//! `cargo bench --bench glm`; see `benches/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench set-up fails loudly on unexpected errors"
)]

use std::hint::black_box;

use benches::{SEED, Size, configure, criterion, faer_lstsq};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use faer::Mat;
use glm::{Control, Criterion as Rule, Data, Design, Family, Method, StepRule};
use nalgebra::{DMatrix, DVector};

/// Rows × columns of the problems.
const SIZES: [Size; 4] = [
    Size::new(10_000, 20),
    Size::new(100_000, 20),
    Size::new(1_000_000, 20),
    Size::new(100_000, 100),
];

/// Convergence tolerance of gradient ascent.
const TOLERANCE: f64 = 1e-8;

/// Step of gradient ascent on the standardised design (see the module docs).
const STEP: f64 = 0.5;

/// Iteration limit of gradient ascent; it converges in a few hundred steps here.
const GRADIENT_LIMIT: usize = 20_000;

/// Coefficients `θ_j = ±0.3/√j`: alternating, shrinking, so `η = Xθ` has standard deviation
/// about 0.7 and the means stay moderate.
fn theta(p: usize) -> DVector<f64> {
    DVector::from_fn(p, |j, _| {
        let magnitude = 0.3 / linalg_core::count_to_f64(j + 1).sqrt();
        if j % 2 == 0 { magnitude } else { -magnitude }
    })
}

/// The design and a response of the family, from [`SEED`].
fn problem(size: Size, family: Family) -> (Design, DVector<f64>) {
    let mut rng = sim::rng_from_seed(SEED);
    let x: DMatrix<f64> =
        sim::intercept_gaussian(size.m, size.n - 1, &mut rng).expect("valid size");
    let eta = &x * theta(size.n);
    let y = match family {
        Family::Poisson => sim::poisson(&eta.map(f64::exp), &mut rng),
        _ => sim::bernoulli(&eta.map(|e| 1.0 / (1.0 + (-e).exp())), &mut rng),
    }
    .expect("valid means");
    let design = Design::new(x).and_then(|d| d.with_intercept_column(0)).expect("finite design");
    (design, y)
}

/// The fits a group compares, by id.
fn controls() -> [(&'static str, Control); 3] {
    [
        ("irls", Control::default()),
        ("irls-r-rule", Control::default().criterion(Rule::Deviance)),
        (
            "gradient-ascent",
            Control::default()
                .method(Method::GradientAscent)
                .step(STEP)
                .max_iter(GRADIENT_LIMIT)
                .tolerance(TOLERANCE),
        ),
    ]
}

fn bench_family(c: &mut Criterion, name: &str, family: Family) {
    let mut group = c.benchmark_group(name);
    for size in SIZES {
        let (design, y) = problem(size, family);
        configure(&mut group, size, u64::try_from(size.m).unwrap_or(u64::MAX));
        for (id, control) in controls() {
            let data = Data::new(&design, &y);
            let fit = glm::fit(&data, family, &control).expect("the benchmark problem converges");
            assert!(fit.convergence().iterations() > 0, "{name} {id}");
            group.bench_with_input(BenchmarkId::new(id, size.label()), &data, |b, data| {
                b.iter(|| glm::fit(black_box(data), family, &control).expect("converges"));
            });
        }
        let x = design.matrix();
        let (fx, fy) =
            (Mat::from_fn(size.m, size.n, |i, j| x[(i, j)]), Mat::from_fn(size.m, 1, |i, _| y[i]));
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter(|| black_box(faer_lstsq(black_box(&fx), black_box(&fy))));
        });
    }
    group.finish();
}

fn poisson(c: &mut Criterion) {
    bench_family(c, "poisson", Family::Poisson);
}

fn logistic(c: &mut Criterion) {
    bench_family(c, "logistic", Family::Bernoulli);
}

/// The seed of the scaled data, the report's.
const SCALED_SEED: u64 = 2024;

/// The largest eigenvalue of the information `XᵀWX/n`, `W = μ`, at the Poisson optimum `mu`.
fn largest_eigenvalue(x: &DMatrix<f64>, mu: &DVector<f64>) -> f64 {
    let n = linalg_core::count_to_f64(x.nrows());
    let info = DMatrix::from_fn(x.ncols(), x.ncols(), |j, k| {
        (0..x.nrows()).map(|i| mu[i] * x[(i, j)] * x[(i, k)]).sum::<f64>() / n
    });
    info.symmetric_eigenvalues().max()
}

fn gradient_rules(c: &mut Criterion) {
    let sample =
        sim::ScaledPoisson::default().generate(&mut sim::rng_from_seed(SCALED_SEED)).unwrap();
    let design = Design::new(sample.x.clone()).unwrap().with_intercept_column(0).unwrap();
    let data = Data::new(&design, &sample.y);
    let optimum = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    let safe = 1.0 / largest_eigenvalue(&sample.x, optimum.fitted_values());
    let ascent = Control::default().method(Method::GradientAscent);
    let mut group = c.benchmark_group("gradient-rules");
    let size = Size::new(sample.x.nrows(), sample.x.ncols());
    configure(&mut group, size, u64::try_from(size.m).unwrap_or(u64::MAX));
    for rule in StepRule::ALL {
        let control = match rule {
            StepRule::Fixed => ascent.step(safe).max_iter(GRADIENT_LIMIT),
            _ => ascent.step_rule(rule),
        };
        let fit = glm::fit(&data, Family::Poisson, &control).expect("the rule runs");
        assert!(fit.convergence().iterations() > 0, "{rule}");
        group.bench_with_input(BenchmarkId::new(rule.name(), size.label()), &data, |b, data| {
            b.iter(|| glm::fit(black_box(data), Family::Poisson, &control).expect("runs"));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = poisson, logistic, gradient_rules
}
criterion_main!(benches);

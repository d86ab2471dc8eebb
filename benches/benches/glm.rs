//! Speed of `glm`'s two fitting methods on large Poisson and logistic problems.
//!
//! One criterion group per model (`poisson`, `logistic`), with IRLS (Fisher scoring, each step a
//! weighted QR solve through `lsq`) and gradient ascent side by side at 10⁴, 10⁵ and 10⁶ rows ×
//! 20 columns, both to a 10⁻⁸ tolerance: IRLS on R's relative deviance change, gradient ascent
//! on the norm of the gradient of the average log-likelihood. The design is an intercept plus
//! 19 standard normal columns (`sim::intercept_gaussian`), the coefficients are small enough that
//! `η` stays in [−2, 2] or so, and the responses are drawn by `sim`, all from a fixed seed and
//! outside the timed closures. Gradient ascent takes a step of 0.5: the lesson's 0.05 suits its
//! unscaled one-covariate design, and on standardised columns it would only make the runs ten
//! times longer. Throughput is in observations per second. Every fit is run once and checked to
//! converge before it is timed. Run with `cargo bench --bench glm`; see `benches/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench set-up fails loudly on unexpected errors"
)]

use std::hint::black_box;

use benches::{SEED, Size, configure, criterion};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use glm::{Control, Data, Design, Family, Method};
use nalgebra::{DMatrix, DVector};

/// Rows × columns of the problems.
const SIZES: [Size; 3] = [Size::new(10_000, 20), Size::new(100_000, 20), Size::new(1_000_000, 20)];

/// Convergence tolerance of both methods.
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

fn control(method: Method) -> Control {
    match method {
        Method::GradientAscent => Control::default()
            .method(method)
            .step(STEP)
            .max_iter(GRADIENT_LIMIT)
            .tolerance(TOLERANCE),
        _ => Control::default().method(method).tolerance(TOLERANCE),
    }
}

fn bench_family(c: &mut Criterion, name: &str, family: Family) {
    let mut group = c.benchmark_group(name);
    for size in SIZES {
        let (design, y) = problem(size, family);
        configure(&mut group, size, u64::try_from(size.m).unwrap_or(u64::MAX));
        for method in [Method::Irls, Method::GradientAscent] {
            let control = control(method);
            let data = Data::new(&design, &y);
            let fit = glm::fit(&data, family, &control).expect("the benchmark problem converges");
            assert!(fit.convergence().iterations() > 0, "{name} {method:?}");
            group.bench_with_input(
                BenchmarkId::new(method.name(), size.label()),
                &data,
                |b, data| {
                    b.iter(|| glm::fit(black_box(data), family, &control).expect("converges"));
                },
            );
        }
    }
    group.finish();
}

fn poisson(c: &mut Criterion) {
    bench_family(c, "poisson", Family::Poisson);
}

fn logistic(c: &mut Criterion) {
    bench_family(c, "logistic", Family::Bernoulli);
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = poisson, logistic
}
criterion_main!(benches);

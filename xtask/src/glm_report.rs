//! `reports/glm.md`: the GLM lesson — Poisson regression by gradient ascent and IRLS, logistic
//! regression, other links, and the over-dispersion check.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use glm::{Control, Convergence, Criterion, Data, Design, Family, GlmFit, Link, Method};
use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};

use crate::markdown::{code, order, sig, table};
use crate::plot::{Figure, Legend, Series, Style};
use crate::{Headline, Page, header};

/// Seed of the lesson's Poisson counts.
pub const POISSON_SEED: u64 = 2024;
/// Seed of the logistic-regression data.
const LOGISTIC_SEED: u64 = 7;
/// Seed of the over-dispersed (negative binomial) counts.
pub const OVERDISPERSED_SEED: u64 = 11;
/// Size `k` of the negative binomial (R's `theta`, `sim::negative_binomial`'s `θ`):
/// Var = μ + μ²/k. The page calls it `k` because `θ` is the coefficients there.
pub const NB_SIZE: f64 = 2.0;
/// "Reaches the optimum to 1e-6": the lesson's closeness criterion.
const CLOSE: f64 = 1e-6;
/// Iterations of the long gradient-ascent run that locates when it gets close.
const LONG_RUN: usize = 50_000;
/// Grid of points for fitted curves.
const GRID: usize = 121;
/// The training figure's left panel shows iterations 0 to this, the fast climb from θ = 0; the
/// right panel the rest on a y-axis narrow enough to show the slow approach.
const ZOOM_FROM: usize = 10;
/// The gap to the optimum stops being drawn here, a hundred times above the rounding noise of
/// the average log-likelihood (a few ε times its size of about 2), so that the figure does not
/// depend on the last bits of the arithmetic.
const GAP_FLOOR: f64 = 1e-12;
/// The gap's convergence rate is measured where it lies between these two values: below the
/// fast first steps and above [`GAP_FLOOR`].
const RATE_WINDOW: (f64, f64) = (1e-10, 1e-4);
/// Half-height of the vertical jitter of the logistic figure's 0/1 points.
const JITTER: f64 = 0.05;

/// Renders the page and its figures.
///
/// # Errors
/// If a fit of the simulated data fails, which would be a bug.
pub fn render() -> Result<(Vec<Page>, Headline)> {
    let mut out = header(
        "Generalized linear models",
        &format!(
            "Poisson counts {POISSON_SEED}, binary data {LOGISTIC_SEED}, over-dispersed counts {OVERDISPERSED_SEED}"
        ),
    );
    let _ = writeln!(
        out,
        "\nEvery IRLS fit on this page stops by R's rule, `Criterion::Deviance` (relative deviance change below {}), so that its iterates and iteration counts are those of R's `glm`; \
         the `glm` crate's default, `Criterion::Coefficients`, stops when the last step is below that fraction of every coefficient's size plus standard error.",
        sig(glm::IRLS_TOLERANCE, 1)
    );
    let mut pages = Vec::new();
    let lesson = sim::PoissonLesson::default();
    let sample = lesson.generate(&mut sim::rng_from_seed(POISSON_SEED))?;
    let t = sample.t.clone().ok_or_else(|| anyhow!("the Poisson lesson provides its covariate"))?;
    let design = Design::new(sample.x.clone())?
        .with_intercept_column(0)?
        .with_names(["(Intercept)", "x"])?;
    let speed = lesson_section(&mut out, &mut pages, &lesson, &sample, &design, &t)?;

    logistic_section(&mut out, &mut pages)?;
    links_section(&mut out, &mut pages, &design, &sample.y, &t)?;
    let logistic =
        sim::LogisticLesson::default().generate(&mut sim::rng_from_seed(LOGISTIC_SEED))?;
    let logistic_design = Design::new(logistic.x.clone())?.with_intercept_column(0)?;
    let mut cases: Vec<crate::glm_rules::Case<'_>> = [Link::Log, Link::Identity, Link::Sqrt]
        .into_iter()
        .map(|link| crate::glm_rules::Case {
            label: format!("Poisson, {} link", format!("{link:?}").to_lowercase()),
            data: Data::new(&design, &sample.y),
            model: Family::Poisson.with_link(link),
        })
        .collect();
    cases.push(crate::glm_rules::Case {
        label: "Bernoulli, logit link".to_owned(),
        data: Data::new(&logistic_design, &logistic.y),
        model: Family::Bernoulli.into(),
    });
    crate::glm_rules::rules_section(&mut out, &cases)?;
    let (poisson_ratio, nb_ratio) =
        overdispersion_section(&mut out, &mut pages, &design, &lesson, &sample)?;
    crate::glm_scaled::scaled_section(&mut out, &mut pages)?;

    let headline = Headline {
        file: "glm.md",
        title: "Generalized linear models",
        sentence: "The Poisson lesson by gradient ascent and IRLS, logistic regression, log/identity/sqrt links, and the over-dispersion check."
            .to_owned(),
        number: format!(
            "gradient ascent needs {} iterations to bring every coefficient within {} of the optimum, IRLS {}; Pearson χ²/df {} (Poisson) vs {} (negative binomial)",
            describe(speed.to_coefficients),
            sig(CLOSE, 1),
            speed.irls_iterations,
            sig(poisson_ratio, 3),
            sig(nb_ratio, 3)
        ),
    };
    pages.insert(0, Page::new("glm.md", out));
    Ok((pages, headline))
}

/// R's `glm.control`: the control of every IRLS fit on the page, so that the lesson's numbers
/// and iteration counts are R's.
fn r_rule() -> Control {
    Control::default().criterion(Criterion::Deviance)
}

/// How fast each method reached the optimum.
struct Speed {
    /// Gradient-ascent steps until every coefficient is within [`CLOSE`] of IRLS's.
    to_coefficients: Option<usize>,
    /// IRLS iterations.
    irls_iterations: usize,
}

/// "N" or "more than [`LONG_RUN`]".
fn describe(found: Option<usize>) -> String {
    found.map_or_else(|| format!("more than {LONG_RUN}"), |k| k.to_string())
}

/// The lesson itself: gradient ascent against IRLS on the Poisson counts, with its figures.
fn lesson_section(
    out: &mut String,
    pages: &mut Vec<Page>,
    lesson: &sim::PoissonLesson,
    sample: &sim::GlmSample,
    design: &Design,
    t: &DVector<f64>,
) -> Result<Speed> {
    let n = count_to_f64(sample.y.len());

    let data = Data::new(design, &sample.y);
    let irls =
        glm::fit(&data, Family::Poisson, &r_rule()).context("IRLS on the lesson's counts")?;
    let ga = glm::fit(&data, Family::Poisson, &Control::default().method(Method::GradientAscent))
        .context("gradient ascent on the lesson's counts")?;
    let optimum = irls.log_likelihood()? / n;

    let _ = write!(
        out,
        "\n## The lesson: Poisson regression with a log link\n\n\
         {m} points, `x` evenly spaced on [{a:.1}, {b:.1}], design `[1, x]`, true `θ = ({t0}, {t1})`, `μ = exp(Xθ)`, `y ~ Poisson(μ)` (`sim::PoissonLesson`). \
         The random component is Poisson, the systematic component `η = Xθ`, and the link `log μ = η`.\n\n\
         Gradient ascent on the average log-likelihood `ℓ̄(θ) = (1/n)Σ [yᵢηᵢ − exp(ηᵢ) − log yᵢ!]`, as the lesson runs it: `θ ← θ + α·∇ℓ̄`, \
         `∇ℓ̄ = Xᵀ(y − μ)/n`, step α = {alpha}, {iters} iterations from θ = 0. IRLS (Fisher scoring, each step a weighted least-squares solve by QR) finds the optimum.\n\n",
        m = lesson.m,
        a = lesson.x_range.0,
        b = lesson.x_range.1,
        t0 = sig(lesson.theta[0], 2),
        t1 = sig(lesson.theta[1], 2),
        alpha = sig(glm::GRADIENT_STEP, 2),
        iters = glm::GRADIENT_ITERATIONS,
    );
    out.push_str(&comparison_table(&ga, &irls, n)?);

    let long = glm::fit(
        &data,
        Family::Poisson,
        &Control::default().method(Method::GradientAscent).max_iter(LONG_RUN),
    )?;
    let by_objective =
        by_iteration(long.history()).find(|&(_, l)| (l - optimum).abs() <= CLOSE).map(|p| p.0);
    let by_coefficients = iterations_to_coefficients(design, &sample.y, irls.coefficients())?;
    let rate = Rate::measure(&long, optimum, design, irls.fitted_values(), n)?;
    let _ = write!(
        out,
        "\nHow long gradient ascent takes to reach the optimum to {close}: the average log-likelihood is within {close} of IRLS's after {obj} iterations, \
         and every coefficient within {close} of IRLS's after {coef} iterations; IRLS needs {irls_its}.\n\n\
         {rates}\n\n\
         ![Counts and the fitted means](figures/glm-poisson-fit.svg)\n\n\
         The training curve of the {iters}-step run, in two panels: the first {zoom} iterations climb from `ℓ̄ = {start}` at θ = 0 to within {gap_at_zoom} of the optimum; \
         the right panel shows the rest of the run on a y-axis narrow enough to see the approach.\n\n\
         ![Training progress](figures/glm-training.svg)\n\n",
        close = sig(CLOSE, 1),
        obj = describe(by_objective),
        coef = describe(by_coefficients),
        irls_its = irls.convergence().iterations(),
        rates = rate.describe(irls.history()),
        iters = glm::GRADIENT_ITERATIONS,
        zoom = ZOOM_FROM,
        start = sig(ga.history()[0], 3),
        gap_at_zoom = sig(optimum - ga.history()[ZOOM_FROM.min(ga.history().len() - 1)], 2),
    );
    let gap = gap_points(&long, optimum);
    let prefix = ga.history().len().min(long.history().len());
    let same_start =
        ga.history().iter().zip(&long.history()[..prefix]).all(|(a, b)| a.to_bits() == b.to_bits());
    let _ = write!(
        out,
        "The gap `ℓ̄* − ℓ̄` between the IRLS optimum and gradient ascent on a log scale, from a separate run of the same iteration with up to {long_run} steps{same}, \
         drawn while the gap exceeds {floor} (iterations 0 to {end}): after the first few steps it shrinks geometrically, a straight line on this scale.\n\n\
         ![Gap to the optimum](figures/glm-training-gap.svg)\n",
        long_run = LONG_RUN,
        same = if same_start {
            format!(
                " (same start and step; its first {} iterations are the run above)",
                ga.convergence().iterations()
            )
        } else {
            String::new()
        },
        floor = sig(GAP_FLOOR, 1),
        end = gap.last().map_or(0.0, |p| p.0),
    );
    pages.push(Page::new(
        "figures/glm-poisson-fit.svg",
        poisson_figure(t, sample, &irls, &ga, &lesson.theta)?,
    ));
    pages.push(Page::new("figures/glm-training.svg", training_figure(&ga, optimum)?));
    pages.push(Page::new("figures/glm-training-gap.svg", gap_figure(&gap, by_objective)?));
    out.push_str("\nThe IRLS fit, summarised as R's `summary(glm)` does:\n\n");
    out.push_str(&code(&irls.to_string()));
    Ok(Speed { to_coefficients: by_coefficients, irls_iterations: irls.convergence().iterations() })
}

/// Gradient ascent against IRLS: coefficients, likelihood, deviance and how each run ended.
fn comparison_table(ga: &GlmFit, irls: &GlmFit, n: f64) -> Result<String> {
    let ga_gradient = match ga.convergence() {
        Convergence::FixedIterations { gradient_norm, .. } => gradient_norm,
        Convergence::Converged { measure, .. } => measure,
        other => return Err(anyhow!("unexpected convergence report {other:?}")),
    };
    let se = irls.std_errors();
    let rows = vec![
        vec![
            "gradient ascent".to_owned(),
            sig(ga.coefficients()[0], 6),
            sig(ga.coefficients()[1], 6),
            sig(ga.log_likelihood()? / n, 8),
            sig(ga.deviance(), 6),
            ga.convergence().iterations().to_string(),
            format!("stopped after a fixed number of steps; ‖∇ℓ̄‖ = {}", sig(ga_gradient, 2)),
        ],
        vec![
            "IRLS".to_owned(),
            format!("{} ± {}", sig(irls.coefficients()[0], 6), sig(se[0], 3)),
            format!("{} ± {}", sig(irls.coefficients()[1], 6), sig(se[1], 3)),
            sig(irls.log_likelihood()? / n, 8),
            sig(irls.deviance(), 6),
            irls.convergence().iterations().to_string(),
            format!(
                "converged (R's relative deviance change below {})",
                sig(glm::IRLS_TOLERANCE, 1)
            ),
        ],
    ];
    Ok(table(
        &["method", "θ₀", "θ₁", "average log-likelihood", "deviance", "iterations", "status"],
        &rows,
    ))
}

/// A fit's history as `(iteration, value)`: entry k of [`GlmFit::history`] is the value after k
/// iterations, entry 0 the starting point.
fn by_iteration(history: &[f64]) -> impl Iterator<Item = (usize, f64)> + '_ {
    history.iter().copied().enumerate()
}

/// Gradient ascent's linear convergence rate, measured and predicted.
struct Rate {
    /// First and last iteration of the window [`RATE_WINDOW`].
    iterations: (usize, usize),
    /// Factor by which the gap shrinks per iteration: `10^slope` of the least-squares line
    /// through `log₁₀(gap)` against the iteration, over the window.
    measured: f64,
    /// Eigenvalues of the Fisher information per observation at the optimum, ascending.
    eigenvalues: Vec<f64>,
}

impl Rate {
    fn measure(
        long: &GlmFit,
        optimum: f64,
        design: &Design,
        mu: &DVector<f64>,
        n: f64,
    ) -> Result<Self> {
        let window: Vec<(f64, f64)> = by_iteration(long.history())
            .map(|(k, l)| (count_to_f64(k), optimum - l))
            .filter(|&(_, g)| g > RATE_WINDOW.0 && g < RATE_WINDOW.1)
            .map(|(k, g)| (k, g.log10()))
            .collect();
        let (first, last) = match (window.first(), window.last()) {
            (Some(f), Some(l)) if window.len() > 1 => (f.0, l.0),
            _ => return Err(anyhow!("gradient ascent's gap never crosses the rate window")),
        };
        let count = count_to_f64(window.len());
        let (mk, mg) = (
            window.iter().map(|p| p.0).sum::<f64>() / count,
            window.iter().map(|p| p.1).sum::<f64>() / count,
        );
        let skg: f64 = window.iter().map(|p| (p.0 - mk) * (p.1 - mg)).sum();
        let skk: f64 = window.iter().map(|p| (p.0 - mk).powi(2)).sum();
        let x = design.matrix();
        let weighted = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] * mu[i]);
        let information = x.tr_mul(&weighted) / n;
        let mut eigenvalues: Vec<f64> =
            information.symmetric_eigen().eigenvalues.iter().copied().collect();
        eigenvalues.sort_by(f64::total_cmp);
        Ok(Self {
            iterations: (to_count(first), to_count(last)),
            measured: 10f64.powf(skg / skk),
            eigenvalues,
        })
    }

    /// The two convergence rates in words: gradient ascent's, measured and predicted, and
    /// IRLS's deviance changes.
    fn describe(&self, irls_history: &[f64]) -> String {
        format!(
            "Gradient ascent with a fixed step converges linearly: where the gap `ℓ̄* − ℓ̄` lies between {lo:.0e} and {hi:.0e} (iterations {first} to {last}), it shrinks by a factor {measured} per iteration. \
             Near the optimum the step is, to first order, `θ ← θ − α·(F/n)(θ − θ*)` with `F = XᵀŴX` the Fisher information (`Ŵ = diag(μ̂)` for the log link), \
             whose eigenvalues λ are {lambdas}: the error shrinks by `max |1 − αλ|` = {contraction} per iteration in the slowest direction, \
             and the gap, quadratic in the error, by its square, {predicted} (Nocedal and Wright, *Numerical Optimization*, 2006, §3.3). \
             For the canonical log link, Fisher scoring is Newton's method (McCullagh and Nelder, *Generalized Linear Models*, 1989, §2.5), which converges quadratically: \
             IRLS's deviance changes by {changes} in its successive iterations.",
            lo = RATE_WINDOW.0,
            hi = RATE_WINDOW.1,
            first = self.iterations.0,
            last = self.iterations.1,
            measured = sig(self.measured, 4),
            lambdas = self.eigenvalues.iter().map(|&l| sig(l, 3)).collect::<Vec<_>>().join(" and "),
            contraction = sig(self.contraction(), 4),
            predicted = sig(self.contraction().powi(2), 4),
            changes = deviance_changes(irls_history),
        )
    }

    /// The slowest contraction of the error per step, `max |1 − αλ|` over the eigenvalues.
    fn contraction(&self) -> f64 {
        self.eigenvalues.iter().map(|l| (1.0 - glm::GRADIENT_STEP * l).abs()).fold(0.0, f64::max)
    }
}

/// An iteration number held as `f64` back to a count.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is an iteration count converted exactly by count_to_f64"
)]
fn to_count(k: f64) -> usize {
    k as usize
}

/// IRLS's deviance change per iteration, `|D_k − D_{k−1}|`; changes below the rounding level
/// of the deviance print as powers of ten (their digits depend on the machine).
fn deviance_changes(history: &[f64]) -> String {
    let changes: Vec<String> = history
        .windows(2)
        .map(|w| {
            let change = (w[1] - w[0]).abs();
            if change < 1e-10 * w[1].abs() { order(change) } else { sig(change, 2) }
        })
        .collect();
    changes.join(", ")
}

/// The fewest fixed gradient-ascent steps after which every coefficient is within [`CLOSE`] of
/// `target`, found by bisection over the step count (the distance shrinks monotonically for
/// the lesson's small step).
fn iterations_to_coefficients(
    design: &Design,
    y: &DVector<f64>,
    target: &DVector<f64>,
) -> Result<Option<usize>> {
    let data = Data::new(design, y);
    let close_after = |steps: usize| -> Result<bool> {
        let fit = glm::fit(
            &data,
            Family::Poisson,
            &Control::default().method(Method::GradientAscent).max_iter(steps),
        )?;
        Ok((fit.coefficients() - target).amax() <= CLOSE)
    };
    if !close_after(LONG_RUN)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (1, LONG_RUN);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if close_after(mid)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(Some(lo))
}

/// Evenly spaced points covering `t`.
fn grid(t: &DVector<f64>) -> Vec<f64> {
    let (lo, hi) = (t.min(), t.max());
    (0..GRID).map(|i| lo + (hi - lo) * count_to_f64(i) / count_to_f64(GRID - 1)).collect()
}

/// `[1, x]` rows for a grid.
fn grid_design(xs: &[f64]) -> DMatrix<f64> {
    DMatrix::from_fn(xs.len(), 2, |i, j| if j == 0 { 1.0 } else { xs[i] })
}

fn curve(fit: &GlmFit, xs: &[f64]) -> Result<Vec<(f64, f64)>> {
    let prediction = fit.predict(&grid_design(xs), None)?;
    Ok(xs.iter().copied().zip(prediction.response.iter().copied()).collect())
}

fn poisson_figure(
    t: &DVector<f64>,
    sample: &sim::GlmSample,
    irls: &GlmFit,
    ga: &GlmFit,
    theta: &[f64; 2],
) -> Result<String> {
    let xs = grid(t);
    let truth: Vec<(f64, f64)> = xs.iter().map(|&x| (x, (theta[0] + theta[1] * x).exp())).collect();
    Figure::new("Poisson counts and fitted means", "x", "count")
        .with(Series::new(
            "observed counts",
            t.iter().copied().zip(sample.y.iter().copied()).collect(),
            Style::Points,
            6,
        ))
        .with(Series::new(
            format!("true mean exp({} + {}x)", sig(theta[0], 2), sig(theta[1], 2)),
            truth,
            Style::Dashed,
            5,
        ))
        .with(Series::new("IRLS", curve(irls, &xs)?, Style::Line, 0))
        .with(Series::new(
            format!("gradient ascent, {} steps", ga.convergence().iterations()),
            curve(ga, &xs)?,
            Style::Dashed,
            1,
        ))
        .to_svg()
}

/// The training curve in two panels: the climb from θ = 0, then the approach to the optimum on
/// a y-axis fitted to it.
fn training_figure(ga: &GlmFit, optimum: f64) -> Result<String> {
    let history: Vec<(f64, f64)> =
        by_iteration(ga.history()).map(|(k, l)| (count_to_f64(k), l)).collect();
    let split = ZOOM_FROM.min(history.len() - 1);
    let last = history.last().map_or(0.0, |p| p.0);
    let panel = |title: String, points: &[(f64, f64)], from: f64, to: f64| {
        Figure {
            legend: Legend::LowerRight,
            ..Figure::new(title, "iteration", "average log-likelihood")
        }
        .with(Series::new(
            format!("gradient ascent (α = {})", sig(glm::GRADIENT_STEP, 1)),
            points.to_vec(),
            Style::Line,
            0,
        ))
        .with(Series::new(
            "IRLS optimum",
            vec![(from, optimum), (to, optimum)],
            Style::Dashed,
            6,
        ))
    };
    crate::plot::side_by_side(&[
        panel(format!("Iterations 0 to {split}"), &history[..=split], 0.0, count_to_f64(split)),
        panel(
            format!("Iterations {split} to {}", history.len() - 1),
            &history[split..],
            count_to_f64(split),
            last,
        ),
    ])
}

/// `(iteration, ℓ̄* − ℓ̄)` of the long run while the gap stays above [`GAP_FLOOR`].
fn gap_points(long: &GlmFit, optimum: f64) -> Vec<(f64, f64)> {
    by_iteration(long.history())
        .map(|(k, l)| (count_to_f64(k), optimum - l))
        .take_while(|&(_, g)| g > GAP_FLOOR)
        .collect()
}

/// The gap to the optimum on a log scale, with the [`CLOSE`] level and the iteration that
/// first reaches it.
fn gap_figure(gap: &[(f64, f64)], reached: Option<usize>) -> Result<String> {
    let (first, last) = (gap.first().map_or(0.0, |p| p.0), gap.last().map_or(0.0, |p| p.0));
    let mut figure = Figure {
        y_log: true,
        legend: Legend::UpperRight,
        ..Figure::new(
            "Gradient ascent: distance to the IRLS optimum",
            "iteration",
            "optimum − average log-likelihood",
        )
    }
    .with(Series::new(
        format!("gradient ascent (α = {})", sig(glm::GRADIENT_STEP, 1)),
        gap.to_vec(),
        Style::Line,
        0,
    ))
    .with(Series::new(sig(CLOSE, 1), vec![(first, CLOSE), (last, CLOSE)], Style::Dashed, 6));
    if let Some(k) = reached
        && let Some(&point) = gap.get(k)
    {
        figure = figure.with(Series::new(
            format!("within {} after {k} iterations", sig(CLOSE, 1)),
            vec![point],
            Style::Points,
            1,
        ));
    }
    figure.to_svg()
}

fn logistic_section(out: &mut String, pages: &mut Vec<Page>) -> Result<()> {
    let lesson = sim::LogisticLesson::default();
    let sample = lesson.generate(&mut sim::rng_from_seed(LOGISTIC_SEED))?;
    let t =
        sample.t.clone().ok_or_else(|| anyhow!("the logistic lesson provides its covariate"))?;
    let design = Design::new(sample.x.clone())?
        .with_intercept_column(0)?
        .with_names(["(Intercept)", "x"])?;
    let fit = glm::fit(&Data::new(&design, &sample.y), Family::Bernoulli, &r_rule())
        .context("logistic regression")?;
    let _ = write!(
        out,
        "\n## Exercise: logistic regression as a Bernoulli GLM\n\n\
         {m} points, `x` evenly spaced on [{a:.1}, {b:.1}], true `θ = ({t0}, {t1})`, `p = 1/(1 + exp(−Xθ))`, `y ~ Bernoulli(p)` (`sim::LogisticLesson`). \
         The same machinery with a Bernoulli random component and the logit link: the score equations are again `Xᵀ(y − μ) = 0`.\n\n",
        m = lesson.m,
        a = lesson.x_range.0,
        b = lesson.x_range.1,
        t0 = sig(lesson.theta[0], 2),
        t1 = sig(lesson.theta[1], 2),
    );
    out.push_str(&code(&fit.to_string()));
    let _ = write!(
        out,
        "\nIn the figure the observations are drawn at 0 and 1 moved up or down by up to {JITTER} (a fixed golden-ratio sequence, the same on every run), \
         so that neighbouring points do not overlap.\n\n\
         ![Binary data and the fitted probability](figures/glm-logistic.svg)\n"
    );
    let xs = grid(&t);
    let truth: Vec<(f64, f64)> = xs
        .iter()
        .map(|&x| (x, 1.0 / (1.0 + (-(lesson.theta[0] + lesson.theta[1] * x)).exp())))
        .collect();
    let figure = Figure {
        legend: Legend::MiddleLeft,
        ..Figure::new("Logistic regression", "x", "P(y = 1)")
    }
    .with(Series::new(
        format!("observed y (0 or 1, jittered by up to ±{JITTER})"),
        t.iter().copied().zip(jittered(&sample.y)).collect(),
        Style::Points,
        6,
    ))
    .with(Series::new("true probability", truth, Style::Dashed, 5))
    .with(Series::new("fitted probability (IRLS)", curve(&fit, &xs)?, Style::Line, 0))
    .to_svg()?;
    pages.push(Page::new("figures/glm-logistic.svg", figure));
    Ok(())
}

/// `yᵢ` moved by `JITTER·(2·frac(i·φ⁻¹) − 1)`: the golden-ratio sequence spreads neighbouring
/// points far apart, deterministically.
fn jittered(y: &DVector<f64>) -> Vec<f64> {
    /// 1/φ, the golden ratio's reciprocal.
    const INVERSE_GOLDEN: f64 = 0.618_033_988_749_894_9;
    y.iter()
        .enumerate()
        .map(|(i, &v)| v + JITTER * (2.0 * (count_to_f64(i) * INVERSE_GOLDEN).fract() - 1.0))
        .collect()
}

fn links_section(
    out: &mut String,
    pages: &mut Vec<Page>,
    design: &Design,
    y: &DVector<f64>,
    t: &DVector<f64>,
) -> Result<()> {
    out.push_str(
        "\n## Exercise: other links for the same counts\n\n\
         The Poisson family with the log (canonical), identity and square-root links. Non-canonical links are fitted by the same IRLS, \
         with step-halving whenever a step would leave the domain (μ > 0). Deviance and AIC compare the fits on the same data.\n\n",
    );
    let xs = grid(t);
    let mut rows = Vec::new();
    let mut aics = Vec::new();
    let mut figure =
        Figure::new("Poisson counts under three links", "x", "count").with(Series::new(
            "observed counts",
            t.iter().copied().zip(y.iter().copied()).collect(),
            Style::Points,
            6,
        ));
    for (i, link) in [Link::Log, Link::Identity, Link::Sqrt].into_iter().enumerate() {
        let fit = glm::fit(&Data::new(design, y), Family::Poisson.with_link(link), &r_rule())
            .with_context(|| format!("Poisson with the {link:?} link"))?;
        let aic = fit.aic()?;
        aics.push((format!("{link:?}").to_lowercase(), fit.deviance(), aic));
        rows.push(vec![
            format!("{link:?}").to_lowercase(),
            sig(fit.coefficients()[0], 5),
            sig(fit.coefficients()[1], 5),
            sig(fit.deviance(), 5),
            sig(aic, 5),
            fit.convergence().iterations().to_string(),
        ]);
        figure = figure.with(Series::new(
            format!("{link:?} link").to_lowercase(),
            curve(&fit, &xs)?,
            Style::Line,
            i,
        ));
    }
    out.push_str(&table(&["link", "θ₀", "θ₁", "deviance", "AIC", "IRLS iterations"], &rows));
    let best = |key: fn(&(String, f64, f64)) -> f64| {
        aics.iter().min_by(|a, b| key(a).total_cmp(&key(b))).map_or("", |r| r.0.as_str())
    };
    let (by_deviance, by_aic) = (best(|r| r.1), best(|r| r.2));
    if by_deviance == by_aic {
        let _ = writeln!(
            out,
            "\nThe {by_aic} link has the lowest deviance and AIC{}.",
            if by_aic == "log" { ", and it is the link that generated the data" } else { "" }
        );
    } else {
        let _ = writeln!(
            out,
            "\nThe {by_deviance} link has the lowest deviance and the {by_aic} link the lowest AIC; the data were generated with the log link."
        );
    }
    out.push_str("\n![Fitted means under the three links](figures/glm-links.svg)\n");
    pages.push(Page::new("figures/glm-links.svg", figure.to_svg()?));
    Ok(())
}

/// Negative binomial counts (size [`NB_SIZE`], seed [`OVERDISPERSED_SEED`]) with means `mu`.
fn negative_binomial_counts(mu: &DVector<f64>) -> Result<DVector<f64>> {
    Ok(sim::negative_binomial(mu, NB_SIZE, &mut sim::rng_from_seed(OVERDISPERSED_SEED))?)
}

/// The over-dispersion exercise's data, which `reports/modelling.md` refits: the lesson's
/// covariate `x` (the second column of its design `[1, x]`, seed [`POISSON_SEED`]) and the
/// negative binomial counts drawn with its Poisson means.
///
/// # Errors
/// If the simulation fails, which would be a bug.
pub fn overdispersed_counts() -> Result<(DVector<f64>, DVector<f64>)> {
    let sample = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(POISSON_SEED))?;
    if sample.x.ncols() != 2 {
        return Err(anyhow!("the Poisson lesson's design is [1, x]"));
    }
    Ok((sample.x.column(1).into_owned(), negative_binomial_counts(&sample.mu)?))
}

/// Returns the Pearson χ²/df of the Poisson fits to the Poisson and to the over-dispersed data.
fn overdispersion_section(
    out: &mut String,
    pages: &mut Vec<Page>,
    design: &Design,
    lesson: &sim::PoissonLesson,
    poisson: &sim::GlmSample,
) -> Result<(f64, f64)> {
    let nb_y = negative_binomial_counts(&poisson.mu)?;
    let _ = write!(
        out,
        "\n## Exercise: is there over-dispersion?\n\n\
         A Poisson model says the variance equals the mean. Two data sets with the same means `μ = exp({t0} + {t1}x)`: the lesson's Poisson counts, \
         and negative binomial counts (a gamma–Poisson mixture, `sim::negative_binomial` with size k = {k}, R's `theta`, so Var = μ + μ²/k). \
         A Poisson GLM is fitted to each; the check compares the variance with the mean, reports Pearson χ²/df (about 1 without over-dispersion), \
         and runs Cameron and Trivedi's (1990) auxiliary regression of `((y − μ̂)² − y)/μ̂` on `μ̂`, whose slope δ (their α) estimates the NB2 over-dispersion `Var = μ + δμ²`, \
         δ = 1/k for the negative binomial (one-sided test of δ = 0).\n\n",
        t0 = sig(lesson.theta[0], 2),
        t1 = sig(lesson.theta[1], 2),
        k = sig(NB_SIZE, 2),
    );
    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    let mut bins = Vec::new();
    let mut figure = Figure {
        legend: Legend::UpperLeft,
        ..Figure::new(
            "Variance against mean, Poisson fits",
            "fitted mean μ̂ (bin average)",
            "mean of (y − μ̂)² in the bin",
        )
    };
    for (i, (label, y)) in [("Poisson counts", &poisson.y), ("negative binomial counts", &nb_y)]
        .into_iter()
        .enumerate()
    {
        let fit = glm::fit(&Data::new(design, y), Family::Poisson, &r_rule())?;
        let test = glm::overdispersion_test(&fit)?;
        ratios.push(test.pearson_dispersion);
        rows.push(vec![
            label.to_owned(),
            sig(test.variance_to_mean, 3),
            sig(test.pearson_dispersion, 3),
            sig(test.alpha, 3),
            sig(test.statistic, 3),
            lsq::format::p_value(test.p_value, 3),
            if test.p_value < 0.05 {
                "over-dispersed".to_owned()
            } else {
                "consistent with Poisson".to_owned()
            },
        ]);
        let binned = binned_variance(fit.fitted_values(), y);
        figure = figure.with(
            Series::new(
                format!("{label}, {}", describe_counts(&binned)),
                binned.iter().map(|b| (b.mean_mu, b.mean_square)).collect(),
                Style::Points,
                i,
            )
            .with_errors(binned.iter().map(|b| b.std_error).collect()),
        );
        bins.push(binned);
    }
    out.push_str(&table(
        &["data", "variance/mean", "Pearson χ²/df", "δ̂", "t statistic", "p-value", "verdict at 5%"],
        &rows,
    ));
    out.push_str(
        "\nThe variance/mean column is the sample variance of `y` over its sample mean; with a covariate it mixes the spread of the means into the variance, \
         which is why the tests condition on the fitted means instead. \
         The figure sorts each data set's observations by fitted mean into bins of equal count and plots the bin's mean squared residual, \
         ± its standard error (the standard deviation of `(y − μ̂)²` in the bin over √count), against the bin's mean fitted mean, \
         with the Poisson line Var = μ and the negative binomial curve Var = μ + μ²/k. The bins:\n\n",
    );
    out.push_str(&bins_table(&bins[0], &bins[1]));
    out.push_str("\n![Variance against mean](figures/glm-overdispersion.svg)\n");
    let (lo, hi) = bins.iter().flatten().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), b| {
        (lo.min(b.mean_mu), hi.max(b.mean_mu))
    });
    let xs: Vec<f64> =
        (0..GRID).map(|i| lo + (hi - lo) * count_to_f64(i) / count_to_f64(GRID - 1)).collect();
    figure = figure
        .with(Series::new(
            "Var = μ (Poisson)",
            xs.iter().map(|&m| (m, m)).collect(),
            Style::Dashed,
            6,
        ))
        .with(Series::new(
            format!("Var = μ + μ²/k, k = {}", sig(NB_SIZE, 2)),
            xs.iter().map(|&m| (m, m + m * m / NB_SIZE)).collect(),
            Style::Dashed,
            5,
        ));
    pages.push(Page::new("figures/glm-overdispersion.svg", figure.to_svg()?));
    Ok((ratios[0], ratios[1]))
}

/// The bins of both data sets side by side: the data behind the over-dispersion figure.
fn bins_table(poisson: &[Bin], negative_binomial: &[Bin]) -> String {
    let bin_rows: Vec<Vec<String>> = poisson
        .iter()
        .zip(negative_binomial)
        .enumerate()
        .map(|(j, (p, nb))| {
            let mut row = vec![(j + 1).to_string()];
            for b in [p, nb] {
                row.extend([
                    b.count.to_string(),
                    sig(b.mean_mu, 3),
                    format!("{} ± {}", sig(b.mean_square, 3), sig(b.std_error, 2)),
                ]);
            }
            row
        })
        .collect();
    table(
        &[
            "bin",
            "Poisson: count",
            "mean μ̂",
            "mean (y − μ̂)²",
            "negative binomial: count",
            "mean μ̂",
            "mean (y − μ̂)²",
        ],
        &bin_rows,
    )
}

/// One bin of observations with similar fitted means.
struct Bin {
    /// Observations in the bin.
    count: usize,
    /// Average fitted mean.
    mean_mu: f64,
    /// Average squared residual `(y − μ̂)²`.
    mean_square: f64,
    /// Standard error of that average: the sample standard deviation over √count.
    std_error: f64,
}

/// "8 bins of 10" when the bins have equal counts, else the list of counts.
fn describe_counts(bins: &[Bin]) -> String {
    let counts: Vec<usize> = bins.iter().map(|b| b.count).collect();
    if counts.windows(2).all(|w| w[0] == w[1]) {
        format!("{} bins of {}", counts.len(), counts.first().copied().unwrap_or(0))
    } else {
        format!("bins of {}", counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
    }
}

/// Observations sorted by fitted mean, in eight bins of (nearly) equal count.
fn binned_variance(mu: &DVector<f64>, y: &DVector<f64>) -> Vec<Bin> {
    /// Number of bins: the lesson's 80 points in eight bins of ten.
    const BINS: usize = 8;
    let mut order: Vec<usize> = (0..mu.len()).collect();
    order.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]));
    order
        .chunks(order.len().div_ceil(BINS))
        .map(|bin| {
            let k = count_to_f64(bin.len());
            let squares: Vec<f64> = bin.iter().map(|&i| (y[i] - mu[i]).powi(2)).collect();
            let mean_square = squares.iter().sum::<f64>() / k;
            let variance =
                squares.iter().map(|s| (s - mean_square).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
            Bin {
                count: bin.len(),
                mean_mu: bin.iter().map(|&i| mu[i]).sum::<f64>() / k,
                mean_square,
                std_error: (variance / k).sqrt(),
            }
        })
        .collect()
}

//! The last section of `reports/glm.md`: gradient ascent on covariates whose units differ by
//! 10⁴ (`sim::ScaledPoisson`), the lesson's fixed step against the line search and the
//! accelerated rule.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use glm::{
    Control, Convergence, Data, Design, Divergence, Error, Family, GlmFit, Method, StepRule,
};
use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};

use crate::Page;
use crate::markdown::{power_of_ten, sig, table};
use crate::plot::{Figure, Legend, Series, Style};

/// Seed of the badly scaled counts.
pub const SCALED_SEED: u64 = 2024;
/// The tolerance of the optimum the rules are measured against.
const OPTIMUM_TOLERANCE: f64 = 1e-13;
/// The digits every rule is timed to.
const DIGITS: f64 = 8.0;
/// The most iterations searched for the first one with [`DIGITS`] digits. The iterates of a
/// rule do not depend on its tolerance, only where they stop, so the search reruns at
/// [`OPTIMUM_TOLERANCE`] and finds that iteration also when the default stop comes before it.
const DIGITS_SEARCH: usize = 500;
/// Steps of the crawling fixed-step run, the searching rules' default iteration limit.
const CRAWL: usize = glm::GRADIENT_MAX_ITER;
/// The gap to the optimum is drawn while it exceeds this, a hundred times the rounding of
/// `ℓ̄` (a few ε times its size of about 2), so that the figure does not depend on the last bits.
const GAP_FLOOR: f64 = 1e-12;

/// Beyond this iteration the figure draws every this-many-th point (a log-scaled axis shows
/// them as densely as the first ones).
const THIN_FROM: usize = 100;

/// One rule's run: the fit (or the error's last iterate and history) and what to say about it.
struct Run {
    label: String,
    /// The coefficients it ended with.
    coefficients: DVector<f64>,
    history: Vec<f64>,
    /// Iterations run.
    iterations: usize,
    /// Points evaluated, when the run returned a fit.
    evaluations: Option<usize>,
    /// How it ended.
    outcome: String,
    /// The first iteration whose coefficients carry [`DIGITS`] correct digits, if any.
    to_digits: Option<usize>,
}

/// Appends the section and its figure.
///
/// # Errors
/// If a fit that should succeed fails, or the fixed step does not fail, which would be a bug.
pub fn scaled_section(out: &mut String, pages: &mut Vec<Page>) -> Result<()> {
    let config = sim::ScaledPoisson::default();
    let sample = config.generate(&mut sim::rng_from_seed(SCALED_SEED))?;
    let design = Design::new(sample.x.clone())?.with_intercept_column(0)?.with_names([
        "(Intercept)",
        "x₁",
        "x₂",
        "x₃",
    ])?;
    let data = Data::new(&design, &sample.y);
    let optimum =
        glm::fit(&data, Family::Poisson, &Control::default().tolerance(OPTIMUM_TOLERANCE))
            .context("IRLS on the scaled counts")?;
    let n = count_to_f64(sample.y.len());
    let best = optimum.log_likelihood()? / n;
    let (raw, standardised) = conditions(&sample.x, optimum.fitted_values(), n);
    let safe = 1.0 / raw.1;

    let ascent = Control::default().method(Method::GradientAscent);
    let lesson = run_fixed(&data, &optimum, ascent, glm::GRADIENT_STEP, "lesson's")?;
    let crawl = run_fixed(&data, &optimum, ascent.step(safe).max_iter(CRAWL), safe, "1/λ_max")?;
    let mut runs = vec![lesson, crawl];
    for rule in [StepRule::Armijo, StepRule::Nesterov] {
        runs.push(run_searching(&data, &optimum, ascent.step_rule(rule), rule)?);
    }

    let _ = write!(
        out,
        "\n## Gradient ascent on covariates in different units\n\n\
         {m} Poisson counts on three covariates whose units differ by a factor of {spread} (`sim::ScaledPoisson`, seed {SCALED_SEED}): \
         `x_j = s_j·(1 + z/2)` with scales `s = ({s1}, {s2}, {s3})`, `z ~ N(0, 1)`, and `log μ = {b0} + Σ (effect_j/s_j)·x_j` with effects ({e1}, {e2}, {e3}). \
         The optimum is IRLS's at a tolerance of {tol}; every rule starts from the `glm` crate's defaults for it and is measured by the correct significant digits of its worst coefficient against that optimum.\n\n\
         At the optimum the Fisher information of the average log-likelihood, `XᵀWX/n`, has eigenvalues from {lmin} to {lmax} on the design's own columns (κ = {k_raw}), \
         and from {smin} to {smax} once the covariates are centred and scaled to unit root mean square (κ = {k_std}). \
         A fixed step is stable only below `2/λ_max`: the lesson's α = {alpha} is {ratio} times `1/λ_max` and diverges at iteration {diverged}. \
         With `α = 1/λ_max` the slowest direction's error shrinks by `1 − 1/κ` per step, so {digits_text} correct digits would take about κ·ln {power} ≈ {needed} steps; \
         after {crawl} it has {crawl_digits}. \
         The line search (`StepRule::Armijo`) and the accelerated rule (`StepRule::Nesterov`) work on standardised columns and stop by IRLS's coefficient rule.\n\n",
        m = config.m,
        spread = power_of_ten(config.scales[2] / config.scales[0]),
        s1 = sig(config.scales[0], 1),
        s2 = sig(config.scales[1], 1),
        s3 = sig(config.scales[2], 1),
        b0 = sig(config.intercept, 2),
        e1 = sig(config.effects[0], 2),
        e2 = sig(config.effects[1], 2),
        e3 = sig(config.effects[2], 2),
        tol = sig(OPTIMUM_TOLERANCE, 1),
        lmin = sig(raw.0, 2),
        lmax = sig(raw.1, 2),
        k_raw = sig(raw.1 / raw.0, 2),
        smin = sig(standardised.0, 2),
        smax = sig(standardised.1, 2),
        k_std = sig(standardised.1 / standardised.0, 2),
        alpha = sig(glm::GRADIENT_STEP, 1),
        ratio = sig(glm::GRADIENT_STEP * raw.1, 2),
        digits_text = sig(DIGITS, 1),
        power = power_of_ten(10_f64.powf(DIGITS)),
        needed = sig(raw.1 / raw.0 * 10_f64.powf(DIGITS).ln(), 2),
        diverged = runs[0].iterations + 1,
        crawl = CRAWL,
        crawl_digits = describe_digits(&runs[1].coefficients, &optimum),
    );
    out.push_str(&runs_table(&runs, &optimum));
    let _ = write!(
        out,
        "\nIterations and evaluations are counted, not timed, so that this page is the same on every machine; the wall time of each rule on these data is in `benches/benches/glm.rs` (`gradient-rules/…`). \
         An evaluation is one computation of `ℓ̄` and its gradient, the start and rejected line-search trials included.\n\n\
         The gap `ℓ̄* − ℓ̄` to the optimum's average log-likelihood `ℓ̄* = {best}` against the iteration, both on log scales, drawn while it exceeds {floor}{undrawn}:\n\n\
         ![Gap to the optimum by step rule](figures/glm-step-rules.svg)\n",
        best = sig(best, 8),
        floor = sig(GAP_FLOOR, 1),
        undrawn = undrawn(&runs),
    );
    pages.push(Page::new("figures/glm-step-rules.svg", gap_figure(&runs, best)?));
    Ok(())
}

/// The runs with no iterate beyond their start, which the figure cannot draw.
fn undrawn(runs: &[Run]) -> String {
    let names: Vec<&str> =
        runs.iter().filter(|r| r.history.len() < 2).map(|r| r.label.as_str()).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; {} took no step and is not drawn", names.join(", "))
    }
}

/// The extreme eigenvalues `(λ_min, λ_max)` of `XᵀWX/n` with `W = μ` (Poisson, log link) at the
/// optimum, on the columns as given and on the covariates centred and scaled to unit root mean
/// square.
fn conditions(x: &DMatrix<f64>, mu: &DVector<f64>, n: f64) -> ((f64, f64), (f64, f64)) {
    let extremes = |a: &DMatrix<f64>| {
        let info = DMatrix::from_fn(a.ncols(), a.ncols(), |j, k| {
            (0..a.nrows()).map(|i| mu[i] * a[(i, j)] * a[(i, k)]).sum::<f64>() / n
        });
        let eigen = info.symmetric_eigenvalues();
        (eigen.min(), eigen.max())
    };
    let mut z = x.clone();
    for j in 1..x.ncols() {
        let column = x.column(j);
        let mean = column.mean();
        let rms = (column.map(|v| (v - mean).powi(2)).sum() / n).sqrt();
        z.set_column(j, &column.map(|v| (v - mean) / rms));
    }
    (extremes(x), extremes(&z))
}

/// Correct significant digits of the worst coefficient against the optimum.
fn lre(coefficients: &DVector<f64>, optimum: &GlmFit) -> f64 {
    let o = optimum.coefficients();
    (0..o.len())
        .map(|j| {
            let err = (coefficients[j] - o[j]).abs() / o[j].abs();
            if err == 0.0 { 17.0 } else { -err.log10() }
        })
        .fold(f64::INFINITY, f64::min)
}

/// "3.1 correct digits" or "no correct digit".
fn describe_digits(coefficients: &DVector<f64>, optimum: &GlmFit) -> String {
    let d = lre(coefficients, optimum);
    if d.is_finite() && d >= 0.05 {
        format!("{} correct digits", sig(d, 2))
    } else {
        "no correct digit".to_owned()
    }
}

/// The fixed step `alpha`, which must fail (diverge at once, or run its steps without
/// converging).
fn run_fixed(
    data: &Data<'_>,
    optimum: &GlmFit,
    control: Control,
    alpha: f64,
    name: &str,
) -> Result<Run> {
    let label = format!("fixed α = {} ({name})", sig(alpha, 2));
    match glm::fit(data, Family::Poisson, &control) {
        Err(Error::Diverged { iteration, reason, last, .. }) => Ok(Run {
            label,
            coefficients: last.coefficients.clone(),
            iterations: iteration - 1,
            history: last.history.clone(),
            evaluations: None,
            outcome: format!("`Error::Diverged` at iteration {iteration}: {}", describe(reason)),
            to_digits: None,
        }),
        Ok(fit) if matches!(fit.convergence(), Convergence::FixedIterations { .. }) => {
            let digits = lre(fit.coefficients(), optimum);
            Ok(Run {
                label,
                coefficients: fit.coefficients().clone(),
                iterations: fit.convergence().iterations(),
                history: fit.history().to_vec(),
                evaluations: fit.evaluations(),
                outcome: format!(
                    "ran its {} steps (`Convergence::FixedIterations`)",
                    fit.convergence().iterations()
                ),
                to_digits: (digits >= DIGITS).then_some(fit.convergence().iterations()),
            })
        }
        other => Err(anyhow!("the fixed step {alpha} should fail on the scaled data: {other:?}")),
    }
}

/// A searching rule with its defaults, and the first iteration at which it has [`DIGITS`]
/// correct digits (from reruns at a tight tolerance stopped after each iteration, which repeat
/// its iterates, up to [`DIGITS_SEARCH`] of them).
fn run_searching(
    data: &Data<'_>,
    optimum: &GlmFit,
    control: Control,
    rule: StepRule,
) -> Result<Run> {
    let fit = glm::fit(data, Family::Poisson, &control).with_context(|| format!("{rule}"))?;
    let iterations = fit.convergence().iterations();
    let mut to_digits = None;
    let probe = control.tolerance(OPTIMUM_TOLERANCE);
    for k in 1..=DIGITS_SEARCH {
        let coefficients = match glm::fit(data, Family::Poisson, &probe.max_iter(k)) {
            Ok(f) => f.coefficients().clone(),
            Err(Error::NotConverged { last, .. }) => last.coefficients.clone(),
            Err(e) => return Err(e.into()),
        };
        if lre(&coefficients, optimum) >= DIGITS {
            to_digits = Some(k);
            break;
        }
    }
    let Convergence::Converged { measure, tolerance, .. } = fit.convergence() else {
        return Err(anyhow!("{rule} should converge on the scaled data"));
    };
    Ok(Run {
        label: format!("{rule}"),
        coefficients: fit.coefficients().clone(),
        iterations,
        history: fit.history().to_vec(),
        evaluations: fit.evaluations(),
        outcome: format!(
            "converged: coefficient measure {} < {}, {} correct digits",
            sig(measure, 2),
            sig(tolerance, 1),
            sig(lre(fit.coefficients(), optimum), 3)
        ),
        to_digits,
    })
}

/// Why a fixed step diverged, with numbers to three significant digits.
fn describe(reason: Divergence) -> String {
    match reason {
        Divergence::LeftDomain { index, eta, mu } => format!(
            "observation {index} left the domain with η = {}, μ = {}",
            sig(eta, 3),
            sig(mu, 3)
        ),
        Divergence::NonFinite { value } => format!("the objective became {value}"),
        Divergence::Decreased { by } => format!("the objective fell by {}", sig(by, 3)),
        other => format!("{other}"),
    }
}

/// The side-by-side table.
fn runs_table(runs: &[Run], optimum: &GlmFit) -> String {
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.to_digits.map_or_else(|| "never".to_owned(), |k| k.to_string()),
                r.iterations.to_string(),
                r.evaluations.map_or_else(|| "—".to_owned(), |e| e.to_string()),
                describe_digits(&r.coefficients, optimum),
                r.outcome.clone(),
            ]
        })
        .collect();
    table(
        &[
            "rule",
            &format!("iterations to {} digits", sig(DIGITS, 1)),
            "iterations",
            "evaluations",
            "final coefficients",
            "how it ended",
        ],
        &rows,
    )
}

/// `log₁₀` of the gap against the iteration for every run with more than one point.
fn gap_figure(runs: &[Run], best: f64) -> Result<String> {
    let mut figure = Figure {
        legend: Legend::LowerLeft,
        ..Figure::new(
            "Gradient ascent on covariates in units 10⁴ apart",
            "iteration",
            "optimum − average log-likelihood",
        )
    }
    .log_log();
    for (color, r) in runs.iter().enumerate() {
        let points: Vec<(f64, f64)> = r
            .history
            .iter()
            .enumerate()
            .skip(1)
            .map(|(k, l)| (k, count_to_f64(k), best - l))
            .take_while(|&(_, _, g)| g > GAP_FLOOR)
            .filter(|&(k, _, _)| k <= THIN_FROM || k % THIN_FROM == 0)
            .map(|(_, x, g)| (x, g))
            .collect();
        if !points.is_empty() {
            figure = figure.with(Series::new(r.label.clone(), points, Style::Line, color));
        }
    }
    figure.to_svg()
}

//! `reports/glm.md`: the GLM lesson — Poisson regression by gradient ascent and IRLS, logistic
//! regression, other links, and the over-dispersion check.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use glm::{Control, Convergence, Data, Design, Family, GlmFit, Link, Method};
use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};

use crate::markdown::{code, sig, table};
use crate::plot::{Figure, Legend, Series, Style};
use crate::{Headline, Page, header};

/// Seed of the lesson's Poisson counts.
const POISSON_SEED: u64 = 2024;
/// Seed of the logistic-regression data.
const LOGISTIC_SEED: u64 = 7;
/// Seed of the over-dispersed (negative binomial) counts.
const OVERDISPERSED_SEED: u64 = 11;
/// Size θ of the negative binomial: Var = μ + μ²/θ.
const NB_THETA: f64 = 2.0;
/// "Reaches the optimum to 1e-6": the lesson's closeness criterion.
const CLOSE: f64 = 1e-6;
/// Iterations of the long gradient-ascent run that locates when it gets close.
const LONG_RUN: usize = 50_000;
/// Grid of points for fitted curves.
const GRID: usize = 121;

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
    let (poisson_ratio, nb_ratio) = overdispersion_section(&mut out, &mut pages, &design, &sample)?;

    let headline = Headline {
        file: "glm.md",
        title: "Generalized linear models",
        sentence: "The Poisson lesson by gradient ascent and IRLS, logistic regression, log/identity/sqrt links, and the over-dispersion check."
            .to_owned(),
        number: format!(
            "gradient ascent needs {} iterations to reach the optimum to 1e-6, IRLS {}; Pearson χ²/df {} (Poisson) vs {} (negative binomial)",
            describe(speed.to_coefficients),
            speed.irls_iterations,
            sig(poisson_ratio, 3),
            sig(nb_ratio, 3)
        ),
    };
    pages.insert(0, Page::new("glm.md", out));
    Ok((pages, headline))
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
    let irls = glm::fit(&data, Family::Poisson, &Control::default())
        .context("IRLS on the lesson's counts")?;
    let ga = glm::fit(&data, Family::Poisson, &Control::default().method(Method::GradientAscent))
        .context("gradient ascent on the lesson's counts")?;
    let optimum = irls.log_likelihood() / n;

    let _ = write!(
        out,
        "\n## The lesson: Poisson regression with a log link\n\n\
         {m} points, `x` evenly spaced on [{a}, {b}], design `[1, x]`, true `θ = ({t0}, {t1})`, `μ = exp(Xθ)`, `y ~ Poisson(μ)` (`sim::PoissonLesson`). \
         The random component is Poisson, the systematic component `η = Xθ`, and the link `log μ = η`.\n\n\
         Gradient ascent on the average log-likelihood `ℓ̄(θ) = (1/n)Σ [yᵢηᵢ − exp(ηᵢ) − log yᵢ!]`, as the lesson runs it: `θ ← θ + α·∇ℓ̄`, \
         `∇ℓ̄ = Xᵀ(y − μ)/n`, α = {alpha}, {iters} iterations from θ = 0. IRLS (Fisher scoring, each step a weighted least-squares solve by QR) finds the optimum.\n\n",
        m = lesson.m,
        a = sig(lesson.x_range.0, 2),
        b = sig(lesson.x_range.1, 2),
        t0 = sig(lesson.theta[0], 2),
        t1 = sig(lesson.theta[1], 2),
        alpha = sig(glm::GRADIENT_STEP, 2),
        iters = glm::GRADIENT_ITERATIONS,
    );
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
            sig(ga.log_likelihood() / n, 8),
            sig(ga.deviance(), 6),
            ga.convergence().iterations().to_string(),
            format!("stopped after a fixed number of steps; ‖∇ℓ̄‖ = {}", sig(ga_gradient, 2)),
        ],
        vec![
            "IRLS".to_owned(),
            format!("{} ± {}", sig(irls.coefficients()[0], 6), sig(se[0], 3)),
            format!("{} ± {}", sig(irls.coefficients()[1], 6), sig(se[1], 3)),
            sig(optimum, 8),
            sig(irls.deviance(), 6),
            irls.convergence().iterations().to_string(),
            "converged (R's relative deviance change below 1e-8)".to_owned(),
        ],
    ];
    out.push_str(&table(
        &["method", "θ₀", "θ₁", "average log-likelihood", "deviance", "iterations", "status"],
        &rows,
    ));

    let long = glm::fit(
        &data,
        Family::Poisson,
        &Control::default().method(Method::GradientAscent).max_iter(LONG_RUN),
    )?;
    let by_objective =
        long.history().iter().position(|&l| (l - optimum).abs() <= CLOSE).map(|i| i + 1);
    let by_coefficients = iterations_to_coefficients(design, &sample.y, irls.coefficients())?;
    let _ = write!(
        out,
        "\nHow long gradient ascent takes to reach the optimum to {close}: the average log-likelihood is within {close} of IRLS's after {obj} iterations, \
         and every coefficient within {close} of IRLS's after {coef} iterations; IRLS needs {irls_its}. \
         Gradient ascent with a fixed step converges linearly, at a rate set by the conditioning of the Fisher information; Fisher scoring converges quadratically here (the log link is canonical).\n\n\
         ![Counts and the fitted means](figures/glm-poisson-fit.svg)\n\n![Training progress](figures/glm-training.svg)\n\n\
         The same run on a log scale: the gap between the IRLS optimum and gradient ascent's average log-likelihood shrinks geometrically until it reaches rounding level.\n\n\
         ![Gap to the optimum](figures/glm-training-gap.svg)\n",
        close = sig(CLOSE, 1),
        obj = describe(by_objective),
        coef = describe(by_coefficients),
        irls_its = irls.convergence().iterations(),
    );
    pages.push(Page::new(
        "figures/glm-poisson-fit.svg",
        poisson_figure(t, sample, &irls, &ga, &lesson.theta)?,
    ));
    pages.push(Page::new("figures/glm-training.svg", training_figure(&ga, optimum)?));
    pages.push(Page::new("figures/glm-training-gap.svg", gap_figure(&long, optimum)?));
    out.push_str("\nThe IRLS fit, summarised as R's `summary(glm)` does:\n\n");
    out.push_str(&code(&irls.to_string()));
    Ok(Speed { to_coefficients: by_coefficients, irls_iterations: irls.convergence().iterations() })
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
        .with(Series::new("true mean exp(0.3 + 0.8x)", truth, Style::Dashed, 5))
        .with(Series::new("IRLS", curve(irls, &xs)?, Style::Line, 0))
        .with(Series::new("gradient ascent, 300 steps", curve(ga, &xs)?, Style::Dashed, 1))
        .to_svg()
}

fn training_figure(ga: &GlmFit, optimum: f64) -> Result<String> {
    let history: Vec<(f64, f64)> =
        ga.history().iter().enumerate().map(|(i, &l)| (count_to_f64(i + 1), l)).collect();
    let last = count_to_f64(ga.history().len());
    Figure {
        legend: Legend::LowerRight,
        ..Figure::new(
            "Gradient ascent: average log-likelihood per iteration",
            "iteration",
            "average log-likelihood",
        )
    }
    .with(Series::new("gradient ascent (α = 0.05)", history, Style::Line, 0))
    .with(Series::new("IRLS optimum", vec![(1.0, optimum), (last, optimum)], Style::Dashed, 6))
    .to_svg()
}

/// Gap `ℓ̄* − ℓ̄_k` per iteration on a log scale, down to rounding level.
fn gap_figure(long: &GlmFit, optimum: f64) -> Result<String> {
    /// The curve stops here, a hundred times above the rounding noise of the average
    /// log-likelihood (a few ε times its size of about 2), so that the figure does not depend on
    /// the last bits of the arithmetic.
    const FLOOR: f64 = 1e-12;
    let gap: Vec<(f64, f64)> = long
        .history()
        .iter()
        .enumerate()
        .map(|(i, &l)| (count_to_f64(i + 1), optimum - l))
        .take_while(|&(_, g)| g > FLOOR)
        .collect();
    Figure {
        y_log: true,
        legend: Legend::UpperRight,
        ..Figure::new("Gradient ascent: distance to the IRLS optimum", "iteration", "ℓ̄* − ℓ̄")
    }
    .with(Series::new("gradient ascent (α = 0.05)", gap, Style::Line, 0))
    .with(Series::new(
        "1e-6",
        vec![(1.0, CLOSE), (count_to_f64(long.history().len().min(1000)), CLOSE)],
        Style::Dashed,
        6,
    ))
    .to_svg()
}

fn logistic_section(out: &mut String, pages: &mut Vec<Page>) -> Result<()> {
    let lesson = sim::LogisticLesson::default();
    let sample = lesson.generate(&mut sim::rng_from_seed(LOGISTIC_SEED))?;
    let t =
        sample.t.clone().ok_or_else(|| anyhow!("the logistic lesson provides its covariate"))?;
    let design = Design::new(sample.x.clone())?
        .with_intercept_column(0)?
        .with_names(["(Intercept)", "x"])?;
    let fit = glm::fit(&Data::new(&design, &sample.y), Family::Bernoulli, &Control::default())
        .context("logistic regression")?;
    let _ = write!(
        out,
        "\n## Exercise: logistic regression as a Bernoulli GLM\n\n\
         {m} points, `x` evenly spaced on [{a}, {b}], true `θ = ({t0}, {t1})`, `p = 1/(1 + exp(−Xθ))`, `y ~ Bernoulli(p)` (`sim::LogisticLesson`). \
         The same machinery with a Bernoulli random component and the logit link: the score equations are again `Xᵀ(y − μ) = 0`.\n\n",
        m = lesson.m,
        a = sig(lesson.x_range.0, 2),
        b = sig(lesson.x_range.1, 2),
        t0 = sig(lesson.theta[0], 2),
        t1 = sig(lesson.theta[1], 2),
    );
    out.push_str(&code(&fit.to_string()));
    out.push_str("\n![Binary data and the fitted probability](figures/glm-logistic.svg)\n");
    let xs = grid(&t);
    let truth: Vec<(f64, f64)> = xs
        .iter()
        .map(|&x| (x, 1.0 / (1.0 + (-(lesson.theta[0] + lesson.theta[1] * x)).exp())))
        .collect();
    let figure =
        Figure { legend: Legend::UpperLeft, ..Figure::new("Logistic regression", "x", "P(y = 1)") }
            .with(Series::new(
                "observed y (0 or 1)",
                t.iter().copied().zip(sample.y.iter().copied()).collect(),
                Style::Points,
                6,
            ))
            .with(Series::new("true probability", truth, Style::Dashed, 5))
            .with(Series::new("fitted probability (IRLS)", curve(&fit, &xs)?, Style::Line, 0))
            .to_svg()?;
    pages.push(Page::new("figures/glm-logistic.svg", figure));
    Ok(())
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
         with step-halving whenever a step would leave the domain (μ ≥ 0). Deviance and AIC compare the fits on the same data: \
         the log link, which generated the data, fits best.\n\n",
    );
    let xs = grid(t);
    let mut rows = Vec::new();
    let mut figure =
        Figure::new("Poisson counts under three links", "x", "count").with(Series::new(
            "observed counts",
            t.iter().copied().zip(y.iter().copied()).collect(),
            Style::Points,
            6,
        ));
    for (i, link) in [Link::Log, Link::Identity, Link::Sqrt].into_iter().enumerate() {
        let fit =
            glm::fit(&Data::new(design, y), Family::Poisson.with_link(link), &Control::default())
                .with_context(|| format!("Poisson with the {link:?} link"))?;
        rows.push(vec![
            format!("{link:?}").to_lowercase(),
            sig(fit.coefficients()[0], 5),
            sig(fit.coefficients()[1], 5),
            sig(fit.deviance(), 5),
            sig(fit.aic(), 5),
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
    out.push_str("\n![Fitted means under the three links](figures/glm-links.svg)\n");
    pages.push(Page::new("figures/glm-links.svg", figure.to_svg()?));
    Ok(())
}

/// Returns the Pearson χ²/df of the Poisson fits to the Poisson and to the over-dispersed data.
fn overdispersion_section(
    out: &mut String,
    pages: &mut Vec<Page>,
    design: &Design,
    poisson: &sim::GlmSample,
) -> Result<(f64, f64)> {
    let nb_y =
        sim::negative_binomial(&poisson.mu, NB_THETA, &mut sim::rng_from_seed(OVERDISPERSED_SEED))?;
    let _ = write!(
        out,
        "\n## Exercise: is there over-dispersion?\n\n\
         A Poisson model says the variance equals the mean. Two data sets with the same means `μ = exp(0.3 + 0.8x)`: the lesson's Poisson counts, \
         and negative binomial counts (a gamma–Poisson mixture, `sim::negative_binomial` with θ = {theta}, so Var = μ + μ²/θ). \
         A Poisson GLM is fitted to each; the check compares the variance with the mean, reports Pearson χ²/df (about 1 without over-dispersion), \
         and runs Cameron and Trivedi's (1990) auxiliary regression of `((y − μ̂)² − y)/μ̂` on `μ̂`, whose slope α estimates the NB2 over-dispersion `Var = μ + αμ²` \
         (one-sided test of α = 0).\n\n",
        theta = sig(NB_THETA, 2),
    );
    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    let mut figure = Figure {
        legend: Legend::UpperLeft,
        ..Figure::new(
            "Variance against mean, Poisson fits",
            "fitted mean μ̂ (bins)",
            "mean of (y − μ̂)²",
        )
    };
    for (i, (label, y)) in [("Poisson counts", &poisson.y), ("negative binomial counts", &nb_y)]
        .into_iter()
        .enumerate()
    {
        let fit = glm::fit(&Data::new(design, y), Family::Poisson, &Control::default())?;
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
        figure = figure.with(Series::new(
            label,
            binned_variance(fit.fitted_values(), y),
            Style::LinePoints,
            i,
        ));
    }
    out.push_str(&table(
        &["data", "variance/mean", "Pearson χ²/df", "α̂", "t statistic", "p-value", "verdict at 5%"],
        &rows,
    ));
    out.push_str(
        "\nThe variance/mean column is the sample variance of `y` over its sample mean; with a covariate it mixes the spread of the means into the variance, \
         which is why the tests condition on the fitted means instead. The figure bins the observations by fitted mean and plots the average squared residual \
         against the average fitted mean, with the Poisson line Var = μ and the negative binomial curve Var = μ + μ²/θ.\n\n\
         ![Variance against mean](figures/glm-overdispersion.svg)\n",
    );
    let mus: Vec<f64> = {
        let mut all: Vec<f64> = poisson.mu.iter().copied().collect();
        all.sort_by(f64::total_cmp);
        all
    };
    figure = figure
        .with(Series::new(
            "Var = μ (Poisson)",
            mus.iter().map(|&m| (m, m)).collect(),
            Style::Dashed,
            6,
        ))
        .with(Series::new(
            "Var = μ + μ²/θ",
            mus.iter().map(|&m| (m, m + m * m / NB_THETA)).collect(),
            Style::Dashed,
            5,
        ));
    pages.push(Page::new("figures/glm-overdispersion.svg", figure.to_svg()?));
    Ok((ratios[0], ratios[1]))
}

/// Average squared residual against average fitted mean in eight bins of equal count.
fn binned_variance(mu: &DVector<f64>, y: &DVector<f64>) -> Vec<(f64, f64)> {
    /// Number of bins: the lesson's 80 points in eight bins of ten.
    const BINS: usize = 8;
    let mut order: Vec<usize> = (0..mu.len()).collect();
    order.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]));
    order
        .chunks(order.len().div_ceil(BINS))
        .map(|bin| {
            let k = count_to_f64(bin.len());
            let m = bin.iter().map(|&i| mu[i]).sum::<f64>() / k;
            let v = bin.iter().map(|&i| (y[i] - mu[i]).powi(2)).sum::<f64>() / k;
            (m, v)
        })
        .collect()
}

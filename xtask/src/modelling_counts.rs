//! The counts section of `reports/modelling.md`: the over-dispersed counts of the GLM report's
//! exercise refitted as Poisson, quasi-Poisson and negative binomial with θ estimated, the
//! Poisson fit's sandwich standard errors, the likelihood-ratio test against the Poisson, and
//! the anova of each counts model against its intercept-only model.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use frame::{DesignOptions, Frame, ModelMatrix, Response};
use glm::{Control, Data, Family, GlmFit, Link, NegativeBinomialFit};
use lsq::Hc;
use lsq::format::p_value;
use nalgebra::DVector;

use crate::glm_report::{NB_SIZE, overdispersed_counts};
use crate::markdown::{order, p_equals, sig, table};

/// The counts model, a Poisson regression on the lesson's covariate.
const FORMULA: &str = "y ~ x";
/// Its intercept-only model.
const NULL: &str = "y ~ 1";
/// The level at which the prose calls a test's evidence clear.
const SIGNIFICANT: f64 = 1e-3;

/// What the page's headline quotes.
pub struct CountsSummary {
    /// θ̂ of the negative binomial.
    pub theta: f64,
    /// Its standard error.
    pub theta_std_error: f64,
}

/// The fits of one model matrix.
struct Fits {
    poisson: GlmFit,
    quasi: GlmFit,
}

/// The response of a model matrix as a vector.
///
/// # Errors
/// If the formula has no response or a binomial one.
pub fn response(mm: &ModelMatrix) -> Result<&DVector<f64>> {
    match mm.response() {
        Some(Response::Vector(y)) => Ok(y),
        _ => Err(anyhow!("the formula has a numeric response")),
    }
}

/// Poisson and quasi-Poisson fits of `mm`.
fn fits(mm: &ModelMatrix) -> Result<Fits> {
    let data = Data::new(mm.design(), response(mm)?);
    let control = Control::default();
    Ok(Fits {
        poisson: glm::fit(&data, Family::Poisson, &control).context("the Poisson fit")?,
        quasi: glm::fit(&data, Family::QuasiPoisson, &control).context("the quasi-Poisson fit")?,
    })
}

/// Appends the section to `out`.
///
/// # Errors
/// If a fit fails, which would be a bug.
pub fn section(out: &mut String) -> Result<CountsSummary> {
    let (x, y) = overdispersed_counts()?;
    let truth = sim::PoissonLesson::default().theta;
    let frame =
        Frame::new().with_numeric("x", x.iter().copied())?.with_numeric("y", y.iter().copied())?;
    let options = DesignOptions::default();
    let full = frame.design(FORMULA, &options)?;
    let null = frame.design(NULL, &options)?;
    let data = Data::new(full.design(), response(&full)?);
    let f1 = fits(&full)?;
    let f0 = fits(&null)?;
    let nb = glm::fit_negative_binomial(&data, Link::Log, &Control::default())
        .context("the negative binomial fit")?;
    let sandwich = f1.poisson.robust(&data, Hc::Hc0)?;

    let _ = write!(
        out,
        "\n## Over-dispersed counts: quasi-Poisson and negative binomial\n\n\
         The counts of the [GLM report](glm.md)'s over-dispersion exercise: {n} counts `y` with the lesson's covariate `x` and means `μ = exp(β₀ + β₁x)`, (β₀, β₁) = ({b0}, {b1}), \
         drawn from a negative binomial with size θ = {k} (`Var(y) = μ + μ²/θ`), so that the variance exceeds the mean. \
         There a Poisson fit found Pearson χ²/df = {phi} instead of about 1. \
         Here the same data, put in a `Frame` and fitted through the formula `{FORMULA}`, three ways: \
         the Poisson GLM; the quasi-Poisson (`Family::QuasiPoisson`, R's `quasipoisson()`), which keeps the Poisson's estimating equations and so its coefficients, \
         but estimates the dispersion φ̂ = Pearson χ²/df and scales every standard error by √φ̂; \
         and the negative binomial with θ estimated by maximum likelihood (`glm::fit_negative_binomial`, R's `MASS::glm.nb`), a full likelihood model whose variance grows as `μ + μ²/θ`. \
         The last column is the Poisson fit's HC0 sandwich standard error (`GlmFit::robust`), which keeps the Poisson's coefficients and corrects only their errors.\n\n",
        n = y.len(),
        b0 = sig(truth[0], 2),
        b1 = sig(truth[1], 2),
        k = sig(NB_SIZE, 2),
        phi = sig(f1.quasi.dispersion(), 3),
    );
    coefficient_table(out, &full, &f1, &nb, &sandwich, truth[1])?;
    model_table(out, &f1, &nb)?;
    anova_section(out, &f0, &null, &f1, &full)?;
    Ok(CountsSummary { theta: nb.theta(), theta_std_error: nb.theta_std_error() })
}

/// Coefficients and standard errors side by side, and what they show.
fn coefficient_table(
    out: &mut String,
    full: &ModelMatrix,
    f1: &Fits,
    nb: &NegativeBinomialFit,
    sandwich: &glm::Robust,
    true_slope: f64,
) -> Result<()> {
    let names = full.design().names();
    let (p, q, g) = (&f1.poisson, &f1.quasi, nb.glm());
    let (p_se, q_se, g_se) = (p.std_errors(), q.std_errors(), g.std_errors());
    let rows: Vec<Vec<String>> = (0..names.len())
        .map(|j| {
            vec![
                format!("`{}`", names[j]),
                sig(p.coefficients()[j], 5),
                sig(p_se[j], 4),
                sig(q.coefficients()[j], 5),
                sig(q_se[j], 4),
                sig(g.coefficients()[j], 5),
                sig(g_se[j], 4),
                sig(sandwich.std_errors()[j], 4),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "coefficient",
            "Poisson",
            "SE",
            "quasi-Poisson",
            "SE",
            "negative binomial",
            "SE",
            "Poisson, HC0 SE",
        ],
        &rows,
    ));
    let slope = names.iter().position(|n| n == "x").ok_or_else(|| anyhow!("a column x"))?;
    let max_gap = (0..names.len())
        .map(|j| (q.coefficients()[j] - p.coefficients()[j]).abs() / p_se[j])
        .fold(0.0_f64, f64::max);
    let _ = write!(
        out,
        "\nThe quasi-Poisson coefficients {same}; \
         its standard error of `x` is {ratio}× the Poisson's, which is √φ̂ = {root}: the Poisson errors take the variance to be {phi} times smaller than it is. \
         The negative binomial weights the observations by `1/(μ + μ²/θ̂)` rather than `1/μ`, so its estimates move (the slope from {bp} to {bn}), \
         and its standard error of `x` is {nb_ratio}× the Poisson's. \
         Both are consistent estimators of β (the Poisson's because its estimating equations need only the mean model to be right); on this one sample of {n} the true slope {b1} lies {zq} quasi-Poisson standard errors from the Poisson estimate and {zn} negative binomial standard errors from the negative binomial's. \
         The sandwich error of `x`, {hc0}, is {hc0_ratio}× the quasi-Poisson's: it assumes no form for the variance, where the quasi-Poisson assumes `φμ`.\n",
        same = if max_gap == 0.0 {
            "are the Poisson's to the last bit (the same IRLS)".to_owned()
        } else {
            format!("are the Poisson's up to {} standard errors", order(max_gap))
        },
        ratio = sig(q_se[slope] / p_se[slope], 4),
        root = sig(q.dispersion().sqrt(), 4),
        phi = sig(q.dispersion(), 3),
        bp = sig(p.coefficients()[slope], 4),
        bn = sig(g.coefficients()[slope], 4),
        nb_ratio = sig(g_se[slope] / p_se[slope], 3),
        n = p.observations(),
        b1 = sig(true_slope, 2),
        zq = sig((q.coefficients()[slope] - true_slope).abs() / q_se[slope], 2),
        zn = sig((g.coefficients()[slope] - true_slope).abs() / g_se[slope], 2),
        hc0 = sig(sandwich.std_errors()[slope], 4),
        hc0_ratio = sig(sandwich.std_errors()[slope] / q_se[slope], 3),
    );
    Ok(())
}

/// Dispersion, θ, likelihood and AIC of the three fits, and the likelihood-ratio test.
fn model_table(out: &mut String, f1: &Fits, nb: &NegativeBinomialFit) -> Result<()> {
    let na = || "NA".to_owned();
    let (p, q, g) = (&f1.poisson, &f1.quasi, nb.glm());
    let quasi_likelihood = q.log_likelihood().is_err() && q.aic().is_err();
    if !quasi_likelihood {
        return Err(anyhow!("the page says the quasi-Poisson has no likelihood"));
    }
    let rows = vec![
        vec![
            "Poisson".to_owned(),
            format!("{} (fixed)", sig(p.dispersion(), 1)),
            "—".to_owned(),
            sig(p.deviance(), 5),
            p.df_residual().to_string(),
            sig(p.log_likelihood()?, 6),
            sig(p.aic()?, 6),
        ],
        vec![
            "quasi-Poisson".to_owned(),
            format!("{} (Pearson χ²/df)", sig(q.dispersion(), 4)),
            "—".to_owned(),
            sig(q.deviance(), 5),
            q.df_residual().to_string(),
            na(),
            na(),
        ],
        vec![
            "negative binomial".to_owned(),
            format!("{} (fixed)", sig(g.dispersion(), 1)),
            format!("{} ± {}", sig(nb.theta(), 4), sig(nb.theta_std_error(), 3)),
            sig(g.deviance(), 5),
            g.df_residual().to_string(),
            sig(nb.log_likelihood(), 6),
            sig(nb.aic(), 6),
        ],
    ];
    out.push_str("\nThe fits as wholes:\n\n");
    out.push_str(&table(
        &["model", "dispersion", "θ̂ ± SE", "residual deviance", "df", "log-likelihood", "AIC"],
        &rows,
    ));
    let lr = nb.poisson_comparison();
    let z = (nb.theta() - NB_SIZE) / nb.theta_std_error();
    let mean = f1.poisson.response().mean();
    let _ = write!(
        out,
        "\nθ is the negative binomial's size parameter: `Var(y) = μ + μ²/θ`, so a small θ means strong over-dispersion and θ → ∞ gives back the Poisson. \
         θ̂ = {theta} with standard error {se} (from the observed information in θ, as MASS's `theta.ml`); the counts were drawn with θ = {k}, which lies {z} standard errors {side} θ̂. \
         At the mean count {mean}, the fitted variance `μ + μ²/θ̂` is {var}, {times}× the Poisson's. \
         The quasi-Poisson has no likelihood, so no log-likelihood or AIC (`NA`, as in R); its deviance is the Poisson's. \
         {aic}. \
         The likelihood-ratio test of the Poisson against it, `2(ℓ_NB − ℓ_P)` = {stat} on {df} degree of freedom, has {p}; \
         the p-value is half the χ²₁ tail because the Poisson, θ = ∞, lies on the boundary of θ's range.\n",
        theta = sig(nb.theta(), 4),
        se = sig(nb.theta_std_error(), 3),
        k = sig(NB_SIZE, 2),
        z = sig(z.abs(), 2),
        side = if z <= 0.0 { "above" } else { "below" },
        mean = sig(mean, 3),
        var = sig(mean + mean * mean / nb.theta(), 3),
        times = sig(1.0 + mean / nb.theta(), 3),
        aic = if nb.aic() < p.aic()? {
            format!("AIC prefers the negative binomial, by {}", sig(p.aic()? - nb.aic(), 4))
        } else {
            format!("AIC prefers the Poisson, by {}", sig(nb.aic() - p.aic()?, 4))
        },
        stat = sig(lr.statistic, 4),
        df = lr.df,
        p = p_equals(lr.p_value),
    );
    Ok(())
}

/// The anova of each counts model against its intercept-only model: χ² for the Poisson, F for
/// the quasi-Poisson.
fn anova_section(
    out: &mut String,
    f0: &Fits,
    null: &ModelMatrix,
    f1: &Fits,
    full: &ModelMatrix,
) -> Result<()> {
    let (d0, d1) =
        (Data::new(null.design(), response(null)?), Data::new(full.design(), response(full)?));
    let poisson = glm::anova(&f0.poisson, &d0, &f1.poisson, &d1)?;
    let quasi = glm::anova(&f0.quasi, &d0, &f1.quasi, &d1)?;
    let rows: Vec<Vec<String>> = [("Poisson", &poisson), ("quasi-Poisson", &quasi)]
        .iter()
        .map(|(label, a)| {
            let (r0, r1) = a.df_residual();
            vec![
                (*label).to_owned(),
                format!("{r0} → {r1}"),
                sig(a.deviance_difference(), 5),
                a.df().to_string(),
                sig(a.dispersion(), 4),
                format!(
                    "{} = {}",
                    if a.test() == glm::Test::F { "F" } else { "χ²" },
                    sig(a.statistic(), 4)
                ),
                p_value(a.p_value(), 3),
            ]
        })
        .collect();
    let _ = write!(
        out,
        "\n## Does `x` matter? anova against `{NULL}`\n\n\
         R's `anova(m0, m1)` for GLMs compares deviances. With the Poisson's fixed dispersion 1 the drop in deviance is a likelihood-ratio χ² statistic; \
         the quasi-Poisson estimates φ, so the drop per added column is divided by φ̂ of the larger model and referred to an F distribution with ({df}, {df1}) degrees of freedom (`test = \"F\"`).\n\n",
        df = quasi.df(),
        df1 = quasi.df_residual().1,
    );
    out.push_str(&table(
        &["model", "Resid. Df", "deviance drop", "Df", "dispersion", "statistic", "p-value"],
        &rows,
    ));
    let verdict = match (poisson.p_value() < SIGNIFICANT, quasi.p_value() < SIGNIFICANT) {
        (true, true) => format!("Both tests find `x` needed (p < {})", sig(SIGNIFICANT, 1)),
        (true, false) => format!(
            "The Poisson test finds `x` needed (p < {s}) and the quasi-Poisson test does not",
            s = sig(SIGNIFICANT, 1)
        ),
        (false, true) => format!(
            "The quasi-Poisson test finds `x` needed (p < {s}) and the Poisson test does not",
            s = sig(SIGNIFICANT, 1)
        ),
        (false, false) => format!("Neither test finds `x` needed at p < {}", sig(SIGNIFICANT, 1)),
    };
    let _ = writeln!(
        out,
        "\nThe deviance drop is the same for both, since they share the coefficients; dividing it by its degrees of freedom ({df}) and by φ̂ = {phi} turns the χ² of {chi} into F = {f}. \
         {verdict}; on over-dispersed counts the Poisson χ² overstates the evidence by the factor φ̂.",
        phi = sig(quasi.dispersion(), 4),
        chi = sig(poisson.statistic(), 4),
        f = sig(quasi.statistic(), 4),
        df = quasi.df(),
    );
    Ok(())
}

//! The `Display` of a [`GlmFit`]: a summary laid out like R's `summary(glm)`.

use std::fmt;

use lsq::format::{SIGNIFICANCE_LEGEND, p_value, residual_table, significant, stars, table};

use crate::convergence::Convergence;
use crate::criterion::Criterion;
use crate::glm_fit::{GlmFit, ResidualKind};
use crate::method::Method;

/// Significant digits of the printed estimates, as R's default `digits = 4`.
const DIGITS: usize = 4;

/// Significant digits of the deviances and AIC, as `summary.glm` prints them
/// (`max(5, digits + 1)`).
const DEVIANCE_DIGITS: usize = 5;

impl fmt::Display for GlmFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_summary(self, self.aic().ok(), f)
    }
}

/// The summary of `fit` with `aic` on its AIC line (`NA` for `None`, a family without a
/// likelihood), so that a model with more parameters than the fit knows of (the negative
/// binomial's estimated θ) can print its own.
pub(crate) fn write_summary(
    fit: &GlmFit,
    aic: Option<f64>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let family = fit.model.family();
    writeln!(
        f,
        "Generalized linear model: {} family, {} link, fitted by {}",
        family,
        fit.model.link(),
        fit.method
    )?;
    writeln!(f)?;
    write_deviance_residuals(fit, f)?;
    writeln!(f)?;
    write_coefficients(fit, f)?;
    writeln!(f)?;
    writeln!(
        f,
        "(Dispersion parameter for {} family taken to be {})",
        family,
        if family.estimates_dispersion() {
            significant(fit.dispersion(), 7)
        } else {
            "1".to_owned()
        }
    )?;
    writeln!(f)?;
    // R prints an undefined null deviance as NaN; "NA" matches the aliased coefficients.
    let null = if fit.null_deviance().is_nan() {
        "NA".to_owned()
    } else {
        significant(fit.null_deviance(), DEVIANCE_DIGITS)
    };
    let residual = significant(fit.deviance(), DEVIANCE_DIGITS);
    let width = null.len().max(residual.len());
    writeln!(f, "    Null deviance: {null:>width$}  on {}  degrees of freedom", fit.df_null())?;
    writeln!(
        f,
        "Residual deviance: {residual:>width$}  on {}  degrees of freedom",
        fit.df_residual()
    )?;
    writeln!(
        f,
        "AIC: {}",
        aic.map_or_else(|| "NA".to_owned(), |a| significant(a, DEVIANCE_DIGITS))
    )?;
    writeln!(f)?;
    write_convergence(fit, f)?;
    // Not in R: how far the printed estimates can be trusted, and the rule that stopped IRLS.
    let rule = match fit.method {
        Method::Irls => format!(", IRLS stopped by {}", fit.criterion()),
        Method::GradientAscent => String::new(),
    };
    writeln!(
        f,
        "Estimated correct significant digits of the coefficients: {:.1}{rule}",
        fit.digits()
    )?;
    // After the summary, as R prints its warnings after the call that raised them.
    if !fit.warnings().is_empty() {
        writeln!(f)?;
    }
    for warning in fit.warnings() {
        writeln!(f, "Warning: {warning}")?;
    }
    Ok(())
}

/// How the iterations ended: R's "Number of Fisher Scoring iterations", or what gradient ascent
/// did.
fn write_convergence(fit: &GlmFit, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match (fit.method, fit.convergence()) {
        (Method::Irls, Convergence::Converged { iterations, .. }) => {
            writeln!(f, "Number of Fisher Scoring iterations: {iterations}")
        }
        (_, Convergence::Converged { iterations, measure, tolerance })
            if fit.criterion == Criterion::GradientNorm =>
        {
            writeln!(
                f,
                "Gradient ascent converged in {iterations} steps: gradient norm {} <= tolerance {}",
                significant(measure, 3),
                significant(tolerance, 3)
            )
        }
        (_, Convergence::Converged { iterations, measure, tolerance }) => writeln!(
            f,
            "Gradient ascent converged in {iterations} steps: {} {} < tolerance {}",
            fit.criterion,
            significant(measure, 3),
            significant(tolerance, 3)
        ),
        (_, Convergence::FixedIterations { iterations, gradient_norm }) => writeln!(
            f,
            "Gradient ascent stopped after a fixed {iterations} steps (no convergence test); final gradient norm {}",
            significant(gradient_norm, 3)
        ),
    }
}

/// The coefficient table with R's column headings.
fn write_coefficients(fit: &GlmFit, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let aliased = fit.aliased().len();
    if aliased > 0 {
        writeln!(f, "Coefficients: ({aliased} not defined because of singularities)")?;
    } else {
        writeln!(f, "Coefficients:")?;
    }
    let (stat, prob) = if fit.model().family().estimates_dispersion() {
        ("t value", "Pr(>|t|)")
    } else {
        ("z value", "Pr(>|z|)")
    };
    let mut rows = vec![vec![
        String::new(),
        "Estimate".to_owned(),
        "Std. Error".to_owned(),
        stat.to_owned(),
        prob.to_owned(),
        String::new(),
    ]];
    let (se, statistics, p_values) = (fit.std_errors(), fit.statistics(), fit.p_values());
    for (j, name) in fit.names.iter().enumerate() {
        if fit.aliased().contains(&j) {
            let na = || "NA".to_owned();
            rows.push(vec![name.clone(), na(), na(), na(), na(), String::new()]);
            continue;
        }
        let p = p_values[j];
        rows.push(vec![
            name.clone(),
            significant(fit.coefficients()[j], DIGITS),
            significant(se[j], DIGITS),
            significant(statistics[j], DIGITS),
            p_value(p, 3),
            stars(p).to_owned(),
        ]);
    }
    f.write_str(&table(&rows))?;
    writeln!(f, "---")?;
    writeln!(f, "{SIGNIFICANCE_LEGEND}")
}

/// The five-number summary of the deviance residuals of the observations with positive
/// weight (all of them for five or fewer), as R before 4.3 printed it.
fn write_deviance_residuals(fit: &GlmFit, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let all = fit.residuals(ResidualKind::Deviance);
    let residuals: Vec<f64> = all
        .iter()
        .zip(fit.prior_weights().iter())
        .filter(|(_, w)| **w > 0.0)
        .map(|(r, _)| *r)
        .collect();
    writeln!(f, "Deviance Residuals:")?;
    f.write_str(&residual_table(residuals, DIGITS))
}

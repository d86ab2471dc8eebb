//! The `Display` of a [`Fit`]: a summary laid out like R's `summary(lm)`, plus diagnostics.
//!
//! A statistic that is not available prints as `NA`, and the reasons follow the table once each
//! (`NA: essentially perfect fit: …`), where R would print numbers of rounding error after its
//! warning "essentially perfect fit: summary may be unreliable".

use std::fmt;

use crate::fit_result::Fit;
use crate::format::{SIGNIFICANCE_LEGEND, p_value, residual_table, significant, stars, table};
use crate::unavailable::Unavailable;

/// Significant digits of the printed estimates, as R's default `digits = 4`.
const DIGITS: usize = 4;

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut missing = Missing::default();
        writeln!(f, "Least-squares fit by {}", self.method())?;
        writeln!(f)?;
        write_residuals(self, f)?;
        writeln!(f)?;
        let aliased = self.aliased().len();
        if aliased > 0 {
            writeln!(f, "Coefficients: ({aliased} not defined because of singularities)")?;
        } else {
            writeln!(f, "Coefficients:")?;
        }
        let mut rows = vec![vec![
            String::new(),
            "Estimate".to_owned(),
            "Std. Error".to_owned(),
            "t value".to_owned(),
            "Pr(>|t|)".to_owned(),
            String::new(),
        ]];
        let (t, p) = (self.t_values(), self.p_values());
        for (j, name) in self.names().iter().enumerate() {
            if self.aliased().contains(&j) {
                rows.push(vec![
                    name.clone(),
                    "NA".into(),
                    "NA".into(),
                    "NA".into(),
                    "NA".into(),
                    String::new(),
                ]);
                continue;
            }
            rows.push(vec![
                name.clone(),
                significant(self.coefficients()[j], DIGITS),
                significant(self.std_errors()[j], DIGITS),
                missing.number(t[j], |t| significant(t, DIGITS)),
                missing.number(p[j], |p| p_value(p, 3)),
                p[j].map_or(String::new(), |p| stars(p).to_owned()),
            ]);
        }
        f.write_str(&table(&rows))?;
        writeln!(f, "---")?;
        writeln!(f, "{SIGNIFICANCE_LEGEND}")?;
        writeln!(f)?;
        writeln!(
            f,
            "Residual standard error: {} on {} degrees of freedom",
            missing.number(self.sigma(), |s| significant(s, DIGITS)),
            self.df_residual()
        )?;
        let centring = if self.has_intercept() { "" } else { " (uncentred: no intercept)" };
        writeln!(
            f,
            "Multiple R-squared: {}, Adjusted R-squared: {}{centring}",
            missing.number(self.r_squared(), |r| significant(r, DIGITS)),
            missing.number(self.adj_r_squared(), |r| significant(r, DIGITS))
        )?;
        match (self.f_statistic(), self.f_p_value()) {
            (Ok(stat), Ok(p)) => writeln!(
                f,
                "F-statistic: {} on {} and {} DF, p-value: {}",
                significant(stat, DIGITS),
                self.df_model(),
                self.df_residual(),
                p_value(p, 4)
            )?,
            (Err(Unavailable::NoModelTerms), _) => {}
            (Err(reason), _) | (_, Err(reason)) => {
                missing.note(reason);
                writeln!(
                    f,
                    "F-statistic: NA on {} and {} DF, p-value: NA",
                    self.df_model(),
                    self.df_residual()
                )?;
            }
        }
        let likelihood = |v: Result<f64, Unavailable>, missing: &mut Missing| {
            missing.number(v, |v| significant(v, 6))
        };
        writeln!(
            f,
            "Log-likelihood: {} (df = {}), AIC: {}, BIC: {}",
            likelihood(self.log_likelihood(), &mut missing),
            self.rank() + 1,
            likelihood(self.aic(), &mut missing),
            likelihood(self.bic(), &mut missing)
        )?;
        for reason in &missing.reasons {
            writeln!(f, "NA: {}", reason.reason())?;
        }
        writeln!(f)?;
        write!(f, "{}", self.diagnostics())
    }
}

/// The reasons behind the `NA`s printed, each once, in order of appearance.
#[derive(Default)]
struct Missing {
    reasons: Vec<Unavailable>,
}

impl Missing {
    /// A statistic formatted by `show`, or `NA` with its reason noted.
    fn number(
        &mut self,
        value: Result<f64, Unavailable>,
        show: impl FnOnce(f64) -> String,
    ) -> String {
        match value {
            Ok(v) => show(v),
            Err(reason) => {
                self.note(reason);
                "NA".to_owned()
            }
        }
    }

    fn note(&mut self, reason: Unavailable) {
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }
}

/// The five-number summary of the residuals (all of them for five or fewer), weighted by `√w`
/// when the fit has weights, as R does.
fn write_residuals(fit: &Fit, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let residuals: Vec<f64> = match fit.weights() {
        Some(w) => fit
            .residuals()
            .iter()
            .zip(w.iter())
            .filter(|(_, w)| **w > 0.0)
            .map(|(r, w)| r * w.sqrt())
            .collect(),
        None => fit.residuals().iter().copied().collect(),
    };
    writeln!(f, "{}:", if fit.weights().is_some() { "Weighted Residuals" } else { "Residuals" })?;
    f.write_str(&residual_table(residuals, DIGITS))
}

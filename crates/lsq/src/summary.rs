//! The `Display` of a [`Fit`]: a summary laid out like R's `summary(lm)`, plus diagnostics.

use std::fmt;

use crate::fit_result::Fit;
use crate::format::{SIGNIFICANCE_LEGEND, p_value, residual_table, significant, stars, table};

/// Significant digits of the printed estimates, as R's default `digits = 4`.
const DIGITS: usize = 4;

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            let p = self.p_values()[j];
            rows.push(vec![
                name.clone(),
                significant(self.coefficients()[j], DIGITS),
                significant(self.std_errors()[j], DIGITS),
                significant(self.t_values()[j], DIGITS),
                p_value(p, 3),
                stars(p).to_owned(),
            ]);
        }
        f.write_str(&table(&rows))?;
        writeln!(f, "---")?;
        writeln!(f, "{SIGNIFICANCE_LEGEND}")?;
        writeln!(f)?;
        writeln!(
            f,
            "Residual standard error: {} on {} degrees of freedom",
            significant(self.sigma(), DIGITS),
            self.df_residual()
        )?;
        let centring = if self.has_intercept() { "" } else { " (uncentred: no intercept)" };
        writeln!(
            f,
            "Multiple R-squared: {}, Adjusted R-squared: {}{centring}",
            significant(self.r_squared(), DIGITS),
            significant(self.adj_r_squared(), DIGITS)
        )?;
        if let (Some(stat), Some(p)) = (self.f_statistic(), self.f_p_value()) {
            writeln!(
                f,
                "F-statistic: {} on {} and {} DF, p-value: {}",
                significant(stat, DIGITS),
                self.df_model(),
                self.df_residual(),
                p_value(p, 4)
            )?;
        }
        writeln!(
            f,
            "Log-likelihood: {} (df = {}), AIC: {}, BIC: {}",
            significant(self.log_likelihood(), 6),
            self.rank() + 1,
            significant(self.aic(), 6),
            significant(self.bic(), 6)
        )?;
        writeln!(f)?;
        write!(f, "{}", self.diagnostics())
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

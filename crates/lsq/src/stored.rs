//! Reading a [`crate::Fit`] back with serde (feature `serde`): it is read into this plain mirror
//! of its fields and accepted only if the parts fit together, so that no stored value can make
//! a later call panic or index out of bounds.

use nalgebra::DVector;

use crate::diagnostics::Diagnostics;
use crate::method::Method;
use crate::scaling::Scaling;
use crate::solvers::Covariance;
use crate::statistics::Statistics;

/// A [`crate::Fit`] as stored: its fields, read as they were written.
#[derive(serde::Deserialize)]
pub(crate) struct StoredFit {
    pub(crate) names: Vec<String>,
    pub(crate) method: Method,
    pub(crate) coefficients: DVector<f64>,
    pub(crate) std_errors: DVector<f64>,
    pub(crate) scaled_coefficients: DVector<f64>,
    pub(crate) stats: Statistics,
    pub(crate) scaling: Scaling,
    pub(crate) rank: usize,
    pub(crate) aliased: Vec<usize>,
    pub(crate) observations: usize,
    pub(crate) weights: Option<DVector<f64>>,
    pub(crate) intercept: bool,
    pub(crate) diagnostics: Diagnostics,
}

impl StoredFit {
    /// Whether the stored parts fit together: one entry a coefficient in every per-coefficient
    /// vector and in the scaling, a covariance of that order, aliased columns that exist and a
    /// rank that counts the others, fitted values and residuals one an observation row, and
    /// weights (if any) as many as the rows.
    pub(crate) fn check(&self) -> Result<(), String> {
        let p = self.names.len();
        let lengths = [
            ("coefficients", self.coefficients.len()),
            ("standard errors", self.std_errors.len()),
            ("scaled coefficients", self.scaled_coefficients.len()),
            ("statistics' standard errors", self.stats.std_errors.len()),
            ("column scalings", self.scaling.columns.len()),
        ];
        if let Some((what, n)) = lengths.iter().find(|(_, n)| *n != p) {
            return Err(format!("a stored fit has {p} names but {n} {what}"));
        }
        let covariance = match &self.stats.covariance {
            Covariance::Root(f) | Covariance::Explicit(f) => f,
        };
        if covariance.nrows() != p {
            return Err(format!(
                "a stored fit of {p} coefficients has a covariance of {} rows",
                covariance.nrows()
            ));
        }
        if let Some(&j) = self.aliased.iter().find(|&&j| j >= p) {
            return Err(format!("a stored fit of {p} coefficients names aliased column {j}"));
        }
        if self.rank + self.aliased.len() != p {
            return Err(format!(
                "a stored fit has rank {} with {} aliased of {p} columns",
                self.rank,
                self.aliased.len()
            ));
        }
        let m = self.stats.fitted.len();
        if self.stats.residuals.len() != m || self.weights.as_ref().is_some_and(|w| w.len() != m) {
            return Err(format!(
                "a stored fit's residuals or weights do not match its {m} fitted values"
            ));
        }
        if self.observations > m || self.observations < self.rank {
            return Err(format!(
                "a stored fit of {m} rows and rank {} claims {} observations",
                self.rank, self.observations
            ));
        }
        Ok(())
    }
}

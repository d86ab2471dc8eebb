//! Reading a [`crate::GlmFit`] back with serde (feature `serde`): it is read into this plain
//! mirror of its fields and accepted only if the parts fit together, so that no stored value
//! can make a later call panic or index out of bounds.

use nalgebra::{DMatrix, DVector};

use crate::convergence::Convergence;
use crate::criterion::Criterion;
use crate::family::Family;
use crate::method::Method;
use crate::model::Model;
use crate::warning::Warning;

/// A [`crate::GlmFit`] as stored: its fields, read as they were written.
#[derive(serde::Deserialize)]
pub(crate) struct StoredFit {
    pub(crate) model: Model,
    pub(crate) method: Method,
    pub(crate) names: Vec<String>,
    pub(crate) intercept: bool,
    pub(crate) coefficients: DVector<f64>,
    pub(crate) scaled_covariance: DMatrix<f64>,
    pub(crate) scales: DVector<f64>,
    pub(crate) aliased: Vec<usize>,
    pub(crate) deviance: f64,
    pub(crate) null_deviance: f64,
    pub(crate) log_likelihood: f64,
    pub(crate) y: DVector<f64>,
    pub(crate) mu: DVector<f64>,
    pub(crate) eta: DVector<f64>,
    pub(crate) prior_weights: DVector<f64>,
    pub(crate) history: Vec<f64>,
    pub(crate) convergence: Convergence,
    pub(crate) step_halvings: usize,
    pub(crate) criterion: Criterion,
    pub(crate) newton_steps: usize,
    pub(crate) digits: f64,
    pub(crate) evaluations: Option<usize>,
    pub(crate) scaled_observed_covariance: Option<DMatrix<f64>>,
    pub(crate) observations: usize,
    pub(crate) warnings: Vec<Warning>,
}

impl StoredFit {
    /// Whether the stored parts fit together: at least one coefficient, one name a coefficient,
    /// a scale for each and covariance factors of that order; aliased columns that exist,
    /// ascending without repeats; the response, means, linear predictor and prior weights one
    /// an observation row; a count of observations equal to the rows with positive weight and
    /// at least the rank (and 1 with an intercept), so that the degrees of freedom exist; a
    /// finite, non-negative deviance; a negative binomial θ finite and positive; and warnings
    /// that name rows that exist.
    pub(crate) fn check(&self) -> Result<(), String> {
        let p = self.names.len();
        if p == 0 {
            return Err("a stored fit has no coefficients".to_owned());
        }
        let lengths = [("coefficients", self.coefficients.len()), ("scales", self.scales.len())];
        if let Some((what, n)) = lengths.iter().find(|(_, n)| *n != p) {
            return Err(format!("a stored fit has {p} names but {n} {what}"));
        }
        let factors = std::iter::once(("covariance", &self.scaled_covariance))
            .chain(self.scaled_observed_covariance.iter().map(|c| ("observed covariance", c)));
        for (what, c) in factors {
            if c.shape() != (p, p) {
                return Err(format!(
                    "a stored fit of {p} coefficients has a {what} of {}×{}",
                    c.nrows(),
                    c.ncols()
                ));
            }
        }
        if let Some(&j) = self.aliased.iter().find(|&&j| j >= p) {
            return Err(format!("a stored fit of {p} coefficients names aliased column {j}"));
        }
        if self.aliased.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!(
                "a stored fit's aliased columns {:?} are not ascending without repeats",
                self.aliased
            ));
        }
        let m = self.y.len();
        if m == 0 {
            return Err("a stored fit has no observations".to_owned());
        }
        let rows = [
            ("fitted values", self.mu.len()),
            ("linear predictors", self.eta.len()),
            ("prior weights", self.prior_weights.len()),
        ];
        if let Some((what, n)) = rows.iter().find(|(_, n)| *n != m) {
            return Err(format!("a stored fit has {m} responses but {n} {what}"));
        }
        let positive = self.prior_weights.iter().filter(|&&w| w > 0.0).count();
        if self.observations != positive {
            return Err(format!(
                "a stored fit claims {} observations but {positive} rows have positive weight",
                self.observations
            ));
        }
        let rank = p - self.aliased.len();
        if self.observations < rank.max(usize::from(self.intercept)) {
            return Err(format!(
                "a stored fit of rank {rank} has only {} observations",
                self.observations
            ));
        }
        if !(self.deviance.is_finite() && self.deviance >= 0.0) {
            return Err(format!(
                "a stored fit's deviance {} is not finite and non-negative",
                self.deviance
            ));
        }
        if let Family::NegativeBinomial { theta } = self.model.family()
            && !(theta.is_finite() && theta > 0.0)
        {
            return Err(format!("a stored negative binomial fit has theta {theta}"));
        }
        for warning in &self.warnings {
            let Warning::NonIntegerCounts { index, .. } = warning;
            if *index >= m {
                return Err(format!("a stored fit of {m} rows warns about row {index}"));
            }
        }
        Ok(())
    }
}

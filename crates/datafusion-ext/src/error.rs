//! [`Error`]: the failures of [`crate::fit_glm`] that belong to the iteration rather than to a
//! row of the data, carried inside `DataFusionError::External` so that a caller can match them.

use glm::{Family, Link};

/// Why [`crate::fit_glm`] did not return a fit, beyond the row-level errors (a response outside
/// the family's domain, a NULL under `Nulls::Fail`, a rank-deficient design), which are
/// `DataFusionError::Execution`s naming the value.
///
/// `fit_glm` returns these as `DataFusionError::External(Box<Error>)`; downcast the box to
/// match on them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// IRLS reached its iteration limit with the deviance still changing.
    #[error(
        "glm: IRLS did not converge in {iterations} iterations: the last deviance {deviance} changed by {change:e} relative, tolerance {tolerance:e}"
    )]
    NotConverged {
        /// The iteration limit.
        iterations: usize,
        /// The deviance at the last iterate.
        deviance: f64,
        /// The last relative change `|D − D_old|/(|D| + c)`.
        change: f64,
        /// The tolerance it had to fall below.
        tolerance: f64,
    },
    /// Halving a step as often as allowed still left `η` or `μ` outside its domain or the
    /// deviance non-finite or larger than before.
    #[error(
        "glm: step-halving failed in iteration {iteration}: after {halvings} halvings the deviance is {deviance} against {previous} before the step"
    )]
    StepHalvingFailed {
        /// The IRLS iteration (1-based).
        iteration: usize,
        /// The halvings tried.
        halvings: usize,
        /// The deviance at the last trial point (NaN when it left the domain).
        deviance: f64,
        /// The deviance at the previous iterate (or at the starting means).
        previous: f64,
    },
    /// R's starting means `μ₀` put some `η₀ = g(μ₀)` outside the link's domain, or the
    /// first step left the domain with no intercept-only point to fall back on.
    #[error(
        "glm: no valid starting point: η = {eta} and μ = {mu} are outside the domains of the {link:?} link and the {family} family"
    )]
    InvalidStart {
        /// The offending linear predictor.
        eta: f64,
        /// The offending mean.
        mu: f64,
        /// The family.
        family: Family,
        /// The link.
        link: Link,
    },
    /// A family whose dispersion is estimated needs more observations than coefficients.
    #[error(
        "glm: {observations} observations leave no residual degrees of freedom for {coefficients} coefficients, so the dispersion cannot be estimated"
    )]
    NoResidualDegreesOfFreedom {
        /// Rows of nonzero weight.
        observations: u64,
        /// Coefficients.
        coefficients: u64,
    },
    /// The intercept-only model with the offset (R's null model) could not be fitted.
    #[error("glm: the null model (intercept and offset only) failed: {reason}")]
    NullModel {
        /// The failure of its fit, as text.
        reason: String,
    },
    /// The log-likelihood at the estimate overflowed.
    #[error("glm: the log-likelihood at the estimate is {value}, not finite")]
    NonFiniteLikelihood {
        /// The value summed.
        value: f64,
    },
}

impl From<Error> for datafusion::error::DataFusionError {
    fn from(e: Error) -> Self {
        datafusion::error::DataFusionError::External(Box::new(e))
    }
}

//! [`PoissonAnswer`]: what [`crate::Error::ThetaInfinite`] carries of the Poisson fit, a
//! plain record so that the error type does not depend on [`crate::GlmFit`].

use nalgebra::DVector;

/// The answer of the Poisson fit that a negative binomial with θ estimated falls back to when
/// the data show no over-dispersion ([`crate::Error::ThetaInfinite`]): θ̂ = ∞, where the negative
/// binomial is the Poisson.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Error, Link};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// // Counts less variable than a Poisson's: no over-dispersion, θ runs to infinity.
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![2.0, 3.0, 3.0, 4.0, 5.0, 5.0];
/// let err = glm::fit_negative_binomial(&Data::new(&design, &y), Link::Log, &Control::default()).unwrap_err();
/// let Error::ThetaInfinite { poisson, .. } = err else { return Err("expected θ = ∞".into()) };
/// let direct = glm::fit(&Data::new(&design, &y), glm::Family::Poisson, &Control::default())?;
/// assert_eq!(&poisson.coefficients, direct.coefficients());
/// assert_eq!(poisson.deviance, direct.deviance());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PoissonAnswer {
    /// The Poisson fit's coefficients, one per design column (0 for aliased columns).
    pub coefficients: DVector<f64>,
    /// Their standard errors (NaN for aliased columns).
    pub std_errors: DVector<f64>,
    /// The Poisson fit's residual deviance.
    pub deviance: f64,
    /// Its log-likelihood (R's `logLik`).
    pub log_likelihood: f64,
}

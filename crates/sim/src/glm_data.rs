//! GLM data from a design, coefficients and an inverse link: η = Xθ, μ = g⁻¹(η), y drawn
//! from the chosen response distribution.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::error::{Error, Result};
use crate::numeric::mat_vec;
use crate::responses::{
    bernoulli, binomial, gamma, gaussian, inverse_gaussian, negative_binomial, poisson,
};

/// The response distribution of [`glm_response`], with its dispersion parameter.
///
/// Each variant draws through the function of the same name in this crate; see that
/// function for the exact model and domain.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
/// use sim::ResponseKind;
///
/// let mu = DVector::from_element(4, 2.0);
/// let y = ResponseKind::NegativeBinomial { theta: 3.0 }.sample(&mu, &mut sim::rng_from_seed(1))?;
/// assert_eq!(y.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ResponseKind {
    /// `y = μ + σ·z`, see [`gaussian`](crate::gaussian).
    Gaussian {
        /// Standard deviation σ > 0.
        sigma: f64,
    },
    /// `y ~ Poisson(μ)`, see [`poisson`](crate::poisson).
    Poisson,
    /// `y ~ Bernoulli(μ)` with μ ∈ [0, 1], see [`bernoulli`](crate::bernoulli).
    Bernoulli,
    /// `y ~ Binomial(trials, μ)` successes, see [`binomial`](crate::binomial).
    Binomial {
        /// Number of trials per observation, at least 1.
        trials: u64,
    },
    /// Gamma with mean μ and shape k, see [`gamma`](crate::gamma).
    Gamma {
        /// Shape k > 0; the variance is μ²/k.
        shape: f64,
    },
    /// Inverse Gaussian with mean μ and shape λ, see [`inverse_gaussian`](crate::inverse_gaussian).
    InverseGaussian {
        /// Shape λ > 0; the variance is μ³/λ.
        lambda: f64,
    },
    /// Gamma–Poisson mixture with size θ, see [`negative_binomial`](crate::negative_binomial).
    NegativeBinomial {
        /// Size θ > 0; the variance is μ + μ²/θ.
        theta: f64,
    },
}

impl ResponseKind {
    /// Draws one response per entry of `mu`, in index order.
    ///
    /// # Errors
    ///
    /// The errors of the corresponding response function: an invalid dispersion parameter or
    /// a mean outside the distribution's domain.
    ///
    /// # Examples
    ///
    /// ```
    /// use nalgebra::DVector;
    ///
    /// let p = DVector::from_vec(vec![0.2, 0.9]);
    /// let y = sim::ResponseKind::Bernoulli.sample(&p, &mut sim::rng_from_seed(2))?;
    /// assert!(y.iter().all(|&v| v == 0.0 || v == 1.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sample(&self, mu: &DVector<f64>, rng: &mut impl Rng) -> Result<DVector<f64>> {
        match *self {
            Self::Gaussian { sigma } => gaussian(mu, sigma, rng),
            Self::Poisson => poisson(mu, rng),
            Self::Bernoulli => bernoulli(mu, rng),
            Self::Binomial { trials } => binomial(mu, trials, rng),
            Self::Gamma { shape } => gamma(mu, shape, rng),
            Self::InverseGaussian { lambda } => inverse_gaussian(mu, lambda, rng),
            Self::NegativeBinomial { theta } => negative_binomial(mu, theta, rng),
        }
    }
}

/// Simulated GLM data: the design, the response, and the true mean behind it.
///
/// # Examples
///
/// ```
/// let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(7))?;
/// assert_eq!(s.x.shape(), (80, 2));
/// assert_eq!((s.y.len(), s.mu.len(), s.eta.len()), (80, 80, 80));
/// assert_eq!(s.t.as_ref().map(|t| t.len()), Some(80));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlmSample {
    /// The m × p design matrix (the lessons' has an intercept column of ones first).
    pub x: DMatrix<f64>,
    /// The m responses.
    pub y: DVector<f64>,
    /// The true means μ = g⁻¹(η).
    pub mu: DVector<f64>,
    /// The true linear predictor η = Xθ.
    pub eta: DVector<f64>,
    /// The true coefficients θ.
    pub theta: DVector<f64>,
    /// The raw scalar covariate behind the design, for plotting: `Some(t)` for the lessons
    /// (the linspace, equal to column 1 of `x`), `None` from [`glm_response`], whose design
    /// has no distinguished covariate.
    pub t: Option<DVector<f64>>,
}

/// Simulates GLM data for a given design: η = Xθ, μᵢ = g⁻¹(ηᵢ), yᵢ drawn by `response`.
///
/// The design is taken by value because it is stored in the returned [`GlmSample`].
/// η is computed column by column (`η += x[:, j]·θ_j`) without FMA, so it is reproducible
/// across CPUs; the inverse link is whatever closure the caller passes (for example
/// `f64::exp` for a log link or the logistic function for a logit link).
///
/// # Algorithm
///
/// A matrix–vector product, one inverse-link call per row, then the response draws in row
/// order (see [`ResponseKind`]).
///
/// # Cost
///
/// 2mp flops plus m response draws.
///
/// # Accuracy
///
/// Each ηᵢ carries the rounding of a p-term sum, `O(p·ε·Σ|x_ij·θ_j|)` per entry.
///
/// # Errors
///
/// [`Error::DimensionMismatch`] if `theta.len() != x.ncols()`; [`Error::MeanOverflow`] if
/// some ηᵢ or μᵢ is not finite; the response's errors if μ is outside its domain (for
/// example a probability above 1 from a log link).
///
/// # Examples
///
/// ```
/// use nalgebra::{DMatrix, DVector};
/// use sim::ResponseKind;
///
/// let x = DMatrix::from_row_slice(3, 2, &[1.0, -1.0, 1.0, 0.0, 1.0, 1.0]);
/// let theta = DVector::from_vec(vec![0.2, 0.5]);
/// let s = sim::glm_response(x, &theta, f64::exp, ResponseKind::Gamma { shape: 4.0 }, &mut sim::rng_from_seed(3))?;
/// assert_eq!(s.mu[1], 0.2_f64.exp());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn glm_response(
    x: DMatrix<f64>,
    theta: &DVector<f64>,
    inverse_link: impl Fn(f64) -> f64,
    response: ResponseKind,
    rng: &mut impl Rng,
) -> Result<GlmSample> {
    if theta.len() != x.ncols() {
        return Err(Error::DimensionMismatch {
            name: "theta",
            expected: x.ncols(),
            found: theta.len(),
        });
    }
    let eta = mat_vec(&x, theta);
    let mu = eta.map(&inverse_link);
    if let Some(index) =
        eta.iter().zip(mu.iter()).position(|(e, m)| !(e.is_finite() && m.is_finite()))
    {
        return Err(Error::MeanOverflow { index, eta: eta[index] });
    }
    let y = response.sample(&mu, rng)?;
    Ok(GlmSample { x, y, mu, eta, theta: theta.clone(), t: None })
}

/// The logistic function `1 / (1 + e^{−η})`, evaluated without overflow for either sign.
pub(crate) fn logistic(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    fn design() -> DMatrix<f64> {
        DMatrix::from_fn(6, 2, |i, j| if j == 0 { 1.0 } else { crate::numeric::usize_to_f64(i) })
    }

    #[track_caller]
    fn check(kind: ResponseKind, link: impl Fn(f64) -> f64, theta: [f64; 2]) -> GlmSample {
        let theta = DVector::from_column_slice(&theta);
        let s = glm_response(design(), &theta, &link, kind, &mut rng_from_seed(1)).unwrap();
        assert_eq!(s.x, design());
        for i in 0..6 {
            let eta = theta[0] + theta[1] * s.x[(i, 1)];
            assert_eq!(s.eta[i].to_bits(), eta.to_bits());
            assert_eq!(s.mu[i].to_bits(), link(eta).to_bits());
        }
        assert_eq!(s.t, None);
        s
    }

    #[test]
    fn every_response_kind_draws_from_the_mean() {
        check(ResponseKind::Poisson, f64::exp, [0.1, 0.3]);
        check(ResponseKind::NegativeBinomial { theta: 2.0 }, f64::exp, [0.1, 0.3]);
        check(ResponseKind::Gamma { shape: 2.0 }, f64::exp, [0.1, 0.3]);
        check(ResponseKind::InverseGaussian { lambda: 2.0 }, f64::exp, [0.1, 0.3]);
        check(ResponseKind::Gaussian { sigma: 0.5 }, |e| e, [0.1, 0.3]);
        let s = check(ResponseKind::Bernoulli, logistic, [-1.0, 0.5]);
        assert!(s.y.iter().all(|v| [0.0, 1.0].contains(v)));
        let s = check(ResponseKind::Binomial { trials: 5 }, logistic, [-1.0, 0.5]);
        assert!(s.y.iter().all(|&v| (0.0..=5.0).contains(&v)));
    }

    #[test]
    fn logistic_is_stable_and_symmetric() {
        for eta in [-800.0, -30.0, -1.0, 0.0, 2.5, 40.0, 800.0] {
            let p = logistic(eta);
            assert!((0.0..=1.0).contains(&p));
            approx::assert_relative_eq!(p + logistic(-eta), 1.0, max_relative = 4.0 * f64::EPSILON);
        }
        assert_eq!(logistic(0.0).to_bits(), 0.5_f64.to_bits());
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        let theta3 = DVector::from_element(3, 0.1);
        assert!(matches!(
            glm_response(design(), &theta3, f64::exp, ResponseKind::Poisson, rng),
            Err(Error::DimensionMismatch { name: "theta", expected: 2, found: 3 })
        ));
        let big = DVector::from_vec(vec![0.0, 200.0]);
        assert!(matches!(
            glm_response(design(), &big, f64::exp, ResponseKind::Poisson, rng),
            Err(Error::MeanOverflow { index: 4, eta }) if eta.to_bits() == 800.0_f64.to_bits()
        ));
        let probs = DVector::from_vec(vec![0.0, 1.0]);
        assert!(matches!(
            glm_response(design(), &probs, f64::exp, ResponseKind::Bernoulli, rng),
            Err(Error::OutOfDomain { name: "p", index: 1, .. })
        ));
    }
}

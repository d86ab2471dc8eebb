//! Prediction on new rows: the linear predictor and the mean, with standard errors.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Input, Result};
use crate::glm_fit::GlmFit;
use crate::options::check_vector;

/// Predictions for new rows, on the link and the response scale, with standard errors.
///
/// # Examples
///
/// See [`GlmFit::predict`].
///
/// ```
/// # use approx::assert_relative_eq;
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// # let design = Design::new(s.x.clone())?;
/// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
/// // Predicting the design's own rows reproduces the fit.
/// let p = fit.predict(&s.x, None)?;
/// assert_relative_eq!(p.link(), fit.linear_predictor(), epsilon = 1e-12);
/// assert_relative_eq!(p.response(), fit.fitted_values(), max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    link: DVector<f64>,
    link_std_errors: DVector<f64>,
    response: DVector<f64>,
    response_std_errors: DVector<f64>,
}

impl Prediction {
    /// The linear predictor `η = xᵀθ̂ + offset`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // t = 1.5, once with no offset and once with exposure 2 (offset ln 2).
    /// let p = fit.predict(&dmatrix![1.0, 1.5; 1.0, 1.5], Some(&dvector![0.0, 2.0_f64.ln()]))?;
    /// let theta = fit.coefficients();
    /// assert_relative_eq!(p.link()[0], theta[0] + 1.5 * theta[1]);
    /// assert_relative_eq!(p.link()[1], p.link()[0] + 2.0_f64.ln());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link(&self) -> &DVector<f64> {
        &self.link
    }

    /// Standard errors of `η`: `√(φ·xᵀ(XᵀWX)⁻¹x)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // √(xᵀ·Cov·x), here at t = 1.5.
    /// let x = dvector![1.0, 1.5];
    /// let p = fit.predict(&dmatrix![1.0, 1.5], None)?;
    /// let se = x.dot(&(fit.covariance() * &x)).sqrt();
    /// assert_relative_eq!(p.link_std_errors()[0], se, max_relative = 1e-12);
    /// // At t = 0 the linear predictor is the intercept, with the intercept's standard error.
    /// let at_zero = fit.predict(&dmatrix![1.0, 0.0], None)?;
    /// assert_relative_eq!(at_zero.link_std_errors()[0], fit.std_errors()[0], epsilon = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link_std_errors(&self) -> &DVector<f64> {
        &self.link_std_errors
    }

    /// The mean `μ = g⁻¹(η)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::dmatrix;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let p = fit.predict(&dmatrix![1.0, 0.5; 1.0, 2.5], None)?;
    /// // μ = exp(η) under the log link, and it rises with the lesson's slope.
    /// assert_relative_eq!(p.response(), &p.link().map(f64::exp), max_relative = 1e-15);
    /// assert!(p.response()[1] > p.response()[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn response(&self) -> &DVector<f64> {
        &self.response
    }

    /// Standard errors of `μ` by the delta method: `|dμ/dη|·se(η)` (R's
    /// `predict(type = "response", se.fit = TRUE)`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::Link;
    /// # use nalgebra::dmatrix;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let sqrt = FitOptions::default().link(Link::Sqrt);
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &sqrt)?;
    /// let p = fit.predict(&dmatrix![1.0, 1.5], None)?;
    /// // μ = η², so dμ/dη = 2η.
    /// let delta = 2.0 * p.link()[0] * p.link_std_errors()[0];
    /// assert_relative_eq!(p.response_std_errors()[0], delta, max_relative = 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn response_std_errors(&self) -> &DVector<f64> {
        &self.response_std_errors
    }
}

impl GlmFit {
    /// Predicts new rows `x` (one column per design column) with an optional offset.
    ///
    /// # Algorithm
    /// `η = xᵀθ̂ + offset`, `se(η)² = φ·xᵀCx` with `C = (XᵀWX)⁻¹` from the fit's QR factor,
    /// `μ = g⁻¹(η)`, `se(μ) = |dμ/dη|·se(η)` (delta method; McCullagh & Nelder, 1989, §2.5).
    ///
    /// # Cost
    /// `O(kp²)` for k new rows.
    ///
    /// # Accuracy
    /// As the fit's covariance, which inherits the conditioning `κ(√W·X)` of the final
    /// weighted least-squares problem. The delta method is a first-order approximation; for
    /// a strongly curved link, intervals are better formed on the link scale and mapped.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for the wrong number of columns or offset entries,
    /// [`Error::NonFinite`] naming the row, [`Error::PredictionOutOfDomain`] when a row's `η`
    /// or `μ` is outside the link's or family's domain.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// let fit = glm::fit(&design, &dvector![2.0, 3.0, 6.0, 7.0], Family::Poisson, &FitOptions::default())?;
    /// let p = fit.predict(&dmatrix![1.0, 1.5], None)?;
    /// assert!((p.response()[0] - p.link()[0].exp()).abs() < 1e-12);
    /// assert!((p.response_std_errors()[0] - p.response()[0] * p.link_std_errors()[0]).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict(&self, x: &DMatrix<f64>, offset: Option<&DVector<f64>>) -> Result<Prediction> {
        let (k, p) = x.shape();
        if p != self.coefficients.len() {
            return Err(Error::DimensionMismatch {
                input: Input::NewData,
                expected: self.coefficients.len(),
                found: p,
            });
        }
        if let Some((index, value)) =
            (0..k).find_map(|i| x.row(i).iter().find(|v| !v.is_finite()).map(|&v| (i, v)))
        {
            return Err(Error::NonFinite { input: Input::NewData, index, value });
        }
        if let Some(o) = offset {
            check_vector(o, k, Input::Offset)?;
        }
        let c = &self.unscaled_covariance;
        let mut link = DVector::zeros(k);
        let mut link_se = DVector::zeros(k);
        let mut response = DVector::zeros(k);
        let mut response_se = DVector::zeros(k);
        for i in 0..k {
            let row = x.row(i).transpose();
            let eta = row.dot(&self.coefficients) + offset.map_or(0.0, |o| o[i]);
            let mu = self.link.inverse(eta);
            if !self.link.eta_domain().contains(eta) || !self.family.mean_domain().contains(mu) {
                return Err(Error::PredictionOutOfDomain {
                    index: i,
                    eta,
                    mu,
                    family: self.family,
                    link: self.link,
                });
            }
            // xᵀCx ≥ 0 for the positive semi-definite C = FFᵀ; rounding cannot make it
            // negative by more than ulps, which `abs` absorbs without hiding a real error.
            let se = (self.dispersion * row.dot(&(c * &row))).abs().sqrt();
            link[i] = eta;
            link_se[i] = se;
            response[i] = mu;
            response_se[i] = self.link.mu_eta(eta).abs() * se;
        }
        Ok(Prediction {
            link,
            link_std_errors: link_se,
            response,
            response_std_errors: response_se,
        })
    }
}

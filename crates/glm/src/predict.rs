//! Prediction on new rows: the linear predictor and the mean, with standard errors.

use nalgebra::{DMatrix, DVector};

use crate::data::check_vector;
use crate::error::{Error, Input, Result};
use crate::glm_fit::GlmFit;

/// Predictions for new rows ([`GlmFit::predict`]), on the link and the response scale, with
/// standard errors; one entry per row. See [`GlmFit::predict`] for an example.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Prediction {
    /// The linear predictor `η = xᵀθ̂ + offset`.
    pub link: DVector<f64>,
    /// Standard errors of `η`: `√(φ·xᵀ(XᵀWX)⁻¹x)`.
    pub link_std_errors: DVector<f64>,
    /// The mean `μ = g⁻¹(η)`.
    pub response: DVector<f64>,
    /// Standard errors of `μ` by the delta method: `|dμ/dη|·se(η)` (R's
    /// `predict(type = "response", se.fit = TRUE)`).
    pub response_std_errors: DVector<f64>,
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
    /// use glm::{Control, Data, Design, Family, Link};
    /// use glm::nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// let y = dvector![2.0, 3.0, 6.0, 7.0];
    /// let fit = glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default())?;
    /// // t = 1.5, once with no offset and once with exposure 2 (offset ln 2).
    /// let p = fit.predict(&dmatrix![1.0, 1.5; 1.0, 1.5], Some(&dvector![0.0, 2.0_f64.ln()]))?;
    /// let theta = fit.coefficients();
    /// assert!((p.link[0] - (theta[0] + 1.5 * theta[1])).abs() < 1e-12);
    /// assert!((p.link[1] - p.link[0] - 2.0_f64.ln()).abs() < 1e-12);
    /// // μ = exp(η) under the log link (the link's own `exp`, within an ulp of `f64::exp`), and
    /// // dμ/dη = μ for the delta method.
    /// assert_eq!(p.response, p.link.map(|e| Link::Log.inverse(e)));
    /// assert!((p.response[0] - p.link[0].exp()).abs() <= p.response[0] * f64::EPSILON);
    /// assert!((p.response_std_errors[0] - p.response[0] * p.link_std_errors[0]).abs() < 1e-12);
    /// // Predicting the design's own rows reproduces the fit.
    /// let own = fit.predict(design.matrix(), None)?;
    /// assert!((&own.response - fit.fitted_values()).amax() < 1e-12);
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
        let c = &self.scaled_covariance;
        let root = self.dispersion().sqrt();
        let (family, link_fn) = (self.model.family(), self.model.link());
        let mut link = DVector::zeros(k);
        let mut link_se = DVector::zeros(k);
        let mut response = DVector::zeros(k);
        let mut response_se = DVector::zeros(k);
        for i in 0..k {
            let row = x.row(i).transpose();
            let eta = row.dot(&self.coefficients) + offset.map_or(0.0, |o| o[i]);
            let mu = link_fn.inverse(eta);
            if !link_fn.eta_domain().contains(eta) || !family.mean_domain().contains(mu) {
                return Err(Error::PredictionOutOfDomain {
                    index: i,
                    eta,
                    mu,
                    family,
                    link: link_fn,
                });
            }
            // xᵀCx = vᵀC′v with v = Dx, the row in the units of the equilibrated design, so
            // that no column scaling overflows it. It is ≥ 0 for the positive semi-definite C′;
            // rounding cannot make it negative by more than ulps, which `abs` absorbs.
            // v is normalised by its largest entry first, so that a row in units far from the
            // design's cannot overflow the quadratic form.
            let v = row.component_mul(&self.scales);
            let size = v.amax();
            let u = if size > 0.0 { v / size } else { v };
            let se = root * u.dot(&(c * &u)).abs().sqrt() * size;
            link[i] = eta;
            link_se[i] = se;
            response[i] = mu;
            response_se[i] = link_fn.mu_eta(eta).abs() * se;
        }
        Ok(Prediction {
            link,
            link_std_errors: link_se,
            response,
            response_std_errors: response_se,
        })
    }
}

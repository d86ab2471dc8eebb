//! Prediction on new rows with confidence and prediction intervals.

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::ContinuousCDF;

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::fit_result::Fit;
use crate::options::check_level;
use crate::statistics::student_t;

/// Predictions for new rows `x₀`: the mean `x₀ᵀβ̂`, its standard error, and intervals.
///
/// The confidence interval covers the mean response `x₀ᵀβ` at the given level; the prediction
/// interval covers a new observation `x₀ᵀβ + ε` with unit weight, as R's
/// `predict.lm(interval = "prediction")` with its default weights.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let fit = lsq::fit(&design, &dvector![1.1, 1.9, 3.2, 3.9, 5.1], &FitOptions::default())?;
/// // Predicting at the design's own rows gives the fitted values.
/// let p = fit.predict(design.matrix(), 0.9)?;
/// approx::assert_relative_eq!(p.fit, fit.fitted_values().clone(), max_relative = 1e-12);
/// assert_eq!(p.level, 0.9);
/// // A new observation is less certain than its mean: the prediction interval is wider.
/// for i in 0..5 {
///     assert!(p.prediction_lower[i] < p.confidence_lower[i]);
///     assert!(p.confidence_upper[i] < p.prediction_upper[i]);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Predicted means `x₀ᵀβ̂`.
    pub fit: DVector<f64>,
    /// Standard errors of the predicted means, `σ̂·√(x₀ᵀ(XᵀWX)⁻¹x₀)`.
    pub se_fit: DVector<f64>,
    /// Lower end of the confidence interval for the mean.
    pub confidence_lower: DVector<f64>,
    /// Upper end of the confidence interval for the mean.
    pub confidence_upper: DVector<f64>,
    /// Lower end of the prediction interval for a new observation.
    pub prediction_lower: DVector<f64>,
    /// Upper end of the prediction interval for a new observation.
    pub prediction_upper: DVector<f64>,
    /// The level of both intervals.
    pub level: f64,
}

impl Fit {
    /// Predicts at new rows (one per row of `new_rows`, same columns as the design).
    ///
    /// # Algorithm
    /// `ŷ₀ = x₀ᵀβ̂`; `se = σ̂·‖Fᵀx₀‖` with `F` the method's square root of `(XᵀWX)⁻¹`
    /// (`P·D·R⁻¹` for QR); intervals use Student t with [`Fit::df_residual`] degrees of freedom.
    ///
    /// # Cost
    /// `O(k·n²)` flops for k new rows.
    ///
    /// # Accuracy
    /// As the coefficients. For a rank-deficient fit, predictions are meaningful only for rows in
    /// the row space of the design (as R warns).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if the column count differs from the design's,
    /// [`Error::NonFinite`] for NaN or infinite entries, [`Error::InvalidOption`] for a level
    /// outside `(0, 1)`.
    pub fn predict(&self, new_rows: &DMatrix<f64>, level: f64) -> Result<Prediction> {
        let p = self.coefficients().len();
        if new_rows.ncols() != p {
            return Err(Error::DimensionMismatch {
                input: Input::NewData,
                expected: p,
                found: new_rows.ncols(),
            });
        }
        check_matrix_finite(new_rows, Input::NewData)?;
        check_level(level)?;
        let q = student_t(count_to_f64(self.df_residual()))?.inverse_cdf(0.5 + level / 2.0);
        let sigma = self.sigma();
        let k = new_rows.nrows();
        let fit = new_rows * self.coefficients();
        let se_fit = DVector::from_fn(k, |i, _| {
            let row: Vec<f64> = new_rows.row(i).iter().copied().collect();
            sigma * self.covariance_factor().quadratic_form(&row).sqrt()
        });
        let se_pred = se_fit.map(|s| s.hypot(sigma));
        Ok(Prediction {
            confidence_lower: &fit - &se_fit * q,
            confidence_upper: &fit + &se_fit * q,
            prediction_lower: &fit - &se_pred * q,
            prediction_upper: &fit + &se_pred * q,
            fit,
            se_fit,
            level,
        })
    }
}

//! Prediction on new rows with confidence and prediction intervals.

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Quantity, Result};
use crate::fit_result::Fit;
use crate::options::check_level;
use crate::scaling::{exponent, scale_by, to_finite};
use crate::statistics::t_quantile;

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// (`P·D·R⁻¹` for QR), evaluated on the equilibrated problem with each row scaled by its own
    /// power of two; intervals use Student t with [`Fit::df_residual`] degrees of freedom.
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
    /// outside `(0, 1)`, [`Error::Unrepresentable`] for a prediction, standard error or bound
    /// beyond the range of `f64` (a new row far outside the data, say).
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
        let q = t_quantile(count_to_f64(self.df_residual()), level);
        let (beta, covariance, sigma, scaling) = self.scaled();
        let (r, h) = (scaling.response, scaling.weights);
        let k = new_rows.nrows();
        let mut prediction = Prediction {
            fit: DVector::zeros(k),
            se_fit: DVector::zeros(k),
            confidence_lower: DVector::zeros(k),
            confidence_upper: DVector::zeros(k),
            prediction_lower: DVector::zeros(k),
            prediction_upper: DVector::zeros(k),
            level,
        };
        for i in 0..k {
            // x̂ = 2^{C−e}·x₀ with its largest entry near 1, so that the prediction
            // x₀ᵀβ̂ = 2^{e−r}·x̂ᵀβ̃ and its standard error 2^{e−r}·σ̃·‖F̃ᵀx̂‖ are formed without
            // overflow for any finite row, and the noise σ̂ = 2^{−r−h}·σ̃ joins them at a
            // common power of two.
            let row = |j: usize| new_rows[(i, j)];
            let e = (0..p)
                .filter(|&j| row(j) != 0.0)
                .map(|j| exponent(row(j)) + scaling.columns[j])
                .max()
                .unwrap_or(0);
            let x: Vec<f64> = (0..p).map(|j| scale_by(row(j), scaling.columns[j] - e)).collect();
            let fit = x.iter().zip(beta.iter()).map(|(a, b)| a * b).sum::<f64>();
            // A quadratic form of a positive semi-definite matrix; an explicit inverse can round
            // it a few ulps below zero.
            let se = sigma * covariance.quadratic_form(&x).max(0.0).sqrt();
            let top = e.max(-h);
            let noise = scale_by(se, e - top).hypot(scale_by(sigma, -h - top));
            let at_top = scale_by(fit, e - top);
            let value = |m: f64, exp: i32| to_finite(m, exp - r, Quantity::Prediction, i);
            prediction.fit[i] = value(fit, e)?;
            prediction.se_fit[i] = value(se, e)?;
            prediction.confidence_lower[i] = value(fit - q * se, e)?;
            prediction.confidence_upper[i] = value(fit + q * se, e)?;
            prediction.prediction_lower[i] = value(at_top - q * noise, top)?;
            prediction.prediction_upper[i] = value(at_top + q * noise, top)?;
        }
        Ok(prediction)
    }
}

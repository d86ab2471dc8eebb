//! [`StreamFit`]: what a least-squares fit gives without its rows, finished from the QR state
//! of an [`crate::Accumulator`], and the weighted running moments behind its total sum of
//! squares.

use linalg_core::{
    TallQr, back_substitute, condition_estimate_upper, count_to_f64, default_rank_tolerance,
};
use nalgebra::{DMatrix, DVector};

use crate::diagnostics::{Digits, F64_DIGITS};
use crate::error::{Error, Result};
use crate::statistics::{EXACT_FIT_TOLERANCE, f_test_p_value, t_test_p_value};
use crate::unavailable::Unavailable;

/// Weighted running moments of the response (West's update; Chan's merge), for the total sum of
/// squares about the weighted mean without the cancellation of `Σwy² − (Σwy)²/Σw`; and the
/// constant seen in the intercept column.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Moments {
    /// `Σw`.
    weight: f64,
    /// The weighted mean.
    mean: f64,
    /// `Σw·(y − ȳ)²`.
    squares: f64,
    /// The constant of the intercept column, once a row has been seen.
    pub(crate) intercept: Option<f64>,
}

impl Moments {
    /// The moments `Σw`, weighted mean, `Σw·(y − ȳ)²` and intercept constant, unchecked (the
    /// caller validates).
    pub(crate) fn from_parts(weight: f64, mean: f64, squares: f64, intercept: Option<f64>) -> Self {
        Self { weight, mean, squares, intercept }
    }

    /// `(Σw, weighted mean, Σw·(y − ȳ)²)`.
    pub(crate) fn parts(&self) -> (f64, f64, f64) {
        (self.weight, self.mean, self.squares)
    }

    /// Adds one observation `y` of weight `w ≥ 0`.
    pub(crate) fn add(&mut self, y: f64, w: f64) {
        if w == 0.0 {
            return;
        }
        let total = self.weight + w;
        let delta = y - self.mean;
        self.mean += delta * (w / total);
        self.squares += w * delta * (y - self.mean);
        self.weight = total;
    }

    /// The moments of both sets of observations; `None` if their intercept constants differ.
    pub(crate) fn merge(self, other: Self) -> Option<Self> {
        let intercept = match (self.intercept, other.intercept) {
            (Some(a), Some(b)) if a.to_bits() != b.to_bits() => return None,
            (a, b) => a.or(b),
        };
        if other.weight == 0.0 {
            return Some(Self { intercept, ..self });
        }
        if self.weight == 0.0 {
            return Some(Self { intercept, ..other });
        }
        let total = self.weight + other.weight;
        let delta = other.mean - self.mean;
        Some(Self {
            weight: total,
            mean: self.mean + delta * (other.weight / total),
            squares: self.squares
                + other.squares
                + delta * delta * (self.weight / total) * other.weight,
            intercept,
        })
    }
}

/// A least-squares fit finished from an [`crate::Accumulator`]'s QR state, without the rows:
/// coefficients, standard errors, t and F tests, R², `σ̂`, a condition estimate and a digits
/// estimate, defined exactly as [`crate::Fit`]'s. Statistics the data leave undefined are
/// `Err(Unavailable)` naming why, as there.
///
/// Residuals, fitted values, their quantiles and the orthogonality check `Xᵀr ≈ 0` need the rows
/// again: a second pass over the chunks with [`StreamFit::coefficients`].
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StreamFit {
    names: Vec<String>,
    coefficients: DVector<f64>,
    std_errors: DVector<f64>,
    /// `R⁻¹`, so that `(XᵀWX)⁻¹ = R⁻¹·R⁻ᵀ`.
    r_inverse: DMatrix<f64>,
    rss: f64,
    tss: f64,
    observations: usize,
    intercept: bool,
    exact_fit: bool,
    constant_response: bool,
    condition_estimate: f64,
    digits: Digits,
}

/// Finishes a fit from `state` (see [`crate::Accumulator::finish`]).
pub(crate) fn finish(
    state: &TallQr<f64>,
    names: &[String],
    intercept: Option<usize>,
    moments: &Moments,
) -> Result<StreamFit> {
    let p = names.len();
    let m = state.nonzero_weight_rows();
    if state.rows() == 0 || p == 0 {
        return Err(Error::EmptyDesign { rows: state.rows(), cols: p });
    }
    if m < p {
        return Err(Error::Underdetermined { rows: m, cols: p });
    }
    let r = state.r();
    let norms: Vec<f64> = r.column_iter().map(|c| c.norm()).collect();
    if let Some(j) = norms.iter().position(|&v| v == 0.0) {
        return Err(Error::ZeroColumn { column: j, name: names[j].clone() });
    }
    let tol = default_rank_tolerance::<f64>(m, p);
    let aliased: Vec<usize> = (0..p).filter(|&k| r[(k, k)].abs() <= tol * norms[k]).collect();
    if !aliased.is_empty() {
        return Err(Error::RankDeficient {
            rank: p - aliased.len(),
            cols: p,
            tolerance: tol,
            names: aliased.iter().map(|&j| names[j].clone()).collect(),
            aliased,
        });
    }
    if m == p {
        return Err(Error::NoResidualDegreesOfFreedom { observations: m, rank: p });
    }
    let qty = state.qty().column(0).into_owned();
    let rss = state.rss()[0];
    let beta = back_substitute(&r, &qty)?;
    let r_inverse = back_substitute(&r, &DMatrix::<f64>::identity(p, p))?;
    let df = count_to_f64(m - p);
    let sigma = (rss / df).sqrt();
    let std_errors = DVector::from_fn(p, |j, _| sigma * r_inverse.row(j).norm());
    // With an intercept the total sum of squares is about the weighted mean; without, about 0.
    let y_squares = rss + qty.norm_squared();
    let tss = if intercept.is_some() { moments.squares.max(0.0) } else { y_squares };
    let y_norm = y_squares.sqrt();
    let level = EXACT_FIT_TOLERANCE * count_to_f64(m.max(p));
    let fitted_scale: f64 = (0..p).map(|k| beta[k].abs() * norms[k]).sum();
    let exact_fit = rss.sqrt() <= level * (fitted_scale + y_norm);
    let constant_response = tss.sqrt() <= level * y_norm;
    // κ of the column-equilibrated factor, as `crate::Fit` reports it.
    let unit = DMatrix::from_fn(p, p, |i, j| r[(i, j)] / norms[j]);
    let condition_estimate = condition_estimate_upper(&unit)?;
    let digits = digits(&beta, &r_inverse, &norms, y_norm, rss.sqrt(), m);
    Ok(StreamFit {
        names: names.to_vec(),
        coefficients: beta,
        std_errors,
        r_inverse,
        rss,
        tss,
        observations: m,
        intercept: intercept.is_some(),
        exact_fit,
        constant_response,
        condition_estimate,
        digits,
    })
}

/// The digits estimate of [`crate::Method::Qr`] (see [`crate::Diagnostics::digits`]) with
/// every input taken as rounded to `f64` (the rows are gone, so exact integer columns cannot be
/// recognised; the estimate is pessimistic there by that term).
fn digits(
    beta: &DVector<f64>,
    r_inverse: &DMatrix<f64>,
    norms: &[f64],
    y_norm: f64,
    r_norm: f64,
    m: usize,
) -> Digits {
    let p = beta.len();
    let c = r_inverse * r_inverse.transpose();
    let weighted_beta: f64 = (0..p).map(|k| beta[k].abs() * norms[k]).sum();
    let mut digits = Digits { guaranteed: F64_DIGITS, typical: F64_DIGITS };
    for j in (0..p).filter(|&j| beta[j] != 0.0) {
        let row: f64 = (0..p).map(|k| c[(j, k)].abs() * norms[k]).sum();
        let root = c[(j, j)].max(0.0).sqrt();
        let amplification = root * (y_norm + weighted_beta) + r_norm * row;
        let input = f64::EPSILON / 2.0 * amplification;
        let to_digits = |factor: f64| {
            let relative = (factor * f64::EPSILON * amplification + input) / beta[j].abs()
                + f64::EPSILON / 2.0;
            if relative.is_finite() { (-relative.log10()).clamp(0.0, F64_DIGITS) } else { 0.0 }
        };
        digits.guaranteed = digits.guaranteed.min(to_digits(count_to_f64(m * p)));
        digits.typical = digits.typical.min(to_digits(1.0));
    }
    digits
}

impl StreamFit {
    /// Column names.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The coefficients `β̂`.
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `σ̂·√[(XᵀWX)⁻¹]_jj`, from the rows of `R⁻¹`.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// `(XᵀWX)⁻¹ = R⁻¹·R⁻ᵀ`, unscaled by `σ̂²`.
    #[must_use]
    pub fn unscaled_covariance(&self) -> DMatrix<f64> {
        &self.r_inverse * self.r_inverse.transpose()
    }

    /// t statistics `β̂_j/SE_j`; [`Unavailable::ExactFit`] for an exact fit.
    #[must_use]
    pub fn t_values(&self) -> Vec<Result<f64, Unavailable>> {
        (0..self.coefficients.len())
            .map(|j| {
                if self.exact_fit {
                    Err(Unavailable::ExactFit)
                } else {
                    Ok(self.coefficients[j] / self.std_errors[j])
                }
            })
            .collect()
    }

    /// Two-sided p-values of the t tests with [`StreamFit::df_residual`] degrees of freedom.
    #[must_use]
    pub fn p_values(&self) -> Vec<Result<f64, Unavailable>> {
        let df = count_to_f64(self.df_residual());
        self.t_values().into_iter().map(|t| t.map(|t| t_test_p_value(t, df))).collect()
    }

    /// Observations with nonzero weight.
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// Residual degrees of freedom, observations minus columns.
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.observations - self.coefficients.len()
    }

    /// The residual sum of squares `‖√W·(y − Xβ̂)‖²`.
    #[must_use]
    pub fn rss(&self) -> f64 {
        self.rss
    }

    /// `σ̂ = √(RSS/df)`; [`Unavailable::ExactFit`] when the residuals are rounding.
    ///
    /// # Errors
    /// The [`Unavailable`] reason.
    pub fn sigma(&self) -> Result<f64, Unavailable> {
        if self.exact_fit {
            return Err(Unavailable::ExactFit);
        }
        Ok((self.rss / count_to_f64(self.df_residual())).sqrt())
    }

    /// R² = 1 − RSS/TSS, TSS about the weighted mean with an intercept and about 0 without.
    ///
    /// # Errors
    /// [`Unavailable::ConstantResponse`] when TSS is zero up to rounding.
    pub fn r_squared(&self) -> Result<f64, Unavailable> {
        if self.constant_response {
            return Err(Unavailable::ConstantResponse);
        }
        Ok(1.0 - self.rss / self.tss)
    }

    /// Adjusted R², `1 − (1 − R²)·(n − k₀)/df` with `k₀` 1 with an intercept and 0 without.
    ///
    /// # Errors
    /// As [`StreamFit::r_squared`].
    pub fn adj_r_squared(&self) -> Result<f64, Unavailable> {
        let n = count_to_f64(self.observations - usize::from(self.intercept));
        Ok(1.0 - (1.0 - self.r_squared()?) * n / count_to_f64(self.df_residual()))
    }

    /// The overall F statistic against the intercept-only model (the zero model without one).
    ///
    /// # Errors
    /// [`Unavailable::NoModelTerms`] for an intercept-only model, [`Unavailable::ExactFit`] and
    /// [`Unavailable::ConstantResponse`] as for `σ̂` and R².
    pub fn f_statistic(&self) -> Result<f64, Unavailable> {
        let model = self.coefficients.len() - usize::from(self.intercept);
        if model == 0 {
            return Err(Unavailable::NoModelTerms);
        }
        let sigma = self.sigma()?;
        self.r_squared()?;
        Ok((self.tss - self.rss) / count_to_f64(model) / (sigma * sigma))
    }

    /// The upper-tail p-value of [`StreamFit::f_statistic`].
    ///
    /// # Errors
    /// As [`StreamFit::f_statistic`].
    pub fn f_p_value(&self) -> Result<f64, Unavailable> {
        let model = count_to_f64(self.coefficients.len() - usize::from(self.intercept));
        Ok(f_test_p_value(self.f_statistic()?, model, count_to_f64(self.df_residual())))
    }

    /// The Hager–Higham estimate of `κ₁` of the column-equilibrated `R` (within a factor `n`
    /// of `κ₂` of the equilibrated design), as [`crate::Diagnostics::condition_estimate`].
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        self.condition_estimate
    }

    /// The estimated correct digits of the coefficients (see [`crate::Diagnostics::digits`]).
    #[must_use]
    pub fn digits(&self) -> Digits {
        self.digits
    }

    /// Whether the residuals are rounding: `y` lies in the column space (the test of
    /// [`crate::EXACT_FIT_TOLERANCE`]).
    #[must_use]
    pub fn exact_fit(&self) -> bool {
        self.exact_fit
    }
}

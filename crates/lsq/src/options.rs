//! [`FitOptions`]: the control of [`crate::fit`] and [`crate::solve`], validated in one place.

use nalgebra::DVector;

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::method::{Method, RankPolicy};

/// When to compute `κ₂(X)`, exactly, from the singular values of the n×n QR factor `R`
/// (`σ(X) = σ(R)`), never from an SVD of the m×n design.
///
/// The QR methods have `R` already, so `κ₂` costs an SVD of `R` and of `R⁻¹` (`O(n³)`,
/// independent of m). The textbook methods have no `R`: for them `κ₂` costs one Householder QR of
/// the equilibrated design (`2mn² − 2n³/3` flops, in the buffer the solve no longer needs) first.
/// The cheap estimate from the factorization is always reported; see [`crate::Diagnostics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ConditionNumber {
    /// Compute it when its cost is at most [`SVD_AUTO_FLOPS`]: `n³` for the QR methods,
    /// `m·n²` for the textbook methods (the default).
    #[default]
    Auto,
    /// Always compute it.
    Always,
    /// Never compute it.
    Never,
}

/// Largest cost, in flops, for which [`ConditionNumber::Auto`] computes `κ₂`: about 10⁸ flops, a
/// few tens of milliseconds. The cost is `n³` (the SVDs of the n×n factor) for the QR methods,
/// so they report `κ₂` up to n ≈ 460 columns whatever the number of rows, and `m·n²` (a QR of
/// the design, which they lack) for the textbook methods.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Method, SVD_AUTO_FLOPS};
/// use lsq::nalgebra::DMatrix;
///
/// // 10⁶ rows and 2 columns: n³ = 8 is far below the limit, so QR reports κ₂.
/// assert!(8.0 <= SVD_AUTO_FLOPS);
/// let x = DMatrix::from_fn(1000, 2, |i, j| if j == 0 { 1.0 } else { [0.0, 1.0, 3.0, 2.0][i % 4] });
/// let y = x.column(1).map(|v: f64| 2.0 * v + 1.0 + (v * 1.7).sin());
/// let fit = lsq::fit(&Design::new(x)?, &y, &FitOptions::default())?;
/// assert!(fit.diagnostics().condition_number.is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const SVD_AUTO_FLOPS: f64 = 1e8;

/// How to fit: the [`Method`] with its rank tolerance and [`RankPolicy`], prior weights, and
/// whether to compute `κ₂(X)`. Start from `FitOptions::default()` and chain the setters; each
/// documents its default. Options are checked when a fit or solve starts
/// ([`Error::InvalidOption`], [`Error::NegativeWeight`]).
///
/// # Examples
///
/// ```
/// use lsq::{ConditionNumber, Design, FitOptions, Method, RankPolicy};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
/// let options = FitOptions::default()
///     .method(Method::NormalEquations)
///     .weights(dvector![1.0, 1.0, 0.0, 1.0, 1.0]) // the third observation is left out
///     .rank_policy(RankPolicy::DropAliased)
///     .condition_number(ConditionNumber::Never);
/// let fit = lsq::fit(&design, &y, &options)?;
/// assert_eq!((fit.method(), fit.df_residual()), (Method::NormalEquations, 2));
/// assert_eq!(fit.diagnostics().condition_number, Err(lsq::Unavailable::NotComputed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FitOptions {
    pub(crate) method: Method,
    pub(crate) weights: Option<DVector<f64>>,
    pub(crate) rank_policy: RankPolicy,
    pub(crate) tolerance: Option<f64>,
    pub(crate) condition_number: ConditionNumber,
}

impl FitOptions {
    /// The algorithm. Default: [`Method::Qr`].
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Prior weights `w ≥ 0`, one per observation: minimise `Σ wᵢ(yᵢ − xᵢᵀβ)²`. In
    /// [`crate::fit`], observations with zero weight are left out of the fit and of the degrees
    /// of freedom (their residuals are still reported), as in R's `lm`. Default: all ones.
    #[must_use]
    pub fn weights(mut self, weights: DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// What to do when the design is rank deficient. Default: [`RankPolicy::Error`].
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.rank_policy = policy;
        self
    }

    /// Relative rank tolerance for the QR methods, in `[0, 1)`: column k is aliased when what
    /// remains of it after the earlier columns are projected out is at most `tol` times its
    /// norm. Default: `max(m, n)·ε` of the working precision (`2⁻¹⁰⁴` for
    /// [`Method::ExtendedQr`]); 0 turns the rank decision off.
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// When to compute `κ₂(X)` from the singular values of `R`. Default:
    /// [`ConditionNumber::Auto`].
    #[must_use]
    pub fn condition_number(mut self, when: ConditionNumber) -> Self {
        self.condition_number = when;
        self
    }

    /// Validates every option against a design with `m` rows.
    pub(crate) fn validate(&self, m: usize) -> Result<()> {
        if let Some(tol) = self.tolerance
            && !(0.0..1.0).contains(&tol)
        {
            return Err(Error::InvalidOption {
                name: "tolerance",
                value: tol,
                reason: "must lie in [0, 1)",
            });
        }
        if let Some(w) = &self.weights {
            check_weights(w, m)?;
        }
        Ok(())
    }
}

/// Checks a confidence level.
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidOption {
            name: "level",
            value: level,
            reason: "must lie strictly between 0 and 1",
        })
    }
}

/// Checks prior weights: length, finiteness, sign.
pub(crate) fn check_weights(w: &DVector<f64>, m: usize) -> Result<()> {
    if w.len() != m {
        return Err(Error::DimensionMismatch {
            input: Input::Weights,
            expected: m,
            found: w.len(),
        });
    }
    check_matrix_finite(w, Input::Weights)?;
    if let Some((index, &value)) = w.iter().enumerate().find(|(_, v)| **v < 0.0) {
        return Err(Error::NegativeWeight { index, value });
    }
    Ok(())
}

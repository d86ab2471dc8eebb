//! [`FitOptions`]: the builder that configures [`crate::fit`], validated in one place.

use nalgebra::DVector;

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::method::{Method, RankPolicy, check_tolerance};

/// When to compute `κ₂(X)` by a singular value decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ConditionNumber {
    /// Compute it when `m·n² ≤` [`SVD_AUTO_FLOPS`], skip it for larger designs (the default).
    #[default]
    Auto,
    /// Always compute it.
    Always,
    /// Never compute it; the cheap estimate from the factorization is always reported.
    Never,
}

/// Largest `m·n²` for which [`ConditionNumber::Auto`] runs the SVD: about 10⁸ flops, a few
/// tens of milliseconds, small next to reading such a design.
pub const SVD_AUTO_FLOPS: f64 = 1e8;

/// Options for [`crate::fit`]; start from `FitOptions::default()` and chain setters.
///
/// # Examples
///
/// ```
/// use lsq::{FitOptions, Method, RankPolicy};
/// use nalgebra::dvector;
///
/// let options = FitOptions::default()
///     .method(Method::NormalEquations)
///     .weights(dvector![1.0, 2.0, 0.0, 1.0])
///     .rank_policy(RankPolicy::DropAliased)
///     .confidence_level(0.99);
/// assert_eq!(options.method_value(), Method::NormalEquations);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    method: Method,
    weights: Option<DVector<f64>>,
    rank_policy: RankPolicy,
    tolerance: Option<f64>,
    condition_number: ConditionNumber,
    confidence_level: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            method: Method::Qr,
            weights: None,
            rank_policy: RankPolicy::Error,
            tolerance: None,
            condition_number: ConditionNumber::Auto,
            confidence_level: 0.95,
        }
    }
}

impl FitOptions {
    /// Solver. Default: [`Method::Qr`].
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Prior weights `w ≥ 0`, one per observation: minimise `Σ wᵢ(yᵢ − xᵢᵀβ)²`. Observations with
    /// zero weight are left out of the fit and of the degrees of freedom (their residuals are
    /// still reported), as in R's `lm`. Default: all ones.
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

    /// Relative rank tolerance for the QR methods, in `[0, 1)`, applied to each column against
    /// its own norm. Default: `max(m, n)·ε` of the working precision.
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// When to compute `κ₂(X)` by SVD. Default: [`ConditionNumber::Auto`].
    #[must_use]
    pub fn condition_number(mut self, when: ConditionNumber) -> Self {
        self.condition_number = when;
        self
    }

    /// Level of the confidence intervals in `(0, 1)`. Default: 0.95.
    #[must_use]
    pub fn confidence_level(mut self, level: f64) -> Self {
        self.confidence_level = level;
        self
    }

    /// The method set.
    #[must_use]
    pub fn method_value(&self) -> Method {
        self.method
    }

    /// The weights set, if any.
    #[must_use]
    pub fn weights_value(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// The rank policy set.
    #[must_use]
    pub fn rank_policy_value(&self) -> RankPolicy {
        self.rank_policy
    }

    /// The rank tolerance set, if any.
    #[must_use]
    pub fn tolerance_value(&self) -> Option<f64> {
        self.tolerance
    }

    /// When `κ₂(X)` is computed.
    #[must_use]
    pub fn condition_number_value(&self) -> ConditionNumber {
        self.condition_number
    }

    /// The confidence level set.
    #[must_use]
    pub fn confidence_level_value(&self) -> f64 {
        self.confidence_level
    }

    /// Validates every option against a design with `m` rows.
    pub(crate) fn validate(&self, m: usize) -> Result<()> {
        check_tolerance(self.tolerance)?;
        check_level(self.confidence_level)?;
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
            name: "confidence_level",
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

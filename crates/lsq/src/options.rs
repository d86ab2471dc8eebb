//! [`FitOptions`]: the builder that configures [`crate::fit`], validated in one place.

use nalgebra::DVector;

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::method::{Method, RankPolicy, check_tolerance};

/// When to compute `κ₂(X)` by a singular value decomposition.
///
/// # Examples
///
/// ```
/// use lsq::{ConditionNumber, Design, FitOptions};
/// # let d = sim::heights();
/// # let design = Design::new(d.x)?;
///
/// let never = FitOptions::default().condition_number(ConditionNumber::Never);
/// assert_eq!(lsq::fit(&design, &d.y, &never)?.diagnostics().condition_number(), None);
/// // The default, `Auto`, runs the SVD on a design this small.
/// let auto = lsq::fit(&design, &d.y, &FitOptions::default())?;
/// assert!(auto.diagnostics().condition_number().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
///
/// // The lesson's 4×3 design costs m·n² = 36, far below the threshold, so `Auto` runs the SVD.
/// let d = sim::heights();
/// assert!(4.0 * 3.0 * 3.0 <= lsq::SVD_AUTO_FLOPS);
/// let fit = lsq::fit(&Design::new(d.x)?, &d.y, &FitOptions::default())?;
/// assert!(fit.diagnostics().condition_number().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, Method};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let options = FitOptions::default().method(Method::NormalEquations);
    /// let normal = lsq::fit(&design, &d.y, &options)?;
    /// assert_eq!(normal.method(), Method::NormalEquations);
    /// let qr = lsq::fit(&design, &d.y, &FitOptions::default())?;
    /// assert!((normal.coefficients() - qr.coefficients()).amax() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Prior weights `w ≥ 0`, one per observation: minimise `Σ wᵢ(yᵢ − xᵢᵀβ)²`. Observations with
    /// zero weight are left out of the fit and of the degrees of freedom (their residuals are
    /// still reported), as in R's `lm`. Default: all ones.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // A zero weight leaves the third observation out, as if its row were deleted.
    /// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// let options = FitOptions::default().weights(dvector![1.0, 1.0, 0.0, 1.0, 1.0]);
    /// let weighted = lsq::fit(&design, &dvector![2.1, 3.9, 6.2, 7.8, 10.1], &options)?;
    /// let fewer = Design::with_intercept(&dmatrix![1.0; 2.0; 4.0; 5.0])?;
    /// let dropped = lsq::fit(&fewer, &dvector![2.1, 3.9, 7.8, 10.1], &FitOptions::default())?;
    /// assert!((weighted.coefficients() - dropped.coefficients()).amax() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(mut self, weights: DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// What to do when the design is rank deficient. Default: [`RankPolicy::Error`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, Error, FitOptions, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The second column is twice the first.
    /// let design = Design::new(dmatrix![1.0, 2.0; 2.0, 4.0; 3.0, 6.0])?;
    /// let y = dvector![1.0, 2.0, 2.0];
    /// let strict = lsq::fit(&design, &y, &FitOptions::default());
    /// assert!(matches!(strict, Err(Error::RankDeficient { .. })));
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(lsq::fit(&design, &y, &options)?.aliased(), [1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.rank_policy = policy;
        self
    }

    /// Relative rank tolerance for the QR methods, in `[0, 1)`, applied to each column against
    /// its own norm. Default: `max(m, n)·ε` of the working precision.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, Error, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The columns differ by 10⁻⁹: independent at the default tolerance, dependent at 10⁻⁶.
    /// let design = Design::new(dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9])?;
    /// let y = dvector![1.0, 2.0, 3.0, 4.0];
    /// assert_eq!(lsq::fit(&design, &y, &FitOptions::default())?.rank(), 2);
    /// let coarse = lsq::fit(&design, &y, &FitOptions::default().tolerance(1e-6));
    /// assert!(matches!(coarse, Err(Error::RankDeficient { rank: 1, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// When to compute `κ₂(X)` by SVD. Default: [`ConditionNumber::Auto`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{ConditionNumber, Design, FitOptions};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let never = FitOptions::default().condition_number(ConditionNumber::Never);
    /// let fit = lsq::fit(&design, &d.y, &never)?;
    /// assert_eq!(fit.diagnostics().condition_number(), None);
    /// // The cheap estimate from the factorization is still reported.
    /// assert!(fit.diagnostics().condition_estimate() >= 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn condition_number(mut self, when: ConditionNumber) -> Self {
        self.condition_number = when;
        self
    }

    /// Level of the confidence intervals in `(0, 1)`. Default: 0.95.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let fit = lsq::fit(&design, &d.y, &FitOptions::default().confidence_level(0.99))?;
    /// assert_eq!(fit.confidence_level(), 0.99);
    /// let (lo99, hi99) = fit.confidence_intervals();
    /// let (lo95, hi95) = fit.confidence_intervals_at(0.95)?;
    /// assert!(lo99[1] < lo95[1] && hi95[1] < hi99[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn confidence_level(mut self, level: f64) -> Self {
        self.confidence_level = level;
        self
    }

    /// The method set.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{FitOptions, Method};
    ///
    /// assert_eq!(FitOptions::default().method_value(), Method::Qr);
    /// assert_eq!(FitOptions::default().method(Method::Inverse).method_value(), Method::Inverse);
    /// ```
    #[must_use]
    pub fn method_value(&self) -> Method {
        self.method
    }

    /// The weights set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::FitOptions;
    /// use nalgebra::dvector;
    ///
    /// assert_eq!(FitOptions::default().weights_value(), None);
    /// let w = dvector![1.0, 0.5, 2.0];
    /// assert_eq!(FitOptions::default().weights(w.clone()).weights_value(), Some(&w));
    /// ```
    #[must_use]
    pub fn weights_value(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// The rank policy set.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{FitOptions, RankPolicy};
    ///
    /// assert_eq!(FitOptions::default().rank_policy_value(), RankPolicy::Error);
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(options.rank_policy_value(), RankPolicy::DropAliased);
    /// ```
    #[must_use]
    pub fn rank_policy_value(&self) -> RankPolicy {
        self.rank_policy
    }

    /// The rank tolerance set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::FitOptions;
    ///
    /// assert_eq!(FitOptions::default().tolerance_value(), None); // max(m, n)·ε at fit time
    /// assert_eq!(FitOptions::default().tolerance(1e-10).tolerance_value(), Some(1e-10));
    /// ```
    #[must_use]
    pub fn tolerance_value(&self) -> Option<f64> {
        self.tolerance
    }

    /// When `κ₂(X)` is computed.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{ConditionNumber, FitOptions};
    ///
    /// assert_eq!(FitOptions::default().condition_number_value(), ConditionNumber::Auto);
    /// let options = FitOptions::default().condition_number(ConditionNumber::Always);
    /// assert_eq!(options.condition_number_value(), ConditionNumber::Always);
    /// ```
    #[must_use]
    pub fn condition_number_value(&self) -> ConditionNumber {
        self.condition_number
    }

    /// The confidence level set.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::FitOptions;
    ///
    /// assert_eq!(FitOptions::default().confidence_level_value(), 0.95);
    /// assert_eq!(FitOptions::default().confidence_level(0.9).confidence_level_value(), 0.9);
    /// ```
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

//! [`Unavailable`]: why a statistic of a fit has no value, in place of a NaN or an infinity.

/// Why a statistic is not available: the typed "NA" of every getter that can lack a value.
///
/// Getters of [`crate::Fit`], [`crate::RidgeFit`] and [`crate::Diagnostics`] whose statistic is
/// undefined for some data, or whose value does not fit in an `f64`, return
/// `Result<f64, Unavailable>`; a summary prints such a value as `NA` and names the reason below
/// its table. A value that is returned is finite.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Unavailable};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// // A constant response leaves nothing for R² to explain, and the intercept fits it exactly.
/// let fit = lsq::fit(&design, &dvector![3.0, 3.0, 3.0, 3.0], &FitOptions::default())?;
/// assert_eq!(fit.r_squared(), Err(Unavailable::ConstantResponse));
/// assert_eq!(fit.t_values()[1], Err(Unavailable::ExactFit));
/// assert!(fit.to_string().contains("Multiple R-squared: NA"));
/// // An intercept-only model has no F test.
/// let intercept = Design::new(dmatrix![1.0; 1.0; 1.0])?.with_intercept_column(0)?;
/// let fit = lsq::fit(&intercept, &dvector![1.0, 2.0, 4.0], &FitOptions::default())?;
/// assert_eq!(fit.f_statistic(), Err(Unavailable::NoModelTerms));
/// assert_eq!(
///     Unavailable::NoModelTerms.to_string(),
///     "not available: the model has no terms besides the intercept"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Unavailable {
    /// The column is aliased (a linear combination of earlier columns, dropped under
    /// [`crate::RankPolicy::DropAliased`]): its coefficient is not estimable.
    Aliased,
    /// The response has no variation to explain: the total sum of squares is zero up to rounding
    /// (`y` constant for a model with an intercept, `y = 0` for one without). R², adjusted R² and
    /// the F test are undefined.
    ConstantResponse,
    /// The fit is exact up to rounding ([`crate::Diagnostics::exact_fit`], R's "essentially
    /// perfect fit"): the residuals are rounding error, so `σ̂` is no estimate of a noise level
    /// and the t tests, the F test and the likelihood (which is infinite at `σ² = 0`) would only
    /// measure that rounding.
    ExactFit,
    /// The model has no terms besides the intercept, so there is nothing for the F test to test.
    NoModelTerms,
    /// The effective degrees of freedom of a ridge fit use up every observation up to rounding,
    /// so generalised cross-validation divides by zero.
    NoResidualDegreesOfFreedom,
    /// The value exists but lies outside the range of normal `f64` numbers (beyond about
    /// 1.8·10³⁰⁸, or nonzero below about 2.2·10⁻³⁰⁸); for example a sum of squares of responses
    /// near 10²⁰⁰. Statistics that do not depend on the units (t, p, R², F) are computed on the
    /// scaled problem and stay available.
    OutOfRange,
    /// A robust ([`crate::Fit::robust`]) variance of the coefficient is zero: every observation
    /// that informs it is fitted exactly (a group of a factor with a constant response, say),
    /// so its t statistic would be `β̂/0`.
    ZeroVariance,
    /// The value was not computed: [`crate::ConditionNumber::Never`], or
    /// [`crate::ConditionNumber::Auto`] above [`crate::SVD_AUTO_FLOPS`] (or, not seen in
    /// testing, nalgebra's SVD of the n×n factor did not converge).
    NotComputed,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not available: ")?;
        f.write_str(self.reason())
    }
}

impl std::error::Error for Unavailable {}

impl Unavailable {
    /// The reason alone, without the leading "not available: ".
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Unavailable::Aliased => "the column is aliased, so its coefficient is not estimable",
            Unavailable::ConstantResponse => {
                "the response is constant up to rounding (zero, without an intercept), so there is no variation to explain"
            }
            Unavailable::ExactFit => {
                "essentially perfect fit: the residuals are rounding error, so tests and likelihood would only measure that rounding"
            }
            Unavailable::NoModelTerms => "the model has no terms besides the intercept",
            Unavailable::NoResidualDegreesOfFreedom => {
                "the effective degrees of freedom use up every observation"
            }
            Unavailable::ZeroVariance => {
                "the estimated variance is zero: every observation informing it is fitted exactly"
            }
            Unavailable::OutOfRange => "the value lies outside the range of normal f64 numbers",
            Unavailable::NotComputed => {
                "not computed (skipped by the options or at this size, or the SVD did not converge)"
            }
        }
    }
}

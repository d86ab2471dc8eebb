//! The crate's error type: what is wrong with the numbers passed, with the numbers in it.

use crate::Method;

/// Which input an error refers to.
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions, Input};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0])?;
/// let options = FitOptions::default().weights(dvector![1.0, 1.0]);
/// let err = lsq::fit(&design, &dvector![1.0, 2.0, 4.0], &options).unwrap_err();
/// assert!(matches!(err, Error::DimensionMismatch { input: Input::Weights, found: 2, .. }));
/// assert_eq!(err.to_string(), "weights has 2 entries or rows, expected 3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// The design matrix `X`.
    Design,
    /// The response `y`.
    Response,
    /// The prior weights.
    Weights,
    /// The Tikhonov penalty matrix `L`.
    Penalty,
    /// New rows passed to a prediction.
    NewData,
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Input::Design => "design matrix",
            Input::Response => "response",
            Input::Weights => "weights",
            Input::Penalty => "penalty matrix",
            Input::NewData => "new data",
        })
    }
}

/// Which result an [`Error::Unrepresentable`] refers to.
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions, Quantity};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// // A slope of about 10³⁰⁰ per 10⁻³⁰⁰: about 10⁶⁰⁰, beyond any f64.
/// let design = Design::with_intercept(&dmatrix![1e-300; 2e-300; 3e-300; 5e-300])?;
/// let err = lsq::fit(&design, &dvector![1e300, 2e300, 2.9e300, 5e300], &FitOptions::default());
/// let err = err.unwrap_err();
/// assert!(matches!(err, Error::Unrepresentable { quantity: Quantity::Coefficient, index: 1, .. }));
/// assert!(err.to_string().starts_with("coefficient 1 is about 2^199"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quantity {
    /// A coefficient `β̂_j`.
    Coefficient,
    /// A standard error of a coefficient.
    StandardError,
    /// A diagonal entry of `(XᵀWX)⁻¹`.
    Covariance,
    /// A fitted value `xᵢᵀβ̂`.
    FittedValue,
    /// A residual `yᵢ − xᵢᵀβ̂`.
    Residual,
    /// A predicted mean, its standard error, or an end of one of its intervals, by new row.
    Prediction,
    /// An end of a confidence interval of a coefficient.
    ConfidenceBound,
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantity::Coefficient => "coefficient",
            Quantity::StandardError => "standard error of coefficient",
            Quantity::Covariance => "diagonal entry of (XᵀWX)⁻¹ for column",
            Quantity::FittedValue => "fitted value",
            Quantity::Residual => "residual",
            Quantity::Prediction => "prediction for new row",
            Quantity::ConfidenceBound => "confidence bound of coefficient",
        })
    }
}

/// Everything that can go wrong in `lsq`, with the offending indices and values.
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::new(dmatrix![1.0, 2.0; 1.0, 3.0; 1.0, 4.0])?;
/// let err = lsq::fit(&design, &dvector![1.0, 2.0], &FitOptions::default()).unwrap_err();
/// assert!(matches!(err, Error::DimensionMismatch { expected: 3, found: 2, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The design has no rows or no columns.
    #[error("design matrix is empty ({rows}×{cols})")]
    EmptyDesign {
        /// Rows passed.
        rows: usize,
        /// Columns passed.
        cols: usize,
    },
    /// An input's length or row count disagrees with the design.
    #[error("{input} has {found} entries or rows, expected {expected}")]
    DimensionMismatch {
        /// Which input.
        input: Input,
        /// What the design implies.
        expected: usize,
        /// What was passed.
        found: usize,
    },
    /// A NaN or infinite entry.
    #[error("{input} entry ({row}, {col}) is {value}, not a finite number")]
    NonFinite {
        /// Which input.
        input: Input,
        /// Row of the first non-finite entry.
        row: usize,
        /// Column of the first non-finite entry (0 for vectors).
        col: usize,
        /// The entry.
        value: f64,
    },
    /// Fewer observations with nonzero weight than columns.
    #[error("{rows} observations with nonzero weight cannot determine {cols} coefficients")]
    Underdetermined {
        /// Observations with nonzero weight.
        rows: usize,
        /// Columns of the design.
        cols: usize,
    },
    /// A negative prior weight.
    #[error("weight {index} is {value}; weights must be non-negative")]
    NegativeWeight {
        /// Index of the first negative weight.
        index: usize,
        /// The weight.
        value: f64,
    },
    /// A design column is identically zero.
    #[error("design column {column} (`{name}`) is identically zero")]
    ZeroColumn {
        /// Zero-based column index.
        column: usize,
        /// Column name.
        name: String,
    },
    /// The design is rank deficient at the tolerance used.
    #[error(
        "design has numerical rank {rank} < {cols} columns at relative tolerance {tolerance:e}; aliased columns: {}",
        names.join(", ")
    )]
    RankDeficient {
        /// Numerical rank.
        rank: usize,
        /// Number of columns.
        cols: usize,
        /// Relative tolerance of the decision.
        tolerance: f64,
        /// Zero-based indices of the aliased columns (later members of dependent sets, as R).
        aliased: Vec<usize>,
        /// Names of the aliased columns.
        names: Vec<String>,
    },
    /// The factorization or inversion of `XᵀX` by [`Method::NormalEquations`] or
    /// [`Method::Inverse`] broke down outright.
    #[error(
        "{method}: XᵀX could not be factored or inverted (it is not numerically positive definite)"
    )]
    NormalMatrixBreakdown {
        /// The method that failed.
        method: Method,
    },
    /// `XᵀX` is singular to working precision: after the earlier columns are projected out, a
    /// column keeps a fraction of its squared norm at or below the tolerance, so the
    /// normal-equation methods would return coefficients with no correct digit.
    #[error(
        "{method}: XᵀX is numerically singular: column {column} keeps a fraction {ratio:.1e} of its squared norm after the earlier columns are projected out (tolerance {tolerance:.1e})"
    )]
    SingularNormalMatrix {
        /// The method that failed.
        method: Method,
        /// Zero-based column index of the first offending column.
        column: usize,
        /// `l_jj²/g_jj` (Cholesky) or `1/(c_jj·g_jj)` (inverse): `sin²` of the angle between the
        /// column and the span of the others.
        ratio: f64,
        /// The tolerance, `max(m, n)·ε`.
        tolerance: f64,
    },
    /// `XᵀX` is too ill-conditioned for the normal-equation methods: its estimated condition
    /// number `κ(X)²` (after column scaling) reaches `1/(max(m, n)·ε)`, where their error bound
    /// `κ(X)²·ε` promises no correct digit.
    #[error(
        "{method}: κ(X) ≈ {condition:.1e} after column scaling, so κ(XᵀX) ≈ {:.1e} reaches the limit {limit:.1e} where no digit of the solution would be correct",
        condition * condition
    )]
    IllConditionedNormalMatrix {
        /// The method that refused.
        method: Method,
        /// Estimated `κ(X)` after column scaling.
        condition: f64,
        /// `1/(max(m, n)·ε)`, the largest `κ(XᵀX)` accepted.
        limit: f64,
    },
    /// As many coefficients as observations: the fit interpolates, leaving no degrees of freedom
    /// to estimate `σ²` and nothing to test. [`crate::solve`] still gives the
    /// coefficients.
    #[error(
        "{observations} observations with nonzero weight and rank {rank}: no residual degrees of freedom"
    )]
    NoResidualDegreesOfFreedom {
        /// Observations with nonzero weight.
        observations: usize,
        /// Rank of the design.
        rank: usize,
    },
    /// Parts given to [`crate::Accumulator::from_parts`] are not a state the fold could have
    /// built.
    #[error("not a valid accumulator state: {reason}")]
    InvalidState {
        /// What is wrong, with the offending numbers.
        reason: String,
    },
    /// An option is outside its valid range.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// Value passed.
        value: f64,
        /// What a valid value looks like.
        reason: &'static str,
    },
    /// A column name list does not match the design.
    #[error("{found} column names given for a design with {expected} columns")]
    NameCount {
        /// Columns of the design.
        expected: usize,
        /// Names passed.
        found: usize,
    },
    /// A column declared the intercept is not a constant nonzero column of the design.
    #[error("design column {column} cannot be the intercept: {reason}")]
    InvalidIntercept {
        /// The column index given.
        column: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A value read back with serde (feature `serde`) is not one the crate could have built.
    #[error("stored value refused: {reason}")]
    InvalidStoredValue {
        /// What does not fit together.
        reason: &'static str,
    },
    /// A result exists but its magnitude lies beyond the range of `f64` (about 1.8·10³⁰⁸). The
    /// fit itself was computed on the equilibrated problem; it is the answer in the caller's
    /// units that does not fit in an `f64`, as when a column near 10⁻³⁰⁰ must explain a response
    /// near 10³⁰⁰. (Results below 2.2·10⁻³⁰⁸ underflow gradually, as in any IEEE arithmetic.)
    #[error("{quantity} {index} is about 2^{log2:.0}, beyond the range of f64")]
    Unrepresentable {
        /// What kind of result.
        quantity: Quantity,
        /// Its index (column, row or new row).
        index: usize,
        /// `log₂` of its magnitude.
        log2: f64,
    },
    /// The design passed to a query of a fit ([`crate::Fit::robust`], [`crate::anova`]) is not
    /// the one the fit was made from: its row `row` gives `xᵢᵀβ̂ = found` where the fit has the
    /// fitted value `expected`.
    #[error(
        "design row {row} gives Xβ̂ = {found:e}, but the fit's fitted value there is {expected:e}: not the design the fit was made from"
    )]
    DesignMismatch {
        /// Zero-based row of the first disagreement.
        row: usize,
        /// The fit's fitted value.
        expected: f64,
        /// `xᵢᵀβ̂` from the design passed.
        found: f64,
    },
    /// HC2 and HC3 divide an observation's squared residual by `1 − hᵢᵢ` or its square; an
    /// observation with leverage 1 (up to rounding, see [`crate::UNIT_LEVERAGE_TOLERANCE`]) is
    /// fitted exactly whatever its response, so those estimators are undefined (R gives `NaN`).
    #[error(
        "observation {row} has leverage {leverage} = 1 up to rounding, so {hc} divides its zero residual by zero"
    )]
    UnitLeverage {
        /// Zero-based row of the first such observation.
        row: usize,
        /// Its computed leverage `hᵢᵢ`.
        leverage: f64,
        /// The estimator asked for.
        hc: crate::Hc,
    },
    /// [`crate::anova`] or a nesting check: a column of the smaller model does not lie in the
    /// column space of the larger one, so the models are not nested.
    #[error(
        "the models are not nested: column {column} (`{name}`) of the reduced design lies at relative distance {distance:.1e} from the column space of the full design (tolerance {tolerance:.1e})"
    )]
    NotNested {
        /// Zero-based column of the reduced design.
        column: usize,
        /// Its name.
        name: String,
        /// `‖z − A·A⁺z‖/‖z‖` on the weighted rows.
        distance: f64,
        /// The tolerance of [`crate::check_nested`].
        tolerance: f64,
    },
    /// [`crate::anova`]: the fits were not made on the same rows (their number, a response or
    /// a weight differs).
    #[error(
        "the fits are not on the same rows: {what} differs at row {row} ({reduced} in the reduced fit, {full} in the full one)"
    )]
    DifferentRows {
        /// `"number of rows"` (with the counts as values and row 0), `"response"` or `"weight"`.
        what: &'static str,
        /// Zero-based row of the first difference.
        row: usize,
        /// The value in the reduced fit.
        reduced: f64,
        /// The value in the full fit.
        full: f64,
    },
    /// The QR factorization or a triangular solve refused its input.
    #[error("the linear-algebra kernel refused the problem")]
    Kernel(#[from] linalg_core::Error),
}

/// The crate's result type.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use nalgebra::{DMatrix, DVector, dmatrix, dvector};
///
/// // The slope of a straight-line fit; `?` passes any `lsq::Error` on.
/// fn slope(t: &DMatrix<f64>, y: &DVector<f64>) -> lsq::Result<f64> {
///     let fit = lsq::fit(&Design::with_intercept(t)?, y, &FitOptions::default())?;
///     Ok(fit.coefficients()[1])
/// }
/// assert!((slope(&dmatrix![0.0; 1.0; 2.0], &dvector![1.0, 3.0, 5.0])? - 2.0).abs() < 1e-12);
/// assert!(slope(&dmatrix![0.0; 1.0], &dvector![1.0, 3.0, 5.0]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

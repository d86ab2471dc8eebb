//! The crate's error type: what is wrong with the numbers, with the numbers in it.

/// Everything that can go wrong in `linalg-core`, with the offending indices and values.
///
/// Every variant is a property of the data passed in; none signals a bug.
///
/// # Examples
///
/// ```
/// use linalg_core::{Error, HouseholderQr};
/// use nalgebra::DMatrix;
///
/// let wide = DMatrix::<f64>::zeros(2, 3);
/// let err = HouseholderQr::new(wide).unwrap_err();
/// assert!(matches!(err, Error::Underdetermined { rows: 2, cols: 3 }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The matrix has no rows or no columns.
    #[error(
        "matrix is empty ({rows}×{cols}); a factorization needs at least one row and one column"
    )]
    Empty {
        /// Number of rows passed.
        rows: usize,
        /// Number of columns passed.
        cols: usize,
    },
    /// More columns than rows: a least-squares QR needs m ≥ n.
    #[error("matrix is {rows}×{cols}: more columns than rows, so least squares is underdetermined")]
    Underdetermined {
        /// Number of rows passed.
        rows: usize,
        /// Number of columns passed.
        cols: usize,
    },
    /// An entry is NaN or infinite.
    #[error("entry ({row}, {col}) is {value}, not a finite number")]
    NonFinite {
        /// Row of the first non-finite entry.
        row: usize,
        /// Column of the first non-finite entry.
        col: usize,
        /// The entry itself (NaN or ±∞).
        value: f64,
    },
    /// A response entry passed to [`crate::TallQr`] is NaN or infinite, or overflowed when
    /// multiplied by the square root of its row's weight.
    #[error("response entry ({row}, {col}) is {value}, not a finite number")]
    NonFiniteResponse {
        /// Row of the entry, counted from the first row of the block passed.
        row: usize,
        /// Response (column of `y`) of the entry.
        col: usize,
        /// The entry (NaN or ±∞).
        value: f64,
    },
    /// Rows folded into a [`crate::TallQr`] left a column of its triangle NaN or infinite: an
    /// entry of those rows (as [`crate::TallQr::from_fill`]'s `fill` wrote it) is NaN or
    /// infinite, or the fold overflowed (a column's norm at or beyond the largest `f64`).
    #[error(
        "column {col} of the triangle folded from rows {start}..{end} is not finite: an entry of those rows is NaN or infinite, or the fold overflowed (a column norm at or beyond the largest f64)"
    )]
    NonFiniteFold {
        /// First row of the rows folded, counted from the first row of the call.
        start: usize,
        /// One past their last row.
        end: usize,
        /// The first column of the augmented rows (design columns, then responses) that is
        /// not finite in the triangle; no column of those rows before it holds a NaN or
        /// infinite entry.
        col: usize,
    },
    /// A weight is negative, NaN or infinite.
    #[error("weight {value} of row {row} is not a finite non-negative number")]
    InvalidWeight {
        /// Row of the weight, counted from the first row of the block passed.
        row: usize,
        /// The weight.
        value: f64,
    },
    /// A block of rows, or a state to merge, has a different number of columns than expected.
    #[error("{operand} has {found} columns where {expected} are expected")]
    ColumnMismatch {
        /// Which operand: `"x"`, `"y"`, or `"merged state's x"`/`"merged state's y"`.
        operand: &'static str,
        /// Columns expected.
        expected: usize,
        /// Columns passed.
        found: usize,
    },
    /// A right-hand side or a vector has the wrong number of rows.
    #[error("dimension mismatch: expected {expected} rows, found {found}")]
    DimensionMismatch {
        /// Rows the operation needs.
        expected: usize,
        /// Rows passed.
        found: usize,
    },
    /// A triangular matrix is not square.
    #[error("triangular matrix must be square, found {rows}×{cols}")]
    NotSquare {
        /// Number of rows passed.
        rows: usize,
        /// Number of columns passed.
        cols: usize,
    },
    /// A diagonal entry of a triangular factor is zero or too small to divide by.
    #[error("pivot {index} is {value:e}, at or below the singularity threshold {threshold:e}")]
    SingularPivot {
        /// Index of the first offending diagonal entry.
        index: usize,
        /// The diagonal entry.
        value: f64,
        /// The threshold it failed: `tol · max|r_jj|`.
        threshold: f64,
    },
    /// The matrix has numerical rank below its number of columns, so the least-squares solution
    /// is not unique.
    #[error(
        "numerical rank {rank} is below the {cols} columns at relative tolerance {tolerance:e}; aliased columns {aliased:?}"
    )]
    RankDeficient {
        /// Numerical rank found.
        rank: usize,
        /// Number of columns.
        cols: usize,
        /// Relative tolerance used for the decision.
        tolerance: f64,
        /// Zero-based indices of the columns judged to be combinations of the others.
        aliased: Vec<usize>,
    },
    /// A state assembled from parts ([`crate::TallQr::from_augmented`]) is not one the fold could
    /// have built.
    #[error("not a valid TallQr state: {reason}")]
    InvalidState {
        /// What is wrong with it, with the offending numbers.
        reason: String,
    },
    /// An option is out of its valid range.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// Value passed.
        value: f64,
        /// What a valid value looks like.
        reason: &'static str,
    },
}

/// The crate's result type.
///
/// # Examples
///
/// ```
/// use linalg_core::{Error, HouseholderQr, Result};
/// use nalgebra::{DMatrix, DVector, dvector};
///
/// // The mean as the least-squares fit of a constant; errors pass through with `?`.
/// fn mean(y: &DVector<f64>) -> Result<f64> {
///     let ones = DMatrix::from_element(y.len(), 1, 1.0);
///     Ok(HouseholderQr::new(ones)?.solve(y)?[0])
/// }
/// assert!((mean(&dvector![1.0, 2.0, 6.0])? - 3.0).abs() < 1e-15);
/// assert!(matches!(mean(&DVector::zeros(0)), Err(Error::Empty { rows: 0, cols: 1 })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

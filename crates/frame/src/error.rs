//! The crate's [`Error`] and [`Result`]: what is wrong with a file, a frame or a formula.

use crate::span::Span;

/// Result alias with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong reading a file, building a frame or a model matrix.
///
/// Rows are 0-based indices into the [`Frame`](crate::Frame); lines and columns of a CSV file are
/// 1-based, as an editor shows them. Formula errors carry the formula and the [`Span`] of the
/// offending text, and their message shows it with a caret line under it.
///
/// # Examples
///
/// ```
/// use frame::{DesignOptions, Error, Frame};
///
/// let frame = Frame::new().with_numeric("y", [1.0, 2.0])?.with_numeric("dose", [0.0, 1.0])?;
/// let err = frame.design("y ~ log(dose)", &DesignOptions::default()).unwrap_err();
/// assert!(matches!(err, Error::OutOfDomain { row: 0, .. }));
/// let err = frame.design("y ~ dsoe", &DesignOptions::default()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unknown variable `dsoe` at column 5; the closest column is `dose`\n  y ~ dsoe\n      ^^^^"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The CSV input has no header line.
    #[error("the csv input is empty: no header line")]
    NoHeader,
    /// The CSV input has a header but no data rows.
    #[error("the csv input has a header on line {line} but no data rows")]
    NoRows {
        /// Line of the header.
        line: u64,
    },
    /// A header field is empty.
    #[error("line {line}, column {column}: empty column name in the header")]
    EmptyHeader {
        /// Line of the header.
        line: u64,
        /// 1-based column of the empty name.
        column: usize,
    },
    /// A header name appears twice.
    #[error("line {line}, column {column}: duplicate column name `{name}` in the header")]
    DuplicateHeader {
        /// Line of the header.
        line: u64,
        /// 1-based column of the second occurrence.
        column: usize,
        /// The repeated name.
        name: String,
    },
    /// A row has a different number of fields than the header.
    #[error("line {line}, column {column}: the row has {found} fields, the header {expected}")]
    RaggedRow {
        /// Line the row starts on.
        line: u64,
        /// 1-based column of the first missing or extra field.
        column: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field is not valid UTF-8.
    #[error("line {line}, column {column}: the field is not valid utf-8")]
    InvalidUtf8 {
        /// Line the row starts on.
        line: u64,
        /// 1-based column of the field.
        column: usize,
    },
    /// The reader failed, or the file could not be opened.
    #[error("cannot read the csv input (after line {line})")]
    Io {
        /// Lines read before the failure (0 when nothing was read).
        line: u64,
        /// The reader's error.
        #[source]
        source: std::io::Error,
    },
    /// Two columns of a frame have the same name.
    #[error("the frame already has a column named `{name}`")]
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// A column name is empty.
    #[error("a column name is empty")]
    EmptyName,
    /// A column's length differs from the frame's.
    #[error("column `{name}` has {found} values, the frame {expected} rows")]
    ColumnLength {
        /// The column.
        name: String,
        /// Rows of the frame.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A numeric value given in memory is NaN or infinite (mark missing values with `None`).
    #[error(
        "column `{column}`, row {row}: {value} is not a finite number (mark missing values with None)"
    )]
    NonFiniteValue {
        /// The column.
        column: String,
        /// 0-based row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A column name that the frame does not have.
    #[error("the frame has no column `{name}`{}", closest(suggestion.as_deref()))]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The existing column name closest to it by edit distance.
        suggestion: Option<String>,
    },
    /// A level that a categorical column does not have.
    #[error("column `{column}` has no level `{level}` (its levels: {})", levels.join(", "))]
    UnknownLevel {
        /// The column.
        column: String,
        /// The level asked for.
        level: String,
        /// The column's levels, sorted.
        levels: Vec<String>,
    },
    /// A categorical operation on a numeric column.
    #[error("column `{column}` is numeric, not categorical")]
    NotCategorical {
        /// The column.
        column: String,
    },
    /// A formula that does not parse.
    #[error("formula syntax error at column {}: {message}\n  {formula}\n  {}", span.column(formula), span.caret(formula))]
    Syntax {
        /// The formula.
        formula: String,
        /// Where the problem is.
        span: Span,
        /// What is wrong.
        message: String,
    },
    /// A formula names a variable that the frame does not have.
    #[error("unknown variable `{name}` at column {}{}\n  {formula}\n  {}", span.column(formula), closest(suggestion.as_deref()), span.caret(formula))]
    UnknownVariable {
        /// The formula.
        formula: String,
        /// Where the name is.
        span: Span,
        /// The unknown name.
        name: String,
        /// The frame's column name closest to it by edit distance.
        suggestion: Option<String>,
    },
    /// The response also appears on the right-hand side.
    #[error("the response `{name}` also appears on the right-hand side of the formula")]
    ResponseOnRightSide {
        /// The response expression.
        name: String,
    },
    /// A categorical column used where numbers are needed, e.g. `log(g)` or a response.
    #[error(
        "`{expression}` needs numbers but column `{column}` is categorical (row {row} holds \"{value}\")"
    )]
    NotNumeric {
        /// The expression that needs numbers.
        expression: String,
        /// The categorical column.
        column: String,
        /// 0-based row of the first used value.
        row: usize,
        /// That value.
        value: String,
    },
    /// A transform evaluated outside its domain, e.g. `log` of a value ≤ 0.
    #[error("`{expression}` is undefined at row {row}: {operation} {value}")]
    OutOfDomain {
        /// The expression.
        expression: String,
        /// What failed: `log of`, `sqrt of`, `division by`, `a fractional power of`.
        operation: &'static str,
        /// 0-based row.
        row: usize,
        /// The argument out of the domain.
        value: f64,
    },
    /// A transform overflowed to an infinity (e.g. `exp` of a large value).
    #[error("`{expression}` is not finite at row {row}")]
    NonFinite {
        /// The expression.
        expression: String,
        /// 0-based row.
        row: usize,
    },
    /// `poly(x, k)` with `k` at least the number of distinct values of `x`.
    #[error("`{expression}`: degree {degree} must be less than the {unique} distinct values of x")]
    PolyDegree {
        /// The expression.
        expression: String,
        /// The degree asked for.
        degree: usize,
        /// Distinct values of `x` in the rows used.
        unique: usize,
    },
    /// A categorical variable with fewer than two levels in the rows used: no contrast exists.
    #[error(
        "factor `{variable}` has only one level (`{level}`) in the rows used; contrasts need at least two"
    )]
    SingleLevel {
        /// The variable.
        variable: String,
        /// Its only level.
        level: String,
    },
    /// A missing value where the options forbid dropping rows.
    #[error("missing value in column `{column}` at row {row}")]
    Missing {
        /// The column.
        column: String,
        /// 0-based row.
        row: usize,
    },
    /// Every value of the response is missing.
    #[error("the response `{response}` is missing in every row")]
    ResponseAllMissing {
        /// The response expression.
        response: String,
    },
    /// Every row has a missing value in some variable of the formula.
    #[error("all {rows} rows have a missing value in some variable of the formula")]
    NoCompleteRows {
        /// Rows of the frame.
        rows: usize,
    },
    /// `lsq` rejected the design matrix.
    #[error("the design matrix is invalid: {0}")]
    Design(lsq::Error),
}

fn closest(suggestion: Option<&str>) -> String {
    suggestion.map(|s| format!("; the closest column is `{s}`")).unwrap_or_default()
}

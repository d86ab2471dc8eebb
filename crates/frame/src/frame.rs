//! [`Frame`]: a small table of named numeric and categorical columns of equal length.

use crate::column::Column;
use crate::error::{Error, Result};
use crate::suggest::closest;

/// A table of named columns of equal length, numeric or categorical, with missing values.
///
/// Build one in memory with the `with_*` methods or read one from CSV with
/// [`Frame::from_reader`]; turn it into a model matrix with [`Frame::design`]. A categorical
/// column's reference level (the one treatment contrasts leave out) is its first level in byte
/// order unless [`Frame::with_reference`] chooses another, as R's `relevel`.
///
/// # Examples
///
/// ```
/// use frame::{Column, Frame};
///
/// let frame = Frame::new()
///     .with_numeric("y", [1.0, 2.0, 4.0])?
///     .with_numeric_missing("x", [Some(0.5), None, Some(2.0)])?
///     .with_categorical("g", ["b", "a", "c"])?;
/// assert_eq!((frame.nrows(), frame.ncols()), (3, 3));
/// assert_eq!(frame.names(), ["y", "x", "g"]);
/// assert_eq!(frame.column("x")?.missing(), 1);
/// assert_eq!(frame.levels("g")?, ["a", "b", "c"]);
/// let frame = frame.with_reference("g", "c")?;
/// assert_eq!(frame.levels("g")?, ["c", "a", "b"]);
/// // A misspelt name is an error naming the closest column.
/// let err = frame.column("gg").unwrap_err();
/// assert_eq!(err.to_string(), "the frame has no column `gg`; the closest column is `g`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "FrameData", into = "FrameData")
)]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    names: Vec<String>,
    columns: Vec<Column>,
    references: Vec<Option<String>>,
}

impl Frame {
    /// An empty frame: no columns, no rows.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column.
    ///
    /// # Errors
    /// [`Error::EmptyName`], [`Error::DuplicateColumn`], [`Error::ColumnLength`] when the frame
    /// already has columns of another length, and [`Error::NonFiniteValue`] for a NaN or
    /// infinite number (missing values are `None`).
    pub fn with_column(mut self, name: impl Into<String>, column: Column) -> Result<Self> {
        let name = name.into();
        if name.is_empty() {
            return Err(Error::EmptyName);
        }
        if self.names.contains(&name) {
            return Err(Error::DuplicateColumn { name });
        }
        if !self.columns.is_empty() && column.len() != self.nrows() {
            return Err(Error::ColumnLength { name, expected: self.nrows(), found: column.len() });
        }
        if let Column::Numeric(values) = &column
            && let Some((row, value)) = values
                .iter()
                .enumerate()
                .find_map(|(i, v)| v.filter(|v| !v.is_finite()).map(|v| (i, v)))
        {
            return Err(Error::NonFiniteValue { column: name, row, value });
        }
        self.names.push(name);
        self.columns.push(column);
        self.references.push(None);
        Ok(self)
    }

    /// Adds a numeric column without missing values.
    ///
    /// # Errors
    /// As [`Frame::with_column`].
    pub fn with_numeric(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = f64>,
    ) -> Result<Self> {
        self.with_column(name, Column::Numeric(values.into_iter().map(Some).collect()))
    }

    /// Adds a numeric column; `None` marks a missing value.
    ///
    /// # Errors
    /// As [`Frame::with_column`].
    pub fn with_numeric_missing(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = Option<f64>>,
    ) -> Result<Self> {
        self.with_column(name, Column::Numeric(values.into_iter().collect()))
    }

    /// Adds a categorical column without missing values.
    ///
    /// # Errors
    /// As [`Frame::with_column`].
    pub fn with_categorical<S: Into<String>>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let values = values.into_iter().map(|v| Some(v.into())).collect();
        self.with_column(name, Column::Categorical(values))
    }

    /// Adds a categorical column; `None` marks a missing value.
    ///
    /// # Errors
    /// As [`Frame::with_column`].
    pub fn with_categorical_missing<S: Into<String>>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Result<Self> {
        let values = values.into_iter().map(|v| v.map(Into::into)).collect();
        self.with_column(name, Column::Categorical(values))
    }

    /// Number of rows (0 for a frame without columns).
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Number of columns.
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.columns.len()
    }

    /// Column names, in column order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] naming the closest existing column.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.index(name).map(|j| &self.columns[j])
    }

    /// The levels of categorical column `name` in coding order: the reference level first,
    /// then the others sorted by their bytes.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`]; [`Error::NotCategorical`] for a numeric column.
    pub fn levels(&self, name: &str) -> Result<Vec<String>> {
        let j = self.index(name)?;
        if !matches!(self.columns[j], Column::Categorical(_)) {
            return Err(Error::NotCategorical { column: name.to_owned() });
        }
        Ok(reorder(self.columns[j].levels(), self.references[j].as_deref()))
    }

    /// Makes `level` the reference level of categorical column `column` (R's
    /// `relevel(f, ref = level)`): treatment contrasts then leave it out, and the other levels
    /// keep their order.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`], [`Error::NotCategorical`], or [`Error::UnknownLevel`] when no
    /// row holds `level`.
    pub fn with_reference(mut self, column: &str, level: &str) -> Result<Self> {
        let levels = self.levels(column)?;
        if !levels.iter().any(|l| l == level) {
            let mut levels = levels;
            levels.sort();
            return Err(Error::UnknownLevel {
                column: column.to_owned(),
                level: level.to_owned(),
                levels,
            });
        }
        let j = self.index(column)?;
        self.references[j] = Some(level.to_owned());
        Ok(self)
    }

    /// The reference level chosen with [`Frame::with_reference`] for the column at `j`.
    pub(crate) fn reference_at(&self, j: usize) -> Option<&str> {
        self.references.get(j).and_then(Option::as_deref)
    }

    /// The column at `j`.
    pub(crate) fn column_at(&self, j: usize) -> &Column {
        &self.columns[j]
    }

    /// The position of column `name`.
    pub(crate) fn index(&self, name: &str) -> Result<usize> {
        self.names.iter().position(|n| n == name).ok_or_else(|| Error::UnknownColumn {
            name: name.to_owned(),
            suggestion: closest(name, self.names.iter().map(String::as_str)),
        })
    }
}

/// A frame's fields as serialised; deserialising rebuilds the frame through
/// [`Frame::with_column`] and [`Frame::with_reference`], so a document that breaks a frame's
/// invariants (unequal lengths, duplicate names, NaN, an unknown reference) is an error.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct FrameData {
    names: Vec<String>,
    columns: Vec<Column>,
    references: Vec<Option<String>>,
}

#[cfg(feature = "serde")]
impl From<Frame> for FrameData {
    fn from(frame: Frame) -> Self {
        Self { names: frame.names, columns: frame.columns, references: frame.references }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<FrameData> for Frame {
    type Error = String;

    fn try_from(data: FrameData) -> std::result::Result<Self, String> {
        let n = data.columns.len();
        if data.names.len() != n || data.references.len() != n {
            return Err(format!(
                "a frame needs one name and one reference entry per column: {n} columns, {} names, {} references",
                data.names.len(),
                data.references.len()
            ));
        }
        let mut frame = Frame::new();
        for (name, column) in data.names.iter().zip(data.columns) {
            frame = frame.with_column(name.clone(), column).map_err(|e| e.to_string())?;
        }
        for (name, reference) in data.names.iter().zip(data.references) {
            if let Some(level) = reference {
                frame = frame.with_reference(name, &level).map_err(|e| e.to_string())?;
            }
        }
        Ok(frame)
    }
}

/// Moves `reference` (when present) to the front of the sorted `levels`.
pub(crate) fn reorder(mut levels: Vec<String>, reference: Option<&str>) -> Vec<String> {
    if let Some(k) = reference.and_then(|r| levels.iter().position(|l| l == r)) {
        let level = levels.remove(k);
        levels.insert(0, level);
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_columns_are_errors_and_leave_no_trace() {
        let frame = Frame::new().with_numeric("x", [1.0, 2.0]).unwrap();
        assert!(matches!(
            frame.clone().with_numeric("z", [1.0]),
            Err(Error::ColumnLength { expected: 2, found: 1, .. })
        ));
        assert!(matches!(
            frame.clone().with_numeric("x", [1.0, 2.0]),
            Err(Error::DuplicateColumn { .. })
        ));
        assert!(matches!(frame.clone().with_numeric("", [1.0, 2.0]), Err(Error::EmptyName)));
        assert!(matches!(
            frame.clone().with_numeric("z", [1.0, f64::NAN]),
            Err(Error::NonFiniteValue { row: 1, .. })
        ));
        let g = frame.with_categorical("g", ["u", "v"]).unwrap();
        assert!(matches!(g.clone().with_reference("g", "w"), Err(Error::UnknownLevel { .. })));
        assert!(matches!(g.clone().with_reference("x", "u"), Err(Error::NotCategorical { .. })));
        assert!(matches!(g.with_reference("q", "u"), Err(Error::UnknownColumn { .. })));
    }
}

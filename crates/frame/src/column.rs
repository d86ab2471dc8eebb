//! [`Column`]: one named column of a [`Frame`](crate::Frame), numeric or categorical, with
//! missing values as `None`.

/// The values of one column; `None` marks a missing value (R's `NA`).
///
/// # Examples
///
/// ```
/// use frame::Column;
///
/// let g = Column::Categorical(vec![Some("b".into()), None, Some("a".into()), Some("b".into())]);
/// assert_eq!(g.len(), 4);
/// assert_eq!(g.missing(), 1);
/// assert_eq!(g.levels(), ["a", "b"]);
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Column {
    /// Finite numbers.
    Numeric(Vec<Option<f64>>),
    /// Text: a factor whose levels are its distinct values.
    Categorical(Vec<Option<String>>),
}

impl Column {
    /// Number of values, missing ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// Whether the column has no values.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the value in `row` is missing (a row past the end counts as missing).
    #[must_use]
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Column::Numeric(v) => v.get(row).is_none_or(Option::is_none),
            Column::Categorical(v) => v.get(row).is_none_or(Option::is_none),
        }
    }

    /// Number of missing values.
    #[must_use]
    pub fn missing(&self) -> usize {
        (0..self.len()).filter(|&i| self.is_missing(i)).count()
    }

    /// The distinct non-missing values of a categorical column, sorted by their bytes (R's
    /// order in the C locale); empty for a numeric column.
    #[must_use]
    pub fn levels(&self) -> Vec<String> {
        match self {
            Column::Numeric(_) => Vec::new(),
            Column::Categorical(v) => sorted_levels(v.iter().flatten().map(String::as_str)),
        }
    }
}

/// The distinct values, sorted by their bytes.
pub(crate) fn sorted_levels<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = values.into_iter().collect();
    set.into_iter().map(str::to_owned).collect()
}

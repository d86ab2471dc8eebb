//! [`LsqOptions`] and [`Nulls`]: what one registered `lsq_fit` variant does with its arguments.

/// What a row with a NULL in any argument (response, weight or regressor) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Nulls {
    /// The row is left out of the fit and counted in the result's `nulls_skipped` field (R's
    /// `na.action = na.omit`).
    #[default]
    Skip,
    /// The query fails with an execution error naming the argument (R's `na.fail`).
    Fail,
}

/// The options of one `lsq_fit` aggregate: the arguments are `(y, x1, …, xk)`, or
/// `(y, w, x1, …, xk)` when weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LsqOptions {
    /// Fit an intercept (a column of ones placed first, named `(Intercept)`); R² and the F test
    /// are then taken about the weighted mean. Default `true`.
    pub intercept: bool,
    /// The second argument holds prior weights (non-negative; rows of weight zero do not count
    /// as observations). Default `false`.
    pub weighted: bool,
    /// What a row with a NULL does. Default [`Nulls::Skip`].
    pub nulls: Nulls,
}

impl Default for LsqOptions {
    fn default() -> Self {
        Self { intercept: true, weighted: false, nulls: Nulls::Skip }
    }
}

impl LsqOptions {
    /// Arguments before the regressors: `y`, and `w` when weighted.
    pub(crate) fn leading(self) -> usize {
        if self.weighted { 2 } else { 1 }
    }
}

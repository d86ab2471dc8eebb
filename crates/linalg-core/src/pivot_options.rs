//! [`PivotOptions`] and [`PivotStrategy`]: how [`crate::PivotedQr`] picks its pivot columns and
//! the tolerance it decides rank with.

use crate::error::Result;
use crate::scalar::{Real, check_rank_tolerance, default_rank_tolerance};

/// How [`crate::PivotedQr`] chooses the next column.
///
/// # Examples
///
/// ```
/// use linalg_core::{PivotOptions, PivotStrategy, PivotedQr};
/// use nalgebra::dmatrix;
///
/// // Column 1 is 10 × column 0; the two strategies alias different members of the pair.
/// let a = dmatrix![1.0, 10.0, 0.0; 2.0, 20.0, 1.0; 0.0, 0.0, 1.0; 1.0, 10.0, 0.0];
/// let largest = PivotedQr::new(a.clone())?;
/// assert_eq!(largest.strategy(), PivotStrategy::default());
/// assert_eq!(largest.aliased_columns(), vec![0]); // the larger column is kept
/// let keep = PivotOptions::default().strategy(PivotStrategy::KeepOrder);
/// assert_eq!(PivotedQr::with_options(a, keep)?.aliased_columns(), vec![1]); // as R's `lm`
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PivotStrategy {
    /// Businger–Golub: the remaining column of largest norm goes next (LAPACK `dgeqp3`).
    ///
    /// `|r_kk|` is then non-increasing, and rank is the number of `|r_kk| > tol·|r_00|`. Which
    /// columns end up aliased depends on their norms, so a large column can push out an earlier
    /// one.
    #[default]
    LargestNorm,
    /// Keep the given order and move a column to the end only when what remains of it, after
    /// the columns already taken are projected out, has norm `≤ tol·` its original norm
    /// (LINPACK `dqrdc2`, the routine behind R's `lm`).
    ///
    /// The test is invariant to column scaling, and the aliased columns are the later members
    /// of each dependent set, which is how R reports them (as `NA`).
    KeepOrder,
}

/// Options for [`crate::PivotedQr::with_options`].
///
/// # Examples
///
/// ```
/// use linalg_core::{PivotOptions, PivotStrategy};
///
/// let opts = PivotOptions::default().strategy(PivotStrategy::KeepOrder).tolerance(1e-10);
/// assert_eq!(opts.tolerance_value(), Some(1e-10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PivotOptions {
    strategy: PivotStrategy,
    tolerance: Option<f64>,
}

impl PivotOptions {
    /// Pivoting strategy. Default: [`PivotStrategy::LargestNorm`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{PivotOptions, PivotStrategy, PivotedQr};
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 10.0; 1.0, 20.0; 1.0, 30.0];
    /// // The default moves the larger column first; `KeepOrder` keeps a full-rank A's order.
    /// assert_eq!(PivotedQr::new(a.clone())?.permutation(), &[1, 0]);
    /// let keep = PivotOptions::default().strategy(PivotStrategy::KeepOrder);
    /// let qr = PivotedQr::with_options(a, keep)?;
    /// assert_eq!((qr.strategy(), qr.permutation()), (PivotStrategy::KeepOrder, &[0, 1][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn strategy(mut self, strategy: PivotStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Relative rank tolerance in `[0, 1)`. Default: `max(m, n)·ε` of the scalar type
    /// ([`crate::default_rank_tolerance`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, PivotOptions, PivotedQr};
    /// use nalgebra::dmatrix;
    ///
    /// // Column 1 differs from column 0 by 1e-8 in one entry.
    /// let a = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-8];
    /// assert_eq!(PivotedQr::new(a.clone())?.rank(), 2); // default tolerance 3ε
    /// let loose = PivotOptions::default().tolerance(1e-6);
    /// assert_eq!(PivotedQr::with_options(a.clone(), loose)?.rank(), 1);
    /// let invalid = PivotedQr::with_options(a, PivotOptions::default().tolerance(1.0));
    /// assert!(matches!(invalid, Err(Error::InvalidOption { name: "tolerance", .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// The tolerance set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{PivotOptions, PivotedQr, default_rank_tolerance};
    /// use nalgebra::dmatrix;
    ///
    /// let opts = PivotOptions::default();
    /// assert_eq!(opts.tolerance_value(), None);
    /// assert_eq!(opts.tolerance(1e-10).tolerance_value(), Some(1e-10));
    /// // Unset, the factorization uses max(m, n)·ε.
    /// let qr = PivotedQr::with_options(dmatrix![1.0, 0.0; 0.0, 1.0; 1.0, 1.0], opts)?;
    /// assert_eq!(qr.tolerance(), default_rank_tolerance::<f64>(3, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance_value(&self) -> Option<f64> {
        self.tolerance
    }

    /// The strategy, and the tolerance for an m×n matrix in `T`: the one set, checked to lie in
    /// `[0, 1)`, or `max(m, n)·ε`. The one place these options are validated.
    pub(crate) fn resolve<T: Real>(self, m: usize, n: usize) -> Result<(PivotStrategy, f64)> {
        let tolerance = self.tolerance.unwrap_or_else(|| default_rank_tolerance::<T>(m, n));
        Ok((self.strategy, check_rank_tolerance(tolerance)?))
    }
}

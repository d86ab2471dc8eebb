//! [`TallQr`]: a mergeable Householder QR of tall matrices, fed rows block by block.
//!
//! This file holds the type, its constructors and the ways rows get in (`push`, `merge`, the
//! parallel `from_rows`); what comes out (`R`, `Qᵀy`, the residual sum of squares, the solve) is
//! in `crate::tall_results`.

use nalgebra::{DMatrix, Dim, Dyn, Matrix, Storage, U1};

use crate::error::{Error, Result};
use crate::row_block::{FillFn, FillRows, RowBlock, check_columns};
use crate::scalar::Real;
use crate::tall_core::{Accumulator, Work, check_state};
use crate::tall_parallel::{fold_rows, fold_rows_here};

/// Householder QR of a tall matrix `[X | Y]` whose rows arrive in blocks: the n×n factor `R` of
/// `√W·X`, `Qᵀy` and the residual sum of squares of each response, in `O((n + k)²)` memory
/// whatever the number of rows, and mergeable.
///
/// For rows `X` (m×n), responses `Y` (m×k, often one column `y`) and weights `W = diag(w)`, the
/// state is the upper-triangular factor `S` of the augmented matrix `A = [√W·X | √W·Y]`:
///
/// ```text
///     S = [ R   Qᵀy ]     R: n×n, the factor of √W·X        SᵀS = AᵀA
///         [ 0   T   ]     T: k×k, the factor of the residuals, ‖T e_j‖² = rss_j
/// ```
///
/// so `min ‖√W·(X·b − y_j)‖₂` is solved by `R·b = (Qᵀy)_j`, with residual sum of squares
/// `rss_j`, the part of `‖√W·y_j‖²` that the columns of `X` do not explain. [`TallQr::push`] and
/// [`TallQr::push_weighted`] fold a block of rows into the state, [`TallQr::merge`] combines two
/// states (of different row sets, for instance from other threads, files or machines), and
/// [`TallQr::from_rows`] folds a whole matrix on several threads. Whatever the blocks and the
/// merge order, the result is the QR factorization of all the rows stacked, up to rounding.
/// The state is plain data: the (n + k)×(n + k) triangle and two row counts.
///
/// Rows are borrowed, never copied whole: `x`, `y` and the weights may be any nalgebra matrix
/// or view with unit row stride (a `DMatrix`, a `DVector`, or a block of their rows such as
/// `x.rows(start, len)`), so each column can be read as a slice.
///
/// # Algorithm
/// Tall-skinny QR (TSQR; Demmel, Grigori, Hoemmen and Langou, "Communication-optimal parallel
/// and sequential QR and LU factorizations", SIAM J. Sci. Comput. 34(1), 2012). Rows are taken in
/// chunks of 2¹⁷ entries of `[X | Y]` (1 MiB of `f64`, cache-sized); each chunk is weighted and
/// copied once, factored by the blocked Householder QR of [`crate::HouseholderQr`] (with panels
/// of 4 or 8 columns on narrow chunks), and its triangle folded under the state by structured
/// Householder reflectors that touch one row of the state and the rows of the triangle only
/// (Golub & Van Loan, *Matrix Computations*, 4th ed., §5.2; LAPACK `dtpqrt`). A block of fewer
/// rows than `n + k` is folded under the state directly, with reflectors that touch one row of
/// the state and the block's rows. `merge` folds one triangle under the other the same way.
///
/// # Cost
/// `2mN²` flops for m rows of N = n + k augmented columns, as for Householder QR of `[X | Y]`,
/// plus `2N³/3` per chunk (of at least `8N` rows) and per merge; `X` and `Y` are read once.
/// Memory: the N×N state and one chunk per thread, never m×N.
///
/// # Accuracy
/// Backward stable like Householder QR: the computed `S` is the exact factor of `A + ΔA` with
/// `‖ΔA‖` a modest multiple of `ε·‖A‖`, the multiple growing with the chunk length and with
/// `N` per merge level rather than with m (Demmel et al. 2012). Coefficients therefore have
/// relative error about `κ(√W·X)·ε + κ(√W·X)²·ε·‖r‖/(‖A‖·‖b‖)`, as with
/// [`crate::HouseholderQr::solve`]. Different chunkings and merge orders change the result at
/// the level of rounding only; the same pushes, merges and shapes give the same bits on a given
/// machine (the block products of large chunks use fused multiply-adds where the CPU has
/// them, so two CPUs may differ in the last bits). Rank is not
/// revealed by an unpivoted `R`; use [`TallQr::condition_estimate`] to judge it.
///
/// # Signs
/// `R` is unique only up to the signs of its rows. The stored triangle keeps whatever signs the
/// reflectors gave; [`TallQr::r`] and [`TallQr::qty`] flip rows so that `R` has a non-negative
/// diagonal, so that `R` is the Cholesky factor of `XᵀWX` and agrees with
/// [`crate::HouseholderQr::r`] up to row signs. Coefficients, `RᵀR` and the residual sums of
/// squares do not depend on the signs.
///
/// # Examples
///
/// ```
/// use linalg_core::TallQr;
/// use nalgebra::{dmatrix, dvector};
///
/// // y = 1 + 2t, observed in two batches; the second batch is folded by another state.
/// let mut first = TallQr::new(2);
/// first.push(&dmatrix![1.0, 0.0; 1.0, 1.0], &dvector![1.0, 3.0])?;
/// let mut second = TallQr::new(2);
/// second.push(&dmatrix![1.0, 2.0; 1.0, 3.0; 1.0, 4.0], &dvector![5.0, 7.0, 9.5])?;
/// let all = first.merge(second)?;
/// assert_eq!(all.rows(), 5);
/// let b = all.solve()?;
/// assert!((b[(0, 0)] - 0.9).abs() < 1e-12 && (b[(1, 0)] - 2.1).abs() < 1e-12);
/// // The residuals 0.1, 0, −0.1, −0.2, 0.2 have sum of squares 0.1.
/// assert!((all.rss()[0] - 0.1).abs() < 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        try_from = "crate::tall_core::StoredState<T>",
        into = "crate::tall_core::StoredState<T>"
    )
)]
#[cfg_attr(feature = "serde", serde(bound = "T: serde::Serialize + serde::de::DeserializeOwned"))]
pub struct TallQr<T: Real = f64> {
    /// Columns of `X`; the triangle's remaining columns are the responses.
    pub(crate) n: usize,
    /// The triangle and the row counts.
    pub(crate) acc: Accumulator<T>,
}

impl<T: Real> TallQr<T> {
    /// The state of no rows, for n columns and one response: `R = 0`, `Qᵀy = 0`, `rss = 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    ///
    /// let state = TallQr::<f64>::new(3);
    /// assert_eq!((state.ncols(), state.responses(), state.rows()), (3, 1, 0));
    /// ```
    #[must_use]
    pub fn new(ncols: usize) -> Self {
        Self::with_responses(ncols, 1)
    }

    /// The state of no rows, for n columns and k responses (k = 0 accumulates `R` alone).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::dmatrix;
    ///
    /// // Two responses fitted on the same columns at once.
    /// let mut state = TallQr::with_responses(1, 2);
    /// state.push(&dmatrix![1.0; 1.0], &dmatrix![1.0, 10.0; 3.0, 30.0])?;
    /// let b = state.solve()?;
    /// assert!((b[(0, 0)] - 2.0).abs() < 1e-15 && (b[(0, 1)] - 20.0).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_responses(ncols: usize, responses: usize) -> Self {
        Self { n: ncols, acc: Accumulator::empty(ncols + responses) }
    }

    /// The state of all the rows of `x` and `y`, folded on up to `threads` threads.
    ///
    /// The rows are cut into at most 64 contiguous leaves of nearly equal length, each at least
    /// one chunk (2¹⁷ entries of `[X | Y]`), 4096 rows and 64 rows per column long; each leaf is
    /// folded on its own and the leaves' states are merged pairwise in a fixed tree. The cut
    /// depends only on the shape of `x` and `y` (a shorter problem is one leaf), never on `threads`, so every thread count gives
    /// the same result bit for bit, run after run; the threads only share the leaves out, taking
    /// them in row order. A problem of one leaf (up to about 1 MiB of `f64`) runs on the calling
    /// thread. The threads are `std::thread::scope` threads that borrow `x` and `y` for the
    /// duration of the call: no thread pool to configure, no copy of the data, no dependency.
    /// See [`TallQr::default_threads`] for a thread count.
    ///
    /// See the type-level docs for algorithm, cost and accuracy.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `y` has a different number of rows than `x`;
    /// [`Error::InvalidOption`] if `threads` is 0; [`Error::NonFinite`] or
    /// [`Error::NonFiniteResponse`] naming a NaN or infinite entry (the first in column-major
    /// order of the first chunk of rows that has one, whatever the thread count);
    /// [`Error::NonFiniteFold`] if the fold overflows (a column's norm at or beyond the
    /// largest `f64`).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{TallQr, count_to_f64};
    /// use nalgebra::{DMatrix, DVector};
    ///
    /// let m = 50_000;
    /// let x = DMatrix::from_fn(m, 2, |i, j| if j == 0 { 1.0 } else { count_to_f64(i % 7) });
    /// let y = DVector::from_fn(m, |i, _| 3.0 - 0.5 * count_to_f64(i % 7));
    /// let one = TallQr::from_rows(&x, &y, 1)?;
    /// let two = TallQr::from_rows(&x, &y, 2)?;
    /// assert_eq!(one, two); // bit for bit
    /// let b = two.solve()?;
    /// assert!((b[(0, 0)] - 3.0).abs() < 1e-12 && (b[(1, 0)] + 0.5).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_rows<C, SX, SY>(
        x: &Matrix<T, Dyn, Dyn, SX>,
        y: &Matrix<T, Dyn, C, SY>,
        threads: usize,
    ) -> Result<Self>
    where
        C: Dim,
        SX: Storage<T, Dyn, Dyn, RStride = U1> + Sync,
        SY: Storage<T, Dyn, C, RStride = U1> + Sync,
    {
        let block = RowBlock::new(x, y, None::<&nalgebra::DVector<T>>, None)?;
        Ok(Self { n: x.ncols(), acc: fold_rows(&block, threads)? })
    }

    /// [`TallQr::from_rows`] on rows the caller writes as they are needed, so that no copy of
    /// the whole matrix has to exist: `fill(start, len, buf)` writes rows `start..start + len`
    /// of `[√W·X | √W·Y]` (`ncols + responses` columns) into `buf`, column-major with leading
    /// dimension `len`, and returns how many of those rows have a nonzero weight. The leaves,
    /// threads and merge tree are those of [`TallQr::from_rows`], so the state is the same for
    /// every thread count; `fill` runs on the worker threads, on disjoint row ranges, once for
    /// each row.
    ///
    /// The entries `fill` writes are not checked one by one: the state is checked after each
    /// chunk it folds (`N²` entries against the chunk's `rows·N`), since a NaN or infinite
    /// entry leaves its column of the triangle non-finite and the columns before it finite. So
    /// the error names the chunk and the column, not the row.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for `threads = 0`; [`Error::NonFiniteFold`] for the first chunk
    /// of rows, in row order, whose fold is not finite (rows counted from 0, the first column
    /// of the augmented rows that holds a NaN or infinite entry in that chunk, or where the
    /// fold overflowed), whatever the thread count.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The rows of [1, t | 2 + 3t] for t = 0, 1, …, 9, written on demand.
    /// let filled = TallQr::<f64>::from_fill(10, 2, 1, 2, |start, len, buf: &mut [f64]| {
    ///     for k in 0..len {
    ///         let t = (start + k) as f64;
    ///         (buf[k], buf[len + k], buf[2 * len + k]) = (1.0, t, 2.0 + 3.0 * t);
    ///     }
    ///     len
    /// })?;
    /// let b = filled.solve()?;
    /// assert!((b[(0, 0)] - 2.0).abs() < 1e-13 && (b[(1, 0)] - 3.0).abs() < 1e-13);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_fill<F>(
        nrows: usize,
        ncols: usize,
        responses: usize,
        threads: usize,
        fill: F,
    ) -> Result<Self>
    where
        F: Fn(usize, usize, &mut [T]) -> usize + Sync,
    {
        let source = FillFn { nrows, width: ncols + responses, fill };
        Ok(Self { n: ncols, acc: fold_rows(&source, threads)? })
    }

    /// [`TallQr::from_rows`] with row weights: the state of `√W·X` and `√W·Y`.
    ///
    /// Rows of weight zero are folded (they change nothing) and counted in [`TallQr::rows`], not
    /// in [`TallQr::nonzero_weight_rows`].
    ///
    /// # Errors
    /// As [`TallQr::from_rows`], plus [`Error::DimensionMismatch`] if `w` has a different
    /// number of rows than `x` and [`Error::InvalidWeight`] for a negative, NaN or infinite
    /// weight. An entry whose weighted value overflows is reported as non-finite, with that
    /// value.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // Weight 4 on a row counts like that row four times.
    /// let x = dmatrix![1.0; 1.0];
    /// let weighted = TallQr::from_weighted_rows(&x, &dvector![1.0, 6.0], &dvector![4.0, 1.0], 1)?;
    /// let repeated = dmatrix![1.0; 1.0; 1.0; 1.0; 1.0];
    /// let plain = TallQr::from_rows(&repeated, &dvector![1.0, 1.0, 1.0, 1.0, 6.0], 1)?;
    /// assert!((weighted.solve()? - plain.solve()?).amax() < 1e-15);
    /// assert!((weighted.rss()[0] - plain.rss()[0]).abs() < 1e-13);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_weighted_rows<C, SX, SY, SW>(
        x: &Matrix<T, Dyn, Dyn, SX>,
        y: &Matrix<T, Dyn, C, SY>,
        w: &Matrix<T, Dyn, U1, SW>,
        threads: usize,
    ) -> Result<Self>
    where
        C: Dim,
        SX: Storage<T, Dyn, Dyn, RStride = U1> + Sync,
        SY: Storage<T, Dyn, C, RStride = U1> + Sync,
        SW: Storage<T, Dyn, U1, RStride = U1> + Sync,
    {
        let block = RowBlock::new(x, y, Some(w), None)?;
        Ok(Self { n: x.ncols(), acc: fold_rows(&block, threads)? })
    }

    /// A thread count for [`TallQr::from_rows`]: the parallelism the operating system reports
    /// (`std::thread::available_parallelism`), or 1 if it reports none, asked once per process.
    /// Asking reads the process's CPU affinity and control-group files, about 50 µs a call on
    /// Linux, more than a whole small fit; a process whose affinity changes after the first
    /// call keeps the first answer.
    ///
    /// Results do not depend on the thread count, so this machine-dependent default cannot make
    /// them machine-dependent. The leaves bound the threads actually used.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(linalg_core::TallQr::<f64>::default_threads() >= 1);
    /// ```
    #[must_use]
    pub fn default_threads() -> usize {
        static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *THREADS.get_or_init(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
    }

    /// Folds the rows of `x` (b×n) and `y` (b×k) into the state.
    ///
    /// Equivalent to `self.merge(TallQr::from_rows(x, y, 1)?)`, bit for bit when the block has
    /// at least n + k rows; a block of fewer rows is folded under the state directly
    /// (`2b(n + k)²` flops) instead of through a triangle of its own. A block of no rows changes
    /// nothing. On error the state is unchanged. See the type-level docs for algorithm, cost
    /// and accuracy.
    ///
    /// # Errors
    /// [`Error::ColumnMismatch`] if `x` does not have n columns or `y` does not have k;
    /// [`Error::DimensionMismatch`] if `y` has a different number of rows than `x`;
    /// [`Error::NonFinite`] or [`Error::NonFiniteResponse`] naming a NaN or infinite entry
    /// (row counted from the first row of the block); [`Error::NonFiniteFold`] if the fold
    /// overflows. The state is unchanged when the push fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, TallQr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // One row at a time.
    /// let mut state = TallQr::new(2);
    /// for (t, y) in [(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)] {
    ///     state.push(&dmatrix![1.0, t], &dvector![y])?;
    /// }
    /// assert!((state.solve()? - dmatrix![1.0; 2.0]).amax() < 1e-14);
    /// // A NaN is named, and the state keeps its three rows.
    /// let err = state.push(&dmatrix![1.0, f64::NAN], &dvector![0.0]).unwrap_err();
    /// assert!(matches!(err, Error::NonFinite { row: 0, col: 1, .. }));
    /// assert_eq!(state.rows(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push<C, SX, SY>(
        &mut self,
        x: &Matrix<T, Dyn, Dyn, SX>,
        y: &Matrix<T, Dyn, C, SY>,
    ) -> Result<()>
    where
        C: Dim,
        SX: Storage<T, Dyn, Dyn, RStride = U1>,
        SY: Storage<T, Dyn, C, RStride = U1>,
    {
        let block = RowBlock::new(x, y, None::<&nalgebra::DVector<T>>, Some(self.shape()))?;
        self.push_rows(&block)
    }

    /// [`TallQr::push`] with row weights: folds `√W·X` and `√W·Y`.
    ///
    /// # Errors
    /// As [`TallQr::push`], plus [`Error::DimensionMismatch`] if `w` has a different number of
    /// rows than `x` and [`Error::InvalidWeight`] for a negative, NaN or infinite weight.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, TallQr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let mut state = TallQr::new(1);
    /// state.push_weighted(&dmatrix![1.0; 1.0], &dvector![2.0, 5.0], &dvector![2.0, 1.0])?;
    /// assert!((state.solve()?[(0, 0)] - 3.0).abs() < 1e-14); // (2·2 + 1·5)/3
    /// assert_eq!(state.nonzero_weight_rows(), 2);
    /// let bad = state.push_weighted(&dmatrix![1.0], &dvector![1.0], &dvector![-1.0]);
    /// assert!(matches!(bad, Err(Error::InvalidWeight { row: 0, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_weighted<C, SX, SY, SW>(
        &mut self,
        x: &Matrix<T, Dyn, Dyn, SX>,
        y: &Matrix<T, Dyn, C, SY>,
        w: &Matrix<T, Dyn, U1, SW>,
    ) -> Result<()>
    where
        C: Dim,
        SX: Storage<T, Dyn, Dyn, RStride = U1>,
        SY: Storage<T, Dyn, C, RStride = U1>,
        SW: Storage<T, Dyn, U1, RStride = U1>,
    {
        let block = RowBlock::new(x, y, Some(w), Some(self.shape()))?;
        self.push_rows(&block)
    }

    /// Combines two states: the result is the state of `self`'s rows stacked on `other`'s.
    ///
    /// `other`'s triangle is folded under `self`'s by structured reflectors (`2(n + k)³/3`
    /// flops); an empty state on either side returns the other unchanged. `a.merge(b)` and
    /// `b.merge(a)` agree up to rounding (and row signs of the stored triangle). See the
    /// type-level docs for algorithm and accuracy.
    ///
    /// # Errors
    /// [`Error::ColumnMismatch`] if the states have different numbers of columns or responses;
    /// [`Error::NonFiniteFold`] (naming every row of both) if the merge overflows (a column's
    /// norm beyond the largest `f64`).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, TallQr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let mut a = TallQr::new(1);
    /// a.push(&dmatrix![1.0; 1.0], &dvector![1.0, 2.0])?;
    /// let mut b = TallQr::new(1);
    /// b.push(&dmatrix![1.0], &dvector![6.0])?;
    /// assert!((a.clone().merge(b)?.solve()?[(0, 0)] - 3.0).abs() < 1e-15);
    /// assert!(matches!(a.merge(TallQr::new(2)), Err(Error::ColumnMismatch { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(self, other: Self) -> Result<Self> {
        let (n, k) = self.shape();
        let (other_n, other_k) = other.shape();
        check_columns("merged state's x", n, other_n)?;
        check_columns("merged state's y", k, other_k)?;
        let rows = self.acc.rows + other.acc.rows;
        Ok(Self { n, acc: self.acc.merge(other.acc).finite(0..rows)? })
    }

    /// The state whose triangle is `triangle` (as [`TallQr::as_augmented`] returns it), for
    /// `ncols` design columns (the remaining columns are responses), after `rows` rows of which
    /// `nonzero_weight_rows` had nonzero weight ([`TallQr::rows`],
    /// [`TallQr::nonzero_weight_rows`]). With `as_augmented` this moves a state through any
    /// storage (a query engine's partial aggregate, a file) and back; nothing is recomputed, so
    /// the round trip is exact.
    ///
    /// # Errors
    /// [`Error::InvalidState`](crate::Error::InvalidState) if `triangle` is not square, is
    /// narrower than `ncols`, holds a NaN or infinite entry or a nonzero entry below the
    /// diagonal, or if `nonzero_weight_rows > rows`; the reason names the offending numbers.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let state = TallQr::from_rows(&dmatrix![1.0; 1.0; 1.0], &dvector![1.0, 2.0, 6.0], 1)?;
    /// let copy = TallQr::from_augmented(1, state.as_augmented().clone(), 3, 3)?;
    /// assert_eq!(copy, state);
    /// assert!(TallQr::from_augmented(1, dmatrix![1.0, 2.0; 3.0, 4.0], 3, 3).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_augmented(
        ncols: usize,
        triangle: DMatrix<T>,
        rows: usize,
        nonzero_weight_rows: usize,
    ) -> Result<Self> {
        check_state(ncols, &triangle, rows, nonzero_weight_rows)
            .map_err(|reason| crate::Error::InvalidState { reason })?;
        Ok(Self { n: ncols, acc: Accumulator { s: triangle, rows, nonzero_weight_rows } })
    }

    /// `(n, k)`: columns of `X` and responses.
    fn shape(&self) -> (usize, usize) {
        (self.n, self.acc.width() - self.n)
    }

    /// Folds a checked block: directly when it has fewer rows than the triangle has columns (one
    /// chunk, validated before anything is folded), else through its own state and a merge.
    fn push_rows(&mut self, block: &impl FillRows<T>) -> Result<()> {
        let (rows, width) = (block.nrows(), block.width());
        if rows == 0 {
            return Ok(());
        }
        // A failed push changes nothing: a new state replaces the old only when it is finite.
        if rows >= width {
            let other = fold_rows_here(block)?;
            self.acc = self.acc.clone().merge(other).finite(0..rows)?;
            return Ok(());
        }
        // A few rows are folded into the state in place, since a fresh copy of the state cost
        // as much as their fold: the buffer they are copied into also keeps the triangle as it
        // was, to put back if the fold overflows. That copy and the check of the result make a
        // one-row push 3–7 % slower than the unchecked fold was at 8 columns, 7–11 % at 20.
        let saved = width * width;
        let mut buf = Vec::with_capacity(saved + rows * width);
        buf.extend_from_slice(self.acc.s.as_slice());
        buf.resize(saved + rows * width, T::ZERO);
        let (before, chunk) = buf.split_at_mut(saved);
        let nonzero = block.fill(0, rows, chunk, &mut Vec::new())?;
        let counts = (self.acc.rows, self.acc.nonzero_weight_rows);
        self.acc.fold_chunk(chunk, (rows, true), nonzero, &mut Work::new());
        if let Some(col) = self.acc.first_non_finite_column() {
            self.acc.s.as_mut_slice().copy_from_slice(before);
            (self.acc.rows, self.acc.nonzero_weight_rows) = counts;
            return Err(Error::NonFiniteFold { start: 0, end: rows, col });
        }
        Ok(())
    }
}

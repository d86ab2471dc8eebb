//! [`PivotedQr`]: column-pivoted Householder QR `A·P = Q·R`, which reveals numerical rank.

use nalgebra::{
    DMatrix, DVector, DefaultAllocator, Dim, Dyn, IsContiguous, Matrix, OMatrix, Storage,
    StorageMut, allocator::Allocator,
};

use crate::condition::upper_condition_estimate;
use crate::error::{Error, Result};
use crate::householder::norm2;
use crate::packed::{Packed, check_input};
use crate::qr::rank_deficient;
use crate::scalar::{Real, default_rank_tolerance};
use crate::triangular::{Triangle, solve_unchecked};

/// How [`PivotedQr`] chooses the next column.
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

/// Options for [`PivotedQr::with_options`].
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
}

/// Below this fraction of the reference norm (`√ε`), a downdated column norm has lost too many
/// digits to cancellation and is recomputed from the column (LAPACK `dlaqp2`'s `tol3z`; Drmač and
/// Bujanović, LAPACK Working Note 176).
fn downdate_threshold<T: Real>() -> f64 {
    T::EPSILON.sqrt()
}

/// Column-pivoted Householder QR `A·P = Q·R` with numerical rank.
///
/// Column `k` of `A·P` is column [`PivotedQr::permutation`]`[k]` of `A`. The leading
/// `rank × rank` block of `R` is well conditioned relative to the tolerance; the columns of `A`
/// that land after it are [`PivotedQr::aliased_columns`].
///
/// # Algorithm
/// Householder QR with column pivoting (Businger & Golub 1965; Golub & Van Loan, *Matrix
/// Computations*, 4th ed., Alg. 5.4.1), or R's order-keeping variant, see [`PivotStrategy`].
/// Remaining column norms are downdated after each step and recomputed when cancellation has
/// eaten more than half their digits (the LAPACK 3.1 safeguard of Drmač and Bujanović).
///
/// # Cost
/// `2mn² − 2n³/3` flops, as unpivoted QR, plus `O(mn)` for the norms.
///
/// # Accuracy
/// Backward stable like [`crate::HouseholderQr`]. With [`PivotStrategy::LargestNorm`], `|r_kk|`
/// decreases and `|r_kk|/|r_00|` tracks `σ_k/σ_1` closely in practice (it can be off by a factor
/// exponential in n only on contrived matrices such as Kahan's). Rank decisions near the
/// tolerance are inherently fragile: a perturbation of relative size `tol` can change them.
///
/// # Examples
///
/// ```
/// use linalg_core::PivotedQr;
/// use nalgebra::dmatrix;
///
/// // The third column is the sum of the first two.
/// let a = dmatrix![1.0, 0.0, 1.0; 0.0, 1.0, 1.0; 1.0, 1.0, 2.0; 2.0, 0.0, 2.0];
/// let qr = PivotedQr::new(a)?;
/// assert_eq!(qr.rank(), 2);
/// assert_eq!(qr.aliased_columns().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PivotedQr<T: Real = f64> {
    packed: Packed<T>,
    permutation: Vec<usize>,
    rank: usize,
    tolerance: f64,
    strategy: PivotStrategy,
}

impl<T: Real> PivotedQr<T> {
    /// Factors `a` with [`PivotStrategy::LargestNorm`] at the default tolerance `max(m, n)·ε`.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::Underdetermined`] when `m < n`, [`Error::NonFinite`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 10.0; 1.0, 20.0; 1.0, 30.0])?;
    /// assert_eq!(qr.permutation(), &[1, 0]); // the larger column goes first
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(a: DMatrix<T>) -> Result<Self> {
        Self::with_options(a, PivotOptions::default())
    }

    /// Factors `a` with the given strategy and tolerance.
    ///
    /// # Errors
    /// As [`PivotedQr::new`], plus [`Error::InvalidOption`] for a tolerance outside `[0, 1)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{PivotOptions, PivotStrategy, PivotedQr};
    /// use nalgebra::dmatrix;
    ///
    /// // Column 1 repeats column 0; R's convention aliases the later one.
    /// let a = dmatrix![1.0, 1.0, 0.0; 2.0, 2.0, 1.0; 3.0, 3.0, 0.0];
    /// let qr = PivotedQr::with_options(a, PivotOptions::default().strategy(PivotStrategy::KeepOrder))?;
    /// assert_eq!(qr.aliased_columns(), vec![1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_options(a: DMatrix<T>, options: PivotOptions) -> Result<Self> {
        check_input(&a)?;
        let (m, n) = a.shape();
        let tolerance = options.tolerance.unwrap_or_else(|| default_rank_tolerance::<T>(m, n));
        if !(0.0..1.0).contains(&tolerance) {
            return Err(Error::InvalidOption {
                name: "tolerance",
                value: tolerance,
                reason: "must lie in [0, 1)",
            });
        }
        let mut f = Factorizer::new(a);
        let rank = match options.strategy {
            PivotStrategy::LargestNorm => f.largest_norm(tolerance),
            PivotStrategy::KeepOrder => f.keep_order(tolerance),
        };
        Ok(Self {
            packed: f.packed,
            permutation: f.permutation,
            rank,
            tolerance,
            strategy: options.strategy,
        })
    }

    /// Number of rows m.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, PivotedQr};
    /// use nalgebra::{DVector, dmatrix};
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0])?;
    /// assert_eq!((qr.nrows(), qr.thin_q().nrows()), (3, 3));
    /// // A right-hand side must have m rows.
    /// let short = qr.solve(&DVector::zeros(2));
    /// assert!(matches!(short, Err(Error::DimensionMismatch { expected: 3, found: 2 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.packed.nrows()
    }

    /// Number of columns n.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// // n counts every column, aliased or not: R is n×n and P has n entries.
    /// let qr = PivotedQr::new(dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0])?;
    /// assert_eq!((qr.ncols(), qr.rank()), (2, 1));
    /// assert_eq!((qr.r().shape(), qr.permutation().len()), ((2, 2), 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.packed.ncols()
    }

    /// Numerical rank at [`PivotedQr::tolerance`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // u·vᵀ has rank 1; adding an independent rank-one term gives rank 2.
    /// let u = dvector![1.0, 2.0, 3.0, 4.0];
    /// let outer = &u * dvector![1.0, -1.0, 2.0].transpose();
    /// assert_eq!(PivotedQr::new(outer.clone())?.rank(), 1);
    /// let e = dvector![0.0, 1.0, 0.0, 0.0] * dvector![0.0, 1.0, 1.0].transpose();
    /// assert_eq!(PivotedQr::new(outer + e)?.rank(), 2);
    /// assert_eq!(PivotedQr::new(dmatrix![1.0, 0.0; 0.0, 1.0; 1.0, 1.0])?.rank(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The relative tolerance the rank was decided with.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{PivotOptions, PivotedQr};
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 0.0; 0.0, 1.0; 1.0, 1.0; 2.0, 0.0];
    /// assert_eq!(PivotedQr::new(a.clone())?.tolerance(), 4.0 * f64::EPSILON); // max(m, n)·ε
    /// let qr = PivotedQr::with_options(a, PivotOptions::default().tolerance(1e-9))?;
    /// assert_eq!(qr.tolerance(), 1e-9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// The pivoting strategy used.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{PivotOptions, PivotStrategy, PivotedQr};
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 1.0; 2.0, 2.0; 3.0, 3.0];
    /// assert_eq!(PivotedQr::new(a.clone())?.strategy(), PivotStrategy::LargestNorm);
    /// let keep = PivotOptions::default().strategy(PivotStrategy::KeepOrder);
    /// let qr = PivotedQr::with_options(a, keep)?;
    /// assert_eq!(qr.strategy(), PivotStrategy::KeepOrder);
    /// assert_eq!(qr.aliased_columns(), vec![1]); // the later of two equal columns
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn strategy(&self) -> PivotStrategy {
        self.strategy
    }

    /// `P` as an index list: column `k` of `A·P` is column `permutation()[k]` of `A`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 10.0, 0.5; 2.0, 20.0, 1.0; 0.0, 1.0, 3.0; 1.0, 0.0, 1.0];
    /// let qr = PivotedQr::new(a.clone())?;
    /// assert_eq!(qr.permutation()[0], 1); // the column of largest norm goes first
    /// // Selecting A's columns in this order gives A·P = Q·R.
    /// let ap = a.select_columns(qr.permutation());
    /// assert!((ap - qr.thin_q() * qr.r()).amax() < 1e-13);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn permutation(&self) -> &[usize] {
        &self.permutation
    }

    /// Zero-based indices (in `A`'s order, ascending) of the columns judged to be linear
    /// combinations of the others: those pivoted to positions `rank..n`.
    ///
    /// R's `lm` reports the coefficients of such columns as `NA`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// // Column 2 is (column 0 + column 1)/4, and is the one named.
    /// let a = dmatrix![3.0, 0.0, 0.75; 0.0, 4.0, 1.0; 0.0, 3.0, 0.75; 4.0, 0.0, 1.0];
    /// let qr = PivotedQr::new(a)?;
    /// assert_eq!(qr.aliased_columns(), vec![2]);
    /// assert_eq!(qr.aliased_columns().len(), qr.ncols() - qr.rank());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aliased_columns(&self) -> Vec<usize> {
        let mut aliased = self.permutation[self.rank..].to_vec();
        aliased.sort_unstable();
        aliased
    }

    /// The n×n upper-triangular factor `R` of `A·P` (a copy).
    ///
    /// # Examples
    ///
    /// ```
    /// use approx::assert_relative_eq;
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 10.0, 0.5; 2.0, 20.0, 1.0; 0.0, 1.0, 3.0; 1.0, 0.0, 1.0];
    /// let qr = PivotedQr::new(a.clone())?;
    /// let r = qr.r();
    /// assert_eq!(r, r.upper_triangle());
    /// // Q has orthonormal columns, so RᵀR = (A·P)ᵀ(A·P).
    /// let ap = a.select_columns(qr.permutation());
    /// assert_relative_eq!(r.transpose() * &r, ap.transpose() * &ap, max_relative = 1e-13);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r(&self) -> DMatrix<T> {
        self.packed.r()
    }

    /// The m×n factor `Q` with orthonormal columns, formed on request (`≈ 4mn²` flops).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::{DMatrix, dmatrix};
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 10.0; 2.0, 0.0; 3.0, 1.0; 0.0, 4.0])?;
    /// let q = qr.thin_q();
    /// assert_eq!(q.shape(), (4, 2));
    /// assert!((q.transpose() * &q - DMatrix::identity(2, 2)).amax() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn thin_q(&self) -> DMatrix<T> {
        self.packed.thin_q()
    }

    /// Overwrites `b` (m×k) with `Qᵀ·b`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`], checked before `b` is touched.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// let a = dmatrix![1.0, 10.0; 2.0, 0.0; 3.0, 1.0; 0.0, 4.0];
    /// let qr = PivotedQr::new(a.clone())?;
    /// // b in the range of A: Qᵀb keeps its norm and has nothing below row n.
    /// let mut b = a.column(0) - a.column(1);
    /// let norm = b.norm();
    /// qr.apply_qt(&mut b)?;
    /// assert!((b.norm() - norm).abs() < 1e-14 && b.rows(2, 2).amax() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_qt<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.packed.apply_qt(b)
    }

    /// Overwrites `b` (m×k) with `Q·b`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`], checked before `b` is touched.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 10.0; 2.0, 0.0; 3.0, 1.0; 0.0, 4.0])?;
    /// // Q undoes Qᵀ: the round trip returns the input.
    /// let b = dvector![1.0, -2.0, 0.5, 3.0];
    /// let mut c = b.clone();
    /// qr.apply_qt(&mut c)?;
    /// qr.apply_q(&mut c)?;
    /// assert!((c - b).amax() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_q<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.packed.apply_q(b)
    }

    /// Solves `min ‖A·x − b‖₂` for each column of `b`, refusing rank-deficient `A`.
    ///
    /// # Algorithm
    /// `y = R⁻¹·(Qᵀb)[..n]`, then `x = P·y`.
    ///
    /// # Cost
    /// `≈ 4mn + n²` flops per column of `b`.
    ///
    /// # Accuracy
    /// As [`crate::HouseholderQr::solve`].
    ///
    /// # Errors
    /// [`Error::RankDeficient`] (with the aliased columns) when `rank < n`;
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`] for a bad `b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 0.0; 0.0, 100.0; 0.0, 0.0])?;
    /// let x = qr.solve(&dvector![3.0, 200.0, 1.0])?;
    /// assert!((x[0] - 3.0).abs() < 1e-14 && (x[1] - 2.0).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "the solution is returned"]
    pub fn solve<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<OMatrix<T, Dyn, C>>
    where
        C: Dim,
        S: Storage<T, Dyn, C>,
        DefaultAllocator: Allocator<Dyn, C>,
    {
        if self.rank < self.ncols() {
            return Err(rank_deficient(
                self.rank,
                self.ncols(),
                self.tolerance,
                self.aliased_columns(),
            ));
        }
        self.basic_solution(b)
    }

    /// The basic least-squares solution: aliased coefficients set to zero, the rest fitted.
    ///
    /// For full rank this is the least-squares solution. For `rank < n` it is one of the
    /// infinitely many minimisers of `‖A·x − b‖₂` (not the minimum-norm one): the fit that
    /// drops the aliased columns, as R's `lm` does when it reports them as `NA`.
    ///
    /// # Cost
    /// `≈ 4mn + r²` flops per column of `b`, for rank r.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`] for a bad `b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = PivotedQr::new(dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0])?;
    /// let x = qr.basic_solution(&dvector![4.0, 4.0, 4.0])?;
    /// assert!(x[0] == 0.0 && (x[1] - 2.0).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn basic_solution<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<OMatrix<T, Dyn, C>>
    where
        C: Dim,
        S: Storage<T, Dyn, C>,
        DefaultAllocator: Allocator<Dyn, C>,
    {
        self.packed.check_rhs(b)?;
        let (m, n, r) = (self.nrows(), self.ncols(), self.rank);
        let mut work = b.clone_owned();
        let r11 = self.packed.qr.view((0, 0), (r, r));
        let mut x = work.rows(0, n).into_owned();
        for (c, xc) in
            work.as_mut_slice().chunks_exact_mut(m).zip(x.as_mut_slice().chunks_exact_mut(n))
        {
            self.packed.apply_qt_column(c);
            solve_unchecked(&r11, &mut c[..r], Triangle::Upper);
            xc.fill(T::ZERO);
            for (k, &col) in self.permutation[..r].iter().enumerate() {
                xc[col] = c[k];
            }
        }
        Ok(x)
    }

    /// Cheap estimate of `κ₁` of the leading `rank × rank` block of `R` (Hager–Higham,
    /// `O(r²)`); see [`crate::condition_estimate_upper`]. Returns 1 for rank 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// // Columns of norm 1 and 1e-3, orthogonal: κ₁ = 1000.
    /// let qr = PivotedQr::new(dmatrix![1.0, 0.0; 0.0, 1e-3; 0.0, 0.0])?;
    /// assert!((qr.condition_estimate() - 1e3).abs() < 1e-9);
    /// // A repeated column makes R singular, but it is left out of the leading block:
    /// // R₁₁ = diag(±2, ±1) from columns 2 and 0, so κ₁ = 2.
    /// let qr = PivotedQr::new(dmatrix![1.0, 1.0, 0.0; 0.0, 0.0, 2.0; 0.0, 0.0, 0.0])?;
    /// assert_eq!(qr.rank(), 2);
    /// assert!((qr.condition_estimate() - 2.0).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        upper_condition_estimate(&self.packed.qr.view((0, 0), (self.rank, self.rank)))
    }

    /// The diagonal of `R`, `|r_00| ≥ |r_11| ≥ …` for [`PivotStrategy::LargestNorm`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::PivotedQr;
    /// use nalgebra::dmatrix;
    ///
    /// // The third column is the sum of the first two.
    /// let a = dmatrix![1.0, 0.0, 1.0; 0.0, 1.0, 1.0; 1.0, 1.0, 2.0; 2.0, 0.0, 2.0];
    /// let qr = PivotedQr::new(a)?;
    /// let d = qr.r_diagonal().abs();
    /// assert!(d[0] >= d[1] && d[1] >= d[2]);
    /// // The rank counts the entries above tolerance · |r_00|.
    /// assert_eq!(d.iter().filter(|&&x| x > qr.tolerance() * d[0]).count(), qr.rank());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r_diagonal(&self) -> DVector<T> {
        DVector::from_fn(self.ncols(), |k, _| self.packed.qr[(k, k)])
    }
}

/// The factorization in progress: packed storage, permutation and column norms.
struct Factorizer<T: Real> {
    packed: Packed<T>,
    permutation: Vec<usize>,
    /// Norm of what remains of each column below the rows already eliminated.
    partial: Vec<T>,
    /// The norm `partial` was last computed exactly from, for the downdating safeguard.
    reference: Vec<T>,
    /// Each column's norm before elimination (the yardstick of `KeepOrder`).
    original: Vec<T>,
}

impl<T: Real> Factorizer<T> {
    fn new(a: DMatrix<T>) -> Self {
        let (m, n) = a.shape();
        let norms: Vec<T> = a.as_slice().chunks_exact(m).map(norm2).collect();
        Self {
            packed: Packed { qr: a, tau: vec![T::ZERO; n] },
            permutation: (0..n).collect(),
            partial: norms.clone(),
            reference: norms.clone(),
            original: norms,
        }
    }

    fn largest_norm(&mut self, tolerance: f64) -> usize {
        let n = self.packed.ncols();
        for k in 0..n {
            let p = (k..n)
                .fold(k, |best, j| if self.partial[j] > self.partial[best] { j } else { best });
            if p != k {
                self.swap_columns(k, p);
            }
            self.step(k);
        }
        let threshold = tolerance * self.packed.qr[(0, 0)].abs().to_f64();
        (0..n).find(|&k| self.packed.qr[(k, k)].abs().to_f64() <= threshold).unwrap_or(n)
    }

    fn keep_order(&mut self, tolerance: f64) -> usize {
        let n = self.packed.ncols();
        let mut end = n;
        let mut k = 0;
        while k < end {
            if self.partial[k].to_f64() <= tolerance * self.original[k].to_f64() {
                self.defer_to_end(k);
                end -= 1;
                continue;
            }
            self.step(k);
            k += 1;
        }
        // Complete the factorization of the deferred columns so that A·P = Q·R holds in full.
        for k in end..n {
            self.step(k);
        }
        end
    }

    /// Eliminates column k and downdates the remaining norms.
    fn step(&mut self, k: usize) {
        self.packed.eliminate_column(k);
        let (m, n) = self.packed.qr.shape();
        let threshold = downdate_threshold::<T>();
        for j in k + 1..n {
            if self.partial[j] == T::ZERO {
                continue;
            }
            let ratio = self.packed.qr[(k, j)].abs() / self.partial[j];
            let mut remaining = T::ONE - ratio * ratio;
            if remaining < T::ZERO {
                remaining = T::ZERO;
            }
            let drift = self.partial[j] / self.reference[j];
            if (remaining * drift * drift).to_f64() <= threshold {
                let fresh = if k + 1 < m {
                    norm2(&self.packed.qr.as_slice()[j * m + k + 1..(j + 1) * m])
                } else {
                    T::ZERO
                };
                self.partial[j] = fresh;
                self.reference[j] = fresh;
            } else {
                self.partial[j] *= remaining.sqrt();
            }
        }
    }

    fn swap_columns(&mut self, i: usize, j: usize) {
        self.packed.qr.swap_columns(i, j);
        self.permutation.swap(i, j);
        self.partial.swap(i, j);
        self.reference.swap(i, j);
        self.original.swap(i, j);
    }

    /// Moves column k to the last position, shifting columns k+1..n one place left.
    fn defer_to_end(&mut self, k: usize) {
        let m = self.packed.nrows();
        self.packed.qr.as_mut_slice()[k * m..].rotate_left(m);
        self.permutation[k..].rotate_left(1);
        self.partial[k..].rotate_left(1);
        self.reference[k..].rotate_left(1);
        self.original[k..].rotate_left(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[track_caller]
    fn check(a: &DMatrix<f64>, strategy: PivotStrategy, rank: usize, aliased: &[usize]) {
        let qr = PivotedQr::with_options(a.clone(), PivotOptions::default().strategy(strategy))
            .expect("valid input");
        assert_eq!(qr.rank(), rank, "rank with {strategy:?}");
        assert_eq!(qr.aliased_columns(), aliased, "aliased with {strategy:?}");
        // A·P = Q·R to rounding.
        let ap = DMatrix::from_fn(a.nrows(), a.ncols(), |i, k| a[(i, qr.permutation()[k])]);
        let err = (qr.thin_q() * qr.r() - ap).amax();
        assert!(err <= 64.0 * f64::EPSILON * a.amax().max(1.0), "AP != QR by {err:e}");
    }

    #[test]
    fn keep_order_aliases_the_later_duplicate_like_r() {
        let a = dmatrix![1.0, 2.0, 1.0; 1.0, 3.0, 1.0; 1.0, 5.0, 1.0; 1.0, 7.0, 1.0];
        check(&a, PivotStrategy::KeepOrder, 2, &[2]);
        check(&a, PivotStrategy::LargestNorm, 2, &[2]);
    }

    #[test]
    fn zero_columns_are_aliased() {
        let a = dmatrix![0.0, 1.0; 0.0, 2.0; 0.0, 3.0];
        check(&a, PivotStrategy::KeepOrder, 1, &[0]);
        check(&a, PivotStrategy::LargestNorm, 1, &[0]);
        let zero = DMatrix::<f64>::zeros(3, 2);
        check(&zero, PivotStrategy::LargestNorm, 0, &[0, 1]);
        check(&zero, PivotStrategy::KeepOrder, 0, &[0, 1]);
    }

    #[test]
    fn keep_order_is_invariant_to_column_scaling() {
        // Column 1 is tiny but independent; relative to its own norm it is far from aliased.
        let a = dmatrix![1.0, 1e-20; 1.0, -1e-20; 1.0, 3e-20];
        check(&a, PivotStrategy::KeepOrder, 2, &[]);
    }

    #[test]
    fn rank_deficient_solve_is_an_error_naming_the_columns() {
        let a = dmatrix![1.0, 2.0, 3.0; 4.0, 5.0, 9.0; 7.0, 8.0, 15.0; 1.0, 0.0, 1.0];
        let qr =
            PivotedQr::with_options(a, PivotOptions::default().strategy(PivotStrategy::KeepOrder))
                .expect("finite");
        let err = qr.solve(&nalgebra::dvector![1.0, 2.0, 3.0, 4.0]).unwrap_err();
        assert!(
            matches!(err, Error::RankDeficient { rank: 2, cols: 3, ref aliased, .. } if aliased == &vec![2]),
            "{err}"
        );
    }

    #[test]
    fn invalid_tolerance_is_rejected() {
        let a = dmatrix![1.0; 2.0];
        for tol in [-1.0, 1.0, f64::NAN] {
            let err = PivotedQr::with_options(a.clone(), PivotOptions::default().tolerance(tol))
                .unwrap_err();
            assert!(matches!(err, Error::InvalidOption { name: "tolerance", .. }), "{err}");
        }
    }
}

//! [`PivotedQr`]: column-pivoted Householder QR `A·P = Q·R`, which reveals numerical rank.
//!
//! The options are in `crate::pivot_options`, the pivoted elimination in
//! `crate::column_pivoting`; this module holds the factorization type, its accessors and solves.

use nalgebra::{
    DMatrix, DVector, DefaultAllocator, Dim, Dyn, IsContiguous, Matrix, OMatrix, Storage,
    StorageMut, allocator::Allocator,
};

use crate::column_pivoting::{PivotedFactors, factor};
use crate::condition::upper_condition_estimate;
use crate::error::{Error, Result};
use crate::packed::{Packed, check_input};
use crate::pivot_options::{PivotOptions, PivotStrategy};
use crate::scalar::Real;

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
        let (strategy, tolerance) = options.resolve::<T>(m, n)?;
        let PivotedFactors { packed, permutation, rank } = factor(a, strategy, tolerance);
        Ok(Self { packed, permutation, rank, tolerance, strategy })
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
            return Err(Error::RankDeficient {
                rank: self.rank,
                cols: self.ncols(),
                tolerance: self.tolerance,
                aliased: self.aliased_columns(),
            });
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
        self.packed.solve_leading_in_place(work.as_mut_slice(), r);
        let mut x = work.rows(0, n).into_owned();
        for (c, xc) in work.as_slice().chunks_exact(m).zip(x.as_mut_slice().chunks_exact_mut(n)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[track_caller]
    fn check(a: &DMatrix<f64>, options: PivotOptions) -> Result<PivotedQr> {
        let qr = PivotedQr::with_options(a.clone(), options)?;
        // A·P = Q·R to rounding, whatever the rank.
        let ap = a.select_columns(qr.permutation());
        let err = (qr.thin_q() * qr.r() - ap).amax();
        assert!(err <= 64.0 * f64::EPSILON * a.amax().max(1.0), "AP != QR by {err:e}");
        Ok(qr)
    }

    #[test]
    fn rank_deficient_solve_is_an_error_naming_the_columns() {
        let a = dmatrix![1.0, 2.0, 3.0; 4.0, 5.0, 9.0; 7.0, 8.0, 15.0; 1.0, 0.0, 1.0];
        let keep = PivotOptions::default().strategy(PivotStrategy::KeepOrder);
        let qr = check(&a, keep).expect("finite");
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
            let err = check(&a, PivotOptions::default().tolerance(tol)).unwrap_err();
            assert!(matches!(err, Error::InvalidOption { name: "tolerance", .. }), "{err}");
        }
    }
}

//! [`HouseholderQr`]: the unpivoted Householder QR factorization `A = QR`.

use nalgebra::{
    DMatrix, DefaultAllocator, Dim, Dyn, IsContiguous, Matrix, OMatrix, Storage, StorageMut,
    allocator::Allocator,
};

use crate::blocked;
use crate::condition::upper_condition_estimate;
use crate::error::Result;
// Only the docs name the variants; the errors themselves come from the helpers.
#[cfg(doc)]
use crate::error::Error;
use crate::packed::{Packed, check_input};
use crate::scalar::{Real, check_rank_tolerance, default_rank_tolerance};
use crate::triangular::check_pivots;

/// Householder QR factorization `A = QR` of an m×n matrix with m ≥ n, stored LAPACK-style.
///
/// `R` sits on and above the diagonal of the factored matrix, the reflectors' tails below it, and
/// `τ` apart; `Q` is applied from that packed form and never formed to solve. The scalar type is
/// `f64` by default; `HouseholderQr<DoubleDouble>` runs the same code in double-double.
///
/// # Algorithm
/// Householder QR (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 5.2.1 and §5.2.3).
/// Matrices of up to 2¹⁷ entries are factored column by column (LAPACK `dgeqr2`), each reflector
/// updating four trailing columns per pass. Larger ones are factored in panels of 32 columns,
/// each panel recursively (Elmroth and Gustavson, 2000), with the reflectors of a block applied
/// as one compact-WY product `I − V·Tᵀ·Vᵀ` (LAPACK `dgeqrf`/`dlarft`/`dlarfb`), so the trailing
/// update is matrix-matrix work. Each reflector is generated from a scaled norm, so columns of
/// entries near 1e±300 factor without overflow or underflow. For `f64` the kernels run with the
/// best SIMD instructions the CPU has (chosen at run time) and the larger products go through
/// fused multiply-adds (the crate's cross product for `VᵀC`, nalgebra's `gemm` for `C − V·W`);
/// `DoubleDouble` runs the same blocked algorithm with generic kernels.
///
/// # Cost
/// `2mn² − 2n³/3` flops to factor, plus `O(mn·32)` for the blocked form's `T` factors;
/// `≈ 4mn` to apply `Qᵀ` or `Q` to a vector; `n²` for the back substitution of a solve.
///
/// # Accuracy
/// Backward stable: the computed `R` is the exact factor of `A + ΔA` with
/// `‖Δa_j‖ ≤ c·m·n·ε·‖a_j‖` column by column (Higham, *Accuracy and Stability*, Thm 19.4; the
/// blocked form has a bound of the same form, §19.5). A
/// least-squares solution therefore has relative error about `κ(A)·ε + κ(A)²·ε·‖r‖/(‖A‖‖x‖)`,
/// where `κ` may be taken after the best column scaling. The diagonal of an unpivoted `R` does
/// not reveal rank reliably; use [`crate::PivotedQr`] to decide rank.
///
/// # Examples
///
/// ```
/// use linalg_core::HouseholderQr;
/// use nalgebra::{dmatrix, dvector};
///
/// // Fit y = b0 + b1·t through three points.
/// let a = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0];
/// let qr = HouseholderQr::new(a)?;
/// let x = qr.solve(&dvector![1.0, 3.0, 5.0])?;
/// assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 2.0).abs() < 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct HouseholderQr<T: Real = f64> {
    packed: Packed<T>,
}

impl<T: Real> HouseholderQr<T> {
    /// Factors `a` in place (it is taken by value and becomes the packed storage).
    ///
    /// See the type-level docs for algorithm, cost and accuracy.
    ///
    /// # Errors
    /// [`Error::Empty`] for a matrix without rows or columns, [`Error::Underdetermined`] when
    /// `m < n`, [`Error::NonFinite`] naming the first NaN or infinite entry.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = HouseholderQr::new(dmatrix![3.0; 4.0])?;
    /// assert!((qr.r()[(0, 0)].abs() - 5.0).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(a: DMatrix<T>) -> Result<Self> {
        check_input(&a)?;
        let (m, n) = a.shape();
        let mut packed = Packed { qr: a, tau: vec![T::ZERO; n] };
        blocked::factor(packed.qr.as_mut_slice(), m, n, &mut packed.tau);
        Ok(Self { packed })
    }

    /// Number of rows m of the factored matrix.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, HouseholderQr};
    /// use nalgebra::{DVector, dmatrix};
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0])?;
    /// assert_eq!(qr.nrows(), 3);
    /// // A right-hand side must have m rows.
    /// let short = qr.solve(&DVector::zeros(2));
    /// assert!(matches!(short, Err(Error::DimensionMismatch { expected: 3, found: 2 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.packed.nrows()
    }

    /// Number of columns n of the factored matrix.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0])?;
    /// assert_eq!(qr.ncols(), 2);
    /// // One coefficient per column, and R is n×n.
    /// assert_eq!(qr.solve(&dvector![1.0, 2.0, 3.0])?.len(), qr.ncols());
    /// assert_eq!(qr.r().shape(), (qr.ncols(), qr.ncols()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.packed.ncols()
    }

    /// The n×n upper-triangular factor `R` (a copy).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let r = HouseholderQr::new(dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0])?.r();
    /// assert_eq!(r.shape(), (2, 2));
    /// assert_eq!(r[(1, 0)], 0.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r(&self) -> DMatrix<T> {
        self.packed.r()
    }

    /// The m×n factor `Q` with orthonormal columns, formed on request (`≈ 4mn²` flops).
    ///
    /// Solves never need it; it is here for inspection and tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, DMatrix};
    ///
    /// let a = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0];
    /// let qr = HouseholderQr::new(a.clone())?;
    /// let q = qr.thin_q();
    /// assert!((q.transpose() * &q - DMatrix::identity(2, 2)).amax() < 1e-15);
    /// assert!((q * qr.r() - a).amax() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn thin_q(&self) -> DMatrix<T> {
        self.packed.thin_q()
    }

    /// The packed factorization: `R` on and above the diagonal, reflector tails below it.
    ///
    /// Reflector `k` is `H_k = I − τ_k·v·vᵀ` with `v[..k] = 0`, `v[k] = 1` and `v[k + 1..]` the
    /// tail stored below the diagonal of column `k`; `Q = H₀·H₁·…·H_{n−1}`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{DMatrix, dmatrix, dvector};
    ///
    /// let a = dmatrix![3.0, 1.0; 4.0, 2.0; 0.0, 5.0];
    /// let qr = HouseholderQr::new(a.clone())?;
    /// let packed = qr.as_packed();
    /// assert_eq!(packed.rows(0, 2).upper_triangle(), qr.r());
    /// // Rebuild H₀ from the tail below r₀₀: it maps column 0 of A to (r₀₀, 0, 0).
    /// let mut v = packed.column(0).into_owned();
    /// v[0] = 1.0;
    /// let h0 = DMatrix::identity(3, 3) - qr.tau()[0] * &v * v.transpose();
    /// assert!((h0 * a.column(0) - dvector![packed[(0, 0)], 0.0, 0.0]).amax() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn as_packed(&self) -> &DMatrix<T> {
        &self.packed.qr
    }

    /// Gives back the packed matrix of [`HouseholderQr::as_packed`], the storage that
    /// [`HouseholderQr::new`] took: a caller that factors many matrices of one shape can refill
    /// it and factor again without a new allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0])?;
    /// let r = qr.r();
    /// let mut buffer = qr.into_packed();
    /// assert_eq!(buffer.rows(0, 2).upper_triangle(), r);
    /// // Refill the same storage with a new matrix and factor it.
    /// buffer.copy_from(&dmatrix![2.0, 1.0; 0.0, 3.0; 0.0, 4.0]);
    /// let again = HouseholderQr::new(buffer)?;
    /// assert!((again.solve(&dvector![2.0, 3.0, 4.0])? - dvector![0.5, 1.0]).amax() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn into_packed(self) -> DMatrix<T> {
        self.packed.qr
    }

    /// The reflector scalars `τ`, one per column.
    ///
    /// `τ_k = 0` when what remains of column `k` below the diagonal is exactly zero (no
    /// reflection, `H_k = I`), as for the last column of a square matrix. Otherwise
    /// `1 ≤ τ_k ≤ 2`, since `τ = (β − α)/β` with `β = −sign(α)·‖x‖` (LAPACK `dlarfg`).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = HouseholderQr::new(dmatrix![2.0, 1.0; 0.0, 3.0; 0.0, 4.0])?;
    /// let tau = qr.tau();
    /// assert_eq!(tau.len(), qr.ncols());
    /// // Column 0 is already zero below the diagonal: no reflection.
    /// assert_eq!(tau[0], 0.0);
    /// // Column 1 from the diagonal down is (3, 4): α = 3, β = −5, τ = (β − α)/β = 1.6.
    /// assert!((tau[1] - 1.6).abs() < 1e-15);
    /// assert!(tau.iter().all(|&t| t == 0.0 || (1.0..=2.0).contains(&t)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tau(&self) -> &[T] {
        &self.packed.tau
    }

    /// Overwrites `b` (m×k) with `Qᵀ·b`.
    ///
    /// # Cost
    /// `≈ 4mn` flops per column of `b`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `b` does not have m rows; [`Error::NonFinite`] for a NaN or
    /// infinite entry (checked before `b` is touched).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![3.0; 4.0])?;
    /// let mut b = dvector![3.0, 4.0];
    /// qr.apply_qt(&mut b)?;
    /// assert!((b[0].abs() - 5.0).abs() < 1e-15 && b[1].abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_qt<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.packed.apply_qt(b)
    }

    /// Overwrites `b` (m×k) with `Q·b`; the inverse of [`HouseholderQr::apply_qt`].
    ///
    /// # Cost
    /// `≈ 4mn` flops per column of `b`.
    ///
    /// # Errors
    /// As [`HouseholderQr::apply_qt`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0])?;
    /// let b = dvector![1.0, -2.0, 0.5];
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

    /// Solves `min ‖A·x − b‖₂` (or `A·x = b` when square) for each column of `b`.
    ///
    /// # Algorithm
    /// `x = R⁻¹·(Qᵀb)[..n]`: apply the reflectors to `b`, then back substitution.
    ///
    /// # Cost
    /// `≈ 4mn + n²` flops per column of `b`, after the factorization.
    ///
    /// # Accuracy
    /// See the type-level docs: error `≈ κ(A)·ε`, plus `κ(A)²·ε` scaled by the relative residual.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`] for a bad `b`;
    /// [`Error::SingularPivot`] if some `|r_kk| ≤ max(m, n)·ε·max|r_jj|` (see
    /// [`crate::default_rank_tolerance`]), since the solution would then carry no correct digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![2.0, 0.0; 0.0, 4.0])?;
    /// assert_eq!(qr.solve(&dvector![2.0, 8.0])?.map(f64::abs), dvector![1.0, 2.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "the solution is returned; use `solve_in_place` to overwrite `b` instead"]
    pub fn solve<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<OMatrix<T, Dyn, C>>
    where
        C: Dim,
        S: Storage<T, Dyn, C>,
        DefaultAllocator: Allocator<Dyn, C>,
    {
        let mut work = b.clone_owned();
        self.solve_in_place(&mut work)?;
        Ok(work.rows(0, self.ncols()).into_owned())
    }

    /// Least-squares solve that overwrites `b` (m×k), LAPACK `dgels`-style.
    ///
    /// On success rows `0..n` of `b` hold the solution `x` and rows `n..m` hold the residual's
    /// coordinates `(Qᵀb)[n..]`, whose norm is `‖A·x − b‖₂`. Everything is checked before `b` is
    /// touched, so on error `b` is unchanged.
    ///
    /// # Errors
    /// As [`HouseholderQr::solve`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0; 1.0])?;
    /// let mut b = dvector![1.0, 3.0];
    /// qr.solve_in_place(&mut b)?;
    /// assert!((b[0] - 2.0).abs() < 1e-15);           // the mean
    /// assert!((b[1].abs() - 2.0_f64.sqrt()).abs() < 1e-15); // the residual norm
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn solve_in_place<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.solve_in_place_at(b, default_rank_tolerance::<T>(self.nrows(), self.ncols()))
    }

    /// Least-squares solve refusing only pivots with `|r_kk| ≤ tol·max|r_jj|`.
    ///
    /// For callers that have decided the rank themselves (for instance column by column against
    /// each column's own norm, as R's `lm` does): `tol = 0` refuses exact zeros only. See
    /// [`HouseholderQr::solve`] for algorithm, cost and accuracy.
    ///
    /// # Errors
    /// As [`HouseholderQr::solve`], with the pivot test at `tol`; [`Error::InvalidOption`] for a
    /// `tol` outside `[0, 1)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // κ = 1e16: the default tolerance refuses it, tolerance 0 solves it.
    /// let qr = HouseholderQr::new(dmatrix![1.0, 0.0; 0.0, 1e-16])?;
    /// assert!(qr.solve(&dvector![1.0, 1e-16]).is_err());
    /// let x = qr.solve_with_tolerance(&dvector![1.0, 1e-16], 0.0)?;
    /// assert!((x[1].abs() - 1.0).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "the solution is returned"]
    pub fn solve_with_tolerance<C, S>(
        &self,
        b: &Matrix<T, Dyn, C, S>,
        tol: f64,
    ) -> Result<OMatrix<T, Dyn, C>>
    where
        C: Dim,
        S: Storage<T, Dyn, C>,
        DefaultAllocator: Allocator<Dyn, C>,
    {
        let tol = check_rank_tolerance(tol)?;
        let mut work = b.clone_owned();
        self.solve_in_place_at(&mut work, tol)?;
        Ok(work.rows(0, self.ncols()).into_owned())
    }

    fn solve_in_place_at<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>, tol: f64) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        let n = self.ncols();
        self.packed.check_rhs(b)?;
        check_pivots((0..n).map(|k| self.packed.qr[(k, k)]), tol)?;
        self.packed.solve_leading_in_place(b.as_mut_slice(), n);
        Ok(())
    }

    /// Numerical rank from the diagonal of `R` at the default tolerance `max(m, n)·ε`.
    ///
    /// Counts `|r_kk| > tol·max|r_jj|`. Without pivoting this is a cheap warning sign, not a
    /// rank-revealing decision: a rank-deficient matrix can have no small diagonal entry. Use
    /// [`crate::PivotedQr`] when the rank matters.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 2.0; 2.0, 4.0; 3.0, 6.0])?;
    /// assert_eq!(qr.rank(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank_with_tolerance(default_rank_tolerance::<T>(self.nrows(), self.ncols()))
    }

    /// Numerical rank from the diagonal of `R` at relative tolerance `tol`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 0.0; 0.0, 1e-9])?;
    /// assert_eq!(qr.rank_with_tolerance(1e-6), 1);
    /// assert_eq!(qr.rank_with_tolerance(1e-12), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank_with_tolerance(&self, tol: f64) -> usize {
        let n = self.ncols();
        let threshold = tol * self.packed.max_abs_diagonal(n);
        (0..n).filter(|&k| self.packed.qr[(k, k)].abs().to_f64() > threshold).count()
    }

    /// Cheap estimate of `κ₁(R)`, which is within a factor n of `κ₂(A)`.
    ///
    /// Hager–Higham estimator, `O(n²)` flops; `f64::INFINITY` if `R` has a zero pivot. See
    /// [`crate::condition_estimate_upper`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::HouseholderQr;
    /// use nalgebra::dmatrix;
    ///
    /// let qr = HouseholderQr::new(dmatrix![1.0, 0.0; 0.0, 1e-6; 0.0, 0.0])?;
    /// assert!((qr.condition_estimate() - 1e6).abs() < 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        let n = self.ncols();
        upper_condition_estimate(&self.packed.qr.view((0, 0), (n, n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DoubleDouble, Error};
    use nalgebra::{DVector, dmatrix, dvector};

    #[track_caller]
    fn check(a: &DMatrix<f64>) {
        let qr = HouseholderQr::new(a.clone()).expect("valid input");
        let (q, r) = (qr.thin_q(), qr.r());
        let scale = a.amax().max(f64::MIN_POSITIVE);
        let n = crate::count_to_f64(a.ncols());
        assert!((&q * &r - a).amax() <= 16.0 * n * f64::EPSILON * scale, "QR != A");
        let id = DMatrix::<f64>::identity(a.ncols(), a.ncols());
        assert!((q.transpose() * &q - id).amax() <= 16.0 * n * f64::EPSILON);
    }

    #[test]
    fn factors_small_shapes() {
        check(&dmatrix![5.0]);
        check(&dmatrix![1.0; 2.0; 3.0]);
        check(&dmatrix![1.0, 2.0; 3.0, 4.0]);
        check(&dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0; 7.0, 8.5]);
    }

    #[test]
    fn solve_in_place_leaves_residual_coordinates_below_the_solution() {
        let a = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 3.0];
        let b = dvector![0.0, 1.0, 1.0, 3.0];
        let qr = HouseholderQr::new(a.clone()).expect("full rank");
        let mut work = b.clone();
        qr.solve_in_place(&mut work).expect("full rank");
        let x = work.rows(0, 2).into_owned();
        let residual = &b - &a * &x;
        assert!((work.rows(2, 2).norm() - residual.norm()).abs() < 1e-14);
        assert!((a.transpose() * residual).amax() < 1e-13);
    }

    #[test]
    fn singular_r_is_refused_without_touching_b() {
        let qr = HouseholderQr::new(dmatrix![1.0, 2.0; 2.0, 4.0; 3.0, 6.0]).expect("finite");
        let mut b = dvector![1.0, 2.0, 3.0];
        let err = qr.solve_in_place(&mut b).unwrap_err();
        assert!(matches!(err, Error::SingularPivot { index: 1, .. }), "{err}");
        assert_eq!(b, dvector![1.0, 2.0, 3.0]);
    }

    #[test]
    fn double_double_factorization_solves_to_double_double_accuracy() {
        // Hilbert-like 6×4 system: κ ≈ 1e4, so f64 would lose about 4 digits more than DD.
        let a = DMatrix::<DoubleDouble>::from_fn(6, 4, |i, j| {
            DoubleDouble::from_f64(1.0) / DoubleDouble::from_f64(crate::count_to_f64(i + j + 1))
        });
        let x_true = DVector::<DoubleDouble>::from_fn(4, |i, _| {
            DoubleDouble::from_f64(crate::count_to_f64(i) - 1.5)
        });
        let b = &a * &x_true;
        let x = HouseholderQr::new(a).expect("finite").solve(&b).expect("full rank");
        for (xi, ti) in x.iter().zip(x_true.iter()) {
            assert!((*xi - *ti).abs().to_f64() < 1e-26, "{xi:?} vs {ti:?}");
        }
    }

    #[test]
    fn factorization_types_are_thread_safe_values() {
        fn assert_traits<X: std::fmt::Debug + Clone + Send + Sync>() {}
        assert_traits::<HouseholderQr<f64>>();
        assert_traits::<HouseholderQr<DoubleDouble>>();
        assert_traits::<crate::PivotedQr<f64>>();
        assert_traits::<Error>();
    }
}

//! What a [`TallQr`] gives back: counts, `R`, `Qᵀy`, residual sums of squares, the condition
//! estimate and the least-squares solve.

use nalgebra::{DMatrix, DVector};

use crate::condition::upper_condition_estimate;
use crate::error::{Error, Result};
use crate::scalar::{Real, check_rank_tolerance, default_rank_tolerance};
use crate::tall_qr::TallQr;
use crate::triangular::{Triangle, check_pivots, solve_unchecked};

impl<T: Real> TallQr<T> {
    /// Number of columns n of `X`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    ///
    /// assert_eq!(TallQr::<f64>::new(4).ncols(), 4);
    /// ```
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.n
    }

    /// Number of responses k (columns of `Y`).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    ///
    /// assert_eq!(TallQr::<f64>::with_responses(4, 3).responses(), 3);
    /// ```
    #[must_use]
    pub fn responses(&self) -> usize {
        self.acc.width() - self.n
    }

    /// Rows folded into the state, including rows of weight zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let mut state = TallQr::new(1);
    /// state.push_weighted(&dmatrix![1.0; 2.0], &dvector![1.0, 2.0], &dvector![1.0, 0.0])?;
    /// assert_eq!((state.rows(), state.nonzero_weight_rows()), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rows(&self) -> usize {
        self.acc.rows
    }

    /// Rows folded with a nonzero weight (all rows when none were weighted): the observations
    /// that count towards degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let state = TallQr::from_rows(&dmatrix![1.0; 2.0], &dvector![1.0, 2.0], 1)?;
    /// assert_eq!(state.nonzero_weight_rows(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn nonzero_weight_rows(&self) -> usize {
        self.acc.nonzero_weight_rows
    }

    /// The stored (n + k)×(n + k) upper triangle `S = [R, Qᵀy; 0, T]` of the augmented rows, with
    /// the row signs the reflectors gave (see the type-level docs), zero below the diagonal.
    ///
    /// This and the two counts are the whole state.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let state = TallQr::from_rows(&dmatrix![3.0; 4.0], &dvector![3.0, 9.0], 1)?;
    /// let s = state.as_augmented();
    /// // SᵀS = AᵀA for A = [x | y]: ‖x‖² = 25, xᵀy = 45, ‖y‖² = 90.
    /// let gram = s.transpose() * s;
    /// assert!((gram[(0, 0)] - 25.0).abs() < 1e-13 && (gram[(0, 1)] - 45.0).abs() < 1e-13);
    /// assert!((gram[(1, 1)] - 90.0).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn as_augmented(&self) -> &DMatrix<T> {
        &self.acc.s
    }

    /// The n×n upper-triangular factor `R` of `√W·X`, with a non-negative diagonal (a copy).
    ///
    /// `RᵀR = XᵀWX`, so this `R` is the Cholesky factor of `XᵀWX`; it equals
    /// [`crate::HouseholderQr::r`] of the stacked rows up to rounding and row signs.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{HouseholderQr, TallQr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let x = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0];
    /// let r = TallQr::from_rows(&x, &dvector![1.0, 2.0, 3.0], 1)?.r();
    /// assert!(r[(0, 0)] > 0.0 && r[(1, 1)] > 0.0 && r[(1, 0)] == 0.0);
    /// let reference = HouseholderQr::new(x)?.r();
    /// assert!((r.transpose() * &r - reference.transpose() * &reference).amax() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r(&self) -> DMatrix<T> {
        let n = self.n;
        DMatrix::from_fn(
            n,
            n,
            |i, j| if i <= j { self.row_sign(i) * self.acc.s[(i, j)] } else { T::ZERO },
        )
    }

    /// `(Qᵀy)[..n]` for each response (n×k), with the row signs of [`TallQr::r`], so that
    /// `R·b = Qᵀy` gives the least-squares coefficients.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // One column of ones: R = √m and Qᵀy = Σy/√m.
    /// let state = TallQr::from_rows(&dmatrix![1.0; 1.0; 1.0; 1.0], &dvector![1.0, 2.0, 3.0, 6.0], 1)?;
    /// assert!((state.r()[(0, 0)] - 2.0).abs() < 1e-15);
    /// assert!((state.qty()[(0, 0)] - 6.0).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn qty(&self) -> DMatrix<T> {
        let (n, k) = (self.n, self.responses());
        DMatrix::from_fn(n, k, |i, j| self.row_sign(i) * self.acc.s[(i, n + j)])
    }

    /// The residual sum of squares of each response, `‖√W·(X·b̂_j − y_j)‖²`: the part of
    /// `‖√W·y_j‖²` below row n of `Qᵀy_j`.
    ///
    /// It comes from the triangle, without a second pass over the rows, and like the
    /// coefficients it is accurate to `κ·ε` relative to `‖√W·y_j‖²` (a near-exact fit has an rss
    /// of rounding size, not zero).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The mean of 1, 2, 6 is 3; the squared deviations sum to 4 + 1 + 9.
    /// let state = TallQr::from_rows(&dmatrix![1.0; 1.0; 1.0], &dvector![1.0, 2.0, 6.0], 1)?;
    /// assert!((state.rss()[0] - 14.0).abs() < 1e-13);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rss(&self) -> DVector<T> {
        let (n, k) = (self.n, self.responses());
        DVector::from_fn(k, |j, _| {
            let column = self.acc.s.column(n + j);
            column.as_slice()[n..=n + j].iter().fold(T::ZERO, |sum, &t| sum + t * t)
        })
    }

    /// Cheap estimate of `κ₁(R)`, within a factor n of `κ₂(√W·X)`; `f64::INFINITY` for a zero
    /// pivot (no rows, or exactly dependent columns). Hager–Higham, `O(n²)` flops; see
    /// [`crate::condition_estimate_upper`].
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let x = dmatrix![1.0, 0.0; 0.0, 1e-6; 0.0, 0.0];
    /// let state = TallQr::from_rows(&x, &dvector![1.0, 1.0, 1.0], 1)?;
    /// assert!((state.condition_estimate() - 1e6).abs() < 1.0);
    /// assert_eq!(TallQr::<f64>::new(2).condition_estimate(), f64::INFINITY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        let n = self.n;
        upper_condition_estimate(&self.acc.s.view((0, 0), (n, n)))
    }

    /// Least-squares coefficients `b̂` (n×k) minimising `‖√W·(X·b − y_j)‖₂` for each response.
    ///
    /// # Algorithm
    /// Back substitution `R·b = (Qᵀy)[..n]` on the accumulated triangle (Golub & Van Loan,
    /// Alg. 3.1.4); the rows are not needed again.
    ///
    /// # Cost
    /// `n²` flops per response.
    ///
    /// # Accuracy
    /// As for [`crate::HouseholderQr::solve`]: relative error about `κ·ε + κ²·ε·‖r‖/(‖A‖‖b‖)`
    /// with `κ = κ(√W·X)`.
    ///
    /// # Errors
    /// [`Error::Underdetermined`] when fewer rows with nonzero weight than columns were folded;
    /// [`Error::SingularPivot`] if some `|r_kk| ≤ max(m, n)·ε·max|r_jj|`, with m the rows of
    /// nonzero weight (the tolerance of [`crate::HouseholderQr::solve`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{Error, TallQr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let state = TallQr::from_rows(&dmatrix![1.0, 1.0; 1.0, 2.0; 1.0, 3.0], &dvector![2.0, 3.0, 4.0], 1)?;
    /// assert!((state.solve()? - dmatrix![1.0; 1.0]).amax() < 1e-14);
    /// // Two equal columns: R is singular.
    /// let aliased = TallQr::from_rows(&dmatrix![1.0, 1.0; 2.0, 2.0; 3.0, 3.0], &dvector![1.0, 2.0, 3.0], 1)?;
    /// assert!(matches!(aliased.solve(), Err(Error::SingularPivot { index: 1, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "the coefficients are returned"]
    pub fn solve(&self) -> Result<DMatrix<T>> {
        self.solve_at(default_rank_tolerance::<T>(self.nonzero_weight_rows(), self.n))
    }

    /// [`TallQr::solve`] refusing only pivots with `|r_kk| ≤ tol·max|r_jj|`.
    ///
    /// # Errors
    /// As [`TallQr::solve`] at `tol`; [`Error::InvalidOption`] for a `tol` outside `[0, 1)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::TallQr;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // κ = 1e16: the default tolerance refuses it, tolerance 0 solves it.
    /// let state = TallQr::from_rows(&dmatrix![1.0, 0.0; 0.0, 1e-16], &dvector![1.0, 1e-16], 1)?;
    /// assert!(state.solve().is_err());
    /// assert!((state.solve_with_tolerance(0.0)?[(1, 0)] - 1.0).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "the coefficients are returned"]
    pub fn solve_with_tolerance(&self, tol: f64) -> Result<DMatrix<T>> {
        self.solve_at(check_rank_tolerance(tol)?)
    }

    fn solve_at(&self, tol: f64) -> Result<DMatrix<T>> {
        let n = self.n;
        let rows = self.nonzero_weight_rows();
        if rows < n {
            return Err(Error::Underdetermined { rows, cols: n });
        }
        let s = &self.acc.s;
        check_pivots((0..n).map(|i| s[(i, i)]), tol)?;
        let mut b = s.view((0, n), (n, self.responses())).into_owned();
        solve_unchecked(&s.view((0, 0), (n, n)), b.as_mut_slice(), Triangle::Upper);
        Ok(b)
    }

    /// `±1`: the factor that makes row i of the stored triangle have a non-negative diagonal.
    fn row_sign(&self, i: usize) -> T {
        if self.acc.s[(i, i)] < T::ZERO { -T::ONE } else { T::ONE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DoubleDouble;

    #[test]
    fn tall_qr_is_a_thread_safe_value() {
        fn assert_traits<X: std::fmt::Debug + Clone + Send + Sync>() {}
        assert_traits::<TallQr<f64>>();
        assert_traits::<TallQr<DoubleDouble>>();
    }
}

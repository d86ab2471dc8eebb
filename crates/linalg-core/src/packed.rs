//! The LAPACK-style packed storage shared by [`crate::HouseholderQr`] and [`crate::PivotedQr`].
//!
//! `qr` holds `R` on and above the diagonal and the reflector tails below it; `tau[k]` is the
//! scalar of reflector `k`. `Q = H₀·H₁·…·H_{n−1}` is never formed to solve.

use nalgebra::{DMatrix, Dim, Dyn, IsContiguous, Matrix, StorageMut};

use crate::error::{Error, Result};
use crate::householder;
use crate::scalar::Real;
use crate::triangular::{Triangle, check_all_finite, check_all_finite_slice, solve_unchecked};

#[derive(Debug, Clone)]
pub(crate) struct Packed<T: Real> {
    pub(crate) qr: DMatrix<T>,
    pub(crate) tau: Vec<T>,
}

/// Validates the input of a factorization: nonempty, not wide, every entry finite.
pub(crate) fn check_input<T: Real>(a: &DMatrix<T>) -> Result<()> {
    let (rows, cols) = a.shape();
    if rows == 0 || cols == 0 {
        return Err(Error::Empty { rows, cols });
    }
    if rows < cols {
        return Err(Error::Underdetermined { rows, cols });
    }
    check_all_finite_slice(a.as_slice(), rows)
}

impl<T: Real> Packed<T> {
    pub(crate) fn nrows(&self) -> usize {
        self.qr.nrows()
    }

    pub(crate) fn ncols(&self) -> usize {
        self.qr.ncols()
    }

    /// Factors column `k` (rows `k..m`) and applies its reflector to columns `k+1..n`.
    pub(crate) fn eliminate_column(&mut self, k: usize) {
        let m = self.nrows();
        let data = self.qr.as_mut_slice();
        let (left, right) = data.split_at_mut((k + 1) * m);
        let column = &mut left[k * m + k..];
        let tau = householder::generate(column);
        self.tau[k] = tau;
        T::apply_reflector(&column[1..], tau, right, m, k);
    }

    /// `c ← Qᵀ·c` (`transpose`) or `c ← Q·c` for each column `c` of the column-major `b`
    /// with m rows.
    fn apply_to_columns(&self, b: &mut [T], transpose: bool) {
        let m = self.nrows();
        for c in b.chunks_exact_mut(m) {
            T::apply_sequence(self.qr.as_slice(), m, &self.tau, c, transpose);
        }
    }

    /// Checks that `b` has m rows and finite entries.
    pub(crate) fn check_rhs<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: nalgebra::Storage<T, Dyn, C>,
    {
        self.check_rows(b.nrows())?;
        check_all_finite(b)
    }

    /// [`Packed::check_rhs`] for contiguous storage, with the vectorised finiteness test.
    fn check_contiguous_rhs<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: nalgebra::Storage<T, Dyn, C> + IsContiguous,
    {
        self.check_rows(b.nrows())?;
        check_all_finite_slice(b.as_slice(), self.nrows())
    }

    fn check_rows(&self, found: usize) -> Result<()> {
        if found == self.nrows() {
            Ok(())
        } else {
            Err(Error::DimensionMismatch { expected: self.nrows(), found })
        }
    }

    /// `b ← Qᵀ·b` after checking `b`; `b` is untouched on error.
    pub(crate) fn apply_qt<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.check_contiguous_rhs(b)?;
        self.apply_to_columns(b.as_mut_slice(), true);
        Ok(())
    }

    /// `b ← Q·b` after checking `b`; `b` is untouched on error.
    pub(crate) fn apply_q<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.check_contiguous_rhs(b)?;
        self.apply_to_columns(b.as_mut_slice(), false);
        Ok(())
    }

    /// For each column `c` of the column-major `b` with m rows: `c ← Qᵀ·c`, then
    /// `c[..k] ← R₁₁⁻¹·c[..k]` with `R₁₁` the leading k×k block of `R`, whose pivots the caller
    /// has checked. Rows `k..m` keep `(Qᵀ·c)[k..]`.
    pub(crate) fn solve_leading_in_place(&self, b: &mut [T], k: usize) {
        let r11 = self.qr.view((0, 0), (k, k));
        for c in b.chunks_exact_mut(self.nrows()) {
            self.apply_to_columns(c, true);
            solve_unchecked(&r11, &mut c[..k], Triangle::Upper);
        }
    }

    /// The n×n upper-triangular factor.
    pub(crate) fn r(&self) -> DMatrix<T> {
        let n = self.ncols();
        DMatrix::from_fn(n, n, |i, j| if i <= j { self.qr[(i, j)] } else { T::ZERO })
    }

    /// The m×n matrix with orthonormal columns, `Q·[I; 0]`.
    pub(crate) fn thin_q(&self) -> DMatrix<T> {
        let (m, n) = self.qr.shape();
        let mut q = DMatrix::from_element(m, n, T::ZERO);
        for j in 0..n {
            q[(j, j)] = T::ONE;
        }
        self.apply_to_columns(q.as_mut_slice(), false);
        q
    }

    /// Largest `|r_kk|` over the given leading diagonal entries.
    pub(crate) fn max_abs_diagonal(&self, upto: usize) -> f64 {
        (0..upto).map(|k| self.qr[(k, k)].abs().to_f64()).fold(0.0, f64::max)
    }
}

//! The LAPACK-style packed storage shared by [`crate::HouseholderQr`] and [`crate::PivotedQr`].
//!
//! `qr` holds `R` on and above the diagonal and the reflector tails below it; `tau[k]` is the
//! scalar of reflector `k`. `Q = H₀·H₁·…·H_{n−1}` is never formed to solve.

use nalgebra::{DMatrix, Dim, Dyn, IsContiguous, Matrix, StorageMut};

use crate::error::{Error, Result};
use crate::householder;
use crate::scalar::Real;
use crate::triangular::{check_all_finite, check_all_finite_slice};

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

    /// `c ← Qᵀ·c` for one column of length m.
    pub(crate) fn apply_qt_column(&self, c: &mut [T]) {
        T::apply_sequence(self.qr.as_slice(), self.nrows(), &self.tau, c, true);
    }

    /// `c ← Q·c` for one column of length m.
    pub(crate) fn apply_q_column(&self, c: &mut [T]) {
        T::apply_sequence(self.qr.as_slice(), self.nrows(), &self.tau, c, false);
    }

    /// Checks that `b` has m rows and finite entries.
    pub(crate) fn check_rhs<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: nalgebra::Storage<T, Dyn, C>,
    {
        if b.nrows() != self.nrows() {
            return Err(Error::DimensionMismatch { expected: self.nrows(), found: b.nrows() });
        }
        check_all_finite(b)
    }

    /// [`Packed::check_rhs`] for contiguous storage, with the vectorised finiteness test.
    fn check_contiguous_rhs<C, S>(&self, b: &Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: nalgebra::Storage<T, Dyn, C> + IsContiguous,
    {
        if b.nrows() != self.nrows() {
            return Err(Error::DimensionMismatch { expected: self.nrows(), found: b.nrows() });
        }
        check_all_finite_slice(b.as_slice(), self.nrows())
    }

    pub(crate) fn apply_qt<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.check_contiguous_rhs(b)?;
        let m = self.nrows();
        for c in b.as_mut_slice().chunks_exact_mut(m) {
            self.apply_qt_column(c);
        }
        Ok(())
    }

    pub(crate) fn apply_q<C, S>(&self, b: &mut Matrix<T, Dyn, C, S>) -> Result<()>
    where
        C: Dim,
        S: StorageMut<T, Dyn, C> + IsContiguous,
    {
        self.check_contiguous_rhs(b)?;
        let m = self.nrows();
        for c in b.as_mut_slice().chunks_exact_mut(m) {
            self.apply_q_column(c);
        }
        Ok(())
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
        for (j, c) in q.as_mut_slice().chunks_exact_mut(m).enumerate() {
            c[j] = T::ONE;
            self.apply_q_column(c);
        }
        q
    }

    /// Largest `|r_kk|` over the given leading diagonal entries.
    pub(crate) fn max_abs_diagonal(&self, upto: usize) -> f64 {
        (0..upto).map(|k| self.qr[(k, k)].abs().to_f64()).fold(0.0, f64::max)
    }
}

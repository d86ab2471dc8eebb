//! Triangular solves: back substitution (upper) and forward substitution (lower), one or many
//! right-hand sides, with pivots checked before anything is divided, and the inverse of an
//! upper triangle by blocks.

use nalgebra::{
    DMatrix, DefaultAllocator, Dim, Dyn, IsContiguous, Matrix, OMatrix, Storage, StorageMut,
    allocator::Allocator,
};

use crate::error::{Error, Result};
use crate::scalar::{Real, count_to_f64};

/// Which triangle of a square matrix a solve reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Triangle {
    Upper,
    Lower,
}

/// Relative pivot tolerance of the free triangular solves: `n·ε`.
///
/// A pivot with `|t_kk| ≤ n·ε·max|t_jj|` is treated as zero. Dividing by it would amplify the
/// rounding already in the other entries by more than `1/(n·ε)`, so the solution would carry no
/// correct digits; the solve reports [`Error::SingularPivot`] instead.
///
/// # Examples
///
/// ```
/// use linalg_core::{DoubleDouble, Error, back_substitute, default_pivot_tolerance};
/// use nalgebra::{dmatrix, dvector};
///
/// assert_eq!(default_pivot_tolerance::<f64>(2), 2.0 * f64::EPSILON);
/// // A pivot of 1e-17 relative to the largest is below 2ε: refused in f64…
/// let r = dmatrix![1.0, 1.0; 0.0, 1e-17];
/// let b = dvector![1.0, 1.0];
/// let refused = back_substitute(&r, &b);
/// assert!(matches!(refused, Err(Error::SingularPivot { index: 1, .. })));
/// // …but well above 2·2⁻¹⁰⁴ ≈ 1e-31, so double-double solves it.
/// assert!(default_pivot_tolerance::<DoubleDouble>(2) < 1e-30);
/// let x = back_substitute(&r.map(DoubleDouble::from), &b.map(DoubleDouble::from))?;
/// assert!((x[1].to_f64() - 1e17).abs() < 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn default_pivot_tolerance<T: Real>(n: usize) -> f64 {
    count_to_f64(n) * T::EPSILON
}

/// Solves `R·X = B` for upper-triangular `R` by back substitution; returns `X`.
///
/// Only the upper triangle of `r` is read. `b` may have one column (a vector) or many.
///
/// # Algorithm
/// Column-oriented back substitution (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 3.1.4):
/// `x_j = b_j / r_jj`, then `b[..j] −= x_j·r[..j, j]`, which reads `R` one contiguous column at a
/// time.
///
/// # Cost
/// `n²` flops per right-hand side.
///
/// # Accuracy
/// Backward stable: the computed `x` solves `(R + ΔR)x = b` with `|ΔR| ≤ γ_n·|R|` (Higham,
/// *Accuracy and Stability*, Thm 8.5), so the forward error is bounded by `κ(R)·γ_n` and is often
/// much smaller. Pivots at or below `n·ε·max|r_jj|` (see [`default_pivot_tolerance`]) are refused.
///
/// # Errors
/// [`Error::NotSquare`] if `r` is not square, [`Error::DimensionMismatch`] if `b` has a different
/// number of rows, [`Error::NonFinite`] for a NaN or infinite entry in the triangle read or in `b`,
/// [`Error::SingularPivot`] for a zero or tiny pivot.
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, dvector};
///
/// let r = dmatrix![2.0, 1.0; 0.0, 4.0];
/// let x = linalg_core::back_substitute(&r, &dvector![4.0, 8.0])?;
/// assert_eq!(x, dvector![1.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn back_substitute<T, C, SR, SB>(
    r: &Matrix<T, Dyn, Dyn, SR>,
    b: &Matrix<T, Dyn, C, SB>,
) -> Result<OMatrix<T, Dyn, C>>
where
    T: Real,
    C: Dim,
    SR: Storage<T, Dyn, Dyn>,
    SB: Storage<T, Dyn, C>,
    DefaultAllocator: Allocator<Dyn, C>,
{
    let mut x = b.clone_owned();
    back_substitute_in_place(r, &mut x)?;
    Ok(x)
}

/// Solves `R·X = B` for upper-triangular `R`, overwriting `b` with `X`.
///
/// Everything is checked before `b` is touched, so on error `b` is unchanged.
/// See [`back_substitute`] for algorithm, cost and accuracy.
///
/// # Errors
/// As [`back_substitute`].
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, dvector};
///
/// let r = dmatrix![1.0, 1.0; 0.0, 1.0];
/// let mut b = dvector![3.0, 1.0];
/// linalg_core::back_substitute_in_place(&r, &mut b)?;
/// assert_eq!(b, dvector![2.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn back_substitute_in_place<T, C, SR, SB>(
    r: &Matrix<T, Dyn, Dyn, SR>,
    b: &mut Matrix<T, Dyn, C, SB>,
) -> Result<()>
where
    T: Real,
    C: Dim,
    SR: Storage<T, Dyn, Dyn>,
    SB: StorageMut<T, Dyn, C> + IsContiguous,
{
    let n = r.nrows();
    solve_checked(r, b, Triangle::Upper, default_pivot_tolerance::<T>(n))
}

/// Solves `L·X = B` for lower-triangular `L` by forward substitution; returns `X`.
///
/// Only the lower triangle of `l` is read.
///
/// # Algorithm
/// Column-oriented forward substitution (Golub & Van Loan, Alg. 3.1.3).
///
/// # Cost
/// `n²` flops per right-hand side.
///
/// # Accuracy
/// Backward stable with `|ΔL| ≤ γ_n·|L|`, as for [`back_substitute`]. Pivots at or below
/// `n·ε·max|l_jj|` are refused.
///
/// # Errors
/// As [`back_substitute`].
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, dvector};
///
/// let l = dmatrix![2.0, 0.0; 1.0, 4.0];
/// let x = linalg_core::forward_substitute(&l, &dvector![2.0, 9.0])?;
/// assert_eq!(x, dvector![1.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forward_substitute<T, C, SL, SB>(
    l: &Matrix<T, Dyn, Dyn, SL>,
    b: &Matrix<T, Dyn, C, SB>,
) -> Result<OMatrix<T, Dyn, C>>
where
    T: Real,
    C: Dim,
    SL: Storage<T, Dyn, Dyn>,
    SB: Storage<T, Dyn, C>,
    DefaultAllocator: Allocator<Dyn, C>,
{
    let mut x = b.clone_owned();
    forward_substitute_in_place(l, &mut x)?;
    Ok(x)
}

/// Solves `L·X = B` for lower-triangular `L`, overwriting `b` with `X`.
///
/// Everything is checked before `b` is touched, so on error `b` is unchanged.
/// See [`forward_substitute`] for algorithm, cost and accuracy.
///
/// # Errors
/// As [`back_substitute`].
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, dvector};
///
/// let l = dmatrix![1.0, 0.0; 1.0, 1.0];
/// let mut b = dvector![1.0, 3.0];
/// linalg_core::forward_substitute_in_place(&l, &mut b)?;
/// assert_eq!(b, dvector![1.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forward_substitute_in_place<T, C, SL, SB>(
    l: &Matrix<T, Dyn, Dyn, SL>,
    b: &mut Matrix<T, Dyn, C, SB>,
) -> Result<()>
where
    T: Real,
    C: Dim,
    SL: Storage<T, Dyn, Dyn>,
    SB: StorageMut<T, Dyn, C> + IsContiguous,
{
    let n = l.nrows();
    solve_checked(l, b, Triangle::Lower, default_pivot_tolerance::<T>(n))
}

/// Checks and solves a triangular system in place: shape, finiteness of the triangle read and of
/// `b`, every pivot against `tol·max|t_jj|` (errors in that order), then the solve. `b` is
/// written only once everything has passed.
///
/// The triangle's finiteness is not checked in a pass of its own: the solve of the first
/// right-hand side reads every entry of the triangle anyway, so it runs on a copy of that
/// column and notes on the way whether all the entries it read were finite. Only if some were
/// not is the triangle scanned for the first culprit, to name it.
fn solve_checked<T, C, ST, SB>(
    t: &Matrix<T, Dyn, Dyn, ST>,
    b: &mut Matrix<T, Dyn, C, SB>,
    which: Triangle,
    tol: f64,
) -> Result<()>
where
    T: Real,
    C: Dim,
    ST: Storage<T, Dyn, Dyn>,
    SB: StorageMut<T, Dyn, C> + IsContiguous,
{
    let (rows, cols) = t.shape();
    if rows != cols {
        return Err(Error::NotSquare { rows, cols });
    }
    if b.nrows() != rows {
        return Err(Error::DimensionMismatch { expected: rows, found: b.nrows() });
    }
    if rows == 0 {
        return Ok(());
    }
    let data = b.as_mut_slice();
    let first = data.chunks_exact(rows).next().map(|x| {
        let mut x = x.to_vec();
        let finite = solve_column::<T, ST, true>(t, &mut x, which);
        (x, finite)
    });
    if first.as_ref().is_none_or(|(_, finite)| !finite) {
        check_triangle_finite(t, which)?;
    }
    check_all_finite_slice(data, rows)?;
    check_pivots((0..rows).map(|k| t[(k, k)]), tol)?;
    if let Some((x, _)) = first {
        let (head, rest) = data.split_at_mut(rows);
        head.copy_from_slice(&x);
        solve_unchecked(t, rest, which);
    }
    Ok(())
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinite entry of the triangle, in
/// column-major order.
fn check_triangle_finite<T, S>(t: &Matrix<T, Dyn, Dyn, S>, which: Triangle) -> Result<()>
where
    T: Real,
    S: Storage<T, Dyn, Dyn>,
{
    let n = t.nrows();
    for j in 0..n {
        let range = match which {
            Triangle::Upper => 0..j + 1,
            Triangle::Lower => j..n,
        };
        for i in range {
            check_finite(t[(i, j)], i, j)?;
        }
    }
    Ok(())
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinite entry of the column-major `data`
/// with `nrows` rows (`nrows > 0`), like [`check_all_finite`] on a contiguous matrix.
///
/// A branch-free pass decides whether every entry is finite (`v·0` is zero for finite `v` and
/// NaN otherwise, and a NaN survives the sums), eight entries at a time so that the compiler
/// vectorises it; only when some entry is not finite does a second pass look for the first one.
/// A finite double-double rounds to a finite `f64`, so [`Real::to_f64`] serves every scalar.
pub(crate) fn check_all_finite_slice<T: Real>(data: &[T], nrows: usize) -> Result<()> {
    const WIDTH: usize = 8;
    let chunks = data.chunks_exact(WIDTH);
    let mut tail = 0.0_f64;
    for v in chunks.remainder() {
        tail += v.to_f64() * 0.0;
    }
    let mut acc = [0.0_f64; WIDTH];
    for chunk in chunks {
        for (a, v) in acc.iter_mut().zip(chunk) {
            *a += v.to_f64() * 0.0;
        }
    }
    if tail == 0.0 && acc.iter().all(|&a| a == 0.0) {
        return Ok(());
    }
    match data.iter().position(|v| !v.is_finite()) {
        Some(k) => {
            Err(Error::NonFinite { row: k % nrows, col: k / nrows, value: data[k].to_f64() })
        }
        None => Ok(()),
    }
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinite entry (column-major order).
pub(crate) fn check_all_finite<T, R, C, S>(m: &Matrix<T, R, C, S>) -> Result<()>
where
    T: Real,
    R: Dim,
    C: Dim,
    S: Storage<T, R, C>,
{
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            check_finite(m[(i, j)], i, j)?;
        }
    }
    Ok(())
}

#[inline]
fn check_finite<T: Real>(value: T, row: usize, col: usize) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::NonFinite { row, col, value: value.to_f64() })
    }
}

/// Fails with [`Error::SingularPivot`] at the first pivot with `|p_k| ≤ tol·max|p_j|`.
///
/// A set of pivots that are all zero fails at index 0 with threshold 0.
pub(crate) fn check_pivots<T: Real>(
    pivots: impl Iterator<Item = T> + Clone,
    tol: f64,
) -> Result<()> {
    let largest = pivots.clone().fold(0.0_f64, |m, p| m.max(p.abs().to_f64()));
    let threshold = tol * largest;
    for (index, p) in pivots.enumerate() {
        let value = p.abs().to_f64();
        if value <= threshold {
            return Err(Error::SingularPivot { index, value: p.to_f64(), threshold });
        }
    }
    Ok(())
}

/// Solves with a triangular matrix whose pivots are known to be nonzero, one column of the
/// column-major `rhs` (leading dimension `n`) at a time.
pub(crate) fn solve_unchecked<T, S>(t: &Matrix<T, Dyn, Dyn, S>, rhs: &mut [T], which: Triangle)
where
    T: Real,
    S: Storage<T, Dyn, Dyn>,
{
    let n = t.nrows();
    if n == 0 {
        return;
    }
    if n >= DENSE_MIN_ORDER && rhs.len() >= DENSE_MIN_COLUMNS * n {
        // A contiguous copy of the triangle (n² entries against the solves' n³/6 or more) lets
        // each column update run as a slice update in the best instruction set the CPU has.
        let dense: Vec<T> = t.iter().copied().collect();
        crate::kernels::dispatch(DenseSolve { t: &dense, n, rhs, which });
        return;
    }
    for x in rhs.chunks_exact_mut(n) {
        solve_column::<T, S, false>(t, x, which);
    }
}

/// [`solve_unchecked`] copies the triangle and runs [`solve_dense`] from this order ...
const DENSE_MIN_ORDER: usize = 16;

/// ... and this many right-hand sides (an inverse has n).
const DENSE_MIN_COLUMNS: usize = 8;

/// [`solve_dense`] on every group of right-hand sides, as an operation for
/// [`crate::kernels::dispatch`].
struct DenseSolve<'a, T> {
    t: &'a [T],
    n: usize,
    rhs: &'a mut [T],
    which: Triangle,
}

impl<T: Real> pulp::WithSimd for DenseSolve<'_, T> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        for group in self.rhs.chunks_mut(DENSE_GROUP * self.n) {
            solve_dense(self.t, self.n, group, self.which);
        }
    }
}

/// Right-hand sides that [`solve_dense`] takes through the triangle together, so that each of
/// its columns is read from cache once for all of them rather than once per right-hand side.
const DENSE_GROUP: usize = 8;

/// [`solve_column`] without the check, for each column of `xs` (column-major, leading dimension
/// n), on a column-major n×n triangle `t` held in a slice: for every right-hand side the same
/// operations in the same order, bit for bit (`x_i − x_j·t_ij` is `x_i + (−x_j)·t_ij` exactly),
/// with each column's update a slice update, and the right-hand sides interleaved column by
/// column of the triangle.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched loop")]
#[inline(always)]
fn solve_dense<T: Real>(t: &[T], n: usize, xs: &mut [T], which: Triangle) {
    if which == Triangle::Upper {
        solve_dense_upper(t, n, xs);
        return;
    }
    // A plain loop: a closure handed to an iterator adaptor may be left out of line, and so
    // compiled for the baseline instruction set (see `crate::kernels::dispatch`).
    for i in 0..n {
        let j = if which == Triangle::Upper { n - 1 - i } else { i };
        let pivot = t[j * n + j];
        let column = match which {
            Triangle::Upper => &t[j * n..j * n + j],
            Triangle::Lower => &t[j * n + j + 1..(j + 1) * n],
        };
        for x in xs.chunks_exact_mut(n) {
            let xj = x[j] / pivot;
            x[j] = xj;
            if xj != T::ZERO {
                let rest = match which {
                    Triangle::Upper => &mut x[..j],
                    Triangle::Lower => &mut x[j + 1..],
                };
                crate::householder::axpy(-xj, column, rest);
            }
        }
    }
}

/// Columns of the triangle that [`solve_dense_upper`] applies in one pass over the rows above
/// them.
const UPPER_GROUP: usize = 4;

/// [`solve_dense`] for an upper triangle, four columns of the triangle at a time: the four
/// unknowns are found from the rows of their diagonal block, then each row above takes the four
/// columns' terms one after another, in the order the column-by-column loop adds them (and
/// skipping a zero unknown's, as it does), so every value is the same bit for bit; a row is
/// loaded and stored once for four columns instead of once per column.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched loop")]
#[inline(always)]
fn solve_dense_upper<T: Real>(t: &[T], n: usize, xs: &mut [T]) {
    let mut end = n;
    while end > 0 {
        let start = end.saturating_sub(UPPER_GROUP);
        for x in xs.chunks_exact_mut(n) {
            // The diagonal block, column by column from the last, each column's update limited
            // to the block's rows; the rows above come after.
            let mut u = [T::ZERO; UPPER_GROUP];
            for j in (start..end).rev() {
                let xj = x[j] / t[j * n + j];
                x[j] = xj;
                u[end - 1 - j] = -xj;
                if xj != T::ZERO {
                    crate::householder::axpy(-xj, &t[j * n + start..j * n + j], &mut x[start..j]);
                }
            }
            let above = &mut x[..start];
            if end - start == UPPER_GROUP && u.iter().all(|&u| u != T::ZERO) {
                // Columns end − 1, end − 2, …, start, in the order the plain loop takes them.
                let column = |q: usize| &t[(end - 1 - q) * n..(end - 1 - q) * n + start];
                let (c0, c1, c2, c3) = (column(0), column(1), column(2), column(3));
                for ((((v, &t0), &t1), &t2), &t3) in
                    above.iter_mut().zip(c0).zip(c1).zip(c2).zip(c3)
                {
                    let mut w = *v;
                    w += u[0] * t0;
                    w += u[1] * t1;
                    w += u[2] * t2;
                    w += u[3] * t3;
                    *v = w;
                }
            } else {
                for (q, &uq) in u.iter().enumerate().take(end - start) {
                    if uq != T::ZERO {
                        let j = end - 1 - q;
                        crate::householder::axpy(uq, &t[j * n..j * n + start], above);
                    }
                }
            }
        }
        end = start;
    }
}

/// Solves with a triangular matrix for one right-hand side `x` (length n) in place. With `CHECK`
/// it also returns whether every entry of the triangle it read was finite (a comparison per
/// entry next to the multiply-subtract, where a separate pass would read the triangle again);
/// without, it returns `true`.
fn solve_column<T, S, const CHECK: bool>(
    t: &Matrix<T, Dyn, Dyn, S>,
    x: &mut [T],
    which: Triangle,
) -> bool
where
    T: Real,
    S: Storage<T, Dyn, Dyn>,
{
    let n = t.nrows();
    let mut finite = true;
    match which {
        Triangle::Upper => {
            for j in (0..n).rev() {
                let pivot = t[(j, j)];
                finite &= !CHECK || pivot.is_finite();
                let xj = x[j] / pivot;
                x[j] = xj;
                if !CHECK && xj == T::ZERO {
                    // Subtracting `0·t_ij` leaves every `x_i` as it is (the triangle is finite
                    // here): an identity right-hand side skips most of its columns.
                    continue;
                }
                for i in 0..j {
                    let tij = t[(i, j)];
                    finite &= !CHECK || tij.is_finite();
                    x[i] -= xj * tij;
                }
            }
        }
        Triangle::Lower => {
            for j in 0..n {
                let pivot = t[(j, j)];
                finite &= !CHECK || pivot.is_finite();
                let xj = x[j] / pivot;
                x[j] = xj;
                if !CHECK && xj == T::ZERO {
                    continue;
                }
                for i in j + 1..n {
                    let tij = t[(i, j)];
                    finite &= !CHECK || tij.is_finite();
                    x[i] -= xj * tij;
                }
            }
        }
    }
    finite
}

/// Solves `Rᵀ·x = b` in place for upper-triangular `R` with nonzero pivots (a lower solve with
/// the transpose, reading `R` by columns).
pub(crate) fn solve_upper_transpose_unchecked<T, S>(r: &Matrix<T, Dyn, Dyn, S>, x: &mut [T])
where
    T: Real,
    S: Storage<T, Dyn, Dyn>,
{
    let n = r.nrows();
    for i in 0..n {
        let mut s = x[i];
        for k in 0..i {
            s -= r[(k, i)] * x[k];
        }
        x[i] = s / r[(i, i)];
    }
}

/// Orders up to which [`upper_triangular_inverse`] solves `R·F = I` by back substitution; above
/// it the triangle is split in two.
const INVERSE_LEAF: usize = 64;

/// `R⁻¹` of an upper-triangular `R` (only the upper triangle is read): what
/// [`back_substitute`] of the identity returns, with the same checks and errors, formed by
/// blocks for large orders.
///
/// # Algorithm
/// Up to order 128, back substitution of the identity. Above, `R = [R₁₁ R₁₂; 0 R₂₂]` with
/// `R₁₁` of order ⌊n/2⌋, and `R⁻¹ = [F₁₁ F₁₂; 0 F₂₂]` with `F₁₁ = R₁₁⁻¹`, `F₂₂ = R₂₂⁻¹`
/// (recursively) and `F₁₂ = −F₁₁·(R₁₂·F₂₂)`, the two products as matrix-matrix products over
/// the full blocks (the triangles' zeros included), so most of the work runs as `gemm` does
/// (for `f64`, with fused multiply-adds where the CPU has them: the last bits may differ from
/// one CPU to another). This is the recursive form of LAPACK's `dtrtri` (Du Croz and Higham,
/// 1992).
///
/// # Cost
/// About `(2/3)·n³` flops in the products and `n·64²/3` in the leaves, against back
/// substitution's `n³/3`, but as matrix-matrix work: in a one-thread `lsq::fit` at 2000×500 the
/// inverse of order 500 took 6.7 % of the samples where back substitution of the identity took
/// 9.5 % (`benches/README.md`).
///
/// # Accuracy
/// The computed `F` satisfies `|F·R − I| ≤ c_n·ε·|F|·|R|` (Du Croz and Higham, 1992), as column
/// by column substitution does: errors relative to `κ(R)·ε`.
///
/// # Errors
/// [`Error::NotSquare`] if `r` is not square, [`Error::NonFinite`] for a NaN or infinite entry
/// in its upper triangle, [`Error::SingularPivot`] for a pivot at or below
/// [`default_pivot_tolerance`] times the largest.
///
/// # Examples
///
/// ```
/// use nalgebra::dmatrix;
///
/// let r = dmatrix![2.0, 1.0; 0.0, 4.0];
/// let f = linalg_core::upper_triangular_inverse(&r)?;
/// assert_eq!(f, dmatrix![0.5, -0.125; 0.0, 0.25]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn upper_triangular_inverse<T: Real>(r: &DMatrix<T>) -> Result<DMatrix<T>> {
    let n = r.nrows();
    if n <= 2 * INVERSE_LEAF {
        return back_substitute(r, &identity(n));
    }
    if r.ncols() != n {
        return Err(Error::NotSquare { rows: n, cols: r.ncols() });
    }
    check_triangle_finite(r, Triangle::Upper)?;
    check_pivots((0..n).map(|k| r[(k, k)]), default_pivot_tolerance::<T>(n))?;
    Ok(DMatrix::from_vec(n, n, invert_upper(r.as_slice(), n, n)))
}

/// The n×n identity.
fn identity<T: Real>(n: usize) -> DMatrix<T> {
    DMatrix::from_fn(n, n, |i, j| if i == j { T::ONE } else { T::ZERO })
}

/// The inverse of the upper triangle of order `n` at the start of `r` (column-major, leading
/// dimension `ld`; nonzero pivots), column-major with leading dimension `n`, zero below the
/// diagonal.
fn invert_upper<T: Real>(r: &[T], ld: usize, n: usize) -> Vec<T> {
    if n <= INVERSE_LEAF {
        let block = DMatrix::from_fn(n, n, |i, j| if i <= j { r[i + j * ld] } else { T::ZERO });
        let mut f = identity::<T>(n);
        solve_unchecked(&block, f.as_mut_slice(), Triangle::Upper);
        return f.as_slice().to_vec();
    }
    let h = n / 2;
    let k = n - h;
    let f11 = invert_upper(r, ld, h);
    let f22 = invert_upper(&r[h + h * ld..], ld, k);
    // Y = −R₁₂·F₂₂, then Z = −F₁₁·Y = F₁₁·R₁₂·F₂₂ = −F₁₂.
    let mut y = vec![T::ZERO; h * k];
    T::gemm_nn_sub(h, (k, k), (&r[h * ld..], ld), &f22, (&mut y, h));
    let mut z = vec![T::ZERO; h * k];
    T::gemm_nn_sub(h, (h, k), (&f11, h), &y, (&mut z, h));
    let mut f = vec![T::ZERO; n * n];
    for j in 0..h {
        f[j * n..j * n + h].copy_from_slice(&f11[j * h..(j + 1) * h]);
    }
    for j in 0..k {
        let column = &mut f[(h + j) * n..(h + j + 1) * n];
        for (entry, &zij) in column[..h].iter_mut().zip(&z[j * h..(j + 1) * h]) {
            *entry = -zij;
        }
        column[h..].copy_from_slice(&f22[j * k..(j + 1) * k]);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::double_double::DoubleDouble;
    use nalgebra::{DMatrix, DVector, dmatrix, dvector};

    /// An upper triangle of order n with entries of both signs and a spread of pivots, whose
    /// condition number grows with n but stays far from `1/ε`; NaN below the diagonal, which
    /// must never be read.
    fn triangle<T: Real>(n: usize) -> DMatrix<T> {
        DMatrix::from_fn(n, n, |i, j| {
            let k = count_to_f64(i * 131 + j * 17);
            let value = match i.cmp(&j) {
                std::cmp::Ordering::Less => (k * 0.37).sin() * 0.6,
                std::cmp::Ordering::Equal => 1.0 + count_to_f64(i % 7) + (k * 0.11).cos(),
                std::cmp::Ordering::Greater => f64::NAN,
            };
            T::from_f64(value)
        })
    }

    /// The blocked inverse against back substitution of the identity, at orders that take the
    /// substitution alone, one split, and splits of odd order: the same up to rounding
    /// (`‖F − F₀‖ ≤ c·n·ε·κ·‖F₀‖`, entry by entry against the largest entry), zero below the
    /// diagonal, and `F·R − I` at the level of rounding.
    #[test]
    fn the_blocked_inverse_agrees_with_back_substitution_of_the_identity() {
        for n in [1, 5, 64, 128, 129, 200, 263] {
            let r: DMatrix<f64> = triangle(n);
            let f = upper_triangular_inverse(&r).expect("nonsingular");
            let reference = back_substitute(&r, &identity(n)).expect("nonsingular");
            let upper = r.map(|v| if v.is_nan() { 0.0 } else { v });
            let kappa = upper.norm() * reference.norm();
            let tol = 4.0 * count_to_f64(n) * f64::EPSILON * kappa;
            let err = (&f - &reference).amax() / reference.amax();
            assert!(err <= tol, "order {n}: {err:e} against {tol:e}");
            for j in 0..n {
                for i in j + 1..n {
                    assert_eq!(f[(i, j)].to_bits(), 0.0_f64.to_bits(), "({i}, {j}) of order {n}");
                }
            }
            let residual = (&f * &upper - DMatrix::identity(n, n)).amax();
            assert!(residual <= tol, "order {n}: F·R − I {residual:e}");
        }
    }

    /// In double-double the blocked inverse runs the generic products and keeps their
    /// precision.
    #[test]
    fn the_blocked_inverse_runs_in_double_double() {
        let n = 150;
        let r: DMatrix<DoubleDouble> = triangle(n);
        let f = upper_triangular_inverse(&r).expect("nonsingular");
        let upper = r.map(|v| if v.to_f64().is_nan() { DoubleDouble::ZERO } else { v });
        let mut worst = 0.0_f64;
        for j in 0..n {
            for i in 0..n {
                let mut s = if i == j { -DoubleDouble::ONE } else { DoubleDouble::ZERO };
                for k in 0..n {
                    s += f[(i, k)] * upper[(k, j)];
                }
                worst = worst.max(s.to_f64().abs());
            }
        }
        assert!(worst < 1e-25, "F·R − I {worst:e}");
    }

    /// The blocked path makes back substitution's checks, on the whole triangle: a NaN above
    /// the diagonal in the second block is named where it is, and a tiny pivot in the second
    /// block by its index in the whole triangle.
    #[test]
    fn the_blocked_inverse_reports_entries_of_the_whole_triangle() {
        let n = 200;
        let mut r: DMatrix<f64> = triangle(n);
        r[(150, 180)] = f64::INFINITY;
        let err = upper_triangular_inverse(&r).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: 150, col: 180, .. }), "{err}");
        let mut r: DMatrix<f64> = triangle(n);
        r[(170, 170)] = 1e-300;
        let err = upper_triangular_inverse(&r).unwrap_err();
        assert!(matches!(err, Error::SingularPivot { index: 170, .. }), "{err}");
        let err = upper_triangular_inverse(&DMatrix::<f64>::zeros(200, 199)).unwrap_err();
        assert!(matches!(err, Error::NotSquare { rows: 200, cols: 199 }), "{err}");
    }

    #[track_caller]
    fn check(r: &DMatrix<f64>, x: &DVector<f64>) {
        let b = r.upper_triangle() * x;
        let got = back_substitute(r, &b).expect("well-conditioned upper system");
        assert!((got - x).amax() <= 16.0 * f64::EPSILON * x.amax());
        let l = r.transpose();
        let b = l.lower_triangle() * x;
        let got = forward_substitute(&l, &b).expect("well-conditioned lower system");
        assert!((got - x).amax() <= 16.0 * f64::EPSILON * x.amax());
    }

    #[test]
    fn substitution_solves_triangular_systems() {
        check(&dmatrix![3.0], &dvector![2.0]);
        check(&dmatrix![2.0, -1.0, 0.5; 9.0, 3.0, 1.0; 9.0, 9.0, -4.0], &dvector![1.0, -2.0, 3.0]);
    }

    #[test]
    fn many_right_hand_sides_are_solved_column_by_column() {
        let r = dmatrix![2.0, 1.0; 0.0, 4.0];
        let b = dmatrix![4.0, 2.0; 8.0, 4.0];
        let x = back_substitute(&r, &b).expect("nonsingular");
        assert_eq!(x, dmatrix![1.0, 0.5; 2.0, 1.0]);
    }

    #[test]
    fn zero_and_tiny_pivots_are_errors_that_leave_b_alone() {
        let r = dmatrix![1.0, 2.0; 0.0, 0.0];
        let mut b = dvector![1.0, 1.0];
        let err = back_substitute_in_place(&r, &mut b).unwrap_err();
        assert!(matches!(err, Error::SingularPivot { index: 1, .. }), "{err}");
        assert_eq!(b, dvector![1.0, 1.0]);
        let r = dmatrix![1.0, 2.0; 0.0, 1e-17];
        assert!(matches!(back_substitute(&r, &b), Err(Error::SingularPivot { index: 1, .. })));
        let all_zero = DMatrix::<f64>::zeros(2, 2);
        assert!(matches!(
            back_substitute(&all_zero, &b),
            Err(Error::SingularPivot { index: 0, .. })
        ));
    }

    #[test]
    fn the_vectorised_finiteness_check_finds_the_first_culprit() {
        use crate::DoubleDouble;
        // 7 rows × 5 columns: 35 entries, four chunks of eight and a remainder of three.
        let (rows, len) = (7, 35);
        let clean: Vec<f64> =
            (0..len).map(|k| f64::from(u8::try_from(k).expect("small")) - 17.5).collect();
        assert!(check_all_finite_slice(&clean, rows).is_ok());
        assert!(check_all_finite_slice(&[f64::MAX, -f64::MAX, f64::MIN_POSITIVE, -0.0], 2).is_ok());
        for first in [0, 5, 8, 20, 31, 32, 34] {
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut data = clean.clone();
                data[first] = bad;
                // A later culprit must not hide the first one.
                data[len - 1] = f64::NAN;
                let err = check_all_finite_slice(&data, rows).unwrap_err();
                let Error::NonFinite { row, col, .. } = err else { panic!("{err}") };
                assert_eq!((row, col), (first % rows, first / rows), "{bad} at {first}");
                let dd: Vec<DoubleDouble> =
                    data.iter().map(|&v| DoubleDouble::from_f64(v)).collect();
                let err = check_all_finite_slice(&dd, rows).unwrap_err();
                assert!(
                    matches!(err, Error::NonFinite { row, col, .. } if (row, col) == (first % rows, first / rows))
                );
            }
        }
    }

    #[test]
    fn checked_solves_equal_the_plain_substitution_bit_for_bit() {
        use crate::DoubleDouble;
        let t = DMatrix::from_fn(7, 7, |i, j| {
            if i == j {
                2.0 + f64::from(u8::try_from(i).expect("small"))
            } else {
                0.3 / (1.0 + f64::from(u8::try_from(i + 2 * j).expect("small")))
            }
        });
        let b =
            DMatrix::from_fn(7, 3, |i, j| f64::from(u8::try_from(3 * i + j).expect("small")) - 9.5);
        for which in [Triangle::Upper, Triangle::Lower] {
            let mut expected = b.clone();
            solve_unchecked(&t, expected.as_mut_slice(), which);
            let solve = |t: &DMatrix<f64>, b: &DMatrix<f64>| match which {
                Triangle::Upper => back_substitute(t, b),
                Triangle::Lower => forward_substitute(t, b),
            };
            assert_eq!(solve(&t, &b).expect("nonsingular"), expected, "{which:?}");
            let tdd = t.map(DoubleDouble::from_f64);
            let mut expected = b.map(DoubleDouble::from_f64);
            let got = match which {
                Triangle::Upper => back_substitute(&tdd, &expected),
                Triangle::Lower => forward_substitute(&tdd, &expected),
            }
            .expect("nonsingular");
            solve_unchecked(&tdd, expected.as_mut_slice(), which);
            assert!(got == expected, "{which:?} in double-double");
        }
    }

    /// Many right-hand sides on a large triangle take the contiguous, dispatched path: the
    /// same numbers as the column-by-column substitution, bit for bit, in both precisions, both
    /// triangles, on an identity (whose zeros are skipped) and on a full right-hand side.
    #[test]
    fn the_dense_path_is_the_plain_substitution_bit_for_bit() {
        use crate::DoubleDouble;
        // Orders that leave one and three columns over groups of four; right-hand sides with
        // and without zero unknowns among a group's.
        for n in [DENSE_MIN_ORDER + 5, 71] {
            let t = DMatrix::from_fn(n, n, |i, j| {
                let diagonal = i == j;
                let (i, j) = (count_to_f64(i), count_to_f64(j));
                if diagonal { 1.5 + i } else { (0.7 * i - 1.3 * j).sin() }
            });
            let full = DMatrix::from_fn(n, n + 3, |i, j| (count_to_f64(3 * i + j) * 0.37).cos());
            let sparse =
                DMatrix::from_fn(n, 9, |i, j| if (i + j) % 5 == 0 { 0.0 } else { full[(i, j)] });
            let mut sparse_t = t.clone();
            sparse_t[(2, 9)] = 0.0;
            for (t, b) in [(&t, DMatrix::identity(n, n)), (&t, full), (&sparse_t, sparse)] {
                assert!(b.ncols() >= DENSE_MIN_COLUMNS);
                for which in [Triangle::Upper, Triangle::Lower] {
                    let mut dense = b.clone();
                    solve_unchecked(t, dense.as_mut_slice(), which);
                    let mut plain = b.clone();
                    for x in plain.as_mut_slice().chunks_exact_mut(n) {
                        solve_column::<f64, _, false>(t, x, which);
                    }
                    let bits = |m: &DMatrix<f64>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&dense), bits(&plain), "{which:?}");
                    let tdd = t.map(DoubleDouble::from_f64);
                    let mut dense = b.map(DoubleDouble::from_f64);
                    solve_unchecked(&tdd, dense.as_mut_slice(), which);
                    let mut plain = b.map(DoubleDouble::from_f64);
                    for x in plain.as_mut_slice().chunks_exact_mut(n) {
                        solve_column::<DoubleDouble, _, false>(&tdd, x, which);
                    }
                    assert!(dense == plain, "{which:?} in double-double");
                }
            }
        }
    }

    #[test]
    fn errors_keep_their_order_triangle_then_b_then_pivots() {
        /// Solves, expecting an error, and checks that `b` kept every bit.
        fn fails(r: &DMatrix<f64>, b: &DMatrix<f64>) -> Error {
            let mut work = b.clone();
            let err = back_substitute_in_place(r, &mut work).expect_err("an invalid system");
            let bits = |m: &DMatrix<f64>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&work), bits(b), "b was touched");
            err
        }
        // A zero pivot, a NaN in b and two bad entries in the triangle: the triangle's first
        // culprit in column-major order is named first, then b's, then the pivot.
        let mut r = dmatrix![1.0, 2.0, 3.0; 0.0, 0.0, 4.0; 0.0, 0.0, 5.0];
        let mut b = dmatrix![1.0, 1.0; f64::NAN, 1.0; 1.0, 1.0];
        r[(0, 2)] = f64::INFINITY;
        r[(1, 2)] = f64::NAN;
        assert!(matches!(fails(&r, &b), Error::NonFinite { row: 0, col: 2, .. }));
        r[(0, 2)] = 3.0;
        r[(1, 2)] = 4.0;
        assert!(matches!(fails(&r, &b), Error::NonFinite { row: 1, col: 0, .. }));
        b[(1, 0)] = 1.0;
        assert!(matches!(fails(&r, &b), Error::SingularPivot { index: 1, .. }));
        // No right-hand side at all: the triangle is still checked.
        r[(2, 2)] = f64::NAN;
        assert!(matches!(
            fails(&r, &DMatrix::zeros(3, 0)),
            Error::NonFinite { row: 2, col: 2, .. }
        ));
    }

    #[test]
    fn shape_and_finiteness_errors_name_the_culprit() {
        let r = dmatrix![1.0, f64::NAN; 0.0, 1.0];
        let b = dvector![1.0, 1.0];
        assert!(matches!(back_substitute(&r, &b), Err(Error::NonFinite { row: 0, col: 1, .. })));
        // The strictly lower triangle is never read by back substitution.
        let r = dmatrix![1.0, 0.0; f64::NAN, 1.0];
        assert!(back_substitute(&r, &b).is_ok());
        let wide = DMatrix::<f64>::zeros(2, 3);
        assert!(matches!(back_substitute(&wide, &b), Err(Error::NotSquare { rows: 2, cols: 3 })));
        let r = DMatrix::<f64>::identity(3, 3);
        assert!(matches!(
            back_substitute(&r, &b),
            Err(Error::DimensionMismatch { expected: 3, found: 2 })
        ));
        let b_inf = dvector![1.0, f64::INFINITY];
        assert!(matches!(
            forward_substitute(&DMatrix::identity(2, 2), &b_inf),
            Err(Error::NonFinite { row: 1, col: 0, .. })
        ));
    }
}

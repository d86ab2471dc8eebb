//! Multi-column kernels behind the Householder updates: several dot products or updates per pass.
//!
//! A reflector applied to one column at a time streams the reflector vector once per column and
//! keeps one dependent chain of additions busy. These kernels instead share each load of a
//! vector between four columns and keep four independent partial sums per column, so the
//! compiler can vectorise across rows and overlap the chains. The generic versions run in every
//! [`Real`]; [`f64`]'s matrix-matrix products go through nalgebra's `gemm` (the `matrixmultiply`
//! crate, with AVX/FMA chosen at run time) once the operands are large enough to pay for its
//! packing. The generic kernels never fuse a multiply and an add, so they give bit-identical
//! results with or without SIMD; `matrixmultiply` uses FMA where the CPU has it, so the blocked
//! factorization of a large `f64` matrix can differ in the last bits from one CPU to another.
//!
//! All matrices here are column-major slices with an explicit leading dimension (`ld*`), the
//! layout of [`nalgebra::DMatrix`] and of LAPACK. Every sum keeps the error bound of a plain dot
//! product, `γ_k·|x|ᵀ|y|` for k terms (Higham, *Accuracy and Stability*, §3.1); only the order
//! of the additions differs.

use nalgebra::{Dyn, MatrixView, MatrixViewMut};
use pulp::Arch;

use crate::scalar::Real;

/// Rows per step of the partial sums: four independent chains per column.
const LANES: usize = 4;

/// `[x·y₀, x·y₁, x·y₂, x·y₃]` in one pass over `x`, with [`LANES`] partial sums per column.
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
pub(crate) fn dot4<T: Real>(x: &[T], y: [&[T]; 4]) -> [T; 4] {
    let len = x.len();
    debug_assert!(y.iter().all(|c| c.len() == len));
    let [y0, y1, y2, y3] = y;
    let (y0, y1, y2, y3) = (&y0[..len], &y1[..len], &y2[..len], &y3[..len]);
    let mut acc = [[T::ZERO; LANES]; 4];
    let body = len - len % LANES;
    let mut i = 0;
    while i < body {
        for l in 0..LANES {
            let xi = x[i + l];
            acc[0][l] += xi * y0[i + l];
            acc[1][l] += xi * y1[i + l];
            acc[2][l] += xi * y2[i + l];
            acc[3][l] += xi * y3[i + l];
        }
        i += LANES;
    }
    let mut tail = [T::ZERO; 4];
    for r in body..len {
        tail[0] += x[r] * y0[r];
        tail[1] += x[r] * y1[r];
        tail[2] += x[r] * y2[r];
        tail[3] += x[r] * y3[r];
    }
    let reduce = |a: [T; LANES], t: T| (a[0] + a[1]) + (a[2] + a[3]) + t;
    [
        reduce(acc[0], tail[0]),
        reduce(acc[1], tail[1]),
        reduce(acc[2], tail[2]),
        reduce(acc[3], tail[3]),
    ]
}

/// `yⱼ ← yⱼ + αⱼ·x` for four columns `yⱼ` in one pass over `x`.
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
pub(crate) fn axpy4<T: Real>(alpha: [T; 4], x: &[T], y: [&mut [T]; 4]) {
    let len = x.len();
    let [y0, y1, y2, y3] = y;
    let (y0, y1, y2, y3) = (&mut y0[..len], &mut y1[..len], &mut y2[..len], &mut y3[..len]);
    for i in 0..len {
        let xi = x[i];
        y0[i] += alpha[0] * xi;
        y1[i] += alpha[1] * xi;
        y2[i] += alpha[2] * xi;
        y3[i] += alpha[3] * xi;
    }
}

/// `y ← y + Σⱼ αⱼ·xⱼ` over four columns `xⱼ` in one pass over `y`, adding the terms in the
/// order `j = 0, 1, 2, 3` (so the result equals four successive `axpy` calls bit for bit).
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
fn axpy_sum4<T: Real>(alpha: [T; 4], x: [&[T]; 4], y: &mut [T]) {
    let len = y.len();
    let [x0, x1, x2, x3] = x;
    let (x0, x1, x2, x3) = (&x0[..len], &x1[..len], &x2[..len], &x3[..len]);
    for i in 0..len {
        y[i] =
            (((y[i] + alpha[0] * x0[i]) + alpha[1] * x1[i]) + alpha[2] * x2[i]) + alpha[3] * x3[i];
    }
}

/// Splits `cols` (whole columns of length `ld`, contiguous) into four consecutive columns.
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
fn four_columns<T>(cols: &mut [T], ld: usize) -> [&mut [T]; 4] {
    let (c0, rest) = cols.split_at_mut(ld);
    let (c1, rest) = rest.split_at_mut(ld);
    let (c2, c3) = rest.split_at_mut(ld);
    [c0, c1, c2, c3]
}

/// Applies `H = I − τ·v·vᵀ` (with `v = [1, v_tail]`) from the left to every column of `cols`.
///
/// `cols` holds whole columns of length `ld` back to back; the reflector acts on rows
/// `row..row + 1 + v_tail.len()` of each. Four columns share each pass over `v_tail`.
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
pub(crate) fn apply_reflector<T: Real>(
    v_tail: &[T],
    tau: T,
    cols: &mut [T],
    ld: usize,
    row: usize,
) {
    if tau == T::ZERO || cols.is_empty() {
        return;
    }
    let end = row + 1 + v_tail.len();
    let mut quads = cols.chunks_exact_mut(4 * ld);
    for quad in &mut quads {
        let [c0, c1, c2, c3] = four_columns(quad, ld);
        let dots = dot4(
            v_tail,
            [&c0[row + 1..end], &c1[row + 1..end], &c2[row + 1..end], &c3[row + 1..end]],
        );
        let mut tw = [T::ZERO; 4];
        for (j, c) in [&mut *c0, &mut *c1, &mut *c2, &mut *c3].into_iter().enumerate() {
            tw[j] = tau * (c[row] + dots[j]);
            c[row] -= tw[j];
        }
        axpy4(
            [-tw[0], -tw[1], -tw[2], -tw[3]],
            v_tail,
            [
                &mut c0[row + 1..end],
                &mut c1[row + 1..end],
                &mut c2[row + 1..end],
                &mut c3[row + 1..end],
            ],
        );
    }
    for c in quads.into_remainder().chunks_exact_mut(ld) {
        crate::householder::apply(v_tail, tau, &mut c[row..end]);
    }
}

/// `W ← Aᵀ·B` for `A` (rows×p, leading dimension `lda`) and `B` (rows×q, `ldb`); `W` is p×q
/// with leading dimension p and is overwritten. The generic kernel behind
/// `Sealed::gemm_tn`.
#[inline(always)]
pub(crate) fn gemm_tn_generic<T: Real>(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[T], usize),
    (b, ldb): (&[T], usize),
    w: &mut [T],
) {
    fn column<T>(s: &[T], ld: usize, j: usize, rows: usize) -> &[T] {
        &s[j * ld..j * ld + rows]
    }
    let column = |s, ld, j| column(s, ld, j, rows);
    for j in 0..q {
        let bj = column(b, ldb, j);
        let mut i = 0;
        while i + 4 <= p {
            let d = dot4(
                bj,
                [
                    column(a, lda, i),
                    column(a, lda, i + 1),
                    column(a, lda, i + 2),
                    column(a, lda, i + 3),
                ],
            );
            w[j * p + i..j * p + i + 4].copy_from_slice(&d);
            i += 4;
        }
        for i in i..p {
            w[j * p + i] = crate::householder::dot(column(a, lda, i), bj);
        }
    }
}

/// `C ← C − A·W` for `A` (rows×p, `lda`), `W` (p×q, leading dimension p) and `C` (rows×q,
/// `ldc`). The generic kernel behind `Sealed::gemm_nn_sub`.
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
pub(crate) fn gemm_nn_sub_generic<T: Real>(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[T], usize),
    w: &[T],
    (c, ldc): (&mut [T], usize),
) {
    let column = |j: usize| -> &[T] { &a[j * lda..j * lda + rows] };
    for j in 0..q {
        let cj = &mut c[j * ldc..j * ldc + rows];
        let wj = &w[j * p..(j + 1) * p];
        let mut i = 0;
        while i + 4 <= p {
            axpy_sum4(
                [-wj[i], -wj[i + 1], -wj[i + 2], -wj[i + 3]],
                [column(i), column(i + 1), column(i + 2), column(i + 3)],
                cj,
            );
            i += 4;
        }
        for (i, &wij) in wj.iter().enumerate().skip(i) {
            crate::householder::axpy(-wij, column(i), cj);
        }
    }
}

/// Below this many multiply-adds (`rows·p·q`), or with an inner dimension this small, `f64`
/// products stay on the generic kernels: `matrixmultiply` packs its operands first, which does not
/// pay off on tiny blocks. Measured with `cargo bench --bench linalg` (see `benches/README.md`).
const GEMM_MIN_WORK: usize = 4096;

/// Smallest dimension for which nalgebra hands a product to `matrixmultiply` (it uses its own
/// loops at 5 and below).
const GEMM_MIN_DIM: usize = 6;

/// A strided, read-only view of `rows×cols` entries of a column-major slice.
type Strided<'a> = MatrixView<'a, f64, Dyn, Dyn, Dyn, Dyn>;

/// [`apply_reflector`] for `f64`, compiled for the best instruction set the CPU offers (AVX2 on
/// x86-64 when present, chosen at run time by `pulp`). No fused multiply-add is introduced, so
/// every instruction set gives bit-identical results.
pub(crate) fn apply_reflector_f64(
    v_tail: &[f64],
    tau: f64,
    cols: &mut [f64],
    ld: usize,
    row: usize,
) {
    Arch::new().dispatch(|| apply_reflector(v_tail, tau, cols, ld, row));
}

/// Applies the reflectors stored in the packed m×n factor `qr` to one column `c` of length m:
/// `c ← Qᵀ·c` when `transpose` (reflectors 0, 1, …), else `c ← Q·c` (reflectors n−1, …, 0).
#[expect(
    clippy::inline_always,
    reason = "must inline into the SIMD-dispatched callers of `Sealed`"
)]
#[inline(always)]
pub(crate) fn apply_sequence<T: Real>(qr: &[T], m: usize, tau: &[T], c: &mut [T], transpose: bool) {
    let mut step =
        |k: usize| crate::householder::apply(&qr[k * m + k + 1..(k + 1) * m], tau[k], &mut c[k..]);
    if transpose {
        (0..tau.len()).for_each(&mut step);
    } else {
        (0..tau.len()).rev().for_each(&mut step);
    }
}

/// [`apply_sequence`] for `f64`, dispatched once for all reflectors like [`apply_reflector_f64`].
pub(crate) fn apply_sequence_f64(
    qr: &[f64],
    m: usize,
    tau: &[f64],
    c: &mut [f64],
    transpose: bool,
) {
    Arch::new().dispatch(|| apply_sequence(qr, m, tau, c, transpose));
}

/// `xᵀy` for `f64`, dispatched like [`apply_reflector_f64`].
pub(crate) fn dot_f64(x: &[f64], y: &[f64]) -> f64 {
    Arch::new().dispatch(|| crate::householder::dot(x, y))
}

/// `W ← Aᵀ·B` for `f64` (see [`gemm_tn_generic`]), through nalgebra's `gemm` when large.
pub(crate) fn gemm_tn_f64(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[f64], usize),
    (b, ldb): (&[f64], usize),
    w: &mut [f64],
) {
    if rows * p * q < GEMM_MIN_WORK || p.min(q).min(rows) < GEMM_MIN_DIM {
        Arch::new().dispatch(|| gemm_tn_generic(rows, (p, q), (a, lda), (b, ldb), w));
        return;
    }
    let at = Strided::from_slice_with_strides_generic(a, Dyn(p), Dyn(rows), Dyn(lda), Dyn(1));
    let bv = Strided::from_slice_with_strides_generic(b, Dyn(rows), Dyn(q), Dyn(1), Dyn(ldb));
    let mut wv = MatrixViewMut::<f64, Dyn, Dyn, Dyn, Dyn>::from_slice_with_strides_generic(
        w,
        Dyn(p),
        Dyn(q),
        Dyn(1),
        Dyn(p),
    );
    wv.gemm(1.0, &at, &bv, 0.0);
}

/// `C ← C − A·W` for `f64` (see [`gemm_nn_sub_generic`]), through nalgebra's `gemm` when large.
pub(crate) fn gemm_nn_sub_f64(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[f64], usize),
    w: &[f64],
    (c, ldc): (&mut [f64], usize),
) {
    if rows * p * q < GEMM_MIN_WORK || p.min(q).min(rows) < GEMM_MIN_DIM {
        Arch::new().dispatch(|| gemm_nn_sub_generic(rows, (p, q), (a, lda), w, (c, ldc)));
        return;
    }
    let av = Strided::from_slice_with_strides_generic(a, Dyn(rows), Dyn(p), Dyn(1), Dyn(lda));
    let wv = Strided::from_slice_with_strides_generic(w, Dyn(p), Dyn(q), Dyn(1), Dyn(p));
    let mut cv = MatrixViewMut::<f64, Dyn, Dyn, Dyn, Dyn>::from_slice_with_strides_generic(
        c,
        Dyn(rows),
        Dyn(q),
        Dyn(1),
        Dyn(ldc),
    );
    cv.gemm(-1.0, &av, &wv, 1.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::double_double::DoubleDouble;
    use crate::householder::apply;

    /// Deterministic entries in (-1, 1) without structure.
    fn entries<T: Real>(len: usize, salt: usize) -> Vec<T> {
        (0..len)
            .map(|i| {
                T::from_f64(
                    (count_to_f64(i * 7919 + salt * 104_729) * 0.754_877_666).fract() * 2.0 - 1.0,
                )
            })
            .collect()
    }

    /// The four-column kernel must give exactly what one `apply` per column gives: the partial
    /// sums are laid out the same way, so the results agree bit for bit.
    #[track_caller]
    fn check<T: Real>(m: usize, ncols: usize, row: usize) {
        let v = entries::<T>(m - row - 1, 1);
        let tau = T::from_f64(1.25);
        let cols = entries::<T>(m * ncols, 2);
        let mut fast = cols.clone();
        T::apply_reflector(&v, tau, &mut fast, m, row);
        let mut slow = cols;
        for c in slow.chunks_exact_mut(m) {
            apply(&v, tau, &mut c[row..]);
        }
        assert!(fast == slow, "{m}x{ncols} from row {row}");
    }

    #[test]
    fn four_column_kernel_matches_column_by_column_application() {
        for (m, ncols, row) in [(1, 1, 0), (9, 7, 2), (33, 4, 0), (64, 11, 31), (5, 3, 4)] {
            check::<f64>(m, ncols, row);
            check::<DoubleDouble>(m, ncols, row);
        }
    }

    /// The generic and `f64` matrix products against a plain triple loop.
    #[track_caller]
    fn check_products(rows: usize, p: usize, q: usize) {
        let (lda, ldb) = (rows + 3, rows + 1);
        let a = entries::<f64>(lda * p, 3);
        let b = entries::<f64>(ldb * q, 4);
        let mut w = vec![0.0; p * q];
        <f64 as crate::scalar::sealed::Sealed>::gemm_tn(rows, (p, q), (&a, lda), (&b, ldb), &mut w);
        let mut c = b.clone();
        <f64 as crate::scalar::sealed::Sealed>::gemm_nn_sub(
            rows,
            (p, q),
            (&a, lda),
            &w,
            (&mut c, ldb),
        );
        let tol = 8.0 * count_to_f64(rows) * f64::EPSILON;
        for j in 0..q {
            for i in 0..p {
                let exact: f64 = (0..rows).map(|r| a[r + i * lda] * b[r + j * ldb]).sum();
                assert!((w[i + j * p] - exact).abs() <= tol, "W[{i},{j}] of {rows}x{p}x{q}");
            }
            for r in 0..rows {
                let exact =
                    b[r + j * ldb] - (0..p).map(|i| a[r + i * lda] * w[i + j * p]).sum::<f64>();
                assert!((c[r + j * ldb] - exact).abs() <= tol * count_to_f64(p), "C[{r},{j}]");
            }
        }
    }

    #[test]
    fn matrix_products_match_a_plain_triple_loop_on_both_paths() {
        check_products(10, 3, 2); // generic kernels
        check_products(300, 9, 7); // nalgebra's gemm
        check_products(200, 4, 33); // inner dimension below GEMM_MIN_DIM
    }
}

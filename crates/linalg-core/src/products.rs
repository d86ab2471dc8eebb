//! Matrix-matrix products of the blocked factorization: `W ← AᵀB` and `C ← C − AW`.
//!
//! They apply a block of reflectors at once (the compact-WY update of `crate::blocked`). The
//! generic kernels work in row blocks that stay in L2 and keep four partial sums per entry, as
//! the vector kernels of `crate::kernels` do, so they run in every [`Real`] and never fuse a
//! multiply and an add. Large `f64` products `AᵀB` go through [`crate::gram`]'s cross product,
//! which reads both operands in place with register tiles of fused multiply-adds, and large
//! products `C − AW` through nalgebra's `gemm` (the `matrixmultiply` crate, which packs them and
//! uses FMA where the CPU has it), so a large blocked `f64` factorization can differ in the last
//! bits from one CPU to another. On the shapes of `W = VᵀC` in a 2000×500 factorization (2000
//! rows, 32 columns of `V`, 100–468 of `C`; a throwaway benchmark, one thread of an AVX2 core)
//! nalgebra's `gemm` of a transposed view ran at 19–27 Gflop/s against 35–45 for faer's
//! `matmul`; the cross product took the whole factorization from 43.5–46.8 to 38.4–40.2 ms
//! (best of 25, three alternating runs, `benches/README.md`). That choice is made
//! by the sealed `BlockProducts` impls at the end of the file, the part of [`Real`] that selects
//! each scalar's products.

use nalgebra::{Dyn, MatrixView, MatrixViewMut};
use pulp::{Simd, WithSimd};

use crate::double_double::DoubleDouble;
use crate::householder;
use crate::kernels::{LANES, axpy_sum4, dispatch, dot4_acc};
use crate::scalar::Real;
use crate::scalar::sealed::BlockProducts;

/// Rows per block of the matrix-matrix kernels. A block of the p + q columns they read (at most
/// 64 + 64 columns of 256 rows, 256 KiB of `f64`) stays in L2 while every product of the block
/// is formed, so each column is streamed from memory once per product instead of once per
/// group of four columns it meets. A multiple of [`LANES`].
const ROW_BLOCK: usize = 256;

/// `acc[l] += Σ x[r]·y[r]` over the rows `r ≡ l (mod LANES)`; `x.len()` is a multiple of
/// [`LANES`]. The body of [`householder::dot`], resumable over row blocks.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
fn dot_acc<T: Real>(x: &[T], y: &[T], acc: &mut [T; LANES]) {
    let y = &y[..x.len()];
    for (a, b) in x.chunks_exact(LANES).zip(y.chunks_exact(LANES)) {
        for l in 0..LANES {
            acc[l] += a[l] * b[l];
        }
    }
}

/// Rows `range` of column `j` of the column-major `s` with leading dimension `ld`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
fn block_column<T>(s: &[T], ld: usize, j: usize, range: std::ops::Range<usize>) -> &[T] {
    &s[j * ld + range.start..j * ld + range.end]
}

/// `W ← Aᵀ·B` for `A` (rows×p, leading dimension `lda`) and `B` (rows×q, `ldb`); `W` is p×q
/// with leading dimension p and is overwritten. The generic kernel behind
/// `BlockProducts::gemm_tn`.
///
/// Every entry is the dot product of [`crate::kernels::dot4`] (four partial sums by row, the
/// leftover rows added last), bit for bit; the rows are visited in blocks of [`ROW_BLOCK`],
/// each block contributing to all p·q sums before the next is read, so that A and B are
/// streamed from memory once.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn gemm_tn_generic<T: Real>(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[T], usize),
    (b, ldb): (&[T], usize),
    w: &mut [T],
) {
    let body = rows - rows % LANES;
    let mut acc = vec![[T::ZERO; LANES]; p * q];
    let mut start = 0;
    while start < body {
        let end = (start + ROW_BLOCK).min(body);
        let column = |s, ld, j| block_column(s, ld, j, start..end);
        for j in 0..q {
            let bj = column(b, ldb, j);
            let accj = &mut acc[j * p..(j + 1) * p];
            let mut i = 0;
            while i + 4 <= p {
                dot4_acc(
                    bj,
                    [
                        column(a, lda, i),
                        column(a, lda, i + 1),
                        column(a, lda, i + 2),
                        column(a, lda, i + 3),
                    ],
                    &mut accj[i..i + 4],
                );
                i += 4;
            }
            for (i, acc) in accj.iter_mut().enumerate().skip(i) {
                dot_acc(column(a, lda, i), bj, acc);
            }
        }
        start = end;
    }
    for j in 0..q {
        for i in 0..p {
            let mut tail = T::ZERO;
            for r in body..rows {
                tail += a[i * lda + r] * b[j * ldb + r];
            }
            let s = acc[j * p + i];
            w[j * p + i] = (s[0] + s[1]) + (s[2] + s[3]) + tail;
        }
    }
}

/// `C ← C − A·W` for `A` (rows×p, `lda`), `W` (p×q, leading dimension p) and `C` (rows×q,
/// `ldc`). The generic kernel behind `BlockProducts::gemm_nn_sub`.
///
/// Each entry of C takes its p updates in the order `i = 0, 1, …`, as p successive `axpy`
/// calls would; the rows are visited in blocks of [`ROW_BLOCK`] so that A and C are streamed
/// from memory once.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn gemm_nn_sub_generic<T: Real>(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[T], usize),
    w: &[T],
    (c, ldc): (&mut [T], usize),
) {
    let mut start = 0;
    while start < rows {
        let end = (start + ROW_BLOCK).min(rows);
        let column = |j: usize| -> &[T] { &a[j * lda + start..j * lda + end] };
        for j in 0..q {
            let cj = &mut c[j * ldc + start..j * ldc + end];
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
                householder::axpy(-wij, column(i), cj);
            }
        }
        start = end;
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

/// A strided, writable view of `rows×cols` entries of a column-major slice.
type StridedMut<'a> = MatrixViewMut<'a, f64, Dyn, Dyn, Dyn, Dyn>;

/// Whether an `f64` product of `rows·p·q` multiply-adds is large enough for nalgebra's `gemm`
/// ([`GEMM_MIN_WORK`], [`GEMM_MIN_DIM`]).
fn worth_gemm(rows: usize, p: usize, q: usize) -> bool {
    rows * p * q >= GEMM_MIN_WORK && p.min(q).min(rows) >= GEMM_MIN_DIM
}

impl BlockProducts for f64 {
    /// `W ← Aᵀ·B` (see [`gemm_tn_generic`]), through nalgebra's `gemm` when large, else the
    /// generic kernel compiled for the best instruction set the CPU offers.
    fn gemm_tn(
        rows: usize,
        (p, q): (usize, usize),
        (a, lda): (&[f64], usize),
        (b, ldb): (&[f64], usize),
        w: &mut [f64],
    ) {
        if !worth_gemm(rows, p, q) {
            dispatch(GemmTn { rows, shape: (p, q), a: (a, lda), b: (b, ldb), w });
            return;
        }
        crate::gram::cross_product(rows, (p, q), (a, lda), (b, ldb), w);
    }

    /// `C ← C − A·W` (see [`gemm_nn_sub_generic`]), through nalgebra's `gemm` when large, else
    /// the generic kernel compiled for the best instruction set the CPU offers.
    fn gemm_nn_sub(
        rows: usize,
        (p, q): (usize, usize),
        (a, lda): (&[f64], usize),
        w: &[f64],
        (c, ldc): (&mut [f64], usize),
    ) {
        if !worth_gemm(rows, p, q) {
            dispatch(GemmNnSub { rows, shape: (p, q), a: (a, lda), w, c: (c, ldc) });
            return;
        }
        let av = Strided::from_slice_with_strides_generic(a, Dyn(rows), Dyn(p), Dyn(1), Dyn(lda));
        let wv = Strided::from_slice_with_strides_generic(w, Dyn(p), Dyn(q), Dyn(1), Dyn(p));
        let mut cv =
            StridedMut::from_slice_with_strides_generic(c, Dyn(rows), Dyn(q), Dyn(1), Dyn(ldc));
        cv.gemm(-1.0, &av, &wv, 1.0);
    }
}

/// [`gemm_tn_generic`] as an operation for [`dispatch`].
struct GemmTn<'a> {
    rows: usize,
    shape: (usize, usize),
    a: (&'a [f64], usize),
    b: (&'a [f64], usize),
    w: &'a mut [f64],
}

impl WithSimd for GemmTn<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        gemm_tn_generic(self.rows, self.shape, self.a, self.b, self.w);
    }
}

/// [`gemm_nn_sub_generic`] as an operation for [`dispatch`].
struct GemmNnSub<'a> {
    rows: usize,
    shape: (usize, usize),
    a: (&'a [f64], usize),
    w: &'a [f64],
    c: (&'a mut [f64], usize),
}

impl WithSimd for GemmNnSub<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        gemm_nn_sub_generic(self.rows, self.shape, self.a, self.w, self.c);
    }
}

/// Double-double runs the generic kernels: `gemm` is `f64`-only, and its scalar arithmetic gains
/// nothing from SIMD dispatch.
impl BlockProducts for DoubleDouble {
    fn gemm_tn(
        rows: usize,
        shape: (usize, usize),
        a: (&[Self], usize),
        b: (&[Self], usize),
        w: &mut [Self],
    ) {
        gemm_tn_generic(rows, shape, a, b, w);
    }

    fn gemm_nn_sub(
        rows: usize,
        shape: (usize, usize),
        a: (&[Self], usize),
        w: &[Self],
        c: (&mut [Self], usize),
    ) {
        gemm_nn_sub_generic(rows, shape, a, w, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::double_double::DoubleDouble;
    use crate::kernels::tests::entries;

    /// The row-blocked products give exactly the plain kernels' results: each entry of `W` is
    /// `householder::dot` of two columns, and each column of `C` takes its updates as successive
    /// `axpy` calls would, whatever the number of row blocks and leftover rows.
    #[track_caller]
    fn check_blocked_products<T: Real>(rows: usize, p: usize, q: usize) {
        let (lda, ldb) = (rows + 3, rows + 1);
        let a = entries::<T>(lda * p, 5);
        let b = entries::<T>(ldb * q, 6);
        let mut w = vec![T::ZERO; p * q];
        gemm_tn_generic(rows, (p, q), (&a, lda), (&b, ldb), &mut w);
        let mut c = b.clone();
        gemm_nn_sub_generic(rows, (p, q), (&a, lda), &w, (&mut c, ldb));
        let mut reference = b.clone();
        for j in 0..q {
            let bj = &b[j * ldb..j * ldb + rows];
            for i in 0..p {
                let ai = &a[i * lda..i * lda + rows];
                let wij = crate::householder::dot(ai, bj);
                assert!(w[i + j * p] == wij, "W[{i},{j}] of {rows}x{p}x{q}");
                crate::householder::axpy(-wij, ai, &mut reference[j * ldb..j * ldb + rows]);
            }
        }
        assert!(c == reference, "C of {rows}x{p}x{q}");
    }

    #[test]
    fn row_blocked_products_equal_the_plain_kernels_bit_for_bit() {
        for rows in [0, 1, 3, 4, ROW_BLOCK, ROW_BLOCK + 1, 2 * ROW_BLOCK + 7] {
            for (p, q) in [(1, 1), (3, 2), (4, 4), (5, 7), (9, 3)] {
                check_blocked_products::<f64>(rows, p, q);
            }
        }
        check_blocked_products::<DoubleDouble>(ROW_BLOCK + 6, 5, 3);
        check_blocked_products::<DoubleDouble>(7, 4, 2);
    }

    /// The generic and `f64` matrix products against a plain triple loop.
    #[track_caller]
    fn check_products(rows: usize, p: usize, q: usize) {
        let (lda, ldb) = (rows + 3, rows + 1);
        let a = entries::<f64>(lda * p, 3);
        let b = entries::<f64>(ldb * q, 4);
        let mut w = vec![0.0; p * q];
        f64::gemm_tn(rows, (p, q), (&a, lda), (&b, ldb), &mut w);
        let mut c = b.clone();
        f64::gemm_nn_sub(rows, (p, q), (&a, lda), &w, (&mut c, ldb));
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

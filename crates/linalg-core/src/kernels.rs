//! Multi-column kernels behind the Householder updates: several dot products or updates per pass.
//!
//! A reflector applied to one column at a time streams the reflector vector once per column and
//! keeps one dependent chain of additions busy. These kernels instead share each load of a
//! vector between four columns and keep four independent partial sums per column, so the
//! compiler can vectorise across rows and overlap the chains. They never fuse a multiply and an
//! add, so they give bit-identical results with or without SIMD (the trait's `mul_add`, which
//! `crate::dense_fold` uses, fuses, and rounds once on every instruction set). The generic
//! versions run in
//! every [`Real`]; at the end of the file each scalar implements the sealed `VectorKernels`, the
//! part of [`Real`] that selects these kernels: `f64` dispatches them through `pulp` for the
//! best instruction set the CPU offers, and double-double calls them directly. The
//! matrix-matrix products of the blocked factorization are in `crate::products`.
//!
//! All matrices here are column-major slices with an explicit leading dimension (`ld*`), the
//! layout of [`nalgebra::DMatrix`] and of LAPACK. Every sum keeps the error bound of a plain dot
//! product, `γ_k·|x|ᵀ|y|` for k terms (Higham, *Accuracy and Stability*, §3.1); only the order
//! of the additions differs.

use pulp::{Arch, Simd, WithSimd};

use crate::double_double::DoubleDouble;
use crate::householder;
use crate::scalar::Real;
use crate::scalar::sealed::VectorKernels;

/// Runs `op` compiled for the best instruction set the CPU offers (AVX2 on x86-64 when present,
/// chosen at run time by `pulp`).
///
/// `pulp` builds one function per instruction set with its target features and calls
/// [`WithSimd::with_simd`] from it, so an `#[inline(always)]` `with_simd` is compiled for that
/// instruction set. A closure handed to `Arch::dispatch` is not: it is reached through a call
/// shim that the compiler keeps out of line, so its body is compiled for the baseline target
/// (SSE2 on x86-64). Every kernel is therefore dispatched as an operation type, never as a
/// closure. No kernel here fuses a multiply and an add, so every instruction set gives the same
/// bits; `TallQr`'s fold (`crate::dense_fold`) fuses through [`VectorKernels::mul_add`], which
/// rounds once on every instruction set, and so gives the same bits too.
pub(crate) fn dispatch<Op: WithSimd>(op: Op) -> Op::Output {
    Arch::new().dispatch(op)
}

/// Rows per step of the partial sums: four independent chains per column.
pub(crate) const LANES: usize = 4;

/// `[x·y₀, x·y₁, x·y₂, x·y₃]` in one pass over `x`, with [`LANES`] partial sums per column
/// ([`dot4_acc`]) and the leftover rows added last.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn dot4<T: Real>(x: &[T], y: [&[T]; 4]) -> [T; 4] {
    let len = x.len();
    debug_assert!(y.iter().all(|c| c.len() == len));
    let body = len - len % LANES;
    let mut acc = [[T::ZERO; LANES]; 4];
    dot4_acc(&x[..body], y, &mut acc);
    let [y0, y1, y2, y3] = y;
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

/// `acc[c][l] += Σ x[r]·y_c[r]` over the rows `r ≡ l (mod LANES)`, for four columns `y_c` at
/// least as long as `x`; `x.len()` is a multiple of [`LANES`]. The body of [`dot4`], resumable
/// over row blocks (`crate::products` runs it block by block).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn dot4_acc<T: Real>(x: &[T], y: [&[T]; 4], acc: &mut [[T; LANES]]) {
    let len = x.len();
    debug_assert!(len.is_multiple_of(LANES) && acc.len() == 4);
    let [y0, y1, y2, y3] = y;
    let (y0, y1, y2, y3) = (&y0[..len], &y1[..len], &y2[..len], &y3[..len]);
    let mut a = [acc[0], acc[1], acc[2], acc[3]];
    let mut i = 0;
    while i < len {
        for l in 0..LANES {
            let xi = x[i + l];
            a[0][l] += xi * y0[i + l];
            a[1][l] += xi * y1[i + l];
            a[2][l] += xi * y2[i + l];
            a[3][l] += xi * y3[i + l];
        }
        i += LANES;
    }
    acc[..4].copy_from_slice(&a);
}

/// `yⱼ ← yⱼ + αⱼ·x` for four columns `yⱼ` in one pass over `x`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
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
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn axpy_sum4<T: Real>(alpha: [T; 4], x: [&[T]; 4], y: &mut [T]) {
    let len = y.len();
    let [x0, x1, x2, x3] = x;
    let (x0, x1, x2, x3) = (&x0[..len], &x1[..len], &x2[..len], &x3[..len]);
    for i in 0..len {
        y[i] =
            (((y[i] + alpha[0] * x0[i]) + alpha[1] * x1[i]) + alpha[2] * x2[i]) + alpha[3] * x3[i];
    }
}

/// Splits `cols` (whole columns of length `ld`, contiguous) into four consecutive columns.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn four_columns<T>(cols: &mut [T], ld: usize) -> [&mut [T]; 4] {
    let (c0, rest) = cols.split_at_mut(ld);
    let (c1, rest) = rest.split_at_mut(ld);
    let (c2, c3) = rest.split_at_mut(ld);
    [c0, c1, c2, c3]
}

/// Applies `H = I − τ·v·vᵀ` (with `v = [1, v_tail]`) from the left to every column of `cols`.
///
/// `cols` holds whole columns of length `ld` back to back; the reflector acts on rows
/// `row..row + 1 + v_tail.len()` of each. Four columns share each pass over `v_tail`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
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
        householder::apply(v_tail, tau, &mut c[row..end]);
    }
}

/// Splits `cols` (whole columns of length `ld`, contiguous) into its first `N` columns.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
fn first_columns<T, const N: usize>(cols: &mut [T], ld: usize) -> [&mut [T]; N] {
    let mut rest = cols;
    std::array::from_fn(|_| {
        let (c, r) = std::mem::take(&mut rest).split_at_mut(ld);
        rest = r;
        c
    })
}

/// [`apply_new_reflector`] on its first `N ≤ 4` columns: the two passes of [`apply_reflector`]
/// (dot products, then updates), the first also scaling `u` into `v`, the second also summing
/// the squares of column 0's updated entries below `row + 1`, in the lane order of
/// [`crate::householder::dot`]. Returns that sum.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
fn apply_new_reflector_head<T: Real, const N: usize>(
    (u, inv, tau): (&mut [T], T, T),
    cols: &mut [T],
    ld: usize,
    row: usize,
) -> T {
    let len = u.len();
    let end = row + 1 + len;
    let mut c: [&mut [T]; N] = first_columns(cols, ld);
    // Pass 1: v = u·inv, stored, and vᵀ·c_j with the partial sums of `dot4`.
    let mut acc = [[T::ZERO; LANES]; N];
    let mut tail = [T::ZERO; N];
    {
        let y: [&[T]; N] = std::array::from_fn(|j| &c[j][row + 1..end]);
        let body = len - len % LANES;
        let mut i = 0;
        while i < body {
            for l in 0..LANES {
                let v = u[i + l] * inv;
                u[i + l] = v;
                for j in 0..N {
                    acc[j][l] += v * y[j][i + l];
                }
            }
            i += LANES;
        }
        for r in body..len {
            let v = u[r] * inv;
            u[r] = v;
            for j in 0..N {
                tail[j] += v * y[j][r];
            }
        }
    }
    let mut alpha = [T::ZERO; N];
    for j in 0..N {
        let a = acc[j];
        let dot = (a[0] + a[1]) + (a[2] + a[3]) + tail[j];
        let tw = tau * (c[j][row] + dot);
        c[j][row] -= tw;
        alpha[j] = -tw;
    }
    // Pass 2: c_j += α_j·v, and the squares of column 0 from row + 2 on, lanes counted from there.
    let v: &[T] = u;
    let mut y: [&mut [T]; N] =
        std::array::from_fn(|j| &mut std::mem::take(&mut c[j])[row + 1..end]);
    let ([y0, others @ ..], false) = (&mut y[..], len == 0) else {
        return T::ZERO;
    };
    y0[0] += alpha[0] * v[0];
    for (j, yj) in others.iter_mut().enumerate() {
        yj[0] += alpha[j + 1] * v[0];
    }
    let below = len - 1;
    let body = below - below % LANES;
    let mut sq = [T::ZERO; LANES];
    let mut i = 1;
    while i < 1 + body {
        for l in 0..LANES {
            let x = v[i + l];
            let updated = y0[i + l] + alpha[0] * x;
            y0[i + l] = updated;
            sq[l] += updated * updated;
            for (j, yj) in others.iter_mut().enumerate() {
                yj[i + l] += alpha[j + 1] * x;
            }
        }
        i += LANES;
    }
    let mut sq_tail = T::ZERO;
    for r in 1 + body..len {
        let x = v[r];
        let updated = y0[r] + alpha[0] * x;
        y0[r] = updated;
        sq_tail += updated * updated;
        for (j, yj) in others.iter_mut().enumerate() {
            yj[r] += alpha[j + 1] * x;
        }
    }
    (sq[0] + sq[1]) + (sq[2] + sq[3]) + sq_tail
}

/// Applies a reflector whose tail is still unscaled to the columns on its right, with one pass
/// over the data fewer than [`crate::householder::generate`] followed by [`apply_reflector`],
/// and returns the sum of squares the next reflector needs.
///
/// `u` is the tail of column `row` below the diagonal, `x_tail` in `generate`'s terms, and
/// `(τ, inv)` come from [`crate::householder::reflector_scalars`]; on return `u` holds
/// `v_tail = u·inv`. `cols` holds whole columns of length `ld` back to back, on which
/// `H = I − τ·v·vᵀ` acts at rows `row..row + 1 + u.len()`. The scaling is folded into the first
/// pass over the first (up to four) columns, and the second pass over them also sums the
/// squares of what is left of the first column below its diagonal (row `row + 1`): the
/// `x_tailᵀ·x_tail` of the next reflector. Returns that sum, or `None` when `cols` is empty
/// (`u` is then just scaled). Every result equals the unfused sequence bit for bit: the same
/// products are added in the same order.
pub(crate) fn apply_new_reflector<T: Real>(
    (u, inv, tau): (&mut [T], T, T),
    cols: &mut [T],
    ld: usize,
    row: usize,
) -> Option<T> {
    dispatch(NewReflector { u, inv, tau, cols, ld, row })
}

/// [`apply_new_reflector`] as an operation for [`dispatch`].
struct NewReflector<'a, T> {
    u: &'a mut [T],
    inv: T,
    tau: T,
    cols: &'a mut [T],
    ld: usize,
    row: usize,
}

impl<T: Real> WithSimd for NewReflector<'_, T> {
    type Output = Option<T>;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Option<T> {
        let Self { u, inv, tau, cols, ld, row } = self;
        let ncols = cols.len() / ld;
        if ncols == 0 {
            for t in u.iter_mut() {
                *t *= inv;
            }
            return None;
        }
        let head = ncols.min(4);
        let (first, rest) = cols.split_at_mut(head * ld);
        let sum_sq = match head {
            1 => apply_new_reflector_head::<T, 1>((&mut *u, inv, tau), first, ld, row),
            2 => apply_new_reflector_head::<T, 2>((&mut *u, inv, tau), first, ld, row),
            3 => apply_new_reflector_head::<T, 3>((&mut *u, inv, tau), first, ld, row),
            _ => apply_new_reflector_head::<T, 4>((&mut *u, inv, tau), first, ld, row),
        };
        apply_reflector(u, tau, rest, ld, row);
        Some(sum_sq)
    }
}

/// Applies the reflectors stored in the packed m×n factor `qr` to one column `c` of length m:
/// `c ← Qᵀ·c` when `transpose` (reflectors 0, 1, …), else `c ← Q·c` (reflectors n−1, …, 0).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn apply_sequence<T: Real>(qr: &[T], m: usize, tau: &[T], c: &mut [T], transpose: bool) {
    // A plain loop: a closure handed to an iterator adaptor may be left out of line, and so
    // compiled for the baseline instruction set (see [`dispatch`]).
    let n = tau.len();
    for i in 0..n {
        let k = if transpose { i } else { n - 1 - i };
        householder::apply(&qr[k * m + k + 1..(k + 1) * m], tau[k], &mut c[k..]);
    }
}

impl VectorKernels for f64 {
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }

    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
    #[inline(always)]
    fn dot_tile<S: Simd, const P: usize>(simd: S, v: [&[f64]; 4], c: [&[f64]; P]) -> [[f64; 4]; P] {
        crate::dense_fold::dot_tile_vectors(simd, v, c)
    }

    /// [`householder::dot`] compiled for the best instruction set the CPU offers, like
    /// [`VectorKernels::apply_reflector`].
    fn dot(x: &[f64], y: &[f64]) -> f64 {
        dispatch(Dot(x, y))
    }

    /// [`apply_reflector`] compiled for the best instruction set the CPU offers (AVX2 on x86-64
    /// when present, chosen at run time by `pulp`). No fused multiply-add is introduced, so every
    /// instruction set gives bit-identical results.
    fn apply_reflector(v_tail: &[f64], tau: f64, cols: &mut [f64], ld: usize, row: usize) {
        dispatch(Reflector { v_tail, tau, cols, ld, row });
    }

    /// [`apply_sequence`], dispatched once for all reflectors like
    /// [`VectorKernels::apply_reflector`].
    fn apply_sequence(qr: &[f64], m: usize, tau: &[f64], c: &mut [f64], transpose: bool) {
        dispatch(Sequence { qr, m, tau, c, transpose });
    }
}

/// [`householder::dot`] as an operation for [`dispatch`].
struct Dot<'a>(&'a [f64], &'a [f64]);

impl WithSimd for Dot<'_> {
    type Output = f64;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        householder::dot(self.0, self.1)
    }
}

/// [`apply_reflector`] as an operation for [`dispatch`].
struct Reflector<'a> {
    v_tail: &'a [f64],
    tau: f64,
    cols: &'a mut [f64],
    ld: usize,
    row: usize,
}

impl WithSimd for Reflector<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        apply_reflector(self.v_tail, self.tau, self.cols, self.ld, self.row);
    }
}

/// [`apply_sequence`] as an operation for [`dispatch`].
struct Sequence<'a> {
    qr: &'a [f64],
    m: usize,
    tau: &'a [f64],
    c: &'a mut [f64],
    transpose: bool,
}

impl WithSimd for Sequence<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        apply_sequence(self.qr, self.m, self.tau, self.c, self.transpose);
    }
}

/// Double-double runs the generic kernels as they are: its arithmetic is scalar code that SIMD
/// dispatch would not speed up.
impl VectorKernels for DoubleDouble {
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
    #[inline(always)]
    fn mul_add(a: Self, b: Self, c: Self) -> Self {
        a * b + c
    }

    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
    #[inline(always)]
    fn dot_tile<S: Simd, const P: usize>(_: S, v: [&[Self]; 4], c: [&[Self]; P]) -> [[Self; 4]; P] {
        crate::dense_fold::dot_tile(v, c)
    }

    fn dot(x: &[Self], y: &[Self]) -> Self {
        householder::dot(x, y)
    }

    fn apply_reflector(v_tail: &[Self], tau: Self, cols: &mut [Self], ld: usize, row: usize) {
        apply_reflector(v_tail, tau, cols, ld, row);
    }

    fn apply_sequence(qr: &[Self], m: usize, tau: &[Self], c: &mut [Self], transpose: bool) {
        apply_sequence(qr, m, tau, c, transpose);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::householder::apply;

    /// Deterministic entries in (-1, 1) without structure.
    pub(crate) fn entries<T: Real>(len: usize, salt: usize) -> Vec<T> {
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

    /// `generate` then `apply_reflector`, and the next column's sum of squares as `Real::dot`
    /// computes it, against the fused `apply_new_reflector`: every bit must agree.
    #[track_caller]
    fn check_fused_reflector<T: Real>(m: usize, ncols: usize, row: usize) {
        let column = entries::<T>(m - row, 7);
        let cols = entries::<T>(m * ncols, 8);
        let mut x = column.clone();
        let tau = crate::householder::generate(&mut x);
        let mut expected = cols.clone();
        T::apply_reflector(&x[1..], tau, &mut expected, m, row);
        let (alpha, tail) = column.split_at(1);
        let mut u = tail.to_vec();
        let (tau2, beta, inv) =
            crate::householder::reflector_scalars(alpha[0], T::dot(&u, &u)).expect("safe norm");
        let mut got = cols;
        let sum_sq = apply_new_reflector((&mut u, inv, tau2), &mut got, m, row);
        let case = format!("{m}x{ncols} from row {row}");
        assert!(tau2 == tau && beta == x[0] && u[..] == x[1..], "reflector of {case}");
        assert!(got == expected, "columns of {case}");
        let next = (ncols > 0).then(|| {
            let c0 = &expected[row + 2.min(m - row)..m];
            T::dot(c0, c0)
        });
        assert!(sum_sq == next, "sum of squares of {case}");
    }

    #[test]
    fn fused_reflector_application_equals_generate_then_apply_bit_for_bit() {
        for m in [2, 3, 5, 6, 9, 12, 37] {
            for row in [0, 1, m / 2, m - 2].into_iter().filter(|&r| r + 2 <= m) {
                for ncols in [0, 1, 2, 3, 4, 5, 9] {
                    check_fused_reflector::<f64>(m, ncols, row);
                }
            }
        }
        for ncols in [0, 1, 4, 6] {
            check_fused_reflector::<DoubleDouble>(23, ncols, 2);
        }
    }
}

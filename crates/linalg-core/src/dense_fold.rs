//! Dense rows folded under a triangle in blocks of reflectors: the chunk fold of narrow states.
//!
//! [`crate::structured`] folds a block of rows `B` under the state's triangle `S` one reflector
//! at a time, each a pass over what is left of `B`. Here `B` is cut into row blocks that stay in
//! L2 ([`block_rows`]), and the reflectors of each row block are taken [`GROUP`] at a time: the
//! group's columns are reduced column by column, and the group is then applied to the columns
//! on its right as one block reflector (compact WY, Schreiber and Van Loan 1989).
//!
//! Reflector j is `e_j` on the rows of `S` and a tail `v_j` on the rows of `B`, so the group's
//! `Y` is the identity on rows `j₀..j₀ + 4` of `S` above the tails `V` (the structure of LAPACK's
//! `dtpqrt`). With `T` the group's upper-triangular factor (`H₁·H₂·H₃·H₄ = I − Y·T·Yᵀ`), one
//! column `c` on the right takes
//!
//! ```text
//! w = Tᵀ·(S[j₀..j₀+4, c] + Vᵀ·B[:, c]),   S[j₀..j₀+4, c] −= w,   B[:, c] −= V·w,
//! ```
//!
//! two such columns sharing each pass over `V`, so that most of the `2·rows·N²` flops run with
//! eight independent vector sums instead of one dependent chain per column. In `f64`, `Vᵀ·B`
//! is written with the instruction set's vectors over rows ([`dot_tile_vectors`]), in the
//! order of the scalar loops, since the vectoriser turns those loops into shuffles.
//!
//! The arithmetic is Householder QR of `[S; B]` with the order of operations changed, as in
//! every blocked QR: backward stable with the same bound (Higham, *Accuracy and Stability*,
//! §19.5). The triangle differs from the reflector-by-reflector fold's at the level of rounding,
//! and each row block flips the signs of the rows it reflects. The dot products (the tiles', the
//! tails' behind `T`, the norms and the in-group ones) and the tiles' updates fuse each product
//! with its addition through `f64::mul_add`, which rounds once on every instruction set (a fused
//! multiply-add where the CPU has one, a correctly rounded software `fma` otherwise, many times
//! slower); the in-group updates and the 4×4 products of `T` do not fuse. Every sum has a fixed
//! order, so every instruction set gives the same bits.

use pulp::{Simd, WithSimd};

use crate::householder::{axpy, reflector_scalars};
use crate::kernels::{LANES, dispatch};
use crate::scalar::Real;
use crate::structured;

/// Reflectors applied together as one block reflector.
const GROUP: usize = 4;

/// Columns that share each pass over a group's tails: a 4×2 tile of sums is eight vector
/// registers, which leaves AVX2's sixteen enough for the operands.
const PAIR: usize = 2;

/// Entries (rows × N) of one row block: 128 KiB of `f64`, which stays in L2 while its
/// reflectors are formed and applied. `TallQr` solves on one thread with blocks of 2¹¹ (16 KiB,
/// in L1), 2¹², …, 2¹⁶ entries: 10⁶×20 in 71–73, 67–68, 65, 64, 64 and 65 ms, 10⁵×50 in 35–36,
/// 30–31, 27.5–28, 26.6–26.8, 26.1 and 26.4 ms, flat from 2¹⁴ on (`benches/README.md`).
pub(crate) const BLOCK_ENTRIES: usize = 1 << 14;

/// Rows per row block for N columns: [`BLOCK_ENTRIES`]`/N`, a multiple of [`LANES`], at least
/// [`LANES`].
pub(crate) fn block_rows(width: usize) -> usize {
    (BLOCK_ENTRIES / width.max(1)).max(LANES) / LANES * LANES
}

/// Folds the dense `rows × N` block `b` (column-major, leading dimension `ld ≥ rows`) under the
/// N×N upper triangle `s` (leading dimension N): on return `s` is the upper-triangular factor of
/// `[s; b]`, up to the sign of each row. The rows of `b` are overwritten with scratch.
pub(crate) fn fold_dense<T: Real>(s: &mut [T], n: usize, b: &mut [T], ld: usize, rows: usize) {
    debug_assert_eq!(s.len(), n * n);
    debug_assert!(rows <= ld && b.len() >= n * ld);
    dispatch(FoldDense { s, n, b, ld, rows });
}

/// [`fold_dense`] as an operation for [`dispatch`].
struct FoldDense<'a, T> {
    s: &'a mut [T],
    n: usize,
    b: &'a mut [T],
    ld: usize,
    rows: usize,
}

impl<T: Real> WithSimd for FoldDense<'_, T> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { s, n, b, ld, rows } = self;
        let height = block_rows(n);
        let mut start = 0;
        while start < rows {
            let h = height.min(rows - start);
            fold_block(simd, s, n, &mut b[start..], ld, h);
            start += h;
        }
    }
}

/// Rows `0..h` of column `c` of `b` (leading dimension `ld`).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn column<T>(b: &[T], ld: usize, c: usize, h: usize) -> &[T] {
    &b[c * ld..c * ld + h]
}

/// Folds rows `0..h` of `b` under `s`, group by group.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn fold_block<T: Real, S: Simd>(simd: S, s: &mut [T], n: usize, b: &mut [T], ld: usize, h: usize) {
    let mut j0 = 0;
    while j0 < n {
        let k = GROUP.min(n - j0);
        let mut tau = [T::ZERO; GROUP];
        for (i, tau_i) in tau.iter_mut().enumerate().take(k) {
            let j = j0 + i;
            // The last column of a row block that starts inside its chunk ends before `ld`.
            let (left, right) = b.split_at_mut(((j + 1) * ld).min(b.len()));
            let v = &mut left[j * ld..j * ld + h];
            *tau_i = reflect(&mut s[j * n + j], v);
            if *tau_i == T::ZERO {
                continue;
            }
            for c in j + 1..j0 + k {
                let col = &mut right[(c - j - 1) * ld..(c - j - 1) * ld + h];
                let head = &mut s[c * n + j];
                let tw = *tau_i * (*head + dot(v, col));
                *head -= tw;
                axpy(-tw, v, col);
            }
        }
        // The last group (k < GROUP only there) has no columns on its right.
        if j0 + k < n {
            let (left, right) = b.split_at_mut((j0 + GROUP) * ld);
            let v = [
                column(left, ld, j0, h),
                column(left, ld, j0 + 1, h),
                column(left, ld, j0 + 2, h),
                column(left, ld, j0 + 3, h),
            ];
            let t = group_t(v, tau);
            apply_group(simd, (v, &t), s, (n, j0), right, (ld, h));
        }
        j0 += k;
    }
}

/// `T` of a group (`t[i][r]` is `T[r, i]`), column by column as LAPACK's `dlarft`:
/// `T[..i, i] = −τᵢ·T[..i, ..i]·(Yᵀ·yᵢ)[..i]` and `T[i, i] = τᵢ`. The heads `e_j` are orthogonal,
/// so `Yᵀ·yᵢ` is `Vᵀ·vᵢ`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn group_t<T: Real>(v: [&[T]; GROUP], tau: [T; GROUP]) -> [[T; GROUP]; GROUP] {
    let gram = tail_products(v);
    let mut t = [[T::ZERO; GROUP]; GROUP];
    for i in 0..GROUP {
        let z = &gram[i];
        let mut column = [T::ZERO; GROUP];
        for (r, entry) in column.iter_mut().enumerate().take(i) {
            let mut acc = T::ZERO;
            for q in r..i {
                acc += t[q][r] * z[q];
            }
            *entry = -tau[i] * acc;
        }
        column[i] = tau[i];
        t[i] = column;
    }
    t
}

/// `w ← Tᵀ·w` for the group's upper-triangular `T`: `(Tᵀ·w)ᵢ` uses `w_r` for `r ≤ i` only, so go
/// from the bottom up.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn times_t_transpose<T: Real>(t: &[[T; GROUP]; GROUP], w: &mut [T; GROUP]) {
    for i in (0..GROUP).rev() {
        let mut acc = T::ZERO;
        for (r, &wr) in w.iter().enumerate().take(i + 1) {
            acc += t[i][r] * wr;
        }
        w[i] = acc;
    }
}

/// Applies the group's block reflector (tails `v`, factor `t`) to the columns `right` (columns
/// `j₀ + 4..N` of the row block, leading dimension `ld`, rows `0..h`) and their heads in rows
/// `j₀..j₀ + 4` of `s`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn apply_group<T: Real, S: Simd>(
    simd: S,
    (v, t): ([&[T]; GROUP], &[[T; GROUP]; GROUP]),
    s: &mut [T],
    (n, j0): (usize, usize),
    right: &mut [T],
    (ld, h): (usize, usize),
) {
    let first = j0 + GROUP;
    let q = n - first;
    let group = (v, t);
    let mut c = 0;
    while c + PAIR <= q {
        let (c0, c1) = right[c * ld..].split_at_mut(ld);
        tile(simd, group, s, (n, j0, first + c), [&mut c0[..h], &mut c1[..h]]);
        c += PAIR;
    }
    if c < q {
        tile(simd, group, s, (n, j0, first + c), [&mut right[c * ld..c * ld + h]]);
    }
}

/// The group's block reflector applied to `P` consecutive columns, the first of them column `c`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn tile<T: Real, S: Simd, const P: usize>(
    simd: S,
    (v, t): ([&[T]; GROUP], &[[T; GROUP]; GROUP]),
    s: &mut [T],
    (n, j0, c): (usize, usize, usize),
    cols: [&mut [T]; P],
) {
    let dots = T::dot_tile(simd, v, cols.each_ref().map(|col| &**col));
    let mut alpha = [[T::ZERO; GROUP]; P];
    for (j, (a, d)) in alpha.iter_mut().zip(&dots).enumerate() {
        *a = minus_w(t, s, (n, j0, c + j), d);
    }
    update_tile(v, alpha, cols);
}

/// The reflector that maps `[α, tail]` to `β·e₁` (see `structured::reflect`), its sum of squares
/// from [`dot`]; squares that need care go to `structured::reflect`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn reflect<T: Real>(alpha: &mut T, tail: &mut [T]) -> T {
    if let Some((tau, beta, inv)) = reflector_scalars(*alpha, dot(tail, tail)) {
        for t in tail.iter_mut() {
            *t *= inv;
        }
        *alpha = beta;
        return tau;
    }
    structured::reflect(alpha, tail)
}

/// `xᵀy` with sixteen partial sums (four per lane, rows `r ≡ l (mod 16)`, each product fused
/// with its addition), added pairwise at the end, then the leftover rows: four independent
/// vector chains, where [`crate::householder::dot`]'s one chain waits on each addition.
#[inline(always)]
fn dot<T: Real>(x: &[T], y: &[T]) -> T {
    const WIDE: usize = 4 * LANES;
    let y = &y[..x.len()];
    let mut acc = [[T::ZERO; LANES]; 4];
    let (xs, ys) = (x.chunks_exact(WIDE), y.chunks_exact(WIDE));
    let (x_rest, y_rest) = (xs.remainder(), ys.remainder());
    for (a, b) in xs.zip(ys) {
        for (k, acck) in acc.iter_mut().enumerate() {
            for l in 0..LANES {
                acck[l] = T::mul_add(a[LANES * k + l], b[LANES * k + l], acck[l]);
            }
        }
    }
    let mut tail = T::ZERO;
    for (&a, &b) in x_rest.iter().zip(y_rest) {
        tail = T::mul_add(a, b, tail);
    }
    let lanes: [T; LANES] =
        std::array::from_fn(|l| (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]));
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Column `c` (heads in rows `j₀..j₀ + 4` of `s`) given its products `d` with the group's tails:
/// `w = Tᵀ·(heads + d)`, the heads lose `w`, and the column's update `−w` is returned.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn minus_w<T: Real>(
    t: &[[T; GROUP]; GROUP],
    s: &mut [T],
    (n, j0, c): (usize, usize, usize),
    d: &[T; GROUP],
) -> [T; GROUP] {
    let heads = &mut s[c * n + j0..c * n + j0 + GROUP];
    let mut w = [T::ZERO; GROUP];
    for ((wi, &hi), &di) in w.iter_mut().zip(heads.iter()).zip(d) {
        *wi = hi + di;
    }
    times_t_transpose(t, &mut w);
    let mut alpha = [T::ZERO; GROUP];
    for ((head, a), &wi) in heads.iter_mut().zip(&mut alpha).zip(&w) {
        *head -= wi;
        *a = -wi;
    }
    alpha
}

/// `[[vᵢ·c_j for i] for j]`: `4·P` dot products in one pass, each with [`LANES`] partial sums
/// by row (lane `l` takes the rows `r ≡ l (mod 4)` in order, `acc = vᵢ[r]·c_j[r] + acc`, fused),
/// added as `(s₀ + s₁) + (s₂ + s₃)`, and then the leftover rows, in order. `P` is [`PAIR`] for
/// the tiles and 1 for a leftover column, whose sums are formed the same way.
///
/// Double-double runs these loops; `f64` runs [`dot_tile_vectors`], the same sums with explicit
/// vectors. Left to the vectoriser, these loops keep a vector over the four tails and assemble
/// it with shuffles on every row: a 10⁵×50 `lsq::fit` took about 35 % longer than with the tails
/// copied row by row beforehand, and that copy was 2.5 % of the fit.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
pub(crate) fn dot_tile<T: Real, const P: usize>(v: [&[T]; GROUP], c: [&[T]; P]) -> [[T; GROUP]; P] {
    let h = c[0].len();
    let body = h - h % LANES;
    let v = [&v[0][..h], &v[1][..h], &v[2][..h], &v[3][..h]];
    let c: [&[T]; P] = std::array::from_fn(|j| &c[j][..h]);
    // acc[j][i][l]: column j, tail i, lane l.
    let mut acc = [[[T::ZERO; LANES]; GROUP]; P];
    for b in (0..body).step_by(LANES) {
        let x: [&[T]; GROUP] = std::array::from_fn(|i| &v[i][b..b + LANES]);
        for (accj, cj) in acc.iter_mut().zip(c) {
            let y = &cj[b..b + LANES];
            for (a, xi) in accj.iter_mut().zip(x) {
                for l in 0..LANES {
                    a[l] = T::mul_add(xi[l], y[l], a[l]);
                }
            }
        }
    }
    let mut out = [[T::ZERO; GROUP]; P];
    for (j, (outj, accj)) in out.iter_mut().zip(&acc).enumerate() {
        for (i, (o, a)) in outj.iter_mut().zip(accj).enumerate() {
            let mut tail = T::ZERO;
            for row in body..h {
                tail = T::mul_add(v[i][row], c[j][row], tail);
            }
            *o = (a[0] + a[1]) + (a[2] + a[3]) + tail;
        }
    }
    out
}

/// [`dot_tile`] in `f64` with the instruction set's vectors, for vectors of 1, 2 or 4 lanes:
/// lane `l` of the sums is lane `l mod L` of vector `l / L` (L lanes), so each partial sum
/// takes the rows `r ≡ l (mod 4)` in order, fused, and the result is [`dot_tile`]'s bit for
/// bit. Wider vectors go to [`dot_tile`].
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
pub(crate) fn dot_tile_vectors<S: Simd, const P: usize>(
    simd: S,
    v: [&[f64]; GROUP],
    c: [&[f64]; P],
) -> [[f64; GROUP]; P] {
    let width = S::F64_LANES;
    if !LANES.is_multiple_of(width) {
        return dot_tile(v, c);
    }
    let per_row_step = LANES / width;
    let h = c[0].len();
    let body = h - h % LANES;
    let vectors = body / width;
    let x: [&[S::f64s]; GROUP] =
        std::array::from_fn(|i| &S::as_simd_f64s(&v[i][..body]).0[..vectors]);
    let y: [&[S::f64s]; P] = std::array::from_fn(|j| &S::as_simd_f64s(&c[j][..body]).0[..vectors]);
    // acc[j][i][k]: column j, tail i, vector k of the LANES partial sums.
    let mut acc = [[[simd.splat_f64s(0.0); LANES]; GROUP]; P];
    for b in (0..vectors).step_by(per_row_step) {
        for k in 0..per_row_step {
            for (accj, yj) in acc.iter_mut().zip(y) {
                for (a, xi) in accj.iter_mut().zip(x) {
                    a[k] = simd.mul_add_f64s(xi[b + k], yj[b + k], a[k]);
                }
            }
        }
    }
    let mut out = [[0.0; GROUP]; P];
    for (j, (outj, accj)) in out.iter_mut().zip(&acc).enumerate() {
        for (i, (o, a)) in outj.iter_mut().zip(accj).enumerate() {
            let a: &[f64] = pulp::bytemuck::cast_slice(&a[..per_row_step]);
            let mut tail = 0.0;
            for row in body..h {
                tail = v[i][row].mul_add(c[j][row], tail);
            }
            *o = (a[0] + a[1]) + (a[2] + a[3]) + tail;
        }
    }
    out
}

/// The products of the group's tails that `T` reads, `gram[i][q] = v_q·vᵢ` for `q < i` (the rest
/// zero), all six in one pass over the four tails. Each is summed as [`dot_tile`] sums it, with
/// [`LANES`] partial sums by row and the leftover rows added last, so `T` has the same bits as
/// from a full tile of sixteen products.
#[expect(
    clippy::needless_range_loop,
    reason = "the leftover rows zipped instead cost the 10⁴×10 fold 5 %, from the codegen of the whole kernel"
)]
#[inline(always)]
fn tail_products<T: Real>(v: [&[T]; GROUP]) -> [[T; GROUP]; GROUP] {
    /// `(i, q)` of each product, in the order of `acc`.
    const PAIRS: [(usize, usize); 6] = [(1, 0), (2, 0), (3, 0), (2, 1), (3, 1), (3, 2)];
    let h = v[0].len();
    let body = h - h % LANES;
    let v = [&v[0][..h], &v[1][..h], &v[2][..h], &v[3][..h]];
    let mut acc = [[T::ZERO; LANES]; PAIRS.len()];
    let rows = v[0][..body].chunks_exact(LANES).zip(v[1][..body].chunks_exact(LANES));
    let rows = rows.zip(v[2][..body].chunks_exact(LANES).zip(v[3][..body].chunks_exact(LANES)));
    for ((x0, x1), (x2, x3)) in rows {
        let x = [x0, x1, x2, x3];
        for (a, &(i, q)) in acc.iter_mut().zip(&PAIRS) {
            for l in 0..LANES {
                a[l] = T::mul_add(x[q][l], x[i][l], a[l]);
            }
        }
    }
    let mut gram = [[T::ZERO; GROUP]; GROUP];
    for (a, &(i, q)) in acc.iter().zip(&PAIRS) {
        let mut tail = T::ZERO;
        for row in body..h {
            tail = T::mul_add(v[q][row], v[i][row], tail);
        }
        gram[i][q] = (a[0] + a[1]) + (a[2] + a[3]) + tail;
    }
    gram
}

/// `c_j ← c_j + Σᵢ alpha[j][i]·vᵢ` for `P` columns in one pass over the four tails, adding the
/// terms in the order `i = 0, 1, 2, 3`, each fused (`c = alpha·v + c`).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn update_tile<T: Real, const P: usize>(
    v: [&[T]; GROUP],
    alpha: [[T; GROUP]; P],
    c: [&mut [T]; P],
) {
    let h = c[0].len();
    let v = [&v[0][..h], &v[1][..h], &v[2][..h], &v[3][..h]];
    let step = |y: T, a: &[T; GROUP], r: usize| {
        let y = T::mul_add(a[0], v[0][r], y);
        let y = T::mul_add(a[1], v[1][r], y);
        let y = T::mul_add(a[2], v[2][r], y);
        T::mul_add(a[3], v[3][r], y)
    };
    let mut c = c.map(|cj| &mut cj[..h]);
    for r in 0..h {
        for (cj, a) in c.iter_mut().zip(&alpha) {
            cj[r] = step(cj[r], a, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::double_double::DoubleDouble;
    use crate::kernels::tests::entries;
    use crate::structured::{Below, fold_under};
    use nalgebra::DMatrix;

    /// A random upper triangle `s` and `rows` dense rows `b` (leading dimension `ld`, the rows
    /// past `rows` NaN so that they cannot leak in).
    fn problem<T: Real>(n: usize, rows: usize, ld: usize) -> (DMatrix<T>, DMatrix<T>) {
        let mut s = DMatrix::from_vec(n, n, entries::<T>(n * n, 7));
        for j in 0..n {
            for i in j + 1..n {
                s[(i, j)] = T::ZERO;
            }
        }
        let mut b = DMatrix::from_vec(ld, n, entries::<T>(ld * n, 8));
        for j in 0..n {
            for i in rows..ld {
                b[(i, j)] = T::from_f64(f64::NAN);
            }
        }
        (s, b)
    }

    /// The blocked fold against the reflector-by-reflector one: the same triangle up to the
    /// rounding of a Householder QR of `[s; b]` and the sign of each row, and zeros below the
    /// diagonal.
    #[track_caller]
    fn check<T: Real>(n: usize, rows: usize, ld: usize) {
        let (s0, b0) = problem::<T>(n, rows, ld);
        let (mut s, mut b) = (s0.clone(), b0.clone());
        fold_dense(s.as_mut_slice(), n, b.as_mut_slice(), ld, rows);
        let (mut reference, mut rb) = (s0, b0);
        fold_under(reference.as_mut_slice(), n, rb.as_mut_slice(), ld, Below::Dense(rows));
        let scale = reference.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max);
        let tol = 64.0 * count_to_f64(n + rows) * T::EPSILON * scale;
        // Each row block flips the signs of the rows it reflects, so rows compare by the sign of
        // their diagonals.
        let sign = |m: &DMatrix<T>, i: usize| if m[(i, i)].to_f64() < 0.0 { -1.0 } else { 1.0 };
        for j in 0..n {
            for i in 0..n {
                let got = s[(i, j)].to_f64() * sign(&s, i);
                let want = reference[(i, j)].to_f64() * sign(&reference, i);
                if i > j {
                    assert!(s[(i, j)] == T::ZERO, "({i}, {j}) below the diagonal of {n}x{rows}");
                } else {
                    assert!((got - want).abs() <= tol, "({i}, {j}) of {n}x{rows}: {got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn the_blocked_fold_gives_the_reflector_by_reflector_triangle() {
        for n in [1, 3, 4, 5, 8, 9, 13, 21] {
            for rows in [0, 1, 3, 4, 7, 30, block_rows(n), block_rows(n) + 5, 3 * block_rows(n)] {
                check::<f64>(n, rows, rows + 3);
            }
        }
        check::<DoubleDouble>(9, 40, 41);
        check::<DoubleDouble>(6, 2, 2);
    }

    /// The dot tiles of the loops (double-double's) and of the vectors (`f64`'s) on every
    /// instruction set this CPU has: vectors of one, two (SSE) and four (AVX2) lanes.
    fn tiles<const P: usize>(
        v: [&[f64]; GROUP],
        c: [&[f64]; P],
    ) -> Vec<(&'static str, [[f64; GROUP]; P])> {
        let mut out = vec![
            ("loops", dot_tile(v, c)),
            ("one lane", dot_tile_vectors(pulp::Scalar::new(), v, c)),
        ];
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(simd) = pulp::x86::V2::try_new() {
                out.push(("two lanes", dot_tile_vectors(simd, v, c)));
            }
            if let Some(simd) = pulp::x86::V3::try_new() {
                out.push(("four lanes", dot_tile_vectors(simd, v, c)));
            }
        }
        out
    }

    #[test]
    fn the_tail_products_of_t_are_the_full_tiles_bit_for_bit() {
        for h in [0, 1, 3, 4, 5, 17, 780, 783] {
            let tails: Vec<Vec<f64>> = (0..GROUP).map(|i| entries::<f64>(h, 11 + i)).collect();
            let v: [&[f64]; GROUP] = std::array::from_fn(|i| tails[i].as_slice());
            let gram = tail_products(v);
            for i in 0..GROUP {
                let tile = dot_tile(v, [v[i], v[i]])[0];
                for q in 0..GROUP {
                    let want = if q < i { tile[q].to_bits() } else { 0 };
                    assert_eq!(gram[i][q].to_bits(), want, "v{q}·v{i} over {h} rows");
                }
            }
        }
    }

    /// The tiles fuse every product with its addition (`f64::mul_add`, one rounding on every
    /// instruction set) in the documented order, with loops or with vectors of any width, and a
    /// column gives the same bits alone (the leftover column of a group) as in a pair.
    #[test]
    fn the_tiles_fuse_each_product_in_order_alone_or_in_pairs() {
        let alpha = [[0.3, -1.1, 0.7, 2.5], [-0.4, 0.9, -1.3, 0.2]];
        for h in [0, 1, 3, 4, 5, 17, 780, 783] {
            let tails: Vec<Vec<f64>> = (0..GROUP).map(|i| entries::<f64>(h, 11 + i)).collect();
            let v: [&[f64]; GROUP] = std::array::from_fn(|i| tails[i].as_slice());
            let c = [entries::<f64>(h, 21), entries::<f64>(h, 22)];
            let pairs = tiles(v, [c[0].as_slice(), c[1].as_slice()]);
            let alone = tiles(v, [c[1].as_slice()]);
            assert_eq!(pairs.len(), alone.len());
            let body = h - h % LANES;
            for ((how, pair), (_, [alone])) in pairs.iter().zip(&alone) {
                for (j, cj) in c.iter().enumerate() {
                    for (i, vi) in v.iter().enumerate() {
                        let mut lanes = [0.0_f64; LANES];
                        for r in 0..body {
                            lanes[r % LANES] = vi[r].mul_add(cj[r], lanes[r % LANES]);
                        }
                        let tail = (body..h).fold(0.0_f64, |t, r| vi[r].mul_add(cj[r], t));
                        let want = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail;
                        let got = pair[j][i].to_bits();
                        assert_eq!(got, want.to_bits(), "{how}: v{i}·c{j} over {h} rows");
                    }
                }
                let (alone, pair) = (alone.map(f64::to_bits), pair[1].map(f64::to_bits));
                assert_eq!(alone, pair, "{how}: {h} rows");
            }

            let (mut u0, mut u1, mut single) = (c[0].clone(), c[1].clone(), c[1].clone());
            update_tile(v, alpha, [u0.as_mut_slice(), u1.as_mut_slice()]);
            update_tile(v, [alpha[1]], [single.as_mut_slice()]);
            for r in 0..h {
                let want = (0..GROUP).fold(c[0][r], |y, i| alpha[0][i].mul_add(v[i][r], y));
                assert_eq!(u0[r].to_bits(), want.to_bits(), "row {r} of {h}");
                assert_eq!(u1[r].to_bits(), single[r].to_bits(), "row {r} of {h}");
            }
        }
    }

    #[test]
    fn row_blocks_are_whole_lanes_of_about_block_entries() {
        assert_eq!(block_rows(21), 780);
        assert_eq!(block_rows(1 << 20), LANES);
        for n in 1..300 {
            let rows = block_rows(n);
            assert!(
                rows.is_multiple_of(LANES)
                    && rows * n <= BLOCK_ENTRIES
                    && (rows + LANES) * n > BLOCK_ENTRIES,
                "{n}"
            );
        }
    }
}

//! The Gram matrix `BᵀB` of a block of rows, for the early Fisher steps of `glm`'s fused IRLS
//! passes (the QR path never forms it), and the cross product `AᵀB` of two blocks, for the
//! blocked QR's block reflectors (`crate::products`).
//!
//! A product of a tall, narrow block with itself is a poor fit for a general matrix product:
//! `gemm` packs both operands (the same block twice) and forms the whole n×n result, padded to
//! its register tiles. Here a group of four columns and a group of three keep their twelve sums in
//! vector registers while the rows stream past, and only the pairs of groups that reach the upper
//! triangle are formed: the block is read in place and about half the products are computed.
//! The rows go in strips of half a MiB, which stay in the second-level cache while each left
//! group meets every right group in turn.

use nalgebra::DMatrix;
use pulp::{Arch, Simd, WithSimd};

use crate::error::{Error, Result};

/// Columns per left group and per right group: a pair keeps 4×3 vector sums in twelve registers,
/// beside the right group's three vectors and one left vector at a time (AVX2 has sixteen). On
/// this machine's blocks (one thread, `glm`'s chunks of 648×101 and 3120×21) 4×2 pairs in
/// strips of 256 rows ran at 27–31 Gflop/s, 4×3 pairs in strips of [`STRIP_ENTRIES`] at 40 (its
/// peak is about 43), 3×4 at 16–21: its sums left the registers.
const LEFT: usize = 4;
const RIGHT: usize = 3;

/// Entries per strip of rows: 2¹⁶, half a MiB, within the second-level cache while every pair of
/// groups reads them (as `glm`'s chunks). Strips of 256 rows (2 KiB a column) took 1.08–1.18
/// times as long on those blocks; each pair stores and reloads its sums at every strip.
const STRIP_ENTRIES: usize = 1 << 16;

/// Rows per strip for `n` columns: [`STRIP_ENTRIES`]`/n`, a multiple of eight (the widest
/// vector of `f64` on any instruction set `pulp` picks, so that every strip but the last is whole
/// vectors and a lane keeps the same rows whatever the strips), at least eight.
fn strip_rows(n: usize) -> usize {
    (STRIP_ENTRIES / n.max(1)).max(8) / 8 * 8
}

/// Adds `BᵀB` to `g` in its upper triangle only: `g[(i, j)] += Σ_r b[(r, i)]·b[(r, j)]` for
/// `i ≤ j`; the entries below the diagonal are not touched.
///
/// Cost: `rows·n·(n + 1)` flops for a `rows × n` block, from one read of `b` (each strip of half
/// a MiB is then read from cache once per pair of column groups), no copy. Each sum adds its
/// products in a fixed order for a given instruction set: in vector lanes, with fused
/// multiply-adds where the CPU has them (AVX2 and FMA on x86-64, chosen at run time), so, like
/// a `gemm`'s, the last bits may differ from one CPU to another. The error of each entry is
/// that of a dot product, `γ_rows·Σ_r |b_ri|·|b_rj|` (Higham, *Accuracy and Stability*, §3.1).
///
/// # Errors
/// [`Error::DimensionMismatch`] if `g` does not have `b`'s n rows, [`Error::ColumnMismatch`] if
/// it does not have n columns.
///
/// # Examples
///
/// ```
/// use linalg_core::gram_update;
/// use nalgebra::{DMatrix, dmatrix};
///
/// let b = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0];
/// let mut g = DMatrix::zeros(2, 2);
/// gram_update(&b, &mut g)?;
/// assert_eq!(g[(0, 0)], 35.0);
/// assert_eq!(g[(0, 1)], 44.0);
/// assert_eq!(g[(1, 1)], 56.0);
/// assert_eq!(g[(1, 0)], 0.0); // below the diagonal: untouched
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gram_update(b: &DMatrix<f64>, g: &mut DMatrix<f64>) -> Result<()> {
    let (rows, n) = b.shape();
    if g.nrows() != n {
        return Err(Error::DimensionMismatch { expected: n, found: g.nrows() });
    }
    if g.ncols() != n {
        return Err(Error::ColumnMismatch { operand: "g", expected: n, found: g.ncols() });
    }
    if rows > 0 && n > 0 {
        Arch::new().dispatch(Gram { b: b.as_slice(), rows, n, g: g.as_mut_slice() });
    }
    Ok(())
}

/// [`gram_update`] as an operation for `pulp` (see `crate::kernels::dispatch`).
struct Gram<'a> {
    b: &'a [f64],
    rows: usize,
    n: usize,
    /// n×n, column-major.
    g: &'a mut [f64],
}

impl WithSimd for Gram<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { b, rows, n, g } = self;
        let (lefts, rights) = (n.div_ceil(LEFT), n.div_ceil(RIGHT));
        // The pairs of groups that hold an entry of the upper triangle (the left group starts at
        // or before the right group's last column), left group by left group, so that a left
        // group's strip is read again while it is in cache (2–5 % faster than right group by
        // right group with 4×2 pairs). Each pair's sums are its own, so the order changes no bit.
        let pairs: Vec<(usize, usize)> = (0..lefts)
            .flat_map(|gi| {
                (0..rights).filter(move |&gj| gi * LEFT < (gj + 1) * RIGHT).map(move |gj| (gi, gj))
            })
            .collect();
        // Column c of the block, or `None` past the last column (a partial group).
        let column = |c: usize| (c < n).then(|| &b[c * rows..(c + 1) * rows]);
        // The sums of every pair, carried from strip to strip.
        let mut sums = vec![[[simd.splat_f64s(0.0); RIGHT]; LEFT]; pairs.len()];
        let mut tails = vec![[[0.0_f64; RIGHT]; LEFT]; pairs.len()];
        // Stands in for the columns past the last one.
        let strip_len = strip_rows(n);
        let zeros = vec![0.0; strip_len.min(rows)];
        let mut start = 0;
        while start < rows {
            let end = (start + strip_len).min(rows);
            let strip = |c: usize| column(c).map_or(&zeros[..end - start], |c| &c[start..end]);
            for (k, &(gi, gj)) in pairs.iter().enumerate() {
                let left: [&[f64]; LEFT] = std::array::from_fn(|a| strip(gi * LEFT + a));
                let right: [&[f64]; RIGHT] = std::array::from_fn(|c| strip(gj * RIGHT + c));
                pair_sums(simd, left, right, &mut sums[k], &mut tails[k]);
            }
            start = end;
        }
        for (k, &(gi, gj)) in pairs.iter().enumerate() {
            for a in 0..LEFT {
                for c in 0..RIGHT {
                    let (i, j) = (gi * LEFT + a, gj * RIGHT + c);
                    if i <= j && j < n {
                        g[j * n + i] += simd.reduce_sum_f64s(sums[k][a][c]) + tails[k][a][c];
                    }
                }
            }
        }
    }
}

/// Adds the products of the columns `left` with the columns `right` over one strip of rows to
/// `sums` (the vector part) and `tails` (the rows past the last whole vector); all columns have
/// the same length. The sums of a column standing in for a missing one (zeros) are never read.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn pair_sums<S: Simd>(
    simd: S,
    left: [&[f64]; LEFT],
    right: [&[f64]; RIGHT],
    sums: &mut [[S::f64s; RIGHT]; LEFT],
    tails: &mut [[f64; RIGHT]; LEFT],
) {
    let lv: [&[S::f64s]; LEFT] = std::array::from_fn(|a| S::as_simd_f64s(left[a]).0);
    let lt: [&[f64]; LEFT] = std::array::from_fn(|a| S::as_simd_f64s(left[a]).1);
    let rv: [&[S::f64s]; RIGHT] = std::array::from_fn(|c| S::as_simd_f64s(right[c]).0);
    let rt: [&[f64]; RIGHT] = std::array::from_fn(|c| S::as_simd_f64s(right[c]).1);
    let len = lv[0].len();
    let (l0, l1, l2, l3) = (&lv[0][..len], &lv[1][..len], &lv[2][..len], &lv[3][..len]);
    let (r0, r1, r2) = (&rv[0][..len], &rv[1][..len], &rv[2][..len]);
    let mut acc = *sums;
    for k in 0..len {
        let l = [l0[k], l1[k], l2[k], l3[k]];
        let r = [r0[k], r1[k], r2[k]];
        for a in 0..LEFT {
            for c in 0..RIGHT {
                acc[a][c] = simd.mul_add_e_f64s(l[a], r[c], acc[a][c]);
            }
        }
    }
    *sums = acc;
    for k in 0..lt[0].len() {
        for a in 0..LEFT {
            for c in 0..RIGHT {
                tails[a][c] += lt[a][k] * rt[c][k];
            }
        }
    }
}

/// Right columns per block of [`cross_product`]: eight right groups, whose sums with every left
/// group (at most 8·4·3 vectors per left group) stay in the first-level cache while a strip of
/// rows passes.
const CROSS_BLOCK: usize = 8 * RIGHT;

/// Entries per strip of [`cross_product`], counted over the left columns and one block of right
/// columns: 2¹⁵, a quarter MiB, within the second-level cache while every pair of groups reads
/// them.
const CROSS_STRIP_ENTRIES: usize = 1 << 15;

/// `W ← Aᵀ·B` for `A` (`rows × p`, column-major with leading dimension `lda`) and `B`
/// (`rows × q`, leading dimension `ldb`); `W` is p×q, column-major with leading dimension p,
/// and is overwritten. The `f64` product of the blocked QR's block reflectors
/// (`W = Vᵀ·C`, `crate::blocked`).
///
/// The pairs of a group of four columns of `A` and a group of three of `B` keep their twelve
/// sums in registers as in [`gram_update`], block of [`CROSS_BLOCK`] columns of `B` by block, in
/// strips of rows that stay in the second-level cache; both operands are read in place. Each
/// entry is a dot product in vector lanes, with fused multiply-adds where the CPU has them, in a
/// fixed order for a given instruction set (like a `gemm`'s, the last bits may differ from one
/// CPU to another); its error is `γ_rows·Σ_r |a_ri|·|b_rj|`.
pub(crate) fn cross_product(
    rows: usize,
    (p, q): (usize, usize),
    (a, lda): (&[f64], usize),
    (b, ldb): (&[f64], usize),
    w: &mut [f64],
) {
    debug_assert!(w.len() == p * q && rows <= lda && rows <= ldb);
    Arch::new().dispatch(Cross { rows, shape: (p, q), a: (a, lda), b: (b, ldb), w });
}

/// [`cross_product`] as an operation for `pulp`.
struct Cross<'a> {
    rows: usize,
    shape: (usize, usize),
    a: (&'a [f64], usize),
    b: (&'a [f64], usize),
    w: &'a mut [f64],
}

impl WithSimd for Cross<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { rows, shape: (p, q), a: (a, lda), b: (b, ldb), w } = self;
        let lefts = p.div_ceil(LEFT);
        let strip_len = (CROSS_STRIP_ENTRIES / (p + CROSS_BLOCK)).max(8) / 8 * 8;
        // Stands in for the columns past the last one of a partial group.
        let zeros = vec![0.0; strip_len.min(rows)];
        let mut j0 = 0;
        while j0 < q {
            let width = CROSS_BLOCK.min(q - j0);
            let rights = width.div_ceil(RIGHT);
            let mut sums = vec![[[simd.splat_f64s(0.0); RIGHT]; LEFT]; lefts * rights];
            let mut tails = vec![[[0.0_f64; RIGHT]; LEFT]; lefts * rights];
            let mut start = 0;
            while start < rows {
                let end = (start + strip_len).min(rows);
                let left_strip = |c: usize| {
                    if c < p { &a[c * lda + start..c * lda + end] } else { &zeros[..end - start] }
                };
                let right_strip = |c: usize| {
                    let c = j0 + c;
                    if c < j0 + width {
                        &b[c * ldb + start..c * ldb + end]
                    } else {
                        &zeros[..end - start]
                    }
                };
                for gi in 0..lefts {
                    let left: [&[f64]; LEFT] = std::array::from_fn(|x| left_strip(gi * LEFT + x));
                    for gj in 0..rights {
                        let right: [&[f64]; RIGHT] =
                            std::array::from_fn(|c| right_strip(gj * RIGHT + c));
                        let k = gi * rights + gj;
                        pair_sums(simd, left, right, &mut sums[k], &mut tails[k]);
                    }
                }
                start = end;
            }
            for gi in 0..lefts {
                for gj in 0..rights {
                    let k = gi * rights + gj;
                    for x in 0..LEFT {
                        for c in 0..RIGHT {
                            let (i, j) = (gi * LEFT + x, gj * RIGHT + c);
                            if i < p && j < width {
                                w[(j0 + j) * p + i] =
                                    simd.reduce_sum_f64s(sums[k][x][c]) + tails[k][x][c];
                            }
                        }
                    }
                }
            }
            j0 += width;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;

    #[test]
    fn a_gram_matrix_of_the_wrong_shape_is_an_error_and_untouched() {
        let b = DMatrix::from_element(5, 3, 1.0);
        let mut g = DMatrix::from_element(2, 3, 7.0);
        let err = gram_update(&b, &mut g).unwrap_err();
        assert!(matches!(err, Error::DimensionMismatch { expected: 3, found: 2 }), "{err}");
        let mut g = DMatrix::from_element(3, 4, 7.0);
        let err = gram_update(&b, &mut g).unwrap_err();
        assert!(matches!(err, Error::ColumnMismatch { expected: 3, found: 4, .. }), "{err}");
        assert!(g.iter().all(|&v| v.to_bits() == 7.0_f64.to_bits()));
    }

    /// `AᵀB` against a plain double loop of dot products, for shapes that fill whole groups and
    /// blocks and leave partial ones, row counts across strips and vector tails, and leading
    /// dimensions beyond the rows (whose extra entries are NaN, so that they cannot leak in);
    /// every entry of `W` is overwritten.
    #[test]
    fn the_cross_product_matches_a_plain_double_loop() {
        for (p, q) in [(1, 1), (4, 3), (5, 7), (32, 24), (32, 25), (9, 50), (16, 16)] {
            let strip = (CROSS_STRIP_ENTRIES / (p + CROSS_BLOCK)).max(8) / 8 * 8;
            for rows in [0, 1, 5, 8, strip, strip + 3, 2 * strip + 9] {
                let (lda, ldb) = (rows + 3, rows + 1);
                // Column-major with leading dimension `ld`; the rows past `rows` are NaN.
                let operand = |ld: usize, cols: usize, seed: f64| -> Vec<f64> {
                    (0..ld * cols)
                        .map(|k| {
                            let value = (count_to_f64(k) * seed).sin() * count_to_f64(k % 5 + 1);
                            if k % ld < rows { value } else { f64::NAN }
                        })
                        .collect()
                };
                let (a, b) = (operand(lda, p, 0.618), operand(ldb, q, 0.377));
                let mut w = vec![f64::NAN; p * q];
                cross_product(rows, (p, q), (&a, lda), (&b, ldb), &mut w);
                for j in 0..q {
                    for i in 0..p {
                        let terms = (0..rows).map(|r| a[i * lda + r] * b[j * ldb + r]);
                        let exact: f64 = terms.clone().sum();
                        let magnitude: f64 = terms.map(f64::abs).sum();
                        let tol = 4.0 * count_to_f64(rows + 1) * f64::EPSILON * magnitude;
                        let err = (w[j * p + i] - exact).abs();
                        assert!(err <= tol, "W[{i}, {j}] of {rows}×{p}×{q}: {err:e}");
                    }
                }
            }
        }
    }

    /// The upper triangle of `BᵀB` added to `g`, against a plain triple loop, for widths that
    /// fill whole groups and leave partial ones, row counts across strips and vector tails; the
    /// lower triangle is left as it was.
    #[test]
    fn the_upper_triangle_matches_a_plain_triple_loop() {
        for n in [1, 2, 3, 4, 5, 6, 7, 8, 13, 21] {
            let strip = strip_rows(n);
            for rows in [0, 1, 3, 4, 7, strip, strip + 5, 3 * strip + 2] {
                let b: Vec<f64> = (0..rows * n)
                    .map(|k| (count_to_f64(k) * 0.618).sin() * count_to_f64(k % 7 + 1))
                    .collect();
                let block = DMatrix::from_vec(rows, n, b.clone());
                let start = DMatrix::from_fn(n, n, |i, j| count_to_f64(i + 2 * j) - 3.5);
                let mut g = start.clone();
                gram_update(&block, &mut g).expect("n×n");
                for j in 0..n {
                    for i in 0..n {
                        let exact: f64 = (0..rows).map(|r| b[i * rows + r] * b[j * rows + r]).sum();
                        let magnitude: f64 =
                            (0..rows).map(|r| (b[i * rows + r] * b[j * rows + r]).abs()).sum();
                        let expected = start[(i, j)] + exact;
                        let tol = 4.0 * count_to_f64(rows + 1) * f64::EPSILON * magnitude
                            + 2.0 * f64::EPSILON * expected.abs();
                        if i <= j {
                            let err = (g[(i, j)] - expected).abs();
                            assert!(err <= tol, "({i}, {j}) of {rows}×{n}: {err:e}");
                        } else {
                            assert_eq!(g[(i, j)].to_bits(), start[(i, j)].to_bits());
                        }
                    }
                }
            }
        }
    }
}

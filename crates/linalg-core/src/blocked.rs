//! Blocked Householder QR: recursive panels whose reflectors are applied as compact-WY blocks.
//!
//! The matrix is cut into panels of at most [`PANEL`] columns (LAPACK `dgeqrf`). Each panel is
//! factored recursively (Elmroth and Gustavson, "Applying recursion to serial and parallel QR
//! factorization leads to better performance", IBM J. Res. Dev. 44(4), 2000): factor the left
//! half, apply its reflectors to the right half as one block reflector `I − V·Tᵀ·Vᵀ`, factor the
//! right half, and merge the two `T` factors. Blocks of at most [`LEAF`] columns are factored
//! column by column. Every update of many columns is then a pair of matrix-matrix products
//! (`W = Vᵀ·C`, `C ← C − V·(Tᵀ·W)`), which stream the trailing columns twice per block instead
//! of twice per reflector.
//!
//! The result is the same packed storage as the unblocked `dgeqr2` loop: `R` on and above the
//! diagonal, the reflector tails below it, and `τ`. The `T` factors are scratch and are dropped.
//! Blocked and unblocked QR apply the same reflectors in exact arithmetic and have the same
//! backward error bound (Higham, *Accuracy and Stability*, §19.5).

use crate::householder::{generate, reflector_scalars};
use crate::kernels::apply_new_reflector;
use crate::scalar::Real;

/// Widest panel factored by one recursion; wider matrices go panel by panel, each panel's block
/// reflector updating all the columns to its right. Tall, skinny matrices (n ≤ `PANEL`) are one
/// panel, whose last `T` factor is never formed. 32 is LAPACK's `dgeqrf` default; 16 to 64
/// measured within noise of each other on 2000×500 (`benches/README.md`).
pub(crate) const PANEL: usize = 32;

/// Up to this many entries (1 MiB of `f64`, about the size of a core's L2 cache) the whole matrix
/// is factored column by column: the data stays in cache, so blocking would only add the cost of
/// forming `T`. Measured on 100×10 and 10 000×10 (`benches/README.md`).
pub(crate) const UNBLOCKED_MAX_ENTRIES: usize = 1 << 17;

/// Widest block factored column by column, each reflector updating the rest of the block with
/// the four-column kernel.
pub(crate) const LEAF: usize = 4;

/// Factors the column-major m×n matrix `a` (m ≥ n) in place into packed storage, writing `τ`.
///
/// Same contract as `n` calls of `Packed::eliminate_column`: `a` ends with `R` on and above the
/// diagonal and the reflector tails below it.
pub(crate) fn factor<T: Real>(a: &mut [T], m: usize, n: usize, tau: &mut [T]) {
    if m * n <= UNBLOCKED_MAX_ENTRIES {
        Blocks { m, leaf: n }.leaf_factor(a, 0, n, tau);
        return;
    }
    factor_with(a, m, n, tau, PANEL, LEAF);
}

/// [`factor`] with explicit panel and leaf widths (tests exercise other splits).
pub(crate) fn factor_with<T: Real>(
    a: &mut [T],
    m: usize,
    n: usize,
    tau: &mut [T],
    panel_width: usize,
    leaf: usize,
) {
    debug_assert!(m >= n && a.len() == m * n && tau.len() == n);
    debug_assert!(panel_width >= 1 && leaf >= 1);
    let blocks = Blocks { m, leaf };
    let mut k = 0;
    while k < n {
        let w = panel_width.min(n - k);
        let last = k + w == n;
        let t = blocks.panel(a, k, w, tau, !last);
        if !last {
            blocks.apply_block(a, k, w, &t, k + w..n);
        }
        k += w;
    }
}

/// The fixed parameters of one factorization.
struct Blocks {
    /// Rows of the matrix, also its leading dimension.
    m: usize,
    /// Widest block factored column by column.
    leaf: usize,
}

impl Blocks {
    /// Factors columns `k..k + w` (rows `k..m`) and returns their w×w upper-triangular `T`
    /// (column-major), or an empty vector when `need_t` is false.
    fn panel<T: Real>(
        &self,
        a: &mut [T],
        k: usize,
        w: usize,
        tau: &mut [T],
        need_t: bool,
    ) -> Vec<T> {
        if w <= self.leaf {
            self.leaf_factor(a, k, w, tau);
            return if need_t { self.leaf_t(a, k, w, tau) } else { Vec::new() };
        }
        let w1 = w / 2;
        let t1 = self.panel(a, k, w1, tau, true);
        self.apply_block(a, k, w1, &t1, k + w1..k + w);
        let t2 = self.panel(a, k + w1, w - w1, tau, need_t);
        if need_t { self.merge(a, k, (w1, w - w1), &t1, &t2) } else { Vec::new() }
    }

    /// Unblocked QR of columns `k..k + w`: each reflector updates the rest of the block.
    ///
    /// In the common case a reflector costs two passes over the columns it updates: its tail is
    /// scaled during the first (`kernels::apply_new_reflector`), and the norm of the next column
    /// is summed during the second, so `generate`'s own two passes disappear. Columns whose
    /// norm needs care (zero, or with squares near the ends of the exponent range) go through
    /// `generate` and `apply_reflector`. Both give the same result bit for bit.
    fn leaf_factor<T: Real>(&self, a: &mut [T], k: usize, w: usize, tau: &mut [T]) {
        let m = self.m;
        let mut next_sum_sq = None;
        for c in k..k + w {
            let (left, right) = a.split_at_mut((c + 1) * m);
            let column = &mut left[c * m + c..];
            let right = &mut right[..(k + w - c - 1) * m];
            let (alpha, tail) = column.split_at_mut(1);
            let sum_sq = next_sum_sq.take().unwrap_or_else(|| T::dot(tail, tail));
            if let Some((t, beta, inv)) = reflector_scalars(alpha[0], sum_sq) {
                alpha[0] = beta;
                tau[c] = t;
                next_sum_sq = apply_new_reflector((tail, inv, t), right, m, c);
            } else {
                tau[c] = generate(column);
                T::apply_reflector(&column[1..], tau[c], right, m, c);
            }
        }
    }

    /// `T` of the reflectors in columns `k..k + w`, column by column (LAPACK `dlarft`):
    /// `T[..i, i] = −τᵢ·T[..i, ..i]·(V[:, ..i]ᵀ·vᵢ)` and `T[i, i] = τᵢ`.
    fn leaf_t<T: Real>(&self, a: &[T], k: usize, w: usize, tau: &[T]) -> Vec<T> {
        let m = self.m;
        let mut t = vec![T::ZERO; w * w];
        let mut z = vec![T::ZERO; w];
        for i in 0..w {
            let row = k + i;
            let vi = &a[row * m + row + 1..(row + 1) * m];
            for (j, zj) in z.iter_mut().enumerate().take(i) {
                let col = (k + j) * m;
                // vᵢ has an implicit 1 at row k + i, where vⱼ has a stored entry.
                *zj = a[col + row] + T::dot(&a[col + row + 1..col + m], vi);
            }
            let tau_i = tau[row];
            for r in 0..i {
                let mut s = T::ZERO;
                for (q, &zq) in z.iter().enumerate().take(i).skip(r) {
                    s += t[r + q * w] * zq;
                }
                t[r + i * w] = -tau_i * s;
            }
            t[i + i * w] = tau_i;
        }
        t
    }

    /// Applies `Qᵀ = I − V·Tᵀ·Vᵀ` of the reflectors in columns `k..k + w` to the columns `cols`
    /// (rows `k..m`), LAPACK `dlarfb`: `W = Vᵀ·C`, `W ← Tᵀ·W`, `C ← C − V·W`.
    ///
    /// `V` is unit lower trapezoidal: its top w×w block (rows `k..k + w`) has an implicit unit
    /// diagonal and `R`'s entries on and above it. That block is set to the explicit unit lower
    /// triangle for the three products and put back after them, so that each is one
    /// matrix-matrix product (`T` is stored as a full w×w matrix, zero below its diagonal):
    /// LAPACK forms the top block's terms apart, with triangular products, which here were
    /// chains of scalar additions that took 10–12 % of a 2000×500 factorization
    /// (`benches/README.md`).
    fn apply_block<T: Real>(
        &self,
        a: &mut [T],
        k: usize,
        w: usize,
        t: &[T],
        cols: std::ops::Range<usize>,
    ) {
        let m = self.m;
        let q = cols.len();
        if q == 0 {
            return;
        }
        debug_assert_eq!(cols.start, k + w);
        let (left, right) = a.split_at_mut(cols.start * m);
        let v = &mut left[k * m..];
        let c = &mut right[..q * m];
        // Rows k..=k + i of reflector i: R's column above the diagonal and β on it.
        let mut top = Vec::with_capacity(w * (w + 1) / 2);
        for i in 0..w {
            let head = &mut v[i * m + k..=i * m + k + i];
            top.extend_from_slice(head);
            head.fill(T::ZERO);
            head[i] = T::ONE;
        }
        let rows = m - k;
        let mut wm = vec![T::ZERO; w * q];
        T::gemm_tn(rows, (w, q), (&v[k..], m), (&c[k..], m), &mut wm);
        let mut tw = vec![T::ZERO; w * q];
        T::gemm_tn(w, (w, q), (t, w), (&wm, w), &mut tw);
        T::gemm_nn_sub(rows, (w, q), (&v[k..], m), &tw, (&mut c[k..], m));
        let mut saved = top.iter();
        for i in 0..w {
            for (entry, &value) in v[i * m + k..=i * m + k + i].iter_mut().zip(&mut saved) {
                *entry = value;
            }
        }
    }

    /// `T` of the reflectors in columns `k..k + w₁ + w₂` from the `T` of each half:
    /// `[T₁, −T₁·(V₁ᵀ·V₂)·T₂; 0, T₂]`.
    fn merge<T: Real>(
        &self,
        a: &[T],
        k: usize,
        (w1, w2): (usize, usize),
        t1: &[T],
        t2: &[T],
    ) -> Vec<T> {
        let m = self.m;
        let w = w1 + w2;
        let mid = k + w1;
        let bottom = k + w;
        // S = V₁ᵀ·V₂ over rows mid..m, where V₂ starts with a unit lower triangle.
        let mut s = vec![T::ZERO; w1 * w2];
        if bottom < m {
            T::gemm_tn(
                m - bottom,
                (w1, w2),
                (&a[k * m + bottom..], m),
                (&a[mid * m + bottom..], m),
                &mut s,
            );
        }
        for j in 0..w2 {
            let v2 = &a[(mid + j) * m..(mid + j + 1) * m];
            for i in 0..w1 {
                let v1 = &a[(k + i) * m..(k + i + 1) * m];
                let mut acc = v1[mid + j];
                for r in mid + j + 1..bottom {
                    acc += v1[r] * v2[r];
                }
                s[i + j * w1] += acc;
            }
        }
        // X = S·T₂ (T₂ upper triangular), then T₁₂ = −T₁·X (T₁ upper triangular).
        let mut x = vec![T::ZERO; w1 * w2];
        for j in 0..w2 {
            for sidx in 0..=j {
                let f = t2[sidx + j * w2];
                for i in 0..w1 {
                    x[i + j * w1] += s[i + sidx * w1] * f;
                }
            }
        }
        let mut t = vec![T::ZERO; w * w];
        for j in 0..w1 {
            t[j * w..j * w + w1].copy_from_slice(&t1[j * w1..(j + 1) * w1]);
        }
        for j in 0..w2 {
            let col = (w1 + j) * w;
            for i in 0..w1 {
                let mut acc = T::ZERO;
                for sidx in i..w1 {
                    acc += t1[i + sidx * w1] * x[sidx + j * w1];
                }
                t[col + i] = -acc;
            }
            t[col + w1..=col + w1 + j].copy_from_slice(&t2[j * w2..=j * w2 + j]);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::double_double::DoubleDouble;
    use crate::packed::Packed;
    use nalgebra::DMatrix;

    /// A deterministic m×n test matrix with entries in [-1, 1) and full rank: each entry is a
    /// `SplitMix64` hash of its index (no `rand` dependency, and no low-rank structure).
    fn matrix(m: usize, n: usize) -> DMatrix<f64> {
        DMatrix::from_fn(m, n, |i, j| {
            let mut z =
                u64::try_from(i * n + j).expect("small index").wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            // The top 53 bits as a fraction in [0, 1), mapped to [-1, 1).
            count_to_f64(usize::try_from(z >> 11).expect("53 bits fit")) * 2.0_f64.powi(-52) - 1.0
        })
    }

    /// The unblocked reference: one `eliminate_column` per column (LAPACK `dgeqr2`).
    fn unblocked<T: Real>(a: &DMatrix<T>) -> Packed<T> {
        let mut p = Packed { qr: a.clone(), tau: vec![T::ZERO; a.ncols()] };
        for k in 0..a.ncols() {
            p.eliminate_column(k);
        }
        p
    }

    /// Factors `a` blocked with the given widths and checks that the packed result and `τ` agree
    /// with the unblocked reference to `c·m·n·ε·max|a|`.
    #[track_caller]
    fn check<T: Real>(a: &DMatrix<T>, panel_width: usize, leaf: usize) {
        let (m, n) = a.shape();
        let mut qr = a.clone();
        let mut tau = vec![T::ZERO; n];
        factor_with(qr.as_mut_slice(), m, n, &mut tau, panel_width, leaf);
        let reference = unblocked(a);
        let scale = a.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let tol = 16.0 * count_to_f64(m * n) * T::EPSILON;
        for (i, (x, y)) in qr.iter().zip(reference.qr.iter()).enumerate() {
            // Entries of R scale with A; reflector tails are at most 1 in magnitude.
            let (row, col) = (i % m, i / m);
            let unit = if row <= col { scale } else { 1.0 };
            let d = (*x - *y).abs().to_f64();
            assert!(
                d <= tol * unit,
                "({row}, {col}) of {m}x{n}, panel {panel_width}, leaf {leaf}: {d:e}"
            );
        }
        for (k, (x, y)) in tau.iter().zip(&reference.tau).enumerate() {
            assert!((*x - *y).abs().to_f64() <= tol, "tau[{k}] of {m}x{n}");
        }
    }

    #[test]
    fn blocked_qr_agrees_with_unblocked_qr_on_every_split() {
        let shapes =
            [(1, 1), (5, 1), (3, 3), (9, 5), (13, 12), (40, 13), (70, 33), (64, 64), (150, 71)];
        for (m, n) in shapes {
            let a = matrix(m, n);
            for panel_width in [1, 3, 8, PANEL] {
                for leaf in [1, 2, LEAF] {
                    check(&a, panel_width, leaf);
                }
            }
        }
    }

    /// The column-by-column path (`leaf_factor` over the whole matrix, which fuses each
    /// reflector's generation and the next column's norm into the update passes) must give
    /// exactly what `dgeqr2`'s `eliminate_column` loop gives, including around columns that
    /// take the careful norm path (zero, tiny or huge ones).
    #[track_caller]
    fn check_unblocked_exactly<T: Real>(a: &DMatrix<T>) {
        let (m, n) = a.shape();
        assert!(m * n <= UNBLOCKED_MAX_ENTRIES);
        let mut qr = a.clone();
        let mut tau = vec![T::ZERO; n];
        factor(qr.as_mut_slice(), m, n, &mut tau);
        let reference = unblocked(a);
        for (k, (x, y)) in qr.iter().zip(reference.qr.iter()).enumerate() {
            assert!(x == y, "{m}x{n}: entry ({}, {}) {x:?} vs {y:?}", k % m, k / m);
        }
        assert!(tau == reference.tau, "{m}x{n}: tau {tau:?} vs {:?}", reference.tau);
    }

    #[test]
    fn the_unblocked_path_equals_dgeqr2_bit_for_bit() {
        for (m, n) in [(1, 1), (2, 2), (5, 1), (6, 3), (9, 5), (13, 12), (40, 13), (70, 33)] {
            check_unblocked_exactly(&matrix(m, n));
            check_unblocked_exactly(&matrix(m, n).map(DoubleDouble::from_f64));
        }
        // Zero, tiny and huge columns (their squares underflow or overflow), and a column whose
        // tail is zero below row 8. Double-double's products overflow beyond about 1e299, so
        // it gets milder extremes that still take the careful path.
        for (tiny, huge, double_double) in [(1e-300, 1e300, false), (1e-150, 1e160, true)] {
            let mut a = matrix(30, 9);
            a.column_mut(2).fill(0.0);
            a.column_mut(4).scale_mut(tiny);
            a.column_mut(5).scale_mut(huge);
            for row in 8..30 {
                a[(row, 7)] = 0.0;
            }
            if double_double {
                check_unblocked_exactly(&a.map(DoubleDouble::from_f64));
            } else {
                check_unblocked_exactly(&a);
            }
        }
    }

    #[test]
    fn blocked_qr_runs_in_double_double_to_its_precision() {
        let a = matrix(37, 19).map(DoubleDouble::from_f64);
        check(&a, 8, 2);
        check(&a, PANEL, LEAF);
    }

    #[test]
    fn zero_columns_inside_a_block_give_identity_reflectors() {
        // τ = 0 in the middle of a panel must leave a zero column of T, not a NaN.
        let mut a = matrix(30, 12);
        a.column_mut(3).fill(0.0);
        a.column_mut(7).fill(0.0);
        for row in 6..30 {
            a[(row, 5)] = 0.0;
        }
        check(&a, 12, 2);
        check(&a, 5, 1);
    }

    #[test]
    fn blocked_qr_keeps_extreme_scales_finite() {
        for scale in [1e300, 1e-300] {
            let a = matrix(48, 20) * scale;
            check(&a, 8, 2);
            let mut qr = a.clone();
            let mut tau = vec![0.0; 20];
            factor(qr.as_mut_slice(), 48, 20, &mut tau);
            assert!(qr.iter().chain(&tau).all(|x| x.is_finite()), "scale {scale:e}");
        }
    }

    #[test]
    fn matrices_above_the_unblocked_limit_take_the_blocked_path() {
        // 2700·50 > UNBLOCKED_MAX_ENTRIES, so `factor` runs the panels and must agree with dgeqr2.
        let a = matrix(2700, 50);
        assert!(a.len() > UNBLOCKED_MAX_ENTRIES);
        let mut qr = a.clone();
        let mut tau = vec![0.0; 50];
        factor(qr.as_mut_slice(), 2700, 50, &mut tau);
        let reference = unblocked(&a);
        let tol = 16.0 * count_to_f64(2700 * 50) * f64::EPSILON;
        assert!((&qr - &reference.qr).amax() <= tol, "{:e}", (&qr - &reference.qr).amax());
        check(&matrix(2700, 50).map(DoubleDouble::from_f64), PANEL, LEAF);
    }
}

//! Exact scaling by powers of two: every method works on an equilibrated problem, so that no
//! finite input overflows or underflows inside a solver and results do not depend on units.
//!
//! The problem a solver sees is `X̃ = W̃^½·X·2^C` and `ỹ = W̃^½·y·2^r` on the rows with nonzero
//! weight, where `2^C = diag(2^{c_j})` brings every column of `X̃` to a norm in `[1/√2, √2)`,
//! `2^r` brings `max|yᵢ|` into `[1, 2)` and `w̃ = w·2^{2h}` brings the largest weight into
//! `[1/4, 1)`. Multiplying by a power of two is exact while the result stays a normal number, so
//! `X·2^k` (any column, any `k`) leads to the same `X̃` bit for bit, and the results are scaled
//! back exactly: `β = 2^{C−r}·β̃`, `σ̂ = 2^{−r−h}·σ̃`, `(XᵀWX)⁻¹ = 2^{2h}·2^C·(X̃ᵀX̃)⁻¹·2^C`.

use linalg_core::{DoubleDouble, Real};
use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use crate::error::{Error, Quantity, Result};
use crate::kept::Kept;

/// The largest exponent step taken in one multiplication: `2^±1000` is a normal `f64`, and a
/// scaling by `2^e` with `|e|` beyond it is done in steps.
const STEP: i32 = 1000;

/// `⌊log₂|x|⌋` for a finite nonzero `x`, subnormals included (exact, from the bits).
pub(crate) fn exponent(x: f64) -> i32 {
    let bits = x.abs().to_bits();
    let biased = bits >> 52;
    if biased == 0 {
        // Subnormal: x = bits·2⁻¹⁰⁷⁴, with the leading one at bit 63 − leading_zeros.
        63 - bit_count(bits.leading_zeros()) - 1074
    } else {
        bit_count(u32::try_from(biased).unwrap_or(0)) - 1023
    }
}

/// A bit count or biased exponent (at most 2047) as an `i32`.
fn bit_count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `2^e` for `e` in `[−1022, 1023]`, exactly.
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    let biased = u64::try_from(e + 1023).unwrap_or(0);
    f64::from_bits(biased << 52)
}

/// A working precision that can be multiplied by a power of two exactly, whatever its size.
///
/// [`Real::scale`] is a general product, which for double-double splits its operands
/// (Dekker) and overflows beyond `2⁹⁹⁶`; scaling each word of a double-double separately is
/// exact at any size.
pub(crate) trait Scalar: Real {
    /// `self·f` for `f` a power of two in `[2⁻¹⁰²², 2¹⁰²³]`.
    fn times_factor(self, f: f64) -> Self;

    /// The values as `f64`s when `Self` is `f64` (for the statistics pass's vector kernels).
    fn as_f64s(values: &[Self]) -> Option<&[f64]>;

    /// `self·2^e` for `e` in `[−1022, 1023]`.
    fn times_pow2(self, e: i32) -> Self {
        self.times_factor(pow2(e))
    }
}

impl Scalar for f64 {
    fn times_factor(self, f: f64) -> Self {
        self * f
    }

    fn as_f64s(values: &[Self]) -> Option<&[f64]> {
        Some(values)
    }
}

impl Scalar for DoubleDouble {
    fn times_factor(self, f: f64) -> Self {
        DoubleDouble::sum(self.hi() * f, self.lo() * f)
    }

    fn as_f64s(_: &[Self]) -> Option<&[f64]> {
        None
    }
}

/// A scaling by `2^e` prepared once for the many values of a loop: [`Pow2::of`] is
/// [`scale_by`]`(v, e)` bit for bit, without finding the factor again for every value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pow2 {
    e: i32,
    /// `2^e` when one multiplication takes it (`|e| ≤ STEP`); else unused.
    factor: f64,
}

impl Pow2 {
    pub(crate) fn new(e: i32) -> Self {
        Self { e, factor: if e.abs() <= STEP { pow2(e) } else { f64::NAN } }
    }

    /// `2^e` when one multiplication by it is [`Pow2::of`] (`|e| ≤ 1000`), so that a loop can
    /// multiply without testing `e` for every value.
    pub(crate) fn single_factor(self) -> Option<f64> {
        (self.e.abs() <= STEP).then_some(self.factor)
    }

    /// `v·2^e`, as [`scale_by`].
    #[inline]
    pub(crate) fn of<T: Scalar>(self, v: T) -> T {
        if self.e.abs() <= STEP { v.times_factor(self.factor) } else { scale_by(v, self.e) }
    }
}

/// `v·2^e`, exact unless the result leaves the range of normal numbers (then it overflows to
/// ±∞ or underflows gradually, rounding once).
pub(crate) fn scale_by<T: Scalar>(mut v: T, mut e: i32) -> T {
    while e > STEP {
        v = v.times_pow2(STEP);
        e -= STEP;
    }
    while e < -STEP {
        v = v.times_pow2(-STEP);
        e += STEP;
    }
    v.times_pow2(e)
}

/// `m·2^e` when it is zero (because `m` is) or a normal number: a value that did not overflow
/// and did not lose digits, or everything, to underflow.
pub(crate) fn normal_value(m: f64, e: i32) -> Option<f64> {
    let v = scale_by(m, e);
    (m == 0.0 || v.is_normal()).then_some(v)
}

/// `m·2^e` as an `f64`: [`Error::Unrepresentable`], naming the quantity, its index and `log₂`
/// of its magnitude, when it overflows; gradual underflow below `2⁻¹⁰²²`, as in any IEEE
/// result (an absolute error below `2⁻¹⁰⁷⁴`).
pub(crate) fn to_finite(m: f64, e: i32, quantity: Quantity, index: usize) -> Result<f64> {
    let v = scale_by(m, e);
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::Unrepresentable { quantity, index, log2: m.abs().log2() + f64::from(e) })
    }
}

/// The power-of-two exponents that carry the equilibrated problem back to the caller's units.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Scaling {
    /// `c_j`: column j of `X̃` is `W̃^½·x_j·2^{c_j}`.
    pub(crate) columns: Vec<i32>,
    /// `r`: `ỹ = W̃^½·y·2^r`.
    pub(crate) response: i32,
    /// `h`: `w̃ = w·2^{2h}`, so `√w̃ = √w·2^h` exactly.
    pub(crate) weights: i32,
}

impl Scaling {
    /// `β_j = β̃_j·2^{c_j − r}`: the coefficients in the caller's units.
    pub(crate) fn coefficients(&self, scaled: &DVector<f64>) -> Result<DVector<f64>> {
        let values = scaled
            .iter()
            .enumerate()
            .map(|(j, &b)| to_finite(b, self.columns[j] - self.response, Quantity::Coefficient, j))
            .collect::<Result<Vec<f64>>>()?;
        Ok(DVector::from_vec(values))
    }

    /// `(XᵀWX)⁻¹ = 2^{2h}·2^C·C̃·2^C` from `C̃ = (X̃ᵀX̃)⁻¹`, times `2^{2t}` (`t = 0` for the bare
    /// inverse, `t = −r − h` for the covariance `σ̂²·(XᵀWX)⁻¹` from `σ̃²·C̃`).
    ///
    /// A diagonal entry that overflows is [`Error::Unrepresentable`]; off-diagonal entries are
    /// bounded by the diagonal.
    pub(crate) fn covariance(&self, scaled: &DMatrix<f64>, extra: i32) -> Result<DMatrix<f64>> {
        let p = scaled.nrows();
        let c = &self.columns;
        for j in 0..p {
            let e = c[j] + c[j] + 2 * self.weights + 2 * extra;
            to_finite(scaled[(j, j)], e, Quantity::Covariance, j)?;
        }
        Ok(DMatrix::from_fn(p, p, |i, j| {
            scale_by(scaled[(i, j)], c[i] + c[j] + 2 * self.weights + 2 * extra)
        }))
    }
}

/// The equilibrated problem: `X̃`, `ỹ` on the rows with nonzero weight, the norms of the
/// columns of `X̃`, and the [`Scaling`] back to the caller's units.
pub(crate) struct Problem<T: Scalar> {
    pub(crate) x: DMatrix<T>,
    pub(crate) y: DVector<T>,
    /// `‖x̃_j‖ ∈ [1/√2, √2)`; 0 for a column that is zero on these rows.
    pub(crate) norms: Vec<f64>,
    pub(crate) scaling: Scaling,
}

/// The weight exponent `h` (largest `w̃ = w·2^{2h}` in `[1/4, 1)`) and the root weights
/// `√w̃ᵢ = √wᵢ·2^h` of the given rows, in the working precision. `None` without weights.
///
/// `h` is chosen from the exponent of the largest weight, so that scaling every weight by a
/// power of four changes `h` and nothing else.
pub(crate) fn root_weights<T: Scalar>(
    weights: Option<&DVector<f64>>,
    rows: Kept<'_>,
) -> (i32, Option<Vec<T>>) {
    let Some(w) = weights else { return (0, None) };
    let largest = rows.iter().fold(0.0_f64, |big, i| big.max(w[i]));
    // w_max ∈ [2^E, 2^{E+1}); 2h = −(E + 1 rounded up to even) puts w̃_max in [1/4, 1).
    let h = if largest > 0.0 { -(exponent(largest) + 2).div_euclid(2) } else { 0 };
    let roots = rows.iter().map(|i| root_weight(w[i], h)).collect();
    (h, Some(roots))
}

/// `√w̃ = √(w·2^{2h})`: scaled before the root, which equals `√w·2^h` exactly and keeps the
/// root's argument at most 1 (a double-double root of a number near `f64::MAX` overflows).
pub(crate) fn root_weight<T: Scalar>(w: f64, h: i32) -> T {
    scale_by(T::from_f64(w), 2 * h).sqrt()
}

/// The response exponent `r`: `max|yᵢ|·2^r ∈ [1, 2)` over the given rows of a finite `y` (0
/// if they are all 0).
///
/// The largest magnitude is taken on its bits as an integer, in four running maxima over the
/// slice when the rows are every row: `f64::max` compiles to a compare and a blend for its NaN
/// rule, in one chain, which took 3 % of a 10⁴×10 fit.
pub(crate) fn response_exponent(y: &DVector<f64>, rows: Kept<'_>) -> i32 {
    let bits = if let Kept::Every(_) = rows {
        let chunks = y.as_slice().chunks_exact(4);
        let tail = chunks.remainder().iter().map(|&v| magnitude_bits(v)).max().unwrap_or(0);
        let lanes = chunks.fold([0_i64; 4], |mut big, c| {
            for (b, &v) in big.iter_mut().zip(c) {
                *b = (*b).max(magnitude_bits(v));
            }
            big
        });
        lanes.into_iter().fold(tail, i64::max)
    } else {
        rows.iter().map(|i| magnitude_bits(y[i])).max().unwrap_or(0)
    };
    let largest = magnitude_from_bits(bits);
    if largest > 0.0 { -exponent(largest) } else { 0 }
}

/// Builds the equilibrated problem from the design `x`, the response, the weights and the rows
/// to keep (those with nonzero weight), in one allocation for `X̃`.
pub(crate) fn problem<T: Scalar>(
    x: &DMatrix<T>,
    y: &DVector<f64>,
    weights: Option<&DVector<f64>>,
    rows: &[usize],
) -> Problem<T> {
    let (h, roots) = root_weights::<T>(weights, Kept::Listed(rows));
    let n = rows.len();
    let mut xs = if n == x.nrows() {
        x.clone()
    } else {
        DMatrix::from_fn(n, x.ncols(), |k, j| x[(rows[k], j)])
    };
    let (columns, norms) = equilibrate_in_place(&mut xs, roots.as_deref());
    let r = response_exponent(y, Kept::Listed(rows));
    let ys = DVector::from_fn(n, |k, _| {
        let v = scale_by(T::from_f64(y[rows[k]]), r);
        roots.as_ref().map_or(v, |roots| v * roots[k])
    });
    Problem { x: xs, y: ys, norms, scaling: Scaling { columns, response: r, weights: h } }
}

/// Scales the rows of `x` by `roots` (when given) and its columns by powers of two to norms in
/// `[1/√2, √2)`, in place; returns the column exponents `c_j` (`x̃_j = roots·x_j·2^{c_j}`) and
/// the norms of the scaled columns.
///
/// Each column is first brought to `max|x_ij| ∈ [1, 2)`, so that the weighted products neither
/// overflow (roots are at most 1) nor underflow as a whole; the norm is then a plain sum of
/// squares of numbers of moderate size. Every step multiplies by a power of two except the
/// product with the root weight, which rounds once, exactly as the product of the unscaled
/// numbers would.
pub(crate) fn equilibrate_in_place<T: Scalar>(
    x: &mut DMatrix<T>,
    roots: Option<&[T]>,
) -> (Vec<i32>, Vec<f64>) {
    Arch::new().dispatch(Equilibrate { x, roots })
}

/// [`equilibrate_in_place`] as an operation that `pulp` compiles for the best instruction set
/// the CPU offers (a closure would be compiled for the baseline: see `linalg_core`'s kernels).
/// Every step is exact or a single rounded product, the same on every instruction set.
struct Equilibrate<'a, T: Scalar> {
    x: &'a mut DMatrix<T>,
    roots: Option<&'a [T]>,
}

impl<T: Scalar> WithSimd for Equilibrate<'_, T> {
    type Output = (Vec<i32>, Vec<f64>);

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Self::Output {
        let (m, p) = self.x.shape();
        let mut exponents = Vec::with_capacity(p);
        let mut norms = Vec::with_capacity(p);
        for column in self.x.as_mut_slice().chunks_exact_mut(m.max(1)).take(p) {
            let (steps, norm) = equilibrate_column(column, self.roots);
            exponents.push(steps.exponent());
            norms.push(norm);
        }
        (exponents, norms)
    }
}

/// [`equilibrate_column`] as an operation for `pulp`, for a caller that scales one column at a
/// time (the tall path's weighted or row-subset columns).
pub(crate) struct EquilibrateColumn<'a, T: Scalar> {
    pub(crate) column: &'a mut [T],
    pub(crate) roots: Option<&'a [T]>,
}

impl<T: Scalar> WithSimd for EquilibrateColumn<'_, T> {
    type Output = (ColumnSteps, f64);

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Self::Output {
        equilibrate_column(self.column, self.roots)
    }
}

/// The power-of-two steps that make a column of `X̃` from a column of `X` (see
/// [`equilibrate_in_place`]): `x̃ᵢ = ((xᵢ·2^first)·√w̃ᵢ·2^weighted)·2^norm`, the root weight
/// taken only in a weighted problem. [`ColumnSteps::apply`] repeats them entry by entry, so a
/// caller can build any rows of `X̃` without an equilibrated copy of the whole design, bit for
/// bit the same as [`equilibrate_in_place`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnSteps {
    /// Brings `max|x_ij|` into `[1, 2)`.
    first: i32,
    /// Brings the weighted column's largest magnitude into `[1, 2)` (0 without weights).
    weighted: i32,
    /// Brings the column's norm into `[1/√2, √2)`.
    norm: i32,
    /// Set by [`scan_column`]: every entry stays a normal number through the steps,
    /// so one product by `2^exponent` gives [`ColumnSteps::apply`]'s bits.
    single: bool,
}

impl ColumnSteps {
    /// `c_j`: the column's total exponent.
    pub(crate) fn exponent(self) -> i32 {
        self.first + self.weighted + self.norm
    }

    /// `2^exponent` when the product of an entry by it is [`ColumnSteps::apply`]`(entry, None)`
    /// bit for bit (steps found by [`scan_column`]); `None` otherwise.
    pub(crate) fn single_factor(self) -> Option<f64> {
        self.single.then(|| pow2(self.exponent()))
    }

    /// The equilibrated entry `x̃ᵢ` of `xᵢ` with root weight `root` (`None` without weights):
    /// the operations of [`equilibrate_in_place`] in the same order, so the same bits. The
    /// reference for [`PreparedSteps::apply`], which the code uses.
    #[cfg(test)]
    pub(crate) fn apply<T: Scalar>(self, v: T, root: Option<T>) -> T {
        let mut v = scale_by(v, self.first);
        if let Some(root) = root {
            v = scale_by(v * root, self.weighted);
        }
        scale_by(v, self.norm)
    }

    /// The steps prepared once for the many entries of a column: [`PreparedSteps::apply`] is
    /// [`ColumnSteps::apply`] bit for bit.
    pub(crate) fn prepared(self) -> PreparedSteps {
        PreparedSteps {
            first: Pow2::new(self.first),
            weighted: Pow2::new(self.weighted),
            norm: Pow2::new(self.norm),
        }
    }
}

/// [`ColumnSteps`] as three prepared powers of two ([`Pow2`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreparedSteps {
    first: Pow2,
    weighted: Pow2,
    norm: Pow2,
}

impl PreparedSteps {
    /// [`ColumnSteps::apply`], bit for bit.
    #[inline]
    pub(crate) fn apply<T: Scalar>(self, v: T, root: Option<T>) -> T {
        let mut v = self.first.of(v);
        if let Some(root) = root {
            v = self.weighted.of(v * root);
        }
        self.norm.of(v)
    }

    /// The three steps as factors `[f₁, f₂, f₃]` when each is one multiplication, so that
    /// `((v·f₁)·root·f₂)·f₃` is [`PreparedSteps::apply`]`(v, Some(root))` bit for bit.
    pub(crate) fn factors(self) -> Option<[f64; 3]> {
        let (first, weighted) = (self.first.single_factor()?, self.weighted.single_factor()?);
        Some([first, weighted, self.norm.single_factor()?])
    }
}

/// One column of [`equilibrate_in_place`], scaled in place: its steps and scaled norm (0, with
/// the steps taken so far, for a column that is zero or has weight zero on every row).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
pub(crate) fn equilibrate_column<T: Scalar>(
    column: &mut [T],
    roots: Option<&[T]>,
) -> (ColumnSteps, f64) {
    let mut steps = ColumnSteps { first: 0, weighted: 0, norm: 0, single: false };
    let largest = max_abs(column);
    if largest == 0.0 {
        return (steps, 0.0);
    }
    steps.first = -exponent(largest);
    scale_column(column, steps.first);
    if let Some(roots) = roots {
        for (v, &root) in column.iter_mut().zip(roots) {
            *v *= root;
        }
        let weighted = max_abs(column);
        if weighted == 0.0 {
            // Every row of this column has weight zero (possible in a bare solve).
            return (steps, 0.0);
        }
        steps.weighted = -exponent(weighted);
        scale_column(column, steps.weighted);
    }
    let (n, norm) = norm_exponent(column);
    scale_column(column, n);
    steps.norm = n;
    (steps, norm)
}

/// [`equilibrate_column`] of a copy of `column` with root weights `roots` (one per entry), without
/// the copy: the same steps and norm bit for bit, from one read of `column` and `roots` in
/// vectors when their ranges allow ([`weighted_scan`]), else from three reads that form each
/// scaled entry again instead of writing it (a maximum is exact in any order, and the sum of
/// squares runs in the same four lanes over the same values).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
pub(crate) fn weighted_column_steps<S: Simd>(
    simd: S,
    column: &[f64],
    roots: &[f64],
) -> (ColumnSteps, f64) {
    weighted_scan(simd, column, roots).unwrap_or_else(|| weighted_reads(column, roots))
}

/// [`weighted_column_steps`] from one read of a nonzero `column` and its positive `roots`, in
/// vectors of four lanes, when the ranges of both make every step below one exact product by a
/// power of two; `None` otherwise (no such vectors, a zero column, a root of zero, entries far
/// apart, or a value that is not finite).
///
/// The three reads find `2^f = 2^-e(max|x|)`, then `2^g = 2^-e(max|x·2^f·r|)`, then
/// `Σ (x·2^f·r·2^g)²` in four lanes by row. With `x`, `x·r`, their squares and the scaled
/// entries normal numbers, a product by a power of two is exact and rounding commutes with it,
/// so `max|x·2^f·r| = 2^f·max|x·r|` and every lane of the scaled sum is the same lane of
/// `Σ (x·r)²` times `2^(2f+2g)`: one read of `max|x|`, the smallest nonzero `|x|`, the extremes
/// of `r`, `max|x·r|` and `Σ (x·r)²` in the same lanes gives the same bits. The bounds, with
/// `e(·)` the binary exponent and `B` = [`READ_ONLY_BOUND`]: the extremes of `|x|` and `r`
/// inside `[2^−B, 2^B)`, every `x·r` inside `[2^−B, 2^B)` so that the squares and their sum stay
/// normal, and the smallest scaled entry at least `2^−B`, so that its square does too.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
fn weighted_scan<S: Simd>(simd: S, column: &[f64], roots: &[f64]) -> Option<(ColumnSteps, f64)> {
    if size_of::<S::f64s>() != 4 * size_of::<f64>() {
        return None;
    }
    let len = column.len();
    let (cv, ct) = S::as_simd_f64s(column);
    let (rv, rt) = S::as_simd_f64s(&roots[..len]);
    let rv = &rv[..cv.len()];
    let (zero, infinity) = (simd.splat_f64s(0.0), simd.splat_f64s(f64::INFINITY));
    let (mut largest, mut smallest) = (zero, infinity);
    let (mut root_big, mut root_small) = (zero, infinity);
    let (mut rooted, mut acc) = (zero, zero);
    for (&x, &r) in cv.iter().zip(rv) {
        let (a, v) = (simd.abs_f64s(x), simd.mul_f64s(x, r));
        largest = simd.max_f64s(a, largest);
        // A zero entry counts as ∞ for the smallest nonzero magnitude.
        smallest = simd.min_f64s(simd.select_f64s(simd.equal_f64s(a, zero), infinity, a), smallest);
        root_big = simd.max_f64s(r, root_big);
        root_small = simd.min_f64s(r, root_small);
        rooted = simd.max_f64s(simd.abs_f64s(v), rooted);
        acc = simd.add_f64s(acc, simd.mul_f64s(v, v));
    }
    let (mut largest, mut smallest) =
        (simd.reduce_max_f64s(largest), simd.reduce_min_f64s(smallest));
    let (mut root_big, mut root_small) =
        (simd.reduce_max_f64s(root_big), simd.reduce_min_f64s(root_small));
    let mut rooted = simd.reduce_max_f64s(rooted);
    let mut tail = 0.0;
    for (&x, &r) in ct.iter().zip(rt) {
        let (a, v) = (x.abs(), x * r);
        largest = largest.max(a);
        smallest = if a > 0.0 { smallest.min(a) } else { smallest };
        (root_big, root_small) = (root_big.max(r), root_small.min(r));
        rooted = rooted.max(v.abs());
        tail += v * v;
    }
    let acc: [f64; 4] = pulp::bytemuck::cast(acc);
    let sum = (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
    // A NaN or ∞ anywhere makes the sum NaN or ∞.
    if !(sum.is_finite() && largest > 0.0 && root_small > 0.0) {
        return None;
    }
    let (sx, lx) = (exponent(smallest), exponent(largest));
    let (sr, lr, w) = (exponent(root_small), exponent(root_big), exponent(rooted));
    let inside = |e: i32| (-READ_ONLY_BOUND..READ_ONLY_BOUND).contains(&e);
    let rooted_inside = sx + sr >= -READ_ONLY_BOUND && lx + lr < READ_ONLY_BOUND;
    if !([sx, lx, sr, lr].into_iter().all(inside)
        && rooted_inside
        && sx + sr - w >= -READ_ONLY_BOUND)
    {
        return None;
    }
    let (first, weighted) = (-lx, lx - w);
    let (norm, norm_value) = norm_step(scale_by(sum, -2 * w).sqrt());
    Some((ColumnSteps { first, weighted, norm, single: false }, norm_value))
}

/// [`weighted_column_steps`] from three reads of `column` and `roots`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
fn weighted_reads(column: &[f64], roots: &[f64]) -> (ColumnSteps, f64) {
    let mut steps = ColumnSteps { first: 0, weighted: 0, norm: 0, single: false };
    let largest = max_abs(column);
    if largest == 0.0 {
        return (steps, 0.0);
    }
    steps.first = -exponent(largest);
    let first = Pow2::new(steps.first);
    // Each step as one factor when it is one (it always is but for columns whose entries span
    // more than 2¹⁰⁰⁰), so that the loops take no branch per entry and vectorise.
    let weighted = match first.single_factor() {
        Some(f) => largest_of(column.len(), |k| (column[k] * f) * roots[k]),
        None => largest_of(column.len(), |k| first.of(column[k]) * roots[k]),
    };
    if weighted == 0.0 {
        return (steps, 0.0);
    }
    steps.weighted = -exponent(weighted);
    let second = Pow2::new(steps.weighted);
    let squares = match (first.single_factor(), second.single_factor()) {
        (Some(f), Some(g)) => sum_of_squares(column.len(), |k| ((column[k] * f) * roots[k]) * g),
        _ => sum_of_squares(column.len(), |k| second.of(first.of(column[k]) * roots[k])),
    };
    let (n, norm) = norm_step(squares.sqrt());
    steps.norm = n;
    (steps, norm)
}

/// The largest `|value(k)|` for `k < len`, in eight lanes compared without branches (a maximum
/// is exact in any order; a NaN is passed over, as [`f64::max`] passes it over).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
fn largest_of(len: usize, value: impl Fn(usize) -> f64) -> f64 {
    let bigger = |big: f64, v: f64| if v > big { v } else { big };
    let whole = len - len % 8;
    let mut lanes = [0.0_f64; 8];
    for k in (0..whole).step_by(8) {
        for (l, lane) in lanes.iter_mut().enumerate() {
            *lane = bigger(*lane, value(k + l).abs());
        }
    }
    let tail = (whole..len).fold(0.0_f64, |big, k| bigger(big, value(k).abs()));
    lanes.iter().fold(tail, |big, &l| bigger(big, l))
}

/// `Σ value(k)²` for `k < len` in four lanes by row, added `(s₀ + s₁) + (s₂ + s₃)` and then the
/// leftover rows, as the crate's other sums of squares.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
fn sum_of_squares(len: usize, value: impl Fn(usize) -> f64) -> f64 {
    let whole = len - len % 4;
    let mut acc = [0.0_f64; 4];
    for k in (0..whole).step_by(4) {
        for (l, a) in acc.iter_mut().enumerate() {
            let v = value(k + l);
            *a += v * v;
        }
    }
    let tail = (whole..len).fold(0.0_f64, |s, k| {
        let v = value(k);
        s + v * v
    });
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// [`weighted_column_steps`] as an operation for `pulp`.
pub(crate) struct WeightedColumnSteps<'a> {
    pub(crate) column: &'a [f64],
    pub(crate) roots: &'a [f64],
}

impl WithSimd for WeightedColumnSteps<'_> {
    type Output = (ColumnSteps, f64);

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        weighted_column_steps(simd, self.column, self.roots)
    }
}

/// Magnitudes inside `[2^-BOUND, 2^BOUND]` square, and sum in any column that fits in memory, to
/// normal numbers: see [`scan_column`].
const READ_ONLY_BOUND: i32 = 450;

/// What one read of an unweighted column gives: [`equilibrate_column`]'s steps and scaled norm
/// when that read alone can find them, and whether it proves every entry finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ColumnScan {
    /// `None` when the column needs a scaled copy (see [`scan_column`]).
    pub(crate) steps: Option<(ColumnSteps, f64)>,
    /// The sum of squares is finite, so every entry is. `false` does not prove the opposite:
    /// entries beyond `2⁵¹²` have squares that overflow.
    pub(crate) finite: bool,
}

/// [`equilibrate_column`]'s steps and scaled norm for an unweighted column, bit for bit, from one
/// read of the column instead of a scaled copy: its largest magnitude, its smallest nonzero one
/// and its sum of squares in the same four lanes, unscaled. Scaling by `2^first` is exact
/// whenever every square and partial sum is a normal number both before and after it (then
/// each product and sum scales exactly, and so does the root of a sum scaled by `2^{2·first}`),
/// which holds when every nonzero magnitude, before and after, lies within `2^±450`. Steps are
/// `None` otherwise: the caller scales a copy.
///
/// The same read shows whether the column is finite: a NaN or an infinity makes the sum of
/// squares NaN or infinite, so a finite sum proves every entry finite.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
pub(crate) fn scan_column(column: &[f64]) -> ColumnScan {
    // Per lane: the largest magnitude, the smallest nonzero one (a zero counts as ∞), the sum of
    // squares; maxima and minima are exact in any order.
    // The extremes are taken on the bits of the magnitudes as integers, which order as the
    // magnitudes do (NaN aside, and a NaN makes the sum of squares NaN, which is refused below
    // before the extremes are used): `f64::max` and `f64::min` handle NaN with a compare and a
    // blend on every step, which made the scan twice as slow as the read.
    let (mut largest, mut smallest) = ([0_i64; 4], [i64::MAX; 4]);
    let mut extremes = |l: usize, v: f64| {
        let a = magnitude_bits(v);
        largest[l] = largest[l].max(a);
        smallest[l] = smallest[l].min(if a == 0 { i64::MAX } else { a });
    };
    let chunks = column.chunks_exact(4);
    let tail = chunks.remainder().iter().fold(0.0_f64, |s, &v| {
        extremes(0, v);
        s + v * v
    });
    let mut acc = [0.0_f64; 4];
    for c in chunks {
        for l in 0..4 {
            extremes(l, c[l]);
            acc[l] += c[l] * c[l];
        }
    }
    let sum = (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
    if !sum.is_finite() {
        // Not finite, or entries beyond 2⁵¹², outside the bound below anyway.
        return ColumnScan { steps: None, finite: false };
    }
    let largest = magnitude_from_bits(largest.iter().fold(0, |m, &v| m.max(v)));
    // No nonzero entry leaves `i64::MAX`, a NaN; the column is then zero and `smallest` unused.
    let smallest = magnitude_from_bits(smallest.iter().fold(i64::MAX, |m, &v| m.min(v)));
    let mut steps = ColumnSteps { first: 0, weighted: 0, norm: 0, single: false };
    if largest == 0.0 {
        return ColumnScan { steps: Some((steps, 0.0)), finite: true };
    }
    steps.first = -exponent(largest);
    let inside = |v: f64| (-READ_ONLY_BOUND..READ_ONLY_BOUND).contains(&exponent(v));
    let scaled_smallest = scale_by(smallest, steps.first);
    if !(inside(largest) && inside(smallest) && inside(scaled_smallest)) {
        return ColumnScan { steps: None, finite: true };
    }
    let norm = scale_by(sum.sqrt(), steps.first);
    let (n, norm) = norm_step(norm);
    steps.norm = n;
    // The smallest scaled entry is at least 2^-450 and the norm step at most a few dozen
    // halvings, so every entry stays normal: one product is exact.
    steps.single = true;
    ColumnScan { steps: Some((steps, norm)), finite: true }
}

/// The bits of `|v|` as an integer: for magnitudes that are not NaN, `a < b` exactly when
/// `magnitude_bits(a) < magnitude_bits(b)`.
#[inline]
fn magnitude_bits(v: f64) -> i64 {
    i64::from_ne_bytes((v.to_bits() & !(1_u64 << 63)).to_ne_bytes())
}

/// The magnitude whose [`magnitude_bits`] are `bits`.
fn magnitude_from_bits(bits: i64) -> f64 {
    f64::from_bits(u64::from_ne_bytes(bits.to_ne_bytes()))
}

/// [`scan_column`] as an operation that `pulp` compiles for the best instruction set the CPU
/// offers (a closure would be compiled for the baseline); it has no fused multiply-add, so the
/// same bits on every instruction set.
pub(crate) struct ScanColumn<'a>(pub(crate) &'a [f64]);

impl WithSimd for ScanColumn<'_> {
    type Output = ColumnScan;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> ColumnScan {
        scan_column(self.0)
    }
}

/// The largest magnitude in a column, as an `f64`.
fn max_abs<T: Scalar>(column: &[T]) -> f64 {
    largest_of(column.len(), |k| column[k].to_f64())
}

/// For a column whose largest entry lies in `[1, 2)`: the exponent `n` that brings its norm
/// into `[1/√2, √2)`, and that norm. The sum of squares runs in four lanes, as the rest of the
/// crate's reductions.
fn norm_exponent<T: Scalar>(column: &[T]) -> (i32, f64) {
    let square = |v: &T| v.to_f64() * v.to_f64();
    let chunks = column.chunks_exact(4);
    let tail = chunks.remainder().iter().fold(0.0_f64, |s, v| s + square(v));
    let mut acc = [0.0_f64; 4];
    for c in chunks {
        for l in 0..4 {
            acc[l] += square(&c[l]);
        }
    }
    norm_step(((acc[0] + acc[1]) + (acc[2] + acc[3]) + tail).sqrt())
}

/// For a column of norm `norm` (positive, finite, of moderate size): the exponent `n` that
/// brings it into `[1/√2, √2)`, and the norm so scaled.
fn norm_step(norm: f64) -> (i32, f64) {
    let e = exponent(norm);
    let n = if norm * pow2(-e) >= std::f64::consts::SQRT_2 { -e - 1 } else { -e };
    (n, norm * pow2(n))
}

/// Multiplies a column by `2^e`.
fn scale_column<T: Scalar>(column: &mut [T], e: i32) {
    if e != 0 {
        let step = Pow2::new(e);
        for v in column {
            *v = step.of(*v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{dmatrix, dvector};

    /// The exponent from the largest magnitude's bits is the one from `f64::max`, on every
    /// row (each length mod 4, the largest in the tail or any lane) and on a subset.
    #[test]
    fn response_exponent_is_that_of_the_largest_magnitude() {
        let reference = |y: &DVector<f64>, rows: &[usize]| {
            let largest = rows.iter().fold(0.0_f64, |big, &i| big.max(y[i].abs()));
            if largest > 0.0 { -exponent(largest) } else { 0 }
        };
        for m in 0..12 {
            for big in 0..m {
                for size in [1e-310, -3.0, 7.5e300, -f64::MAX] {
                    let y = DVector::from_fn(m, |i, _| {
                        if i == big { size } else { 1e-320 * linalg_core::count_to_f64(i) - 0.0 }
                    });
                    let every: Vec<usize> = (0..m).collect();
                    let expected = reference(&y, &every);
                    assert_eq!(response_exponent(&y, Kept::Every(m)), expected, "{y}");
                    assert_eq!(response_exponent(&y, Kept::Listed(&every)), expected, "{y}");
                    let some: Vec<usize> = (0..m).filter(|&i| i % 3 != 1).collect();
                    let expected = reference(&y, &some);
                    assert_eq!(response_exponent(&y, Kept::Listed(&some)), expected, "{y}");
                }
            }
            assert_eq!(response_exponent(&DVector::from_element(m, -0.0), Kept::Listed(&[])), 0);
            assert_eq!(response_exponent(&DVector::from_element(m, -0.0), Kept::Every(m)), 0);
        }
    }

    #[track_caller]
    fn check(x: f64, e: i32) {
        assert_eq!(exponent(x), e, "{x:e}");
        let m = scale_by(x, -e);
        assert!((1.0..2.0).contains(&m.abs()), "{x:e}");
    }

    /// A prepared step scales as `scale_by` does, bit for bit, in both working precisions and
    /// for steps that take one multiplication or several (beyond `2^±STEP`), through overflow
    /// and gradual underflow.
    /// The copy-free weighted steps are `equilibrate_column`'s on a copy, bit for bit, and the
    /// prepared steps rebuild the equilibrated entries as `ColumnSteps::apply` and the in-place
    /// scaling do: columns of every length mod 4, magnitudes far from 1 and weights over many
    /// powers of two, a column that is all zeros and one whose weights all underflow.
    #[test]
    fn weighted_steps_without_a_copy_are_the_equilibrated_ones() {
        let draws = sim::gaussian_matrix(1_003, 3, &mut sim::rng_from_seed(23)).unwrap();
        for len in [1, 2, 5, 8, 1_003] {
            // The last two take the steps beyond `2^±1000`, the first and the weighted one.
            let cases = [(1.0, 1.0), (1e-200, 30.0), (1e250, 1e-3), (1e-305, 1.0), (1.0, 1e-305)];
            for (magnitude, spread) in cases {
                let column: Vec<f64> = (0..len).map(|i| magnitude * draws[(i, 0)]).collect();
                let roots: Vec<f64> =
                    (0..len).map(|i| spread * (0.5 * draws[(i, 1)]).exp2()).collect();
                let mut copy = column.clone();
                let expected = equilibrate_column(&mut copy, Some(&roots));
                let found = weighted_column_steps(pulp::Scalar::new(), &column, &roots);
                // One read in vectors where the ranges allow it, the three reads otherwise.
                #[cfg(target_arch = "x86_64")]
                if let Some(simd) = pulp::x86::V3::try_new() {
                    let one_read = weighted_scan(simd, &column, &roots);
                    let plain = magnitude.log2().abs() < 400.0 && spread.log2().abs() < 400.0;
                    assert_eq!(one_read.is_some(), plain, "length {len}, magnitude {magnitude:e}");
                    assert_eq!(weighted_column_steps(simd, &column, &roots), found);
                }
                assert_eq!(found.0, expected.0, "length {len}, magnitude {magnitude:e}");
                assert_eq!(found.1.to_bits(), expected.1.to_bits());
                let prepared = found.0.prepared();
                for (k, &x) in column.iter().enumerate() {
                    let rebuilt = prepared.apply(x, Some(roots[k]));
                    assert_eq!(rebuilt.to_bits(), found.0.apply(x, Some(roots[k])).to_bits());
                    assert_eq!(rebuilt.to_bits(), copy[k].to_bits());
                    if let Some([f1, f2, f3]) = prepared.factors() {
                        let product = (((x * f1) * roots[k]) * f2) * f3;
                        assert_eq!(product.to_bits(), rebuilt.to_bits());
                    }
                }
            }
        }
        let zeros = [0.0; 7];
        let steps = |column: &[f64], roots: &[f64]| {
            pulp::Arch::new().dispatch(WeightedColumnSteps { column, roots })
        };
        assert_eq!(steps(&zeros, &[1.0; 7]).1.to_bits(), 0.0_f64.to_bits());
        let (steps, norm) = steps(&[1.0, -3.0], &[0.0, 0.0]);
        assert_eq!(
            (steps, norm.to_bits()),
            (equilibrate_column(&mut [1.0, -3.0], Some(&[0.0, 0.0])).0, 0)
        );
    }

    /// One read in vectors gives the three reads' steps and norm bit for bit wherever it
    /// answers, on columns and roots whose ranges straddle its bounds: entries spread over up to
    /// 2⁴⁶⁰ and roots over up to 2⁶⁰, centred anywhere from 2⁻⁵⁰⁰ to 2⁵⁰⁰ (and products near
    /// 2^±600, whose squares leave the normal range), with exact zeros among them.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn one_weighted_read_gives_the_three_reads_steps() {
        let Some(simd) = pulp::x86::V3::try_new() else { return };
        let draws = sim::gaussian_matrix(203, 4, &mut sim::rng_from_seed(29)).unwrap();
        let (mut answered, mut declined) = (0, 0);
        let edges = [(-400.0, -200.0), (-300.0, -149.0), (420.0, 60.0), (200.0, 240.0)];
        for case in 0_u32..412 {
            let c = f64::from(case);
            let (mut centre, mut spread) =
                ((c * 0.618).fract() * 1000.0 - 500.0, (c * 0.414).fract());
            let mut root_centre = (c * 0.732).fract() * 400.0 - 200.0;
            if let Some(&(x, r)) = edges.get(case as usize / 3) {
                (centre, root_centre, spread) = (x, r, f64::from(case % 3) * 0.1);
            }
            let len = 1 + case as usize % 203;
            let column: Vec<f64> = (0..len)
                .map(|i| {
                    let e = centre + spread * 460.0 * (draws[(i, 0)] / 4.0).clamp(-0.5, 0.5);
                    if i % 17 == 3 { 0.0 } else { draws[(i, 1)].signum() * e.exp2() }
                })
                .collect();
            let root =
                |i: usize| root_centre + 60.0 * spread * (draws[(i, 2)] / 4.0).clamp(-0.5, 0.5);
            let roots: Vec<f64> = (0..len).map(|i| root(i).exp2()).collect();
            match weighted_scan(simd, &column, &roots) {
                Some(found) => {
                    answered += 1;
                    let expected = weighted_reads(&column, &roots);
                    assert_eq!(found.0, expected.0, "case {case}");
                    assert_eq!(found.1.to_bits(), expected.1.to_bits(), "case {case}");
                }
                None => declined += 1,
            }
        }
        assert!(answered > 100 && declined > 100, "{answered} answered, {declined} declined");
    }

    #[test]
    fn a_prepared_step_is_scale_by_bit_for_bit() {
        for e in [-2100, -1075, -1001, -1000, -999, -60, -1, 0, 1, 52, 999, 1000, 1001, 2100] {
            let step = Pow2::new(e);
            for v in [0.0, -0.0, 1.0, -3.75, 1e-310, 5e-324, 1.5e300, -f64::MAX, 0.1] {
                assert_eq!(step.of(v).to_bits(), scale_by(v, e).to_bits(), "{v:e}·2^{e}");
                let dd = DoubleDouble::sum(v, v * 1e-17);
                let (got, expected) = (step.of(dd), scale_by(dd, e));
                assert_eq!(got.hi().to_bits(), expected.hi().to_bits(), "{v:e}·2^{e}");
                assert_eq!(got.lo().to_bits(), expected.lo().to_bits(), "{v:e}·2^{e}");
            }
        }
    }

    /// The largest magnitude in lanes is the one a plain scan finds, whatever the length and
    /// wherever the largest entry sits.
    #[test]
    fn the_lane_maximum_is_the_scan_maximum() {
        for len in 0..20 {
            for at in 0..len {
                let column: Vec<f64> =
                    (0..len)
                        .map(|i| {
                            if i == at {
                                -7.5
                            } else {
                                f64::from(u8::try_from(i).unwrap_or(0)) * 0.5
                            }
                        })
                        .collect();
                let scan = column.iter().fold(0.0_f64, |big, v| big.max(v.abs()));
                assert_eq!(
                    max_abs(&column).to_bits(),
                    scan.to_bits(),
                    "{len} entries, largest at {at}"
                );
            }
        }
        assert_eq!(max_abs::<f64>(&[]).to_bits(), 0.0_f64.to_bits());
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "scaling by powers of two is exact")]
    fn exponents_are_exact_across_the_range() {
        check(1.0, 0);
        check(-3.0, 1);
        check(0.75, -1);
        check(f64::MAX, 1023);
        check(f64::MIN_POSITIVE, -1022);
        check(f64::MIN_POSITIVE / 2.0, -1023);
        check(5e-324, -1074);
        assert_eq!(scale_by(1.5, 2000), f64::INFINITY);
        assert_eq!(scale_by(scale_by(1.5, -600), 1500), scale_by(1.5, 900));
        assert_eq!(scale_by(scale_by(1.5, 600), -1500), scale_by(1.5, -900));
        assert_eq!(scale_by(1.0, -1074), 5e-324);
    }

    /// The read-only steps are those of scaling a copy, bit for bit, on columns of every length
    /// mod 4 and magnitudes across the range, and decline the columns outside their bound.
    #[test]
    fn read_only_steps_are_the_copy_s_steps() {
        let pool = sim::gaussian_matrix(4096, 1, &mut sim::rng_from_seed(29)).unwrap();
        let mut draws = pool.iter().copied().cycle();
        let mut normal = move || draws.next().unwrap();
        for len in [1, 3, 4, 5, 64, 1001] {
            for e in [-440, -100, -3, 0, 7, 200, 440] {
                // Magnitudes in [1, 1.5)·2^e, and one zero entry.
                let mut column: Vec<f64> = (0..len)
                    .map(|_| {
                        let u = normal();
                        scale_by((1.0 + u.abs()).copysign(u), e)
                    })
                    .collect();
                column[len / 2] = 0.0;
                let mut copy = column.clone();
                let (steps, norm) = equilibrate_column::<f64>(&mut copy, None);
                let quick = scan_column(&column).steps.expect("inside the bound");
                assert_eq!(quick.0.exponent(), steps.exponent(), "{len} {e}");
                assert_eq!((quick.0.first, quick.0.norm), (steps.first, steps.norm));
                assert_eq!(quick.1.to_bits(), norm.to_bits(), "{len} {e}");
                let Some(factor) = quick.0.single_factor() else {
                    // Only a zero column has no factor.
                    assert_eq!(norm.to_bits(), 0.0_f64.to_bits(), "{len} {e}");
                    continue;
                };
                for (&v, &scaled) in column.iter().zip(&copy) {
                    assert_eq!((v * factor).to_bits(), scaled.to_bits(), "{len} {e}");
                    assert_eq!(quick.0.apply(v, None).to_bits(), scaled.to_bits());
                }
            }
        }
        // Magnitudes 2^420 apart in one column, rounding in every lane.
        let mixed: Vec<f64> = (0..37)
            .map(|i| scale_by(1.0 + normal().abs(), if i % 3 == 0 { -400 } else { 20 }))
            .collect();
        let (steps, norm) = equilibrate_column::<f64>(&mut mixed.clone(), None);
        let quick = scan_column(&mixed).steps.expect("inside the bound");
        assert_eq!((quick.0.exponent(), quick.1.to_bits()), (steps.exponent(), norm.to_bits()));
        let zero = scan_column(&[0.0; 5]).steps.expect("a zero column");
        assert_eq!((zero.0.exponent(), zero.1.to_bits()), (0, 0.0_f64.to_bits()));
        assert!(scan_column(&[1.0, scale_by(1.0, -460)]).steps.is_none());
        assert!(scan_column(&[scale_by(1.0, 460)]).steps.is_none());
    }

    #[test]
    fn equilibration_is_invariant_to_powers_of_two() {
        let x = dmatrix![1.0, 3.0; 2.0, -1.0; 0.5, 4.0];
        let y = dvector![1.0, 2.0, 3.0];
        let w = dvector![1.0, 0.25, 3.0];
        let rows = [0, 1, 2];
        let base = problem(&x, &y, Some(&w), &rows);
        let mut scaled = x.clone();
        scaled.column_mut(1).iter_mut().for_each(|v| *v = scale_by(*v, -990));
        let w2 = w.map(|v| scale_by(v, 700));
        let other = problem(&scaled, &y.map(|v| scale_by(v, 990)), Some(&w2), &rows);
        assert_eq!(base.x, other.x);
        assert_eq!(base.y, other.y);
        assert_eq!(base.norms, other.norms);
        assert_eq!(other.scaling.columns[1], base.scaling.columns[1] + 990);
        for norm in base.norms {
            assert!((std::f64::consts::FRAC_1_SQRT_2..std::f64::consts::SQRT_2).contains(&norm));
        }
    }
}

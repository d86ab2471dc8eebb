//! The small scalar trait that lets one hand-written algorithm run in `f64` and in double-double.
//!
//! [`Real`] is sealed: it is implemented for `f64` and for [`DoubleDouble`] (double-double, about 32
//! significant digits) and nothing else, so the public entry points stay concrete even though the
//! kernels are written once.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::double_double::DoubleDouble;
use crate::error::{Error, Result};

/// The private supertraits that seal [`Real`] and select each scalar's kernels.
///
/// Only the traits are defined here; each is implemented for `f64` and [`DoubleDouble`] beside
/// the kernels it selects: [`sealed::VectorKernels`] in `crate::kernels` (through `pulp`'s
/// run-time SIMD dispatch for `f64`) and [`sealed::BlockProducts`] in `crate::products`
/// (the cross product of `crate::gram` and nalgebra's `gemm` for large `f64` products). This module stays at the bottom of the crate:
/// the kernels import it, never the other way round. The module is private, so these methods
/// are not part of the public API. Matrices are column-major slices with a leading dimension.
pub(crate) mod sealed {
    /// The vector kernels of the Householder updates, implemented in `crate::kernels`.
    pub trait VectorKernels: Sized {
        /// `xᵀy`, in the lane order of `householder::dot`.
        fn dot(x: &[Self], y: &[Self]) -> Self;
        /// Applies one reflector to whole columns (`kernels::apply_reflector`).
        fn apply_reflector(v_tail: &[Self], tau: Self, cols: &mut [Self], ld: usize, row: usize);
        /// Applies all reflectors of a packed factor to one column (`kernels::apply_sequence`).
        fn apply_sequence(qr: &[Self], m: usize, tau: &[Self], c: &mut [Self], transpose: bool);
        /// `a·b + c`, for `f64` rounded once (`f64::mul_add`: a fused multiply-add where the
        /// instruction set has one, a correctly rounded software `fma` otherwise, so the same
        /// bits everywhere); for double-double its own product and sum.
        fn mul_add(a: Self, b: Self, c: Self) -> Self;
        /// The products of a column tile with a group's four tails (`dense_fold::dot_tile`),
        /// for `f64` with the instruction set's vectors and the same bits.
        fn dot_tile<S: pulp::Simd, const P: usize>(
            simd: S,
            v: [&[Self]; 4],
            c: [&[Self]; P],
        ) -> [[Self; 4]; P];
    }

    /// The matrix-matrix products of the blocked QR, implemented in `crate::products`.
    pub trait BlockProducts: Sized {
        /// `W ← Aᵀ·B`: `A` is rows×p (leading dimension `lda`), `B` rows×q (`ldb`), `W` p×q with
        /// leading dimension p, overwritten.
        fn gemm_tn(
            rows: usize,
            shape: (usize, usize),
            a: (&[Self], usize),
            b: (&[Self], usize),
            w: &mut [Self],
        );
        /// `C ← C − A·W`: `A` is rows×p (`lda`), `W` p×q (leading dimension p), `C` rows×q (`ldc`).
        fn gemm_nn_sub(
            rows: usize,
            shape: (usize, usize),
            a: (&[Self], usize),
            w: &[Self],
            c: (&mut [Self], usize),
        );
    }
}

/// A real floating-point scalar the factorizations can run in: `f64` or [`DoubleDouble`].
///
/// The trait carries exactly what Householder QR, triangular solves and the condition
/// estimator need: field arithmetic, `abs`, `sqrt`, conversions to and from `f64`, and the
/// two constants that describe the format ([`Real::EPSILON`] and [`Real::SAFE_MIN`]).
/// It is sealed; it cannot be implemented outside this crate.
///
/// # Examples
///
/// ```
/// use linalg_core::{Real, DoubleDouble};
///
/// fn hypot_sq<T: Real>(a: T, b: T) -> T {
///     a * a + b * b
/// }
/// assert_eq!(hypot_sq(3.0_f64, 4.0), 25.0);
/// assert_eq!(hypot_sq(DoubleDouble::from(3.0), DoubleDouble::from(4.0)).to_f64(), 25.0);
/// ```
pub trait Real:
    sealed::VectorKernels
    + sealed::BlockProducts
    + Copy
    + Debug
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
{
    /// Additive identity.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// fn total<T: Real>(x: &[T]) -> T {
    ///     x.iter().fold(T::ZERO, |s, &v| s + v)
    /// }
    /// assert_eq!(total::<f64>(&[]), 0.0);
    /// let x = [1.0, 1e-20, -1.0].map(DoubleDouble::from);
    /// assert_eq!(total(&x).to_f64(), 1e-20); // f64 would give 0
    /// assert_eq!(total(&[1.0, 1e-20, -1.0]), 0.0);
    /// ```
    const ZERO: Self;
    /// Multiplicative identity.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// fn reciprocal<T: Real>(x: T) -> T {
    ///     T::ONE / x
    /// }
    /// let third = reciprocal(DoubleDouble::from(3.0));
    /// assert!((third * DoubleDouble::from(3.0) - DoubleDouble::ONE).to_f64().abs() < 1e-31);
    /// assert_eq!(reciprocal(4.0_f64), 0.25);
    /// ```
    const ONE: Self;
    /// Relative spacing of the format near 1 (machine epsilon), as an `f64`:
    /// 2⁻⁵² for `f64`, 2⁻¹⁰⁴ for double-double.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real, default_rank_tolerance};
    ///
    /// assert_eq!(<f64 as Real>::EPSILON, 2.0_f64.powi(-52));
    /// assert_eq!(<DoubleDouble as Real>::EPSILON, 2.0_f64.powi(-104));
    /// // Tolerances are multiples of it.
    /// let tol = default_rank_tolerance::<DoubleDouble>(10, 3);
    /// assert_eq!(tol, 10.0 * <DoubleDouble as Real>::EPSILON);
    /// ```
    const EPSILON: f64;
    /// Smallest positive value that still carries the format's full relative precision and whose
    /// reciprocal does not overflow (LAPACK's `safmin / eps`): 2⁻⁹⁷⁰ for `f64` and 2⁻⁹¹⁸ for
    /// double-double, whose low word underflows sooner.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// assert_eq!(<f64 as Real>::SAFE_MIN, 2.0_f64.powi(-970));
    /// assert_eq!(<DoubleDouble as Real>::SAFE_MIN, 2.0_f64.powi(-918));
    /// // Its reciprocal is finite, so rescaling by it cannot overflow.
    /// assert!((1.0 / <f64 as Real>::SAFE_MIN).is_finite());
    /// assert!((1.0 / <DoubleDouble as Real>::SAFE_MIN).is_finite());
    /// ```
    const SAFE_MIN: f64;

    /// Converts from `f64` exactly.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// let x = <DoubleDouble as Real>::from_f64(0.1);
    /// assert_eq!((x.hi(), x.lo()), (0.1, 0.0)); // exact: the f64's own value, nothing added
    /// assert_eq!(<f64 as Real>::from_f64(0.1), 0.1);
    /// ```
    fn from_f64(x: f64) -> Self;
    /// Rounds to the nearest `f64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
    /// assert_eq!(Real::to_f64(third), 1.0 / 3.0);
    /// assert_eq!(Real::to_f64(DoubleDouble::sum(1.0, 2.0_f64.powi(-60))), 1.0);
    /// ```
    fn to_f64(self) -> f64;
    /// Absolute value.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// fn distance<T: Real>(a: T, b: T) -> T {
    ///     Real::abs(a - b)
    /// }
    /// assert_eq!(distance(1.0_f64, 3.5), 2.5);
    /// let d = distance(DoubleDouble::from(1.0), DoubleDouble::sum(1.0, 1e-20));
    /// assert_eq!((d.hi(), d.lo()), (1e-20, 0.0));
    /// ```
    #[must_use]
    fn abs(self) -> Self;
    /// Square root, correctly rounded for `f64` and accurate to about 2·[`Real::EPSILON`] for
    /// double-double.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// assert_eq!(Real::sqrt(2.0_f64), 2.0_f64.sqrt());
    /// let two = DoubleDouble::from(2.0);
    /// let root = Real::sqrt(two);
    /// let error = (root * root - two).to_f64().abs() / 2.0;
    /// assert!(error <= 4.0 * <DoubleDouble as Real>::EPSILON); // twice the root's error
    /// ```
    #[must_use]
    fn sqrt(self) -> Self;
    /// `true` unless the value is NaN or infinite.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// fn all_finite<T: Real>(x: &[T]) -> bool {
    ///     x.iter().all(|&v| Real::is_finite(v))
    /// }
    /// assert!(all_finite(&[1.0, -1e308]));
    /// assert!(!all_finite(&[1.0, f64::NAN]));
    /// assert!(!all_finite(&[DoubleDouble::from(f64::INFINITY)]));
    /// ```
    fn is_finite(self) -> bool;
    /// Multiplies by an `f64`; exact when the factor is a power of two.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::{DoubleDouble, Real};
    ///
    /// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
    /// let scaled = Real::scale(third, 2.0_f64.powi(-900));
    /// // Exact: scaling back recovers both words.
    /// assert_eq!(Real::scale(scaled, 2.0_f64.powi(900)), third);
    /// assert_eq!(Real::scale(3.0_f64, 0.5), 1.5);
    /// ```
    #[must_use]
    fn scale(self, factor: f64) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const EPSILON: f64 = f64::EPSILON;
    const SAFE_MIN: f64 = f64::MIN_POSITIVE / f64::EPSILON;

    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    #[inline]
    fn scale(self, factor: f64) -> Self {
        self * factor
    }
}

/// 2⁻¹⁰⁴: the relative precision of a double-double, two `f64` words of 53 bits each.
const DOUBLE_DOUBLE_EPSILON: f64 = f64::EPSILON * f64::EPSILON;

impl Real for DoubleDouble {
    const ZERO: Self = DoubleDouble::ZERO;
    const ONE: Self = DoubleDouble::ONE;
    const EPSILON: f64 = DOUBLE_DOUBLE_EPSILON;
    const SAFE_MIN: f64 = f64::MIN_POSITIVE / DOUBLE_DOUBLE_EPSILON;

    #[inline]
    fn from_f64(x: f64) -> Self {
        DoubleDouble::from_f64(x)
    }
    #[inline]
    fn to_f64(self) -> f64 {
        DoubleDouble::to_f64(self)
    }
    #[inline]
    fn abs(self) -> Self {
        DoubleDouble::abs(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        DoubleDouble::sqrt(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        DoubleDouble::is_finite(self)
    }
    #[inline]
    fn scale(self, factor: f64) -> Self {
        self.mul_f64(factor)
    }
}

/// Converts a count (a dimension or an index) to `f64`.
///
/// Every `usize → f64` conversion in the crate goes through here. Counts below 2⁵³ convert
/// exactly, which covers every matrix that fits in memory.
///
/// # Examples
///
/// ```
/// assert_eq!(linalg_core::count_to_f64(82), 82.0);
/// ```
#[must_use]
#[inline]
#[expect(
    clippy::cast_precision_loss,
    reason = "dimensions are far below 2^53, so the conversion is exact"
)]
pub fn count_to_f64(n: usize) -> f64 {
    n as f64
}

/// The default relative tolerance for numerical rank: `max(m, n)·ε` in the scalar's own ε.
///
/// A diagonal entry of R with `|r_kk| ≤ tol · max|r_jj|` counts as zero. This is the
/// LAPACK/NumPy convention; it grows with the size of the problem because the backward error of
/// Householder QR does.
///
/// # Examples
///
/// ```
/// let tol = linalg_core::default_rank_tolerance::<f64>(100, 3);
/// assert_eq!(tol, 100.0 * f64::EPSILON);
/// ```
#[must_use]
pub fn default_rank_tolerance<T: Real>(m: usize, n: usize) -> f64 {
    count_to_f64(m.max(n)) * T::EPSILON
}

/// Checks a relative rank or pivot tolerance supplied by the caller: it must lie in `[0, 1)`.
///
/// # Errors
/// [`Error::InvalidOption`] named `tolerance` otherwise (NaN included).
pub(crate) fn check_rank_tolerance(tol: f64) -> Result<f64> {
    if (0.0..1.0).contains(&tol) {
        Ok(tol)
    } else {
        Err(Error::InvalidOption { name: "tolerance", value: tol, reason: "must lie in [0, 1)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    #[expect(clippy::float_cmp, reason = "conversions and power-of-two scaling are exact")]
    fn check<T: Real>(x: f64) {
        let t = T::from_f64(x);
        assert_eq!(t.to_f64().to_bits(), x.to_bits(), "round trip of {x}");
        assert_eq!(t.abs().to_f64(), x.abs());
        assert!(t.is_finite());
        assert_eq!(t.scale(0.5).to_f64(), x * 0.5);
    }

    #[test]
    fn conversions_round_trip_in_both_precisions() {
        for x in [0.0, 1.0, -2.5, 1e-300, 1e300, -7.0e-310] {
            check::<f64>(x);
            check::<DoubleDouble>(x);
        }
    }

    #[test]
    fn double_double_sqrt_is_accurate_far_beyond_f64() {
        let two = DoubleDouble::from_f64(2.0);
        let root = Real::sqrt(two);
        let residual = (root * root - two).abs().to_f64();
        assert!(residual < 8.0 * <DoubleDouble as Real>::EPSILON, "residual {residual:e}");
    }

    #[test]
    fn safe_min_has_a_finite_reciprocal() {
        assert!((1.0 / <f64 as Real>::SAFE_MIN).is_finite());
        assert!((1.0 / <DoubleDouble as Real>::SAFE_MIN).is_finite());
    }
}

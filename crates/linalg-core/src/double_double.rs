//! [`DoubleDouble`]: an unevaluated sum of two `f64`, giving about 32 significant digits.
//!
//! The algorithms are the double-word ones of Joldes, Muller and Popescu, "Tight and rigorous
//! error bounds for basic building blocks of double-word arithmetic", ACM TOMS 44(2), 2017
//! (JMP below), with their proven relative error bounds in units of `u = 2⁻⁵³`.
//! We do not use the `twofloat` crate: its 0.8 division computes the residual `1 − y·(1/y)`
//! in plain `f64`, so `1/3` comes out with only 16 correct digits.

use std::cmp::Ordering;
use std::num::ParseFloatError;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// A double-double number `hi + lo` with `|lo| ≤ ulp(hi)/2`: about 106 bits of significand.
///
/// Arithmetic is accurate to a few units of `2⁻¹⁰⁶` (see each operator), the exponent range is
/// that of `f64`, and precision degrades gracefully below about 1e-292 where `lo` underflows.
/// Non-finite values propagate but are not otherwise supported; callers validate inputs.
///
/// # Examples
///
/// ```
/// use linalg_core::DoubleDouble;
///
/// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
/// // Three times a third misses 1 by about 1e-32, not 1e-16.
/// let miss = (third * DoubleDouble::from(3.0) - DoubleDouble::from(1.0)).to_f64();
/// assert!(miss.abs() < 1e-31);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DoubleDouble {
    hi: f64,
    lo: f64,
}

/// Exact sum `a + b = s + e` for `|a| ≥ |b|` (Dekker's `Fast2Sum`; JMP Alg. 1).
#[inline]
fn fast_two_sum(a: f64, b: f64) -> DoubleDouble {
    let s = a + b;
    let z = s - a;
    DoubleDouble { hi: s, lo: b - z }
}

/// Exact sum `a + b = s + e` for any order of magnitude (Knuth's `2Sum`; JMP Alg. 2).
#[inline]
fn two_sum(a: f64, b: f64) -> DoubleDouble {
    let s = a + b;
    let a1 = s - b;
    let b1 = s - a1;
    DoubleDouble { hi: s, lo: (a - a1) + (b - b1) }
}

/// Exact product `a·b = p + e` with a fused multiply-add (JMP Alg. 3).
#[cfg(target_feature = "fma")]
#[inline]
fn two_prod(a: f64, b: f64) -> DoubleDouble {
    let p = a * b;
    DoubleDouble { hi: p, lo: a.mul_add(b, -p) }
}

/// Splits `a` into two halves of 26 bits each, `a = h + l` exactly (Veltkamp).
#[cfg(not(target_feature = "fma"))]
#[inline]
fn split(a: f64) -> (f64, f64) {
    /// 2²⁷ + 1, Veltkamp's splitting constant for 53-bit significands.
    const SPLITTER: f64 = 134_217_729.0;
    let c = SPLITTER * a;
    let h = c - (c - a);
    (h, a - h)
}

/// Exact product `a·b = p + e` by Dekker's algorithm, for targets without a hardware FMA
/// (a software `mul_add` would be exact too, but ten times slower). Exact while
/// `|a|, |b| < 2⁹⁹⁶`, beyond which the splitting overflows.
#[cfg(not(target_feature = "fma"))]
#[inline]
fn two_prod(a: f64, b: f64) -> DoubleDouble {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    DoubleDouble { hi: p, lo: e }
}

impl DoubleDouble {
    /// Zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// assert_eq!(DoubleDouble::ZERO, DoubleDouble::default());
    /// let x = DoubleDouble::sum(1.0, 1e-20);
    /// assert_eq!(x + DoubleDouble::ZERO, x); // the additive identity keeps both words
    /// ```
    pub const ZERO: Self = Self { hi: 0.0, lo: 0.0 };
    /// One.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x = DoubleDouble::sum(1.0, 1e-20);
    /// assert_eq!(x * DoubleDouble::ONE, x); // the multiplicative identity keeps both words
    /// assert_eq!(DoubleDouble::ONE.to_f64(), 1.0);
    /// ```
    pub const ONE: Self = Self { hi: 1.0, lo: 0.0 };

    /// The exact value of an `f64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// // Usable in constants; the low word is zero.
    /// const TENTH: DoubleDouble = DoubleDouble::from_f64(0.1);
    /// assert_eq!((TENTH.hi(), TENTH.lo()), (0.1, 0.0));
    /// // It is the binary value of the `f64` 0.1, not the decimal one that parsing gives.
    /// let decimal: DoubleDouble = "0.1".parse()?;
    /// assert_ne!(TENTH, decimal);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn from_f64(x: f64) -> Self {
        Self { hi: x, lo: 0.0 }
    }

    /// The exact sum `a + b` of two `f64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x = DoubleDouble::sum(1.0, 1e-20);
    /// assert_eq!((x.hi(), x.lo()), (1.0, 1e-20));
    /// ```
    #[must_use]
    pub fn sum(a: f64, b: f64) -> Self {
        two_sum(a, b)
    }

    /// The exact product `a·b` of two `f64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x = DoubleDouble::product(1.0 + f64::EPSILON, 1.0 + f64::EPSILON);
    /// assert_eq!(x.lo(), f64::EPSILON * f64::EPSILON);
    /// ```
    #[must_use]
    pub fn product(a: f64, b: f64) -> Self {
        two_prod(a, b)
    }

    /// The leading word, the `f64` nearest the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// // 1 + 2⁻⁶⁰ is not an f64: it rounds to 1.
    /// let tiny = 2.0_f64.powi(-60);
    /// assert_eq!(1.0 + tiny, 1.0);
    /// // As a double-double it is exact, with hi the nearest f64 and lo the rest.
    /// let x = DoubleDouble::sum(1.0, tiny);
    /// assert_eq!((x.hi(), x.lo()), (1.0, tiny));
    /// ```
    #[must_use]
    pub const fn hi(self) -> f64 {
        self.hi
    }

    /// The trailing word, `value − hi` rounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
    /// // lo is what the f64 `hi` misses of 1/3, and at most half an ulp of hi.
    /// assert_eq!((third - DoubleDouble::from(third.hi())).to_f64(), third.lo());
    /// assert!(third.lo() != 0.0 && third.lo().abs() <= third.hi() * f64::EPSILON / 2.0);
    /// ```
    #[must_use]
    pub const fn lo(self) -> f64 {
        self.lo
    }

    /// Rounds to the nearest `f64` (which is `hi`, as the pair is normalised).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x = DoubleDouble::sum(1.0, 2.0_f64.powi(-60));
    /// assert_eq!(x.to_f64(), x.hi());
    /// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
    /// assert_eq!(third.to_f64(), 1.0 / 3.0); // the correctly rounded f64
    /// ```
    #[must_use]
    pub fn to_f64(self) -> f64 {
        self.hi + self.lo
    }

    /// Absolute value.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x = DoubleDouble::sum(1.0, 1e-20);
    /// assert_eq!((-x).abs(), x); // both words change sign together
    /// assert_eq!(x.abs(), x);
    /// ```
    #[must_use]
    pub fn abs(self) -> Self {
        if self.hi < 0.0 || (self.hi == 0.0 && self.lo < 0.0) { -self } else { self }
    }

    /// `true` when both words are finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let big = DoubleDouble::from(1e308);
    /// assert!(big.is_finite());
    /// assert!(!(big * DoubleDouble::from(10.0)).is_finite()); // overflow
    /// assert!(!DoubleDouble::from(f64::NAN).is_finite());
    /// ```
    #[must_use]
    pub fn is_finite(self) -> bool {
        self.hi.is_finite() && self.lo.is_finite()
    }

    /// Square root: one Newton step in double-double from the `f64` root (Karp and Markstein,
    /// ACM TOMS 23(4), 1997), relative error a few units of `2⁻¹⁰⁶`. NaN for negative input.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let two = DoubleDouble::from(2.0);
    /// let root = two.sqrt();
    /// assert!((root * root - two).to_f64().abs() < 1e-31);
    /// ```
    #[must_use]
    pub fn sqrt(self) -> Self {
        if self.hi == 0.0 {
            return Self::ZERO;
        }
        if self.hi < 0.0 {
            return Self::from_f64(f64::NAN);
        }
        let s = self.hi.sqrt();
        let residual = self - two_prod(s, s);
        fast_two_sum(s, residual.hi / (2.0 * s))
    }

    /// `self · f`, exact when `f` is a power of two (JMP Alg. 9, error ≤ 2u²).
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let third = DoubleDouble::from(1.0) / DoubleDouble::from(3.0);
    /// // By a power of two: exact, both words are scaled.
    /// let sixth = third.mul_f64(0.5);
    /// assert_eq!((sixth.hi(), sixth.lo()), (third.hi() / 2.0, third.lo() / 2.0));
    /// // By 3: within a few units of 2⁻¹⁰⁶ of 1.
    /// assert!((third.mul_f64(3.0) - DoubleDouble::ONE).to_f64().abs() < 1e-31);
    /// ```
    #[must_use]
    pub fn mul_f64(self, f: f64) -> Self {
        let c = two_prod(self.hi, f);
        fast_two_sum(c.hi, self.lo.mul_add(f, c.lo))
    }
}

impl From<f64> for DoubleDouble {
    fn from(x: f64) -> Self {
        Self::from_f64(x)
    }
}

impl From<DoubleDouble> for f64 {
    fn from(x: DoubleDouble) -> Self {
        x.to_f64()
    }
}

impl PartialOrd for DoubleDouble {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        // Normalised pairs order lexicographically.
        match self.hi.partial_cmp(&other.hi)? {
            Ordering::Equal => self.lo.partial_cmp(&other.lo),
            unequal => Some(unequal),
        }
    }
}

impl Neg for DoubleDouble {
    type Output = Self;
    fn neg(self) -> Self {
        Self { hi: -self.hi, lo: -self.lo }
    }
}

impl Add for DoubleDouble {
    type Output = Self;
    /// JMP Alg. 6 (`AccurateDWPlusDW`): relative error ≤ 3u² + 13u³.
    fn add(self, rhs: Self) -> Self {
        let s = two_sum(self.hi, rhs.hi);
        let t = two_sum(self.lo, rhs.lo);
        let v = fast_two_sum(s.hi, s.lo + t.hi);
        fast_two_sum(v.hi, t.lo + v.lo)
    }
}

impl Sub for DoubleDouble {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        self + (-rhs)
    }
}

impl Mul for DoubleDouble {
    type Output = Self;
    /// JMP Alg. 10 (`DWTimesDW1`): an exact product of the leading words plus the two cross
    /// terms; relative error a small multiple of u² (JMP prove at most 7u²).
    fn mul(self, rhs: Self) -> Self {
        let c = two_prod(self.hi, rhs.hi);
        let cross = self.hi * rhs.lo + self.lo * rhs.hi;
        fast_two_sum(c.hi, c.lo + cross)
    }
}

impl Div for DoubleDouble {
    type Output = Self;
    /// JMP Alg. 17 (`DWDivDW2`): relative error ≤ 15u² + 56u³.
    fn div(self, rhs: Self) -> Self {
        let th = self.hi / rhs.hi;
        let r = rhs.mul_f64(th);
        let pi = self.hi - r.hi;
        let delta = pi + (self.lo - r.lo);
        fast_two_sum(th, delta / rhs.hi)
    }
}

macro_rules! assign_via_binary {
    ($($assign:ident :: $method:ident => $op:tt),*) => {$(
        impl $assign for DoubleDouble {
            fn $method(&mut self, rhs: Self) {
                *self = *self $op rhs;
            }
        }
    )*};
}
assign_via_binary!(AddAssign::add_assign => +, SubAssign::sub_assign => -, MulAssign::mul_assign => *, DivAssign::div_assign => /);

impl num_traits::Zero for DoubleDouble {
    fn zero() -> Self {
        Self::ZERO
    }
    fn is_zero(&self) -> bool {
        self.hi == 0.0 && self.lo == 0.0
    }
}

impl num_traits::One for DoubleDouble {
    fn one() -> Self {
        Self::ONE
    }
}

/// Significant digits per chunk when parsing: 15 decimal digits always fit an `f64` exactly.
const PARSE_CHUNK_DIGITS: usize = 15;

impl FromStr for DoubleDouble {
    type Err = ParseFloatError;

    /// Parses a decimal such as `-0.402962525080404E-04` to about 31 significant digits.
    ///
    /// The digits are read in chunks of 15, each exact in `f64`, and combined in double-double
    /// with exact powers of ten (scaled in double-double where `10^k` is not an `f64`). The
    /// relative error is a few units of `2⁻¹⁰⁶` for up to 30 significant digits and decimal
    /// exponents within about ±290.
    ///
    /// # Examples
    ///
    /// ```
    /// use linalg_core::DoubleDouble;
    ///
    /// let x: DoubleDouble = "0.1".parse()?;
    /// // 0.1 is not an f64; the double-double carries the next 16 digits in `lo`.
    /// assert_eq!(x.hi(), 0.1);
    /// assert!(x.lo() != 0.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // Validate the whole token with the standard parser first: same grammar, same errors.
        let rounded: f64 = s.parse()?;
        if !rounded.is_finite() || rounded == 0.0 {
            return Ok(Self::from_f64(rounded));
        }
        let (mantissa, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().unwrap_or(0)),
            None => (s, 0),
        };
        let negative = mantissa.starts_with('-');
        let mut digits = String::new();
        let mut scale = exponent;
        let mut seen_point = false;
        for ch in mantissa.chars() {
            match ch {
                '0'..='9' => {
                    digits.push(ch);
                    if seen_point {
                        scale -= 1;
                    }
                }
                '.' => seen_point = true,
                _ => {}
            }
        }
        let digits = digits.trim_start_matches('0');
        let mut value = Self::ZERO;
        for chunk in digits.as_bytes().chunks(PARSE_CHUNK_DIGITS) {
            let chunk_value: f64 =
                std::str::from_utf8(chunk).map_or(0.0, |c| c.parse().unwrap_or(0.0));
            value = value * pow10(chunk.len().try_into().unwrap_or(i32::MAX))
                + Self::from_f64(chunk_value);
        }
        let value = value * pow10(scale);
        Ok(if negative { -value } else { value })
    }
}

/// `10^k` in double-double: exact for `0 ≤ k ≤ 22`, otherwise by repeated squaring.
fn pow10(k: i32) -> DoubleDouble {
    /// Largest power of ten that is an exact `f64` (10²² < 2⁵³·2²²).
    const EXACT: i32 = 22;
    if (0..=EXACT).contains(&k) {
        return DoubleDouble::from_f64(10f64.powi(k));
    }
    let mut result = DoubleDouble::ONE;
    let mut base = DoubleDouble::from_f64(10.0);
    let mut e = k.unsigned_abs();
    while e > 0 {
        if e & 1 == 1 {
            result *= base;
        }
        base = base * base;
        e >>= 1;
    }
    if k < 0 { DoubleDouble::ONE / result } else { result }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error of `x` against the exact rational `num/den` evaluated in double-double.
    #[track_caller]
    fn check(x: DoubleDouble, reference: DoubleDouble, bound: f64) {
        let err = ((x - reference) / reference).abs().to_f64();
        assert!(err <= bound, "relative error {err:e} above {bound:e}: {x:?} vs {reference:?}");
    }

    /// 2⁻¹⁰⁶, the unit roundoff squared.
    const U2: f64 = f64::EPSILON * f64::EPSILON / 4.0;

    #[test]
    fn division_is_accurate_to_double_double_precision() {
        let third = DoubleDouble::ONE / DoubleDouble::from(3.0);
        // 3·(1/3) − 1 computed exactly from the two words.
        let back = third * DoubleDouble::from(3.0);
        check(back, DoubleDouble::ONE, 20.0 * U2);
        let x = DoubleDouble::sum(7.0, 1e-18) / DoubleDouble::sum(3.0, -2e-17);
        check(x * DoubleDouble::sum(3.0, -2e-17), DoubleDouble::sum(7.0, 1e-18), 30.0 * U2);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "error-free transformations are exact by construction")]
    fn products_and_sums_are_exact_where_they_should_be() {
        let p = DoubleDouble::product(1.0 + f64::EPSILON, 1.0 - f64::EPSILON);
        assert_eq!(p.hi(), 1.0);
        assert_eq!(p.lo(), -f64::EPSILON * f64::EPSILON);
        let s = DoubleDouble::from(1e16) + DoubleDouble::from(1.0);
        assert_eq!((s.hi(), s.lo()), (1e16, 1.0));
        assert_eq!((s - DoubleDouble::from(1e16)).to_f64(), 1.0);
    }

    #[test]
    fn square_root_is_accurate_to_double_double_precision() {
        for x in [2.0, 3.0, 1e-200, 7.5e250, 0.1] {
            let x = DoubleDouble::from(x);
            let r = x.sqrt();
            check(r * r, x, 16.0 * U2);
        }
        assert_eq!(DoubleDouble::ZERO.sqrt(), DoubleDouble::ZERO);
        assert!(DoubleDouble::from(-1.0).sqrt().hi().is_nan());
    }

    #[test]
    fn parsing_keeps_thirty_digits() {
        let x: DoubleDouble = "0.1".parse().expect("valid");
        check(x * DoubleDouble::from(10.0), DoubleDouble::ONE, 8.0 * U2);
        let y: DoubleDouble = "-0.402962525080404E-04".parse().expect("valid");
        let expected = -DoubleDouble::from(402_962_525_080_404.0) / pow10(19);
        check(y, expected, 8.0 * U2);
        let z: DoubleDouble = "123456789012345678901234567890".parse().expect("valid");
        let expected = DoubleDouble::from(123_456_789_012_345.0) * pow10(15)
            + DoubleDouble::from(678_901_234_567_890.0);
        check(z, expected, 8.0 * U2);
        assert!("1.5x".parse::<DoubleDouble>().is_err());
        assert_eq!("0.000".parse::<DoubleDouble>().expect("valid"), DoubleDouble::ZERO);
    }

    #[test]
    fn ordering_uses_both_words() {
        let a = DoubleDouble::sum(1.0, 1e-20);
        let b = DoubleDouble::sum(1.0, -1e-20);
        assert!(b < a && a > DoubleDouble::ONE && b < DoubleDouble::ONE);
        assert_eq!((-a).abs(), a);
    }
}

//! Small numerical helpers shared by the families, the fitting loops and the statistics.

use pulp::{Simd, WithSimd};

/// The significant decimal digits of an `f64`, `−log₁₀(ε/2)`, the most [`crate::GlmFit::digits`]
/// reports.
pub(crate) const F64_DIGITS: f64 = 15.653_559_774_527_022;

/// Converts a count (a dimension or an index) to `f64`.
///
/// Every `usize → f64` conversion in the crate goes through here. Counts below 2⁵³ convert
/// exactly, which covers every data set that fits in memory.
#[inline]
#[expect(
    clippy::cast_precision_loss,
    reason = "counts are far below 2^53, so the conversion is exact"
)]
pub(crate) fn count_to_f64(n: usize) -> f64 {
    n as f64
}

/// Below this `|t|`, [`t_minus_log1p`] sums a series instead of subtracting `ln(1 + t)` from
/// `t`; at `|t| = 0.25` the direct formula keeps at least 13 correct digits.
const SERIES_BOUND: f64 = 0.25;

/// `ln 2` split in two: the high part has 21 trailing zero bits, so `k·LN2_HI` is exact for
/// every binary exponent `k`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// The minimax coefficients of `ln x = f − f²/2 + s·(f²/2 + R(s²))`, `s = f/(2 + f)`, on
/// `x = 1 + f ∈ [√2/2, √2)`: fdlibm's `Lg1`…`Lg7` (`e_log.c`), whose error there is below
/// `2^−58.45`.
const LG: [f64; 7] = [
    f64::from_bits(0x3fe5_5555_5555_5593),
    f64::from_bits(0x3fd9_9999_9997_fa04),
    f64::from_bits(0x3fd2_4924_9422_9359),
    f64::from_bits(0x3fcc_71c5_1d8e_78af),
    f64::from_bits(0x3fc7_4664_96cb_03de),
    f64::from_bits(0x3fc3_9a09_d078_c69f),
    f64::from_bits(0x3fc2_f112_df3e_5244),
];
/// Added to the bits of a positive `u`, it carries into the exponent exactly when the
/// significand is at least `√2` (the high word of `√2/2` is `0x3fe6_a09e`).
const SQRT_HALF_CARRY: u64 = (0x3ff0_0000 - 0x3fe6_a09e) << 32;
/// `2⁵²`: a small integer placed in the significand of `2⁵²` is read back exactly by subtracting it.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// `ln(1 + t)` for `t ≥ −1`, to within about one ulp, written without branches so that a loop of
/// it compiles to vector instructions (the deviance of a large fit calls it once or twice a row).
///
/// fdlibm's algorithm: `u = 1 + t` is rounded, split as `u = 2ᵏ·x` with `x ∈ [√2/2, √2)`, and
/// `ln(1 + t) = k·ln 2 + ln x + c/u`, where `c` is the rounding error of `u`, formed exactly
/// (`1 − (u − t)` when `k ≥ 2`, `t − (u − 1)` otherwise, both by Sterbenz's lemma). `ln x` is
/// fdlibm's `e_log.c` polynomial in `s = f/(2 + f)`, `f = x − 1`. `−∞` at `t = −1`, `∞` at
/// `t = ∞`, NaN below `−1` and at NaN. (`u` is never subnormal: it is 0 or at least `2⁻⁵³`.)
///
/// It is not `f64::ln_1p` bit for bit (the platform's `log1p`); every caller in the crate uses
/// this one, so that a deviance summed in vector lanes is the row-by-row one bit for bit.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
#[inline(always)]
pub(crate) fn ln_1p(t: f64) -> f64 {
    let u = 1.0 + t;
    let (k, x) = split_exponent(u);
    let c = if k >= 2.0 { 1.0 - (u - t) } else { t - (u - 1.0) } / u;
    let ln = reduced_log(k, x, c);
    let edge = if u == 0.0 { f64::NEG_INFINITY } else { f64::NAN };
    let edge = if u == f64::INFINITY { u } else { edge };
    if u > 0.0 && u < f64::INFINITY { ln } else { edge }
}

/// `2⁵⁴`: brings a subnormal into the normal range exactly.
const TWO_54: f64 = 18_014_398_509_481_984.0;

/// `ln x` for `x ≥ 0`, to within about one ulp, without branches (a loop of it compiles to
/// vector instructions): fdlibm's `e_log.c`, the polynomial of [`ln_1p`] on `x = 2ᵏ·m`,
/// `m ∈ [√2/2, √2)`, whose `f = m − 1` is exact, so no correction term. A subnormal `x` is
/// first scaled by `2⁵⁴`. `−∞` at 0, `∞` at `∞`, NaN below 0 and at NaN.
///
/// It is not `f64::ln` bit for bit (the platform's `log`, whose bits may depend on the CPU's
/// instruction set); the log-likelihood uses this one, so that its terms can be formed in
/// vector lanes and are the same on every machine.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn ln(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE;
    let (k, m) = split_exponent(if tiny { x * TWO_54 } else { x });
    let ln = reduced_log(if tiny { k - 54.0 } else { k }, m, 0.0);
    let edge = if x == 0.0 { f64::NEG_INFINITY } else { f64::NAN };
    let edge = if x == f64::INFINITY { x } else { edge };
    if x > 0.0 && x < f64::INFINITY { ln } else { edge }
}

/// `(k, x)` with `u = 2ᵏ·x` and `x ∈ [√2/2, √2)`, for a positive normal `u`: the exponent read
/// as an integer through the significand of `2⁵²`, after [`SQRT_HALF_CARRY`].
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
fn split_exponent(u: f64) -> (f64, f64) {
    let bits = u.to_bits().wrapping_add(SQRT_HALF_CARRY);
    let k = f64::from_bits((bits >> 52) | TWO_52.to_bits()) - (TWO_52 + 1023.0);
    let x = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) + (0x3fe6_a09e << 32));
    (k, x)
}

/// `k·ln 2 + ln x + c` for `x ∈ [√2/2, √2)` and a correction `c` far below `x − 1`: fdlibm's
/// polynomial in `s = f/(2 + f)`, `f = x − 1`, with `ln 2` in two parts.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
fn reduced_log(k: f64, x: f64, c: f64) -> f64 {
    let f = x - 1.0;
    let half_f2 = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let even = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let odd = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    s * (half_f2 + (odd + even)) + (k * LN2_LO + c) - half_f2 + f + k * LN2_HI
}

/// The coefficients of fdlibm's `e_exp.c` rational approximation `R(r²)`, `P1`…`P5`, whose
/// error on `|r| ≤ ln 2/2` is below `2⁻⁵⁹`.
const EXP_P: [f64; 5] = [
    f64::from_bits(0x3fc5_5555_5555_553e),
    f64::from_bits(0xbf66_c16c_16be_bd93),
    f64::from_bits(0x3f11_566a_af25_de2c),
    f64::from_bits(0xbebb_bd41_c5d2_6bf1),
    f64::from_bits(0x3e66_3769_72be_a4d0),
];
/// `1/ln 2`.
const INV_LN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
/// Above this, `eˣ` overflows (fdlibm's `o_threshold`).
const EXP_OVERFLOW: f64 = f64::from_bits(0x4086_2e42_fefa_39ef);
/// Below this, `eˣ` rounds to 0 (fdlibm's `u_threshold`).
const EXP_UNDERFLOW: f64 = f64::from_bits(0xc087_4910_d52d_3051);
/// `1.5·2⁵²`: adding and subtracting it rounds a double below `2⁵¹` in magnitude to an integer.
const ROUNDING_SHIFT: f64 = 6_755_399_441_055_744.0;

/// `2ᵏ` for an integer `k` (as a double) in `[−1022, 1023]`, built from its bits.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
fn two_to(k: f64) -> f64 {
    // k + 1023 lands in the low bits of the significand of 2⁵² + k + 1023.
    f64::from_bits(((k + (TWO_52 + 1023.0)).to_bits() & 0x7ff) << 52)
}

/// `eˣ` to within about one ulp, written without branches so that a loop of it compiles to
/// vector instructions (the log and logit links call it for every row of every pass).
///
/// fdlibm's algorithm (`e_exp.c`): `x = k·ln 2 + r` with `k` the nearest integer to `x/ln 2`
/// and `r = hi − lo` (Cody and Waite's two-part `ln 2`, so that `hi` is exact),
/// `eʳ = 1 − ((lo − r·c/(2 − c)) − hi)` with `c = r − r²·R(r²)`, and the result scaled by `2ᵏ`
/// in two halves, so that subnormal results are rounded once and `k = 1024` does not overflow
/// the scale. `∞` above `709.78…`, 0 below `−745.13…`, NaN at NaN.
///
/// It is not `f64::exp` bit for bit (the platform's `exp`); the log and logit links use this
/// one everywhere, so that their means are the same bits on every path.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn exp(x: f64) -> f64 {
    let k = (x * INV_LN2 + ROUNDING_SHIFT) - ROUNDING_SHIFT;
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (EXP_P[0] + t * (EXP_P[1] + t * (EXP_P[2] + t * (EXP_P[3] + t * EXP_P[4]))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    let half = (k * 0.5 + ROUNDING_SHIFT) - ROUNDING_SHIFT;
    let scaled = y * two_to(half) * two_to(k - half);
    let edge = if x > EXP_OVERFLOW { f64::INFINITY } else { x };
    let edge = if x < EXP_UNDERFLOW { 0.0 } else { edge };
    if (EXP_UNDERFLOW..=EXP_OVERFLOW).contains(&x) { scaled } else { edge }
}

/// `t − ln(1 + t)` for `t ≥ −1`: non-negative, and accurate to a few ulps even for tiny `t`.
///
/// Near `t = 0` the direct formula cancels (the result is about `t²/2`). There, with
/// `u = t/(2 + t)`, `ln(1 + t) = 2·atanh(u) = 2(u + u³/3 + u⁵/5 + …)` and `t − 2u = t·u`, so
/// `t − ln(1 + t) = t·u − 2u³·(1/3 + u²/5 + u⁴/7 + …)`: for `t < 0` both terms are positive,
/// and for `t > 0` the second is at most `t/6` of the first, so nothing cancels. For
/// `|t| < 0.25`, `u² < 0.0205`, and ten terms of the bracket (Horner, fixed length) reach below
/// `2⁻⁵³` of its first. Elsewhere it is `t − ln_1p(t)` by [`ln_1p`]. Both are formed and one is
/// selected, so that a loop of it has no branches.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
#[inline(always)]
pub(crate) fn t_minus_log1p(t: f64) -> f64 {
    let u = t / (2.0 + t);
    let u2 = u * u;
    let mut bracket = 1.0 / 23.0;
    for d in [21.0, 19.0, 17.0, 15.0, 13.0, 11.0, 9.0, 7.0, 5.0, 3.0] {
        bracket = bracket * u2 + 1.0 / d;
    }
    let series = t * u - 2.0 * u * u2 * bracket;
    let direct = t - ln_1p(t);
    let h = if t.abs() < SERIES_BOUND { series } else { direct };
    // ∞ − ln(1 + ∞) would be NaN; the limit is ∞.
    if t == f64::INFINITY { t } else { h }
}

/// Half the Poisson unit deviance, `y·ln(y/μ) − y + μ ≥ 0`, for `y ≥ 0` and `μ > 0`, written
/// as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)` so that it is accurate (and non-negative) when
/// `y ≈ μ`. At `y = 0` it is `μ`, the limit.
pub(crate) fn half_poisson_deviance(y: f64, mu: f64) -> f64 {
    if y == 0.0 {
        return mu;
    }
    let ratio = mu / y;
    if ratio.is_finite() {
        half_poisson_deviance_lane(y, mu)
    } else {
        // y is so far below μ (a subnormal y) that μ/y overflows: y·ln(y/μ) − y + μ directly,
        // whose terms cannot cancel (y·ln(μ/y) is below 710·y, negligible against μ).
        mu - y - y * (mu.ln() - y.ln())
    }
}

/// [`half_poisson_deviance`] without branches, for loops that compile to vector instructions:
/// the same bits wherever `μ/y` is finite (and `μ` at `y = 0`); where `μ/y` overflows it is
/// `∞` or NaN, and the caller must ask [`half_poisson_deviance`] instead.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
#[inline(always)]
pub(crate) fn half_poisson_deviance_lane(y: f64, mu: f64) -> f64 {
    let h = y * t_minus_log1p(mu / y - 1.0);
    if y == 0.0 { mu } else { h }
}

/// Half the binomial unit deviance (`family.rs`'s sum of two Poisson-type terms) without
/// branches, on the terms of [`half_poisson_deviance_lane`].
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
#[inline(always)]
pub(crate) fn half_binomial_deviance_lane(y: f64, mu: f64) -> f64 {
    half_poisson_deviance_lane(y, mu) + half_poisson_deviance_lane(1.0 - y, 1.0 - mu)
}

/// Largest magnitude below which an `f64` can have a fractional part: 2⁵².
const INTEGER_SPACING_ONE: f64 = 4_503_599_627_370_496.0;

/// `|v − round(v)|`, the distance from a finite `v` to the nearest integer, without a call to
/// `round` (a libm call on baseline x86-64). Below 2⁵² in magnitude, adding 2⁵² rounds to the
/// nearest integer (ties to even, where `round` takes them away from zero: the distance is ½
/// either way) and both subtractions are exact; from 2⁵² on every `f64` is an integer.
#[inline]
pub(crate) fn integer_distance(v: f64) -> f64 {
    let a = v.abs();
    if a < INTEGER_SPACING_ONE {
        (a - ((a + INTEGER_SPACING_ONE) - INTEGER_SPACING_ONE)).abs()
    } else {
        0.0
    }
}

/// `x·ln(p)` with the convention `0·ln(0) = 0` (and `0·ln(p) = 0` for any `p`), as in the
/// binomial and Poisson likelihoods, by the crate's [`ln`].
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn x_ln(x: f64, p: f64) -> f64 {
    // Both formed, one selected: no branch. (`0·ln 0` is NaN, and not selected.)
    let product = x * ln(p);
    if x == 0.0 { 0.0 } else { product }
}

/// `ln x! = lnΓ(x + 1)` by `statrs`'s `ln_gamma`, looked up for the integers below a bound: a
/// table of the function's own values, so that a lookup is bit for bit the call it replaces.
/// A log-likelihood over many counts (Poisson `ln y!`, binomial coefficients) calls it two or
/// three times per observation, mostly at a few small integers.
#[derive(Debug, Clone, Default)]
pub(crate) struct LnFactorial {
    table: Vec<f64>,
}

impl LnFactorial {
    /// `ln j!` tabulated for `j < len` (`len` calls of `ln_gamma`).
    pub(crate) fn new(len: usize) -> Self {
        use statrs::function::gamma::ln_gamma;
        Self { table: (0..len).map(|j| ln_gamma(count_to_f64(j) + 1.0)).collect() }
    }

    /// `ln x! = lnΓ(x + 1)` for real `x ≥ 0`.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::float_cmp,
        reason = "x in [0, table length) is an integer exactly when its truncation gives it back"
    )]
    pub(crate) fn of(&self, x: f64) -> f64 {
        // `x as usize` truncates; it gives `x` back exactly when `x` is an integer (a test with
        // no call to `trunc`, which baseline x86-64 makes through libm).
        if x >= 0.0 && x < count_to_f64(self.table.len()) && count_to_f64(x as usize) == x {
            self.table[x as usize]
        } else {
            statrs::function::gamma::ln_gamma(x + 1.0)
        }
    }

    /// `ln C(n, k) = lnΓ(n + 1) − lnΓ(k + 1) − lnΓ(n − k + 1)`, for real `0 ≤ k ≤ n`.
    pub(crate) fn ln_binomial(&self, n: f64, k: f64) -> f64 {
        self.of(n) - self.of(k) - self.of(n - k)
    }
}

/// The smallest argument [`stirling_remainder`] accepts: there its series, summed to the
/// `x⁻¹³` term, is accurate to `3·10⁻²⁰` absolute (the first omitted term).
pub(crate) const STIRLING_MIN: f64 = 16.0;

/// Stirling's remainder `ω(x) = lnΓ(x) − [(x − ½)·ln x − x + ½·ln 2π]` for `x ≥ STIRLING_MIN`,
/// by its asymptotic series `Σ B₂ₖ/(2k(2k − 1)·x^{2k−1})` (Abramowitz & Stegun 6.1.40) to the
/// seventh term. It lets `lnΓ(θ + y) − lnΓ(θ)` be written without the terms of size `θ·ln θ`.
pub(crate) fn stirling_remainder(x: f64) -> f64 {
    // B₂ₖ/(2k(2k − 1)) for k = 1, …, 7, innermost last for Horner's rule in 1/x².
    const COEFFICIENTS: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
    ];
    debug_assert!(x >= STIRLING_MIN, "Stirling's series needs x ≥ {STIRLING_MIN}, got {x}");
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    inv * COEFFICIENTS.iter().rev().fold(0.0, |acc, &c| acc * inv2 + c)
}

/// How far a sum of `n` terms of total magnitude `magnitude` can move through rounding alone:
/// [`ROUNDING_SLACK`]`·n·ε·magnitude`. Used to tell a real rise of the deviance (or a real fall
/// of the log-likelihood) from rounding noise.
pub(crate) fn rounding_noise(n: usize, magnitude: f64) -> f64 {
    ROUNDING_SLACK * count_to_f64(n.max(1)) * f64::EPSILON * magnitude
}

/// Safety factor of [`rounding_noise`]: the error bound of a recursive sum is `(n − 1)·ε` times
/// the sum of magnitudes; each term carries a few more roundings of its own (a logarithm, a
/// product), which the factor 8 covers.
pub(crate) const ROUNDING_SLACK: f64 = 8.0;

/// Euclidean norm of a slice.
pub(crate) fn norm2(v: &[f64]) -> f64 {
    let scale = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    scale * v.iter().map(|x| (x / scale).powi(2)).sum::<f64>().sqrt()
}

/// How close (in `log₂` units) [`unit_scale_of`]'s quick norm may come to a rounding boundary of
/// `log₂` before it defers to [`norm2`]: far above the quick norm's relative error (at most
/// about `n·ε`, 10⁻¹⁰ at 10⁶ entries) and [`norm2`]'s.
const SCALE_BOUNDARY_MARGIN: f64 = 1e-6;

/// The largest magnitudes whose squares [`unit_scale_of`] adds without scaling: `2⁻⁴⁵⁰` to
/// `2⁴⁵⁰`, so that no square overflows (even summed over 2¹²⁰ entries) and a square that
/// underflows is negligible against the largest.
const PLAIN_SQUARES_MIN: f64 = f64::from_bits((1023 - 450) << 52);
/// See [`PLAIN_SQUARES_MIN`].
const PLAIN_SQUARES_MAX: f64 = f64::from_bits((1023 + 450) << 52);

/// `unit_scale(norm2(v))`, the same power of two, found faster: the norm by eight independent
/// partial sums (which vector units can add at once, where [`norm2`]'s single running sum waits
/// on each addition), and [`norm2`] itself only when that quick norm's `log₂` lies within
/// [`SCALE_BOUNDARY_MARGIN`] of a half-integer, where the two could round to different powers.
/// Elsewhere both norms are within far less than the margin of each other, so `round(log₂)`
/// agrees.
#[inline(always)]
pub(crate) fn unit_scale_of(v: &[f64]) -> f64 {
    const LANES: usize = 8;
    // The largest magnitude (exact in any order) and the plain sum of squares, lane by lane, in
    // one read.
    let (mut largest, mut sums) = ([0.0_f64; LANES], [0.0_f64; LANES]);
    let chunks = v.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks.clone() {
        for ((m, s), x) in largest.iter_mut().zip(&mut sums).zip(chunk) {
            *m = m.max(x.abs());
            *s += x * x;
        }
    }
    let scale = rest.iter().chain(&largest).fold(0.0_f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return unit_scale(scale);
    }
    let norm = if (PLAIN_SQUARES_MIN..=PLAIN_SQUARES_MAX).contains(&scale) {
        // No square overflows, and the squares that underflow are below 2⁻¹⁰⁷⁴ against a
        // largest one above 2⁻⁹⁰⁰: they move the sum by far less than its rounding.
        let tail: f64 = rest.iter().map(|x| x * x).sum();
        (sums.iter().sum::<f64>() + tail).sqrt()
    } else {
        // Far from 1: a second read, relative to the largest magnitude.
        let mut sums = [0.0_f64; LANES];
        for chunk in chunks {
            for (s, x) in sums.iter_mut().zip(chunk) {
                let t = x / scale;
                *s += t * t;
            }
        }
        let tail: f64 = rest.iter().map(|x| (x / scale).powi(2)).sum();
        scale * (sums.iter().sum::<f64>() + tail).sqrt()
    };
    let position = norm.log2();
    if (position - position.floor() - 0.5).abs() < SCALE_BOUNDARY_MARGIN {
        return unit_scale(norm2(v));
    }
    unit_scale(norm)
}

/// The power of two that brings a vector of norm `norm` to unit norm (1 for a zero or non-finite
/// norm): multiplying by it is exact, so it changes units without rounding.
pub(crate) fn unit_scale(norm: f64) -> f64 {
    let scale = (-norm.log2().round()).exp2();
    if norm > 0.0 && norm.is_finite() && scale.is_finite() && scale > 0.0 { scale } else { 1.0 }
}

/// [`unit_scale_of`] as an operation that `pulp` compiles for the best instruction set the
/// CPU offers (a closure would be compiled for the baseline: see `linalg_core`'s kernels).
/// Maxima and lane sums are the same numbers on every instruction set.
pub(crate) struct UnitScale<'a>(pub(crate) &'a [f64]);

impl WithSimd for UnitScale<'_> {
    type Output = f64;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        unit_scale_of(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DVector;

    #[test]
    fn integer_distance_is_that_of_round_and_the_table_lookup_that_of_ln_gamma() {
        let mut values =
            vec![0.0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.499_999_999_999_999_94, 1e-300, 7.0];
        values.extend([4.5e15, 4_503_599_627_370_495.5, -4_503_599_627_370_495.5, 1e300]);
        let mut rng = sim::rng_from_seed(5);
        let draws = sim::gaussian(&DVector::zeros(2000), 1.0, &mut rng).unwrap();
        let powers = (-4..16).cycle().map(|k| 10f64.powi(k));
        values.extend(draws.iter().zip(powers).map(|(d, s)| d * s));
        for v in values {
            let expected = (v - v.round()).abs();
            assert_eq!(integer_distance(v).to_bits(), expected.to_bits(), "{v:e}");
        }
        let table = LnFactorial::new(16);
        for x in [0.0, -0.0, 1.0, 3.0, 15.0, 16.0, 2.5, -1.0, 15.999_999_999_999_998, 1e-310] {
            let expected = statrs::function::gamma::ln_gamma(x + 1.0);
            assert_eq!(table.of(x).to_bits(), expected.to_bits(), "{x}");
        }
    }

    #[track_caller]
    fn check(computed: f64, expected: f64, rel: f64) {
        let err = (computed - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(err <= rel, "{computed} vs {expected}: relative error {err:e}");
    }

    #[test]
    #[expect(clippy::excessive_precision, reason = "mpmath's reference values, pasted in full")]
    fn t_minus_log1p_is_accurate_on_both_sides_of_the_switch() {
        // Reference values from the series evaluated in high precision (mpmath, 50 digits).
        check(t_minus_log1p(1e-10), 4.999_999_999_666_666_4e-21, 4.0 * f64::EPSILON);
        check(t_minus_log1p(-1e-3), 5.003_335_835_335_001e-7, 4.0 * f64::EPSILON);
        check(t_minus_log1p(0.3), 0.3 - 0.3_f64.ln_1p(), 4.0 * f64::EPSILON);
        check(t_minus_log1p(0.249_999), 0.249_999 - 0.249_999_f64.ln_1p(), 1e-13);
        // mpmath at 40 digits, inside the series' range on both sides.
        for (t, expected) in [
            (0.2, 0.017_678_443_206_045_373_788),
            (-0.2, 0.023_143_551_314_209_755_766),
            (0.01, 4.966_914_683_191_715_178_5e-5),
            (-0.24, 0.034_436_845_701_760_289_192),
            (1e-5, 4.999_966_666_916_664_666_7e-11),
        ] {
            check(t_minus_log1p(t), expected, 4.0 * f64::EPSILON);
        }
        assert_eq!(t_minus_log1p(0.0).to_bits(), 0.0_f64.to_bits());
        assert!(t_minus_log1p(-0.999_999) > 0.0);
    }

    /// The distance in ulps between two finite doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    #[expect(clippy::excessive_precision, reason = "mpmath's reference values, pasted in full")]
    fn ln_1p_is_within_an_ulp_of_the_correctly_rounded_value() {
        // mpmath's log1p at 50 digits, printed to 25 and read back rounded to nearest: each side
        // of every switch of the reduction (k = 0, 1, ≥ 2; x at √2/2 and √2) and the extremes.
        for (t, expected) in [
            (-0.999_999_999_999, -27.631_043_237_893_358_571_455_7),
            (-0.9, -std::f64::consts::LN_10),
            (-0.75, -1.386_294_361_119_890_618_834_464),
            (-0.5, -std::f64::consts::LN_2),
            (-0.4142, -0.534_776_844_588_503_970_117_023_7),
            (-0.2929, -0.346_583_180_371_941_921_772_760_6),
            (-0.25, -0.287_682_072_451_780_927_439_219),
            (0.25, 0.223_143_551_314_209_755_766_295_1),
            (0.3, 0.262_364_264_467_491_043_495_318_9),
            (0.414_213_5, 0.346_573_546_175_533_218_158_932_3),
            (0.5, 0.405_465_108_108_164_381_978_013_1),
            (0.75, 0.559_615_787_935_422_686_270_888_5),
            (1.0, std::f64::consts::LN_2),
            (1.5, 0.916_290_731_874_155_065_183_527_2),
            (1.8, 1.029_619_417_181_158_255_782_154),
            (2.0, 1.098_612_288_668_109_691_395_245),
            (2.5, 1.252_762_968_495_367_995_688_121),
            (3.0, 1.386_294_361_119_890_618_834_464),
            (7.0, 2.079_441_541_679_835_928_251_696),
            (15.0, 2.772_588_722_239_781_237_668_928),
            (1000.0, 6.908_754_779_315_220_585_220_784),
            (123_456.789, 11.723_654_587_153_149_902_578_9),
            (1e10, 23.025_850_930_040_456_840_174_91),
            (9_007_199_254_740_992.0, 36.736_800_569_677_101_510_135_6),
            (1e100, 230.258_509_299_404_568_417_702),
            (1e300, 690.775_527_898_213_705_257_902_2),
            (1.7e308, 709.726_836_893_228_241_037_791),
        ] {
            assert!(ulps(ln_1p(t), expected) <= 1, "ln_1p({t}) = {} vs {expected}", ln_1p(t));
        }
        assert_eq!(ln_1p(-1.0).to_bits(), f64::NEG_INFINITY.to_bits());
        assert_eq!(ln_1p(f64::INFINITY).to_bits(), f64::INFINITY.to_bits());
        assert!(ln_1p(-1.5).is_nan() && ln_1p(f64::NAN).is_nan());
        assert_eq!(ln_1p(0.0).to_bits(), 0.0_f64.to_bits());
    }

    #[test]
    #[expect(clippy::excessive_precision, reason = "mpmath's reference values, pasted in full")]
    fn exp_is_within_an_ulp_of_the_correctly_rounded_value() {
        // mpmath's exp at 50 digits, printed to 25: around the switches of the reduction
        // (|x| = ln 2/2), large arguments on both sides, and subnormal results.
        for (x, expected) in [
            (1e-300, 1.0),
            (-1e-17, 0.999_999_999_999_999_99),
            (1e-10, 1.000_000_000_100_000_000_005),
            (0.346_5, 1.414_109_493_830_362_415_098_329),
            (0.346_6, 1.414_250_911_850_528_674_230_498),
            (-0.346_6, 0.707_088_106_941_018_820_273_047_5),
            (0.5, 1.648_721_270_700_128_146_848_651),
            (1.0, std::f64::consts::E),
            (-2.5, 0.082_084_998_623_898_795_169_528_67),
            (3.7, 40.447_304_360_067_397_713_778_76),
            (-20.25, 1.605_228_055_185_611_608_653_934e-9),
            (88.7, 3.325_986_980_250_579_038_595_325e38),
            (700.0, 1.014_232_054_735_004_509_455_33e304),
            (709.78, 1.792_822_794_394_515_620_908_413e308),
            (-700.0, 9.859_676_543_759_770_856_705_373e-305),
            (-708.5, 2.006_132_305_331_305_820_380_637e-308),
            (-720.0, 2.032_230_802_424_293_152_866_634e-313),
            (-744.0, 7.671_944_704_179_979_073_949_774e-324),
        ] {
            assert!(ulps(exp(x), expected) <= 1, "exp({x}) = {:e} vs {expected:e}", exp(x));
        }
        assert_eq!(exp(710.0).to_bits(), f64::INFINITY.to_bits());
        assert_eq!(exp(f64::INFINITY).to_bits(), f64::INFINITY.to_bits());
        assert_eq!(exp(-746.0).to_bits(), 0.0_f64.to_bits());
        assert_eq!(exp(f64::NEG_INFINITY).to_bits(), 0.0_f64.to_bits());
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(0.0).to_bits(), 1.0_f64.to_bits());
    }

    /// Against the platform's `exp` on a sweep of the whole finite range: never more than one
    /// ulp apart.
    #[test]
    fn exp_agrees_with_the_platform_exp() {
        let pool = sim::gaussian_matrix(20_000, 1, &mut sim::rng_from_seed(6)).unwrap();
        let mut worst = 0;
        for (k, &g) in pool.iter().enumerate() {
            let x = match k % 3 {
                0 => g,
                1 => 30.0 * g,
                _ => (g * 300.0).clamp(-745.0, 709.7),
            };
            worst = worst.max(ulps(exp(x), x.exp()));
        }
        assert!(worst <= 1, "{worst} ulps");
    }

    #[test]
    #[expect(clippy::excessive_precision, reason = "mpmath's reference values, pasted in full")]
    fn ln_is_within_an_ulp_of_the_correctly_rounded_value() {
        // mpmath's log of each double at 50 digits, printed to 25: subnormal and normal extremes,
        // each side of √2/2 and √2, next to 1, and large arguments.
        for (x, expected) in [
            (1e-320, -736.827_240_890_973_906_150_986_9),
            (2.225_073_858_507_201_4e-308, -708.396_418_532_264_106_224_411_2),
            (1e-300, -690.775_527_898_213_705_180_338_3),
            (1e-10, -23.025_850_929_940_456_803_747_72),
            (0.1, -2.302_585_092_994_045_628_506_84),
            (0.5, -std::f64::consts::LN_2),
            (0.707_106_781_186_547_5, -0.346_573_590_279_972_743_359_775_4),
            (std::f64::consts::FRAC_1_SQRT_2, -0.346_573_590_279_972_586_350_529_5),
            (0.75, -0.287_682_072_451_780_927_439_219),
            (0.999_999_999_9, -1.000_000_082_790_371_007_367_744e-10),
            (1.000_000_000_1, 1.000_000_082_690_370_990_819_669e-10),
            (
                f64::from_bits(std::f64::consts::SQRT_2.to_bits() - 1),
                0.346_573_590_279_972_566_057_456_8,
            ),
            (std::f64::consts::SQRT_2, 0.346_573_590_279_972_723_066_702_6),
            (2.0, std::f64::consts::LN_2),
            (3.0, 1.098_612_288_668_109_691_395_245),
            (10.0, std::f64::consts::LN_10),
            (123_456.789, 11.723_646_487_185_881_016_029_63),
            (1e100, 230.258_509_299_404_568_417_702),
            (1.7e308, 709.726_836_893_228_241_037_791),
        ] {
            assert!(ulps(ln(x), expected) <= 1, "ln({x:e}) = {} vs {expected}", ln(x));
        }
        assert_eq!(ln(1.0).to_bits(), 0.0_f64.to_bits());
        assert_eq!(ln(0.0).to_bits(), f64::NEG_INFINITY.to_bits());
        assert_eq!(ln(f64::INFINITY).to_bits(), f64::INFINITY.to_bits());
        assert!(ln(-1.0).is_nan() && ln(-0.0 - 1e-310).is_nan() && ln(f64::NAN).is_nan());
    }

    /// Against the platform's `log` on a log-uniform sweep of the whole positive range,
    /// subnormals included: never more than one ulp apart.
    #[test]
    fn ln_agrees_with_the_platform_log() {
        let pool = sim::gaussian_matrix(20_000, 1, &mut sim::rng_from_seed(7)).unwrap();
        let mut worst = 0;
        for &g in &pool {
            let x = 2f64.powf((g * 400.0).clamp(-1070.0, 1023.0)) * (1.0 + 0.37 * g.abs().fract());
            worst = worst.max(ulps(ln(x), x.ln()));
        }
        assert!(worst <= 1, "{worst} ulps");
    }

    /// Against the platform's `log1p` (itself within about an ulp) on a log-uniform sweep of
    /// `t` on both sides of zero: never more than two ulps apart.
    #[test]
    fn ln_1p_agrees_with_the_platform_log1p() {
        let pool = sim::gaussian_matrix(20_000, 1, &mut sim::rng_from_seed(5)).unwrap();
        let mut worst = 0;
        for (k, &g) in pool.iter().enumerate() {
            // |t| from 2⁻⁶⁰ to 2⁴⁰⁰ above zero, from 2⁻⁶⁰ to just below 1 beneath it.
            let magnitude = 2f64.powf(g.abs() * 60.0 - 60.0);
            let t = if k % 2 == 0 {
                magnitude * 2f64.powi(i32::from(k % 7 == 0) * 300)
            } else {
                -magnitude.min(0.999_999)
            };
            worst = worst.max(ulps(ln_1p(t), t.ln_1p()));
        }
        assert!(worst <= 2, "{worst} ulps");
    }

    /// The quick scale is `unit_scale(norm2(v))` bit for bit: on vectors of every length mod 8
    /// and magnitudes inside and outside the range whose squares add unscaled (up to `2^±1000`),
    /// and on vectors whose norm sits within 10⁻¹² of a rounding boundary of `log₂` on either
    /// side, where only the fallback can decide.
    #[test]
    fn the_quick_scale_is_the_norm_s_scale() {
        let pool = sim::gaussian_matrix(4096, 1, &mut sim::rng_from_seed(31)).unwrap();
        let mut draws = pool.iter().copied().cycle();
        let mut normal = move || draws.next().unwrap();
        for len in [0, 1, 7, 8, 9, 100, 1003] {
            for exponent in [-1000, -700, -300, -20, 0, 3, 40, 300, 600, 1000] {
                let v: Vec<f64> = (0..len).map(|_| normal() * 2f64.powi(exponent)).collect();
                assert_eq!(unit_scale_of(&v).to_bits(), unit_scale(norm2(&v)).to_bits());
            }
        }
        // ‖(a, a)‖ = √2·a = 2^(k + ½) at a = 2^k: on the boundary, and just off it both ways.
        for k in [-3, 0, 5] {
            for nudge in [-1e-12, 0.0, 1e-12] {
                let a = 2f64.powi(k) * (1.0 + nudge);
                let v = vec![a; 2];
                assert_eq!(unit_scale_of(&v).to_bits(), unit_scale(norm2(&v)).to_bits());
                let long = vec![a; 16];
                let expected = unit_scale(norm2(&long));
                assert_eq!(unit_scale_of(&long).to_bits(), expected.to_bits());
            }
        }
        assert_eq!(unit_scale_of(&[f64::INFINITY, 1.0]).to_bits(), 1.0_f64.to_bits());
        assert_eq!(unit_scale_of(&[0.0; 9]).to_bits(), 1.0_f64.to_bits());
    }

    #[test]
    fn half_poisson_deviance_is_zero_only_at_y_equal_mu() {
        // A subnormal y below μ/f64::MAX: the ratio overflows, the deviance does not.
        check(half_poisson_deviance(5e-324, 0.5), 0.5, f64::EPSILON);
        assert!(t_minus_log1p(f64::INFINITY) == f64::INFINITY);
        assert_eq!(half_poisson_deviance(3.0, 3.0).to_bits(), 0.0_f64.to_bits());
        check(half_poisson_deviance(0.0, 2.5), 2.5, 0.0);
        check(half_poisson_deviance(4.0, 2.0), 4.0 * 2.0_f64.ln() - 2.0, 4.0 * f64::EPSILON);
        assert!(half_poisson_deviance(1.0, 1.0 + 1e-12) > 0.0);
    }

    #[test]
    #[expect(clippy::excessive_precision, reason = "mpmath's reference values, pasted in full")]
    fn stirling_remainder_completes_ln_gamma() {
        // lnΓ(x) from mpmath at 40 digits (`statrs`'s is off by 2.4e-15 relative at x = 16).
        let ln_sqrt_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        for (x, ln_gamma) in [
            (STIRLING_MIN, 27.899_271_383_840_891_566),
            (20.5, 40.831_500_974_530_798_110),
            (100.0, 359.134_205_369_575_398_776),
            (1e4, 82_099.717_496_442_377_272_65),
        ] {
            let stirling = (x - 0.5) * x.ln() - x + ln_sqrt_2pi + stirling_remainder(x);
            check(stirling, ln_gamma, 4.0 * f64::EPSILON);
        }
        // ω(x) → 1/(12x) − 1/(360x³) as x grows.
        check(stirling_remainder(1e8), 8.333_333_333_333_333_305e-10, f64::EPSILON);
    }

    #[test]
    fn helpers_follow_their_conventions() {
        assert_eq!(x_ln(0.0, 0.0).to_bits(), 0.0_f64.to_bits());
        check(LnFactorial::default().ln_binomial(5.0, 2.0), 10.0_f64.ln(), 16.0 * f64::EPSILON);
        check(norm2(&[3.0, 4.0]), 5.0, f64::EPSILON);
        check(norm2(&[3e200, 4e200]), 5e200, f64::EPSILON);
        assert!(rounding_noise(100, 1.0) > 0.0);
        check(count_to_f64(7), 7.0, 0.0);
    }
}

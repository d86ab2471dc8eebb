//! The standard normal distribution function `Φ` and its inverse to full double precision, for
//! the probit link (the `erfc` available here is accurate to only about 1e-10 in the tails).

#![expect(
    clippy::excessive_precision,
    reason = "the published coefficients are pasted as printed by Cody and Wichura"
)]

/// `1/√(2π)`.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_677_939_946_059_934;

/// `|x|` up to which [`cdf_both`] uses its central approximation: `Φ⁻¹(3/4)`.
const CENTRAL: f64 = 0.674_489_75;

/// `|x|` up to which [`cdf_both`] uses its intermediate approximation: `√32`.
const INTERMEDIATE: f64 = 5.656_854_249_492_380_195_206_754_896_838;

/// `|x|` beyond which the smaller tail underflows to 0 (Cody's limit).
const TAIL_LIMIT: f64 = 37.5193;

/// Cody's coefficients for `|x| ≤ 0.674`.
const A: [f64; 5] = [
    2.235_252_035_460_683_928_7,
    161.028_231_068_555_878_81,
    1_067.689_485_460_370_958_2,
    18_154.981_253_343_561_249,
    0.065_682_337_918_207_449_113,
];
const B: [f64; 4] = [
    47.202_581_904_688_241_87,
    976.098_551_737_776_693_22,
    10_260.932_208_618_978_205,
    45_507.789_335_026_729_956,
];

/// Cody's coefficients for `0.674 < |x| ≤ √32`.
const C: [f64; 9] = [
    0.398_941_512_088_134_667_64,
    8.883_149_794_388_375_941_2,
    93.506_656_132_177_855_979,
    597.270_276_394_800_262_26,
    2_494.537_585_290_372_671_1,
    6_848.190_450_536_282_332_6,
    11_602.651_437_647_350_124,
    9_842.714_838_383_978_021_8,
    1.076_557_677_372_019_231_7e-8,
];
const D: [f64; 8] = [
    22.266_688_044_328_115_691,
    235.387_901_782_624_998_61,
    1_519.377_599_407_554_805,
    6_485.558_298_266_760_755,
    18_615.571_640_885_098_091,
    34_900.952_721_145_977_266,
    38_912.003_286_093_271_411,
    19_685.429_676_859_990_727,
];

/// Cody's coefficients for `|x| > √32`.
const P: [f64; 6] = [
    0.215_898_534_057_956_99,
    0.127_401_161_160_247_363_9,
    0.022_235_277_870_649_807,
    0.001_421_619_193_227_893_466,
    2.911_287_495_116_879_2e-5,
    0.023_073_441_764_940_173_03,
];
const Q: [f64; 5] = [
    1.284_260_096_144_911_21,
    0.468_238_212_480_865_118,
    0.065_988_137_868_928_551_5,
    0.003_782_396_332_027_582_44,
    7.297_515_550_839_662_05e-5,
];

/// `(Φ(x), 1 − Φ(x))`, each computed directly so that neither loses relative accuracy in its
/// tail.
///
/// # Algorithm
/// W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
/// error function", *Math. Comp.* 23, 1969, and ACM TOMS Algorithm 715, 1993), as R's `pnorm`
/// uses them, with `exp(−x²/2)` evaluated as `exp(−x₁²/2)·exp(−(x − x₁)(x + x₁)/2)` for `x₁`
/// `x` truncated to a multiple of 1/16, which keeps the rounding of `x²` out of the tail.
///
/// # Accuracy
/// About 1e-16 relative in each output, down to the underflow of the smaller tail at
/// `|x| ≈ 37.5`.
pub(crate) fn cdf_both(x: f64) -> (f64, f64) {
    let y = x.abs();
    if y <= CENTRAL {
        let (mut num, mut den) = (0.0, 0.0);
        if y > 0.5 * f64::EPSILON {
            let xsq = x * x;
            num = A[4] * xsq;
            den = xsq;
            for k in 0..3 {
                num = (num + A[k]) * xsq;
                den = (den + B[k]) * xsq;
            }
        }
        let t = x * (num + A[3]) / (den + B[3]);
        return (0.5 + t, 0.5 - t);
    }
    let small = if y <= INTERMEDIATE {
        let mut num = C[8] * y;
        let mut den = y;
        for k in 0..7 {
            num = (num + C[k]) * y;
            den = (den + D[k]) * y;
        }
        gaussian_factor(y) * (num + C[7]) / (den + D[7])
    } else if y < TAIL_LIMIT {
        let xsq = 1.0 / (x * x);
        let mut num = P[5] * xsq;
        let mut den = xsq;
        for k in 0..4 {
            num = (num + P[k]) * xsq;
            den = (den + Q[k]) * xsq;
        }
        let t = xsq * (num + P[4]) / (den + Q[4]);
        gaussian_factor(y) * (FRAC_1_SQRT_2PI - t) / y
    } else {
        0.0
    };
    if x > 0.0 { (1.0 - small, small) } else { (small, 1.0 - small) }
}

/// `exp(−y²/2)` with the square split as `y₁² + (y − y₁)(y + y₁)`, `y₁ = ⌊16y⌋/16`, so that
/// `y₁²` is exact.
fn gaussian_factor(y: f64) -> f64 {
    let y1 = (y * 16.0).trunc() / 16.0;
    let del = (y - y1) * (y + y1);
    (-y1 * y1 * 0.5).exp() * (-del * 0.5).exp()
}

/// `Φ⁻¹(p)` for `0 < p < 1` (`∓∞` at 0 and 1).
///
/// # Algorithm
/// M. J. Wichura's AS 241 (`PPND16`, *Applied Statistics* 37, 1988), as R's `qnorm` uses it:
/// a rational approximation in `p − 1/2` in the centre and in `√(−ln min(p, 1 − p))` in the
/// tails.
///
/// # Accuracy
/// About 1e-16 relative.
pub(crate) fn quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        let num = ((((((r * 2_509.080_928_730_122_672_7 + 33_430.575_583_588_128_105) * r
            + 67_265.770_927_008_700_853)
            * r
            + 45_921.953_931_549_871_457)
            * r
            + 13_731.693_765_509_461_125)
            * r
            + 1_971.590_950_306_551_442_7)
            * r
            + 133.141_667_891_784_377_45)
            * r
            + 3.387_132_872_796_366_608;
        let den = ((((((r * 5_226.495_278_852_854_561 + 28_729.085_735_721_942_674) * r
            + 39_307.895_800_092_710_61)
            * r
            + 21_213.794_301_586_595_867)
            * r
            + 5_394.196_021_424_751_107_7)
            * r
            + 687.187_007_492_057_908_3)
            * r
            + 42.313_330_701_600_911_252)
            * r
            + 1.0;
        return q * num / den;
    }
    // The smaller tail probability; 1 − p as (0.5 − p) + 0.5, exact for p ≥ 1/2.
    let tail = if q < 0.0 { p } else { (0.5 - p) + 0.5 };
    if tail <= 0.0 {
        return if q < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let mut r = (-tail.ln()).sqrt();
    let value = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((r * 7.745_450_142_783_414_076_4e-4 + 0.022_723_844_989_269_184_583_3)
            * r
            + 0.241_780_725_177_450_611_77)
            * r
            + 1.270_458_252_452_368_382_58)
            * r
            + 3.647_848_324_763_204_605_04)
            * r
            + 5.769_497_221_460_691_405_5)
            * r
            + 4.630_337_846_156_545_295_9)
            * r
            + 1.423_437_110_749_683_577_34;
        let den = ((((((r * 1.050_750_071_644_416_843_24e-9 + 5.475_938_084_995_344_946e-4)
            * r
            + 0.015_198_666_563_616_457_196_6)
            * r
            + 0.148_103_976_427_480_074_59)
            * r
            + 0.689_767_334_985_100_004_55)
            * r
            + 1.676_384_830_183_803_849_4)
            * r
            + 2.053_191_626_637_758_821_87)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((r * 2.010_334_399_292_288_132_65e-7 + 2.711_555_568_743_487_578_15e-5)
            * r
            + 0.001_242_660_947_388_078_438_6)
            * r
            + 0.026_532_189_526_576_123_093)
            * r
            + 0.296_560_571_828_504_891_23)
            * r
            + 1.784_826_539_917_291_335_8)
            * r
            + 5.463_784_911_164_114_369_9)
            * r
            + 6.657_904_643_501_103_777_2;
        let den = ((((((r * 2.044_263_103_389_939_785_64e-15 + 1.421_511_758_316_445_888_7e-7)
            * r
            + 1.846_318_317_510_054_681_8e-5)
            * r
            + 7.868_691_311_456_132_591e-4)
            * r
            + 0.014_875_361_290_850_614_852_5)
            * r
            + 0.136_929_880_922_735_805_31)
            * r
            + 0.599_832_206_555_887_937_69)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(computed: f64, expected: f64, rel: f64) {
        let err = (computed - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(err <= rel, "{computed:e} vs {expected:e}: relative error {err:e}");
    }

    #[test]
    fn cdf_matches_high_precision_values_in_both_tails() {
        // (x, Φ(x), 1 − Φ(x)) from mpmath's ncdf at 40 digits.
        for (x, lower, upper) in [
            (0.5, 0.691_462_461_274_013_103_64, 0.308_537_538_725_986_896_36),
            (-0.3, 0.382_088_577_811_047_362_69, 0.617_911_422_188_952_637_31),
            (1.96, 0.975_002_104_851_779_565_86, 0.024_997_895_148_220_434_137),
            (-0.674, 0.250_155_656_840_322_590_83, 0.749_844_343_159_677_409_17),
            (0.7, 0.758_036_347_776_926_985_25, 0.241_963_652_223_073_014_75),
            (3.0, 0.998_650_101_968_369_905_47, 0.001_349_898_031_630_094_526_7),
            (-5.0, 2.866_515_718_791_939_116_7e-7, 0.999_999_713_348_428_120_81),
            (6.0, 0.999_999_999_013_412_354_96, 9.865_876_450_376_981_407e-10),
            (-8.0, 6.220_960_574_271_784_123_5e-16, 0.999_999_999_999_999_377_9),
            (-10.0, 7.619_853_024_160_526_066e-24, 1.0),
            (-30.0, 4.906_713_927_148_187_059_5e-198, 1.0),
        ] {
            let (l, u) = cdf_both(x);
            check(l, lower, 4.0 * f64::EPSILON);
            check(u, upper, 4.0 * f64::EPSILON);
        }
        assert_eq!(cdf_both(-40.0), (0.0, 1.0));
    }

    #[test]
    fn quantile_matches_high_precision_values() {
        // Φ⁻¹(p) from mpmath at 40 to 80 digits.
        for (p, x) in [
            (0.975, 1.959_963_984_540_053_855_6),
            (0.025, -1.959_963_984_540_054_211_8),
            (0.1, -1.281_551_565_544_600_435_3),
            (0.3, -0.524_400_512_708_040_815_97),
            (1e-5, -4.264_890_793_922_824_610_2),
            (0.99999, 4.264_890_793_923_840_769_9),
            (1e-20, -9.262_340_089_798_407_579_6),
            (1e-100, -21.273_453_560_965_324_294),
        ] {
            check(quantile(p), x, 4.0 * f64::EPSILON);
        }
        assert_eq!(quantile(0.5).to_bits(), 0.0_f64.to_bits());
        assert_eq!(quantile(0.0).to_bits(), f64::NEG_INFINITY.to_bits());
        assert_eq!(quantile(1.0).to_bits(), f64::INFINITY.to_bits());
    }
}

//! Differences of the digamma and trigamma functions, `ψ(x + y) − ψ(x)` and
//! `ψ′(x) − ψ′(x + y)`, accurate to a few ulps relative for every `x > 0` and `y ≥ 0`, for the
//! negative binomial's score and information in θ (`theta.rs`).
//!
//! Each difference is taken term by term, so that it never subtracts two values of size
//! `ln x` to get one of size `y/x`: the recurrences `ψ(x) = ψ(x + 1) − 1/x` and
//! `ψ′(x) = ψ′(x + 1) + 1/x²` shift both arguments until the smaller is at least
//! [`ASYMPTOTIC_MIN`], each shift adding the positive difference of two reciprocals in closed
//! form, and the asymptotic (Stirling) series finishes with differences of powers written as
//! `a⁻ᵐ·(−expm1(−m·ln1p(y/a)))`. `statrs` has ψ but not ψ′, and its ψ alone would cancel.

/// The smallest argument at which the asymptotic series is used: at 16 the first omitted term
/// of either series is below `10⁻¹⁹`, far below an ulp of the result.
const ASYMPTOTIC_MIN: f64 = 16.0;

/// `B₂ₖ/(2k)` for `k = 1..7`, the coefficients of `ψ(x) ~ ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ)`.
const DIGAMMA_SERIES: [f64; 7] = [
    1.0 / 12.0,
    -1.0 / 120.0,
    1.0 / 252.0,
    -1.0 / 240.0,
    1.0 / 132.0,
    -691.0 / 32_760.0,
    1.0 / 12.0,
];

/// `B₂ₖ` for `k = 1..7`, the coefficients of `ψ′(x) ~ 1/x + 1/(2x²) + Σ B₂ₖ/x²ᵏ⁺¹`.
const TRIGAMMA_SERIES: [f64; 7] =
    [1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0, -691.0 / 2730.0, 7.0 / 6.0];

/// `a⁻ᵐ − (a + y)⁻ᵐ ≥ 0` without cancellation, for `a > 0`, `y ≥ 0` and the power `m`.
fn power_difference(a: f64, y: f64, m: i32) -> f64 {
    let log_ratio = (y / a).ln_1p();
    a.powi(-m) * -(-f64::from(m) * log_ratio).exp_m1()
}

/// `ψ(x + y) − ψ(x)` for `x > 0` and `y ≥ 0` (for integer `y`, `Σₖ₌₀^{y−1} 1/(x + k)`).
///
/// # Algorithm
/// Shift both arguments by the recurrence until `x ≥ 16`, adding `y/(x(x + y))` per shift,
/// then the asymptotic series of the difference (Abramowitz & Stegun 6.3.18).
///
/// # Cost
/// At most 16 shifts and 7 series terms.
///
/// # Accuracy
/// A few ulps relative: every term is non-negative or a series correction below `10⁻³` of
/// the leading term.
pub(crate) fn digamma_difference(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut a = x;
    while a < ASYMPTOTIC_MIN {
        sum += y / (a * (a + y));
        a += 1.0;
    }
    let b = a + y;
    let mut series = (y / a).ln_1p() + y / (2.0 * a * b);
    for (k, c) in (1..).zip(DIGAMMA_SERIES) {
        series += c * power_difference(a, y, 2 * k);
    }
    sum + series
}

/// `ψ′(x) − ψ′(x + y) ≥ 0` for `x > 0` and `y ≥ 0` (for integer `y`,
/// `Σₖ₌₀^{y−1} 1/(x + k)²`).
///
/// # Algorithm
/// As [`digamma_difference`], with `y(2p + y)/(p(p + y))²` per shift from `p`, then the
/// asymptotic series of `ψ′` (Abramowitz & Stegun 6.4.12).
///
/// # Cost
/// At most 16 shifts and 7 series terms.
///
/// # Accuracy
/// A few ulps relative, as [`digamma_difference`].
pub(crate) fn trigamma_difference(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut a = x;
    while a < ASYMPTOTIC_MIN {
        let q = a * (a + y);
        sum += y * (2.0 * a + y) / q / q;
        a += 1.0;
    }
    let mut series = power_difference(a, y, 1) + 0.5 * power_difference(a, y, 2);
    for (k, c) in (1..).zip(TRIGAMMA_SERIES) {
        series += c * power_difference(a, y, 2 * k + 1);
    }
    sum + series
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks both differences against their finite sums for integer `y`.
    #[track_caller]
    fn check(x: f64, y: u32, ulps: f64) {
        let (mut d, mut t) = (0.0, 0.0);
        // Summed from the small terms up, so the reference itself rounds little.
        for k in (0..y).rev() {
            let p = x + f64::from(k);
            d += 1.0 / p;
            t += 1.0 / (p * p);
        }
        let (dd, td) = (digamma_difference(x, f64::from(y)), trigamma_difference(x, f64::from(y)));
        assert!((dd - d).abs() <= ulps * f64::EPSILON * d, "ψ: x = {x}, y = {y}: {dd} vs {d}");
        assert!((td - t).abs() <= ulps * f64::EPSILON * t, "ψ′: x = {x}, y = {y}: {td} vs {t}");
    }

    #[test]
    fn differences_match_finite_sums_for_integer_steps() {
        for x in [1e-3, 0.5, 1.0, 3.7, 15.9, 16.0, 23.0, 1e3, 1e8, 1e15] {
            for y in [1, 2, 5, 17, 100, 2000] {
                check(x, y, 64.0);
            }
        }
    }

    #[test]
    fn digamma_difference_agrees_with_statrs_away_from_cancellation() {
        for (x, y) in [(0.3, 2.5), (2.0, 0.25), (7.5, 40.125), (30.0, 3.5)] {
            let reference =
                statrs::function::gamma::digamma(x + y) - statrs::function::gamma::digamma(x);
            let d = digamma_difference(x, y);
            assert!(
                (d - reference).abs() <= 1e-13 * reference.abs(),
                "{x}, {y}: {d} vs {reference}"
            );
        }
        assert_eq!(digamma_difference(3.0, 0.0).to_bits(), 0.0_f64.to_bits());
        assert_eq!(trigamma_difference(3.0, 0.0).to_bits(), 0.0_f64.to_bits());
    }

    #[test]
    fn tiny_steps_do_not_cancel() {
        // ψ(x + y) − ψ(x) ≈ y·ψ′(x) and ψ′(x) − ψ′(x + y) ≈ −y·ψ″(x) for tiny y: at x = 1,
        // ψ′(1) = π²/6 and ψ″(1) = −2ζ(3).
        let y = 1e-12;
        let d = digamma_difference(1.0, y);
        let pi2_6 = std::f64::consts::PI.powi(2) / 6.0;
        assert!((d / y - pi2_6).abs() < 1e-10, "{}", d / y);
        let t = trigamma_difference(1.0, y);
        let zeta3 = 1.202_056_903_159_594_3;
        assert!((t / y - 2.0 * zeta3).abs() < 1e-10, "{}", t / y);
    }
}

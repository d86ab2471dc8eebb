//! Small numerical helpers shared by the families, the fitting loops and the statistics.

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

/// Below this `|t|`, [`t_minus_log1p`] sums its Taylor series instead of subtracting
/// `ln(1 + t)` from `t`; at `|t| = 0.25` the series needs about 22 terms and the direct
/// formula keeps at least 13 correct digits.
const SERIES_BOUND: f64 = 0.25;

/// `t − ln(1 + t)` for `t > −1`: non-negative, and accurate to a few ulps even for tiny `t`.
///
/// Near `t = 0` the direct formula cancels (the result is about `t²/2`); the series
/// `t²/2 − t³/3 + t⁴/4 − …` has terms of one sign (t < 0) or alternating and decreasing
/// (t > 0), so its computed sum keeps its sign.
#[expect(
    clippy::float_cmp,
    reason = "the series stops when a term no longer changes the rounded sum"
)]
pub(crate) fn t_minus_log1p(t: f64) -> f64 {
    if t.abs() < SERIES_BOUND {
        let mut power = t * t;
        let mut sum = 0.0;
        let mut k = 2.0_f64;
        loop {
            let term = power / k;
            let next = sum + if k % 2.0 == 0.0 { term } else { -term };
            if next == sum {
                return sum;
            }
            sum = next;
            power *= t;
            k += 1.0;
        }
    } else {
        t - t.ln_1p()
    }
}

/// Half the Poisson unit deviance, `y·ln(y/μ) − y + μ ≥ 0`, for `y ≥ 0` and `μ > 0`, written
/// as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)` so that it is accurate (and non-negative) when
/// `y ≈ μ`. At `y = 0` it is `μ`, the limit.
pub(crate) fn half_poisson_deviance(y: f64, mu: f64) -> f64 {
    if y == 0.0 { mu } else { y * t_minus_log1p(mu / y - 1.0) }
}

/// `x·ln(p)` with the convention `0·ln(0) = 0` (and `0·ln(p) = 0` for any `p`), as in the
/// binomial and Poisson likelihoods.
pub(crate) fn x_ln(x: f64, p: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * p.ln() }
}

/// `ln C(n, k) = lnΓ(n + 1) − lnΓ(k + 1) − lnΓ(n − k + 1)`, for real `0 ≤ k ≤ n`.
pub(crate) fn ln_binomial(n: f64, k: f64) -> f64 {
    use statrs::function::gamma::ln_gamma;
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(computed: f64, expected: f64, rel: f64) {
        let err = (computed - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(err <= rel, "{computed} vs {expected}: relative error {err:e}");
    }

    #[test]
    fn t_minus_log1p_is_accurate_on_both_sides_of_the_switch() {
        // Reference values from the series evaluated in high precision (mpmath, 50 digits).
        check(t_minus_log1p(1e-10), 4.999_999_999_666_666_4e-21, 4.0 * f64::EPSILON);
        check(t_minus_log1p(-1e-3), 5.003_335_835_335_001e-7, 4.0 * f64::EPSILON);
        check(t_minus_log1p(0.3), 0.3 - 0.3_f64.ln_1p(), 4.0 * f64::EPSILON);
        check(t_minus_log1p(0.249_999), 0.249_999 - 0.249_999_f64.ln_1p(), 1e-13);
        assert_eq!(t_minus_log1p(0.0).to_bits(), 0.0_f64.to_bits());
        assert!(t_minus_log1p(-0.999_999) > 0.0);
    }

    #[test]
    fn half_poisson_deviance_is_zero_only_at_y_equal_mu() {
        assert_eq!(half_poisson_deviance(3.0, 3.0).to_bits(), 0.0_f64.to_bits());
        check(half_poisson_deviance(0.0, 2.5), 2.5, 0.0);
        check(half_poisson_deviance(4.0, 2.0), 4.0 * 2.0_f64.ln() - 2.0, 4.0 * f64::EPSILON);
        assert!(half_poisson_deviance(1.0, 1.0 + 1e-12) > 0.0);
    }

    #[test]
    fn helpers_follow_their_conventions() {
        assert_eq!(x_ln(0.0, 0.0).to_bits(), 0.0_f64.to_bits());
        check(ln_binomial(5.0, 2.0), 10.0_f64.ln(), 16.0 * f64::EPSILON);
        check(norm2(&[3.0, 4.0]), 5.0, f64::EPSILON);
        check(norm2(&[3e200, 4e200]), 5e200, f64::EPSILON);
        assert!(rounding_noise(100, 1.0) > 0.0);
        check(count_to_f64(7), 7.0, 0.0);
    }
}

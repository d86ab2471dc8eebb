//! The negative binomial's θ by maximum likelihood at fixed means (MASS's `theta.ml`): the
//! score and observed information in θ, and a safeguarded Newton iteration on `ln θ`.

use crate::polygamma::{digamma_difference, trigamma_difference};

/// Newton's method on `ln θ` stops when its step is below this: the step after it is then
/// about its square, so θ is at its fixed point to rounding.
pub(crate) const THETA_STEP_TOLERANCE: f64 = 1e-11;

/// The largest change of `ln θ` in one Newton step (a factor `e²` in θ): far from the optimum
/// the quadratic model can send θ anywhere, and where θ runs to infinity Newton's step in `ln θ`
/// tends to 1, so the bound never slows that case down.
const MAX_LOG_STEP: f64 = 2.0;

/// Newton steps allowed for one θ: from any start θ either converges quadratically within a
/// handful of steps or runs off at about a factor `e` per step, which takes under 50 steps to
/// pass [`theta_limit`] from a moment estimate.
pub(crate) const THETA_NEWTON_MAX_ITER: usize = 100;

/// The observations a θ is estimated from: responses, fitted means and prior weights of the
/// rows with positive weight.
pub(crate) struct Counts<'a> {
    pub(crate) y: &'a [f64],
    pub(crate) mu: &'a [f64],
    pub(crate) w: &'a [f64],
}

/// The score `∂ℓ/∂θ`, the observed information `−∂²ℓ/∂θ²` at fixed means, and the size of
/// the score's terms (its rounding scale is `ε` times that).
///
/// Per observation, MASS's formulas rewritten without cancellation:
/// `s = ψ(θ + y) − ψ(θ) − ln(1 + μ/θ) + (μ − y)/(μ + θ)` and
/// `i = ψ′(θ) − ψ′(θ + y) − μ/(θ(θ + μ)) + (μ − y)/(θ + μ)²`, each weighted by `w`.
pub(crate) fn score_information(counts: &Counts<'_>, theta: f64) -> (f64, f64, f64) {
    let (mut score, mut information, mut magnitude) = (0.0, 0.0, 0.0);
    for ((&y, &mu), &w) in counts.y.iter().zip(counts.mu).zip(counts.w) {
        let parts = [digamma_difference(theta, y), -(mu / theta).ln_1p(), (mu - y) / (mu + theta)];
        score += w * parts.iter().sum::<f64>();
        magnitude += w * parts.iter().map(|p| p.abs()).sum::<f64>();
        information += w
            * (trigamma_difference(theta, y) - mu / (theta * (theta + mu))
                + (mu - y) / ((theta + mu) * (theta + mu)));
    }
    (score, information, magnitude)
}

/// How a search for θ at fixed means ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ThetaSearch {
    /// Converged to `theta` (the last Newton step was below [`THETA_STEP_TOLERANCE`] or
    /// within rounding).
    Converged {
        /// The estimate.
        theta: f64,
    },
    /// θ passed `limit`: the likelihood keeps rising towards the Poisson.
    Infinite {
        /// The θ reached.
        theta: f64,
    },
    /// No convergence within [`THETA_NEWTON_MAX_ITER`] steps.
    NotConverged {
        /// θ after each step, the start first.
        history: Vec<f64>,
        /// The last step in `ln θ`.
        change: f64,
    },
}

/// The θ above which a negative binomial with means `μ` is the Poisson to within `√ε`: its
/// extra variance `μ²/θ` is below `√ε·μ` for every mean.
pub(crate) fn theta_limit(mu: &[f64]) -> f64 {
    mu.iter().copied().fold(0.0, f64::max) / f64::EPSILON.sqrt()
}

/// Maximises the negative binomial log-likelihood in θ at fixed means, from `start > 0`.
///
/// # Algorithm
/// Newton's method on `τ = ln θ` (so θ stays positive): `Δτ = s/(θ·i − s)` from the score `s`
/// and information `i` of [`score_information`], bounded by [`MAX_LOG_STEP`]; where the
/// likelihood is not concave in `τ` (`θ·i ≤ s`) the step is [`MAX_LOG_STEP`] in the direction
/// of the score. It stops when `|Δτ|` falls below [`THETA_STEP_TOLERANCE`] or below the
/// rounding of the score, `8·ε·Σ|terms|/(θ·i − s)`, after taking that last step.
///
/// # Cost
/// `O(n)` per step (at most 16 recurrence shifts per observation).
pub(crate) fn theta_ml(counts: &Counts<'_>, start: f64) -> ThetaSearch {
    let limit = theta_limit(counts.mu);
    let mut theta = start;
    let mut history = vec![theta];
    let mut change = f64::INFINITY;
    for _ in 0..THETA_NEWTON_MAX_ITER {
        let (s, i, magnitude) = score_information(counts, theta);
        let curvature = theta * i - s;
        let (step, rounding) = if curvature > 0.0 {
            let step = (s / curvature).clamp(-MAX_LOG_STEP, MAX_LOG_STEP);
            (step, 8.0 * f64::EPSILON * magnitude / curvature)
        } else {
            (MAX_LOG_STEP.copysign(s), 0.0)
        };
        theta *= step.exp();
        history.push(theta);
        change = step.abs();
        if theta > limit || theta == f64::INFINITY {
            return ThetaSearch::Infinite { theta };
        }
        if change <= THETA_STEP_TOLERANCE.max(rounding) {
            return ThetaSearch::Converged { theta };
        }
    }
    ThetaSearch::NotConverged { history, change }
}

/// MASS's starting value for θ, `Σw/Σw(y/μ − 1)²` (a moment estimate that ignores the
/// Poisson part of the variance, so it errs low); `None` when the means fit the responses
/// exactly and the estimate is infinite.
pub(crate) fn moment_theta(counts: &Counts<'_>) -> Option<f64> {
    let total: f64 = counts.w.iter().sum();
    let spread: f64 = counts
        .y
        .iter()
        .zip(counts.mu)
        .zip(counts.w)
        .map(|((&y, &mu), &w)| w * (y / mu - 1.0).powi(2))
        .sum();
    let theta = total / spread;
    (theta.is_finite() && theta > 0.0).then_some(theta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(y: &[f64], mu: &[f64], expected: &ThetaSearch) {
        let w = vec![1.0; y.len()];
        let counts = Counts { y, mu, w: &w };
        let start = moment_theta(&counts).expect("the responses differ from the means");
        let found = theta_ml(&counts, start);
        match (&found, expected) {
            (ThetaSearch::Converged { theta }, ThetaSearch::Converged { theta: reference }) => {
                assert!((theta - reference).abs() <= 1e-12 * reference, "{theta} vs {reference}");
                let (s, i, _) = score_information(&counts, *theta);
                assert!(s.abs() <= 1e-12 * i * theta && i > 0.0, "score {s}, information {i}");
            }
            (ThetaSearch::Infinite { .. }, ThetaSearch::Infinite { .. }) => {}
            _ => panic!("{found:?} where {expected:?} was expected"),
        }
    }

    /// The score of the negative binomial log-likelihood by central differences of its
    /// `lnΓ` form, for checking the closed form.
    fn numeric_score(y: &[f64], mu: &[f64], theta: f64) -> f64 {
        let ell = |t: f64| -> f64 {
            y.iter()
                .zip(mu)
                .map(|(&y, &m)| {
                    crate::family::Family::NegativeBinomial { theta: t }.log_density(y, m, 1.0)
                })
                .sum()
        };
        let h = 1e-5 * theta;
        (ell(theta + h) - ell(theta - h)) / (2.0 * h)
    }

    #[test]
    fn score_matches_the_log_likelihood() {
        let y = [0.0, 3.0, 7.0, 1.0, 12.0, 2.0];
        let mu = [1.5, 2.5, 4.0, 2.0, 6.0, 3.0];
        let w = [1.0; 6];
        for theta in [0.7, 3.0, 25.0] {
            let (s, i, _) = score_information(&Counts { y: &y, mu: &mu, w: &w }, theta);
            let numeric = numeric_score(&y, &mu, theta);
            assert!(
                (s - numeric).abs() < 1e-7 * (1.0 + numeric.abs()),
                "{theta}: {s} vs {numeric}"
            );
            let h = 1e-5 * theta;
            let (up, _, _) = score_information(&Counts { y: &y, mu: &mu, w: &w }, theta + h);
            let (down, _, _) = score_information(&Counts { y: &y, mu: &mu, w: &w }, theta - h);
            let numeric_information = -(up - down) / (2.0 * h);
            assert!(
                (i - numeric_information).abs() < 1e-6 * (1.0 + i.abs()),
                "{i} vs {numeric_information}"
            );
        }
    }

    #[test]
    fn over_dispersed_counts_give_a_finite_theta_under_dispersed_ones_infinity() {
        let mu = [2.0, 4.0, 6.0, 8.0, 10.0, 12.0];
        // Reference θ from the same score solved by bisection to rounding.
        let over = [0.0, 9.0, 1.0, 19.0, 2.0, 25.0];
        let w = [1.0; 6];
        let counts = Counts { y: &over, mu: &mu, w: &w };
        let (mut lo, mut hi) = (1e-3_f64, 1e3_f64);
        for _ in 0..200 {
            let mid = (lo * hi).sqrt();
            if score_information(&counts, mid).0 > 0.0 { lo = mid } else { hi = mid }
        }
        check(&over, &mu, &ThetaSearch::Converged { theta: lo });
        let under = [2.0, 4.0, 5.0, 8.0, 10.0, 13.0];
        check(&under, &mu, &ThetaSearch::Infinite { theta: f64::INFINITY });
        assert_eq!(moment_theta(&Counts { y: &mu, mu: &mu, w: &w }), None);
    }
}

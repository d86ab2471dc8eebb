//! One iteration of each [`crate::StepRule`] on an [`Ascent`]: the lesson's fixed step, the
//! Armijo backtracking search, and Nesterov's accelerated step with adaptive restart.

use nalgebra::DVector;

use crate::ascent::{Ascent, Point};
use crate::error::{Divergence, Error, Result};
use crate::numeric::{count_to_f64, rounding_noise};

/// The sufficient-increase constant `c` of the Armijo test `ℓ̄(θ + α∇) ≥ ℓ̄(θ) + c·α·‖∇‖²`,
/// Nocedal & Wright's customary `10⁻⁴` (*Numerical Optimization*, 2nd ed., §3.1).
const ARMIJO_C: f64 = 1e-4;

/// The sufficient-increase constant of the accelerated rule's search, `1/2`: the test that a
/// step `α ≤ 1/L` passes on an objective whose gradient is `L`-Lipschitz, which FISTA's
/// convergence proof needs (Beck & Teboulle, SIAM J. Imaging Sci. 2, 2009, §4).
const NESTEROV_C: f64 = 0.5;

/// How many of the last objective values the line search's acceptance test compares with:
/// a step must raise `ℓ̄` above the least of the last `M` values, not above the current one
/// (Grippo, Lampariello & Lucidi's non-monotone test, SIAM J. Numer. Anal. 23, 1986, with the
/// memory `M = 10` of Birgin, Martínez & Raydan's spectral projected gradient, SIAM J. Optim.
/// 10, 2000). The Barzilai–Borwein steps raise `ℓ̄` only over several iterations; a monotone test
/// cuts the step that lowers it for one, and with it the method's speed (Raydan, SIAM J. Optim.
/// 7, 1997).
const NONMONOTONE_MEMORY: usize = 10;

/// The factor by which each search's first trial exceeds the last accepted step, so that the
/// step can grow where the curvature falls (it at most doubles per iteration, and a search
/// that overshoots costs one halving).
const STEP_GROWTH: f64 = 2.0;

/// How many iterations one Barzilai–Borwein step is reused before it is measured again: the
/// cyclic Barzilai–Borwein method of Dai, Hager, Schittkowski & Zhang (IMA J. Numer. Anal. 26,
/// 2006), who found cycles of 3 to 6 fastest on ill-conditioned problems. Measured on star98
/// (`κ ≈ 5·10⁵` in the standardised coordinates) with the non-monotone test of
/// [`NONMONOTONE_MEMORY`]: 8 280 iterations to the default tolerance with a cycle of 4, 10 745
/// with 5, 11 946 with 6, 17 502 with 3; the plain step measured at every iteration (alternating
/// long and short) left 3.9 digits after 20 000.
const BB_CYCLE: usize = 4;

/// The cyclic Barzilai–Borwein trial step for the last step `s = θ_k − θ_{k−1}` and the change
/// of the gradient `y = ∇_k − ∇_{k−1}` (Barzilai & Borwein, IMA J. Numer. Anal. 8, 1988): the
/// inverse of the curvature of `ℓ̄` along the last step, `sᵀs/(−sᵀy)`, measured every
/// [`BB_CYCLE`] iterations and reused in between. Reusing a step lets its long excursions along
/// the flat directions of an ill-conditioned information run for several iterations, which the
/// step measured afresh each time cuts short. `None` before the first step, or where that
/// curvature is not negative (`ℓ̄` not concave to rounding along `s`).
fn barzilai_borwein(run: &mut Ascent<'_, '_>) -> Option<f64> {
    let g = &run.current.gradient;
    if run.previous_gradient.len() != g.len() {
        return None;
    }
    let s = &run.current.theta - &run.previous;
    let y = g - &run.previous_gradient;
    let curvature = -s.dot(&y);
    if curvature.is_nan() || curvature <= 0.0 {
        return None;
    }
    if run.history.len().is_multiple_of(BB_CYCLE) || run.cycle_step.is_nan() {
        run.cycle_step = s.norm_squared() / curvature;
    }
    let alpha = run.cycle_step;
    (alpha.is_finite() && alpha > 0.0).then_some(alpha)
}

/// Most halvings of one search, a guard that is never reached: a search stops once the step
/// `α·max|∇|` is below the rounding `ε·max|θ|` of the point it starts from (the trial is then
/// the point itself), and the 2 200 halvings from the largest `f64` reach 0 before this bound
/// when the point is 0. So a first trial step in any units, the caller's
/// [`crate::Control::step`] or a Barzilai–Borwein step along a nearly flat direction, is found
/// by halving.
const MAX_BACKTRACKS: usize = 2_200;

/// The lesson's step, `θ + α·∇ℓ̄`, failing as [`Error::Diverged`] when it leaves the domain, is
/// not finite, or lowers the objective beyond rounding.
pub(crate) fn fixed(run: &mut Ascent<'_, '_>, step: f64, iteration: usize) -> Result<()> {
    let next = &run.current.theta + &run.current.gradient * step;
    let trial = run.point(next);
    let (objective, value) = (run.current.value, trial.value);
    let noise = rounding_noise(run.problem.observations(), run.current.magnitude);
    let reason = if let Some(index) = trial.e.invalid {
        Some(Divergence::LeftDomain { index, eta: trial.e.eta[index], mu: trial.e.mu[index] })
    } else if !value.is_finite() {
        Some(Divergence::NonFinite { value })
    } else if objective - value > noise {
        Some(Divergence::Decreased { by: objective - value })
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(Error::Diverged {
            iteration,
            step,
            reason,
            last: Box::new(run.take_iterate()),
        });
    }
    run.accept(trial);
    Ok(())
}

/// One Armijo step from the current iterate; `false` when no step raises `ℓ̄` beyond its
/// rounding (the iterate is stationary to working precision).
pub(crate) fn armijo(run: &mut Ascent<'_, '_>) -> bool {
    let from = run.current.clone();
    let alpha = barzilai_borwein(run).unwrap_or(STEP_GROWTH * run.alpha);
    let level = run.levels.last().copied().unwrap_or(from.value);
    let memory = &run.levels[run.levels.len().saturating_sub(NONMONOTONE_MEMORY)..];
    let slack = level - memory.iter().copied().fold(level, f64::min);
    match search(run, &from, slack, ARMIJO_C, alpha) {
        Some((next, rise)) => {
            run.levels.push(level + rise);
            run.accept(next);
            true
        }
        None => false,
    }
}

/// One accelerated step: from the extrapolated point while the momentum helps, else a plain
/// search from the iterate. `false` as for [`armijo`].
pub(crate) fn nesterov(run: &mut Ascent<'_, '_>) -> bool {
    run.momentum += 1;
    if run.momentum > 1 {
        let k = count_to_f64(run.momentum);
        let weight = (k - 1.0) / (k + 2.0);
        let y = &run.current.theta + (&run.current.theta - &run.previous) * weight;
        let extrapolated = run.point(y);
        if extrapolated.is_valid()
            && let Some((next, _)) =
                search(run, &extrapolated, 0.0, NESTEROV_C, STEP_GROWTH * run.alpha)
        {
            let noise = rounding_noise(run.problem.observations(), run.current.magnitude);
            if next.value >= run.current.value - noise {
                // Gradient restart: the momentum stops once the gradient at the extrapolated
                // point points against the step it produced.
                let step: DVector<f64> = &next.theta - &run.current.theta;
                if extrapolated.gradient.dot(&step) < 0.0 {
                    run.momentum = 0;
                }
                run.accept(next);
                return true;
            }
        }
    }
    // Restart: a plain step with the same test from the iterate.
    run.momentum = 1;
    let from = run.current.clone();
    match search(run, &from, 0.0, NESTEROV_C, STEP_GROWTH * run.alpha) {
        Some((next, _)) => {
            run.accept(next);
            true
        }
        None => false,
    }
}

/// A backtracking search along the gradient at `from`: from the trial step `first`, halve
/// until the point is valid and its rise `Δ = ℓ̄(from + α∇) − ℓ̄(from)` passes
/// `Δ + slack ≥ c·α·‖∇‖²`. `slack ≥ 0` is how far the current level lies above the least of the
/// last few (Grippo, Lampariello & Lucidi's non-monotone test; 0 gives Armijo's). Where the rise
/// is within the rounding of `ℓ̄`, `Δ` is taken from the gradients instead, by the trapezoid
/// rule `α·(‖∇‖² + ∇(from + α∇)·∇)/2`, which rounding does not blur; with `slack = 0` this is
/// Hager & Zhang's approximate Armijo condition `∇(from + α∇)·∇ ≥ (2c − 1)·‖∇‖²` (SIAM J.
/// Optim. 16, 2005). Returns the point and its `Δ`; `None` when the step falls below the
/// rounding of `from` (or to 0) before one passes, or the gradient is zero.
fn search(
    run: &mut Ascent<'_, '_>,
    from: &Point,
    slack: f64,
    c: f64,
    first: f64,
) -> Option<(Point, f64)> {
    let g = &from.gradient;
    let squared = g.norm_squared();
    if squared == 0.0 || !squared.is_finite() {
        return None;
    }
    let noise = rounding_noise(run.problem.observations(), from.magnitude);
    let mut alpha = first;
    let largest = g.amax();
    let rounding = f64::EPSILON * from.theta.amax();
    for _ in 0..=MAX_BACKTRACKS {
        if alpha * largest <= rounding || alpha == 0.0 {
            break;
        }
        let trial = run.point(&from.theta + g * alpha);
        if trial.is_valid() {
            let measured = trial.value - from.value;
            let rise = if measured.abs() <= noise {
                0.5 * alpha * (squared + trial.gradient.dot(g))
            } else {
                measured
            };
            if rise + slack >= c * alpha * squared {
                run.alpha = alpha;
                return Some((trial, rise));
            }
        }
        alpha *= 0.5;
        run.halvings += 1;
    }
    None
}

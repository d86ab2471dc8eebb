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

/// The factor by which each search's first trial exceeds the last accepted step, so that the
/// step can grow where the curvature falls (it at most doubles per iteration, and a search
/// that overshoots costs one halving).
const STEP_GROWTH: f64 = 2.0;

/// The Barzilai–Borwein trial step for the last step `s = θ_k − θ_{k−1}` and the change of the
/// gradient `y = ∇_k − ∇_{k−1}` (Barzilai & Borwein, IMA J. Numer. Anal. 8, 1988): the inverse
/// of the curvature of `ℓ̄` along the last step, alternately the long `sᵀs/(−sᵀy)` and the short
/// `(−sᵀy)/yᵀy` (after 20 000 iterations on star98 the alternation left a coefficient measure
/// about 30 times smaller than the long step alone). `None` before the first step, or where that curvature is
/// not negative (`ℓ̄` not concave to rounding along `s`).
fn barzilai_borwein(run: &Ascent<'_, '_>) -> Option<f64> {
    let g = &run.current.gradient;
    if run.previous_gradient.len() != g.len() {
        return None;
    }
    let s = &run.current.theta - &run.previous;
    let y = g - &run.previous_gradient;
    let curvature = -s.dot(&y);
    let alpha = if run.history.len().is_multiple_of(2) {
        s.norm_squared() / curvature
    } else {
        curvature / y.norm_squared()
    };
    (curvature > 0.0 && alpha.is_finite() && alpha > 0.0).then_some(alpha)
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
    match search(run, &from, ARMIJO_C, alpha) {
        Some(next) => {
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
            && let Some(next) = search(run, &extrapolated, NESTEROV_C, STEP_GROWTH * run.alpha)
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
    match search(run, &from, NESTEROV_C, STEP_GROWTH * run.alpha) {
        Some(next) => {
            run.accept(next);
            true
        }
        None => false,
    }
}

/// A backtracking search along the gradient at `from`: from the trial step `first`, halve
/// until the point is valid and `ℓ̄ ≥ ℓ̄(from) + c·α·‖∇‖²`; where the rise
/// is within the rounding of `ℓ̄`, until the gradients pass the same test in the trapezoid form
/// `∇(θ + α∇)·∇ ≥ (2c − 1)·‖∇‖²` (Hager & Zhang, SIAM J. Optim. 16, 2005, approximate Wolfe
/// condition), which rounding does not blur. `None` when the step falls below the rounding of
/// `from` (or to 0) before one passes, or the gradient is zero.
fn search(run: &mut Ascent<'_, '_>, from: &Point, c: f64, first: f64) -> Option<Point> {
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
            let rise = trial.value - from.value;
            let passes = if rise.abs() <= noise {
                trial.gradient.dot(g) >= (2.0 * c - 1.0) * squared
            } else {
                rise >= c * alpha * squared
            };
            if passes {
                run.alpha = alpha;
                return Some(trial);
            }
        }
        alpha *= 0.5;
        run.halvings += 1;
    }
    None
}

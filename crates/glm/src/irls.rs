//! Iteratively reweighted least squares (Fisher scoring) with step-halving, each step a
//! weighted least-squares solve by `lsq`'s Householder QR.

use nalgebra::{DMatrix, DVector};

use crate::convergence::{Convergence, Outcome};
use crate::error::{Error, Iterate, Result};
use crate::family::Family;
use crate::method::Method;
use crate::numeric::rounding_noise;
use crate::problem::{Evaluation, Problem};
use crate::separation::{LastStep, check_separation};
use crate::weighted::solve_weighted;

/// Most step halvings per IRLS iteration. After 60 halvings a step is `2⁻⁶⁰` of its first
/// length, below the rounding of any coefficient, so the trial point is the previous iterate
/// (whose deviance is finite and not larger); the limit is only reached if even that point
/// cannot be evaluated.
pub(crate) const MAX_STEP_HALVINGS: usize = 60;

/// The constant in R's convergence measure `|D − D_old|/(|D| + 0.1)`, which keeps the measure
/// finite for a deviance near 0. It is in the deviance's units, so [`irls`] caps it at the
/// deviance after the first iteration, `D₁`, and for counts at their weighted total `Σwy`
/// (R's starting means add 0.1 to every count, so `D₁` does not see counts far below 1):
/// R's measure whenever both are at least 0.1, and a relative one when the deviance is small
/// because of the units of the response or the weights. (An inverse-Gaussian response in units
/// of 10¹⁰ has a deviance of order 10⁻¹⁰, which R's measure declares converged after one step,
/// 4% from the optimum; prior weights of 10⁻³⁰⁰ stop it as early.)
const DEVIANCE_OFFSET: f64 = 0.1;

/// Runs IRLS on the columns `cols` of the design.
pub(crate) fn irls(
    problem: &Problem<'_>,
    cols: &[usize],
    start: Option<&DVector<f64>>,
    max_iter: usize,
    tol: f64,
) -> Result<Outcome> {
    // Either the given coefficients or R's starting means, which have no coefficients.
    let mut previous = start.cloned();
    let mut current = if let Some(gamma) = start {
        problem.evaluate(cols, gamma)
    } else {
        problem.evaluate_eta(problem.starting_eta())
    };
    if let Some(index) = current.invalid {
        return Err(problem.invalid_start(&current, index));
    }
    if !current.deviance.is_finite() {
        return Err(problem.deviance_out_of_range(&current));
    }
    let mut history = vec![current.deviance];
    let mut last_step: Option<LastStep> = None;
    let mut change = f64::INFINITY;
    let mut offset = DEVIANCE_OFFSET;
    let mut halvings = 0;
    // √W·X, rewritten and factored in place by every iteration.
    let mut workspace = DMatrix::zeros(0, 0);
    for iteration in 1..=max_iter {
        let (solution, storage) = solve_weighted(problem, cols, &current, workspace)?;
        workspace = storage;
        let gamma = solution.coefficients().clone();
        let (gamma, trial, halved, left) =
            halve(problem, cols, gamma, previous.as_ref(), &current, iteration)?;
        halvings += halved;
        if iteration == 1 {
            offset = DEVIANCE_OFFSET.min(trial.deviance.abs()).min(count_total(problem));
        }
        change = relative_change(trial.deviance, current.deviance, offset);
        last_step =
            previous.as_ref().map(|p| LastStep { step: &gamma - p, mu_before: current.mu.clone() });
        history.push(trial.deviance);
        previous = Some(gamma);
        current = trial;
        if change < tol {
            let gamma = previous.unwrap_or_else(|| DVector::zeros(cols.len()));
            check_separation(problem, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
            return Ok(Outcome {
                gamma,
                history,
                convergence: Convergence::Converged {
                    iterations: iteration,
                    measure: change,
                    tolerance: tol,
                },
                halvings,
                // A fit that converges on a step halved to stay in the domain may be held at
                // the domain's boundary rather than at an optimum.
                boundary: left,
            });
        }
    }
    let gamma = previous.unwrap_or_else(|| DVector::zeros(cols.len()));
    check_separation(problem, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
    Err(Error::NotConverged {
        method: Method::Irls,
        iterations: max_iter,
        change,
        tolerance: tol,
        last: Box::new(Iterate { coefficients: problem.expand(cols, &gamma), history }),
    })
}

/// R's convergence measure `|D − D_old|/(|D| + offset)`; 0 at a deviance of exactly 0, which no
/// step can improve on (an exact fit, where the offset may be 0 too).
fn relative_change(deviance: f64, previous: f64, offset: f64) -> f64 {
    if deviance == 0.0 { 0.0 } else { (deviance - previous).abs() / (deviance.abs() + offset) }
}

/// The weighted total `Σwy` of a count response (Poisson, negative binomial), which bounds its
/// deviance's natural scale; infinite (no cap) for the other families.
fn count_total(problem: &Problem<'_>) -> f64 {
    match problem.family {
        Family::Poisson | Family::NegativeBinomial { .. } => {
            problem.kept.iter().map(|&i| problem.weights[i] * problem.y[i]).sum()
        }
        _ => f64::INFINITY,
    }
}

/// Halves the step from the anchor (the previous iterate, or on the first iteration the
/// intercept-only fallback) until `η` and `μ` are in their domains, the deviance is finite,
/// and (when there is a previous iterate) the deviance has not risen by more than rounding.
/// Returns the accepted coefficients and evaluation, the number of halvings, and the
/// observation whose `η` or `μ` the full step took out of its domain, if any.
fn halve(
    problem: &Problem<'_>,
    cols: &[usize],
    mut gamma: DVector<f64>,
    previous: Option<&DVector<f64>>,
    current: &Evaluation,
    iteration: usize,
) -> Result<(DVector<f64>, Evaluation, usize, Option<usize>)> {
    let mut trial = problem.evaluate(cols, &gamma);
    let left = trial.invalid;
    let slack = rounding_noise(problem.observations(), current.deviance.abs());
    let mut fallback = None;
    for halvings in 0..=MAX_STEP_HALVINGS {
        let valid = trial.is_valid();
        let rose = previous.is_some() && trial.deviance > current.deviance + slack;
        if valid && !rose {
            return Ok((gamma, trial, halvings, left));
        }
        if halvings == MAX_STEP_HALVINGS {
            break;
        }
        let anchor = if let Some(p) = previous {
            p.clone()
        } else {
            if fallback.is_none() {
                fallback = problem.fallback(cols);
            }
            let Some(f) = &fallback else {
                return Err(match trial.invalid {
                    Some(index) => problem.invalid_start(&trial, index),
                    None => problem.deviance_out_of_range(&trial),
                });
            };
            f.clone()
        };
        gamma = (gamma + anchor) * 0.5;
        trial = problem.evaluate(cols, &gamma);
    }
    // Inside the domains, a deviance that stays infinite down to the previous iterate is an
    // overflow of the data's units, not a failure of the step.
    if trial.invalid.is_none() && !trial.deviance.is_finite() {
        return Err(problem.deviance_out_of_range(&trial));
    }
    Err(Error::StepHalvingFailed {
        iteration,
        halvings: MAX_STEP_HALVINGS,
        deviance: trial.deviance,
        previous: current.deviance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_the_last_halving_a_step_is_below_the_rounding_of_any_coefficient() {
        let steps = i32::try_from(MAX_STEP_HALVINGS).unwrap();
        assert!(0.5_f64.powi(steps) < f64::EPSILON);
    }
}

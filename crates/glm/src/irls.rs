//! Iteratively reweighted least squares (Fisher scoring) with step-halving, each step a
//! weighted least-squares solve by `lsq`'s Householder QR.

use nalgebra::{DMatrix, DVector};

use crate::convergence::{Convergence, Outcome};
use crate::error::{Error, Iterate, Result};
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
/// finite for a deviance near 0.
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
    let mut history = vec![current.deviance];
    let mut last_step: Option<LastStep> = None;
    let mut change = f64::INFINITY;
    let mut halvings = 0;
    // √W·X, rewritten and factored in place by every iteration.
    let mut workspace = DMatrix::zeros(0, 0);
    for iteration in 1..=max_iter {
        let (solution, storage) = solve_weighted(problem, cols, &current, workspace)?;
        workspace = storage;
        let gamma = solution.coefficients().clone();
        let (gamma, trial, halved) =
            halve(problem, cols, gamma, previous.as_ref(), &current, iteration)?;
        halvings += halved;
        change =
            (trial.deviance - current.deviance).abs() / (trial.deviance.abs() + DEVIANCE_OFFSET);
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

/// Halves the step from the anchor (the previous iterate, or on the first iteration the
/// intercept-only fallback) until `η` and `μ` are in their domains, the deviance is finite,
/// and (when there is a previous iterate) the deviance has not risen by more than rounding.
fn halve(
    problem: &Problem<'_>,
    cols: &[usize],
    mut gamma: DVector<f64>,
    previous: Option<&DVector<f64>>,
    current: &Evaluation,
    iteration: usize,
) -> Result<(DVector<f64>, Evaluation, usize)> {
    let mut trial = problem.evaluate(cols, &gamma);
    let slack = rounding_noise(problem.observations(), current.deviance.abs());
    let mut fallback = None;
    for halvings in 0..=MAX_STEP_HALVINGS {
        let valid = trial.is_valid();
        let rose = previous.is_some() && trial.deviance > current.deviance + slack;
        if valid && !rose {
            return Ok((gamma, trial, halvings));
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
                let index = trial.invalid.unwrap_or(0);
                return Err(problem.invalid_start(&trial, index));
            };
            f.clone()
        };
        gamma = (gamma + anchor) * 0.5;
        trial = problem.evaluate(cols, &gamma);
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

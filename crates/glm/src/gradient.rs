//! The lesson's gradient ascent on the average log-likelihood, `θ ← θ + α·∇ℓ̄(θ)`.

use nalgebra::DVector;

use crate::convergence::{Convergence, Outcome};
use crate::error::{Divergence, Error, Iterate, Result};
use crate::method::Method;
use crate::numeric::{count_to_f64, norm2, rounding_noise};
use crate::problem::{Evaluation, Problem};

/// Runs gradient ascent on the columns `cols` of the design.
///
/// The objective is the average log-likelihood at unit dispersion,
/// `ℓ̄(θ) = (1/n)·Σ ln f(yᵢ; μᵢ(θ), φ = 1)` over the n observations with positive weight,
/// whose gradient is `∇ = Xᵀ[w·(y − μ)/V(μ)·dμ/dη]/n` for every link (for the families with
/// an estimated dispersion, `φ` only rescales the gradient, so the maximiser is the same).
pub(crate) fn gradient_ascent(
    problem: &Problem<'_>,
    cols: &[usize],
    start: Option<&DVector<f64>>,
    step: f64,
    max_iter: usize,
    tol: Option<f64>,
) -> Result<Outcome> {
    let mut gamma = start.cloned().unwrap_or_else(|| DVector::zeros(cols.len()));
    let mut current = problem.evaluate(cols, &gamma);
    if let Some(index) = current.invalid {
        return Err(problem.invalid_start(&current, index));
    }
    let (mut objective, mut magnitude) = average_log_likelihood(problem, &current);
    if !objective.is_finite() {
        return Err(problem.out_of_range("log-likelihood", objective, |i| {
            problem.log_likelihood_term(i, &current.mu, 1.0)
        }));
    }
    let mut history = vec![objective];
    for iteration in 1..=max_iter {
        let gradient = problem.average_score(cols, &current);
        let norm = norm2(gradient.as_slice());
        if let Some(tol) = tol
            && norm <= tol
        {
            return Ok(converged(gamma, history, iteration - 1, norm, tol));
        }
        let next = &gamma + &gradient * step;
        let trial = problem.evaluate(cols, &next);
        let (value, size) = average_log_likelihood(problem, &trial);
        let reason = if let Some(index) = trial.invalid {
            Some(Divergence::LeftDomain { index, eta: trial.eta[index], mu: trial.mu[index] })
        } else if !value.is_finite() {
            Some(Divergence::NonFinite { value })
        } else if objective - value > rounding_noise(problem.observations(), magnitude) {
            Some(Divergence::Decreased { by: objective - value })
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(Error::Diverged {
                iteration,
                step,
                reason,
                last: Box::new(Iterate { coefficients: problem.expand(cols, &gamma), history }),
            });
        }
        gamma = next;
        current = trial;
        objective = value;
        magnitude = size;
        history.push(value);
    }
    let norm = norm2(problem.average_score(cols, &current).as_slice());
    match tol {
        Some(tol) if norm <= tol => Ok(converged(gamma, history, max_iter, norm, tol)),
        Some(tol) => Err(Error::NotConverged {
            method: Method::GradientAscent,
            iterations: max_iter,
            change: norm,
            tolerance: tol,
            last: Box::new(Iterate { coefficients: problem.expand(cols, &gamma), history }),
        }),
        None => Ok(Outcome {
            gamma,
            history,
            convergence: Convergence::FixedIterations { iterations: max_iter, gradient_norm: norm },
            halvings: 0,
            boundary: None,
            newton_steps: 0,
            truncation: None,
        }),
    }
}

fn converged(
    gamma: DVector<f64>,
    history: Vec<f64>,
    iterations: usize,
    norm: f64,
    tol: f64,
) -> Outcome {
    Outcome {
        gamma,
        history,
        convergence: Convergence::Converged { iterations, measure: norm, tolerance: tol },
        halvings: 0,
        boundary: None,
        newton_steps: 0,
        truncation: None,
    }
}

/// The average log-likelihood at unit dispersion and the average magnitude of its terms (NaN
/// outside the domains; the deviance is not needed).
fn average_log_likelihood(problem: &Problem<'_>, e: &Evaluation) -> (f64, f64) {
    if e.invalid.is_some() {
        return (f64::NAN, f64::NAN);
    }
    let n = count_to_f64(problem.observations());
    let (sum, magnitude) = problem.log_likelihood(&e.mu, 1.0);
    (sum / n, magnitude / n)
}

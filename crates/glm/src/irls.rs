//! Iteratively reweighted least squares (Fisher scoring) with step-halving, each step a
//! weighted least-squares solve by `lsq`'s Householder QR.

use lsq::{LeastSquares, Qr, Solution};
use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Iterate, Result};
use crate::fit::Convergence;
use crate::model::{Evaluation, Model};
use crate::numeric::rounding_noise;
use crate::options::Method;
use crate::separation::{LastStep, check_separation};

/// Most step halvings per IRLS iteration. After 60 halvings a step is `2⁻⁶⁰` of its first
/// length, below the rounding of any coefficient, so the trial point is the previous iterate
/// (whose deviance is finite and not larger); the limit is only reached if even that point
/// cannot be evaluated.
///
/// # Examples
///
/// ```
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// # use nalgebra::{dmatrix, dvector};
/// use glm::{Link, MAX_STEP_HALVINGS};
///
/// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// # let y = dvector![1.0, 2.0, 4.0, 7.0];
/// // After that many halvings a step is below the rounding of any coefficient.
/// assert!(0.5_f64.powi(i32::try_from(MAX_STEP_HALVINGS)?) < f64::EPSILON);
/// let identity = FitOptions::default().link(Link::Identity);
/// let fit = glm::fit(&design, &y, Family::Poisson, &identity)?;
/// assert!(fit.step_halvings() <= MAX_STEP_HALVINGS * fit.iterations());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_STEP_HALVINGS: usize = 60;

/// The constant in R's convergence measure `|D − D_old|/(|D| + 0.1)`, which keeps the measure
/// finite for a deviance near 0.
const DEVIANCE_OFFSET: f64 = 0.1;

/// What a successful iterative fit returns.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// Reduced coefficients (one per kept column).
    pub(crate) gamma: DVector<f64>,
    pub(crate) history: Vec<f64>,
    pub(crate) convergence: Convergence,
    /// Step halvings over all iterations.
    pub(crate) halvings: usize,
}

/// Runs IRLS on the columns `cols` of the design.
pub(crate) fn irls(
    model: &Model<'_>,
    cols: &[usize],
    start: Option<&DVector<f64>>,
    max_iter: usize,
    tol: f64,
) -> Result<Outcome> {
    // Either the given coefficients or R's starting means, which have no coefficients.
    let mut previous = start.cloned();
    let mut current = if let Some(gamma) = start {
        model.evaluate(cols, gamma)
    } else {
        model.evaluate_eta(model.starting_eta())
    };
    if let Some(index) = current.invalid {
        return Err(model.invalid_start(&current, index));
    }
    let mut history = vec![current.deviance];
    let mut last_step: Option<LastStep> = None;
    let mut change = f64::INFINITY;
    let mut halvings = 0;
    // √W·X, rewritten in place by every iteration.
    let mut workspace = DMatrix::zeros(0, 0);
    for iteration in 1..=max_iter {
        let gamma = weighted_step(model, cols, &current, &mut workspace)?;
        let (gamma, trial, halved) =
            halve(model, cols, gamma, previous.as_ref(), &current, iteration)?;
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
            check_separation(model, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
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
    check_separation(model, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
    Err(Error::NotConverged {
        method: Method::Irls,
        iterations: max_iter,
        change,
        tolerance: tol,
        last: Box::new(Iterate { coefficients: model.expand(cols, &gamma), history }),
    })
}

/// One Fisher-scoring step: the weighted least-squares fit of the working response.
fn weighted_step(
    model: &Model<'_>,
    cols: &[usize],
    e: &Evaluation,
    a: &mut DMatrix<f64>,
) -> Result<DVector<f64>> {
    Ok(solve_weighted(model, cols, e, a)?.coefficients().clone())
}

/// The weighted least-squares problem of `e` ([`Model::weighted_problem`]) solved by `lsq`'s
/// QR in the storage `a`, without copying it; a design that fails the rank test is rebuilt and
/// solved again by [`LeastSquares::solve`], whose error names the aliased columns.
pub(crate) fn solve_weighted(
    model: &Model<'_>,
    cols: &[usize],
    e: &Evaluation,
    a: &mut DMatrix<f64>,
) -> Result<Solution> {
    let qr = Qr::default();
    let b = model.weighted_problem(cols, e, a);
    let solution = match qr.solve_full_rank_in_place(a, &b) {
        Ok(Some(solution)) => Ok(solution),
        Ok(None) => {
            model.weighted_problem(cols, e, a);
            qr.solve(a, &b)
        }
        Err(err) => Err(err),
    };
    solution.map_err(|err| relabel(err, cols, model.names))
}

/// Halves the step from the anchor (the previous iterate, or on the first iteration the
/// intercept-only fallback) until `η` and `μ` are in their domains, the deviance is finite,
/// and (when there is a previous iterate) the deviance has not risen by more than rounding.
fn halve(
    model: &Model<'_>,
    cols: &[usize],
    mut gamma: DVector<f64>,
    previous: Option<&DVector<f64>>,
    current: &Evaluation,
    iteration: usize,
) -> Result<(DVector<f64>, Evaluation, usize)> {
    let mut trial = model.evaluate(cols, &gamma);
    let slack = rounding_noise(model.observations(), current.deviance.abs());
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
                fallback = model.fallback(cols);
            }
            let Some(f) = &fallback else {
                let index = trial.invalid.unwrap_or(0);
                return Err(model.invalid_start(&trial, index));
            };
            f.clone()
        };
        gamma = (gamma + anchor) * 0.5;
        trial = model.evaluate(cols, &gamma);
    }
    Err(Error::StepHalvingFailed {
        iteration,
        halvings: MAX_STEP_HALVINGS,
        deviance: trial.deviance,
        previous: current.deviance,
    })
}

/// Maps column indices and names in an `lsq` error on the reduced design back to the design.
pub(crate) fn relabel(err: lsq::Error, cols: &[usize], names: &[String]) -> Error {
    let column = |j: usize| cols.get(j).copied().unwrap_or(j);
    let name = |j: usize| names.get(column(j)).cloned().unwrap_or_else(|| format!("x{}", j + 1));
    match err {
        lsq::Error::RankDeficient { rank, cols: n, tolerance, aliased, .. } => {
            Error::LeastSquares(lsq::Error::RankDeficient {
                rank,
                cols: n,
                tolerance,
                names: aliased.iter().map(|&j| name(j)).collect(),
                aliased: aliased.iter().map(|&j| column(j)).collect(),
            })
        }
        lsq::Error::ZeroColumn { column: j, .. } => {
            Error::LeastSquares(lsq::Error::ZeroColumn { column: column(j), name: name(j) })
        }
        other => Error::LeastSquares(other),
    }
}

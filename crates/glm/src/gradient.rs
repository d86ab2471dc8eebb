//! The lesson's gradient ascent on the average log-likelihood, `θ ← θ + α·∇ℓ̄(θ)`, with the
//! step sized by a [`StepRule`], optionally on standardised columns, and its stopping rules.

use nalgebra::{DMatrix, DVector};

use crate::ascent::Ascent;
use crate::convergence::{Convergence, Outcome};
use crate::criterion::Criterion;
use crate::error::{Error, Result};
use crate::information::{Scoring, scoring};
use crate::method::Method;
use crate::numeric::{count_to_f64, norm2};
use crate::problem::Problem;
use crate::standardize::Standardization;
use crate::step_rule::StepRule;
use crate::step_rules::{armijo, fixed, nesterov};

/// How often (in iterations) the coefficient criterion refactors the expected information it
/// measures with; in between it reuses the last factor (the measure then costs `O(p²)` beyond
/// the gradient), and a pass is confirmed with a fresh factor before the fit stops.
const INFORMATION_REFRESH: usize = 50;

/// R's constant in `|D − D_old|/(|D| + 0.1)` for [`Criterion::Deviance`], uncapped (IRLS caps
/// it for deviances small only because of their units). The rule certifies little after a
/// gradient step, which may be short however far the optimum is; it is there because every
/// criterion applies to every searching rule, and the default is [`Criterion::Coefficients`].
const R_DEVIANCE_OFFSET: f64 = 0.1;

/// What one gradient-ascent run is asked to do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// The fixed step, and the searching rules' first trial step.
    pub(crate) step: f64,
    pub(crate) rule: StepRule,
    pub(crate) standardize: bool,
    pub(crate) max_iter: usize,
    pub(crate) tol: Option<f64>,
    /// The stopping rule of the searching rules (the fixed step stops by the gradient norm).
    pub(crate) criterion: Criterion,
}

/// What a gradient-ascent run returns on success: the outcome and the points it evaluated.
pub(crate) type Ascended = (Outcome, usize);

/// Runs gradient ascent on the columns `cols` of the design.
///
/// The objective is the average log-likelihood at unit dispersion,
/// `ℓ̄(θ) = (1/n)·Σ ln f(yᵢ; μᵢ(θ), φ = 1)` over the n observations with positive weight,
/// whose gradient is `∇ = Xᵀ[w·(y − μ)/V(μ)·dμ/dη]/n` for every link (for the families with
/// an estimated dispersion, `φ` only rescales the gradient, so the maximiser is the same).
/// With standardisation the iterates live in the coordinates of the centred and scaled columns
/// ([`Standardization`]); every evaluation maps them back to the design's.
///
/// The fixed step starts from `θ = 0` (or the caller's start) and stops by the gradient norm,
/// if given a tolerance. The searching rules start from the caller's start or, without one,
/// from the intercept-only fit at the mean response when the design has an intercept (`θ = 0`
/// otherwise), and stop by `criterion`.
pub(crate) fn gradient_ascent(
    problem: &Problem<'_>,
    cols: &[usize],
    start: Option<&DVector<f64>>,
    settings: &Settings,
) -> Result<Ascended> {
    let map = Standardization::new(problem, cols, settings.standardize);
    let searching = settings.rule != StepRule::Fixed;
    let beta = match start {
        Some(s) => s.clone(),
        None if searching => problem.fallback(cols).unwrap_or_else(|| DVector::zeros(cols.len())),
        None => DVector::zeros(cols.len()),
    };
    let mut run = Ascent::new(problem, cols, map, &beta, settings.step)?;
    let mut stop = Stop::new(settings, searching);
    let mut stalled = false;
    for iteration in 1..=settings.max_iter {
        if let Some(measure) = stop.met(&run)? {
            return Ok(finish(run, iteration - 1, measure, stop.tol));
        }
        match settings.rule {
            StepRule::Fixed => fixed(&mut run, settings.step, iteration)?,
            StepRule::Armijo => stalled = !armijo(&mut run),
            StepRule::Nesterov => stalled = !nesterov(&mut run),
        }
        if stalled {
            // No step raises ℓ̄ beyond its rounding: the last measure says how far it got.
            let iterations = iteration - 1;
            return Err(not_converged(&mut run, iterations, &stop));
        }
    }
    if let Some(measure) = stop.met(&run)? {
        return Ok(finish(run, settings.max_iter, measure, stop.tol));
    }
    if settings.tol.is_some() {
        return Err(not_converged(&mut run, settings.max_iter, &stop));
    }
    let norm = norm2(problem.average_score(cols, &run.current.e).as_slice());
    let evaluations = run.evaluations;
    let outcome = Outcome {
        gamma: run.beta(),
        history: run.history,
        convergence: Convergence::FixedIterations {
            iterations: settings.max_iter,
            gradient_norm: norm,
        },
        halvings: run.halvings,
        boundary: None,
        newton_steps: 0,
        truncation: None,
        evaluation: None,
        unresolved: false,
    };
    Ok((outcome, evaluations))
}

/// [`Error::NotConverged`] at the current iterate.
fn not_converged(run: &mut Ascent<'_, '_>, iterations: usize, stop: &Stop) -> Error {
    Error::NotConverged {
        method: Method::GradientAscent,
        iterations,
        change: stop.last,
        tolerance: stop.tol.unwrap_or(0.0),
        last: Box::new(run.take_iterate()),
    }
}

/// The converged outcome at the current iterate.
fn finish(run: Ascent<'_, '_>, iterations: usize, measure: f64, tol: Option<f64>) -> Ascended {
    let evaluations = run.evaluations;
    let outcome = Outcome {
        gamma: run.beta(),
        history: run.history,
        convergence: Convergence::Converged {
            iterations,
            measure,
            tolerance: tol.unwrap_or(f64::INFINITY),
        },
        halvings: run.halvings,
        boundary: None,
        newton_steps: 0,
        truncation: None,
        evaluation: None,
        unresolved: false,
    };
    (outcome, evaluations)
}

/// The stopping rule of one run and what it carries between iterations.
struct Stop {
    tol: Option<f64>,
    /// The criterion in effect: the gradient norm for the fixed step.
    criterion: Criterion,
    /// The expected information the coefficient criterion measures with, and its age.
    scores: Option<Scoring>,
    age: usize,
    /// The deviance at the previous check (R's rule).
    deviance: f64,
    /// The last measure.
    last: f64,
}

impl Stop {
    fn new(settings: &Settings, searching: bool) -> Self {
        Self {
            tol: settings.tol,
            criterion: if searching { settings.criterion } else { Criterion::GradientNorm },
            scores: None,
            age: 0,
            deviance: f64::NAN,
            last: f64::INFINITY,
        }
    }

    /// The measure at the current iterate when it meets the tolerance.
    fn met(&mut self, run: &Ascent<'_, '_>) -> Result<Option<f64>> {
        let Some(tol) = self.tol else { return Ok(None) };
        let e = &run.current.e;
        let measure = match self.criterion {
            Criterion::GradientNorm => {
                // Measured on the design's columns, as IRLS's gradient-norm rule.
                let score = run.problem.average_score(run.cols, e);
                let norm = norm2(score.as_slice());
                self.last = norm;
                return Ok((norm <= tol).then_some(norm));
            }
            Criterion::Deviance => {
                let previous = std::mem::replace(&mut self.deviance, e.deviance);
                let d = e.deviance;
                if d == 0.0 { 0.0 } else { (d - previous).abs() / (d.abs() + R_DEVIANCE_OFFSET) }
            }
            Criterion::Coefficients => {
                if self.scores.is_none() || self.age >= INFORMATION_REFRESH {
                    self.refresh(run)?;
                }
                let mut measure = self.coefficients(run);
                if measure < tol && self.age > 0 {
                    self.refresh(run)?;
                    measure = self.coefficients(run);
                }
                self.age += 1;
                measure
            }
        };
        self.last = if measure.is_nan() { f64::INFINITY } else { measure };
        Ok((self.last < tol).then_some(self.last))
    }

    /// Factors the expected information at the current iterate.
    fn refresh(&mut self, run: &Ascent<'_, '_>) -> Result<()> {
        let (fresh, _) =
            scoring(run.problem, run.cols, &run.current.e, DMatrix::zeros(0, 0), false)?;
        self.scores = Some(fresh);
        self.age = 0;
        Ok(())
    }

    /// IRLS's coefficient measure of the Fisher-scoring step from the current iterate,
    /// `δ = (XᵀWX)⁻¹·n·∇ℓ̄`, against `|β_j| + SE_j`: the step IRLS would take next, which
    /// estimates the distance to the optimum (exactly Newton's for a canonical link).
    fn coefficients(&self, run: &Ascent<'_, '_>) -> f64 {
        let Some(s) = &self.scores else { return f64::INFINITY };
        let beta = run.beta();
        let n = count_to_f64(run.problem.observations());
        let score = run.problem.average_score(run.cols, &run.current.e);
        let scaled = DVector::from_fn(score.len(), |j, _| score[j] * n * s.scales[j]);
        let step = &s.covariance * scaled;
        let to = DVector::from_fn(beta.len(), |j, _| beta[j] + step[j] * s.scales[j]);
        s.measure(&beta, &to)
    }
}

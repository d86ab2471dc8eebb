//! Iteratively reweighted least squares (Fisher scoring) with step-halving, each step a
//! weighted least-squares solve by `lsq`'s Householder QR, or on a tall design by a fold of the
//! weighted rows made in the pass that evaluated the point (`crate::fused`): QR, or for early
//! steps of a canonical link the Gram matrix.

use nalgebra::{DMatrix, DVector};

use crate::blocks::is_tall;
use crate::convergence::{Convergence, Outcome};
use crate::criterion::{Criterion, NEWTON_SWITCH};
use crate::error::{Error, Iterate, Result};
use crate::factor::FactorKind;
use crate::family::Family;
use crate::fused::Passes;
use crate::information::{Scoring, scoring};
use crate::link::{Link, PROBABILITY_FLOOR};
use crate::method::Method;
use crate::numeric::{norm2, rounding_noise};
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

/// Runs IRLS on the columns `cols` of the design, stopping by `criterion`.
pub(crate) fn irls(
    problem: &Problem<'_>,
    cols: &[usize],
    start: Option<&DVector<f64>>,
    max_iter: usize,
    tol: f64,
    criterion: Criterion,
) -> Result<Outcome> {
    // Newton steps pay off only where Fisher scoring is not already Newton's method.
    let non_canonical = problem.family.canonical_link() != Some(problem.link);
    // Early Fisher steps of a canonical link may come from the Gram matrix under the coefficient
    // criterion, whose measure confirms the last step by QR (R's rule keeps QR throughout, to
    // reproduce R's iterates).
    let gram = criterion == Criterion::Coefficients && !non_canonical;
    let passes = Passes::new(problem, cols, gram, tol);
    let mut previous = start.cloned();
    let mut current = first_point(&passes, start)?;
    let mut history = vec![current.deviance];
    let mut last_step: Option<LastStep> = None;
    let mut change = f64::INFINITY;
    let mut offset = DEVIANCE_OFFSET;
    let mut halvings = 0;
    // The observation the last step's full length took out of its domain, if any.
    let mut left = None;
    let mut progress = Progress::default();
    // √W·X, rewritten and factored in place by every iteration.
    let mut workspace = DMatrix::zeros(0, 0);
    for iteration in 1..=max_iter {
        let mut step_kind = FactorKind::Qr;
        let (gamma, trial, halved, step_left) = if criterion == Criterion::Deviance {
            r_rule_step(&passes, &current, previous.as_ref(), &mut workspace, iteration)?
        } else {
            let newton = non_canonical && change < NEWTON_SWITCH && previous.is_some();
            let prev = previous.as_ref();
            // A quadratically converging fit may stop where its next step is negligible.
            let early = (gram && passes.fused() && left.is_none()).then_some(&progress.measures);
            let how = (newton, early.map(Vec::as_slice));
            let scored =
                scored_step(&passes, &mut current, prev, &mut workspace, how, (iteration, tol))?;
            let (result, took_newton, scores) = match scored {
                Scored::Step(stepped) => *stepped,
                Scored::Stop(next, measure, masked) => {
                    progress.masked = masked;
                    let (step, counts) = ((previous, &next, measure), (iteration, tol, halvings));
                    return Ok(stopped(progress, step, current, history, counts));
                }
            };
            step_kind = scores.kind;
            progress.newton_steps += usize::from(took_newton);
            if criterion == Criterion::Coefficients
                && let Some(p) = prev
            {
                let rule = (non_canonical && !took_newton, problem.link, offset, tol);
                change = progress.record(&scores, (p, &result, current.deviance), rule);
            }
            result
        };
        halvings += halved;
        left = step_left;
        if iteration == 1 {
            offset = DEVIANCE_OFFSET.min(trial.deviance.abs()).min(count_total(problem));
        }
        change = match criterion {
            Criterion::Deviance => relative_change(trial.deviance, current.deviance, offset),
            Criterion::GradientNorm => norm2(problem.average_score(cols, &trial).as_slice()),
            Criterion::Coefficients => change,
        };
        if criterion != Criterion::Deviance && trial.deviance == 0.0 {
            // An exact fit: no step can improve on a deviance of 0 (R's measure is 0 there too).
            change = 0.0;
            progress.bound = Some(DVector::zeros(cols.len()));
        }
        history.push(trial.deviance);
        let before = std::mem::replace(&mut current, trial);
        // The means before the step matter only to R's rule's separation check.
        let mu_before =
            if criterion == Criterion::Deviance { before.mu } else { DVector::zeros(0) };
        drop(before.eta);
        last_step = previous.as_ref().map(|p| LastStep { step: &gamma - p, mu_before });
        previous = Some(gamma);
        if change < tol && step_kind == FactorKind::Gram {
            (change, progress.masked) =
                confirm_by_qr(&passes, &mut current, previous.as_ref(), &mut workspace)?;
        }
        if change < tol {
            let gamma = previous.unwrap_or_else(|| DVector::zeros(cols.len()));
            if criterion == Criterion::Deviance {
                check_separation(problem, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
            }
            return Ok(Outcome {
                gamma,
                history,
                convergence: Convergence::Converged {
                    iterations: iteration,
                    measure: change,
                    tolerance: tol,
                },
                halvings,
                // A step halved to stay in the domain may hold the fit at its boundary.
                boundary: left,
                newton_steps: progress.newton_steps,
                truncation: progress.bound.or_else(|| last_step.as_ref().map(|s| s.step.abs())),
                evaluation: Some(current),
                unresolved: progress.masked >= tol,
            });
        }
    }
    let gamma = previous.unwrap_or_else(|| DVector::zeros(cols.len()));
    if criterion == Criterion::Deviance {
        check_separation(problem, cols, last_step.as_ref(), &current.mu, &gamma, &history)?;
    }
    Err(Error::NotConverged {
        method: Method::Irls,
        iterations: max_iter,
        change,
        tolerance: tol,
        last: Box::new(Iterate { coefficients: problem.expand(cols, &gamma), history }),
    })
}

/// One step of R's rule from `current`: the Fisher-scoring iterate, halved as R halves it.
fn r_rule_step(
    passes: &Passes<'_>,
    current: &Evaluation,
    previous: Option<&DVector<f64>>,
    workspace: &mut DMatrix<f64>,
    iteration: usize,
) -> Result<Step> {
    let problem = passes.problem;
    let gamma = fisher_iterate(problem, passes.cols, current, workspace)?;
    let slack = Slack::new(problem, current, false);
    halve((passes, false), gamma, previous, current, iteration, &slack)
}

/// The first point: the given coefficients or R's starting means (which have no coefficients),
/// checked to be inside the domains with a finite deviance.
fn first_point(passes: &Passes<'_>, start: Option<&DVector<f64>>) -> Result<Evaluation> {
    let problem = passes.problem;
    let current = start.map_or_else(
        || passes.evaluate_eta(problem.starting_eta()),
        |gamma| passes.evaluate(gamma, false),
    );
    if let Some(index) = current.invalid {
        return Err(problem.invalid_start(&current, index));
    }
    if !current.deviance.is_finite() {
        return Err(problem.deviance_out_of_range(&current));
    }
    Ok(current)
}

/// After a step from a Gram factor met the tolerance, the measure of the step QR takes from its
/// end `gamma` (at `current`, folded again by QR unless its pass did so), and the largest ratio
/// it counts as rounding ([`Scoring::masked`]): the last step and the covariance of a fit come
/// from QR, so the fit stops only if that step is negligible too.
fn confirm_by_qr(
    passes: &Passes<'_>,
    current: &mut Evaluation,
    gamma: Option<&DVector<f64>>,
    workspace: &mut DMatrix<f64>,
) -> Result<(f64, f64)> {
    let Some(gamma) = gamma else { return Ok((f64::INFINITY, 0.0)) };
    if current.factor.as_ref().is_none_or(|f| f.kind != FactorKind::Qr) {
        *current = passes.evaluate_by_qr(gamma);
    }
    // Whether the fit stops here or goes on, the steps left come from QR.
    passes.stop_gram();
    let storage = std::mem::take(workspace);
    let (check, storage) = scoring(passes.problem, passes.cols, current, storage, false)?;
    *workspace = storage;
    Ok((check.measure(gamma, &check.fisher), check.masked(gamma, &check.fisher)))
}

/// The Fisher-scoring iterate `(XᵀWX)⁻¹XᵀWz` at `current`, as R's rule takes it: from the fold
/// of a tall design, else from `lsq`'s QR of `√W·X` written into the reused `workspace`.
fn fisher_iterate(
    problem: &Problem<'_>,
    cols: &[usize],
    current: &Evaluation,
    workspace: &mut DMatrix<f64>,
) -> Result<DVector<f64>> {
    let storage = std::mem::take(workspace);
    if is_tall(problem.kept.len(), cols.len()) {
        let (scores, storage) = scoring(problem, cols, current, storage, false)?;
        *workspace = storage;
        Ok(scores.fisher)
    } else {
        let (solution, storage) = solve_weighted(problem, cols, current, storage)?;
        *workspace = storage;
        Ok(solution.coefficients().clone())
    }
}

/// What the coefficient criterion carries from one IRLS iteration to the next.
#[derive(Debug, Default)]
struct Progress {
    /// Iterations that took a full Newton step.
    newton_steps: usize,
    /// The criterion's measure of every step so far.
    measures: Vec<f64>,
    /// The truncation bound of the last step.
    bound: Option<DVector<f64>>,
    /// The largest ratio the last measure counted as rounding ([`Scoring::masked`]).
    masked: f64,
}

impl Progress {
    /// Records the step from `from` (of deviance `before`) to `to.0` and returns the change that
    /// decides convergence.
    ///
    /// A Fisher step of a non-canonical link (`linear`) converges linearly, so its size does not
    /// bound the error: only a Newton step (quadratic) may end the fit, unless the step is at
    /// rounding level (measure 0) or held at a boundary ([`pinned`]) with the deviance settled
    /// by R's rule, which then decides. A step the solve's rounding covers
    /// ([`Scoring::masked`]) still counts while it lowers the deviance by more than R's rule
    /// allows: at an exact fit the deviance settles (or wanders in its rounding, as often up as
    /// down), under a drift to infinity (separation) it keeps falling.
    fn record(
        &mut self,
        scores: &Scoring,
        (from, to, before): (&DVector<f64>, &Step, f64),
        (linear, link, offset, tol): (bool, Link, f64, f64),
    ) -> f64 {
        let step = scores.measure(from, &to.0);
        self.masked = scores.masked(from, &to.0);
        self.bound = Some(truncation_bound(from, &to.0, &self.measures, step));
        self.measures.push(step);
        let after = to.1.deviance;
        let settled = relative_change(after, before, offset) < tol;
        if settled && pinned(link, to) {
            0.0
        } else if linear && step < NEWTON_SWITCH && step > 0.0 {
            step.max(tol)
        } else if step < tol && !settled && after < before && self.masked >= tol {
            self.masked
        } else {
            step
        }
    }
}

/// An accepted step: the coefficients and their evaluation, the number of halvings, and the
/// observation whose `η` or `μ` the full step took out of its domain, if any.
type Step = (DVector<f64>, Evaluation, usize, Option<usize>);

/// The fit at `current`, with coefficients `at`, whose next step (to `next`, of criterion measure
/// `measure` at `current`) is negligible: converged at the iteration that measured it, with no
/// point beyond `current` evaluated. The step is not taken, so the distance from `at` to the fixed
/// point is bounded by the step itself plus what the contraction of the last measures says lies
/// beyond it.
fn stopped(
    mut progress: Progress,
    (at, next, measure): (Option<DVector<f64>>, &DVector<f64>, f64),
    current: Evaluation,
    history: Vec<f64>,
    (iteration, tol, halvings): (usize, f64, usize),
) -> Outcome {
    // A stop measures a step from the current coefficients, so there are some.
    let at = at.unwrap_or_else(|| DVector::zeros(next.len()));
    let beyond = truncation_bound(&at, next, &progress.measures, measure);
    progress.bound = Some((next - &at).abs() + beyond);
    Outcome {
        gamma: at,
        history,
        convergence: Convergence::Converged { iterations: iteration, measure, tolerance: tol },
        halvings,
        boundary: None,
        newton_steps: progress.newton_steps,
        truncation: progress.bound,
        evaluation: Some(current),
        unresolved: progress.masked >= tol,
    }
}

/// What one iteration of the non-R criteria did.
enum Scored {
    /// It took a step: the step, whether it was Newton's, and the information factored at the
    /// point it started from.
    Step(Box<(Step, bool, Scoring)>),
    /// The step from the current point, to the given end and of the given measure (and largest
    /// ratio counted as rounding), is negligible and the information there was factored by QR:
    /// the current point is the fit.
    Stop(DVector<f64>, f64, f64),
}

/// One step of the non-R criteria from `current`: a full Newton step on the observed information
/// when `newton` is set and it does not raise the deviance beyond rounding, else the
/// Fisher-scoring step, halved as needed, factoring in the reused `workspace`.
///
/// With `early` (the measures of the steps so far, for a fit whose Fisher steps converge
/// quadratically: a canonical link in fused passes), the fit stops at `current` when its
/// Fisher step is negligible and was factored by QR, without evaluating the step's end; and a
/// step whose successor is predicted negligible ([`predicted_negligible`]) is evaluated with a
/// QR fold, so that the next iteration can stop there. Otherwise the pass after a negligible
/// step is evaluated with a QR fold, as before the last step of any fit.
fn scored_step(
    passes: &Passes<'_>,
    current: &mut Evaluation,
    previous: Option<&DVector<f64>>,
    workspace: &mut DMatrix<f64>,
    (newton, early): (bool, Option<&[f64]>),
    (iteration, tol): (usize, f64),
) -> Result<Scored> {
    let (problem, cols) = (passes.problem, passes.cols);
    let (scores, storage) = scoring(problem, cols, current, std::mem::take(workspace), newton)?;
    *workspace = storage;
    let measure = previous.map(|p| scores.measure(p, &scores.fisher));
    if early.is_some()
        && scores.kind == FactorKind::Qr
        && let Some(m) = measure.filter(|&m| m < tol)
    {
        let masked = previous.map_or(0.0, |p| scores.masked(p, &scores.fisher));
        return Ok(Scored::Stop(scores.fisher, m, masked));
    }
    if passes.fused() {
        // The point's information is factored and the trial will replace it: only its
        // deviance, and its `η` for the rounding test, are needed from here on.
        current.mu = DVector::zeros(0);
    }
    let current: &Evaluation = current;
    // Near the optimum the deviance cannot tell apart points whose `η` differ by its rounding;
    // a rise within that is no reason to reject or halve a step. (R's rule keeps R's test, so
    // that it reproduces R's iterates.)
    let eta_slack = Slack::new(problem, current, true);
    let accepted = previous.filter(|_| newton).and_then(|p| {
        let next = scores.newton(p)?;
        let trial = passes.evaluate(&next, false);
        (trial.is_valid() && !eta_slack.rose(trial.deviance)).then_some((next, trial, 0, None))
    });
    let took_newton = accepted.is_some();
    let result = if let Some(result) = accepted {
        result
    } else {
        let fisher = scores.fisher.clone();
        // A full step the criterion would call negligible is expected to end the fit, and so,
        // when the fit may stop early, is one whose successor is predicted negligible.
        let last = measure.is_some_and(|m| {
            m < tol || early.is_some_and(|measures| predicted_negligible(measures, m, tol))
        });
        halve((passes, last), fisher, previous, current, iteration, &eta_slack)?
    };
    Ok(Scored::Step(Box::new((result, took_newton, scores))))
}

/// How far below the tolerance a predicted step must be for [`predicted_negligible`].
const PREDICTION_MARGIN: f64 = 1e-1;

/// Whether the step after one of measure `measure` is predicted negligible: under quadratic
/// convergence each measure is about `C` times the square of the one before, and `C`, estimated
/// from the last pair of measures (`measure` and the last of `measures`) and, when there is one,
/// the pair before (the larger of the two estimates), predicts `C·measure²`, which must be below
/// a tenth of `tol`. A wrong prediction costs a QR fold where a Gram fold would have done.
fn predicted_negligible(measures: &[f64], measure: f64, tol: f64) -> bool {
    let Some(&last) = measures.last() else { return false };
    let latest = measure / (last * last);
    let constant = match measures {
        [.., before, _] => latest.max(last / (before * before)),
        _ => latest,
    };
    constant.is_finite() && constant * measure * measure < PREDICTION_MARGIN * tol
}

/// Whether a step may pin the fit at a boundary where the coefficients cannot settle: it was
/// halved to stay in the domain, or it holds means at a probability link's clamp. Where the
/// deviance has settled by R's rule, that rule then decides whether the fit has stopped (and the
/// boundary check of the fit judges the point).
fn pinned(link: Link, step: &Step) -> bool {
    // The cheap test first: the scan of the means only decides when the step was not halved.
    let clamped = || {
        matches!(link, Link::Logit | Link::Probit | Link::Cloglog)
            && step.1.mu.iter().any(|&m| m <= PROBABILITY_FLOOR || m >= 1.0 - PROBABILITY_FLOOR)
    };
    step.3.is_some() || clamped()
}

/// A bound on the distance from `to` to the fixed point, per coefficient, from the last step
/// `to − from` and the contraction of the measure over the last two steps: `|Δγ|·ρ/(1 − ρ)` for
/// a linear rate `ρ` (a quadratic rate makes `ρ` tiny), and `|Δγ|` itself when no rate below 1 is
/// known.
fn truncation_bound(
    from: &DVector<f64>,
    to: &DVector<f64>,
    measures: &[f64],
    measure: f64,
) -> DVector<f64> {
    let rho = measures.last().map_or(f64::INFINITY, |&m| measure / m);
    let factor = if rho < 1.0 { (rho / (1.0 - rho)).max(rho) } else { 1.0 };
    (to - from).abs() * factor
}

/// R's convergence measure `|D − D_old|/(|D| + offset)`; 0 at a deviance of exactly 0, which no
/// step can improve on (an exact fit, where the offset may be 0 too).
fn relative_change(deviance: f64, previous: f64, offset: f64) -> f64 {
    if deviance == 0.0 { 0.0 } else { (deviance - previous).abs() / (deviance.abs() + offset) }
}

/// The weighted total `Σwy` of a count response (Poisson, negative binomial), which bounds its
/// deviance's natural scale, where it caps [`DEVIANCE_OFFSET`]; infinite (no cap) for the other
/// families, and when one term alone reaches [`DEVIANCE_OFFSET`]: the terms are not negative, so
/// their sum is at least that term (a rounded sum of non-negative terms never falls), and the
/// cap would not bind. The scan for such a term usually stops within the first rows.
fn count_total(problem: &Problem<'_>) -> f64 {
    match problem.family {
        Family::Poisson | Family::QuasiPoisson | Family::NegativeBinomial { .. } => {
            let term = |i: usize| problem.weights[i] * problem.y[i];
            if problem.kept.iter().any(|i| term(i) >= DEVIANCE_OFFSET) {
                return f64::INFINITY;
            }
            problem.kept.iter().map(term).sum()
        }
        _ => f64::INFINITY,
    }
}

/// How far a trial deviance may rise above the current one and still count as not rising: the
/// rounding of the deviance's sum, plus (when `with_eta`) the rounding that comes from the
/// rounding of `η` ([`Problem::eta_rounding`], a pass over the observations), computed only
/// when a trial deviance exceeds the first alone. The decision is the same as with both terms
/// formed up front, since the second is never negative.
struct Slack<'a> {
    problem: &'a Problem<'a>,
    current: &'a Evaluation,
    noise: f64,
    with_eta: bool,
    eta: std::cell::OnceCell<f64>,
}

impl<'a> Slack<'a> {
    fn new(problem: &'a Problem<'a>, current: &'a Evaluation, with_eta: bool) -> Self {
        let noise = rounding_noise(problem.observations(), current.deviance.abs());
        Self { problem, current, noise, with_eta, eta: std::cell::OnceCell::new() }
    }

    /// Whether `deviance` rose above the current deviance by more than the slack.
    fn rose(&self, deviance: f64) -> bool {
        let base = self.current.deviance;
        if deviance.is_nan() || deviance <= base + self.noise {
            return false;
        }
        let eta = if self.with_eta {
            *self.eta.get_or_init(|| self.problem.eta_rounding(self.current))
        } else {
            0.0
        };
        deviance > base + (self.noise + eta)
    }
}

/// Halves the step from the anchor (the previous iterate, or on the first iteration the
/// intercept-only fallback) until `η` and `μ` are in their domains, the deviance is finite,
/// and (when there is a previous iterate) the deviance has not risen by more than rounding
/// (the summation's, plus for the other criteria the rounding of `η`: see [`Slack`]).
/// Returns the accepted coefficients and evaluation, the number of halvings, and the
/// observation whose `η` or `μ` the full step took out of its domain, if any.
fn halve(
    (passes, last): (&Passes<'_>, bool),
    mut gamma: DVector<f64>,
    previous: Option<&DVector<f64>>,
    current: &Evaluation,
    iteration: usize,
    slack: &Slack<'_>,
) -> Result<Step> {
    let (problem, cols) = (passes.problem, passes.cols);
    let mut trial = passes.evaluate(&gamma, last);
    let left = trial.invalid;
    let mut fallback = None;
    for halvings in 0..=MAX_STEP_HALVINGS {
        let valid = trial.is_valid();
        let rose = previous.is_some() && slack.rose(trial.deviance);
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
        trial = passes.evaluate(&gamma, false);
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
    fn a_quadratic_sequence_predicts_its_negligible_step_and_a_slow_one_does_not() {
        // Measures 0.1 and 5.6e-4 give C ≈ 0.056: after 4.8e-8 the next is about 1.3e-16.
        assert!(predicted_negligible(&[0.1, 5.6e-4], 4.8e-8, 1e-8));
        // Early on (C ≈ 0.3) a step of 0.014 predicts about 6e-5, far from negligible.
        assert!(!predicted_negligible(&[1.16, 0.33], 0.014, 1e-8));
        // Just above the margin: C = 1, 1e-4 predicts 1e-8, not below a tenth of 1e-8.
        assert!(!predicted_negligible(&[1.0, 1.0], 1e-4, 1e-8));
        // One measure before: the pair it makes with the current one decides. 0.13 then 7.7e-4
        // gives C ≈ 0.046, predicting 2.7e-8; 0.045 then 9e-5 predicts 3.6e-10.
        assert!(!predicted_negligible(&[0.13], 7.7e-4, 1e-8));
        assert!(predicted_negligible(&[0.045], 9e-5, 1e-8));
        // A measure that fell fast after one that did not: the slower pair's C decides.
        assert!(!predicted_negligible(&[0.5, 0.4], 1e-4, 1e-8));
        assert!(!predicted_negligible(&[], 1e-6, 1e-8));
        assert!(!predicted_negligible(&[0.0, 0.0], 1e-6, 1e-8));
        assert!(!predicted_negligible(&[0.0], 1e-6, 1e-8));
    }

    /// A tall Poisson fit from R's means in fused passes stops at a point whose own QR step is
    /// negligible: the returned point carries a QR factor, its Fisher step measures below the
    /// tolerance (the reported measure), the truncation bound covers that step, and the point
    /// agrees with R's rule run to 1e-14.
    #[test]
    fn a_tall_canonical_fit_stops_where_its_qr_step_is_negligible() {
        use crate::data::Data;
        use crate::information::scoring;
        let (m, p) = (100_000, 8);
        let mut rng = sim::rng_from_seed(31);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.2 } else { -0.1 });
        let y = sim::poisson(&(&x * &theta).map(f64::exp), &mut rng).unwrap();
        let design = lsq::Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..p).collect();
        let tol = crate::IRLS_TOLERANCE;
        let outcome = irls(&problem, &cols, None, 25, tol, Criterion::Coefficients).unwrap();
        let e = outcome.evaluation.as_ref().expect("the fit's evaluation");
        let factor = e.factor.as_ref().expect("the last pass folded");
        assert_eq!(factor.kind, FactorKind::Qr);
        let (scores, _) = scoring(&problem, &cols, e, DMatrix::zeros(0, 0), false).unwrap();
        let measure = scores.measure(&outcome.gamma, &scores.fisher);
        let Convergence::Converged { measure: reported, iterations, .. } = outcome.convergence
        else {
            panic!("{:?}", outcome.convergence)
        };
        assert_eq!(measure.to_bits(), reported.to_bits());
        // The last iteration measured its step and took none: the deviances are those of the
        // start and of one point per earlier iteration.
        assert_eq!(outcome.history.len(), iterations);
        assert!(measure < tol);
        let bound = outcome.truncation.as_ref().expect("a truncation bound");
        for j in 0..p {
            assert!(bound[j] >= (scores.fisher[j] - outcome.gamma[j]).abs(), "β{j}");
        }
        let tight = irls(&problem, &cols, None, 50, 1e-14, Criterion::Deviance).unwrap();
        for j in 0..p {
            let se = scores.scaled_std_error(j) * scores.scales[j];
            let gap = (outcome.gamma[j] - tight.gamma[j]).abs();
            assert!(gap <= 1e-8 * se, "β{j}: {gap} against SE {se}");
        }
    }

    #[test]
    fn after_the_last_halving_a_step_is_below_the_rounding_of_any_coefficient() {
        let steps = i32::try_from(MAX_STEP_HALVINGS).unwrap();
        assert!(0.5_f64.powi(steps) < f64::EPSILON);
    }
}

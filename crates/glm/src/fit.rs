//! [`fit`]: validates the input, runs IRLS or gradient ascent, and stores what R's
//! `summary(glm)` needs at the optimum.

use lsq::RankPolicy;
use nalgebra::{DMatrix, DVector};

use crate::blocks::is_tall;
use crate::checks::{Reported, check_coefficients, check_statistics};
use crate::control::{Control, IRLS_MAX_ITER, IRLS_TOLERANCE};
use crate::convergence::{Convergence, Outcome};
use crate::criterion::Criterion;
use crate::data::Data;
use crate::digits::estimated_digits;
use crate::error::{Error, Iterate, Result};
use crate::factor::FactorKind;
use crate::fused;
use crate::glm_fit::GlmFit;
use crate::gradient::{Settings, gradient_ascent};
use crate::information::scoring;
use crate::irls::irls;
use crate::method::Method;
use crate::model::Model;
use crate::per_row::PriorWeights;
use crate::problem::Problem;
use crate::separation::{near_boundary, separable};
use crate::step_rule::StepRule;
use crate::subsample::warm_start;
use crate::tall::full_rank;
use crate::weighted::relabel;

/// Fits a generalized linear model `g(E[y]) = η = Xθ + offset` by maximum likelihood.
///
/// The model is a [`crate::Family`] (the distribution of `y`, variance `φV(μ)/w`) with its
/// link `g`: a bare family uses its default link, [`crate::Family::with_link`] any other. The
/// data are the design, the response and the optional weights, offset, trials and start of
/// [`Data`]; [`Control`] says how to iterate. The result stores the coefficients, the unscaled
/// covariance from the expected information, the fitted values and the deviances, and derives
/// R's inference from them ([`GlmFit`]).
///
/// # Algorithm
/// [`Method::Irls`] (default): Fisher scoring as R's `glm.fit` (McCullagh & Nelder, *Generalized
/// Linear Models*, 2nd ed., 1989, §2.5). From `μ₀` (R's `mustart`), each iteration solves the
/// weighted least-squares problem `min ‖√W(z − Xθ)‖₂` with `z = η − offset + (y − μ)/(dμ/dη)`
/// and `W = w·(dμ/dη)²/V(μ)` by Householder QR, never the normal equations: `lsq`'s, in one
/// buffer factored in place and reused, or on a tall design (at least 2¹⁷ entries and 64 rows
/// a column) a fold of the weighted rows into `linalg_core::TallQr` on every core, with no
/// `n×p` copy; when every row has a positive weight that fold is made in the same pass over
/// `X` that evaluates `η`, `μ` and the deviance at the point. On such a design the early steps
/// of a canonical link under the default [`crate::Criterion::Coefficients`] may instead come
/// from the weighted Gram matrix by Cholesky, while its condition keeps `κ²·ε` below a
/// hundredth of the tolerance; a step from it that meets the tolerance is confirmed by a QR
/// step, and the covariance always comes from QR. A step that leaves the domain of `η` or `μ`,
/// or raises the deviance by more than rounding, is halved towards the previous iterate (at
/// most 60 times). The fit stops by its [`crate::Criterion`]: by default when the last step is
/// negligible against the coefficients and their standard errors (finishing a non-canonical
/// link with Newton steps on the observed information), or by R's
/// `|D − D_old|/(|D| + 0.1) < tol`. Separation is then checked (see [`Error::Separation`]).
/// [`Method::GradientAscent`]: the lesson's `θ ← θ + α·∇ℓ̄` on the average log-likelihood, or
/// with [`crate::StepRule`] a line search or Nesterov's acceleration on standardised columns,
/// certified against separation by one IRLS run. Before the fit is returned, its statistics are
/// checked to exist and be representable (no exact fit with an estimated dispersion, no
/// boundary optimum, nothing out of `f64`'s range).
///
/// # Cost
/// Per IRLS iteration one QR of the `n×p` weighted design, `2np² − 2p³/3` flops (a Gram step
/// `2np²` at matrix-product speed), and one evaluation, `O(np)`, per trial point; on a tall
/// design with positive weights the two share one read of `X`, and under the default criterion
/// IRLS starts from the fit of a 64th of the rows (about a tenth of one pass), which saves two
/// or three iterations. One more factorization at the optimum gives the covariance (on a tall
/// design it comes with the last pass; and one more the stationarity check, only for a fit held
/// at a boundary). Per gradient-ascent step `O(np)`, plus one IRLS run to certify it for the
/// families and links that can separate. A null-model refit (intercept with an offset) costs
/// one more IRLS run with `p = 1`. Memory: the design is never copied on a tall design; beyond
/// it a fit keeps a few `n`-vectors (the current and trial `η` and `μ`, the kept rows, and the
/// result's).
///
/// # Accuracy
/// Each least-squares step is backward stable with error `∝ κ(√W X)·ε` (a Gram step `∝ κ²·ε`,
/// taken only while that is far below the tolerance); the fixed point, and so the coefficients,
/// are limited by the convergence tolerance: at the default tolerance and criterion every
/// coefficient carries about 8 or more correct digits, and [`GlmFit::digits`] estimates how
/// many. Standard errors use `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` from the QR at the final `μ`, never an
/// inverted `XᵀWX`.
///
/// # Errors
/// Input: [`Error::DimensionMismatch`], [`Error::NonFinite`], [`Error::OutOfDomain`] and
/// [`Error::SuccessesExceedTrials`] naming the index, [`Error::NegativeWeight`],
/// [`Error::InvalidOption`], [`Error::NotApplicable`]. Fitting: [`Error::InvalidStart`],
/// [`Error::NotConverged`] (carrying the last iterate), [`Error::Diverged`] (gradient ascent),
/// [`Error::StepHalvingFailed`], [`Error::Separation`] (by either method),
/// [`Error::Boundary`], [`Error::NoResidualDegreesOfFreedom`], [`Error::ExactFit`] (carrying
/// the coefficients), [`Error::OutOfRange`] and [`Error::CoefficientOutOfRange`] for data in
/// units whose statistics do not fit in an `f64`, [`Error::NullModel`], and
/// [`Error::LeastSquares`] for an empty, wide or rank-deficient design (naming the aliased
/// columns, unless [`RankPolicy::DropAliased`]) or a zero column. Non-integer counts are not an
/// error but a [`crate::Warning`] in the fit.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Link, Method};
///
/// // The lesson's counts: y ~ Poisson(exp(0.3 + 0.8 t)), 80 points on [0, 3], x = [1, t].
/// let sample = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// let design = Design::new(sample.x.clone())?.with_intercept_column(0)?.with_names(["(Intercept)", "t"])?;
/// let data = Data::new(&design, &sample.y);
/// let irls = glm::fit(&data, Family::Poisson, &Control::default())?;
/// assert!((irls.coefficients()[1] - 0.8).abs() < 3.0 * irls.std_errors()[1]);
///
/// // The lesson's gradient ascent gets close to the same optimum.
/// let lesson = Control::default().method(Method::GradientAscent).step(0.02).max_iter(20_000);
/// let ga = glm::fit(&data, Family::Poisson, &lesson)?;
/// assert!((ga.coefficients() - irls.coefficients()).amax() < 1e-3);
///
/// // R's poisson(link = "identity"): step-halving keeps every μ > 0.
/// let identity = glm::fit(&data, Family::Poisson.with_link(Link::Identity), &Control::default())?;
/// assert!(identity.fitted_values().min() > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fit(data: &Data<'_>, model: impl Into<Model>, control: &Control) -> Result<GlmFit> {
    control.validate()?;
    let problem = Problem::new(data, model.into())?;
    // IRLS in fused passes decides the rank from its QR folds, whose rank test is `lsq`'s;
    // naming the aliased columns then falls to `lsq` on a copy, as here.
    let folded_rank = control.method == Method::Irls
        && control.rank_policy == RankPolicy::Error
        && fused::applies(&problem, &(0..problem.x.ncols()).collect::<Vec<_>>());
    let (cols, aliased) = usable_columns(&problem, control.rank_policy, folded_rank)?;
    let start = data.start.map(|s| DVector::from_iterator(cols.len(), cols.iter().map(|&j| s[j])));
    let method = control.method;
    let max_iter = control.max_iter_in_effect();
    let tolerance = control.tolerance_in_effect();
    let mut evaluations = None;
    let outcome = match method {
        Method::Irls => {
            let tolerance = tolerance.unwrap_or(IRLS_TOLERANCE);
            let criterion = control.criterion;
            // A tall fit under the default criterion starts near its optimum, from a subsample's;
            // should that start fail, from R's means, so that errors are those of the usual run.
            let warm = (start.is_none() && criterion == Criterion::Coefficients)
                .then(|| warm_start(&problem, &cols, tolerance))
                .flatten();
            let result = match &warm {
                Some(warm) => irls(&problem, &cols, Some(warm), max_iter, tolerance, criterion)
                    .or_else(|_| irls(&problem, &cols, None, max_iter, tolerance, criterion)),
                None => irls(&problem, &cols, start.as_ref(), max_iter, tolerance, criterion),
            };
            // IRLS with R's rule at R's tolerance certified separation itself; after a looser
            // tolerance or another criterion one IRLS run with R's control certifies it, for a
            // fit and for a failure to converge alike (separation explains the latter better).
            // Under another rule the run is certified only when it could be a separated one: it
            // failed, some fitted mean came within SEPARATION_SUSPICION of its boundary, or its
            // last step was called negligible only because the weighted solve's rounding covers
            // it (`Outcome::unresolved`): under the inverse links a separated mean falls to 0
            // only as a power of η, and the weights run off until the information's condition
            // hides real steps, long before the means reach the suspicion's threshold.
            let suspicious = match &result {
                Ok(outcome) => outcome.unresolved || near_boundary(&problem, &cols, outcome),
                Err(_) => true,
            };
            if tolerance > IRLS_TOLERANCE
                || (control.criterion != Criterion::Deviance && suspicious)
            {
                certify_result(&problem, &cols, &result)?;
            }
            result?
        }
        Method::GradientAscent => {
            let settings = Settings {
                step: control.step,
                rule: control.step_rule,
                standardize: control.standardize_in_effect(),
                max_iter,
                tol: tolerance,
                criterion: control.criterion,
            };
            let result = gradient_ascent(&problem, &cols, start.as_ref(), &settings);
            let (outcome, count) = match result {
                Ok((outcome, count)) => (Ok(outcome), Some(count)),
                Err(err) => (Err(err), None),
            };
            // A fit, or a failure to converge, is checked against a proof that there is
            // nothing to converge to, which explains it better.
            certify_result(&problem, &cols, &outcome)?;
            evaluations = count;
            outcome?
        }
    };
    let null = null_deviance(&problem, control)?;
    // The fixed gradient step stops by the gradient norm whatever the control's criterion.
    let criterion = if method == Method::GradientAscent && control.step_rule == StepRule::Fixed {
        Criterion::GradientNorm
    } else {
        control.criterion
    };
    let mut fit = assemble(&problem, method, criterion, &cols, aliased, outcome, null)?;
    fit.evaluations = evaluations;
    Ok(fit)
}

/// The columns to fit with: all, or (with [`RankPolicy::DropAliased`]) those left after
/// dropping the aliased ones, decided once by a QR of `√w·X` on the rows with positive weight.
/// With `folded_rank` all columns are taken here and IRLS's QR folds decide.
fn usable_columns(
    problem: &Problem<'_>,
    policy: RankPolicy,
    folded_rank: bool,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let p = problem.x.ncols();
    let all: Vec<usize> = (0..p).collect();
    let k = problem.kept.len();
    if folded_rank || (is_tall(k, p) && full_rank(problem)) {
        return Ok((all, Vec::new()));
    }
    let root: Vec<f64> = problem.kept.iter().map(|i| problem.weights[i].sqrt()).collect();
    let weighted = DMatrix::from_fn(k, p, |r, c| root[r] * problem.x[(problem.kept.get(r), c)]);
    // Only the rank decision is needed, which the right-hand side does not affect.
    let b = DVector::zeros(k);
    let options = lsq::FitOptions::default().rank_policy(policy);
    let aliased = lsq::solve_in_place(weighted, &b, &options)
        .map(|(solution, _)| solution.aliased().to_vec())
        .map_err(|e| relabel(e, &all, problem.names))?;
    let cols = all.into_iter().filter(|j| !aliased.contains(j)).collect();
    Ok((cols, aliased))
}

/// The deviance of the null model with the same weights and offset (R's rule): the weighted
/// mean without an offset, a proper IRLS refit with one, `g⁻¹(offset)` without an intercept
/// (NaN when that mean leaves the family's domain, as R's).
fn null_deviance(problem: &Problem<'_>, control: &Control) -> Result<f64> {
    match problem.intercept {
        Some(j0) if problem.has_offset => {
            let (max_iter, tolerance) = match control.method {
                Method::Irls => (
                    control.max_iter_in_effect(),
                    control.tolerance_in_effect().unwrap_or(IRLS_TOLERANCE),
                ),
                Method::GradientAscent => (IRLS_MAX_ITER, IRLS_TOLERANCE),
            };
            let outcome = irls(problem, &[j0], None, max_iter, tolerance, Criterion::Deviance)
                .map_err(|e| Error::NullModel(Box::new(e)))?;
            Ok(problem.evaluate(&[j0], &outcome.gamma).deviance)
        }
        Some(_) => {
            let [total, weighted] =
                problem.sum_kept(|i| [problem.weights[i], problem.weights[i] * problem.y[i]]);
            let mean = weighted / total;
            Ok(problem.constant_mean_deviance(mean))
        }
        // `evaluate_eta` gives a NaN deviance when a mean leaves the domain.
        None => Ok(problem.evaluate_eta(problem.offset.to_vector()).deviance),
    }
}

/// Certifies, for a fit that did not run IRLS to R's tolerance (gradient ascent, or IRLS with
/// a looser tolerance), that the maximum-likelihood estimate exists. IRLS from R's starting
/// means with R's control runs the separation certificate ([`Error::Separation`]), whose
/// direction proves that no estimate exists whatever the method; any other outcome of that run
/// is ignored, since it only certifies. A fit whose MLE exists cannot fail here: the certificate
/// needs a direction along which the likelihood rises without bound. `gamma` and `history`
/// are the fit's own last iterate, which the error carries.
fn certify_existence(
    problem: &Problem<'_>,
    cols: &[usize],
    gamma: &DVector<f64>,
    history: &[f64],
) -> Result<()> {
    if !separable(problem) {
        return Ok(());
    }
    match irls(problem, cols, None, IRLS_MAX_ITER, IRLS_TOLERANCE, Criterion::Deviance) {
        Err(Error::Separation { complete, separated, observations, direction, .. }) => {
            Err(Error::Separation {
                complete,
                separated,
                observations,
                direction,
                last: Box::new(Iterate {
                    coefficients: problem.expand(cols, gamma),
                    history: history.to_vec(),
                }),
            })
        }
        _ => Ok(()),
    }
}

/// [`certify_existence`] for the last iterate of a fit or of its failure to converge.
fn certify_result(problem: &Problem<'_>, cols: &[usize], result: &Result<Outcome>) -> Result<()> {
    let last = match result {
        Ok(outcome) => Some((outcome.gamma.clone(), outcome.history.as_slice())),
        Err(Error::NotConverged { last, .. }) => Some((
            DVector::from_iterator(cols.len(), cols.iter().map(|&j| last.coefficients[j])),
            last.history.as_slice(),
        )),
        Err(_) => None,
    };
    match last {
        Some((gamma, history)) => certify_existence(problem, cols, &gamma, history),
        None => Ok(()),
    }
}

/// Stores what the statistics at the optimum are derived from, once they pass
/// [`check_statistics`].
fn assemble(
    problem: &Problem<'_>,
    method: Method,
    criterion: Criterion,
    cols: &[usize],
    aliased: Vec<usize>,
    mut outcome: Outcome,
    null_deviance: f64,
) -> Result<GlmFit> {
    let p = problem.x.ncols();
    let n = problem.observations();
    let rank = cols.len();
    let family = problem.family;
    if n <= rank && family.estimates_dispersion() {
        return Err(Error::NoResidualDegreesOfFreedom { observations: n, rank });
    }
    let mut e = match outcome.evaluation.take() {
        Some(e) => e,
        None => problem.evaluate(cols, &outcome.gamma),
    };
    // The covariance comes from QR: a Gram factor of the last pass is refolded below.
    if e.factor.as_ref().is_some_and(|f| f.kind == FactorKind::Gram) {
        e.factor = None;
    }
    let likelihood_dispersion = problem.likelihood_dispersion(e.deviance);
    let (log_likelihood, _) = problem.log_likelihood(&e.mu, likelihood_dispersion);
    let reported = Reported {
        e: &e,
        gamma: &outcome.gamma,
        null_deviance,
        log_likelihood,
        history: &outcome.history,
        boundary: outcome.boundary,
        converged: matches!(outcome.convergence, Convergence::Converged { .. }),
    };
    check_statistics(problem, cols, &reported)?;
    // The expected information at the optimum, factored by QR of the equilibrated √W·X.
    // On a canonical link the observed information is the expected one (kept identical below),
    // so its correction is formed only for the other links.
    let canonical = family.canonical_link() == Some(problem.link);
    let (scores, _) = scoring(problem, cols, &e, DMatrix::zeros(0, 0), !canonical)?;
    let (reduced, reduced_scales) = (&scores.covariance, &scores.scales);
    let mut covariance = DMatrix::zeros(p, p);
    let mut scales = DVector::from_element(p, 1.0);
    for (r, &i) in cols.iter().enumerate() {
        scales[i] = reduced_scales[r];
        for (c, &j) in cols.iter().enumerate() {
            covariance[(i, j)] = reduced[(r, c)];
        }
    }
    let mut observed = scores.observed_covariance().map(|reduced_observed| {
        let mut full = DMatrix::zeros(p, p);
        for (r, &i) in cols.iter().enumerate() {
            for (c, &j) in cols.iter().enumerate() {
                full[(i, j)] = reduced_observed[(r, c)];
            }
        }
        full
    });
    if canonical {
        // The two informations coincide; keep them identical bit for bit.
        observed = Some(covariance.clone());
    }
    let digits =
        estimated_digits(problem, cols, &e, &outcome.gamma, outcome.truncation.as_ref(), &scores);
    let fit = GlmFit {
        model: problem.family.with_link(problem.link),
        method,
        names: problem.names.to_vec(),
        intercept: problem.intercept.is_some(),
        coefficients: problem.expand(cols, &outcome.gamma),
        scaled_covariance: covariance,
        scales,
        aliased,
        deviance: e.deviance,
        null_deviance,
        log_likelihood,
        y: problem.y.clone().into_owned(),
        mu: e.mu,
        eta: e.eta,
        prior_weights: PriorWeights::new(problem.weights.clone()),
        history: outcome.history,
        convergence: outcome.convergence,
        step_halvings: outcome.halvings,
        criterion,
        newton_steps: outcome.newton_steps,
        digits,
        evaluations: None,
        scaled_observed_covariance: observed,
        observations: n,
        warnings: problem.warnings.clone(),
    };
    check_coefficients(&fit)?;
    Ok(fit)
}

//! [`fit`]: validates the input, runs IRLS or gradient ascent, and stores what R's
//! `summary(glm)` needs at the optimum.

use lsq::RankPolicy;
use nalgebra::{DMatrix, DVector};

use crate::control::{Control, IRLS_MAX_ITER, IRLS_TOLERANCE};
use crate::convergence::Outcome;
use crate::data::Data;
use crate::error::{Error, Result};
use crate::glm_fit::GlmFit;
use crate::gradient::gradient_ascent;
use crate::irls::irls;
use crate::method::Method;
use crate::model::Model;
use crate::problem::Problem;
use crate::weighted::{relabel, solve_weighted};

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
/// and `W = w·(dμ/dη)²/V(μ)` by `lsq`'s Householder QR (never the normal equations), in one
/// buffer factored in place and reused. A step that leaves the domain of `η` or `μ`, or raises
/// the deviance by more than rounding, is halved towards the previous iterate (at most 60
/// times). Convergence is R's `|D − D_old|/(|D| + 0.1) < tol`. Separation is then checked (see
/// [`Error::Separation`]). [`Method::GradientAscent`]: the lesson's `θ ← θ + α·∇ℓ̄` on the
/// average log-likelihood.
///
/// # Cost
/// Per IRLS iteration one QR of the `n×p` weighted design, `2np² − 2p³/3` flops, plus `O(np)`
/// per step halving; one more QR at the optimum for the covariance. Per gradient-ascent step
/// `O(np)`. A null-model refit (intercept with an offset) costs one more IRLS run with `p = 1`.
///
/// # Accuracy
/// Each least-squares step is backward stable with error `∝ κ(√W X)·ε`; the fixed point, and so
/// the coefficients, are limited by the convergence tolerance: at R's `1e-8` a canonical-link
/// fit (quadratic convergence) agrees with a tightly converged one to about 10 digits, a
/// non-canonical one (linear convergence) to fewer; tighten [`Control::tolerance`] for more.
/// Standard errors use `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` from the QR at the final `μ`, never an inverted
/// `XᵀWX`.
///
/// # Errors
/// Input: [`Error::DimensionMismatch`], [`Error::NonFinite`], [`Error::OutOfDomain`] and
/// [`Error::SuccessesExceedTrials`] naming the index, [`Error::NegativeWeight`],
/// [`Error::InvalidOption`], [`Error::NotApplicable`]. Fitting: [`Error::InvalidStart`],
/// [`Error::NotConverged`] (carrying the last iterate), [`Error::Diverged`] (gradient ascent),
/// [`Error::StepHalvingFailed`], [`Error::Separation`], [`Error::NoResidualDegreesOfFreedom`],
/// [`Error::NullModel`], and [`Error::LeastSquares`] for a rank-deficient design (naming the
/// aliased columns, unless [`RankPolicy::DropAliased`]) or too few observations.
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
    let (cols, aliased) = usable_columns(&problem, control.rank_policy)?;
    let start = data.start.map(|s| DVector::from_iterator(cols.len(), cols.iter().map(|&j| s[j])));
    let method = control.method;
    let max_iter = control.max_iter_in_effect();
    let tolerance = control.tolerance_in_effect();
    let outcome = match method {
        Method::Irls => {
            irls(&problem, &cols, start.as_ref(), max_iter, tolerance.unwrap_or(IRLS_TOLERANCE))?
        }
        Method::GradientAscent => {
            gradient_ascent(&problem, &cols, start.as_ref(), control.step, max_iter, tolerance)?
        }
    };
    let null = null_deviance(&problem, control)?;
    assemble(&problem, method, &cols, aliased, outcome, null)
}

/// The columns to fit with: all, or (with [`RankPolicy::DropAliased`]) those left after
/// dropping the aliased ones, decided once by a QR of `√w·X` on the rows with positive weight.
fn usable_columns(problem: &Problem<'_>, policy: RankPolicy) -> Result<(Vec<usize>, Vec<usize>)> {
    let p = problem.x.ncols();
    let all: Vec<usize> = (0..p).collect();
    let k = problem.kept.len();
    let root: Vec<f64> = problem.kept.iter().map(|&i| problem.weights[i].sqrt()).collect();
    let weighted = DMatrix::from_fn(k, p, |r, c| root[r] * problem.x[(problem.kept[r], c)]);
    let b = DVector::from_fn(k, |r, _| root[r] * problem.y[problem.kept[r]]);
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
            let outcome = irls(problem, &[j0], None, max_iter, tolerance)
                .map_err(|e| Error::NullModel(Box::new(e)))?;
            Ok(problem.evaluate(&[j0], &outcome.gamma).deviance)
        }
        Some(_) => {
            let total: f64 = problem.kept.iter().map(|&i| problem.weights[i]).sum();
            let mean = problem.kept.iter().map(|&i| problem.weights[i] * problem.y[i]).sum::<f64>()
                / total;
            Ok(problem
                .kept
                .iter()
                .map(|&i| problem.weights[i] * problem.family.unit_deviance(problem.y[i], mean))
                .sum())
        }
        // `evaluate_eta` gives a NaN deviance when a mean leaves the domain.
        None => Ok(problem.evaluate_eta(problem.offset.clone()).deviance),
    }
}

/// Stores what the statistics at the optimum are derived from.
fn assemble(
    problem: &Problem<'_>,
    method: Method,
    cols: &[usize],
    aliased: Vec<usize>,
    outcome: Outcome,
    null_deviance: f64,
) -> Result<GlmFit> {
    let p = problem.x.ncols();
    let n = problem.observations();
    let rank = cols.len();
    let family = problem.family;
    if n <= rank && family.estimates_dispersion() {
        return Err(Error::NoResidualDegreesOfFreedom { observations: n, rank });
    }
    let e = problem.evaluate(cols, &outcome.gamma);
    // The expected information at the optimum, factored by QR: (XᵀWX)⁻¹ = R⁻¹R⁻ᵀ.
    let (solution, _) = solve_weighted(problem, cols, &e, DMatrix::zeros(0, 0))?;
    let reduced = solution.unscaled_covariance()?;
    let mut unscaled = DMatrix::zeros(p, p);
    for (r, &i) in cols.iter().enumerate() {
        for (c, &j) in cols.iter().enumerate() {
            unscaled[(i, j)] = reduced[(r, c)];
        }
    }
    let likelihood_dispersion = problem.likelihood_dispersion(e.deviance);
    let (log_likelihood, _) = problem.log_likelihood(&e.mu, likelihood_dispersion);
    Ok(GlmFit {
        model: problem.family.with_link(problem.link),
        method,
        names: problem.names.to_vec(),
        intercept: problem.intercept.is_some(),
        coefficients: problem.expand(cols, &outcome.gamma),
        unscaled_covariance: unscaled,
        aliased,
        deviance: e.deviance,
        null_deviance,
        log_likelihood,
        y: problem.y.clone(),
        mu: e.mu,
        eta: e.eta,
        prior_weights: problem.weights.clone(),
        history: outcome.history,
        convergence: outcome.convergence,
        step_halvings: outcome.halvings,
        observations: n,
    })
}

//! [`fit`]: validates the input, runs IRLS or gradient ascent, and computes the statistics of
//! R's `summary(glm)` at the optimum.

use lsq::{Design, LeastSquares, Qr, RankPolicy};
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::error::{Error, Result};
use crate::family::Family;
use crate::glm_fit::GlmFit;
use crate::gradient::gradient_ascent;
use crate::irls::{Outcome, irls, relabel, solve_weighted};
use crate::model::Model;
use crate::numeric::count_to_f64;
use crate::options::{FitOptions, IRLS_MAX_ITER, IRLS_TOLERANCE, Method};

/// How an iterative fit ended.
///
/// # Examples
///
/// ```
/// use glm::{Convergence, Family, FitOptions, Method};
/// use lsq::Design;
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let irls = glm::fit(&design, &y, Family::Poisson, &FitOptions::default())?;
/// assert!(matches!(irls.convergence(), Convergence::Converged { .. }));
/// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02);
/// let ga = glm::fit(&design, &y, Family::Poisson, &lesson)?;
/// assert!(matches!(ga.convergence(), Convergence::FixedIterations { iterations: 300, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Convergence {
    /// The convergence test was met: for IRLS R's `|D − D_old|/(|D| + 0.1) < tol`, for
    /// gradient ascent with a tolerance `‖∇ℓ̄‖₂ ≤ tol`.
    Converged {
        /// Iterations run.
        iterations: usize,
        /// The final value of the convergence measure.
        measure: f64,
        /// The tolerance it met.
        tolerance: f64,
    },
    /// Gradient ascent without a tolerance ran the fixed number of steps it was given. This
    /// is not a claim of convergence; the gradient norm at the last iterate says how far from
    /// stationary it is.
    FixedIterations {
        /// Steps taken.
        iterations: usize,
        /// `‖∇ℓ̄‖₂` at the last iterate.
        gradient_norm: f64,
    },
}

impl Convergence {
    /// Iterations run.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::{Convergence, Method};
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02).max_iter(40);
    /// let ga = glm::fit(&design, &y, Family::Poisson, &lesson)?;
    /// assert!(matches!(ga.convergence(), Convergence::FixedIterations { .. }));
    /// assert_eq!(ga.convergence().iterations(), 40);
    /// assert_eq!(ga.history().len(), 40 + 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn iterations(&self) -> usize {
        match *self {
            Convergence::Converged { iterations, .. }
            | Convergence::FixedIterations { iterations, .. } => iterations,
        }
    }
}

/// Fits a generalized linear model `g(E[y]) = η = Xθ + offset` by maximum likelihood.
///
/// The family gives the distribution of `y` (variance `φV(μ)/w`), the link `g` defaults to the
/// family's ([`Family::default_link`]); any link works with any family. The result carries the
/// coefficients, their standard errors from the expected information, z or t tests, deviance,
/// null deviance, Pearson χ², dispersion, log-likelihood, AIC and BIC with R's conventions, and
/// residuals and predictions.
///
/// # Algorithm
/// [`Method::Irls`] (default): Fisher scoring as R's `glm.fit` (McCullagh & Nelder, *Generalized
/// Linear Models*, 2nd ed., 1989, §2.5). From `μ₀` (R's `mustart`), each iteration solves the
/// weighted least-squares problem `min ‖√W(z − Xθ)‖₂` with `z = η − offset + (y − μ)/(dμ/dη)`
/// and `W = w·(dμ/dη)²/V(μ)` by `lsq`'s Householder QR (never the normal equations). A step
/// that leaves the domain of `η` or `μ`, or raises the deviance by more than rounding, is
/// halved (at most [`crate::MAX_STEP_HALVINGS`] times). Convergence is R's
/// `|D − D_old|/(|D| + 0.1) < tol`. Separation is then checked (see [`Error::Separation`]).
/// [`Method::GradientAscent`]: the lesson's `θ ← θ + α·∇ℓ̄` on the average log-likelihood.
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
/// non-canonical one (linear convergence) to fewer; tighten `tol` for more. Standard errors use
/// `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` from the QR at the final `μ`, never an inverted `XᵀWX`.
///
/// # Errors
/// Input: [`Error::DimensionMismatch`], [`Error::NonFinite`], [`Error::OutOfDomain`] and
/// [`Error::SuccessesExceedTrials`] naming the index, [`Error::NegativeWeight`],
/// [`Error::InvalidOption`], [`Error::NotApplicable`]. Fitting: [`Error::InvalidStart`],
/// [`Error::NotConverged`] (carrying the last iterate), [`Error::Diverged`] (gradient ascent),
/// [`Error::StepHalvingFailed`], [`Error::Separation`], [`Error::NoResidualDegreesOfFreedom`],
/// and [`Error::LeastSquares`] for a rank-deficient design (naming the aliased columns, unless
/// [`RankPolicy::DropAliased`]) or too few observations.
///
/// # Examples
///
/// ```
/// use glm::{Family, FitOptions};
/// use lsq::Design;
/// use nalgebra::{dmatrix, dvector};
///
/// // Dobson (1990, p. 93), the example in R's `?glm`.
/// let columns = dmatrix![
///     0.0, 0.0, 0.0, 0.0; 1.0, 0.0, 0.0, 0.0; 0.0, 1.0, 0.0, 0.0;
///     0.0, 0.0, 1.0, 0.0; 1.0, 0.0, 1.0, 0.0; 0.0, 1.0, 1.0, 0.0;
///     0.0, 0.0, 0.0, 1.0; 1.0, 0.0, 0.0, 1.0; 0.0, 1.0, 0.0, 1.0
/// ];
/// let design = Design::with_intercept(&columns)?
///     .with_names(["(Intercept)", "outcome2", "outcome3", "treatment2", "treatment3"])?;
/// let counts = dvector![18.0, 17.0, 15.0, 20.0, 10.0, 20.0, 25.0, 13.0, 12.0];
/// let fit = glm::fit(&design, &counts, Family::Poisson, &FitOptions::default())?;
/// assert!((fit.deviance() - 5.129141077001144).abs() < 1e-9);
/// assert!((fit.aic() - 56.76131840195768).abs() < 1e-9);
/// println!("{fit}"); // laid out like R's summary(glm)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fit(
    design: &Design,
    y: &nalgebra::DVector<f64>,
    family: Family,
    options: &FitOptions,
) -> Result<GlmFit> {
    options.validate(family, design.nrows(), design.ncols())?;
    let model = Model::new(design, y, family, options)?;
    let (cols, aliased) = usable_columns(&model, options.rank_policy_value())?;
    let start = options
        .start_value()
        .map(|s| DVector::from_iterator(cols.len(), cols.iter().map(|&j| s[j])));
    let method = options.method_value();
    let tol = options.tol_value();
    let outcome = match method {
        Method::Irls => irls(
            &model,
            &cols,
            start.as_ref(),
            options.max_iter_value(),
            tol.unwrap_or(IRLS_TOLERANCE),
        )?,
        Method::GradientAscent => gradient_ascent(
            &model,
            &cols,
            start.as_ref(),
            options.step_value(),
            options.max_iter_value(),
            tol,
        )?,
    };
    let null = null_deviance(&model, options);
    assemble(&model, method, &cols, aliased, outcome, null, options.confidence_level_value())
}

/// The columns to fit with: all, or (with [`RankPolicy::DropAliased`]) those left after
/// dropping the aliased ones, decided once by a QR of `√w·X` on the rows with positive weight.
fn usable_columns(model: &Model<'_>, policy: RankPolicy) -> Result<(Vec<usize>, Vec<usize>)> {
    let p = model.x.ncols();
    let all: Vec<usize> = (0..p).collect();
    let k = model.kept.len();
    let root: Vec<f64> = model.kept.iter().map(|&i| model.weights[i].sqrt()).collect();
    let weighted = || DMatrix::from_fn(k, p, |r, c| root[r] * model.x[(model.kept[r], c)]);
    let b = DVector::from_fn(k, |r, _| root[r] * model.y[model.kept[r]]);
    let qr = Qr::default().rank_policy(policy);
    // Full rank, the common case, is decided without a copy of the design; otherwise the
    // pivoted solve names the aliased columns.
    let aliased = match qr.solve_full_rank_in_place(&mut weighted(), &b) {
        Ok(Some(_)) => Ok(Vec::new()),
        Ok(None) => qr.solve(&weighted(), &b).map(|s| s.aliased().to_vec()),
        Err(err) => Err(err),
    }
    .map_err(|e| relabel(e, &all, model.names))?;
    let cols = all.into_iter().filter(|j| !aliased.contains(j)).collect();
    Ok((cols, aliased))
}

/// The deviance of the intercept-only model with the same weights and offset (R's rule): the
/// weighted mean without an offset, a proper IRLS refit with one, `g⁻¹(offset)` without an
/// intercept.
fn null_deviance(model: &Model<'_>, options: &FitOptions) -> Result<f64> {
    match model.intercept {
        Some(j0) if model.has_offset => {
            let (max_iter, tol) = match options.method_value() {
                Method::Irls => {
                    (options.max_iter_value(), options.tol_value().unwrap_or(IRLS_TOLERANCE))
                }
                Method::GradientAscent => (IRLS_MAX_ITER, IRLS_TOLERANCE),
            };
            let outcome = irls(model, &[j0], None, max_iter, tol)?;
            Ok(model.evaluate(&[j0], &outcome.gamma).deviance)
        }
        Some(_) => {
            let total: f64 = model.kept.iter().map(|&i| model.weights[i]).sum();
            let mean =
                model.kept.iter().map(|&i| model.weights[i] * model.y[i]).sum::<f64>() / total;
            Ok(model
                .kept
                .iter()
                .map(|&i| model.weights[i] * model.family.unit_deviance(model.y[i], mean))
                .sum())
        }
        None => {
            let e = model.evaluate_eta(model.offset.clone());
            match e.invalid {
                Some(index) => {
                    Err(Error::InvalidNullModel { index, mu: e.mu[index], family: model.family })
                }
                None => Ok(e.deviance),
            }
        }
    }
}

/// Computes the statistics at the optimum.
fn assemble(
    model: &Model<'_>,
    method: Method,
    cols: &[usize],
    aliased: Vec<usize>,
    outcome: Outcome,
    null_deviance: Result<f64>,
    confidence_level: f64,
) -> Result<GlmFit> {
    let p = model.x.ncols();
    let n = model.observations();
    let rank = cols.len();
    let family = model.family;
    if n <= rank && family.estimates_dispersion() {
        return Err(Error::NoResidualDegreesOfFreedom { observations: n, rank });
    }
    let df_residual = n - rank;
    let e = model.evaluate(cols, &outcome.gamma);
    // The expected information at the optimum, factored by QR: (XᵀWX)⁻¹ = R⁻¹R⁻ᵀ.
    let solution = solve_weighted(model, cols, &e, &mut DMatrix::zeros(0, 0))?;
    let reduced = solution.unscaled_covariance()?;
    let mut unscaled = DMatrix::zeros(p, p);
    for (r, &i) in cols.iter().enumerate() {
        for (c, &j) in cols.iter().enumerate() {
            unscaled[(i, j)] = reduced[(r, c)];
        }
    }
    let pearson_chi2 = model.pearson_chi2(&e.mu);
    let dispersion =
        if family.estimates_dispersion() { pearson_chi2 / count_to_f64(df_residual) } else { 1.0 };
    let coefficients = model.expand(cols, &outcome.gamma);
    let std_errors = DVector::from_fn(p, |j, _| {
        if aliased.contains(&j) { f64::NAN } else { (dispersion * unscaled[(j, j)]).sqrt() }
    });
    let statistics = coefficients.zip_map(&std_errors, |b, se| b / se);
    let p_values = statistics.map(|s| two_sided_p(s, family.estimates_dispersion(), df_residual));
    let likelihood_dispersion = model.likelihood_dispersion(e.deviance);
    let (log_likelihood, _) = model.log_likelihood(&e.mu, likelihood_dispersion);
    let parameters = count_to_f64(rank + usize::from(family.estimates_dispersion()));
    let working_weights = DVector::from_fn(model.y.len(), |i, _| {
        if model.weights[i] > 0.0 {
            let d = model.link.mu_eta(e.eta[i]);
            model.weights[i] * d * d / family.variance(e.mu[i])
        } else {
            0.0
        }
    });
    Ok(GlmFit {
        family,
        link: model.link,
        method,
        names: model.names.to_vec(),
        intercept: model.intercept.is_some(),
        coefficients,
        std_errors,
        statistics,
        p_values,
        unscaled_covariance: unscaled,
        aliased,
        rank,
        dispersion,
        deviance: e.deviance,
        null_deviance,
        df_residual,
        df_null: n - usize::from(model.intercept.is_some()),
        pearson_chi2,
        log_likelihood,
        aic: -2.0 * log_likelihood + 2.0 * parameters,
        bic: -2.0 * log_likelihood + count_to_f64(n).ln() * parameters,
        y: model.y.clone(),
        mu: e.mu,
        eta: e.eta,
        prior_weights: model.prior.clone(),
        weights: model.weights.clone(),
        working_weights,
        offset: model.offset.clone(),
        history: outcome.history,
        convergence: outcome.convergence,
        step_halvings: outcome.halvings,
        observations: n,
        confidence_level,
    })
}

/// Two-sided p-value of a z (normal) or t (Student, `df`) statistic; NaN stays NaN (an aliased
/// coefficient).
pub(crate) fn two_sided_p(statistic: f64, student: bool, df: usize) -> f64 {
    if statistic.is_nan() {
        return f64::NAN;
    }
    let tail = if student && df > 0 {
        StudentsT::new(0.0, 1.0, count_to_f64(df)).map_or(f64::NAN, |t| t.sf(statistic.abs()))
    } else {
        Normal::standard().sf(statistic.abs())
    };
    2.0 * tail
}

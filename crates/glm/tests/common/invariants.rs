//! What every outcome of `glm::fit` must satisfy, whatever the input: an `Ok` reports finite
//! statistics (or the documented "not available" markers) and prints; an `Err` is one line that
//! names its cause with the numbers, and its source chain repeats nothing.

#![allow(dead_code, reason = "each test file uses a different subset")]

use glm::nalgebra::DMatrix;
use glm::{Domain, Error, GlmFit, ResidualKind};

/// What a probe produced, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A fit that passed [`check_fit`].
    Fit,
    /// A typed error that passed [`check_error`].
    Error,
}

/// Checks an outcome of `glm::fit` on the design matrix `x`; `optimum` says whether an `Ok`
/// must also be a stationary point (IRLS with R's tolerance or a tighter one).
#[track_caller]
pub fn check_outcome(
    outcome: &glm::Result<GlmFit>,
    x: &DMatrix<f64>,
    optimum: bool,
    context: &str,
) -> Verdict {
    match outcome {
        Ok(fit) => {
            check_fit(fit, x, context);
            if optimum {
                check_score(fit, x, context);
            }
            Verdict::Fit
        }
        Err(err) => {
            check_error(err, context);
            Verdict::Error
        }
    }
}

/// Every statistic of a fit is finite, except the documented markers: NaN standard errors,
/// statistics and p-values of aliased columns, and a NaN null deviance without an intercept.
#[track_caller]
pub fn check_fit(fit: &GlmFit, x: &DMatrix<f64>, context: &str) {
    let ctx = || format!("{context}\n{fit:?}");
    let (theta, se, z, p) =
        (fit.coefficients(), fit.std_errors(), fit.statistics(), fit.p_values());
    // An interval whose end overflows (a standard error near 10³⁰⁸) is a typed error.
    let (lower, upper) = match fit.confidence_intervals(0.95) {
        Ok(bounds) => bounds,
        Err(err) => {
            check_error(&err, context);
            assert!(matches!(err, Error::CoefficientOutOfRange { .. }), "{err}: {}", ctx());
            let zeros = || glm::nalgebra::DVector::from_element(theta.len(), 0.0);
            (zeros(), zeros())
        }
    };
    for j in 0..theta.len() {
        if fit.aliased().contains(&j) {
            assert!(theta[j] == 0.0 && se[j].is_nan() && p[j].is_nan(), "aliased {j}: {}", ctx());
            continue;
        }
        assert!(theta[j].is_finite(), "coefficient {j}: {}", ctx());
        assert!(se[j].is_finite() && se[j] > 0.0, "standard error {j} = {}: {}", se[j], ctx());
        assert!(z[j].is_finite(), "statistic {j}: {}", ctx());
        assert!((0.0..=1.0).contains(&p[j]), "p-value {j} = {}: {}", p[j], ctx());
        assert!(lower[j].is_finite() && upper[j].is_finite(), "interval {j}: {}", ctx());
    }
    assert!(fit.deviance().is_finite() && fit.deviance() >= 0.0, "deviance: {}", ctx());
    let null = fit.null_deviance();
    let no_intercept = fit.df_null() == fit.observations();
    assert!(
        (null.is_finite() && null >= 0.0) || (null.is_nan() && no_intercept),
        "null deviance {null}: {}",
        ctx()
    );
    for (name, value) in [
        ("log-likelihood", fit.log_likelihood().unwrap()),
        ("AIC", fit.aic().unwrap()),
        ("BIC", fit.bic().unwrap()),
        ("dispersion", fit.dispersion()),
        ("Pearson χ²", fit.pearson_chi2()),
    ] {
        assert!(value.is_finite(), "{name} = {value}: {}", ctx());
    }
    assert!(fit.dispersion() > 0.0, "dispersion: {}", ctx());
    let domain = fit.model().family().mean_domain();
    assert!(fit.fitted_values().iter().all(|&m| domain.contains(m)), "means: {}", ctx());
    assert!(fit.linear_predictor().iter().all(|v| v.is_finite()), "η: {}", ctx());
    // W = w(dμ/dη)²/V may overflow in extreme units (documented); √W, which the fit uses, not.
    assert!(fit.working_weights().iter().all(|v| *v >= 0.0), "W: {}", ctx());
    for kind in [
        ResidualKind::Response,
        ResidualKind::Pearson,
        ResidualKind::Deviance,
        ResidualKind::Working,
    ] {
        let r = fit.residuals(kind);
        assert!(r.iter().all(|v| v.is_finite()), "{kind:?} residuals: {}", ctx());
    }
    assert!(fit.history().iter().all(|v| v.is_finite()), "history: {}", ctx());
    // Predicting the design's own rows, with the fit's offset η − Xθ, gives valid means.
    let offset = fit.linear_predictor() - x * fit.coefficients();
    let own = fit.predict(x, Some(&offset)).unwrap_or_else(|e| panic!("predict: {e}: {}", ctx()));
    assert!(own.link_std_errors.iter().all(|v| v.is_finite()), "prediction se: {}", ctx());
    // The summary prints, with NA (never NaN or Inf) for what is not available.
    let text = fit.to_string();
    assert!(text.contains("Coefficients:") && text.contains("AIC: "), "{text}");
    for word in ["NaN", "inf", "Inf"] {
        assert!(!text.contains(word), "{word} in the summary:\n{text}\n{context}");
    }
    for warning in fit.warnings() {
        assert!(text.contains(&warning.to_string()), "warning not printed:\n{text}");
    }
}

/// Largest cosine between the Pearson residuals and a column of `√W·X` at an optimum that
/// passes: the score equations `(√W·X)ᵀr = 0` hold to the accuracy R's criterion `1e-8` on the
/// deviance allows, about its square root after a quadratic step and up to `3e-3` after the
/// linear steps of a non-canonical link (the library's own test uses the same `1e-2`).
pub const SCORE_COSINE: f64 = 1e-2;

/// The fit is at a stationary point: the score equations hold in cosine form. A saturated fit
/// (no residual degrees of freedom) is skipped: its columns span every direction, so any
/// residual left by R's deviance criterion has cosine 1 with them.
/// A fit whose optimum lies on the boundary of the model's range (a mean converging to 0 under
/// the square-root link, say) is skipped too: there the score equations hold only for the
/// constrained problem.
#[track_caller]
pub fn check_score(fit: &GlmFit, x: &DMatrix<f64>, context: &str) {
    if fit.df_residual() == 0 || !interior(fit) {
        return;
    }
    let weights = fit.working_weights();
    // A working weight below f64's normal range (W = 1/μ² near 10⁻³²² for a Gamma mean near
    // 10¹⁶¹) has lost the bits its root would need; the fit forms √W without forming W.
    if weights.iter().any(|w| !w.is_finite() || (*w != 0.0 && !w.is_normal())) {
        return;
    }
    let root: Vec<f64> = weights.iter().map(|w| w.sqrt()).collect();
    let r = fit.residuals(ResidualKind::Pearson);
    let r_norm = norm(
        r.iter().zip(fit.prior_weights().iter()).map(|(v, w)| if *w > 0.0 { *v } else { 0.0 }),
    );
    // A saturated fit's residuals are rounding noise in every direction.
    let scale = norm(fit.response().iter().zip(&root).map(|(y, w)| y * w));
    if r_norm <= 1e-6 * scale || r_norm == 0.0 {
        return;
    }
    for j in 0..x.ncols() {
        if fit.aliased().contains(&j) {
            continue;
        }
        let column: Vec<f64> = (0..x.nrows()).map(|i| root[i] * x[(i, j)]).collect();
        let c_norm = norm(column.iter().copied());
        if c_norm == 0.0 {
            continue;
        }
        // Scaled before the product, so that neither factor can overflow.
        let dot: f64 = column.iter().zip(r.iter()).map(|(c, v)| (c / c_norm) * (v / r_norm)).sum();
        assert!(dot.abs() <= SCORE_COSINE, "score {j} has cosine {dot:e}: {context}\n{fit}");
    }
}

/// Relative distance below which a mean or a linear predictor counts as on the boundary of its
/// domain.
const NEAR_BOUNDARY: f64 = 1e-6;

/// Whether every fitted mean and linear predictor is away from the finite ends of its domain.
fn interior(fit: &GlmFit) -> bool {
    let (mu, eta) = (fit.fitted_values(), fit.linear_predictor());
    let (mu_max, eta_max) = (mu.amax(), eta.amax());
    let (mu_domain, eta_domain) =
        (fit.model().family().mean_domain(), fit.model().link().eta_domain());
    (0..mu.len()).filter(|&i| fit.prior_weights()[i] > 0.0).all(|i| {
        let near_mu = match mu_domain {
            Domain::Positive => mu[i] <= NEAR_BOUNDARY * mu_max,
            Domain::OpenUnit => mu[i].min(1.0 - mu[i]) <= NEAR_BOUNDARY,
            _ => false,
        };
        let near_eta = matches!(eta_domain, Domain::Positive | Domain::NonZero)
            && eta[i].abs() <= NEAR_BOUNDARY * eta_max;
        !near_mu && !near_eta
    })
}

/// Euclidean norm without overflow.
fn norm(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let scale = values.clone().fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    scale * values.map(|v| (v / scale).powi(2)).sum::<f64>().sqrt()
}

/// An error is one line that names its cause: lowercase-led, no trailing period, the numbers of
/// its fields in the message, and a source chain that repeats nothing of it.
#[track_caller]
pub fn check_error(err: &Error, context: &str) {
    let text = err.to_string();
    let ctx = || format!("{text}\n{err:?}\n{context}");
    assert!(!text.is_empty() && !text.contains('\n'), "{}", ctx());
    assert!(!text.ends_with('.'), "trailing period: {}", ctx());
    assert!(!text.starts_with(|c: char| c.is_ascii_uppercase()), "capitalised: {}", ctx());
    assert!(!text.contains("{:?}") && !text.contains("Some("), "debug formatting: {}", ctx());
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert!(!text.contains(&cause.to_string()), "source repeated: {}", ctx());
        source = cause.source();
    }
    // A clone carries the same numbers (compared as text: a NaN field is not equal to itself).
    assert_eq!(format!("{err:?}"), format!("{:?}", err.clone()));
    let has = |what: String| assert!(text.contains(&what), "{what:?} missing: {}", ctx());
    match err {
        Error::DimensionMismatch { expected, found, .. } => {
            has(expected.to_string());
            has(found.to_string());
        }
        Error::NonFinite { index, value, .. } | Error::OutOfDomain { index, value, .. } => {
            has(format!("entry {index} is {value}"));
        }
        Error::SuccessesExceedTrials { index, .. } | Error::NegativeWeight { index, .. } => {
            has(index.to_string());
        }
        Error::InvalidOption { name, value, .. } => {
            has(format!("invalid value {value} for `{name}`"));
        }
        Error::InvalidStart { index, .. } => has(format!("observation {index}")),
        Error::OutOfRange { statistic, index, .. } => {
            has(format!("the {statistic} is"));
            has(format!("observation {index}"));
        }
        Error::NotConverged { iterations, .. } => has(format!("in {iterations} iterations")),
        Error::Diverged { iteration, reason, .. } => {
            has(format!("iteration {iteration}"));
            has(reason.to_string());
        }
        Error::Separation { separated, observations, .. } => {
            has(format!("{} of {observations} observations", separated.len()));
            has(separated[0].to_string());
        }
        Error::NullModel(inner) => has(inner.to_string()),
        Error::LeastSquares(inner) => {
            has(inner.to_string());
            if let glm::lsq::Error::ZeroColumn { column, .. } = inner {
                has(format!("column {column}"));
            }
        }
        _ => {}
    }
}

//! Every reference case of `tests/data/glm-reference/` against statsmodels' (R-validated)
//! results: coefficients, standard errors, deviance, null deviance, Pearson χ², dispersion,
//! log-likelihood and AIC (R's convention for Gamma).
//!
//! Agreement is measured as correct significant digits, `−log₁₀` of the worst relative error
//! over all those numbers. A reference coefficient below 1e-6 of its standard error (Dobson's
//! treatment effects are ±1e-15, zero up to statsmodels' rounding) is measured against that
//! floor instead of its own size, so it must agree to 1e-12 standard errors.
//!
//! Gradient ascent is not run on these data sets: on real, unscaled designs its step size
//! has to be tuned per data set (the lesson's α = 0.05 diverges at the first step on three of
//! them). It is compared with IRLS on the lesson's data in `tests/gradient.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

#[path = "common/reference.rs"]
mod reference;

use glm::{Control, Convergence, GlmFit};
use reference::{Case, NAMES, load};

/// Correct digits of `computed` against `expected`, with the relative error measured against
/// `max(|expected|, floor)`.
fn digits(computed: f64, expected: f64, floor: f64) -> f64 {
    let err = (computed - expected).abs() / expected.abs().max(floor);
    if err == 0.0 { 17.0 } else { -err.log10() }
}

/// Checks every reference number of a case to at least `min_digits` correct digits and the
/// degrees of freedom and convergence exactly.
#[track_caller]
fn check(case: &Case, fit: &GlmFit, min_digits: f64) {
    let r = &case.reference;
    let compare = |what: &str, computed: f64, expected: f64, floor: f64| {
        let d = digits(computed, expected, floor);
        assert!(
            d >= min_digits,
            "{}: {what} = {computed:.15e}, reference {expected:.15e}: {d:.2} digits < {min_digits}",
            case.name
        );
    };
    for j in 0..r.coefficients.len() {
        let name = &case.design.names()[j];
        let floor = 1e-6 * r.std_errors[j];
        compare(&format!("coefficient {name}"), fit.coefficients()[j], r.coefficients[j], floor);
        compare(&format!("std error {name}"), fit.std_errors()[j], r.std_errors[j], 0.0);
    }
    compare("deviance", fit.deviance(), r.deviance, 0.0);
    compare("null deviance", fit.null_deviance(), r.null_deviance, 0.0);
    compare("pearson chi2", fit.pearson_chi2(), r.pearson_chi2, 0.0);
    compare("dispersion", fit.dispersion(), r.scale, 0.0);
    if let Some(ll) = r.log_likelihood {
        compare("log-likelihood", fit.log_likelihood(), ll, 0.0);
    }
    if let Some(aic) = r.aic {
        compare("AIC", fit.aic(), aic, 0.0);
    }
    let df = f64::from(u32::try_from(fit.df_residual()).unwrap());
    assert!((df - r.df_residual).abs() < 0.5, "{}: df {df} vs {}", case.name, r.df_residual);
    assert_eq!(fit.df_null(), case.y.len() - 1, "{}", case.name);
    assert!(matches!(fit.convergence(), Convergence::Converged { .. }), "{}", case.name);
}

/// Minimum digits at `tol = 1e-12`. Measured (this machine): dobson 8.00 (the zero
/// coefficients' floor; every other number agrees to 9 or more), logit 9.91, probit 7.10,
/// gamma 12.61, star98 12.25.
const TIGHT_DIGITS: [(&str, f64); 5] = [
    ("dobson_poisson", 7.5),
    ("spector_logit", 9.5),
    ("spector_probit", 6.5),
    ("scotland_gamma", 12.0),
    ("star98_binomial", 11.5),
];

/// Minimum digits with R's default `tol = 1e-8`. Measured: dobson 8.00, logit 9.63, probit
/// 5.03, gamma 12.61, star98 12.25. The probit link is not canonical, so Fisher scoring
/// converges linearly and R's deviance criterion stops with the coefficients good to about
/// 5 digits (6e-6 relative); R's own `glm` stops at the same point.
const DEFAULT_DIGITS: [(&str, f64); 5] = [
    ("dobson_poisson", 7.5),
    ("spector_logit", 9.0),
    ("spector_probit", 4.5),
    ("scotland_gamma", 12.0),
    ("star98_binomial", 11.5),
];

fn min_digits(table: &[(&str, f64)], name: &str) -> f64 {
    table.iter().find(|(n, _)| *n == name).map(|&(_, d)| d).unwrap()
}

#[test]
fn every_reference_case_agrees_to_at_least_six_digits_at_a_tight_tolerance() {
    for name in NAMES {
        let case = load(name);
        let tight = Control::default().tolerance(1e-12);
        let fit = glm::fit(&case.data(), case.model(), &tight).unwrap();
        let d = min_digits(&TIGHT_DIGITS, name);
        assert!(d >= 6.0);
        check(&case, &fit, d);
    }
}

#[test]
fn default_options_reach_the_documented_digits() {
    for name in NAMES {
        let case = load(name);
        let fit = glm::fit(&case.data(), case.model(), &Control::default()).unwrap();
        check(&case, &fit, min_digits(&DEFAULT_DIGITS, name));
    }
}

#[test]
fn canonical_fits_converge_in_as_few_iterations_as_newton() {
    // Canonical links make Fisher scoring Newton's method: quadratic convergence, a handful
    // of iterations (statsmodels needed more only because its criterion was 1e-13).
    for name in ["dobson_poisson", "spector_logit", "scotland_gamma", "star98_binomial"] {
        let case = load(name);
        let fit = glm::fit(&case.data(), case.model(), &Control::default()).unwrap();
        let iterations = fit.convergence().iterations();
        assert!(iterations <= 6, "{name}: {iterations} iterations");
        // The deviance history decreases after the first step (entry 0 is at R's
        // starting means, not at a coefficient vector), up to the rounding of a converged
        // deviance, the 8·n·ε·D that IRLS allows (scotland_gamma's last step rises by 18 ulps).
        let n = f64::from(u32::try_from(fit.observations()).unwrap());
        let rounding = 8.0 * n * f64::EPSILON * fit.deviance();
        assert!(
            fit.history()[1..].windows(2).all(|w| w[1] <= w[0] + rounding),
            "{name}: {:?}",
            fit.history()
        );
    }
}

#[test]
fn the_summary_of_dobsons_example_reads_like_r() {
    let case = load("dobson_poisson");
    let fit = glm::fit(&case.data(), case.model(), &Control::default()).unwrap();
    let text = fit.to_string();
    for line in [
        "Coefficients:",
        "Estimate Std. Error",
        "z value Pr(>|z|)",
        "(Dispersion parameter for poisson family taken to be 1)",
        "    Null deviance: 10.581  on 8  degrees of freedom",
        "Residual deviance: 5.1291  on 4  degrees of freedom",
        "AIC: 56.761",
        "Number of Fisher Scoring iterations: 4",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let gamma = load("scotland_gamma");
    let fit = glm::fit(&gamma.data(), gamma.model(), &Control::default()).unwrap();
    let text = fit.to_string();
    assert!(text.contains("t value Pr(>|t|)"), "{text}");
    assert!(
        text.contains("(Dispersion parameter for Gamma family taken to be 0.003584283)"),
        "{text}"
    );
}

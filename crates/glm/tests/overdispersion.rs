//! The over-dispersion check (the lesson's third exercise) on simulated counts: it flags
//! negative-binomial data and not Poisson data, for fixed seeds.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::dvector;
use glm::{Control, Data, Design, Error, Family, GlmFit, OverdispersionTest};
use sim::ResponseKind;

/// The lesson's design and mean (`μ = exp(0.3 + 0.8t)`, 80 points on [0, 3]) with responses of
/// the given kind, fitted as Poisson.
fn poisson_fit(seed: u64, kind: ResponseKind) -> GlmFit {
    let mut rng = sim::rng_from_seed(seed);
    let lesson = sim::PoissonLesson::default().generate(&mut rng).unwrap();
    let s = sim::glm_response(lesson.x, &dvector![0.3, 0.8], f64::exp, kind, &mut rng).unwrap();
    let design = Design::new(s.x).unwrap().with_intercept_column(0).unwrap();
    glm::fit(&Data::new(&design, &s.y), Family::Poisson, &Control::default()).unwrap()
}

/// Pearson's χ²/df of a fit.
fn pearson_dispersion(fit: &GlmFit) -> f64 {
    fit.pearson_chi2() / f64::from(u32::try_from(fit.df_residual()).unwrap())
}

#[track_caller]
fn check(fit: &GlmFit) -> OverdispersionTest {
    let test = glm::overdispersion_test(fit).unwrap();
    // The slope of ((y − μ)² − y)/μ on μ through the origin, in closed form.
    let (y, mu) = (fit.response(), fit.fitted_values());
    let z = y.zip_map(mu, |y, m| ((y - m) * (y - m) - y) / m);
    let alpha = z.dot(mu) / mu.norm_squared();
    assert!((test.alpha - alpha).abs() <= 1e-12 * alpha.abs().max(1.0));
    // Its standard error: the residual variance of the auxiliary regression, on n − 1 degrees
    // of freedom, over ‖μ‖².
    let n = f64::from(u32::try_from(y.len()).unwrap());
    let residual_variance = (&z - mu * test.alpha).norm_squared() / (n - 1.0);
    let se = (residual_variance / mu.norm_squared()).sqrt();
    assert!((test.alpha_std_error - se).abs() <= 1e-10 * se);
    assert!((test.statistic - test.alpha / test.alpha_std_error).abs() < 1e-12);
    assert_eq!(test.df, fit.observations() - 1);
    // One-sided: the upper tail of Student's t with `df` degrees of freedom.
    let t = statrs::distribution::StudentsT::new(0.0, 1.0, n - 1.0).unwrap();
    let tail = statrs::distribution::ContinuousCDF::sf(&t, test.statistic);
    assert!((test.p_value - tail).abs() <= 1e-12 * tail);
    assert!((test.pearson_dispersion - pearson_dispersion(fit)).abs() < 1e-15);
    // The sample variance over the mean of the counts.
    let mean = y.mean();
    let variance = y.map(|v| (v - mean).powi(2)).sum() / (n - 1.0);
    assert!((test.variance_to_mean - variance / mean).abs() <= 1e-12 * variance / mean);
    test
}

#[test]
fn negative_binomial_counts_are_flagged() {
    // Measured p-values for seeds 1 to 6: 7.7e-4, 4.4e-6, 8.8e-4, 1.3e-8, 1.3e-4, 6.2e-7;
    // Pearson χ²/df between 2.7 and 4.4, α̂ between 0.30 and 0.58 (true α = 1/θ = 0.5).
    for seed in 1..=6 {
        let fit = poisson_fit(seed, ResponseKind::NegativeBinomial { theta: 2.0 });
        let test = check(&fit);
        assert!(test.p_value < 0.01, "seed {seed}: p = {}", test.p_value);
        assert!(test.pearson_dispersion > 2.0, "seed {seed}: {}", test.pearson_dispersion);
        assert!(test.alpha > 0.2 && test.alpha < 0.8, "seed {seed}: α = {}", test.alpha);
    }
}

#[test]
fn poisson_counts_are_not_flagged() {
    // Measured p-values for seeds 1 to 6: 0.82, 0.74, 0.66, 0.26, 0.52, 0.49; Pearson χ²/df
    // between 0.92 and 1.44. The raw variance-to-mean ratio is 3 to 4.3 all the same: the
    // covariate spreads the means, which is why the test uses the fitted means.
    for seed in 1..=6 {
        let fit = poisson_fit(seed, ResponseKind::Poisson);
        let test = check(&fit);
        assert!(test.p_value >= 0.05, "seed {seed}: p = {}", test.p_value);
        assert!(test.pearson_dispersion < 1.5, "seed {seed}: {}", test.pearson_dispersion);
        assert!(test.variance_to_mean > 2.0, "seed {seed}: {}", test.variance_to_mean);
        // The covariate spreads the Poisson counts: well above Pearson's χ²/df.
        assert!(test.variance_to_mean > 2.0 * test.pearson_dispersion, "seed {seed}");
    }
}

#[test]
fn pearson_dispersion_separates_the_two_kinds_for_the_same_seed() {
    for seed in 1..=6 {
        let nb = poisson_fit(seed, ResponseKind::NegativeBinomial { theta: 2.0 });
        let poisson = poisson_fit(seed, ResponseKind::Poisson);
        assert!(pearson_dispersion(&nb) > 2.0 * pearson_dispersion(&poisson));
    }
}

#[test]
fn the_test_needs_a_poisson_fit_with_unit_weights() {
    let design = Design::with_intercept(&glm::nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y = dvector![1.0, 2.0, 4.0, 3.0];
    let data = Data::new(&design, &y);
    let gaussian = glm::fit(&data, Family::Gaussian, &Control::default()).unwrap();
    assert!(matches!(glm::overdispersion_test(&gaussian), Err(Error::Unsupported { .. })));
    let weights = dvector![1.0, 2.0, 1.0, 1.0];
    let weighted = glm::fit(&data.weights(&weights), Family::Poisson, &Control::default()).unwrap();
    assert!(matches!(glm::overdispersion_test(&weighted), Err(Error::Unsupported { .. })));
}

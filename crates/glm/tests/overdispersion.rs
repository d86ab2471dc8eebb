//! The over-dispersion check (the lesson's third exercise) on simulated counts: it flags
//! negative-binomial data and not Poisson data, for fixed seeds.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::{Error, Family, FitOptions, GlmFit, OverdispersionTest};
use lsq::Design;
use nalgebra::dvector;
use sim::ResponseKind;

/// The lesson's design and mean (`μ = exp(0.3 + 0.8t)`, 80 points on [0, 3]) with responses of
/// the given kind, fitted as Poisson.
fn poisson_fit(seed: u64, kind: ResponseKind) -> GlmFit {
    let mut rng = sim::rng_from_seed(seed);
    let lesson = sim::PoissonLesson::default().generate(&mut rng).unwrap();
    let s = sim::glm_response(lesson.x, &dvector![0.3, 0.8], f64::exp, kind, &mut rng).unwrap();
    glm::fit(&Design::new(s.x).unwrap(), &s.y, Family::Poisson, &FitOptions::default()).unwrap()
}

#[track_caller]
fn check(fit: &GlmFit) -> OverdispersionTest {
    let test = glm::overdispersion_test(fit).unwrap();
    // The slope of ((y − μ)² − y)/μ on μ through the origin, in closed form.
    let (y, mu) = (fit.response(), fit.fitted_values());
    let z = y.zip_map(mu, |y, m| ((y - m) * (y - m) - y) / m);
    let alpha = z.dot(mu) / mu.norm_squared();
    assert!((test.alpha() - alpha).abs() <= 1e-12 * alpha.abs().max(1.0));
    assert!((test.statistic() - test.alpha() / test.alpha_std_error()).abs() < 1e-12);
    assert_eq!(test.df(), fit.observations() - 1);
    assert!((test.pearson_dispersion() - fit.pearson_dispersion().unwrap()).abs() < 1e-15);
    test
}

#[test]
fn negative_binomial_counts_are_flagged() {
    // Measured p-values for seeds 1 to 6: 7.7e-4, 4.4e-6, 8.8e-4, 1.3e-8, 1.3e-4, 6.2e-7;
    // Pearson χ²/df between 2.7 and 4.4, α̂ between 0.30 and 0.58 (true α = 1/θ = 0.5).
    for seed in 1..=6 {
        let fit = poisson_fit(seed, ResponseKind::NegativeBinomial { theta: 2.0 });
        let test = check(&fit);
        assert!(test.rejects_at(0.01), "seed {seed}: p = {}", test.p_value());
        assert!(test.pearson_dispersion() > 2.0, "seed {seed}: {}", test.pearson_dispersion());
        assert!(test.alpha() > 0.2 && test.alpha() < 0.8, "seed {seed}: α = {}", test.alpha());
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
        assert!(!test.rejects_at(0.05), "seed {seed}: p = {}", test.p_value());
        assert!(test.pearson_dispersion() < 1.5, "seed {seed}: {}", test.pearson_dispersion());
        assert!(test.variance_to_mean() > 2.0, "seed {seed}: {}", test.variance_to_mean());
    }
}

#[test]
fn pearson_dispersion_separates_the_two_kinds_for_the_same_seed() {
    for seed in 1..=6 {
        let nb = poisson_fit(seed, ResponseKind::NegativeBinomial { theta: 2.0 });
        let poisson = poisson_fit(seed, ResponseKind::Poisson);
        assert!(nb.pearson_dispersion().unwrap() > 2.0 * poisson.pearson_dispersion().unwrap());
    }
}

#[test]
fn the_test_needs_a_poisson_fit_with_unit_weights() {
    let design = Design::with_intercept(&nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y = dvector![1.0, 2.0, 4.0, 3.0];
    let gaussian = glm::fit(&design, &y, Family::Gaussian, &FitOptions::default()).unwrap();
    assert!(matches!(glm::overdispersion_test(&gaussian), Err(Error::Unsupported { .. })));
    let options = FitOptions::default().weights(dvector![1.0, 2.0, 1.0, 1.0]);
    let weighted = glm::fit(&design, &y, Family::Poisson, &options).unwrap();
    assert!(matches!(glm::overdispersion_test(&weighted), Err(Error::Unsupported { .. })));
}

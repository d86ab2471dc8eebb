//! What each query of a fit returns, checked against its definition on the lesson's Poisson
//! counts (and a Gaussian fit of the same data where the dispersion is estimated): the
//! behavioural checks that used to be one doc example per getter.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DMatrix, DVector, dmatrix, dvector};
use glm::{Control, Convergence, Data, Design, Family, GlmFit, Link, Method, Model, ResidualKind};
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::function::gamma::ln_gamma;

/// The lesson's 80 counts (seed 42) on `[1, t]`, the first column declared the intercept.
fn lesson() -> (Design, DVector<f64>) {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42)).unwrap();
    let design = Design::new(s.x).unwrap().with_intercept_column(0).unwrap();
    (design.with_names(["(Intercept)", "t"]).unwrap(), s.y)
}

/// The fit with default control.
fn fit(design: &Design, y: &DVector<f64>, model: impl Into<Model>) -> GlmFit {
    glm::fit(&Data::new(design, y), model, &Control::default()).unwrap()
}

/// `|a − b| ≤ rel·|b|`, elementwise.
#[track_caller]
fn check(a: &DVector<f64>, b: &DVector<f64>, rel: f64) {
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((x - y).abs() <= rel * y.abs(), "{x} vs {y}");
    }
}

#[test]
fn the_fit_records_its_model_and_prints_the_designs_names() {
    let (design, y) = lesson();
    let poisson = fit(&design, &y, Family::Poisson);
    assert_eq!(poisson.model(), Model::from(Family::Poisson));
    assert_eq!(poisson.model().link(), Link::Log);
    let gamma = fit(&design, &y.map(|v| v + 1.0), Family::Gamma);
    assert_eq!(gamma.model().link(), Link::Inverse);
    let text = poisson.to_string();
    assert!(text.contains("poisson family, log link, fitted by IRLS (Fisher scoring)"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("t ")), "{text}");
    let lesson = Control::default().method(Method::GradientAscent).step(0.02);
    let ga = glm::fit(&Data::new(&design, &y), Family::Poisson, &lesson).unwrap();
    assert!(ga.to_string().contains("fitted by gradient ascent"));
}

#[test]
fn coefficient_statistics_follow_from_the_unscaled_covariance() {
    let (design, y) = lesson();
    let fit = fit(&design, &y, Family::Poisson);
    assert_eq!(fit.coefficients().len(), 2);
    let se = fit.std_errors();
    check(&se, &fit.covariance().diagonal().map(f64::sqrt), 1e-15);
    assert!(se.iter().all(|&s| s > 0.0));
    check(&fit.statistics(), &fit.coefficients().component_div(&se), 1e-15);
    // The slope of the lesson's counts is far from 0.
    assert!(fit.statistics()[1] > 5.0);
    // The unscaled covariance (the covariance over the dispersion) inverts XᵀWX with the IRLS
    // weights at the optimum.
    let unscaled = fit.covariance() / fit.dispersion();
    let w = DMatrix::from_diagonal(&fit.working_weights());
    let information = design.matrix().transpose() * w * design.matrix();
    assert!((information * unscaled - DMatrix::<f64>::identity(2, 2)).amax() < 1e-10);
    // Intervals widen with the level.
    let (lo90, hi90) = fit.confidence_intervals(0.90).unwrap();
    let (lo99, hi99) = fit.confidence_intervals(0.99).unwrap();
    assert!(lo99[1] < lo90[1] && hi90[1] < hi99[1]);
    let (lo, hi) = fit.confidence_intervals(0.95).unwrap();
    check(&((&hi + &lo) / 2.0), fit.coefficients(), 1e-12);
}

#[test]
#[expect(clippy::float_cmp, reason = "a fixed dispersion is exactly 1")]
fn an_estimated_dispersion_scales_the_covariance_and_makes_the_tests_t_tests() {
    let (design, y) = lesson();
    let poisson = fit(&design, &y, Family::Poisson);
    assert_eq!(poisson.dispersion(), 1.0);
    let gaussian = fit(&design, &y, Family::Gaussian);
    let df = 78.0;
    assert!((gaussian.dispersion() - gaussian.pearson_chi2() / df).abs() < 1e-15);
    assert!((gaussian.dispersion() - gaussian.deviance() / df).abs() < 1e-12);
    let cov = gaussian.covariance();
    assert!((cov[(1, 1)].sqrt() - gaussian.std_errors()[1]).abs() < 1e-15);
    // Student t p-values on df_residual = 78 degrees of freedom.
    let t = StudentsT::new(0.0, 1.0, df).unwrap();
    let z = gaussian.statistics()[0];
    assert!((gaussian.p_values()[0] - 2.0 * t.sf(z.abs())).abs() <= 1e-12 * gaussian.p_values()[0]);
    // On four points the estimate has two degrees of freedom.
    let small = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let four = fit(&small, &dvector![1.0, 2.0, 4.0, 7.0], Family::Gaussian);
    assert!((four.dispersion() - four.pearson_chi2() / 2.0).abs() < 1e-15);
}

#[test]
fn rank_and_degrees_of_freedom_count_the_observations_with_weight() {
    let (design, y) = lesson();
    let fit = fit(&design, &y, Family::Poisson);
    assert_eq!((fit.rank(), fit.observations()), (2, 80));
    assert_eq!(fit.rank(), fit.coefficients().len() - fit.aliased().len());
    assert_eq!((fit.df_residual(), fit.df_null()), (78, 79));
    // The drop in deviance from the null model is χ² on one degree of freedom, far beyond its
    // 95 % quantile 3.84 for the lesson's slope.
    assert!(fit.null_deviance() - fit.deviance() > 3.84);
    // Observations with zero weight are fitted but not counted.
    let every_other = DVector::from_fn(80, |i, _| if i % 2 == 0 { 1.0 } else { 0.0 });
    let data = Data::new(&design, &y).weights(&every_other);
    let half = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    assert_eq!((half.observations(), half.df_residual(), half.df_null()), (40, 38, 39));
    assert_eq!(half.fitted_values().len(), 80);
    assert_eq!(half.prior_weights(), &every_other);
    // Without an intercept the null model keeps all n degrees of freedom.
    let slope_only = Design::new(design.matrix().columns(1, 1).into_owned()).unwrap();
    let origin = self::fit(&slope_only, &y, Family::Poisson);
    assert_eq!(origin.df_null(), 80);
}

#[test]
fn deviances_and_likelihoods_match_their_formulas() {
    let (design, y) = lesson();
    let fit = fit(&design, &y, Family::Poisson);
    let mu = fit.fitted_values();
    let d: f64 = (0..80).map(|i| Family::Poisson.unit_deviance(y[i], mu[i])).sum();
    assert!((fit.deviance() - d).abs() <= 1e-12 * d);
    // V(μ) = μ for the Poisson.
    let chi2: f64 = (0..80).map(|i| (y[i] - mu[i]).powi(2) / mu[i]).sum();
    assert!((fit.pearson_chi2() - chi2).abs() <= 1e-12 * chi2);
    assert!((fit.pearson_chi2() / 78.0 - 1.0).abs() < 0.5); // no over-dispersion
    // ℓ = Σ y ln μ̂ − μ̂ − ln y!, constants included.
    let ll: f64 = (0..80).map(|i| y[i] * mu[i].ln() - mu[i] - ln_gamma(y[i] + 1.0)).sum();
    assert!((fit.log_likelihood().unwrap() - ll).abs() <= 1e-12 * ll.abs());
    // AIC counts the two coefficients, BIC weighs them by ln 80 > 2.
    assert!((fit.aic().unwrap() - (-2.0 * fit.log_likelihood().unwrap() + 4.0)).abs() < 1e-12);
    assert!(
        (fit.bic().unwrap() - (-2.0 * fit.log_likelihood().unwrap() + 80.0_f64.ln() * 2.0)).abs()
            < 1e-12
    );
    assert!(fit.bic().unwrap() > fit.aic().unwrap());
    // The Gaussian also estimates its dispersion: three parameters.
    let gaussian = self::fit(&design, &y, Family::Gaussian);
    assert!(
        (gaussian.aic().unwrap() - (-2.0 * gaussian.log_likelihood().unwrap() + 6.0)).abs() < 1e-12
    );
    // The null deviance is the deviance of the intercept-only fit.
    let ones = Design::new(DMatrix::from_element(80, 1, 1.0)).unwrap();
    let intercept_only = self::fit(&ones.with_intercept_column(0).unwrap(), &y, Family::Poisson);
    assert!((fit.null_deviance() - intercept_only.deviance()).abs() <= 1e-10 * fit.deviance());
    assert!(fit.null_deviance() >= fit.deviance());
}

#[test]
#[expect(clippy::float_cmp, reason = "default prior weights are exactly 1")]
fn fitted_values_linear_predictor_and_weights_are_consistent() {
    let (design, y) = lesson();
    let fit = fit(&design, &y, Family::Poisson);
    let eta = design.matrix() * fit.coefficients();
    assert!((fit.linear_predictor() - &eta).amax() < 1e-12);
    check(fit.fitted_values(), &eta.map(f64::exp), 1e-12);
    assert!(fit.fitted_values().iter().all(|&mu| mu > 0.0));
    // With the canonical link and an intercept the fitted means add up to the observed total.
    assert!((fit.fitted_values().sum() - y.sum()).abs() <= 1e-8 * y.sum());
    assert!(fit.prior_weights().iter().all(|&w| w == 1.0));
    // Under the log link W = w·(dμ/dη)²/V(μ) = μ, and the working residuals are (y − μ)/μ.
    check(&fit.working_weights(), fit.fitted_values(), 1e-14);
    let working = fit.residuals(ResidualKind::Working);
    check(&working, &(&y - fit.fitted_values()).component_div(fit.fitted_values()), 1e-14);
    // Every fitted mean lies in the family's mean domain.
    let p = dvector![0.2, 0.5, 0.9];
    let small = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0]).unwrap();
    let binomial = self::fit(&small, &p, Family::Binomial);
    assert!(binomial.fitted_values().iter().all(|&m| Family::Binomial.mean_domain().contains(m)));
    // With an identity link the fitted means are Xθ̂ itself.
    let identity = self::fit(&design, &y, Family::Poisson.with_link(Link::Identity));
    check(identity.fitted_values(), &(design.matrix() * identity.coefficients()), 1e-12);
}

#[test]
fn prior_weights_are_the_weights_times_the_trials_and_an_offset_enters_eta() {
    let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0]).unwrap();
    let (successes, weights, trials) =
        (dvector![2.0, 5.0, 3.0], dvector![1.0, 2.0, 1.0], dvector![10.0, 10.0, 4.0]);
    let data = Data::new(&design, &successes).weights(&weights).trials(&trials);
    let fit = glm::fit(&data, Family::Binomial, &Control::default()).unwrap();
    assert_eq!(fit.prior_weights(), &dvector![10.0, 20.0, 4.0]);
    // 2, 5 and 9 successes in 10 trials fit as the proportions with prior weights 10 (R's
    // `glm(y/n ~ x, weights = n)`).
    let (counts, tens) = (dvector![2.0, 5.0, 9.0], dvector![10.0, 10.0, 10.0]);
    let by_trials =
        glm::fit(&Data::new(&design, &counts).trials(&tens), Family::Binomial, &Control::default());
    let props = dvector![0.2, 0.5, 0.9];
    let by_weights =
        glm::fit(&Data::new(&design, &props).weights(&tens), Family::Binomial, &Control::default());
    check(by_trials.unwrap().coefficients(), by_weights.unwrap().coefficients(), 1e-12);
    // Twice the exposure for every count: offset ln 2.
    let (design, y) = lesson();
    let plain = self::fit(&design, &y, Family::Poisson);
    let exposure = DVector::from_element(80, 2.0_f64.ln());
    let data = Data::new(&design, &y).offset(&exposure);
    let rates = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    let eta = design.matrix() * rates.coefficients() + &exposure;
    assert!((rates.linear_predictor() - eta).amax() < 1e-12);
    // A constant offset is absorbed by the intercept: the same means, the intercept lower.
    assert!((rates.coefficients()[0] - (plain.coefficients()[0] - 2.0_f64.ln())).abs() < 1e-8);
    check(rates.fitted_values(), plain.fitted_values(), 1e-8);
}

#[test]
fn the_history_and_convergence_describe_the_iterations() {
    let (design, y) = lesson();
    // R's criterion, to compare its measure with the deviances.
    let r = glm::Control::default().criterion(glm::Criterion::Deviance);
    let fit = glm::fit(&glm::Data::new(&design, &y), Family::Poisson, &r).unwrap();
    let (h, k) = (fit.history(), fit.convergence().iterations());
    assert_eq!(h.len(), k + 1);
    assert!(k <= glm::IRLS_MAX_ITER);
    assert_eq!(h[k].to_bits(), fit.deviance().to_bits());
    assert!(h[1..].windows(2).all(|pair| pair[1] <= pair[0]));
    // R's criterion on the last two deviances.
    let change = (h[k] - h[k - 1]).abs() / (h[k].abs() + 0.1);
    assert!(matches!(
        fit.convergence(),
        Convergence::Converged { measure, tolerance, .. }
            if (measure - change).abs() <= 1e-12 * change && measure < tolerance
    ));
    // The canonical fit never shortens a step; under the identity link one was shortened here,
    // keeping every μ > 0, within 60 halvings per iteration.
    assert_eq!(fit.step_halvings(), 0);
    let identity = self::fit(&design, &y, Family::Poisson.with_link(Link::Identity));
    assert!(identity.step_halvings() > 0);
    assert!(identity.step_halvings() <= 60 * identity.convergence().iterations());
    assert!(identity.fitted_values().min() > 0.0);
    // Gradient ascent never halves; its history is the average log-likelihood.
    let lesson = Control::default().method(Method::GradientAscent).step(0.02);
    let ga = glm::fit(&Data::new(&design, &y), Family::Poisson, &lesson).unwrap();
    assert_eq!(ga.step_halvings(), 0);
    assert!(
        (ga.history()[300] * 80.0 - ga.log_likelihood().unwrap()).abs()
            <= 1e-12 * ga.log_likelihood().unwrap().abs()
    );
}

#[test]
fn residuals_of_a_bernoulli_fit_add_up_to_its_deviance() {
    let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0]).unwrap();
    let y = dvector![0.0, 1.0, 0.0, 1.0, 1.0];
    let fit = fit(&design, &y, Family::Bernoulli);
    let r = fit.residuals(ResidualKind::Deviance);
    assert!((r.norm_squared() - fit.deviance()).abs() < 1e-12);
    assert_eq!((fit.df_null(), fit.df_residual()), (4, 3));
}

#[test]
fn predictions_at_the_origin_carry_the_intercepts_standard_error() {
    let (design, y) = lesson();
    let fit = fit(&design, &y, Family::Poisson);
    // At t = 0 the linear predictor is the intercept, with the intercept's standard error.
    let at_zero = fit.predict(&dmatrix![1.0, 0.0], None).unwrap();
    assert!((at_zero.link_std_errors[0] - fit.std_errors()[0]).abs() < 1e-12);
    let later = fit.predict(&dmatrix![1.0, 0.5; 1.0, 2.5], None).unwrap();
    assert!(later.response[1] > later.response[0]); // the lesson's slope
    check(&later.response, &later.link.map(f64::exp), 1e-15);
}

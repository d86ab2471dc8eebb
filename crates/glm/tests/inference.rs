//! Properties of a fit that need no external reference: score equations, agreement with
//! `lsq` for the Gaussian identity model, predictions, intervals, residuals, weights, trials
//! and offsets.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DMatrix, DVector, dvector};
use glm::{Control, Data, Design, Family, GlmFit, Link, Model, ResidualKind};

/// A design whose first column is the intercept (the simulated designs' column of ones).
fn with_intercept(x: DMatrix<f64>) -> Design {
    Design::new(x).unwrap().with_intercept_column(0).unwrap()
}

/// The fit of `y` on `design` with default control.
fn default_fit(design: &Design, y: &DVector<f64>, model: impl Into<Model>) -> GlmFit {
    glm::fit(&Data::new(design, y), model, &Control::default()).unwrap()
}

/// `‖Xᵀu‖/(‖X‖·‖u‖)`: the cosine-like size of a score `Xᵀu`.
fn relative(x: &DMatrix<f64>, u: &DVector<f64>) -> f64 {
    (x.transpose() * u).norm() / (x.norm() * u.norm())
}

#[track_caller]
fn check(design: &Design, fit: &GlmFit, bound: f64) {
    // For the canonical link the score is Xᵀ[w·(y − μ)] up to a constant factor.
    let u = fit.prior_weights().component_mul(&fit.residuals(ResidualKind::Response));
    let s = relative(design.matrix(), &u);
    let model = fit.model();
    assert!(s < bound, "{} {}: relative score {s:e}", model.family(), model.link());
}

#[test]
fn canonical_links_satisfy_the_score_equations_at_the_irls_optimum() {
    let mut rng = sim::rng_from_seed(11);
    let poisson = sim::PoissonLesson::default().generate(&mut rng).unwrap();
    let logistic = sim::LogisticLesson::default().generate(&mut rng).unwrap();
    let x = sim::intercept_gaussian(60, 2, &mut rng).unwrap();
    let theta = dvector![0.5, 0.1, -0.1];
    let gamma = sim::glm_response(
        x.clone(),
        &theta,
        |e| 1.0 / e,
        sim::ResponseKind::Gamma { shape: 4.0 },
        &mut rng,
    )
    .unwrap();
    let ig = sim::glm_response(
        x.clone(),
        &theta,
        |e| 1.0 / e.sqrt(),
        sim::ResponseKind::InverseGaussian { lambda: 5.0 },
        &mut rng,
    )
    .unwrap();
    let gaussian =
        sim::glm_response(x, &theta, |e| e, sim::ResponseKind::Gaussian { sigma: 0.3 }, &mut rng)
            .unwrap();
    for (sample, family) in [
        (&poisson, Family::Poisson),
        (&logistic, Family::Bernoulli),
        (&gamma, Family::Gamma),
        (&ig, Family::InverseGaussian),
        (&gaussian, Family::Gaussian),
    ] {
        let design = with_intercept(sample.x.clone());
        let fit = default_fit(&design, &sample.y, family);
        assert_eq!(family.canonical_link(), Some(fit.model().link()));
        check(&design, &fit, 1e-9);
    }
    // With binomial trials the score is Xᵀ[n·(y/n − μ)].
    let x = sim::intercept_gaussian(40, 1, &mut rng).unwrap();
    let p = x.column(1).map(|t| 1.0 / (1.0 + (-0.3 - 0.7 * t).exp()));
    let successes = sim::binomial(&p, 12, &mut rng).unwrap();
    let design = with_intercept(x);
    let trials = DVector::from_element(40, 12.0);
    let data = Data::new(&design, &successes).trials(&trials);
    let fit = glm::fit(&data, Family::Binomial, &Control::default()).unwrap();
    check(&design, &fit, 1e-9);
}

#[test]
fn the_gaussian_identity_model_is_least_squares() {
    let mut rng = sim::rng_from_seed(3);
    let x = sim::intercept_gaussian(50, 3, &mut rng).unwrap();
    let y = sim::gaussian(&(&x * dvector![1.0, 2.0, -1.0, 0.5]), 0.7, &mut rng).unwrap();
    let design = with_intercept(x);
    let glm = default_fit(&design, &y, Family::Gaussian);
    let lsq = lsq::fit(&design, &y, &lsq::FitOptions::default()).unwrap();
    assert!((glm.coefficients() - lsq.coefficients()).amax() < 1e-12);
    assert!((glm.std_errors() - lsq.std_errors()).amax() < 1e-12);
    let p = glm.p_values();
    for (j, lsq_p) in lsq.p_values().into_iter().enumerate() {
        assert!((p[j] - lsq_p.unwrap()).abs() < 1e-12);
    }
    let sigma = lsq.sigma().unwrap();
    assert!((glm.dispersion() - sigma * sigma).abs() < 1e-12);
    assert!((glm.deviance() - lsq.rss().unwrap()).abs() < 1e-10);
    assert!((glm.log_likelihood().unwrap() - lsq.log_likelihood().unwrap()).abs() < 1e-10);
    assert!((glm.aic().unwrap() - lsq.aic().unwrap()).abs() < 1e-10);
    assert!((glm.bic().unwrap() - lsq.bic().unwrap()).abs() < 1e-10);
    // Two IRLS iterations, as R reports for a Gaussian identity fit: the first from μ₀ = y,
    // the second confirming the deviance.
    assert_eq!(glm.convergence().iterations(), 2);
    let (lo, hi) = glm.confidence_intervals(0.95).unwrap();
    let (lsq_lo, lsq_hi) = lsq.confidence_intervals(0.95).unwrap();
    assert!((lo - lsq_lo).amax() < 1e-12 && (hi - lsq_hi).amax() < 1e-12);
}

#[test]
fn predictions_reproduce_the_fit_and_use_the_delta_method() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(5)).unwrap();
    let design = with_intercept(s.x.clone());
    let fit = default_fit(&design, &s.y, Family::Poisson.with_link(Link::Sqrt));
    let p = fit.predict(&s.x, None).unwrap();
    assert!((&p.response - fit.fitted_values()).amax() < 1e-12);
    assert!((&p.link - fit.linear_predictor()).amax() < 1e-12);
    let c = fit.covariance();
    for i in [0, 40, 79] {
        let row = s.x.row(i).transpose();
        let se = row.dot(&(&c * &row)).sqrt();
        assert!((p.link_std_errors[i] - se).abs() <= 1e-12 * se);
        // sqrt link: μ = η², dμ/dη = 2η.
        let expected = 2.0 * p.link[i] * se;
        assert!((p.response_std_errors[i] - expected).abs() <= 1e-12 * expected);
    }
    let err = fit.predict(&DMatrix::zeros(2, 3), None).unwrap_err();
    assert!(matches!(
        err,
        glm::Error::DimensionMismatch { input: glm::Input::NewData, expected: 2, found: 3 }
    ));
    // η = 0 is outside the sqrt link's domain.
    let err = fit.predict(&DMatrix::zeros(1, 2), None).unwrap_err();
    assert!(matches!(err, glm::Error::PredictionOutOfDomain { index: 0, .. }), "{err}");
}

#[test]
fn wald_intervals_use_the_normal_or_t_quantile() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(5)).unwrap();
    let design = with_intercept(s.x.clone());
    let fit = default_fit(&design, &s.y, Family::Poisson);
    let (lo, hi) = fit.confidence_intervals(0.95).unwrap();
    let z = 1.959_963_984_540_054; // Φ⁻¹(0.975)
    let (se, statistics, p_values) = (fit.std_errors(), fit.statistics(), fit.p_values());
    for j in 0..2 {
        let b = fit.coefficients()[j];
        assert!((lo[j] - (b - z * se[j])).abs() < 1e-12 && (hi[j] - (b + z * se[j])).abs() < 1e-12);
        // Two-sided normal p-value of the z statistic: 2·(1 − Φ(|z|)).
        let zj = statistics[j];
        assert!((zj - b / se[j]).abs() < 1e-12 * zj.abs());
        let tail = statrs::distribution::ContinuousCDF::sf(
            &statrs::distribution::Normal::standard(),
            zj.abs(),
        );
        assert!((p_values[j] - 2.0 * tail).abs() <= 1e-12 * p_values[j].max(1e-300));
    }
    assert!(!fit.model().family().estimates_dispersion());
    // A Gamma fit's tests are t tests with df_residual degrees of freedom.
    let y = s.y.map(|v| v + 0.5);
    let gamma = default_fit(&design, &y, Family::Gamma.with_link(Link::Log));
    let (lo, _) = gamma.confidence_intervals(0.95).unwrap();
    let t78 = 1.990_847_068_811_690_6; // scipy.stats.t.ppf(0.975, 78), scipy 1.17.1
    let expected = gamma.coefficients()[1] - t78 * gamma.std_errors()[1];
    assert!((lo[1] - expected).abs() < 1e-12 * expected.abs(), "{} vs {expected}", lo[1]);
    for level in [0.0, 1.0, 1.5, f64::NAN] {
        let err = gamma.confidence_intervals(level).unwrap_err();
        assert!(matches!(err, glm::Error::InvalidOption { name: "level", .. }), "{err}");
    }
}

#[test]
fn residuals_add_up_to_the_fit_statistics() {
    let s = sim::LogisticLesson::default().generate(&mut sim::rng_from_seed(9)).unwrap();
    let design = with_intercept(s.x.clone());
    let fit = default_fit(&design, &s.y, Family::Bernoulli.with_link(Link::Probit));
    let pearson = fit.residuals(ResidualKind::Pearson);
    let deviance = fit.residuals(ResidualKind::Deviance);
    assert!((pearson.norm_squared() - fit.pearson_chi2()).abs() < 1e-10);
    assert!((deviance.norm_squared() - fit.deviance()).abs() < 1e-10);
    let response = fit.residuals(ResidualKind::Response);
    assert!((response - (&s.y - fit.fitted_values())).amax() < 1e-15);
    let working = fit.residuals(ResidualKind::Working);
    for i in 0..s.y.len() {
        let d = Link::Probit.mu_eta(fit.linear_predictor()[i]);
        assert!((working[i] * d - (s.y[i] - fit.fitted_values()[i])).abs() < 1e-12);
    }
    assert!(
        (fit.bic().unwrap() - fit.aic().unwrap() + 2.0 * 2.0 - 100f64.ln() * 2.0).abs() < 1e-10
    );
}

#[test]
fn integer_weights_are_replicated_observations() {
    let design = Design::with_intercept(&glm::nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap();
    let y = dvector![1.0, 3.0, 2.0, 6.0, 9.0];
    let weights = dvector![1.0, 2.0, 1.0, 3.0, 1.0];
    let data = Data::new(&design, &y).weights(&weights);
    let fit = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    let replicated =
        Design::with_intercept(&glm::nalgebra::dmatrix![0.0; 1.0; 1.0; 2.0; 3.0; 3.0; 3.0; 4.0])
            .unwrap();
    let y_rep = dvector![1.0, 3.0, 3.0, 2.0, 6.0, 6.0, 6.0, 9.0];
    let rep = default_fit(&replicated, &y_rep, Family::Poisson);
    assert!((fit.coefficients() - rep.coefficients()).amax() < 1e-10);
    assert!((fit.std_errors() - rep.std_errors()).amax() < 1e-10);
    assert!((fit.deviance() - rep.deviance()).abs() < 1e-10);
    assert!((fit.log_likelihood().unwrap() - rep.log_likelihood().unwrap()).abs() < 1e-10);
    // Zero weight drops an observation (from the fit and the degrees of freedom).
    let dropped = dvector![1.0, 1.0, 1.0, 1.0, 0.0];
    let data = Data::new(&design, &y).weights(&dropped);
    let fit = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    assert_eq!((fit.observations(), fit.df_residual(), fit.df_null()), (4, 2, 3));
    let first_four = Design::with_intercept(&glm::nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y4 = dvector![1.0, 3.0, 2.0, 6.0];
    let without = default_fit(&first_four, &y4, Family::Poisson);
    assert!((fit.coefficients() - without.coefficients()).amax() < 1e-10);
    assert!((fit.std_errors() - without.std_errors()).amax() < 1e-10);
    assert!((fit.deviance() - without.deviance()).abs() < 1e-10);
}

#[test]
fn successes_and_failures_fit_like_the_expanded_binary_data() {
    let t = [-1.0, 0.0, 1.0, 2.0];
    let counts: [(usize, usize); 4] = [(1, 5), (3, 3), (4, 2), (6, 1)];
    let count = |c: usize| f64::from(u32::try_from(c).unwrap());
    let successes = DVector::from_iterator(4, counts.iter().map(|&(s, _)| count(s)));
    let failures = DVector::from_iterator(4, counts.iter().map(|&(_, f)| count(f)));
    let (y, trials) = glm::successes_failures(&successes, &failures).unwrap();
    let grouped = Design::with_intercept(&DMatrix::from_column_slice(4, 1, &t)).unwrap();
    let data = Data::new(&grouped, &y).trials(&trials);
    let fit = glm::fit(&data, Family::Binomial, &Control::default()).unwrap();
    let mut rows = Vec::new();
    let mut binary = Vec::new();
    for (&tk, &(s, f)) in t.iter().zip(&counts) {
        for _ in 0..s {
            rows.push(tk);
            binary.push(1.0);
        }
        for _ in 0..f {
            rows.push(tk);
            binary.push(0.0);
        }
    }
    let expanded =
        Design::with_intercept(&DMatrix::from_column_slice(rows.len(), 1, &rows)).unwrap();
    let bern = default_fit(&expanded, &DVector::from_vec(binary), Family::Bernoulli);
    assert!((fit.coefficients() - bern.coefficients()).amax() < 1e-10);
    assert!((fit.std_errors() - bern.std_errors()).amax() < 1e-10);
    // The log-likelihoods differ by the log binomial coefficients, Σ ln C(nᵢ, kᵢ).
    let ln_c: f64 = [(6.0, 1.0), (6.0, 3.0), (6.0, 4.0), (7.0, 6.0)]
        .iter()
        .map(|&(n, k): &(f64, f64)| {
            use statrs::function::gamma::ln_gamma;
            ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
        })
        .sum();
    assert!((fit.log_likelihood().unwrap() - bern.log_likelihood().unwrap() - ln_c).abs() < 1e-10);
    assert!((fit.response()[0] - 1.0 / 6.0).abs() < 1e-15);
    // The prior weights are the trials, as R's `fit$prior.weights`.
    assert_eq!(fit.prior_weights(), &trials);
}

#[test]
fn a_constant_offset_moves_only_the_intercept_and_the_null_model_is_refitted() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(21)).unwrap();
    let design = with_intercept(s.x.clone());
    let plain = default_fit(&design, &s.y, Family::Poisson);
    let offset = DVector::from_element(80, 0.7);
    let data = Data::new(&design, &s.y).offset(&offset);
    let shifted = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    assert!((shifted.coefficients()[0] - (plain.coefficients()[0] - 0.7)).abs() < 1e-10);
    assert!((shifted.coefficients()[1] - plain.coefficients()[1]).abs() < 1e-10);
    assert!((shifted.deviance() - plain.deviance()).abs() < 1e-9);
    // The null deviance comes from an IRLS refit with the offset here and from the weighted
    // mean without it; a constant offset is absorbed by the intercept, so they agree.
    let (a, b) = (shifted.null_deviance(), plain.null_deviance());
    assert!((a - b).abs() < 1e-9 * b, "{a} vs {b}");
    // Restarted at its optimum the model converges in one iteration, but the null model's
    // refit from R's starting means cannot: that fails the fit, naming the null model.
    let one = Control::default().max_iter(1);
    let err = glm::fit(&data.start(shifted.coefficients()), Family::Poisson, &one).unwrap_err();
    let glm::Error::NullModel(inner) = &err else { panic!("{err}") };
    assert!(matches!(**inner, glm::Error::NotConverged { iterations: 1, .. }), "{inner}");
    assert!(err.to_string().starts_with("the intercept-only model for the null deviance"));
}

#[test]
fn a_model_without_intercept_has_the_offset_as_its_null_model() {
    let x = DMatrix::from_column_slice(4, 1, &[0.5, 1.0, 1.5, 2.0]);
    let design = Design::new(x).unwrap();
    let y = dvector![1.0, 2.0, 2.0, 4.0];
    let fit = default_fit(&design, &y, Family::Poisson);
    // μ = exp(0) = 1 for every observation.
    let expected: f64 = y.iter().map(|&v| Family::Poisson.unit_deviance(v, 1.0)).sum();
    assert!((fit.null_deviance() - expected).abs() < 1e-12);
    assert_eq!(fit.df_null(), 4);
    // The inverse link's null model η = 0 is undefined: NaN, as R reports it, printed NA.
    let gamma = default_fit(&design, &y, Family::Gamma);
    assert!(gamma.null_deviance().is_nan());
    assert!(gamma.to_string().contains("Null deviance:     NA"));
}

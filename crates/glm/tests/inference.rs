//! Properties of a fit that need no external reference: score equations, agreement with
//! `lsq` for the Gaussian identity model, predictions, intervals, residuals, weights, trials
//! and offsets.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::{Family, FitOptions, GlmFit, Link, ResidualKind};
use lsq::Design;
use nalgebra::{DMatrix, DVector, dvector};

/// `‖Xᵀu‖/(‖X‖·‖u‖)`: the cosine-like size of a score `Xᵀu`.
fn relative(x: &DMatrix<f64>, u: &DVector<f64>) -> f64 {
    (x.transpose() * u).norm() / (x.norm() * u.norm())
}

#[track_caller]
fn check(design: &Design, fit: &GlmFit, bound: f64) {
    // For the canonical link the score is Xᵀ[w·(y − μ)] up to a constant factor.
    let u = fit.weights().component_mul(&fit.residuals(ResidualKind::Response));
    let s = relative(design.matrix(), &u);
    assert!(s < bound, "{} {}: relative score {s:e}", fit.family(), fit.link());
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
        let design = Design::new(sample.x.clone()).unwrap();
        let fit = glm::fit(&design, &sample.y, family, &FitOptions::default()).unwrap();
        assert_eq!(family.canonical_link(), Some(fit.link()));
        check(&design, &fit, 1e-9);
    }
    // With binomial trials the score is Xᵀ[n·(y/n − μ)].
    let x = sim::intercept_gaussian(40, 1, &mut rng).unwrap();
    let p = x.column(1).map(|t| 1.0 / (1.0 + (-0.3 - 0.7 * t).exp()));
    let successes = sim::binomial(&p, 12, &mut rng).unwrap();
    let design = Design::new(x).unwrap();
    let options = FitOptions::default().trials(DVector::from_element(40, 12.0));
    let fit = glm::fit(&design, &successes, Family::Binomial, &options).unwrap();
    check(&design, &fit, 1e-9);
}

#[test]
fn the_gaussian_identity_model_is_least_squares() {
    let mut rng = sim::rng_from_seed(3);
    let x = sim::intercept_gaussian(50, 3, &mut rng).unwrap();
    let y = sim::gaussian(&(&x * dvector![1.0, 2.0, -1.0, 0.5]), 0.7, &mut rng).unwrap();
    let design = Design::new(x).unwrap();
    let glm = glm::fit(&design, &y, Family::Gaussian, &FitOptions::default()).unwrap();
    let lsq = lsq::fit(&design, &y, &lsq::FitOptions::default()).unwrap();
    assert!((glm.coefficients() - lsq.coefficients()).amax() < 1e-12);
    assert!((glm.std_errors() - lsq.std_errors()).amax() < 1e-12);
    assert!((glm.p_values() - lsq.p_values()).amax() < 1e-12);
    assert!((glm.dispersion() - lsq.sigma() * lsq.sigma()).abs() < 1e-12);
    assert!((glm.deviance() - lsq.rss()).abs() < 1e-10);
    assert!((glm.log_likelihood() - lsq.log_likelihood()).abs() < 1e-10);
    assert!((glm.aic() - lsq.aic()).abs() < 1e-10);
    assert!((glm.bic() - lsq.bic()).abs() < 1e-10);
    // Two IRLS iterations, as R reports for a Gaussian identity fit: the first from μ₀ = y,
    // the second confirming the deviance.
    assert_eq!(glm.iterations(), 2);
    let (lo, hi) = glm.confidence_intervals();
    let (lsq_lo, lsq_hi) = lsq.confidence_intervals();
    assert!((lo - lsq_lo).amax() < 1e-12 && (hi - lsq_hi).amax() < 1e-12);
}

#[test]
fn predictions_reproduce_the_fit_and_use_the_delta_method() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(5)).unwrap();
    let design = Design::new(s.x.clone()).unwrap();
    let fit =
        glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default().link(Link::Sqrt)).unwrap();
    let p = fit.predict(&s.x, None).unwrap();
    assert!((p.response() - fit.fitted_values()).amax() < 1e-12);
    assert!((p.link() - fit.linear_predictor()).amax() < 1e-12);
    let c = fit.covariance();
    for i in [0, 40, 79] {
        let row = s.x.row(i).transpose();
        let se = row.dot(&(&c * &row)).sqrt();
        assert!((p.link_std_errors()[i] - se).abs() <= 1e-12 * se);
        // sqrt link: μ = η², dμ/dη = 2η.
        let expected = 2.0 * p.link()[i] * se;
        assert!((p.response_std_errors()[i] - expected).abs() <= 1e-12 * expected);
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
    let design = Design::new(s.x.clone()).unwrap();
    let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default()).unwrap();
    let (lo, hi) = fit.confidence_intervals();
    let z = 1.959_963_984_540_054; // Φ⁻¹(0.975)
    for j in 0..2 {
        let (b, se) = (fit.coefficients()[j], fit.std_errors()[j]);
        assert!((lo[j] - (b - z * se)).abs() < 1e-12 && (hi[j] - (b + z * se)).abs() < 1e-12);
        // Two-sided normal p-value of the z statistic: 2·(1 − Φ(|z|)).
        let zj = fit.statistics()[j];
        assert!((zj - b / se).abs() < 1e-12 * zj.abs());
        let tail = statrs::distribution::ContinuousCDF::sf(
            &statrs::distribution::Normal::standard(),
            zj.abs(),
        );
        assert!((fit.p_values()[j] - 2.0 * tail).abs() <= 1e-12 * fit.p_values()[j].max(1e-300));
    }
    assert!(!fit.dispersion_is_estimated());
    // A Gamma fit's tests are t tests with df_residual degrees of freedom.
    let gamma = glm::fit(
        &design,
        &(s.y.map(|v| v + 0.5)),
        Family::Gamma,
        &FitOptions::default().link(Link::Log),
    )
    .unwrap();
    let (lo, _) = gamma.confidence_intervals_at(0.95).unwrap();
    let t78 = 1.990_847_068_811_690_6; // scipy.stats.t.ppf(0.975, 78), scipy 1.17.1
    let expected = gamma.coefficients()[1] - t78 * gamma.std_errors()[1];
    assert!((lo[1] - expected).abs() < 1e-12 * expected.abs(), "{} vs {expected}", lo[1]);
    assert!(gamma.confidence_intervals_at(1.5).is_err());
}

#[test]
fn residuals_add_up_to_the_fit_statistics() {
    let s = sim::LogisticLesson::default().generate(&mut sim::rng_from_seed(9)).unwrap();
    let design = Design::new(s.x.clone()).unwrap();
    let fit = glm::fit(&design, &s.y, Family::Bernoulli, &FitOptions::default().link(Link::Probit))
        .unwrap();
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
    assert!((fit.bic() - fit.aic() + 2.0 * 2.0 - 100f64.ln() * 2.0).abs() < 1e-10);
}

#[test]
fn integer_weights_are_replicated_observations() {
    let design = Design::with_intercept(&nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap();
    let y = dvector![1.0, 3.0, 2.0, 6.0, 9.0];
    let weighted = FitOptions::default().weights(dvector![1.0, 2.0, 1.0, 3.0, 1.0]);
    let fit = glm::fit(&design, &y, Family::Poisson, &weighted).unwrap();
    let replicated =
        Design::with_intercept(&nalgebra::dmatrix![0.0; 1.0; 1.0; 2.0; 3.0; 3.0; 3.0; 4.0])
            .unwrap();
    let y_rep = dvector![1.0, 3.0, 3.0, 2.0, 6.0, 6.0, 6.0, 9.0];
    let rep = glm::fit(&replicated, &y_rep, Family::Poisson, &FitOptions::default()).unwrap();
    assert!((fit.coefficients() - rep.coefficients()).amax() < 1e-10);
    assert!((fit.std_errors() - rep.std_errors()).amax() < 1e-10);
    assert!((fit.deviance() - rep.deviance()).abs() < 1e-10);
    assert!((fit.log_likelihood() - rep.log_likelihood()).abs() < 1e-10);
    // Zero weight drops an observation (from the fit and the degrees of freedom).
    let dropped = FitOptions::default().weights(dvector![1.0, 1.0, 1.0, 1.0, 0.0]);
    let fit = glm::fit(&design, &y, Family::Poisson, &dropped).unwrap();
    assert_eq!((fit.observations(), fit.df_residual(), fit.df_null()), (4, 2, 3));
    let first_four = Design::with_intercept(&nalgebra::dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y4 = dvector![1.0, 3.0, 2.0, 6.0];
    let without = glm::fit(&first_four, &y4, Family::Poisson, &FitOptions::default()).unwrap();
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
    let fit =
        glm::fit(&grouped, &y, Family::Binomial, &FitOptions::default().trials(trials)).unwrap();
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
    let bern =
        glm::fit(&expanded, &DVector::from_vec(binary), Family::Bernoulli, &FitOptions::default())
            .unwrap();
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
    assert!((fit.log_likelihood() - bern.log_likelihood() - ln_c).abs() < 1e-10);
    assert!((fit.response()[0] - 1.0 / 6.0).abs() < 1e-15);
}

#[test]
fn a_constant_offset_moves_only_the_intercept_and_the_null_model_is_refitted() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(21)).unwrap();
    let design = Design::new(s.x.clone()).unwrap();
    let plain = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default()).unwrap();
    let offset = DVector::from_element(80, 0.7);
    let shifted =
        glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default().offset(offset)).unwrap();
    assert!((shifted.coefficients()[0] - (plain.coefficients()[0] - 0.7)).abs() < 1e-10);
    assert!((shifted.coefficients()[1] - plain.coefficients()[1]).abs() < 1e-10);
    assert!((shifted.deviance() - plain.deviance()).abs() < 1e-9);
    // The null deviance comes from an IRLS refit with the offset here and from the weighted
    // mean without it; a constant offset is absorbed by the intercept, so they agree.
    let (a, b) = (shifted.null_deviance().unwrap(), plain.null_deviance().unwrap());
    assert!((a - b).abs() < 1e-9 * b, "{a} vs {b}");
}

#[test]
fn a_model_without_intercept_has_the_offset_as_its_null_model() {
    let x = DMatrix::from_column_slice(4, 1, &[0.5, 1.0, 1.5, 2.0]);
    let design = Design::new(x).unwrap();
    let y = dvector![1.0, 2.0, 2.0, 4.0];
    let fit = glm::fit(&design, &y, Family::Poisson, &FitOptions::default()).unwrap();
    // μ = exp(0) = 1 for every observation.
    let expected: f64 = y.iter().map(|&v| Family::Poisson.unit_deviance(v, 1.0)).sum();
    assert!((fit.null_deviance().unwrap() - expected).abs() < 1e-12);
    assert_eq!(fit.df_null(), 4);
    // The inverse link's null model η = 0 is undefined: a typed error, not NaN.
    let gamma = glm::fit(&design, &y, Family::Gamma, &FitOptions::default()).unwrap();
    assert!(matches!(gamma.null_deviance(), Err(glm::Error::InvalidNullModel { index: 0, .. })));
    assert!(gamma.to_string().contains("Null deviance:     NA"));
}

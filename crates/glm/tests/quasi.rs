//! Quasi-Poisson and quasi-binomial fits (R's `quasipoisson()` and `quasibinomial()`) against
//! the `inference-reference` cases `cancer_quasipoisson` and `star98_quasibinomial`, and their
//! conventions: the Poisson's and binomial's coefficients, dispersion Pearson χ²/df, standard
//! errors scaled by `√φ`, t tests, no likelihood, no warning for non-integer counts, typed
//! errors for responses outside the domain.
//!
//! Measured (`cargo test -p glm --test quasi -- --nocapture`): every coefficient and standard
//! error of both cases to at least 12 digits, dispersion and deviances to at least 12.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]
#![allow(clippy::print_stdout, reason = "the measured digits are printed under --nocapture")]

#[path = "common/inference_reference.rs"]
mod inference_reference;

use glm::nalgebra::{dmatrix, dvector};
use glm::{Control, Data, Design, Domain, Error, Family, GlmFit, Input};
use inference_reference::{
    STAR98_COLUMNS, assert_coefficients, assert_digits, cancer, load, lre, star98,
};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The target for coefficients and standard errors; the dispersion and deviances are
/// held to the same.
const DIGITS: f64 = 10.0;

/// A count as `f64` (exact: far below 2⁵³).
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap())
}

/// Checks dispersion, deviances and residual degrees of freedom against the case.
#[track_caller]
fn check_statistics(fit: &GlmFit, case: &inference_reference::Case) {
    assert_digits("dispersion", fit.dispersion(), case.reference(&["dispersion"]), DIGITS);
    assert_digits("deviance", fit.deviance(), case.reference(&["deviance"]), DIGITS);
    assert_digits("null deviance", fit.null_deviance(), case.reference(&["null_deviance"]), DIGITS);
    assert_eq!(count(fit.df_residual()).to_bits(), case.reference(&["df_residual"]).to_bits());
    println!(
        "{}: dispersion {:.2} digits, deviance {:.2}, null deviance {:.2}",
        case.json["name"],
        lre(fit.dispersion(), case.reference(&["dispersion"])),
        lre(fit.deviance(), case.reference(&["deviance"])),
        lre(fit.null_deviance(), case.reference(&["null_deviance"])),
    );
}

/// Prints the worst digits of coefficients and standard errors.
fn report(fit: &GlmFit, case: &inference_reference::Case, names: &[&str]) {
    let (b, s) = case.coefficient_table(names);
    let se = fit.std_errors();
    let worst = (0..names.len())
        .map(|j| lre(fit.coefficients()[j], b[j]).min(lre(se[j], s[j])))
        .fold(f64::INFINITY, f64::min);
    println!("{}: worst coefficient or standard error {worst:.2} digits", case.json["name"]);
}

/// The t-test and likelihood conventions of a quasi fit, against the base family's fit.
#[track_caller]
fn check_conventions(quasi: &GlmFit, base: &GlmFit) {
    // The same IRLS and so the same coefficients and deviances, to the last bit.
    assert_eq!(quasi.coefficients(), base.coefficients());
    assert_eq!(quasi.deviance().to_bits(), base.deviance().to_bits());
    // Pearson χ²/df, and standard errors scaled by its root.
    let phi = quasi.pearson_chi2() / count(quasi.df_residual());
    assert_eq!(quasi.dispersion().to_bits(), phi.to_bits());
    assert_eq!(base.dispersion().to_bits(), 1.0_f64.to_bits());
    for j in 0..quasi.coefficients().len() {
        let ratio = quasi.std_errors()[j] / base.std_errors()[j];
        assert!((ratio / phi.sqrt() - 1.0).abs() < 1e-14, "column {j}: {ratio}");
        // t tests with the residual degrees of freedom.
        let t = StudentsT::new(0.0, 1.0, count(quasi.df_residual())).unwrap();
        let p = 2.0 * t.sf(quasi.statistics()[j].abs());
        assert!((quasi.p_values()[j] - p).abs() <= 1e-15 + 1e-12 * p, "p-value {j}");
    }
    // No likelihood.
    let family = quasi.model().family();
    let unavailable = |what| Error::Unsupported { what, family };
    assert_eq!(quasi.log_likelihood(), Err(unavailable("the log-likelihood")));
    assert_eq!(quasi.aic(), Err(unavailable("AIC")));
    assert_eq!(quasi.bic(), Err(unavailable("BIC")));
    assert!(base.aic().is_ok());
    assert_eq!(
        quasi.aic().unwrap_err().to_string(),
        format!("AIC is not available for the {family} family")
    );
    // The summary prints R's lines.
    let summary = quasi.to_string();
    let dispersion = format!(
        "(Dispersion parameter for {family} family taken to be {})",
        glm::lsq::format::significant(phi, 7)
    );
    assert!(summary.contains(&dispersion), "{summary}");
    assert!(
        summary.contains("AIC: NA") && summary.contains("t value") && summary.contains("Pr(>|t|)")
    );
}

#[test]
fn cancer_quasipoisson_matches_the_reference() {
    let case = load("cancer_quasipoisson");
    let (design, y) = cancer(&case);
    let data = Data::new(&design, &y);
    let fit = glm::fit(&data, Family::QuasiPoisson, &Control::default()).unwrap();
    let names = ["(Intercept)", "log(population)"];
    assert_coefficients(&fit, &case, &names, DIGITS);
    check_statistics(&fit, &case);
    report(&fit, &case, &names);
    let poisson = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    check_conventions(&fit, &poisson);
    println!("{fit}");
}

#[test]
fn star98_quasibinomial_matches_the_reference() {
    let case = load("star98_quasibinomial");
    let (design, successes, trials) = star98(&case);
    let data = Data::new(&design, &successes).trials(&trials);
    let fit = glm::fit(&data, Family::QuasiBinomial, &Control::default()).unwrap();
    assert_coefficients(&fit, &case, &STAR98_COLUMNS, DIGITS);
    check_statistics(&fit, &case);
    report(&fit, &case, &STAR98_COLUMNS);
    let binomial = glm::fit(&data, Family::Binomial, &Control::default()).unwrap();
    check_conventions(&fit, &binomial);
}

#[test]
fn quasi_families_do_not_warn_about_non_integer_counts() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap();
    let y = dvector![1.5, 2.0, 4.25, 3.0, 7.5];
    let data = Data::new(&design, &y);
    assert!(!glm::fit(&data, Family::Poisson, &Control::default()).unwrap().warnings().is_empty());
    let quasi = glm::fit(&data, Family::QuasiPoisson, &Control::default()).unwrap();
    assert!(quasi.warnings().is_empty());
    assert!(!quasi.to_string().contains("Warning"));
    // Non-integer successes and trials.
    let (successes, trials) =
        (dvector![1.5, 2.0, 3.5, 4.0, 6.0], dvector![6.0, 6.5, 7.0, 7.0, 8.0]);
    let data = Data::new(&design, &successes).trials(&trials);
    assert!(!glm::fit(&data, Family::Binomial, &Control::default()).unwrap().warnings().is_empty());
    assert!(
        glm::fit(&data, Family::QuasiBinomial, &Control::default()).unwrap().warnings().is_empty()
    );
}

#[test]
fn quasi_families_name_the_family_and_the_offending_entry() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let control = Control::default();
    let negative = dvector![1.0, 2.0, -3.0, 4.0];
    let err = glm::fit(&Data::new(&design, &negative), Family::QuasiPoisson, &control).unwrap_err();
    assert_eq!(
        err,
        Error::OutOfDomain {
            input: Input::Response,
            index: 2,
            value: -3.0,
            family: Family::QuasiPoisson,
            domain: Domain::NonNegative,
        }
    );
    assert_eq!(
        err.to_string(),
        "response entry 2 is -3, outside the quasipoisson family's domain ≥ 0"
    );
    let proportion = dvector![0.2, 1.5, 0.5, 0.7];
    let err =
        glm::fit(&Data::new(&design, &proportion), Family::QuasiBinomial, &control).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { index: 1, family: Family::QuasiBinomial, .. }));
    let (successes, trials) = (dvector![1.0, 5.0, 2.0, 3.0], dvector![4.0, 4.0, 4.0, 4.0]);
    let err =
        glm::fit(&Data::new(&design, &successes).trials(&trials), Family::QuasiBinomial, &control)
            .unwrap_err();
    assert!(matches!(err, Error::SuccessesExceedTrials { index: 1, .. }), "{err}");
    let err =
        glm::fit(&Data::new(&design, &negative).trials(&trials), Family::QuasiPoisson, &control)
            .unwrap_err();
    assert_eq!(err, Error::NotApplicable { name: "trials", family: Family::QuasiPoisson });
    let nan = dvector![1.0, f64::NAN, 3.0, 4.0];
    let err = glm::fit(&Data::new(&design, &nan), Family::QuasiPoisson, &control).unwrap_err();
    assert!(matches!(err, Error::NonFinite { input: Input::Response, index: 1, .. }));
}

#[test]
fn quasi_fits_without_a_dispersion_to_estimate_are_errors() {
    let control = Control::default();
    // As many observations as coefficients: no residual degree of freedom.
    let design = Design::with_intercept(&dmatrix![0.0; 1.0]).unwrap();
    let y = dvector![1.0, 3.0];
    let err = glm::fit(&Data::new(&design, &y), Family::QuasiPoisson, &control).unwrap_err();
    assert_eq!(err, Error::NoResidualDegreesOfFreedom { observations: 2, rank: 2 });
    // Means fitted exactly: the dispersion would be 0 and every t statistic infinite.
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let exact = (0..4).map(|t| (0.5 + 0.25 * f64::from(t)).exp()).collect::<Vec<_>>();
    let exact = glm::nalgebra::DVector::from_vec(exact);
    let err = glm::fit(&Data::new(&design, &exact), Family::QuasiPoisson, &control).unwrap_err();
    assert!(matches!(err, Error::ExactFit { family: Family::QuasiPoisson, .. }), "{err}");
    // The over-dispersion test is for Poisson fits.
    let y = dvector![1.0, 4.0, 2.0, 9.0];
    let quasi = glm::fit(&Data::new(&design, &y), Family::QuasiPoisson, &control).unwrap();
    assert!(matches!(glm::overdispersion_test(&quasi), Err(Error::Unsupported { .. })));
}

#[test]
fn quasi_families_report_their_conventions() {
    assert!(
        Family::QuasiPoisson.estimates_dispersion() && Family::QuasiBinomial.estimates_dispersion()
    );
    assert_eq!(Family::QuasiPoisson.to_string(), "quasipoisson");
    assert_eq!(Family::QuasiBinomial.to_string(), "quasibinomial");
    assert_eq!(Family::QuasiPoisson.canonical_link(), Family::Poisson.canonical_link());
    assert_eq!(Family::QuasiBinomial.canonical_link(), Family::Binomial.canonical_link());
    for (quasi, base, mu) in [
        (Family::QuasiPoisson, Family::Poisson, 2.5),
        (Family::QuasiBinomial, Family::Binomial, 0.3),
    ] {
        assert_eq!(quasi.variance(mu).to_bits(), base.variance(mu).to_bits());
        assert_eq!(quasi.unit_deviance(0.0, mu).to_bits(), base.unit_deviance(0.0, mu).to_bits());
        assert_eq!(quasi.response_domain(), base.response_domain());
        assert_eq!(quasi.mean_domain(), base.mean_domain());
    }
}

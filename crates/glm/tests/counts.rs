//! Non-integer counts: accepted with a warning carried in the fit and printed in its summary,
//! by R's rules (`dpois`'s `R_nonint` for Poisson and negative-binomial responses, 0.001 on the
//! successes `w·y` for the binomial, as `binomial()$initialize`), never silently.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DVector, dmatrix, dvector};
use glm::{Control, Data, Design, Family, GlmFit, Input, Method, Warning};

fn design() -> Design {
    Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap()
}

/// The single warning of a fit, as (input, index, value, count).
#[track_caller]
fn check(fit: &GlmFit, family: Family) -> (Input, usize, f64, usize) {
    let [Warning::NonIntegerCounts { family: f, input, index, value, count }] = fit.warnings()
    else {
        panic!("expected one warning, got {:?}", fit.warnings());
    };
    assert_eq!(*f, family);
    let text = fit.warnings()[0].to_string();
    assert!(fit.to_string().contains(&format!("Warning: {text}")), "{fit}");
    assert!(text.contains(&format!("{index} is {value}")), "{text}");
    // The likelihood's factorials become lnΓ: AIC stays a finite number.
    assert!(fit.aic().unwrap().is_finite());
    (*input, *index, *value, *count)
}

#[test]
fn non_integer_poisson_and_negative_binomial_counts_warn_by_both_methods() {
    let y = dvector![1.0, 2.5, 4.0, 6.5, 9.0];
    for method in Method::ALL {
        let control = Control::default().method(method).step(0.01);
        for family in [Family::Poisson, Family::NegativeBinomial { theta: 3.0 }] {
            let fit = glm::fit(&Data::new(&design(), &y), family, &control).unwrap();
            assert_eq!(check(&fit, family), (Input::Response, 1, 2.5, 2));
        }
    }
}

#[test]
fn counts_within_rs_tolerance_of_an_integer_do_not_warn() {
    // A rate times an exposure: 3 up to rounding, within 10⁻⁷·|y| of a whole number.
    let y = dvector![1.0, 2.0, 0.1 * 30.000_000_000_1, 6.0, 9.0];
    let fit = glm::fit(&Data::new(&design(), &y), Family::Poisson, &Control::default()).unwrap();
    assert!(fit.warnings().is_empty(), "{:?}", fit.warnings());
    assert!(!fit.to_string().contains("Warning"));
}

#[test]
fn binomial_proportions_warn_unless_the_weights_make_whole_successes() {
    let design = design();
    let p = dvector![0.1, 0.3, 0.5, 0.6, 0.9];
    let c = Control::default();
    // Proportions alone are one trial each: 0.1 of a success (R: "non-integer #successes").
    let fit = glm::fit(&Data::new(&design, &p), Family::Binomial, &c).unwrap();
    assert_eq!(check(&fit, Family::Binomial), (Input::Response, 0, 0.1, 5));
    // With the trials as prior weights the successes are whole: no warning.
    let ten = DVector::from_element(5, 10.0);
    let fit = glm::fit(&Data::new(&design, &p).weights(&ten), Family::Binomial, &c).unwrap();
    assert!(fit.warnings().is_empty(), "{:?}", fit.warnings());
    // Weights of 4 leave 0.4, 1.2, 2, 2.4, 3.6 successes.
    let four = DVector::from_element(5, 4.0);
    let fit = glm::fit(&Data::new(&design, &p).weights(&four), Family::Binomial, &c).unwrap();
    let (input, index, value, count) = check(&fit, Family::Binomial);
    assert_eq!((input, index, count), (Input::Weights, 0, 4));
    assert!((value - 0.4).abs() < 1e-15);
    assert!(fit.warnings()[0].to_string().contains("successes (weight × response) at entry 0"));
    // Binary responses with fractional weights are fractional successes too, as in R.
    let y = dvector![0.0, 1.0, 0.0, 1.0, 1.0];
    let half = DVector::from_element(5, 0.5);
    let fit = glm::fit(&Data::new(&design, &y).weights(&half), Family::Bernoulli, &c).unwrap();
    assert_eq!(check(&fit, Family::Bernoulli), (Input::Weights, 1, 0.5, 3));
}

#[test]
fn successes_and_trials_must_be_whole_numbers() {
    let design = design();
    let c = Control::default();
    let trials = dvector![10.0, 10.0, 10.0, 10.0, 10.0];
    let successes = dvector![1.0, 3.5, 5.0, 6.0, 9.0];
    let fit =
        glm::fit(&Data::new(&design, &successes).trials(&trials), Family::Binomial, &c).unwrap();
    assert_eq!(check(&fit, Family::Binomial), (Input::Response, 1, 3.5, 1));
    let trials = dvector![10.0, 10.0, 10.5, 10.0, 10.0];
    let successes = dvector![1.0, 3.0, 5.0, 6.0, 9.0];
    let fit =
        glm::fit(&Data::new(&design, &successes).trials(&trials), Family::Binomial, &c).unwrap();
    assert_eq!(check(&fit, Family::Binomial), (Input::Trials, 2, 10.5, 1));
}

#[test]
fn rows_without_weight_and_continuous_families_are_not_checked() {
    let design = design();
    let c = Control::default();
    let y = dvector![1.0, 2.5, 4.0, 6.0, 9.0];
    let w = dvector![1.0, 0.0, 1.0, 1.0, 1.0];
    let fit = glm::fit(&Data::new(&design, &y).weights(&w), Family::Poisson, &c).unwrap();
    assert!(fit.warnings().is_empty(), "{:?}", fit.warnings());
    for family in [Family::Gaussian, Family::Gamma, Family::InverseGaussian] {
        let fit = glm::fit(&Data::new(&design, &y), family, &c).unwrap();
        assert!(fit.warnings().is_empty(), "{family}");
    }
}

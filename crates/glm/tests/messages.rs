//! Printed errors name their cause: the top-level `Display` carries the numbers and the
//! message of the layer that failed (`lsq`, the null-model refit), and the source chain repeats
//! none of it. Each test prints the error as a user would, with its source chain.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    reason = "integration tests with tiny counts"
)]

#[path = "common/invariants.rs"]
mod invariants;

use glm::nalgebra::{DMatrix, DVector, dmatrix, dvector};
use glm::{Control, Data, Design, Divergence, Error, Family, Link, Method};
use invariants::check_error;

/// The error as `anyhow`'s `{:#}` prints it: the message and every source, joined by ": ".
fn printed(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[track_caller]
fn check(err: &Error, expected: &str) {
    check_error(err, expected);
    let text = printed(err);
    assert!(text.contains(expected), "{expected:?} missing from {text:?}");
    // The message alone carries the cause: the chain adds nothing to it.
    assert_eq!(text, err.to_string());
}

#[test]
fn a_zero_column_is_named_with_its_index_and_name() {
    let design = Design::with_intercept(&dmatrix![1.0, 0.0; 2.0, 0.0; 3.0, 0.0])
        .unwrap()
        .with_names(["(Intercept)", "dose", "x3"])
        .unwrap();
    let y = dvector![1.0, 2.0, 4.0];
    for method in Method::ALL {
        let err =
            glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default().method(method))
                .unwrap_err();
        check(
            &err,
            "a weighted least-squares problem could not be solved: design column 2 (`x3`) is identically zero",
        );
    }
}

#[test]
fn aliased_columns_are_named() {
    let x = dmatrix![1.0, 2.0; 2.0, 4.0; 3.0, 6.0; 4.0, 8.5];
    let design = Design::with_intercept(&x).unwrap();
    let dup = DMatrix::from_fn(4, 3, |i, j| {
        if j == 2 { design.matrix()[(i, 1)] } else { design.matrix()[(i, j)] }
    });
    let design = Design::new(dup).unwrap().with_intercept_column(0).unwrap();
    let y = dvector![1.0, 2.0, 4.0, 3.0];
    let err = glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default()).unwrap_err();
    let Error::LeastSquares(glm::lsq::Error::RankDeficient { aliased, names, .. }) = &err else {
        panic!("{err}")
    };
    assert_eq!((aliased.as_slice(), names.as_slice()), (&[2][..], &["x3".to_owned()][..]));
    check(&err, "x3");
}

#[test]
fn a_wide_or_empty_design_says_how_many_rows_and_columns() {
    let wide = Design::new(DMatrix::from_fn(2, 3, |i, j| (i * 3 + j + 1) as f64)).unwrap();
    let y = dvector![1.0, 2.0];
    let err = glm::fit(&Data::new(&wide, &y), Family::Poisson, &Control::default()).unwrap_err();
    check(&err, "2 observations with nonzero weight cannot determine 3 coefficients");
    let err = Error::from(Design::new(DMatrix::zeros(0, 2)).unwrap_err());
    check(&err, "design matrix is empty (0×2)");
}

#[test]
fn a_failed_null_model_prints_the_refits_own_error() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0]).unwrap();
    let y = dvector![1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
    let offset = dvector![0.0, -1.0, -2.0, -3.0, -4.0, -5.0];
    let data = Data::new(&design, &y).offset(&offset);
    let err = glm::fit(&data, Family::Poisson, &Control::default().max_iter(4)).unwrap_err();
    let Error::NullModel(inner) = &err else { panic!("{err}") };
    assert!(matches!(**inner, Error::NotConverged { iterations: 4, .. }));
    check(
        &err,
        "the intercept-only model for the null deviance could not be fitted: irls did not converge in 4 iterations",
    );
}

#[test]
fn separation_lists_the_separated_observations() {
    let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 3.0; 4.0; 5.0]).unwrap();
    let y = dvector![0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
    let err =
        glm::fit(&Data::new(&design, &y), Family::Bernoulli, &Control::default()).unwrap_err();
    check(&err, "quasi-complete separation: 4 of 6 observations (0, 1, 4, 5) are fitted exactly");
    let many = DMatrix::from_fn(20, 1, |i, _| i as f64);
    let design = Design::with_intercept(&many).unwrap();
    let y = DVector::from_fn(20, |i, _| if i < 10 { 0.0 } else { 1.0 });
    let err =
        glm::fit(&Data::new(&design, &y), Family::Bernoulli, &Control::default()).unwrap_err();
    check(&err, "20 of 20 observations (0, 1, 2, 3, 4, 5, 6, 7 and 12 more)");
}

#[test]
fn divergence_names_the_observation_that_left_the_domain() {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42)).unwrap();
    let design = Design::new(s.x.clone()).unwrap().with_intercept_column(0).unwrap();
    let control = Control::default().method(Method::GradientAscent).step(100.0);
    let err = glm::fit(&Data::new(&design, &s.y), Family::Poisson, &control).unwrap_err();
    let Error::Diverged { reason: Divergence::LeftDomain { index, .. }, .. } = &err else {
        panic!("{err}")
    };
    check(
        &err,
        &format!(
            "gradient ascent diverged at iteration 1 with step 100: observation {index} left the domain with η = "
        ),
    );
}

#[test]
fn extreme_units_name_the_statistic_and_the_observation() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y = dvector![1e200, 3e200, 2e200, 5e200];
    let err = glm::fit(&Data::new(&design, &y), Family::Gaussian, &Control::default()).unwrap_err();
    let Error::OutOfRange { statistic: "deviance", index, .. } = &err else { panic!("{err}") };
    check(
        &err,
        &format!(
            "the deviance is inf, outside the range of f64: the data are in extreme units (observation {index} has response"
        ),
    );
}

#[test]
fn an_exact_fit_says_why_there_are_no_standard_errors() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y = dvector![1.0, 3.0, 5.0, 7.0];
    let err = glm::fit(&Data::new(&design, &y), Family::Gaussian, &Control::default()).unwrap_err();
    let Error::ExactFit { last, .. } = &err else { panic!("{err}") };
    // The coefficients are there all the same.
    assert!((last.coefficients[1] - 2.0).abs() < 1e-14);
    check(&err, "the response is fitted exactly");
    check(
        &err,
        "so the gaussian dispersion, the standard errors and the log-likelihood cannot be estimated",
    );
}

#[test]
fn a_fit_pinned_at_a_links_bound_says_so() {
    // A Gaussian response of 10⁻¹⁰⁰ under the logit link: the mean can only reach ε.
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap();
    let y = dvector![1e-100, 2e-100, 3e-100, 5e-100];
    let model = Family::Gaussian.with_link(Link::Logit);
    let err = glm::fit(&Data::new(&design, &y), model, &Control::default()).unwrap_err();
    assert!(matches!(err, Error::Boundary { .. }), "{err}");
    check(&err, "the fit stopped at the boundary of the gaussian family with logit link");
}

#[test]
fn option_and_input_errors_carry_their_numbers() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0]).unwrap();
    let y = dvector![1.0, 2.0, 4.0];
    let data = Data::new(&design, &y);
    let err =
        glm::fit(&data, Family::Poisson, &Control::default().tolerance(f64::NAN)).unwrap_err();
    check(&err, "invalid value NaN for `tolerance`: must be finite and > 0");
    let err =
        glm::fit(&data, Family::NegativeBinomial { theta: -2.0 }, &Control::default()).unwrap_err();
    check(&err, "invalid value -2 for `theta`");
    let w = dvector![1.0, -0.5, 1.0];
    let err = glm::fit(&data.weights(&w), Family::Poisson, &Control::default()).unwrap_err();
    check(&err, "weight 1 is -0.5; weights must be non-negative");
}

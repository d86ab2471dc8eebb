//! Bad input is a typed error naming the offending index or option, never a panic or NaN.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::{Domain, Error, Family, FitOptions, Input, Link};
use lsq::{Design, RankPolicy};
use nalgebra::{DVector, dmatrix, dvector};

fn design() -> Design {
    Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap()
}

#[track_caller]
fn check(
    y: &DVector<f64>,
    family: Family,
    options: &FitOptions,
    expected: impl Fn(&Error) -> bool,
) {
    let err = glm::fit(&design(), y, family, options).unwrap_err();
    assert!(expected(&err), "unexpected error: {err:?}");
    // Every message is lowercase-led (or starts with a name) and has no trailing period.
    let text = err.to_string();
    assert!(!text.ends_with('.'), "{text}");
}

#[test]
fn responses_outside_the_family_domain_name_the_index() {
    let d = FitOptions::default();
    check(&dvector![1.0, 2.0, -1.0, 0.0, 3.0], Family::Poisson, &d, |e| {
        matches!(
            e,
            Error::OutOfDomain {
                input: Input::Response,
                index: 2,
                domain: Domain::NonNegative,
                ..
            }
        )
    });
    check(&dvector![0.0, 1.0, 1.5, 0.0, 1.0], Family::Bernoulli, &d, |e| {
        matches!(e, Error::OutOfDomain { index: 2, domain: Domain::Binary, .. })
    });
    check(&dvector![0.0, 1.0, 0.0, -0.5, 1.0], Family::Binomial, &d, |e| {
        matches!(e, Error::OutOfDomain { index: 3, domain: Domain::ClosedUnit, .. })
    });
    check(&dvector![1.0, 2.0, 3.0, 0.0, 1.0], Family::Gamma, &d, |e| {
        matches!(e, Error::OutOfDomain { index: 3, domain: Domain::Positive, .. })
    });
    check(&dvector![1.0, 2.0, 3.0, 1.0, -2.0], Family::InverseGaussian, &d, |e| {
        matches!(e, Error::OutOfDomain { index: 4, .. })
    });
    check(&dvector![1.0, -2.0, 3.0, 1.0, 2.0], Family::NegativeBinomial { theta: 2.0 }, &d, |e| {
        matches!(e, Error::OutOfDomain { index: 1, .. })
    });
    let err =
        glm::fit(&design(), &dvector![1.0, 2.0, -1.0, 0.0, 3.0], Family::Poisson, &d).unwrap_err();
    assert_eq!(err.to_string(), "response entry 2 is -1, outside the poisson family's domain ≥ 0");
}

#[test]
fn nan_anywhere_is_an_error_naming_the_input_and_index() {
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let nan = dvector![1.0, 1.0, 1.0, f64::NAN, 1.0];
    let d = FitOptions::default();
    check(&dvector![1.0, f64::NAN, 3.0, 4.0, 5.0], Family::Poisson, &d, |e| {
        matches!(e, Error::NonFinite { input: Input::Response, index: 1, .. })
    });
    check(&dvector![1.0, 2.0, f64::INFINITY, 4.0, 5.0], Family::Gaussian, &d, |e| {
        matches!(e, Error::NonFinite { input: Input::Response, index: 2, .. })
    });
    check(&y, Family::Poisson, &d.clone().weights(nan.clone()), |e| {
        matches!(e, Error::NonFinite { input: Input::Weights, index: 3, .. })
    });
    check(&y, Family::Poisson, &d.clone().offset(nan.clone()), |e| {
        matches!(e, Error::NonFinite { input: Input::Offset, index: 3, .. })
    });
    check(&dvector![0.0, 1.0, 1.0, 0.0, 1.0], Family::Binomial, &d.clone().trials(nan), |e| {
        matches!(e, Error::NonFinite { input: Input::Trials, index: 3, .. })
    });
    check(&y, Family::Poisson, &d.start(dvector![0.0, f64::NAN]), |e| {
        matches!(e, Error::NonFinite { input: Input::Start, index: 1, .. })
    });
}

#[test]
fn wrong_lengths_are_dimension_errors() {
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let d = FitOptions::default();
    check(&dvector![1.0, 2.0], Family::Poisson, &d, |e| {
        matches!(e, Error::DimensionMismatch { input: Input::Response, expected: 5, found: 2 })
    });
    check(&y, Family::Poisson, &d.clone().weights(dvector![1.0]), |e| {
        matches!(e, Error::DimensionMismatch { input: Input::Weights, expected: 5, found: 1 })
    });
    check(&y, Family::Poisson, &d.clone().offset(DVector::zeros(6)), |e| {
        matches!(e, Error::DimensionMismatch { input: Input::Offset, expected: 5, found: 6 })
    });
    check(&y, Family::Poisson, &d.start(dvector![1.0]), |e| {
        matches!(e, Error::DimensionMismatch { input: Input::Start, expected: 2, found: 1 })
    });
}

#[test]
fn negative_weights_and_bad_trials_are_errors() {
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let d = FitOptions::default();
    check(&y, Family::Poisson, &d.clone().weights(dvector![1.0, 1.0, 1.0, 1.0, -0.5]), |e| {
        matches!(e, Error::NegativeWeight { index: 4, .. })
    });
    let n = dvector![5.0, 5.0, 5.0, 5.0, 5.0];
    check(
        &dvector![0.0, 1.0, 6.0, 2.0, 5.0],
        Family::Binomial,
        &d.clone().trials(n.clone()),
        |e| matches!(e, Error::SuccessesExceedTrials { index: 2, .. }),
    );
    check(&y, Family::Poisson, &d.clone().trials(n), |e| {
        matches!(e, Error::NotApplicable { name: "trials", family: Family::Poisson })
    });
    check(
        &dvector![0.0, 1.0, 1.0, 2.0, 0.0],
        Family::Binomial,
        &d.trials(dvector![1.0, 1.0, -1.0, 2.0, 1.0]),
        |e| matches!(e, Error::OutOfDomain { input: Input::Trials, index: 2, .. }),
    );
    let err = glm::successes_failures(&dvector![1.0, 2.0], &dvector![1.0, -1.0]).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { input: Input::Failures, index: 1, .. }), "{err}");
}

#[test]
fn invalid_options_are_named() {
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let d = FitOptions::default();
    for (options, name) in [
        (d.clone().step(-1.0), "step"),
        (d.clone().step(f64::NAN), "step"),
        (d.clone().tol(0.0), "tol"),
        (d.clone().max_iter(0), "max_iter"),
        (d.clone().confidence_level(1.0), "confidence_level"),
    ] {
        check(
            &y,
            Family::Poisson,
            &options,
            |e| matches!(e, Error::InvalidOption { name: n, .. } if *n == name),
        );
    }
    check(&y, Family::NegativeBinomial { theta: 0.0 }, &d, |e| {
        matches!(e, Error::InvalidOption { name: "theta", .. })
    });
}

#[test]
fn an_invalid_starting_point_is_an_error() {
    // The log link cannot start from a Gaussian response of 0 (R: "cannot find valid
    // starting values").
    let y = dvector![0.0, 1.0, 2.0, 3.0, 4.0];
    let options = FitOptions::default().link(Link::Log);
    check(&y, Family::Gaussian, &options, |e| matches!(e, Error::InvalidStart { index: 0, .. }));
}

#[test]
fn rank_deficiency_names_the_aliased_column_or_drops_it() {
    let x = dmatrix![1.0, 0.0, 0.0; 1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
    let design = Design::new(x).unwrap().with_names(["(Intercept)", "a", "twice_a"]).unwrap();
    let y = dvector![1.0, 2.0, 4.0, 5.0, 9.0];
    let err = glm::fit(&design, &y, Family::Poisson, &FitOptions::default()).unwrap_err();
    let Error::LeastSquares(lsq::Error::RankDeficient { aliased, names, .. }) = &err else {
        panic!("{err}")
    };
    assert_eq!((aliased.as_slice(), names.as_slice()), (&[2][..], &["twice_a".to_owned()][..]));
    let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    let fit = glm::fit(&design, &y, Family::Poisson, &options).unwrap();
    assert_eq!((fit.aliased(), fit.rank(), fit.df_residual()), (&[2][..], 2, 3));
    assert!(fit.std_errors()[2].is_nan() && fit.coefficients()[2] == 0.0);
    let reduced = Design::new(design.matrix().columns(0, 2).into_owned()).unwrap();
    let small = glm::fit(&reduced, &y, Family::Poisson, &FitOptions::default()).unwrap();
    assert!((fit.coefficients().rows(0, 2) - small.coefficients()).amax() < 1e-12);
    assert!((fit.deviance() - small.deviance()).abs() < 1e-12);
    assert!(fit.to_string().contains("(1 not defined because of singularities)"));
}

#[test]
fn estimated_dispersion_needs_a_residual_degree_of_freedom() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0]).unwrap();
    let err =
        glm::fit(&design, &dvector![1.0, 2.0], Family::Gamma, &FitOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NoResidualDegreesOfFreedom { observations: 2, rank: 2 }), "{err}");
    // A saturated Poisson model is fine: its dispersion is fixed.
    let fit =
        glm::fit(&design, &dvector![1.0, 2.0], Family::Poisson, &FitOptions::default()).unwrap();
    assert!(fit.deviance() < 1e-12 && fit.pearson_dispersion().is_none());
}

//! Bad input is a typed error naming the offending index or option, never a panic or NaN.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DVector, dmatrix, dvector};
use glm::{Control, Data, Design, Domain, Error, Family, Input, Link, Model, RankPolicy};

fn design() -> Design {
    Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0]).unwrap()
}

#[track_caller]
fn check(
    data: &Data<'_>,
    model: impl Into<Model>,
    control: &Control,
    expected: impl Fn(&Error) -> bool,
) {
    let err = glm::fit(data, model, control).unwrap_err();
    assert!(expected(&err), "unexpected error: {err:?}");
    // Every message is lowercase-led (or starts with a name) and has no trailing period.
    let text = err.to_string();
    assert!(!text.ends_with('.'), "{text}");
}

#[test]
fn responses_outside_the_family_domain_name_the_index() {
    let (x, c) = (design(), Control::default());
    let response = |family: Family, y: DVector<f64>, index: usize, domain: Option<Domain>| {
        check(&Data::new(&x, &y), family, &c, |e| {
            matches!(e, Error::OutOfDomain { input: Input::Response, index: i, domain: d, .. }
                if *i == index && domain.is_none_or(|domain| *d == domain))
        });
    };
    response(Family::Poisson, dvector![1.0, 2.0, -1.0, 0.0, 3.0], 2, Some(Domain::NonNegative));
    response(Family::Bernoulli, dvector![0.0, 1.0, 1.5, 0.0, 1.0], 2, Some(Domain::Binary));
    response(Family::Binomial, dvector![0.0, 1.0, 0.0, -0.5, 1.0], 3, Some(Domain::ClosedUnit));
    response(Family::Gamma, dvector![1.0, 2.0, 3.0, 0.0, 1.0], 3, Some(Domain::Positive));
    response(Family::InverseGaussian, dvector![1.0, 2.0, 3.0, 1.0, -2.0], 4, None);
    let nb = Family::NegativeBinomial { theta: 2.0 };
    response(nb, dvector![1.0, -2.0, 3.0, 1.0, 2.0], 1, None);
    let y = dvector![1.0, 2.0, -1.0, 0.0, 3.0];
    let err = glm::fit(&Data::new(&x, &y), Family::Poisson, &c).unwrap_err();
    assert_eq!(err.to_string(), "response entry 2 is -1, outside the poisson family's domain ≥ 0");
    // Proportions are fine for the binomial but not for the Bernoulli.
    let p = dvector![0.2, 0.5, 0.9, 0.4, 0.7];
    assert!(glm::fit(&Data::new(&x, &p), Family::Binomial, &c).is_ok());
    let err = glm::fit(&Data::new(&x, &p), Family::Bernoulli, &c).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { index: 0, domain: Domain::Binary, .. }), "{err}");
}

#[test]
fn nan_anywhere_is_an_error_naming_the_input_and_index() {
    let (x, c) = (design(), Control::default());
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let nan = dvector![1.0, 1.0, 1.0, f64::NAN, 1.0];
    let non_finite = |input: Input, index: usize| move |e: &Error| matches!(e, Error::NonFinite { input: i, index: k, .. } if *i == input && *k == index);
    let y_nan = dvector![1.0, f64::NAN, 3.0, 4.0, 5.0];
    check(&Data::new(&x, &y_nan), Family::Poisson, &c, non_finite(Input::Response, 1));
    let y_inf = dvector![1.0, 2.0, f64::INFINITY, 4.0, 5.0];
    check(&Data::new(&x, &y_inf), Family::Gaussian, &c, non_finite(Input::Response, 2));
    let data = Data::new(&x, &y);
    check(&data.weights(&nan), Family::Poisson, &c, non_finite(Input::Weights, 3));
    check(&data.offset(&nan), Family::Poisson, &c, non_finite(Input::Offset, 3));
    let binary = dvector![0.0, 1.0, 1.0, 0.0, 1.0];
    let trials = Data::new(&x, &binary).trials(&nan);
    check(&trials, Family::Binomial, &c, non_finite(Input::Trials, 3));
    let start = dvector![0.0, f64::NAN];
    check(&data.start(&start), Family::Poisson, &c, non_finite(Input::Start, 1));
}

#[test]
fn wrong_lengths_are_dimension_errors() {
    let (x, c) = (design(), Control::default());
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let mismatch = |input: Input, expected: usize, found: usize| {
        move |e: &Error| *e == Error::DimensionMismatch { input, expected, found }
    };
    let short = dvector![1.0, 2.0];
    check(&Data::new(&x, &short), Family::Poisson, &c, mismatch(Input::Response, 5, 2));
    let data = Data::new(&x, &y);
    let one = dvector![1.0];
    check(&data.weights(&one), Family::Poisson, &c, mismatch(Input::Weights, 5, 1));
    let six = DVector::zeros(6);
    check(&data.offset(&six), Family::Poisson, &c, mismatch(Input::Offset, 5, 6));
    check(&data.start(&one), Family::Poisson, &c, mismatch(Input::Start, 2, 1));
    let err = glm::fit(&data.offset(&short), Family::Poisson, &c).unwrap_err();
    assert_eq!(err.to_string(), "offset has 2 entries, expected 5");
}

#[test]
fn negative_weights_and_bad_trials_are_errors() {
    let (x, c) = (design(), Control::default());
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let negative = dvector![1.0, 1.0, 1.0, 1.0, -0.5];
    check(&Data::new(&x, &y).weights(&negative), Family::Poisson, &c, |e| {
        matches!(e, Error::NegativeWeight { index: 4, .. })
    });
    let n = dvector![5.0, 5.0, 5.0, 5.0, 5.0];
    let too_many = dvector![0.0, 1.0, 6.0, 2.0, 5.0];
    check(&Data::new(&x, &too_many).trials(&n), Family::Binomial, &c, |e| {
        matches!(e, Error::SuccessesExceedTrials { index: 2, .. })
    });
    check(&Data::new(&x, &y).trials(&n), Family::Poisson, &c, |e| {
        matches!(e, Error::NotApplicable { name: "trials", family: Family::Poisson })
    });
    let successes = dvector![0.0, 1.0, 1.0, 2.0, 0.0];
    let negative_trials = dvector![1.0, 1.0, -1.0, 2.0, 1.0];
    check(&Data::new(&x, &successes).trials(&negative_trials), Family::Binomial, &c, |e| {
        matches!(e, Error::OutOfDomain { input: Input::Trials, index: 2, .. })
    });
    let err = glm::successes_failures(&dvector![1.0, 2.0], &dvector![1.0, -1.0]).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { input: Input::Failures, index: 1, .. }), "{err}");
}

#[test]
fn invalid_options_are_named() {
    let x = design();
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let data = Data::new(&x, &y);
    let d = Control::default();
    for (control, name) in [
        (d.step(-1.0), "step"),
        (d.step(f64::NAN), "step"),
        (d.tolerance(0.0), "tolerance"),
        (d.tolerance(f64::INFINITY), "tolerance"),
        (d.max_iter(0), "max_iter"),
    ] {
        check(
            &data,
            Family::Poisson,
            &control,
            |e| matches!(e, Error::InvalidOption { name: n, .. } if *n == name),
        );
    }
    check(&data, Family::NegativeBinomial { theta: 0.0 }, &d, |e| {
        matches!(e, Error::InvalidOption { name: "theta", .. })
    });
}

#[test]
fn an_invalid_starting_point_is_an_error() {
    // The log link cannot start from a Gaussian response of 0 (R: "cannot find valid
    // starting values").
    let x = design();
    let y = dvector![0.0, 1.0, 2.0, 3.0, 4.0];
    let model = Family::Gaussian.with_link(Link::Log);
    check(&Data::new(&x, &y), model, &Control::default(), |e| {
        matches!(e, Error::InvalidStart { index: 0, .. })
    });
}

#[test]
fn rank_deficiency_names_the_aliased_column_or_drops_it() {
    let x = dmatrix![1.0, 0.0, 0.0; 1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
    let design = Design::new(x)
        .unwrap()
        .with_intercept_column(0)
        .unwrap()
        .with_names(["(Intercept)", "a", "twice_a"])
        .unwrap();
    let y = dvector![1.0, 2.0, 4.0, 5.0, 9.0];
    let data = Data::new(&design, &y);
    let err = glm::fit(&data, Family::Poisson, &Control::default()).unwrap_err();
    let Error::LeastSquares(glm::lsq::Error::RankDeficient { rank: 2, aliased, names, .. }) = &err
    else {
        panic!("{err}")
    };
    assert_eq!((aliased.as_slice(), names.as_slice()), (&[2][..], &["twice_a".to_owned()][..]));
    let control = Control::default().rank_policy(RankPolicy::DropAliased);
    let fit = glm::fit(&data, Family::Poisson, &control).unwrap();
    assert_eq!((fit.aliased(), fit.rank(), fit.df_residual()), (&[2][..], 2, 3));
    assert!(fit.std_errors()[2].is_nan() && fit.coefficients()[2] == 0.0);
    assert!(fit.statistics()[2].is_nan() && fit.p_values()[2].is_nan());
    let covariance = fit.covariance();
    assert!(covariance.row(2).iter().chain(covariance.column(2).iter()).all(|c| c.is_nan()));
    let reduced =
        Design::new(design.matrix().columns(0, 2).into_owned()).unwrap().with_intercept_column(0);
    let reduced = reduced.unwrap();
    let small = glm::fit(&Data::new(&reduced, &y), Family::Poisson, &Control::default()).unwrap();
    assert!((fit.coefficients().rows(0, 2) - small.coefficients()).amax() < 1e-12);
    assert!((fit.deviance() - small.deviance()).abs() < 1e-12);
    assert!(fit.to_string().contains("(1 not defined because of singularities)"));
    let text = fit.to_string();
    let row = text.lines().find(|l| l.starts_with("twice_a")).unwrap();
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["twice_a", "NA", "NA", "NA", "NA"]);
}

#[test]
#[expect(clippy::float_cmp, reason = "a fixed dispersion is exactly 1")]
fn estimated_dispersion_needs_a_residual_degree_of_freedom() {
    let design = Design::with_intercept(&dmatrix![0.0; 1.0]).unwrap();
    let y = dvector![1.0, 2.0];
    let data = Data::new(&design, &y);
    let err = glm::fit(&data, Family::Gamma, &Control::default()).unwrap_err();
    assert!(matches!(err, Error::NoResidualDegreesOfFreedom { observations: 2, rank: 2 }), "{err}");
    // A saturated Poisson model is fine: its dispersion is fixed.
    let fit = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    assert!(fit.deviance() < 1e-12 && fit.df_residual() == 0);
    assert_eq!(fit.dispersion(), 1.0);
}

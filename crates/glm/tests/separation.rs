//! Separation: data that a hyperplane splits (completely or quasi-completely) have no
//! maximum-likelihood estimate; the fit must say so instead of returning huge coefficients.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DMatrix, DVector, dvector};
use glm::{Control, Criterion, Data, Design, Error, Family, GlmFit, Link, Method, Model};
use serde_json::Value;

/// A design whose first column, of ones, is the intercept.
fn intercept_first(x: DMatrix<f64>) -> Design {
    Design::new(x).unwrap().with_intercept_column(0).unwrap()
}

fn line(t: &[f64]) -> Design {
    intercept_first(DMatrix::from_fn(t.len(), 2, |i, j| if j == 0 { 1.0 } else { t[i] }))
}

/// The fit of `y` on `design` with default control.
fn fit(design: &Design, y: &DVector<f64>, model: impl Into<Model>) -> glm::Result<GlmFit> {
    glm::fit(&Data::new(design, y), model, &Control::default())
}

/// Fits and expects a separation error with the given separated observations.
#[track_caller]
fn check(
    design: &Design,
    y: &DVector<f64>,
    family: Family,
    link: Link,
    complete: bool,
    separated: &[usize],
) {
    check_with(design, y, family.with_link(link), &Control::default(), complete, separated);
}

/// [`check`] under `control`.
#[track_caller]
fn check_with(
    design: &Design,
    y: &DVector<f64>,
    model: Model,
    control: &Control,
    complete: bool,
    separated: &[usize],
) {
    let link = model.link();
    let err = glm::fit(&Data::new(design, y), model, control).unwrap_err();
    let Error::Separation { complete: c, separated: s, direction, last, .. } = &err else {
        panic!("{link} {control:?}: expected separation, got {err:?}");
    };
    assert_eq!((*c, s.as_slice()), (complete, separated), "{link}: {err}");
    assert!((direction.norm() - 1.0).abs() < 1e-12);
    // The direction separates: it moves every separated observation's mean towards its
    // response, which under the inverse links means η towards +∞ for a response of 0.
    let falling = matches!(link, Link::Inverse | Link::InverseSquared);
    let moves = design.matrix() * direction;
    for &i in s {
        let towards = if (y[i] == 0.0) == falling { moves[i] } else { -moves[i] };
        assert!(towards > 0.0, "{link}: observation {i} moves {towards}");
    }
    assert!(!last.history.is_empty());
}

#[test]
fn complete_separation_is_detected_for_every_binary_link() {
    let design = line(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    let y = dvector![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        check(&design, &y, Family::Bernoulli, link, true, &[0, 1, 2, 3, 4, 5, 6, 7]);
    }
    let err = fit(&design, &y, Family::Bernoulli).unwrap_err();
    assert!(err.to_string().starts_with("complete separation: 8 of 8 observations"), "{err}");
}

#[test]
fn quasi_complete_separation_is_detected() {
    // At t = 4 both outcomes occur; everything else is split at t = 4.
    let design = line(&[1.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0]);
    let y = dvector![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        check(&design, &y, Family::Bernoulli, link, false, &[0, 1, 2, 5, 6, 7]);
    }
}

#[test]
fn a_zero_cell_is_quasi_complete_separation() {
    // Group b = 1 has only successes; group b = 0 overlaps in x. The MLE of b's coefficient
    // is +∞ (the classic "zero cell" in a 2×2 table with a covariate).
    let x = DMatrix::from_row_slice(
        10,
        3,
        &[
            1.0, 0.0, 0.1, 1.0, 0.0, 0.5, 1.0, 0.0, -0.3, 1.0, 0.0, 0.9, 1.0, 0.0, -1.0, //
            1.0, 0.0, 0.2, 1.0, 1.0, 0.3, 1.0, 1.0, -0.4, 1.0, 1.0, 0.8, 1.0, 1.0, 0.0,
        ],
    );
    let y = dvector![1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    check(&intercept_first(x), &y, Family::Bernoulli, Link::Logit, false, &[6, 7, 8, 9]);
}

#[test]
fn separation_in_binomial_proportions_with_trials() {
    // Group 2's proportions are all zero.
    let x = DMatrix::from_row_slice(
        6,
        2,
        &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    );
    let successes = dvector![3.0, 5.0, 2.0, 0.0, 0.0, 0.0];
    let trials = dvector![10.0, 10.0, 10.0, 8.0, 9.0, 7.0];
    let design = intercept_first(x);
    let data = Data::new(&design, &successes).trials(&trials);
    let err = glm::fit(&data, Family::Binomial, &Control::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Separation { complete: false, separated, .. } if separated == &[3, 4, 5]),
        "{err}"
    );
}

#[test]
fn a_poisson_group_of_zeros_has_no_finite_estimate() {
    let x = DMatrix::from_row_slice(
        8,
        2,
        &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    );
    let y = dvector![3.0, 5.0, 2.0, 4.0, 0.0, 0.0, 0.0, 0.0];
    check(&intercept_first(x), &y, Family::Poisson, Link::Log, false, &[4, 5, 6, 7]);
}

#[test]
fn the_inverse_links_separate_where_eta_runs_to_plus_infinity() {
    // μ = 1/η (or 1/√η) reaches 0 only as η → +∞. The Bernoulli case is the proptest's
    // (`tests/hostile.rs`) at unit scale: the observations with x₂ > 0 all have y = 0, the one
    // at x₂ = 0 has y = 1, so η → +∞ along x₂ fits them ever better. Its means fall as a power
    // of η, slowly enough that the coefficient criterion stopped on the rounding of an
    // information whose weights ran off, and returned a fit.
    let x = DMatrix::from_row_slice(
        5,
        3,
        &[1.0, 0.0, 0.3, 1.0, 0.7, 1.0, 1.0, 0.3, 0.6, 1.0, 1.0, 0.2, 1.0, 0.6, 0.9],
    );
    let y = dvector![1.0, 0.0, 0.0, 0.0, 0.0];
    let design = intercept_first(x.clone());
    let controls = [Control::default(), Control::default().criterion(Criterion::Deviance)];
    for control in &controls {
        let model = Family::Bernoulli.with_link(Link::Inverse);
        check_with(&design, &y, model, control, false, &[1, 2, 3, 4]);
    }
    // A group of zero counts under the Poisson's inverse links.
    let x = DMatrix::from_fn(8, 3, |i, j| match j {
        0 => 1.0,
        1 => f64::from(u8::from(i >= 4)),
        _ => [0.2, 0.9, 0.4, 0.7, 0.3, 0.8, 0.5, 0.6][i],
    });
    let y = dvector![3.0, 5.0, 2.0, 4.0, 0.0, 0.0, 0.0, 0.0];
    let design = intercept_first(x);
    for link in [Link::Inverse, Link::InverseSquared] {
        for control in &controls {
            check_with(&design, &y, Family::Poisson.with_link(link), control, false, &[4, 5, 6, 7]);
        }
    }
}

#[test]
fn overlapping_data_are_not_flagged() {
    let design = line(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    let y = dvector![0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0];
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        let fit = fit(&design, &y, Family::Bernoulli.with_link(link)).unwrap();
        assert!(fit.coefficients().amax() < 5.0, "{link}");
    }
    // The logistic lesson's data, for several seeds, including a steep slope with few
    // points in the overlap region.
    for seed in [1, 2, 3, 4, 5] {
        for theta in [[-0.5, 1.5], [0.0, 3.0]] {
            let s = sim::LogisticLesson::default()
                .theta(theta)
                .generate(&mut sim::rng_from_seed(seed))
                .unwrap();
            let fit = fit(&intercept_first(s.x), &s.y, Family::Bernoulli);
            assert!(fit.is_ok(), "seed {seed}, θ = {theta:?}: {:?}", fit.err());
        }
    }
}

#[test]
fn a_steep_small_lesson_sample_that_happens_to_separate_is_flagged() {
    // 12 points with slope 4: this seed draws y = 0 for the first seven points and 1 after.
    let s = sim::LogisticLesson::default()
        .m(12)
        .theta([0.0, 4.0])
        .generate(&mut sim::rng_from_seed(5))
        .unwrap();
    assert_eq!(s.y.as_slice(), &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    let err = fit(&intercept_first(s.x), &s.y, Family::Bernoulli).unwrap_err();
    assert!(matches!(err, Error::Separation { complete: true, .. }), "{err}");
}

#[test]
fn detection_agrees_with_linear_programming_on_random_data() {
    // `tests/data/separation/cases.json`: 300 random data sets, 182 of them separated
    // (46 quasi-completely), each with the largest separated set found by an LP.
    let cases: Value = serde_json::from_str(include_str!("data/separation/cases.json")).unwrap();
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        for (k, case) in cases.as_array().unwrap().iter().enumerate() {
            let rows = case["x"].as_array().unwrap();
            let n = rows.len();
            let p = rows[0].as_array().unwrap().len() + 1;
            let x =
                DMatrix::from_fn(
                    n,
                    p,
                    |i, j| if j == 0 { 1.0 } else { rows[i][j - 1].as_f64().unwrap() },
                );
            let y = DVector::from_iterator(
                n,
                case["y"].as_str().unwrap().chars().map(|c| if c == '1' { 1.0 } else { 0.0 }),
            );
            let expected: Vec<usize> = case["separated"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| usize::try_from(v.as_u64().unwrap()).unwrap())
                .collect();
            // The iteration limit is raised from 25 so that a slowly converging (non-separated)
            // complementary log-log fit finishes; separation is decided at either limit.
            let control = Control::default().max_iter(100);
            let design = intercept_first(x);
            let fit =
                glm::fit(&Data::new(&design, &y), Family::Bernoulli.with_link(link), &control);
            match fit {
                Ok(_) => {
                    assert!(
                        expected.is_empty(),
                        "{link}, case {k}: separation {expected:?} missed"
                    );
                }
                Err(Error::Separation { separated, complete, .. }) => {
                    assert_eq!(separated, expected, "{link}, case {k}");
                    assert_eq!(complete, expected.len() == n, "{link}, case {k}");
                }
                Err(e) => panic!("{link}, case {k}: {e}"),
            }
        }
    }
}

#[test]
fn gradient_ascent_is_certified_like_irls_and_never_misfires() {
    // The same 300 data sets through the lesson's method: a separated one is the same
    // separation error, carrying gradient ascent's own iterate; every other one is not.
    let cases: Value = serde_json::from_str(include_str!("data/separation/cases.json")).unwrap();
    let control = Control::default().method(Method::GradientAscent);
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        for (k, case) in cases.as_array().unwrap().iter().enumerate() {
            let rows = case["x"].as_array().unwrap();
            let n = rows.len();
            let p = rows[0].as_array().unwrap().len() + 1;
            let x =
                DMatrix::from_fn(
                    n,
                    p,
                    |i, j| {
                        if j == 0 { 1.0 } else { rows[i][j - 1].as_f64().unwrap() }
                    },
                );
            let y = DVector::from_iterator(
                n,
                case["y"].as_str().unwrap().chars().map(|c| if c == '1' { 1.0 } else { 0.0 }),
            );
            let separated = !case["separated"].as_array().unwrap().is_empty();
            let design = intercept_first(x);
            let fit =
                glm::fit(&Data::new(&design, &y), Family::Bernoulli.with_link(link), &control);
            match fit {
                Err(Error::Separation { last, .. }) => {
                    assert!(separated, "{link}, case {k}: separation reported where there is none");
                    // Gradient ascent's own history: 300 steps from θ = 0.
                    assert_eq!(last.history.len(), 301, "{link}, case {k}");
                }
                Ok(_) => assert!(!separated, "{link}, case {k}: separated data fitted"),
                Err(e) => panic!("{link}, case {k}: {e}"),
            }
        }
    }
}

#[test]
fn every_method_and_tolerance_reports_separation_and_zero_counts() {
    let design = line(&[1.0, 2.0, 3.0, 4.0]);
    let separated = dvector![0.0, 0.0, 1.0, 1.0];
    let zeros = dvector![0.0, 0.0, 0.0, 0.0];
    let ascent = Control::default().method(Method::GradientAscent);
    for control in [
        Control::default(),
        // A loose tolerance stops IRLS before its own certificate could see the drift.
        Control::default().tolerance(1e300),
        ascent,
        ascent.max_iter(1),
        ascent.tolerance(1e-6).max_iter(100_000),
    ] {
        for (family, y) in [
            (Family::Bernoulli, &separated),
            (Family::Bernoulli, &zeros),
            (Family::Poisson, &zeros),
            (Family::NegativeBinomial { theta: 2.0 }, &zeros),
        ] {
            let err = glm::fit(&Data::new(&design, y), family, &control).unwrap_err();
            assert!(
                matches!(err, Error::Separation { complete: true, .. }),
                "{family} {control:?}: {err}"
            );
        }
    }
}

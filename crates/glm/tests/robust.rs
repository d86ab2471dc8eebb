//! GLM sandwich covariance and nested-model tests against the inference reference cases
//! (statsmodels 0.15 with Newton-polished coefficients, validated against R), and their bad
//! input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "../../lsq/tests/common/inference.rs"]
mod inference;

use glm::lsq::Hc;
use glm::nalgebra::{DVector, dmatrix, dvector};
use glm::{Control, Data, Design, Error, Family, GlmFit, Link, Model, Test};
use inference::{Case, check_named, check_value, design, intercept_only, named};

fn fit(data: &Data<'_>, model: impl Into<Model>) -> GlmFit {
    glm::fit(data, model, &Control::default()).unwrap()
}

/// Breast cancer counts: `cancer ~ log(population)`, Poisson.
fn cancer() -> (Case, Design, DVector<f64>) {
    let case = Case::load("cancer_poisson");
    let log_population = case.numeric("population").iter().map(|v| v.ln()).collect();
    let design = design(&[named("log(population)", log_population)]);
    let y = DVector::from_vec(case.numeric("cancer"));
    (case, design, y)
}

#[test]
fn poisson_hc0_matches_statsmodels_to_8_digits() {
    let (case, design, y) = cancer();
    let data = Data::new(&design, &y);
    let fit = fit(&data, Family::Poisson);
    let reference = &case.json["reference"];
    check_named(
        "coefficients",
        design.names(),
        fit.coefficients(),
        &reference["coefficients"],
        8.0,
    );
    let hc0 = fit.robust(&data, Hc::Hc0).unwrap();
    let least = check_named(
        "HC0",
        design.names(),
        hc0.std_errors(),
        &reference["robust_std_errors"]["HC0"],
        8.0,
    );
    assert!(least >= 9.0, "HC0 only {least:.1} digits");
    // HC1 scales by n/(n − k); the tests are finite normal Wald tests.
    let hc1 = fit.robust(&data, Hc::Hc1).unwrap();
    let n = f64::from(u32::try_from(y.len()).unwrap());
    let ratio = (n / (n - 2.0)).sqrt();
    assert!((hc1.std_errors() - hc0.std_errors() * ratio).amax() < 1e-15);
    assert!(hc0.p_values().iter().chain(hc0.statistics().iter()).all(|v| v.is_finite()));
    assert!(hc0.covariance().iter().all(|v| v.is_finite()));
    // Over-dispersed counts: the robust errors are about twice the model-based ones.
    assert!(hc0.std_errors()[1] > 1.9 * fit.std_errors()[1]);
}

#[test]
fn poisson_likelihood_ratio_test_matches_the_reference() {
    let (case, design, y) = cancer();
    let null = intercept_only(y.len());
    let (d0, d1) = (Data::new(&null, &y), Data::new(&design, &y));
    let (f0, f1) = (fit(&d0, Family::Poisson), fit(&d1, Family::Poisson));
    let table = glm::anova(&f0, &d0, &f1, &d1).unwrap();
    assert_eq!((table.test(), table.df()), (Test::ChiSquared, 1));
    let a = |key: &str| case.value(&["anova", key]);
    check_value("deviance difference", table.deviance_difference(), a("deviance_difference"), 8.0);
    check_value("χ²", table.statistic(), a("statistic"), 8.0);
    check_value("p", table.p_value(), a("p_value"), 6.0);
    check_value("deviance", table.deviances().1, case.value(&["reference", "deviance"]), 8.0);
    check_value(
        "null deviance",
        table.deviances().0,
        case.value(&["reference", "null_deviance"]),
        8.0,
    );
}

/// A least-squares reference case refitted as a Gaussian GLM: its HC0–HC3 and its F test
/// must be `lsq`'s, which the reference checks.
#[test]
fn gaussian_sandwich_and_f_test_equal_the_least_squares_references() {
    let case = Case::load("ccard_hc");
    let income = case.numeric("INCOME");
    let square = income.iter().map(|v| v * v).collect();
    let (age, own) = (named("AGE", case.numeric("AGE")), named("OWNRENT", case.numeric("OWNRENT")));
    let full = design(&[
        age.clone(),
        named("INCOME", income.clone()),
        named("I(INCOME^2)", square),
        own.clone(),
    ]);
    let reduced = design(&[age, named("INCOME", income), own]);
    let y = DVector::from_vec(case.numeric("AVGEXP"));
    let (d0, d1) = (Data::new(&reduced, &y), Data::new(&full, &y));
    let (f0, f1) = (fit(&d0, Family::Gaussian), fit(&d1, Family::Gaussian));
    for hc in Hc::ALL {
        let robust = f1.robust(&d1, hc).unwrap();
        let expected = &case.json["reference"]["robust_std_errors"][hc.to_string()];
        check_named(&format!("Gaussian {hc}"), full.names(), robust.std_errors(), expected, 8.0);
    }
    let table = glm::anova(&f0, &d0, &f1, &d1).unwrap();
    let a = |key: &str| case.value(&["anova", key]);
    assert_eq!((table.test(), table.df()), (Test::F, 1));
    check_value("Gaussian F", table.statistic(), a("statistic"), 6.0);
    check_value("Gaussian F p", table.p_value(), a("p_value"), 6.0);
    check_value("sum of squares", table.deviance_difference(), a("sum_of_squares"), 8.0);
}

#[test]
fn anova_refuses_non_nested_models_other_rows_and_other_families() {
    let (_, design, y) = cancer();
    let null = intercept_only(y.len());
    let (d0, d1) = (Data::new(&null, &y), Data::new(&design, &y));
    let (f0, f1) = (fit(&d0, Family::Poisson), fit(&d1, Family::Poisson));
    // The larger model first.
    let err = glm::anova(&f1, &d1, &f0, &d0).unwrap_err();
    assert!(
        matches!(&err, Error::NotNested { column: 1, name, .. } if name == "log(population)"),
        "{err}"
    );
    // Another response.
    let mut other = y.clone();
    other[4] += 1.0;
    let d2 = Data::new(&null, &other);
    let f2 = fit(&d2, Family::Poisson);
    let err = glm::anova(&f2, &d2, &f1, &d1).unwrap_err();
    assert!(matches!(err, Error::DifferentRows { what: "response", row: 4, .. }), "{err}");
    // Another link.
    let f3 = fit(&d0, Family::Poisson.with_link(Link::Sqrt));
    let err = glm::anova(&f3, &d0, &f1, &d1).unwrap_err();
    assert!(matches!(err, Error::DifferentModels { .. }), "{err}");
    assert!(err.to_string().contains("sqrt"), "{err}");
    // The same model twice.
    let err = glm::anova(&f1, &d1, &f1, &d1).unwrap_err();
    assert!(matches!(err, Error::NothingToTest { rank: 2 }), "{err}");
    // The wrong data for a fit: a missing offset, a wrong shape.
    let offset = DVector::from_element(y.len(), 0.5);
    let with_offset = Data::new(&design, &y).offset(&offset);
    let f4 = fit(&with_offset, Family::Poisson);
    let err = glm::anova(&f0, &d0, &f4, &d1).unwrap_err();
    assert!(matches!(err, Error::DesignMismatch { row: 0, .. }), "{err}");
    assert!(f4.robust(&with_offset, Hc::Hc0).is_ok());
    let err = f1.robust(&d0, Hc::Hc0).unwrap_err();
    assert!(matches!(err, Error::DesignShape { cols: 1, expected_cols: 2, .. }), "{err}");
}

#[test]
fn unit_leverage_makes_hc2_and_hc3_an_error() {
    // The last observation alone in its group: leverage 1.
    let x = dmatrix![0.0, 0.0; 1.0, 0.0; 2.0, 0.0; 3.0, 0.0; 4.0, 1.0];
    let design = Design::with_intercept(&x).unwrap();
    let y = dvector![1.0, 2.0, 2.0, 5.0, 3.0];
    let data = Data::new(&design, &y);
    let fit = fit(&data, Family::Poisson);
    for hc in [Hc::Hc2, Hc::Hc3] {
        let err = fit.robust(&data, hc).unwrap_err();
        assert!(matches!(err, Error::UnitLeverage { row: 4, .. }), "{err}");
    }
    let hc0 = fit.robust(&data, Hc::Hc0).unwrap();
    assert!(hc0.std_errors().iter().all(|v| v.is_finite()));
    assert!((hc0.leverages()[4] - 1.0).abs() < 1e-12);
}

#[test]
fn weights_and_trials_enter_the_sandwich_as_sandwich_does() {
    // Binomial counts with trials equal the same fit with proportions and prior weights.
    let x = dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0];
    let design = Design::with_intercept(&x).unwrap();
    let successes = dvector![1.0, 3.0, 2.0, 7.0, 8.0, 9.0];
    let trials = dvector![10.0, 12.0, 8.0, 14.0, 11.0, 10.0];
    let counts = Data::new(&design, &successes).trials(&trials);
    let a = fit(&counts, Family::Binomial).robust(&counts, Hc::Hc1).unwrap();
    let proportions = successes.component_div(&trials);
    let weighted = Data::new(&design, &proportions).weights(&trials);
    let b = fit(&weighted, Family::Binomial).robust(&weighted, Hc::Hc1).unwrap();
    assert!((a.std_errors() - b.std_errors()).amax() < 1e-12 * b.std_errors().amax());
    assert!((a.leverages() - b.leverages()).amax() < 1e-12);
}

#[test]
fn aliased_columns_and_zero_weights_in_the_glm_sandwich() {
    let (_, design, y) = cancer();
    let m = y.len();
    // A copy of log(population), aliased under DropAliased.
    let x = design.matrix().clone().insert_column(2, 0.0);
    let mut x = x;
    let copy = x.column(1).into_owned();
    x.set_column(2, &copy);
    let wide = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let control = Control::default().rank_policy(glm::RankPolicy::DropAliased);
    let data = Data::new(&wide, &y);
    let fit_wide = glm::fit(&data, Family::Poisson, &control).unwrap();
    assert_eq!(fit_wide.aliased(), &[2]);
    let plain_data = Data::new(&design, &y);
    let plain = fit(&plain_data, Family::Poisson);
    for hc in Hc::ALL {
        let (a, b) = (fit_wide.robust(&data, hc).unwrap(), plain.robust(&plain_data, hc).unwrap());
        assert!(a.std_errors()[2].is_nan() && a.statistics()[2].is_nan());
        assert!(a.covariance().row(2).iter().all(|v| v.is_nan()));
        for j in 0..2 {
            assert!((a.std_errors()[j] - b.std_errors()[j]).abs() < 1e-12 * b.std_errors()[j]);
        }
    }
    // A zero weight drops the row: leverage 0, HC1 counts n − 1.
    let mut w = DVector::from_element(m, 1.0);
    w[3] = 0.0;
    let weighted = Data::new(&design, &y).weights(&w);
    let a = fit(&weighted, Family::Poisson).robust(&weighted, Hc::Hc1).unwrap();
    let keep: Vec<usize> = (0..m).filter(|&i| i != 3).collect();
    let sub_design = Design::new(design.matrix().select_rows(&keep)).unwrap();
    let sub_y = y.select_rows(&keep);
    let sub = Data::new(&sub_design, &sub_y);
    let b = fit(&sub, Family::Poisson).robust(&sub, Hc::Hc1).unwrap();
    assert!(a.leverages()[3].abs() < f64::MIN_POSITIVE);
    assert!((a.std_errors() - b.std_errors()).amax() < 1e-10 * b.std_errors().amax());
}

#[test]
fn anova_prints_r_deviance_table() {
    let (_, design, y) = cancer();
    let null = intercept_only(y.len());
    let (d0, d1) = (Data::new(&null, &y), Data::new(&design, &y));
    let (f0, f1) = (fit(&d0, Family::Poisson), fit(&d1, Family::Poisson));
    let text = glm::anova(&f0, &d0, &f1, &d1).unwrap().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Analysis of Deviance Table");
    assert!(lines[2].contains("Resid. Dev") && lines[2].contains("Pr(>Chi)"), "{text}");
    assert!(lines[3].contains("12994"), "{text}");
    assert!(
        lines[4].contains("785.85")
            && lines[4].contains("12208")
            && lines[4].ends_with("<2e-16 ***"),
        "{text}"
    );
}

#[test]
fn a_group_fitted_exactly_has_a_rounding_level_robust_error_and_no_infinite_statistic() {
    // Group indicators without an intercept: the second group's responses are all 2, so its
    // fitted mean is exact and its score contributions vanish.
    let x = dmatrix![1.0, 0.0; 1.0, 0.0; 1.0, 0.0; 0.0, 1.0; 0.0, 1.0; 0.0, 1.0];
    let design = Design::new(x).unwrap();
    let y = dvector![1.0, 4.0, 2.0, 2.0, 2.0, 2.0];
    let data = Data::new(&design, &y);
    let robust = fit(&data, Family::Poisson).robust(&data, Hc::Hc0).unwrap();
    assert!(robust.std_errors()[1].abs() < 1e-15, "{}", robust.std_errors()[1]);
    assert!(robust.statistics()[0].is_finite());
    assert!(robust.statistics()[1].is_nan() || robust.statistics()[1].is_finite());
    assert!(!robust.p_values()[1].is_infinite());
}

#[test]
fn robust_errors_follow_power_of_two_column_units() {
    let (_, design, y) = cancer();
    let data = Data::new(&design, &y);
    let base = fit(&data, Family::Poisson).robust(&data, Hc::Hc1).unwrap();
    for k in [-900_i32, -20, 13, 900] {
        let s = 2f64.powi(k);
        let mut x = design.matrix().clone();
        x.column_mut(1).scale_mut(s);
        let scaled = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let d = Data::new(&scaled, &y);
        let robust = fit(&d, Family::Poisson).robust(&d, Hc::Hc1).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs());
        assert!(close(robust.std_errors()[1] * s, base.std_errors()[1]), "2^{k}");
        assert!(close(robust.std_errors()[0], base.std_errors()[0]), "2^{k}");
        assert!(close(robust.statistics()[1], base.statistics()[1]), "2^{k}");
        assert!((robust.leverages() - base.leverages()).amax() <= 1e-15);
    }
}

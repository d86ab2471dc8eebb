//! The quasi-Poisson and negative binomial reference cases (`cancer_quasipoisson`,
//! `cancer_negbin_theta` of `crates/frame/tests/data/inference-reference/`, see its README for
//! sources and licences) fitted the way a user would: the CSV read by `frame`, the design built
//! from the JSON's own `formula` (and the anova's `reduced_formula`), and the coefficients
//! matched to the reference by R's column names, not by position.
//!
//! Measured (`cargo test -p glm --test formula -- --nocapture`): quasi-Poisson coefficients and
//! standard errors to at least 14.9 digits, dispersion 14.6, the anova's F statistic 14.9 and
//! p-value (6·10⁻¹⁸⁶) 13.3; negative binomial coefficients and standard errors to at least 13.8,
//! θ̂ 13.2, its standard error 12.9, the likelihood-ratio statistic 13.2 and p-value 11.2. The
//! assertions hold the targets: coefficients and standard errors to 8 significant
//! digits, θ̂ and its standard error to 6, test statistics and p-values to 6.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]
#![allow(clippy::print_stdout, reason = "the measured digits are printed under --nocapture")]

#[path = "common/inference_reference.rs"]
mod inference_reference;

use frame::{CsvOptions, DesignOptions, Frame, ModelMatrix, Response};
use glm::nalgebra::DVector;
use glm::{Control, Data, Family, GlmFit, Link, Test};
use inference_reference::{assert_digits, lre};
use serde_json::Value;

/// The targets.
const COEFFICIENT_DIGITS: f64 = 8.0;
const THETA_DIGITS: f64 = 6.0;
const TEST_DIGITS: f64 = 6.0;

/// A case's CSV read into a frame, and its JSON.
fn case(name: &str) -> (Frame, Value) {
    let (csv, json) = match name {
        "cancer_quasipoisson" => (
            include_str!("../../frame/tests/data/inference-reference/cancer_quasipoisson.csv"),
            include_str!("../../frame/tests/data/inference-reference/cancer_quasipoisson.json"),
        ),
        "cancer_negbin_theta" => (
            include_str!("../../frame/tests/data/inference-reference/cancer_negbin_theta.csv"),
            include_str!("../../frame/tests/data/inference-reference/cancer_negbin_theta.json"),
        ),
        other => panic!("no case {other}"),
    };
    let frame = Frame::from_reader(csv.as_bytes(), &CsvOptions::default()).unwrap();
    (frame, serde_json::from_str(json).unwrap())
}

/// The model matrix of `formula` and its response.
fn model(frame: &Frame, formula: &str) -> (ModelMatrix, DVector<f64>) {
    let mm = frame.design(formula, &DesignOptions::default()).unwrap();
    let Some(Response::Vector(y)) = mm.response() else {
        panic!("{formula} has a numeric response")
    };
    let y = y.clone();
    (mm, y)
}

/// A number of the JSON at a path of keys.
fn number(json: &Value, path: &[&str]) -> f64 {
    let mut v = json;
    for key in path {
        v = &v[*key];
    }
    v.as_f64().unwrap_or_else(|| panic!("a number at {path:?}"))
}

/// Checks every coefficient and standard error of `fit` against the JSON's, by column name;
/// returns the worst digits.
#[track_caller]
fn check_coefficients(fit: &GlmFit, mm: &ModelMatrix, json: &Value) -> f64 {
    let names = mm.design().names();
    let expected: Vec<&str> =
        json["design_columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mut ours: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut theirs = expected.clone();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "the formula gives R's design columns");
    let se = fit.std_errors();
    let mut worst = f64::INFINITY;
    for (j, name) in names.iter().enumerate() {
        let b = number(json, &["reference", "coefficients", name]);
        let s = number(json, &["reference", "std_errors", name]);
        assert_digits(&format!("coefficient {name}"), fit.coefficients()[j], b, COEFFICIENT_DIGITS);
        assert_digits(&format!("standard error {name}"), se[j], s, COEFFICIENT_DIGITS);
        worst = worst.min(lre(fit.coefficients()[j], b)).min(lre(se[j], s));
    }
    worst
}

#[test]
fn cancer_quasipoisson_through_its_formula_matches_the_reference() {
    let (frame, json) = case("cancer_quasipoisson");
    assert_eq!(json["family"], "quasipoisson");
    assert!(
        json["conventions"]["std_errors"].as_str().unwrap().contains("Pearson chi2 / df_residual"),
        "the reference scales by Pearson χ²/df, as Family::QuasiPoisson does"
    );
    let formula = json["formula"].as_str().unwrap();
    let (mm, y) = model(&frame, formula);
    assert!(mm.dropped().is_empty() && mm.offset().is_none());
    let data = Data::new(mm.design(), &y);
    let fit = glm::fit(&data, Family::QuasiPoisson, &Control::default()).unwrap();
    let worst = check_coefficients(&fit, &mm, &json);
    let phi = number(&json, &["reference", "dispersion"]);
    assert_digits("dispersion", fit.dispersion(), phi, COEFFICIENT_DIGITS);
    assert_digits(
        "deviance",
        fit.deviance(),
        number(&json, &["reference", "deviance"]),
        COEFFICIENT_DIGITS,
    );
    println!(
        "{formula} (quasi-Poisson): coefficients and standard errors ≥ {worst:.2} digits, dispersion {:.2}",
        lre(fit.dispersion(), phi)
    );

    // anova(reduced, full, test = "F") against the JSON's reduced formula.
    let anova = &json["anova"];
    assert_eq!(anova["test"], "F");
    let reduced = anova["reduced_formula"].as_str().unwrap();
    let (mm0, y0) = model(&frame, reduced);
    assert_eq!(y0, y, "the same rows and response");
    let data0 = Data::new(mm0.design(), &y0);
    let fit0 = glm::fit(&data0, Family::QuasiPoisson, &Control::default()).unwrap();
    let table = glm::anova(&fit0, &data0, &fit, &data).unwrap();
    assert_eq!(table.test(), Test::F);
    assert_eq!(
        u32::try_from(table.df()).map(f64::from).unwrap().to_bits(),
        number(anova, &["df"]).to_bits()
    );
    let checks = [
        (
            "deviance difference",
            table.deviance_difference(),
            number(anova, &["deviance_difference"]),
        ),
        ("F statistic", table.statistic(), number(anova, &["statistic"])),
        ("p-value", table.p_value(), number(anova, &["p_value"])),
    ];
    for (what, computed, expected) in checks {
        assert_digits(what, computed, expected, TEST_DIGITS);
        println!("anova against {reduced}: {what} {:.2} digits", lre(computed, expected));
    }
    // The reduced fit is the intercept-only model: its deviance is the full fit's null deviance.
    assert_digits(
        "null deviance",
        fit0.deviance(),
        number(&json, &["reference", "null_deviance"]),
        COEFFICIENT_DIGITS,
    );
}

#[test]
fn cancer_negbin_theta_through_its_formula_matches_the_reference() {
    let (frame, json) = case("cancer_negbin_theta");
    assert_eq!(json["family"], "negative_binomial_theta_estimated");
    assert_eq!(json["link"], "log");
    let formula = json["formula"].as_str().unwrap();
    let (mm, y) = model(&frame, formula);
    let nb =
        glm::fit_negative_binomial(&Data::new(mm.design(), &y), Link::Log, &Control::default())
            .unwrap();
    let worst = check_coefficients(nb.glm(), &mm, &json);
    let theta = number(&json, &["reference", "theta"]);
    let theta_se = number(&json, &["reference", "theta_std_error"]);
    assert_digits("θ", nb.theta(), theta, THETA_DIGITS);
    assert_digits("SE(θ)", nb.theta_std_error(), theta_se, THETA_DIGITS);
    assert_digits(
        "log-likelihood",
        nb.log_likelihood(),
        number(&json, &["reference", "log_likelihood"]),
        COEFFICIENT_DIGITS,
    );
    assert_digits(
        "deviance",
        nb.glm().deviance(),
        number(&json, &["reference", "deviance"]),
        COEFFICIENT_DIGITS,
    );
    let lr = nb.poisson_comparison();
    let reference = &json["reference"]["lr_test_vs_poisson"];
    assert_eq!(Some(lr.df), reference["df"].as_u64().and_then(|d| usize::try_from(d).ok()));
    let statistic = number(reference, &["statistic"]);
    let p = number(reference, &["p_value_boundary_halved"]);
    assert_digits("likelihood-ratio statistic", lr.statistic, statistic, TEST_DIGITS);
    assert_digits("likelihood-ratio p-value", lr.p_value, p, TEST_DIGITS);
    println!(
        "{formula} (negative binomial): coefficients and standard errors ≥ {worst:.2} digits, θ {:.2}, SE(θ) {:.2}, LR statistic {:.2}, p {:.2}",
        lre(nb.theta(), theta),
        lre(nb.theta_std_error(), theta_se),
        lre(lr.statistic, statistic),
        lre(lr.p_value, p)
    );
}

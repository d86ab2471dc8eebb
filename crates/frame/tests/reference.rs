//! The inference-reference cases (`tests/data/inference-reference/`, see its README): every
//! formula gives R's design column names; the least-squares cases reproduce the reference
//! coefficients and standard errors through `lsq::fit`; the GLM cases' designs and responses
//! equal the CSV columns they are made of.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use frame::{CsvOptions, DesignOptions, Frame, ModelMatrix, Response};
use serde_json::Value;

const CASES: [&str; 6] = [
    "grunfeld_factor_ols",
    "ccard_hc",
    "cancer_poisson",
    "cancer_quasipoisson",
    "cancer_negbin_theta",
    "star98_quasibinomial",
];

fn path(name: &str, ext: &str) -> String {
    format!("{}/tests/data/inference-reference/{name}.{ext}", env!("CARGO_MANIFEST_DIR"))
}

fn case(name: &str) -> (Frame, Value) {
    let frame = Frame::from_path(path(name, "csv"), &CsvOptions::default()).unwrap();
    let json = std::fs::read_to_string(path(name, "json")).unwrap();
    (frame, serde_json::from_str(&json).unwrap())
}

fn design(frame: &Frame, formula: &str) -> ModelMatrix {
    frame.design(formula, &DesignOptions::default()).unwrap()
}

/// Correct significant digits of `estimate` against `reference`, capped at 15.
fn lre(estimate: f64, reference: f64) -> f64 {
    let diff = (estimate - reference).abs();
    if diff == 0.0 {
        return 15.0;
    }
    (-(diff / reference.abs()).log10()).clamp(0.0, 15.0)
}

/// The CSV column `name` as numbers.
fn column(frame: &Frame, name: &str) -> Vec<f64> {
    match frame.column(name).unwrap() {
        frame::Column::Numeric(v) => v.iter().map(|x| x.unwrap()).collect(),
        other => panic!("{name} is not numeric: {other:?}"),
    }
}

#[test]
fn every_formula_gives_the_reference_design_columns() {
    for name in CASES {
        let (frame, json) = case(name);
        let mm = design(&frame, json["formula"].as_str().unwrap());
        let expected: Vec<&str> = json["design_columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let found: BTreeSet<&str> = mm.design().names().iter().map(String::as_str).collect();
        assert_eq!(mm.design().ncols(), expected.len(), "{name}");
        assert_eq!(found, expected.iter().copied().collect::<BTreeSet<_>>(), "{name}");
        assert_eq!(mm.design().intercept_column(), Some(0), "{name}");
        assert_eq!(mm.design().nrows(), frame.nrows(), "{name}: no row has a missing value");
        assert!(mm.dropped().is_empty());
        // The reduced model of the anova comparison has a subset of the columns.
        if let Some(reduced) = json["anova"]["reduced_formula"].as_str() {
            let small = design(&frame, reduced);
            assert!(small.design().names().iter().all(|n| found.contains(n.as_str())), "{name}");
            assert!(small.design().ncols() < mm.design().ncols(), "{name}");
        }
    }
}

#[test]
fn least_squares_cases_reproduce_coefficients_and_standard_errors() {
    for name in ["grunfeld_factor_ols", "ccard_hc"] {
        let (frame, json) = case(name);
        let mm = design(&frame, json["formula"].as_str().unwrap());
        let Some(Response::Vector(y)) = mm.response() else { panic!("{name}: response") };
        let fit = lsq::fit(mm.design(), y, &lsq::FitOptions::default()).unwrap();
        let reference = &json["reference"];
        let mut worst = f64::INFINITY;
        for (j, column) in mm.design().names().iter().enumerate() {
            let b = reference["coefficients"][column].as_f64().unwrap();
            let se = reference["std_errors"][column].as_f64().unwrap();
            worst = worst.min(lre(fit.coefficients()[j], b)).min(lre(fit.std_errors()[j], se));
        }
        worst = worst
            .min(lre(fit.sigma().unwrap(), reference["sigma"].as_f64().unwrap()))
            .min(lre(fit.r_squared().unwrap(), reference["r_squared"].as_f64().unwrap()))
            .min(lre(fit.f_statistic().unwrap(), reference["f_statistic"].as_f64().unwrap()));
        assert!(worst >= 8.0, "{name}: {worst:.2} correct digits");
        #[expect(clippy::cast_precision_loss, reason = "a small count")]
        let df = fit.df_residual() as f64;
        assert_eq!(df.to_bits(), reference["df_residual"].as_f64().unwrap().to_bits(), "{name}");
    }
}

#[test]
fn glm_designs_are_the_csv_columns_and_their_logs() {
    for name in ["cancer_poisson", "cancer_quasipoisson", "cancer_negbin_theta"] {
        let (frame, json) = case(name);
        let mm = design(&frame, json["formula"].as_str().unwrap());
        let x = mm.design().matrix();
        let j = mm.design().names().iter().position(|n| n == "log(population)").unwrap();
        let population = column(&frame, "population");
        for (i, p) in population.iter().enumerate() {
            assert_eq!(x[(i, j)].to_bits(), p.ln().to_bits(), "{name} row {i}");
            assert_eq!(x[(i, 0)].to_bits(), 1f64.to_bits());
        }
        let Some(Response::Vector(y)) = mm.response() else { panic!("{name}: response") };
        assert_eq!(y.as_slice(), column(&frame, "cancer").as_slice());
        assert_eq!(mm.response_name(), Some("cancer"));
    }

    let (frame, json) = case("star98_quasibinomial");
    let mm = design(&frame, json["formula"].as_str().unwrap());
    let Some(Response::Binomial { successes, failures }) = mm.response() else {
        panic!("cbind response")
    };
    assert_eq!(successes.as_slice(), column(&frame, "NABOVE").as_slice());
    assert_eq!(failures.as_slice(), column(&frame, "NBELOW").as_slice());
    assert_eq!(mm.response_name(), Some("cbind(NABOVE, NBELOW)"));
    for (j, name) in mm.design().names().iter().enumerate().skip(1) {
        assert_eq!(mm.design().matrix().column(j).as_slice(), column(&frame, name).as_slice());
    }
}

#[test]
fn grunfeld_levels_are_sorted_with_the_first_as_reference() {
    let (frame, _) = case("grunfeld_factor_ols");
    let levels = frame.levels("firm").unwrap();
    assert_eq!(levels.len(), 11);
    assert_eq!(levels[0], "American Steel");
    let mm = design(&frame, "invest ~ value + capital + firm");
    assert!(!mm.design().names().iter().any(|n| n == "firmAmerican Steel"));
    // R's column order: intercept, value, capital, then the factor's levels in order.
    assert_eq!(
        mm.design().names()[..4],
        ["(Intercept)", "value", "capital", "firmAtlantic Refining"]
    );
    assert_eq!(mm.term_labels(), ["value", "capital", "firm"]);
    assert_eq!(mm.assign()[..4], [0, 1, 2, 3]);

    // relevel: General Motors becomes the reference; the fit is the same model, so the
    // fitted values agree and the new intercept is the old one plus GM's old effect.
    let frame = frame.with_reference("firm", "General Motors").unwrap();
    let relevelled = design(&frame, "invest ~ value + capital + firm");
    assert!(relevelled.design().names().iter().any(|n| n == "firmAmerican Steel"));
    assert!(!relevelled.design().names().iter().any(|n| n == "firmGeneral Motors"));
    let Some(Response::Vector(y)) = mm.response() else { panic!() };
    let options = lsq::FitOptions::default();
    let before = lsq::fit(mm.design(), y, &options).unwrap();
    let after = lsq::fit(relevelled.design(), y, &options).unwrap();
    let gm = mm.design().names().iter().position(|n| n == "firmGeneral Motors").unwrap();
    let shifted = before.coefficients()[0] + before.coefficients()[gm];
    assert!(lre(after.coefficients()[0], shifted) > 10.0);
    assert!((before.fitted_values() - after.fitted_values()).amax() < 1e-9 * y.amax());
}

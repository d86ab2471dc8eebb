//! The quasi-family and negative-binomial cases of the shared `inference-reference` data
//! (`crates/frame/tests/data/inference-reference/`, copied verbatim; see its README for
//! sources and licences): the raw CSV columns and the JSON reference values, embedded at
//! compile time, and designs built by hand from them.

#![allow(dead_code, reason = "each test file uses a different subset")]

use glm::nalgebra::{DMatrix, DVector};
use glm::{Design, GlmFit};
use serde_json::Value;

/// The CSV and JSON of one case.
fn files(name: &str) -> (&'static str, &'static str) {
    macro_rules! case {
        ($file:literal) => {
            (
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../frame/tests/data/inference-reference/",
                    $file,
                    ".csv"
                )),
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../frame/tests/data/inference-reference/",
                    $file,
                    ".json"
                )),
            )
        };
    }
    match name {
        "cancer_quasipoisson" => case!("cancer_quasipoisson"),
        "cancer_negbin_theta" => case!("cancer_negbin_theta"),
        "cancer_poisson" => case!("cancer_poisson"),
        "star98_quasibinomial" => case!("star98_quasibinomial"),
        other => panic!("no inference-reference case {other}"),
    }
}

/// A case's columns by name and its JSON.
pub struct Case {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
    pub json: Value,
}

impl Case {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> DVector<f64> {
        let j = self.header.iter().position(|h| h == name).expect("column in the CSV");
        DVector::from_iterator(self.rows.len(), self.rows.iter().map(|r| r[j]))
    }

    /// A reference value under `reference`, by a path of keys.
    pub fn reference(&self, path: &[&str]) -> f64 {
        let mut v = &self.json["reference"];
        for key in path {
            v = &v[*key];
        }
        v.as_f64().unwrap_or_else(|| panic!("reference value at {path:?}"))
    }

    /// The reference coefficients and standard errors in the order of `names`.
    pub fn coefficient_table(&self, names: &[&str]) -> (Vec<f64>, Vec<f64>) {
        let pick = |key: &str| names.iter().map(|n| self.reference(&[key, n])).collect();
        (pick("coefficients"), pick("std_errors"))
    }
}

/// Loads a case; the CSV is numeric with one header line.
pub fn load(name: &str) -> Case {
    let (csv, json) = files(name);
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().expect("header").split(',').map(str::to_owned).collect();
    let rows = lines
        .map(|l| l.split(',').map(|v| v.trim().parse::<f64>().expect("numeric cell")).collect())
        .collect();
    Case { header, rows, json: serde_json::from_str(json).expect("valid JSON") }
}

/// `cancer ~ log(population)`: the design `[1, ln(population)]` with R's names, and the counts.
pub fn cancer(case: &Case) -> (Design, DVector<f64>) {
    let population = case.column("population");
    let x = DMatrix::from_fn(population.len(), 1, |i, _| population[i].ln());
    let design =
        Design::with_intercept(&x).unwrap().with_names(["(Intercept)", "log(population)"]).unwrap();
    (design, case.column("cancer"))
}

/// The covariates of `cbind(NABOVE, NBELOW) ~ LOWINC + PERASIAN + PERBLACK + PERHISP + PERMINTE`.
pub const STAR98_COLUMNS: [&str; 6] =
    ["(Intercept)", "LOWINC", "PERASIAN", "PERBLACK", "PERHISP", "PERMINTE"];

/// star98's design with R's names, the successes and the trials.
pub fn star98(case: &Case) -> (Design, DVector<f64>, DVector<f64>) {
    let columns: Vec<DVector<f64>> = STAR98_COLUMNS[1..].iter().map(|c| case.column(c)).collect();
    let x = DMatrix::from_fn(columns[0].len(), columns.len(), |i, j| columns[j][i]);
    let design = Design::with_intercept(&x).unwrap().with_names(STAR98_COLUMNS).unwrap();
    let (successes, trials) =
        glm::successes_failures(&case.column("NABOVE"), &case.column("NBELOW")).unwrap();
    (design, successes, trials)
}

/// Correct significant digits (log relative error) of `computed` against `expected`.
pub fn lre(computed: f64, expected: f64) -> f64 {
    let err = (computed - expected).abs() / expected.abs();
    if err == 0.0 { 17.0 } else { -err.log10() }
}

/// Asserts at least `digits` correct digits, naming the quantity.
#[track_caller]
pub fn assert_digits(what: &str, computed: f64, expected: f64, digits: f64) {
    let got = lre(computed, expected);
    assert!(got >= digits, "{what}: {computed:e} against {expected:e}, {got:.2} digits < {digits}");
}

/// Checks a fit's coefficients and standard errors against the case's, to `digits`.
#[track_caller]
pub fn assert_coefficients(fit: &GlmFit, case: &Case, names: &[&str], digits: f64) {
    let (coefficients, std_errors) = case.coefficient_table(names);
    let se = fit.std_errors();
    for (j, name) in names.iter().enumerate() {
        assert_digits(
            &format!("coefficient {name}"),
            fit.coefficients()[j],
            coefficients[j],
            digits,
        );
        assert_digits(&format!("standard error {name}"), se[j], std_errors[j], digits);
    }
}

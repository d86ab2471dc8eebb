//! The GLM reference cases of `tests/data/glm-reference/` (data and statsmodels/R results).
//!
//! The files are embedded with `include_str!` relative to this file, so the module works from a
//! plain clone and can be shared with `#[path]` by `xtask` (reports) and `benches`.

#![allow(dead_code, reason = "each including crate uses a different subset")]

use glm::nalgebra::{DMatrix, DVector};
use glm::{Data, Design, Family, Link, Model};
use serde_json::Value;

/// One reference case: the model, the data, and the reference results.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name, e.g. `dobson_poisson`.
    pub name: &'static str,
    /// The family.
    pub family: Family,
    /// The link.
    pub link: Link,
    /// The design with an intercept column named `const`, as in the JSON.
    pub design: Design,
    /// The response (successes for `successes_failures` cases).
    pub y: DVector<f64>,
    /// Binomial trials for `successes_failures` cases.
    pub trials: Option<DVector<f64>>,
    /// The reference results.
    pub reference: Reference,
}

/// The reference numbers of one case.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Coefficients in design order (intercept first).
    pub coefficients: Vec<f64>,
    /// Standard errors in design order.
    pub std_errors: Vec<f64>,
    /// Residual deviance.
    pub deviance: f64,
    /// Null deviance.
    pub null_deviance: f64,
    /// Pearson χ².
    pub pearson_chi2: f64,
    /// Dispersion used for the standard errors.
    pub scale: f64,
    /// Residual degrees of freedom.
    pub df_residual: f64,
    /// Log-likelihood, where defined.
    pub log_likelihood: Option<f64>,
    /// AIC (R's convention; `aic_r_convention` for Gamma), where given.
    pub aic: Option<f64>,
}

/// The five cases.
pub const NAMES: [&str; 5] =
    ["dobson_poisson", "spector_logit", "spector_probit", "scotland_gamma", "star98_binomial"];

fn files(name: &str) -> (&'static str, &'static str) {
    match name {
        "dobson_poisson" => (
            include_str!("../data/glm-reference/dobson_poisson.csv"),
            include_str!("../data/glm-reference/dobson_poisson.json"),
        ),
        "spector_logit" => (
            include_str!("../data/glm-reference/spector_logit.csv"),
            include_str!("../data/glm-reference/spector_logit.json"),
        ),
        "spector_probit" => (
            include_str!("../data/glm-reference/spector_probit.csv"),
            include_str!("../data/glm-reference/spector_probit.json"),
        ),
        "scotland_gamma" => (
            include_str!("../data/glm-reference/scotland_gamma.csv"),
            include_str!("../data/glm-reference/scotland_gamma.json"),
        ),
        "star98_binomial" => (
            include_str!("../data/glm-reference/star98_binomial.csv"),
            include_str!("../data/glm-reference/star98_binomial.json"),
        ),
        _ => panic!("unknown reference case {name}"),
    }
}

/// Loads one case by name.
pub fn load(name: &'static str) -> Case {
    let (csv, json) = files(name);
    let meta: Value = serde_json::from_str(json).expect("reference JSON parses");
    let predictors: Vec<String> = meta["predictors"]
        .as_array()
        .expect("predictors is an array")
        .iter()
        .map(|v| v.as_str().expect("predictor names are strings").to_owned())
        .collect();
    let pair = meta["response_kind"] == "successes_failures";
    let responses = if pair { 2 } else { 1 };
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|t| t.trim().parse().expect("numbers in the CSV")).collect())
        .collect();
    let m = rows.len();
    let p = predictors.len();
    assert!(rows.iter().all(|r| r.len() == responses + p), "{name}: ragged CSV");
    let columns = DMatrix::from_fn(m, p, |i, j| rows[i][responses + j]);
    let names = std::iter::once("const".to_owned()).chain(predictors.iter().cloned());
    let design = Design::with_intercept(&columns)
        .expect("finite design")
        .with_names(names)
        .expect("one name per column");
    let y = DVector::from_fn(m, |i, _| rows[i][0]);
    let trials = pair.then(|| DVector::from_fn(m, |i, _| rows[i][0] + rows[i][1]));
    let family = match meta["family"].as_str() {
        Some("poisson") => Family::Poisson,
        Some("binomial") if pair => Family::Binomial,
        Some("binomial") => Family::Bernoulli,
        Some("gamma") => Family::Gamma,
        other => panic!("{name}: unexpected family {other:?}"),
    };
    let link = match meta["link"].as_str() {
        Some("log") => Link::Log,
        Some("logit") => Link::Logit,
        Some("probit") => Link::Probit,
        Some("inverse" | "inverse_power") => Link::Inverse,
        other => panic!("{name}: unexpected link {other:?}"),
    };
    let r = &meta["reference"];
    let keyed = |key: &str| -> Vec<f64> {
        std::iter::once("const")
            .chain(predictors.iter().map(String::as_str))
            .map(|k| r[key][k].as_f64().expect("a number per coefficient"))
            .collect()
    };
    let number = |key: &str| r[key].as_f64().unwrap_or_else(|| panic!("{name}: {key}"));
    let reference = Reference {
        coefficients: keyed("coefficients"),
        std_errors: keyed("std_errors"),
        deviance: number("deviance"),
        null_deviance: number("null_deviance"),
        pearson_chi2: number("pearson_chi2"),
        scale: number("scale"),
        df_residual: number("df_residual"),
        log_likelihood: r["log_likelihood"].as_f64(),
        aic: r["aic"].as_f64().or_else(|| r["aic_r_convention"].as_f64()),
    };
    Case { name, family, link, design, y, trials, reference }
}

impl Case {
    /// The model of the case: its family with its link.
    pub fn model(&self) -> Model {
        self.family.with_link(self.link)
    }

    /// The data of the case: design, response, and trials if any.
    pub fn data(&self) -> Data<'_> {
        let data = Data::new(&self.design, &self.y);
        match &self.trials {
            Some(n) => data.trials(n),
            None => data,
        }
    }
}

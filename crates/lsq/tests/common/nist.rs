//! NIST StRD linear-regression datasets with their certified values, and the LRE metric.
//!
//! The data files are embedded with `include_str!` relative to this file, so the module works
//! from a plain clone and can be shared: `xtask` (the reports) and `benches` (the stability
//! bench) include this same file with `#[path]`, so there is one loader, not three.

#![allow(dead_code, reason = "each including crate uses a different subset")]

use linalg_core::DoubleDouble;
use lsq::Design;
use nalgebra::{DMatrix, DVector};

/// One certified number: NIST's exact digit string and how many significant digits it prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Certified {
    /// The digits as NIST printed them, e.g. `-0.402962525080404E-04`.
    pub text: String,
    /// Significant digits printed (for a certified zero, the printed fraction digits).
    pub digits: u32,
}

impl Certified {
    /// The certified value rounded to `f64`.
    pub fn value(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }
}

/// One NIST dataset: the design, the response and the certified results.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// NIST's name, e.g. `Filip`.
    pub name: &'static str,
    /// NIST's difficulty label: `lower`, `average` or `higher`.
    pub difficulty: String,
    /// The design, built as NIST specifies (polynomial designs through `Design::polynomial`).
    pub design: Design,
    /// The response.
    pub y: DVector<f64>,
    /// Certified coefficients B0, B1, …
    pub coefficients: Vec<Certified>,
    /// Certified standard deviations of the coefficients.
    pub std_errors: Vec<Certified>,
    /// Certified residual standard deviation.
    pub residual_sd: Certified,
    /// Certified R² (uncentred for the no-intercept sets).
    pub r_squared: Certified,
}

/// The eleven datasets in NIST's order of difficulty.
pub const NAMES: [&str; 11] = [
    "Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley", "Wampler1", "Wampler2",
    "Wampler3", "Wampler4", "Wampler5",
];

fn files(name: &str) -> (&'static str, &'static str) {
    match name {
        "Norris" => (
            include_str!("../data/nist-strd/Norris.csv"),
            include_str!("../data/nist-strd/Norris.json"),
        ),
        "Pontius" => (
            include_str!("../data/nist-strd/Pontius.csv"),
            include_str!("../data/nist-strd/Pontius.json"),
        ),
        "NoInt1" => (
            include_str!("../data/nist-strd/NoInt1.csv"),
            include_str!("../data/nist-strd/NoInt1.json"),
        ),
        "NoInt2" => (
            include_str!("../data/nist-strd/NoInt2.csv"),
            include_str!("../data/nist-strd/NoInt2.json"),
        ),
        "Filip" => (
            include_str!("../data/nist-strd/Filip.csv"),
            include_str!("../data/nist-strd/Filip.json"),
        ),
        "Longley" => (
            include_str!("../data/nist-strd/Longley.csv"),
            include_str!("../data/nist-strd/Longley.json"),
        ),
        "Wampler1" => (
            include_str!("../data/nist-strd/Wampler1.csv"),
            include_str!("../data/nist-strd/Wampler1.json"),
        ),
        "Wampler2" => (
            include_str!("../data/nist-strd/Wampler2.csv"),
            include_str!("../data/nist-strd/Wampler2.json"),
        ),
        "Wampler3" => (
            include_str!("../data/nist-strd/Wampler3.csv"),
            include_str!("../data/nist-strd/Wampler3.json"),
        ),
        "Wampler4" => (
            include_str!("../data/nist-strd/Wampler4.csv"),
            include_str!("../data/nist-strd/Wampler4.json"),
        ),
        "Wampler5" => (
            include_str!("../data/nist-strd/Wampler5.csv"),
            include_str!("../data/nist-strd/Wampler5.json"),
        ),
        other => panic!("no NIST dataset named {other}"),
    }
}

/// Loads every dataset.
pub fn all() -> Vec<Dataset> {
    NAMES.iter().map(|name| load(name)).collect()
}

/// Loads one dataset by NIST's name.
///
/// # Panics
/// On an unknown name or a malformed embedded file (a broken checkout, not a runtime condition).
pub fn load(name: &'static str) -> Dataset {
    let (csv, json) = files(name);
    let meta: serde_json::Value = serde_json::from_str(json).expect("embedded NIST JSON parses");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("CSV header").split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().expect("numeric CSV cell")).collect())
        .collect();
    let column = |label: &str| -> DVector<f64> {
        let j = header.iter().position(|h| *h == label).expect("CSV column named in the JSON");
        DVector::from_iterator(rows.len(), rows.iter().map(|r| r[j]))
    };
    let y = column("y");
    let model = &meta["model"];
    let design = if model["kind"] == "polynomial" {
        let degree =
            usize::try_from(model["degree"].as_u64().expect("degree")).expect("small degree");
        Design::polynomial(&column(model["x_column"].as_str().expect("x column")), degree)
            .expect("finite data")
    } else {
        let names: Vec<&str> = model["x_columns"]
            .as_array()
            .expect("x columns")
            .iter()
            .map(|v| v.as_str().expect("name"))
            .collect();
        let x = DMatrix::from_columns(&names.iter().map(|n| column(n)).collect::<Vec<_>>());
        if model["intercept"].as_bool().expect("intercept flag") {
            let mut labels = vec!["(Intercept)"];
            labels.extend(&names);
            Design::with_intercept(&x).and_then(|d| d.with_names(labels)).expect("finite data")
        } else {
            Design::new(x).and_then(|d| d.with_names(names)).expect("finite data")
        }
    };
    let certified = &meta["certified"];
    let value = |v: &serde_json::Value| Certified {
        text: v["str"].as_str().expect("certified string").to_owned(),
        digits: u32::try_from(v["digits"].as_u64().expect("digits")).expect("few digits"),
    };
    let parameters = certified["parameters"].as_array().expect("parameters");
    Dataset {
        name,
        difficulty: meta["difficulty"].as_str().expect("difficulty").to_owned(),
        design,
        y,
        coefficients: parameters.iter().map(|p| value(&p["estimate"])).collect(),
        std_errors: parameters.iter().map(|p| value(&p["std_dev"])).collect(),
        residual_sd: value(&certified["residual_std_dev"]),
        r_squared: value(&certified["r_squared"]),
    }
}

/// Log relative error: the number of correct significant digits of `estimate`.
///
/// `−log₁₀(|est − cert|/|cert|)`, or `−log₁₀|est − cert|` for a certified zero, computed in
/// double-double from NIST's exact digit string; capped at the certified digits (also when the
/// two agree exactly) and floored at 0 (McCullough's convention). A non-finite estimate scores 0.
///
/// # Panics
/// If the certified string is not a decimal number (a broken checkout).
pub fn lre(estimate: f64, certified: &Certified) -> f64 {
    if !estimate.is_finite() {
        return 0.0;
    }
    let cap = f64::from(certified.digits);
    let cert: DoubleDouble = certified.text.parse().expect("NIST digit string");
    let diff = (DoubleDouble::from(estimate) - cert).abs().to_f64();
    if diff == 0.0 {
        return cap;
    }
    let scale = cert.abs().to_f64();
    let relative = if scale == 0.0 { diff } else { diff / scale };
    (-relative.log10()).clamp(0.0, cap)
}

/// The smallest LRE over a list of estimates against their certified values.
pub fn min_lre(estimates: &[f64], certified: &[Certified]) -> f64 {
    estimates.iter().zip(certified).map(|(e, c)| lre(*e, c)).fold(f64::INFINITY, f64::min)
}

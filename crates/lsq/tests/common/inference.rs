//! The inference reference cases (`crates/frame/tests/data/inference-reference/`): a tiny
//! reader for their plain CSV files (no quoting, no missing values), hand-built designs in R's
//! column naming, and the LRE metric. `glm`'s tests include this same file with `#[path]`.

#![allow(dead_code, reason = "each including test uses a different subset")]

use std::path::PathBuf;

use lsq::{Design, INTERCEPT_NAME};
use nalgebra::{DMatrix, DVector};

/// One case: the CSV's columns by header and the JSON with the reference values.
pub struct Case {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The parsed JSON file.
    pub json: serde_json::Value,
}

/// The reference directory, shared with the formula crate's tests.
fn directory() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frame/tests/data/inference-reference")
}

impl Case {
    /// Reads `<name>.csv` and `<name>.json`.
    pub fn load(name: &str) -> Self {
        let dir = directory();
        let csv = std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap();
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap().split(',').map(str::to_owned).collect::<Vec<_>>();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
            .inspect(|r| assert_eq!(r.len(), header.len(), "ragged row in {name}.csv"))
            .collect();
        let json = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        Self { header, rows, json: serde_json::from_str(&json).unwrap() }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    fn index(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    /// A numeric column.
    pub fn numeric(&self, name: &str) -> Vec<f64> {
        let j = self.index(name);
        self.rows.iter().map(|r| r[j].parse::<f64>().unwrap()).collect()
    }

    /// Treatment-coded dummies of a text column: levels sorted by bytes (R's C-locale order),
    /// the first the reference, each named `<name><level>`.
    pub fn dummies(&self, name: &str) -> Vec<(String, Vec<f64>)> {
        let j = self.index(name);
        let mut levels: Vec<&str> = self.rows.iter().map(|r| r[j].as_str()).collect();
        levels.sort_unstable();
        levels.dedup();
        levels[1..]
            .iter()
            .map(|level| {
                let column =
                    self.rows.iter().map(|r| f64::from(u8::from(r[j] == *level))).collect();
                (format!("{name}{level}"), column)
            })
            .collect()
    }

    /// A reference number by JSON path, e.g. `&["reference", "sigma"]`.
    pub fn value(&self, path: &[&str]) -> f64 {
        let mut v = &self.json;
        for key in path {
            v = &v[*key];
        }
        v.as_f64().unwrap_or_else(|| panic!("no number at {path:?}"))
    }
}

/// A design with an intercept followed by the named columns.
pub fn design(columns: &[(String, Vec<f64>)]) -> Design {
    let m = columns[0].1.len();
    let x = DMatrix::from_fn(m, columns.len(), |i, j| columns[j].1[i]);
    let names =
        std::iter::once(INTERCEPT_NAME.to_owned()).chain(columns.iter().map(|c| c.0.clone()));
    Design::with_intercept(&x).unwrap().with_names(names).unwrap()
}

/// The intercept-only design with `m` rows.
pub fn intercept_only(m: usize) -> Design {
    Design::new(DMatrix::from_element(m, 1, 1.0))
        .unwrap()
        .with_intercept_column(0)
        .unwrap()
        .with_names([INTERCEPT_NAME])
        .unwrap()
}

/// Named numeric column.
pub fn named(name: &str, values: Vec<f64>) -> (String, Vec<f64>) {
    (name.to_owned(), values)
}

/// Log relative error: the number of correct significant digits of `got` against `expected`
/// (capped at 16; against an expected 0, `−log₁₀|got|`).
#[expect(clippy::float_cmp, reason = "an exact match has every digit")]
pub fn lre(got: f64, expected: f64) -> f64 {
    if got == expected {
        return 16.0;
    }
    let error = if expected == 0.0 { got.abs() } else { ((got - expected) / expected).abs() };
    (-error.log10()).min(16.0)
}

/// Checks every named entry of a JSON object of numbers (by design column name) against
/// `got`, to at least `digits`; returns the least LRE seen.
#[track_caller]
pub fn check_named(
    what: &str,
    names: &[String],
    got: &DVector<f64>,
    expected: &serde_json::Value,
    digits: f64,
) -> f64 {
    let expected = expected.as_object().unwrap_or_else(|| panic!("{what}: not an object"));
    assert_eq!(expected.len(), names.len(), "{what}: column count");
    let mut least = f64::INFINITY;
    for (name, value) in expected {
        let j = names.iter().position(|n| n == name).unwrap_or_else(|| panic!("{what}: {name}"));
        let digits_here = lre(got[j], value.as_f64().unwrap());
        assert!(
            digits_here >= digits,
            "{what} `{name}`: {} vs {value}, LRE {digits_here:.1}",
            got[j]
        );
        least = least.min(digits_here);
    }
    least
}

/// Checks a statistic to at least `digits`; returns its LRE.
#[track_caller]
pub fn check_value(what: &str, got: f64, expected: f64, digits: f64) -> f64 {
    let d = lre(got, expected);
    assert!(d >= digits, "{what}: {got} vs {expected}, LRE {d:.1}");
    d
}

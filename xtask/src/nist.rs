//! The NIST StRD accuracy table: LRE of every method on all eleven datasets.
//!
//! The datasets and the LRE metric come from `crates/lsq/tests/common/nist.rs`, included here
//! by path, so the report, the bench and `lsq`'s own tests share one loader.

use lsq::{FitOptions, Method};

#[expect(
    clippy::expect_used,
    reason = "the embedded reference files are fixed at compile time; a malformed one is a broken checkout"
)]
#[path = "../../crates/lsq/tests/common/nist.rs"]
pub mod data;

/// One dataset fitted by one method.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// NIST's dataset name.
    pub dataset: &'static str,
    /// NIST's difficulty label.
    pub difficulty: String,
    /// The method.
    pub method: Method,
    /// The outcome.
    pub outcome: Outcome,
}

/// What a method made of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A fit, scored against the certified values.
    Fit {
        /// Smallest LRE over the coefficients.
        coefficients: f64,
        /// Smallest LRE over the standard errors.
        std_errors: f64,
        /// LRE of the residual standard deviation.
        sigma: f64,
        /// LRE of R².
        r_squared: f64,
        /// The diagnostics' estimate of correct digits (guaranteed end).
        guaranteed: f64,
        /// The diagnostics' estimate of correct digits (typical end).
        typical: f64,
    },
    /// The method refused with a typed error.
    Refused(String),
}

/// Fits every dataset with every method.
pub fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for d in data::all() {
        for method in Method::ALL {
            let outcome = match lsq::fit(&d.design, &d.y, &FitOptions::default().method(method)) {
                Ok(fit) => match (fit.sigma(), fit.r_squared()) {
                    (Ok(sigma), Ok(r_squared)) => {
                        let c: Vec<f64> = fit.coefficients().iter().copied().collect();
                        let s: Vec<f64> = fit.std_errors().iter().copied().collect();
                        let digits = fit.diagnostics().digits;
                        Outcome::Fit {
                            coefficients: data::min_lre(&c, &d.coefficients),
                            std_errors: data::min_lre(&s, &d.std_errors),
                            sigma: data::lre(sigma, &d.residual_sd),
                            r_squared: data::lre(r_squared, &d.r_squared),
                            guaranteed: digits.guaranteed,
                            typical: digits.typical,
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => Outcome::Refused(e.to_string()),
                },
                Err(e) => Outcome::Refused(refusal(&e)),
            };
            rows.push(Row { dataset: d.name, difficulty: d.difficulty.clone(), method, outcome });
        }
    }
    rows
}

/// A short name for why a method refused.
fn refusal(e: &lsq::Error) -> String {
    match e {
        lsq::Error::SingularNormalMatrix { .. } => {
            "refused: XᵀX singular to working precision".to_owned()
        }
        lsq::Error::NormalMatrixBreakdown { .. } => "refused: XᵀX not positive definite".to_owned(),
        lsq::Error::IllConditionedNormalMatrix { .. } => "refused: κ(XᵀX) beyond 1/ε".to_owned(),
        lsq::Error::RankDeficient { .. } => "refused: rank deficient".to_owned(),
        other => format!("error: {other}"),
    }
}

/// A plain-text table of coefficient and standard-error LREs (rows: datasets; columns:
/// methods), as the `stability` bench prints it.
pub fn text_table(rows: &[Row]) -> String {
    let mut cells = vec![
        std::iter::once("dataset".to_owned())
            .chain(Method::ALL.iter().map(|m| m.name().to_owned()))
            .collect::<Vec<_>>(),
    ];
    for name in data::NAMES {
        let mut line = vec![name.to_owned()];
        for method in Method::ALL {
            let cell = rows.iter().find(|r| r.dataset == name && r.method == method).map_or_else(
                String::new,
                |r| match &r.outcome {
                    Outcome::Fit { coefficients, std_errors, .. } => {
                        format!("{coefficients:.1} / {std_errors:.1}")
                    }
                    Outcome::Refused(_) => "refused".to_owned(),
                },
            );
            line.push(cell);
        }
        cells.push(line);
    }
    lsq::format::table(&cells)
}

//! A section of `reports/glm.md`: the page's IRLS fits under R's deviance rule and under the
//! `glm` crate's default coefficient rule, iterations and correct digits side by side.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use glm::{Control, Criterion, Data, GlmFit, Model};
use nalgebra::DVector;

use crate::markdown::{sig, table};

/// The tolerance of the polished optimum the digits are counted against: a hundred times
/// tighter than the rounding any coefficient here can reach is not possible, so this is the
/// coefficient rule at 10⁻¹³, past which the iterates only move by rounding.
const POLISHED: f64 = 1e-13;

/// Digits above this are printed as "≥ 12": beyond it the count measures the rounding of the
/// polished optimum itself, which may differ in the last bits between machines.
const SHOWN_DIGITS: f64 = 12.0;

/// One fit of the page: its label, data and model.
pub struct Case<'a> {
    /// What the table calls it.
    pub label: String,
    /// The data.
    pub data: Data<'a>,
    /// Family and link.
    pub model: Model,
}

/// Correct significant digits of the worst coefficient of `coefficients` against `optimum`.
fn lre(coefficients: &DVector<f64>, optimum: &DVector<f64>) -> f64 {
    (0..optimum.len())
        .map(|j| {
            let err = (coefficients[j] - optimum[j]).abs() / optimum[j].abs();
            if err == 0.0 { f64::INFINITY } else { -err.log10() }
        })
        .fold(f64::INFINITY, f64::min)
}

/// "11.3" or "≥ 12".
fn shown(digits: f64) -> String {
    if digits >= SHOWN_DIGITS { format!("≥ {SHOWN_DIGITS}") } else { format!("{digits:.1}") }
}

/// "at least 4.5" or "12 or more".
fn at_least(digits: f64) -> String {
    if digits >= SHOWN_DIGITS {
        format!("{SHOWN_DIGITS} or more")
    } else {
        format!("at least {digits:.1}")
    }
}

/// Appends the section comparing the two stopping rules on `cases`.
///
/// # Errors
/// If a fit fails, which would be a bug: every case is fitted elsewhere on the page.
pub fn rules_section(out: &mut String, cases: &[Case<'_>]) -> Result<()> {
    let r_rule = Control::default().criterion(Criterion::Deviance);
    let polished = Control::default().tolerance(POLISHED);
    let mut rows = Vec::new();
    let mut extra_canonical = 0_usize;
    let mut least_default = f64::INFINITY;
    let mut least_r = f64::INFINITY;
    for case in cases {
        let fit = |control: &Control| -> Result<GlmFit> {
            glm::fit(&case.data, case.model, control).with_context(|| case.label.clone())
        };
        let (r, default, optimum) = (fit(&r_rule)?, fit(&Control::default())?, fit(&polished)?);
        let r_digits = lre(r.coefficients(), optimum.coefficients());
        let default_digits = lre(default.coefficients(), optimum.coefficients());
        least_r = least_r.min(r_digits);
        least_default = least_default.min(default_digits);
        let (ri, di) = (r.convergence().iterations(), default.convergence().iterations());
        if case.model.family().canonical_link() == Some(case.model.link()) {
            extra_canonical = extra_canonical.max(di.saturating_sub(ri));
        }
        rows.push(vec![
            case.label.clone(),
            ri.to_string(),
            shown(r_digits),
            shown(r.digits()),
            di.to_string(),
            default.newton_steps().to_string(),
            shown(default_digits),
            shown(default.digits()),
        ]);
    }
    let _ = write!(
        out,
        "\n## Stopping rules: R's against the default\n\n\
         The fits above stop by R's rule, a relative change of the deviance below {tol}. The deviance is flat at the optimum, so that rule certifies \
         only about the square root of its tolerance in the coefficients. The `glm` crate's default, `Criterion::Coefficients`, stops when the last step \
         is below {tol} of every coefficient's size plus its standard error, and finishes non-canonical links by Newton steps on the observed information. \
         Digits are the worst coefficient's correct significant digits against the same fit polished to a coefficient tolerance of {polished}; \
         \"estimated\" is `GlmFit::digits`, the fit's own claim, which must not exceed the measured digits.\n\n",
        tol = sig(glm::IRLS_TOLERANCE, 1),
        polished = sig(POLISHED, 1),
    );
    out.push_str(&table(
        &[
            "fit",
            "R's rule: iterations",
            "digits",
            "estimated",
            "default: iterations",
            "Newton steps",
            "digits",
            "estimated",
        ],
        &rows,
    ));
    let _ = writeln!(
        out,
        "\nOn the canonical links the default costs at most {extra_canonical} iteration{} more than R's rule. \
         R's rule leaves {} correct digits in every coefficient here, the default {}.",
        if extra_canonical == 1 { "" } else { "s" },
        at_least(least_r),
        at_least(least_default),
    );
    Ok(())
}

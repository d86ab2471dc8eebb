//! `reports/stability.md`: forward error against κ, and the NIST StRD accuracy table.

use std::fmt::Write as _;

use anyhow::Result;
use lsq::Method;

use crate::markdown::{sig, table};
use crate::nist::{self, Outcome};
use crate::plot::{Figure, Series, Style};
use crate::stability::{self, Config, METHODS};
use crate::{Headline, Page, header};

/// Renders the page and its figure.
///
/// # Errors
/// If the study cannot run or the figure cannot be drawn.
pub fn render() -> Result<(Vec<Page>, Headline)> {
    let config = Config::default();
    let study = stability::run(&config)?;
    let mut out = header(
        "Stability: κ(X) against κ(X)²",
        &format!("{} + 1000·k + i for problem i at the k-th κ", config.seed),
    );
    let _ = write!(
        out,
        "\n## Forward error against κ\n\n\
         For κ = 10⁰, 10², …, 10¹⁶, {problems} problems of {m}×{n} from `sim::known_answer`: `A = UΣVᵀ` with random orthogonal factors and \
         geometric singular values from 1 to 1/κ, a random unit `x*` and the consistent right-hand side `y = A·x*`. \
         Each method solves each problem; the plot shows the median relative forward error `‖x̂ − x*‖/‖x*‖` with the reference slopes κ·ε and κ²·ε. \
         QR runs here with its rank cut-off turned off, so that its arithmetic is measured all the way to κ = 1/ε; \
         QR in double-double solves the same `f64` data almost exactly, so its error is the part that rounding `A` and `y` to `f64` already costs.\n\n\
         ![Median forward error against κ](figures/stability.svg)\n\n",
        problems = config.problems,
        m = config.rows,
        n = config.cols,
    );
    let mut rows = Vec::new();
    for c in &study.cells {
        let refused =
            if c.refused == 0 { String::new() } else { format!("{} of {}", c.refused, c.problems) };
        let solved = c.refused < c.problems;
        let value = |v: f64| if solved { sig(v, 2) } else { "—".to_owned() };
        rows.push(vec![
            sig(c.kappa, 1),
            c.method.name().to_owned(),
            value(c.median_forward),
            value(c.worst_forward),
            value(c.median_backward),
            value(c.worst_backward),
            refused,
        ]);
    }
    out.push_str(&table(
        &[
            "κ",
            "method",
            "median forward",
            "worst forward",
            "median backward",
            "worst backward",
            "refused",
        ],
        &rows,
    ));
    out.push_str(
        "\nBackward error is `‖y − Ax̂‖/(‖A‖_F‖x̂‖ + ‖y‖)`, the normwise backward error of `x̂` as an exact solution of a nearby consistent system (Rigal and Gaches, 1967). \
         \"Refused\" counts typed errors: the textbook methods refuse once `XᵀX` is singular to working precision instead of returning digits they do not have.\n\n",
    );
    let slopes: Vec<Vec<String>> = METHODS
        .iter()
        .map(|&m| {
            vec![m.name().to_owned(), study.slope(m).map_or_else(|| "—".to_owned(), |s| sig(s, 2))]
        })
        .collect();
    out.push_str("Slopes of log₁₀(median forward error) against log₁₀ κ, over the κ where the error lies between 10³ε and 0.1:\n\n");
    out.push_str(&table(&["method", "slope"], &slopes));
    let deviations = study.deviations();
    if deviations.is_empty() {
        out.push_str("\nThe textbook picture holds: QR's error grows like κ·ε, the normal equations' and the inverse's like κ²·ε, and the inverse is never better than the normal equations.\n");
    } else {
        out.push_str("\nDepartures from the textbook picture:\n\n");
        for d in &deviations {
            let _ = writeln!(out, "- {d}");
        }
    }

    let figure = figure(&study)?;
    let nist_rows = nist::rows();
    nist_section(&mut out, &nist_rows);
    let filip = |m: Method| {
        nist_rows.iter().find(|r| r.dataset == "Filip" && r.method == m).map_or(f64::NAN, |r| {
            match r.outcome {
                Outcome::Fit { coefficients, .. } => coefficients,
                Outcome::Refused(_) => 0.0,
            }
        })
    };
    let headline = Headline {
        file: "stability.md",
        title: "Stability",
        sentence: "Forward error against κ from 10⁰ to 10¹⁶ for every solver, and the NIST StRD accuracy table.".to_owned(),
        number: format!(
            "NIST Filip: QR {} digits, double-double {}, normal equations refuse",
            sig(filip(Method::Qr), 2),
            sig(filip(Method::ExtendedQr), 3)
        ),
    };
    Ok((vec![Page::new("stability.md", out), Page::new("figures/stability.svg", figure)], headline))
}

fn figure(study: &stability::Study) -> Result<String> {
    let kappas: Vec<f64> = study.config.log_kappas.iter().map(|&k| 10f64.powi(k)).collect();
    let eps = f64::EPSILON;
    let mut fig =
        Figure::new("Median relative forward error", "κ₂(A)", "‖x̂ − x*‖ / ‖x*‖").log_log();
    for (i, &method) in METHODS.iter().enumerate() {
        let points: Vec<(f64, f64)> = study
            .method(method)
            .filter(|c| c.refused < c.problems)
            .map(|c| (c.kappa, c.median_forward.max(1e-18)))
            .collect();
        fig = fig.with(Series::new(method.name(), points, Style::LinePoints, i));
    }
    fig = fig
        .with(Series::new(
            "κ·ε",
            kappas.iter().map(|&k| (k, k * eps)).filter(|p| p.1 <= 10.0).collect(),
            Style::Dashed,
            6,
        ))
        .with(Series::new(
            "κ²·ε",
            kappas.iter().map(|&k| (k, k * k * eps)).filter(|p| p.1 <= 10.0).collect(),
            Style::Dashed,
            5,
        ));
    fig.to_svg()
}

fn nist_section(out: &mut String, rows: &[nist::Row]) {
    out.push_str(
        "\n## NIST StRD: correct digits on certified problems\n\n\
         The eleven linear-regression datasets of NIST's Statistical Reference Datasets, certified to 15 digits. \
         Each cell gives the LRE (log relative error, about the number of correct significant digits) of the worst coefficient and of the worst standard error, \
         and beside it the fit's own estimate of its correct digits (`Diagnostics::digits`, guaranteed to typical end). \
         Against 15 printed digits even an exact answer scores only about 14.3 to 15. \
         The double-double column solves the `f64` data exactly to about 30 digits, so what it lacks of 15 is the rounding of NIST's decimal data to `f64`.\n\n",
    );
    let headers: Vec<&str> =
        ["dataset", "difficulty"].into_iter().chain(Method::ALL.iter().map(|m| m.name())).collect();
    let mut body = Vec::new();
    for name in nist::data::NAMES {
        let mut line = vec![name.to_owned()];
        let mut difficulty = String::new();
        for method in Method::ALL {
            let Some(row) = rows.iter().find(|r| r.dataset == name && r.method == method) else {
                continue;
            };
            difficulty.clone_from(&row.difficulty);
            line.push(match &row.outcome {
                Outcome::Fit { coefficients, std_errors, guaranteed, typical, .. } => {
                    format!(
                        "{} / {} (est. {}–{})",
                        sig_lre(*coefficients),
                        sig_lre(*std_errors),
                        sig_lre(*guaranteed),
                        sig_lre(*typical)
                    )
                }
                Outcome::Refused(why) => why.clone(),
            });
        }
        line.insert(1, difficulty);
        body.push(line);
    }
    out.push_str(&table(&headers, &body));
    let _ = writeln!(
        out,
        "\nOn Filip, the hardest set (a degree-10 polynomial, κ(X) ≈ 1.8·10¹⁵, about 5·10⁹ after column scaling):"
    );
    for method in Method::ALL {
        if let Some(row) = rows.iter().find(|r| r.dataset == "Filip" && r.method == method) {
            let what = match &row.outcome {
                Outcome::Fit { coefficients, .. } => {
                    format!("{} correct digits", sig_lre(*coefficients))
                }
                Outcome::Refused(why) => why.clone(),
            };
            let _ = writeln!(out, "- {}: {what}", method.name());
        }
    }
    out.push_str(
        "\nThe best LAPACK solver reaches 7.8 digits on Filip; an exact solve of the design rounded to `f64` reaches 7.6, \
         so with `x¹⁰` rounded to `f64` no `f64` method can do much better. Double-double QR forms the powers in double-double and certifies every printed digit.\n",
    );
}

/// An LRE with one decimal, the precision the NIST literature reports.
fn sig_lre(v: f64) -> String {
    format!("{v:.1}")
}

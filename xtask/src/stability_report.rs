//! `reports/stability.md`: forward error against κ, and the NIST StRD accuracy table.

use std::fmt::Write as _;

use anyhow::Result;
use lsq::{FitOptions, Method};
use nalgebra::{DMatrix, DVector};

use crate::markdown::{power_of_ten, sig, table};
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
         For κ = {kappas}, {problems} problems of {m}×{n} from `sim::known_answer`: `A = UΣVᵀ` with random orthogonal factors and \
         geometric singular values from 1 to 1/κ, a random unit `x*` and the consistent right-hand side `y = A·x*`. \
         Each method solves each problem; the plot shows the median relative forward error `‖x̂ − x*‖/‖x*‖` with the reference slopes κ·ε and κ²·ε. \
         QR runs here with its rank cut-off turned off, so that its arithmetic is measured all the way to κ = 1/ε; \
         QR in double-double solves the same `f64` data in about 32-digit arithmetic, so its error is, to first order, the part that rounding `A` and `y` to `f64` already costs.\n\n\
         ![Median forward error against κ](figures/stability.svg)\n\n",
        kappas = kappa_list(&config.log_kappas),
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
            power_of_ten(c.kappa),
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
        out.push_str("\nThe textbook picture holds (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, §20.1–20.4): QR's error grows like κ·ε, the normal equations' and the inverse's like κ²·ε.\n");
    } else {
        out.push_str("\nDepartures from the textbook picture:\n\n");
        for d in &deviations {
            let _ = writeln!(out, "- {d}");
        }
    }

    out.push_str(&inverse_against_normal_equations(&study));

    let figure = figure(&study)?;
    let nist_rows = nist::rows();
    nist_section(&mut out, &nist_rows)?;
    let headline = headline(&nist_rows);
    Ok((vec![Page::new("stability.md", out), Page::new("figures/stability.svg", figure)], headline))
}

/// The index page's line for this report: Filip's digits by QR, double-double QR and the
/// normal equations.
fn headline(nist_rows: &[nist::Row]) -> Headline {
    let filip = |m: Method| {
        nist_rows.iter().find(|r| r.dataset == "Filip" && r.method == m).map_or(f64::NAN, |r| {
            match r.outcome {
                Outcome::Fit { coefficients, .. } => coefficients,
                Outcome::Refused(_) => 0.0,
            }
        })
    };
    Headline {
        file: "stability.md",
        title: "Stability",
        sentence: "Forward error against κ from 10⁰ to 10¹⁶ for every solver, and the NIST StRD accuracy table.".to_owned(),
        number: format!(
            "NIST Filip: QR {} digits, double-double {}, normal equations {}",
            sig(filip(Method::Qr), 2),
            sig(filip(Method::ExtendedQr), 3),
            nist_rows
                .iter()
                .find(|r| r.dataset == "Filip" && r.method == Method::NormalEquations)
                .map_or_else(
                    || "not run".to_owned(),
                    |r| match r.outcome {
                        Outcome::Fit { coefficients, .. } => format!("{} digits", sig(coefficients, 2)),
                        Outcome::Refused(_) => "refuse".to_owned(),
                    }
                )
        ),
    }
}

/// `10⁰, 10², …, 10¹⁶`: the first two and the last κ of the study.
fn kappa_list(log_kappas: &[i32]) -> String {
    let power = |k: i32| power_of_ten(10f64.powi(k));
    match log_kappas {
        [] => "no κ".to_owned(),
        [a, b, .., z] if log_kappas.len() > 3 => {
            format!("{}, {}, …, {}", power(*a), power(*b), power(*z))
        }
        _ => log_kappas.iter().map(|&k| power(k)).collect::<Vec<_>>().join(", "),
    }
}

/// The inverse's median forward error against the normal equations', κ by κ, in words.
fn inverse_against_normal_equations(study: &stability::Study) -> String {
    /// Errors below this many ε are rounding level, where neither method is "better".
    const ROUNDING: f64 = 10.0;
    let pairs: Vec<(f64, f64, f64)> = study
        .method(Method::Inverse)
        .zip(study.method(Method::NormalEquations))
        .filter(|(inv, ne)| inv.refused < inv.problems && ne.refused < ne.problems)
        .map(|(inv, ne)| (inv.kappa, inv.median_forward, ne.median_forward))
        .collect();
    if pairs.is_empty() {
        return String::new();
    }
    let ratios = pairs
        .iter()
        .map(|&(k, inv, ne)| format!("{} at κ = {}", sig(inv / ne, 2), power_of_ten(k)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out =
        format!("Median forward error of the inverse over that of the normal equations: {ratios}.");
    let smaller: Vec<&(f64, f64, f64)> = pairs.iter().filter(|p| p.1 < p.2).collect();
    if smaller.is_empty() {
        out.push_str(" The inverse is never the more accurate of the two here.");
    } else {
        let at_rounding = smaller.iter().all(|p| p.1.max(p.2) < ROUNDING * f64::EPSILON);
        let _ = write!(
            out,
            " The inverse is the more accurate of the two only at κ = {}{}.",
            smaller.iter().map(|p| power_of_ten(p.0)).collect::<Vec<_>>().join(", "),
            if at_rounding {
                format!(", where both errors are below {}ε, at rounding level", sig(ROUNDING, 2))
            } else {
                String::new()
            }
        );
    }
    format!("{out}\n")
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

fn nist_section(out: &mut String, rows: &[nist::Row]) -> Result<()> {
    let datasets = nist::data::all();
    let digits: Vec<u32> = datasets
        .iter()
        .flat_map(|d| d.coefficients.iter().chain(&d.std_errors))
        .map(|c| c.digits)
        .collect();
    let printed = digits.iter().copied().max().unwrap_or(0);
    let fewest = digits.iter().copied().min().unwrap_or(0);
    // A value printed to p significant digits m.mmm…·10ᵉ is off by at most half a unit in its
    // last digit, 0.5·10^(1−p) relative to a leading digit of 1: the exact answer's worst LRE.
    let exact_floor = -(0.5 * 10f64.powi(1 - i32::try_from(printed)?)).log10();
    let _ = write!(
        out,
        "\n## NIST StRD: correct digits on certified problems\n\n\
         The eleven linear-regression datasets of NIST's Statistical Reference Datasets (<https://www.itl.nist.gov/div898/strd/lls/lls.shtml>), \
         whose certified coefficients and standard errors are printed to {how_many} significant digits. \
         Each cell gives the LRE (log relative error, about the number of correct significant digits; McCullough, “Assessing the reliability of statistical software: Part I”, *The American Statistician* 52, 1998) \
         of the worst coefficient and of the worst standard error, and in brackets the fit's own estimate of the correct digits of its coefficients \
         (`Diagnostics::digits`: the digits its worst-case error bound guarantees, then the digits a typical computation attains). \
         A certified value is itself rounded, by up to half a unit in its last printed digit, so even the exact answer can score as little as {floor}; \
         LREs are capped at the printed digits. \
         The double-double column runs the same QR in double-double arithmetic (about 32 significant digits) on the `f64` data, \
         forming the powers of the polynomial designs ({polynomials}) in double-double from the `f64` values of `x`.\n\n",
        floor = sig(exact_floor, 3),
        polynomials = datasets
            .iter()
            .filter(|d| is_polynomial(d.design.matrix()))
            .map(|d| d.name)
            .collect::<Vec<_>>()
            .join(", "),
        how_many = if fewest == printed {
            printed.to_string()
        } else {
            format!("between {fewest} and {printed}")
        },
    );
    out.push_str(&nist_table(rows));
    out.push_str(&estimates_against_measurements(rows, exact_floor, printed));

    let filip = datasets
        .iter()
        .find(|d| d.name == "Filip")
        .ok_or_else(|| anyhow::anyhow!("the NIST data include Filip"))?;
    let x = filip.design.matrix();
    let unit = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] / x.column(j).norm());
    let _ = writeln!(
        out,
        "\nOn Filip, the hardest set (NIST: a polynomial of degree {degree} in one variable; κ₂(X) = {kappa} by nalgebra's SVD, {scaled} after scaling the columns to unit norm):",
        degree = x.ncols() - 1,
        kappa = sig(kappa2(x.clone()), 2),
        scaled = sig(kappa2(unit), 2),
    );
    let mut qr_digits = f64::NAN;
    for method in Method::ALL {
        if let Some(row) = rows.iter().find(|r| r.dataset == "Filip" && r.method == method) {
            let what = match &row.outcome {
                Outcome::Fit { coefficients, .. } => {
                    if method == Method::Qr {
                        qr_digits = *coefficients;
                    }
                    format!("{} correct digits", sig_lre(*coefficients))
                }
                Outcome::Refused(why) => why.clone(),
            };
            let _ = writeln!(out, "- {}: {what}", method.name());
        }
    }
    // The f64 methods see the powers of x rounded to f64: solving that design in double-double,
    // without rebuilding the powers, shows what it allows.
    let as_stored = lsq::Design::new(x.clone())?;
    let stored = lsq::fit(&as_stored, &filip.y, &FitOptions::default().method(Method::ExtendedQr))?;
    let stored_digits = coefficient_lre(stored.coefficients(), &filip.coefficients);
    let verdict = if qr_digits >= stored_digits - 0.5 {
        "QR's digits are as many as the `f64` design allows"
    } else {
        "QR falls short of what the `f64` design allows"
    };
    let _ = writeln!(
        out,
        "\nThe `f64` methods see the powers `xᵏ` rounded to `f64`. Solving that rounded design in double-double, without rebuilding the powers, \
         reaches {stored} digits, so {verdict}. \
         Double-double QR, which forms the powers in double-double, reaches {extended}.",
        stored = sig_lre(stored_digits),
        extended = rows
            .iter()
            .find(|r| r.dataset == "Filip" && r.method == Method::ExtendedQr)
            .map_or_else(
                || "—".to_owned(),
                |r| match r.outcome {
                    Outcome::Fit { coefficients, .. } => sig_lre(coefficients),
                    Outcome::Refused(_) => "nothing (it refused)".to_owned(),
                }
            ),
    );
    Ok(())
}

/// Datasets against methods: LREs of the coefficients and standard errors, with the estimate.
fn nist_table(rows: &[nist::Row]) -> String {
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
    table(&headers, &body)
}

/// Where a fit's estimate of its digits (the guaranteed end) promises more than the measured
/// coefficient LRE shows, in words. An estimate is compared with at most `exact_floor`, the
/// score the exact answer is sure of against rounded certified values.
fn estimates_against_measurements(rows: &[nist::Row], exact_floor: f64, printed: u32) -> String {
    /// Differences below half a digit are within the rounding of the LREs shown.
    const MARGIN: f64 = 0.5;
    let mut over = Vec::new();
    let mut fits = 0;
    for row in rows {
        if let Outcome::Fit { coefficients, guaranteed, .. } = row.outcome {
            fits += 1;
            if guaranteed.min(exact_floor) > coefficients + MARGIN {
                over.push((row, coefficients, guaranteed));
            }
        }
    }
    let intro = format!(
        "\nThe estimate can be checked against the measurement only up to {floor} digits, the score the exact answer is sure of against certified values rounded to {printed} digits.",
        floor = sig(exact_floor, 3),
    );
    if over.is_empty() {
        return format!(
            "{intro} Up to that, in all {fits} fits the estimate's lower end is at most {} digit above the measured coefficient LRE. \
             The estimate (see `lsq::Digits`) counts both the solve's error and what rounding NIST's decimal data to `f64` costs, \
             half an ulp per entry that is not an integer (for the polynomial designs rebuilt in double-double, the rounding of `x` carried through the powers), \
             so the double-double column's estimates stay below 15.7 where the data were rounded.\n",
            sig(MARGIN, 1)
        );
    }
    let list = over
        .iter()
        .map(|(row, measured, estimate)| {
            format!(
                "{} by {} (estimate {}, measured {})",
                row.dataset,
                row.method.name(),
                sig_lre(*estimate),
                sig_lre(*measured)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "{intro} Up to that, the estimate's lower end exceeds the measured coefficient LRE by more than {margin} digit in {n} of {fits} fits: {list}. \
         The estimate (see `lsq::Digits`) counts the solve's error and what rounding the decimal data to `f64` costs; \
         a fit listed here claims digits it does not have.\n",
        margin = sig(MARGIN, 1),
        n = over.len(),
    )
}

/// Whether the design is `[1, x, x², …, xᵈ]` with `d ≥ 2` (to the rounding of the powers).
fn is_polynomial(x: &DMatrix<f64>) -> bool {
    /// The powers are formed in `f64` by the loader, each with a few roundings.
    const POWER_TOLERANCE: f64 = 64.0 * f64::EPSILON;
    x.ncols() >= 3
        && x.column(0).iter().all(|&v| (v - 1.0).abs() <= POWER_TOLERANCE)
        && (2..x.ncols()).all(|j| {
            x.column(j).iter().zip(x.column(1).iter()).all(|(&v, &t)| {
                let power = t.powi(i32::try_from(j).unwrap_or(i32::MAX));
                (v - power).abs() <= POWER_TOLERANCE * power.abs()
            })
        })
}

/// Smallest LRE over the coefficients.
fn coefficient_lre(b: &DVector<f64>, certified: &[nist::data::Certified]) -> f64 {
    nist::data::min_lre(b.as_slice(), certified)
}

/// `σ_max/σ_min` by nalgebra's SVD, independently of the solvers.
fn kappa2(a: DMatrix<f64>) -> f64 {
    let s = a.svd(false, false).singular_values;
    s.max() / s.min()
}

/// An LRE with one decimal, the precision the NIST literature reports.
fn sig_lre(v: f64) -> String {
    format!("{v:.1}")
}

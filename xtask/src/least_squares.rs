//! `reports/least-squares.md`: the least-squares lesson on the height data.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use lsq::{ConditionNumber, Design, FitOptions, Method, Penalty};
use nalgebra::{DMatrix, DVector};

use crate::markdown::{code, matrix_table, number, order, sig, table};
use crate::plot::{Figure, Legend, Series, Style};
use crate::{Headline, Page, header};

/// Penalty weights of the Tikhonov table and figure.
const LAMBDAS: [f64; 9] = [0.0, 0.01, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5];

/// Prior weights of the weighted example: the second person counts twice, the fourth half.
const WEIGHTS: [f64; 4] = [1.0, 2.0, 1.0, 0.5];

/// Renders the page and its figure.
///
/// # Errors
/// If a fit of the lesson's data fails, which would be a bug.
pub fn render() -> Result<(Vec<Page>, Headline)> {
    let data = sim::heights();
    let design = Design::new(data.x.clone())?.with_intercept_column(0)?;
    let design = design.with_names(["(Intercept)", "weight", "parents"])?;
    let y = data.y.clone();
    let options = FitOptions::default().condition_number(ConditionNumber::Always);
    let mut out = header("Least squares three ways", "none (the lesson's data are a fixed table)");

    out.push_str("\n## The data\n\nFour people: height `y`, weight `w` and the mean height of their parents `h`. The model is `y = β₀ + β₁·w + β₂·h + ε`.\n\n");
    let people: Vec<Vec<String>> = (0..4)
        .map(|i| {
            vec![format!("{}", i + 1), number(y[i]), number(data.x[(i, 1)]), number(data.x[(i, 2)])]
        })
        .collect();
    out.push_str(&table(&["person", "height y", "weight w", "parents h"], &people));
    out.push_str("\nThe design matrix `X = [1, w, h]`:\n\n");
    let labels: Vec<String> = (1..=4).map(|i| format!("row {i}")).collect();
    out.push_str(&matrix_table(&data.x, "", &["1", "w", "h"], &labels, 0));

    // Three solutions side by side, with the double-double solve as the reference.
    let fits: Vec<lsq::Fit> = Method::ALL
        .iter()
        .map(|&m| lsq::fit(&design, &y, &options.clone().method(m)))
        .collect::<lsq::Result<_>>()
        .context("fitting the height data")?;
    out.push_str("\n## Three solutions\n\n");
    out.push_str(
        "The left inverse `β = (XᵀX)⁻¹Xᵀy` (explicit inverse), the normal equations `XᵀXβ = Xᵀy` (Cholesky) and Householder QR \
         (`β = R⁻¹Qᵀy` by back substitution), with QR in double-double as the reference. \
         The last row counts the digits each method shares with the reference (`lsq::certify`).\n\n",
    );
    let mut rows: Vec<Vec<String>> = (0..3)
        .map(|j| {
            std::iter::once(design.names()[j].clone())
                .chain(fits.iter().map(|f| sig(f.coefficients()[j], 12)))
                .collect()
        })
        .collect();
    let mut digits_row = vec!["correct digits".to_owned()];
    for &method in &Method::ALL {
        let check = lsq::certify(&design, &y, &options.clone().method(method))?;
        digits_row.push(sig(check.min_coefficient_digits(), 3));
    }
    rows.push(digits_row);
    let headers: Vec<&str> =
        std::iter::once("coefficient").chain(Method::ALL.iter().map(|m| m.name())).collect();
    out.push_str(&table(&headers, &rows));
    let residual_rows: Vec<Vec<String>> = (0..4)
        .map(|i| {
            std::iter::once(format!("{}", i + 1))
                .chain(fits.iter().map(|f| sig(f.residuals()[i], 6)))
                .collect()
        })
        .collect();
    let agree = residual_rows.iter().all(|r| r[1..].iter().all(|c| *c == r[1]));
    let _ = write!(
        out,
        "\nResiduals `ε = y − Xβ` ({}):\n\n",
        if agree {
            "they agree to the digits shown"
        } else {
            "they differ within the digits shown"
        }
    );
    let headers: Vec<&str> =
        std::iter::once("person").chain(Method::ALL.iter().map(|m| m.name())).collect();
    out.push_str(&table(&headers, &residual_rows));

    exact_fit_section(&mut out, &options)?;
    orthogonality_section(&mut out, &design, &fits);
    let (kappa, kappa_normal) = conditioning_section(&mut out, &design);
    weighted_section(&mut out, &design, &y, &options)?;
    let figure = ridge_section(&mut out, &design, &y)?;

    out.push_str("\n## Summary of the QR fit\n\nLaid out like R's `summary(lm)`, followed by the numerical diagnostics every fit carries.\n\n");
    out.push_str(&code(&fits[2].to_string()));

    let headline = Headline {
        file: "least-squares.md",
        title: "Least squares three ways",
        sentence: "The height example by left inverse, normal equations and QR; the exact-fit variant; Xᵀε ≈ 0; weighted and Tikhonov fits."
            .to_owned(),
        number: format!("κ(X) = {kappa:.2e}, κ(XᵀX) = {kappa_normal:.2e}"),
    };
    Ok((
        vec![Page::new("least-squares.md", out), Page::new("figures/ridge-path.svg", figure)],
        headline,
    ))
}

fn exact_fit_section(out: &mut String, options: &FitOptions) -> Result<()> {
    let data = sim::heights_exact_fit();
    let design = Design::new(data.x.clone())?.with_intercept_column(0)?;
    let design = design.with_names(["(Intercept)", "height", "parents"])?;
    let mut rows = Vec::new();
    let (mut found, mut recognised) = (0, 0);
    for method in Method::DOUBLE {
        let fit = lsq::fit(&design, &data.y, &options.clone().method(method))?;
        let b = fit.coefficients();
        // "Up to rounding": within a few hundred ε of (0, 1, 0), relative to the data's size.
        if (b - DVector::from_row_slice(&[0.0, 1.0, 0.0])).amax()
            < 1e3 * f64::EPSILON * data.y.amax()
        {
            found += 1;
        }
        recognised += usize::from(fit.diagnostics().exact_fit);
        rows.push(vec![
            method.name().to_owned(),
            order(b[0]),
            sig(b[1], 15),
            order(b[2]),
            order(fit.rss()?.sqrt()),
            if fit.diagnostics().exact_fit { "yes".to_owned() } else { "no".to_owned() },
        ]);
    }
    let methods = Method::DOUBLE.len();
    let found = if found == methods {
        "Every method finds".to_owned()
    } else {
        format!("{found} of the {methods} methods find")
    };
    let recognised = if recognised == methods {
        "every time".to_owned()
    } else {
        format!("for {recognised} of them")
    };
    let _ = write!(
        out,
        "\n## When y lies in the column space\n\n\
         Replace the weight column by the height itself: `X = [1, y, h]`. Now `y = X·(0, 1, 0)` exactly, \
         so the least-squares problem has an exact solution with zero residual. \
         {found} `β = (0, 1, 0)` to within 1000·ε·max|y|, and the fit's diagnostics recognise the exact fit {recognised} \
         (a residual at the level of the rounding committed in computing `y − Xβ` itself, `lsq::EXACT_FIT_TOLERANCE`).\n\n",
    );
    out.push_str(&table(&["method", "β₀", "β₁", "β₂", "‖ε‖", "exact fit"], &rows));
    out.push_str("\nNumbers at rounding level are shown as powers of ten: their last bits depend on the machine.\n");
    Ok(())
}

fn orthogonality_section(out: &mut String, design: &Design, fits: &[lsq::Fit]) {
    out.push_str(
        "\n## Residuals are orthogonal to the columns\n\n\
         At the least-squares solution `Xᵀε = 0`: the residual is orthogonal to every column of `X`. \
         In floating point it is zero to rounding. The diagnostic `‖Xᵀε‖/(‖X‖‖ε‖)`, taken with the columns of `X` scaled to unit norm so that it does not depend on their units, puts that on a scale where ε ≈ 2.2e-16 is perfect.\n\n",
    );
    let mut rows = Vec::new();
    for fit in &fits[..3] {
        let xt_r: DVector<f64> = design.matrix().transpose() * fit.residuals();
        rows.push(vec![
            fit.method().name().to_owned(),
            order(xt_r[0]),
            order(xt_r[1]),
            order(xt_r[2]),
            order(fit.diagnostics().orthogonality),
        ]);
    }
    out.push_str(&table(&["method", "1ᵀε", "wᵀε", "hᵀε", "‖Xᵀε‖/(‖X‖‖ε‖)"], &rows));
}

/// `σ_max/σ_min` by nalgebra's SVD, independently of the solvers (which take `κ₂` from `R`).
fn kappa2(a: DMatrix<f64>) -> f64 {
    let s = a.svd(false, false).singular_values;
    s.max() / s.min()
}

fn conditioning_section(out: &mut String, design: &Design) -> (f64, f64) {
    let x = design.matrix();
    let kappa = kappa2(x.clone());
    let unit = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] / x.column(j).norm());
    let kappa_normal = kappa2(x.tr_mul(x));
    let _ = write!(
        out,
        "\n## Why QR: κ(X) against κ(XᵀX)\n\n\
         The normal equations and the left inverse work with `XᵀX`, whose condition number is the square of `X`'s. \
         Both numbers below come from nalgebra's SVD, independently of the solvers.\n\n{}",
        table(
            &["quantity", "value"],
            &[
                vec!["κ₂(X)".to_owned(), sig(kappa, 6)],
                vec!["κ₂(XᵀX), by SVD of XᵀX".to_owned(), sig(kappa_normal, 6)],
                vec!["κ₂(X)²".to_owned(), sig(kappa * kappa, 6)],
                vec!["κ₂ after scaling the columns to unit norm".to_owned(), sig(kappa2(unit), 6)],
            ]
        )
    );
    out.push_str(
        "\nA backward-stable QR loses about log₁₀ κ(X) digits, the normal equations about twice that \
         (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, ch. 19–20). \
         Here κ is moderate; the \"correct digits\" row above shows what each method keeps, and `reports/stability.md` shows where they part ways. \
         Householder QR's error depends on κ after scaling the columns (its backward error is small column by column, Higham ch. 19), \
         which is why the scaled value is also shown.\n",
    );
    (kappa, kappa_normal)
}

fn weighted_section(
    out: &mut String,
    design: &Design,
    y: &DVector<f64>,
    options: &FitOptions,
) -> Result<()> {
    let w = DVector::from_row_slice(&WEIGHTS);
    let _ = write!(
        out,
        "\n## Weighted least squares\n\nMinimise `Σ wᵢ(yᵢ − xᵢᵀβ)²` with weights w = ({}). \
         QR solves `min ‖√W(y − Xβ)‖₂`; the textbook methods form `XᵀWX`.\n\n",
        WEIGHTS.iter().map(|v| sig(*v, 2)).collect::<Vec<_>>().join(", ")
    );
    let fits: Vec<lsq::Fit> = Method::DOUBLE
        .iter()
        .map(|&m| lsq::fit(design, y, &options.clone().method(m).weights(w.clone())))
        .collect::<lsq::Result<_>>()?;
    let rows: Vec<Vec<String>> = (0..3)
        .map(|j| {
            std::iter::once(design.names()[j].clone())
                .chain(fits.iter().map(|f| sig(f.coefficients()[j], 10)))
                .collect()
        })
        .collect();
    let headers: Vec<&str> =
        std::iter::once("coefficient").chain(Method::DOUBLE.iter().map(|m| m.name())).collect();
    out.push_str(&table(&headers, &rows));
    let _ = writeln!(
        out,
        "\nWeighted RSS {}, residual standard error {} on {} degree of freedom.",
        sig(fits[2].rss()?, 6),
        sig(fits[2].sigma()?, 6),
        fits[2].df_residual()
    );
    Ok(())
}

fn ridge_section(out: &mut String, design: &Design, y: &DVector<f64>) -> Result<String> {
    out.push_str(
        "\n## Tikhonov regularisation\n\n\
         The lesson's variant `β = (HᵀWH + λLᵀL)⁻¹HᵀWy`, here with `W = I` and `L = I` without the intercept's row \
         (the intercept is not shrunk). QR solves it as the ordinary least-squares problem `[H; √λ·L]β ≈ [y; 0]`, \
         never forming `HᵀH + λLᵀL`; the explicit-inverse column evaluates the lesson's formula literally. \
         The effective degrees of freedom `tr(H(HᵀH + λLᵀL)⁻¹Hᵀ)` fall from 3 towards 1 as λ grows.\n\n",
    );
    let mut rows = Vec::new();
    let mut path: Vec<Vec<(f64, f64)>> = vec![Vec::new(); 2];
    for &lambda in &LAMBDAS {
        let penalty = Penalty::new(lambda);
        let qr = lsq::ridge(design, y, &penalty, &FitOptions::default())?;
        let inverse =
            lsq::ridge(design, y, &penalty, &FitOptions::default().method(Method::Inverse))?;
        let b = qr.coefficients();
        rows.push(vec![
            sig(lambda, 2),
            sig(b[0], 8),
            sig(b[1], 8),
            sig(b[2], 8),
            sig((b - inverse.coefficients()).amax() / b.amax(), 2),
            sig(qr.effective_df(), 4),
        ]);
        if lambda > 0.0 {
            path[0].push((lambda, b[1]));
            path[1].push((lambda, b[2]));
        }
    }
    out.push_str(&table(
        &["λ", "β₀", "β₁ (weight)", "β₂ (parents)", "relative gap to the inverse", "effective df"],
        &rows,
    ));
    out.push_str(
        "\n![Ridge path: the slopes shrink towards zero as λ grows](figures/ridge-path.svg)\n",
    );
    let figure = Figure {
        x_log: true,
        legend: Legend::UpperRight,
        ..Figure::new("Tikhonov path on the height data", "λ", "coefficient")
    }
    .with(Series::new("β₁ (weight)", path[0].clone(), Style::LinePoints, 0))
    .with(Series::new("β₂ (parents' height)", path[1].clone(), Style::LinePoints, 1));
    figure.to_svg()
}

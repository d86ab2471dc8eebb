//! `reports/modelling.md`: the modelling layer on a real data set and on the lesson's counts —
//! Grunfeld's investment data read from CSV and fitted through a formula with a factor and a
//! transform, robust against classical standard errors, the F test for the factor, and (in
//! `modelling_counts.rs`) the over-dispersed counts refitted as quasi-Poisson and negative
//! binomial.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use frame::{CsvOptions, DesignOptions, Frame, ModelMatrix};
use lsq::format::p_value;
use lsq::{FitOptions, Hc};

use crate::markdown::{code, p_equals, sig, table};
use crate::modelling_counts::{self, response};
use crate::{Headline, Page, header};

/// Grunfeld's investment data, shipped in `xtask/data/` with its source and licence.
const GRUNFELD_CSV: &str = include_str!("../data/grunfeld.csv");
/// The model of the page: investment on the log of the firm's market value, its capital stock
/// and the firm.
const FORMULA: &str = "invest ~ log(value) + capital + firm";
/// The same model without the factor, for the F test.
const REDUCED: &str = "invest ~ log(value) + capital";
/// The numeric covariates whose standard errors the prose compares.
const COVARIATES: [&str; 2] = ["log(value)", "capital"];

/// Renders the page.
///
/// # Errors
/// If reading the shipped CSV or a fit fails, which would be a bug.
pub fn render() -> Result<(Vec<Page>, Headline)> {
    let mut out = header(
        "Modelling: formulas, factors, robust errors and over-dispersed counts",
        &format!(
            "none for Grunfeld's data; the counts are those of the GLM report's over-dispersion exercise (seeds {} and {})",
            crate::glm_report::POISSON_SEED,
            crate::glm_report::OVERDISPERSED_SEED
        ),
    );
    out.push_str(
        "\nWhat R's `lm`, `glm`, `MASS::glm.nb`, `sandwich::vcovHC` and `anova` give, from this workspace: \
         the `frame` crate reads a CSV file into named numeric and categorical columns and turns an R model formula into a design with R's column names; \
         `lsq` and `glm` fit it and answer the next questions.\n",
    );
    let grunfeld = grunfeld_section(&mut out)?;
    let counts = modelling_counts::section(&mut out)?;
    let headline = Headline {
        file: "modelling.md",
        title: "Modelling",
        sentence: "Grunfeld's investment data through a formula with a factor and a log: coefficients, HC0–HC3 against classical standard errors, the F test for the factor; the over-dispersed counts as quasi-Poisson and negative binomial."
            .to_owned(),
        number: format!(
            "HC3 standard error of {} {}× the classical one; θ̂ = {} ± {}",
            grunfeld.widest.0,
            sig(grunfeld.widest.1, 2),
            sig(counts.theta, 3),
            sig(counts.theta_std_error, 2)
        ),
    };
    Ok((vec![Page::new("modelling.md", out)], headline))
}

/// What the index page quotes from the Grunfeld section.
struct GrunfeldSummary {
    /// The covariate whose HC3 standard error exceeds the classical one most, and the ratio.
    widest: (String, f64),
}

/// Formats a `Result` statistic with `digits`, `NA` when unavailable.
fn stat(value: Result<f64, lsq::Unavailable>, digits: usize) -> String {
    value.map_or_else(|_| "NA".to_owned(), |v| sig(v, digits))
}

/// Grunfeld's data: the fit, its coefficient table, robust standard errors and the F test.
fn grunfeld_section(out: &mut String) -> Result<GrunfeldSummary> {
    let frame = Frame::from_reader(GRUNFELD_CSV.as_bytes(), &CsvOptions::default())
        .context("reading xtask/data/grunfeld.csv")?;
    let options = DesignOptions::default();
    let full = frame.design(FORMULA, &options).context("evaluating the Grunfeld formula")?;
    let reduced = frame.design(REDUCED, &options).context("evaluating the reduced formula")?;
    let fit_options = FitOptions::default();
    let fit = lsq::fit(full.design(), response(&full)?, &fit_options)?;
    let fit0 = lsq::fit(reduced.design(), response(&reduced)?, &fit_options)?;
    let levels = frame.levels("firm")?;
    let names = full.design().names();

    let _ = write!(
        out,
        "\n## Grunfeld's investment data through a formula\n\n\
         Grunfeld's (1958) investment data: {rows} yearly observations of {firms} US firms, read from `xtask/data/grunfeld.csv` (public domain; source in `xtask/data/README.md`) \
         by `Frame::from_reader`, which finds `invest`, `value` and `capital` numeric and `firm` categorical. \
         The formula `{FORMULA}` asks for gross investment on the log of market value, the capital stock and a factor for the firm; \
         `Frame::design` turns it into {cols} columns: the intercept, `log(value)`, `capital` and {dummies} treatment-contrast columns, \
         one per firm except the reference level `{reference}` (the first in sorted order), named as R names them (`{example}`). \
         Each firm coefficient is that firm's shift of the regression line against {reference}. {dropped}\n\n",
        rows = frame.nrows(),
        firms = levels.len(),
        cols = names.len(),
        dummies = levels.len() - 1,
        reference = levels[0],
        example = names.iter().find(|n| n.starts_with("firm")).map_or("", String::as_str),
        dropped = match full.dropped().len() {
            0 => "No row has a missing value.".to_owned(),
            n => format!("{n} rows with a missing value are left out (R's `na.omit`)."),
        },
    );
    out.push_str(&coefficient_table(&fit)?);
    let _ = write!(
        out,
        "\nResidual standard error {sigma} on {df} degrees of freedom, R² = {r2}, adjusted R² = {adj}. \
         Read the table as R's `summary(lm)`: the estimate, its standard error, t = estimate / SE, and the two-sided p-value from Student's t with {df} degrees of freedom. \
         R's own layout, from the fit's `Display`:\n\n",
        sigma = stat(fit.sigma(), 4),
        df = fit.df_residual(),
        r2 = stat(fit.r_squared(), 4),
        adj = stat(fit.adj_r_squared(), 4),
    );
    out.push_str(&code(&fit.to_string()));

    let widest = robust_table(out, &fit, &frame, &full)?;
    anova_table(out, &fit0, &reduced, &fit, &full)?;
    Ok(GrunfeldSummary { widest })
}

/// The compact coefficient table: estimate, standard error, t and p.
fn coefficient_table(fit: &lsq::Fit) -> Result<String> {
    let (t, p) = (fit.t_values(), fit.p_values());
    let rows = fit
        .names()
        .iter()
        .enumerate()
        .map(|(j, name)| {
            Ok(vec![
                format!("`{name}`"),
                sig(fit.coefficients()[j], 5),
                sig(fit.std_errors()[j], 4),
                sig(t[j]?, 4),
                p_value(p[j]?, 3),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(table(&["coefficient", "estimate", "std. error", "t value", r"Pr(>\|t\|)"], &rows))
}

/// The firm of each row the fit used.
fn firm_of_rows(frame: &Frame, mm: &ModelMatrix) -> Result<Vec<String>> {
    let frame::Column::Categorical(firm) = frame.column("firm")? else {
        return Err(anyhow!("`firm` is read as categorical"));
    };
    mm.rows()
        .iter()
        .map(|&row| firm[row].clone().ok_or_else(|| anyhow!("row {row} has no firm")))
        .collect()
}

/// Sums `values` by the labels of `firms`, in order of first appearance: `(firm, sum, count)`.
fn by_firm(firms: &[String], values: impl Iterator<Item = f64>) -> Vec<(String, f64, usize)> {
    let mut groups: Vec<(String, f64, usize)> = Vec::new();
    for (label, v) in firms.iter().zip(values) {
        match groups.iter_mut().find(|g| &g.0 == label) {
            Some(g) => {
                g.1 += v;
                g.2 += 1;
            }
            None => groups.push((label.clone(), v, 1)),
        }
    }
    groups
}

/// Each observation's share in the HC0 variance of coefficient `j`:
/// `V_jj = Σᵢ (aⱼᵀxᵢ)²·eᵢ²` with `aⱼ` row `j` of `(XᵀX)⁻¹`; returns the terms and checks that
/// they add up to `hc0`'s variance.
fn hc0_terms(fit: &lsq::Fit, mm: &ModelMatrix, hc0: &lsq::Robust, j: usize) -> Result<Vec<f64>> {
    let sigma2 = fit.sigma()?.powi(2);
    let a = fit.covariance()?.row(j).transpose() / sigma2;
    let x = mm.design().matrix();
    let terms: Vec<f64> =
        (0..x.nrows()).map(|i| (x.row(i) * &a)[0].powi(2) * fit.residuals()[i].powi(2)).collect();
    let total: f64 = terms.iter().sum();
    let expected = hc0.std_errors()[j].powi(2);
    if ((total - expected) / expected).abs() > TERMS_TOLERANCE {
        return Err(anyhow!("HC0 terms add to {total:e}, the sandwich says {expected:e}"));
    }
    Ok(terms)
}

/// Relative agreement required between the HC0 variance rebuilt from `(XᵀX)⁻¹` (which squares
/// κ(X) ≈ 10⁴ into the rounding) and `Fit::robust`'s.
const TERMS_TOLERANCE: f64 = 1e-6;

/// The rows of the robust table: classical, HC0–HC3 and the HC3/classical ratio; checks the
/// order HC0 ≤ HC1 and HC0 ≤ HC2 ≤ HC3 that the prose states.
fn robust_rows(fit: &lsq::Fit, robust: &[lsq::Robust]) -> Result<Vec<Vec<String>>> {
    let names = fit.names();
    let ordered = (0..names.len()).all(|j| {
        let se: Vec<f64> = robust.iter().map(|r| r.std_errors()[j]).collect();
        se[0] <= se[1] && se[0] <= se[2] && se[2] <= se[3]
    });
    if !ordered {
        return Err(anyhow!("the prose claims HC0 ≤ HC1, HC0 ≤ HC2 ≤ HC3 in every row"));
    }
    Ok((0..names.len())
        .map(|j| {
            let mut row = vec![format!("`{}`", names[j]), sig(fit.std_errors()[j], 4)];
            row.extend(robust.iter().map(|r| sig(r.std_errors()[j], 4)));
            row.extend(robust.last().map(|r| sig(r.std_errors()[j] / fit.std_errors()[j], 3)));
            row
        })
        .collect())
}

/// The firms with the smallest and the largest root mean squared residual, with its value.
fn firm_extremes(fit: &lsq::Fit, firms: &[String]) -> Result<((String, f64), (String, f64))> {
    let mut spread: Vec<(String, f64)> = by_firm(firms, fit.residuals().iter().map(|e| e * e))
        .into_iter()
        .map(|(label, ss, n)| (label, (ss / linalg_core::count_to_f64(n)).sqrt()))
        .collect();
    spread.sort_by(|a, b| a.1.total_cmp(&b.1));
    match (spread.first(), spread.last()) {
        (Some(calm), Some(wild)) => Ok((calm.clone(), wild.clone())),
        _ => Err(anyhow!("the data have firms")),
    }
}

/// Classical against HC0–HC3 standard errors; returns the covariate with the largest HC3 ratio.
fn robust_table(
    out: &mut String,
    fit: &lsq::Fit,
    frame: &Frame,
    full: &ModelMatrix,
) -> Result<(String, f64)> {
    let robust: Vec<lsq::Robust> =
        Hc::ALL.iter().map(|&hc| fit.robust(full.design(), hc)).collect::<lsq::Result<_>>()?;
    let (Some(hc0), Some(hc3)) = (robust.first(), robust.last()) else {
        return Err(anyhow!("four estimators"));
    };
    let names = fit.names();
    let ratio = |j: usize| hc3.std_errors()[j] / fit.std_errors()[j];
    let rows = robust_rows(fit, &robust)?;
    let index = |name: &str| {
        names.iter().position(|n| n == name).ok_or_else(|| anyhow!("no column {name}"))
    };
    let covariates: Vec<(String, f64, usize)> = COVARIATES
        .iter()
        .map(|&c| Ok((c.to_owned(), ratio(index(c)?), index(c)?)))
        .collect::<Result<_>>()?;
    let pick = |larger: bool| {
        covariates
            .iter()
            .max_by(|a, b| if larger { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) })
            .ok_or_else(|| anyhow!("two covariates"))
    };
    let (widest, narrowest) = (pick(true)?, pick(false)?);
    let lowest = (0..names.len())
        .min_by(|&a, &b| ratio(a).total_cmp(&ratio(b)))
        .ok_or_else(|| anyhow!("coefficients"))?;

    let firms = firm_of_rows(frame, full)?;
    let (calm, wild) = firm_extremes(fit, &firms)?;
    let terms = hc0_terms(fit, full, hc0, widest.2)?;
    let total: f64 = terms.iter().sum();
    let wild_terms = by_firm(&firms, terms.iter().copied())
        .into_iter()
        .find(|g| g.0 == wild.0)
        .ok_or_else(|| anyhow!("the noisiest firm has rows"))?;
    let sigma = fit.sigma()?;

    let _ = write!(
        out,
        "\n## Robust against classical standard errors\n\n\
         The classical standard errors `σ̂·√((XᵀX)⁻¹)ⱼⱼ` assume every observation has the same error variance, estimated by one pooled σ̂ = {sigma}. \
         Here the firms differ: the root mean squared residual is {wild_sd} for {wild_name} against {calm_sd} for {calm_name}, {spread_ratio}× larger. \
         The sandwich (heteroskedasticity-consistent) covariance `(XᵀX)⁻¹(Σ ωᵢxᵢxᵢᵀ)(XᵀX)⁻¹` estimates each observation's variance from its own squared residual instead \
         (`Fit::robust`, as `sandwich::vcovHC` and statsmodels' `cov_type`): HC0 is White's `ωᵢ = eᵢ²`, HC1 scales it by n/(n − k), \
         HC2 and HC3 divide by `1 − hᵢᵢ` and `(1 − hᵢᵢ)²` (hᵢᵢ the leverage), which undoes the shrinking of residuals at high-leverage points; HC3 is `sandwich`'s default. \
         Standard errors by estimator:\n\n",
        sigma = sig(sigma, 3),
        wild_sd = sig(wild.1, 3),
        wild_name = wild.0,
        calm_sd = sig(calm.1, 3),
        calm_name = calm.0,
        spread_ratio = sig(wild.1 / calm.1, 2),
    );
    out.push_str(&table(
        &["coefficient", "classical", "HC0", "HC1", "HC2", "HC3", "HC3 / classical"],
        &rows,
    ));
    let hc3_p = hc3.p_values();
    let classical_p = fit.p_values();
    let _ = write!(
        out,
        "\nThe HC3 standard error of `{wide}` is {wide_ratio}× the classical one and that of `{narrow}` {narrow_ratio}×; \
         across the {k} coefficients the ratio runs from {lo} (`{lowest}`) to {hi}. \
         The HC0 variance of a coefficient is a sum over the observations of `(aⱼᵀxᵢ)²·eᵢ²`, `aⱼ` its row of `(XᵀX)⁻¹`: \
         for `{wide}`, the {wild_n} observations of {wild_name}, the noisiest firm, contribute {share}% of it, \
         while the classical variance gives them the pooled σ̂² like everyone else. \
         Conversely, the pooled σ̂ = {sigma} is {calm_times}× the residual scale of the quietest firm, {calm_name} ({calm_sd}){calm_lowest}. \
         HC1 ≥ HC0 and HC3 ≥ HC2 ≥ HC0 in every row, since each variant only inflates the squared residuals. \
         With HC3 the t test of `{wide}` gives {p_hc3}, against {p_classical} with the classical error.\n",
        wide = widest.0,
        wide_ratio = sig(widest.1, 3),
        narrow = narrowest.0,
        narrow_ratio = sig(narrowest.1, 3),
        k = names.len(),
        lo = sig(ratio(lowest), 2),
        lowest = names[lowest],
        hi = sig((0..names.len()).map(ratio).fold(0.0, f64::max), 2),
        wild_n = wild_terms.2,
        wild_name = wild.0,
        share = sig(100.0 * wild_terms.1 / total, 2),
        sigma = sig(sigma, 3),
        calm_name = calm.0,
        calm_sd = sig(calm.1, 3),
        calm_times = sig(sigma / calm.1, 2),
        calm_lowest = if names[lowest] == format!("firm{}", calm.0) {
            format!(", and `{}` has the lowest ratio", names[lowest])
        } else {
            String::new()
        },
        p_hc3 = p_equals(hc3_p[widest.2]?),
        p_classical = p_equals(classical_p[widest.2]?),
    );
    Ok((widest.0.clone(), widest.1))
}

/// The F test of the model without the factor against the full model.
fn anova_table(
    out: &mut String,
    fit0: &lsq::Fit,
    reduced: &ModelMatrix,
    fit: &lsq::Fit,
    full: &ModelMatrix,
) -> Result<()> {
    let test = lsq::anova(fit0, reduced.design(), fit, full.design())?;
    let (rss0, rss1) = test.rss()?;
    let (df0, df1) = test.df_residual();
    let rows = vec![
        vec![
            format!("`{REDUCED}`"),
            df0.to_string(),
            sig(rss0, 5),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
        vec![
            format!("`{FORMULA}`"),
            df1.to_string(),
            sig(rss1, 5),
            test.df().to_string(),
            sig(test.sum_of_squares()?, 5),
            sig(test.f_statistic()?, 4),
            p_value(test.p_value()?, 3),
        ],
    ];
    let _ = write!(
        out,
        "\n## Does the firm factor improve the model?\n\n\
         R's `anova(reduced, full)`: the model without the factor is nested in the full one (its columns lie in the full design's column space, which `lsq::anova` checks), \
         and F = ((RSS₀ − RSS₁)/df) / (RSS₁/df₁) compares the drop in the residual sum of squares per added column with the full model's residual variance.\n\n",
    );
    out.push_str(&table(&["model", "Res. Df", "RSS", "Df", "Sum of Sq", "F", "Pr(>F)"], &rows));
    let _ = writeln!(
        out,
        "\nThe {df} firm columns take the residual sum of squares from {rss0} to {rss1}, {share}% less: F = {f} on ({df}, {df1}) degrees of freedom, {p}. \
         This F test uses the classical variance; given the heteroskedasticity above it is a guide, not an exact test.",
        df = test.df(),
        rss0 = sig(rss0, 4),
        rss1 = sig(rss1, 4),
        share = sig(100.0 * (rss0 - rss1) / rss0, 3),
        f = sig(test.f_statistic()?, 4),
        p = p_equals(test.p_value()?),
    );
    Ok(())
}

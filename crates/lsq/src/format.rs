//! Number formatting for R-style summaries: fixed significant digits, p-values, stars.
//!
//! Printing a fixed number of significant digits keeps summaries stable across platforms: a
//! last-bit difference in a result does not change what is printed.

use std::fmt::Write as _;

/// Formats `x` with `digits` significant digits, in fixed notation when its magnitude is in
/// `[1e-4, 1e6)` and in scientific notation otherwise (R's `format(x, digits = d)` style).
///
/// # Examples
///
/// ```
/// use lsq::format::significant;
///
/// assert_eq!(significant(3.14159, 4), "3.142");
/// assert_eq!(significant(-0.000123456, 3), "-0.000123");
/// assert_eq!(significant(1234567.0, 4), "1.235e6");
/// assert_eq!(significant(0.0, 4), "0");
/// assert_eq!(significant(f64::NAN, 4), "NA");
/// ```
#[must_use]
pub fn significant(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NA".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".to_owned() } else { "-Inf".to_owned() };
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let digits = digits.max(1);
    let magnitude = x.abs().log10().floor();
    if (-4.0..6.0).contains(&magnitude) {
        // Round first: 9.9996 at 4 digits becomes 10.00, one more integer digit.
        let rounded: f64 = format!("{:.*e}", digits - 1, x).parse().unwrap_or(x);
        let magnitude = rounded.abs().log10().floor();
        // `magnitude` is an integer in [-4, 6]; `digits` is small.
        let decimals = (linalg_core::count_to_f64(digits) - 1.0 - magnitude).max(0.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a small non-negative integer"
        )]
        let decimals = decimals as usize;
        format!("{rounded:.decimals$}")
    } else {
        format!("{:.*e}", digits - 1, x)
    }
}

/// Formats a p-value as R's `format.pval`: `<2e-16` below the machine-epsilon floor, else
/// `digits` significant digits.
///
/// # Examples
///
/// ```
/// use lsq::format::p_value;
///
/// assert_eq!(p_value(0.0123456, 3), "0.0123");
/// assert_eq!(p_value(1e-20, 3), "<2e-16");
/// ```
#[must_use]
pub fn p_value(p: f64, digits: usize) -> String {
    if p < P_VALUE_FLOOR { "<2e-16".to_owned() } else { significant(p, digits) }
}

/// The smallest p-value printed as a number: `2.2e-16`, about ε, as R does; anything smaller
/// is below the resolution of the tail computations.
///
/// # Examples
///
/// ```
/// use lsq::format::{P_VALUE_FLOOR, p_value};
///
/// assert_eq!(P_VALUE_FLOOR, f64::EPSILON);
/// assert_eq!(p_value(P_VALUE_FLOOR, 3), "2.22e-16");
/// assert_eq!(p_value(P_VALUE_FLOOR / 2.0, 3), "<2e-16");
/// ```
pub const P_VALUE_FLOOR: f64 = 2.220_446_049_250_313e-16;

/// R's significance codes: `***` below 0.001, `**` below 0.01, `*` below 0.05, `.` below 0.1.
///
/// # Examples
///
/// ```
/// assert_eq!(lsq::format::stars(0.004), "**");
/// assert_eq!(lsq::format::stars(0.2), "");
/// ```
#[must_use]
pub fn stars(p: f64) -> &'static str {
    match p {
        p if p < 0.001 => "***",
        p if p < 0.01 => "**",
        p if p < 0.05 => "*",
        p if p < 0.1 => ".",
        _ => "",
    }
}

/// The legend R prints under a coefficient table.
///
/// # Examples
///
/// ```
/// use lsq::format::{SIGNIFICANCE_LEGEND, stars};
/// # use lsq::{Design, FitOptions};
/// # let d = sim::heights();
/// # let fit = lsq::fit(&Design::new(d.x)?, &d.y, &FitOptions::default())?;
///
/// // Every code `stars` prints is explained, and a fit's summary ends its table with the legend.
/// for p in [0.0005, 0.005, 0.02, 0.07] {
///     assert!(SIGNIFICANCE_LEGEND.contains(&format!("'{}'", stars(p))));
/// }
/// assert!(fit.to_string().contains(SIGNIFICANCE_LEGEND));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const SIGNIFICANCE_LEGEND: &str =
    "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

/// Type-7 sample quantile (R's default) of already sorted data.
///
/// # Examples
///
/// ```
/// assert_eq!(lsq::format::quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
#[must_use]
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else { return f64::NAN };
    let h = (linalg_core::count_to_f64(sorted.len()) - 1.0) * q;
    let lo = h.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "h lies in [0, len − 1]"
    )]
    let i = lo as usize;
    match sorted.get(i + 1) {
        Some(&next) => sorted[i] + (h - lo) * (next - sorted[i]),
        None => last,
    }
}

/// The residual block of R's `summary(lm)` and `summary(glm)`: the five-number summary (type-7
/// quantiles, labelled `Min 1Q Median 3Q Max`) of more than five residuals, or the residuals
/// themselves numbered `1..=n` for five or fewer, each with `digits` significant digits, laid out
/// by [`table`].
///
/// # Examples
///
/// ```
/// let few = lsq::format::residual_table(vec![0.5, -1.25], 3);
/// assert_eq!(few, "     1     2\n 0.500 -1.25\n");
/// let many = lsq::format::residual_table((0..9).map(f64::from).collect(), 3);
/// assert_eq!(many, " Min   1Q Median   3Q  Max\n   0 2.00   4.00 6.00 8.00\n");
/// ```
#[must_use]
pub fn residual_table(mut residuals: Vec<f64>, digits: usize) -> String {
    let (labels, values): (Vec<String>, Vec<String>) = if residuals.len() > 5 {
        residuals.sort_by(f64::total_cmp);
        ["Min", "1Q", "Median", "3Q", "Max"]
            .into_iter()
            .zip([0.0, 0.25, 0.5, 0.75, 1.0])
            .map(|(label, q)| {
                (label.to_owned(), significant(quantile_sorted(&residuals, q), digits))
            })
            .unzip()
    } else {
        residuals
            .iter()
            .enumerate()
            .map(|(i, &r)| ((i + 1).to_string(), significant(r, digits)))
            .unzip()
    };
    let row = |cells: Vec<String>| std::iter::once(String::new()).chain(cells).collect();
    table(&[row(labels), row(values)])
}

/// Right-aligns the cells of a table in columns separated by one space; the first column is
/// left-aligned (row names).
///
/// # Examples
///
/// ```
/// use lsq::format::table;
///
/// let rows = vec![
///     vec![String::new(), "Estimate".to_owned()],
///     vec!["slope".to_owned(), "1.99".to_owned()],
/// ];
/// assert_eq!(table(&rows), "      Estimate\nslope     1.99\n");
/// ```
#[must_use]
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            // Writing to a String cannot fail.
            let _ = if c == 0 {
                write!(line, "{cell:<w$}", w = widths[0])
            } else {
                write!(line, " {cell:>w$}", w = widths[c])
            };
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

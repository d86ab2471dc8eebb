//! Markdown building blocks and number formatting for the reports.

use std::fmt::Write as _;

use nalgebra::{DMatrix, DVector};

/// `x` with `digits` significant digits (see `lsq::format::significant`).
pub fn sig(x: f64, digits: usize) -> String {
    lsq::format::significant(x, digits)
}

/// A number as data is written: integers without decimals, others with six significant digits.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { sig(x, 6) }
}

/// The order of magnitude of a rounding-level quantity, as `~1e-16`.
///
/// Values at the level of ε differ in their last bits between machines (matrix products pick
/// CPU-specific kernels); printing only the power of ten keeps reports identical everywhere.
pub fn order(x: f64) -> String {
    if x == 0.0 {
        "0".to_owned()
    } else if !x.is_finite() {
        sig(x, 2)
    } else {
        format!("~1e{}", x.abs().log10().round())
    }
}

/// An integer in Unicode superscript digits: `-4` → `⁻⁴`.
pub fn superscript(n: i32) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

/// The nearest power of ten to `x > 0`, written `10ⁿ` (for values such as κ = 10⁶ chosen as
/// powers of ten).
pub fn power_of_ten(x: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "decimal exponents of finite positive f64 values lie within ±330"
    )]
    let n = x.log10().round() as i32;
    format!("10{}", superscript(n))
}

/// `p = 0.0123` or `p < 2e-16`.
pub fn p_equals(p: f64) -> String {
    let text = lsq::format::p_value(p, 3);
    match text.strip_prefix('<') {
        Some(bound) => format!("p < {bound}"),
        None => format!("p = {text}"),
    }
}

/// Whether a cell holds a number (or a placeholder for one), so its column is right-aligned.
fn is_numeric(cell: &str) -> bool {
    cell.is_empty()
        || cell == "—"
        || cell.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '~' || c == '<')
}

/// A pipe table with a header row; columns of numbers are right-aligned, the rest left-aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let align = |i: usize| {
        let numeric = i > 0 && rows.iter().all(|r| r.get(i).is_none_or(|c| is_numeric(c)));
        if numeric { " ---: |" } else { " --- |" }
    };
    let _ = writeln!(out, "|{}", (0..headers.len()).map(align).collect::<String>());
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
}

/// A matrix as a table with the given column names and row labels; `digits = 0` prints the
/// entries as data (see [`number`]).
pub fn matrix_table(
    m: &DMatrix<f64>,
    corner: &str,
    columns: &[&str],
    rows: &[String],
    digits: usize,
) -> String {
    let mut headers = vec![corner];
    headers.extend_from_slice(columns);
    let body: Vec<Vec<String>> =
        (0..m.nrows())
            .map(|i| {
                std::iter::once(rows[i].clone())
                    .chain((0..m.ncols()).map(|j| {
                        if digits == 0 { number(m[(i, j)]) } else { sig(m[(i, j)], digits) }
                    }))
                    .collect()
            })
            .collect();
    table(&headers, &body)
}

/// A vector as a comma-separated list in brackets.
pub fn vector(v: &DVector<f64>, digits: usize) -> String {
    format!("({})", v.iter().map(|x| sig(*x, digits)).collect::<Vec<_>>().join(", "))
}

/// A fenced code block.
pub fn code(text: &str) -> String {
    format!("```text\n{}\n```\n", text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_level_numbers_print_as_powers_of_ten() {
        assert_eq!(order(2.3e-16), "~1e-16");
        assert_eq!(order(8.0e-17), "~1e-16");
        assert_eq!(order(0.0), "0");
    }

    #[test]
    fn p_values_below_the_floor_print_as_a_bound() {
        assert_eq!(p_equals(0.01234), "p = 0.0123");
        assert_eq!(p_equals(1e-300), "p < 2e-16");
    }

    #[test]
    fn powers_of_ten_print_with_superscripts() {
        assert_eq!(power_of_ten(1.0), "10⁰");
        assert_eq!(power_of_ten(1e16), "10¹⁶");
        assert_eq!(power_of_ten(1e-12), "10⁻¹²");
    }

    #[test]
    fn tables_have_a_header_separator() {
        let t = table(&["a", "b", "c"], &[vec!["x".into(), "1".into(), "text".into()]]);
        assert_eq!(t, "| a | b | c |\n| --- | ---: | --- |\n| x | 1 | text |\n");
    }
}

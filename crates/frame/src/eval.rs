//! Evaluates a formula's variables on the rows a model uses: numbers for transforms and
//! numeric columns, codes and levels for categorical columns.

use crate::column::{Column, sorted_levels};
use crate::error::{Error, Result};
use crate::formula::ast::{BinOp, Expr, Func, format_number};
use crate::formula::parser::poly_degree;
use crate::frame::{Frame, reorder};
use crate::poly::orthogonal_poly;
use crate::span::Span;

/// A variable's values on the rows used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Named numeric columns: one for a transform, `k` for `poly(x, k)`.
    Numeric(Vec<(String, Vec<f64>)>),
    /// A factor: each row's level index, and the levels with the reference first.
    Factor {
        /// Level index per row.
        codes: Vec<usize>,
        /// Levels in coding order.
        levels: Vec<String>,
    },
}

/// The column names `expr` refers to, with their spans, in order of appearance.
pub(crate) fn column_names(expr: &Expr, out: &mut Vec<(String, Span)>) {
    match expr {
        Expr::Number { .. } => {}
        Expr::Name { name, span } => out.push((name.clone(), *span)),
        Expr::Neg { arg: inner, .. } | Expr::Paren { inner, .. } => column_names(inner, out),
        Expr::Binary { lhs, rhs, .. } => {
            column_names(lhs, out);
            column_names(rhs, out);
        }
        Expr::Call { func: Func::Poly, args, .. } => column_names(&args[0], out),
        Expr::Call { args, .. } => args.iter().for_each(|a| column_names(a, out)),
    }
}

/// Evaluates the variable `expr` on `rows` (which hold no missing value of its columns).
///
/// # Errors
/// [`Error::NotNumeric`], [`Error::OutOfDomain`], [`Error::NonFinite`], [`Error::PolyDegree`],
/// [`Error::SingleLevel`], [`Error::UnknownColumn`].
pub(crate) fn evaluate(expr: &Expr, frame: &Frame, rows: &[usize]) -> Result<Value> {
    let label = expr.to_string();
    match expr {
        Expr::Call { func: Func::Factor, args, .. } => match &args[0] {
            Expr::Name { name, .. } => factor(frame, name, rows, label),
            // The parser lets only a name through; this arm keeps the function total.
            _ => Err(Error::Syntax {
                span: Span { start: 0, end: label.len() },
                formula: label,
                message: "`factor()` takes a column name".into(),
            }),
        },
        Expr::Name { name, .. } => {
            let j = frame.index(name)?;
            if let Column::Categorical(_) = frame.column_at(j) {
                return factor(frame, name, rows, label);
            }
            Ok(Value::Numeric(vec![(label.clone(), numeric(expr, frame, rows, &label)?)]))
        }
        Expr::Call { func: Func::Poly, args, .. } => {
            let x = numeric(&args[0], frame, rows, &label)?;
            let degree = poly_degree(&args[1]).map_err(|message| Error::Syntax {
                formula: label.clone(),
                span: args[1].span(),
                message,
            })?;
            let columns = orthogonal_poly(&x, degree, &label)?;
            Ok(Value::Numeric(
                columns
                    .into_iter()
                    .enumerate()
                    .map(|(k, c)| (format!("{label}{}", k + 1), c))
                    .collect(),
            ))
        }
        _ => Ok(Value::Numeric(vec![(label.clone(), numeric(expr, frame, rows, &label)?)])),
    }
}

/// Column `name` on `rows` as a factor named `label`: a categorical column's levels sorted by
/// bytes, a numeric column's distinct values sorted by value and written as R's
/// `as.character` writes them; the reference level (if chosen) first.
fn factor(frame: &Frame, name: &str, rows: &[usize], label: String) -> Result<Value> {
    let j = frame.index(name)?;
    let used: Vec<String> = match frame.column_at(j) {
        Column::Categorical(values) => {
            rows.iter().map(|&i| values[i].clone().unwrap_or_default()).collect()
        }
        Column::Numeric(values) => {
            let mut sorted: Vec<f64> = rows.iter().filter_map(|&i| values[i]).collect();
            sorted.sort_by(f64::total_cmp);
            sorted.dedup();
            let text: std::collections::HashMap<u64, String> =
                sorted.iter().map(|v| (v.to_bits(), format_number(*v))).collect();
            let used: Vec<String> = rows
                .iter()
                .map(|&i| {
                    text.get(&values[i].unwrap_or_default().to_bits()).cloned().unwrap_or_default()
                })
                .collect();
            let levels: Vec<String> = sorted.iter().map(|v| format_number(*v)).collect();
            return codes(&used, reorder(levels, frame.reference_at(j)), label);
        }
    };
    let levels = reorder(sorted_levels(used.iter().map(String::as_str)), frame.reference_at(j));
    codes(&used, levels, label)
}

/// Each row's index in `levels`; fewer than two levels is an error.
fn codes(used: &[String], levels: Vec<String>, label: String) -> Result<Value> {
    if levels.len() < 2 {
        return Err(Error::SingleLevel {
            variable: label,
            level: levels.into_iter().next().unwrap_or_default(),
        });
    }
    let index: std::collections::HashMap<&str, usize> =
        levels.iter().enumerate().map(|(k, l)| (l.as_str(), k)).collect();
    // Every used value is a level by construction; the default is never taken.
    let codes = used.iter().map(|v| index.get(v.as_str()).copied().unwrap_or_default()).collect();
    Ok(Value::Factor { codes, levels })
}

/// The numeric values of `expr` on `rows`; `label` names the variable in errors.
pub(crate) fn numeric(expr: &Expr, frame: &Frame, rows: &[usize], label: &str) -> Result<Vec<f64>> {
    let undefined = |k: usize, operation: &'static str, value: f64| Error::OutOfDomain {
        expression: label.to_owned(),
        operation,
        row: rows[k],
        value,
    };
    let values = match expr {
        Expr::Number { value, .. } => vec![*value; rows.len()],
        Expr::Name { name, .. } => match frame.column_at(frame.index(name)?) {
            Column::Numeric(values) => {
                rows.iter().map(|&i| values[i].unwrap_or(f64::NAN)).collect()
            }
            Column::Categorical(values) => {
                let row = rows.first().copied().unwrap_or_default();
                return Err(Error::NotNumeric {
                    expression: label.to_owned(),
                    column: name.clone(),
                    row,
                    value: values.get(row).cloned().flatten().unwrap_or_default(),
                });
            }
        },
        Expr::Neg { arg, .. } => {
            numeric(arg, frame, rows, label)?.into_iter().map(|v| -v).collect()
        }
        Expr::Paren { inner, .. } => numeric(inner, frame, rows, label)?,
        Expr::Binary { op, lhs, rhs, .. } => {
            let a = numeric(lhs, frame, rows, label)?;
            let b = numeric(rhs, frame, rows, label)?;
            let mut out = Vec::with_capacity(a.len());
            for (k, (&x, &y)) in a.iter().zip(&b).enumerate() {
                out.push(match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div if y == 0.0 => return Err(undefined(k, "division by", y)),
                    BinOp::Div => x / y,
                    BinOp::Pow if x < 0.0 && y.fract() != 0.0 => {
                        return Err(undefined(k, "a fractional power of", x));
                    }
                    BinOp::Pow if x == 0.0 && y < 0.0 => {
                        return Err(undefined(k, "a negative power of", x));
                    }
                    BinOp::Pow => x.powf(y),
                });
            }
            out
        }
        Expr::Call { func, args, .. } => {
            let a = numeric(&args[0], frame, rows, label)?;
            let mut out = Vec::with_capacity(a.len());
            for (k, &x) in a.iter().enumerate() {
                out.push(match func {
                    Func::Log if x <= 0.0 => return Err(undefined(k, "log of", x)),
                    Func::Log => x.ln(),
                    Func::Sqrt if x < 0.0 => return Err(undefined(k, "sqrt of", x)),
                    Func::Sqrt => x.sqrt(),
                    Func::Exp => x.exp(),
                    // `poly`, `factor` and `cbind` never get here: the parser keeps them out
                    // of arithmetic; `offset` and `I` pass their argument through.
                    _ => x,
                });
            }
            out
        }
    };
    if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { expression: label.to_owned(), row: rows[k] });
    }
    Ok(values)
}

//! [`Frame::design`]: a formula evaluated on a frame into an `lsq::Design` with R's column
//! names, the response, the offset and the rows used ([`ModelMatrix`]).

use lsq::Design;
use lsq::nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::eval::{Value, column_names, evaluate, numeric};
use crate::formula::ast::{Expr, Func};
use crate::formula::parser::parse;
use crate::frame::Frame;
use crate::span::Span;
use crate::suggest::closest;
use crate::terms::{Coding, coding, terms};

/// What to do with rows that have a missing value in a variable of the formula.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum NaAction {
    /// Drop them and report which (R's default `na.omit`).
    #[default]
    Omit,
    /// Fail with [`Error::Missing`] naming the first (R's `na.fail`).
    Fail,
}

/// Options of [`Frame::design`].
///
/// # Examples
///
/// ```
/// use frame::{DesignOptions, NaAction};
///
/// let options = DesignOptions::default().na_action(NaAction::Fail);
/// assert_ne!(options, DesignOptions::default());
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesignOptions {
    na_action: NaAction,
}

impl DesignOptions {
    /// What to do with incomplete rows; default [`NaAction::Omit`].
    #[must_use]
    pub fn na_action(mut self, na_action: NaAction) -> Self {
        self.na_action = na_action;
        self
    }
}

/// The left-hand side of a formula, evaluated.
///
/// # Examples
///
/// ```
/// use frame::{DesignOptions, Frame, Response};
///
/// let frame = Frame::new()
///     .with_numeric("dead", [2.0, 5.0, 9.0])?
///     .with_numeric("alive", [8.0, 5.0, 1.0])?
///     .with_numeric("dose", [1.0, 2.0, 3.0])?;
/// let mm = frame.design("cbind(dead, alive) ~ dose", &DesignOptions::default())?;
/// let Some(Response::Binomial { successes, failures }) = mm.response() else { unreachable!() };
/// assert_eq!((successes[2], failures[2]), (9.0, 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Response {
    /// A numeric response `y`.
    Vector(DVector<f64>),
    /// `cbind(successes, failures)`: binomial counts.
    Binomial {
        /// The first column.
        successes: DVector<f64>,
        /// The second column.
        failures: DVector<f64>,
    },
}

/// A formula evaluated on a frame: what R's `model.frame` and `model.matrix` give.
///
/// # Examples
///
/// ```
/// use frame::{DesignOptions, Frame};
///
/// let frame = Frame::new()
///     .with_numeric("count", [2.0, 3.0, 6.0, 7.0])?
///     .with_numeric("exposure", [10.0, 12.0, 20.0, 21.0])?
///     .with_categorical("arm", ["ctl", "trt", "ctl", "trt"])?;
/// let mm = frame.design("count ~ arm + offset(log(exposure))", &DesignOptions::default())?;
/// assert_eq!(mm.design().names(), ["(Intercept)", "armtrt"]);
/// assert_eq!(mm.term_labels(), ["arm"]);
/// assert_eq!(mm.assign(), [0, 1]);
/// assert_eq!(mm.offset().map(|o| o[0]), Some(10f64.ln()));
/// assert_eq!(mm.response_name(), Some("count"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMatrix {
    design: Design,
    response: Option<(String, Response)>,
    offset: Option<DVector<f64>>,
    rows: Vec<usize>,
    dropped: Vec<usize>,
    term_labels: Vec<String>,
    assign: Vec<usize>,
}

impl ModelMatrix {
    /// The design, with R's column names and the intercept (if any) declared.
    #[must_use]
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// The response, or `None` for a one-sided formula `~ x`.
    #[must_use]
    pub fn response(&self) -> Option<&Response> {
        self.response.as_ref().map(|(_, r)| r)
    }

    /// The response's expression as R deparses it (`log(y)`, `cbind(s, f)`).
    #[must_use]
    pub fn response_name(&self) -> Option<&str> {
        self.response.as_ref().map(|(name, _)| name.as_str())
    }

    /// The sum of the `offset(…)` terms, if the formula has any.
    #[must_use]
    pub fn offset(&self) -> Option<&DVector<f64>> {
        self.offset.as_ref()
    }

    /// The frame rows (0-based) behind the design's rows, in order.
    #[must_use]
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The frame rows dropped for a missing value (R's `na.action`), in order.
    #[must_use]
    pub fn dropped(&self) -> &[usize] {
        &self.dropped
    }

    /// The term labels in order (`x1`, `g`, `x1:g`), without the intercept.
    #[must_use]
    pub fn term_labels(&self) -> &[String] {
        &self.term_labels
    }

    /// For each design column, its term: 0 for the intercept, `k` for `term_labels()[k - 1]`
    /// (R's `attr(X, "assign")`).
    #[must_use]
    pub fn assign(&self) -> &[usize] {
        &self.assign
    }
}

impl Frame {
    /// Evaluates the model formula `formula` on the frame: R's `model.matrix` with treatment
    /// contrasts, and the response, offset and rows of `model.frame`.
    ///
    /// The intercept comes first, then the terms by order (main effects, then two-way
    /// interactions, …), in order of appearance within an order. A numeric variable gives one
    /// column named as R deparses it (`log(x2)`, `I(x^2)`); `poly(x, k)` gives `k` columns
    /// `poly(x, k)1`…; a categorical variable gives one indicator per level but the reference
    /// (`firmChrysler`), or per level when R's rule wants full coding (an interaction whose main
    /// effect is absent, or the first factor of a model without intercept); an interaction's
    /// columns are the products of its variables' columns, named with `:`, the first variable
    /// varying fastest. Levels are those present in the rows used, sorted by their bytes,
    /// with the reference chosen by [`Frame::with_reference`] first.
    ///
    /// Rows with a missing value in any variable of the formula are dropped (reported by
    /// [`ModelMatrix::dropped`]) or an error, as `options` says. `poly()` is computed on the
    /// rows used, so its columns are orthonormal there (R computes it before dropping rows;
    /// the two agree when no row is dropped).
    ///
    /// # Cost
    /// One pass over the rows per variable, `O(m·p)` to fill the `m×p` design.
    ///
    /// # Errors
    /// [`Error::Syntax`]; [`Error::UnknownVariable`] with the closest column name;
    /// [`Error::ResponseOnRightSide`]; [`Error::ResponseAllMissing`]; [`Error::Missing`] under
    /// [`NaAction::Fail`]; [`Error::NoCompleteRows`]; [`Error::NotNumeric`] for a categorical
    /// column in arithmetic or as the response; [`Error::OutOfDomain`] (`log` of a value ≤ 0,
    /// naming the row); [`Error::NonFinite`]; [`Error::PolyDegree`]; [`Error::SingleLevel`];
    /// [`Error::Design`] when `lsq` rejects the matrix (no columns, as `y ~ 0`).
    ///
    /// # Examples
    ///
    /// ```
    /// use frame::{DesignOptions, Frame, Response};
    ///
    /// let frame = Frame::new()
    ///     .with_numeric_missing("y", [Some(1.0), Some(2.0), None, Some(4.0), Some(3.0)])?
    ///     .with_numeric("x", [1.0, 2.0, 3.0, 4.0, 8.0])?
    ///     .with_categorical("g", ["a", "b", "a", "c", "b"])?;
    /// let mm = frame.design("y ~ log(x) * g", &DesignOptions::default())?;
    /// assert_eq!(
    ///     mm.design().names(),
    ///     ["(Intercept)", "log(x)", "gb", "gc", "log(x):gb", "log(x):gc"]
    /// );
    /// assert_eq!(mm.design().intercept_column(), Some(0));
    /// assert_eq!(mm.dropped(), [2]);
    /// assert_eq!(mm.rows(), [0, 1, 3, 4]);
    /// assert!(matches!(mm.response(), Some(Response::Vector(y)) if y.len() == 4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn design(&self, formula: &str, options: &DesignOptions) -> Result<ModelMatrix> {
        let parsed = parse(formula)?;
        let t = terms(&parsed)?;

        // Every column the formula mentions, response first, checked to exist.
        let mut response_columns = Vec::new();
        if let Some(response) = &t.response {
            column_names(response, &mut response_columns);
        }
        let mut mentioned = response_columns.clone();
        t.variables.iter().chain(&t.offsets).for_each(|v| column_names(v, &mut mentioned));
        let mut columns: Vec<usize> = Vec::new();
        for (name, span) in &mentioned {
            let j = self.index(name).map_err(|_| unknown(formula, name, *span, self))?;
            if !columns.contains(&j) {
                columns.push(j);
            }
        }

        let rows = self.complete_rows(t.response.as_ref(), &response_columns, &columns, options)?;
        let mut kept = vec![false; self.nrows()];
        for &i in &rows {
            kept[i] = true;
        }
        let dropped: Vec<usize> = (0..self.nrows()).filter(|&i| !kept[i]).collect();

        let response = t.response.as_ref().map(|r| self.response(r, &rows)).transpose()?;
        let offset = self.offset(&t.offsets, &rows)?;

        // Only variables that some term uses are evaluated (`y ~ a*b - a` keeps `a` in the
        // model frame for missing values but not in the design).
        let used: Vec<bool> = (0..t.variables.len())
            .map(|j| t.term_sets.iter().any(|term| term.contains(&j)))
            .collect();
        let mut values: Vec<Option<Value>> = Vec::with_capacity(t.variables.len());
        for (v, &u) in t.variables.iter().zip(&used) {
            values.push(if u { Some(evaluate(v, self, &rows)?) } else { None });
        }
        let is_factor: Vec<bool> =
            values.iter().map(|v| matches!(v, Some(Value::Factor { .. }))).collect();
        let codes = coding(&t.term_sets, &is_factor, t.intercept);

        let m = rows.len();
        let mut names: Vec<String> = Vec::new();
        let mut data: Vec<Vec<f64>> = Vec::new();
        let mut assign: Vec<usize> = Vec::new();
        if t.intercept {
            names.push(lsq::INTERCEPT_NAME.to_owned());
            data.push(vec![1.0; m]);
            assign.push(0);
        }
        let mut term_labels = Vec::with_capacity(t.term_sets.len());
        for (k, (term, code)) in t.term_sets.iter().zip(&codes).enumerate() {
            let labels: Vec<String> = term.iter().map(|&j| t.variables[j].to_string()).collect();
            term_labels.push(labels.join(":"));
            let mut product: Vec<(String, Vec<f64>)> = vec![(String::new(), vec![1.0; m])];
            for (&j, &c) in term.iter().zip(code) {
                let factor_columns = match &values[j] {
                    Some(value) => variable_columns(value, &t.variables[j].to_string(), c),
                    None => Vec::new(),
                };
                product = factor_columns
                    .iter()
                    .flat_map(|(name, col)| {
                        product.iter().map(move |(left, acc)| {
                            let joined = if left.is_empty() {
                                name.clone()
                            } else {
                                format!("{left}:{name}")
                            };
                            (joined, acc.iter().zip(col).map(|(a, b)| a * b).collect())
                        })
                    })
                    .collect();
            }
            for (name, col) in product {
                names.push(name);
                data.push(col);
                assign.push(k + 1);
            }
        }

        let matrix = DMatrix::from_fn(m, data.len(), |i, j| data[j][i]);
        let mut design = Design::new(matrix).map_err(Error::Design)?;
        if t.intercept {
            design = design.with_intercept_column(0).map_err(Error::Design)?;
        }
        let design = design.with_names(names).map_err(Error::Design)?;
        Ok(ModelMatrix { design, response, offset, rows, dropped, term_labels, assign })
    }

    /// The rows with no missing value in `columns`, or the error the options ask for.
    fn complete_rows(
        &self,
        response: Option<&Expr>,
        response_columns: &[(String, Span)],
        columns: &[usize],
        options: &DesignOptions,
    ) -> Result<Vec<usize>> {
        let response_missing = |i: usize| {
            response_columns
                .iter()
                .any(|(name, _)| self.index(name).is_ok_and(|j| self.column_at(j).is_missing(i)))
        };
        if let Some(r) = response
            && self.nrows() > 0
            && (0..self.nrows()).all(response_missing)
        {
            return Err(Error::ResponseAllMissing { response: r.to_string() });
        }
        let mut rows = Vec::with_capacity(self.nrows());
        for i in 0..self.nrows() {
            match columns.iter().find(|&&j| self.column_at(j).is_missing(i)) {
                None => rows.push(i),
                Some(&j) if options.na_action == NaAction::Fail => {
                    return Err(Error::Missing { column: self.names()[j].clone(), row: i });
                }
                Some(_) => {}
            }
        }
        if rows.is_empty() {
            return Err(Error::NoCompleteRows { rows: self.nrows() });
        }
        Ok(rows)
    }

    /// The response on `rows`: `cbind(a, b)` or a numeric expression.
    fn response(&self, expr: &Expr, rows: &[usize]) -> Result<(String, Response)> {
        let name = expr.to_string();
        let response = match expr {
            Expr::Call { func: Func::Cbind, args, .. } => Response::Binomial {
                successes: DVector::from_vec(numeric(&args[0], self, rows, &name)?),
                failures: DVector::from_vec(numeric(&args[1], self, rows, &name)?),
            },
            _ => Response::Vector(DVector::from_vec(numeric(expr, self, rows, &name)?)),
        };
        Ok((name, response))
    }

    /// The sum of the offsets on `rows`, or `None` without offsets.
    fn offset(&self, offsets: &[Expr], rows: &[usize]) -> Result<Option<DVector<f64>>> {
        let mut total: Option<DVector<f64>> = None;
        for expr in offsets {
            let label = format!("offset({expr})");
            let v = DVector::from_vec(numeric(expr, self, rows, &label)?);
            total = Some(match total {
                Some(t) => t + v,
                None => v,
            });
        }
        if let Some(t) = &total
            && let Some(k) = t.iter().position(|v| !v.is_finite())
        {
            return Err(Error::NonFinite {
                expression: "the sum of the offsets".into(),
                row: rows[k],
            });
        }
        Ok(total)
    }
}

/// The named columns a variable contributes to a term under `coding`.
fn variable_columns(value: &Value, label: &str, coding: Coding) -> Vec<(String, Vec<f64>)> {
    match value {
        Value::Numeric(columns) => columns.clone(),
        Value::Factor { codes, levels } => {
            let skip = usize::from(coding == Coding::Contrasts);
            (skip..levels.len())
                .map(|l| {
                    let indicator = codes.iter().map(|&c| if c == l { 1.0 } else { 0.0 }).collect();
                    (format!("{label}{}", levels[l]), indicator)
                })
                .collect()
        }
    }
}

fn unknown(formula: &str, name: &str, span: Span, frame: &Frame) -> Error {
    Error::UnknownVariable {
        formula: formula.to_owned(),
        span,
        name: name.to_owned(),
        suggestion: closest(name, frame.names().iter().map(String::as_str)),
    }
}

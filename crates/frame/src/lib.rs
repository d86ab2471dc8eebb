//! Data frames and R model formulas for `lsq` and `glm`.
//!
//! A [`Frame`] holds named numeric and categorical [`Column`]s with missing values, built in
//! memory or read from CSV ([`Frame::from_reader`], [`Frame::from_path`]). [`Frame::design`]
//! evaluates an R model formula on it into a [`ModelMatrix`]: an [`lsq::Design`] with R's
//! column names and the intercept declared, the response (a vector, or the two columns of
//! `cbind(successes, failures)`), the offset and the rows used.
//!
//! Formulas ([`parse`]) have R's syntax: `y ~ x1 + log(x2) + g + x1:g - 1`, `+ 0` and `- 1`,
//! `1`, the transforms `log`, `exp`, `sqrt`, `I(…)` with `+ - * / ^` and numbers inside,
//! `poly(x, k)` (orthogonal polynomials as R's), `factor(x)` (a numeric column's distinct
//! values as levels, sorted by value, the smallest the reference), `a:b` and `a*b`,
//! `offset(…)`, and `cbind(s, f) ~ …`. Categorical variables get treatment contrasts with R's level order
//! (sorted; [`Frame::with_reference`] chooses the reference as R's `relevel`), R's names
//! (`firmChrysler`, `x1:gB`) and R's rule for interactions whose main effect is absent.
//!
//! # Example
//!
//! ```
//! use frame::{CsvOptions, DesignOptions, Frame, Response};
//!
//! let csv = "cost,size,region\n10.5,2.0,north\n12.1,3.0,south\n9.8,1.5,east\n\
//!            14.0,4.5,south\n11.2,2.5,north\nNA,3.5,east\n10.1,2.2,east\n";
//! let frame = Frame::from_reader(csv.as_bytes(), &CsvOptions::default())?
//!     .with_reference("region", "north")?;
//! let mm = frame.design("log(cost) ~ size + region", &DesignOptions::default())?;
//! assert_eq!(mm.design().names(), ["(Intercept)", "size", "regioneast", "regionsouth"]);
//! assert_eq!(mm.dropped(), [5]);
//! let Some(Response::Vector(y)) = mm.response() else { unreachable!() };
//! let fit = lsq::fit(mm.design(), y, &lsq::FitOptions::default())?;
//! assert_eq!(fit.coefficients().len(), 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With the `serde` feature, [`Frame`], [`Column`], [`Span`], [`CsvOptions`], [`DesignOptions`]
//! and [`NaAction`] implement `Serialize` and `Deserialize`.
//!
//! # Numerical notes
//!
//! - No value that is not finite enters a frame: the CSV reader reads `Inf`, `NaN` and
//!   overflowing numbers as text, in-memory columns reject them, and a transform that leaves
//!   the reals (`log` of a value ≤ 0, `sqrt` of a negative, division by zero, overflow) is an
//!   error naming the row.
//! - `poly(x, k)` builds orthonormal columns by the three-term recurrence on centred `x`
//!   (re-orthogonalised once), so its block of the design has condition number 1 and needs no
//!   extended precision. `lsq::Design::polynomial`'s double-double recipe is for raw powers
//!   `xᵏ`, which formulas do not build (`I(x^2)` is an ordinary column rounded to `f64`).
//! - Levels sort by bytes, R's order in the C locale (`US Steel` before `Union Oil`); R in an
//!   English locale may order some levels differently, which changes column order but not
//!   names or fits.

mod column;
mod csv;
mod error;
mod eval;
mod formula;
mod frame;
mod model_matrix;
mod poly;
mod span;
mod suggest;
mod terms;

/// `lsq`, re-exported so that one dependency line gives the design and the solvers.
pub use lsq;
/// The matrix and vector types of every signature here.
pub use lsq::nalgebra;

pub use crate::csv::{CsvOptions, NA};
pub use column::Column;
pub use error::{Error, Result};
pub use formula::ast::{BinOp, Expr, Formula, Func, TermNode};
pub use formula::parser::{MAX_DEPTH, MAX_POLY_DEGREE, MAX_TOKENS, parse};
pub use frame::Frame;
pub use model_matrix::{DesignOptions, ModelMatrix, NaAction, Response};
pub use span::Span;

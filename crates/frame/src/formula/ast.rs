//! The formula's syntax tree: [`Formula`], its right-hand side [`TermNode`] and the arithmetic
//! [`Expr`] of variables, each node with its [`Span`]; `Display` deparses as R does.

use std::fmt;

use crate::span::Span;

/// A parsed model formula `response ~ terms`.
///
/// # Examples
///
/// ```
/// use frame::{Expr, Func, TermNode, parse};
///
/// let f = parse("cbind(s, f) ~ I(dose^2)")?;
/// assert!(matches!(f.response, Some(Expr::Call { func: Func::Cbind, .. })));
/// let TermNode::Var(term) = &f.rhs else { unreachable!() };
/// // `Display` is R's deparse, which names the column; spans index the text.
/// assert_eq!(term.to_string(), "I(dose^2)");
/// assert_eq!(&f.text[term.span().start..term.span().end], "I(dose^2)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The formula's text.
    pub text: String,
    /// The left-hand side, if any (`cbind(s, f)` is an [`Expr::Call`] of [`Func::Cbind`]).
    pub response: Option<Expr>,
    /// The right-hand side.
    pub rhs: TermNode,
}

/// The right-hand side of a formula: terms combined with R's formula operators.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TermNode {
    /// `0`: no intercept.
    Zero(Span),
    /// `1`: the intercept.
    One(Span),
    /// A variable: a column, a transform of columns, `poly(x, k)` or `offset(…)`.
    Var(Expr),
    /// `a + b`.
    Add(Box<TermNode>, Box<TermNode>),
    /// `a - b`: the terms of `a` without those of `b`.
    Sub(Box<TermNode>, Box<TermNode>),
    /// `-a` at the start of a sum.
    Neg(Box<TermNode>),
    /// `a:b`: the interactions of the terms of `a` with those of `b`.
    Colon(Box<TermNode>, Box<TermNode>),
    /// `a*b`: `a + b + a:b`.
    Star(Box<TermNode>, Box<TermNode>),
}

/// A function a formula may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Func {
    /// Natural logarithm.
    Log,
    /// Exponential.
    Exp,
    /// Square root.
    Sqrt,
    /// `I(…)`: arithmetic taken literally.
    Identity,
    /// `poly(x, k)`: orthogonal polynomials of degree 1 to `k`.
    Poly,
    /// `offset(…)`: a known term with coefficient 1.
    Offset,
    /// `factor(x)`: column `x` as categorical (numbers become levels sorted by value).
    Factor,
    /// `cbind(successes, failures)`: a binomial response.
    Cbind,
}

impl Func {
    /// The function's name in R.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Func::Log => "log",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Identity => "I",
            Func::Poly => "poly",
            Func::Offset => "offset",
            Func::Factor => "factor",
            Func::Cbind => "cbind",
        }
    }
}

/// An arithmetic operator inside a function call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `^`.
    Pow,
}

/// An arithmetic expression: what a variable of the formula is made of.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// A number literal.
    Number {
        /// Its value.
        value: f64,
        /// Where it is.
        span: Span,
    },
    /// A column name (backticks removed).
    Name {
        /// The name.
        name: String,
        /// Where it is.
        span: Span,
    },
    /// `-a`.
    Neg {
        /// The operand.
        arg: Box<Expr>,
        /// Where the expression is.
        span: Span,
    },
    /// `(a)`, kept because R keeps it in names.
    Paren {
        /// The inner expression.
        inner: Box<Expr>,
        /// Where the expression is, parentheses included.
        span: Span,
    },
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
        /// Where the expression is.
        span: Span,
    },
    /// `f(args)`.
    Call {
        /// The function.
        func: Func,
        /// Its arguments.
        args: Vec<Expr>,
        /// Where the call is.
        span: Span,
    },
}

impl Expr {
    /// Where the expression is in the formula.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Expr::Number { span, .. }
            | Expr::Name { span, .. }
            | Expr::Neg { span, .. }
            | Expr::Paren { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Call { span, .. } => *span,
        }
    }
}

/// R's deparse: `log(x)`, `I(x^2)`, `I(a * b)`, `I(a/b)`, `poly(x, 2)`, non-syntactic names in
/// backticks.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number { value, .. } => f.write_str(&format_number(*value)),
            Expr::Name { name, .. } if is_syntactic(name) => f.write_str(name),
            Expr::Name { name, .. } => write!(f, "`{name}`"),
            Expr::Neg { arg, .. } => write!(f, "-{arg}"),
            Expr::Paren { inner, .. } => write!(f, "({inner})"),
            Expr::Binary { op, lhs, rhs, .. } => {
                let op = match op {
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    BinOp::Mul => " * ",
                    BinOp::Div => "/",
                    BinOp::Pow => "^",
                };
                write!(f, "{lhs}{op}{rhs}")
            }
            Expr::Call { func, args, .. } => {
                write!(f, "{}(", func.name())?;
                for (k, arg) in args.iter().enumerate() {
                    if k > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Whether R writes `name` without backticks: letters, digits, `.` and `_`, starting with a
/// letter or with a `.` not followed by a digit, and not a reserved word.
pub(crate) fn is_syntactic(name: &str) -> bool {
    const RESERVED: [&str; 10] =
        ["if", "else", "for", "while", "function", "TRUE", "FALSE", "NULL", "NA", "Inf"];
    let mut chars = name.chars();
    let first_ok = match chars.next() {
        Some('.') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_alphabetic(),
        None => false,
    };
    first_ok
        && name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_')
        && !RESERVED.contains(&name)
}

/// A number as R deparses it: 15 significant digits, fixed or scientific notation whichever is
/// shorter, a two-digit signed exponent (`2`, `0.5`, `1e-10`, `1.5e+20`).
pub(crate) fn format_number(value: f64) -> String {
    let sci = format!("{value:.14e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let scientific = format!(
        "{mantissa}e{}{:02}",
        if exponent < 0 { '-' } else { '+' },
        exponent.unsigned_abs()
    );
    // The value rounded to 15 significant digits, written in fixed notation.
    let rounded: f64 = sci.parse().unwrap_or(value);
    let fixed = format!("{rounded}");
    if fixed.len() <= scientific.len() { fixed } else { scientific }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_deparse_as_in_r() {
        for (value, text) in [
            (2.0, "2"),
            (0.5, "0.5"),
            (1e-10, "1e-10"),
            (1.5e20, "1.5e+20"),
            (100_000.0, "1e+05"),
            (123_456.0, "123456"),
            (0.1 + 0.2, "0.3"),
        ] {
            assert_eq!(format_number(value), text);
        }
    }

    #[test]
    fn names_need_backticks_unless_syntactic() {
        assert!(is_syntactic("x.1_a"));
        assert!(is_syntactic(".x"));
        assert!(!is_syntactic(".1x"));
        assert!(!is_syntactic("my var"));
        assert!(!is_syntactic("1x"));
        assert!(!is_syntactic("TRUE"));
    }
}

//! Recursive-descent parser from tokens to the [`Formula`] syntax tree, with R's precedence:
//! in terms `+ -` < `*` < `:`; in arithmetic `+ -` < `* /` < unary `-` < `^` (right
//! associative).

use crate::error::{Error, Result};
use crate::formula::ast::{BinOp, Expr, Formula, Func, TermNode};
use crate::formula::lexer::{Tok, Token, lex};
use crate::span::Span;

/// Deepest nesting of parentheses, calls and unary operators accepted, so that hostile input
/// cannot overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// Most tokens (names, numbers, operators, parentheses) a formula may have: long sums build
/// deep trees, and this bound keeps every recursion over them far from the stack's end.
pub const MAX_TOKENS: usize = 2_000;

/// Largest degree accepted in `poly(x, k)`.
pub const MAX_POLY_DEGREE: usize = 50;

/// Parses an R model formula such as `y ~ x1 + log(x2) + g + x1:g - 1`.
///
/// Terms are column names (in backticks when not syntactic), `0`, `1`, `log`, `exp`, `sqrt`
/// and `I` of arithmetic (`+ - * / ^`, numbers, parentheses), `poly(x, k)`, `factor(x)` and
/// `offset(…)`, combined with `+`, `-`, `:` and `*`; the left-hand side is arithmetic or
/// `cbind(a, b)`.
///
/// # Errors
/// [`Error::Syntax`] with the span of the offending text: an unexpected character or token, a
/// missing `~` or `)`, an unknown function, a wrong number of arguments, a number other than 0
/// or 1 as a term, `0`/`1` inside an interaction, formula operators R has but this crate does
/// not (`/`, `^`, `%in%`), or nesting deeper than [`MAX_DEPTH`].
///
/// # Examples
///
/// ```
/// use frame::{TermNode, parse};
///
/// let formula = parse("y ~ x + log(z)")?;
/// assert_eq!(formula.response.as_ref().map(ToString::to_string).as_deref(), Some("y"));
/// assert!(matches!(formula.rhs, TermNode::Add(..)));
/// let err = parse("y ~ x +").unwrap_err();
/// assert_eq!(err.to_string(), "formula syntax error at column 8: expected a term, found the end of the formula\n  y ~ x +\n         ^");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(text: &str) -> Result<Formula> {
    let tokens = lex(text)?;
    if tokens.len() > MAX_TOKENS {
        return Err(Error::Syntax {
            formula: text.to_owned(),
            span: tokens[MAX_TOKENS].span,
            message: format!("the formula has more than {MAX_TOKENS} tokens"),
        });
    }
    let mut parser = Parser { text, tokens, pos: 0, depth: 0 };
    let response = if parser.peek() == &Tok::Tilde { None } else { Some(parser.response()?) };
    parser.expect(&Tok::Tilde, "`~`")?;
    let rhs = parser.sum()?;
    if parser.peek() != &Tok::Eof {
        return Err(parser.unexpected("`+`, `-`, `*`, `:` or the end of the formula"));
    }
    Ok(Formula { text: text.to_owned(), response, rhs })
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos.min(self.tokens.len() - 1)].span
    }

    fn next(&mut self) -> Token {
        let token = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        self.pos += 1;
        token
    }

    fn error(&self, span: Span, message: impl Into<String>) -> Error {
        Error::Syntax { formula: self.text.to_owned(), span, message: message.into() }
    }

    fn unexpected(&self, expected: &str) -> Error {
        let message = match self.peek() {
            Tok::Slash => "`/` (nesting) is not supported in formulas; write `a + a:b`".to_owned(),
            Tok::Caret => {
                "`^` is not supported between terms; write interactions out or use `I(x^2)`"
                    .to_owned()
            }
            tok => format!("expected {expected}, found {}", tok.describe()),
        };
        self.error(self.span(), message)
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<Span> {
        if self.peek() == tok { Ok(self.next().span) } else { Err(self.unexpected(what)) }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(self.span(), format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// The left-hand side: an arithmetic expression or `cbind(a, b)`.
    fn response(&mut self) -> Result<Expr> {
        if let Tok::Name(name) = self.peek()
            && name == "cbind"
            && self.tokens.get(self.pos + 1).is_some_and(|t| t.tok == Tok::LParen)
        {
            let name_span = self.next().span;
            return self.call(Func::Cbind, name_span);
        }
        self.expr()
    }

    /// `sum := ['-'|'+'] star (('+'|'-') star)*`
    fn sum(&mut self) -> Result<TermNode> {
        let mut node = match self.peek() {
            Tok::Minus => {
                self.next();
                TermNode::Neg(Box::new(self.star()?))
            }
            Tok::Plus => {
                self.next();
                self.star()?
            }
            _ => self.star()?,
        };
        loop {
            match self.peek() {
                Tok::Plus => {
                    self.next();
                    node = TermNode::Add(Box::new(node), Box::new(self.star()?));
                }
                Tok::Minus => {
                    self.next();
                    node = TermNode::Sub(Box::new(node), Box::new(self.star()?));
                }
                _ => return Ok(node),
            }
        }
    }

    /// `star := colon ('*' colon)*`
    fn star(&mut self) -> Result<TermNode> {
        let mut node = self.colon()?;
        while self.peek() == &Tok::Star {
            self.next();
            node = TermNode::Star(Box::new(node), Box::new(self.colon()?));
        }
        Ok(node)
    }

    /// `colon := term (':' term)*`
    fn colon(&mut self) -> Result<TermNode> {
        let mut node = self.term()?;
        while self.peek() == &Tok::Colon {
            self.next();
            node = TermNode::Colon(Box::new(node), Box::new(self.term()?));
        }
        Ok(node)
    }

    /// `term := '(' sum ')' | 0 | 1 | name | call`
    fn term(&mut self) -> Result<TermNode> {
        self.enter()?;
        let span = self.span();
        let node = match self.peek().clone() {
            Tok::LParen => {
                self.next();
                let inner = self.sum()?;
                self.expect(&Tok::RParen, "`)`")?;
                inner
            }
            Tok::Number(0.0) => {
                self.next();
                TermNode::Zero(span)
            }
            Tok::Number(1.0) => {
                self.next();
                TermNode::One(span)
            }
            Tok::Number(_) => {
                return Err(self.error(span, "only 0 or 1 can be a term; use I() for a constant"));
            }
            Tok::Name(_) => TermNode::Var(self.variable(true)?),
            _ => return Err(self.unexpected("a term")),
        };
        self.depth -= 1;
        Ok(node)
    }

    /// A name or a call; `poly()` and `offset()` only when `term` is true.
    fn variable(&mut self, term: bool) -> Result<Expr> {
        let token = self.next();
        let Tok::Name(name) = token.tok else {
            return Err(self.error(token.span, "expected a name"));
        };
        if name == "." {
            return Err(self
                .error(token.span, "`.` (every other column) is not supported; name the columns"));
        }
        if self.peek() != &Tok::LParen {
            return Ok(Expr::Name { name, span: token.span });
        }
        let func = match name.as_str() {
            "log" => Func::Log,
            "exp" => Func::Exp,
            "sqrt" => Func::Sqrt,
            "I" => Func::Identity,
            "poly" if term => Func::Poly,
            "offset" if term => Func::Offset,
            "factor" if term => Func::Factor,
            "poly" | "offset" | "factor" => {
                return Err(self.error(token.span, format!("`{name}()` must be a term of its own")));
            }
            "cbind" => {
                return Err(self.error(token.span, "`cbind()` belongs on the left of `~`"));
            }
            _ => {
                return Err(self.error(
                    token.span,
                    format!(
                        "unknown function `{name}`; supported: log, exp, sqrt, I, poly, factor, offset, cbind"
                    ),
                ));
            }
        };
        self.call(func, token.span)
    }

    /// The parenthesised arguments of `func`, whose name is at `name_span`.
    fn call(&mut self, func: Func, name_span: Span) -> Result<Expr> {
        self.enter()?;
        self.expect(&Tok::LParen, "`(`")?;
        let mut args = vec![self.expr()?];
        while self.peek() == &Tok::Comma {
            self.next();
            args.push(self.expr()?);
        }
        let close = self.expect(&Tok::RParen, "`,` or `)`")?;
        let span = name_span.to(close);
        let arity = match func {
            Func::Poly | Func::Cbind => 2,
            _ => 1,
        };
        if args.len() != arity {
            return Err(self.error(
                span,
                format!("`{}()` takes {arity} argument(s), found {}", func.name(), args.len()),
            ));
        }
        if func == Func::Poly {
            poly_degree(&args[1]).map_err(|message| self.error(args[1].span(), message))?;
        }
        if func == Func::Factor && !matches!(args[0], Expr::Name { .. }) {
            return Err(self.error(args[0].span(), "`factor()` takes a column name"));
        }
        self.depth -= 1;
        Ok(Expr::Call { func, args, span })
    }

    /// `expr := product (('+'|'-') product)*`
    fn expr(&mut self) -> Result<Expr> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.product()?;
            lhs = binary(op, lhs, rhs);
        }
    }

    /// `product := unary (('*'|'/') unary)*`
    fn product(&mut self) -> Result<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.unary()?;
            lhs = binary(op, lhs, rhs);
        }
    }

    /// `unary := '-' unary | power`
    fn unary(&mut self) -> Result<Expr> {
        if self.peek() == &Tok::Minus {
            self.enter()?;
            let start = self.next().span;
            let arg = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg { span: start.to(arg.span()), arg: Box::new(arg) });
        }
        self.power()
    }

    /// `power := primary ('^' unary)?`
    fn power(&mut self) -> Result<Expr> {
        let base = self.primary()?;
        if self.peek() != &Tok::Caret {
            return Ok(base);
        }
        self.next();
        self.enter()?;
        let exponent = self.unary()?;
        self.depth -= 1;
        Ok(binary(BinOp::Pow, base, exponent))
    }

    /// `primary := number | name | call | '(' expr ')'`
    fn primary(&mut self) -> Result<Expr> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Number(value) => {
                self.next();
                Ok(Expr::Number { value, span })
            }
            Tok::Name(_) => self.variable(false),
            Tok::LParen => {
                self.enter()?;
                self.next();
                let inner = self.expr()?;
                let close = self.expect(&Tok::RParen, "`)`")?;
                self.depth -= 1;
                Ok(Expr::Paren { inner: Box::new(inner), span: span.to(close) })
            }
            _ => Err(self.unexpected("a number, a name or `(`")),
        }
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span().to(rhs.span());
    Expr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs), span }
}

/// The degree of `poly(x, k)`: `k` must be an integer literal in `1..=MAX_POLY_DEGREE`.
pub(crate) fn poly_degree(arg: &Expr) -> std::result::Result<usize, String> {
    let degree = match arg {
        Expr::Number { value, .. } => {
            (1..=MAX_POLY_DEGREE).find(|&k| exact(k).total_cmp(value).is_eq())
        }
        _ => None,
    };
    degree.ok_or_else(|| {
        format!("the degree of `poly()` must be a whole number from 1 to {MAX_POLY_DEGREE}")
    })
}

/// `k` as an `f64`, exact for the small counts it is used for.
#[expect(clippy::cast_precision_loss, reason = "degrees are at most MAX_POLY_DEGREE")]
fn exact(k: usize) -> f64 {
    k as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_error(text: &str, column: usize, message: &str) {
        match parse(text) {
            Err(err @ Error::Syntax { .. }) => {
                let Error::Syntax { span, message: m, .. } = &err else { unreachable!() };
                assert_eq!(span.column(text), column, "{err}");
                assert!(m.contains(message), "{err}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn formulas_deparse_to_r_names() {
        let f = parse("log(y) ~ I(x^2) + I(a*b/c - -d) + poly(x,2) + sqrt((x + 1))").unwrap();
        assert_eq!(f.response.unwrap().to_string(), "log(y)");
        let mut names = Vec::new();
        let mut node = &f.rhs;
        while let TermNode::Add(lhs, rhs) = node {
            if let TermNode::Var(e) = rhs.as_ref() {
                names.push(e.to_string());
            }
            node = lhs;
        }
        if let TermNode::Var(e) = node {
            names.push(e.to_string());
        }
        names.reverse();
        assert_eq!(names, ["I(x^2)", "I(a * b/c - -d)", "poly(x, 2)", "sqrt((x + 1))"]);
    }

    #[test]
    fn syntax_errors_point_at_the_column() {
        check_error("y ~ x +", 8, "expected a term");
        check_error("y x", 3, "expected `~`");
        check_error("y ~ x / z", 7, "nesting");
        check_error("y ~ (x + z", 11, "expected `)`");
        check_error("y ~ foo(x)", 5, "unknown function `foo`");
        check_error("y ~ 2 + x", 5, "only 0 or 1");
        check_error("y ~ poly(x, 2.5)", 13, "whole number");
        check_error("y ~ log(x, 10)", 5, "takes 1 argument");
        check_error("y ~ x + cbind(a, b)", 9, "left of `~`");
        check_error("y ~ log(poly(x, 2))", 9, "term of its own");
        check_error("y ~ I(factor(x))", 7, "term of its own");
        check_error("y ~ .", 5, "not supported");
        check_error("y ~ x %in% g", 7, "unexpected character `%`");
        check_error("y ~ factor(log(x))", 12, "column name");
        check_error(&format!("y ~ {}x{}", "(".repeat(100), ")".repeat(100)), 69, "nesting");
    }
}

//! From a formula's syntax tree to R's terms: the distinct variables, the terms as sets of
//! variables sorted by order, the intercept, the offsets, and how each factor is coded.

use crate::error::{Error, Result};
use crate::formula::ast::{Expr, Formula, Func, TermNode};
use crate::span::Span;

/// The expanded model: R's `terms(formula)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Terms {
    /// The left-hand side.
    pub(crate) response: Option<Expr>,
    /// The distinct variables of the right-hand side other than offsets, in order of first
    /// appearance; a term refers to them by index.
    pub(crate) variables: Vec<Expr>,
    /// Each term's variables in increasing index, terms sorted by order (main effects first),
    /// in order of appearance within an order.
    pub(crate) term_sets: Vec<Vec<usize>>,
    /// Whether the model has an intercept.
    pub(crate) intercept: bool,
    /// The arguments of the `offset(…)` terms.
    pub(crate) offsets: Vec<Expr>,
}

/// How a variable enters a term (R's `attr(terms, "factors")`: 1 or 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// Treatment contrasts: one column per level but the reference.
    Contrasts,
    /// Indicator columns for every level.
    Full,
}

struct Expansion {
    terms: Vec<Vec<usize>>,
    intercept: Option<(bool, Span)>,
}

/// Expands `formula` into its terms as R's `terms.formula` does: `a + b` the union, `a - b`
/// the difference, `a:b` the pairwise unions, `a*b` as `a + b + a:b`; `0` and `- 1` remove
/// the intercept, `1` restores it; duplicates are dropped; terms are sorted by order, stably.
pub(crate) fn terms(formula: &Formula) -> Result<Terms> {
    let mut variables: Vec<Expr> = Vec::new();
    let expansion = expand(&formula.rhs, &mut variables, &formula.text)?;
    let mut terms = expansion.terms;
    terms.sort_by_key(Vec::len);

    // Offsets leave the term list; in an interaction they are an error.
    let is_offset = |j: usize| matches!(&variables[j], Expr::Call { func: Func::Offset, .. });
    let mut offsets = Vec::new();
    for term in &terms {
        match term.as_slice() {
            [j] if is_offset(*j) => {
                if let Expr::Call { args, .. } = &variables[*j] {
                    offsets.push(args[0].clone());
                }
            }
            _ => {
                if let Some(&j) = term.iter().find(|&&j| is_offset(j)) {
                    return Err(Error::Syntax {
                        formula: formula.text.clone(),
                        span: variables[j].span(),
                        message: "`offset()` cannot be part of an interaction".into(),
                    });
                }
            }
        }
    }
    terms.retain(|t| !(t.len() == 1 && is_offset(t[0])));

    if let Some(response) = &formula.response {
        let name = response.to_string();
        if variables.iter().any(|v| v.to_string() == name) {
            return Err(Error::ResponseOnRightSide { name });
        }
    }
    Ok(Terms {
        response: formula.response.clone(),
        variables,
        term_sets: terms,
        intercept: expansion.intercept.is_none_or(|(on, _)| on),
        offsets,
    })
}

fn expand(node: &TermNode, variables: &mut Vec<Expr>, text: &str) -> Result<Expansion> {
    Ok(match node {
        TermNode::Zero(span) => Expansion { terms: Vec::new(), intercept: Some((false, *span)) },
        TermNode::One(span) => Expansion { terms: Vec::new(), intercept: Some((true, *span)) },
        TermNode::Var(expr) => {
            let key = expr.to_string();
            let j = variables.iter().position(|v| v.to_string() == key).unwrap_or_else(|| {
                variables.push(expr.clone());
                variables.len() - 1
            });
            Expansion { terms: vec![vec![j]], intercept: None }
        }
        TermNode::Add(a, b) => {
            let (a, b) = (expand(a, variables, text)?, expand(b, variables, text)?);
            Expansion { terms: union(a.terms, b.terms), intercept: b.intercept.or(a.intercept) }
        }
        TermNode::Sub(a, b) => {
            let (a, b) = (expand(a, variables, text)?, expand(b, variables, text)?);
            let terms = a.terms.into_iter().filter(|t| !b.terms.contains(t)).collect();
            let intercept = b.intercept.map(|(on, span)| (!on, span)).or(a.intercept);
            Expansion { terms, intercept }
        }
        TermNode::Neg(b) => {
            let b = expand(b, variables, text)?;
            Expansion { terms: Vec::new(), intercept: b.intercept.map(|(on, span)| (!on, span)) }
        }
        TermNode::Colon(a, b) => {
            let (a, b) = (expand(a, variables, text)?, expand(b, variables, text)?);
            Expansion { terms: interact(&a, &b, text)?, intercept: None }
        }
        TermNode::Star(a, b) => {
            let (a, b) = (expand(a, variables, text)?, expand(b, variables, text)?);
            let product = interact(&a, &b, text)?;
            let intercept = b.intercept.or(a.intercept);
            Expansion { terms: union(union(a.terms, b.terms), product), intercept }
        }
    })
}

/// `a` followed by the terms of `b` not in `a`.
fn union(mut a: Vec<Vec<usize>>, b: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    for t in b {
        if !a.contains(&t) {
            a.push(t);
        }
    }
    a
}

/// Every term of `a` joined with every term of `b` (`a` in the outer loop, as R's
/// `InteractTerms`), duplicates dropped.
fn interact(a: &Expansion, b: &Expansion, text: &str) -> Result<Vec<Vec<usize>>> {
    if let Some((_, span)) = a.intercept.or(b.intercept) {
        return Err(Error::Syntax {
            formula: text.to_owned(),
            span,
            message: "`0` or `1` cannot be part of an interaction".into(),
        });
    }
    let mut terms = Vec::new();
    for ta in &a.terms {
        for tb in &b.terms {
            let mut t: Vec<usize> = ta.iter().chain(tb).copied().collect();
            t.sort_unstable();
            t.dedup();
            terms = union(terms, vec![t]);
        }
    }
    Ok(terms)
}

/// How each variable of each term is coded, by R's rule (Chambers & Hastie, *Statistical
/// Models in S*, p. 38, as `TermCode` in R's `model.c`): a factor in term `T` is coded by
/// contrasts when `T` without it is empty or contained in a preceding term, by indicators for
/// every level otherwise; without an intercept, the first factor of the first term holding a
/// factor gets indicators. `is_factor[j]` says whether variable `j` is categorical.
pub(crate) fn coding(
    terms: &[Vec<usize>],
    is_factor: &[bool],
    intercept: bool,
) -> Vec<Vec<Coding>> {
    let mut codes: Vec<Vec<Coding>> = terms
        .iter()
        .enumerate()
        .map(|(k, term)| {
            term.iter()
                .map(|&v| {
                    let rest: Vec<usize> = term.iter().copied().filter(|&u| u != v).collect();
                    let covered = rest.is_empty()
                        || terms[..k].iter().any(|t| rest.iter().all(|u| t.contains(u)));
                    if covered { Coding::Contrasts } else { Coding::Full }
                })
                .collect()
        })
        .collect();
    if !intercept {
        'search: for (k, term) in terms.iter().enumerate() {
            for (i, &v) in term.iter().enumerate() {
                if is_factor[v] {
                    codes[k][i] = Coding::Full;
                    break 'search;
                }
            }
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::parser::parse;

    /// The term labels (variables joined by `:`) and the intercept of `text`.
    #[track_caller]
    fn check(text: &str, labels: &[&str], intercept: bool) {
        let t = terms(&parse(text).unwrap()).unwrap();
        let found: Vec<String> = t
            .term_sets
            .iter()
            .map(|term| {
                term.iter().map(|&j| t.variables[j].to_string()).collect::<Vec<_>>().join(":")
            })
            .collect();
        assert_eq!(found, labels, "{text}");
        assert_eq!(t.intercept, intercept, "{text}");
    }

    #[test]
    fn expansion_follows_terms_formula() {
        check("y ~ x1 + log(x2) + g + x1:g - 1", &["x1", "log(x2)", "g", "x1:g"], false);
        check("y ~ a*b", &["a", "b", "a:b"], true);
        check("y ~ b:a + a", &["a", "b:a"], true);
        check("y ~ (a + b):c", &["a:c", "b:c"], true);
        check("y ~ a*b*c - a:b:c", &["a", "b", "c", "a:b", "a:c", "b:c"], true);
        check("y ~ 0 + x", &["x"], false);
        check("y ~ -1 + x", &["x"], false);
        check("y ~ x + 0 + 1", &["x"], true);
        check("y ~ x + x + x:x", &["x"], true);
        check("y ~ 1", &[], true);
        check("y ~ a*b - a", &["b", "a:b"], true);
        // Variables are numbered by first appearance, so `g:x` keeps `g` first.
        check("y ~ g + x + x:g", &["g", "x", "g:x"], true);
    }

    #[test]
    fn offsets_leave_the_terms() {
        let t = terms(&parse("y ~ x + offset(log(t)) + offset(z)").unwrap()).unwrap();
        assert_eq!(t.term_sets.len(), 1);
        let offsets: Vec<String> = t.offsets.iter().map(ToString::to_string).collect();
        assert_eq!(offsets, ["log(t)", "z"]);
        assert!(matches!(terms(&parse("y ~ x:offset(z)").unwrap()), Err(Error::Syntax { .. })));
        assert!(matches!(
            terms(&parse("y ~ x + y").unwrap()),
            Err(Error::ResponseOnRightSide { .. })
        ));
        assert!(matches!(terms(&parse("y ~ x:1").unwrap()), Err(Error::Syntax { .. })));
    }

    #[test]
    fn coding_follows_r_for_absent_main_effects() {
        use Coding::{Contrasts as C, Full as F};
        // y ~ x + x:g (x = 0, g = 1): g by contrasts in x:g because x precedes; x is marked
        // full because g does not (R's factors matrix says 2 too), which no numeric column
        // notices.
        assert_eq!(coding(&[vec![0], vec![0, 1]], &[false, true], true), [vec![C], vec![F, C]]);
        // y ~ x:g: no x term, so g gets every level.
        assert_eq!(coding(&[vec![0, 1]], &[false, true], true), [vec![F, F]]);
        // y ~ g + h + g:h: contrasts everywhere.
        let codes = coding(&[vec![0], vec![1], vec![0, 1]], &[true, true], true);
        assert_eq!(codes, [vec![C], vec![C], vec![C, C]]);
        // y ~ g:h: h's main effect is absent, so g gets full coding; g's too, so h does.
        assert_eq!(coding(&[vec![0, 1]], &[true, true], true), [vec![F, F]]);
        // y ~ x + g - 1: the first factor gets every level.
        assert_eq!(coding(&[vec![0], vec![1]], &[false, true], false), [vec![C], vec![F]]);
    }
}

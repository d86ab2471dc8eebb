//! Detection of (quasi-)complete separation, where the maximum-likelihood estimate does not
//! exist because the coefficients can run off to infinity along a direction that fits some
//! observations exactly.
//!
//! # The rule
//!
//! Let `sᵢ` be the sign of the infinite `η` that the link sends observation `i`'s end of the
//! response range to: the lower end (`y = 0` for the binomial, Poisson and negative binomial)
//! lies at `η = −∞` under the log, logit, probit and cloglog links and at `+∞` under the inverse
//! and inverse-squared links, whose means fall as `η` rises; the upper end (`y = 1` for the
//! binomial) lies at `+∞` under the logit, probit and cloglog links. `sᵢ = 0` for the other
//! observations and under the other links. The data are separated when a
//! direction `d ≠ 0` exists with `sᵢ·xᵢᵀd ≥ 0` for every observation with `sᵢ ≠ 0` and
//! `xᵢᵀd = 0` for the others (Albert & Anderson, 1984; for counts Santos Silva & Tenreyro,
//! 2010): along `d` the likelihood rises forever.
//!
//! Under separation each IRLS step moves the separated observations further towards the
//! boundary, while R's deviance criterion is met anyway because their fitted means are already
//! within `10⁻⁸` or so of it. Near the boundary the likelihood of a separated observation is
//! about its distance to the boundary (`μ` or `1 − μ`), whose logarithm is nearly linear in `η`
//! for the logit, log and probit links and both tails of the complementary log-log, so a Fisher
//! step multiplies that distance by about `1/e`. Under the inverse links the distance is a power
//! of `η` (`1/η`, `1/√η`) and a Fisher step multiplies `η` by a steady factor (2 and 3 for a full
//! step), so the distance shrinks by a steady fraction. A fit that has converged moves its
//! means by a relative amount of order `√tol`. After IRLS stops:
//!
//! 1. **Trigger.** The last step must have shrunk some observation's distance to its boundary
//!    by at least [`SEPARATION_MIN_SHRINK`] (a distance at or below [`PROBABILITY_FLOOR`],
//!    where the probability links hold their means, counts as having reached it).
//! 2. **Direct certificate.** The last step `d = θ_k − θ_{k−1}` is accepted as a separating
//!    direction if no observation moves the wrong way and no interior one moves, up to
//!    [`SEPARATION_DIRECTION_TOLERANCE`] of the largest movement `max |xᵢᵀd|`; the
//!    observations moving towards their boundary by more than that are the separated ones.
//! 3. **Projected certificate.** Otherwise the rest of the fit may still be converging (a
//!    non-canonical link converges linearly). The separated observations move by amounts of
//!    order one and the others by orders of magnitude less, so the observations are split at
//!    the largest ratio between consecutive sorted movements `|xᵢᵀd|`, if it exceeds
//!    [`SEPARATION_GAP`]. Every candidate above the split must be at its boundary end and move
//!    towards it; `d` is projected onto the null space of the other rows (by an SVD of those
//!    rows with relative rank tolerance `max(k, p)·ε`, columns scaled to unit norm), which
//!    removes their movement exactly, and the projection is checked as in step 2.
//!
//! A direction with `sᵢ·xᵢᵀd′ ≥ 0` for all observations (and `= 0` for interior ones), not all
//! zero, proves that the MLE does not exist, so the rule cannot report separation where there
//! is none beyond that rounding tolerance. It could miss separation if IRLS stopped before the
//! separated observations moved apart from the rest; on 300 random data sets (182 separated,
//! 46 of them quasi-completely; `tests/data/separation/`) it agreed with a linear-programming
//! test, including the separated sets, for the logit, probit and complementary log-log links.

use nalgebra::{DMatrix, DVector};

use crate::convergence::Outcome;
use crate::error::{Error, Iterate, Result};
use crate::family::Family;
use crate::link::{InfiniteEnds, PROBABILITY_FLOOR};
use crate::numeric::{count_to_f64, norm2};
use crate::problem::Problem;

/// By how much (as a fraction) the last IRLS step must shrink some observation's distance to
/// its boundary before separation is examined. Under separation the leading observation's
/// distance shrinks by about `1 − 1/e ≈ 0.63` per step under the exponential-tailed links, and
/// by 0.2 in a Bernoulli inverse-link fit whose steps R's rule halves to keep an observation at
/// `y = 1` inside the domain (`tests/hostile.rs`); after a converged step every mean moves by a
/// relative amount of order `√tol`.
const SEPARATION_MIN_SHRINK: f64 = 0.1;

/// The smallest ratio between consecutive sorted movements `|xᵢᵀd|` of the last IRLS step that
/// splits separated candidates from the rest, when the step itself is not a clean separating
/// direction because the rest of the fit is still converging. On the random test data
/// (`tests/data/separation/`) one quasi-separated complementary log-log fit needed this: its
/// separated observations moved by the full step and the others by at most `5.2e-6` of it,
/// a ratio of `1.9·10⁵`.
const SEPARATION_GAP: f64 = 100.0;

/// The rounding allowance of the certificate: after the projection, a candidate may move the
/// wrong way by at most this fraction of the largest movement, and moves by more than it to
/// count as separated. The projection leaves only rounding, of order `p·ε·κ` relative.
const SEPARATION_DIRECTION_TOLERANCE: f64 = 1e-6;

/// The last IRLS step and the fitted means before it.
#[derive(Debug, Clone)]
pub(crate) struct LastStep {
    /// `θ_k − θ_{k−1}` on the fitted columns.
    pub(crate) step: DVector<f64>,
    /// `μ` at `θ_{k−1}`; empty unless IRLS ran under R's rule, the only one whose separation
    /// check reads it.
    pub(crate) mu_before: DVector<f64>,
}

/// Returns [`Error::Separation`] when the last IRLS step certifies separation (see the module
/// documentation).
#[expect(clippy::float_cmp, reason = "a response at the boundary is exactly 0 or 1")]
pub(crate) fn check_separation(
    problem: &Problem<'_>,
    cols: &[usize],
    last: Option<&LastStep>,
    mu: &DVector<f64>,
    gamma: &DVector<f64>,
    history: &[f64],
) -> Result<()> {
    let Some(LastStep { step, mu_before }) = last else { return Ok(()) };
    let ends = boundary_sides(problem);
    if !ends.lower && !ends.upper {
        return Ok(());
    }
    // The end of the range each observation sits at: −1 the lower, +1 the upper, 0 neither.
    let end: Vec<f64> = problem
        .kept
        .iter()
        .map(|i| {
            let y = problem.y[i];
            if ends.lower && y == 0.0 {
                -1.0
            } else if ends.upper && y == 1.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    // sᵢ: the sign of the infinity of η at that end.
    let orientation = if ends.rising { 1.0 } else { -1.0 };
    let side: Vec<f64> = end.iter().map(|&e| e * orientation).collect();
    // 1. Trigger: some mean moved materially towards its boundary.
    let distance = |e: f64, m: f64| if e < 0.0 { m } else { 1.0 - m };
    let shrink = problem
        .kept
        .iter()
        .zip(&end)
        .filter(|&(_, &e)| e != 0.0)
        .map(|(i, &e)| {
            let (before, after) = (distance(e, mu_before[i]), distance(e, mu[i]));
            if after <= PROBABILITY_FLOOR { 1.0 } else { 1.0 - after / before }
        })
        .fold(0.0_f64, f64::max);
    if shrink < SEPARATION_MIN_SHRINK {
        return Ok(());
    }
    let rows = |d: &DVector<f64>| -> Vec<f64> {
        problem
            .kept
            .iter()
            .map(|i| cols.iter().zip(d.iter()).map(|(&j, &v)| problem.x[(i, j)] * v).sum())
            .collect()
    };
    let all = vec![true; side.len()];
    let moves = rows(step);
    // 2. The step itself, when the rest of the fit has converged well enough.
    let (direction, separated) = if let Some(separated) = certify(&moves, &side, &all) {
        (step.clone(), separated)
    } else {
        // 3. Candidates above the largest gap in the movements, the others' rows projected out.
        let candidate = split_at_gap(&moves);
        if candidate.iter().zip(&side).zip(&moves).any(|((&c, &s), &d)| c && s * d <= 0.0) {
            return Ok(());
        }
        let rest: Vec<usize> = (0..moves.len()).filter(|&r| !candidate[r]).collect();
        let projected = project_out(problem, cols, step, &rest);
        let Some(separated) = certify(&rows(&projected), &side, &candidate) else {
            return Ok(());
        };
        (projected, separated)
    };
    let separated: Vec<usize> = separated.into_iter().map(|r| problem.kept.get(r)).collect();
    let direction = problem.expand(cols, &direction);
    let norm = norm2(direction.as_slice());
    Err(Error::Separation {
        complete: separated.len() == problem.observations(),
        observations: problem.observations(),
        separated,
        direction: direction / norm,
        last: Box::new(Iterate {
            coefficients: problem.expand(cols, gamma),
            history: history.to_vec(),
        }),
    })
}

/// Which ends of the response range the family and link can drive a mean to by diverging
/// coefficients: the ends whose observations can be separated.
fn boundary_sides(problem: &Problem<'_>) -> InfiniteEnds {
    let ends = problem.link.boundary_at_infinity();
    match problem.family {
        Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => ends,
        Family::Poisson | Family::QuasiPoisson | Family::NegativeBinomial { .. } => {
            InfiniteEnds { upper: false, ..ends }
        }
        Family::Gaussian | Family::Gamma | Family::InverseGaussian => {
            InfiniteEnds { lower: false, upper: false, ..ends }
        }
    }
}

/// How close to a boundary of the mean a fitted mean must come before a fit stopped by a rule
/// other than R's is checked for separation: on separated data the coefficients run off along
/// the separating direction until the standard errors, which grow like `1/√(μ(1 − μ))` (or
/// `1/√μ` for counts), make the step look small, so the separated means end up within rounding
/// of their boundary, far inside this; a mean that exists stays far outside it in practice.
pub(crate) const SEPARATION_SUSPICION: f64 = 1e-8;

/// Whether some fitted mean at `gamma` lies within [`SEPARATION_SUSPICION`] of a boundary that
/// separation could push it to ([`boundary_sides`]): only then can the fit be a separated one.
pub(crate) fn near_boundary(problem: &Problem<'_>, cols: &[usize], outcome: &Outcome) -> bool {
    let InfiniteEnds { lower, upper, .. } = boundary_sides(problem);
    if !lower && !upper {
        return false;
    }
    let evaluated;
    let mu = if let Some(e) = &outcome.evaluation {
        &e.mu
    } else {
        evaluated = problem.evaluate(cols, &outcome.gamma);
        &evaluated.mu
    };
    problem.kept.iter().any(|i| {
        (lower && mu[i] <= SEPARATION_SUSPICION) || (upper && 1.0 - mu[i] <= SEPARATION_SUSPICION)
    })
}

/// Whether the model can be separated at all (see [`boundary_sides`]): a discrete family with
/// a link that sends an end of its range to infinity.
pub(crate) fn separable(problem: &Problem<'_>) -> bool {
    let ends = boundary_sides(problem);
    ends.lower || ends.upper
}

/// The rows (indices into the kept rows) that `moves` separates, if it is a separating
/// direction up to [`SEPARATION_DIRECTION_TOLERANCE`]: candidates move towards their boundary
/// (or not at all), the others do not move, and some candidate moves.
fn certify(moves: &[f64], side: &[f64], candidate: &[bool]) -> Option<Vec<usize>> {
    let scale = moves.iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return None;
    }
    let slack = SEPARATION_DIRECTION_TOLERANCE * scale;
    let separating = (0..moves.len()).all(|r| {
        if candidate[r] && side[r] != 0.0 {
            side[r] * moves[r] >= -slack
        } else {
            moves[r].abs() <= slack
        }
    });
    let separated: Vec<usize> =
        (0..moves.len()).filter(|&r| candidate[r] && side[r] * moves[r] > slack).collect();
    (separating && !separated.is_empty()).then_some(separated)
}

/// Marks the entries above the largest ratio between consecutive sorted magnitudes, if that
/// ratio exceeds [`SEPARATION_GAP`]; otherwise all entries.
fn split_at_gap(moves: &[f64]) -> Vec<bool> {
    let mut sorted: Vec<f64> = moves.iter().map(|d| d.abs()).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut threshold = 0.0;
    let mut widest = SEPARATION_GAP;
    for pair in sorted.windows(2) {
        let ratio = pair[0] / pair[1].max(f64::MIN_POSITIVE);
        if ratio >= widest {
            widest = ratio;
            threshold = pair[1];
        }
    }
    moves.iter().map(|d| d.abs() > threshold).collect()
}

/// `d` minus its projection onto the row space of the rows `rest` (indices into the kept
/// rows) of the fitted columns, so that those rows' movements vanish. The columns are scaled
/// to unit norm first, so that the rank decision does not depend on their units.
fn project_out(
    problem: &Problem<'_>,
    cols: &[usize],
    d: &DVector<f64>,
    rest: &[usize],
) -> DVector<f64> {
    if rest.is_empty() {
        return d.clone();
    }
    let p = cols.len();
    let norms: Vec<f64> = cols
        .iter()
        .map(|&j| norm2(&problem.kept.iter().map(|i| problem.x[(i, j)]).collect::<Vec<_>>()))
        .map(|n| if n > 0.0 { n } else { 1.0 })
        .collect();
    let a = DMatrix::from_fn(rest.len(), p, |r, c| {
        problem.x[(problem.kept.get(rest[r]), cols[c])] / norms[c]
    });
    // e = D·d in the scaled coordinates, where rows of A·e are the movements.
    let mut e = DVector::from_fn(p, |c, _| d[c] * norms[c]);
    let svd = a.svd(false, true);
    let tol = count_to_f64(rest.len().max(p)) * f64::EPSILON * svd.singular_values.max();
    if let Some(v_t) = &svd.v_t {
        for (k, &sigma) in svd.singular_values.iter().enumerate() {
            if sigma > tol {
                let v = v_t.row(k).transpose();
                let along = v.dot(&e);
                e -= v * along;
            }
        }
    }
    DVector::from_fn(p, |c, _| e[c] / norms[c])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Control, Data, Family};
    use lsq::Design;
    use nalgebra::{dmatrix, dvector};

    /// The separation error of a Bernoulli fit of `y` on `[1, x]`.
    #[track_caller]
    fn check(x: &DMatrix<f64>, y: &DVector<f64>) -> (Design, Error) {
        let design = Design::with_intercept(x).unwrap();
        let err = crate::fit(&Data::new(&design, y), Family::Bernoulli, &Control::default())
            .expect_err("separated data");
        assert!(matches!(err, Error::Separation { .. }), "{err}");
        (design, err)
    }

    #[test]
    fn complete_separation_is_certified_by_a_unit_direction_within_the_tolerance() {
        // Under separation a step shrinks the distance to the boundary by about 1 − 1/e.
        assert!(1.0 - (-1.0_f64).exp() > SEPARATION_MIN_SHRINK);
        // y = 0 below x = 2.5 and 1 above.
        let y = dvector![0.0, 0.0, 1.0, 1.0];
        let (design, err) = check(&dmatrix![1.0; 2.0; 3.0; 4.0], &y);
        let Error::Separation { complete, direction, .. } = err else { unreachable!() };
        assert!(complete);
        assert!((direction.norm() - 1.0).abs() < 1e-12);
        // No observation moves away from its boundary by more than the tolerance allows.
        let moves = design.matrix() * &direction;
        let slack = SEPARATION_DIRECTION_TOLERANCE * moves.amax();
        assert!((0..4).all(|i| (2.0 * y[i] - 1.0) * moves[i] >= -slack));
    }

    #[test]
    fn quasi_complete_separation_splits_the_movements_at_a_wide_gap() {
        // At x = 3 both outcomes occur, elsewhere x decides.
        let y = dvector![0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let (design, err) = check(&dmatrix![1.0; 2.0; 3.0; 3.0; 4.0; 5.0], &y);
        let Error::Separation { complete, separated, direction, .. } = err else { unreachable!() };
        assert!(!complete);
        assert_eq!(separated, [0, 1, 4, 5]);
        // Along the direction the separated observations move; the two at x = 3 do not.
        let moves = (design.matrix() * &direction).abs();
        let least_separated = separated.iter().map(|&i| moves[i]).fold(f64::INFINITY, f64::min);
        assert!(least_separated > SEPARATION_GAP * moves[2].max(moves[3]));
    }
}

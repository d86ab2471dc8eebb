//! The digits estimate of [`crate::GlmFit::digits`]: how far the returned coefficients can be
//! from the exact optimum, through the iteration stopping early and through rounding.

use std::ops::Range;

use nalgebra::DVector;

use crate::blocks::{for_blocks_of, threads};

use crate::information::Scoring;
use crate::kept::Kept;
use crate::numeric::{F64_DIGITS, norm2};
use crate::problem::{Evaluation, Problem};

/// The multiple of the propagated rounding of [`estimated_digits`] that it counts as the
/// rounding error of a coefficient. The propagated value is Cauchy–Schwarz's bound for the
/// rounding of each `η_i` at one unit roundoff, which is reached when the roundings of the rows are
/// correlated (on a smooth covariate far from 0, for instance); the factor 2 covers the few
/// roundings more of a short dot product and of the working response. Measured against optima
/// polished in double-double (`tests/digits.rs`, `tests/reference.rs`), the estimate stays at
/// least 0.44 digits under the digits every fit has (the inverse Gaussian fit on a covariate
/// shifted by 10³, whose rounding the row-by-row root mean square underestimated tenfold), and
/// within 1.74 digits of them on every reference data set; a factor of 4 would leave the probit
/// reference 2.01 digits short.
const ROUNDING_FACTOR: f64 = 2.0;

/// The estimated correct significant digits of the coefficients `gamma` (on the columns `cols`,
/// caller's units) at the evaluation `e`, with `scores` the expected information factored there:
/// the least over the coefficients of `−log₁₀((t_j + ρ_j)/|γ′_j|)` in the equilibrated coordinates
/// `γ′ = γ/d` of [`Scoring`] (against `SE′_j` instead of `|γ′_j|` for a coefficient below
/// `10⁻⁶·SE′_j`, zero up to rounding), clamped to `[0, 15.65]`.
///
/// `t_j` is the truncation error of the iteration: `truncation` (IRLS's bound from its last step
/// and rate), or, without one (gradient ascent), twice the Fisher-scoring step from `gamma`,
/// which converges at least linearly from there.
///
/// `ρ_j` is the rounding error of the fixed point itself. The optimum solves `Aᵀr = 0` for the
/// working residual `r_i = √W_i·(y_i − μ_i)/(dμ/dη)_i` and `A = √W·X·diag(d)`; in floating point
/// the fixed point is where the computed score vanishes, so it moves by `C′Aᵀδ` for the rounding
/// `δ` of the weighted working response (`C′ = (AᵀA)⁻¹`). Each `η_i` is a dot product and carries
/// an error of about `ε·(Σ_k |x_ik·β_k| + |offset_i|)`, large where `η` cancels (Higham,
/// *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1), and the residual carries
/// `ε·|r_i|`. With `s_i = Σ_k |a_ik·γ′_k| + √W_i·|offset_i| + |r_i|` and `‖(C′Aᵀ)_j‖₂ = √C′_jj`,
/// Cauchy–Schwarz gives `ρ_j = c·ε·√C′_jj·‖s‖₂`: the coefficient's own conditioning, so a
/// well-determined coefficient is not charged for an ill-determined one, as a global `κ(A)`
/// would charge it, and the cancellation in `η`, which `κ(A)` does not see. The constant `c` is
/// [`ROUNDING_FACTOR`].
///
/// Cost `O(m·p)` for the `m` kept rows and `p` columns.
pub(crate) fn estimated_digits(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
    gamma: &DVector<f64>,
    truncation: Option<&DVector<f64>>,
    scores: &Scoring,
) -> f64 {
    let d = &scores.scales;
    // Per kept row, Σ_k |x_ik·β_k| column by column (in the order the column-major design is
    // stored) plus the offset and the working residual, times √W; in row blocks on every core
    // for a tall problem, each row's sum the same either way.
    let rows = |ks: Range<usize>, s: &mut [f64]| {
        for (&j, g) in cols.iter().zip(gamma.iter()) {
            let column = problem.x.column(j);
            if let Kept::All(_) = problem.kept {
                // Every row kept: the block's rows are a contiguous run of the column.
                for (t, &x) in s.iter_mut().zip(&column.as_slice()[ks.clone()]) {
                    *t += (x * g).abs();
                }
            } else {
                for (t, k) in s.iter_mut().zip(ks.clone()) {
                    *t += (column[problem.kept.get(k)] * g).abs();
                }
            }
        }
        for (t, k) in s.iter_mut().zip(ks) {
            let i = problem.kept.get(k);
            let (root, _, residual) = problem.irls_terms(e.eta[i], e.mu[i], i);
            *t = root * (*t + problem.offset[i].abs() + residual.abs());
        }
    };
    // A fused QR pass at the point formed the spread already (its block norms combined in
    // block order, so its last bits may differ from `norm2`'s).
    let formed = e.factor.as_ref().and_then(|f| f.spread);
    let spread = formed.unwrap_or_else(|| {
        let n = problem.kept.len();
        let mut s = vec![0.0_f64; n];
        if problem.is_tall() {
            for_blocks_of(&mut s, threads(), rows);
        } else {
            rows(0..n, &mut s);
        }
        norm2(&s)
    });
    let mut worst = 0.0_f64;
    for j in 0..cols.len() {
        let size_j = (gamma[j] / d[j]).abs();
        let se = scores.scaled_std_error(j);
        let t = truncation
            .map_or_else(|| 2.0 * (scores.fisher[j] - gamma[j]).abs() / d[j], |t| t[j] / d[j]);
        let rounding =
            ROUNDING_FACTOR * f64::EPSILON * scores.covariance[(j, j)].max(0.0).sqrt() * spread;
        let error = t + rounding;
        let size = if size_j >= 1e-6 * se { size_j } else { se };
        let relative = if error == 0.0 { 0.0 } else { error / size };
        worst = worst.max(if relative.is_nan() { f64::INFINITY } else { relative });
    }
    if worst == 0.0 { F64_DIGITS } else { (-worst.log10()).clamp(0.0, F64_DIGITS) }
}

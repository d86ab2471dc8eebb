//! The weighted least-squares problem of an IRLS step, solved by `lsq`'s QR in reused storage,
//! the covariance at the optimum in a form that no scaling of the columns can overflow, and the
//! mapping of `lsq`'s errors on the reduced design back to the design's columns.

use lsq::Solution;
use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::numeric::norm2;
use crate::problem::{Evaluation, Problem};

/// The weighted least-squares problem of `e` ([`Problem::weighted_problem`]) written into the
/// storage `a` and solved there by `lsq`'s QR, without a copy; the storage comes back beside
/// the solution for the next iteration. A design that fails the rank test is
/// [`Error::LeastSquares`] naming the aliased columns of the design.
pub(crate) fn solve_weighted(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
    mut a: DMatrix<f64>,
) -> Result<(Solution, DMatrix<f64>)> {
    let b = problem.weighted_problem(cols, e, &mut a);
    lsq::solve_in_place(a, &b, &lsq::FitOptions::default())
        .map_err(|err| relabel(err, cols, problem.names))
}

/// The unscaled covariance `(XᵀWX)⁻¹` at `e` on the columns `cols`, as `(C′, d)` with
/// `(XᵀWX)⁻¹ = D·C′·D` and `D = diag(d)`: `d` are the powers of two that bring the columns of
/// `√W·X` to unit norm (exactly, since they are powers of two), and `C′` is the covariance of
/// that equilibrated design, from its QR factor. Column units then cancel exactly: `C′` does not
/// change when a column is scaled by a power of two, and standard errors `d_j·√(φ·C′_jj)`
/// cannot overflow or underflow where `C_jj = d_j²·C′_jj` would (scales beyond `2^±511`).
pub(crate) fn scaled_covariance(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
) -> Result<(DMatrix<f64>, Vec<f64>)> {
    let mut a = DMatrix::zeros(0, 0);
    // Only the factor matters; a zero right-hand side cannot overflow.
    let _ = problem.weighted_problem(cols, e, &mut a);
    let b = DVector::zeros(a.nrows());
    let scales: Vec<f64> = a
        .column_iter()
        .map(|column| {
            let norm = norm2(&column.iter().copied().collect::<Vec<_>>());
            let scale = (-norm.log2().round()).exp2();
            if norm > 0.0 && norm.is_finite() && scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            }
        })
        .collect();
    for (mut column, &scale) in a.column_iter_mut().zip(&scales) {
        column *= scale;
    }
    let (solution, _) = lsq::solve_in_place(a, &b, &lsq::FitOptions::default())
        .map_err(|err| relabel(err, cols, problem.names))?;
    Ok((solution.unscaled_covariance()?, scales))
}

/// Maps column indices and names in an `lsq` error on the reduced design back to the design.
pub(crate) fn relabel(err: lsq::Error, cols: &[usize], names: &[String]) -> Error {
    let column = |j: usize| cols.get(j).copied().unwrap_or(j);
    let name = |j: usize| names.get(column(j)).cloned().unwrap_or_else(|| format!("x{}", j + 1));
    match err {
        lsq::Error::RankDeficient { rank, cols: n, tolerance, aliased, .. } => {
            Error::LeastSquares(lsq::Error::RankDeficient {
                rank,
                cols: n,
                tolerance,
                names: aliased.iter().map(|&j| name(j)).collect(),
                aliased: aliased.iter().map(|&j| column(j)).collect(),
            })
        }
        lsq::Error::ZeroColumn { column: j, .. } => {
            Error::LeastSquares(lsq::Error::ZeroColumn { column: column(j), name: name(j) })
        }
        other => Error::LeastSquares(other),
    }
}

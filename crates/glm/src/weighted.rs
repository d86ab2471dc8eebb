//! The weighted least-squares problem of an IRLS step, solved by `lsq`'s QR in reused storage,
//! and the mapping of `lsq`'s errors on the reduced design back to the design's columns.

use lsq::Solution;
use nalgebra::DMatrix;

use crate::error::{Error, Result};
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

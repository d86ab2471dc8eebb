//! Shared proptest strategies and helpers for the integration tests.

#![allow(dead_code, reason = "each test binary uses a different subset of the helpers")]

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// A tall-or-square matrix with entries uniform in [-1, 1]: `m ≤ max_rows` rows, `n ≤ m` columns.
pub fn tall_matrix(max_rows: usize) -> impl Strategy<Value = DMatrix<f64>> {
    (1..=max_rows).prop_flat_map(|m| (Just(m), 1..=m)).prop_flat_map(|(m, n)| {
        proptest::collection::vec(-1.0..1.0_f64, m * n)
            .prop_map(move |data| DMatrix::from_vec(m, n, data))
    })
}

/// A well-conditioned tall matrix: random entries plus a dominant diagonal in the top block,
/// so that `σ_min ≥ 1` and `κ₂ ≤ 3n` or so.
pub fn well_conditioned(max_rows: usize) -> impl Strategy<Value = DMatrix<f64>> {
    tall_matrix(max_rows).prop_map(|mut a| {
        let n = a.ncols();
        for j in 0..n {
            let sign = if a[(j, j)] >= 0.0 { 1.0 } else { -1.0 };
            a[(j, j)] += sign * (count_to_f64(n) + 1.0);
        }
        a
    })
}

/// A matrix of known rank r: the product of an m×r and an r×n matrix with entries in [-1, 1].
pub fn known_rank(max_rows: usize) -> impl Strategy<Value = (DMatrix<f64>, usize)> {
    (2..=max_rows)
        .prop_flat_map(|m| (Just(m), 2..=m))
        .prop_flat_map(|(m, n)| (Just(m), Just(n), 1..n))
        .prop_flat_map(|(m, n, r)| {
            (
                proptest::collection::vec(-1.0..1.0_f64, m * r),
                proptest::collection::vec(-1.0..1.0_f64, r * n),
            )
                .prop_map(move |(b, c)| {
                    (DMatrix::from_vec(m, r, b) * DMatrix::from_vec(r, n, c), r)
                })
        })
}

/// Frobenius norm.
pub fn fro(a: &DMatrix<f64>) -> f64 {
    a.norm()
}

/// Chunk lengths that cut `m` rows into consecutive blocks of 1 to `max_chunk` rows: the drawn
/// lengths are used in turn (cycling) and the last block is cut to fit.
pub fn chunking(m: usize, max_chunk: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1..=max_chunk, 1..=16).prop_map(move |lengths| {
        let mut out = Vec::new();
        let mut covered = 0;
        for &len in lengths.iter().cycle() {
            if covered >= m {
                break;
            }
            let take = len.min(m - covered);
            out.push(take);
            covered += take;
        }
        out
    })
}

/// A random merge tree over `leaves` states, as a list of picks: while more than one state is
/// left, the pick `p` merges the states at positions `p mod len` and `(p + 1 + p / len) mod len`
/// (two distinct ones, in either order) into one.
pub fn merge_picks() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..1000_usize, 64)
}

/// The pair of distinct positions a pick of [`merge_picks`] names among `len ≥ 2` states.
pub fn pick_pair(pick: usize, len: usize) -> (usize, usize) {
    let i = pick % len;
    let step = 1 + (pick / len) % (len - 1);
    (i, (i + step) % len)
}

/// A least-squares problem of `m ≤ max_rows` rows, `n ≤ min(m, max_cols)` well-conditioned
/// columns (see [`well_conditioned`]), a response `y = X·β + e` with β and e uniform in
/// [-1, 1] and [-0.1, 0.1], and positive weights in [0.25, 4].
pub fn weighted_problem(
    max_rows: usize,
    max_cols: usize,
) -> impl Strategy<Value = (DMatrix<f64>, DVector<f64>, DVector<f64>)> {
    well_conditioned(max_rows)
        .prop_map(move |a| {
            let n = a.ncols().min(max_cols);
            a.columns(0, n).into_owned()
        })
        .prop_flat_map(|x| {
            let (m, n) = x.shape();
            (
                Just(x),
                proptest::collection::vec(-1.0..1.0_f64, n),
                proptest::collection::vec(-0.1..0.1_f64, m),
                proptest::collection::vec(0.25..4.0_f64, m),
            )
        })
        .prop_map(|(x, beta, e, w)| {
            let y = &x * DVector::from_vec(beta) + DVector::from_vec(e);
            (x, y, DVector::from_vec(w))
        })
}

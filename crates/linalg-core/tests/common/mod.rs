//! Shared proptest strategies and helpers for the integration tests.

#![allow(dead_code, reason = "each test binary uses a different subset of the helpers")]

use linalg_core::count_to_f64;
use nalgebra::DMatrix;
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

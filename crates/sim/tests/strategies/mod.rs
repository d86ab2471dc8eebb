//! Shared proptest strategies for the `sim` integration tests: seeds, shapes, condition
//! numbers and parameter vectors in the ranges the generators accept.

use proptest::prelude::*;

/// Any seed.
pub fn seed() -> impl Strategy<Value = u64> {
    any::<u64>()
}

/// A tall-or-square shape (m, n) with 1 ≤ n ≤ 8 and n ≤ m ≤ 40.
pub fn tall_shape() -> impl Strategy<Value = (usize, usize)> {
    tall_shape_with(1..=8)
}

/// A tall shape (m, n) with n in `columns` and n ≤ m ≤ 40, drawn directly rather than filtered,
/// so that no case count runs into proptest's limit on rejected cases.
pub fn tall_shape_with(
    columns: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = (usize, usize)> {
    columns.prop_flat_map(|n| (n..=40, Just(n)))
}

/// Any shape (m, n) with 1 ≤ m, n ≤ 12, including wide ones.
pub fn any_shape() -> impl Strategy<Value = (usize, usize)> {
    (1_usize..=12, 1_usize..=12)
}

/// A condition number log-uniform in [1, 10¹²].
pub fn kappa() -> impl Strategy<Value = f64> {
    (0.0_f64..=12.0).prop_map(|e| 10_f64.powf(e))
}

/// A vector of 1 to 20 means in [0, 50].
pub fn means() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.0_f64..=50.0, 1..=20)
}

/// A vector of 1 to 20 strictly positive means in [0.01, 50].
pub fn positive_means() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.01_f64..=50.0, 1..=20)
}

/// A vector of 1 to 20 probabilities in [0, 1].
pub fn probabilities() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.0_f64..=1.0, 1..=20)
}

/// A dispersion-type parameter (shape, λ, θ) in [0.05, 20].
pub fn positive_parameter() -> impl Strategy<Value = f64> {
    0.05_f64..=20.0
}

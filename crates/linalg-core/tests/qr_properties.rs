//! Property tests of the factorizations: reconstruction, orthogonality, triangularity,
//! least-squares optimality, solve accuracy and rank revelation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

mod common;

use common::{fro, known_rank, tall_matrix, well_conditioned};
use linalg_core::{
    DoubleDouble, HouseholderQr, PivotOptions, PivotStrategy, PivotedQr, count_to_f64,
};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Tolerance factor for "c·n·ε": generous enough for every shape tested, tight enough to catch
/// a wrong reflector (which gives O(1) errors).
const C: f64 = 8.0;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn qr_reconstructs_input(a in tall_matrix(24)) {
        let qr = HouseholderQr::new(a.clone()).unwrap();
        let n = count_to_f64(a.ncols());
        let err = fro(&(qr.thin_q() * qr.r() - &a));
        prop_assert!(err <= C * n * f64::EPSILON * fro(&a).max(f64::MIN_POSITIVE), "‖QR − A‖ = {err:e}");
    }

    #[test]
    fn q_has_orthonormal_columns(a in tall_matrix(24)) {
        let q = HouseholderQr::new(a.clone()).unwrap().thin_q();
        let n = a.ncols();
        let err = fro(&(q.transpose() * &q - DMatrix::identity(n, n)));
        prop_assert!(err <= C * count_to_f64(n) * f64::EPSILON, "‖QᵀQ − I‖ = {err:e}");
    }

    #[test]
    fn r_is_upper_triangular(a in tall_matrix(24)) {
        let r = HouseholderQr::new(a).unwrap().r();
        for j in 0..r.ncols() {
            for i in j + 1..r.nrows() {
                prop_assert!(r[(i, j)] == 0.0, "r[{i},{j}] = {}", r[(i, j)]);
            }
        }
    }

    #[test]
    fn least_squares_residual_is_orthogonal_to_columns(a in well_conditioned(24), seed in proptest::collection::vec(-1.0..1.0_f64, 24)) {
        let m = a.nrows();
        let b = DVector::from_iterator(m, seed.into_iter().cycle().take(m));
        let x = HouseholderQr::new(a.clone()).unwrap().solve(&b).unwrap();
        let r = &b - &a * &x;
        // The computed residual itself carries an absolute error of about ε·(‖A‖‖x‖ + ‖b‖).
        let scale = fro(&a) * (fro(&a) * x.norm() + b.norm());
        let n = count_to_f64(a.ncols());
        prop_assert!((a.transpose() * &r).norm() <= C * n * f64::EPSILON * scale + f64::MIN_POSITIVE, "Aᵀr = {:e}", (a.transpose() * &r).norm());
    }

    #[test]
    fn solve_recovers_x_from_consistent_right_hand_side(a in well_conditioned(24), seed in proptest::collection::vec(-2.0..2.0_f64, 24)) {
        let n = a.ncols();
        let x = DVector::from_iterator(n, seed.into_iter().take(n));
        let b = &a * &x;
        let got = HouseholderQr::new(a.clone()).unwrap().solve(&b).unwrap();
        // κ ≤ about 3n, so the forward error is at most a few κ·n·ε.
        let bound = 3.0 * C * count_to_f64(n * n) * f64::EPSILON * x.norm().max(1.0);
        prop_assert!((got - &x).norm() <= bound);
    }

    #[test]
    fn pivoted_qr_finds_the_rank_it_was_built_with((a, rank) in known_rank(20)) {
        // The default tolerance, max(m, n)·ε relative to |r₁₁|, is the rounding level itself
        // on the smallest shapes: the saved 2×2 of rank 1 has an exact |r₂₂|/|r₁₁| of 0.06ε
        // but a computed one of 2.5ε, against a tolerance of 2ε. Below 10 rows the check uses
        // 10ε; from 10 rows on it is the default.
        let (m, n) = a.shape();
        let options = if m.max(n) >= 10 {
            PivotOptions::default()
        } else {
            PivotOptions::default().tolerance(10.0 * f64::EPSILON)
        };
        let qr = PivotedQr::with_options(a.clone(), options).unwrap();
        prop_assert_eq!(qr.rank(), rank);
        prop_assert_eq!(qr.aliased_columns().len(), a.ncols() - rank);
        // KeepOrder measures each column against its own norm. Forming B·C leaves rounding
        // errors of size ε·|B||C| in each column, which exceed max(m, n)·ε·‖a_j‖ when a column
        // comes out of cancellation, so the exact-rank check uses a column-relative 1e-9.
        let options = PivotOptions::default().strategy(PivotStrategy::KeepOrder).tolerance(1e-9);
        let qr = PivotedQr::with_options(a.clone(), options).unwrap();
        prop_assert_eq!(qr.rank(), rank);
        prop_assert_eq!(qr.aliased_columns().len(), a.ncols() - rank);
    }

    #[test]
    fn pivoted_qr_reconstructs_permuted_input(a in tall_matrix(20)) {
        let qr = PivotedQr::new(a.clone()).unwrap();
        let p = qr.permutation();
        let ap = DMatrix::from_fn(a.nrows(), a.ncols(), |i, k| a[(i, p[k])]);
        let err = fro(&(qr.thin_q() * qr.r() - ap));
        prop_assert!(err <= C * count_to_f64(a.ncols()) * f64::EPSILON * fro(&a).max(f64::MIN_POSITIVE));
        // Largest-norm pivoting makes |r_kk| non-increasing (up to rounding).
        let d = qr.r_diagonal();
        for k in 1..d.len() {
            prop_assert!(d[k].abs() <= d[k - 1].abs() * (1.0 + 1e-12) + 1e-300);
        }
    }

    #[test]
    fn double_double_qr_reconstructs_to_double_double_accuracy(a in tall_matrix(12)) {
        let add = a.map(DoubleDouble::from);
        let qr = HouseholderQr::new(add.clone()).unwrap();
        let diff = qr.thin_q() * qr.r() - add;
        let err = diff.iter().map(|d| d.abs().to_f64()).fold(0.0, f64::max);
        prop_assert!(err <= 1e-29 * a.amax().max(1e-300), "DD reconstruction error {err:e}");
    }
}

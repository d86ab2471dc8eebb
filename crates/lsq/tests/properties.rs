//! Property tests of the solvers on seeded random problems from `sim`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use lsq::{Design, FitOptions, LeastSquares, Method, RidgeOptions};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// A well-conditioned regression: intercept plus Gaussian columns, y = Xβ + noise.
fn problem(seed: u64, m: usize, p: usize) -> (Design, DVector<f64>) {
    let mut rng = sim::rng_from_seed(seed);
    let x = sim::intercept_gaussian(m, p, &mut rng).unwrap();
    let noise = sim::gaussian(&DVector::zeros(m), 0.5, &mut rng).unwrap();
    let beta = DVector::from_fn(p + 1, |j, _| 1.0 / (1.0 + linalg_core::count_to_f64(j)));
    let y = &x * beta + noise;
    (Design::new(x).unwrap(), y)
}

/// `Qr::solve_full_rank_in_place` on a full-rank design returns what `Qr::solve` returns, bit
/// for bit, leaves `b` alone and keeps the shape of `a`.
#[track_caller]
fn check_in_place(x: &DMatrix<f64>, y: &DVector<f64>) {
    let qr = lsq::Qr::default();
    let reference = qr.solve(x, y).unwrap();
    let (mut a, b) = (x.clone(), y.clone());
    let solution = qr.solve_full_rank_in_place(&mut a, &b).unwrap().expect("full rank");
    assert_eq!(solution.coefficients(), reference.coefficients());
    assert_eq!(solution.unscaled_covariance().unwrap(), reference.unscaled_covariance().unwrap());
    assert_eq!((&b, a.shape()), (y, x.shape()));
}

/// Large enough (over 2¹⁷ entries) for the blocked factorization.
#[test]
fn the_in_place_solve_is_the_solve_on_a_blocked_size() {
    let (design, y) = problem(11, 3000, 49);
    check_in_place(design.matrix(), &y);
}

/// A design that fails the rank test gives `None`, for the caller to fall back on `solve`;
/// bad input is the same typed error as `solve`'s.
#[test]
fn the_in_place_solve_declines_rank_deficiency_and_rejects_bad_input() {
    let (design, y) = problem(5, 30, 3);
    let x = design.matrix();
    let repeated = DMatrix::from_fn(30, 5, |i, j| x[(i, j.min(3))]);
    let qr = lsq::Qr::default();
    assert!(qr.solve_full_rank_in_place(&mut repeated.clone(), &y).unwrap().is_none());
    let mut bad = x.clone();
    bad[(7, 2)] = f64::NAN;
    let expected = qr.solve(&bad, &y).unwrap_err().to_string();
    assert_eq!(qr.solve_full_rank_in_place(&mut bad, &y).unwrap_err().to_string(), expected);
}

fn sizes() -> impl Strategy<Value = (u64, usize, usize)> {
    (any::<u64>(), 1_usize..6).prop_flat_map(|(seed, p)| (Just(seed), (p + 3)..40, Just(p)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn all_methods_agree_on_well_conditioned_problems((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let reference = Method::Qr.solve(design.matrix(), &y).unwrap().coefficients().clone();
        for method in Method::ALL {
            let beta = method.solve(design.matrix(), &y).unwrap().coefficients().clone();
            prop_assert!((&beta - &reference).amax() <= 1e-9 * reference.amax().max(1.0), "{method}");
        }
    }

    #[test]
    fn the_in_place_solve_is_the_solve((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        check_in_place(design.matrix(), &y);
    }

    #[test]
    fn unit_weights_give_the_unweighted_fit((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let plain = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
        let weighted = lsq::fit(&design, &y, &FitOptions::default().weights(DVector::from_element(m, 1.0))).unwrap();
        prop_assert!((plain.coefficients() - weighted.coefficients()).amax() == 0.0);
        prop_assert!((plain.std_errors() - weighted.std_errors()).amax() <= 1e-14 * plain.std_errors().amax());
    }

    #[test]
    fn duplicating_a_row_equals_weight_two((seed, m, p) in sizes(), row in any::<prop::sample::Index>()) {
        let (design, y) = problem(seed, m, p);
        let i = row.index(m);
        let x = design.matrix();
        let doubled_x = DMatrix::from_fn(m + 1, x.ncols(), |r, j| x[(if r == m { i } else { r }, j)]);
        let doubled_y = DVector::from_fn(m + 1, |r, _| y[if r == m { i } else { r }]);
        let duplicated = lsq::fit(&Design::new(doubled_x).unwrap(), &doubled_y, &FitOptions::default()).unwrap();
        let mut w = DVector::from_element(m, 1.0);
        w[i] = 2.0;
        let weighted = lsq::fit(&design, &y, &FitOptions::default().weights(w)).unwrap();
        prop_assert!((duplicated.coefficients() - weighted.coefficients()).amax() <= 1e-10 * weighted.coefficients().amax().max(1.0));
        prop_assert!((duplicated.rss() - weighted.rss()).abs() <= 1e-10 * weighted.rss().max(1.0));
    }

    #[test]
    fn ridge_tends_to_the_plain_fit_as_lambda_vanishes((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let plain = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
        let mut previous = f64::INFINITY;
        for lambda in [1e-1, 1e-4, 1e-7, 1e-10] {
            let ridge = lsq::ridge(&design, &y, &RidgeOptions::new(lambda)).unwrap();
            let gap = (ridge.coefficients() - plain.coefficients()).amax();
            prop_assert!(gap <= previous * (1.0 + 1e-9) + 1e-13, "gap {gap:e} grew at λ = {lambda:e}");
            previous = gap;
        }
        prop_assert!(previous <= 1e-7 * plain.coefficients().amax().max(1.0));
    }

    #[test]
    fn residual_is_orthogonal_to_the_columns((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let fit = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
        prop_assert!(fit.diagnostics().orthogonality() <= 1e-13, "{:e}", fit.diagnostics().orthogonality());
    }
}

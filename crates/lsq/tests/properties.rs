//! Property tests of the solvers on seeded random problems from `sim`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/strategies.rs"]
mod strategies;

use lsq::{Design, Error, FitOptions, Method, Penalty, RankPolicy};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;
use strategies::sizes;

/// A well-conditioned regression: intercept plus Gaussian columns, y = Xβ + noise.
fn problem(seed: u64, m: usize, p: usize) -> (Design, DVector<f64>) {
    let mut rng = sim::rng_from_seed(seed);
    let x = sim::intercept_gaussian(m, p, &mut rng).unwrap();
    let noise = sim::gaussian(&DVector::zeros(m), 0.5, &mut rng).unwrap();
    let beta = DVector::from_fn(p + 1, |j, _| 1.0 / (1.0 + linalg_core::count_to_f64(j)));
    let y = &x * beta + noise;
    (Design::new(x).unwrap().with_intercept_column(0).unwrap(), y)
}

/// `solve_in_place` on a full-rank design returns what `solve` returns, bit for bit, leaves `b`
/// alone and hands back storage of the shape of `a`.
#[track_caller]
fn check_in_place(x: &DMatrix<f64>, y: &DVector<f64>) {
    let options = FitOptions::default();
    let reference = lsq::solve(x, y, &options).unwrap();
    let b = y.clone();
    let (solution, storage) = lsq::solve_in_place(x.clone(), &b, &options).unwrap();
    assert_eq!(solution.coefficients(), reference.coefficients());
    assert_eq!(solution.unscaled_covariance().unwrap(), reference.unscaled_covariance().unwrap());
    assert_eq!((&b, storage.shape()), (y, x.shape()));
}

/// Large enough (over 2¹⁷ entries) for the blocked factorization.
#[test]
fn the_in_place_solve_is_the_solve_on_a_blocked_size() {
    let (design, y) = problem(11, 3000, 49);
    check_in_place(design.matrix(), &y);
}

/// A design that fails the rank test is found rank deficient with the same aliased columns as
/// `solve` finds, under either policy, and with agreeing coefficients when they are dropped; bad
/// input is the same typed error as `solve`'s.
#[test]
fn the_in_place_solve_finds_rank_deficiency_and_rejects_bad_input() {
    let (design, y) = problem(5, 30, 3);
    let x = design.matrix();
    let repeated = DMatrix::from_fn(30, 5, |i, j| x[(i, j.min(3))]);
    let strict = FitOptions::default();
    let err = lsq::solve_in_place(repeated.clone(), &y, &strict).unwrap_err();
    assert!(
        matches!(err, Error::RankDeficient { rank: 4, ref aliased, .. } if aliased == &[4]),
        "{err}"
    );
    let drop = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    let (in_place, _) = lsq::solve_in_place(repeated.clone(), &y, &drop).unwrap();
    let copied = lsq::solve(&repeated, &y, &drop).unwrap();
    assert_eq!((in_place.rank(), in_place.aliased()), (copied.rank(), copied.aliased()));
    let gap = (in_place.coefficients() - copied.coefficients()).amax();
    assert!(gap <= 1e-12 * copied.coefficients().amax(), "{gap:e}");
    let mut bad = x.clone();
    bad[(7, 2)] = f64::NAN;
    let expected = lsq::solve(&bad, &y, &strict).unwrap_err().to_string();
    assert_eq!(lsq::solve_in_place(bad, &y, &strict).unwrap_err().to_string(), expected);
}

/// The bare solve's numbers: the cheap condition estimate, the rank tolerance, and the
/// double-double method's much finer default tolerance.
#[test]
fn the_bare_solve_reports_conditioning_and_rank() {
    let b = DVector::from_vec(vec![1.0, 2.0, 3.0]);
    let options = FitOptions::default();
    let orthogonal = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    let s = lsq::solve(&orthogonal, &b, &options).unwrap();
    assert!((s.condition_estimate() - 1.0).abs() < 1e-12);
    let close = DMatrix::from_row_slice(3, 2, &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0 + 1e-9]);
    assert!(lsq::solve(&close, &b, &options).unwrap().condition_estimate() > 1e8);
    // Independent at the default tolerance, dependent at 10⁻⁶, in both precisions.
    for method in [Method::Qr, Method::ExtendedQr] {
        let default = FitOptions::default().method(method);
        assert_eq!(lsq::solve(&close, &b, &default).unwrap().rank(), 2, "{method}");
        let coarse = lsq::solve(&close, &b, &default.tolerance(1e-6));
        assert!(matches!(coarse, Err(Error::RankDeficient { rank: 1, .. })), "{method}");
    }
    let extended = FitOptions::default().method(Method::ExtendedQr);
    assert!(lsq::solve(&close, &b, &extended).unwrap().tolerance().is_some_and(|t| t < 1e-30));
    // The textbook methods do not decide rank; they fail on a singular XᵀX.
    let singular = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    let normal = FitOptions::default().method(Method::NormalEquations);
    assert!(matches!(
        lsq::solve(&singular, &b, &normal),
        Err(Error::NormalMatrixBreakdown { .. } | Error::SingularNormalMatrix { .. })
    ));
    assert_eq!(lsq::solve(&orthogonal, &b, &normal).unwrap().tolerance(), None);
}

/// Weights in the bare solve scale the rows by √w: the same coefficients as `fit`'s.
#[test]
fn the_bare_solve_honours_weights() {
    let (design, y) = problem(3, 20, 2);
    let w = DVector::from_fn(20, |i, _| 0.5 + linalg_core::count_to_f64(i % 3));
    let options = FitOptions::default().weights(w);
    let bare = lsq::solve(design.matrix(), &y, &options).unwrap();
    let fit = lsq::fit(&design, &y, &options).unwrap();
    let gap = (bare.coefficients() - fit.coefficients()).amax();
    assert!(gap <= 1e-13 * fit.coefficients().amax(), "{gap:e}");
    let (in_place, _) = lsq::solve_in_place(design.matrix().clone(), &y, &options).unwrap();
    assert_eq!(in_place.coefficients(), bare.coefficients());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn all_methods_agree_on_well_conditioned_problems((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let solve = |method| lsq::solve(design.matrix(), &y, &FitOptions::default().method(method));
        let reference = solve(Method::Qr).unwrap().coefficients().clone();
        for method in Method::ALL {
            let beta = solve(method).unwrap().coefficients().clone();
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
        let doubled = Design::new(doubled_x).unwrap().with_intercept_column(0).unwrap();
        let duplicated = lsq::fit(&doubled, &doubled_y, &FitOptions::default()).unwrap();
        let mut w = DVector::from_element(m, 1.0);
        w[i] = 2.0;
        let weighted = lsq::fit(&design, &y, &FitOptions::default().weights(w)).unwrap();
        prop_assert!((duplicated.coefficients() - weighted.coefficients()).amax() <= 1e-10 * weighted.coefficients().amax().max(1.0));
        let (rss, reference) = (duplicated.rss().unwrap(), weighted.rss().unwrap());
        prop_assert!((rss - reference).abs() <= 1e-10 * reference.max(1.0));
    }

    #[test]
    fn ridge_tends_to_the_plain_fit_as_lambda_vanishes((seed, m, p) in sizes()) {
        let (design, y) = problem(seed, m, p);
        let plain = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
        let mut previous = f64::INFINITY;
        for lambda in [1e-1, 1e-4, 1e-7, 1e-10] {
            let ridge = lsq::ridge(&design, &y, &Penalty::new(lambda), &FitOptions::default()).unwrap();
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
        // Forming r = y − Xβ̂ rounds by about ε·(‖y‖ + Σ|β̂_k|·‖x_k‖), which the cosines see
        // against ‖r‖: a small residual (8 rows, 6 columns, ‖r‖ = 0.008 against ‖y‖ = 3.7 for
        // one seed) lets them grow to 476ε, 0.27ε of that ratio.
        let x = design.matrix();
        let beta = fit.coefficients();
        let fitted: f64 = (0..x.ncols()).map(|k| beta[k].abs() * x.column(k).norm()).sum();
        let ratio = (y.norm() + fitted) / fit.residuals().norm();
        let orthogonality = fit.diagnostics().orthogonality;
        prop_assert!(orthogonality <= 4.0 * f64::EPSILON * ratio, "{orthogonality:e} at {ratio:e}");
    }
}

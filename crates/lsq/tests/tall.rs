//! `lsq::fit` on a design tall enough for the streaming `TallQr` path agrees with the copying
//! QR solve and with the normal equations on the same well-conditioned problem.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use approx::assert_relative_eq;
use lsq::{Design, FitOptions, Method};
use nalgebra::DVector;

/// 50 000 × 60 (3·10⁶ entries, 2.6·10⁶ with the zero weights; over 700 rows a column): past
/// both thresholds of the tall path, weighted or not (2²¹ entries, 64 rows a column); and
/// unweighted designs from 2¹² entries with three columns or more, which take it too.
#[test]
fn a_tall_fit_agrees_with_the_copying_solve_and_the_normal_equations() {
    check(50_000, 60, true);
    check(1_000, 5, false);
    check(10_000, 10, false);
    check(5_000, 3, false);
}

#[track_caller]
fn check(m: usize, p: usize, weighted: bool) {
    let mut rng = sim::rng_from_seed(7);
    let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
    let beta = DVector::from_fn(p, |j, _| 1.0 / (1.0 + linalg_core::count_to_f64(j)));
    let y = &x * &beta + sim::gaussian(&DVector::zeros(m), 0.5, &mut rng).unwrap();
    let w = DVector::from_fn(m, |i, _| {
        if i % 7 == 0 { 0.0 } else { 1.0 + 0.5 * linalg_core::count_to_f64(i % 3) }
    });
    let weights = if weighted { vec![None, Some(w)] } else { vec![None] };
    for weights in weights {
        let options =
            weights.clone().map_or_else(FitOptions::default, |w| FitOptions::default().weights(w));
        let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
        let fit = lsq::fit(&design, &y, &options).unwrap();
        let copied = lsq::solve(&x, &y, &options).unwrap();
        let gap = (fit.coefficients() - copied.coefficients()).amax();
        assert!(gap <= 1e-13 * copied.coefficients().amax(), "{gap:e}");
        let normal =
            lsq::fit(&design, &y, &options.clone().method(Method::NormalEquations)).unwrap();
        for j in 0..p {
            assert_relative_eq!(fit.std_errors()[j], normal.std_errors()[j], max_relative = 1e-10);
        }
        assert_relative_eq!(fit.sigma().unwrap(), normal.sigma().unwrap(), max_relative = 1e-12);
        assert_relative_eq!(
            fit.r_squared().unwrap(),
            normal.r_squared().unwrap(),
            max_relative = 1e-12
        );
        assert_eq!(fit.rank(), p);
        assert!(fit.diagnostics().orthogonality < 1e-12);
    }
}

/// With every weight positive no row is left out and none is listed; a row of weight zero
/// appended makes the fit list the others. Both take the tall path over the same rows in the
/// same order, so they must agree to the last bit.
#[test]
fn a_row_of_weight_zero_changes_no_bit_of_a_tall_weighted_fit() {
    let (m, p) = (50_000, 60);
    let mut rng = sim::rng_from_seed(11);
    let x = sim::intercept_gaussian(m + 1, p - 1, &mut rng).unwrap();
    let beta = DVector::from_fn(p, |j, _| 1.0 / (1.0 + linalg_core::count_to_f64(j)));
    let y = &x * &beta + sim::gaussian(&DVector::zeros(m + 1), 0.5, &mut rng).unwrap();
    let w = DVector::from_fn(m + 1, |i, _| 0.5 + linalg_core::count_to_f64(i % 5));
    let mut zero = w.clone();
    zero[m] = 0.0;
    let all = Design::new(x.rows(0, m).into_owned()).unwrap().with_intercept_column(0).unwrap();
    let positive = lsq::fit(
        &all,
        &y.rows(0, m).into_owned(),
        &FitOptions::default().weights(w.rows(0, m).into_owned()),
    )
    .unwrap();
    let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let listed = lsq::fit(&design, &y, &FitOptions::default().weights(zero)).unwrap();
    let bits = |v: &DVector<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(positive.coefficients()), bits(listed.coefficients()));
    assert_eq!(bits(positive.std_errors()), bits(listed.std_errors()));
    assert_eq!(bits(positive.residuals()), bits(&listed.residuals().rows(0, m).into_owned()));
    assert_eq!(positive.sigma().unwrap().to_bits(), listed.sigma().unwrap().to_bits());
    assert_eq!(positive.r_squared().unwrap().to_bits(), listed.r_squared().unwrap().to_bits());
    assert_eq!(positive.df_residual(), listed.df_residual());
}

//! Edge shapes and hostile entries: 1×1, m×1, square, tall, wide, zero matrix, zero column,
//! NaN/Inf and entries near the ends of the exponent range.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use linalg_core::{Error, HouseholderQr, PivotedQr};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};

#[track_caller]
fn check_solves(a: &DMatrix<f64>, x: &DVector<f64>, rel_tol: f64) {
    let b = a * x;
    let got = HouseholderQr::new(a.clone()).unwrap().solve(&b).unwrap();
    let err = (&got - x).amax() / x.amax();
    assert!(err <= rel_tol, "relative error {err:e} for {a}");
    let got = PivotedQr::new(a.clone()).unwrap().solve(&b).unwrap();
    let err = (&got - x).amax() / x.amax();
    assert!(err <= rel_tol, "pivoted relative error {err:e} for {a}");
}

#[test]
fn one_by_one_column_square_and_tall_shapes_solve() {
    check_solves(&dmatrix![-4.0], &dvector![2.5], 1e-15);
    check_solves(&dmatrix![1.0; 2.0; -3.0; 4.0], &dvector![0.5], 1e-15);
    check_solves(
        &dmatrix![4.0, 1.0, 0.0; 1.0, 4.0, 1.0; 0.0, 1.0, 4.0],
        &dvector![1.0, -2.0, 3.0],
        1e-14,
    );
    check_solves(
        &dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 4.0; 1.0, 8.0],
        &dvector![3.0, -1.0],
        1e-14,
    );
}

#[test]
fn wide_and_empty_matrices_are_errors() {
    assert!(matches!(
        HouseholderQr::new(DMatrix::<f64>::zeros(2, 3)),
        Err(Error::Underdetermined { rows: 2, cols: 3 })
    ));
    assert!(matches!(
        PivotedQr::new(DMatrix::<f64>::zeros(1, 2)),
        Err(Error::Underdetermined { rows: 1, cols: 2 })
    ));
    assert!(matches!(
        HouseholderQr::new(DMatrix::<f64>::zeros(0, 0)),
        Err(Error::Empty { rows: 0, cols: 0 })
    ));
    assert!(matches!(
        HouseholderQr::new(DMatrix::<f64>::zeros(3, 0)),
        Err(Error::Empty { rows: 3, cols: 0 })
    ));
}

#[test]
fn nan_and_infinite_entries_are_errors_naming_the_entry() {
    let a = dmatrix![1.0, 2.0; 3.0, f64::NAN; 5.0, 6.0];
    assert!(matches!(HouseholderQr::new(a), Err(Error::NonFinite { row: 1, col: 1, .. })));
    let a = dmatrix![1.0, 2.0; f64::NEG_INFINITY, 4.0];
    assert!(matches!(PivotedQr::new(a), Err(Error::NonFinite { row: 1, col: 0, .. })));
    let qr = HouseholderQr::new(dmatrix![1.0; 2.0]).unwrap();
    let mut b = dvector![1.0, f64::INFINITY];
    assert!(matches!(qr.apply_qt(&mut b), Err(Error::NonFinite { row: 1, col: 0, .. })));
    assert!(matches!(
        qr.solve(&dvector![1.0, 2.0, 3.0]),
        Err(Error::DimensionMismatch { expected: 2, found: 3 })
    ));
}

#[test]
fn zero_matrix_factors_and_reports_rank_zero() {
    let qr = HouseholderQr::new(DMatrix::<f64>::zeros(4, 2)).unwrap();
    assert_eq!(qr.rank(), 0);
    assert!(qr.r().iter().all(|&v| v == 0.0));
    assert!(matches!(qr.solve(&DVector::zeros(4)), Err(Error::SingularPivot { index: 0, .. })));
    assert!(qr.condition_estimate().is_infinite());
    let pqr = PivotedQr::new(DMatrix::<f64>::zeros(4, 2)).unwrap();
    assert_eq!(pqr.rank(), 0);
    assert_eq!(pqr.aliased_columns(), vec![0, 1]);
}

#[test]
fn zero_column_is_reported_as_aliased_and_refused_by_solve() {
    let a = dmatrix![1.0, 0.0, 2.0; 1.0, 0.0, 3.0; 1.0, 0.0, 5.0; 1.0, 0.0, 7.0];
    let qr = HouseholderQr::new(a.clone()).unwrap();
    assert_eq!(qr.rank(), 2);
    assert!(matches!(
        qr.solve(&dvector![1.0, 2.0, 3.0, 4.0]),
        Err(Error::SingularPivot { index: 1, .. })
    ));
    let pqr = PivotedQr::new(a).unwrap();
    assert_eq!(pqr.aliased_columns(), vec![1]);
    assert!(matches!(
        pqr.solve(&dvector![1.0, 2.0, 3.0, 4.0]),
        Err(Error::RankDeficient { rank: 2, .. })
    ));
}

#[test]
fn entries_near_the_ends_of_the_exponent_range_factor_correctly() {
    for scale in [1e300, 1e-300, 1e150, 1e-150, 1e-310] {
        let base = dmatrix![1.0, 2.0; -3.0, 1.0; 2.0, 2.0; 0.5, -1.0];
        let a = &base * scale;
        let qr = HouseholderQr::new(a.clone()).unwrap();
        let rel = (qr.thin_q() * qr.r() - &a).amax() / a.amax();
        // Subnormal inputs (1e-310) carry only about 14 significant bits themselves.
        let tol = if scale < 1e-300 { 1e-8 } else { 1e-14 };
        assert!(rel <= tol, "scale {scale:e}: relative reconstruction error {rel:e}");
        // R is the scaled R of the base matrix: the factorization is scale-equivariant.
        let r_base = HouseholderQr::new(base.clone()).unwrap().r();
        let rel_r = (qr.r() / scale - r_base).amax() / base.amax();
        assert!(rel_r <= tol, "scale {scale:e}: R not scale-equivariant ({rel_r:e})");
        if scale >= 1e-300 {
            let x = dvector![1.0, -1.0];
            let got = qr.solve(&(&a * &x)).unwrap();
            assert!((got - x).amax() <= 1e-14, "scale {scale:e}");
        }
    }
}

#[test]
fn a_column_of_1e150_entries_has_the_right_norm() {
    // The squares 1e300 sum without overflow only because the norm is scaled.
    let a = DMatrix::from_element(1000, 1, 1e154);
    let r = HouseholderQr::new(a).unwrap().r();
    let expected = 1e154 * 1000.0_f64.sqrt();
    assert!((r[(0, 0)].abs() - expected).abs() <= 1e-14 * expected, "{}", r[(0, 0)]);
    let a = DMatrix::from_element(1000, 1, 1e-160);
    let r = HouseholderQr::new(a).unwrap().r();
    let expected = 1e-160 * 1000.0_f64.sqrt();
    assert!((r[(0, 0)].abs() - expected).abs() <= 1e-14 * expected, "{}", r[(0, 0)]);
}

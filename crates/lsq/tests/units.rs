//! The units of a column or of `y` change the results exactly as the algebra says, across the
//! whole range of `f64`: scaling by a power of two from `2⁻⁹⁹⁰` to `2⁹⁹⁰` changes the
//! coefficients, standard errors and `σ̂` by exactly that power and R², t, F, p, the exact-fit test
//! and the scaled `κ₂` not at all, for every method, with and without weights; scaling by a power
//! of ten from `10⁻³⁰⁰` to `10³⁰⁰` changes the unitless statistics only by the rounding of the
//! rescaled data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/strategies.rs"]
mod strategies;

use lsq::{ConditionNumber, Design, FitOptions};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use strategies::{check_fit, check_outcome, decade, method, regression, times_decade};

/// Base data and a column (0 for `y`) to scale by `2^k`.
fn scaled(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    column: usize,
    k: i32,
) -> (DMatrix<f64>, DVector<f64>) {
    let factor = |v: f64| v * 2_f64.powi(k / 2) * 2_f64.powi(k - k / 2);
    if column == 0 {
        (x.clone(), y.map(factor))
    } else {
        let mut xs = x.clone();
        xs.column_mut(column).iter_mut().for_each(|v| *v = factor(*v));
        (xs, y.clone())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Scaling a column or the response by `2^k`, `|k| ≤ 990`, changes the equilibrated
    /// problem not at all: coefficients and standard errors scale by exactly `2^∓k`, σ̂ by
    /// `2^k` for the response, and t, p, R², F, the exact-fit test and the scaled κ₂ are the same
    /// bits, for every method, with or without weights.
    #[test]
    #[expect(clippy::float_cmp, reason = "scaling by powers of two must give the same bits")]
    fn power_of_two_units_change_only_the_units(
        (x, y) in regression(),
        column in 0_usize..3,
        k in -990_i32..=990,
        method in method(),
        weighted in any::<bool>(),
    ) {
        let column = column.min(x.ncols() - 1);
        let w = DVector::from_fn(x.nrows(), |i, _| 0.5 + f64::from(u8::try_from(i % 4).unwrap()));
        let options = FitOptions::default().method(method).condition_number(ConditionNumber::Always);
        let options = if weighted { options.weights(w) } else { options };
        let intercept = |m: DMatrix<f64>| Design::new(m).unwrap().with_intercept_column(0).unwrap();
        let reference = lsq::fit(&intercept(x.clone()), &y, &options).unwrap();
        // Column 0 is the intercept; scaling it keeps it a constant column.
        let target = if column == 0 { 0 } else { column };
        let (xs, ys) = scaled(&x, &y, target, k);
        let fit = lsq::fit(&intercept(xs), &ys, &options).unwrap();
        check_fit(&fit);
        let shift = |v: f64, e: i32| v * 2_f64.powi(e / 2) * 2_f64.powi(e - e / 2);
        for j in 0..x.ncols() {
            let e = if target == 0 { k } else if j == target { -k } else { 0 };
            prop_assert_eq!(fit.coefficients()[j], shift(reference.coefficients()[j], e));
            prop_assert_eq!(fit.std_errors()[j], shift(reference.std_errors()[j], e));
        }
        prop_assert_eq!(fit.t_values(), reference.t_values());
        prop_assert_eq!(fit.p_values(), reference.p_values());
        prop_assert_eq!(fit.r_squared(), reference.r_squared());
        prop_assert_eq!(fit.f_statistic(), reference.f_statistic());
        prop_assert_eq!(fit.f_p_value(), reference.f_p_value());
        prop_assert_eq!(fit.diagnostics().exact_fit, reference.diagnostics().exact_fit);
        prop_assert_eq!(fit.diagnostics().scaled_condition_number, reference.diagnostics().scaled_condition_number);
        prop_assert_eq!(fit.diagnostics().digits, reference.diagnostics().digits);
        prop_assert_eq!(fit.diagnostics().orthogonality, reference.diagnostics().orthogonality);
        let y_shift = if target == 0 { k } else { 0 };
        prop_assert_eq!(fit.sigma().ok(), reference.sigma().ok().map(|s| shift(s, y_shift)));
        let rss = reference.rss().unwrap();
        let expected = shift(shift(rss, y_shift), y_shift);
        prop_assert_eq!(fit.rss().ok(), expected.is_normal().then_some(expected));
        let solve_reference = lsq::solve(&x, &y, &options).unwrap();
        let (xs, ys) = scaled(&x, &y, target, k);
        let solved = lsq::solve(&xs, &ys, &options).unwrap();
        for j in 0..x.ncols() {
            let e = if target == 0 { k } else if j == target { -k } else { 0 };
            prop_assert_eq!(solved.coefficients()[j], shift(solve_reference.coefficients()[j], e));
        }
    }

    /// Columns and responses in units from 10⁻³⁰⁰ to 10³⁰⁰: the statistics that have no units
    /// agree with the unscaled fit to the rounding of the rescaled data.
    #[test]
    fn decimal_units_keep_the_statistics(
        (x, y) in regression(),
        column in 1_usize..3,
        k in decade(),
        method in method(),
    ) {
        let column = column.min(x.ncols() - 1);
        let options = FitOptions::default().method(method);
        let intercept = |m: DMatrix<f64>| Design::new(m).unwrap().with_intercept_column(0).unwrap();
        let Ok(reference) = lsq::fit(&intercept(x.clone()), &y, &options) else {
            return Ok(());
        };
        let mut xs = x.clone();
        xs.column_mut(column).iter_mut().for_each(|v| *v = times_decade(*v, k));
        let outcome = lsq::fit(&intercept(xs), &y.map(|v| times_decade(v, -k)), &options);
        check_outcome(&outcome, check_fit);
        // A coefficient of about 10^{−2k} may leave the range of f64; otherwise the fit exists.
        if let Ok(fit) = outcome {
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-8 * b.abs().max(1e-6);
            prop_assert!(close(fit.r_squared().unwrap(), reference.r_squared().unwrap()));
            prop_assert!(close(fit.f_statistic().unwrap(), reference.f_statistic().unwrap()));
            for (t, u) in fit.t_values().iter().zip(reference.t_values()) {
                prop_assert!(close(t.unwrap(), u.unwrap()));
            }
        } else {
            prop_assert!(2 * k.abs() > 280, "only an out-of-range coefficient may fail");
        }
    }
}

//! Sandwich covariance (HC0–HC3) and nested-model F tests against the inference reference
//! cases (statsmodels 0.15, validated against R's `sandwich` and `anova`), and their bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/inference.rs"]
mod inference;

use inference::{Case, check_named, check_value, design, intercept_only, named};
use lsq::nalgebra::{DMatrix, DVector, dmatrix, dvector};
use lsq::{Design, Error, FitOptions, Hc, Method, RankPolicy, Unavailable};

/// Grunfeld's investment data: `invest ~ value + capital + firm` and the model without `firm`.
fn grunfeld() -> (Case, Design, Design, DVector<f64>) {
    let case = Case::load("grunfeld_factor_ols");
    let numeric =
        [named("value", case.numeric("value")), named("capital", case.numeric("capital"))];
    let mut columns = case.dummies("firm");
    columns.extend(numeric.iter().cloned());
    let y = DVector::from_vec(case.numeric("invest"));
    let (full, reduced) = (design(&columns), design(&numeric));
    (case, full, reduced, y)
}

/// Greene's credit card data: `AVGEXP ~ AGE + INCOME + I(INCOME^2) + OWNRENT` and the model
/// without the square.
fn ccard() -> (Case, Design, Design, DVector<f64>) {
    let case = Case::load("ccard_hc");
    let income = case.numeric("INCOME");
    let square = income.iter().map(|v| v * v).collect();
    let (age, own) = (named("AGE", case.numeric("AGE")), named("OWNRENT", case.numeric("OWNRENT")));
    let full = design(&[
        age.clone(),
        named("INCOME", income.clone()),
        named("I(INCOME^2)", square),
        own.clone(),
    ]);
    let reduced = design(&[age, named("INCOME", income), own]);
    let y = DVector::from_vec(case.numeric("AVGEXP"));
    (case, full, reduced, y)
}

#[test]
fn sandwich_standard_errors_match_the_reference_to_8_digits_for_every_method() {
    for (case, full, _, y) in [grunfeld(), ccard()] {
        for method in Method::ALL {
            let fit = lsq::fit(&full, &y, &FitOptions::default().method(method)).unwrap();
            let reference = &case.json["reference"];
            check_named(
                "coefficients",
                full.names(),
                fit.coefficients(),
                &reference["coefficients"],
                9.0,
            );
            for hc in Hc::ALL {
                let robust = fit.robust(&full, hc).unwrap();
                let what = format!("{} {method} {hc}", case.json["name"]);
                let expected = &reference["robust_std_errors"][hc.to_string()];
                let least = check_named(&what, full.names(), robust.std_errors(), expected, 8.0);
                // statsmodels' digits are the limit for the well-conditioned QR path.
                if method == Method::Qr {
                    assert!(least >= 10.0, "{what}: only {least:.1} digits");
                }
                let covariance = robust.covariance().unwrap();
                assert!(covariance.iter().all(|v| v.is_finite()));
                assert!((&covariance - covariance.transpose()).amax() == 0.0);
            }
        }
    }
}

#[test]
fn robust_tests_are_wald_tests_with_the_residual_degrees_of_freedom() {
    let (_, full, _, y) = ccard();
    let fit = lsq::fit(&full, &y, &FitOptions::default()).unwrap();
    let robust = fit.robust(&full, Hc::Hc3).unwrap();
    let (t, p, z) = (robust.t_values(), robust.p_values(), robust.normal_p_values());
    for j in 0..full.ncols() {
        let t = t[j].unwrap();
        let se = robust.std_errors()[j];
        assert!((t - fit.coefficients()[j] / se).abs() <= 1e-13 * t.abs());
        // t with 67 degrees of freedom has the heavier tail.
        assert!(p[j].unwrap() > z[j].unwrap() && p[j].unwrap() < 1.0);
    }
    // The leverages sum to the rank and lie in [0, 1).
    let h = robust.leverages();
    assert!((h.sum() - 5.0).abs() < 1e-12 && h.iter().all(|&v| (0.0..1.0).contains(&v)));
}

#[test]
#[expect(clippy::float_cmp, reason = "degrees of freedom are small integers; rss is a copy")]
fn anova_f_tests_match_the_reference_to_6_digits() {
    for (case, full, reduced, y) in [grunfeld(), ccard()] {
        let options = FitOptions::default();
        let (f0, f1) =
            (lsq::fit(&reduced, &y, &options).unwrap(), lsq::fit(&full, &y, &options).unwrap());
        let table = lsq::anova(&f0, &reduced, &f1, &full).unwrap();
        let a = |key: &str| case.value(&["anova", key]);
        assert_eq!(inference_count(table.df()), a("df"));
        let (df0, df1) = table.df_residual();
        assert_eq!(
            (inference_count(df0), inference_count(df1)),
            (a("df_residual_reduced"), a("df_residual_full"))
        );
        check_value("sum of squares", table.sum_of_squares().unwrap(), a("sum_of_squares"), 8.0);
        check_value("F", table.f_statistic().unwrap(), a("statistic"), 8.0);
        check_value("p", table.p_value().unwrap(), a("p_value"), 6.0);
        let (rss0, rss1) = table.rss().unwrap();
        assert_eq!(rss1, f1.rss().unwrap());
        assert!((rss0 - f0.rss().unwrap()).abs() <= 1e-15 * rss0);
    }
}

fn inference_count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap())
}

#[test]
fn anova_refuses_models_that_are_not_nested_and_names_the_column() {
    let (_, full, reduced, y) = ccard();
    let options = FitOptions::default();
    let (f0, f1) =
        (lsq::fit(&reduced, &y, &options).unwrap(), lsq::fit(&full, &y, &options).unwrap());
    // The larger model as the reduced one.
    let err = lsq::anova(&f1, &full, &f0, &reduced).unwrap_err();
    assert!(
        matches!(&err, Error::NotNested { column: 3, name, .. } if name == "I(INCOME^2)"),
        "{err}"
    );
    assert!(err.to_string().contains("`I(INCOME^2)`"), "{err}");
    // Overlapping but not nested: AGE + square against AGE + INCOME + OWNRENT.
    let other = Design::new(full.matrix().select_columns(&[0, 1, 3])).unwrap();
    let other =
        other.with_intercept_column(0).unwrap().with_names(["(Intercept)", "AGE", "sq"]).unwrap();
    let fo = lsq::fit(&other, &y, &options).unwrap();
    let err = lsq::anova(&fo, &other, &f0, &reduced).unwrap_err();
    assert!(matches!(&err, Error::NotNested { column: 2, name, .. } if name == "sq"), "{err}");
    // A reparametrised column (INCOME + OWNRENT) is nested.
    let mut x = reduced.matrix().clone();
    let combined = x.column(2) + x.column(3);
    x.set_column(2, &combined);
    let reparametrised = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let fr = lsq::fit(&reparametrised, &y, &options).unwrap();
    let table = lsq::anova(&fr, &reparametrised, &f1, &full).unwrap();
    assert!((table.f_statistic().unwrap() - 4.031_212_155_462_355).abs() < 1e-9);
}

#[test]
fn anova_refuses_fits_on_different_rows() {
    let (_, full, reduced, y) = ccard();
    let options = FitOptions::default();
    let f1 = lsq::fit(&full, &y, &options).unwrap();
    // Another response.
    let mut shifted = y.clone();
    shifted[7] += 1.0;
    let f0 = lsq::fit(&reduced, &shifted, &options).unwrap();
    let err = lsq::anova(&f0, &reduced, &f1, &full).unwrap_err();
    assert!(matches!(err, Error::DifferentRows { what: "response", row: 7, .. }), "{err}");
    // Fewer rows.
    let m = y.len() - 1;
    let short = Design::new(reduced.matrix().rows(0, m).into_owned()).unwrap();
    let f0 = lsq::fit(&short, &y.rows(0, m).into_owned(), &options).unwrap();
    let err = lsq::anova(&f0, &short, &f1, &full).unwrap_err();
    assert!(matches!(err, Error::DifferentRows { what: "number of rows", .. }), "{err}");
    // Other weights.
    let weights = DVector::from_fn(y.len(), |i, _| if i == 3 { 2.0 } else { 1.0 });
    let f0 = lsq::fit(&reduced, &y, &FitOptions::default().weights(weights)).unwrap();
    let err = lsq::anova(&f0, &reduced, &f1, &full).unwrap_err();
    assert!(matches!(err, Error::DifferentRows { what: "weight", row: 3, .. }), "{err}");
    // The wrong design for a fit.
    let f0 = lsq::fit(&reduced, &y, &options).unwrap();
    let err = lsq::anova(&f0, &full, &f1, &full).unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }), "{err}");
}

#[test]
fn robust_refuses_a_design_that_is_not_the_fitted_one() {
    let (_, full, _, y) = ccard();
    let fit = lsq::fit(&full, &y, &FitOptions::default()).unwrap();
    let mut x = full.matrix().clone();
    x[(10, 2)] *= 1.5;
    let other = Design::new(x).unwrap();
    let err = fit.robust(&other, Hc::Hc0).unwrap_err();
    assert!(matches!(err, Error::DesignMismatch { row: 10, .. }), "{err}");
    let narrow = Design::new(full.matrix().columns(0, 4).into_owned()).unwrap();
    assert!(matches!(
        fit.robust(&narrow, Hc::Hc0),
        Err(Error::DimensionMismatch { expected: 5, found: 4, .. })
    ));
}

#[test]
fn unit_leverage_makes_hc2_and_hc3_an_error_and_leaves_hc0_finite() {
    // The last observation is the only one in its group: leverage 1, residual 0.
    let x = dmatrix![1.0, 0.0; 2.0, 0.0; 3.0, 0.0; 4.0, 0.0; 5.0, 1.0];
    let design = Design::with_intercept(&x).unwrap();
    let y = dvector![1.0, 2.2, 2.9, 4.1, 7.0];
    let fit = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
    for hc in [Hc::Hc2, Hc::Hc3] {
        let err = fit.robust(&design, hc).unwrap_err();
        assert!(matches!(err, Error::UnitLeverage { row: 4, .. }), "{err}");
    }
    for hc in [Hc::Hc0, Hc::Hc1] {
        let robust = fit.robust(&design, hc).unwrap();
        assert!(robust.std_errors().iter().all(|v| v.is_finite()));
        assert!((robust.leverages()[4] - 1.0).abs() < 1e-14);
        assert!(robust.t_values().iter().all(|t| t.as_ref().is_ok_and(|t| t.is_finite())));
    }
}

#[test]
#[expect(clippy::float_cmp, reason = "a zero-weight row has leverage exactly 0")]
fn weighted_sandwich_is_the_sandwich_of_the_transformed_problem() {
    // sandwich's convention: scores wᵢeᵢxᵢ, so the weighted fit's sandwich equals the OLS
    // sandwich of √W·X, √W·y (without an intercept flag; the columns are the same).
    let (_, full, _, y) = ccard();
    let m = y.len();
    let w = DVector::from_fn(m, |i, _| 0.5 + f64::from(u32::try_from(i % 7).unwrap()) / 4.0);
    let fit = lsq::fit(&full, &y, &FitOptions::default().weights(w.clone())).unwrap();
    let root = w.map(f64::sqrt);
    let xt = DMatrix::from_fn(m, full.ncols(), |i, j| root[i] * full.matrix()[(i, j)]);
    let transformed = Design::new(xt).unwrap();
    let yt = y.component_mul(&root);
    let plain = lsq::fit(&transformed, &yt, &FitOptions::default()).unwrap();
    for hc in Hc::ALL {
        let a = fit.robust(&full, hc).unwrap();
        let b = plain.robust(&transformed, hc).unwrap();
        for j in 0..full.ncols() {
            let rel = (a.std_errors()[j] - b.std_errors()[j]).abs() / b.std_errors()[j];
            assert!(rel < 1e-12, "{hc} column {j}: {rel:e}");
        }
        assert!((a.leverages() - b.leverages()).amax() < 1e-13);
    }
    // A zero weight removes the row: its leverage is 0 and HC1 counts n − 1 rows.
    let mut w0 = DVector::from_element(m, 1.0);
    w0[5] = 0.0;
    let dropped = lsq::fit(&full, &y, &FitOptions::default().weights(w0)).unwrap();
    let keep: Vec<usize> = (0..m).filter(|&i| i != 5).collect();
    let sub = Design::new(full.matrix().select_rows(&keep)).unwrap();
    let sub_fit = lsq::fit(&sub, &y.select_rows(&keep), &FitOptions::default()).unwrap();
    let (a, b) = (dropped.robust(&full, Hc::Hc1).unwrap(), sub_fit.robust(&sub, Hc::Hc1).unwrap());
    assert_eq!(a.leverages()[5], 0.0);
    assert!((a.std_errors() - b.std_errors()).amax() < 1e-12 * b.std_errors().amax());
}

#[test]
fn aliased_columns_get_nan_and_the_others_the_sandwich_without_them() {
    let (_, full, _, y) = ccard();
    let m = y.len();
    // Append a copy of AGE: aliased under DropAliased.
    let mut x = full.matrix().clone().insert_column(5, 0.0);
    let age = x.column(1).into_owned();
    x.set_column(5, &age);
    let wide = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    let fit = lsq::fit(&wide, &y, &options).unwrap();
    assert_eq!(fit.aliased(), &[5]);
    let reference = lsq::fit(&full, &y, &FitOptions::default()).unwrap();
    for hc in Hc::ALL {
        let (a, b) = (fit.robust(&wide, hc).unwrap(), reference.robust(&full, hc).unwrap());
        assert!(a.std_errors()[5].is_nan());
        assert_eq!(a.t_values()[5], Err(Unavailable::Aliased));
        assert!(a.covariance().unwrap().row(5).iter().all(|v| v.is_nan()));
        for j in 0..5 {
            assert!((a.std_errors()[j] - b.std_errors()[j]).abs() < 1e-12 * b.std_errors()[j]);
        }
    }
    // The aliased design is still nested in the full one, and vice versa.
    let f = lsq::fit(&full, &y, &FitOptions::default()).unwrap();
    let table = lsq::anova(&f, &full, &fit, &wide).unwrap();
    assert_eq!(table.df(), 0);
    assert_eq!(table.f_statistic(), Err(Unavailable::NoModelTerms));
    assert!(m > 5);
}

#[test]
fn exact_fits_give_no_robust_tests_and_an_intercept_only_model_is_nested() {
    let x = dmatrix![1.0; 2.0; 3.0; 4.0];
    let design = Design::with_intercept(&x).unwrap();
    let y = dvector![3.0, 5.0, 7.0, 9.0];
    let fit = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
    let robust = fit.robust(&design, Hc::Hc3).unwrap();
    assert!(robust.t_values().iter().all(|t| *t == Err(Unavailable::ExactFit)));
    assert!(robust.std_errors().iter().all(|v| v.is_finite()));
    let one = intercept_only(4);
    let f0 = lsq::fit(&one, &y, &FitOptions::default()).unwrap();
    let table = lsq::anova(&f0, &one, &fit, &design).unwrap();
    assert_eq!(table.f_statistic(), Err(Unavailable::ExactFit));
    assert!(table.sum_of_squares().unwrap() > 0.0);
}

#[test]
fn robust_types_are_thread_safe_values() {
    fn assert_traits<T: std::fmt::Debug + Clone + Send + Sync>() {}
    assert_traits::<Hc>();
    assert_traits::<lsq::Robust>();
    assert_traits::<lsq::Anova>();
}

#[test]
#[expect(clippy::float_cmp, reason = "power-of-two units change results exactly")]
fn robust_errors_and_f_tests_follow_power_of_two_units_exactly() {
    let (_, full, reduced, y) = ccard();
    let options = FitOptions::default();
    let base = lsq::fit(&full, &y, &options).unwrap();
    let f0 = lsq::fit(&reduced, &y, &options).unwrap();
    let table = lsq::anova(&f0, &reduced, &base, &full).unwrap();
    for k in [-300_i32, -30, 7, 250] {
        let scale = 2.0_f64.powi(k);
        // INCOME² in units 2^k and y in units 2^−k: its coefficient scales by 2^−2k.
        let mut x = full.matrix().clone();
        x.column_mut(3).scale_mut(scale);
        let scaled = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let ys = &y / scale;
        let fit = lsq::fit(&scaled, &ys, &options).unwrap();
        for hc in Hc::ALL {
            let (a, b) = (fit.robust(&scaled, hc).unwrap(), base.robust(&full, hc).unwrap());
            assert_eq!(a.std_errors()[3], b.std_errors()[3] / scale / scale, "{hc} 2^{k}");
            assert_eq!(a.std_errors()[1], b.std_errors()[1] / scale, "{hc} 2^{k}");
            assert_eq!(a.t_values(), b.t_values());
        }
        let g0 = lsq::fit(&Design::new(reduced.matrix() / scale).unwrap(), &ys, &options).unwrap();
        let g0_design = Design::new(reduced.matrix() / scale).unwrap();
        let other = lsq::anova(&g0, &g0_design, &fit, &scaled).unwrap();
        assert_eq!(other.f_statistic(), table.f_statistic(), "2^{k}");
        assert_eq!(other.p_value(), table.p_value(), "2^{k}");
    }
}

#[test]
fn anova_prints_r_table() {
    let (_, full, reduced, y) = grunfeld();
    let options = FitOptions::default();
    let (f0, f1) =
        (lsq::fit(&reduced, &y, &options).unwrap(), lsq::fit(&full, &y, &options).unwrap());
    let text = lsq::anova(&f0, &reduced, &f1, &full).unwrap().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Analysis of Variance Table");
    assert!(lines[2].contains("Res.Df") && lines[2].contains("Pr(>F)"), "{text}");
    assert!(lines[3].starts_with("1    217"), "{text}");
    assert!(
        lines[4].contains(" 10 ")
            && lines[4].contains("49.207")
            && lines[4].ends_with("<2e-16 ***"),
        "{text}"
    );
}

#[test]
fn polynomial_designs_fitted_in_double_double_pass_the_design_check() {
    let x = DVector::from_fn(40, |i, _| f64::from(u32::try_from(i).unwrap()) / 4.0 + 1.0);
    let y = x.map(|t| 1.0 + 0.5 * t - 0.25 * t * t + 0.01 * t.powi(5) + (t * 7.0).sin());
    let design = Design::polynomial(&x, 5).unwrap();
    let extended =
        lsq::fit(&design, &y, &FitOptions::default().method(Method::ExtendedQr)).unwrap();
    let plain = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
    for hc in Hc::ALL {
        let (a, b) = (extended.robust(&design, hc).unwrap(), plain.robust(&design, hc).unwrap());
        for j in 0..6 {
            let rel = (a.std_errors()[j] - b.std_errors()[j]).abs() / b.std_errors()[j];
            assert!(rel < 1e-8, "{hc} column {j}: {rel:e}");
        }
    }
    let line = Design::polynomial(&x, 1).unwrap();
    let f0 = lsq::fit(&line, &y, &FitOptions::default().method(Method::ExtendedQr)).unwrap();
    let table = lsq::anova(&f0, &line, &extended, &design).unwrap();
    assert_eq!(table.df(), 4);
    assert!(table.p_value().unwrap() < 1e-6);
}

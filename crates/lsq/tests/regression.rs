//! Regression statistics against independent references, rank handling and bad input.
//!
//! Reference numbers for the height data were computed with statsmodels 0.14 (`OLS`, `WLS`,
//! `get_prediction`), which is validated against R; statsmodels' AIC omits σ² from the
//! parameter count, R's (and ours) includes it, so the references below add 2.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use approx::assert_relative_eq;
use lsq::{Design, Error, FitOptions, Input, Method, Penalty, RankPolicy, Unavailable};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};

fn heights() -> (Design, DVector<f64>) {
    let data = sim::heights();
    let design = Design::new(data.x).unwrap().with_intercept_column(0).unwrap();
    let design = design.with_names(["(Intercept)", "weight", "parents"]).unwrap();
    (design, data.y)
}

/// The values of statistics that must all be available.
#[track_caller]
fn values(statistics: &[Result<f64, Unavailable>]) -> DVector<f64> {
    DVector::from_iterator(statistics.len(), statistics.iter().map(|s| s.unwrap()))
}

#[track_caller]
fn check_vector(got: &DVector<f64>, expected: &[f64], rel: f64) {
    for (g, e) in got.iter().zip(expected) {
        assert_relative_eq!(*g, *e, max_relative = rel);
    }
}

#[test]
fn height_example_matches_statsmodels_for_every_method() {
    let (design, y) = heights();
    for method in Method::ALL {
        let fit = lsq::fit(&design, &y, &FitOptions::default().method(method)).unwrap();
        // The exact solution is (7427217, 40684, −31848)/26827.
        check_vector(
            fit.coefficients(),
            &[276.856_040_556_155_2, 1.516_531_852_238_413_7, -1.187_162_187_348_564],
            1e-10,
        );
        check_vector(
            fit.std_errors(),
            &[64.790_748_809_315_1, 0.319_436_482_167_886, 0.466_703_976_181_675_9],
            1e-9,
        );
        check_vector(
            &values(&fit.t_values()),
            &[4.273_079_809_140_144, 4.747_522_393_016_371_5, -2.543_715_605_470_719_5],
            1e-9,
        );
        check_vector(
            &values(&fit.p_values()),
            &[0.146_350_050_581_030_57, 0.132_163_174_733_531_15, 0.238_456_282_619_360_08],
            1e-8,
        );
        assert_relative_eq!(
            fit.r_squared().unwrap(),
            0.972_866_224_019_861_3,
            max_relative = 1e-11
        );
        assert_relative_eq!(
            fit.adj_r_squared().unwrap(),
            0.918_598_672_059_584,
            max_relative = 1e-11
        );
        assert_relative_eq!(
            fit.f_statistic().unwrap(),
            17.927_217_810_229_923,
            max_relative = 1e-9
        );
        assert_relative_eq!(
            fit.f_p_value().unwrap(),
            0.164_723_331_620_443_67,
            max_relative = 1e-8
        );
        assert_relative_eq!(fit.sigma().unwrap(), 2.814_793_524_612_505, max_relative = 1e-10);
        assert_relative_eq!(
            fit.log_likelihood().unwrap(),
            -7.042_721_053_094_481,
            max_relative = 1e-10
        );
        assert_relative_eq!(fit.aic().unwrap(), 20.085_442_106_188_964 + 2.0, max_relative = 1e-10);
        assert_relative_eq!(
            fit.bic().unwrap(),
            18.244_325_189_548_633 + 4.0_f64.ln(),
            max_relative = 1e-10
        );
        assert_eq!((fit.df_residual(), fit.df_model(), fit.rank()), (1, 2, 3));
    }
}

#[test]
fn prediction_intervals_match_statsmodels() {
    let (design, y) = heights();
    let fit = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
    let p = fit.predict(&dmatrix![1.0, 75.0, 180.0], 0.95).unwrap();
    assert_relative_eq!(p.fit[0], 176.906_735_751_294_75, max_relative = 1e-11);
    assert_relative_eq!(p.se_fit[0], 1.995_509_298_895_128_6, max_relative = 1e-9);
    assert_relative_eq!(p.confidence_lower[0], 151.551_386_046_592_82, max_relative = 1e-9);
    assert_relative_eq!(p.confidence_upper[0], 202.262_085_455_996_67, max_relative = 1e-9);
    assert_relative_eq!(p.prediction_lower[0], 133.065_505_097_544_73, max_relative = 1e-9);
    assert_relative_eq!(p.prediction_upper[0], 220.747_966_405_044_76, max_relative = 1e-9);
}

#[test]
fn weighted_fit_matches_statsmodels_wls() {
    let x = dmatrix![1.0, 2.0; 2.0, 1.0; 3.0, 4.0; 4.0, 3.0; 5.0, 6.0; 6.0, 5.0];
    let y = dvector![1.2, 1.9, 3.2, 3.8, 5.3, 5.9];
    let w = dvector![1.0, 2.0, 0.5, 1.5, 1.0, 3.0];
    let design = Design::with_intercept(&x).unwrap();
    for method in Method::ALL {
        let fit = lsq::fit(&design, &y, &FitOptions::default().weights(w.clone()).method(method))
            .unwrap();
        check_vector(
            fit.coefficients(),
            &[0.025_617_977_528_088_7, 0.821_573_033_707_863_9, 0.187_415_730_337_080_6],
            1e-9,
        );
        check_vector(
            fit.std_errors(),
            &[0.056_550_034_563_415_06, 0.027_012_951_206_546_35, 0.028_055_297_054_205_84],
            1e-8,
        );
        assert_relative_eq!(
            fit.r_squared().unwrap(),
            0.999_480_577_728_225_7,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            fit.log_likelihood().unwrap(),
            10.148_330_337_776_871,
            max_relative = 1e-10
        );
        assert_relative_eq!(fit.sigma().unwrap(), 0.071_474_570_528_333_67, max_relative = 1e-10);
        assert_relative_eq!(
            fit.f_statistic().unwrap(),
            2_886.323_802_541_541_7,
            max_relative = 1e-9
        );
    }
}

#[test]
fn exact_fit_variant_gives_zero_one_zero_and_is_flagged() {
    let data = sim::heights_exact_fit();
    let design = Design::new(data.x).unwrap().with_intercept_column(0).unwrap();
    for method in Method::ALL {
        let fit = lsq::fit(&design, &data.y, &FitOptions::default().method(method)).unwrap();
        let beta = fit.coefficients();
        assert!((beta - dvector![0.0, 1.0, 0.0]).amax() < 1e-10, "{method}: {beta}");
        assert!(fit.diagnostics().exact_fit, "{method}");
        assert!(fit.residuals().amax() < 1e-10, "{method}");
    }
    let (design, y) = heights();
    assert!(!lsq::fit(&design, &y, &FitOptions::default()).unwrap().diagnostics().exact_fit);
}

/// An ill-conditioned design (κ ≈ 5·10⁹) does not turn a residual of 4·10⁻⁷‖y‖, far above
/// rounding, into an exact fit; the same design with y in its column space is one.
#[test]
fn exact_fit_is_judged_by_rounding_not_by_conditioning() {
    let x = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9];
    let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
    let options = FitOptions::default();
    let off = dvector![1.0, 1.0, 1.0 + 1e-6, 1.0];
    let fit = lsq::fit(&design, &off, &options).unwrap();
    assert!(fit.rss().unwrap().sqrt() > 1e-7 * off.norm());
    assert!(!fit.diagnostics().exact_fit);
    let on = &x * dvector![0.5, 2.0];
    assert!(lsq::fit(&design, &on, &options).unwrap().diagnostics().exact_fit);
}

#[test]
fn zero_weights_drop_rows_from_the_fit_and_the_degrees_of_freedom() {
    let x = dmatrix![1.0; 2.0; 3.0; 4.0; 5.0];
    let y = dvector![1.0, 2.2, 2.9, 4.1, 100.0];
    let design = Design::with_intercept(&x).unwrap();
    let weighted =
        lsq::fit(&design, &y, &FitOptions::default().weights(dvector![1.0, 1.0, 1.0, 1.0, 0.0]))
            .unwrap();
    let dropped = lsq::fit(
        &Design::with_intercept(&x.rows(0, 4).into_owned()).unwrap(),
        &y.rows(0, 4).into_owned(),
        &FitOptions::default(),
    )
    .unwrap();
    assert!((weighted.coefficients() - dropped.coefficients()).amax() < 1e-13);
    assert_eq!(weighted.df_residual(), 2);
    assert_eq!(weighted.residuals().len(), 5, "zero-weight rows still get residuals");
    assert_relative_eq!(weighted.sigma().unwrap(), dropped.sigma().unwrap(), max_relative = 1e-12);
}

#[test]
fn rank_deficiency_is_an_error_naming_the_column_unless_dropping_is_asked() {
    // x3 = x1 + x2: R's lm reports x3 as NA.
    let x = dmatrix![1.0, 2.0, 3.0; 2.0, 1.0, 3.0; 3.0, 5.0, 8.0; 4.0, 3.0, 7.0; 5.0, 8.0, 13.0];
    let design = Design::with_intercept(&x)
        .unwrap()
        .with_names(["(Intercept)", "a", "b", "a_plus_b"])
        .unwrap();
    let y = dvector![1.0, 2.0, 4.0, 3.0, 6.0];
    let err = lsq::fit(&design, &y, &FitOptions::default()).unwrap_err();
    match &err {
        Error::RankDeficient { rank: 3, cols: 4, aliased, names, tolerance } => {
            assert_eq!(aliased, &[3]);
            assert_eq!(names, &["a_plus_b"]);
            assert!(*tolerance > 0.0);
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("a_plus_b"), "{err}");
    for method in [Method::Qr, Method::ExtendedQr] {
        let fit = lsq::fit(
            &design,
            &y,
            &FitOptions::default().method(method).rank_policy(RankPolicy::DropAliased),
        )
        .unwrap();
        assert_eq!(fit.aliased(), &[3]);
        assert_eq!(fit.df_residual(), 2, "df uses the rank");
        assert!(fit.std_errors()[3].is_nan());
        assert_eq!(fit.p_values()[3], Err(Unavailable::Aliased));
        assert_eq!(
            fit.coefficients()[3].to_bits(),
            0.0_f64.to_bits(),
            "aliased coefficients are exactly zero"
        );
        let reduced = lsq::fit(
            &Design::with_intercept(&x.columns(0, 2).into_owned()).unwrap(),
            &y,
            &FitOptions::default(),
        )
        .unwrap();
        assert!((fit.coefficients().rows(0, 3) - reduced.coefficients()).amax() < 1e-10);
        assert!(fit.to_string().contains("1 not defined because of singularities"));
    }
    // The textbook methods cannot tell rank; they fail on the singular normal matrix.
    for method in [Method::NormalEquations, Method::Inverse] {
        let err = lsq::fit(&design, &y, &FitOptions::default().method(method)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::SingularNormalMatrix { column: 3, .. }
                    | Error::NormalMatrixBreakdown { .. }
                    | Error::IllConditionedNormalMatrix { .. }
            ),
            "{method}: {err}"
        );
    }
}

#[test]
fn bad_input_is_a_typed_error_naming_the_culprit() {
    let (design, y) = heights();
    let options = FitOptions::default();
    let mut bad_y = y.clone();
    bad_y[2] = f64::NAN;
    assert!(matches!(
        lsq::fit(&design, &bad_y, &options),
        Err(Error::NonFinite { input: Input::Response, row: 2, .. })
    ));
    assert!(matches!(
        lsq::fit(&design, &dvector![1.0, 2.0], &options),
        Err(Error::DimensionMismatch { input: Input::Response, expected: 4, found: 2 })
    ));
    assert!(matches!(
        lsq::fit(&design, &y, &FitOptions::default().weights(dvector![1.0, -1.0, 1.0, 1.0])),
        Err(Error::NegativeWeight { index: 1, .. })
    ));
    assert!(matches!(
        lsq::fit(
            &design,
            &y,
            &FitOptions::default().weights(dvector![1.0, 1.0, f64::INFINITY, 1.0])
        ),
        Err(Error::NonFinite { input: Input::Weights, row: 2, .. })
    ));
    assert!(matches!(
        lsq::fit(&design, &y, &FitOptions::default().weights(dvector![1.0])),
        Err(Error::DimensionMismatch { input: Input::Weights, .. })
    ));
    assert!(matches!(
        lsq::fit(&design, &y, &FitOptions::default().weights(dvector![1.0, 0.0, 0.0, 1.0])),
        Err(Error::Underdetermined { rows: 2, cols: 3 })
    ));
    assert!(matches!(
        Design::new(dmatrix![1.0, f64::INFINITY; 1.0, 2.0]),
        Err(Error::NonFinite { input: Input::Design, row: 0, col: 1, .. })
    ));
    assert!(matches!(Design::new(DMatrix::zeros(0, 0)), Err(Error::EmptyDesign { .. })));
    let wide = Design::new(dmatrix![1.0, 2.0, 3.0; 1.0, 5.0, 4.0]).unwrap();
    assert!(matches!(
        lsq::fit(&wide, &dvector![1.0, 2.0], &options),
        Err(Error::Underdetermined { rows: 2, cols: 3 })
    ));
    let zero = Design::with_intercept(&dmatrix![0.0, 1.0; 0.0, 2.0; 0.0, 4.0; 0.0, 3.0]).unwrap();
    let err = lsq::fit(&zero, &y, &options).unwrap_err();
    assert!(matches!(&err, Error::ZeroColumn { column: 1, name } if name == "x1"), "{err}");
    assert!(matches!(
        lsq::ridge(&design, &y, &Penalty::new(-1.0), &options),
        Err(Error::InvalidOption { name: "lambda", .. })
    ));
    assert!(matches!(
        lsq::fit(&design, &y, &options).unwrap().confidence_intervals(1.5),
        Err(Error::InvalidOption { name: "level", .. })
    ));
    assert!(matches!(
        lsq::fit(&design, &y, &FitOptions::default().tolerance(-1.0)),
        Err(Error::InvalidOption { name: "tolerance", .. })
    ));
    let fit = lsq::fit(&design, &y, &options).unwrap();
    assert!(matches!(
        fit.predict(&dmatrix![1.0, 2.0], 0.95),
        Err(Error::DimensionMismatch { input: Input::NewData, expected: 3, found: 2 })
    ));
    let square = Design::new(dmatrix![1.0, 0.0; 1.0, 1.0]).unwrap();
    assert!(matches!(
        lsq::fit(&square, &dvector![1.0, 2.0], &options),
        Err(Error::NoResidualDegreesOfFreedom { observations: 2, rank: 2 })
    ));
}

#[test]
fn summary_is_laid_out_like_r() {
    let (design, y) = heights();
    let text = lsq::fit(&design, &y, &FitOptions::default()).unwrap().to_string();
    for line in [
        "Residuals:",
        "Coefficients:",
        "            Estimate Std. Error t value Pr(>|t|)",
        "(Intercept)    276.9      64.79   4.273    0.146",
        "Residual standard error: 2.815 on 1 degrees of freedom",
        "Multiple R-squared: 0.9729, Adjusted R-squared: 0.9186",
        "F-statistic: 17.93 on 2 and 1 DF, p-value: 0.1647",
        "Signif. codes:",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn ridge_shrinks_and_matches_the_lessons_formula_for_every_method() {
    let (design, y) = heights();
    let w = dvector![1.0, 2.0, 0.5, 1.0];
    let lambda = 3.0;
    // β = (HᵀWH + λLᵀL)⁻¹HᵀWy with L = I minus the intercept row.
    let h = design.matrix();
    let l = dmatrix![0.0, 1.0, 0.0; 0.0, 0.0, 1.0];
    let wm = DMatrix::from_diagonal(&w);
    let normal = h.transpose() * &wm * h + l.transpose() * &l * lambda;
    let expected = normal.try_inverse().unwrap() * h.transpose() * &wm * &y;
    for method in Method::ALL {
        let options = FitOptions::default().weights(w.clone()).method(method);
        let fit = lsq::ridge(&design, &y, &Penalty::new(lambda), &options).unwrap();
        assert!((fit.coefficients() - &expected).amax() <= 1e-9 * expected.amax(), "{method}");
        assert!(
            fit.effective_df() < 3.0 && fit.effective_df() > 1.0,
            "{method}: df {}",
            fit.effective_df()
        );
    }
    let plain = lsq::ridge(&design, &y, &Penalty::new(0.0), &FitOptions::default()).unwrap();
    assert_relative_eq!(plain.effective_df(), 3.0, max_relative = 1e-9);
}

#[test]
fn public_types_are_thread_safe_values() {
    fn assert_traits<T: std::fmt::Debug + Clone + Send + Sync>() {}
    assert_traits::<Design>();
    assert_traits::<lsq::Fit>();
    assert_traits::<lsq::Solution>();
    assert_traits::<lsq::Diagnostics>();
    assert_traits::<lsq::Prediction>();
    assert_traits::<lsq::RidgeFit>();
    assert_traits::<lsq::Certification>();
    assert_traits::<FitOptions>();
    assert_traits::<Penalty>();
    assert_traits::<Error>();
    assert_traits::<Method>();
    assert_traits::<Unavailable>();
    assert_traits::<lsq::Quantity>();
}

/// The inputs issue 13 reports, on the design of `tests/hostile.rs`: a column near 10⁻¹⁶⁵ (a panic
/// in the SVD of the κ₂ diagnostic), y near 10¹⁵⁵ (a panic in the p-values), columns near 10¹⁵⁴
/// and 10⁻¹⁵⁶ (standard errors 0 or ∞ and a false exact fit), y near 10¹⁵⁴ (R² = 1), and constant
/// and zero responses (R² = −∞ or NaN, F = −4 or ∞ with stars).
#[test]
fn issue_13_inputs_give_honest_fits() {
    let x = dmatrix![1.0, 2.0; 2.0, 1.0; 3.0, 5.0; 4.0, 3.0; 5.0, 8.0; 6.0, 2.0];
    let y = dvector![1.0, 2.1, 2.9, 4.2, 5.1, 5.8];
    let options = FitOptions::default();
    let reference = lsq::fit(&Design::with_intercept(&x).unwrap(), &y, &options).unwrap();
    let r2 = reference.r_squared().unwrap();
    for scale in [1e-165, 1e-156, 1e154, 1e300] {
        let mut scaled = x.clone();
        scaled.column_mut(0).scale_mut(scale);
        let fit = lsq::fit(&Design::with_intercept(&scaled).unwrap(), &y, &options).unwrap();
        assert!(!fit.diagnostics().exact_fit, "column × {scale:e}");
        assert_relative_eq!(fit.r_squared().unwrap(), r2, max_relative = 1e-12);
        let se = fit.std_errors()[1] * scale;
        assert_relative_eq!(se, reference.std_errors()[1], max_relative = 1e-12);
        assert!(fit.diagnostics().condition_number.is_ok());
    }
    for scale in [1e154, 1e155, 1e300] {
        let fit = lsq::fit(&Design::with_intercept(&x).unwrap(), &(&y * scale), &options).unwrap();
        assert_relative_eq!(fit.r_squared().unwrap(), r2, max_relative = 1e-12);
        assert_relative_eq!(
            fit.p_values()[1].unwrap(),
            reference.p_values()[1].unwrap(),
            max_relative = 1e-9
        );
        assert!(!fit.diagnostics().exact_fit);
    }
    let design = Design::with_intercept(&x).unwrap();
    let constant = lsq::fit(&design, &DVector::from_element(6, 3.0), &options).unwrap();
    assert_eq!(constant.r_squared(), Err(Unavailable::ConstantResponse));
    assert_eq!(constant.f_statistic(), Err(Unavailable::ConstantResponse));
    let zero = lsq::fit(&design, &DVector::zeros(6), &options).unwrap();
    assert_eq!(zero.r_squared(), Err(Unavailable::ConstantResponse));
    assert_eq!(zero.f_p_value(), Err(Unavailable::ConstantResponse));
    assert_eq!(zero.log_likelihood(), Err(Unavailable::ExactFit));
    assert_eq!(zero.p_values()[1], Err(Unavailable::ExactFit));
    let summary = zero.to_string();
    assert!(summary.contains("Multiple R-squared: NA, Adjusted R-squared: NA"), "{summary}");
    assert!(summary.contains("NA: essentially perfect fit"), "{summary}");
    assert!(!summary.lines().any(|l| l.ends_with('*')), "{summary}");
}

/// The derived statistics of a fit agree with their textbook definitions on the lesson's data.
#[test]
fn derived_statistics_follow_their_definitions() {
    let (design, y) = heights();
    let fit = lsq::fit(&design, &y, &FitOptions::default()).unwrap();
    let x = design.matrix();
    // σ̂²·(XᵀX)⁻¹ against an explicit inverse (fine for this small design).
    let expected = (x.transpose() * x).try_inverse().unwrap() * fit.sigma().unwrap().powi(2);
    assert_relative_eq!(fit.covariance().unwrap(), expected, max_relative = 1e-6);
    // Σ log N(rᵢ; 0, σ²) at the maximum-likelihood variance RSS/n, and AIC and BIC from it
    // with rank + 1 parameters (σ² counts).
    let (n, s2) = (4.0, fit.rss().unwrap() / 4.0);
    let tau = 2.0 * std::f64::consts::PI;
    let ll: f64 = fit.residuals().iter().map(|r| -0.5 * ((tau * s2).ln() + r * r / s2)).sum();
    assert_relative_eq!(fit.log_likelihood().unwrap(), ll, max_relative = 1e-12);
    assert_relative_eq!(fit.aic().unwrap(), -2.0 * ll + 2.0 * 4.0, max_relative = 1e-12);
    assert_relative_eq!(fit.bic().unwrap(), -2.0 * ll + f64::ln(n) * 4.0, max_relative = 1e-12);
    // t = β/se, intervals symmetric about β and nested by level.
    let t = values(&fit.t_values());
    for j in 0..3 {
        assert_relative_eq!(
            t[j],
            fit.coefficients()[j] / fit.std_errors()[j],
            max_relative = 1e-15
        );
    }
    let (lo95, hi95) = fit.confidence_intervals(0.95).unwrap();
    let (lo99, hi99) = fit.confidence_intervals(0.99).unwrap();
    for (j, b) in fit.coefficients().iter().enumerate() {
        assert!(lo99[j] < lo95[j] && lo95[j] < *b && *b < hi95[j] && hi95[j] < hi99[j]);
        assert_relative_eq!(hi95[j] - b, b - lo95[j], max_relative = 1e-9);
    }
}

/// A design with one dominant row: its normal matrix is singular to working precision, yet the
/// 3×3 cofactor formula inverted it (dividing by a determinant of rounding noise) into a finite
/// matrix that passed every check. The residual `Ĉ·G − I` now refuses it; QR finds rank 1.
/// The matrix is the equilibrated design of a hostile-suite case, pasted verbatim.
#[test]
fn a_normal_matrix_singular_in_f64_is_refused_by_the_inverse() {
    let x = DMatrix::from_column_slice(
        5,
        3,
        &[
            2.987_226_391_555_521_7e-155,
            -0.0,
            -0.829_023_804_800_728_8,
            -8.969_690_122_383_037e-155,
            0.0,
            -7.588_721_835_576_062e-156,
            0.0,
            -0.781_877_133_777_387_4,
            4.906_966_099_423_79e-155,
            0.0,
            3.826_829_837_125_572_6e-154,
            -0.0,
            -0.794_844_130_988_325_5,
            -1.416_143_823_795_105_4e-154,
            -0.0,
        ],
    );
    let y = dvector![1.0, 2.0, 3.0, 4.0, 5.0];
    let inverse = FitOptions::default().method(Method::Inverse);
    let err = lsq::solve(&x, &y, &inverse).unwrap_err();
    assert!(matches!(err, Error::NormalMatrixBreakdown { method: Method::Inverse }), "{err}");
    let err = lsq::solve(&x, &y, &FitOptions::default()).unwrap_err();
    assert!(matches!(err, Error::RankDeficient { rank: 1, .. }), "{err}");
}

/// With a single slope F = t², so the F test and the slope's t test give the same p-value.
#[test]
fn the_f_test_of_one_slope_is_its_t_test() {
    let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0]).unwrap();
    let fit =
        lsq::fit(&design, &dvector![2.1, 3.9, 6.2, 7.8, 10.1], &FitOptions::default()).unwrap();
    let p = fit.f_p_value().unwrap();
    assert!(p < 1e-3);
    assert_relative_eq!(p, fit.p_values()[1].unwrap(), max_relative = 1e-8);
    assert_relative_eq!(
        fit.f_statistic().unwrap(),
        fit.t_values()[1].unwrap().powi(2),
        max_relative = 1e-12
    );
}

/// A constant column in a plain `Design::new` is an ordinary column: R² is uncentred and F
/// tests every column, as R's `lm(y ~ 0 + X)`; declared the intercept, the same matrix gives
/// the centred statistics of `lm(y ~ x)`.
#[test]
fn a_constant_column_is_the_intercept_only_when_declared() {
    let x = dmatrix![1.0, 1.0; 1.0, 2.0; 1.0, 3.0; 1.0, 4.0; 1.0, 5.0];
    let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
    let plain = lsq::fit(&Design::new(x.clone()).unwrap(), &y, &FitOptions::default()).unwrap();
    let declared = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let centred = lsq::fit(&declared, &y, &FitOptions::default()).unwrap();
    assert_eq!(plain.coefficients(), centred.coefficients());
    assert_eq!((plain.df_model(), centred.df_model()), (2, 1));
    assert_relative_eq!(plain.tss().unwrap(), y.norm_squared(), max_relative = 1e-14);
    let mean = y.mean();
    assert_relative_eq!(
        centred.tss().unwrap(),
        y.map(|v| (v - mean).powi(2)).sum(),
        max_relative = 1e-14
    );
    assert!(plain.r_squared().unwrap() > centred.r_squared().unwrap());
    assert!(plain.to_string().contains("uncentred"));
}

//! Model matrices built from formulas: R's names, column order, contrasts, interactions,
//! intercept removal, `poly`, offsets, `cbind`, missing values, and every typed error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use frame::nalgebra::DMatrix;
use frame::{DesignOptions, Error, Frame, ModelMatrix, NaAction, Response};

fn frame() -> Frame {
    Frame::new()
        .with_numeric("y", [1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0])
        .unwrap()
        .with_numeric("x1", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
        .unwrap()
        .with_numeric("x2", [1.0, 2.0, 4.0, 8.0, 3.0, 5.0, 7.0, 6.0])
        .unwrap()
        .with_categorical("g", ["A", "B", "C", "A", "B", "C", "A", "B"])
        .unwrap()
        .with_categorical("h", ["u", "u", "v", "v", "u", "v", "u", "v"])
        .unwrap()
}

#[track_caller]
fn check(frame: &Frame, formula: &str, names: &[&str]) -> ModelMatrix {
    let mm = frame.design(formula, &DesignOptions::default()).unwrap();
    assert_eq!(mm.design().names(), names, "{formula}");
    mm
}

#[track_caller]
fn column(mm: &ModelMatrix, name: &str) -> Vec<f64> {
    let j = mm.design().names().iter().position(|n| n == name).unwrap();
    mm.design().matrix().column(j).iter().copied().collect()
}

#[test]
fn the_issue_formula_has_r_names_and_order() {
    let f = frame();
    let mm = check(
        &f,
        "y ~ x1 + log(x2) + g + x1:g - 1",
        &["x1", "log(x2)", "gA", "gB", "gC", "x1:gB", "x1:gC"],
    );
    assert_eq!(mm.design().intercept_column(), None);
    assert_eq!(mm.assign(), [1, 2, 3, 3, 3, 4, 4]);
    // Interaction columns are products of their factors' columns.
    let x1 = column(&mm, "x1");
    let gb = column(&mm, "gB");
    let x1gb = column(&mm, "x1:gB");
    for i in 0..8 {
        assert_eq!(x1gb[i].to_bits(), (x1[i] * gb[i]).to_bits());
    }
    assert_eq!(column(&mm, "log(x2)")[3].to_bits(), 8f64.ln().to_bits());
}

#[test]
fn interactions_follow_r_contrast_rules() {
    let f = frame();
    check(&f, "y ~ x1*g", &["(Intercept)", "x1", "gB", "gC", "x1:gB", "x1:gC"]);
    // No main effect for x1: the interaction gets every level of g.
    check(&f, "y ~ x1:g", &["(Intercept)", "x1:gA", "x1:gB", "x1:gC"]);
    // g main effect present, x1 absent: g:x1 still indicators for all levels, named g first.
    check(&f, "y ~ g + g:x1", &["(Intercept)", "gB", "gC", "gA:x1", "gB:x1", "gC:x1"]);
    // Two factors: the first varies fastest.
    check(&f, "y ~ g*h", &["(Intercept)", "gB", "gC", "hv", "gB:hv", "gC:hv"]);
    check(&f, "y ~ 0 + g + h", &["gA", "gB", "gC", "hv"]);
    check(&f, "y ~ x1 + 0", &["x1"]);
    check(&f, "y ~ 1", &["(Intercept)"]);
    let mm = check(
        &f,
        "y ~ g:h",
        &["(Intercept)", "gA:hu", "gB:hu", "gC:hu", "gA:hv", "gB:hv", "gC:hv"],
    );
    // Each row has exactly one cell indicator.
    let x = mm.design().matrix();
    for i in 0..8 {
        assert_eq!(x.row(i).iter().skip(1).sum::<f64>().to_bits(), 1f64.to_bits());
    }
}

#[test]
fn the_reference_level_can_be_chosen() {
    let f = frame().with_reference("g", "C").unwrap();
    let mm = check(&f, "y ~ g", &["(Intercept)", "gA", "gB"]);
    assert_eq!(column(&mm, "gA"), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]);
    // Without an intercept every level appears, the reference first.
    check(&f, "y ~ g - 1", &["gC", "gA", "gB"]);
}

#[test]
fn transforms_and_poly_have_r_names_and_values() {
    let f = frame();
    let mm = check(
        &f,
        "y ~ I(x1^2) + sqrt(x2) + exp(x1) + I(x1 * 2 - x2/4) + poly(x1, 2)",
        &[
            "(Intercept)",
            "I(x1^2)",
            "sqrt(x2)",
            "exp(x1)",
            "I(x1 * 2 - x2/4)",
            "poly(x1, 2)1",
            "poly(x1, 2)2",
        ],
    );
    assert_eq!(column(&mm, "I(x1^2)")[2].to_bits(), 2.25f64.to_bits());
    assert_eq!(column(&mm, "I(x1 * 2 - x2/4)")[3].to_bits(), 2f64.to_bits());
    // poly's columns are orthonormal and orthogonal to the intercept on the rows used: PᵀP = I.
    let p = mm.design().matrix().columns(5, 2).into_owned();
    let gram: DMatrix<f64> = p.transpose() * &p;
    assert!((gram - DMatrix::identity(2, 2)).amax() < 1e-14);
    assert!(p.row_sum().amax() < 1e-14);
    // x1 is equally spaced, so P1 is (x1 - mean)/‖x1 - mean‖ with a positive sign, as R.
    let p1 = column(&mm, "poly(x1, 2)1");
    assert!(p1.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn offsets_and_cbind_are_evaluated() {
    let f = frame();
    let mm = check(&f, "cbind(y, x2) ~ x1 + offset(log(x2)) + offset(x1)", &["(Intercept)", "x1"]);
    let offset = mm.offset().unwrap();
    assert_eq!(offset[2].to_bits(), (4f64.ln() + 1.5).to_bits());
    let Some(Response::Binomial { successes, failures }) = mm.response() else { panic!() };
    assert_eq!((successes[1], failures[1]), (3.0, 2.0));
    let mm = check(&f, "log(y) ~ x1", &["(Intercept)", "x1"]);
    assert_eq!(mm.response_name(), Some("log(y)"));
    assert!(mm.offset().is_none());
}

#[test]
fn missing_values_are_dropped_or_an_error_by_option() {
    let f = Frame::new()
        .with_numeric_missing("y", [Some(1.0), Some(2.0), None, Some(4.0), Some(5.0)])
        .unwrap()
        .with_numeric_missing("x", [Some(1.0), None, Some(3.0), Some(2.0), Some(5.0)])
        .unwrap()
        .with_numeric_missing("unused", [None, None, None, None, None])
        .unwrap();
    let mm = check(&f, "y ~ x", &["(Intercept)", "x"]);
    assert_eq!(mm.dropped(), [1, 2]);
    assert_eq!(mm.rows(), [0, 3, 4]);
    let Some(Response::Vector(y)) = mm.response() else { panic!() };
    assert_eq!(y.as_slice(), [1.0, 4.0, 5.0]);
    let fail = DesignOptions::default().na_action(NaAction::Fail);
    let err = f.design("y ~ x", &fail).unwrap_err();
    assert!(matches!(&err, Error::Missing { column, row: 1 } if column == "x"), "{err}");
    assert_eq!(err.to_string(), "missing value in column `x` at row 1");
    let err = f.design("unused ~ x", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::ResponseAllMissing { .. }), "{err}");
    let err = f.design("y ~ unused", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NoCompleteRows { rows: 5 }), "{err}");
}

#[test]
fn bad_formulas_and_data_are_typed_errors() {
    let f = frame();
    let err = f.design("y ~ x3 + g", &DesignOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownVariable { name, suggestion: Some(s), .. } if name == "x3" && s == "x1"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "unknown variable `x3` at column 5; the closest column is `x1`\n  y ~ x3 + g\n      ^^"
    );
    let err = f.design("y ~ log(g)", &DesignOptions::default()).unwrap_err();
    assert!(matches!(&err, Error::NotNumeric { column, row: 0, .. } if column == "g"), "{err}");
    let err = f.design("g ~ x1", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NotNumeric { .. }), "{err}");
    let err = f.design("y ~ log(x1 - 1)", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { row: 0, operation: "log of", .. }), "{err}");
    assert_eq!(err.to_string(), "`log(x1 - 1)` is undefined at row 0: log of -0.5");
    let err = f.design("y ~ sqrt(x1 - 2)", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { row: 0, .. }), "{err}");
    let err = f.design("y ~ I(1/(x1 - 1))", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::OutOfDomain { row: 1, .. }), "{err}");
    let err = f.design("y ~ exp(x2 * 1000)", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NonFinite { row: 0, .. }), "{err}");
    let err = f.design("y ~ poly(x1, 8)", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::PolyDegree { degree: 8, unique: 8, .. }), "{err}");
    let err = f.design("y ~ x1 +", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Syntax { .. }), "{err}");
    let err = f.design("y ~ 0", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Design(lsq::Error::EmptyDesign { .. })), "{err}");

    let one = Frame::new()
        .with_numeric("y", [1.0, 2.0, 3.0])
        .unwrap()
        .with_categorical_missing("g", [Some("a"), Some("a"), None])
        .unwrap()
        .with_categorical("k", ["a", "b", "a"])
        .unwrap();
    let err = one.design("y ~ g", &DesignOptions::default()).unwrap_err();
    assert!(matches!(&err, Error::SingleLevel { level, .. } if level == "a"), "{err}");
    // A level absent from the rows used is dropped, as R's drop.unused.levels.
    let mm = one.design("y ~ k", &DesignOptions::default()).unwrap();
    assert_eq!(mm.design().names(), ["(Intercept)", "kb"]);
}

#[test]
fn lsq_fits_the_design_as_r_would() {
    // Treatment contrasts: with one factor and an intercept, the intercept is the reference
    // group's mean and each coefficient the difference of a group mean from it.
    let f = frame();
    let mm = check(&f, "y ~ g", &["(Intercept)", "gB", "gC"]);
    let Some(Response::Vector(y)) = mm.response() else { panic!() };
    let fit = lsq::fit(mm.design(), y, &lsq::FitOptions::default()).unwrap();
    let mean = |level: &str| {
        let frame::Column::Categorical(g) = f.column("g").unwrap() else { panic!() };
        let v: Vec<f64> =
            (0..8).filter(|&i| g[i].as_deref() == Some(level)).map(|i| y[i]).collect();
        v.iter().sum::<f64>() / f64::from(u32::try_from(v.len()).unwrap())
    };
    let b = fit.coefficients();
    assert!((b[0] - mean("A")).abs() < 1e-13);
    assert!((b[1] - (mean("B") - mean("A"))).abs() < 1e-13);
    assert!((b[2] - (mean("C") - mean("A"))).abs() < 1e-13);
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    check::<Frame>();
    check::<ModelMatrix>();
    check::<frame::Formula>();
    check::<DesignOptions>();
    error::<Error>();
}

#[test]
fn long_formulas_stay_within_the_stack_or_are_an_error() {
    // A sum of 995 terms and a 995-operator sum inside I(), just under the token limit, on a
    // test thread's small stack.
    let f = frame();
    let terms = vec!["x1"; 995].join(" + ");
    check(&f, &format!("y ~ {terms}"), &["(Intercept)", "x1"]);
    let sum = vec!["x1"; 995].join("+");
    let mm = f.design(&format!("y ~ I({sum})"), &DesignOptions::default()).unwrap();
    assert_eq!(mm.design().matrix()[(0, 1)].to_bits(), (0.5f64 * 995.0).to_bits());
    let too_long = vec!["x1"; 1001].join(" + ");
    let err = f.design(&format!("y ~ {too_long}"), &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Syntax { .. }), "{err}");
}

#[test]
fn factor_makes_numbers_categorical_with_levels_by_value() {
    let f = Frame::new()
        .with_numeric("y", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        .unwrap()
        .with_numeric("cyl", [4.0, 10.0, 6.0, 4.0, 10.0, 0.5])
        .unwrap()
        .with_categorical("g", ["a", "b", "a", "b", "a", "b"])
        .unwrap();
    // Levels sort by value (0.5 < 4 < 6 < 10), not by text, as R's factor() of numbers.
    let mm = check(
        &f,
        "y ~ factor(cyl)",
        &["(Intercept)", "factor(cyl)4", "factor(cyl)6", "factor(cyl)10"],
    );
    assert_eq!(column(&mm, "factor(cyl)10"), [0.0, 1.0, 0.0, 0.0, 1.0, 0.0]);
    check(&f, "y ~ factor(g)", &["(Intercept)", "factor(g)b"]);
    let err = f.design("y ~ I(factor(cyl))", &DesignOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Syntax { .. }), "{err}");
}

#[cfg(feature = "serde")]
#[test]
fn frames_and_options_round_trip_through_json() {
    let f = frame().with_reference("g", "C").unwrap();
    let back: Frame = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(back, f);
    assert_eq!(back.levels("g").unwrap(), ["C", "A", "B"]);
    // A document that breaks a frame's invariants is an error, not a frame.
    let ragged = r#"{"names":["a","b"],"columns":[{"Numeric":[1.0]},{"Numeric":[1.0,2.0]}],"references":[null,null]}"#;
    assert!(serde_json::from_str::<Frame>(ragged).is_err());
    let bad_level = r#"{"names":["g"],"columns":[{"Categorical":["a","b"]}],"references":["z"]}"#;
    assert!(serde_json::from_str::<Frame>(bad_level).is_err());
    let options = DesignOptions::default().na_action(NaAction::Fail);
    let json = serde_json::to_string(&options).unwrap();
    assert_eq!(serde_json::from_str::<DesignOptions>(&json).unwrap(), options);
}

//! Hostile input: every public entry point, fed what a careless or hostile user would pass, never
//! panics, returns finite numbers or a typed "not available" when it succeeds, and a typed error
//! naming the culprit when it fails. (The units of columns and of `y`, across the whole range of
//! `f64`, are `tests/units.rs`.)
//!
//! `hostile_probes_are_typed_errors_or_honest_fits` runs a table of named probes (each through
//! every method where a method applies) and counts them; the proptest below draws random shapes,
//! scales, degenerate responses, extreme weights and options, and planted non-finite values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/strategies.rs"]
mod strategies;

use lsq::{
    ConditionNumber, Design, Error, Fit, FitOptions, Method, Penalty, Quantity, RankPolicy,
    Unavailable,
};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use strategies::{
    check_error, check_fit, check_outcome, decade, method, moderate, non_finite, rank_policy,
    times_decade,
};

/// Counts the probes a test runs, so that the suite can state how many distinct ones it has.
#[derive(Default)]
struct Probes {
    names: Vec<String>,
}

impl Probes {
    /// Runs `lsq::fit` and checks its invariants; returns the fit, if any.
    #[track_caller]
    fn fit(
        &mut self,
        name: &str,
        design: &Design,
        y: &DVector<f64>,
        options: &FitOptions,
    ) -> Option<Fit> {
        self.names.push(format!("fit: {name} ({})", options_name(options)));
        let outcome = lsq::fit(design, y, options);
        check_outcome(&outcome, check_fit);
        if let Ok(fit) = &outcome {
            for level in [0.95, 1.0 - f64::EPSILON, 1e-300] {
                check_outcome(&fit.confidence_intervals(level), |(lo, hi)| {
                    for j in 0..lo.len() {
                        let aliased = fit.aliased().contains(&j);
                        assert!(
                            aliased || (lo[j].is_finite() && hi[j].is_finite() && lo[j] <= hi[j])
                        );
                    }
                });
            }
            check_outcome(&fit.predict(design.matrix(), 0.9), |p| {
                let values = [&p.fit, &p.se_fit, &p.confidence_lower, &p.prediction_upper];
                assert!(values.iter().all(|v| v.iter().all(|x| x.is_finite())));
            });
        }
        outcome.ok()
    }

    /// Runs `lsq::solve` and `lsq::solve_in_place` and checks that they agree and keep the
    /// invariants.
    #[track_caller]
    fn solve(&mut self, name: &str, a: &DMatrix<f64>, b: &DVector<f64>, options: &FitOptions) {
        self.names.push(format!("solve: {name} ({})", options_name(options)));
        let copied = lsq::solve(a, b, options);
        let in_place = lsq::solve_in_place(a.clone(), b, options);
        check_outcome(&copied, |s| {
            assert!(s.coefficients().iter().all(|v| v.is_finite()));
            check_outcome(&s.unscaled_covariance(), |c| assert!(c.iter().all(|v| v.is_finite())));
        });
        match (&copied, &in_place) {
            (Ok(s), Ok((t, _))) => assert_eq!(s.aliased(), t.aliased(), "{name}"),
            (Err(e), Err(f)) => {
                check_error(f);
                assert_eq!(std::mem::discriminant(e), std::mem::discriminant(f), "{e} vs {f}");
            }
            (s, t) => panic!("{name}: solve {:?} but solve_in_place {:?}", s.is_ok(), t.is_ok()),
        }
    }

    /// Runs `lsq::ridge` and checks its invariants.
    #[track_caller]
    fn ridge(
        &mut self,
        name: &str,
        design: &Design,
        y: &DVector<f64>,
        penalty: &Penalty,
        options: &FitOptions,
    ) {
        self.names.push(format!("ridge: {name} ({})", options_name(options)));
        check_outcome(&lsq::ridge(design, y, penalty, options), |r| {
            assert!(r.coefficients().iter().chain(r.residuals().iter()).all(|v| v.is_finite()));
            assert!(r.effective_df().is_finite());
            strategies::check_statistic("ridge RSS", r.rss());
            strategies::check_statistic("GCV", r.gcv());
            assert!(!r.to_string().contains("NaN"));
        });
    }

    /// Records a probe of a constructor or a getter.
    #[track_caller]
    fn other<T>(&mut self, name: &str, outcome: &lsq::Result<T>) {
        self.names.push(name.to_owned());
        check_outcome(outcome, |_| {});
    }
}

fn options_name(options: &FitOptions) -> String {
    format!("{options:?}")
}

/// The lesson-sized regression most probes perturb: an intercept and two columns.
fn base() -> (DMatrix<f64>, DVector<f64>) {
    let x = dmatrix![1.0, 2.0; 2.0, 1.0; 3.0, 5.0; 4.0, 3.0; 5.0, 8.0; 6.0, 2.0];
    (x, dvector![1.0, 2.1, 2.9, 4.2, 5.1, 5.8])
}

fn every_method() -> impl Iterator<Item = FitOptions> {
    Method::ALL.into_iter().map(|m| FitOptions::default().method(m))
}

#[test]
#[expect(clippy::too_many_lines, reason = "one table of probes, grouped by what they try")]
#[expect(clippy::print_stdout, reason = "the suite reports how many probes it ran")]
fn hostile_probes_are_typed_errors_or_honest_fits() {
    let mut probes = Probes::default();
    let (x, y) = base();
    let design = Design::with_intercept(&x).unwrap();
    let reference = lsq::fit(&design, &y, &FitOptions::default()).unwrap();

    // Constructors: empty, non-finite, overflowing powers, bad names and intercepts.
    probes.other("empty 0×0", &Design::new(DMatrix::zeros(0, 0)));
    probes.other("empty 0×3", &Design::new(DMatrix::zeros(0, 3)));
    probes.other("empty 3×0", &Design::new(DMatrix::zeros(3, 0)));
    probes.other("intercept on 0×0", &Design::with_intercept(&DMatrix::zeros(0, 0)));
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut xb = x.clone();
        xb[(3, 1)] = bad;
        probes.other(&format!("design with {bad}"), &Design::with_intercept(&xb));
        probes.other(&format!("polynomial of {bad}"), &Design::polynomial(&dvector![1.0, bad], 2));
    }
    probes.other("polynomial overflow", &Design::polynomial(&dvector![1e200, 2.0, 3.0], 2));
    probes.other("polynomial degree 0", &Design::polynomial(&dvector![1.0, 2.0, 3.0], 0));
    probes.other("too many names", &design.clone().with_names(["a", "b", "c", "d"]));
    probes
        .other("intercept out of range", &Design::new(x.clone()).unwrap().with_intercept_column(9));
    probes
        .other("intercept not constant", &Design::new(x.clone()).unwrap().with_intercept_column(1));
    probes.other(
        "intercept zero",
        &Design::new(DMatrix::zeros(3, 1)).unwrap().with_intercept_column(0),
    );

    // Shapes: 1×1, n×1, square, wide, single row, intercept only, every method.
    let shapes: Vec<(&str, DMatrix<f64>, DVector<f64>)> = vec![
        ("1×1", dmatrix![2.0], dvector![3.0]),
        ("n×1", dmatrix![1.0; 2.0; 3.0; 4.0], dvector![1.0, 2.0, 2.0, 5.0]),
        ("square", dmatrix![1.0, 0.0; 1.0, 1.0], dvector![1.0, 2.0]),
        ("wide", dmatrix![1.0, 2.0, 3.0; 4.0, 5.0, 7.0], dvector![1.0, 2.0]),
        ("one row", dmatrix![1.0, 2.0], dvector![1.0]),
        ("constant column", dmatrix![3.0; 3.0; 3.0], dvector![1.0, 2.0, 4.0]),
        ("tall", x.clone(), y.clone()),
    ];
    for (name, a, b) in &shapes {
        for options in every_method() {
            probes.fit(name, &Design::new(a.clone()).unwrap(), b, &options);
            probes.solve(name, a, b, &options);
        }
    }
    let intercept_only =
        Design::new(DMatrix::from_element(5, 1, 1.0)).unwrap().with_intercept_column(0).unwrap();
    for options in every_method() {
        let fit = probes
            .fit("intercept only", &intercept_only, &dvector![1.0, 2.0, 4.0, 3.0, 5.0], &options)
            .unwrap();
        assert_eq!(fit.f_statistic(), Err(Unavailable::NoModelTerms));
        assert!(fit.r_squared().is_ok_and(|r| r.abs() < 1e-12));
    }

    // Non-finite responses and designs passed straight to the solvers.
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for position in [0, 5] {
            let mut yb = y.clone();
            yb[position] = bad;
            probes.fit(&format!("y[{position}] = {bad}"), &design, &yb, &FitOptions::default());
            let mut xb = x.clone();
            xb[(position, 1)] = bad;
            probes.solve(&format!("A[{position}, 1] = {bad}"), &xb, &y, &FitOptions::default());
        }
    }
    probes.fit("short y", &design, &dvector![1.0, 2.0], &FitOptions::default());
    probes.solve("short b", &x, &dvector![1.0, 2.0], &FitOptions::default());
    probes.solve("empty A", &DMatrix::zeros(0, 2), &DVector::zeros(0), &FitOptions::default());

    // Columns and responses in units from 10⁻³⁰⁰ to 10³⁰⁰: the same t, R² and F as the
    // unscaled fit up to the rounding of the scaled data, and coefficients that scale back.
    for k in [-300, -200, -165, -156, -154, -100, 100, 154, 156, 160, 200, 300] {
        let mut xs = x.clone();
        xs.column_mut(1).iter_mut().for_each(|v| *v = times_decade(*v, k));
        let ys = y.map(|v| times_decade(v, k));
        for options in every_method() {
            let name = format!("column × 1e{k}");
            let fit =
                probes.fit(&name, &Design::with_intercept(&xs).unwrap(), &y, &options).unwrap();
            check_same_statistics(&name, &fit, &reference, &[0, 0, -k], 0);
            let name = format!("y × 1e{k}");
            let fit = probes.fit(&name, &design, &ys, &options).unwrap();
            check_same_statistics(&name, &fit, &reference, &[k, k, k], k);
            probes.solve(&name, &xs, &ys, &options);
        }
    }
    // A column near 10⁻³⁰⁰ explaining a response near 10³⁰⁰: the slope, about 10⁶⁰⁰, is no f64.
    let mut tiny = x.clone();
    tiny.column_mut(0).iter_mut().for_each(|v| *v *= 1e-300);
    let huge = y.map(|v| v * 1e300);
    for options in every_method() {
        probes.fit("slope 10⁶⁰⁰", &Design::with_intercept(&tiny).unwrap(), &huge, &options);
        let err =
            lsq::solve(&Design::with_intercept(&tiny).unwrap().matrix().clone(), &huge, &options)
                .unwrap_err();
        assert!(
            matches!(err, Error::Unrepresentable { quantity: Quantity::Coefficient, index: 1, .. }),
            "{err}"
        );
    }

    // Degenerate responses: constant, zero, rounding-level variation, two values, exact.
    let responses: Vec<(&str, DVector<f64>)> = vec![
        ("constant", DVector::from_element(6, 3.0)),
        ("constant 0.1", DVector::from_element(6, 0.1)),
        ("zero", DVector::zeros(6)),
        ("two-valued", dvector![0.0, 1.0, 0.0, 1.0, 1.0, 0.0]),
        ("exact", &x * dvector![0.5, -2.0] + DVector::from_element(6, 1.5)),
        ("tiny variation", dvector![1.0, 1.0, 1.0, 1.0, 1.0, 1.0 + f64::EPSILON]),
    ];
    for (name, yy) in &responses {
        for options in every_method() {
            for d in [&design, &Design::new(x.clone()).unwrap()] {
                let Some(fit) = probes.fit(name, d, yy, &options) else { continue };
                check_degenerate(name, &fit, d.intercept_column().is_some());
            }
        }
    }

    // Duplicate, zero and collinear columns under both rank policies.
    let dup = DMatrix::from_fn(6, 3, |i, j| x[(i, j.min(1))]);
    let zero = DMatrix::from_fn(6, 3, |i, j| if j == 2 { 0.0 } else { x[(i, j)] });
    let sum = DMatrix::from_fn(6, 3, |i, j| if j == 2 { x[(i, 0)] + x[(i, 1)] } else { x[(i, j)] });
    for (name, a) in [("duplicate column", dup), ("zero column", zero), ("sum column", sum)] {
        for options in every_method() {
            for policy in [RankPolicy::Error, RankPolicy::DropAliased] {
                let options = options.clone().rank_policy(policy);
                probes.fit(name, &Design::with_intercept(&a).unwrap(), &y, &options);
                probes.solve(name, &a, &y, &options);
            }
        }
    }

    // Weights: zeros, negative, non-finite, extreme, spread over the whole range, wrong length.
    let weights: Vec<(&str, DVector<f64>)> = vec![
        ("some zero weights", dvector![1.0, 0.0, 1.0, 1.0, 0.0, 1.0]),
        ("all zero weights", DVector::zeros(6)),
        ("negative weight", dvector![1.0, -1.0, 1.0, 1.0, 1.0, 1.0]),
        ("NaN weight", dvector![1.0, f64::NAN, 1.0, 1.0, 1.0, 1.0]),
        ("infinite weight", dvector![1.0, f64::INFINITY, 1.0, 1.0, 1.0, 1.0]),
        ("weights 1e300", DVector::from_element(6, 1e300)),
        ("weights 1e-300", DVector::from_element(6, 1e-300)),
        ("weights spread", dvector![1e-300, 1e300, 1.0, 5e-324, f64::MAX, 1e-10]),
        ("wrong length", dvector![1.0, 1.0]),
    ];
    for (name, w) in &weights {
        for options in every_method() {
            let options = options.weights(w.clone());
            probes.fit(name, &design, &y, &options);
            probes.solve(name, design.matrix(), &y, &options);
        }
    }

    // Options at their limits.
    for tol in [0.0, 1e-300, 0.5, 1.0 - f64::EPSILON, 1.0, -1.0, f64::NAN, f64::INFINITY] {
        for options in every_method() {
            let options = options.tolerance(tol);
            probes.fit(&format!("tolerance {tol}"), &design, &y, &options);
            probes.solve(&format!("tolerance {tol}"), design.matrix(), &y, &options);
        }
    }
    for when in [ConditionNumber::Always, ConditionNumber::Never] {
        probes.fit("condition option", &design, &y, &FitOptions::default().condition_number(when));
    }

    // Levels and new rows for intervals and predictions.
    for level in [0.0, 1.0, f64::NAN, -1.0, 2.0, f64::INFINITY, 1e-300, 0.5, 1.0 - f64::EPSILON] {
        probes.other(&format!("confidence level {level}"), &reference.confidence_intervals(level));
        probes.other(
            &format!("prediction level {level}"),
            &reference.predict(&dmatrix![1.0, 2.0, 3.0], level),
        );
    }
    for (name, rows) in [
        ("NaN row", dmatrix![1.0, f64::NAN, 1.0]),
        ("infinite row", dmatrix![1.0, 1.0, f64::INFINITY]),
        ("row 1e300", dmatrix![1.0, 1e300, -1e300]),
        ("row at MAX", dmatrix![f64::MAX, f64::MAX, f64::MAX]),
        ("row 1e-300", dmatrix![1e-300, 1e-300, 5e-324]),
        ("narrow row", dmatrix![1.0, 2.0]),
        ("no rows", DMatrix::zeros(0, 3)),
    ] {
        let outcome = reference.predict(&rows, 0.95);
        probes.other(&format!("predict {name}"), &outcome);
        check_outcome(&outcome, |p| {
            assert!(p.fit.iter().chain(p.prediction_upper.iter()).all(|v| v.is_finite()));
        });
    }

    // Ridge: λ at its limits, bad penalty matrices, hostile weights.
    for lambda in [0.0, 1e-300, 1.0, 1e300, f64::MAX, f64::NAN, -1.0, f64::INFINITY] {
        for options in every_method() {
            probes.ridge(&format!("λ = {lambda}"), &design, &y, &Penalty::new(lambda), &options);
        }
    }
    for (name, l) in [
        ("L too narrow", dmatrix![1.0, 2.0]),
        ("L with NaN", dmatrix![0.0, f64::NAN, 1.0]),
        ("L huge", dmatrix![0.0, 1e300, 1e300]),
    ] {
        probes.ridge(name, &design, &y, &Penalty::new(1.0).matrix(l), &FitOptions::default());
    }
    probes.ridge(
        "ridge on square",
        &Design::new(dmatrix![1.0, 0.0; 1.0, 1.0]).unwrap(),
        &dvector![1.0, 2.0],
        &Penalty::new(0.0),
        &FitOptions::default(),
    );
    for (name, w) in &weights {
        probes.ridge(
            name,
            &design,
            &y,
            &Penalty::new(2.0),
            &FitOptions::default().weights(w.clone()),
        );
    }
    probes.ridge(
        "ridge y 1e300",
        &design,
        &y.map(|v| v * 1e300),
        &Penalty::new(1.0),
        &FitOptions::default(),
    );

    // Certification through both precisions.
    for (name, yy) in &responses {
        probes
            .other(&format!("certify {name}"), &lsq::certify(&design, yy, &FitOptions::default()));
    }

    let mut distinct = probes.names.clone();
    distinct.sort();
    distinct.dedup();
    // The issue asks for at least 150 distinct probes over the project.
    assert!(distinct.len() >= 400, "only {} distinct probes", distinct.len());
    println!("{} probes, {} distinct", probes.names.len(), distinct.len());
}

/// A fit of rescaled data against the reference: the same t, R², F and p to the rounding of
/// the rescaled data, no exact fit, coefficient k in units `10^decades[k]` and σ̂ in units
/// `10^y_decade`.
#[track_caller]
fn check_same_statistics(name: &str, fit: &Fit, reference: &Fit, decades: &[i32], y_decade: i32) {
    let close = |a: f64, b: f64, what: &str| {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1e-3), "{name}: {what} {a} vs {b}");
    };
    close(fit.r_squared().unwrap(), reference.r_squared().unwrap(), "R²");
    close(fit.f_statistic().unwrap(), reference.f_statistic().unwrap(), "F");
    for (t, u) in fit.t_values().iter().zip(reference.t_values()) {
        close(t.unwrap(), u.unwrap(), "t");
    }
    for (p, q) in fit.p_values().iter().zip(reference.p_values()) {
        close(p.unwrap(), q.unwrap(), "p");
    }
    assert!(!fit.diagnostics().exact_fit, "{name}: flagged an exact fit");
    let scaled = |f: &Fit| f.diagnostics().scaled_condition_number.unwrap();
    close(scaled(fit), scaled(reference), "scaled κ₂");
    for (k, &decade) in decades.iter().enumerate() {
        let expected = times_decade(reference.coefficients()[k], decade);
        let got = fit.coefficients()[k];
        assert!(
            (got - expected).abs() <= 1e-9 * expected.abs(),
            "{name}: β{k} {got:e} vs {expected:e}"
        );
    }
    let sigma = fit.sigma().unwrap();
    let expected = times_decade(reference.sigma().unwrap(), y_decade);
    assert!((sigma - expected).abs() <= 1e-9 * expected, "{name}: σ̂ {sigma:e} vs {expected:e}");
}

/// What a degenerate response must give: no R² or F for a constant one, no t tests or
/// likelihood for an exact fit, ordinary statistics for two values.
#[track_caller]
fn check_degenerate(name: &str, fit: &Fit, intercept: bool) {
    match name {
        "constant" | "constant 0.1" if intercept => {
            assert_eq!(fit.r_squared(), Err(Unavailable::ConstantResponse), "{name}");
            assert!(fit.diagnostics().exact_fit, "{name}");
            assert_eq!(fit.t_values()[0], Err(Unavailable::ExactFit), "{name}");
        }
        "zero" => {
            assert_eq!(fit.r_squared(), Err(Unavailable::ConstantResponse), "{name}");
            assert_eq!(fit.log_likelihood(), Err(Unavailable::ExactFit), "{name}");
            assert_eq!(fit.f_statistic(), Err(Unavailable::ConstantResponse), "{name}");
            assert!(fit.to_string().contains("Multiple R-squared: NA"));
            let summary = fit.to_string();
            assert!(!summary.lines().any(|l| l.ends_with('*')), "stars on a zero response");
        }
        "exact" if intercept => {
            assert!(fit.diagnostics().exact_fit, "{name}");
            assert!(fit.r_squared().is_ok_and(|r| (r - 1.0).abs() < 1e-12), "{name}");
            assert_eq!(fit.f_statistic(), Err(Unavailable::ExactFit), "{name}");
        }
        "two-valued" => {
            let r2 = fit.r_squared().unwrap();
            assert!((-1e-12..=1.0).contains(&r2) || !intercept, "{name}: R² {r2}");
            assert!(fit.p_values().iter().all(Result::is_ok), "{name}");
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Random small shapes (empty and wide included) with a non-finite value planted in the
    /// design, the response, the weights or a new row, columns and responses scaled by any power
    /// of ten, degenerate responses, duplicate columns, extreme weights, every method and option:
    /// typed errors naming the culprit, or honest fits.
    #[test]
    fn random_hostile_inputs_keep_the_invariants(
        (m, p) in (0_usize..9, 0_usize..5),
        entries in prop::collection::vec(moderate(), 40),
        scales in prop::collection::vec(prop::option::of(decade()), 5),
        (response, y_decade) in (0_usize..5, prop::option::of(decade())),
        plant in prop::option::of((0_usize..4, 0_usize..40, non_finite())),
        weights in prop::option::weighted(0.4, prop::collection::vec(
            prop::sample::select(vec![0.0, 1.0, 2.5, 1e-300, 1e300, 5e-324, f64::MAX]), 8)),
        negative_weight in prop::option::weighted(0.05, 0_usize..8),
        tolerance in prop::option::weighted(0.3, prop::sample::select(
            vec![0.0, 1e-300, 1e-8, 0.5, 1.0 - f64::EPSILON, 1.0, f64::NAN])),
        (method, policy) in (method(), rank_policy()),
        (duplicate, intercept) in (any::<bool>(), any::<bool>()),
        level in prop::sample::select(vec![0.95, 0.5, 1e-300, 1.0 - f64::EPSILON, 0.0, f64::NAN]),
    ) {
        let mut x = DMatrix::from_fn(m, p, |i, j| {
            let v = entries[(i * 5 + j) % 40];
            scales[j].map_or(v, |k| times_decade(v, k))
        });
        if duplicate && p >= 2 {
            let first = x.column(0).into_owned();
            x.set_column(p - 1, &first);
        }
        let mut y = match response {
            0 => DVector::from_element(m, entries[1]),
            1 => DVector::zeros(m),
            2 => DVector::from_fn(m, |i, _| f64::from(u8::from(entries[i] > 0.0))),
            3 if p > 0 => &x * DVector::from_fn(p, |j, _| entries[j + 10]),
            _ => DVector::from_fn(m, |i, _| entries[(i * 7 + 3) % 40]),
        };
        if let Some(k) = y_decade {
            y.iter_mut().for_each(|v| *v = times_decade(*v, k));
        }
        let mut w = weights.map(|w| DVector::from_fn(m, |i, _| w[i % 8]));
        if let (Some(w), Some(i)) = (w.as_mut(), negative_weight) && m > 0 {
            w[i % m] = -1.0;
        }
        let columns = p + usize::from(intercept);
        let mut new_row = DMatrix::from_fn(1, columns, |_, j| entries[j]);
        if let Some((target, at, value)) = plant {
            match target {
                0 if m * p > 0 => x[(at % m, at % p)] = value,
                1 if m > 0 => y[at % m] = value,
                2 if m > 0 => {
                    if let Some(w) = w.as_mut() {
                        w[at % m] = value;
                    }
                }
                _ if columns > 0 => new_row[(0, at % columns)] = value,
                _ => {}
            }
        }
        let mut options = FitOptions::default().method(method).rank_policy(policy);
        if let Some(w) = w {
            options = options.weights(w);
        }
        if let Some(tol) = tolerance {
            options = options.tolerance(tol);
        }
        let solved = lsq::solve(&x, &y, &options);
        check_outcome(&solved, |s| assert!(s.coefficients().iter().all(|v| v.is_finite())));
        check_outcome(&lsq::solve_in_place(x.clone(), &y, &options), |_| {});
        let design = if intercept { Design::with_intercept(&x) } else { Design::new(x.clone()) };
        match design {
            Err(err) => check_error(&err),
            Ok(design) => {
                let outcome = lsq::fit(&design, &y, &options);
                check_outcome(&outcome, check_fit);
                if let Ok(fit) = outcome {
                    check_outcome(&fit.predict(&new_row, level), |p| {
                        assert!(p.fit.iter().chain(p.prediction_lower.iter()).all(|v| v.is_finite()));
                    });
                    check_outcome(&fit.confidence_intervals(level), |_| {});
                }
                check_outcome(&lsq::ridge(&design, &y, &Penalty::new(1.0), &options), |r| {
                    assert!(r.coefficients().iter().all(|v| v.is_finite()));
                    strategies::check_statistic("GCV", r.gcv());
                });
            }
        }
    }
}

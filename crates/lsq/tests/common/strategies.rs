//! Strategies and invariant checks shared by the property and hostile-input tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "each including test file uses a different subset; tests fail loudly"
)]

use lsq::{Error, Fit, Method, RankPolicy, Unavailable};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// `(seed, m, p)` with `m ≥ p + 3`, for well-conditioned regressions from `sim`.
pub fn sizes() -> impl Strategy<Value = (u64, usize, usize)> {
    (any::<u64>(), 1_usize..6).prop_flat_map(|(seed, p)| (Just(seed), (p + 3)..40, Just(p)))
}

/// Every method.
pub fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(Method::ALL.to_vec())
}

/// Both rank policies.
pub fn rank_policy() -> impl Strategy<Value = RankPolicy> {
    prop::sample::select(vec![RankPolicy::Error, RankPolicy::DropAliased])
}

/// A value that is not a finite number.
pub fn non_finite() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY])
}

/// A power of ten from 10⁻³⁰⁰ to 10³⁰⁰, as the exponent.
pub fn decade() -> impl Strategy<Value = i32> {
    -300_i32..=300
}

/// A well-scaled value of either sign, magnitudes in `[1/16, 16)`, so that any scaling by
/// `2^±990` stays a normal number.
pub fn moderate() -> impl Strategy<Value = f64> {
    (any::<bool>(), -4.0_f64..4.0).prop_map(|(negative, e)| {
        let v = e.exp2();
        if negative { -v } else { v }
    })
}

/// A well-conditioned m×p design with an intercept first and moderate entries (each column
/// shifted so that no two are nearly parallel), with a noisy response, for `m` in `[p + 3, 24)`.
pub fn regression() -> impl Strategy<Value = (DMatrix<f64>, DVector<f64>)> {
    (1_usize..5)
        .prop_flat_map(|p| ((p + 3)..24).prop_map(move |m| (m, p)))
        .prop_flat_map(|(m, p)| {
            (
                prop::collection::vec(moderate(), m * p),
                prop::collection::vec(moderate(), p + 1),
                prop::collection::vec(-1.0_f64..1.0, m),
                Just((m, p)),
            )
        })
        .prop_map(|(entries, beta, noise, (m, p))| {
            let x = DMatrix::from_fn(m, p + 1, |i, j| {
                if j == 0 {
                    1.0
                } else {
                    entries[i * p + j - 1] + f64::from(u8::try_from(j).unwrap()) * 0.25
                }
            });
            let y = &x * DVector::from_vec(beta) + DVector::from_vec(noise);
            (x, y)
        })
}

/// `v·10^k`, computed as two steps when `10^k` alone would leave the range of `f64`.
pub fn times_decade(v: f64, k: i32) -> f64 {
    let (a, b) = (k / 2, k - k / 2);
    v * 10_f64.powi(a) * 10_f64.powi(b)
}

/// An `Ok` value is finite; an `Err` says why it is missing.
#[track_caller]
pub fn check_statistic(name: &str, value: Result<f64, Unavailable>) {
    if let Ok(v) = value {
        assert!(v.is_finite(), "{name} = {v} returned as a value");
    }
}

/// The invariants of every fit that comes back `Ok`: finite numbers or a typed "not
/// available", NaN only in the standard errors, bounds and covariance of aliased columns, p-values
/// in `[0, 1]`, and a summary without NaN or infinity in it.
#[track_caller]
pub fn check_fit(fit: &Fit) {
    let p = fit.coefficients().len();
    let aliased = fit.aliased();
    for j in 0..p {
        assert!(fit.coefficients()[j].is_finite(), "coefficient {j}");
        let se = fit.std_errors()[j];
        assert!(se.is_finite() != aliased.contains(&j), "standard error {j} = {se}");
        assert!(se.is_nan() || se >= 0.0);
    }
    for (j, t) in fit.t_values().into_iter().enumerate() {
        check_statistic("t", t);
        assert_eq!(t.is_err_and(|e| e == Unavailable::Aliased), aliased.contains(&j));
    }
    for p in fit.p_values() {
        check_statistic("p", p);
        assert!(p.is_err() || p.is_ok_and(|p| (0.0..=1.0).contains(&p)));
    }
    for (name, value) in [
        ("R²", fit.r_squared()),
        ("adjusted R²", fit.adj_r_squared()),
        ("F", fit.f_statistic()),
        ("log-likelihood", fit.log_likelihood()),
        ("AIC", fit.aic()),
        ("BIC", fit.bic()),
        ("RSS", fit.rss()),
        ("TSS", fit.tss()),
        ("σ̂", fit.sigma()),
    ] {
        check_statistic(name, value);
    }
    check_statistic("F p-value", fit.f_p_value());
    assert!(fit.f_p_value().is_err() || fit.f_p_value().is_ok_and(|p| (0.0..=1.0).contains(&p)));
    if let Ok(c) = fit.covariance() {
        for i in 0..p {
            for j in 0..p {
                let nan = aliased.contains(&i) || aliased.contains(&j);
                assert!(c[(i, j)].is_nan() == nan && (nan || c[(i, j)].is_finite()));
            }
        }
    }
    assert!(fit.fitted_values().iter().chain(fit.residuals().iter()).all(|v| v.is_finite()));
    let d = fit.diagnostics();
    assert!(d.orthogonality.is_finite() && d.orthogonality >= 0.0);
    assert!(d.relative_residual.is_finite() && d.relative_residual >= 0.0);
    for kappa in [d.condition_number, d.scaled_condition_number] {
        check_statistic("κ₂", kappa);
        assert!(kappa.is_err() || kappa.is_ok_and(|k| k >= 1.0 - 1e-12), "{kappa:?}");
    }
    assert!(d.condition_estimate.is_finite() || d.tolerance == Some(0.0));
    // The textbook methods refuse once κ(X)²·ε nears 1, so a fit they return has a modest κ₂
    // (their own estimate is κ₁, within a factor p of κ₂ and usually within 3 of κ₁).
    if let (Method::Inverse | Method::NormalEquations, Ok(k)) =
        (fit.method(), d.scaled_condition_number)
    {
        let p = linalg_core::count_to_f64(p);
        assert!(k * f64::EPSILON.sqrt() < 10.0 * p, "{} fit at scaled κ₂ = {k:e}", fit.method());
    }
    assert!((0.0..=lsq::F64_DIGITS).contains(&d.digits.guaranteed));
    assert!(d.digits.guaranteed <= d.digits.typical && d.digits.typical <= lsq::F64_DIGITS);
    let summary = fit.to_string();
    assert!(!summary.contains("NaN") && !summary.contains("inf"), "{summary}");
    if d.exact_fit {
        assert!(summary.contains("NA: essentially perfect fit"), "{summary}");
    }
}

/// The invariants of every error: a message that names the offending number or index.
#[track_caller]
pub fn check_error(err: &Error) {
    let text = err.to_string();
    assert!(text.chars().next().is_some_and(|c| !c.is_uppercase()), "{text}");
    assert!(!text.ends_with('.'), "{text}");
    let contains = |n: usize| assert!(text.contains(&n.to_string()), "{n} missing in `{text}`");
    match err {
        Error::EmptyDesign { rows: a, cols: b }
        | Error::DimensionMismatch { expected: a, found: b, .. }
        | Error::Underdetermined { rows: a, cols: b }
        | Error::NoResidualDegreesOfFreedom { observations: a, rank: b }
        | Error::NameCount { expected: a, found: b } => {
            contains(*a);
            contains(*b);
        }
        Error::NonFinite { row, col, value, .. } => {
            assert!(!value.is_finite());
            assert!(text.contains(&format!("({row}, {col})")), "{text}");
        }
        Error::NegativeWeight { index, value } => {
            assert!(*value < 0.0);
            contains(*index);
        }
        Error::ZeroColumn { column, .. }
        | Error::SingularNormalMatrix { column, .. }
        | Error::InvalidIntercept { column, .. } => contains(*column),
        Error::RankDeficient { rank, cols, aliased, .. } => {
            contains(*rank);
            contains(*cols);
            assert!(!aliased.is_empty());
        }
        Error::InvalidOption { name, .. } => assert!(text.contains(name), "{text}"),
        Error::Unrepresentable { index, log2, .. } => {
            contains(*index);
            assert!(*log2 > 1000.0, "{text}");
        }
        Error::Kernel(inner) => {
            // Only a factor singular to working precision, let through by a rank tolerance of
            // 0, reaches the kernel's own checks; its error carries the numbers.
            let cause = std::error::Error::source(err).map(ToString::to_string).unwrap_or_default();
            assert!(cause.chars().any(|c| c.is_ascii_digit()), "{inner}");
        }
        Error::NormalMatrixBreakdown { .. } | Error::IllConditionedNormalMatrix { .. } => {}
        other => panic!("an error this suite does not know: {other}"),
    }
}

/// Checks a result of any entry point: `Ok` values by `check`, errors by [`check_error`].
#[track_caller]
pub fn check_outcome<T>(outcome: &lsq::Result<T>, check: impl FnOnce(&T)) {
    match outcome {
        Ok(value) => check(value),
        Err(err) => check_error(err),
    }
}

//! Units: scaling a column by `2^k` scales its coefficient and standard error by exactly
//! `2^−k` and changes nothing else, for every family and link that IRLS fits, across the whole
//! range `k ∈ [−990, 990]`; scaling a Gaussian response by `2^k` scales the coefficients and
//! standard errors by `2^k` and the deviance by `4^k` while the data fit in an `f64`, and is a
//! typed error beyond; a Gamma response in any units moves only the log link's intercept.
//!
//! Gradient ascent is not part of this: its step `α` multiplies a gradient whose entry for a
//! column is proportional to the column's units, so it is not invariant to them by design.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    clippy::float_cmp,
    reason = "tests fail loudly; counts are tiny; scaling by powers of two is exact"
)]

#[path = "common/strategies.rs"]
mod strategies;

use glm::nalgebra::DMatrix;
use glm::{Control, Data, Design, Error, Family, GlmFit, Link, Model};
use proptest::prelude::*;
use strategies::{FAMILIES, benign};

/// Relative tolerance: the fits agree to a few ulps (in practice bit for bit, since every
/// scaling inside is by powers of two).
const ULPS: f64 = 4.0 * f64::EPSILON;

/// IRLS on the benign data of the model's family with column `column` scaled by `2^k` and the
/// response by `2^response`.
fn fit(model: Model, column: usize, k: i32, response: i32) -> glm::Result<GlmFit> {
    let (mut x, y, trials) = benign(model.family());
    x.column_mut(column).scale_mut(2f64.powi(k));
    let y = &y * 2f64.powi(response);
    let design = Design::new(x)?.with_intercept_column(0)?;
    let data = Data::new(&design, &y);
    let data = match &trials {
        Some(n) => data.trials(n),
        None => data,
    };
    glm::fit(&data, model, &Control::default())
}

#[track_caller]
fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!((a - b).abs() <= rel * a.abs().max(b.abs()), "{what}: {a:e} vs {b:e}");
}

/// `scaled` is `reference` with column `column` in units `2^k`.
#[track_caller]
fn check_column(reference: &GlmFit, scaled: &GlmFit, column: usize, k: i32) {
    let s = 2f64.powi(k);
    let (t0, t1) = (reference.coefficients(), scaled.coefficients());
    let (e0, e1) = (reference.std_errors(), scaled.std_errors());
    for j in 0..t0.len() {
        let factor = if j == column { s } else { 1.0 };
        close(t0[j], t1[j] * factor, ULPS, &format!("coefficient {j}"));
        close(e0[j], e1[j] * factor, ULPS, &format!("standard error {j}"));
        close(reference.statistics()[j], scaled.statistics()[j], ULPS, "statistic");
        close(reference.p_values()[j], scaled.p_values()[j], ULPS, "p-value");
    }
    close(reference.deviance(), scaled.deviance(), ULPS, "deviance");
    close(reference.null_deviance(), scaled.null_deviance(), ULPS, "null deviance");
    close(reference.aic().unwrap(), scaled.aic().unwrap(), ULPS, "AIC");
    close(reference.dispersion(), scaled.dispersion(), ULPS, "dispersion");
    assert_eq!(reference.convergence().iterations(), scaled.convergence().iterations());
    let scaled_row = {
        let (x, _, _) = benign(reference.model().family());
        let mut row = DMatrix::from_fn(1, x.ncols(), |_, j| x[(3, j)]);
        row[(0, column)] *= s;
        row
    };
    let (x, _, _) = benign(reference.model().family());
    let p0 = reference.predict(&DMatrix::from_fn(1, x.ncols(), |_, j| x[(3, j)]), None).unwrap();
    let p1 = scaled.predict(&scaled_row, None).unwrap();
    close(p0.link_std_errors[0], p1.link_std_errors[0], 16.0 * f64::EPSILON, "prediction se");
}

/// Every family × link that IRLS fits on the benign data, with the reference fit.
fn fitted_models() -> Vec<(Model, GlmFit)> {
    let mut models = Vec::new();
    for family in FAMILIES {
        for link in Link::ALL {
            let model = family.with_link(link);
            if let Ok(reference) = fit(model, 1, 0, 0) {
                models.push((model, reference));
            }
        }
    }
    models
}

#[test]
fn a_column_in_any_power_of_two_units_changes_only_its_coefficient_and_standard_error() {
    let models = fitted_models();
    // Every family fits with at least its default link and a few others.
    assert!(models.len() >= 25, "only {} models fit the benign data", models.len());
    for (model, reference) in &models {
        for column in [1, 2] {
            for k in [-990, -700, -512, -511, -300, -53, -1, 1, 53, 300, 511, 512, 700, 990] {
                let what = format!("{} {} column {column} × 2^{k}", model.family(), model.link());
                let scaled = fit(*model, column, k, 0).unwrap_or_else(|e| panic!("{what}: {e}"));
                check_column(reference, &scaled, column, k);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_power_of_two_scaling_of_a_column_is_exact(
        pick in 0..1000_usize,
        column in 1..3_usize,
        k in -990..=990_i32,
    ) {
        let models = fitted_models();
        let (model, reference) = &models[pick % models.len()];
        let scaled = fit(*model, column, k, 0).unwrap();
        check_column(reference, &scaled, column, k);
    }
}

#[test]
fn a_gaussian_response_scales_its_fit_while_it_fits_in_f64_and_is_a_typed_error_beyond() {
    let model = Family::Gaussian.with_link(Link::Identity);
    let reference = fit(model, 1, 0, 0).unwrap();
    let n = reference.observations() as f64;
    for k in (-990..=990).step_by(15) {
        match fit(model, 1, 0, k) {
            Ok(scaled) => {
                let s = 2f64.powi(k);
                for j in 0..3 {
                    close(reference.coefficients()[j] * s, scaled.coefficients()[j], ULPS, "θ");
                    close(reference.std_errors()[j] * s, scaled.std_errors()[j], ULPS, "se");
                    close(reference.statistics()[j], scaled.statistics()[j], ULPS, "t");
                    close(reference.p_values()[j], scaled.p_values()[j], ULPS, "p");
                }
                close(reference.deviance() * s * s, scaled.deviance(), ULPS, "deviance");
                // ℓ = −(n/2)(ln(2πD/n) + 1): D × 4^k moves AIC by 2n·k·ln 2.
                let shift = 2.0 * n * f64::from(k) * std::f64::consts::LN_2;
                close(reference.aic().unwrap() + shift, scaled.aic().unwrap(), 1e-13, "AIC");
            }
            Err(Error::OutOfRange { .. }) => {
                assert!(k.abs() > 480, "2^{k}: a response that fits in f64 failed");
            }
            Err(e) => panic!("2^{k}: {e}"),
        }
    }
    // The edges, explicitly: 2^±520 squares beyond f64's range.
    for k in [-990, -520, 520, 990] {
        let err = fit(model, 1, 0, k).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { .. }), "2^{k}: {err}");
    }
}

#[test]
fn a_gamma_response_in_any_units_moves_only_the_log_links_intercept() {
    let model = Family::Gamma.with_link(Link::Log);
    let reference = fit(model, 1, 0, 0).unwrap();
    for k in [-990, -500, -100, -1, 1, 100, 500, 990] {
        let scaled = fit(model, 1, 0, k).unwrap();
        let shift = f64::from(k) * std::f64::consts::LN_2;
        let (t0, t1) = (reference.coefficients(), scaled.coefficients());
        close(t0[0] + shift, t1[0], 1e-12, "intercept");
        for j in 1..3 {
            close(t0[j], t1[j], 1e-12, "slope");
        }
        for j in 0..3 {
            close(reference.std_errors()[j], scaled.std_errors()[j], 1e-12, "se");
        }
        close(reference.deviance(), scaled.deviance(), 1e-12, "deviance");
        close(reference.dispersion(), scaled.dispersion(), 1e-12, "dispersion");
    }
}

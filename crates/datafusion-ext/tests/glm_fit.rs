//! `fit_glm` (IRLS, one aggregate query per iteration) against `glm::fit` in memory, for
//! Poisson/log and Bernoulli/logit on 1, 2 and 7 partitions, with prior weights.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};
use glm::{Control, Data, Family, Model};
use lsq::Design;
use lsq::nalgebra::{DMatrix, DVector};
use lsq_datafusion::{GlmOptions, fit_glm};
use sim::ResponseKind;

/// x1, x2 Gaussian-ish columns, the response of `kind` at `θ = (0.3, 0.5, −0.4)` through
/// `inverse`, and weights 1, 2, 3 in turn.
fn sample(
    seed: u64,
    m: usize,
    inverse: fn(f64) -> f64,
    kind: ResponseKind,
) -> (DMatrix<f64>, DVector<f64>, DVector<f64>) {
    let mut rng = sim::rng_from_seed(seed);
    let x = sim::intercept_gaussian(m, 2, &mut rng).unwrap();
    let theta = DVector::from_vec(vec![0.3, 0.5, -0.4]);
    let s = sim::glm_response(x.clone(), &theta, inverse, kind, &mut rng).unwrap();
    let w = DVector::from_fn(m, |i, _| f64::from(u32::try_from(i % 3).unwrap()) + 1.0);
    (x, s.y, w)
}

fn session(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
    partitions: usize,
) -> SessionContext {
    let schema = Arc::new(Schema::new(vec![
        Field::new("x1", DataType::Float64, false),
        Field::new("x2", DataType::Float64, false),
        Field::new("y", DataType::Float64, false),
        Field::new("w", DataType::Float64, false),
    ]));
    let m = y.len();
    let parts = (0..partitions)
        .map(|p| {
            let rows = p * m / partitions..(p + 1) * m / partitions;
            let col = |f: &dyn Fn(usize) -> f64| -> ArrayRef {
                Arc::new(Float64Array::from(rows.clone().map(f).collect::<Vec<_>>()))
            };
            vec![
                RecordBatch::try_new(
                    schema.clone(),
                    vec![col(&|i| x[(i, 1)]), col(&|i| x[(i, 2)]), col(&|i| y[i]), col(&|i| w[i])],
                )
                .unwrap(),
            ]
        })
        .collect();
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, parts).unwrap())).unwrap();
    ctx
}

#[track_caller]
fn check(model: Model, x: &DMatrix<f64>, y: &DVector<f64>, w: &DVector<f64>) {
    let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
    for weighted in [false, true] {
        let data = Data::new(&design, y);
        let data = if weighted { data.weights(w) } else { data };
        let whole = glm::fit(&data, model, &Control::default()).unwrap();
        for partitions in [1, 2, 7] {
            let ctx = session(x, y, w, partitions);
            let options =
                GlmOptions { weights: weighted.then(|| "w".to_string()), ..GlmOptions::default() };
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let fit = runtime
                .block_on(async {
                    let df = ctx.table("t").await?;
                    fit_glm(&df, model, "y", &["x1", "x2"], &options).await
                })
                .unwrap();
            let what = format!("{model:?}, weighted {weighted}, {partitions} partitions");
            assert_eq!(fit.names, ["(Intercept)", "x1", "x2"]);
            assert_eq!(fit.observations, u64::try_from(y.len()).unwrap());
            assert!(
                fit.iterations >= 3 && fit.iterations < 30,
                "{what}: {} iterations",
                fit.iterations
            );
            let se = whole.std_errors();
            for j in 0..3 {
                let (a, b) = (fit.coefficients[j], whole.coefficients()[j]);
                assert!(
                    (a - b).abs() <= 1e-9 * whole.coefficients().amax(),
                    "{what}: β{j} {a} vs {b}"
                );
                let (a, b) = (fit.std_errors[j], se[j]);
                assert!((a - b).abs() <= 1e-7 * b, "{what}: SE{j} {a} vs {b}");
            }
            let close = |a: f64, b: f64, name: &str| {
                assert!((a - b).abs() <= 1e-10 * b.abs(), "{what}: {name} {a} vs {b}");
            };
            close(fit.deviance, whole.deviance(), "deviance");
            close(fit.pearson_chi2, whole.pearson_chi2(), "Pearson χ²");
            assert_eq!(fit.dispersion.to_bits(), whole.dispersion().to_bits(), "{what}");
            assert_eq!(fit.df_residual, u64::try_from(whole.df_residual()).unwrap());
        }
    }
}

#[test]
fn poisson_log_through_datafusion_is_glm_fit() {
    let (x, y, w) = sample(11, 1500, f64::exp, ResponseKind::Poisson);
    check(Family::Poisson.into(), &x, &y, &w);
}

#[test]
fn bernoulli_logit_through_datafusion_is_glm_fit() {
    let (x, y, w) = sample(12, 1500, |e| 1.0 / (1.0 + (-e).exp()), ResponseKind::Bernoulli);
    check(Family::Bernoulli.into(), &x, &y, &w);
}

#[test]
fn glm_errors_name_the_problem() {
    let (x, mut y, w) = sample(13, 200, f64::exp, ResponseKind::Poisson);
    y[17] = -1.0;
    let ctx = session(&x, &y, &w, 2);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let err = runtime
        .block_on(async {
            let df = ctx.table("t").await?;
            fit_glm(&df, Family::Poisson, "y", &["x1", "x2"], &GlmOptions::default()).await
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("glm: response -1 is outside the poisson family's domain"), "{err}");
    let err = runtime
        .block_on(async {
            let df = ctx.table("t").await?;
            fit_glm(&df, Family::Poisson, "y", &["x1", "nope"], &GlmOptions::default()).await
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn public_types_are_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<lsq_datafusion::GlmSummary>();
    check::<GlmOptions>();
    check::<lsq_datafusion::LsqFit>();
    check::<lsq_datafusion::LsqOptions>();
}

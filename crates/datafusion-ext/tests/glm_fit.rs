//! `fit_glm` (IRLS, one aggregate query per iteration) against `glm::fit` in memory: every
//! family × link that `glm::fit` fits on simulated data, with 1, 2 and 7 partitions, prior
//! weights and offsets, and the errors for bad input.
//!
//! Tolerances: `glm::fit` runs with `Criterion::Deviance` at the same tolerance (1e-10) as
//! `fit_glm`, so both run R's Fisher scoring from R's starting means with the same
//! step-halving and stopping rule, and take the same number of iterations and halvings (where
//! rounding decides either, `check_neighbours` applies the bound of the convergence rule). Their iterates then differ only by the rounding of the least-squares solves
//! (Householder QR of `√W·X` here folded and merged by partitions, there one QR), about
//! `κ(√W·X)·ε` per step, which the iteration does not amplify (it is a contraction near the
//! optimum). That is far below what the convergence tolerance leaves open (a change of the
//! deviance of `1e-10·(D + c)`, `√(1e-10·D)` standard errors in `β`, about `10⁻⁴` here), so
//! the bounds below are rounding bounds with a margin: coefficients to `1e-9·(|β| + SE)`,
//! standard errors `1e-8` relative, deviances, Pearson χ², log-likelihood and AIC `1e-9`
//! relative.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "tests fail loudly on unexpected errors"
)]

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};
use glm::{Control, Criterion, Data, Family, GlmFit, Link, Model};
use lsq::Design;
use lsq::nalgebra::{DMatrix, DVector};
use lsq_datafusion::{Error, GlmOptions, GlmSummary, Nulls, fit_glm};
use sim::ResponseKind;

/// The tolerance of both fits' deviance rule.
const TOLERANCE: f64 = 1e-10;

/// One data set: regressors x1, x2 (Gaussian), response, weights, offsets.
struct Sample {
    x: DMatrix<f64>,
    y: DVector<f64>,
    w: DVector<f64>,
    o: DVector<f64>,
}

/// `m` rows of the design `[1, x1, x2]`, the response of `kind` at `η = 0.3 + 0.5·x1 − 0.4·x2`
/// (scaled by `scale`) through `inverse` and divided by `divide` (binomial proportions), prior
/// weights `weight(i)`, offsets `0.2·sin(i)`.
fn sample(
    seed: u64,
    m: usize,
    inverse: fn(f64) -> f64,
    kind: ResponseKind,
    divide: f64,
    weight: fn(usize) -> f64,
) -> Sample {
    let mut rng = sim::rng_from_seed(seed);
    let x = sim::intercept_gaussian(m, 2, &mut rng).unwrap();
    let theta = DVector::from_vec(vec![0.3, 0.5, -0.4]);
    let s = sim::glm_response(x.clone(), &theta, inverse, kind, &mut rng).unwrap();
    let index = |i: usize| f64::from(u32::try_from(i).unwrap());
    Sample {
        x,
        y: s.y / divide,
        w: DVector::from_fn(m, |i, _| weight(i)),
        o: DVector::from_fn(m, |i, _| 0.2 * index(i).sin()),
    }
}

fn logistic(e: f64) -> f64 {
    1.0 / (1.0 + (-e).exp())
}

fn one_two_three(i: usize) -> f64 {
    f64::from(u32::try_from(i % 3).unwrap()) + 1.0
}

/// Simulated data for `family` from its usual link.
fn family_sample(family: Family, seed: u64, m: usize) -> Sample {
    match family {
        Family::Gaussian => {
            sample(seed, m, |e| 3.0 + e, ResponseKind::Gaussian { sigma: 0.5 }, 1.0, one_two_three)
        }
        Family::Bernoulli => sample(seed, m, logistic, ResponseKind::Bernoulli, 1.0, one_two_three),
        Family::Binomial | Family::QuasiBinomial => {
            sample(seed, m, logistic, ResponseKind::Binomial { trials: 10 }, 10.0, |_| 10.0)
        }
        Family::Gamma => {
            sample(seed, m, f64::exp, ResponseKind::Gamma { shape: 4.0 }, 1.0, one_two_three)
        }
        Family::InverseGaussian => sample(
            seed,
            m,
            f64::exp,
            ResponseKind::InverseGaussian { lambda: 4.0 },
            1.0,
            one_two_three,
        ),
        Family::NegativeBinomial { theta } => {
            sample(seed, m, f64::exp, ResponseKind::NegativeBinomial { theta }, 1.0, one_two_three)
        }
        _ => sample(seed, m, f64::exp, ResponseKind::Poisson, 1.0, one_two_three),
    }
}

/// The table `t` (x1, x2, y, w, o) in `partitions` partitions.
fn session(s: &Sample, partitions: usize) -> SessionContext {
    let schema = Arc::new(Schema::new(
        ["x1", "x2", "y", "w", "o"].map(|n| Field::new(n, DataType::Float64, false)).to_vec(),
    ));
    let m = s.y.len();
    let parts = (0..partitions)
        .map(|p| {
            let rows = p * m / partitions..(p + 1) * m / partitions;
            let col = |f: &dyn Fn(usize) -> f64| -> ArrayRef {
                Arc::new(Float64Array::from(rows.clone().map(f).collect::<Vec<_>>()))
            };
            let columns = vec![
                col(&|i| s.x[(i, 1)]),
                col(&|i| s.x[(i, 2)]),
                col(&|i| s.y[i]),
                col(&|i| s.w[i]),
                col(&|i| s.o[i]),
            ];
            vec![RecordBatch::try_new(schema.clone(), columns).unwrap()]
        })
        .collect();
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, parts).unwrap())).unwrap();
    ctx
}

/// `fit_glm` on table `t` of `ctx`.
fn fit_df(
    ctx: &SessionContext,
    model: Model,
    xs: &[&str],
    options: &GlmOptions,
) -> datafusion::error::Result<GlmSummary> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let df = ctx.table("t").await?;
        fit_glm(&df, model, "y", xs, options).await
    })
}

/// Which optional columns a check uses.
#[derive(Debug, Clone, Copy)]
struct Variant {
    weighted: bool,
    offset: bool,
    intercept: bool,
}

const PLAIN: Variant = Variant { weighted: false, offset: false, intercept: true };

/// `glm::fit` with R's deviance rule at [`TOLERANCE`] on the same rows.
fn fit_memory(s: &Sample, model: Model, v: Variant) -> glm::Result<GlmFit> {
    let design = if v.intercept {
        Design::new(s.x.clone())?.with_intercept_column(0)?
    } else {
        Design::new(s.x.columns(1, 2).into_owned())?
    };
    let mut data = Data::new(&design, &s.y);
    if v.weighted {
        data = data.weights(&s.w);
    }
    if v.offset {
        data = data.offset(&s.o);
    }
    let control =
        Control::default().criterion(Criterion::Deviance).tolerance(TOLERANCE).max_iter(50);
    glm::fit(&data, model, &control)
}

fn options(v: Variant) -> GlmOptions {
    GlmOptions {
        intercept: v.intercept,
        weights: v.weighted.then(|| "w".to_string()),
        offset: v.offset.then(|| "o".to_string()),
        tolerance: TOLERANCE,
        ..GlmOptions::default()
    }
}

#[track_caller]
fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!((a - b).abs() <= rel * b.abs(), "{what}: {a:e} vs {b:e}");
}

/// `fit` (DataFusion) equals `whole` (in memory) to the bounds of the file's docs.
#[track_caller]
fn check_same(fit: &GlmSummary, whole: &GlmFit, what: &str) {
    let iterations = whole.convergence().iterations();
    if fit.iterations != iterations || fit.step_halvings != whole.step_halvings() {
        check_neighbours(fit, whole, what);
        return;
    }
    assert_eq!(fit.observations, u64::try_from(whole.observations()).unwrap(), "{what}");
    assert_eq!(fit.df_residual, u64::try_from(whole.df_residual()).unwrap(), "{what}");
    assert_eq!(fit.df_null, u64::try_from(whole.df_null()).unwrap(), "{what}");
    let se = whole.std_errors();
    for (j, (&a, &b)) in fit.coefficients.iter().zip(whole.coefficients().iter()).enumerate() {
        assert!((a - b).abs() <= 1e-9 * (b.abs() + se[j]), "{what}: β{j} {a:e} vs {b:e}");
        close(fit.std_errors[j], se[j], 1e-8, &format!("{what}: SE{j}"));
    }
    close(fit.deviance, whole.deviance(), 1e-9, &format!("{what}: deviance"));
    match fit.null_deviance {
        Some(d) => close(d, whole.null_deviance(), 1e-9, &format!("{what}: null deviance")),
        None => assert!(whole.null_deviance().is_nan(), "{what}: null deviance"),
    }
    close(fit.pearson_chi2, whole.pearson_chi2(), 1e-9, &format!("{what}: Pearson χ²"));
    close(fit.dispersion, whole.dispersion(), 1e-9, &format!("{what}: dispersion"));
    match (fit.log_likelihood, whole.log_likelihood()) {
        (Some(l), Ok(m)) => {
            close(l, m, 1e-9, &format!("{what}: log-likelihood"));
            close(fit.aic.unwrap(), whole.aic().unwrap(), 1e-9, &format!("{what}: AIC"));
            close(fit.bic.unwrap(), whole.bic().unwrap(), 1e-9, &format!("{what}: BIC"));
        }
        (None, Err(glm::Error::Unsupported { .. })) => {
            assert!(fit.aic.is_none() && fit.bic.is_none(), "{what}");
        }
        (l, m) => panic!("{what}: log-likelihood {l:?} vs {m:?}"),
    }
}

/// A linearly converging fit (a non-canonical link) whose last relative change of the
/// deviance lies within rounding of the tolerance stops one iteration earlier or later on
/// either side, and a halving whose trial deviance rises by about the rounding slack is
/// decided either way by rounding: the two results are then iterates of the same converged
/// sequence, about one Fisher step `δ` apart. Near the
/// optimum a step lowers the deviance by about `δᵀIδ/φ`, and the step that stopped the later
/// fit changed it by less than `tolerance·(|D| + c)`, so `|δ_j| ≤ √(tolerance·(|D| + c))·SE_j`
/// (asserted with a factor 3); the standard errors and the statistics that are not stationary
/// at the optimum move by that step's effect, of the same order in relative terms (checked to
/// `10·√(tolerance·(|D| + c))`), the deviance, being stationary, to `10·tolerance`.
#[track_caller]
fn check_neighbours(fit: &GlmSummary, whole: &GlmFit, what: &str) {
    let iterations = whole.convergence().iterations();
    // More than one iteration apart only when halvings, decided by rounding, split the paths.
    assert!(
        fit.iterations.abs_diff(iterations) <= 1 || fit.step_halvings + whole.step_halvings() > 0,
        "{what}: iterations {} vs {iterations}, halvings {} vs {}, deviance {} vs {}, change {:e}",
        fit.iterations,
        fit.step_halvings,
        whole.step_halvings(),
        fit.deviance,
        whole.deviance(),
        fit.change
    );
    assert!(whole.model().family().canonical_link() != Some(whole.model().link()), "{what}");
    let step = (TOLERANCE * (whole.deviance().abs() + 0.1)).sqrt();
    let se = whole.std_errors();
    for (j, (&a, &b)) in fit.coefficients.iter().zip(whole.coefficients().iter()).enumerate() {
        assert!((a - b).abs() <= 3.0 * step * se[j], "{what}: β{j} {a:e} vs {b:e}");
        close(fit.std_errors[j], se[j], 10.0 * step, &format!("{what}: SE{j}"));
    }
    close(fit.deviance, whole.deviance(), 10.0 * TOLERANCE, &format!("{what}: deviance"));
    close(fit.pearson_chi2, whole.pearson_chi2(), 10.0 * step, &format!("{what}: Pearson χ²"));
    if let (Some(a), Ok(b)) = (fit.aic, whole.aic()) {
        close(a, b, 10.0 * step, &format!("{what}: AIC"));
    }
}

/// Every family with the parameters the tests use.
const FAMILIES: [Family; 9] = [
    Family::Gaussian,
    Family::Poisson,
    Family::Bernoulli,
    Family::Binomial,
    Family::Gamma,
    Family::InverseGaussian,
    Family::NegativeBinomial { theta: 2.0 },
    Family::QuasiPoisson,
    Family::QuasiBinomial,
];

#[test]
fn every_family_and_link_through_datafusion_is_glm_fit() {
    let mut fitted = Vec::new();
    let mut failed = Vec::new();
    for (k, family) in FAMILIES.into_iter().enumerate() {
        let s = family_sample(family, 100 + u64::try_from(k).unwrap(), 300);
        let sessions: Vec<_> = [1, 2, 7].map(|p| (p, session(&s, p))).into();
        for link in Link::ALL {
            let model = family.with_link(link);
            let whole = fit_memory(&s, model, PLAIN);
            for (partitions, ctx) in &sessions {
                let what = format!("{family} / {link:?}, {partitions} partitions");
                let fit = fit_df(ctx, model, &["x1", "x2"], &options(PLAIN));
                match (&fit, &whole) {
                    (Ok(fit), Ok(whole)) => check_same(fit, whole, &what),
                    // Where the in-memory fit fails (no valid start, a mean that
                    // cannot be fitted with this link), DataFusion must fail too.
                    (Err(_), Err(_)) => {}
                    // A fit that creeps to its optimum (a mean on the boundary of an identity
                    // or square-root link) may meet the tolerance at the iteration limit on
                    // one side of rounding and not on the other: both must be at the limit.
                    (Ok(fit), Err(glm::Error::NotConverged { change, .. }))
                        if fit.iterations >= 40 && *change < 10.0 * TOLERANCE => {}
                    (Err(DataFusionError::External(e)), Ok(whole))
                        if whole.convergence().iterations() >= 40
                            && matches!(
                                e.downcast_ref::<Error>(),
                                Some(Error::NotConverged { change, .. }) if *change < 10.0 * TOLERANCE
                            ) => {}
                    _ => panic!("{what}: DataFusion {:?}, in memory {:?}", fit.err(), whole.err()),
                }
            }
            match whole {
                Ok(w) => fitted.push((model, w.step_halvings())),
                Err(e) => failed.push((model, e.to_string())),
            }
        }
    }
    // The canonical and default links of every family are among the pairs fitted, step-halving
    // was exercised, and most of the 72 pairs fit.
    for family in FAMILIES {
        assert!(fitted.iter().any(|(m, _)| *m == Model::from(family)), "{family}: {failed:?}");
    }
    assert!(fitted.iter().any(|(_, h)| *h > 0), "no pair needed step-halving");
    assert!(fitted.len() >= 45, "{} of 72 pairs fitted; failed: {failed:#?}", fitted.len());
}

#[test]
fn offsets_and_weights_through_datafusion_are_glm_fit() {
    let models = [
        Model::from(Family::Poisson),
        Model::from(Family::Binomial),
        Family::Gamma.with_link(Link::Log),
        Model::from(Family::Gaussian),
        Model::from(Family::QuasiPoisson),
    ];
    for (k, model) in models.into_iter().enumerate() {
        let s = family_sample(model.family(), 200 + u64::try_from(k).unwrap(), 400);
        for partitions in [1, 2, 7] {
            let ctx = session(&s, partitions);
            for weighted in [false, true] {
                for (offset, intercept) in [(true, true), (true, false), (false, false)] {
                    let v = Variant { weighted, offset, intercept };
                    let what = format!("{model:?} {v:?}, {partitions} partitions");
                    let xs: &[&str] = &["x1", "x2"];
                    let whole = fit_memory(&s, model, v).unwrap();
                    let fit = fit_df(&ctx, model, xs, &options(v)).unwrap();
                    check_same(&fit, &whole, &what);
                    if offset && intercept {
                        // R's null model is refitted with the offset: more passes.
                        assert!(fit.passes > fit.iterations + 3, "{what}: {} passes", fit.passes);
                    }
                }
            }
        }
    }
}

/// Runs `fit_glm` on the table `t` of `ctx` and returns the error's text.
#[track_caller]
fn error_text(ctx: &SessionContext, model: Model, xs: &[&str], options: &GlmOptions) -> String {
    fit_df(ctx, model, xs, options).unwrap_err().to_string()
}

#[test]
fn glm_errors_name_the_problem() {
    let mut s = family_sample(Family::Poisson, 13, 200);
    s.y[17] = -1.0;
    let ctx = session(&s, 2);
    let poisson = Model::from(Family::Poisson);
    let default = GlmOptions::default();
    let err = error_text(&ctx, poisson, &["x1", "x2"], &default);
    assert!(err.contains("glm: response -1 is outside the poisson family's domain"), "{err}");
    let err = error_text(&ctx, poisson, &["x1", "nope"], &default);
    assert!(err.contains("nope"), "{err}");
    // Not enough iterations: a typed error carrying the numbers.
    let s = family_sample(Family::Poisson, 13, 200);
    let ctx = session(&s, 2);
    let short = GlmOptions { max_iter: 2, ..GlmOptions::default() };
    match fit_df(&ctx, poisson, &["x1", "x2"], &short).unwrap_err() {
        DataFusionError::External(e) => match e.downcast_ref::<Error>() {
            Some(Error::NotConverged { iterations: 2, change, .. }) => assert!(*change > 1e-10),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // A negative weight, a non-finite offset.
    let mut bad = family_sample(Family::Poisson, 13, 200);
    bad.w[5] = -2.0;
    bad.o[6] = f64::INFINITY;
    let ctx = session(&bad, 2);
    let weighted = GlmOptions { weights: Some("w".to_string()), ..GlmOptions::default() };
    let err = error_text(&ctx, poisson, &["x1", "x2"], &weighted);
    assert!(err.contains("prior weight -2 must be finite and ≥ 0"), "{err}");
    let offset = GlmOptions { offset: Some("o".to_string()), ..GlmOptions::default() };
    let err = error_text(&ctx, poisson, &["x1", "x2"], &offset);
    assert!(err.contains("offset inf is not finite"), "{err}");
    // Bad options.
    let err =
        error_text(&ctx, poisson, &["x1"], &GlmOptions { tolerance: 0.0, ..GlmOptions::default() });
    assert!(err.contains("tolerance 0 must be positive"), "{err}");
}

#[test]
fn no_valid_start_is_a_typed_error_like_glm_fit() {
    // Gaussian responses around 3 under the logit link: g(μ₀) = g(y) is undefined for y > 1.
    let s = family_sample(Family::Gaussian, 21, 100);
    let ctx = session(&s, 2);
    let model = Family::Gaussian.with_link(Link::Logit);
    assert!(fit_memory(&s, model, PLAIN).is_err());
    match fit_df(&ctx, model, &["x1", "x2"], &options(PLAIN)).unwrap_err() {
        DataFusionError::External(e) => {
            assert!(matches!(e.downcast_ref::<Error>(), Some(Error::InvalidStart { .. })), "{e}");
            assert!(e.to_string().contains("no valid starting point"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// The table `t` with columns x1 (with NULLs in rows 3 and 8), x2, y and a text column s.
fn table_with_nulls(s: &Sample, x2: &dyn Fn(usize) -> f64) -> SessionContext {
    let m = s.y.len();
    let schema = Arc::new(Schema::new(vec![
        Field::new("x1", DataType::Float64, true),
        Field::new("x2", DataType::Float64, false),
        Field::new("y", DataType::Float64, false),
        Field::new("s", DataType::Utf8, false),
    ]));
    let x1: Float64Array =
        (0..m).map(|i| (i != 3 && i != 8).then(|| s.x[(i, 1)])).collect::<Vec<_>>().into();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(x1),
        Arc::new(Float64Array::from((0..m).map(x2).collect::<Vec<_>>())),
        Arc::new(Float64Array::from(s.y.iter().copied().collect::<Vec<_>>())),
        Arc::new(StringArray::from((0..m).map(|i| format!("r{i}")).collect::<Vec<_>>())),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let ctx = SessionContext::new();
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, vec![vec![batch]]).unwrap()))
        .unwrap();
    ctx
}

#[test]
fn nulls_non_numeric_columns_rank_deficiency_and_too_few_rows_are_named() {
    let s = family_sample(Family::Poisson, 31, 120);
    let poisson = Model::from(Family::Poisson);
    let ctx = table_with_nulls(&s, &|i| s.x[(i, 2)]);
    // NULLs skipped and counted: the fit of the other 118 rows.
    let fit = fit_df(&ctx, poisson, &["x1", "x2"], &options(PLAIN)).unwrap();
    assert_eq!((fit.nulls_skipped, fit.observations), (2, 118));
    let keep: Vec<usize> = (0..120).filter(|&i| i != 3 && i != 8).collect();
    let complete = Sample {
        x: s.x.select_rows(&keep),
        y: s.y.select_rows(&keep),
        w: s.w.select_rows(&keep),
        o: s.o.select_rows(&keep),
    };
    check_same(&fit, &fit_memory(&complete, poisson, PLAIN).unwrap(), "NULLs skipped");
    // … or an error.
    let fail = GlmOptions { nulls: Nulls::Fail, ..options(PLAIN) };
    let err = error_text(&ctx, poisson, &["x1", "x2"], &fail);
    assert!(err.contains("a NULL in the model's columns and NULLs are not allowed"), "{err}");
    // A text column is a planning error naming its type.
    let err = error_text(&ctx, poisson, &["x2", "s"], &options(PLAIN));
    assert!(err.contains("has type Utf8, not a numeric type"), "{err}");
    // x2 = 2·x1: the QR names the aliased column.
    let ctx = table_with_nulls(&s, &|i| 2.0 * s.x[(i, 1)]);
    let err = error_text(&ctx, poisson, &["x1", "x2"], &options(PLAIN));
    assert!(err.starts_with("Execution error: glm: ") && err.contains("rank"), "{err}");
    // Two rows for three coefficients.
    let two = Sample {
        x: s.x.rows(0, 2).into_owned(),
        y: s.y.rows(0, 2).into_owned(),
        w: s.w.rows(0, 2).into_owned(),
        o: s.o.rows(0, 2).into_owned(),
    };
    let err = error_text(&session(&two, 1), poisson, &["x1", "x2"], &options(PLAIN));
    assert!(err.starts_with("Execution error: glm: ") && err.contains('2'), "{err}");
}

#[test]
fn public_types_are_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<GlmSummary>();
    check::<GlmOptions>();
    check::<Error>();
    check::<lsq_datafusion::LsqFit>();
    check::<lsq_datafusion::LsqOptions>();
}

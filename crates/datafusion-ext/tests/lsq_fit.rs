//! `lsq_fit` through DataFusion against `lsq::fit` in memory: 1, 2 and 7 partitions, weights,
//! no intercept, 100 groups, NULL rows, and bad input that must be errors naming the problem.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray, StructArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema, UInt64Type};
use datafusion::datasource::MemTable;
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};
use lsq::nalgebra::{DMatrix, DVector};
use lsq::{Design, FitOptions};
use lsq_datafusion::{LsqFit, LsqOptions, Nulls};

/// A regression with `k` correlated regressors (κ grows with `mix`), Gaussian noise, positive
/// weights and a group label `g` in `0..groups`.
struct Data {
    x: DMatrix<f64>,
    y: DVector<f64>,
    w: DVector<f64>,
    g: Vec<i64>,
}

fn data(seed: u64, m: usize, k: usize, mix: f64, groups: usize) -> Data {
    let mut rng = sim::rng_from_seed(seed);
    let mut x = sim::gaussian_matrix(m, k, &mut rng).unwrap();
    for j in 1..k {
        let previous = x.column(j - 1).into_owned();
        x.column_mut(j).axpy(mix, &previous, 1.0);
    }
    let beta = DVector::from_fn(k, |j, _| 1.0 - 0.3 * f64::from(u32::try_from(j).unwrap()));
    let y =
        (&x * &beta).add_scalar(2.5) + sim::gaussian(&DVector::zeros(m), 0.7, &mut rng).unwrap();
    let w = DVector::from_fn(m, |i, _| 0.5 + f64::from(u32::try_from(i % 4).unwrap()));
    let g = (0..m).map(|i| i64::try_from(i % groups).unwrap()).collect();
    Data { x, y, w, g }
}

/// The columns `x1…xk`, `y`, `w`, `g` of rows `rows`, with `Option`s so that NULLs can be set.
fn batch(
    d: &Data,
    rows: std::ops::Range<usize>,
    null: &dyn Fn(usize, usize) -> bool,
) -> RecordBatch {
    let k = d.x.ncols();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let column = |c: usize, v: &dyn Fn(usize) -> f64| -> ArrayRef {
        Arc::new(Float64Array::from(
            rows.clone().map(|i| (!null(i, c)).then(|| v(i))).collect::<Vec<_>>(),
        ))
    };
    for j in 0..k {
        fields.push(Field::new(format!("x{}", j + 1), DataType::Float64, true));
        columns.push(column(j, &|i| d.x[(i, j)]));
    }
    fields.push(Field::new("y", DataType::Float64, true));
    columns.push(column(k, &|i| d.y[i]));
    fields.push(Field::new("w", DataType::Float64, true));
    columns.push(column(k + 1, &|i| d.w[i]));
    fields.push(Field::new("g", DataType::Int64, false));
    columns.push(Arc::new(Int64Array::from(rows.clone().map(|i| d.g[i]).collect::<Vec<_>>())));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

/// A session with `partitions` target partitions and the rows of `d` as table `t`, cut into
/// `partitions` partitions of two batches each; `null(i, c)` makes column c of row i NULL.
fn session(d: &Data, partitions: usize, null: &dyn Fn(usize, usize) -> bool) -> SessionContext {
    let m = d.y.len();
    let cut = |p: usize| p * m / partitions;
    let parts: Vec<Vec<RecordBatch>> = (0..partitions)
        .map(|p| {
            let (a, b) = (cut(p), cut(p + 1));
            let mid = a + (b - a) / 3;
            vec![batch(d, a..mid, null), batch(d, mid..b, null)]
        })
        .collect();
    let schema = parts[0][0].schema();
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    lsq_datafusion::register(&ctx);
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, parts).unwrap())).unwrap();
    ctx
}

fn no_nulls(_: usize, _: usize) -> bool {
    false
}

/// Runs `sql` (one struct column, `rows` rows) and returns the structs.
fn query(ctx: &SessionContext, sql: &str) -> Result<Vec<StructArray>, DataFusionError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let batches = runtime.block_on(async { ctx.sql(sql).await?.collect().await })?;
    Ok(batches.iter().map(|b| b.column(0).as_struct().clone()).collect())
}

/// The physical plan of `sql`, as text.
fn explain(ctx: &SessionContext, sql: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let batches = runtime
        .block_on(async { ctx.sql(&format!("EXPLAIN {sql}")).await?.collect().await })
        .unwrap();
    datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
}

/// One fit read back from row `row` of a result struct.
struct Fitted {
    names: Vec<String>,
    coefficients: Vec<f64>,
    std_errors: Vec<f64>,
    n: u64,
    nulls_skipped: u64,
    sigma: Option<f64>,
    r_squared: Option<f64>,
}

fn fitted(s: &StructArray, row: usize) -> Fitted {
    let floats = |name: &str| {
        let list = s.column_by_name(name).unwrap().as_list::<i32>().value(row);
        list.as_primitive::<Float64Type>().values().to_vec()
    };
    let count =
        |name: &str| s.column_by_name(name).unwrap().as_primitive::<UInt64Type>().value(row);
    let float = |name: &str| {
        let a = s.column_by_name(name).unwrap().as_primitive::<Float64Type>();
        a.is_valid(row).then(|| a.value(row))
    };
    let names = s.column_by_name("names").unwrap().as_list::<i32>().value(row);
    let names: &StringArray = names.as_string::<i32>();
    Fitted {
        names: names.iter().map(|v| v.unwrap().to_string()).collect(),
        coefficients: floats("coefficients"),
        std_errors: floats("std_errors"),
        n: count("n"),
        nulls_skipped: count("nulls_skipped"),
        sigma: float("sigma"),
        r_squared: float("r_squared"),
    }
}

/// The in-memory fit of rows `rows` of `d` (all if `None`), with or without intercept and
/// weights.
fn memory(d: &Data, rows: &[usize], intercept: bool, weighted: bool) -> lsq::Fit {
    let x = DMatrix::from_fn(rows.len(), d.x.ncols(), |i, j| d.x[(rows[i], j)]);
    let y = DVector::from_fn(rows.len(), |i, _| d.y[rows[i]]);
    let design =
        if intercept { Design::with_intercept(&x).unwrap() } else { Design::new(x).unwrap() };
    let options = if weighted {
        FitOptions::default().weights(DVector::from_fn(rows.len(), |i, _| d.w[rows[i]]))
    } else {
        FitOptions::default()
    };
    lsq::fit(&design, &y, &options).unwrap()
}

/// Coefficients, standard errors, σ̂ and R² of `f` against `whole` to `10·ε·κ` relative (the
/// coefficients relative to the largest), κ the in-memory fit's condition estimate.
#[track_caller]
fn assert_same_fit(f: &Fitted, whole: &lsq::Fit, what: &str) {
    let bound = 10.0 * f64::EPSILON * whole.diagnostics().condition_estimate;
    let scale = whole.coefficients().amax();
    assert_eq!(f.coefficients.len(), whole.coefficients().len(), "{what}");
    for j in 0..f.coefficients.len() {
        let (a, b) = (f.coefficients[j], whole.coefficients()[j]);
        assert!((a - b).abs() <= bound * scale, "{what}: β{j} {a} vs {b} (bound {bound:e})");
        let (a, b) = (f.std_errors[j], whole.std_errors()[j]);
        assert!((a - b).abs() <= bound * b, "{what}: SE{j} {a} vs {b} (bound {bound:e})");
    }
    let close = |a: Option<f64>, b: f64, name: &str| {
        let a = a.unwrap_or_else(|| panic!("{what}: {name} is NULL"));
        assert!((a - b).abs() <= bound * b.abs(), "{what}: {name} {a} vs {b} (bound {bound:e})");
    };
    close(f.sigma, whole.sigma().unwrap(), "σ̂");
    close(f.r_squared, whole.r_squared().unwrap(), "R²");
    assert_eq!(f.n, u64::try_from(whole.observations()).unwrap(), "{what}: n");
}

#[test]
fn one_two_and_seven_partitions_give_the_in_memory_fit() {
    let d = data(1, 3000, 4, 2.0, 1);
    let all: Vec<usize> = (0..3000).collect();
    let cases = [
        ("lsq_fit(y, x1, x2, x3, x4)", true, false),
        ("lsq_fit_weighted(y, w, x1, x2, x3, x4)", true, true),
        ("lsq_fit_origin(y, x1, x2, x3, x4)", false, false),
        ("lsq_fit_origin_weighted(y, w, x1, x2, x3, x4)", false, true),
    ];
    for (call, intercept, weighted) in cases {
        let whole = memory(&d, &all, intercept, weighted);
        assert!(whole.diagnostics().condition_estimate > 10.0, "the test wants some κ");
        for partitions in [1, 2, 7] {
            let ctx = session(&d, partitions, &no_nulls);
            if partitions > 1 {
                // The plan folds each partition on its own and merges the partial states.
                let plan = explain(&ctx, &format!("SELECT {call} FROM t"));
                assert!(plan.contains("mode=Partial") && plan.contains("mode=Final"), "{plan}");
            }
            let out = query(&ctx, &format!("SELECT {call} FROM t")).unwrap();
            let f = fitted(&out[0], 0);
            assert_same_fit(&f, &whole, &format!("{call} on {partitions} partitions"));
            assert_eq!(f.names, whole.names(), "{call}");
            assert_eq!(f.nulls_skipped, 0);
        }
    }
}

#[test]
fn group_by_with_100_groups_is_100_in_memory_fits() {
    let groups = 100;
    let d = data(2, 40 * groups, 3, 0.5, groups);
    let ctx = session(&d, 3, &no_nulls);
    let out = query(&ctx, "SELECT lsq_fit(y, x1, x2, x3) FROM t GROUP BY g ORDER BY g").unwrap();
    let mut row = 0;
    for s in &out {
        for i in 0..s.len() {
            let rows: Vec<usize> =
                (0..d.y.len()).filter(|&r| d.g[r] == i64::try_from(row).unwrap()).collect();
            assert_eq!(rows.len(), 40);
            assert_same_fit(
                &fitted(s, i),
                &memory(&d, &rows, true, false),
                &format!("group {row}"),
            );
            row += 1;
        }
    }
    assert_eq!(row, groups);
}

#[test]
fn group_by_with_a_filter_fits_the_rows_the_filter_keeps() {
    let groups = 10;
    let d = data(5, 60 * groups, 2, 0.4, groups);
    let ctx = session(&d, 2, &no_nulls);
    let sql = "SELECT lsq_fit(y, x1, x2) FILTER (WHERE x2 > -0.5) FROM t GROUP BY g ORDER BY g";
    let out = query(&ctx, sql).unwrap();
    let mut row = 0;
    for s in &out {
        for i in 0..s.len() {
            let rows: Vec<usize> = (0..d.y.len())
                .filter(|&r| d.g[r] == i64::try_from(row).unwrap() && d.x[(r, 1)] > -0.5)
                .collect();
            assert!(rows.len() > 10 && rows.len() < 60, "group {row}: {} rows", rows.len());
            assert_same_fit(
                &fitted(s, i),
                &memory(&d, &rows, true, false),
                &format!("group {row}"),
            );
            row += 1;
        }
    }
    assert_eq!(row, groups);
}

#[test]
fn null_rows_are_skipped_and_counted_or_fail_by_option() {
    let d = data(3, 500, 2, 0.3, 1);
    // Column c of row i is NULL for a scattering of rows: y (c = 2), x1, x2, and w (c = 3).
    let null = |i: usize, c: usize| {
        (i % 17 == 3 && c == 2)
            || (i % 23 == 7 && c == 0)
            || (i % 31 == 1 && c == 1)
            || (i % 29 == 11 && c == 3)
    };
    let complete: Vec<usize> = (0..500).filter(|&i| !(0..4).any(|c| null(i, c))).collect();
    let with_w: Vec<usize> = (0..500).filter(|&i| !(0..3).any(|c| null(i, c))).collect();
    assert!(complete.len() < with_w.len() && with_w.len() < 500);
    for partitions in [1, 2, 7] {
        let ctx = session(&d, partitions, &null);
        let f = fitted(&query(&ctx, "SELECT lsq_fit(y, x1, x2) FROM t").unwrap()[0], 0);
        assert_same_fit(&f, &memory(&d, &with_w, true, false), "NULLs skipped");
        assert_eq!(f.nulls_skipped, u64::try_from(500 - with_w.len()).unwrap());
        let f = fitted(&query(&ctx, "SELECT lsq_fit_weighted(y, w, x1, x2) FROM t").unwrap()[0], 0);
        assert_same_fit(&f, &memory(&d, &complete, true, true), "NULLs skipped, weighted");
        assert_eq!(f.nulls_skipped, u64::try_from(500 - complete.len()).unwrap());

        let strict = LsqFit::new(
            "lsq_fit_strict",
            LsqOptions { nulls: Nulls::Fail, ..LsqOptions::default() },
        );
        ctx.register_udaf(strict.into());
        let err = query(&ctx, "SELECT lsq_fit_strict(y, x1, x2) FROM t").unwrap_err().to_string();
        assert!(
            err.contains("lsq_fit_strict: a NULL in") && err.contains("NULLs are not allowed"),
            "{err}"
        );
        // Without NULLs the strict variant fits.
        let ok = query(&ctx, "SELECT lsq_fit_strict(y, x1, x2) FROM t WHERE y IS NOT NULL AND x1 IS NOT NULL AND x2 IS NOT NULL").unwrap();
        assert_same_fit(&fitted(&ok[0], 0), &memory(&d, &with_w, true, false), "strict, filtered");
    }
}

#[test]
fn bad_input_is_an_error_that_says_what_is_wrong() {
    let d = data(4, 60, 2, 0.3, 1);
    let ctx = session(&d, 2, &no_nulls);
    let err = |sql: &str| query(&ctx, sql).unwrap_err().to_string();

    // Non-numeric argument: a planning error naming the argument and its type.
    let e = err("SELECT lsq_fit(y, x1, CAST(x2 AS VARCHAR)) FROM t");
    assert!(
        e.contains("argument 3 (regressor x2) has type Utf8") && e.contains("not a numeric type"),
        "{e}"
    );
    let e = err("SELECT lsq_fit_origin(y) FROM t");
    assert!(e.contains("at least 2 arguments"), "{e}");
    // Too few rows for the coefficients.
    let e = err("SELECT lsq_fit(y, x1, x2) FROM (SELECT * FROM t LIMIT 2)");
    assert!(e.contains("lsq_fit:") && e.contains("cannot determine 3 coefficients"), "{e}");
    // No rows at all.
    let e = err("SELECT lsq_fit(y, x1, x2) FROM t WHERE y > 1e300");
    assert!(e.contains("lsq_fit:") && e.contains("empty"), "{e}");
    // Rank deficiency names the aliased column.
    let e = err("SELECT lsq_fit(y, x1, x2, 2 * x1) FROM t");
    assert!(e.contains("lsq_fit:") && e.contains("rank"), "{e}");
    // Non-finite values and negative weights.
    let e = err("SELECT lsq_fit(y / (x1 - x1), x1) FROM t");
    assert!(e.contains("not a finite number"), "{e}");
    let e = err("SELECT lsq_fit_weighted(y, w - 2, x1) FROM t");
    assert!(e.contains("must be non-negative"), "{e}");
    // As many rows as coefficients: no residual degrees of freedom.
    let e = err("SELECT lsq_fit(y, x1) FROM (SELECT * FROM t LIMIT 2)");
    assert!(e.contains("lsq_fit:") && e.contains("degrees of freedom"), "{e}");
}

//! Wall time of least squares and a Poisson GLM on 10⁷ × 20 rows, from a Parquet file through
//! DataFusion and in memory, one mode per process so that `/usr/bin/time -v` measures the peak
//! memory of each mode alone.
//!
//! ```sh
//! cargo build --release -p lsq-datafusion --example parquet_bench
//! B=target/release/examples/parquet_bench
//! $B write                        # the file, if missing (default target/lsq-bench.parquet)
//! /usr/bin/time -v $B datafusion  # lsq_fit by SQL, then fit_glm (Poisson)
//! /usr/bin/time -v $B in-memory   # the same rows in a DMatrix: lsq::fit, then glm::fit
//! $B groups                       # lsq_fit(y, x2, …, x19) GROUP BY into 100 groups
//! ```
//!
//! Arguments: `MODE [PATH [ROWS [ROW_GROUP]]]`, `ROWS` default 10 000 000, `ROW_GROUP` (rows
//! per Parquet row group when writing) default 131 072: DataFusion's Parquet reader holds a
//! row group's column chunks per partition, so the row group bounds its memory (the writer's
//! default, 1 048 576 rows of 21 columns, made the peak 0.5 GB). The data are `sim`'s, written
//! in chunks of 10⁶ rows, chunk `k` drawn from seed `2026 + k`, so that the file is never held
//! in memory and `in-memory` regenerates exactly the same rows (bit for bit) without reading
//! the file: `sim::large_regression` gives the design `[1, x1, …, x19]` (standard normal) and
//! the Gaussian response `y`, and `sim::glm_response` the Poisson counts `count` with
//! `log μ = 0.3 + 0.1·(x1 − x2 + x3 − …)`. Both modes print their coefficients, so the fits can
//! be compared.

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{ArrayRef, AsArray, Float64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use glm::{Control, Criterion, Data, Design, Family};
use lsq::nalgebra::{DMatrix, DVector};
use lsq_datafusion::{GlmOptions, fit_glm};

/// Columns of the design, the intercept included.
const P: usize = 20;
/// Rows per generated chunk.
const CHUNK: usize = 1_000_000;
/// The deviance tolerance of both GLM fits.
const TOLERANCE: f64 = 1e-10;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The regressor names `x1`, …, `x19`.
fn regressors() -> Vec<String> {
    (1..P).map(|j| format!("x{j}")).collect()
}

/// Chunk `k` of `rows` rows: the design (with its column of ones), `y` and `count`.
fn chunk(k: usize, rows: usize) -> Result<(DMatrix<f64>, DVector<f64>, DVector<f64>)> {
    let mut rng = sim::rng_from_seed(2026 + u64::try_from(k)?);
    let (x, y) = sim::large_regression(rows, P, &mut rng)?;
    let theta = DVector::from_fn(P, |j, _| match j {
        0 => 0.3,
        _ if j % 2 == 1 => 0.1,
        _ => -0.1,
    });
    let counts =
        sim::glm_response(x.clone(), &theta, f64::exp, sim::ResponseKind::Poisson, &mut rng)?.y;
    Ok((x, y, counts))
}

/// The chunk sizes that make up `rows`.
fn chunks(rows: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..rows.div_ceil(CHUNK)).map(move |k| (k, CHUNK.min(rows - k * CHUNK)))
}

fn write(path: &PathBuf, rows: usize, row_group: usize) -> Result<()> {
    let mut fields: Vec<Field> =
        regressors().into_iter().map(|n| Field::new(n, DataType::Float64, false)).collect();
    fields.push(Field::new("y", DataType::Float64, false));
    fields.push(Field::new("count", DataType::Float64, false));
    let schema = Arc::new(Schema::new(fields));
    let properties =
        WriterProperties::builder().set_max_row_group_row_count(Some(row_group.max(1))).build();
    let file = std::fs::File::create(path)?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))?;
    for (k, rows) in chunks(rows) {
        let (x, y, counts) = chunk(k, rows)?;
        let column = |v: &[f64]| Arc::new(Float64Array::from(v.to_vec())) as ArrayRef;
        let mut columns: Vec<ArrayRef> = (1..P).map(|j| column(x.column(j).as_slice())).collect();
        columns.push(column(y.as_slice()));
        columns.push(column(counts.as_slice()));
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
    }
    writer.close()?;
    Ok(())
}

fn print_coefficients(what: &str, b: &[f64]) {
    let shown: Vec<String> = b.iter().take(4).map(|v| format!("{v:.12}")).collect();
    println!("  {what}: β[0..4] = [{}]", shown.join(", "));
}

async fn datafusion_mode(path: &str) -> Result<()> {
    let ctx = SessionContext::new();
    lsq_datafusion::register(&ctx);
    ctx.register_parquet("t", path, ParquetReadOptions::default()).await?;
    println!("target partitions: {}", ctx.state().config().target_partitions());
    let xs = regressors();
    let sql =
        format!("SELECT lsq_fit(y, {})['coefficients'] AS b, count(*) AS n FROM t", xs.join(", "));
    let start = Instant::now();
    let batches = ctx.sql(&sql).await?.collect().await?;
    let seconds = start.elapsed().as_secs_f64();
    let list = batches[0].column(0).as_list::<i32>().value(0);
    let b = list.as_primitive::<Float64Type>().values().to_vec();
    println!("datafusion lsq_fit (SQL): {seconds:.2} s");
    print_coefficients("lsq_fit", &b);

    let names: Vec<&str> = xs.iter().map(String::as_str).collect();
    let options = GlmOptions { tolerance: TOLERANCE, ..GlmOptions::default() };
    let start = Instant::now();
    let fit = fit_glm(&ctx.table("t").await?, Family::Poisson, "count", &names, &options).await?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "datafusion fit_glm Poisson: {seconds:.2} s, {} iterations, {} passes, deviance {:.6}",
        fit.iterations, fit.passes, fit.deviance
    );
    print_coefficients("fit_glm", &fit.coefficients);
    Ok(())
}

/// `lsq_fit` by SQL with `GROUP BY` into 100 groups (by the fourth decimal of `x1`).
async fn groups_mode(path: &str) -> Result<()> {
    let ctx = SessionContext::new();
    lsq_datafusion::register(&ctx);
    ctx.register_parquet("t", path, ParquetReadOptions::default()).await?;
    let xs = regressors();
    let sql = format!(
        "SELECT g, lsq_fit(y, {})['coefficients'] AS b FROM \
         (SELECT *, CAST(abs(x1) * 10000 AS BIGINT) % 100 AS g FROM t) GROUP BY g",
        xs[1..].join(", ")
    );
    let start = Instant::now();
    let batches = ctx.sql(&sql).await?.collect().await?;
    let groups: usize = batches.iter().map(RecordBatch::num_rows).sum();
    println!(
        "datafusion lsq_fit GROUP BY ({groups} groups): {:.2} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn in_memory_mode(rows: usize) -> Result<()> {
    let start = Instant::now();
    let mut x = DMatrix::zeros(rows, P);
    let mut y = DVector::zeros(rows);
    let mut counts = DVector::zeros(rows);
    let mut at = 0;
    for (k, n) in chunks(rows) {
        let (xk, yk, ck) = chunk(k, n)?;
        x.rows_mut(at, n).copy_from(&xk);
        y.rows_mut(at, n).copy_from(&yk);
        counts.rows_mut(at, n).copy_from(&ck);
        at += n;
    }
    println!("in-memory data generated: {:.2} s", start.elapsed().as_secs_f64());
    let design = Design::new(x)?.with_intercept_column(0)?;

    let start = Instant::now();
    let fit = lsq::fit(&design, &y, &lsq::FitOptions::default())?;
    println!("in-memory lsq::fit: {:.2} s", start.elapsed().as_secs_f64());
    print_coefficients("lsq::fit", fit.coefficients().as_slice());

    // R's deviance rule at the same tolerance as fit_glm, so both run the same iterations.
    let control =
        Control::default().criterion(Criterion::Deviance).tolerance(TOLERANCE).max_iter(50);
    let start = Instant::now();
    let fit = glm::fit(&Data::new(&design, &counts), Family::Poisson, &control)?;
    println!(
        "in-memory glm::fit Poisson: {:.2} s, {} iterations, deviance {:.6}",
        start.elapsed().as_secs_f64(),
        fit.convergence().iterations(),
        fit.deviance()
    );
    print_coefficients("glm::fit", fit.coefficients().as_slice());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().ok_or(
        "usage: parquet_bench write|datafusion|in-memory|groups [PATH [ROWS [ROW_GROUP]]]",
    )?;
    let path = args.next().map_or_else(|| PathBuf::from("target/lsq-bench.parquet"), PathBuf::from);
    let rows: usize = args.next().map_or(Ok(10_000_000), |r| r.parse())?;
    let row_group: usize = args.next().map_or(Ok(1 << 17), |r| r.parse())?;
    match mode.as_str() {
        "write" => {
            if path.exists() {
                println!("{} exists", path.display());
            } else {
                let start = Instant::now();
                write(&path, rows, row_group)?;
                println!(
                    "wrote {rows} rows to {} in {:.1} s",
                    path.display(),
                    start.elapsed().as_secs_f64()
                );
            }
        }
        "datafusion" => {
            if !path.exists() {
                write(&path, rows, row_group)?;
            }
            datafusion_mode(path.to_str().ok_or("the path is not UTF-8")?).await?;
        }
        "in-memory" => in_memory_mode(rows)?,
        "groups" => groups_mode(path.to_str().ok_or("the path is not UTF-8")?).await?,
        other => {
            return Err(
                format!("unknown mode {other}: write, datafusion, in-memory or groups").into()
            );
        }
    }
    Ok(())
}

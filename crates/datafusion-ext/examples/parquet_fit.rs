//! Fits a linear regression and a Poisson GLM from a Parquet file through DataFusion.
//!
//! ```sh
//! cargo run -p lsq-datafusion --example parquet_fit [-- PATH [ROWS]]
//! ```
//!
//! If `PATH` (default: `lsq-datafusion-example.parquet` in the system's temporary directory)
//! does not exist, the example first writes `ROWS` (default 100 000) simulated rows there with
//! `sim`'s seeded generators: regressors `x1`, `x2`, `x3`, a Gaussian response
//! `y = 1 + 2·x1 − x2 + 0.5·x3 + ε` and Poisson counts `count` with `log μ = 0.3 + 0.5·x1 − 0.4·x2`.

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use std::path::PathBuf;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::SessionContext;
use glm::Family;
use lsq::nalgebra::DVector;
use lsq_datafusion::{GlmOptions, fit_glm};

fn write_data(path: &PathBuf, rows: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = sim::rng_from_seed(2026);
    let x = sim::intercept_gaussian(rows, 3, &mut rng)?;
    let beta = DVector::from_vec(vec![1.0, 2.0, -1.0, 0.5]);
    let y = &x * beta + sim::gaussian(&DVector::zeros(rows), 0.5, &mut rng)?;
    let theta = DVector::from_vec(vec![0.3, 0.5, -0.4, 0.0]);
    let counts =
        sim::glm_response(x.clone(), &theta, f64::exp, sim::ResponseKind::Poisson, &mut rng)?.y;
    let schema = Arc::new(Schema::new(
        ["x1", "x2", "x3", "y", "count"].map(|n| Field::new(n, DataType::Float64, false)).to_vec(),
    ));
    let column = |v: Vec<f64>| Arc::new(Float64Array::from(v)) as ArrayRef;
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            column(x.column(1).iter().copied().collect()),
            column(x.column(2).iter().copied().collect()),
            column(x.column(3).iter().copied().collect()),
            column(y.iter().copied().collect()),
            column(counts.iter().copied().collect()),
        ],
    )?;
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path)?, schema, None)?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .map_or_else(|| std::env::temp_dir().join("lsq-datafusion-example.parquet"), PathBuf::from);
    let rows: usize = args.next().map_or(Ok(100_000), |r| r.parse())?;
    if !path.exists() {
        write_data(&path, rows)?;
        println!("wrote {rows} simulated rows to {}", path.display());
    }
    let ctx = SessionContext::new();
    lsq_datafusion::register(&ctx);
    let file = path.to_str().ok_or("the path is not UTF-8")?;
    ctx.sql(&format!("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{file}'")).await?;

    let sql = "SELECT f['names'] AS names, f['coefficients'] AS coefficients, \
               f['std_errors'] AS std_errors, f['n'] AS n, f['sigma'] AS sigma, \
               f['r_squared'] AS r_squared \
               FROM (SELECT lsq_fit(y, x1, x2, x3) AS f FROM t)";
    println!("{sql}");
    println!("{}", pretty_format_batches(&ctx.sql(sql).await?.collect().await?)?);

    // One regression per group in one query: here the groups are the signs of x3.
    let sql = "SELECT g, f['coefficients'] AS b, f['std_errors'] AS se, f['r_squared'] AS r2 \
               FROM (SELECT x3 > 0 AS g, lsq_fit(y, x1, x2) AS f FROM t GROUP BY x3 > 0) ORDER BY g";
    println!("{sql}");
    println!("{}", pretty_format_batches(&ctx.sql(sql).await?.collect().await?)?);

    let fit = fit_glm(
        &ctx.table("t").await?,
        Family::Poisson,
        "count",
        &["x1", "x2", "x3"],
        &GlmOptions::default(),
    )
    .await?;
    println!(
        "Poisson GLM of count on x1, x2, x3 ({} IRLS iterations, one query each):",
        fit.iterations
    );
    for (j, name) in fit.names.iter().enumerate() {
        println!("  {name:>12}  {:>10.6}  ({:.6})", fit.coefficients[j], fit.std_errors[j]);
    }
    println!("  deviance {:.4} on {} degrees of freedom", fit.deviance, fit.df_residual);
    Ok(())
}

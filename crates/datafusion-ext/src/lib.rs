//! Least squares as an [Apache DataFusion](https://datafusion.apache.org) aggregate: SQL and
//! `DataFrame`s over Parquet, CSV or Arrow tables, one regression per group, partitions folded in
//! parallel into our mergeable QR state.
//!
//! [`register`] adds to a `SessionContext`:
//!
//! | function | arguments | intercept | weights |
//! | --- | --- | --- | --- |
//! | `lsq_fit` | `(y, x1, …, xk)` | yes | no |
//! | `lsq_fit_weighted` | `(y, w, x1, …, xk)` | yes | prior weights `w ≥ 0` |
//! | `lsq_fit_origin` | `(y, x1, …, xk)` | no | no |
//! | `lsq_fit_origin_weighted` | `(y, w, x1, …, xk)` | no | prior weights `w ≥ 0` |
//!
//! Rows with a NULL in any argument are skipped and counted ([`Nulls::Skip`]); build an
//! [`LsqFit`] with [`Nulls::Fail`] and register it under a name of your own to make them an
//! error instead. Each returns a struct with the fields
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `names` | `List<Utf8>` | `(Intercept)` and the regressors' column names |
//! | `coefficients` | `List<Float64>` | `β̂`, in the order of `names` |
//! | `std_errors` | `List<Float64>` | their standard errors `σ̂·‖row j of R⁻¹‖` |
//! | `n` | `UInt64` | rows of nonzero weight fitted |
//! | `nulls_skipped` | `UInt64` | rows left out for a NULL |
//! | `df_residual` | `UInt64` | `n − p` |
//! | `sigma` | `Float64` | `σ̂`, NULL for an exact fit |
//! | `r_squared` | `Float64` | R² (about the weighted mean with an intercept), NULL where undefined |
//!
//! so `SELECT g, lsq_fit(y, x1, x2)['coefficients'] FROM t GROUP BY g` fits one regression per
//! group in one query. The statistics are those of [`lsq::StreamFit`], defined as
//! [`lsq::fit`]'s; the fit agrees with [`lsq::fit`] on the same rows to a small multiple of
//! `ε·κ` whatever the number of partitions (tested with 1, 2 and 7).
//!
//! [`fit_glm`] fits a GLM of any `glm` family and link over any `DataFrame` by IRLS, one
//! aggregate query per iteration, with `glm::fit`'s step-halving and R's deviance rule: the
//! current `β` is part of the query's aggregate function, and each partition folds its rows
//! `√W·x`, `√W·z` into the same QR state and sums the deviance and Pearson χ². One more pass
//! at `β̂` gives the log-likelihood and the null deviance, so [`GlmSummary`] has R's summary
//! statistics; failures of the iteration are an [`Error`].
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use datafusion::arrow::array::{AsArray, Float64Array, RecordBatch};
//! use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema};
//! use datafusion::prelude::SessionContext;
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("x", DataType::Float64, false),
//!     Field::new("y", DataType::Float64, false),
//! ]));
//! // y = 1 + 2x plus residuals 0, 0.5, −1, 0.5, 0 orthogonal to both columns.
//! let x = Float64Array::from(vec![0.0, 1.0, 2.0, 3.0, 4.0]);
//! let y = Float64Array::from(vec![1.0, 3.5, 4.0, 7.5, 9.0]);
//! let batch = RecordBatch::try_new(schema, vec![Arc::new(x), Arc::new(y)])?;
//! let ctx = SessionContext::new();
//! lsq_datafusion::register(&ctx);
//! ctx.register_batch("t", batch)?;
//! let df = ctx.sql("SELECT lsq_fit(y, x)['coefficients'] AS b FROM t").await?;
//! let batches = df.collect().await?;
//! let b = batches[0].column(0).as_list::<i32>().value(0);
//! let b = b.as_primitive::<Float64Type>();
//! assert!((b.value(0) - 1.0).abs() < 1e-14 && (b.value(1) - 2.0).abs() < 1e-14);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Bad input
//! Nothing panics inside the engine: a non-numeric argument or too few arguments is a
//! `DataFusionError::Plan` naming the argument; NaN or infinite values, negative weights, a NULL
//! under [`Nulls::Fail`], a group with no rows or fewer rows than coefficients, a rank-deficient
//! design (naming the aliased columns) and no residual degrees of freedom are
//! `DataFusionError::Execution`s starting `lsq_fit:` with [`lsq::Error`]'s message. One bad group
//! fails the whole query, as SQL aggregates do.
//!
//! # On a cluster (Ballista)
//! Ballista runs the same physical plan with the partial aggregate (`update_batch` on each
//! executor's partitions, then `state`) and the final aggregate (`merge_batch`, `evaluate`) in
//! different stages, shipping the partial states between them as Arrow record batches. What is
//! serialised per partition and group is one row of the state schema: the `(n+1)×(n+1)` upper
//! triangle packed into a `List<Float64>` of `(n+1)(n+2)/2` numbers, two row counts, three
//! moments of the response, the intercept constant, a flag and the NULL count: `O(n²)` bytes
//! (about 1.8 KiB for n = 20), independent of the number of rows. The rows themselves never
//! leave their executor. What would need to change: Ballista ships the *plan* too, and an
//! aggregate UDF travels in it by name, decoded on each executor from its function registry. The
//! four functions of [`register`] therefore work once every executor's `SessionContext` has called
//! [`register`]; an [`LsqFit`] with options under a name of its own, and the IRLS step of
//! [`fit_glm`] (whose `β` is part of the function), need a `PhysicalExtensionCodec` whose
//! `try_encode_udaf` / `try_decode_udaf` write and read the options and `β` (a few numbers). The
//! state needs no change, since it is plain Arrow. Merges cost `O(n³)` each and the QR of stacked
//! triangles is exact to rounding in any merge order, so the result does not depend on how
//! Ballista groups the partitions. [`fit_glm`] would run unchanged against a Ballista-backed
//! `DataFrame`: one distributed query per iteration, `O(n²)` bytes per partition each.

mod error;
mod glm_fit;
mod irls_step;
mod options;
mod result;
mod state;
mod udaf;

use datafusion::logical_expr::AggregateUDF;
use datafusion::prelude::SessionContext;

pub use error::Error;
pub use glm_fit::{GlmOptions, GlmSummary, MAX_STEP_HALVINGS, fit_glm};
pub use options::{LsqOptions, Nulls};
pub use udaf::LsqFit;

/// The four `lsq_fit` variants of the crate docs' table, as [`AggregateUDF`]s.
#[must_use]
pub fn functions() -> Vec<AggregateUDF> {
    [
        ("lsq_fit", true, false),
        ("lsq_fit_weighted", true, true),
        ("lsq_fit_origin", false, false),
        ("lsq_fit_origin_weighted", false, true),
    ]
    .into_iter()
    .map(|(name, intercept, weighted)| {
        AggregateUDF::from(LsqFit::new(
            name,
            LsqOptions { intercept, weighted, nulls: Nulls::Skip },
        ))
    })
    .collect()
}

/// Registers [`functions`] on `ctx` (replacing functions of the same names).
pub fn register(ctx: &SessionContext) {
    for f in functions() {
        ctx.register_udaf(f);
    }
}

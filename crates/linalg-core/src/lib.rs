//! Hand-written Householder QR and triangular solves: the numerical core of the workspace.
//!
//! nalgebra supplies the matrix types; the factorizations here are written out, LAPACK-style,
//! so that every step can be read, tested and run in more than one precision.
//!
//! - [`HouseholderQr`]: `A = QR` for m ≥ n, with `solve` (least squares), `apply_qt`/`apply_q`,
//!   `r`, `thin_q`, a diagonal-based rank and a cheap condition estimate.
//! - [`PivotedQr`]: `A·P = Q·R` with column pivoting (Businger–Golub, or R's order-keeping
//!   variant), numerical rank, the permutation and the aliased columns.
//! - [`TallQr`]: the same factorization of a tall `[X | y]` whose rows arrive in blocks (with
//!   weights), kept as an n×n `R`, `Qᵀy` and the residual sum of squares; states merge, and
//!   [`TallQr::from_rows`] folds a matrix on several threads with the same result for every
//!   thread count.
//! - [`back_substitute`] and [`forward_substitute`]: triangular solves that refuse a zero or
//!   tiny pivot with a typed error instead of dividing by it.
//! - [`condition_estimate_upper`]: Hager–Higham estimate of `κ₁(R)` in `O(n²)`.
//!
//! Every routine is generic over the sealed scalar trait [`Real`], implemented for `f64` (the
//! default everywhere) and [`DoubleDouble`] (double-double, about 32 significant digits), so the
//! same algorithm certifies digits that `f64` cannot.
//!
//! # Example
//!
//! ```
//! use linalg_core::HouseholderQr;
//! use nalgebra::{dmatrix, dvector};
//!
//! // Least-squares line through four points.
//! let a = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 3.0];
//! let y = dvector![1.0, 2.9, 5.1, 7.0];
//! let qr = HouseholderQr::new(a.clone())?;
//! let x = qr.solve(&y)?;
//! // The residual is orthogonal to the columns of A.
//! let residual = &y - &a * &x;
//! assert!((a.transpose() * residual).amax() < 1e-13);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Numerical notes
//!
//! - Householder QR is backward stable; a least-squares solution has relative error of order
//!   `κ(A)·ε + κ(A)²·ε·‖r‖/(‖A‖·‖x‖)`, where `κ(A)` can be taken after the best column scaling.
//!   The normal equations square `κ(A)` regardless of the residual; that is why QR is the default
//!   solver of the `lsq` crate.
//! - Reflectors are generated from a scaled norm, so matrices with entries near 1e±300 factor
//!   without overflow or underflow.
//! - Rank decisions use a relative tolerance, by default `max(m, n)·ε`
//!   ([`default_rank_tolerance`]); no decision is made by comparing with exactly zero.
//! - `Q` is never formed to solve; [`HouseholderQr::thin_q`] forms it on request.
//! - [`TallQr`] is the same backward-stable factorization computed chunk by chunk (TSQR): how the
//!   rows are cut and merged changes its results at the level of rounding only, and for a given
//!   shape its threads always cut and merge the same way, so results never depend on the thread
//!   count.

mod blocked;
mod column_pivoting;
mod condition;
mod dense_fold;
mod double_double;
mod error;
mod gram;
mod householder;
mod kernels;
mod packed;
mod pivot_options;
mod pivoted;
mod products;
mod qr;
mod row_block;
mod scalar;
mod structured;
mod tall_core;
mod tall_parallel;
mod tall_qr;
mod tall_results;
mod triangular;

pub use condition::condition_estimate_upper;
pub use double_double::DoubleDouble;
pub use error::{Error, Result};
pub use gram::gram_update;
pub use pivot_options::{PivotOptions, PivotStrategy};
pub use pivoted::PivotedQr;
pub use qr::HouseholderQr;
pub use scalar::{Real, count_to_f64, default_rank_tolerance};
pub use tall_qr::TallQr;
pub use triangular::{
    back_substitute, back_substitute_in_place, default_pivot_tolerance, forward_substitute,
    forward_substitute_in_place, upper_triangular_inverse,
};

//! Least squares three ways, with the statistics a user of R's `summary(lm)` expects.
//!
//! The model is `y = Xβ + ε`. [`fit`] estimates `β` by one of four [`Method`]s, chosen in
//! [`FitOptions`] (the one switch; [`solve`] is the same solve without the statistics):
//!
//! - [`Method::Qr`] (the default): `linalg-core`'s hand-written Householder QR with R's
//!   order-keeping column pivoting, then back substitution. Backward stable; detects rank.
//!   [`fit`] folds the rows of a tall design block by block into `linalg-core`'s `TallQr` on
//!   every core instead of factoring a copy (same problem, same statistics to rounding).
//! - [`Method::Inverse`]: the lesson's left inverse `(XᵀX)⁻¹Xᵀy`, literally.
//! - [`Method::NormalEquations`]: Cholesky on `XᵀXβ = Xᵀy`.
//! - [`Method::ExtendedQr`]: the same QR in double-double, to certify digits.
//!
//! The second and third exist to show why the first is the default: they square the condition
//! number. A [`Fit`] carries coefficients, standard errors from `R⁻¹`, t and F tests, R²,
//! log-likelihood, AIC and BIC, predictions with intervals, and [`Diagnostics`]: the rank, `κ`,
//! the orthogonality `‖Xᵀr‖/(‖X‖‖r‖)`, whether `y` lies in the column space, and an estimate of
//! the digits the coefficients can be trusted to. A statistic the data leave undefined (R² of a
//! constant response, t tests of an exact fit) is an `Err` of [`Unavailable`] saying why, never
//! a NaN or an infinity. [`Fit::robust`] gives the heteroskedasticity-consistent (sandwich)
//! covariance HC0–HC3 of R's `sandwich::vcovHC` ([`Hc`], [`Robust`]), and [`anova`] the F test
//! of a fit against a nested one ([`Anova`], R's `anova(m0, m1)`). [`ridge`] solves the weighted Tikhonov
//! problem `(HᵀWH + λLᵀL)⁻¹HᵀWy` by stacking, never by forming the normal matrix, and
//! [`certify`] measures the correct digits of an `f64` fit against the double-double one.
//!
//! # Example
//!
//! ```
//! use lsq::{Design, FitOptions, Method};
//! use lsq::nalgebra::{dmatrix, dvector};
//!
//! // Height from weight and parents' mean height: the least-squares lesson's data.
//! let columns = dmatrix![70.0, 177.0; 86.0, 190.0; 63.0, 180.0; 62.0, 172.0];
//! let design = Design::with_intercept(&columns)?.with_names(["(Intercept)", "weight", "parents"])?;
//! let height = dvector![175.0, 181.0, 159.0, 165.0];
//! let qr = lsq::fit(&design, &height, &FitOptions::default())?;
//! let inverse = lsq::fit(&design, &height, &FitOptions::default().method(Method::Inverse))?;
//! assert!((qr.coefficients() - inverse.coefficients()).amax() < 1e-8);
//! // The residual is orthogonal to every column of X, up to rounding.
//! assert!(qr.diagnostics().orthogonality < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Numerical notes
//!
//! - Every method solves the equilibrated problem: the columns of `X` scaled by powers of two to
//!   norms in `[1/√2, √2)`, `y` to a largest entry in `[1, 2)`, the weights to a largest in
//!   `[1/4, 1)`. The solve, the rank decision, the sums of squares, the statistics and the
//!   diagnostics are computed there and scaled back exactly, so no finite input overflows or
//!   underflows inside a fit, and the units of a column or of `y` do not matter: scaling either
//!   by `2^k` scales the coefficients, standard errors and `σ̂` by exactly `2^∓k` and leaves R²,
//!   t, F, p, the exact-fit test and the scaled `κ₂` bit for bit the same (tested for
//!   `|k| ≤ 990`); other units change them only by the rounding of the rescaled data. A result
//!   whose value in the caller's units lies outside `f64` is [`Error::Unrepresentable`]
//!   (coefficients, standard errors, fitted values, predictions) or [`Unavailable::OutOfRange`]
//!   (sums of squares, `σ̂`, `κ₂` of the design as given).
//! - `κ₂` comes from the singular values of the n×n factor `R` (`σ(X) = σ(R)`), never from an
//!   SVD of the m×n design, so it costs `O(n³)` and no copy of `X`.
//! - Rank is decided per column against its own norm at relative tolerance `max(m, n)·ε`
//!   (R's `lm` uses `1e-7`, which drops a column of NIST's Filip problem; ours keeps it).
//!   By default a rank-deficient design is an error naming the aliased columns;
//!   [`RankPolicy::DropAliased`] fits without them, as R does.
//! - Standard errors come from `R⁻¹` (QR), `L⁻¹` (Cholesky) or the explicit inverse; `XᵀX` is
//!   never formed on the QR path.
//! - Against NIST's certified values the QR method reaches at least 7 correct digits on Filip
//!   (`κ ≈ 1.8·10¹⁵` unscaled) and the extended method every printed digit; see the crate's
//!   `tests/nist.rs`.

mod anova;
mod certify;
mod condition;
mod consistency;
mod design;
mod diagnostics;
mod error;
mod fit;
mod fit_result;
pub mod format;
mod kept;
mod method;
mod options;
mod predict;
mod ridge;
mod robust;
mod scaling;
mod solve;
mod solvers;
mod statistics;
#[cfg(feature = "serde")]
mod stored;
mod stream;
mod stream_fit;
mod summary;
mod tall;
mod unavailable;

/// The matrix and vector types of every signature here, re-exported so that one dependency
/// line is enough and the versions always match.
pub use nalgebra;

pub use anova::{ANOVA_RESPONSE_TOLERANCE, Anova, anova};
pub use certify::{Certification, certify};
pub use consistency::{NESTING_TOLERANCE, check_nested};
pub use design::{Design, INTERCEPT_NAME};
pub use diagnostics::{Diagnostics, Digits, F64_DIGITS};
pub use error::{Error, Input, Quantity, Result};
pub use fit::fit;
pub use fit_result::Fit;
pub use method::{Method, RankPolicy};
pub use options::{ConditionNumber, FitOptions, SVD_AUTO_FLOPS};
pub use predict::Prediction;
pub use ridge::{Penalty, RidgeFit, ridge};
pub use robust::{Hc, Robust, UNIT_LEVERAGE_TOLERANCE};
pub use solve::{Solution, solve, solve_in_place};
pub use statistics::EXACT_FIT_TOLERANCE;
pub use stream::{Accumulator, AccumulatorParts};
pub use stream_fit::StreamFit;
pub use unavailable::Unavailable;

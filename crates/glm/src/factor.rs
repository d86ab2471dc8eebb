//! [`TallFactor`]: the factored expected information of one IRLS pass over a tall design, as
//! `crate::information::Scoring` takes it, and how it was factored.

use nalgebra::{DMatrix, DVector};

/// How a [`TallFactor`] was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FactorKind {
    /// Householder QR of the equilibrated `√W·X` (`linalg_core::TallQr`): a backward error of a
    /// small multiple of `ε` per column, amplified by `κ` in the step and the covariance.
    Qr,
    /// Cholesky of the equilibrated weighted Gram matrix `XᵀWX`: half the flops of QR and a
    /// matrix product's speed, but rounding amplified by `κ²`. Only early IRLS steps of a
    /// well-conditioned problem use it; the last step and the covariance of a fit come from QR.
    Gram,
}

/// The factored expected information of a tall design in equilibrated coordinates.
#[derive(Debug, Clone)]
pub(crate) struct TallFactor {
    /// The Fisher-scoring iterate (caller's units).
    pub(crate) fisher: DVector<f64>,
    /// The powers of two `d` that bring the columns of `√W·X` to about unit norm.
    pub(crate) scales: Vec<f64>,
    /// `C′ = (diag(d)·XᵀWX·diag(d))⁻¹ = R̃⁻¹·R̃⁻ᵀ`.
    pub(crate) covariance: DMatrix<f64>,
    /// The factor that amplifies rounding in the solve: the Hager–Higham estimate of `κ₁(R̃)`
    /// for QR, its square for the Gram matrix.
    pub(crate) condition: f64,
    /// How the factor was computed.
    pub(crate) kind: FactorKind,
    /// The digits estimate's `‖s‖₂` at the point, `s_i = √W_i·(Σ_k|x_ik·γ_k| + |offset_i| +
    /// |r_i|)`, when a fused QR pass at given coefficients formed it (`crate::fused`).
    pub(crate) spread: Option<f64>,
}

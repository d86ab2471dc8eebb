//! The regression statistics of a least-squares fit (residuals, sums of squares, standard
//! errors, R², F, orthogonality), computed in the solver's working precision.

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};
use statrs::distribution::StudentsT;

use crate::error::{Error, Result};
use crate::solvers::{Core, Covariance};

/// The statistics, computed in the working precision and rounded to `f64`.
#[derive(Debug, Clone)]
pub(crate) struct Statistics {
    pub(crate) fitted: DVector<f64>,
    pub(crate) residuals: DVector<f64>,
    pub(crate) rss: f64,
    pub(crate) tss: f64,
    pub(crate) sigma: f64,
    pub(crate) std_errors: DVector<f64>,
    pub(crate) r_squared: f64,
    pub(crate) adj_r_squared: f64,
    pub(crate) f_statistic: Option<f64>,
    /// `‖Xᵀr‖/(‖X‖_F·‖r‖)` on the weighted rows; 0 when `r = 0`.
    pub(crate) orthogonality: f64,
    pub(crate) weighted_response_norm: f64,
    pub(crate) covariance: Covariance<f64>,
}

/// Residuals, sums of squares, standard errors, R² and F in the working precision `T`.
pub(crate) fn statistics<T: Real>(
    x: &DMatrix<T>,
    y: &DVector<f64>,
    weights: Option<&DVector<f64>>,
    kept: &[usize],
    core: &Core<T>,
    intercept: bool,
) -> Result<Statistics> {
    let (m, p) = x.shape();
    let covariance = core.factor.covariance(p)?;
    let weight = |i: usize| weights.map_or(T::ONE, |w| T::from_f64(w[i]));
    let fitted: Vec<T> =
        (0..m).map(|i| (0..p).fold(T::ZERO, |s, j| s + x[(i, j)] * core.beta[j])).collect();
    let residuals: Vec<T> = (0..m).map(|i| T::from_f64(y[i]) - fitted[i]).collect();
    let rss = kept.iter().fold(T::ZERO, |s, &i| s + weight(i) * residuals[i] * residuals[i]);
    let tss = if intercept {
        let total_weight = kept.iter().fold(T::ZERO, |s, &i| s + weight(i));
        let mean =
            kept.iter().fold(T::ZERO, |s, &i| s + weight(i) * T::from_f64(y[i])) / total_weight;
        kept.iter().fold(T::ZERO, |s, &i| {
            let d = T::from_f64(y[i]) - mean;
            s + weight(i) * d * d
        })
    } else {
        kept.iter().fold(T::ZERO, |s, &i| s + weight(i) * T::from_f64(y[i]) * T::from_f64(y[i]))
    };
    let n = kept.len();
    let df_residual = n.saturating_sub(core.rank).max(1);
    let df_t = T::from_f64(count_to_f64(df_residual));
    let sigma2 = rss / df_t;
    let sigma = sigma2.sqrt();
    let std_errors = DVector::from_fn(p, |j, _| {
        if core.aliased.contains(&j) {
            f64::NAN
        } else {
            (sigma * covariance.diagonal(j).sqrt()).to_f64()
        }
    });
    let one = T::ONE;
    let r_squared = one - rss / tss;
    let intercept_df = usize::from(intercept);
    let adj = one - (one - r_squared) * T::from_f64(count_to_f64(n - intercept_df)) / df_t;
    let df_model = core.rank.saturating_sub(intercept_df);
    let f_statistic = (df_model > 0).then(|| {
        let explained = (tss - rss) / T::from_f64(count_to_f64(df_model));
        if rss == T::ZERO { f64::INFINITY } else { (explained / sigma2).to_f64() }
    });
    // Orthogonality of the residual to the columns, on the weighted rows.
    let root = |i: usize| weight(i).sqrt();
    let mut xtr_sq = T::ZERO;
    for j in 0..p {
        let s = kept.iter().fold(T::ZERO, |s, &i| s + root(i) * x[(i, j)] * root(i) * residuals[i]);
        xtr_sq += s * s;
    }
    let x_norm = kept
        .iter()
        .fold(T::ZERO, |s, &i| (0..p).fold(s, |s, j| s + weight(i) * x[(i, j)] * x[(i, j)]))
        .sqrt();
    let r_norm = rss.sqrt();
    let orthogonality =
        if r_norm == T::ZERO { 0.0 } else { (xtr_sq.sqrt() / (x_norm * r_norm)).to_f64() };
    let y_norm = kept
        .iter()
        .fold(T::ZERO, |s, &i| s + weight(i) * T::from_f64(y[i]) * T::from_f64(y[i]))
        .sqrt();
    let covariance = match covariance {
        Covariance::Root(f) => Covariance::Root(f.map(Real::to_f64)),
        Covariance::Explicit(c) => Covariance::Explicit(c.map(Real::to_f64)),
    };
    Ok(Statistics {
        fitted: DVector::from_iterator(m, fitted.iter().map(|v| v.to_f64())),
        residuals: DVector::from_iterator(m, residuals.iter().map(|v| v.to_f64())),
        rss: rss.to_f64(),
        tss: tss.to_f64(),
        sigma: sigma.to_f64(),
        std_errors,
        r_squared: r_squared.to_f64(),
        adj_r_squared: adj.to_f64(),
        f_statistic,
        orthogonality,
        weighted_response_norm: y_norm.to_f64(),
        covariance,
    })
}

/// `β/se`, with R's conventions for a zero or missing standard error.
pub(crate) fn t_value(beta: f64, se: f64) -> f64 {
    if se.is_nan() {
        f64::NAN
    } else if se == 0.0 {
        // A coefficient known without error: infinitely significant unless it is exactly zero.
        if beta == 0.0 { 0.0 } else { beta.signum() * f64::INFINITY }
    } else {
        beta / se
    }
}

/// Student's t with `df` degrees of freedom.
pub(crate) fn student_t(df: f64) -> Result<StudentsT> {
    StudentsT::new(0.0, 1.0, df).map_err(|_| invalid_df(df))
}

fn invalid_df(df: f64) -> Error {
    Error::InvalidOption { name: "degrees of freedom", value: df, reason: "must be positive" }
}

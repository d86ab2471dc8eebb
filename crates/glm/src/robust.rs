//! Heteroskedasticity-consistent (sandwich) covariance of a GLM fit, as statsmodels'
//! `GLM.fit(cov_type="HC0")` and R's `sandwich::vcovHC(fit, type)`: [`Robust`] and
//! [`GlmFit::robust`].

use lsq::{Design, Hc};
use nalgebra::{DMatrix, DVector};

use crate::data::Data;
use crate::error::{Error, Result};
use crate::glm_fit::GlmFit;
use crate::normal::cdf_both;
use crate::numeric::count_to_f64;

/// Relative tolerance, in units of `ε` per design column, of the check that a design and
/// offset reproduce a fit's linear predictor: row `i` passes when
/// `|xᵢᵀθ̂ + oᵢ − η̂ᵢ| ≤ 4·(p + 2)·ε·(Σⱼ|xᵢⱼθ̂ⱼ| + |oᵢ|)`, the rounding of the sum the fit
/// itself formed.
pub const DESIGN_TOLERANCE: f64 = 4.0 * f64::EPSILON;

/// A heteroskedasticity-consistent covariance of a GLM's coefficients and the Wald tests it
/// gives, from [`GlmFit::robust`]. Aliased columns have NaN entries, as in [`GlmFit`].
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family};
/// use glm::lsq::Hc;
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![1.0, 3.0, 2.0, 6.0, 4.0, 12.0];
/// let data = Data::new(&design, &y);
/// let fit = glm::fit(&data, Family::Poisson, &Control::default())?;
/// let robust = fit.robust(&data, Hc::Hc0)?;
/// assert!(robust.std_errors().iter().all(|se| se.is_finite() && *se > 0.0));
/// assert!((robust.leverages().sum() - 2.0).abs() < 1e-12); // they sum to the rank
/// let hc1 = fit.robust(&data, Hc::Hc1)?; // HC0 times n/(n − k) = 6/4
/// assert!((hc1.std_errors()[1] / robust.std_errors()[1] - 1.5_f64.sqrt()).abs() < 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredRobust"))]
pub struct Robust {
    hc: Hc,
    covariance: DMatrix<f64>,
    std_errors: DVector<f64>,
    statistics: DVector<f64>,
    leverages: DVector<f64>,
}

/// A [`Robust`] as stored.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredRobust {
    hc: Hc,
    covariance: DMatrix<f64>,
    std_errors: DVector<f64>,
    statistics: DVector<f64>,
    leverages: DVector<f64>,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredRobust> for Robust {
    type Error = String;

    /// Accepts a stored covariance that is square, with one standard error and one statistic
    /// a coefficient.
    fn try_from(s: StoredRobust) -> std::result::Result<Self, String> {
        let (p, cols) = s.covariance.shape();
        if p != cols {
            return Err(format!("a stored robust covariance is {p}×{cols}, not square"));
        }
        let lengths = [("standard errors", s.std_errors.len()), ("statistics", s.statistics.len())];
        if let Some((what, n)) = lengths.iter().find(|(_, n)| *n != p) {
            return Err(format!("a stored robust covariance of order {p} has {n} {what}"));
        }
        Ok(Self {
            hc: s.hc,
            covariance: s.covariance,
            std_errors: s.std_errors,
            statistics: s.statistics,
            leverages: s.leverages,
        })
    }
}

impl Robust {
    /// The estimator.
    #[must_use]
    pub fn hc(&self) -> Hc {
        self.hc
    }

    /// The robust covariance `V`; rows and columns of aliased columns are NaN. Entries can
    /// overflow in extreme units as [`GlmFit::covariance`]'s do; the standard errors do not.
    #[must_use]
    pub fn covariance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Robust standard errors `√V_jj`; NaN for aliased columns.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Wald statistics `θ̂_j/√V_jj`; NaN for aliased columns and where the robust variance is
    /// zero (every observation informing the coefficient is fitted exactly).
    #[must_use]
    pub fn statistics(&self) -> &DVector<f64> {
        &self.statistics
    }

    /// Two-sided p-values of [`Robust::statistics`] from the standard normal, as statsmodels
    /// and R's `lmtest::coeftest` (which uses `df = Inf` for a GLM) report robust tests;
    /// accurate to about 1e-16 relative (Cody's `pnorm`), 0 beyond `|z| ≈ 38.5`.
    #[must_use]
    pub fn p_values(&self) -> DVector<f64> {
        self.statistics.map(|z| if z.is_nan() { f64::NAN } else { 2.0 * cdf_both(-z.abs()).0 })
    }

    /// The leverages `hᵢᵢ`, diagonal of `W^½X(XᵀWX)⁻¹XᵀW^½` at the optimum (R's
    /// `hatvalues.glm`), 0 for rows with zero weight.
    #[must_use]
    pub fn leverages(&self) -> &DVector<f64> {
        &self.leverages
    }
}

impl GlmFit {
    /// The heteroskedasticity-consistent covariance `hc` of the coefficients, its standard
    /// errors and Wald tests; the model-based covariance stays [`GlmFit::covariance`].
    ///
    /// `V = (XᵀWX)⁻¹·(Σᵢ ωᵢ·xᵢxᵢᵀ)·(XᵀWX)⁻¹`: the bread is the inverse expected information
    /// without the dispersion (`W` the working weights at the optimum) and the meat sums the
    /// squared score contributions `uᵢ = Wᵢ·(yᵢ − μᵢ)/(dμ/dη)ᵢ·xᵢ` (statsmodels'
    /// `cov_type="HC0"`, R's `sandwich::vcovHC(type = "HC0")`); the dispersion cancels. HC1
    /// multiplies by `n/(n − k)` (observations with positive weight, rank); HC2 and HC3 divide
    /// the squared score by `1 − hᵢᵢ` or its square with the GLM leverages, as `sandwich` does
    /// (statsmodels offers HC0 and HC1 for GLMs). For the Gaussian family with identity link
    /// they equal [`lsq::Fit::robust`]. Aliased columns are left out, as in `sandwich`.
    ///
    /// A fit does not keep its design or offset: `data` must be what the fit was made from,
    /// checked by the shape and by recomputing `η̂ = Xθ̂ + offset` (see [`DESIGN_TOLERANCE`]).
    ///
    /// # Algorithm
    /// On the equilibrated rows `x̃ᵢ = √Wᵢ·D·xᵢ` (`D` the fit's power-of-two column scales,
    /// `C′ = (X̃ᵀX̃)⁻¹` the fit's stored factor) the score is `eᵢ·x̃ᵢ` with `eᵢ` the Pearson
    /// residual, so `hᵢᵢ = x̃ᵢᵀC′x̃ᵢ`, `gᵢ = √ωᵢ·C′x̃ᵢ` and `V = D·GᵀG·D`, a sum of squares
    /// (Zeileis, *J. Stat. Softw.* 16(9), 2006).
    ///
    /// # Cost
    /// About `3mp²` flops for m rows and p columns, plus `2mp` for the check; memory `m×p`.
    ///
    /// # Accuracy
    /// As the fit's covariance factor, `C′` (relative error about `κ·ε` of the equilibrated
    /// `√W·X`); the reference tests match statsmodels' HC0 to at least 8 digits.
    ///
    /// # Errors
    /// [`Error::DesignShape`] or [`Error::DesignMismatch`] when `data` is not the one
    /// fitted; [`Error::UnitLeverage`] for HC2 and HC3 when an observation has leverage 1 up
    /// to [`lsq::UNIT_LEVERAGE_TOLERANCE`]`·max(m, p)`.
    ///
    /// # Examples
    /// See [`Robust`].
    pub fn robust(&self, data: &Data<'_>, hc: Hc) -> Result<Robust> {
        check_data(self, data)?;
        let x = data.design.matrix();
        let (m, p) = x.shape();
        let (family, link) = (self.model.family(), self.model.link());
        let c = &self.scaled_covariance;
        let rows: Vec<usize> = (0..m).filter(|&i| self.prior_weights[i] > 0.0).collect();
        let rank = self.rank();
        let hc1 = if matches!(hc, Hc::Hc1) {
            count_to_f64(rows.len()) / count_to_f64(rows.len() - rank)
        } else {
            1.0
        };
        // √ωᵢ = |eᵢ|·√hc1/(1 − hᵢᵢ)^exponent.
        let exponent = match hc {
            Hc::Hc2 => 0.5,
            Hc::Hc3 => 1.0,
            _ => 0.0,
        };
        let limit = lsq::UNIT_LEVERAGE_TOLERANCE * count_to_f64(m.max(p));
        let mut leverages = DVector::zeros(m);
        let mut g = DMatrix::zeros(rows.len(), p);
        for (k, &i) in rows.iter().enumerate() {
            let (mu, w) = (self.mu[i], self.prior_weights[i]);
            let root = w.sqrt() * family.over_variance_root(mu, link.mu_eta(self.eta[i])).abs();
            let e = w.sqrt() * family.over_variance_root(mu, self.y[i] - mu);
            let xi: Vec<f64> = (0..p).map(|j| root * x[(i, j)] * self.scales[j]).collect();
            let gi: Vec<f64> = (0..p).map(|j| (0..p).map(|l| c[(j, l)] * xi[l]).sum()).collect();
            let leverage: f64 = xi.iter().zip(&gi).map(|(a, b)| a * b).sum();
            leverages[i] = leverage;
            if exponent > 0.0 && 1.0 - leverage <= limit {
                return Err(Error::UnitLeverage { row: i, leverage, hc });
            }
            let s = e.abs() * hc1.sqrt() / (1.0 - leverage).powf(exponent);
            for j in 0..p {
                g[(k, j)] = s * gi[j];
            }
        }
        let scaled = g.tr_mul(&g);
        let d = &self.scales;
        let mut covariance = DMatrix::from_fn(p, p, |i, j| d[i] * scaled[(i, j)] * d[j]);
        let mut std_errors = DVector::from_fn(p, |j, _| d[j] * scaled[(j, j)].sqrt());
        for &j in &self.aliased {
            covariance.row_mut(j).fill(f64::NAN);
            covariance.column_mut(j).fill(f64::NAN);
            std_errors[j] = f64::NAN;
        }
        // A zero robust variance (every observation informing the coefficient fitted exactly)
        // leaves the Wald statistic undefined: NaN, R's `NA`, rather than ±∞.
        let statistics = self
            .coefficients
            .zip_map(&std_errors, |b, se| if se > 0.0 { b / se } else { f64::NAN });
        Ok(Robust { hc, covariance, std_errors, statistics, leverages })
    }
}

/// Fails unless `data`'s design and offset reproduce the fit's linear predictor.
pub(crate) fn check_data(fit: &GlmFit, data: &Data<'_>) -> Result<()> {
    let design: &Design = data.design;
    let (m, p) = (design.nrows(), design.ncols());
    if m != fit.eta.len() || p != fit.coefficients.len() {
        return Err(Error::DesignShape {
            rows: m,
            cols: p,
            expected_rows: fit.eta.len(),
            expected_cols: fit.coefficients.len(),
        });
    }
    let x = design.matrix();
    let tolerance = DESIGN_TOLERANCE * count_to_f64(p + 2);
    for i in 0..m {
        let offset = data.offset.map_or(0.0, |o| o[i]);
        let terms = (0..p).map(|j| x[(i, j)] * fit.coefficients[j]);
        let eta: f64 = terms.clone().sum::<f64>() + offset;
        let bound: f64 = terms.map(f64::abs).sum::<f64>() + offset.abs();
        if (eta - fit.eta[i]).abs() > tolerance * bound || !eta.is_finite() {
            return Err(Error::DesignMismatch { row: i, expected: fit.eta[i], found: eta });
        }
    }
    Ok(())
}

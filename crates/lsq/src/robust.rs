//! Heteroskedasticity-consistent (sandwich) covariance of a least-squares fit, HC0 to HC3, as
//! R's `sandwich::vcovHC` and statsmodels' `cov_type`: [`Hc`], [`Robust`] and
//! [`Fit::robust`].

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::consistency::check_design;
use crate::design::Design;
use crate::error::{Error, Quantity, Result};
use crate::fit_result::Fit;
use crate::scaling::{Scaling, root_weight, scale_by, to_finite};
use crate::solvers::Covariance;
use crate::statistics::t_test_p_value;
use crate::unavailable::Unavailable;

/// `ε` factor of the unit-leverage test: HC2 and HC3 refuse an observation with
/// `1 − hᵢᵢ ≤ UNIT_LEVERAGE_TOLERANCE·max(m, p)`, the rounding level of a computed leverage
/// (R's `lm.influence` rounds `hᵢᵢ > 1 − 10ε` to 1).
pub const UNIT_LEVERAGE_TOLERANCE: f64 = f64::EPSILON;

/// Which heteroskedasticity-consistent estimator [`Fit::robust`] computes: the sandwich
/// `(XᵀWX)⁻¹·(Σ ωᵢ·wᵢ²·xᵢxᵢᵀ)·(XᵀWX)⁻¹` with `ωᵢ` built from the residual `eᵢ = yᵢ − xᵢᵀβ̂` and
/// the leverage `hᵢᵢ = wᵢ·xᵢᵀ(XᵀWX)⁻¹xᵢ` (White, 1980; Long & Ervin, 2000).
///
/// # Examples
///
/// ```
/// use lsq::Hc;
///
/// assert_eq!(Hc::ALL.map(|hc| hc.to_string()), ["HC0", "HC1", "HC2", "HC3"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Hc {
    /// White's estimator, `ωᵢ = eᵢ²`.
    Hc0,
    /// `ωᵢ = eᵢ²·n/(n − k)`, `n` the observations with nonzero weight and `k` the rank
    /// (statsmodels' and Stata's default).
    Hc1,
    /// `ωᵢ = eᵢ²/(1 − hᵢᵢ)`.
    Hc2,
    /// `ωᵢ = eᵢ²/(1 − hᵢᵢ)²`, the jackknife approximation (the default of `sandwich::vcovHC`).
    Hc3,
}

impl Hc {
    /// Every estimator, in order.
    pub const ALL: [Hc; 4] = [Hc::Hc0, Hc::Hc1, Hc::Hc2, Hc::Hc3];

    /// The power of `1/(1 − hᵢᵢ)` in `ωᵢ`.
    pub(crate) fn leverage_power(self) -> i32 {
        match self {
            Hc::Hc0 | Hc::Hc1 => 0,
            Hc::Hc2 => 1,
            Hc::Hc3 => 2,
        }
    }
}

impl std::fmt::Display for Hc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Hc::Hc0 => "HC0",
            Hc::Hc1 => "HC1",
            Hc::Hc2 => "HC2",
            Hc::Hc3 => "HC3",
        })
    }
}

/// A heteroskedasticity-consistent covariance of a least-squares fit and the Wald tests it
/// gives, from [`Fit::robust`].
///
/// Like [`Fit`], it keeps the covariance of the equilibrated problem and scales it back on
/// request, so the units of the data change only the units of the results. Aliased columns
/// have NaN standard errors and covariance rows and [`Unavailable::Aliased`] tests; an exact
/// fit has rounding-level standard errors and [`Unavailable::ExactFit`] tests.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Hc};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0; 6.0])?;
/// let y = dvector![1.1, 1.9, 3.2, 3.7, 5.6, 5.9];
/// let fit = lsq::fit(&design, &y, &FitOptions::default())?;
/// let hc3 = fit.robust(&design, Hc::Hc3)?;
/// let hc0 = fit.robust(&design, Hc::Hc0)?;
/// assert!(hc3.std_errors()[1] > hc0.std_errors()[1]); // HC3 inflates by 1/(1 − h)
/// assert!(hc3.p_values()[1].clone()? < 1e-3);
/// assert!((hc3.covariance()?[(1, 1)].sqrt() - hc3.std_errors()[1]).abs() < 1e-15);
/// // The leverages sum to the rank.
/// assert!((hc3.leverages().sum() - 2.0).abs() < 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Robust {
    hc: Hc,
    /// `Ṽ`, the sandwich of the equilibrated problem.
    scaled_covariance: DMatrix<f64>,
    scaled_coefficients: DVector<f64>,
    scaling: Scaling,
    std_errors: DVector<f64>,
    leverages: DVector<f64>,
    aliased: Vec<usize>,
    df_residual: usize,
    exact_fit: bool,
}

impl Robust {
    /// The estimator.
    #[must_use]
    pub fn hc(&self) -> Hc {
        self.hc
    }

    /// Robust standard errors `√V_jj`, in the units of the coefficients; NaN for aliased
    /// columns.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// The leverages `hᵢᵢ`, one per observation (0 for observations with zero weight, as R's
    /// `hatvalues`); they sum to the rank.
    #[must_use]
    pub fn leverages(&self) -> &DVector<f64> {
        &self.leverages
    }

    /// The robust covariance matrix `V`; rows and columns of aliased columns are NaN.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when a variance leaves the range of `f64` in the caller's
    /// units.
    pub fn covariance(&self) -> Result<DMatrix<f64>, Unavailable> {
        let extra = -(self.scaling.response + self.scaling.weights);
        let mut c = self
            .scaling
            .covariance(&self.scaled_covariance, extra)
            .map_err(|_| Unavailable::OutOfRange)?;
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        Ok(c)
    }

    /// Wald statistics `β̂_j/√V_jj`, computed on the equilibrated problem.
    /// [`Unavailable::Aliased`] for aliased columns, [`Unavailable::ExactFit`] for an exact fit,
    /// [`Unavailable::ZeroVariance`] where the robust variance is zero.
    #[must_use]
    pub fn t_values(&self) -> Vec<Result<f64, Unavailable>> {
        (0..self.scaled_coefficients.len())
            .map(|j| {
                if self.aliased.contains(&j) {
                    Err(Unavailable::Aliased)
                } else if self.exact_fit {
                    Err(Unavailable::ExactFit)
                } else {
                    let se = self.scaled_covariance[(j, j)].sqrt();
                    if se > 0.0 {
                        Ok(self.scaled_coefficients[j] / se)
                    } else {
                        Err(Unavailable::ZeroVariance)
                    }
                }
            })
            .collect()
    }

    /// Two-sided p-values of [`Robust::t_values`] from Student's t with the fit's residual
    /// degrees of freedom, as R's `lmtest::coeftest(fit, vcovHC(fit))`.
    #[must_use]
    pub fn p_values(&self) -> Vec<Result<f64, Unavailable>> {
        let df = count_to_f64(self.df_residual);
        self.t_values().into_iter().map(|t| t.map(|t| t_test_p_value(t, df))).collect()
    }

    /// Two-sided p-values of [`Robust::t_values`] from the standard normal, as statsmodels
    /// reports robust tests by default (`use_t=False`), from `statrs`'s normal tail (about 10
    /// significant digits, from its `erfc`).
    #[must_use]
    pub fn normal_p_values(&self) -> Vec<Result<f64, Unavailable>> {
        let normal = Normal::standard();
        self.t_values().into_iter().map(|t| t.map(|t| 2.0 * normal.sf(t.abs()))).collect()
    }
}

impl Fit {
    /// The heteroskedasticity-consistent covariance `hc` of this fit, its standard errors and
    /// Wald tests (R's `sandwich::vcovHC(fit, type)`, statsmodels' `fit(cov_type=...)`); the
    /// classical covariance stays [`Fit::covariance`].
    ///
    /// `V = (XᵀWX)⁻¹·(Σᵢ ωᵢ·wᵢ²·xᵢxᵢᵀ)·(XᵀWX)⁻¹` over the observations with nonzero weight, `ωᵢ`
    /// as in [`Hc`]: for a weighted fit the estimating-function convention of `sandwich` (the
    /// score `wᵢ·eᵢ·xᵢ`), which is the unweighted sandwich of the transformed problem
    /// `√W·X`, `√W·y`. `n` in HC1 counts observations with nonzero weight (`sandwich` counts
    /// every row of the model frame, so the two differ when some weights are zero). Aliased
    /// columns of a [`crate::RankPolicy::DropAliased`] fit are left out, as `sandwich` does:
    /// the other entries are those of the fit without them, `k` in HC1 is the rank, and the
    /// aliased entries are NaN.
    ///
    /// A fit does not keep its design, so the query takes it again: `design` must be the
    /// design the fit was made from, which is checked by its shape and by recomputing every
    /// fitted value `xᵢᵀβ̂` (a cost of `2mp`, small beside the sandwich). Passing the design
    /// instead of storing it keeps a fit as small as its statistics need and leaves the caller
    /// one copy of a large design.
    ///
    /// # Algorithm
    /// On the equilibrated problem (rows weighted, columns scaled by powers of two) the fit's
    /// factor `F` with `(X̃ᵀX̃)⁻¹ = FFᵀ` (`F = P·R⁻¹` for QR) gives each row `uᵢ = Fᵀx̃ᵢ`, so
    /// `hᵢᵢ = ‖uᵢ‖²` (the squared row norms of `Q`) and the sandwich is `GᵀG` with rows
    /// `gᵢ = √ωᵢ·F·uᵢ`: a sum of squares whose diagonal is never negative, without forming
    /// `(XᵀX)⁻¹` (only [`crate::Method::Inverse`], which stores it, uses it). White (1980);
    /// Long & Ervin, *Am. Stat.* 54, 2000; Zeileis, *J. Stat. Softw.* 11(10), 2004.
    ///
    /// # Cost
    /// About `4mpk + mp²` flops for `m` rows, `p` columns and rank `k`, plus `2mp` for the
    /// design check; memory `m×p` for `G`.
    ///
    /// # Accuracy
    /// The leverages and the sandwich inherit the accuracy of the fit's factor: relative error
    /// about `κ(X)·ε` (after column scaling) in `uᵢ`, and so in `V`; no `κ²` from inverting
    /// `XᵀX`. The reference tests match `sandwich`'s HC0 to HC3 to at least 8 digits.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] and [`Error::DesignMismatch`] when `design` is not the one
    /// fitted; [`Error::UnitLeverage`] for HC2 and HC3 when an observation has leverage 1
    /// (see [`UNIT_LEVERAGE_TOLERANCE`]); [`Error::Unrepresentable`] when a standard error
    /// leaves the range of `f64` in the caller's units.
    ///
    /// # Examples
    /// See [`Robust`].
    pub fn robust(&self, design: &Design, hc: Hc) -> Result<Robust> {
        let (scaled_beta, covariance, _, scaling) = self.scaled();
        check_design(design, self.fitted_values(), scaled_beta, scaling)?;
        let (m, p) = (design.nrows(), design.ncols());
        let weights = self.weights();
        let rows: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
        let (c, h) = (&scaling.columns, scaling.weights);
        let x = design.matrix();
        let df = self.df_residual();
        let hc1 = if hc == Hc::Hc1 { count_to_f64(rows.len()) / count_to_f64(df) } else { 1.0 };
        let limit = UNIT_LEVERAGE_TOLERANCE * count_to_f64(m.max(p));
        let mut leverages = DVector::zeros(m);
        let mut g = DMatrix::zeros(rows.len(), p);
        for (k, &i) in rows.iter().enumerate() {
            let root = weights.map_or(1.0, |w| root_weight::<f64>(w[i], h));
            let xi: Vec<f64> = (0..p).map(|j| root * scale_by(x[(i, j)], c[j])).collect();
            let (leverage, gi) = influence(covariance, &xi);
            leverages[i] = leverage;
            let power = hc.leverage_power();
            if power > 0 && 1.0 - leverage <= limit {
                return Err(Error::UnitLeverage { row: i, leverage, hc });
            }
            let e = root * scale_by(self.residuals()[i], scaling.response);
            let s = e.abs() * (hc1 / (1.0 - leverage).powi(power)).sqrt();
            for j in 0..p {
                g[(k, j)] = s * gi[j];
            }
        }
        let scaled_covariance = g.tr_mul(&g);
        let std_errors = (0..p)
            .map(|j| {
                if self.aliased().contains(&j) {
                    return Ok(f64::NAN);
                }
                let se = scaled_covariance[(j, j)].sqrt();
                to_finite(se, c[j] - scaling.response, Quantity::StandardError, j)
            })
            .collect::<Result<Vec<f64>>>()?;
        Ok(Robust {
            hc,
            scaled_covariance,
            scaled_coefficients: scaled_beta.clone(),
            scaling: scaling.clone(),
            std_errors: DVector::from_vec(std_errors),
            leverages,
            aliased: self.aliased().to_vec(),
            df_residual: df,
            exact_fit: self.diagnostics().exact_fit,
        })
    }
}

/// The leverage `x̃ᵀ(X̃ᵀX̃)⁻¹x̃` of an equilibrated row and the vector `(X̃ᵀX̃)⁻¹x̃`: through
/// `u = Fᵀx̃` (`h = ‖u‖²`, `F·u`) for a root, directly for the explicit inverse.
fn influence(covariance: &Covariance<f64>, x: &[f64]) -> (f64, Vec<f64>) {
    match covariance {
        Covariance::Root(f) => {
            let (p, r) = f.shape();
            let u: Vec<f64> = (0..r).map(|c| (0..p).map(|j| f[(j, c)] * x[j]).sum()).collect();
            let leverage = u.iter().map(|v| v * v).sum();
            let g = (0..p).map(|j| (0..r).map(|c| f[(j, c)] * u[c]).sum()).collect();
            (leverage, g)
        }
        Covariance::Explicit(inverse) => {
            let p = inverse.nrows();
            let g: Vec<f64> =
                (0..p).map(|j| (0..p).map(|l| inverse[(j, l)] * x[l]).sum()).collect();
            let leverage = x.iter().zip(&g).map(|(a, b)| a * b).sum();
            (leverage, g)
        }
    }
}

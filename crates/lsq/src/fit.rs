//! [`fit`] and [`Fit`]: a least-squares regression with the statistics of R's `summary(lm)`.

use std::borrow::Cow;

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

use crate::design::{Design, check_matrix_finite};
use crate::diagnostics::{Diagnostics, diagnose};
use crate::error::{Error, Input, Result};
use crate::method::{Method, enforce_rank};
use crate::options::{FitOptions, check_level};
use crate::solvers::{
    Core, Covariance, check_zero_columns, inverse_core, normal_equations_core, qr_core, round_core,
};

/// Fits `y ≈ Xβ` by least squares and computes the statistics of a regression.
///
/// Minimises `Σ wᵢ(yᵢ − xᵢᵀβ)²` (weights default to one) with the method of
/// [`FitOptions::method`], then computes standard errors from the method's factor (`R⁻¹` for
/// QR), t and F tests, R², the log-likelihood and information criteria, and the numerical
/// [`Diagnostics`]. For [`Method::ExtendedQr`] the residuals, sums of squares, standard errors
/// and R² are computed in double-double before rounding.
///
/// # Algorithm
/// See [`Method`]. Weighted problems are solved as `min ‖√W(y − Xβ)‖₂` on the rows with nonzero
/// weight. Regression statistics follow R's `summary.lm` (Chambers & Hastie, *Statistical
/// Models in S*, 1992).
///
/// # Cost
/// The solve (`≈ 2mn²` for QR), plus `O(mn + n³)` for the statistics and, when
/// [`crate::ConditionNumber`] asks for it, an SVD of `O(mn²)`.
///
/// # Accuracy
/// QR's coefficients have relative error about `κ(X)·ε + κ(X)²·ε·‖r‖/(‖X‖‖β‖)`, with `κ` after
/// column scaling; the normal equations and the inverse about `κ(X)²·ε`. The fit's
/// [`Diagnostics::digits`] turns this into an estimate of the correct digits.
///
/// # Errors
/// [`Error::DimensionMismatch`], [`Error::NonFinite`], [`Error::NegativeWeight`],
/// [`Error::InvalidOption`] for bad input; [`Error::Underdetermined`] when fewer observations
/// have nonzero weight than there are columns; [`Error::ZeroColumn`];
/// [`Error::RankDeficient`] (unless [`crate::RankPolicy::DropAliased`]);
/// [`Error::NoResidualDegreesOfFreedom`] for an interpolating fit; the textbook methods'
/// [`Error::NormalMatrixBreakdown`] and [`Error::SingularNormalMatrix`].
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
/// let fit = lsq::fit(&design, &y, &FitOptions::default())?;
/// assert!((fit.coefficients()[1] - 1.99).abs() < 1e-12);
/// assert!(fit.r_squared() > 0.99);
/// println!("{fit}"); // an R-style summary
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fit(design: &Design, y: &DVector<f64>, options: &FitOptions) -> Result<Fit> {
    let (m, p) = (design.nrows(), design.ncols());
    if y.len() != m {
        return Err(Error::DimensionMismatch {
            input: Input::Response,
            expected: m,
            found: y.len(),
        });
    }
    check_matrix_finite(y, Input::Response)?;
    options.validate(m)?;
    let weights = options.weights_value();
    let kept: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
    if kept.len() < p {
        return Err(Error::Underdetermined { rows: kept.len(), cols: p });
    }
    let method = options.method_value();
    let names = design.names();
    let tolerance = options.tolerance_value();
    let outcome = if method == Method::ExtendedQr {
        let x = design.extended();
        let problem = Weighted::new(&x, y, weights, &kept);
        check_zero_columns(&problem.x, names)?;
        let core = enforce_rank(
            qr_core(&problem.x, &problem.y, tolerance)?,
            options.rank_policy_value(),
            names,
        )?;
        check_degrees_of_freedom(&core, kept.len())?;
        let stats = statistics(&x, y, weights, &kept, &core, design.has_intercept())?;
        Outcome { stats, core: round_core(&core) }
    } else {
        let x = design.matrix();
        let problem = Weighted::new(x, y, weights, &kept);
        check_zero_columns(&problem.x, names)?;
        let core = match method {
            Method::Inverse => inverse_core(&problem.x, &problem.y)?,
            Method::NormalEquations => normal_equations_core(&problem.x, &problem.y)?,
            _ => qr_core(&problem.x, &problem.y, tolerance)?,
        };
        let core = enforce_rank(core, options.rank_policy_value(), names)?;
        check_degrees_of_freedom(&core, kept.len())?;
        let stats = statistics(x, y, weights, &kept, &core, design.has_intercept())?;
        Outcome { stats, core }
    };
    let Outcome { stats, core } = outcome;
    let diagnostics = diagnose(
        design,
        y,
        weights,
        &kept,
        method,
        &core,
        &stats,
        options.condition_number_value(),
    );
    Fit::assemble(
        design,
        weights,
        kept.len(),
        method,
        core,
        stats,
        diagnostics,
        options.confidence_level_value(),
    )
}

/// The rows with nonzero weight, scaled by `√wᵢ`, in the working precision. Without weights
/// every row is kept as it is, so the design is borrowed rather than copied.
struct Weighted<'a, T: Real> {
    x: Cow<'a, DMatrix<T>>,
    y: DVector<T>,
}

impl<'a, T: Real> Weighted<'a, T> {
    fn new(
        x: &'a DMatrix<T>,
        y: &DVector<f64>,
        weights: Option<&DVector<f64>>,
        kept: &[usize],
    ) -> Self {
        let Some(w) = weights else {
            return Self { x: Cow::Borrowed(x), y: y.map(T::from_f64) };
        };
        let root: Vec<T> = kept.iter().map(|&i| T::from_f64(w[i]).sqrt()).collect();
        let x = DMatrix::from_fn(kept.len(), x.ncols(), |k, j| x[(kept[k], j)] * root[k]);
        let y = DVector::from_fn(kept.len(), |k, _| T::from_f64(y[kept[k]]) * root[k]);
        Self { x: Cow::Owned(x), y }
    }
}

struct Outcome {
    stats: Statistics,
    core: Core<f64>,
}

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
fn statistics<T: Real>(
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

/// A fitted least-squares regression.
///
/// Vectors indexed by coefficient have one entry per design column. When the fit dropped
/// aliased columns ([`crate::RankPolicy::DropAliased`]), their coefficients are 0 (the fit
/// without them) and their standard errors, t and p values are NaN, the "not available"
/// marker R prints as `NA`; [`Fit::aliased`] lists them.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// let fit = lsq::fit(&design, &dvector![1.0, 3.0, 2.0, 5.0], &FitOptions::default())?;
/// assert_eq!(fit.df_residual(), 2);
/// let (lo, hi) = fit.confidence_intervals();
/// assert!(lo[1] < fit.coefficients()[1] && fit.coefficients()[1] < hi[1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Fit {
    names: Vec<String>,
    method: Method,
    coefficients: DVector<f64>,
    stats: Statistics,
    t_values: DVector<f64>,
    p_values: DVector<f64>,
    rank: usize,
    aliased: Vec<usize>,
    observations: usize,
    weights: Option<DVector<f64>>,
    intercept: bool,
    f_p_value: Option<f64>,
    log_likelihood: f64,
    confidence_level: f64,
    diagnostics: Diagnostics,
}

impl Fit {
    #[expect(
        clippy::too_many_arguments,
        reason = "a private constructor gathering the pieces fit computed"
    )]
    fn assemble(
        design: &Design,
        weights: Option<&DVector<f64>>,
        observations: usize,
        method: Method,
        core: Core<f64>,
        stats: Statistics,
        diagnostics: Diagnostics,
        confidence_level: f64,
    ) -> Result<Self> {
        let df = count_to_f64(observations - core.rank);
        let t_dist = student_t(df)?;
        let p = core.beta.len();
        let t_values = DVector::from_fn(p, |j, _| t_value(core.beta[j], stats.std_errors[j]));
        let p_values =
            t_values.map(|t| if t.is_nan() { f64::NAN } else { 2.0 * t_dist.sf(t.abs()) });
        let intercept = design.has_intercept();
        let df_model = core.rank.saturating_sub(usize::from(intercept));
        let f_p_value = match stats.f_statistic {
            Some(f) if f.is_infinite() => Some(0.0),
            Some(f) => {
                let dist =
                    FisherSnedecor::new(count_to_f64(df_model), df).map_err(|_| invalid_df(df))?;
                Some(dist.sf(f))
            }
            None => None,
        };
        let n = count_to_f64(observations);
        let log_weights: f64 =
            weights.map_or(0.0, |w| w.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum());
        let log_likelihood = 0.5
            * (log_weights
                - n * ((2.0 * std::f64::consts::PI).ln() + 1.0 - n.ln() + stats.rss.ln()));
        Ok(Self {
            names: design.names().to_vec(),
            method,
            coefficients: core.beta,
            t_values,
            p_values,
            rank: core.rank,
            aliased: core.aliased,
            observations,
            weights: weights.cloned(),
            intercept,
            f_p_value,
            log_likelihood,
            confidence_level,
            diagnostics,
            stats,
        })
    }

    /// Column names of the design.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// let design = design.with_names(["b0", "t"])?;
    /// let fit = lsq::fit(&design, &dvector![1.0, 3.0, 2.0, 5.0], &FitOptions::default())?;
    /// assert_eq!(fit.names(), design.names());
    /// assert_eq!(fit.names(), ["b0", "t"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The method used.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, Method};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let fit = lsq::fit(&design, &d.y, &FitOptions::default().method(Method::Inverse))?;
    /// assert_eq!(fit.method(), Method::Inverse);
    /// assert_eq!(lsq::fit(&design, &d.y, &FitOptions::default())?.method(), Method::Qr);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Estimated coefficients `β̂` (0 for aliased columns).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// // The exact solution, by rational arithmetic, is (7427217, 40684, −31848)/26827.
    /// let exact = [7_427_217.0 / 26_827.0, 40_684.0 / 26_827.0, -31_848.0 / 26_827.0];
    /// for (b, e) in fit.coefficients().iter().zip(exact) {
    ///     approx::assert_relative_eq!(*b, e, max_relative = 1e-10);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `σ̂·√[(XᵀWX)⁻¹]_jj`, from `R⁻¹` for the QR methods.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let covariance = fit.covariance();
    /// for (j, &se) in fit.std_errors().iter().enumerate() {
    ///     assert!(se > 0.0);
    ///     approx::assert_relative_eq!(se, covariance[(j, j)].sqrt(), max_relative = 1e-12);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.stats.std_errors
    }

    /// t statistics `β̂_j / se_j`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let ratio = fit.coefficients().component_div(fit.std_errors());
    /// approx::assert_relative_eq!(*fit.t_values(), ratio, max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn t_values(&self) -> &DVector<f64> {
        &self.t_values
    }

    /// Two-sided p-values of the t tests, Student t with [`Fit::df_residual`] degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// # let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
    /// # let fit = lsq::fit(&design, &y, &FitOptions::default())?;
    /// // `fit` is a straight line through 5 points, y ≈ 2x.
    /// assert!(fit.p_values().iter().all(|p| (0.0..=1.0).contains(p)));
    /// // The slope is far from zero (t ≈ 33 on 3 degrees of freedom), the intercept is not.
    /// assert!(fit.p_values()[1] < 1e-3);
    /// assert!(fit.p_values()[0] > 0.5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn p_values(&self) -> &DVector<f64> {
        &self.p_values
    }

    /// Confidence intervals `β̂ ± t_{df, 1−α/2}·se` at the level of
    /// [`FitOptions::confidence_level`]; returns `(lower, upper)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let (lo, hi) = fit.confidence_intervals();
    /// assert_eq!(fit.confidence_intervals_at(fit.confidence_level())?, (lo.clone(), hi.clone()));
    /// for (j, b) in fit.coefficients().iter().enumerate() {
    ///     assert!(lo[j] < *b && *b < hi[j]);
    ///     approx::assert_relative_eq!(hi[j] - b, b - lo[j], max_relative = 1e-9);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn confidence_intervals(&self) -> (DVector<f64>, DVector<f64>) {
        self.confidence_intervals_at(self.confidence_level).unwrap_or_else(|_| {
            let nan = DVector::from_element(self.coefficients.len(), f64::NAN);
            (nan.clone(), nan)
        })
    }

    /// Confidence intervals at another level in `(0, 1)`; returns `(lower, upper)`.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a level outside `(0, 1)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let fit = lsq::fit(&Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?, &dvector![1.0, 3.0, 2.0, 5.0], &FitOptions::default())?;
    /// let (lo90, _) = fit.confidence_intervals_at(0.90)?;
    /// let (lo99, _) = fit.confidence_intervals_at(0.99)?;
    /// assert!(lo99[1] < lo90[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn confidence_intervals_at(&self, level: f64) -> Result<(DVector<f64>, DVector<f64>)> {
        check_level(level)?;
        let q = student_t(count_to_f64(self.df_residual()))?.inverse_cdf(0.5 + level / 2.0);
        let half = self.stats.std_errors.map(|se| q * se);
        Ok((&self.coefficients - &half, &self.coefficients + &half))
    }

    /// Covariance matrix of the coefficients, `σ̂²·(XᵀWX)⁻¹`; rows and columns of aliased
    /// coefficients are NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // σ̂²·(XᵀX)⁻¹, checked against an explicit inverse (fine for this small, exact design).
    /// let xtx_inverse = (d.x.transpose() * &d.x).try_inverse().ok_or("XᵀX is singular")?;
    /// let expected = xtx_inverse * fit.sigma().powi(2);
    /// approx::assert_relative_eq!(fit.covariance(), expected, max_relative = 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn covariance(&self) -> DMatrix<f64> {
        let s2 = self.stats.sigma * self.stats.sigma;
        let mut c = self.stats.covariance.matrix() * s2;
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        c
    }

    /// Fitted values `Xβ̂`, one per observation (including those with zero weight).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let xb = &d.x * fit.coefficients();
    /// approx::assert_relative_eq!(*fit.fitted_values(), xb, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.stats.fitted
    }

    /// Response residuals `y − Xβ̂`, one per observation (unweighted, as R's `residuals`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// assert_eq!(*fit.residuals(), &d.y - fit.fitted_values());
    /// // At the least-squares solution the residual is orthogonal to every column: Xᵀr ≈ 0.
    /// assert!((d.x.transpose() * fit.residuals()).amax() < 1e-9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn residuals(&self) -> &DVector<f64> {
        &self.stats.residuals
    }

    /// Residual sum of squares `Σ wᵢ rᵢ²`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let sum_of_squares = fit.residuals().norm_squared();
    /// approx::assert_relative_eq!(fit.rss(), sum_of_squares, max_relative = 1e-12);
    /// // The residual norm of the lesson's exact solution.
    /// approx::assert_relative_eq!(fit.rss().sqrt(), 2.814_793_524_612_502, max_relative = 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rss(&self) -> f64 {
        self.stats.rss
    }

    /// Residual standard error `σ̂ = √(RSS/df)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// # let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
    /// # let fit = lsq::fit(&design, &y, &FitOptions::default())?;
    /// // `fit` is a straight line through 5 points, y ≈ 2x.
    /// assert_eq!(fit.df_residual(), 3);
    /// approx::assert_relative_eq!(fit.sigma(), (fit.rss() / 3.0).sqrt(), max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn sigma(&self) -> f64 {
        self.stats.sigma
    }

    /// Residual degrees of freedom: observations with nonzero weight minus the rank.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// assert_eq!(fit.df_residual(), fit.observations() - fit.rank());
    /// assert_eq!(fit.df_residual(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.observations - self.rank
    }

    /// Model degrees of freedom: the rank, minus one for the intercept.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// // An intercept and two slopes: two degrees of freedom for the F test.
    /// assert!(fit.has_intercept());
    /// assert_eq!(fit.df_model(), fit.rank() - 1);
    /// assert_eq!(fit.df_model(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn df_model(&self) -> usize {
        self.rank - usize::from(self.intercept)
    }

    /// Observations with nonzero weight.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// let options = FitOptions::default().weights(dvector![1.0, 1.0, 0.0, 1.0, 1.0]);
    /// let fit = lsq::fit(&design, &dvector![2.1, 3.9, 6.2, 7.8, 10.1], &options)?;
    /// assert_eq!(fit.observations(), 4);
    /// assert_eq!(fit.df_residual(), 4 - 2);
    /// assert_eq!(fit.residuals().len(), 5); // the zero-weight row still gets a residual
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// Numerical rank of the design.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The third column is twice the second.
    /// let x = dmatrix![1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
    /// let design = Design::new(x)?;
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// let fit = lsq::fit(&design, &dvector![1.0, 3.0, 2.0, 5.0], &options)?;
    /// assert_eq!(fit.rank(), 2);
    /// assert_eq!(fit.df_residual(), 4 - 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Zero-based indices of aliased (not estimable) columns, ascending.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The third column is twice the second.
    /// let x = dmatrix![1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
    /// let design = Design::new(x)?;
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// let fit = lsq::fit(&design, &dvector![1.0, 3.0, 2.0, 5.0], &options)?;
    /// assert_eq!(fit.aliased(), [2]);
    /// assert_eq!(fit.coefficients()[2], 0.0);
    /// assert!(fit.std_errors()[2].is_nan() && fit.p_values()[2].is_nan());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Whether the model has an intercept (decides how R² is centred).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let (t, y) = (dmatrix![1.0; 2.0; 3.0; 4.0], dvector![1.0, 3.0, 2.0, 5.0]);
    /// let with = lsq::fit(&Design::with_intercept(&t)?, &y, &FitOptions::default())?;
    /// let without = lsq::fit(&Design::new(t)?, &y, &FitOptions::default())?;
    /// assert!(with.has_intercept() && !without.has_intercept());
    /// // Without an intercept, R² is measured against Σy² instead of Σ(y − ȳ)².
    /// approx::assert_relative_eq!(without.tss(), y.norm_squared(), max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// The prior weights, if any were given.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// let y = dvector![1.0, 3.0, 2.0, 5.0];
    /// assert_eq!(lsq::fit(&design, &y, &FitOptions::default())?.weights(), None);
    /// let w = dvector![1.0, 2.0, 2.0, 1.0];
    /// let fit = lsq::fit(&design, &y, &FitOptions::default().weights(w.clone()))?;
    /// assert_eq!(fit.weights(), Some(&w));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// R²: `1 − RSS/TSS`, with TSS about the (weighted) mean when the model has an intercept and
    /// about zero otherwise (R's and NIST's convention).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// assert!((0.0..=1.0).contains(&fit.r_squared()));
    /// let expected = 1.0 - fit.rss() / fit.tss();
    /// approx::assert_relative_eq!(fit.r_squared(), expected, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r_squared(&self) -> f64 {
        self.stats.r_squared
    }

    /// Adjusted R²: `1 − (1 − R²)·(n − i)/df`, with `i = 1` for an intercept, else 0.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// # let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
    /// # let fit = lsq::fit(&design, &y, &FitOptions::default())?;
    /// // `fit` is a straight line through 5 points, y ≈ 2x.
    /// // n = 5 observations, i = 1 for the intercept, df = 3.
    /// let expected = 1.0 - (1.0 - fit.r_squared()) * 4.0 / 3.0;
    /// approx::assert_relative_eq!(fit.adj_r_squared(), expected, max_relative = 1e-12);
    /// assert!(fit.adj_r_squared() < fit.r_squared());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn adj_r_squared(&self) -> f64 {
        self.stats.adj_r_squared
    }

    /// The total sum of squares R² is measured against.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // With an intercept, TSS = Σ(y − ȳ)²; the heights have mean 170 cm.
    /// let ybar = d.y.mean();
    /// assert_eq!(ybar, 170.0);
    /// approx::assert_relative_eq!(fit.tss(), d.y.map(|v| (v - ybar).powi(2)).sum());
    /// assert_eq!(fit.tss(), 292.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tss(&self) -> f64 {
        self.stats.tss
    }

    /// F statistic of the model against the intercept-only (or empty) model, `None` when the
    /// model has no other term; infinite for an exact fit.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// let f = fit.f_statistic().ok_or("the model has slopes to test")?;
    /// // Explained variance per model df over residual variance: df_model = 2, df_residual = 1.
    /// let expected = ((fit.tss() - fit.rss()) / 2.0) / (fit.rss() / 1.0);
    /// approx::assert_relative_eq!(f, expected, max_relative = 1e-12);
    /// // An intercept-only model has nothing to test.
    /// let mean_only = Design::new(nalgebra::DMatrix::from_element(4, 1, 1.0))?;
    /// assert_eq!(lsq::fit(&mean_only, &d.y, &FitOptions::default())?.f_statistic(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn f_statistic(&self) -> Option<f64> {
        self.stats.f_statistic
    }

    /// p-value of the F statistic.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
    /// # let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
    /// # let fit = lsq::fit(&design, &y, &FitOptions::default())?;
    /// // `fit` is a straight line through 5 points, y ≈ 2x.
    /// let p = fit.f_p_value().ok_or("the model has a slope to test")?;
    /// assert!(p < 1e-3);
    /// // With a single slope, F = t², so the F test and the slope's t test agree.
    /// approx::assert_relative_eq!(p, fit.p_values()[1], max_relative = 1e-8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn f_p_value(&self) -> Option<f64> {
        self.f_p_value
    }

    /// Gaussian log-likelihood at the maximum-likelihood `σ²`, as R's `logLik.lm`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // Σ log N(rᵢ; 0, σ²) at the maximum-likelihood variance σ² = RSS/n, n = 4.
    /// let s2 = fit.rss() / 4.0;
    /// let tau = 2.0 * std::f64::consts::PI;
    /// let ll: f64 = fit.residuals().iter().map(|r| -0.5 * ((tau * s2).ln() + r * r / s2)).sum();
    /// approx::assert_relative_eq!(fit.log_likelihood(), ll, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Akaike's criterion `−2ℓ + 2(rank + 1)` (the `+1` counts `σ²`), as R's `AIC`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// // Three coefficients plus σ²: four parameters.
    /// approx::assert_relative_eq!(fit.aic(), -2.0 * fit.log_likelihood() + 2.0 * 4.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * count_to_f64(self.rank + 1)
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·(rank + 1)`, as R's `BIC`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let fit = lsq::fit(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// // `fit` is the lesson's height regression: 4 observations, 3 coefficients.
    /// // Three coefficients plus σ²: four parameters, n = 4.
    /// let expected = -2.0 * fit.log_likelihood() + 4.0_f64.ln() * 4.0;
    /// approx::assert_relative_eq!(fit.bic(), expected, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood
            + count_to_f64(self.observations).ln() * count_to_f64(self.rank + 1)
    }

    /// The level of [`Fit::confidence_intervals`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let fit95 = lsq::fit(&design, &d.y, &FitOptions::default())?;
    /// let fit90 = lsq::fit(&design, &d.y, &FitOptions::default().confidence_level(0.9))?;
    /// assert_eq!((fit95.confidence_level(), fit90.confidence_level()), (0.95, 0.9));
    /// // A lower level gives narrower intervals.
    /// assert!(fit90.confidence_intervals().0[1] > fit95.confidence_intervals().0[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn confidence_level(&self) -> f64 {
        self.confidence_level
    }

    /// Numerical diagnostics: rank, conditioning, orthogonality, exact fit, digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions};
    ///
    /// // The lesson's heights leave a residual; with height itself as a column they do not.
    /// let d = sim::heights();
    /// let fit = lsq::fit(&Design::new(d.x)?, &d.y, &FitOptions::default())?;
    /// assert_eq!(fit.diagnostics().rank(), fit.rank());
    /// assert!(!fit.diagnostics().exact_fit());
    /// let e = sim::heights_exact_fit();
    /// let exact = lsq::fit(&Design::new(e.x)?, &e.y, &FitOptions::default())?;
    /// assert!(exact.diagnostics().exact_fit());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    pub(crate) fn covariance_factor(&self) -> &Covariance<f64> {
        &self.stats.covariance
    }
}

fn t_value(beta: f64, se: f64) -> f64 {
    if se.is_nan() {
        f64::NAN
    } else if se == 0.0 {
        // A coefficient known without error: infinitely significant unless it is exactly zero.
        if beta == 0.0 { 0.0 } else { beta.signum() * f64::INFINITY }
    } else {
        beta / se
    }
}

pub(crate) fn student_t(df: f64) -> Result<StudentsT> {
    StudentsT::new(0.0, 1.0, df).map_err(|_| invalid_df(df))
}

fn invalid_df(df: f64) -> Error {
    Error::InvalidOption { name: "degrees of freedom", value: df, reason: "must be positive" }
}

/// Refuses an interpolating fit, which leaves nothing to estimate `σ²` from.
fn check_degrees_of_freedom<T: Real>(core: &Core<T>, observations: usize) -> Result<()> {
    if core.rank >= observations {
        return Err(Error::NoResidualDegreesOfFreedom { observations, rank: core.rank });
    }
    Ok(())
}

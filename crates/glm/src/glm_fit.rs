//! [`GlmFit`]: what a fit produced, and the statistics derived from it on demand;
//! [`ResidualKind`].

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::control::invalid;
use crate::convergence::Convergence;
use crate::criterion::Criterion;
use crate::error::{Error, Result};
use crate::method::Method;
use crate::model::Model;
use crate::numeric::count_to_f64;
use crate::per_row::PriorWeights;
use crate::warning::Warning;

/// The kinds of residuals R's `residuals.glm` offers, for [`GlmFit::residuals`].
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, ResidualKind};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![2.0, 3.0, 6.0, 7.0];
/// let fit = glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default())?;
/// assert_eq!(fit.residuals(ResidualKind::Response), &y - fit.fitted_values());
/// // Squared Pearson and deviance residuals add up to Pearson's χ² and the deviance.
/// assert!((fit.residuals(ResidualKind::Pearson).norm_squared() - fit.pearson_chi2()).abs() < 1e-12);
/// assert!((fit.residuals(ResidualKind::Deviance).norm_squared() - fit.deviance()).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ResidualKind {
    /// `y − μ` (for the binomial, on the proportion scale).
    Response,
    /// `(y − μ)·√w/√V(μ)`; their sum of squares is Pearson's χ².
    Pearson,
    /// `sign(y − μ)·√(w·d(y, μ))`; their sum of squares is the deviance.
    Deviance,
    /// `(y − μ)/(dμ/dη)`, the last IRLS working residuals.
    Working,
}

/// A fitted generalized linear model: what the fit produced (coefficients, the unscaled
/// covariance `(XᵀWX)⁻¹` from the QR factor, fitted values, weights, deviances, the iteration
/// history and how it ended), and the statistics of R's `summary(glm)` derived from it on
/// demand (standard errors, z or t tests, confidence intervals, dispersion, AIC, BIC, Pearson
/// χ², residuals, [`GlmFit::predict`]).
///
/// Vectors indexed by coefficient have one entry per design column. Columns dropped as
/// aliased ([`lsq::RankPolicy::DropAliased`]) have coefficient 0 (the fit without them) and
/// NaN standard error, statistic and p-value, the marker R prints as `NA`; [`GlmFit::aliased`]
/// lists them. Vectors indexed by observation have one entry per row, including rows with zero
/// weight. Its `Display` is a summary laid out like R's `summary(glm)`.
///
/// # Examples
///
/// ```
/// use glm::{Control, Convergence, Data, Design, Family, Link, ResidualKind};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// // Dobson (1990, p. 93), the example in R's `?glm`.
/// let columns = dmatrix![
///     0.0, 0.0, 0.0, 0.0; 1.0, 0.0, 0.0, 0.0; 0.0, 1.0, 0.0, 0.0;
///     0.0, 0.0, 1.0, 0.0; 1.0, 0.0, 1.0, 0.0; 0.0, 1.0, 1.0, 0.0;
///     0.0, 0.0, 0.0, 1.0; 1.0, 0.0, 0.0, 1.0; 0.0, 1.0, 0.0, 1.0
/// ];
/// let design = Design::with_intercept(&columns)?
///     .with_names(["(Intercept)", "outcome2", "outcome3", "treatment2", "treatment3"])?;
/// let counts = dvector![18.0, 17.0, 15.0, 20.0, 10.0, 20.0, 25.0, 13.0, 12.0];
/// let fit = glm::fit(&Data::new(&design, &counts), Family::Poisson, &Control::default())?;
///
/// // The coefficient table: estimates, standard errors, z statistics, p-values.
/// let (theta, se, p) = (fit.coefficients(), fit.std_errors(), fit.p_values());
/// assert!((theta[1] + 0.4543).abs() < 1e-4 && (se[1] - 0.2022).abs() < 1e-4);
/// assert!(p[1] < 0.05 && p[3] > 0.99);
/// assert_eq!(fit.statistics()[1], theta[1] / se[1]);
/// let (lower, upper) = fit.confidence_intervals(0.95)?;
/// assert!(lower[1] < theta[1] && theta[1] < upper[1]);
/// assert_eq!(fit.covariance().diagonal().map(f64::sqrt), se);
/// // Deviances, degrees of freedom and information criteria, as R prints them.
/// assert!((fit.deviance() - 5.129141077001144).abs() < 1e-9);
/// assert!((fit.null_deviance() - 10.58144).abs() < 1e-5);
/// assert_eq!((fit.df_null(), fit.df_residual(), fit.rank(), fit.observations()), (8, 4, 5, 9));
/// assert!((fit.aic()? - 56.76131840195768).abs() < 1e-9);
/// assert_eq!(fit.aic()?, -2.0 * fit.log_likelihood()? + 2.0 * 5.0);
/// assert!(fit.bic()? > fit.aic()?); // ln 9 > 2
/// assert_eq!(fit.dispersion(), 1.0); // fixed for the Poisson
/// // Fitted values, linear predictor, weights and residuals, one per observation. The fitted
/// // values are the inverse link of the linear predictor: under the log link, the crate's own
/// // `exp`, within an ulp of `f64::exp`.
/// let eta = fit.linear_predictor();
/// assert_eq!(fit.fitted_values(), &eta.map(|e| Link::Log.inverse(e)));
/// assert!(fit.fitted_values().iter().zip(eta).all(|(mu, e)| (mu - e.exp()).abs() <= mu * f64::EPSILON));
/// assert!(fit.prior_weights().iter().all(|&w| w == 1.0));
/// assert!((fit.working_weights() - fit.fitted_values()).amax() < 1e-12); // W = μ under the log link
/// assert!((fit.residuals(ResidualKind::Pearson).norm_squared() - fit.pearson_chi2()).abs() < 1e-12);
/// // How IRLS went: one iteration more than R's 4, to a last step below 1e-8 of every
/// // coefficient's size plus standard error, and an estimate of the digits that bought.
/// assert_eq!(fit.convergence().iterations(), 5);
/// assert_eq!(fit.history().len(), 6);
/// assert_eq!(fit.criterion(), glm::Criterion::Coefficients);
/// assert!(fit.digits() >= 8.0);
/// // The observed information is the expected one under a canonical link.
/// assert!((fit.observed_std_errors()? - &se).amax() < 1e-15);
/// assert!(matches!(fit.convergence(), Convergence::Converged { .. }));
/// assert_eq!(fit.step_halvings(), 0);
/// println!("{fit}"); // laid out like R's summary(glm)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "crate::stored::StoredFit"))]
pub struct GlmFit {
    pub(crate) model: Model,
    pub(crate) method: Method,
    pub(crate) names: Vec<String>,
    pub(crate) intercept: bool,
    pub(crate) coefficients: DVector<f64>,
    /// `C′` with `(XᵀWX)⁻¹ = D·C′·D` at the optimum, `D = diag(scales)` the powers of two that
    /// equilibrate `√W·X` (see `information::scoring`); rows and columns of aliased
    /// coefficients are 0.
    pub(crate) scaled_covariance: DMatrix<f64>,
    /// The diagonal of `D` (1 for aliased columns).
    pub(crate) scales: DVector<f64>,
    pub(crate) aliased: Vec<usize>,
    pub(crate) deviance: f64,
    pub(crate) null_deviance: f64,
    pub(crate) log_likelihood: f64,
    /// The response on the model's scale.
    pub(crate) y: DVector<f64>,
    pub(crate) mu: DVector<f64>,
    pub(crate) eta: DVector<f64>,
    /// Prior weights times binomial trials.
    pub(crate) prior_weights: PriorWeights,
    pub(crate) history: Vec<f64>,
    pub(crate) convergence: Convergence,
    pub(crate) step_halvings: usize,
    pub(crate) criterion: Criterion,
    pub(crate) newton_steps: usize,
    /// The estimated correct significant digits of the coefficients.
    pub(crate) digits: f64,
    /// Points gradient ascent evaluated.
    pub(crate) evaluations: Option<usize>,
    /// `C′_obs` with `H⁻¹ = D·C′_obs·D` for the observed information `H` at the optimum (same
    /// `D` as `scaled_covariance`); `None` when `H` is not positive definite.
    pub(crate) scaled_observed_covariance: Option<DMatrix<f64>>,
    /// Observations with positive weight.
    pub(crate) observations: usize,
    pub(crate) warnings: Vec<Warning>,
}

#[cfg(feature = "serde")]
impl TryFrom<crate::stored::StoredFit> for GlmFit {
    type Error = String;

    /// Accepts a stored fit whose parts fit together ([`crate::stored::StoredFit::check`]).
    fn try_from(s: crate::stored::StoredFit) -> Result<Self, String> {
        s.check()?;
        Ok(Self {
            model: s.model,
            method: s.method,
            names: s.names,
            intercept: s.intercept,
            coefficients: s.coefficients,
            scaled_covariance: s.scaled_covariance,
            scales: s.scales,
            aliased: s.aliased,
            deviance: s.deviance,
            null_deviance: s.null_deviance,
            log_likelihood: s.log_likelihood,
            y: s.y,
            mu: s.mu,
            eta: s.eta,
            prior_weights: PriorWeights::new(crate::per_row::PerRow::Values(s.prior_weights)),
            history: s.history,
            convergence: s.convergence,
            step_halvings: s.step_halvings,
            criterion: s.criterion,
            newton_steps: s.newton_steps,
            digits: s.digits,
            evaluations: s.evaluations,
            scaled_observed_covariance: s.scaled_observed_covariance,
            observations: s.observations,
            warnings: s.warnings,
        })
    }
}

impl GlmFit {
    /// The family and link fitted.
    #[must_use]
    pub fn model(&self) -> Model {
        self.model
    }

    /// Estimated coefficients `θ̂` (0 for aliased columns).
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `√(φ·[(XᵀWX)⁻¹]_jj)` from the expected information at the optimum (NaN
    /// for aliased columns), evaluated as `d_j·√φ·√C′_jj` from the equilibrated factor, so a
    /// column scaled by `2^k` scales its standard error by exactly `2^−k` over the whole range
    /// of `f64`.
    #[must_use]
    pub fn std_errors(&self) -> DVector<f64> {
        let root = self.dispersion().sqrt();
        DVector::from_fn(self.coefficients.len(), |j, _| {
            if self.aliased.contains(&j) {
                f64::NAN
            } else {
                self.scales[j] * (root * self.scaled_covariance[(j, j)].sqrt())
            }
        })
    }

    /// Wald statistics `θ̂_j/se_j`: z values when the dispersion is fixed, t values when it is
    /// estimated ([`crate::Family::estimates_dispersion`]).
    #[must_use]
    pub fn statistics(&self) -> DVector<f64> {
        self.coefficients.zip_map(&self.std_errors(), |b, se| b / se)
    }

    /// Two-sided p-values of [`GlmFit::statistics`]: standard normal for a fixed dispersion,
    /// Student t with [`GlmFit::df_residual`] degrees of freedom for an estimated one (R's
    /// `summary.glm`).
    #[must_use]
    pub fn p_values(&self) -> DVector<f64> {
        let student = self.model.family().estimates_dispersion();
        let df = self.df_residual();
        self.statistics().map(|s| two_sided_p(s, student, df))
    }

    /// Wald confidence intervals `θ̂ ± q·se` at `level` in `(0, 1)`, with `q` the normal or t
    /// quantile matching [`GlmFit::p_values`] (R's `confint.default` always uses the normal);
    /// `(lower, upper)`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidOption`] named `level` for a level outside `(0, 1)`;
    /// [`crate::Error::CoefficientOutOfRange`] when an end overflows (a level so close to 1 that
    /// the quantile times the standard error exceeds `10³⁰⁸`).
    pub fn confidence_intervals(&self, level: f64) -> Result<(DVector<f64>, DVector<f64>)> {
        if !(level > 0.0 && level < 1.0) {
            return Err(invalid("level", level, "must lie strictly between 0 and 1"));
        }
        let p = 0.5 + level / 2.0;
        let q = if self.model.family().estimates_dispersion() {
            StudentsT::new(0.0, 1.0, count_to_f64(self.df_residual()))
                .map_or(f64::NAN, |t| t.inverse_cdf(p))
        } else {
            Normal::standard().inverse_cdf(p)
        };
        let half = self.std_errors().map(|se| q * se);
        let (lower, upper) = (&self.coefficients - &half, &self.coefficients + &half);
        for j in (0..lower.len()).filter(|j| !self.aliased.contains(j)) {
            if let Some(&value) = [lower[j], upper[j]].iter().find(|v| !v.is_finite()) {
                return Err(Error::CoefficientOutOfRange {
                    quantity: "confidence bound",
                    column: j,
                    value,
                });
            }
        }
        Ok((lower, upper))
    }

    /// Covariance of the coefficients, `φ·(XᵀWX)⁻¹`, with `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` from the QR factor
    /// of `√W·X` at the optimum (never an inverted `XᵀWX`); rows and columns of aliased
    /// coefficients are NaN. The unscaled `(XᵀWX)⁻¹` is this over [`GlmFit::dispersion`].
    ///
    /// An entry is `σ_i·σ_j·ρ_ij` for standard errors `σ`, so when two columns differ in scale
    /// by more than about `2^±1000` (or one column by more than `2^±511` from unit size) the
    /// entries involving them overflow to `±∞` or underflow to 0 while the standard errors,
    /// statistics and predictions, computed from the equilibrated factor, stay exact.
    #[must_use]
    pub fn covariance(&self) -> DMatrix<f64> {
        let p = self.coefficients.len();
        let root = self.dispersion().sqrt();
        let mut c = DMatrix::from_fn(p, p, |i, j| {
            (root * self.scales[i]) * self.scaled_covariance[(i, j)] * (root * self.scales[j])
        });
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        c
    }

    /// Zero-based indices of aliased (not estimable) columns, ascending.
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Rank of the design (the number of coefficients estimated).
    #[must_use]
    pub fn rank(&self) -> usize {
        self.coefficients.len() - self.aliased.len()
    }

    /// The dispersion `φ` the standard errors use: 1 for Poisson, binomial and negative
    /// binomial, Pearson χ²/df for the others (the quasi families included). For any family, Pearson's estimate (the
    /// over-dispersion check of a Poisson or binomial fit) is
    /// `pearson_chi2() / df_residual()`.
    #[must_use]
    pub fn dispersion(&self) -> f64 {
        if self.model.family().estimates_dispersion() {
            self.pearson_chi2() / count_to_f64(self.df_residual())
        } else {
            1.0
        }
    }

    /// Residual deviance `D = Σ wᵢ·d(yᵢ, μ̂ᵢ)`.
    #[must_use]
    pub fn deviance(&self) -> f64 {
        self.deviance
    }

    /// Deviance of the null model with the same weights and offset (R's rule): the weighted
    /// mean without an offset, the intercept-only model refitted by IRLS with one (a failed
    /// refit fails the fit, [`crate::Error::NullModel`]), and `μ = g⁻¹(offset)` without an
    /// intercept. NaN when that last mean leaves the family's domain (the Gamma's inverse link
    /// at a zero offset, say), as R reports it; the summary prints `NA`.
    #[must_use]
    pub fn null_deviance(&self) -> f64 {
        self.null_deviance
    }

    /// Residual degrees of freedom: observations with positive weight minus the rank.
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.observations - self.rank()
    }

    /// Degrees of freedom of the null model: observations with positive weight minus one for
    /// an intercept ([`lsq::Design::intercept_column`]).
    #[must_use]
    pub fn df_null(&self) -> usize {
        self.observations - usize::from(self.intercept)
    }

    /// Pearson's χ², `Σ wᵢ(yᵢ − μ̂ᵢ)²/V(μ̂ᵢ)` over the observations with positive weight.
    #[must_use]
    pub fn pearson_chi2(&self) -> f64 {
        let family = self.model.family();
        let w = &self.prior_weights;
        (0..w.len())
            .filter(|&i| w[i] > 0.0)
            .map(|i| w[i] * family.over_variance_root(self.mu[i], self.y[i] - self.mu[i]).powi(2))
            .sum()
    }

    /// The log-likelihood with R's conventions (`logLik.glm`): every constant included, and
    /// for the families with a dispersion the value R's `family$aic` plugs in (`D/n` for the
    /// Gaussian, `D/Σw` for Gamma and inverse Gaussian).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for the quasi families, which have no likelihood
    /// ([`crate::Family::has_likelihood`]; R's `NA`).
    pub fn log_likelihood(&self) -> Result<f64> {
        self.likelihood("the log-likelihood").map(|()| self.log_likelihood)
    }

    /// Akaike's criterion `−2ℓ + 2k`, with `k` the rank plus one for an estimated dispersion
    /// (R's `AIC`).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for the quasi families (R prints `AIC: NA`).
    pub fn aic(&self) -> Result<f64> {
        self.likelihood("AIC").map(|()| -2.0 * self.log_likelihood + 2.0 * self.parameters())
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·k`, `k` as in [`GlmFit::aic`] and `n` the observations
    /// with positive weight (R's `BIC`).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for the quasi families.
    pub fn bic(&self) -> Result<f64> {
        self.likelihood("BIC").map(|()| {
            -2.0 * self.log_likelihood + count_to_f64(self.observations).ln() * self.parameters()
        })
    }

    /// `Ok` when the family has a likelihood, else [`Error::Unsupported`] for `what`.
    fn likelihood(&self, what: &'static str) -> Result<()> {
        let family = self.model.family();
        if family.has_likelihood() { Ok(()) } else { Err(Error::Unsupported { what, family }) }
    }

    /// The number of parameters `k` of AIC and BIC.
    fn parameters(&self) -> f64 {
        count_to_f64(self.rank() + usize::from(self.model.family().estimates_dispersion()))
    }

    /// The response on the model's scale (for the binomial, the proportion of successes).
    #[must_use]
    pub fn response(&self) -> &DVector<f64> {
        &self.y
    }

    /// Fitted means `μ̂ = g⁻¹(η̂)`.
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.mu
    }

    /// Linear predictor `η̂ = Xθ̂ + offset`.
    #[must_use]
    pub fn linear_predictor(&self) -> &DVector<f64> {
        &self.eta
    }

    /// Prior weights (ones if none were given) times the binomial trials, as R's
    /// `fit$prior.weights` holds them for `cbind(successes, failures)`. A fit whose weights are
    /// one constant (none given, no trials) keeps the constant and forms this vector on the
    /// first call.
    #[must_use]
    pub fn prior_weights(&self) -> &DVector<f64> {
        self.prior_weights.vector()
    }

    /// The IRLS weights `W = w·(dμ/dη)²/V(μ)` at the optimum (0 for rows with zero weight),
    /// R's `fit$weights`. In extreme units a weight can overflow to `+∞` (the inverse Gaussian's
    /// `W ∝ μ⁻³` at `μ = 10⁻¹⁸⁰`) or underflow to 0 where `√W`, which the fit and its standard
    /// errors use, is still an ordinary number.
    #[must_use]
    pub fn working_weights(&self) -> DVector<f64> {
        let (family, link) = (self.model.family(), self.model.link());
        DVector::from_fn(self.y.len(), |i, _| {
            let w = self.prior_weights[i];
            if w > 0.0 {
                w * family.over_variance_root(self.mu[i], link.mu_eta(self.eta[i])).powi(2)
            } else {
                0.0
            }
        })
    }

    /// Residuals of the given kind, one per observation.
    #[must_use]
    pub fn residuals(&self, kind: ResidualKind) -> DVector<f64> {
        let (family, link) = (self.model.family(), self.model.link());
        DVector::from_fn(self.y.len(), |i, _| {
            let (y, mu, w) = (self.y[i], self.mu[i], self.prior_weights[i]);
            match kind {
                ResidualKind::Response => y - mu,
                ResidualKind::Pearson => w.sqrt() * family.over_variance_root(mu, y - mu),
                ResidualKind::Deviance => {
                    (y - mu).signum() * (w * family.unit_deviance(y, mu)).sqrt()
                }
                ResidualKind::Working => (y - mu) / link.mu_eta(self.eta[i]),
            }
        })
    }

    /// The per-iteration history: for IRLS the deviance, for gradient ascent the average
    /// log-likelihood at unit dispersion. Entry 0 is the starting point (for IRLS the
    /// deviance at R's starting means), entry k the value after iteration k.
    #[must_use]
    pub fn history(&self) -> &[f64] {
        &self.history
    }

    /// How the iterations ended, and how many ran ([`Convergence::iterations`]).
    #[must_use]
    pub fn convergence(&self) -> Convergence {
        self.convergence
    }

    /// Step halvings over all iterations: for IRLS how often a step left the domain of `η` or
    /// `μ` or raised the deviance and was shortened; for gradient ascent the halvings of the
    /// line searches (0 for the fixed step).
    #[must_use]
    pub fn step_halvings(&self) -> usize {
        self.step_halvings
    }

    /// For gradient ascent, the points at which it evaluated the log-likelihood and its
    /// gradient, the start and rejected line-search trials included (one more than the
    /// iterations for the fixed step); `None` for IRLS.
    #[must_use]
    pub fn evaluations(&self) -> Option<usize> {
        self.evaluations
    }

    /// The criterion the fit stopped by ([`crate::Control::criterion`]; for gradient ascent with
    /// the fixed step, which always stops by it, [`Criterion::GradientNorm`]).
    #[must_use]
    pub fn criterion(&self) -> Criterion {
        self.criterion
    }

    /// IRLS iterations that took a full Newton step on the observed information (0 for a
    /// canonical link, for [`Criterion::Deviance`] and for gradient ascent).
    #[must_use]
    pub fn newton_steps(&self) -> usize {
        self.newton_steps
    }

    /// An estimate of the correct significant digits of the coefficients, in `[0, 15.65]`,
    /// the least over the coefficients (for a coefficient below `10⁻⁶` of its standard error,
    /// zero up to rounding, digits of its standard error), like `lsq`'s `Diagnostics::digits`.
    ///
    /// It adds two errors per coefficient: how far the iteration stopped from the fixed point
    /// (for IRLS the last step times `ρ/(1 − ρ)` for the rate `ρ` of the last two steps, or the
    /// last step itself when no rate below 1 is known; for gradient ascent the Fisher-scoring
    /// step from the last iterate, twice), and the rounding of the fixed point: the rounding of
    /// `η` and of the working residual (`ε·√W_i` times `Σ_k |x_ik·β_k| + |offset_i| + |r_i|` per row,
    /// so a linear predictor that cancels counts) propagated to the coefficient through its own
    /// row of the weighted least-squares solution, `2·ε·√C′_jj·‖s‖₂` in the equilibrated
    /// coordinates (no global condition number, which would charge a well-determined coefficient
    /// for an ill-determined one). It is meant never to claim more digits than the fit has: the
    /// tests check it against the Newton-polished optimum of the reference data sets (within 2
    /// digits of it on each) and against simulated fits polished in double-double. R's deviance
    /// criterion and a gradient ascent that stopped early show here as fewer digits.
    #[must_use]
    pub fn digits(&self) -> f64 {
        self.digits
    }

    /// Standard errors from the observed information `−∇²ℓ` at the estimate (statsmodels'
    /// `cov_type="nonrobust"` with the observed Hessian), which equal [`GlmFit::std_errors`]
    /// for a canonical link and differ from them by `O(y − μ)` terms for the others; NaN for
    /// aliased columns.
    ///
    /// # Errors
    /// [`Error::IndefiniteInformation`] when the observed information is not positive
    /// definite at the estimate.
    pub fn observed_std_errors(&self) -> Result<DVector<f64>> {
        let Some(c) = &self.scaled_observed_covariance else {
            return Err(Error::IndefiniteInformation {
                family: self.model.family(),
                link: self.model.link(),
            });
        };
        let root = self.dispersion().sqrt();
        Ok(DVector::from_fn(self.coefficients.len(), |j, _| {
            if self.aliased.contains(&j) {
                f64::NAN
            } else {
                self.scales[j] * (root * c[(j, j)].sqrt())
            }
        }))
    }

    /// Observations with positive weight.
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// What the fit wants the user to know about its data, as R's warnings (non-integer
    /// counts, see [`Warning`]); empty for most fits. The summary prints each one.
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Two-sided p-value of a z (normal) or t (Student, `df`) statistic; NaN stays NaN (an aliased
/// coefficient).
fn two_sided_p(statistic: f64, student: bool, df: usize) -> f64 {
    if statistic.is_nan() {
        return f64::NAN;
    }
    let tail = if student && df > 0 {
        StudentsT::new(0.0, 1.0, count_to_f64(df)).map_or(f64::NAN, |t| t.sf(statistic.abs()))
    } else {
        Normal::standard().sf(statistic.abs())
    };
    2.0 * tail
}

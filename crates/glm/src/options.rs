//! [`Method`] and [`FitOptions`]: how to fit, validated in one place at the start of
//! [`crate::fit`].

use lsq::RankPolicy;
use nalgebra::DVector;

use crate::error::{Error, Input, Result};
use crate::family::Family;
use crate::link::Link;

/// R's default convergence tolerance for IRLS (`glm.control(epsilon = 1e-8)`): the fit stops
/// when `|D − D_old|/(|D| + 0.1) < 1e-8` for deviance `D`.
///
/// # Examples
///
/// ```
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// use glm::{Convergence, IRLS_TOLERANCE};
///
/// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// # let design = Design::new(s.x.clone())?;
/// assert_eq!(FitOptions::default().tol_value(), Some(IRLS_TOLERANCE));
/// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
/// assert!(matches!(
///     fit.convergence(),
///     Convergence::Converged { measure, tolerance, .. }
///         if tolerance == IRLS_TOLERANCE && measure < IRLS_TOLERANCE
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const IRLS_TOLERANCE: f64 = 1e-8;

/// R's default iteration limit for IRLS (`glm.control(maxit = 25)`).
///
/// # Examples
///
/// ```
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// use glm::{Error, IRLS_MAX_ITER};
///
/// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// # let design = Design::new(s.x.clone())?;
/// assert_eq!(FitOptions::default().max_iter_value(), IRLS_MAX_ITER);
/// // Running out of iterations is an error that carries the last iterate.
/// let one = FitOptions::default().max_iter(1);
/// let err = glm::fit(&design, &s.y, Family::Poisson, &one).unwrap_err();
/// assert!(matches!(err, Error::NotConverged { iterations: 1, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const IRLS_MAX_ITER: usize = 25;

/// The lesson's number of gradient-ascent steps.
///
/// # Examples
///
/// ```
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// # use nalgebra::{dmatrix, dvector};
/// use glm::{Convergence, GRADIENT_ITERATIONS, Method};
///
/// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// # let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02);
/// assert_eq!(lesson.max_iter_value(), GRADIENT_ITERATIONS);
/// let ga = glm::fit(&design, &y, Family::Poisson, &lesson)?;
/// assert!(matches!(
///     ga.convergence(),
///     Convergence::FixedIterations { iterations: GRADIENT_ITERATIONS, .. }
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const GRADIENT_ITERATIONS: usize = 300;

/// The lesson's gradient-ascent step size `α`.
///
/// # Examples
///
/// ```
/// # use approx::assert_relative_eq;
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// # use nalgebra::{dmatrix, dvector};
/// use glm::{GRADIENT_STEP, Method};
///
/// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// # let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let one_step = FitOptions::default().method(Method::GradientAscent).max_iter(1);
/// assert_eq!(one_step.step_value(), GRADIENT_STEP);
/// let fit = glm::fit(&design, &y, Family::Poisson, &one_step)?;
/// // From θ₀ = 0 (μ = 1) the gradient of the average log-likelihood is Xᵀ(y − 1)/4.
/// let gradient = design.matrix().transpose() * y.add_scalar(-1.0) / 4.0;
/// assert_relative_eq!(fit.coefficients(), &(gradient * GRADIENT_STEP), max_relative = 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const GRADIENT_STEP: f64 = 0.05;

/// How to maximise the likelihood.
///
/// # Examples
///
/// ```
/// use glm::Method;
///
/// assert_eq!(Method::default(), Method::Irls);
/// assert_eq!(Method::GradientAscent.name(), "gradient-ascent");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Method {
    /// Iteratively reweighted least squares (Fisher scoring), each step a weighted QR solve
    /// through `lsq`, with step-halving. The default.
    #[default]
    Irls,
    /// The lesson's gradient ascent on the average log-likelihood, `θ ← θ + α·∇ℓ̄` with
    /// `ℓ̄ = (1/n)·Σ ln f(yᵢ; μᵢ, φ = 1)` over the n observations with positive weight and
    /// `∇ℓ̄ = Xᵀ[w·(y − μ)/V(μ)·dμ/dη]/n` for any link. For the families with an estimated
    /// dispersion, fixing `φ = 1` only rescales the objective; the maximiser is the same. Without
    /// a tolerance it runs a fixed number of steps and says so
    /// ([`crate::Convergence::FixedIterations`]).
    GradientAscent,
}

impl Method {
    /// Both methods.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::Method;
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let mut coefficients = Vec::new();
    /// for method in Method::ALL {
    ///     let options = FitOptions::default().method(method).step(0.02).tol(1e-9);
    ///     let fit = glm::fit(&design, &y, Family::Poisson, &options.max_iter(10_000))?;
    ///     assert_eq!(fit.method(), method);
    ///     coefficients.push(fit.coefficients().clone());
    /// }
    /// // Both reach the same optimum.
    /// assert_relative_eq!(coefficients[0], coefficients[1], epsilon = 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const ALL: [Method; 2] = [Method::Irls, Method::GradientAscent];

    /// A short, stable name: `irls`, `gradient-ascent`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use glm::Method;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// assert_eq!(Method::ALL.map(Method::name), ["irls", "gradient-ascent"]);
    /// // Errors name the method this way.
    /// let one = FitOptions::default().max_iter(1);
    /// let err = glm::fit(&design, &s.y, Family::Poisson, &one).unwrap_err();
    /// assert!(err.to_string().starts_with("irls did not converge in 1 iterations"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Method::Irls => "irls",
            Method::GradientAscent => "gradient-ascent",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Irls => "IRLS (Fisher scoring)",
            Method::GradientAscent => "gradient ascent",
        })
    }
}

/// Options for [`crate::fit`]; start from `FitOptions::default()` and chain setters.
///
/// Every option is checked in one place when [`crate::fit`] starts; a bad value is
/// [`Error::InvalidOption`], a vector of the wrong length [`Error::DimensionMismatch`], a
/// non-finite entry [`Error::NonFinite`].
///
/// # Examples
///
/// ```
/// use glm::{FitOptions, Link, Method};
/// use nalgebra::dvector;
///
/// let options = FitOptions::default()
///     .link(Link::Sqrt)
///     .method(Method::GradientAscent)
///     .step(0.01)
///     .max_iter(1000)
///     .offset(dvector![0.0, 0.5, 1.0]);
/// assert_eq!(options.link_value(), Some(Link::Sqrt));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    link: Option<Link>,
    method: Method,
    step: f64,
    max_iter: Option<usize>,
    tol: Option<f64>,
    weights: Option<DVector<f64>>,
    offset: Option<DVector<f64>>,
    trials: Option<DVector<f64>>,
    start: Option<DVector<f64>>,
    rank_policy: RankPolicy,
    confidence_level: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            link: None,
            method: Method::Irls,
            step: GRADIENT_STEP,
            max_iter: None,
            tol: None,
            weights: None,
            offset: None,
            trials: None,
            start: None,
            rank_policy: RankPolicy::Error,
            confidence_level: 0.95,
        }
    }
}

impl FitOptions {
    /// The link. Default: the family's [`Family::default_link`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use glm::Link;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let options = FitOptions::default().link(Link::Identity);
    /// assert_eq!(options.link_value(), Some(Link::Identity));
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// // With the identity link the fitted means are Xθ̂ itself.
    /// assert_relative_eq!(fit.fitted_values(), &(&s.x * fit.coefficients()), epsilon = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }

    /// The fitting method. Default: [`Method::Irls`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::Method;
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let options = FitOptions::default().method(Method::GradientAscent).step(0.02);
    /// assert_eq!(options.method_value(), Method::GradientAscent);
    /// let fit = glm::fit(&design, &y, Family::Poisson, &options)?;
    /// assert_eq!(fit.method(), Method::GradientAscent);
    /// // Gradient ascent climbs the average log-likelihood.
    /// assert!(fit.history().windows(2).all(|pair| pair[1] >= pair[0]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Gradient-ascent step size `α > 0` (ignored by IRLS). Default: [`GRADIENT_STEP`] = 0.05.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::Method;
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let ascent = FitOptions::default().method(Method::GradientAscent).max_iter(1);
    /// let one_step = |alpha| ascent.clone().step(alpha);
    /// assert_eq!(one_step(0.01).step_value(), 0.01);
    /// // The first step from θ₀ = 0 is proportional to α.
    /// let short = glm::fit(&design, &y, Family::Poisson, &one_step(0.01))?;
    /// let long = glm::fit(&design, &y, Family::Poisson, &one_step(0.02))?;
    /// assert_relative_eq!(long.coefficients(), &(short.coefficients() * 2.0));
    /// // IRLS ignores it.
    /// let irls = glm::fit(&design, &y, Family::Poisson, &FitOptions::default().step(1e-6))?;
    /// let default = glm::fit(&design, &y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(irls.coefficients(), default.coefficients());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn step(mut self, alpha: f64) -> Self {
        self.step = alpha;
        self
    }

    /// Iteration limit, at least 1. Default: [`IRLS_MAX_ITER`] = 25 for IRLS, and for gradient
    /// ascent [`GRADIENT_ITERATIONS`] = 300 (without a tolerance, exactly this many steps).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::Method;
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let options = FitOptions::default().method(Method::GradientAscent).step(0.02).max_iter(50);
    /// assert_eq!(options.max_iter_value(), 50);
    /// // Without a tolerance, gradient ascent runs exactly that many steps.
    /// let fit = glm::fit(&design, &y, Family::Poisson, &options)?;
    /// assert_eq!(fit.iterations(), 50);
    /// assert_eq!(fit.history().len(), 51);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = Some(n);
        self
    }

    /// Convergence tolerance `> 0`. IRLS stops when `|D − D_old|/(|D| + 0.1) < tol` (default
    /// [`IRLS_TOLERANCE`] = 1e-8, R's criterion). Gradient ascent stops when the Euclidean
    /// norm of the gradient of the average log-likelihood falls to `tol`; by default it has
    /// no tolerance and runs exactly [`FitOptions::max_iter`] steps (see
    /// [`crate::Convergence::FixedIterations`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// use glm::{Convergence, Method};
    ///
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let options = FitOptions::default().tol(1e-12);
    /// assert_eq!(options.tol_value(), Some(1e-12));
    /// let fit = glm::fit(&design, &y, Family::Poisson, &options)?;
    /// let converged = |c| matches!(c, Convergence::Converged { measure, .. } if measure < 1e-12);
    /// assert!(converged(fit.convergence()));
    /// // With a tolerance gradient ascent stops once the gradient norm falls to it.
    /// let ga = options.method(Method::GradientAscent).step(0.02).max_iter(50_000);
    /// assert!(converged(glm::fit(&design, &y, Family::Poisson, &ga)?.convergence()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Prior weights `w ≥ 0`, one per observation (`Var(yᵢ) = φV(μᵢ)/wᵢ`). Observations with
    /// zero weight do not enter the fit or the degrees of freedom. Default: all ones.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// let options = FitOptions::default().weights(dvector![2.0, 1.0, 1.0, 1.0]);
    /// assert_eq!(options.weights_value(), Some(&dvector![2.0, 1.0, 1.0, 1.0]));
    /// let weighted = glm::fit(&design, &y, Family::Poisson, &options)?;
    /// // A weight of 2 counts the first observation twice.
    /// let twice = Design::with_intercept(&dmatrix![0.0; 0.0; 1.0; 2.0; 3.0])?;
    /// let y5 = dvector![1.0, 1.0, 2.0, 4.0, 7.0];
    /// let repeated = glm::fit(&twice, &y5, Family::Poisson, &FitOptions::default())?;
    /// assert_relative_eq!(weighted.coefficients(), repeated.coefficients(), epsilon = 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(mut self, weights: DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Offset (exposure on the link scale, e.g. `ln t` for Poisson rates): `η = Xθ + offset`.
    /// Default: zero.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DVector;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let options = FitOptions::default().offset(DVector::from_element(80, 0.5));
    /// assert_eq!(options.offset_value().map(|o| o[0]), Some(0.5));
    /// let shifted = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// // A constant offset is absorbed by the intercept: the same means, the intercept 0.5 lower.
    /// assert_relative_eq!(shifted.coefficients()[0], fit.coefficients()[0] - 0.5, epsilon = 1e-8);
    /// assert_relative_eq!(shifted.fitted_values(), fit.fitted_values(), max_relative = 1e-8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offset(mut self, offset: DVector<f64>) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Binomial trials `nᵢ ≥ 0`; the response is then the number of successes in `[0, nᵢ]`.
    /// Only for [`Family::Binomial`]. Default: one trial each, the response a proportion.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// use glm::{Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // 2, 5 and 9 successes in 10 trials each.
    /// let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0])?;
    /// let options = FitOptions::default().trials(dvector![10.0, 10.0, 10.0]);
    /// assert_eq!(options.trials_value(), Some(&dvector![10.0, 10.0, 10.0]));
    /// let counts = glm::fit(&design, &dvector![2.0, 5.0, 9.0], Family::Binomial, &options)?;
    /// // The same as the proportions with prior weights 10 (R's `glm(y/n ~ x, weights = n)`).
    /// let weighted = FitOptions::default().weights(dvector![10.0, 10.0, 10.0]);
    /// let props = glm::fit(&design, &dvector![0.2, 0.5, 0.9], Family::Binomial, &weighted)?;
    /// assert_relative_eq!(counts.coefficients(), props.coefficients(), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn trials(mut self, trials: DVector<f64>) -> Self {
        self.trials = Some(trials);
        self
    }

    /// Starting coefficients, one per design column. Default: IRLS starts from the family's
    /// [`Family::starting_mean`] (R's `mustart`), gradient ascent from `θ₀ = 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let options = FitOptions::default().start(fit.coefficients().clone());
    /// assert_eq!(options.start_value(), Some(fit.coefficients()));
    /// // Started at the optimum, IRLS begins at its deviance and stops after one iteration.
    /// let restarted = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_relative_eq!(restarted.history()[0], fit.deviance(), max_relative = 1e-12);
    /// assert_eq!(restarted.iterations(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn start(mut self, theta: DVector<f64>) -> Self {
        self.start = Some(theta);
        self
    }

    /// What to do with a rank-deficient design. Default: [`RankPolicy::Error`], which names
    /// the aliased columns; [`RankPolicy::DropAliased`] fits without them, as R reports `NA`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DMatrix;
    /// use lsq::RankPolicy;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// // A third column, twice the second.
    /// let x = DMatrix::from_fn(80, 3, |i, j| if j < 2 { s.x[(i, j)] } else { 2.0 * s.x[(i, 1)] });
    /// let design = Design::new(x)?;
    /// let err = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default()).unwrap_err();
    /// assert!(matches!(err, glm::Error::LeastSquares(lsq::Error::RankDeficient { rank: 2, .. })));
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(options.rank_policy_value(), RankPolicy::DropAliased);
    /// assert_eq!(glm::fit(&design, &s.y, Family::Poisson, &options)?.aliased(), [2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.rank_policy = policy;
        self
    }

    /// Level of the Wald confidence intervals, in `(0, 1)`. Default: 0.95.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let options = FitOptions::default().confidence_level(0.99);
    /// assert_eq!(options.confidence_level_value(), 0.99);
    /// let fit99 = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// // Wider than the default 95 % intervals.
    /// let (lo99, hi99) = fit99.confidence_intervals();
    /// let (lo95, hi95) = fit.confidence_intervals();
    /// assert!(lo99[1] < lo95[1] && hi95[1] < hi99[1]);
    /// // The level must lie strictly between 0 and 1.
    /// let certain = FitOptions::default().confidence_level(1.0);
    /// let err = glm::fit(&design, &s.y, Family::Poisson, &certain).unwrap_err();
    /// assert!(matches!(err, glm::Error::InvalidOption { name: "confidence_level", .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn confidence_level(mut self, level: f64) -> Self {
        self.confidence_level = level;
        self
    }

    /// The link set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{FitOptions, Link};
    ///
    /// // None: the family's default link.
    /// assert_eq!(FitOptions::default().link_value(), None);
    /// assert_eq!(FitOptions::default().link(Link::Probit).link_value(), Some(Link::Probit));
    /// ```
    #[must_use]
    pub fn link_value(&self) -> Option<Link> {
        self.link
    }

    /// The method set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{FitOptions, Method};
    ///
    /// assert_eq!(FitOptions::default().method_value(), Method::Irls);
    /// let lesson = FitOptions::default().method(Method::GradientAscent);
    /// assert_eq!(lesson.method_value(), Method::GradientAscent);
    /// ```
    #[must_use]
    pub fn method_value(&self) -> Method {
        self.method
    }

    /// The step size set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{FitOptions, GRADIENT_STEP};
    ///
    /// assert_eq!(FitOptions::default().step_value(), GRADIENT_STEP);
    /// assert_eq!(FitOptions::default().step(0.02).step_value(), 0.02);
    /// ```
    #[must_use]
    pub fn step_value(&self) -> f64 {
        self.step
    }

    /// The iteration limit in effect for the method set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{FitOptions, GRADIENT_ITERATIONS, IRLS_MAX_ITER, Method};
    ///
    /// // The default depends on the method; a set limit applies to either.
    /// let irls = FitOptions::default();
    /// let ascent = FitOptions::default().method(Method::GradientAscent);
    /// assert_eq!(irls.max_iter_value(), IRLS_MAX_ITER);
    /// assert_eq!(ascent.max_iter_value(), GRADIENT_ITERATIONS);
    /// assert_eq!(ascent.max_iter(10).max_iter_value(), 10);
    /// ```
    #[must_use]
    pub fn max_iter_value(&self) -> usize {
        self.max_iter.unwrap_or(match self.method {
            Method::Irls => IRLS_MAX_ITER,
            Method::GradientAscent => GRADIENT_ITERATIONS,
        })
    }

    /// The tolerance in effect for the method set: always one for IRLS, `None` for gradient
    /// ascent unless set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{FitOptions, IRLS_TOLERANCE, Method};
    ///
    /// assert_eq!(FitOptions::default().tol_value(), Some(IRLS_TOLERANCE));
    /// let ascent = FitOptions::default().method(Method::GradientAscent);
    /// assert_eq!(ascent.tol_value(), None);
    /// assert_eq!(ascent.tol(1e-6).tol_value(), Some(1e-6));
    /// ```
    #[must_use]
    pub fn tol_value(&self) -> Option<f64> {
        match self.method {
            Method::Irls => Some(self.tol.unwrap_or(IRLS_TOLERANCE)),
            Method::GradientAscent => self.tol,
        }
    }

    /// The prior weights set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    /// use nalgebra::dvector;
    ///
    /// assert_eq!(FitOptions::default().weights_value(), None);
    /// let options = FitOptions::default().weights(dvector![1.0, 0.0, 2.0]);
    /// assert_eq!(options.weights_value(), Some(&dvector![1.0, 0.0, 2.0]));
    /// ```
    #[must_use]
    pub fn weights_value(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// The offset set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    /// use nalgebra::dvector;
    ///
    /// assert_eq!(FitOptions::default().offset_value(), None);
    /// let exposure = dvector![1.0_f64, 2.0, 4.0].map(f64::ln);
    /// let options = FitOptions::default().offset(exposure.clone());
    /// assert_eq!(options.offset_value(), Some(&exposure));
    /// ```
    #[must_use]
    pub fn offset_value(&self) -> Option<&DVector<f64>> {
        self.offset.as_ref()
    }

    /// The trials set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    /// use nalgebra::dvector;
    ///
    /// assert_eq!(FitOptions::default().trials_value(), None);
    /// let options = FitOptions::default().trials(dvector![10.0, 12.0]);
    /// assert_eq!(options.trials_value(), Some(&dvector![10.0, 12.0]));
    /// ```
    #[must_use]
    pub fn trials_value(&self) -> Option<&DVector<f64>> {
        self.trials.as_ref()
    }

    /// The starting coefficients set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    /// use nalgebra::dvector;
    ///
    /// assert_eq!(FitOptions::default().start_value(), None);
    /// let options = FitOptions::default().start(dvector![0.3, 0.8]);
    /// assert_eq!(options.start_value(), Some(&dvector![0.3, 0.8]));
    /// ```
    #[must_use]
    pub fn start_value(&self) -> Option<&DVector<f64>> {
        self.start.as_ref()
    }

    /// The rank policy set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    /// use lsq::RankPolicy;
    ///
    /// assert_eq!(FitOptions::default().rank_policy_value(), RankPolicy::Error);
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(options.rank_policy_value(), RankPolicy::DropAliased);
    /// ```
    #[must_use]
    pub fn rank_policy_value(&self) -> RankPolicy {
        self.rank_policy
    }

    /// The confidence level set.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::FitOptions;
    ///
    /// assert_eq!(FitOptions::default().confidence_level_value(), 0.95);
    /// assert_eq!(FitOptions::default().confidence_level(0.9).confidence_level_value(), 0.9);
    /// ```
    #[must_use]
    pub fn confidence_level_value(&self) -> f64 {
        self.confidence_level
    }

    /// Validates every option for a family and an `m × p` design.
    pub(crate) fn validate(&self, family: Family, m: usize, p: usize) -> Result<()> {
        if let Family::NegativeBinomial { theta } = family
            && !(theta.is_finite() && theta > 0.0)
        {
            return Err(invalid(
                "theta",
                theta,
                "the negative binomial size must be finite and > 0",
            ));
        }
        if !(self.step.is_finite() && self.step > 0.0) {
            return Err(invalid("step", self.step, "must be finite and > 0"));
        }
        if self.max_iter == Some(0) {
            return Err(invalid("max_iter", 0.0, "must be at least 1"));
        }
        if let Some(tol) = self.tol
            && !(tol.is_finite() && tol > 0.0)
        {
            return Err(invalid("tol", tol, "must be finite and > 0"));
        }
        check_level(self.confidence_level)?;
        if let Some(w) = &self.weights {
            check_vector(w, m, Input::Weights)?;
            if let Some((index, &value)) = w.iter().enumerate().find(|(_, v)| **v < 0.0) {
                return Err(Error::NegativeWeight { index, value });
            }
        }
        if let Some(offset) = &self.offset {
            check_vector(offset, m, Input::Offset)?;
        }
        if let Some(trials) = &self.trials {
            if family != Family::Binomial {
                return Err(Error::NotApplicable { name: "trials", family });
            }
            check_vector(trials, m, Input::Trials)?;
            if let Some((index, &value)) = trials.iter().enumerate().find(|(_, v)| **v < 0.0) {
                return Err(Error::OutOfDomain {
                    input: Input::Trials,
                    index,
                    value,
                    family,
                    domain: crate::family::Domain::NonNegative,
                });
            }
        }
        if let Some(start) = &self.start {
            check_vector(start, p, Input::Start)?;
        }
        Ok(())
    }
}

fn invalid(name: &'static str, value: f64, reason: &'static str) -> Error {
    Error::InvalidOption { name, value, reason }
}

/// Checks a confidence level.
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(invalid("confidence_level", level, "must lie strictly between 0 and 1"))
    }
}

/// Checks a vector's length and finiteness.
pub(crate) fn check_vector(v: &DVector<f64>, expected: usize, input: Input) -> Result<()> {
    if v.len() != expected {
        return Err(Error::DimensionMismatch { input, expected, found: v.len() });
    }
    if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(Error::NonFinite { input, index, value });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dvector;

    #[track_caller]
    fn check(options: &FitOptions, family: Family, expected: &Error) {
        let err = options.validate(family, 3, 2).unwrap_err();
        assert_eq!(&err, expected, "{err}");
    }

    #[test]
    fn every_bad_option_is_named() {
        let d = FitOptions::default();
        check(
            &d.clone().step(0.0),
            Family::Poisson,
            &invalid("step", 0.0, "must be finite and > 0"),
        );
        check(
            &d.clone().max_iter(0),
            Family::Poisson,
            &invalid("max_iter", 0.0, "must be at least 1"),
        );
        check(
            &d.clone().weights(dvector![1.0, -1.0, 1.0]),
            Family::Poisson,
            &Error::NegativeWeight { index: 1, value: -1.0 },
        );
        check(
            &d.clone().offset(dvector![1.0]),
            Family::Poisson,
            &Error::DimensionMismatch { input: Input::Offset, expected: 3, found: 1 },
        );
        check(
            &d.clone().trials(dvector![1.0, 1.0, 1.0]),
            Family::Poisson,
            &Error::NotApplicable { name: "trials", family: Family::Poisson },
        );
        let err = d.clone().start(dvector![1.0, f64::NAN]).validate(Family::Poisson, 3, 2);
        assert!(matches!(err, Err(Error::NonFinite { input: Input::Start, index: 1, .. })));
    }

    #[test]
    fn defaults_depend_on_the_method() {
        let irls = FitOptions::default();
        assert_eq!((irls.max_iter_value(), irls.tol_value()), (25, Some(1e-8)));
        let ga = FitOptions::default().method(Method::GradientAscent);
        assert_eq!((ga.max_iter_value(), ga.tol_value()), (300, None));
        assert!(irls.validate(Family::NegativeBinomial { theta: -1.0 }, 3, 2).is_err());
    }
}

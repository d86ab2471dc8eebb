//! [`Method`] and [`FitOptions`]: how to fit, validated in one place at the start of
//! [`crate::fit`].

use lsq::RankPolicy;
use nalgebra::DVector;

use crate::error::{Error, Input, Result};
use crate::family::Family;
use crate::link::Link;

/// R's default convergence tolerance for IRLS (`glm.control(epsilon = 1e-8)`): the fit stops
/// when `|D − D_old|/(|D| + 0.1) < 1e-8` for deviance `D`.
pub const IRLS_TOLERANCE: f64 = 1e-8;

/// R's default iteration limit for IRLS (`glm.control(maxit = 25)`).
pub const IRLS_MAX_ITER: usize = 25;

/// The lesson's number of gradient-ascent steps.
pub const GRADIENT_ITERATIONS: usize = 300;

/// The lesson's gradient-ascent step size `α`.
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
    pub const ALL: [Method; 2] = [Method::Irls, Method::GradientAscent];

    /// A short, stable name: `irls`, `gradient-ascent`.
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
    #[must_use]
    pub fn link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }

    /// The fitting method. Default: [`Method::Irls`].
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Gradient-ascent step size `α > 0` (ignored by IRLS). Default: [`GRADIENT_STEP`] = 0.05.
    #[must_use]
    pub fn step(mut self, alpha: f64) -> Self {
        self.step = alpha;
        self
    }

    /// Iteration limit, at least 1. Default: [`IRLS_MAX_ITER`] = 25 for IRLS, and for gradient
    /// ascent [`GRADIENT_ITERATIONS`] = 300 (without a tolerance, exactly this many steps).
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
    #[must_use]
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Prior weights `w ≥ 0`, one per observation (`Var(yᵢ) = φV(μᵢ)/wᵢ`). Observations with
    /// zero weight do not enter the fit or the degrees of freedom. Default: all ones.
    #[must_use]
    pub fn weights(mut self, weights: DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Offset (exposure on the link scale, e.g. `ln t` for Poisson rates): `η = Xθ + offset`.
    /// Default: zero.
    #[must_use]
    pub fn offset(mut self, offset: DVector<f64>) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Binomial trials `nᵢ ≥ 0`; the response is then the number of successes in `[0, nᵢ]`.
    /// Only for [`Family::Binomial`]. Default: one trial each, the response a proportion.
    #[must_use]
    pub fn trials(mut self, trials: DVector<f64>) -> Self {
        self.trials = Some(trials);
        self
    }

    /// Starting coefficients, one per design column. Default: IRLS starts from the family's
    /// [`Family::starting_mean`] (R's `mustart`), gradient ascent from `θ₀ = 0`.
    #[must_use]
    pub fn start(mut self, theta: DVector<f64>) -> Self {
        self.start = Some(theta);
        self
    }

    /// What to do with a rank-deficient design. Default: [`RankPolicy::Error`], which names
    /// the aliased columns; [`RankPolicy::DropAliased`] fits without them, as R reports `NA`.
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.rank_policy = policy;
        self
    }

    /// Level of the Wald confidence intervals, in `(0, 1)`. Default: 0.95.
    #[must_use]
    pub fn confidence_level(mut self, level: f64) -> Self {
        self.confidence_level = level;
        self
    }

    /// The link set, if any.
    #[must_use]
    pub fn link_value(&self) -> Option<Link> {
        self.link
    }

    /// The method set.
    #[must_use]
    pub fn method_value(&self) -> Method {
        self.method
    }

    /// The step size set.
    #[must_use]
    pub fn step_value(&self) -> f64 {
        self.step
    }

    /// The iteration limit in effect for the method set.
    #[must_use]
    pub fn max_iter_value(&self) -> usize {
        self.max_iter.unwrap_or(match self.method {
            Method::Irls => IRLS_MAX_ITER,
            Method::GradientAscent => GRADIENT_ITERATIONS,
        })
    }

    /// The tolerance in effect for the method set: always one for IRLS, `None` for gradient
    /// ascent unless set.
    #[must_use]
    pub fn tol_value(&self) -> Option<f64> {
        match self.method {
            Method::Irls => Some(self.tol.unwrap_or(IRLS_TOLERANCE)),
            Method::GradientAscent => self.tol,
        }
    }

    /// The prior weights set, if any.
    #[must_use]
    pub fn weights_value(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// The offset set, if any.
    #[must_use]
    pub fn offset_value(&self) -> Option<&DVector<f64>> {
        self.offset.as_ref()
    }

    /// The trials set, if any.
    #[must_use]
    pub fn trials_value(&self) -> Option<&DVector<f64>> {
        self.trials.as_ref()
    }

    /// The starting coefficients set, if any.
    #[must_use]
    pub fn start_value(&self) -> Option<&DVector<f64>> {
        self.start.as_ref()
    }

    /// The rank policy set.
    #[must_use]
    pub fn rank_policy_value(&self) -> RankPolicy {
        self.rank_policy
    }

    /// The confidence level set.
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

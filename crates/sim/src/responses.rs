//! Responses drawn from a given mean vector: one function per distribution.
//!
//! Links stay in the `glm` crate: these functions take the mean μ (or the probability p)
//! directly. Each validates every entry before drawing anything, then draws observation
//! 0, 1, 2, … in order, so the stream layout is fixed and documented.

use nalgebra::DVector;
use rand::distr::Bernoulli;
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, Gamma, Poisson};

use crate::error::{Error, Result, check_positive};
use crate::numeric::{count_to_f64, standard_normal};

/// Largest mean accepted by the Poisson sampler (`rand_distr::Poisson::MAX_LAMBDA`).
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
/// use sim::{Error, MAX_POISSON_MEAN, poisson, rng_from_seed};
///
/// assert_eq!(format!("{MAX_POISSON_MEAN:.3e}"), "1.844e19"); // about 2⁶⁴
/// let at_max = DVector::from_vec(vec![1.0, MAX_POISSON_MEAN]);
/// assert!(poisson(&at_max, &mut rng_from_seed(1))?[1] > 1e19);
/// // Above it, the mean is rejected before anything is drawn.
/// let above = DVector::from_vec(vec![1.0, 2.0 * MAX_POISSON_MEAN]);
/// let err = poisson(&above, &mut rng_from_seed(1));
/// assert!(matches!(err, Err(Error::OutOfDomain { name: "mu", index: 1, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_POISSON_MEAN: f64 = Poisson::<f64>::MAX_LAMBDA;

/// Checks every entry of `v` with `ok`, reporting the first failure.
fn check_entries(
    name: &'static str,
    v: &DVector<f64>,
    reason: &'static str,
    ok: impl Fn(f64) -> bool,
) -> Result<()> {
    match v.iter().position(|&value| !ok(value)) {
        Some(index) => Err(Error::OutOfDomain { name, index, value: v[index], reason }),
        None => Ok(()),
    }
}

/// Poisson counts: `y_i ~ Poisson(μ_i)`, independently.
///
/// # Algorithm
///
/// `rand_distr::Poisson`: Knuth's multiplication method for μ < 12, the PTRS-style
/// rejection method of Ahrens & Dieter otherwise. An entry μᵢ = 0 gives yᵢ = 0 and
/// draws nothing.
///
/// # Cost
///
/// O(1) expected draws per observation for large μ, O(μ) for μ < 12.
///
/// # Accuracy
///
/// Exact sampling up to the generators' floating-point arithmetic.
///
/// # Errors
///
/// [`Error::OutOfDomain`] (`name = "mu"`) if an entry is negative, not finite, or above
/// [`MAX_POISSON_MEAN`].
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let mu = DVector::from_vec(vec![0.5, 3.0, 20.0]);
/// let y = sim::poisson(&mu, &mut sim::rng_from_seed(1))?;
/// assert!(y.iter().all(|&k| k >= 0.0 && k.fract() == 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn poisson(mu: &DVector<f64>, rng: &mut impl Rng) -> Result<DVector<f64>> {
    check_entries("mu", mu, "must be finite, non-negative and at most 1.844e19", |m| {
        (0.0..=MAX_POISSON_MEAN).contains(&m)
    })?;
    let mut y = DVector::zeros(mu.len());
    for (index, (yi, &m)) in y.iter_mut().zip(mu.iter()).enumerate() {
        *yi = poisson_draw(index, m, rng)?;
    }
    Ok(y)
}

/// One Poisson draw for a validated mean; μ = 0 draws nothing.
fn poisson_draw(index: usize, m: f64, rng: &mut impl Rng) -> Result<f64> {
    if m > 0.0 {
        let dist = Poisson::new(m).map_err(|_| Error::OutOfDomain {
            name: "mu",
            index,
            value: m,
            reason: "rejected by the poisson sampler",
        })?;
        Ok(dist.sample(rng))
    } else {
        Ok(0.0)
    }
}

/// Binary responses: `y_i ~ Bernoulli(p_i)`, coded 0.0 / 1.0.
///
/// # Algorithm
///
/// `rand::distr::Bernoulli`: one `u64` per draw compared with ⌊p·2⁶⁴⌋; p = 1 always gives
/// 1 and draws nothing.
///
/// # Cost
///
/// One `u64` per observation.
///
/// # Accuracy
///
/// p is resolved to 2⁻⁶⁴.
///
/// # Errors
///
/// [`Error::OutOfDomain`] (`name = "p"`) if an entry is outside [0, 1] or NaN.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let p = DVector::from_vec(vec![0.0, 0.5, 1.0]);
/// let y = sim::bernoulli(&p, &mut sim::rng_from_seed(1))?;
/// assert_eq!((y[0], y[2]), (0.0, 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bernoulli(p: &DVector<f64>, rng: &mut impl Rng) -> Result<DVector<f64>> {
    check_entries("p", p, "must lie in [0, 1]", |v| (0.0..=1.0).contains(&v))?;
    let mut y = DVector::zeros(p.len());
    for (index, (yi, &pi)) in y.iter_mut().zip(p.iter()).enumerate() {
        let dist = Bernoulli::new(pi).map_err(|_| Error::OutOfDomain {
            name: "p",
            index,
            value: pi,
            reason: "rejected by the bernoulli sampler",
        })?;
        *yi = if rng.sample(dist) { 1.0 } else { 0.0 };
    }
    Ok(y)
}

/// Binomial counts: `y_i ~ Binomial(trials, p_i)`, the number of successes (divide by
/// `trials` for the proportion).
///
/// # Algorithm
///
/// `rand_distr::Binomial` (inversion for small `trials·min(p, 1 − p)`, BTPE otherwise,
/// Kachitvichyanukul & Schmeiser 1988).
///
/// # Cost
///
/// O(1) expected per observation.
///
/// # Accuracy
///
/// Exact sampling up to floating-point arithmetic.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `trials` is 0; [`Error::OutOfDomain`] (`name = "p"`) if an
/// entry is outside [0, 1].
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let y = sim::binomial(&DVector::from_element(4, 0.3), 10, &mut sim::rng_from_seed(2))?;
/// assert!(y.iter().all(|&k| (0.0..=10.0).contains(&k)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn binomial(p: &DVector<f64>, trials: u64, rng: &mut impl Rng) -> Result<DVector<f64>> {
    if trials == 0 {
        return Err(Error::InvalidParameter {
            name: "trials",
            value: 0.0,
            reason: "must be at least 1",
        });
    }
    check_entries("p", p, "must lie in [0, 1]", |v| (0.0..=1.0).contains(&v))?;
    let mut y = DVector::zeros(p.len());
    for (index, (yi, &pi)) in y.iter_mut().zip(p.iter()).enumerate() {
        let dist = Binomial::new(trials, pi).map_err(|_| Error::OutOfDomain {
            name: "p",
            index,
            value: pi,
            reason: "rejected by the binomial sampler",
        })?;
        *yi = count_to_f64(dist.sample(rng));
    }
    Ok(y)
}

/// Gaussian responses: `y_i = μ_i + σ·z_i` with `z_i ~ N(0, 1)`.
///
/// # Algorithm
///
/// `rand_distr::StandardNormal` (ziggurat), one variate per observation.
///
/// # Cost
///
/// One normal variate per observation.
///
/// # Accuracy
///
/// One rounding in the multiply and one in the add.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `sigma` is not finite and positive;
/// [`Error::OutOfDomain`] (`name = "mu"`) if an entry of `mu` is not finite.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let y = sim::gaussian(&DVector::from_element(3, 10.0), 0.1, &mut sim::rng_from_seed(3))?;
/// assert!(y.iter().all(|&v| (v - 10.0).abs() < 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gaussian(mu: &DVector<f64>, sigma: f64, rng: &mut impl Rng) -> Result<DVector<f64>> {
    check_positive("sigma", sigma)?;
    check_entries("mu", mu, "must be finite", f64::is_finite)?;
    Ok(mu.map(|m| m + sigma * standard_normal(rng)))
}

/// Gamma responses with mean μᵢ and shape k: `y_i ~ Gamma(shape = k, scale = μ_i / k)`,
/// so `E y_i = μ_i` and `Var y_i = μ_i² / k` (dispersion φ = 1/k).
///
/// # Algorithm
///
/// `rand_distr::Gamma` (Marsaglia & Tsang 2000; for k < 1 the boost `X·U^{1/k}`).
///
/// # Cost
///
/// O(1) expected per observation.
///
/// # Accuracy
///
/// Exact sampling up to floating-point arithmetic. For k ≪ 1 a draw can underflow to 0,
/// which a Gamma GLM would reject.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `shape` is not finite and positive;
/// [`Error::OutOfDomain`] (`name = "mu"`) if an entry is not finite and positive or μ/k
/// overflows.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let y = sim::gamma(&DVector::from_element(3, 2.0), 5.0, &mut sim::rng_from_seed(4))?;
/// assert!(y.iter().all(|&v| v > 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gamma(mu: &DVector<f64>, shape: f64, rng: &mut impl Rng) -> Result<DVector<f64>> {
    check_positive("shape", shape)?;
    check_entries("mu", mu, "must be finite and positive with mu / shape finite", |m| {
        m.is_finite() && m > 0.0 && (m / shape).is_finite()
    })?;
    let mut y = DVector::zeros(mu.len());
    for (yi, &m) in y.iter_mut().zip(mu.iter()) {
        *yi = gamma_draw(shape, m / shape, rng)?;
    }
    Ok(y)
}

/// One Gamma(shape, scale) draw for validated, finite, positive parameters.
fn gamma_draw(shape: f64, scale: f64, rng: &mut impl Rng) -> Result<f64> {
    let dist = Gamma::new(shape, scale).map_err(|_| Error::InvalidParameter {
        name: "shape",
        value: shape,
        reason: "rejected by the gamma sampler",
    })?;
    Ok(dist.sample(rng))
}

/// Inverse-Gaussian responses: `y_i ~ IG(mean μ_i, shape λ)`, so `E y_i = μ_i` and
/// `Var y_i = μ_i³ / λ` (dispersion φ = 1/λ).
///
/// # Algorithm
///
/// Michael, Schucany & Haas (1976): with `v ~ N(0, 1)` and `w = μ·v²`, the smaller root is
/// `x = 4μλw / (w + √w·√(w + 4λ))²` (algebraically equal to the textbook
/// `μ + μw/(2λ) − μ/(2λ)·√(4λw + w²)` but free of its cancellation, so x > 0 always;
/// x = μ when w = 0). Then with `u ~ U[0, 1)`: y = x if `u ≤ μ/(μ + x)`, else `μ²/x`.
/// Each observation draws one normal then one uniform.
///
/// # Cost
///
/// Two variates and two square roots per observation.
///
/// # Accuracy
///
/// A few ulps per draw, for any ratio μ/λ.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `lambda` is not finite and positive;
/// [`Error::OutOfDomain`] (`name = "mu"`) if an entry is not finite and positive.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let y = sim::inverse_gaussian(&DVector::from_element(3, 1.0), 2.0, &mut sim::rng_from_seed(5))?;
/// assert!(y.iter().all(|&v| v > 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inverse_gaussian(
    mu: &DVector<f64>,
    lambda: f64,
    rng: &mut impl Rng,
) -> Result<DVector<f64>> {
    check_positive("lambda", lambda)?;
    check_entries("mu", mu, "must be finite and positive", |m| m.is_finite() && m > 0.0)?;
    let mut y = DVector::zeros(mu.len());
    for (yi, &m) in y.iter_mut().zip(mu.iter()) {
        let v = standard_normal(rng);
        let w = m * v * v;
        let x = if w > 0.0 {
            let root = w + w.sqrt() * (w + 4.0 * lambda).sqrt();
            4.0 * m * lambda * w / (root * root)
        } else {
            m
        };
        let u: f64 = rng.random();
        *yi = if u <= m / (m + x) { x } else { m * m / x };
    }
    Ok(y)
}

/// Over-dispersed counts: negative binomial as a gamma–Poisson mixture with size θ.
///
/// `λ_i ~ Gamma(shape = θ, scale = μ_i/θ)`, then `y_i ~ Poisson(λ_i)`, so `E y_i = μ_i` and
/// `Var y_i = μ_i + μ_i²/θ` — the parametrisation of R's `MASS::negative.binomial(theta)`.
/// θ → ∞ recovers the Poisson model.
///
/// # Algorithm
///
/// One Gamma draw then one Poisson draw per observation (see [`gamma`] and [`poisson`]).
/// μᵢ = 0, or a mixed mean λᵢ that underflows to 0, gives yᵢ = 0 without a Poisson draw.
///
/// # Cost
///
/// O(1) expected per observation (O(λ) when λ < 12).
///
/// # Accuracy
///
/// Exact sampling up to floating-point arithmetic.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `theta` is not finite and positive;
/// [`Error::OutOfDomain`] (`name = "mu"`) if an entry is negative, not finite, above
/// [`MAX_POISSON_MEAN`], or has μ/θ overflow. In the rare case that a drawn mixed mean λᵢ
/// exceeds [`MAX_POISSON_MEAN`] (possible only for μᵢ within a few orders of magnitude of
/// it), [`Error::OutOfDomain`] with `name = "lambda"` — the only error that depends on the
/// random stream.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let y = sim::negative_binomial(&DVector::from_element(5, 4.0), 2.0, &mut sim::rng_from_seed(6))?;
/// assert!(y.iter().all(|&k| k >= 0.0 && k.fract() == 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn negative_binomial(
    mu: &DVector<f64>,
    theta: f64,
    rng: &mut impl Rng,
) -> Result<DVector<f64>> {
    check_positive("theta", theta)?;
    check_entries(
        "mu",
        mu,
        "must be finite, non-negative, at most 1.844e19, with mu / theta finite",
        |m| (0.0..=MAX_POISSON_MEAN).contains(&m) && (m / theta).is_finite(),
    )?;
    let mut y = DVector::zeros(mu.len());
    for (index, (yi, &m)) in y.iter_mut().zip(mu.iter()).enumerate() {
        if m > 0.0 {
            let lambda = gamma_draw(theta, m / theta, rng)?;
            if lambda > MAX_POISSON_MEAN {
                return Err(Error::OutOfDomain {
                    name: "lambda",
                    index,
                    value: lambda,
                    reason: "the gamma-mixed poisson mean exceeds 1.844e19",
                });
            }
            *yi = poisson_draw(index, lambda, rng)?;
        }
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::usize_to_f64;
    use crate::rng_from_seed;

    const DRAWS: usize = 20_000;

    /// Asserts that the sample mean and variance of `y` are within four standard errors of
    /// the model's, with the standard error of the variance estimated from the sample's
    /// fourth central moment.
    #[track_caller]
    fn check(y: &DVector<f64>, mean: f64, variance: f64) {
        let n = usize_to_f64(y.len());
        let ybar = y.mean();
        let s2 = y.iter().map(|v| (v - ybar).powi(2)).sum::<f64>() / (n - 1.0);
        let m4 = y.iter().map(|v| ((v - ybar).powi(2) - s2).powi(2)).sum::<f64>() / n;
        let (se_mean, se_var) = ((variance / n).sqrt(), (m4 / n).sqrt());
        assert!((ybar - mean).abs() <= 4.0 * se_mean, "mean {ybar} vs {mean} (se {se_mean})");
        assert!((s2 - variance).abs() <= 4.0 * se_var, "variance {s2} vs {variance} (se {se_var})");
    }

    fn constant(value: f64) -> DVector<f64> {
        DVector::from_element(DRAWS, value)
    }

    #[test]
    fn poisson_moments_match_the_model() {
        for (seed, mu) in [(1, 0.7), (2, 4.0), (3, 50.0), (4, 1e4)] {
            let y = poisson(&constant(mu), &mut rng_from_seed(seed)).unwrap();
            assert!(y.iter().all(|k| k.fract() == 0.0 && *k >= 0.0));
            check(&y, mu, mu);
        }
    }

    #[test]
    fn negative_binomial_is_overdispersed_as_documented() {
        for (seed, mu, theta) in [(5, 5.0, 2.0), (6, 20.0, 0.5), (7, 3.0, 100.0)] {
            let y = negative_binomial(&constant(mu), theta, &mut rng_from_seed(seed)).unwrap();
            check(&y, mu, mu + mu * mu / theta);
        }
    }

    #[test]
    fn bernoulli_and_binomial_moments_match_the_model() {
        let p = 0.3;
        check(&bernoulli(&constant(p), &mut rng_from_seed(8)).unwrap(), p, p * (1.0 - p));
        let y = binomial(&constant(p), 12, &mut rng_from_seed(9)).unwrap();
        check(&y, 12.0 * p, 12.0 * p * (1.0 - p));
        let y = binomial(&constant(0.9), 1000, &mut rng_from_seed(10)).unwrap();
        check(&y, 900.0, 90.0);
    }

    #[test]
    fn continuous_responses_match_mean_and_variance() {
        let y = gaussian(&constant(-2.0), 3.0, &mut rng_from_seed(11)).unwrap();
        check(&y, -2.0, 9.0);
        for (seed, mu, shape) in [(12, 2.0, 5.0), (13, 0.5, 0.3)] {
            let y = gamma(&constant(mu), shape, &mut rng_from_seed(seed)).unwrap();
            check(&y, mu, mu * mu / shape);
        }
        for (seed, mu, lambda) in [(14, 1.0, 2.0), (15, 3.0, 20.0)] {
            let y = inverse_gaussian(&constant(mu), lambda, &mut rng_from_seed(seed)).unwrap();
            check(&y, mu, mu.powi(3) / lambda);
        }
    }

    #[test]
    fn inverse_gaussian_stays_positive_when_mu_dwarfs_lambda() {
        let y = inverse_gaussian(&constant(1e8), 1e-3, &mut rng_from_seed(16)).unwrap();
        assert!(y.iter().all(|v| v.is_finite() && *v > 0.0));
    }

    #[test]
    fn degenerate_means_give_degenerate_draws() {
        let zeros = DVector::from_element(3, 0.0);
        assert_eq!(poisson(&zeros, &mut rng_from_seed(0)).unwrap(), zeros);
        assert_eq!(negative_binomial(&zeros, 1.0, &mut rng_from_seed(0)).unwrap(), zeros);
        let ones = DVector::from_element(3, 1.0);
        assert_eq!(bernoulli(&ones, &mut rng_from_seed(0)).unwrap(), ones);
        assert_eq!(binomial(&ones, 4, &mut rng_from_seed(0)).unwrap(), ones * 4.0);
        assert_eq!(bernoulli(&zeros, &mut rng_from_seed(0)).unwrap(), zeros);
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        let v = |x: &[f64]| DVector::from_column_slice(x);
        assert!(matches!(
            poisson(&v(&[1.0, -1.0]), rng),
            Err(Error::OutOfDomain { name: "mu", index: 1, .. })
        ));
        assert!(matches!(
            poisson(&v(&[f64::NAN]), rng),
            Err(Error::OutOfDomain { name: "mu", index: 0, .. })
        ));
        assert!(matches!(poisson(&v(&[1e20]), rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(
            bernoulli(&v(&[0.5, 1.5]), rng),
            Err(Error::OutOfDomain { name: "p", index: 1, .. })
        ));
        assert!(matches!(binomial(&v(&[-0.1]), 3, rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(
            binomial(&v(&[0.5]), 0, rng),
            Err(Error::InvalidParameter { name: "trials", .. })
        ));
        assert!(matches!(
            gaussian(&v(&[0.0]), 0.0, rng),
            Err(Error::InvalidParameter { name: "sigma", .. })
        ));
        assert!(matches!(gaussian(&v(&[f64::INFINITY]), 1.0, rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(
            gamma(&v(&[1.0]), -1.0, rng),
            Err(Error::InvalidParameter { name: "shape", .. })
        ));
        assert!(matches!(gamma(&v(&[0.0]), 1.0, rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(gamma(&v(&[1e300]), 1e-300, rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(
            inverse_gaussian(&v(&[1.0]), f64::NAN, rng),
            Err(Error::InvalidParameter { name: "lambda", .. })
        ));
        assert!(matches!(inverse_gaussian(&v(&[-1.0]), 1.0, rng), Err(Error::OutOfDomain { .. })));
        assert!(matches!(
            negative_binomial(&v(&[1.0]), 0.0, rng),
            Err(Error::InvalidParameter { name: "theta", value, .. }) if value == 0.0
        ));
        assert!(matches!(negative_binomial(&v(&[-2.0]), 1.0, rng), Err(Error::OutOfDomain { .. })));
    }

    #[test]
    fn empty_means_give_empty_responses() {
        let empty = DVector::<f64>::zeros(0);
        assert_eq!(poisson(&empty, &mut rng_from_seed(0)).unwrap().len(), 0);
        assert_eq!(gamma(&empty, 1.0, &mut rng_from_seed(0)).unwrap().len(), 0);
    }
}

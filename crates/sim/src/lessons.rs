//! The GLM lessons' datasets: Poisson counts on a log link and binary data on a logit link,
//! each on an evenly spaced covariate with an intercept.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::error::{Error, Result, check_finite, check_min_size};
use crate::glm_data::{GlmSample, ResponseKind, glm_response, logistic};
use crate::numeric::usize_to_f64;

/// `m` evenly spaced points from `start` to `end`, both included (like `numpy.linspace`).
///
/// `t_i = start + i·h` with `h = (end − start)/(m − 1)` for i < m − 1, and `t_{m−1} = end`
/// exactly. For m = 1 the single point is `start`.
///
/// # Algorithm
///
/// The formula above, as `numpy.linspace` evaluates it (multiply, then add).
///
/// # Cost
///
/// 2m flops.
///
/// # Accuracy
///
/// Each interior point carries up to three roundings (h, i·h, the sum); the end points are
/// exact.
///
/// # Errors
///
/// [`Error::InvalidSize`] if m = 0; [`Error::InvalidParameter`] if an end point or the
/// width `end − start` is not finite.
///
/// # Examples
///
/// ```
/// let t = sim::linspace(0.0, 3.0, 4)?;
/// assert_eq!(t.as_slice(), &[0.0, 1.0, 2.0, 3.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn linspace(start: f64, end: f64, m: usize) -> Result<DVector<f64>> {
    check_min_size("m", m, 1)?;
    check_finite("start", start)?;
    check_finite("end", end)?;
    let width = end - start;
    check_finite("end - start", width)?;
    if m == 1 {
        return Ok(DVector::from_element(1, start));
    }
    let h = width / usize_to_f64(m - 1);
    Ok(DVector::from_fn(m, |i, _| if i + 1 == m { end } else { start + usize_to_f64(i) * h }))
}

/// Validates a lesson configuration and builds its design `[1, t]`.
fn lesson_design(
    m: usize,
    x_range: (f64, f64),
    theta: [f64; 2],
) -> Result<(DMatrix<f64>, DVector<f64>)> {
    check_min_size("m", m, 2)?;
    let (start, end) = x_range;
    let t = linspace(start, end, m)?;
    // Both ends are finite here (checked by `linspace`), so `>=` is the negation of `<`.
    if start >= end {
        return Err(Error::InvalidParameter {
            name: "x_range.1",
            value: end,
            reason: "must be greater than the start of the range",
        });
    }
    check_finite("theta[0]", theta[0])?;
    check_finite("theta[1]", theta[1])?;
    let x = DMatrix::from_fn(m, 2, |i, j| if j == 0 { 1.0 } else { t[i] });
    Ok((x, t))
}

/// Configuration of the Poisson-regression lesson's data.
///
/// # Model
///
/// - covariate `t = linspace(start, end, m)` (see [`linspace`]);
/// - design `X = [1, t]` (m × 2, intercept first);
/// - mean `μ_i = exp(θ₀ + θ₁·t_i)` (log link);
/// - response `y_i ~ Poisson(μ_i)` independently, drawn in index order (see
///   [`poisson`](crate::poisson)).
///
/// Defaults are the lesson's: m = 80, (start, end) = (0, 3), θ = (0.3, 0.8), so μ runs
/// from e^0.3 ≈ 1.35 to e^2.7 ≈ 14.9.
///
/// # Examples
///
/// ```
/// let lesson = sim::PoissonLesson::default().m(20).theta([0.0, 1.0]);
/// let s = lesson.generate(&mut sim::rng_from_seed(1))?;
/// assert_eq!(s.x.shape(), (20, 2));
/// assert_eq!(s.mu[19], 3.0_f64.exp());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PoissonLesson {
    /// Number of observations m (at least 2). Default 80.
    pub m: usize,
    /// Covariate range (start, end), start < end. Default (0, 3).
    pub x_range: (f64, f64),
    /// Coefficients (θ₀ intercept, θ₁ slope). Default (0.3, 0.8).
    pub theta: [f64; 2],
}

impl Default for PoissonLesson {
    fn default() -> Self {
        Self { m: 80, x_range: (0.0, 3.0), theta: [0.3, 0.8] }
    }
}

impl PoissonLesson {
    /// Sets the number of observations m (default 80).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::PoissonLesson::default().m(10).m, 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn m(mut self, m: usize) -> Self {
        self.m = m;
        self
    }

    /// Sets the covariate range (default (0, 3)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::PoissonLesson::default().x_range(-1.0, 1.0).x_range, (-1.0, 1.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn x_range(mut self, start: f64, end: f64) -> Self {
        self.x_range = (start, end);
        self
    }

    /// Sets the coefficients (θ₀, θ₁) (default (0.3, 0.8)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::PoissonLesson::default().theta([1.0, -0.5]).theta, [1.0, -0.5]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn theta(mut self, theta: [f64; 2]) -> Self {
        self.theta = theta;
        self
    }

    /// Draws the dataset described in the type's documentation.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSize`] if m < 2; [`Error::InvalidParameter`] if the range is not
    /// finite or not increasing, or θ is not finite; [`Error::MeanOverflow`] if
    /// `exp(θ₀ + θ₁ t_i)` overflows; [`Error::OutOfDomain`] if a mean exceeds
    /// [`MAX_POISSON_MEAN`](crate::MAX_POISSON_MEAN).
    ///
    /// # Examples
    ///
    /// ```
    /// let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// assert_eq!(s.y.len(), 80);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(&self, rng: &mut impl Rng) -> Result<GlmSample> {
        let (x, t) = lesson_design(self.m, self.x_range, self.theta)?;
        let theta = DVector::from_column_slice(&self.theta);
        let mut sample = glm_response(x, &theta, f64::exp, ResponseKind::Poisson, rng)?;
        sample.t = Some(t);
        Ok(sample)
    }
}

/// Configuration of the logistic-regression dataset used in reports.
///
/// # Model
///
/// - covariate `t = linspace(start, end, m)`;
/// - design `X = [1, t]`;
/// - probability `p_i = 1/(1 + exp(−(θ₀ + θ₁·t_i)))` (logit link, evaluated without
///   overflow);
/// - response `y_i ~ Bernoulli(p_i)` coded 0/1, drawn in index order (see
///   [`bernoulli`](crate::bernoulli)).
///
/// Defaults: m = 100, (start, end) = (−3, 3), θ = (−0.5, 1.5), so p runs from about 0.007
/// to 0.98 and both classes overlap in the middle (the maximum-likelihood estimate exists).
///
/// # Examples
///
/// ```
/// let s = sim::LogisticLesson::default().generate(&mut sim::rng_from_seed(1))?;
/// assert_eq!(s.x.shape(), (100, 2));
/// assert!(s.y.iter().all(|&v| v == 0.0 || v == 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LogisticLesson {
    /// Number of observations m (at least 2). Default 100.
    pub m: usize,
    /// Covariate range (start, end), start < end. Default (−3, 3).
    pub x_range: (f64, f64),
    /// Coefficients (θ₀ intercept, θ₁ slope). Default (−0.5, 1.5).
    pub theta: [f64; 2],
}

impl Default for LogisticLesson {
    fn default() -> Self {
        Self { m: 100, x_range: (-3.0, 3.0), theta: [-0.5, 1.5] }
    }
}

impl LogisticLesson {
    /// Sets the number of observations m (default 100).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::LogisticLesson::default().m(10).m, 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn m(mut self, m: usize) -> Self {
        self.m = m;
        self
    }

    /// Sets the covariate range (default (−3, 3)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::LogisticLesson::default().x_range(0.0, 1.0).x_range, (0.0, 1.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn x_range(mut self, start: f64, end: f64) -> Self {
        self.x_range = (start, end);
        self
    }

    /// Sets the coefficients (θ₀, θ₁) (default (−0.5, 1.5)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::LogisticLesson::default().theta([0.0, 2.0]).theta, [0.0, 2.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn theta(mut self, theta: [f64; 2]) -> Self {
        self.theta = theta;
        self
    }

    /// Draws the dataset described in the type's documentation.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSize`] if m < 2; [`Error::InvalidParameter`] if the range is not
    /// finite or not increasing, or θ is not finite; [`Error::MeanOverflow`] if
    /// θ₀ + θ₁·tᵢ overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = sim::LogisticLesson::default().m(30).generate(&mut sim::rng_from_seed(5))?;
    /// assert_eq!(s.t.map(|t| t[29]), Some(3.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(&self, rng: &mut impl Rng) -> Result<GlmSample> {
        let (x, t) = lesson_design(self.m, self.x_range, self.theta)?;
        let theta = DVector::from_column_slice(&self.theta);
        let mut sample = glm_response(x, &theta, logistic, ResponseKind::Bernoulli, rng)?;
        sample.t = Some(t);
        Ok(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    #[track_caller]
    fn check(s: &GlmSample, m: usize, first_t: f64, last_t: f64) {
        let t = s.t.as_ref().expect("lessons record their covariate");
        assert_eq!((s.x.shape(), t.len(), s.y.len(), s.mu.len()), ((m, 2), m, m, m));
        assert_eq!((t[0].to_bits(), t[m - 1].to_bits()), (first_t.to_bits(), last_t.to_bits()));
        assert!(s.x.column(0).iter().all(|&v| v.to_bits() == 1.0_f64.to_bits()));
        assert_eq!(s.x.column(1), t.column(0));
    }

    #[test]
    fn poisson_lesson_matches_the_lesson_model() {
        let s = PoissonLesson::default().generate(&mut rng_from_seed(42)).unwrap();
        check(&s, 80, 0.0, 3.0);
        let t = s.t.as_ref().unwrap();
        for i in 0..80 {
            assert_eq!(s.mu[i].to_bits(), (0.3 + 0.8 * t[i]).exp().to_bits());
        }
        assert!(s.y.iter().all(|v| v.fract() == 0.0 && *v >= 0.0));
        approx::assert_relative_eq!(t[1], 3.0 / 79.0, max_relative = 2.0 * f64::EPSILON);
    }

    #[test]
    fn logistic_lesson_has_both_classes() {
        let s = LogisticLesson::default().generate(&mut rng_from_seed(42)).unwrap();
        check(&s, 100, -3.0, 3.0);
        let ones = s.y.iter().filter(|v| v.to_bits() == 1.0_f64.to_bits()).count();
        assert!(ones > 20 && ones < 80, "{ones} successes out of 100");
    }

    #[test]
    fn linspace_matches_numpy_conventions() {
        assert_eq!(linspace(2.0, 5.0, 1).unwrap().as_slice(), &[2.0]);
        assert_eq!(linspace(1.0, 0.0, 3).unwrap().as_slice(), &[1.0, 0.5, 0.0]);
        assert!(matches!(
            linspace(0.0, 1.0, 0),
            Err(Error::InvalidSize { name: "m", value: 0, min: 1 })
        ));
        assert!(matches!(linspace(-f64::MAX, f64::MAX, 3), Err(Error::InvalidParameter { .. })));
    }

    #[test]
    fn invalid_lessons_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        let lesson = PoissonLesson::default();
        assert!(matches!(
            lesson.m(1).generate(rng),
            Err(Error::InvalidSize { name: "m", value: 1, min: 2 })
        ));
        assert!(matches!(
            lesson.x_range(3.0, 3.0).generate(rng),
            Err(Error::InvalidParameter { name: "x_range.1", .. })
        ));
        assert!(matches!(
            lesson.x_range(0.0, f64::NAN).generate(rng),
            Err(Error::InvalidParameter { name: "end", .. })
        ));
        assert!(matches!(
            lesson.theta([f64::INFINITY, 0.0]).generate(rng),
            Err(Error::InvalidParameter { name: "theta[0]", .. })
        ));
        assert!(matches!(
            lesson.theta([0.3, 300.0]).generate(rng),
            Err(Error::MeanOverflow { index, .. }) if index > 0
        ));
        assert!(matches!(
            lesson.theta([50.0, 0.0]).generate(rng),
            Err(Error::OutOfDomain { name: "mu", .. })
        ));
        assert!(matches!(
            LogisticLesson::default().m(0).generate(rng),
            Err(Error::InvalidSize { name: "m", value: 0, .. })
        ));
    }
}

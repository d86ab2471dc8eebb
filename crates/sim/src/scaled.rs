//! Poisson counts on covariates in natural units whose scales differ by orders of magnitude,
//! the data on which a fixed gradient-ascent step diverges or crawls.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::error::{Result, check_finite, check_min_size, check_positive};
use crate::glm_data::{GlmSample, ResponseKind, glm_response};
use crate::numeric::standard_normal;

/// Configuration of Poisson counts on three covariates in very different units.
///
/// # Model
///
/// - covariates `x_ij = s_j·(1 + z_ij/2)` for `j = 1, 2, 3` with `z_ij ~ N(0, 1)` drawn in
///   column-major order (column 1 top to bottom, then column 2, then 3): each column has mean
///   `s_j` and standard deviation `s_j/2`, like a measurement in its natural unit;
/// - design `X = [1, x_1, x_2, x_3]` (m × 4, intercept first);
/// - coefficients `β₀ = intercept`, `β_j = effects_j/s_j`, so that every covariate moves the
///   linear predictor by about `effects_j/2` per standard deviation whatever its unit;
/// - mean `μ_i = exp(x_iᵀβ)` (log link), response `y_i ~ Poisson(μ_i)` drawn in index order
///   after the covariates.
///
/// Defaults: m = 400, scales `s = (10⁻², 1, 10²)` (a spread of 10⁴), effects `(0.4, −0.3,
/// 0.2)`, intercept 0.5, so that μ is about 2.5 (from about 1 to 6). The Fisher information's
/// eigenvalues then spread over about eight orders of magnitude: a fixed step small enough for
/// the 10² column barely moves the 10⁻² one.
///
/// # Examples
///
/// ```
/// let s = sim::ScaledPoisson::default().generate(&mut sim::rng_from_seed(1))?;
/// assert_eq!(s.x.shape(), (400, 4));
/// let mean = |j: usize| s.x.column(j).mean();
/// assert!(mean(3) / mean(1) > 5e3 && mean(3) / mean(1) < 2e4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScaledPoisson {
    /// Number of observations m (at least 4). Default 400.
    pub m: usize,
    /// The scales `s_j` of the three covariates, finite and positive. Default (10⁻², 1, 10²).
    pub scales: [f64; 3],
    /// The effects `β_j·s_j`, finite. Default (0.4, −0.3, 0.2).
    pub effects: [f64; 3],
    /// The intercept `β₀`, finite. Default 0.5.
    pub intercept: f64,
}

impl Default for ScaledPoisson {
    fn default() -> Self {
        Self { m: 400, scales: [1e-2, 1.0, 1e2], effects: [0.4, -0.3, 0.2], intercept: 0.5 }
    }
}

impl ScaledPoisson {
    /// Sets the number of observations m (default 400).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::ScaledPoisson::default().m(50).m, 50);
    /// ```
    #[must_use]
    pub fn m(mut self, m: usize) -> Self {
        self.m = m;
        self
    }

    /// Sets the scales of the three covariates (default (10⁻², 1, 10²)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(sim::ScaledPoisson::default().scales([1.0, 1e3, 1e6]).scales[2], 1e6);
    /// ```
    #[must_use]
    pub fn scales(mut self, scales: [f64; 3]) -> Self {
        self.scales = scales;
        self
    }

    /// The coefficients `β` of the generating model, intercept first.
    ///
    /// # Examples
    ///
    /// ```
    /// let beta = sim::ScaledPoisson::default().coefficients();
    /// assert_eq!(beta.as_slice(), &[0.5, 40.0, -0.3, 0.002]);
    /// ```
    #[must_use]
    pub fn coefficients(&self) -> DVector<f64> {
        DVector::from_fn(4, |j, _| {
            if j == 0 { self.intercept } else { self.effects[j - 1] / self.scales[j - 1] }
        })
    }

    /// Draws the data set described in the type's documentation.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidSize`] if m < 4; [`crate::Error::InvalidParameter`] for a scale
    /// that is not finite and positive or an effect or intercept that is not finite;
    /// [`crate::Error::MeanOverflow`] if a mean overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = sim::ScaledPoisson::default().generate(&mut sim::rng_from_seed(3))?;
    /// let b = sim::ScaledPoisson::default().generate(&mut sim::rng_from_seed(3))?;
    /// assert_eq!(a.y, b.y);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(&self, rng: &mut impl Rng) -> Result<GlmSample> {
        check_min_size("m", self.m, 4)?;
        for &s in &self.scales {
            check_positive("scales", s)?;
        }
        for &b in &self.effects {
            check_finite("effects", b)?;
        }
        check_finite("intercept", self.intercept)?;
        let mut x = DMatrix::from_element(self.m, 4, 1.0);
        for (j, &s) in self.scales.iter().enumerate() {
            for i in 0..self.m {
                x[(i, j + 1)] = s * (1.0 + standard_normal(rng) / 2.0);
            }
        }
        glm_response(x, &self.coefficients(), f64::exp, ResponseKind::Poisson, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    #[test]
    fn the_first_draws_are_pinned_for_a_fixed_seed() {
        let s = ScaledPoisson::default().generate(&mut rng_from_seed(2024)).unwrap();
        let x = [s.x[(0, 1)], s.x[(0, 2)], s.x[(0, 3)]];
        let y = [s.y[0], s.y[1], s.y[2]];
        assert_eq!(
            format!("{x:?} {y:?}"),
            "[0.0065275281921832245, 0.9582050950929163, 94.90910766940046] [2.0, 4.0, 1.0]"
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad = ScaledPoisson::default().scales([1.0, 0.0, 1.0]);
        let err = bad.generate(&mut rng_from_seed(1)).unwrap_err();
        assert!(matches!(err, crate::Error::InvalidParameter { name: "scales", .. }), "{err}");
        let err = ScaledPoisson::default().m(3).generate(&mut rng_from_seed(1)).unwrap_err();
        assert!(matches!(err, crate::Error::InvalidSize { name: "m", .. }), "{err}");
    }
}

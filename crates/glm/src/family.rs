//! [`Family`]: the random component of a GLM (variance function, unit deviance,
//! log-likelihood, domains, starting values).

use statrs::function::gamma::ln_gamma;

use crate::domain::Domain;
use crate::link::Link;
use crate::numeric::{
    LnFactorial, STIRLING_MIN, half_binomial_deviance_lane, half_poisson_deviance,
    half_poisson_deviance_lane, ln, stirling_remainder, t_minus_log1p, x_ln,
};
use crate::per_row::Rows;

/// Added to a Poisson response for its starting mean, `μ₀ = y + 0.1` (R's `mustart`), so that
/// `ln μ₀` is finite for `y = 0`.
const POISSON_START_SHIFT: f64 = 0.1;

/// Added to a zero negative-binomial response for its starting mean, `μ₀ = y + (y = 0)/6`
/// (MASS's `negative.binomial()$initialize`).
const NEGATIVE_BINOMIAL_START_SHIFT: f64 = 1.0 / 6.0;

/// The distribution of the response: an exponential-dispersion family with
/// `Var(y) = φ·V(μ)/w` for prior weight `w`.
///
/// | family | `V(μ)` | dispersion `φ` | response | default link |
/// | --- | --- | --- | --- | --- |
/// | `Gaussian` | 1 | estimated | finite | identity |
/// | `Poisson` | μ | 1 | `y ≥ 0` | log |
/// | `Bernoulli` | μ(1 − μ) | 1 | `y ∈ {0, 1}` | logit |
/// | `Binomial` | μ(1 − μ) | 1 | proportion `y ∈ [0, 1]`, or successes with [`crate::Data::trials`] | logit |
/// | `Gamma` | μ² | estimated | `y > 0` | inverse |
/// | `InverseGaussian` | μ³ | estimated | `y > 0` | 1/μ² |
/// | `NegativeBinomial { theta }` | μ + μ²/θ | 1 | `y ≥ 0` | log |
/// | `QuasiPoisson` | μ | estimated | `y ≥ 0` | log |
/// | `QuasiBinomial` | μ(1 − μ) | estimated | as `Binomial` | logit |
///
/// The quasi families are R's `quasipoisson()` and `quasibinomial()`: the Poisson's and the
/// binomial's variance function, deviance, IRLS and coefficients, with the dispersion estimated
/// as Pearson χ²/df (standard errors scaled by `√φ`, t tests on the residual degrees of freedom)
/// and no likelihood, so a fit's log-likelihood, AIC and BIC are [`crate::Error::Unsupported`]
/// ([`Family::has_likelihood`]). Non-integer counts carry no warning for them, as in R.
/// For the negative binomial with θ estimated see [`crate::fit_negative_binomial`].
///
/// The default link is the canonical one except for the negative binomial, whose canonical
/// link `ln(μ/(μ + θ))` depends on θ; there, as in MASS, it is the log link.
/// Any [`Link`] can be used with any family ([`Family::with_link`]). `Display` gives R's name
/// of the family (`binomial` for [`Family::Bernoulli`] too, `Gamma` capitalised,
/// `Negative Binomial(θ)` as MASS prints it, `quasipoisson`, `quasibinomial`).
///
/// # Examples
///
/// ```
/// use glm::{Domain, Family, Link};
///
/// let nb = Family::NegativeBinomial { theta: 2.0 };
/// assert_eq!((Family::Poisson.variance(3.0), nb.variance(2.0), Family::Bernoulli.variance(0.5)), (3.0, 4.0, 0.25));
/// assert_eq!(Family::Poisson.canonical_link(), Some(Link::Log));
/// assert_eq!(nb.canonical_link(), None);
/// assert!(Family::Gamma.estimates_dispersion() && !Family::Poisson.estimates_dispersion());
/// // Unit deviances are non-negative and vanish at y = μ.
/// assert_eq!(Family::Poisson.unit_deviance(2.0, 2.0), 0.0);
/// assert!((Family::Poisson.unit_deviance(4.0, 2.0) - 2.0 * (4.0 * 2.0_f64.ln() - 2.0)).abs() < 1e-15);
/// // Where responses and fitted means may lie.
/// assert_eq!(Family::Bernoulli.response_domain(), Domain::Binary);
/// assert_eq!(Family::Binomial.response_domain(), Domain::ClosedUnit);
/// assert_eq!(Family::Binomial.mean_domain(), Domain::OpenUnit);
/// // R's starting means: y + 0.1 for counts, (w·y + 0.5)/(w + 1) for proportions.
/// assert_eq!((Family::Poisson.starting_mean(0.0, 1.0), Family::Bernoulli.starting_mean(1.0, 1.0)), (0.1, 0.75));
/// // Poisson(2) at y = 3: 3 ln 2 − 2 − ln 6.
/// let l = Family::Poisson.log_density(3.0, 2.0, 1.0);
/// assert!((l - (3.0 * 2.0_f64.ln() - 2.0 - 6.0_f64.ln())).abs() < 1e-14);
/// assert_eq!(Family::InverseGaussian.to_string(), "inverse.gaussian");
/// assert_eq!(nb.to_string(), "Negative Binomial(2)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Family {
    /// Normal errors with constant variance.
    Gaussian,
    /// Counts with variance equal to the mean.
    Poisson,
    /// Binary responses coded 0 and 1 (a binomial with one trial).
    Bernoulli,
    /// Binomial proportions, with trials given by [`crate::Data::trials`] (default one
    /// per observation); see [`crate::successes_failures`] for R's `cbind(successes, failures)`.
    Binomial,
    /// Positive continuous responses with constant coefficient of variation.
    Gamma,
    /// Positive continuous responses with variance `φμ³`.
    InverseGaussian,
    /// Counts with variance `μ + μ²/θ` for a fixed, known size `θ > 0` (MASS's
    /// `negative.binomial(theta)`; NB2 with `α = 1/θ`).
    NegativeBinomial {
        /// The size (shape) parameter θ > 0.
        theta: f64,
    },
    /// Over-dispersed counts: the Poisson's variance function `μ` times an estimated
    /// dispersion `φ` (R's `quasipoisson()`).
    QuasiPoisson,
    /// Over-dispersed binomial proportions: `μ(1 − μ)` times an estimated dispersion `φ`, with
    /// trials as for [`Family::Binomial`] (R's `quasibinomial()`).
    QuasiBinomial,
}

impl Family {
    /// The link used when none is given (`Model::from(family)`): the canonical link, except
    /// log for the negative binomial.
    pub(crate) const fn default_link(self) -> Link {
        match self {
            Family::Gaussian => Link::Identity,
            Family::Poisson | Family::QuasiPoisson | Family::NegativeBinomial { .. } => Link::Log,
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => Link::Logit,
            Family::Gamma => Link::Inverse,
            Family::InverseGaussian => Link::InverseSquared,
        }
    }

    /// The canonical link `g = (b′)⁻¹`, for which `Xᵀ(y − μ) = 0` at the optimum and the
    /// observed and expected information coincide; `None` for the negative binomial, whose
    /// canonical link is not one of the [`Link`]s.
    #[must_use]
    pub const fn canonical_link(self) -> Option<Link> {
        match self {
            Family::NegativeBinomial { .. } => None,
            _ => Some(self.default_link()),
        }
    }

    /// Whether the dispersion `φ` is estimated (Gaussian, Gamma, inverse Gaussian and the
    /// quasi families: Pearson χ²/df, t tests) or fixed at 1 (the others: z tests), R's rule in
    /// `summary.glm`.
    #[must_use]
    pub const fn estimates_dispersion(self) -> bool {
        matches!(
            self,
            Family::Gaussian
                | Family::Gamma
                | Family::InverseGaussian
                | Family::QuasiPoisson
                | Family::QuasiBinomial
        )
    }

    /// Whether the family is a distribution with a likelihood: false for the quasi families,
    /// which specify only a mean and a variance function, so that a fit's
    /// [`crate::GlmFit::log_likelihood`], AIC and BIC are [`crate::Error::Unsupported`] (R's
    /// `NA`).
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::Family;
    ///
    /// assert!(Family::Poisson.has_likelihood());
    /// assert!(!Family::QuasiPoisson.has_likelihood() && !Family::QuasiBinomial.has_likelihood());
    /// ```
    #[must_use]
    pub const fn has_likelihood(self) -> bool {
        !matches!(self, Family::QuasiPoisson | Family::QuasiBinomial)
    }

    /// The variance function `V(μ)`.
    #[must_use]
    pub fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Poisson | Family::QuasiPoisson => mu,
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => mu * (1.0 - mu),
            Family::Gamma => mu * mu,
            Family::InverseGaussian => mu * mu * mu,
            Family::NegativeBinomial { theta } => mu + mu * mu / theta,
        }
    }

    /// `V′(μ)/V(μ)`, the logarithmic derivative of the variance function, for the observed
    /// information of Newton steps; in closed form, so that it stays finite where `V(μ)` under-
    /// or overflows (a Gamma mean of `10⁻²⁹⁸` has `V(μ) = 0` in `f64`).
    pub(crate) fn variance_log_derivative(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 0.0,
            Family::Poisson | Family::QuasiPoisson => 1.0 / mu,
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => {
                (1.0 - 2.0 * mu) / mu / (1.0 - mu)
            }
            Family::Gamma => 2.0 / mu,
            Family::InverseGaussian => 3.0 / mu,
            Family::NegativeBinomial { theta } => {
                (1.0 + 2.0 * mu / theta) / mu / (1.0 + mu / theta)
            }
        }
    }

    /// `v/√V(μ)`, computed without forming `V(μ)` (or `√V(μ)` where it would overflow or
    /// underflow on its own), so that the IRLS weights `√W = √w·|dμ/dη|/√V(μ)` and the Pearson
    /// residuals stay finite wherever they are representable: `μ³` overflows beyond `10¹⁰²`,
    /// while `(dμ/dη)/μ^{3/2}` of the log link is `μ^{−1/2}`.
    pub(crate) fn over_variance_root(self, mu: f64, v: f64) -> f64 {
        match self {
            Family::Gaussian => v,
            Family::Poisson | Family::QuasiPoisson => v / mu.sqrt(),
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => {
                v / (mu * (1.0 - mu)).sqrt()
            }
            Family::Gamma => v / mu.abs(),
            Family::InverseGaussian => v / mu.abs() / mu.abs().sqrt(),
            Family::NegativeBinomial { theta } => v / mu.sqrt() / (1.0 + mu / theta).sqrt(),
        }
    }

    /// The unit deviance `d(y, μ) = 2·[ℓ(y; y) − ℓ(y; μ)]·φ` of one observation with unit
    /// weight (for the binomial, `y` is the proportion of one trial).
    ///
    /// `(y − μ)²` (Gaussian), `2[y ln(y/μ) − (y − μ)]` (Poisson),
    /// `2[y ln(y/μ) + (1 − y) ln((1 − y)/(1 − μ))]` (binomial), `−2[ln(y/μ) − (y − μ)/μ]`
    /// (Gamma), `(y − μ)²/(yμ²)` (inverse Gaussian),
    /// `2[y ln(y/μ) − (y + θ) ln((y + θ)/(μ + θ))]` (negative binomial), with `0·ln 0 = 0`.
    ///
    /// # Algorithm
    /// The logarithmic terms are evaluated as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)`,
    /// summed by its Taylor series for `|t| < 1/4`; the negative binomial's as `(y + θ)` times
    /// the binomial deviance of `y/(y + θ)` against `μ/(μ + θ)` (the same quantity as MASS's
    /// formula for integer `y`).
    ///
    /// # Cost
    /// O(1); up to about 25 series terms.
    ///
    /// # Accuracy
    /// A few ulps relative, with no cancellation when `y ≈ μ`: the result is non-negative and
    /// exactly 0 when `y = μ`.
    #[must_use]
    pub fn unit_deviance(self, y: f64, mu: f64) -> f64 {
        match self {
            Family::Gaussian => (y - mu) * (y - mu),
            Family::Poisson | Family::QuasiPoisson => 2.0 * half_poisson_deviance(y, mu),
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => {
                2.0 * half_binomial_deviance(y, mu)
            }
            Family::Gamma => 2.0 * t_minus_log1p(y / mu - 1.0),
            Family::InverseGaussian => {
                let relative = (y - mu) / mu;
                relative * relative / y
            }
            Family::NegativeBinomial { theta } => {
                2.0 * (y + theta) * half_binomial_deviance(y / (y + theta), mu / (mu + theta))
            }
        }
    }

    /// `Σ wᵢ·d(yᵢ, μᵢ)` over the rows with `wᵢ > 0`, added in row order: bit for bit the sum of
    /// `wᵢ * self.unit_deviance(yᵢ, μᵢ)` row by row. For the Poisson and binomial families the
    /// unit deviances are formed in chunks by a loop without branches, which the compiler
    /// vectorises inside a SIMD-dispatched operation; a row whose branch-free value is not
    /// finite (a ratio `μ/y` that overflows) is formed again by [`Family::unit_deviance`].
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn weighted_deviance(self, y: &[f64], mu: Rows<'_>, weights: Rows<'_>) -> f64 {
        self.weighted_deviance_from(0.0, y, mu, weights)
    }

    /// [`Family::weighted_deviance`] added to `total`, row by row in the same order: the rows
    /// of a run taken in consecutive pieces, each from the total of those before, give the
    /// whole run's sum bit for bit.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn weighted_deviance_from(
        self,
        total: f64,
        y: &[f64],
        mu: Rows<'_>,
        weights: Rows<'_>,
    ) -> f64 {
        match self {
            Family::Poisson | Family::QuasiPoisson => {
                self.chunked_deviance::<PoissonLane>(total, y, mu, weights)
            }
            // A Bernoulli response is 0 or 1 (checked when the problem is built).
            Family::Bernoulli => self.chunked_deviance::<BernoulliLane>(total, y, mu, weights),
            Family::Binomial | Family::QuasiBinomial => {
                self.chunked_deviance::<BinomialLane>(total, y, mu, weights)
            }
            _ => {
                let mut deviance = total;
                for (k, &y) in y.iter().enumerate() {
                    let w = weights.get(k);
                    if w > 0.0 {
                        deviance += w * self.unit_deviance(y, mu.get(k));
                    }
                }
                deviance
            }
        }
    }

    /// [`Family::weighted_deviance`] with `L`, the family's unit deviance without branches.
    #[inline(always)]
    fn chunked_deviance<L: Lane>(
        self,
        total: f64,
        y: &[f64],
        mu: Rows<'_>,
        weights: Rows<'_>,
    ) -> f64 {
        const CHUNK: usize = 64;
        let (mut terms, mut mu_buf, mut weight_buf) = ([0.0; CHUNK], [0.0; CHUNK], [0.0; CHUNK]);
        let mut deviance = total;
        for (c, y) in y.chunks(CHUNK).enumerate() {
            let mu = mu.chunk(c * CHUNK, &mut mu_buf[..y.len()]);
            let weights = weights.chunk(c * CHUNK, &mut weight_buf[..y.len()]);
            let terms = &mut terms[..y.len()];
            for (((t, &y), &mu), &w) in terms.iter_mut().zip(y).zip(mu).zip(weights) {
                let d = w * L::unit_deviance(y, mu);
                // Adding +0 leaves the sum's bits as skipping the row would: it is never −0.
                *t = if w > 0.0 { d } else { 0.0 };
            }
            for (k, &t) in terms.iter().enumerate() {
                deviance +=
                    if t.is_finite() { t } else { weights[k] * self.unit_deviance(y[k], mu[k]) };
            }
        }
        deviance
    }

    /// For the Poisson and Bernoulli families, the unit deviance at the mean `mean` of each
    /// response `0, 1, …` that a table holds ([`COUNT_TABLE`] counts; 0 and 1 for the
    /// Bernoulli), formed by the lane [`Family::weighted_deviance`] forms it with: the null
    /// model's deviance then looks up most rows instead of forming a logarithm for each
    /// ([`Family::tabulated_deviance`]). `None` for the other families.
    pub(crate) fn unit_deviance_table(self, mean: f64) -> Option<Vec<f64>> {
        let table = |len: usize, unit: fn(f64, f64) -> f64| {
            Some((0..len).map(|k| unit(crate::numeric::count_to_f64(k), mean)).collect())
        };
        match self {
            Family::Poisson | Family::QuasiPoisson => {
                table(COUNT_TABLE, PoissonLane::unit_deviance)
            }
            Family::Bernoulli => table(2, BernoulliLane::unit_deviance),
            _ => None,
        }
    }

    /// [`Family::weighted_deviance`] at the one mean `mean` for every row, bit for bit, with
    /// the unit deviance of a response in `table` ([`Family::unit_deviance_table`] of this
    /// family at `mean`) looked up, and any other formed by the same lane.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn tabulated_deviance(
        self,
        y: &[f64],
        mean: f64,
        table: &[f64],
        weights: Rows<'_>,
    ) -> f64 {
        match self {
            Family::Bernoulli => self.tabulated::<BernoulliLane>(y, mean, table, weights),
            _ => self.tabulated::<PoissonLane>(y, mean, table, weights),
        }
    }

    /// [`Family::tabulated_deviance`] with `L`, the lane the table was formed by; the sum and
    /// its fallback for a term that is not finite are [`Family::chunked_deviance`]'s.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::float_cmp,
        reason = "y in [0, table length) is an integer exactly when its truncation gives it back"
    )]
    #[inline(always)]
    fn tabulated<L: Lane>(self, y: &[f64], mean: f64, table: &[f64], weights: Rows<'_>) -> f64 {
        const CHUNK: usize = 64;
        let (mut terms, mut weight_buf) = ([0.0; CHUNK], [0.0; CHUNK]);
        let len = crate::numeric::count_to_f64(table.len());
        let mut deviance = 0.0;
        for (c, y) in y.chunks(CHUNK).enumerate() {
            let weights = weights.chunk(c * CHUNK, &mut weight_buf[..y.len()]);
            let terms = &mut terms[..y.len()];
            for ((t, &y), &w) in terms.iter_mut().zip(y).zip(weights) {
                let listed = y >= 0.0 && y < len && crate::numeric::count_to_f64(y as usize) == y;
                let d = w * if listed { table[y as usize] } else { L::unit_deviance(y, mean) };
                // Adding +0 leaves the sum's bits as skipping the row would: it is never −0.
                *t = if w > 0.0 { d } else { 0.0 };
            }
            for (k, &t) in terms.iter().enumerate() {
                deviance +=
                    if t.is_finite() { t } else { weights[k] * self.unit_deviance(y[k], mean) };
            }
        }
        deviance
    }

    /// Where the response must lie ([`Family::Binomial`]'s proportions; with trials the
    /// successes must lie in `[0, trials]`).
    #[must_use]
    pub const fn response_domain(self) -> Domain {
        match self {
            Family::Gaussian => Domain::Real,
            Family::Poisson | Family::QuasiPoisson | Family::NegativeBinomial { .. } => {
                Domain::NonNegative
            }
            Family::Bernoulli => Domain::Binary,
            Family::Binomial | Family::QuasiBinomial => Domain::ClosedUnit,
            Family::Gamma | Family::InverseGaussian => Domain::Positive,
        }
    }

    /// Where a fitted mean must lie (R's `validmu`): `0 < μ < 1` for the binomial, `μ > 0` for
    /// the other non-Gaussian families, any finite `μ` for the Gaussian.
    #[must_use]
    pub const fn mean_domain(self) -> Domain {
        match self {
            Family::Gaussian => Domain::Real,
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => Domain::OpenUnit,
            Family::Poisson
            | Family::QuasiPoisson
            | Family::Gamma
            | Family::InverseGaussian
            | Family::NegativeBinomial { .. } => Domain::Positive,
        }
    }

    /// R's starting mean `μ₀` for IRLS (`mustart`), for response `y` with total weight `w`
    /// (prior weight times trials): `y` (Gaussian, Gamma, inverse Gaussian),
    /// `y + 0.1` (Poisson), `(w·y + 0.5)/(w + 1)` (binomial), `y + (y = 0)/6` (negative
    /// binomial).
    #[must_use]
    pub fn starting_mean(self, y: f64, w: f64) -> f64 {
        match self {
            Family::Gaussian | Family::Gamma | Family::InverseGaussian => y,
            Family::Poisson | Family::QuasiPoisson => y + POISSON_START_SHIFT,
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => {
                (w * y + 0.5) / (w + 1.0)
            }
            Family::NegativeBinomial { .. } => {
                if y == 0.0 {
                    NEGATIVE_BINOMIAL_START_SHIFT
                } else {
                    y
                }
            }
        }
    }

    /// The log-density of one observation with unit weight (one trial for the binomial) at
    /// mean `μ` and dispersion `φ` (ignored by the families whose dispersion is fixed),
    /// including every constant R includes: `−ln y!` for the Poisson, the log binomial
    /// coefficient, `−lnΓ(θ) − ln y!` and friends for the negative binomial, the normal,
    /// gamma and inverse-Gaussian normalising constants. Non-integer counts use `lnΓ` in place
    /// of the factorials (R's `dpois` and `dbinom` return −∞ with a warning there).
    ///
    /// The quasi families have no density ([`Family::has_likelihood`]): for them this is the
    /// Poisson's or the binomial's, whose mean and variance function they share. In `μ` it is
    /// their quasi-log-likelihood (`y·ln μ − μ`, or `y·ln μ + (1 − y)·ln(1 − μ)`) up to a term
    /// in `y` alone, which is what gradient ascent climbs; fits report no log-likelihood for them.
    ///
    /// # Accuracy
    /// `lnΓ` is `statrs`'s (about 1e-15 relative). For a Gamma shape `1/φ` or a negative
    /// binomial `θ` of at least 16, `lnΓ` of it enters through Stirling's series, so that the
    /// terms of size `θ·ln θ` cancel exactly instead of in rounding (the direct formula loses
    /// every digit at `θ = 10¹⁵`, where the negative binomial is all but the Poisson). The
    /// Gaussian and inverse-Gaussian terms are standardised before squaring, so they overflow
    /// only where the result does.
    #[must_use]
    pub fn log_density(self, y: f64, mu: f64, dispersion: f64) -> f64 {
        self.log_likelihood_term(y, mu, (1.0, 1.0), dispersion, &LnFactorial::default())
    }

    /// One observation's contribution to R's log-likelihood, for prior weight `w`, `n` trials
    /// (binomial; 1 otherwise) and dispersion `φ`, with `ln x!` from `factorials`. The Gaussian
    /// reads `w` as a precision (`Var = φ/w`), the other families as a frequency (`w·ln f`), as
    /// R's `family$aic` do.
    pub(crate) fn log_likelihood_term(
        self,
        y: f64,
        mu: f64,
        (w, n): (f64, f64),
        dispersion: f64,
        factorials: &LnFactorial,
    ) -> f64 {
        use std::f64::consts::PI;
        let ln_2pi = (2.0 * PI).ln();
        match self {
            Family::Gaussian => {
                // Standardised first, so that neither (y − μ)² nor 2πφ overflows on its own.
                let z = (y - mu) / dispersion.sqrt();
                0.5 * (w.ln() - ln_2pi - dispersion.ln() - w * z * z)
            }
            Family::Poisson | Family::QuasiPoisson => {
                poisson_log_likelihood_term(y, mu, w, factorials.of(y))
            }
            Family::Bernoulli | Family::Binomial | Family::QuasiBinomial => {
                binomial_log_likelihood_term(y, mu, (w, n), factorials.ln_binomial(n, n * y))
            }
            Family::Gamma => {
                // dgamma(y; shape = 1/φ, scale = μφ).
                let shape = 1.0 / dispersion;
                if shape >= STIRLING_MIN {
                    // lnΓ(a) by Stirling's series: the terms of size a·ln a cancel exactly,
                    // leaving −a·h(y/μ − 1) with h(t) = t − ln(1 + t), half the unit deviance.
                    w * (0.5 * (shape.ln() - ln_2pi)
                        - stirling_remainder(shape)
                        - y.ln()
                        - shape * t_minus_log1p(y / mu - 1.0))
                } else {
                    let scale = mu * dispersion;
                    w * (-ln_gamma(shape) - shape * scale.ln() + (shape - 1.0) * y.ln() - y / scale)
                }
            }
            Family::InverseGaussian => {
                let relative = (y - mu) / mu;
                w * (-0.5 * (ln_2pi + dispersion.ln() + 3.0 * y.ln())
                    - relative * relative / y / (2.0 * dispersion))
            }
            Family::NegativeBinomial { theta } => {
                if theta >= STIRLING_MIN {
                    // lnΓ(θ + y) − lnΓ(θ) by Stirling's series, so that the terms of size
                    // θ·ln θ cancel exactly: at θ = 10¹⁵ the direct formula loses every digit.
                    let (ry, rmu) = ((y / theta).ln_1p(), (mu / theta).ln_1p());
                    w * ((theta + y - 0.5) * ry - (theta + y) * rmu - y + x_ln(y, mu)
                        - factorials.of(y)
                        + stirling_remainder(theta + y)
                        - stirling_remainder(theta))
                } else {
                    w * (ln_gamma(theta + y) - ln_gamma(theta) - factorials.of(y)
                        + theta * theta.ln()
                        + x_ln(y, mu)
                        - (theta + y) * (theta + mu).ln())
                }
            }
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Family::Gaussian => f.write_str("gaussian"),
            Family::Poisson => f.write_str("poisson"),
            Family::Bernoulli | Family::Binomial => f.write_str("binomial"),
            Family::Gamma => f.write_str("Gamma"),
            Family::InverseGaussian => f.write_str("inverse.gaussian"),
            Family::NegativeBinomial { theta } => write!(f, "Negative Binomial({theta})"),
            Family::QuasiPoisson => f.write_str("quasipoisson"),
            Family::QuasiBinomial => f.write_str("quasibinomial"),
        }
    }
}

/// A family's unit deviance without branches, for [`Family::chunked_deviance`]. (A trait
/// rather than a closure: a closure's body is reached through a call the compiler keeps out of
/// line, which stops the loop from being vectorised.)
trait Lane {
    /// `d(y, μ)`, as [`Family::unit_deviance`] wherever it is finite.
    fn unit_deviance(y: f64, mu: f64) -> f64;
}

/// Counts in a table of [`Family::unit_deviance_table`]: 0 to 1023, which hold nearly every
/// count of a large Poisson fit.
const COUNT_TABLE: usize = 1 << 10;

/// The Poisson unit deviance.
struct PoissonLane;

impl Lane for PoissonLane {
    #[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
    #[inline(always)]
    fn unit_deviance(y: f64, mu: f64) -> f64 {
        2.0 * half_poisson_deviance_lane(y, mu)
    }
}

/// The binomial unit deviance.
struct BinomialLane;

impl Lane for BinomialLane {
    #[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
    #[inline(always)]
    fn unit_deviance(y: f64, mu: f64) -> f64 {
        2.0 * half_binomial_deviance_lane(y, mu)
    }
}

/// The binomial unit deviance of a response of 0 or 1, bit for bit [`BinomialLane`]'s with one
/// logarithm: of its two Poisson-type terms, the one at a response of 0 is its mean, so only
/// the other is formed, and the two are added in either order (an addition is commutative).
struct BernoulliLane;

impl Lane for BernoulliLane {
    #[expect(clippy::inline_always, reason = "inlined whole into the vectorised deviance loops")]
    #[inline(always)]
    fn unit_deviance(y: f64, mu: f64) -> f64 {
        let (at_one, at_zero) = if y == 0.0 { (1.0 - mu, mu) } else { (mu, 1.0 - mu) };
        2.0 * (half_poisson_deviance_lane(1.0, at_one) + at_zero)
    }
}

/// Half the binomial unit deviance, `y·ln(y/μ) + (1 − y)·ln((1 − y)/(1 − μ)) ≥ 0`, as the sum
/// of two non-negative Poisson-type terms (their linear parts cancel exactly).
fn half_binomial_deviance(y: f64, mu: f64) -> f64 {
    half_poisson_deviance(y, mu) + half_poisson_deviance(1.0 - y, 1.0 - mu)
}

/// The Poisson term of [`Family::log_likelihood_term`] at prior weight `w`, given `ln y!`:
/// `w·(y·ln μ − μ − ln y!)`, without branches, so that a sum over many observations forms its
/// terms in vector lanes ([`crate::problem::Problem::log_likelihood`]), bit for bit the
/// single term's.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn poisson_log_likelihood_term(y: f64, mu: f64, w: f64, ln_factorial: f64) -> f64 {
    w * (x_ln(y, mu) - mu - ln_factorial)
}

/// The binomial term of [`Family::log_likelihood_term`] for the proportion `y` of `n` trials at
/// prior weight `w`, given `ln C(n, ny)`: `w·(ln C(n, ny) + ny·ln μ + (n − ny)·ln(1 − μ))`, as
/// [`poisson_log_likelihood_term`] is.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn binomial_log_likelihood_term(
    y: f64,
    mu: f64,
    (w, n): (f64, f64),
    ln_choose: f64,
) -> f64 {
    let successes = n * y;
    w * (ln_choose + x_ln(successes, mu) + x_ln(n - successes, 1.0 - mu))
}

/// [`binomial_log_likelihood_term`] for one trial and `y` 0 or 1 (a Bernoulli response), bit
/// for bit, with one logarithm: of `ln μ` and `ln(1 − μ)` the binomial term multiplies one by 1
/// and replaces the other by +0, so only the first is formed. `ln_choose` holds `ln C(1, 0)`
/// and `ln C(1, 1)`.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn bernoulli_log_likelihood_term(y: f64, mu: f64, w: f64, ln_choose: [f64; 2]) -> f64 {
    let success = y != 0.0;
    let log = ln(if success { mu } else { 1.0 - mu });
    let (first, second) = if success { (log, 0.0) } else { (0.0, log) };
    w * ((if success { ln_choose[1] } else { ln_choose[0] } + first) + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::per_row::PerRow;

    #[track_caller]
    fn check(family: Family, y: f64, mu: f64, deviance: f64, log_density: f64) {
        let d = family.unit_deviance(y, mu);
        assert!((d - deviance).abs() <= 1e-14 * deviance.abs().max(1.0), "{family}: d = {d}");
        let l = family.log_density(y, mu, 0.5);
        assert!((l - log_density).abs() <= 1e-13 * log_density.abs().max(1.0), "{family}: ℓ = {l}");
    }

    #[test]
    fn deviances_and_densities_match_r() {
        // Values from R 4.x: e.g. dpois(3, 2, log = TRUE), poisson()$dev.resids(3, 2, 1),
        // dgamma(1.5, shape = 2, scale = 1, log = TRUE) (φ = 0.5, μ = 2), and
        // dnbinom(3, size = 2, mu = 2, log = TRUE), recomputed here from their formulas.
        let ln = f64::ln;
        check(
            Family::Poisson,
            3.0,
            2.0,
            2.0 * (3.0 * ln(1.5) - 1.0),
            3.0 * ln(2.0) - 2.0 - ln(6.0),
        );
        check(Family::Bernoulli, 0.0, 0.25, -2.0 * ln(0.75), ln(0.75));
        check(Family::Gaussian, 1.0, 0.5, 0.25, -0.5 * ln(2.0 * std::f64::consts::PI * 0.5) - 0.25);
        check(
            Family::Gamma,
            1.5,
            2.0,
            -2.0 * (ln(0.75) + 0.25),
            -statrs::function::gamma::ln_gamma(2.0) - 2.0 * ln(1.0) + ln(1.5) - 1.5,
        );
        let nb = Family::NegativeBinomial { theta: 2.0 };
        let nb_log =
            statrs::function::gamma::ln_gamma(5.0) - ln(6.0) + 2.0 * ln(2.0) + 3.0 * ln(2.0)
                - 5.0 * ln(4.0);
        check(nb, 3.0, 2.0, 2.0 * (3.0 * ln(1.5) - 5.0 * ln(5.0 / 4.0)), nb_log);
        let ig = -0.5 * ln(2.0 * std::f64::consts::PI * 0.5 * 8.0) - 1.0 / (2.0 * 0.5 * 9.0 * 2.0);
        check(Family::InverseGaussian, 2.0, 3.0, 1.0 / 18.0, ig);
    }

    /// [`Family::weighted_deviance`] inside a SIMD-dispatched operation, as the fits call it.
    struct Deviance<'a> {
        family: Family,
        y: &'a [f64],
        mu: &'a [f64],
        weights: Rows<'a>,
    }

    impl pulp::WithSimd for Deviance<'_> {
        type Output = f64;

        #[expect(clippy::inline_always, reason = "pulp compiles the inlined body for the CPU")]
        #[inline(always)]
        fn with_simd<S: pulp::Simd>(self, _: S) -> f64 {
            self.family.weighted_deviance(self.y, Rows::Values(self.mu), self.weights)
        }
    }

    /// The Bernoulli lane is the binomial lane bit for bit at responses 0 and 1, for means
    /// across (0, 1) and at its edges, where one of the two logarithms is all but the whole.
    #[test]
    fn the_bernoulli_lane_is_the_binomial_lane_bit_for_bit() {
        let draws = sim::gaussian_matrix(4_000, 1, &mut sim::rng_from_seed(23)).unwrap();
        let mut means: Vec<f64> = draws.iter().map(|g| 1.0 / (1.0 + (-4.0 * g).exp())).collect();
        means.extend([
            1e-300,
            5e-324,
            1e-16,
            0.25,
            0.5,
            0.75,
            1.0 - 1e-16,
            1.0 - f64::EPSILON / 2.0,
        ]);
        for mu in means {
            for y in [0.0, 1.0] {
                let (lane, binomial) =
                    (BernoulliLane::unit_deviance(y, mu), BinomialLane::unit_deviance(y, mu));
                assert_eq!(lane.to_bits(), binomial.to_bits(), "y = {y}, μ = {mu:e}");
            }
        }
    }

    /// The chunked, vectorised deviance is the row-by-row sum of `unit_deviance` bit for bit:
    /// Poisson and binomial rows on both sides of the series switch, `y = 0`, `y = μ`, zero
    /// weights, a subnormal `y` whose ratio overflows (formed again row by row), a length that
    /// is not a multiple of the chunk, constant and per-row weights, and a nonzero first row.
    #[test]
    fn the_chunked_deviance_is_the_row_by_row_sum_bit_for_bit() {
        let draws = sim::gaussian_matrix(1_003, 3, &mut sim::rng_from_seed(17)).unwrap();
        let m = draws.nrows();
        let rate = |i: usize| (0.8 * draws[(i, 0)]).exp();
        let counts: Vec<f64> =
            (0..m).map(|i| (rate(i) * (1.0 + draws[(i, 1)].abs())).floor()).collect();
        let mut y_poisson = counts.clone();
        y_poisson[10] = 5e-324;
        let mut mu_poisson: Vec<f64> = (0..m).map(rate).collect();
        mu_poisson[11] = y_poisson[11].max(1.0);
        y_poisson[11] = mu_poisson[11];
        let probability = |i: usize| 1.0 / (1.0 + (-1.5 * draws[(i, 0)]).exp());
        let mu_binomial: Vec<f64> = (0..m).map(probability).collect();
        let y_binary: Vec<f64> = (0..m).map(|i| f64::from(draws[(i, 2)] > 0.0)).collect();
        let y_share: Vec<f64> = (0..m).map(|i| (counts[i] % 4.0) / 3.0).collect();
        let per_row = PerRow::new(
            Some(nalgebra::DVector::from_fn(m, |i, _| {
                if i % 9 == 0 { 0.0 } else { 1.0 + draws[(i, 2)].abs() }
            })),
            1.0,
            m,
        );
        let ones = PerRow::new(None, 1.0, m);
        let cases = [
            (Family::Poisson, &y_poisson, &mu_poisson),
            (Family::QuasiPoisson, &counts, &mu_poisson),
            (Family::Bernoulli, &y_binary, &mu_binomial),
            (Family::Binomial, &y_share, &mu_binomial),
            (Family::Gamma, &mu_poisson, &mu_binomial),
        ];
        for (family, y, mu) in cases {
            for weights in [&per_row, &ones] {
                for start in [0, 5] {
                    let mut expected = 0.0;
                    for i in start..m {
                        if weights[i] > 0.0 {
                            expected += weights[i] * family.unit_deviance(y[i], mu[i]);
                        }
                    }
                    assert!(expected.is_finite() && expected > 0.0);
                    let (y, mu) = (&y[start..], &mu[start..]);
                    let op = Deviance { family, y, mu, weights: weights.rows_from(start) };
                    let chunked = pulp::Arch::new().dispatch(op);
                    assert_eq!(chunked.to_bits(), expected.to_bits(), "{family}, from row {start}");
                }
            }
        }
    }

    #[test]
    fn variance_functions_match_their_formulas() {
        assert_eq!(Family::Gaussian.variance(5.0).to_bits(), 1.0_f64.to_bits());
        assert_eq!(Family::Gamma.variance(3.0).to_bits(), 9.0_f64.to_bits());
        assert_eq!(Family::InverseGaussian.variance(2.0).to_bits(), 8.0_f64.to_bits());
        // The negative binomial tends to the Poisson as θ grows.
        assert!((Family::NegativeBinomial { theta: 1e12 }.variance(3.0) - 3.0).abs() < 1e-10);
        assert_eq!(
            Family::Bernoulli.unit_deviance(1.0, 0.5).to_bits(),
            (2.0 * 2.0_f64.ln()).to_bits()
        );
        assert_eq!(Family::NegativeBinomial { theta: 2.5 }.to_string(), "Negative Binomial(2.5)");
        // Positive negative-binomial counts start at themselves.
        let nb = Family::NegativeBinomial { theta: 2.0 };
        assert_eq!(nb.starting_mean(3.0, 1.0).to_bits(), 3.0_f64.to_bits());
        // A zero count still gives a finite first linear predictor ln μ₀.
        let mu0 = Family::Poisson.starting_mean(0.0, 1.0);
        assert_eq!(mu0.to_bits(), POISSON_START_SHIFT.to_bits());
        assert!(Link::Log.link(mu0).is_finite() && Link::Log.link(0.0).is_infinite());
        assert_eq!(nb.starting_mean(0.0, 1.0).to_bits(), NEGATIVE_BINOMIAL_START_SHIFT.to_bits());
    }

    #[test]
    fn starting_means_are_in_the_mean_domain() {
        for family in [Family::Poisson, Family::Bernoulli, Family::NegativeBinomial { theta: 1.0 }]
        {
            assert!(family.mean_domain().contains(family.starting_mean(0.0, 1.0)), "{family}");
        }
        let nb = Family::NegativeBinomial { theta: 1.0 }.starting_mean(0.0, 1.0);
        assert_eq!(nb.to_bits(), (1.0_f64 / 6.0).to_bits());
        assert_eq!(Family::Binomial.starting_mean(0.5, 4.0).to_bits(), 0.5_f64.to_bits());
    }
}

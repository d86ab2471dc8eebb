//! Seeded, reproducible data generators for the least-squares and GLM lessons, tests,
//! reports and benchmarks.
//!
//! Every random number in the workspace comes from this crate: build a
//! [`ChaCha8Rng`] with [`rng_from_seed`] and pass it as `rng: &mut impl Rng` to a
//! generator. Generators never seed themselves, so one seed reproduces a whole report.
//! Each generator's documentation states its exact model, including the order in which it
//! draws random numbers.
//!
//! # Main items
//!
//! - Lessons: [`PoissonLesson`] (log-link counts), [`LogisticLesson`] (logit-link binary
//!   data), [`heights`] and [`heights_exact_fit`] (the least-squares lesson's table).
//! - Responses from a mean vector: [`poisson`], [`bernoulli`], [`binomial`], [`gaussian`],
//!   [`gamma`], [`inverse_gaussian`], [`negative_binomial`]; [`glm_response`] and
//!   [`ResponseKind`] chain a design, coefficients and an inverse link into a [`GlmSample`].
//! - Designs: [`gaussian_matrix`], [`intercept_gaussian`], [`vandermonde`],
//!   [`with_condition_number`], [`lauchli`], [`badly_scaled`], [`rank_deficient`].
//! - Known answers: [`known_answer`] builds a [`KnownAnswer`] with prescribed κ(A),
//!   solution x* and residual norm.
//! - Badly scaled GLM data: [`ScaledPoisson`] (covariates whose units differ by 10⁴).
//! - Benchmarks: [`large_regression`] (O(m·n) memory, e.g. 10⁶ × 20).
//! - With the `serde` feature, the settings ([`PoissonLesson`], [`LogisticLesson`],
//!   [`ScaledPoisson`], [`ResponseKind`]) and the samples ([`GlmSample`], [`KnownAnswer`],
//!   [`RankDeficient`]) serialise; a stored setting regenerates the same data from the same seed.
//!
//! # Example
//!
//! ```
//! use sim::{PoissonLesson, rng_from_seed, with_condition_number};
//!
//! let mut rng = rng_from_seed(2024);
//! let lesson = PoissonLesson::default().generate(&mut rng)?;
//! assert_eq!(lesson.x.shape(), (80, 2));
//! let a = with_condition_number(100, 8, 1e8, &mut rng)?;
//! assert_eq!(a.shape(), (100, 8));
//!
//! // The same seed reproduces the same data, bit for bit.
//! let again = PoissonLesson::default().generate(&mut rng_from_seed(2024))?;
//! assert_eq!(again.y, lesson.y);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Numerical notes
//!
//! - **Reproducibility.** Streams come from `ChaCha8` seeded through `rand_core`'s
//!   `seed_from_u64`; samplers are `rand_distr`'s. Products inside the generators are plain
//!   loops with a fixed summation order and no FMA (not nalgebra's `*`, which may pick a
//!   CPU-dependent kernel), and orthogonal factors come from nalgebra's Householder QR.
//!   Results are bit-identical from run to run. Across machines, the one known source of
//!   difference is the system math library: values that pass through `exp`, `ln` or `powf`
//!   (most samplers, the log and logit means, geometric spectra) can differ in the last ulp
//!   between libm versions or their CPU-specific variants (`rand_distr` would use the
//!   portable `libm` crate, but nalgebra enables `num-traits/std`, which switches it to the
//!   system library). The golden tests would report such a difference.
//! - **Condition numbers.** [`with_condition_number`] places singular values geometrically
//!   from 1 to 1/κ; the stored matrix's κ₂ is within relative c·n·ε·κ of the target
//!   (worst case) and, as tested with nalgebra's SVD, within 1% for κ up to 10¹⁴.
//! - **Known answers.** [`KnownAnswer::x_star`] is exact for the unrounded data; the stored
//!   data's rounding moves the true minimiser by up to about
//!   n·[`KnownAnswer::forward_error_scale`], the same order as a backward-stable solver's
//!   error.
//! - **Exact rank deficiency.** [`rank_deficient`] quantises entries to multiples of 2⁻²⁰
//!   so that the dependent column is an exact combination, not one up to rounding.

mod conditioned;
mod designs;
mod error;
mod glm_data;
mod heights;
mod known_answer;
mod large;
mod lessons;
mod numeric;
mod responses;
mod rng;
mod scaled;

pub use conditioned::with_condition_number;
pub use designs::{
    RANK_DEFICIENT_MAX_COLUMNS, RankDeficient, badly_scaled, gaussian_matrix, intercept_gaussian,
    lauchli, rank_deficient, vandermonde,
};
pub use error::{Error, Result};
pub use glm_data::{GlmSample, ResponseKind, glm_response};
pub use heights::{HeightData, heights, heights_exact_fit};
pub use known_answer::{KnownAnswer, known_answer};
pub use large::{large_regression, large_regression_coefficients};
pub use lessons::{LogisticLesson, PoissonLesson, linspace};
pub use responses::{
    MAX_POISSON_MEAN, bernoulli, binomial, gamma, gaussian, inverse_gaussian, negative_binomial,
    poisson,
};
pub use rng::{ChaCha8Rng, rng_from_seed};
pub use scaled::ScaledPoisson;

#[cfg(test)]
mod tests {
    /// Fails to compile unless `T` has the auto traits every data type here promises.
    fn check<T: std::fmt::Debug + Clone + Send + Sync + 'static>() {}

    #[test]
    fn public_types_are_debug_clone_send_sync() {
        check::<super::Error>();
        check::<super::ChaCha8Rng>();
        check::<super::GlmSample>();
        check::<super::HeightData>();
        check::<super::KnownAnswer>();
        check::<super::LogisticLesson>();
        check::<super::PoissonLesson>();
        check::<super::RankDeficient>();
        check::<super::ResponseKind>();
        check::<super::ScaledPoisson>();
    }
}

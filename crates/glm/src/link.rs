//! [`Link`]: the link functions `g(μ) = η`, their inverses and derivatives, and their domains.

use crate::domain::Domain;
use crate::numeric::exp;

/// Smallest probability the probability links return (the probit link to within the rounding
/// of `Φ`), and the floor of their `dμ/dη`: `ε = 2⁻⁵²`, R's
/// `.Machine$double.eps` in `binomial()$linkinv` and `$mu.eta`.
///
/// Without it the logistic function rounds to exactly 0 or 1 for `|η| > 37`, where the
/// binomial deviance and the IRLS weights `μ(1 − μ)` are no longer finite and positive. It only
/// acts when a fitted probability is within `ε` of 0 or 1, which is what separation produces
/// (and which [`crate::fit`] reports as [`crate::Error::Separation`]).
pub const PROBABILITY_FLOOR: f64 = f64::EPSILON;

/// `|η|` beyond which the logit link's mean is held at [`PROBABILITY_FLOOR`] or
/// `1 − PROBABILITY_FLOOR`: `−ln ε = 52·ln 2 ≈ 36.04`, R's `thresh` in `make.link("logit")`.
pub(crate) const LOGIT_ETA_BOUND: f64 = 52.0 * std::f64::consts::LN_2;

/// `|η|` beyond which the probit link's mean is held at `Φ(∓PROBIT_ETA_BOUND)`:
/// `−Φ⁻¹(ε) ≈ 8.1259`, R's `thresh` in `make.link("probit")`. As in R, `η` is clamped rather
/// than `μ`, so the held mean is [`PROBABILITY_FLOOR`] (or `1 − PROBABILITY_FLOOR`) only to
/// within the rounding of `Φ`, a relative 10⁻¹⁴.
pub(crate) const PROBIT_ETA_BOUND: f64 = 8.125_890_664_701_906;

/// Largest `η` at which the complementary log-log derivative `e^η·e^{−e^η}` is evaluated
/// (R's `pmin(eta, 700)`): beyond it `e^η` overflows and the derivative is below
/// [`PROBABILITY_FLOOR`] anyway.
const CLOGLOG_ETA_CAP: f64 = 700.0;

/// A link function `g`, with `g(μ) = η = Xθ + offset`.
///
/// Any link can be used with any [`crate::Family`]. A link whose inverse can leave the
/// family's mean domain (identity for Poisson, inverse for Gamma) is handled by step-halving
/// in IRLS, never by clamping the mean. The only clamps are those of the probability links, the
/// same as R's `make.link`: their means are held in `[ε, 1 − ε]` and their `dμ/dη` at or above
/// `ε` ([`PROBABILITY_FLOOR`]), the logit's beyond `|η| = −ln ε ≈ 36.04`, the probit's beyond
/// `|η| = −Φ⁻¹(ε) ≈ 8.1259` (where `η` is held, so the mean is `ε` to within the rounding of
/// `Φ`), and the complementary log-log's derivative is evaluated at `min(η, 700)`, beyond which
/// `e^η` overflows. Unlike R, the log link does not clamp `e^η` below at `ε`. `Display` gives R's
/// name of the link: `identity`, `log`, `logit`, `probit`, `cloglog`, `inverse`, `1/mu^2`,
/// `sqrt`.
///
/// # Examples
///
/// ```
/// use glm::{Domain, Link, PROBABILITY_FLOOR};
///
/// let eta = Link::Logit.link(0.25);
/// assert!((eta - (1.0_f64 / 3.0).ln()).abs() < 1e-15);
/// assert!((Link::Logit.inverse(eta) - 0.25).abs() < 1e-15);
/// assert!((Link::Logit.mu_eta(eta) - 0.25 * 0.75).abs() < 1e-15);
/// assert_eq!((Link::Sqrt.link(9.0), Link::Log.inverse(0.0), Link::Inverse.mu_eta(2.0)), (3.0, 1.0, -0.25));
/// // Where η and μ may lie.
/// assert_eq!(Link::Inverse.eta_domain(), Domain::NonZero);
/// assert!(!Link::Sqrt.eta_domain().contains(-1.0));
/// assert_eq!(Link::Probit.mu_domain(), Domain::OpenUnit);
/// // Every link inverts at a mean all of them accept.
/// for link in Link::ALL {
///     assert!((link.inverse(link.link(0.3)) - 0.3).abs() < 1e-14);
/// }
/// // The probability links hold their means within ε of 0 and 1.
/// for link in [Link::Logit, Link::Probit, Link::Cloglog] {
///     assert!(link.inverse(-50.0) >= PROBABILITY_FLOOR);
///     assert_eq!(link.mu_eta(-50.0), PROBABILITY_FLOOR);
/// }
/// assert_eq!(Link::Logit.inverse(-800.0), PROBABILITY_FLOOR);
/// assert_eq!(Link::InverseSquared.to_string(), "1/mu^2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Link {
    /// `η = μ`.
    Identity,
    /// `η = ln μ`.
    Log,
    /// `η = ln(μ/(1 − μ))`.
    Logit,
    /// `η = Φ⁻¹(μ)`, the standard normal quantile.
    Probit,
    /// Complementary log-log, `η = ln(−ln(1 − μ))`.
    Cloglog,
    /// `η = 1/μ`.
    Inverse,
    /// `η = 1/μ²` (R's `"1/mu^2"`).
    InverseSquared,
    /// `η = √μ`.
    Sqrt,
}

impl Link {
    /// Every link, in the order R's documentation lists them.
    pub const ALL: [Link; 8] = [
        Link::Identity,
        Link::Log,
        Link::Logit,
        Link::Probit,
        Link::Cloglog,
        Link::Inverse,
        Link::InverseSquared,
        Link::Sqrt,
    ];

    /// The link `η = g(μ)`, for `μ` in the link's natural mean domain ([`Link::mu_domain`]).
    ///
    /// # Accuracy
    /// A few ulps; the probit quantile is Wichura's AS 241 (as R's `qnorm`), about 1e-16
    /// relative.
    #[must_use]
    pub fn link(self, mu: f64) -> f64 {
        match self {
            Link::Identity => mu,
            Link::Log => mu.ln(),
            Link::Logit => (mu / (1.0 - mu)).ln(),
            Link::Probit => crate::normal::quantile(mu),
            Link::Cloglog => (-(-mu).ln_1p()).ln(),
            Link::Inverse => 1.0 / mu,
            Link::InverseSquared => 1.0 / (mu * mu),
            Link::Sqrt => mu.sqrt(),
        }
    }

    /// [`Link::inverse`] of every `eta` into `mu` (of the same length), bit for bit; for the log
    /// and logit links by a loop without branches, which the compiler vectorises inside a
    /// SIMD-dispatched operation.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn inverse_into(self, eta: &[f64], mu: &mut [f64]) {
        // Plain loops: a closure handed to an iterator adaptor may stay out of line.
        match self {
            Link::Log => {
                for (m, &e) in mu.iter_mut().zip(eta) {
                    *m = log_inverse(e);
                }
            }
            Link::Logit => {
                for (m, &e) in mu.iter_mut().zip(eta) {
                    *m = logit_inverse(e);
                }
            }
            _ => {
                for (m, &e) in mu.iter_mut().zip(eta) {
                    *m = self.inverse(e);
                }
            }
        }
    }

    /// The inverse link `μ = g⁻¹(η)`.
    ///
    /// The probability links hold `μ` in `[ε, 1 − ε]` (see [`PROBABILITY_FLOOR`]); the others
    /// are the plain formulas, so `μ` may fall outside a family's domain (for example
    /// `Identity` can give a negative Poisson mean), which the fitting routines detect.
    ///
    /// # Accuracy
    /// A few ulps. The log and logit links use the crate's own `exp` (fdlibm's algorithm without
    /// branches, so that loops of it vectorise), within an ulp of `f64::exp`; the logistic
    /// function is evaluated without overflow for either sign, the normal distribution function
    /// by Cody's approximations (as R's `pnorm`, about 1e-16 relative in both tails), the
    /// complementary log-log with `expm1`.
    #[must_use]
    pub fn inverse(self, eta: f64) -> f64 {
        match self {
            Link::Identity => eta,
            Link::Log => log_inverse(eta),
            Link::Logit => logit_inverse(eta),
            Link::Probit => {
                let e = eta.clamp(-PROBIT_ETA_BOUND, PROBIT_ETA_BOUND);
                crate::normal::cdf_both(e).0.clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
            }
            Link::Cloglog => {
                (-(-eta.exp()).exp_m1()).clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
            }
            Link::Inverse => 1.0 / eta,
            Link::InverseSquared => 1.0 / eta.sqrt(),
            Link::Sqrt => eta * eta,
        }
    }

    /// The derivative `dμ/dη` of the inverse link at `η`.
    ///
    /// For the probability links it is floored at [`PROBABILITY_FLOOR`] where the mean is
    /// clamped, as R does, so that IRLS weights stay positive.
    #[must_use]
    pub fn mu_eta(self, eta: f64) -> f64 {
        match self {
            Link::Identity => 1.0,
            Link::Log => log_inverse(eta),
            Link::Logit => logit_mu_eta(eta),
            Link::Probit => {
                let density = (-0.5 * eta * eta).exp() / (2.0 * std::f64::consts::PI).sqrt();
                density.max(PROBABILITY_FLOOR)
            }
            Link::Cloglog => {
                let e = eta.min(CLOGLOG_ETA_CAP);
                (e.exp() * (-e.exp()).exp()).max(PROBABILITY_FLOOR)
            }
            Link::Inverse => -1.0 / (eta * eta),
            Link::InverseSquared => -0.5 / (eta * eta.sqrt()),
            Link::Sqrt => 2.0 * eta,
        }
    }

    /// The second derivative `d²μ/dη²` of the inverse link at `η`, for the observed
    /// information of Newton steps; 0 where [`Link::mu_eta`] is held at its floor (the mean is
    /// clamped there, so it does not move with `η`).
    pub(crate) fn mu_eta_derivative(self, eta: f64) -> f64 {
        match self {
            Link::Identity => 0.0,
            Link::Log => log_inverse(eta),
            Link::Logit => {
                if eta.abs() > LOGIT_ETA_BOUND {
                    0.0
                } else {
                    // μ′·(1 − 2μ) with 1 − 2μ = −tanh(η/2).
                    -self.mu_eta(eta) * (0.5 * eta).tanh()
                }
            }
            Link::Probit => {
                let density = (-0.5 * eta * eta).exp() / (2.0 * std::f64::consts::PI).sqrt();
                if density < PROBABILITY_FLOOR { 0.0 } else { -eta * density }
            }
            Link::Cloglog => {
                let d = self.mu_eta(eta);
                if d <= PROBABILITY_FLOOR || eta > CLOGLOG_ETA_CAP {
                    0.0
                } else {
                    d * -eta.exp_m1()
                }
            }
            Link::Inverse => 2.0 / (eta * eta * eta),
            Link::InverseSquared => 0.75 / (eta * eta * eta.sqrt()),
            Link::Sqrt => 2.0,
        }
    }

    /// Where `η` must lie for [`Link::inverse`] to give a mean: all finite reals, except
    /// `η ≠ 0` for `Inverse` and `η > 0` for `InverseSquared` and `Sqrt` (R's `valideta`).
    #[must_use]
    pub const fn eta_domain(self) -> Domain {
        match self {
            Link::Identity | Link::Log | Link::Logit | Link::Probit | Link::Cloglog => Domain::Real,
            Link::Inverse => Domain::NonZero,
            Link::InverseSquared | Link::Sqrt => Domain::Positive,
        }
    }

    /// Where [`Link::link`] is defined: `μ > 0` for `Log`, `InverseSquared`, `Sqrt` (`μ ≥ 0`
    /// would do, but 0 maps to the edge of `η`'s domain), `0 < μ < 1` for the probability
    /// links, `μ ≠ 0` for `Inverse`, any finite `μ` for `Identity`.
    #[must_use]
    pub const fn mu_domain(self) -> Domain {
        match self {
            Link::Identity => Domain::Real,
            Link::Log | Link::InverseSquared | Link::Sqrt => Domain::Positive,
            Link::Logit | Link::Probit | Link::Cloglog => Domain::OpenUnit,
            Link::Inverse => Domain::NonZero,
        }
    }

    /// Which ends of the mean's range the link sends to an infinite `η`: the lower end (0), and
    /// for the probability links the upper end (1); the links under which a fitted mean can
    /// only reach the boundary by coefficients diverging (see [`crate::Error::Separation`]).
    pub(crate) const fn boundary_at_infinity(self) -> InfiniteEnds {
        let (lower, upper, rising) = match self {
            Link::Log => (true, false, true),
            Link::Logit | Link::Probit | Link::Cloglog => (true, true, true),
            // μ = 1/η and μ = 1/√η fall to 0 as η → +∞.
            Link::Inverse | Link::InverseSquared => (true, false, false),
            Link::Identity | Link::Sqrt => (false, false, true),
        };
        InfiniteEnds { lower, upper, rising }
    }
}

/// The ends of the mean's range that a link sends to an infinite `η`
/// ([`Link::boundary_at_infinity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InfiniteEnds {
    /// The lower end, 0.
    pub(crate) lower: bool,
    /// The upper end, 1.
    pub(crate) upper: bool,
    /// Whether the mean rises with `η`, so that the lower end lies at `η → −∞` (and the upper
    /// at `+∞`); the inverse links fall, their lower end at `η → +∞`.
    pub(crate) rising: bool,
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Link::Identity => "identity",
            Link::Log => "log",
            Link::Logit => "logit",
            Link::Probit => "probit",
            Link::Cloglog => "cloglog",
            Link::Inverse => "inverse",
            Link::InverseSquared => "1/mu^2",
            Link::Sqrt => "sqrt",
        })
    }
}

/// The log link's inverse and `dμ/dη`, `e^η`, by the crate's branch-free [`exp`] (within about
/// an ulp), which every path of a fit uses, so that a mean is the same bits on each.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn log_inverse(eta: f64) -> f64 {
    exp(eta)
}

/// The logit link's inverse without branches: `1/(1 + e^{−η})` for `η ≥ 0` and
/// `e^η/(1 + e^η)` below, both from `e^{−|η|}` so that neither overflows, held within `ε` of 0
/// and 1 as R does (R clamps `η` at `±LOGIT_ETA_BOUND`, which gives the same means).
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn logit_inverse(eta: f64) -> f64 {
    let e = exp(-eta.abs());
    let mu = if eta >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
    mu.clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
}

/// The logit link's `dμ/dη = e^{−|η|}/(1 + e^{−|η|})²` without branches (symmetric and
/// overflow-free), held at [`PROBABILITY_FLOOR`] beyond `|η| = LOGIT_ETA_BOUND` as R's.
#[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
#[inline(always)]
pub(crate) fn logit_mu_eta(eta: f64) -> f64 {
    let e = exp(-eta.abs());
    let slope = e / ((1.0 + e) * (1.0 + e));
    if eta.abs() > LOGIT_ETA_BOUND { PROBABILITY_FLOOR } else { slope }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(link: Link, mu: f64, eta: f64) {
        let tol = 8.0 * f64::EPSILON;
        let e = link.link(mu);
        assert!((e - eta).abs() <= tol * eta.abs().max(1.0), "{link}: g({mu}) = {e}, not {eta}");
        let m = link.inverse(eta);
        assert!((m - mu).abs() <= tol * mu.abs().max(1e-300), "{link}: g⁻¹({eta}) = {m}, not {mu}");
    }

    #[test]
    fn links_match_their_formulas_at_known_points() {
        check(Link::Identity, -2.5, -2.5);
        check(Link::Log, 1.0, 0.0);
        check(Link::Logit, 0.5, 0.0);
        check(Link::Probit, 0.5, 0.0);
        // Φ(1.959963984540054) = 0.975.
        check(Link::Probit, 0.975, 1.959_963_984_540_054);
        check(Link::Cloglog, 1.0 - (-1.0_f64).exp(), 0.0);
        check(Link::Inverse, 4.0, 0.25);
        check(Link::InverseSquared, 2.0, 0.25);
        check(Link::Sqrt, 4.0, 2.0);
    }

    #[test]
    fn probability_links_stay_inside_the_unit_interval() {
        for link in [Link::Logit, Link::Probit, Link::Cloglog] {
            for eta in [-1e300, -800.0, -40.0, 40.0, 800.0, 1e300] {
                let mu = link.inverse(eta);
                assert!(
                    (PROBABILITY_FLOOR..=1.0 - PROBABILITY_FLOOR).contains(&mu),
                    "{link} {eta}"
                );
                assert!(link.mu_eta(eta) >= PROBABILITY_FLOOR, "{link} {eta}");
            }
        }
    }

    #[test]
    fn probit_round_trips_to_full_accuracy_in_both_tails() {
        // Regressions found by proptest when Φ came from `statrs`'s erfc, which is off by
        // about 1e-10 relative in the tails (4.5e-11 at Φ(−1.96), 1.2e-10 at Φ(−4.26));
        // `normal.rs` now computes Φ and Φ⁻¹.
        for mu in [0.000_560_006_388_332_336_1, 0.999_889_518_491_225] {
            let back = Link::Probit.inverse(Link::Probit.link(mu));
            let scale = mu.min(1.0 - mu);
            assert!((back - mu).abs() <= 1e-13 * scale, "{mu}: {back}");
        }
    }

    #[test]
    fn the_floor_and_the_bounds_hold_the_means_as_documented() {
        // Formerly the constants' doc examples.
        let close = |a: f64, b: f64, rel: f64| (a - b).abs() <= rel * b.abs();
        for link in [Link::Logit, Link::Probit, Link::Cloglog] {
            assert!(close(link.inverse(-50.0), PROBABILITY_FLOOR, 1e-13), "{link}");
        }
        assert_eq!(Link::Logit.inverse(50.0).to_bits(), (1.0 - PROBABILITY_FLOOR).to_bits());
        // e^(−bound) = ε: beyond it the logistic mean is within ε of 0 or 1.
        assert!(close((-LOGIT_ETA_BOUND).exp(), f64::EPSILON, 1e-14));
        assert_eq!(
            Link::Logit.inverse(-LOGIT_ETA_BOUND - 0.5).to_bits(),
            PROBABILITY_FLOOR.to_bits()
        );
        assert_eq!(
            Link::Logit.mu_eta(LOGIT_ETA_BOUND + 0.5).to_bits(),
            PROBABILITY_FLOOR.to_bits()
        );
        assert!(Link::Logit.mu_eta(LOGIT_ETA_BOUND - 0.5) > PROBABILITY_FLOOR);
        // Φ(−bound) = ε, and beyond the bound the probit mean is held there.
        let tail = Link::Probit.inverse(-PROBIT_ETA_BOUND);
        assert!(close(tail, PROBABILITY_FLOOR, 1e-13));
        assert!(close(Link::Probit.link(f64::EPSILON), -PROBIT_ETA_BOUND, 1e-13));
        assert_eq!(Link::Probit.inverse(-PROBIT_ETA_BOUND - 1.0).to_bits(), tail.to_bits());
        // e^η is finite at the complementary log-log cap and overflows a little beyond it; the
        // derivative stays finite and floored however large η is.
        assert!(CLOGLOG_ETA_CAP.exp().is_finite());
        assert!((CLOGLOG_ETA_CAP + 10.0).exp().is_infinite());
        assert_eq!(Link::Cloglog.mu_eta(CLOGLOG_ETA_CAP).to_bits(), PROBABILITY_FLOOR.to_bits());
        assert_eq!(Link::Cloglog.mu_eta(1e4).to_bits(), PROBABILITY_FLOOR.to_bits());
        for link in Link::ALL {
            assert!(link.mu_domain().contains(0.3), "{link}");
        }
    }

    #[test]
    fn bounds_are_the_documented_values() {
        assert!((LOGIT_ETA_BOUND + f64::EPSILON.ln()).abs() < 1e-14);
        // Φ(−PROBIT_ETA_BOUND) = ε.
        let tail = crate::normal::cdf_both(-PROBIT_ETA_BOUND).0;
        assert!((tail / f64::EPSILON - 1.0).abs() < 1e-14, "{tail:e}");
    }
}

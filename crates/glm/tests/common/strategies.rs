//! proptest strategies shared by the property tests: links with a mean in their domain, and
//! families with a response and a mean in theirs.

#![allow(dead_code, reason = "each test file uses a different subset")]

use glm::{Family, Link};
use proptest::prelude::*;

/// `10^e` for `e` uniform in `[lo, hi]`: positive numbers spread over many magnitudes.
pub fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo..=hi).prop_map(|e: f64| 10f64.powf(e))
}

/// A probability at least `1e-8` from 0 and 1, spread over magnitudes near both ends.
pub fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![log_uniform(-8.0, -0.31), log_uniform(-8.0, -0.31).prop_map(|q| 1.0 - q)]
}

/// A link and a mean in the interior of its natural domain (away from the probability links'
/// clamps, which act within `ε` of 0 and 1).
pub fn link_and_mean() -> impl Strategy<Value = (Link, f64)> {
    prop_oneof![
        (-1e3..1e3_f64).prop_map(|mu| (Link::Identity, mu)),
        log_uniform(-10.0, 10.0).prop_map(|mu| (Link::Log, mu)),
        probability().prop_map(|mu| (Link::Logit, mu)),
        probability().prop_map(|mu| (Link::Probit, mu)),
        probability().prop_map(|mu| (Link::Cloglog, mu)),
        (log_uniform(-6.0, 6.0), any::<bool>())
            .prop_map(|(mu, negative)| (Link::Inverse, if negative { -mu } else { mu })),
        log_uniform(-5.0, 5.0).prop_map(|mu| (Link::InverseSquared, mu)),
        log_uniform(-10.0, 10.0).prop_map(|mu| (Link::Sqrt, mu)),
    ]
}

/// A family with a valid response `y` and mean `μ`.
pub fn family_response_mean() -> impl Strategy<Value = (Family, f64, f64)> {
    let positive = || log_uniform(-6.0, 6.0);
    let count = || (0u32..1000).prop_map(f64::from);
    prop_oneof![
        (-1e3..1e3_f64, -1e3..1e3_f64).prop_map(|(y, mu)| (Family::Gaussian, y, mu)),
        (count(), positive()).prop_map(|(y, mu)| (Family::Poisson, y, mu)),
        (any::<bool>(), probability()).prop_map(|(y, mu)| (
            Family::Bernoulli,
            f64::from(u8::from(y)),
            mu
        )),
        (0.0..=1.0_f64, probability()).prop_map(|(y, mu)| (Family::Binomial, y, mu)),
        (positive(), positive()).prop_map(|(y, mu)| (Family::Gamma, y, mu)),
        (positive(), positive()).prop_map(|(y, mu)| (Family::InverseGaussian, y, mu)),
        (count(), positive(), log_uniform(-2.0, 3.0)).prop_map(|(y, mu, theta)| (
            Family::NegativeBinomial { theta },
            y,
            mu
        )),
    ]
}

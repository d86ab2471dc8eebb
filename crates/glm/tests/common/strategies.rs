//! proptest strategies and fixtures shared by the property tests: links with a mean in their
//! domain, families with a response and a mean in theirs, well-behaved data sets per family,
//! and the hostile values, scales and models of `hostile.rs` and `scale.rs`.

#![allow(dead_code, reason = "each test file uses a different subset")]

use glm::nalgebra::{DMatrix, DVector};
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

/// Every family, with the negative binomial at `θ = 2`.
pub const FAMILIES: [Family; 7] = [
    Family::Gaussian,
    Family::Poisson,
    Family::Bernoulli,
    Family::Binomial,
    Family::Gamma,
    Family::InverseGaussian,
    Family::NegativeBinomial { theta: 2.0 },
];

/// Observations in [`benign`].
pub const BENIGN_ROWS: usize = 12;

/// A well-behaved data set for `family`: the design `[1, t, s]` with `t` evenly spaced on
/// `[0, 1]` and `s` a fixed wiggle, a response in the family's domain that no direction
/// separates, and for the binomial ten trials per observation (successes as the response).
pub fn benign(family: Family) -> (DMatrix<f64>, DVector<f64>, Option<DVector<f64>>) {
    const WIGGLE: [f64; BENIGN_ROWS] =
        [0.3, -0.2, 0.5, -0.4, 0.1, -0.3, 0.2, 0.4, -0.5, 0.0, 0.3, -0.1];
    const COUNTS: [f64; BENIGN_ROWS] = [1.0, 0.0, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0, 5.0, 4.0, 6.0, 7.0];
    const BINARY: [f64; BENIGN_ROWS] = [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
    const SUCCESSES: [f64; BENIGN_ROWS] =
        [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0, 7.0, 8.0, 8.0];
    const POSITIVE: [f64; BENIGN_ROWS] =
        [1.2, 0.8, 1.5, 1.1, 2.0, 1.4, 2.2, 1.9, 2.8, 2.1, 3.0, 2.6];
    let n = BENIGN_ROWS;
    let count = |i: usize| f64::from(u32::try_from(i).expect("a small count"));
    let t = |i: usize| count(i) / count(n - 1);
    let x = DMatrix::from_fn(n, 3, |i, j| match j {
        0 => 1.0,
        1 => t(i),
        _ => WIGGLE[(i * 5) % n],
    });
    let (y, trials) = match family {
        Family::Gaussian => (DVector::from_fn(n, |i, _| 1.0 + 2.0 * t(i) + WIGGLE[i]), None),
        Family::Bernoulli => (DVector::from_row_slice(&BINARY), None),
        Family::Binomial => {
            (DVector::from_row_slice(&SUCCESSES), Some(DVector::from_element(n, 10.0)))
        }
        Family::Gamma | Family::InverseGaussian => (DVector::from_row_slice(&POSITIVE), None),
        _ => (DVector::from_row_slice(&COUNTS), None),
    };
    (x, y, trials)
}

/// A value a hostile user might put anywhere: a special value or an extreme magnitude.
pub fn poison() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-1.0),
        Just(1e300),
        Just(-1e300),
        Just(1e-300),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(0.5),
    ]
}

/// A power of ten between `10⁻³⁰⁰` and `10³⁰⁰`.
pub fn decade() -> impl Strategy<Value = i32> {
    -300..=300_i32
}

/// Any family (the negative binomial with `θ` from `10⁻³` to `10⁶`) and any link.
pub fn model() -> impl Strategy<Value = (Family, Link)> {
    let family = prop_oneof![
        Just(Family::Gaussian),
        Just(Family::Poisson),
        Just(Family::Bernoulli),
        Just(Family::Binomial),
        Just(Family::Gamma),
        Just(Family::InverseGaussian),
        log_uniform(-3.0, 6.0).prop_map(|theta| Family::NegativeBinomial { theta }),
    ];
    (family, proptest::sample::select(Link::ALL.to_vec()))
}

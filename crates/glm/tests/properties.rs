//! Invariants of the links and families, by proptest: links invert on their domain, their
//! derivative matches a finite difference, and unit deviances are non-negative and vanish at
//! `y = μ`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

#[path = "common/strategies.rs"]
mod strategies;

use glm::{Family, Link};
use proptest::prelude::*;
use strategies::{family_response_mean, link_and_mean};

/// Relative round-trip tolerance: a few roundings in the link and its inverse, amplified by
/// the inverse's condition number, which is largest for the probit link's tails (passed
/// 20 000 cases at this tolerance with `PROPTEST_CASES=20000`).
const ROUND_TRIP: f64 = 1e-13;

/// Relative tolerance of the central finite difference with step `ε^{1/3}·max(|η|, 1)`,
/// whose truncation and rounding errors are both about `ε^{2/3} ≈ 4e-11` times the scale of
/// the derivatives; 1e-6 leaves room for the curvature of the steep links.
const DERIVATIVE: f64 = 1e-6;

#[track_caller]
fn check_round_trip(link: Link, mu: f64) {
    let eta = link.link(mu);
    assert!(link.eta_domain().contains(eta), "{link}: η = {eta} for μ = {mu}");
    let back = link.inverse(eta);
    // For probabilities the error is relative to the nearer end of (0, 1).
    let scale = if link.mu_domain() == glm::Domain::OpenUnit { mu.min(1.0 - mu) } else { mu.abs() };
    assert!(
        (back - mu).abs()
            <= ROUND_TRIP * scale.max(f64::MIN_POSITIVE) + 4.0 * f64::EPSILON * mu.abs(),
        "{link}: g⁻¹(g({mu})) = {back}"
    );
}

#[track_caller]
fn check_derivative(link: Link, mu: f64) {
    let eta = link.link(mu);
    // A step relative to |η| for the links whose domain ends at η = 0 (so both points stay
    // in it), relative to max(|η|, 1) for the others.
    let scale = if link.eta_domain() == glm::Domain::Real { eta.abs().max(1.0) } else { eta.abs() };
    let h = f64::EPSILON.cbrt() * scale;
    let (up, down) = (link.inverse(eta + h), link.inverse(eta - h));
    let fd = (up - down) / (2.0 * h);
    let d = link.mu_eta(eta);
    // The difference of two means carries their rounding, ε·|μ| each, divided by 2h: large
    // for a mean near 1 whose derivative is tiny (the complementary log-log's upper tail).
    let rounding = 4.0 * f64::EPSILON * up.abs().max(down.abs()) / h;
    assert!(
        (fd - d).abs() <= DERIVATIVE * d.abs() + rounding,
        "{link}: dμ/dη = {d}, finite difference {fd} at η = {eta}"
    );
}

proptest! {
    #[test]
    fn links_invert_on_their_domain((link, mu) in link_and_mean()) {
        check_round_trip(link, mu);
    }

    #[test]
    fn link_derivatives_match_finite_differences((link, mu) in link_and_mean()) {
        check_derivative(link, mu);
    }

    #[test]
    fn unit_deviance_is_non_negative((family, y, mu) in family_response_mean()) {
        let d = family.unit_deviance(y, mu);
        prop_assert!(d >= 0.0 && d.is_finite(), "{family}: d({y}, {mu}) = {d}");
    }

    #[test]
    fn unit_deviance_vanishes_at_the_mean((family, _y, mu) in family_response_mean()) {
        // The response equal to a valid mean.
        let d = family.unit_deviance(mu, mu);
        prop_assert!(d == 0.0, "{family}: d({mu}, {mu}) = {d}");
    }

    #[test]
    fn deviance_grows_away_from_the_response((family, y, mu) in family_response_mean()) {
        // d(y, μ) is decreasing then increasing in μ with its minimum at μ = y: moving μ
        // halfway towards y cannot raise it (beyond rounding).
        let closer = 0.5 * (mu + y);
        prop_assume!(family.mean_domain().contains(closer));
        let (far, near) = (family.unit_deviance(y, mu), family.unit_deviance(y, closer));
        prop_assert!(near <= far * (1.0 + 1e-12) + 1e-300, "{family}: d({y}, {closer}) = {near} > d({y}, {mu}) = {far}");
    }
}

#[test]
fn every_link_is_covered_by_the_strategy() {
    // The strategy lists each link once; this keeps it in step with `Link::ALL`.
    assert_eq!(Link::ALL.len(), 8);
    for link in Link::ALL {
        let mu = match link.mu_domain() {
            glm::Domain::OpenUnit => 0.3,
            _ => 2.0,
        };
        check_round_trip(link, mu);
        check_derivative(link, mu);
    }
    assert!(Family::Gamma.unit_deviance(2.0, 2.0) == 0.0);
}

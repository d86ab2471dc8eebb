//! [`glm::GlmFit::digits`] against simulated fits whose optimum is polished in double-double:
//! every family whose links are rational (or a square root) in `η`, so that the score
//! `Xᵀ[w·(y − μ)/V(μ)·dμ/dη]` can be summed to about 32 digits, each on covariates in their
//! natural units and on a covariate shifted by 10³ (so that `η` cancels and its rounding grows).
//! The reference data sets are checked in `tests/reference.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DMatrix, DVector, dvector};
use glm::{Control, Data, Design, Family, GlmFit, Link};
use linalg_core::DoubleDouble as Dd;
use sim::ResponseKind;

/// `μ = g⁻¹(η)` and `dμ/dη` in double-double for the links used here.
fn mean(link: Link, eta: Dd) -> (Dd, Dd) {
    let one = Dd::from(1.0);
    match link {
        Link::Identity => (eta, one),
        Link::Inverse => {
            let mu = one / eta;
            (mu, -(mu * mu))
        }
        Link::Sqrt => (eta * eta, eta.mul_f64(2.0)),
        Link::InverseSquared => {
            let mu = one / eta.sqrt();
            (mu, -(mu * mu * mu).mul_f64(0.5))
        }
        other => panic!("no double-double inverse for {other}"),
    }
}

/// The variance function in double-double.
fn variance(family: Family, mu: Dd) -> Dd {
    match family {
        Family::Gaussian => Dd::from(1.0),
        Family::Poisson => mu,
        Family::Gamma => mu * mu,
        Family::InverseGaussian => mu * mu * mu,
        other => panic!("no double-double variance for {other:?}"),
    }
}

/// The optimum polished from `fit`'s coefficients by 40 Fisher-scoring steps whose score is
/// summed in double-double (the information, `fit`'s, needs only a few correct digits: it sets
/// the rate, not the fixed point).
fn polished(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    family: Family,
    link: Link,
    fit: &GlmFit,
) -> DVector<f64> {
    let information_inverse = fit.covariance() / fit.dispersion();
    let mut beta = fit.coefficients().clone();
    for _ in 0..40 {
        let mut score = vec![Dd::from(0.0); beta.len()];
        for i in 0..x.nrows() {
            let eta =
                (0..beta.len()).fold(Dd::from(0.0), |eta, k| eta + Dd::product(x[(i, k)], beta[k]));
            let (mu, derivative) = mean(link, eta);
            let factor = (Dd::from(y[i]) - mu) * derivative / variance(family, mu);
            for (k, s) in score.iter_mut().enumerate() {
                *s += factor.mul_f64(x[(i, k)]);
            }
        }
        let score = DVector::from_iterator(beta.len(), score.iter().map(|s| s.to_f64()));
        beta += &information_inverse * score;
    }
    beta
}

/// Correct digits of the worst coefficient of `fit` against `optimum`, as `tests/reference.rs`
/// counts them.
fn measured(fit: &GlmFit, optimum: &DVector<f64>) -> f64 {
    let se = fit.std_errors();
    (0..optimum.len())
        .map(|j| {
            let size = if optimum[j].abs() < 1e-6 * se[j] { se[j] } else { optimum[j].abs() };
            let err = (fit.coefficients()[j] - optimum[j]).abs() / size;
            if err == 0.0 { 17.0 } else { -err.log10() }
        })
        .fold(f64::INFINITY, f64::min)
}

/// 200 rows of `[1, t + shift, u]` with `t` on `[0, 1]` and `u` a scrambled grid.
fn design(shift: f64) -> DMatrix<f64> {
    DMatrix::from_fn(200, 3, |i, j| {
        let i = f64::from(u32::try_from(i).unwrap());
        match j {
            0 => 1.0,
            1 => shift + i / 200.0,
            _ => (i * 7.0) % 13.0 / 13.0,
        }
    })
}

#[test]
fn the_digits_estimate_never_exceeds_the_digits_against_a_double_double_optimum() {
    let cases: [(Family, Link, [f64; 3], ResponseKind); 7] = [
        (Family::Gaussian, Link::Identity, [1.0, 2.0, -1.0], ResponseKind::Gaussian { sigma: 0.3 }),
        (Family::Gaussian, Link::Inverse, [0.5, 0.2, 0.1], ResponseKind::Gaussian { sigma: 0.1 }),
        (Family::Poisson, Link::Identity, [5.0, 2.0, 1.0], ResponseKind::Poisson),
        (Family::Poisson, Link::Sqrt, [2.0, 0.5, 0.3], ResponseKind::Poisson),
        (Family::Gamma, Link::Inverse, [0.5, 0.1, 0.05], ResponseKind::Gamma { shape: 4.0 }),
        (Family::Gamma, Link::Identity, [3.0, 1.0, 0.5], ResponseKind::Gamma { shape: 4.0 }),
        (
            Family::InverseGaussian,
            Link::InverseSquared,
            [0.5, 0.2, 0.1],
            ResponseKind::InverseGaussian { lambda: 5.0 },
        ),
    ];
    for (seed, (family, link, theta, kind)) in (1..).zip(cases) {
        for shift in [0.0, 1e3] {
            // The same η on the shifted covariate: the intercept absorbs the shift.
            let theta = dvector![theta[0] - shift * theta[1], theta[1], theta[2]];
            let x = design(shift);
            let inverse = |eta: f64| mean(link, Dd::from(eta)).0.to_f64();
            let s =
                sim::glm_response(x.clone(), &theta, inverse, kind, &mut sim::rng_from_seed(seed))
                    .unwrap();
            let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
            let model = family.with_link(link);
            for tol in [1e-8, 1e-12] {
                let control = Control::default().tolerance(tol);
                let fit = glm::fit(&Data::new(&design, &s.y), model, &control).unwrap();
                let optimum = polished(&x, &s.y, family, link, &fit);
                let (estimate, digits) = (fit.digits(), measured(&fit, &optimum));
                let name = format!("{family:?}/{link}, shift {shift}, tol {tol:e}");
                assert!(
                    estimate <= digits,
                    "{name}: estimate {estimate:.2} > measured {digits:.2}"
                );
                assert!(estimate >= 8.0, "{name}: estimate {estimate:.2}");
            }
        }
    }
}

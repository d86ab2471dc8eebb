//! Property tests: the same seed gives bit-identical output from every generator, and
//! structural invariants (exact null vectors, orthogonal residuals) hold for every seed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "integration tests unwrap known-good results"
)]

mod strategies;

use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;
use sim::{ResponseKind, rng_from_seed};

/// Bit patterns of a matrix's entries, so that comparisons are exact and NaN-safe.
fn bits(a: &DMatrix<f64>) -> Vec<u64> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// Bit patterns of a vector's entries.
fn vbits(v: &DVector<f64>) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Runs `generate` twice from the same seed and requires bit-identical output.
#[track_caller]
fn check<T: PartialEq + std::fmt::Debug>(seed: u64, generate: impl Fn(&mut sim::ChaCha8Rng) -> T) {
    let first = generate(&mut rng_from_seed(seed));
    let second = generate(&mut rng_from_seed(seed));
    assert_eq!(first, second, "seed {seed}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn designs_are_reproducible(seed in strategies::seed(), (m, n) in strategies::any_shape(), kappa in strategies::kappa()) {
        check(seed, |rng| bits(&sim::gaussian_matrix(m, n, rng).unwrap()));
        check(seed, |rng| bits(&sim::intercept_gaussian(m, n, rng).unwrap()));
        check(seed, |rng| bits(&sim::badly_scaled(m, n, kappa, rng).unwrap()));
        let kappa = if m.min(n) == 1 { 1.0 } else { kappa };
        check(seed, |rng| bits(&sim::with_condition_number(m, n, kappa, rng).unwrap()));
    }

    #[test]
    fn known_answers_are_reproducible_with_orthogonal_residuals(
        seed in strategies::seed(),
        (m, n) in strategies::tall_shape(),
        kappa in strategies::kappa(),
        residual_norm in 0.0_f64..=2.0,
    ) {
        let kappa = if n == 1 { 1.0 } else { kappa };
        let residual_norm = if m == n { 0.0 } else { residual_norm };
        check(seed, |rng| {
            let p = sim::known_answer(m, n, kappa, residual_norm, rng).unwrap();
            (bits(&p.a), vbits(&p.x_star), vbits(&p.y), vbits(&p.r))
        });
        let p = sim::known_answer(m, n, kappa, residual_norm, &mut rng_from_seed(seed)).unwrap();
        let atr = (p.a.transpose() * &p.r).norm();
        let size = f64::from(u32::try_from(m).unwrap());
        prop_assert!(atr <= 8.0 * size * f64::EPSILON * residual_norm, "|A^T r| = {atr:e}");
    }

    #[test]
    fn rank_deficient_null_vector_is_exact_for_every_seed(
        seed in strategies::seed(),
        (m, n) in strategies::tall_shape_with(2..=8),
    ) {
        check(seed, |rng| {
            let r = sim::rank_deficient(m, n, rng).unwrap();
            (bits(&r.a), r.dependent, vbits(&r.coefficients))
        });
        let r = sim::rank_deficient(m, n, &mut rng_from_seed(seed)).unwrap();
        prop_assert!((&r.a * r.null_vector()).iter().all(|v| *v == 0.0));
    }

    #[test]
    fn count_responses_are_reproducible(seed in strategies::seed(), mu in strategies::means(), theta in strategies::positive_parameter()) {
        let mu = DVector::from_vec(mu);
        check(seed, |rng| vbits(&sim::poisson(&mu, rng).unwrap()));
        check(seed, |rng| vbits(&sim::negative_binomial(&mu, theta, rng).unwrap()));
    }

    #[test]
    fn binary_responses_are_reproducible(seed in strategies::seed(), p in strategies::probabilities(), trials in 1_u64..=50) {
        let p = DVector::from_vec(p);
        check(seed, |rng| vbits(&sim::bernoulli(&p, rng).unwrap()));
        check(seed, |rng| vbits(&sim::binomial(&p, trials, rng).unwrap()));
    }

    #[test]
    fn continuous_responses_are_reproducible(seed in strategies::seed(), mu in strategies::positive_means(), k in strategies::positive_parameter()) {
        let mu = DVector::from_vec(mu);
        check(seed, |rng| vbits(&sim::gaussian(&mu, k, rng).unwrap()));
        check(seed, |rng| vbits(&sim::gamma(&mu, k, rng).unwrap()));
        check(seed, |rng| vbits(&sim::inverse_gaussian(&mu, k, rng).unwrap()));
        check(seed, |rng| {
            let x = DMatrix::from_fn(mu.len(), 1, |i, _| mu[i]);
            let s = sim::glm_response(x, &DVector::from_element(1, 0.01), f64::exp, ResponseKind::Gamma { shape: k }, rng).unwrap();
            vbits(&s.y)
        });
    }

    #[test]
    fn lessons_are_reproducible(seed in strategies::seed(), m in 2_usize..=200) {
        check(seed, |rng| vbits(&sim::PoissonLesson::default().m(m).generate(rng).unwrap().y));
        check(seed, |rng| vbits(&sim::LogisticLesson::default().m(m).generate(rng).unwrap().y));
        check(seed, |rng| {
            let (x, y) = sim::large_regression(m, 3.min(m), rng).unwrap();
            (bits(&x), vbits(&y))
        });
    }

    #[test]
    fn different_seeds_give_different_streams(seed in strategies::seed()) {
        let a = sim::gaussian_matrix(4, 2, &mut rng_from_seed(seed)).unwrap();
        let b = sim::gaussian_matrix(4, 2, &mut rng_from_seed(seed.wrapping_add(1))).unwrap();
        prop_assert_ne!(bits(&a), bits(&b));
    }
}

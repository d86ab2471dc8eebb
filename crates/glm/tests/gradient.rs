//! The lesson's gradient ascent on the average log-likelihood against IRLS, on the lesson's
//! simulated Poisson data (`sim::PoissonLesson::default()`), and how it reports fixed-step
//! runs, non-convergence and divergence.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::DVector;
use glm::{Control, Convergence, Data, Design, Divergence, Error, Family, GlmFit, Link, Method};

/// The lesson's data for a fixed seed; its first column is the intercept.
fn lesson(seed: u64) -> (Design, DVector<f64>) {
    let sample = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(seed)).unwrap();
    (Design::new(sample.x).unwrap().with_intercept_column(0).unwrap(), sample.y)
}

fn ascent(step: f64, iterations: usize) -> Control {
    Control::default().method(Method::GradientAscent).step(step).max_iter(iterations)
}

/// A Poisson fit with the default link.
fn poisson(design: &Design, y: &DVector<f64>, control: &Control) -> glm::Result<GlmFit> {
    glm::fit(&Data::new(design, y), Family::Poisson, control)
}

#[track_caller]
fn check(fit: &GlmFit, irls: &GlmFit, distance: f64) {
    let d = (fit.coefficients() - irls.coefficients()).amax();
    assert!(d <= distance, "distance {d:e} > {distance:e}");
}

#[test]
fn gradient_ascent_approaches_the_irls_optimum_as_iterations_grow() {
    for seed in [1, 7, 2024] {
        let (design, y) = lesson(seed);
        let irls = poisson(&design, &y, &Control::default()).unwrap();
        let mut previous = f64::INFINITY;
        // Measured for seed 1 at α = 0.01: 2.1e-2, 2.3e-9 and 7e-15 after 300, 3000, 30000
        // steps; the other seeds are similar.
        for (iterations, bound) in [(30, 0.5), (300, 0.05), (3000, 1e-7), (30_000, 1e-12)] {
            let fit = poisson(&design, &y, &ascent(0.01, iterations)).unwrap();
            check(&fit, &irls, bound);
            let d = (fit.coefficients() - irls.coefficients()).amax();
            assert!(d < previous || d < 1e-13, "seed {seed}: {d:e} after {iterations} steps");
            previous = d;
        }
    }
}

#[test]
fn the_lessons_defaults_run_300_fixed_steps_and_say_so() {
    let (design, y) = lesson(1);
    let irls = poisson(&design, &y, &Control::default()).unwrap();
    let options = Control::default().method(Method::GradientAscent);
    let fit = poisson(&design, &y, &options).unwrap();
    let Convergence::FixedIterations { iterations, gradient_norm } = fit.convergence() else {
        panic!("{:?}", fit.convergence());
    };
    assert_eq!(iterations, 300);
    // α = 0.05 for 300 steps from θ = 0 gets within 1.5e-5 of the optimum on this seed.
    check(&fit, &irls, 1e-4);
    assert!(gradient_norm > 0.0 && gradient_norm < 1e-4, "{gradient_norm:e}");
    assert_eq!(fit.history().len(), 301);
    assert!(fit.to_string().contains("stopped after a fixed 300 steps (no convergence test)"));
}

#[test]
fn the_history_never_decreases_for_a_small_step() {
    for seed in [1, 7, 2024] {
        let (design, y) = lesson(seed);
        let fit = poisson(&design, &y, &ascent(0.01, 300)).unwrap();
        let h = fit.history();
        assert!(h.windows(2).all(|w| w[1] >= w[0]), "seed {seed}");
        // The history is the average log-likelihood: at the last iterate it equals the fit's
        // log-likelihood over the number of observations (Poisson: no dispersion).
        let last = h[h.len() - 1];
        let expected = fit.log_likelihood().unwrap() / 80.0;
        assert!((last - expected).abs() <= 1e-14 * expected.abs(), "{last} vs {expected}");
    }
}

#[test]
fn with_a_tolerance_gradient_ascent_converges_or_is_an_error() {
    let (design, y) = lesson(1);
    let converged = ascent(0.05, 10_000).tolerance(1e-10);
    let fit = poisson(&design, &y, &converged).unwrap();
    let Convergence::Converged { iterations, measure, .. } = fit.convergence() else {
        panic!("{:?}", fit.convergence());
    };
    assert!(iterations < 10_000 && measure <= 1e-10);
    let short = ascent(0.05, 10).tolerance(1e-10);
    let err = poisson(&design, &y, &short).unwrap_err();
    let Error::NotConverged {
        method: Method::GradientAscent, iterations: 10, change, last, ..
    } = &err
    else {
        panic!("{err}");
    };
    assert!(*change > 1e-10);
    assert_eq!(last.history.len(), 11);
    assert_eq!(last.coefficients.len(), 2);
}

#[test]
fn too_large_a_step_is_a_divergence_error_carrying_the_history() {
    let (design, y) = lesson(1);
    let err = poisson(&design, &y, &ascent(0.5, 300)).unwrap_err();
    let Error::Diverged { iteration, reason, last, .. } = &err else { panic!("{err}") };
    assert!(matches!(
        reason,
        Divergence::Decreased { .. } | Divergence::LeftDomain { .. } | Divergence::NonFinite { .. }
    ));
    assert_eq!(last.history.len(), *iteration);
    assert!(err.to_string().starts_with("gradient ascent diverged at iteration"));
}

#[test]
fn gradient_ascent_works_for_non_canonical_links_too() {
    // Poisson with a sqrt link: the gradient carries dμ/dη/V(μ), not just y − μ.
    let (design, y) = lesson(7);
    let model = Family::Poisson.with_link(Link::Sqrt);
    let tight = Control::default().tolerance(1e-14);
    let irls = glm::fit(&Data::new(&design, &y), model, &tight).unwrap();
    let start = irls.coefficients() * 0.9;
    let ga = Control::default().method(Method::GradientAscent).step(0.05).max_iter(20_000);
    let fit = glm::fit(&Data::new(&design, &y).start(&start), model, &ga).unwrap();
    check(&fit, &irls, 1e-6);
}

#[test]
fn a_start_outside_the_domain_is_an_error() {
    // θ₀ = 0 gives η = 0, outside the inverse link's domain.
    let x = glm::nalgebra::dmatrix![1.0, 0.5; 1.0, 1.0; 1.0, 2.0];
    let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
    let y = glm::nalgebra::dvector![1.0, 2.0, 3.0];
    let options = Control::default().method(Method::GradientAscent);
    let err = glm::fit(&Data::new(&design, &y), Family::Gamma, &options).unwrap_err();
    assert!(matches!(err, Error::InvalidStart { index: 0, .. }), "{err}");
}

//! What each [`Control`] setter and each optional [`Data`] input does to a fit: the behavioural
//! checks that used to be one doc example per option.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "integration tests")]

use glm::nalgebra::{DVector, dmatrix, dvector};
use glm::{Control, Convergence, Data, Design, Error, Family, Link, Method, Model};

/// Four counts on `[1, t]`, t = 0, 1, 2, 3.
fn small() -> (Design, DVector<f64>) {
    (Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0]).unwrap(), dvector![1.0, 2.0, 4.0, 7.0])
}

/// The lesson's 80 counts (seed 42), the first column declared the intercept.
fn lesson() -> (Design, DVector<f64>) {
    let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42)).unwrap();
    (Design::new(s.x).unwrap().with_intercept_column(0).unwrap(), s.y)
}

#[test]
fn running_out_of_irls_iterations_is_an_error_naming_the_method() {
    let (design, y) = lesson();
    let one = Control::default().max_iter(1);
    let err = glm::fit(&Data::new(&design, &y), Family::Poisson, &one).unwrap_err();
    assert!(matches!(err, Error::NotConverged { method: Method::Irls, iterations: 1, .. }));
    assert!(err.to_string().starts_with("irls did not converge in 1 iterations"), "{err}");
}

#[test]
fn one_gradient_step_from_zero_is_the_step_size_times_the_gradient() {
    let (design, y) = small();
    let data = Data::new(&design, &y);
    let ascent = Control::default().method(Method::GradientAscent).max_iter(1);
    let fit = glm::fit(&data, Family::Poisson, &ascent).unwrap();
    // From θ₀ = 0 (μ = 1) the gradient of the average log-likelihood is Xᵀ(y − 1)/4; the
    // default step is the lesson's.
    let gradient = design.matrix().transpose() * y.add_scalar(-1.0) / 4.0;
    let expected = gradient * glm::GRADIENT_STEP;
    assert!((fit.coefficients() - &expected).amax() <= 1e-15 * expected.amax());
    // The first step is proportional to α.
    let short = glm::fit(&data, Family::Poisson, &ascent.step(0.01)).unwrap();
    let long = glm::fit(&data, Family::Poisson, &ascent.step(0.02)).unwrap();
    assert!((long.coefficients() - short.coefficients() * 2.0).amax() < 1e-15);
    // IRLS ignores the step.
    let irls = glm::fit(&data, Family::Poisson, &Control::default().step(1e-6)).unwrap();
    let default = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    assert_eq!(irls.coefficients(), default.coefficients());
}

#[test]
fn the_tolerance_applies_to_either_method() {
    let (design, y) = small();
    let data = Data::new(&design, &y);
    let converged =
        |c: Convergence| matches!(c, Convergence::Converged { measure, .. } if measure < 1e-12);
    let tight = Control::default().tolerance(1e-12);
    assert!(converged(glm::fit(&data, Family::Poisson, &tight).unwrap().convergence()));
    // With a tolerance gradient ascent stops once the gradient norm falls to it.
    let ga = tight.method(Method::GradientAscent).step(0.02).max_iter(50_000);
    let fit = glm::fit(&data, Family::Poisson, &ga).unwrap();
    assert!(converged(fit.convergence()));
    assert!(fit.convergence().iterations() < 50_000);
    // Without one it runs exactly its steps: the lesson's 300 by default.
    let lesson = Control::default().method(Method::GradientAscent).step(0.02);
    let fixed = glm::fit(&data, Family::Poisson, &lesson).unwrap();
    assert!(matches!(
        fixed.convergence(),
        Convergence::FixedIterations { iterations: glm::GRADIENT_ITERATIONS, .. }
    ));
    assert_eq!(glm::fit(&data, Family::Poisson, &lesson.max_iter(50)).unwrap().history().len(), 51);
}

#[test]
fn started_at_the_optimum_irls_stops_after_one_iteration() {
    let (design, y) = lesson();
    let data = Data::new(&design, &y);
    let fit = glm::fit(&data, Family::Poisson, &Control::default()).unwrap();
    let restarted = glm::fit(&data.start(fit.coefficients()), Family::Poisson, &Control::default());
    let restarted = restarted.unwrap();
    assert!((restarted.history()[0] - fit.deviance()).abs() <= 1e-12 * fit.deviance());
    assert_eq!(restarted.convergence().iterations(), 1);
}

#[test]
fn a_prior_weight_of_two_counts_an_observation_twice() {
    let (design, y) = small();
    let w = dvector![2.0, 1.0, 1.0, 1.0];
    let weighted =
        glm::fit(&Data::new(&design, &y).weights(&w), Family::Poisson, &Control::default());
    let twice = Design::with_intercept(&dmatrix![0.0; 0.0; 1.0; 2.0; 3.0]).unwrap();
    let y5 = dvector![1.0, 1.0, 2.0, 4.0, 7.0];
    let repeated = glm::fit(&Data::new(&twice, &y5), Family::Poisson, &Control::default());
    let d = weighted.unwrap().coefficients() - repeated.unwrap().coefficients();
    assert!(d.amax() < 1e-10);
}

#[test]
fn the_default_link_is_the_families_canonical_one() {
    let (design, y) = small();
    let data = Data::new(&design, &y);
    let gamma = glm::fit(&data, Family::Gamma, &Control::default()).unwrap();
    assert_eq!(gamma.model().link(), Link::Inverse);
    assert_eq!(Family::Gamma.canonical_link(), Some(gamma.model().link()));
    for (family, link) in [
        (Family::Gaussian, Link::Identity),
        (Family::Poisson, Link::Log),
        (Family::Bernoulli, Link::Logit),
        (Family::Binomial, Link::Logit),
        (Family::Gamma, Link::Inverse),
        (Family::InverseGaussian, Link::InverseSquared),
    ] {
        assert_eq!(Model::from(family).link(), link, "{family}");
        assert_eq!(family.canonical_link(), Some(link), "{family}");
    }
    // The negative binomial's canonical link depends on θ; its default is the log, as in MASS.
    let nb = Family::NegativeBinomial { theta: 2.0 };
    assert_eq!((Model::from(nb).link(), nb.canonical_link()), (Link::Log, None));
}

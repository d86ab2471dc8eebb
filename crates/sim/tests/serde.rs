//! With the `serde` feature, the generators' settings and the data they generate survive a
//! round trip through JSON unchanged: a stored setting regenerates the same data from the same
//! seed, bit for bit, and a stored sample is the sample.

#![cfg(feature = "serde")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use nalgebra::dvector;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sim::{LogisticLesson, PoissonLesson, ResponseKind, ScaledPoisson, rng_from_seed};

/// `value` written to JSON and read back.
fn trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

#[test]
fn stored_settings_regenerate_the_same_data() {
    let mut poisson = PoissonLesson::default();
    poisson.m = 12;
    let back = trip(&poisson);
    assert_eq!(back, poisson);
    let (a, b) = (poisson.generate(&mut rng_from_seed(5)), back.generate(&mut rng_from_seed(5)));
    assert_eq!(a.unwrap(), b.unwrap());
    let logistic = LogisticLesson::default();
    assert_eq!(trip(&logistic), logistic);
    let scaled = ScaledPoisson::default().m(20);
    assert_eq!(trip(&scaled), scaled);
    let (a, b) =
        (scaled.generate(&mut rng_from_seed(6)), trip(&scaled).generate(&mut rng_from_seed(6)));
    assert_eq!(a.unwrap(), b.unwrap());
    for kind in [
        ResponseKind::Gaussian { sigma: 0.1 },
        ResponseKind::Binomial { trials: 7 },
        ResponseKind::NegativeBinomial { theta: 2.5 },
        ResponseKind::Poisson,
    ] {
        assert_eq!(trip(&kind), kind);
    }
}

#[test]
fn stored_samples_are_the_samples() {
    let mut rng = rng_from_seed(7);
    let lesson = PoissonLesson::default().generate(&mut rng).unwrap();
    assert_eq!(trip(&lesson), lesson);
    let x = sim::intercept_gaussian(30, 1, &mut rng).unwrap();
    let kind = ResponseKind::Binomial { trials: 5 };
    let binomial = sim::glm_response(
        x,
        &dvector![0.2, -0.4],
        |eta: f64| 1.0 / (1.0 + (-eta).exp()),
        kind,
        &mut rng,
    );
    let binomial = binomial.unwrap();
    assert!(lesson.t.is_some() && binomial.t.is_none(), "both forms of the optional covariate");
    assert_eq!(trip(&binomial), binomial);
    let known = sim::known_answer(20, 3, 1e4, 1e-2, &mut rng).unwrap();
    assert_eq!(trip(&known), known);
    let deficient = sim::rank_deficient(10, 4, &mut rng).unwrap();
    assert_eq!(trip(&deficient), deficient);
}

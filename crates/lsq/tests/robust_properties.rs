//! Invariants of the sandwich covariance and the nested F test on random well-conditioned
//! regressions: leverages in `[0, 1]` summing to the rank, HC0 ≤ HC2 ≤ HC3 coefficient by
//! coefficient, HC1 a fixed multiple of HC0, finite outputs, and the F test against the
//! intercept-only model equal to the fit's own overall F.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/strategies.rs"]
mod strategies;

use lsq::nalgebra::DMatrix;
use lsq::{Design, Error, FitOptions, Hc};
use proptest::prelude::*;
use strategies::{method, regression};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sandwich_invariants_hold_for_every_method((x, y) in regression(), method in method()) {
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let fit = lsq::fit(&design, &y, &FitOptions::default().method(method)).unwrap();
        let (m, p) = (design.nrows(), design.ncols());
        let hc0 = fit.robust(&design, Hc::Hc0).unwrap();
        let h = hc0.leverages();
        prop_assert!(h.iter().all(|&v| (0.0..=1.0 + 1e-12).contains(&v)));
        let rank = f64::from(u32::try_from(fit.rank()).unwrap());
        prop_assert!((h.sum() - rank).abs() <= 1e-10 * rank, "{} vs {rank}", h.sum());
        let hc1 = fit.robust(&design, Hc::Hc1).unwrap();
        let n = f64::from(u32::try_from(m).unwrap());
        let factor = (n / (n - rank)).sqrt();
        for j in 0..p {
            let (a, b) = (hc0.std_errors()[j], hc1.std_errors()[j]);
            prop_assert!(a.is_finite() && a >= 0.0);
            prop_assert!((b - a * factor).abs() <= 1e-14 * b);
        }
        match (fit.robust(&design, Hc::Hc2), fit.robust(&design, Hc::Hc3)) {
            (Ok(hc2), Ok(hc3)) => {
                for j in 0..p {
                    let (a, b, c) = (hc0.std_errors()[j], hc2.std_errors()[j], hc3.std_errors()[j]);
                    prop_assert!(a <= b * (1.0 + 1e-13) && b <= c * (1.0 + 1e-13), "{a} {b} {c}");
                }
                for t in hc3.t_values().into_iter().chain(hc3.p_values()) {
                    prop_assert!(t.is_ok_and(f64::is_finite));
                }
                prop_assert!(hc3.covariance().unwrap().iter().all(|v| v.is_finite()));
            }
            (Err(Error::UnitLeverage { .. }), Err(Error::UnitLeverage { .. })) => {}
            (a, b) => prop_assert!(false, "{a:?} {b:?}"),
        }
        if p > 1 {
            let one = Design::new(DMatrix::from_element(m, 1, 1.0)).unwrap().with_intercept_column(0).unwrap();
            let f0 = lsq::fit(&one, &y, &FitOptions::default().method(method)).unwrap();
            let table = lsq::anova(&f0, &one, &fit, &design).unwrap();
            let (f, overall) = (table.f_statistic().unwrap(), fit.f_statistic().unwrap());
            // Both are differences of sums of squares over the residual's: each sum carries a few
            // ε of rounding, which the difference RSS₀ − RSS₁ = RSS₁·F·d₁/d₂ magnifies when F is
            // small (an F of 2·10⁻⁸ on 1 and 16 degrees of freedom differed by 1.3·10⁻⁷).
            let (d1, d2) = (rank - 1.0, n - rank);
            let cancellation = 1.0 + d2 / (d1 * overall);
            let bound = (1e-9 + 16.0 * f64::EPSILON * cancellation) * overall;
            prop_assert!((f - overall).abs() <= bound, "{f} vs {overall}");
            let (a, b) = (table.p_value().unwrap(), fit.f_p_value().unwrap());
            prop_assert!((a - b).abs() <= 1e-7 * b, "{a} vs {b}");
        }
    }
}

//! With the `serde` feature, designs and fits survive a round trip through JSON unchanged, and a
//! stored value that no constructor could have built is refused when read.

#![cfg(feature = "serde")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use lsq::{Design, Fit, FitOptions, Method};
use nalgebra::{DVector, dvector};

fn fitted(method: Method) -> (Design, Fit) {
    let x = dvector![0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
    let design = Design::polynomial(&x, 2).unwrap();
    let y = x.map(|t| 1.0 - 0.5 * t + 0.25 * t * t + 0.01 * (5.0 * t).sin());
    let options = FitOptions::default().method(method).weights(DVector::from_element(7, 2.0));
    let fit = lsq::fit(&design, &y, &options).unwrap();
    (design, fit)
}

#[test]
fn designs_and_fits_round_trip_and_print_the_same_summary() {
    for method in Method::ALL {
        let (design, fit) = fitted(method);
        let text = serde_json::to_string(&design).unwrap();
        let back: Design = serde_json::from_str(&text).unwrap();
        assert_eq!(back, design);
        let text = serde_json::to_string(&fit).unwrap();
        let back: Fit = serde_json::from_str(&text).unwrap();
        assert_eq!(back.coefficients(), fit.coefficients());
        assert_eq!(back.std_errors(), fit.std_errors());
        assert_eq!(back.to_string(), fit.to_string(), "{method}");
        assert_eq!(back.diagnostics(), fit.diagnostics());
    }
}

#[test]
fn stored_values_no_constructor_could_build_are_refused() {
    let (design, fit) = fitted(Method::Qr);
    // A polynomial design whose powers were edited is not the polynomial of its x.
    let mut value = serde_json::to_value(&design).unwrap();
    value["matrix"][0][5] = serde_json::json!(99.0);
    let err = serde_json::from_value::<Design>(value).unwrap_err();
    assert!(err.to_string().contains("not the powers of its x"), "{err}");
    // A name list of the wrong length.
    let mut value = serde_json::to_value(&design).unwrap();
    value["names"] = serde_json::json!(["a", "b"]);
    let err = serde_json::from_value::<Design>(value).unwrap_err();
    assert!(err.to_string().contains("column names"), "{err}");
    // A fit with one standard error missing, or an aliased column that does not exist.
    let mut value = serde_json::to_value(&fit).unwrap();
    value["std_errors"] = serde_json::json!([[1.0, 2.0], 2, null]);
    let err = serde_json::from_value::<Fit>(value).unwrap_err();
    assert!(err.to_string().contains("standard errors"), "{err}");
    let mut value = serde_json::to_value(&fit).unwrap();
    value["aliased"] = serde_json::json!([7]);
    let err = serde_json::from_value::<Fit>(value).unwrap_err();
    assert!(err.to_string().contains("aliased column 7"), "{err}");
}

//! Cross-check: our Householder QR and nalgebra's give the same R up to the sign of each row.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

mod common;

use common::tall_matrix;
use linalg_core::HouseholderQr;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn r_matches_nalgebra_up_to_row_signs(a in tall_matrix(20)) {
        let ours = HouseholderQr::new(a.clone()).unwrap().r();
        let theirs = a.clone().qr().r();
        let scale = a.norm().max(1.0);
        for i in 0..ours.nrows() {
            // R is unique up to the sign of each row when A has full rank; rows whose diagonal
            // is at rounding level are left out, as their sign is noise.
            if theirs[(i, i)].abs() <= 1e-10 * scale {
                continue;
            }
            let s = if (ours[(i, i)] >= 0.0) == (theirs[(i, i)] >= 0.0) { 1.0 } else { -1.0 };
            for j in i..ours.ncols() {
                let d = (s * ours[(i, j)] - theirs[(i, j)]).abs();
                prop_assert!(d <= 1e-12 * scale, "row {i} col {j}: {} vs {}", ours[(i, j)], theirs[(i, j)]);
            }
        }
    }
}

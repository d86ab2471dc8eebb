//! The least-squares lesson's four-person height table, deterministic (no random numbers).

use nalgebra::{DMatrix, DVector};

/// Height (cm), weight (kg) and parents' mean height (cm) of the lesson's four people.
const TABLE: [[f64; 3]; 4] =
    [[175.0, 70.0, 177.0], [181.0, 86.0, 190.0], [159.0, 63.0, 180.0], [165.0, 62.0, 172.0]];

/// A small least-squares dataset: design, response and column names.
///
/// # Examples
///
/// ```
/// let d = sim::heights();
/// assert_eq!(d.x.shape(), (4, 3));
/// assert_eq!(d.names, ["intercept", "weight", "parents_height"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HeightData {
    /// The 4 × 3 design, intercept column first.
    pub x: DMatrix<f64>,
    /// The response: each person's height in cm.
    pub y: DVector<f64>,
    /// One name per column of `x`.
    pub names: [&'static str; 3],
}

/// The least-squares lesson's data: predict height from weight and parents' mean height.
///
/// # Model
///
/// Four people, (height y, weight w, parents' mean height h) =
/// (175, 70, 177), (181, 86, 190), (159, 63, 180), (165, 62, 172).
/// The design is `X = [1, w, h]` (4 × 3) and the response is `y`; fitting
/// `minimise ‖Xβ − y‖₂` leaves a nonzero residual (4 equations, 3 unknowns).
/// Every entry is a small integer, so the data are exact in `f64`, and the exact
/// least-squares solution (rational arithmetic on the normal equations) is
/// β = (7427217, 40684, −31848)/26827 ≈ (276.85604055615613, 1.5165318522384166,
/// −1.1871621873485667), with residual norm ‖y − Xβ‖₂ ≈ 2.8147935246125018.
///
/// # Examples
///
/// ```
/// let d = sim::heights();
/// assert_eq!(d.x.row(1).iter().copied().collect::<Vec<_>>(), vec![1.0, 86.0, 190.0]);
/// assert_eq!(d.y[2], 159.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn heights() -> HeightData {
    HeightData {
        x: DMatrix::from_fn(4, 3, |i, j| if j == 0 { 1.0 } else { TABLE[i][j] }),
        y: DVector::from_fn(4, |i, _| TABLE[i][0]),
        names: ["intercept", "weight", "parents_height"],
    }
}

/// The height table with `y` itself as a design column, so `y` lies exactly in range(X).
///
/// # Model
///
/// Design `X = [1, y, h]` (intercept, height, parents' mean height) and response `y`
/// (height), from the same four rows as [`heights`]. Since `y = X·(0, 1, 0)ᵀ` exactly, the
/// least-squares solution is β = (0, 1, 0) with zero residual, and X has full column rank
/// (κ₂(X) ≈ 6.9·10³), so a solver's error is pure rounding.
///
/// # Examples
///
/// ```
/// let d = sim::heights_exact_fit();
/// assert_eq!(d.x.column(1), d.y.column(0));
/// assert_eq!(d.names[1], "height");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn heights_exact_fit() -> HeightData {
    HeightData {
        x: DMatrix::from_fn(4, 3, |i, j| match j {
            0 => 1.0,
            1 => TABLE[i][0],
            _ => TABLE[i][2],
        }),
        y: DVector::from_fn(4, |i, _| TABLE[i][0]),
        names: ["intercept", "height", "parents_height"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Solves the least-squares problem with nalgebra's SVD and checks the solution.
    #[track_caller]
    fn check(d: &HeightData, expected: &[f64], tol: f64) {
        let svd = d.x.clone().svd(true, true);
        let beta = svd.solve(&d.y, f64::EPSILON).unwrap();
        for (b, e) in beta.iter().zip(expected) {
            approx::assert_relative_eq!(*b, *e, epsilon = tol, max_relative = tol);
        }
    }

    #[test]
    fn exact_fit_recovers_zero_one_zero() {
        let d = heights_exact_fit();
        check(&d, &[0.0, 1.0, 0.0], 1e4 * 64.0 * f64::EPSILON);
        let s = d.x.clone().svd(false, false).singular_values;
        let kappa = s.max() / s.min();
        assert!(kappa > 1e3 && kappa < 1e5, "kappa = {kappa}");
    }

    #[test]
    fn heights_table_is_the_lessons() {
        let d = heights();
        assert_eq!(d.y.as_slice(), &[175.0, 181.0, 159.0, 165.0]);
        assert_eq!(d.x.column(1).iter().copied().collect::<Vec<_>>(), vec![70.0, 86.0, 63.0, 62.0]);
        assert_eq!(
            d.x.column(2).iter().copied().collect::<Vec<_>>(),
            vec![177.0, 190.0, 180.0, 172.0]
        );
        assert!(d.x.column(0).iter().all(|&v| v.to_bits() == 1.0_f64.to_bits()));
        // The exact solution, (7427217, 40684, -31848)/26827, comes from rational arithmetic
        // on the normal equations; κ₂(X) ≈ 8.9e3 bounds the digits an SVD solve can lose.
        let exact = [7_427_217.0 / 26_827.0, 40_684.0 / 26_827.0, -31_848.0 / 26_827.0];
        check(&d, &exact, 1e5 * f64::EPSILON);
    }
}

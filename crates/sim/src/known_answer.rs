//! Least-squares problems with a known exact answer, for stability studies: prescribed
//! κ(A), chosen solution x* and a residual of chosen size orthogonal to range(A).

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::conditioned::Factors;
use crate::error::{Error, Result, check_min_size};
use crate::numeric::{gaussian_fill, mat_tr_vec, mat_vec, norm2};

/// A least-squares problem `minimise ‖A·x − y‖₂` whose exact solution is `x_star`.
///
/// Built by [`known_answer`]; see there for the model and how exact "exact" is.
///
/// # Examples
///
/// ```
/// let p = sim::known_answer(30, 4, 1e3, 1e-2, &mut sim::rng_from_seed(1))?;
/// assert_eq!((p.a.shape(), p.x_star.len(), p.y.len(), p.r.len()), ((30, 4), 4, 30, 30));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KnownAnswer {
    /// The m × n matrix, ‖A‖₂ = 1 and κ₂(A) = `kappa` (see
    /// [`with_condition_number`](crate::with_condition_number)).
    pub a: DMatrix<f64>,
    /// The exact solution, a unit vector.
    pub x_star: DVector<f64>,
    /// The right-hand side `A·x* + r`.
    pub y: DVector<f64>,
    /// The residual `y − A·x*` at the solution, orthogonal to range(A), ‖r‖₂ = `residual_norm`.
    pub r: DVector<f64>,
    /// The requested ‖r‖₂.
    pub residual_norm: f64,
    /// The requested κ₂(A).
    pub kappa: f64,
}

impl KnownAnswer {
    /// First-order scale of the forward error that the data's own rounding allows:
    /// `ε·(κ + κ²·‖r‖₂/(‖A‖₂·‖x*‖₂))` with ‖A‖₂ = ‖x*‖₂ = 1 (Wedin; Higham, *Accuracy and
    /// Stability of Numerical Algorithms*, Thm 20.1).
    ///
    /// Any backward-stable solver (Householder QR) returns x̂ with
    /// ‖x̂ − x*‖₂/‖x*‖₂ ≤ c·n·`forward_error_scale()` for a modest c; the normal equations
    /// lose up to κ² even when r = 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let p = sim::known_answer(20, 3, 1e4, 0.0, &mut sim::rng_from_seed(2))?;
    /// assert_eq!(p.forward_error_scale(), f64::EPSILON * 1e4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn forward_error_scale(&self) -> f64 {
        f64::EPSILON * (self.kappa + self.kappa * self.kappa * self.residual_norm)
    }
}

/// A least-squares problem with prescribed κ₂(A), a chosen solution and a chosen residual.
///
/// # Model
///
/// Draws, in order: `A = U·diag(σ)·Vᵀ` exactly as [`with_condition_number`](crate::with_condition_number)
/// (m ≥ n, ‖A‖₂ = 1, κ₂(A) = κ); n standard normals normalised to the unit vector x*; m
/// standard normals z. Then `r = z − U(Uᵀz)`, projected a second time ("twice is enough",
/// Giraud et al. 2005) and scaled to ‖r‖₂ = `residual_norm`; finally `y = A·x* + r`.
/// Since Aᵀr = V·Σ·Uᵀr = 0, x* is the exact minimiser and r the exact residual.
///
/// # Algorithm
///
/// The factors of [`with_condition_number`](crate::with_condition_number) (Householder QR of
/// Gaussian matrices), classical Gram–Schmidt projection applied twice, and plain
/// matrix–vector loops with a fixed summation order.
///
/// # Cost
///
/// As [`with_condition_number`](crate::with_condition_number) (≈ 6mn² + 8n³/3) plus 8mn
/// for the projections; memory O(mn).
///
/// # Accuracy
///
/// The stored (A, y) differ from the exact problem by rounding only: ‖ΔA‖₂ ≲ c·n·ε and
/// ‖Δy‖₂ ≲ c·n·ε·(1 + ‖r‖₂), and ‖Aᵀr‖₂ ≲ c·n·ε·‖r‖₂. By least-squares perturbation theory
/// the exact solution of the stored problem is therefore within a relative
/// c·n·[`forward_error_scale`](KnownAnswer::forward_error_scale) of x*, the same order as
/// the error of a backward-stable solver. Use x* to measure whether a method's error
/// follows κ·ε or κ²·ε, not to demand digits beyond that scale.
///
/// # Errors
///
/// [`Error::InvalidSize`] if n = 0 or m < n, or if m = n while `residual_norm` > 0 (no room
/// for a residual); [`Error::InvalidParameter`] if κ is not finite or below 1, or
/// `residual_norm` is negative or not finite; [`Error::TooLarge`] if m·n overflows.
///
/// # Examples
///
/// ```
/// let p = sim::known_answer(50, 5, 1e6, 1e-3, &mut sim::rng_from_seed(3))?;
/// let x = p.a.clone().svd(true, true).solve(&p.y, 0.0)?;
/// assert!((x - &p.x_star).norm() < 100.0 * p.forward_error_scale());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn known_answer(
    m: usize,
    n: usize,
    kappa: f64,
    residual_norm: f64,
    rng: &mut impl Rng,
) -> Result<KnownAnswer> {
    if !(residual_norm.is_finite() && residual_norm >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "residual_norm",
            value: residual_norm,
            reason: "must be finite and non-negative",
        });
    }
    check_min_size("n", n, 1)?;
    check_min_size("m", m, if residual_norm > 0.0 { n + 1 } else { n })?;
    let factors = Factors::draw(m, n, kappa, rng)?;
    let a = factors.product();
    let mut x_star = gaussian_fill(n, 1, rng)?.column(0).into_owned();
    x_star /= norm2(&x_star);
    let z = gaussian_fill(m, 1, rng)?.column(0).into_owned();
    let r = if residual_norm > 0.0 {
        let once = project_out(&factors.u, z);
        let twice = project_out(&factors.u, once);
        let scale = residual_norm / norm2(&twice);
        twice * scale
    } else {
        DVector::zeros(m)
    };
    let y = mat_vec(&a, &x_star) + &r;
    Ok(KnownAnswer { a, x_star, y, r, residual_norm, kappa })
}

/// `z − U(Uᵀz)` for U with orthonormal columns.
fn project_out(u: &DMatrix<f64>, z: DVector<f64>) -> DVector<f64> {
    let coefficients = mat_tr_vec(u, &z);
    z - mat_vec(u, &coefficients)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    /// Checks the residual's size and orthogonality, the data's consistency, and that an
    /// SVD solve (backward stable) lands within its forward-error scale of x*.
    #[track_caller]
    fn check(m: usize, n: usize, kappa: f64, residual_norm: f64, seed: u64) {
        let p = known_answer(m, n, kappa, residual_norm, &mut rng_from_seed(seed)).unwrap();
        let eps = f64::EPSILON;
        let size = crate::numeric::usize_to_f64(m);
        let a_norm = p.a.clone().svd(false, false).singular_values.max();
        approx::assert_relative_eq!(norm2(&p.x_star), 1.0, max_relative = 4.0 * eps);
        approx::assert_relative_eq!(norm2(&p.r), residual_norm, max_relative = 8.0 * eps);
        // ‖Aᵀr‖ ≤ c·ε·‖A‖·‖r‖ for the stored residual …
        let atr = norm2(&mat_tr_vec(&p.a, &p.r));
        assert!(atr <= 4.0 * size * eps * a_norm * residual_norm, "|A^T r| = {atr:e}");
        // … and for the residual recomputed from the stored data, whose own rounding adds
        // ε·‖A‖·‖x*‖ to ‖y − A·x*‖.
        let recomputed = &p.y - mat_vec(&p.a, &p.x_star);
        let atr = norm2(&mat_tr_vec(&p.a, &recomputed));
        let bound = 4.0 * size * eps * a_norm * (residual_norm + a_norm * norm2(&p.x_star));
        assert!(atr <= bound, "|A^T (y - A x*)| = {atr:e} > {bound:e}");
        let x = p.a.clone().svd(true, true).solve(&p.y, 0.0).unwrap();
        let error = norm2(&(x - &p.x_star));
        let allowed = 10.0 * crate::numeric::usize_to_f64(n) * p.forward_error_scale();
        assert!(error <= allowed, "{m}x{n} kappa {kappa:e}: error {error:e} > {allowed:e}");
    }

    #[test]
    fn residual_is_orthogonal_and_solution_is_recovered() {
        for (seed, kappa) in [1.0, 1e2, 1e6, 1e10].into_iter().enumerate() {
            for residual_norm in [0.0, 1e-8, 1e-2, 1.0] {
                check(40, 6, kappa, residual_norm, seed as u64);
            }
        }
        check(6, 6, 1e4, 0.0, 11);
        check(7, 6, 1e4, 0.5, 12);
        check(300, 20, 1e8, 1e-4, 13);
    }

    #[test]
    fn invalid_problems_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        assert!(matches!(
            known_answer(5, 5, 10.0, 1.0, rng),
            Err(Error::InvalidSize { name: "m", value: 5, min: 6 })
        ));
        assert!(matches!(
            known_answer(3, 5, 10.0, 0.0, rng),
            Err(Error::InvalidSize { name: "m", .. })
        ));
        assert!(matches!(
            known_answer(5, 0, 10.0, 0.0, rng),
            Err(Error::InvalidSize { name: "n", .. })
        ));
        assert!(matches!(
            known_answer(9, 3, 10.0, -1.0, rng),
            Err(Error::InvalidParameter { name: "residual_norm", .. })
        ));
        assert!(matches!(
            known_answer(9, 3, 0.1, 1.0, rng),
            Err(Error::InvalidParameter { name: "kappa", .. })
        ));
    }
}

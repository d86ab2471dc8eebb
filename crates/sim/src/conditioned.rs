//! Matrices with a prescribed 2-norm condition number, built from random orthogonal
//! factors and geometrically spaced singular values.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::error::{Error, Result, check_min_size, checked_entries};
use crate::numeric::{gaussian_fill, usize_to_f64};

/// The exact factors `U` (rows × p, orthonormal columns), σ (p values, decreasing from 1 to
/// 1/κ) and `V` (p × p orthogonal) of a matrix `U·diag(σ)·Vᵀ`, with rows ≥ p.
pub(crate) struct Factors {
    pub(crate) u: DMatrix<f64>,
    pub(crate) sigma: DVector<f64>,
    pub(crate) v: DMatrix<f64>,
}

impl Factors {
    /// Draws the factors for a `rows × p` matrix (rows ≥ p ≥ 1): a Gaussian rows × p matrix,
    /// then a Gaussian p × p matrix, both drawn column-major.
    pub(crate) fn draw(rows: usize, p: usize, kappa: f64, rng: &mut impl Rng) -> Result<Self> {
        check_min_size("n", p, 1)?;
        check_min_size("m", rows, p)?;
        if !(kappa.is_finite() && kappa >= 1.0) {
            return Err(Error::InvalidParameter {
                name: "kappa",
                value: kappa,
                reason: "must be finite and at least 1",
            });
        }
        if p == 1 && kappa > 1.0 {
            return Err(Error::InvalidParameter {
                name: "kappa",
                value: kappa,
                reason: "must be 1 when the matrix has a single row or column",
            });
        }
        checked_entries(rows, p)?;
        let u = haar_orthonormal(gaussian_fill(rows, p, rng)?);
        let v = haar_orthonormal(gaussian_fill(p, p, rng)?);
        let sigma = DVector::from_fn(p, |j, _| {
            if j == 0 {
                1.0
            } else if j + 1 == p {
                1.0 / kappa
            } else {
                kappa.powf(-usize_to_f64(j) / usize_to_f64(p - 1))
            }
        });
        Ok(Self { u, sigma, v })
    }

    /// `U·diag(σ)·Vᵀ`, column by column with a fixed summation order (no FMA), so the result
    /// does not depend on the CPU's BLAS kernel.
    pub(crate) fn product(&self) -> DMatrix<f64> {
        let (rows, p) = self.u.shape();
        let mut a = DMatrix::zeros(rows, p);
        for (c, mut column) in a.column_iter_mut().enumerate() {
            for k in 0..p {
                let coefficient = self.sigma[k] * self.v[(c, k)];
                for (aic, &uik) in column.iter_mut().zip(self.u.column(k).iter()) {
                    *aic += uik * coefficient;
                }
            }
        }
        a
    }
}

/// The Q factor of `g = QR`, with the sign of each column chosen so that diag(R) ≥ 0.
///
/// With that normalisation, Q of a Gaussian matrix is distributed uniformly (Haar) on the
/// Stiefel manifold (Stewart 1980; Mezzadri 2007).
fn haar_orthonormal(g: DMatrix<f64>) -> DMatrix<f64> {
    let qr = g.qr();
    let r = qr.r();
    let mut q = qr.q();
    for (j, mut column) in q.column_iter_mut().enumerate() {
        if r[(j, j)] < 0.0 {
            column.neg_mut();
        }
    }
    q
}

/// An m × n matrix with 2-norm condition number κ: `A = U·diag(σ)·Vᵀ`.
///
/// # Model
///
/// With p = min(m, n) and, for m ≥ n:
/// - `U` (m × n) is the Q factor of an m × n standard Gaussian matrix, `V` (n × n) the Q
///   factor of an n × n standard Gaussian matrix (drawn in that order, each column-major),
///   each column's sign chosen so that diag(R) ≥ 0, which makes U and V Haar-distributed;
/// - σⱼ = κ^(−j/(p−1)) for j = 0, …, p − 1: geometric from σ₀ = 1 to `σ_{p−1}` = 1/κ, so
///   ‖A‖₂ = 1 and κ₂(A) = κ.
///
/// For m < n the construction builds the n × m matrix and returns its transpose.
///
/// # Algorithm
///
/// nalgebra's Householder QR for the orthogonal factors (Golub & Van Loan §5.2), then the
/// product formed column by column (no FMA, fixed order, so bit-reproducible across CPUs).
///
/// # Cost
///
/// For m ≥ n: two QRs and forming Q, ≈ 4mn² + 8n³/3, plus 2mn² for the product; memory
/// O(mn) (never an m × m matrix).
///
/// # Accuracy
///
/// The computed A equals the exact `U·diag(σ)·Vᵀ` plus E with ‖E‖₂ ≲ c·n·ε (the rounding of
/// U, V and the product), so the smallest singular value, 1/κ, moves by at most about
/// c·n·ε in absolute terms: κ₂ of the stored matrix has relative error ≲ c·n·ε·κ. The
/// errors are random rather than worst-case, so in practice (nalgebra's SVD, shapes up to
/// 1000 × 100) the relative error is about 10⁻⁸ at κ = 10¹⁰, 10⁻⁵ at 10¹², 10⁻⁴ at 10¹³
/// and 2·10⁻³ at 10¹⁴. The tests require 1% up to κ = 10¹⁴.
///
/// # Errors
///
/// [`Error::InvalidSize`] if m or n is 0; [`Error::InvalidParameter`] if κ is not finite,
/// κ < 1, or κ ≠ 1 when min(m, n) = 1; [`Error::TooLarge`] if m·n overflows.
///
/// # Examples
///
/// ```
/// let mut rng = sim::rng_from_seed(10);
/// let a = sim::with_condition_number(40, 5, 1e6, &mut rng)?;
/// let s = a.svd(false, false).singular_values;
/// assert!((s.max() / s.min() / 1e6 - 1.0).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn with_condition_number(
    m: usize,
    n: usize,
    kappa: f64,
    rng: &mut impl Rng,
) -> Result<DMatrix<f64>> {
    check_min_size("m", m, 1)?;
    check_min_size("n", n, 1)?;
    if m >= n {
        Ok(Factors::draw(m, n, kappa, rng)?.product())
    } else {
        Ok(Factors::draw(n, m, kappa, rng)?.product().transpose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    /// Checks κ₂ (nalgebra's SVD) within `rel` of the target and ‖A‖₂ = 1.
    #[track_caller]
    fn check(m: usize, n: usize, kappa: f64, seed: u64, rel: f64) {
        let a = with_condition_number(m, n, kappa, &mut rng_from_seed(seed)).unwrap();
        assert_eq!(a.shape(), (m, n));
        let s = a.svd(false, false).singular_values;
        let measured = s.max() / s.min();
        assert!((measured / kappa - 1.0).abs() <= rel, "{m}x{n}: kappa {measured:e} vs {kappa:e}");
        approx::assert_relative_eq!(s.max(), 1.0, max_relative = 64.0 * f64::EPSILON);
    }

    #[test]
    fn condition_number_is_within_one_percent_up_to_1e14() {
        for (seed, kappa) in [1.0, 10.0, 1e4, 1e8, 1e10, 1e12, 1e13, 1e14].into_iter().enumerate() {
            let seed = seed as u64;
            check(50, 10, kappa, seed, 0.01);
            check(10, 10, kappa, seed + 100, 0.01);
            check(7, 30, kappa, seed + 200, 0.01);
            check(200, 40, kappa, seed + 300, 0.01);
        }
    }

    #[test]
    fn moderate_condition_numbers_are_accurate_to_many_digits() {
        check(30, 6, 1e3, 7, 1e-10);
        check(1, 1, 1.0, 8, 0.0);
        check(5, 1, 1.0, 9, 64.0 * f64::EPSILON);
        check(1, 5, 1.0, 10, 64.0 * f64::EPSILON);
    }

    #[test]
    fn orthogonal_factors_are_orthonormal_with_geometric_spectrum() {
        let f = Factors::draw(20, 4, 1e3, &mut rng_from_seed(3)).unwrap();
        let utu = f.u.transpose() * &f.u;
        let vtv = f.v.transpose() * &f.v;
        approx::assert_relative_eq!(utu, DMatrix::identity(4, 4), epsilon = 64.0 * f64::EPSILON);
        approx::assert_relative_eq!(vtv, DMatrix::identity(4, 4), epsilon = 64.0 * f64::EPSILON);
        approx::assert_relative_eq!(f.sigma[1], 0.1, max_relative = 4.0 * f64::EPSILON);
        assert_eq!(f.sigma[3].to_bits(), 1e-3_f64.to_bits());
        approx::assert_relative_eq!(
            f.product(),
            &f.u * DMatrix::from_diagonal(&f.sigma) * f.v.transpose(),
            epsilon = 64.0 * f64::EPSILON
        );
    }

    #[test]
    fn invalid_requests_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        for kappa in [0.5, f64::NAN, f64::INFINITY, -3.0] {
            assert!(matches!(
                with_condition_number(5, 3, kappa, rng),
                Err(Error::InvalidParameter { name: "kappa", .. })
            ));
        }
        assert!(matches!(
            with_condition_number(5, 1, 2.0, rng),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            with_condition_number(1, 4, 2.0, rng),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            with_condition_number(0, 3, 2.0, rng),
            Err(Error::InvalidSize { name: "m", .. })
        ));
        assert!(matches!(
            with_condition_number(4, 0, 2.0, rng),
            Err(Error::InvalidSize { name: "n", .. })
        ));
    }
}

//! Orthogonal polynomials as R's `poly(x, k)`.

use crate::error::{Error, Result};

/// The columns `P₁(x), …, P_k(x)` of R's `poly(x, k)`: polynomials of degree 1 to `k` in `x`,
/// orthogonal to each other and to the constant over the given points, each of unit length,
/// with a positive leading coefficient.
///
/// # Algorithm
/// The Stieltjes three-term recurrence on the centred points `t = x − x̄` (R's `predict.poly`):
/// `P₀ = 1`, `P₁ = t − α₀`, `P_{j+1} = (t − α_j)P_j − (‖P_j‖²/‖P_{j−1}‖²)P_{j−1}` with
/// `α_j = Σ t P_j² / ‖P_j‖²`, each then divided by its norm. Every new column is
/// re-orthogonalised once against the previous ones (Gram–Schmidt twice is enough; Giraud et
/// al., *Numer. Math.* 101, 2005), which changes nothing in exact arithmetic and keeps
/// `PᵀP = I` to rounding for high degrees. R's `poly` takes the same monic polynomials from
/// the QR factorization of the centred Vandermonde matrix (`Q·diag(R)`, the Gram–Schmidt
/// residuals of `tʲ`), so the columns agree with R's to rounding, signs included.
///
/// # Cost
/// About `4nk + 2nk²` flops for `n` points.
///
/// # Accuracy
/// The columns are orthonormal to a few units of `ε·k`; the design they make is perfectly
/// conditioned in its polynomial block, which is why no extended-precision recipe (as
/// `lsq::Design::polynomial` keeps for raw powers) is needed.
///
/// # Errors
/// [`Error::PolyDegree`] when `k` is not less than the number of distinct values of `x`
/// (`expression` names the term in the message).
pub(crate) fn orthogonal_poly(x: &[f64], degree: usize, expression: &str) -> Result<Vec<Vec<f64>>> {
    let mut distinct: Vec<f64> = x.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup_by(|a, b| a.to_bits() == b.to_bits());
    if degree >= distinct.len() {
        return Err(Error::PolyDegree {
            expression: expression.to_owned(),
            degree,
            unique: distinct.len(),
        });
    }
    let n = count(x.len());
    let mean = x.iter().sum::<f64>() / n;
    let t: Vec<f64> = x.iter().map(|v| v - mean).collect();

    // Unnormalised monic polynomials P_{j-1}, P_j and their squared norms.
    let mut previous = vec![0.0; x.len()];
    let mut current = vec![1.0; x.len()];
    let mut norm2_previous = 1.0;
    let mut norm2 = n;
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(degree);
    for _ in 0..degree {
        let alpha = t.iter().zip(&current).map(|(ti, p)| ti * p * p).sum::<f64>() / norm2;
        let beta = norm2 / norm2_previous;
        let mut next: Vec<f64> =
            (0..x.len()).map(|i| (t[i] - alpha) * current[i] - beta * previous[i]).collect();
        // One re-orthogonalisation against the constant and the earlier columns.
        let mean_next = next.iter().sum::<f64>() / n;
        for v in &mut next {
            *v -= mean_next;
        }
        for q in &columns {
            let dot: f64 = q.iter().zip(&next).map(|(a, b)| a * b).sum();
            next.iter_mut().zip(q).for_each(|(v, qi)| *v -= dot * qi);
        }
        let norm2_next: f64 = next.iter().map(|v| v * v).sum();
        let scale = norm2_next.sqrt();
        columns.push(next.iter().map(|v| v / scale).collect());
        norm2_previous = norm2;
        norm2 = norm2_next;
        previous = current;
        current = next;
    }
    Ok(columns)
}

/// A count as `f64`.
#[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^53")]
fn count(n: usize) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(actual: f64, expected: f64) {
        assert!((actual - expected).abs() <= 8.0 * f64::EPSILON, "{actual} vs {expected}");
    }

    #[test]
    fn poly_of_one_to_five_has_the_closed_forms() {
        // Centred at 3: P1 = (x-3)/√10, P2 = ((x-3)² - 2)/√14, P3 = ((x-3)³ - 3.4(x-3))/√(14.4)
        // (the discrete Chebyshev polynomials), all with positive leading coefficients as R.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let p = orthogonal_poly(&x, 3, "poly(x, 3)").unwrap();
        for (i, &xi) in x.iter().enumerate() {
            let t: f64 = xi - 3.0;
            check(p[0][i], t / 10f64.sqrt());
            check(p[1][i], (t * t - 2.0) / 14f64.sqrt());
            check(p[2][i], (t.powi(3) - 3.4 * t) / 14.4f64.sqrt());
        }
        // R's printed poly(1:5, 2), for the sign and scale convention.
        check((p[0][0] * 1e7).round(), -6_324_555.0);
        check((p[1][0] * 1e7).round(), 5_345_225.0);
    }

    #[test]
    fn columns_are_orthonormal_and_orthogonal_to_the_constant() {
        let x: Vec<f64> =
            (0..40).map(|i| f64::from(i).mul_add(0.37, (f64::from(i) * 1.3).sin())).collect();
        let p = orthogonal_poly(&x, 8, "poly(x, 8)").unwrap();
        for (j, a) in p.iter().enumerate() {
            assert!(a.iter().sum::<f64>().abs() < 1e-13);
            for (k, b) in p.iter().enumerate() {
                let dot: f64 = a.iter().zip(b).map(|(u, v)| u * v).sum();
                let expected = if j == k { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-13, "{j} {k} {dot}");
            }
        }
    }

    #[test]
    fn the_degree_must_be_below_the_distinct_points() {
        let err = orthogonal_poly(&[1.0, 2.0, 2.0, 1.0], 2, "poly(x, 2)").unwrap_err();
        assert!(matches!(err, Error::PolyDegree { degree: 2, unique: 2, .. }));
    }
}

//! [`Standardization`]: the centred and scaled columns gradient ascent may work on, and the
//! linear map between their coefficients and the design's.

use nalgebra::DVector;

use crate::numeric::norm2;
use crate::problem::Problem;

/// Working coordinates `θ` for coefficients `β` on the columns `cols`: every non-intercept
/// column `x_j` is replaced by `(x_j − m_j)/s_j`, with `m_j` its mean over the kept rows
/// weighted by the prior weights (times the binomial trials; only when the fit has an intercept
/// to absorb it) and `s_j` the power of two nearest its weighted root mean square about `m_j`
/// (the weights are those of the information at a constant mean, so the information's diagonal
/// in these coordinates is about even), so that `η = Xβ` is unchanged when `β_j = θ_j/s_j` and the intercept
/// `β₀ = θ₀ − Σ m_j·β_j/c₀` (`c₀` the intercept column's value). The scales are powers of two,
/// so `θ_j ↔ β_j` is exact; only the intercept's shift rounds, as one dot product does. Without
/// standardisation the map is the identity, bit for bit.
#[derive(Debug, Clone)]
pub(crate) struct Standardization {
    /// `(position in cols, c₀)` of the intercept, when the columns are centred against it.
    intercept: Option<(usize, f64)>,
    means: Vec<f64>,
    scales: Vec<f64>,
}

impl Standardization {
    /// The standardisation of the columns `cols` (the identity unless `on`).
    pub(crate) fn new(problem: &Problem<'_>, cols: &[usize], on: bool) -> Self {
        let p = cols.len();
        let identity = Self { intercept: None, means: vec![0.0; p], scales: vec![1.0; p] };
        let Some(first) = problem.kept.first() else { return identity };
        if !on {
            return identity;
        }
        let intercept = problem
            .intercept
            .and_then(|j0| cols.iter().position(|&j| j == j0).map(|k| (k, problem.x[(first, j0)])))
            .filter(|&(_, c0)| c0 != 0.0 && c0.is_finite());
        // The weights relative to their largest, so that their sum cannot overflow.
        let largest = problem.kept.iter().fold(0.0_f64, |m, i| m.max(problem.weights[i]));
        let share: Vec<f64> = problem.kept.iter().map(|i| problem.weights[i] / largest).collect();
        let total: f64 = share.iter().sum();
        let mut means = vec![0.0; p];
        let mut scales = vec![1.0; p];
        for (k, &j) in cols.iter().enumerate() {
            if intercept.is_some_and(|(k0, _)| k0 == k) {
                continue;
            }
            let column = problem.x.column(j);
            let mean = if intercept.is_some() {
                problem.kept.iter().zip(&share).map(|(i, &w)| w * column[i] / total).sum::<f64>()
            } else {
                0.0
            };
            let mean = if mean.is_finite() { mean } else { 0.0 };
            let centred: Vec<f64> = problem
                .kept
                .iter()
                .zip(&share)
                .map(|(i, &w)| w.sqrt() * (column[i] - mean))
                .collect();
            let rms = norm2(&centred) / total.sqrt();
            let scale = rms.log2().round().exp2();
            means[k] = mean;
            scales[k] = if rms > 0.0 && rms.is_finite() && scale.is_normal() { scale } else { 1.0 };
        }
        Self { intercept, means, scales }
    }

    /// `β` from `θ`.
    pub(crate) fn to_original(&self, theta: &DVector<f64>) -> DVector<f64> {
        let mut beta = DVector::from_fn(theta.len(), |k, _| theta[k] / self.scales[k]);
        if let Some((k0, c0)) = self.intercept {
            beta[k0] = theta[k0] - self.shift(&beta, k0) / c0;
        }
        beta
    }

    /// `θ` from `β`.
    pub(crate) fn to_standard(&self, beta: &DVector<f64>) -> DVector<f64> {
        let mut theta = DVector::from_fn(beta.len(), |k, _| beta[k] * self.scales[k]);
        if let Some((k0, c0)) = self.intercept {
            theta[k0] = beta[k0] + self.shift(beta, k0) / c0;
        }
        theta
    }

    /// `Σ_{k ≠ k0} m_k·β_k`.
    fn shift(&self, beta: &DVector<f64>, k0: usize) -> f64 {
        (0..beta.len()).filter(|&k| k != k0).map(|k| self.means[k] * beta[k]).sum()
    }

    /// The gradient with respect to `θ` from the gradient `g` with respect to `β` (the
    /// transpose of the Jacobian of [`Standardization::to_original`] applied to `g`).
    pub(crate) fn gradient(&self, g: &DVector<f64>) -> DVector<f64> {
        let mut out = DVector::from_fn(g.len(), |k, _| g[k] / self.scales[k]);
        if let Some((k0, c0)) = self.intercept {
            for k in (0..g.len()).filter(|&k| k != k0) {
                out[k] -= self.means[k] / (self.scales[k] * c0) * g[k0];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Data;
    use crate::family::Family;
    use lsq::Design;
    use nalgebra::{DMatrix, dvector};

    #[track_caller]
    fn check(x: DMatrix<f64>, on: bool) {
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let y = DVector::from_element(design.nrows(), 1.0);
        let problem = Problem::new(&Data::new(&design, &y), Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        let map = Standardization::new(&problem, &cols, on);
        let beta = dvector![0.25, -3.0, 1e-3];
        let theta = map.to_standard(&beta);
        let back = map.to_original(&theta);
        assert!((&back - &beta).amax() <= 4.0 * f64::EPSILON * beta.amax(), "{back} vs {beta}");
        // The linear predictor is unchanged: η = Xβ equals the standardised columns times θ.
        let eta = design.matrix() * &beta;
        let z = DMatrix::from_fn(design.nrows(), 3, |i, k| {
            if k == 0 || !on {
                design.matrix()[(i, k)]
            } else {
                (design.matrix()[(i, k)] - map.means[k]) / map.scales[k]
            }
        });
        let standard = &z * &theta;
        assert!((&standard - &eta).amax() <= 1e-12 * eta.amax());
        // The gradient map is the transpose of the Jacobian: g_θ·δθ = g_β·δβ for any δ.
        let g = dvector![1.5, -0.5, 2.0];
        let delta = dvector![0.1, 0.2, -0.3];
        let lhs = map.gradient(&g).dot(&delta);
        // The map is linear, so its Jacobian applied to δ is the map of δ.
        let rhs = g.dot(&map.to_original(&delta));
        assert!((lhs - rhs).abs() <= 1e-12 * lhs.abs().max(1.0), "{lhs} vs {rhs}");
        if !on {
            assert_eq!(theta, beta);
        }
    }

    #[test]
    fn standardisation_keeps_the_linear_predictor_and_maps_back() {
        let x = DMatrix::from_fn(6, 3, |i, j| match j {
            0 => 1.0,
            1 => 1e4 * (1.0 + f64::from(u8::try_from(i).unwrap())),
            _ => 1e-2 * f64::from(u8::try_from(i * i).unwrap()),
        });
        check(x.clone(), true);
        check(x, false);
    }
}

//! The weighted least-squares problem of an IRLS step on a tall design, folded row block by row
//! block into [`linalg_core::TallQr`] on every core, so that no `m×n` copy of `√W·X` exists.
//!
//! The rows `√W_i·x_i` and `√W_i·z_i` are computed from `η` and `μ` inside the fold, in
//! cache-sized blocks, and the blocks are merged in an order that depends only on the shape:
//! the factor is the same bit for bit for every number of threads. Only the full-rank case is
//! decided here; a column that fails the rank test, or a fold that meets a non-finite value,
//! returns `None` so that the caller takes the copying path through `lsq`, which names the
//! aliased columns or the offending value.

use linalg_core::{TallQr, back_substitute, condition_estimate_upper, default_rank_tolerance};
use nalgebra::{DMatrix, DVector};

use crate::factor::{FactorKind, TallFactor};
use crate::numeric::{norm2, unit_scale};
use crate::problem::{Evaluation, Problem};

/// Factors `√W·X` on the columns `cols` at `e` by folding its rows, with `√W·z`, into a
/// [`TallQr`] on [`TallQr::default_threads`] threads.
///
/// The columns are first brought near unit norm by the powers of two of
/// [`Problem::column_scales`] (the design's own column norms), so the fold sees the same numbers whatever the units of `X`; the
/// triangle's columns are then scaled by the powers of two that bring them to unit norm, which
/// multiplies the factor exactly. Cost: `2mp²` flops for the fold plus `O(p³)` for the
/// covariance, and one read of the `p` columns of `X`; memory `O(p²)` per thread beyond the
/// cache-sized blocks. Accuracy: Householder QR's, a backward error of a small multiple of `ε`
/// per column, amplified by `κ` of the equilibrated `√W·X` in the step and the covariance.
///
/// `None` when a column is zero or fails `lsq`'s rank test `|r_kk| > tol·‖r_k‖` with `lsq`'s
/// default tolerance, or when the fold or the triangle meets a value that is not finite: the
/// copying path then decides, with its errors.
pub(crate) fn tall_factor(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
) -> Option<TallFactor> {
    let design = problem.column_scales();
    let column_scales: Vec<f64> = cols.iter().map(|&j| design[j]).collect();
    let (m, p) = (problem.kept.len(), cols.len());
    let every_row = m == problem.x.nrows();
    let fill = |start: usize, len: usize, buf: &mut [f64]| -> usize {
        let (columns, response) = buf.split_at_mut(len * p);
        let mut roots = Vec::with_capacity(len);
        for (k, v) in response.iter_mut().enumerate() {
            let i = if every_row { start + k } else { problem.kept.get(start + k) };
            let (root, z) = problem.irls_row(e, i);
            roots.push(root);
            *v = root * z;
        }
        for ((dst, &j), &s) in columns.chunks_exact_mut(len).zip(cols).zip(&column_scales) {
            let column = problem.x.column(j);
            if every_row {
                let source = &column.as_slice()[start..start + len];
                for ((v, &x), &root) in dst.iter_mut().zip(source).zip(&roots) {
                    *v = root * (x * s);
                }
            } else {
                for (k, (v, &root)) in dst.iter_mut().zip(&roots).enumerate() {
                    *v = root * (column[problem.kept.get(start + k)] * s);
                }
            }
        }
        len
    };
    let state = TallQr::<f64>::from_fill(m, p, 1, TallQr::<f64>::default_threads(), fill).ok()?;
    finish_qr(&state, &column_scales, m)
}

/// The [`TallFactor`] of a folded `√W·X` (columns pre-scaled by `column_scales`) and `√W·z`
/// over `m` rows: `lsq`'s rank test on the triangle, the unit scaling of its columns, the
/// Fisher iterate by back substitution and the covariance `R̃⁻¹R̃⁻ᵀ` (`O(p³)`). `None` when a
/// column fails the rank test or a result is not finite.
pub(crate) fn finish_qr(
    state: &TallQr<f64>,
    column_scales: &[f64],
    m: usize,
) -> Option<TallFactor> {
    let mut r = state.r();
    let qty = state.qty();
    let p = r.ncols();
    let norms: Vec<f64> = r.column_iter().map(|c| norm2(c.as_slice())).collect();
    let tol = default_rank_tolerance::<f64>(m, p);
    if !(0..p).all(|k| norms[k] > 0.0 && r[(k, k)].abs() > tol * norms[k]) {
        return None;
    }
    let mut scales = Vec::with_capacity(p);
    for (k, mut column) in r.column_iter_mut().enumerate() {
        let t = unit_scale(norms[k]);
        column *= t;
        scales.push(column_scales[k] * t);
    }
    let solution = back_substitute(&r, &qty.column(0).into_owned()).ok()?;
    let inverse = back_substitute(&r, &DMatrix::<f64>::identity(p, p)).ok()?;
    let covariance = &inverse * inverse.transpose();
    let condition = condition_estimate_upper(&r).ok()?;
    let fisher = DVector::from_fn(p, |j, _| solution[j] * scales[j]);
    let finite = fisher.iter().chain(covariance.iter()).all(|v| v.is_finite());
    let kind = FactorKind::Qr;
    finite.then_some(TallFactor { fisher, scales, covariance, condition, kind, spread: None })
}

/// Whether the tall design `√w·X` (prior weights, every column) passes `lsq`'s rank test,
/// decided by folding its rows into a [`TallQr`] on every core instead of factoring an `m×n`
/// copy: `2mp²` flops and `O(p²)` memory per thread. `false` when a column fails the test or the
/// fold meets a value out of range; the caller then asks `lsq` on a copy, which names the
/// aliased columns under the caller's rank policy.
pub(crate) fn full_rank(problem: &Problem<'_>) -> bool {
    let (m, p) = (problem.kept.len(), problem.x.ncols());
    let scales = problem.column_scales();
    let fill = |start: usize, len: usize, buf: &mut [f64]| -> usize {
        let (columns, response) = buf.split_at_mut(len * p);
        response.fill(0.0);
        let rows: Vec<usize> = (start..start + len).map(|k| problem.kept.get(k)).collect();
        let roots: Vec<f64> = rows.iter().map(|&i| problem.weights[i].sqrt()).collect();
        for (j, (dst, &s)) in columns.chunks_exact_mut(len).zip(scales).enumerate() {
            let column = problem.x.column(j);
            for ((v, &i), &root) in dst.iter_mut().zip(&rows).zip(&roots) {
                *v = root * (column[i] * s);
            }
        }
        len
    };
    let Ok(state) = TallQr::<f64>::from_fill(m, p, 1, TallQr::<f64>::default_threads(), fill)
    else {
        return false;
    };
    let r = state.r();
    let tol = default_rank_tolerance::<f64>(m, p);
    r.column_iter().enumerate().all(|(k, column)| {
        let norm = norm2(column.as_slice());
        norm > 0.0 && norm.is_finite() && r[(k, k)].abs() > tol * norm
    })
}

/// `G′ = diag(d)·Xᵀ·diag(W·r)·X·diag(d)` on the columns `cols` at `e`, for per-observation
/// factors `r` on the kept rows (in `kept` order) and column scales `d`: a weighted Gram matrix
/// accumulated block by block (`mp²` flops, `O(p²)` memory beyond one block), without an `m×n`
/// copy of the design.
pub(crate) fn weighted_gram(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
    r: &[f64],
    scales: &[f64],
) -> DMatrix<f64> {
    const BLOCK: usize = 4096;
    let (m, p) = (problem.kept.len(), cols.len());
    let mut gram = DMatrix::zeros(p, p);
    let mut block = DMatrix::zeros(0, 0);
    let mut scaled = DMatrix::zeros(0, 0);
    for start in (0..m).step_by(BLOCK) {
        let len = BLOCK.min(m - start);
        if block.nrows() != len {
            block = DMatrix::zeros(len, p);
            scaled = DMatrix::zeros(len, p);
        }
        let roots: Vec<f64> =
            (0..len).map(|k| problem.irls_row(e, problem.kept.get(start + k)).0).collect();
        for (c, (&j, &d)) in cols.iter().zip(scales).enumerate() {
            let column = problem.x.column(j);
            for k in 0..len {
                let v = roots[k] * (column[problem.kept.get(start + k)] * d);
                block[(k, c)] = v;
                scaled[(k, c)] = v * r[start + k];
            }
        }
        gram.gemm_tr(1.0, &block, &scaled, 1.0);
    }
    gram
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::is_tall;
    use crate::data::Data;
    use crate::family::Family;
    use crate::information::copying_factor;
    use crate::numeric::count_to_f64;
    use lsq::Design;

    /// A tall Poisson problem (150 000 rows × 16 columns, one column in units of 2⁴⁰⁰), prior
    /// weights with a zero on every ninth row, and an offset.
    fn tall_poisson() -> (Design, DVector<f64>, DVector<f64>, DVector<f64>) {
        let (m, p) = (150_000, 16);
        let mut rng = sim::rng_from_seed(14);
        let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        x.column_mut(p - 1).iter_mut().for_each(|v| *v *= 400_f64.exp2());
        let theta = DVector::from_fn(p, |j, _| {
            if j + 1 == p { 0.1 * (-400_f64).exp2() } else { 0.2 / (1.0 + count_to_f64(j)) }
        });
        let offset = DVector::from_fn(m, |i, _| 0.25 * count_to_f64(i % 4));
        let mu = (&x * &theta + &offset).map(f64::exp);
        let y = sim::poisson(&mu, &mut rng).unwrap();
        let w =
            DVector::from_fn(m, |i, _| if i % 9 == 4 { 0.0 } else { 1.0 + count_to_f64(i % 3) });
        (Design::new(x).unwrap().with_intercept_column(0).unwrap(), y, w, offset)
    }

    /// The fold of the weighted rows against `lsq`'s QR of the `m×p` copy, at the same point:
    /// the step and the covariance agree to a small multiple of `κ·ε`, the scales exactly.
    #[test]
    fn the_fold_agrees_with_the_copying_factor() {
        let (design, y, w, offset) = tall_poisson();
        let data = Data::new(&design, &y).weights(&w).offset(&offset);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        assert!(is_tall(problem.kept.len(), cols.len()));
        let gamma = DVector::from_fn(cols.len(), |j, _| if j == 0 { 0.5 } else { 0.0 });
        let e = problem.evaluate(&cols, &gamma);
        let tall = tall_factor(&problem, &cols, &e).expect("full rank");
        let (copy, _, _) =
            copying_factor(&problem, &cols, &e, DMatrix::zeros(0, 0), false).unwrap();
        assert_eq!(tall.scales, copy.scales);
        let bound = 1e3 * tall.condition * f64::EPSILON;
        for j in 0..cols.len() {
            let (a, b) = (tall.fisher[j] / tall.scales[j], copy.fisher[j] / copy.scales[j]);
            assert!((a - b).abs() <= bound * (1.0 + b.abs()), "step {j}: {a} vs {b}");
        }
        let scale = copy.covariance.amax();
        assert!((&tall.covariance - &copy.covariance).amax() <= bound * scale);
    }

    /// The blocked evaluation on every core against the sequential one: `η` and `μ` bit for
    /// bit (the same sums in the same order), the deviance to rounding.
    #[test]
    fn the_blocked_evaluation_agrees_with_the_sequential_one() {
        let (design, y, w, offset) = tall_poisson();
        let data = Data::new(&design, &y).weights(&w).offset(&offset);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        let root_m = count_to_f64(problem.kept.len()).sqrt();
        let gamma = DVector::from_fn(cols.len(), |j, _| {
            0.01 * (count_to_f64(j) - 3.0) * problem.column_scales()[j] * root_m
        });
        let blocked = problem.evaluate(&cols, &gamma);
        let mut eta = problem.offset.to_vector();
        for (&j, &g) in cols.iter().zip(gamma.iter()) {
            eta.iter_mut().zip(problem.x.column(j).iter()).for_each(|(e, &x)| *e += g * x);
        }
        assert_eq!(blocked.eta, eta);
        let mu = eta.map(|e| problem.link.inverse(e));
        assert_eq!(blocked.mu, mu);
        // The log link's own `exp` is within an ulp of the platform's.
        let platform = eta.map(f64::exp);
        assert!(mu.iter().zip(&platform).all(|(a, b)| a.to_bits().abs_diff(b.to_bits()) <= 1));
        let deviance: f64 = problem
            .kept
            .iter()
            .map(|i| problem.weights[i] * problem.family.unit_deviance(problem.y[i], mu[i]))
            .sum();
        assert!(deviance.is_finite() && blocked.invalid.is_none());
        assert!(
            (blocked.deviance - deviance).abs() <= 1e-12 * deviance,
            "{} vs {deviance}",
            blocked.deviance
        );
    }

    /// A whole fit through the tall path reaches the optimum: the score `Xᵀ·w·(y − μ)` vanishes
    /// against its scale, and the aliased column of a duplicated design is found by the copying
    /// path the fold hands it to.
    #[test]
    fn a_tall_fit_reaches_the_optimum_and_rank_deficiency_falls_back() {
        let (design, y, w, offset) = tall_poisson();
        let data = Data::new(&design, &y).weights(&w).offset(&offset);
        let fit = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap();
        let mu = fit.fitted_values();
        let x = design.matrix();
        for j in 0..x.ncols() {
            let (score, size) = (0..x.nrows()).fold((0.0, 0.0), |(s, a), i| {
                let v = w[i] * x[(i, j)];
                (s + v * (y[i] - mu[i]), a + (v * y[i]).abs())
            });
            assert!(score.abs() <= 1e-9 * size, "column {j}: score {score} against {size}");
        }
        let mut doubled = x.clone().insert_column(x.ncols(), 0.0);
        let last = x.column(3).into_owned() * 2.0;
        doubled.set_column(x.ncols(), &last);
        let design = Design::new(doubled).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y).weights(&w).offset(&offset);
        let err = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap_err();
        assert!(err.to_string().contains("x17") || err.to_string().contains("alias"), "{err}");
    }
}

#[cfg(test)]
mod unit_tests {
    use crate::data::Data;
    use crate::family::Family;
    use lsq::Design;
    use nalgebra::DVector;

    /// On the tall path, as on the copying one, a column in units of `2^k` changes its
    /// coefficient and standard error by exactly `2^−k` and nothing else, bit for bit.
    #[test]
    fn tall_fits_do_not_depend_on_power_of_two_units() {
        let (m, p) = (20_000, 8);
        let mut rng = sim::rng_from_seed(41);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.1 } else { -0.15 });
        let y = sim::poisson(&(&x * &theta).map(f64::exp), &mut rng).unwrap();
        let fit = |k: i32| {
            let mut scaled = x.clone();
            scaled.column_mut(3).iter_mut().for_each(|v| *v *= f64::from(k).exp2());
            let design = Design::new(scaled).unwrap().with_intercept_column(0).unwrap();
            crate::fit(&Data::new(&design, &y), Family::Poisson, &crate::Control::default())
                .unwrap()
        };
        let base = fit(0);
        for k in [-900, -40, 40, 900] {
            let scaled = fit(k);
            let unit = f64::from(-k).exp2();
            for j in 0..p {
                let factor = if j == 3 { unit } else { 1.0 };
                assert_eq!(
                    scaled.coefficients()[j].to_bits(),
                    (base.coefficients()[j] * factor).to_bits(),
                    "k {k}, β{j}"
                );
                assert_eq!(
                    scaled.std_errors()[j].to_bits(),
                    (base.std_errors()[j] * factor).to_bits(),
                    "k {k}, SE{j}"
                );
            }
            assert_eq!(scaled.deviance().to_bits(), base.deviance().to_bits());
        }
    }
}

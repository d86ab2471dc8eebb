//! A warm start for IRLS on a tall design: the fit of a systematic subsample of its rows.
//!
//! From R's starting means IRLS needs five or six passes over the design before its steps
//! become negligible; most of them only bring the coefficients from far away to within the
//! sampling error of the optimum, which a fit on a small share of the rows does as well at a
//! fraction of the cost. The subsample's optimum lies within a few of its own standard errors of
//! the full one, close enough for Newton's quadratic convergence, so the full fit started there
//! needs about three passes plus the last one that confirms the step is negligible. A large
//! enough subsample is followed by one Fisher step on a systematic third of the rows, read in
//! place (`crate::fused::subset_step`), which lands about five times closer: the full fit then
//! needs two passes plus the last. The subsample only chooses where IRLS starts: the stopping
//! rule, the last step and the covariance are those of the full data, so a fit reaches the same
//! optimum within the same tolerance.

use nalgebra::{DMatrix, DVector};

use crate::criterion::Criterion;
use crate::fused::{SUBSET_STRIDE, applies, subset_step};
use crate::irls::irls;
use crate::numeric::{count_to_f64, unit_scale};
use crate::problem::Problem;
use crate::separation::near_boundary;

/// Consecutive rows the subsample takes at a time: 64, half a kilobyte of each column, so that
/// copying it reads whole cache lines and the rows it skips are not read at all.
const RUN_ROWS: usize = 64;

/// The subsample keeps at least this many rows per column, so that its optimum is a sound
/// estimate (its standard errors about `√stride` times the full data's).
const ROWS_PER_COLUMN: usize = 64;

/// The subsample takes one run of rows in every `stride` runs, `stride` at most this (a 64th of
/// the rows: its fit costs about a tenth of one pass over the design) ...
const MAX_STRIDE: usize = 64;

/// ... and at least this; with fewer rows to skip the warm start would cost more than the
/// passes it saves.
const MIN_STRIDE: usize = 4;

/// The subsample's fit stops at this measure of [`Criterion::Coefficients`]: its optimum is
/// about one of its own standard errors from the full one, a measure of order 1, so solving it
/// more exactly would not start the full fit any closer.
const TOLERANCE: f64 = 1e-3;

/// The subsample's fit is taken on to a step on a third of the rows
/// ([`crate::fused::subset_step`]) only when it had at least this many rows per column. At
/// 10⁵×20 (78 a column) the step left the full fit a measure of 0.06 (Poisson) and 0.34
/// (logistic), too far to save a pass; at 10⁶×20 (781 a column) 0.023 and 0.078, and the fit
/// took a pass less.
const SUBSET_ROWS_PER_COLUMN: usize = 512;

/// Iterations allowed to the subsample's fit; one that needs more is no useful start.
const MAX_ITER: usize = 25;

/// Starting coefficients on the columns `cols` from the fit of a systematic subsample of the
/// rows (one run of [`RUN_ROWS`] in every `stride`), or `None` when the problem is not one IRLS
/// folds in fused passes, too short to subsample, or the subsample's fit fails, or ends held at
/// a boundary or near one (a separated or boundary problem starts from R's means, where its
/// checks expect it).
///
/// Cost: a copy of about `m/stride` rows and an IRLS fit on them, together about a tenth of one
/// pass over the design at the largest stride, then (at least 512 rows a column, stride at least
/// 24) a third of a Gram pass; memory `max(m·p/stride, m)` entries, freed before the full fit
/// starts, and for the step a run's `η`, `μ` and weighted rows at a time on each thread.
pub(crate) fn warm_start(
    problem: &Problem<'_>,
    cols: &[usize],
    tolerance: f64,
) -> Option<DVector<f64>> {
    let (gamma, step) = subsample_fit(problem, cols)?;
    if step && let Some(closer) = subset_step(problem, cols, &gamma, tolerance) {
        return Some(closer);
    }
    Some(gamma)
}

/// The subsample's fit of [`warm_start`], and whether it may be taken on by a step on a third
/// of the rows: a subsample large enough that its optimum is inside Newton's quadratic region,
/// and at least eight times smaller than that third, which the step brings about five times
/// closer to the full optimum, saving the full fit a pass.
fn subsample_fit(problem: &Problem<'_>, cols: &[usize]) -> Option<(DVector<f64>, bool)> {
    if !applies(problem, cols) {
        return None;
    }
    let m = problem.x.nrows();
    let stride = MAX_STRIDE.min(m / (ROWS_PER_COLUMN * cols.len()).max(1));
    if stride < MIN_STRIDE {
        return None;
    }
    let rows: Vec<usize> =
        (0..m).step_by(RUN_ROWS * stride).flat_map(|s| s..(s + RUN_ROWS).min(m)).collect();
    // At least the size of one n-vector, which the full fit allocates next (its first `η`): an
    // allocator can hand it the same memory, so the copy adds nothing to the fit's peak.
    let mut values = Vec::with_capacity((rows.len() * problem.x.ncols()).max(m));
    for column in problem.x.column_iter() {
        let column = column.as_slice();
        for start in (0..m).step_by(RUN_ROWS * stride) {
            values.extend_from_slice(&column[start..(start + RUN_ROWS).min(m)]);
        }
    }
    let x = DMatrix::from_vec(rows.len(), problem.x.ncols(), values);
    let sub = problem.restricted(&rows, &x);
    let outcome = irls(&sub, cols, None, MAX_ITER, TOLERANCE, Criterion::Coefficients).ok()?;
    if outcome.boundary.is_some() || near_boundary(&sub, cols, &outcome) {
        return None;
    }
    // The full columns' norms are about √(m/rows) times the subsample's: its scales, moved by
    // that power of two, serve the full fit without a read of the design.
    let spread = unit_scale((count_to_f64(m) / count_to_f64(rows.len())).sqrt());
    problem.seed_column_scales(sub.column_scales().iter().map(|s| s * spread).collect());
    let step = stride >= 8 * SUBSET_STRIDE && rows.len() >= SUBSET_ROWS_PER_COLUMN * cols.len();
    Some((outcome.gamma, step))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Data;
    use crate::family::Family;
    use crate::numeric::count_to_f64;
    use lsq::Design;

    /// A tall Poisson problem: the subsample's start lies within a few full-data standard
    /// errors of the full optimum (its own are about `√stride` times larger), and a fit from it
    /// takes fewer iterations than one from R's means and reaches the same optimum.
    #[test]
    fn the_subsample_starts_near_the_optimum_and_saves_iterations() {
        let (m, p) = (200_000, 10);
        let mut rng = sim::rng_from_seed(2026);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.2 } else { -0.15 });
        let y = sim::poisson(&(&x * &theta).map(f64::exp), &mut rng).unwrap();
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..p).collect();
        let start = warm_start(&problem, &cols, crate::IRLS_TOLERANCE)
            .expect("a tall problem with positive weights");

        let fit = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap();
        let cold = irls(&problem, &cols, None, 25, crate::IRLS_TOLERANCE, Criterion::Coefficients)
            .unwrap();
        for j in 0..p {
            let se = fit.std_errors()[j];
            let distance = (start[j] - fit.coefficients()[j]).abs();
            let bound = 4.0 * count_to_f64(MAX_STRIDE).sqrt() * se;
            assert!(distance <= bound, "β{j}: {distance} vs SE {se}");
            assert!(distance > 0.0, "β{j}: the start is not the optimum");
            let gap = (fit.coefficients()[j] - cold.gamma[j]).abs();
            assert!(gap <= 1e-6 * se, "β{j}: warm and cold optima differ by {gap}");
        }
        let (warm_iterations, cold_iterations) =
            (fit.convergence().iterations(), cold.convergence.iterations());
        assert!(warm_iterations < cold_iterations, "{warm_iterations} vs {cold_iterations}");
    }

    /// A design large enough for the step on a third of the rows: the subsample's fit may take
    /// it, and the start it gives lies within a few of the third's standard errors (about
    /// `√2` of the full data's) of the full optimum, at most half as far as the subsample's own
    /// fit; the full fit from it needs fewer iterations and reaches the same optimum.
    #[test]
    fn the_step_on_a_third_of_the_rows_starts_closer_and_saves_an_iteration() {
        let (m, p) = (200_000, 4);
        let mut rng = sim::rng_from_seed(1130);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.3 } else { -0.2 });
        let y = sim::poisson(&(&x * &theta).map(f64::exp), &mut rng).unwrap();
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..p).collect();
        let tol = crate::IRLS_TOLERANCE;
        let (subsample, step) = subsample_fit(&problem, &cols).expect("a tall Poisson problem");
        assert!(step, "3125 rows of 4 columns take the step");
        let start = warm_start(&problem, &cols, tol).expect("a start");
        let fit = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap();
        let distance = |gamma: &DVector<f64>| {
            (0..p)
                .map(|j| (gamma[j] - fit.coefficients()[j]).abs() / fit.std_errors()[j])
                .fold(0.0, f64::max)
        };
        let (near, far) = (distance(&start), distance(&subsample));
        assert!(near <= 4.0 * 2.0_f64.sqrt(), "{near} standard errors");
        assert!(near <= 0.5 * far, "{near} against the subsample's {far}");
        let run = |gamma: &DVector<f64>| {
            irls(&problem, &cols, Some(gamma), 25, tol, Criterion::Coefficients).unwrap()
        };
        let (stepped, plain) = (run(&start), run(&subsample));
        let (fewer, more) = (stepped.convergence.iterations(), plain.convergence.iterations());
        assert!(fewer < more, "{fewer} iterations against {more}");
        for j in 0..p {
            let gap = (stepped.gamma[j] - plain.gamma[j]).abs();
            assert!(gap <= 1e-7 * fit.std_errors()[j], "β{j}: {gap}");
        }
    }

    /// The column scales only pre-scale what the folds see: a tall fit whose scales are seeded
    /// binades away from the design's norms (as a warm start seeds them from its subsample)
    /// ends at the same coefficients, deviance and standard errors, bit for bit, through Gram
    /// and QR passes alike.
    #[test]
    fn seeded_column_scales_leave_every_bit_of_a_fit() {
        let (m, p) = (150_000, 6);
        let mut rng = sim::rng_from_seed(4242);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.25 } else { -0.15 });
        let y = sim::poisson(&(&x * &theta).map(f64::exp), &mut rng).unwrap();
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let cols: Vec<usize> = (0..p).collect();
        let tol = crate::IRLS_TOLERANCE;
        let read = Problem::new(&data, Family::Poisson.into()).unwrap();
        let seeded = Problem::new(&data, Family::Poisson.into()).unwrap();
        let moved: Vec<f64> = read
            .column_scales()
            .iter()
            .enumerate()
            .map(|(j, s)| s * 2f64.powi(7 - 3 * i32::try_from(j).unwrap()))
            .collect();
        assert_ne!(moved, read.column_scales());
        seeded.seed_column_scales(moved.clone());
        assert_eq!(seeded.column_scales(), &moved[..]);
        let bits = |problem: &Problem<'_>| {
            let outcome = irls(problem, &cols, None, 25, tol, Criterion::Coefficients).unwrap();
            let e = outcome.evaluation.as_ref().expect("an evaluation");
            let (scores, _) =
                crate::information::scoring(problem, &cols, e, DMatrix::zeros(0, 0), false)
                    .unwrap();
            let se: Vec<u64> =
                (0..p).map(|j| (scores.scaled_std_error(j) * scores.scales[j]).to_bits()).collect();
            let gamma: Vec<u64> = outcome.gamma.iter().map(|v| v.to_bits()).collect();
            (gamma, e.deviance.to_bits(), se)
        };
        assert_eq!(bits(&read), bits(&seeded));
    }

    /// Tall fits under the default criterion reach R's optimum (R's rule run to 1e-14 from R's
    /// means, which takes no subsample) within a small fraction of a standard error: binomial
    /// counts with trials and an offset (the subsample's rows carry their trials and offsets)
    /// and a Gamma with its canonical inverse link, both from the subsample's start; and a
    /// Poisson design with an indicator that is 1 only on rows the subsample never takes, whose
    /// subsample fit is rank deficient, so the fit starts from R's means.
    #[test]
    fn warm_started_fits_reach_r_s_optimum() {
        let (m, p) = (120_000, 6);
        let mut rng = sim::rng_from_seed(808);
        let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.25 } else { -0.2 });
        let offset = DVector::from_fn(m, |i, _| 0.2 * count_to_f64(i % 4) - 0.3);
        let linear = &x * &theta + &offset;
        let trials = DVector::from_fn(m, |i, _| count_to_f64(1 + i % 7));
        let p_success = linear.map(|e| 1.0 / (1.0 + (-e).exp()));
        let successes = DVector::from_fn(m, |i, _| {
            let n = trials[i];
            (n * p_success[i]).round().min(n)
        });
        let inverse = (&x * &theta).map(|e| 1.0 / (2.0 + 0.5 * e.tanh()));
        let gamma_y = sim::gamma(&inverse, 4.0, &mut rng).unwrap();
        let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
        let binomial = Data::new(&design, &successes).trials(&trials).offset(&offset);
        let gamma = Data::new(&design, &gamma_y);
        // 1 on rows the subsample never takes (the stride here is MAX_STRIDE), 0 elsewhere.
        assert_eq!(MAX_STRIDE.min(m / (ROWS_PER_COLUMN * p)), MAX_STRIDE);
        let period = RUN_ROWS * MAX_STRIDE;
        let rare_column =
            DVector::from_fn(m, |i, _| if i % period == RUN_ROWS + 3 { 1.0 } else { 0.0 });
        x.set_column(p - 1, &rare_column);
        let rare = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let counts = sim::poisson(&(rare.matrix() * &theta).map(f64::exp), &mut rng).unwrap();
        let poisson = Data::new(&rare, &counts);
        let cases = [
            ("binomial", binomial, Family::Binomial),
            ("gamma", gamma, Family::Gamma),
            ("rare", poisson, Family::Poisson),
        ];
        for (name, data, family) in cases {
            let problem = Problem::new(&data, family.into()).unwrap();
            let warm = warm_start(&problem, &(0..p).collect::<Vec<_>>(), crate::IRLS_TOLERANCE);
            assert_eq!(warm.is_some(), name != "rare", "{name}");
            let fit = crate::fit(&data, family, &crate::Control::default()).unwrap();
            let r_rule = crate::Control::default().criterion(Criterion::Deviance).tolerance(1e-14);
            let reference = crate::fit(&data, family, &r_rule).unwrap();
            for j in 0..p {
                let gap = (fit.coefficients()[j] - reference.coefficients()[j]).abs();
                let se = reference.std_errors()[j];
                assert!(gap <= 1e-6 * se, "{name} β{j}: {gap} against SE {se}");
            }
        }
    }

    /// Problems the subsample cannot serve start from R's means: a short design, and a
    /// separated logistic one (whose subsample is separated too).
    #[test]
    fn short_and_separated_problems_get_no_warm_start() {
        let mut rng = sim::rng_from_seed(5);
        let short = sim::intercept_gaussian(3_000, 4, &mut rng).unwrap();
        let y = DVector::from_fn(3_000, |i, _| f64::from(u8::from(i % 3 == 0)));
        let design = Design::new(short).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Bernoulli.into()).unwrap();
        assert!(warm_start(&problem, &(0..5).collect::<Vec<_>>(), crate::IRLS_TOLERANCE).is_none());

        let (m, p) = (100_000, 4);
        let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let y = DVector::from_fn(m, |i, _| f64::from(u8::from(x[(i, p - 1)] > 0.0)));
        x.column_mut(p - 1).iter_mut().for_each(|v| *v += v.signum());
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Bernoulli.into()).unwrap();
        assert!(warm_start(&problem, &(0..p).collect::<Vec<_>>(), crate::IRLS_TOLERANCE).is_none());
    }
}

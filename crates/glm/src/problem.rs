//! [`Problem`]: the validated data and model of one fit (response on the model's scale,
//! weights, trials, offset) and the evaluation of a coefficient vector: `η`, `μ`, deviance,
//! validity.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use crate::blocks::{for_blocks, is_tall, map_blocks, map_items, threads};
use crate::control::invalid;
use crate::data::{Data, check_vector};
use crate::domain::Domain;
use crate::error::{Error, Input, Result};
use crate::factor::TallFactor;
use crate::family::{
    Family, bernoulli_log_likelihood_term, binomial_log_likelihood_term,
    poisson_log_likelihood_term,
};
use crate::kept::Kept;
use crate::link::{Link, logit_mu_eta};
use crate::model::Model;
use crate::numeric::{LnFactorial, UnitScale, count_to_f64};
use crate::per_row::{PerRow, Rows};
use crate::warning::{Warning, non_integer_counts};

/// Counts below this have their `ln y!` looked up ([`LnFactorial`]) in the log-likelihood of a
/// tall problem: 1024 `ln_gamma` calls, paid back by the first few thousand rows.
const FACTORIAL_TABLE: usize = 1 << 10;

/// Validated inputs of a fit.
#[derive(Debug, Clone)]
pub(crate) struct Problem<'a> {
    pub(crate) x: &'a DMatrix<f64>,
    pub(crate) names: &'a [String],
    pub(crate) intercept: Option<usize>,
    pub(crate) family: Family,
    pub(crate) link: Link,
    /// The response on the model's scale: the proportion of successes for the binomial.
    pub(crate) y: Cow<'a, DVector<f64>>,
    /// Prior weights (ones by default).
    pub(crate) prior: PerRow,
    /// Binomial trials (ones by default and for the other families).
    pub(crate) trials: PerRow,
    /// Total weights: prior weight times trials.
    pub(crate) weights: PerRow,
    /// The offset (zeros by default).
    pub(crate) offset: PerRow,
    /// Whether an offset with a nonzero entry was given.
    pub(crate) has_offset: bool,
    /// Rows with positive total weight, ascending.
    pub(crate) kept: Kept,
    /// What the fit will carry about the data (non-integer counts).
    pub(crate) warnings: Vec<Warning>,
    /// The powers of two that bring each design column, on the kept rows, to about unit norm
    /// (computed on first use by [`Problem::column_scales`]).
    column_scales: OnceLock<Vec<f64>>,
    /// The mean total weight of the kept rows (computed on first use by
    /// [`Problem::mean_weight`]).
    mean_weight: OnceLock<f64>,
}

impl<'a> Problem<'a> {
    /// Validates the data against the model: the negative binomial's `θ`, every vector's
    /// length and finiteness, the signs of weights and trials, and the response against the
    /// family's domain.
    pub(crate) fn new(data: &Data<'a>, model: Model) -> Result<Self> {
        let family = model.family();
        if let Family::NegativeBinomial { theta } = family
            && !(theta.is_finite() && theta > 0.0)
        {
            return Err(invalid(
                "theta",
                theta,
                "the negative binomial size must be finite and > 0",
            ));
        }
        let (design, y) = (data.design, data.y);
        let m = design.nrows();
        if let Some(w) = data.weights {
            check_vector(w, m, Input::Weights)?;
            if let Some((index, &value)) = w.iter().enumerate().find(|(_, v)| **v < 0.0) {
                return Err(Error::NegativeWeight { index, value });
            }
        }
        if let Some(offset) = data.offset {
            check_vector(offset, m, Input::Offset)?;
        }
        if let Some(trials) = data.trials {
            if !matches!(family, Family::Binomial | Family::QuasiBinomial) {
                return Err(Error::NotApplicable { name: "trials", family });
            }
            check_vector(trials, m, Input::Trials)?;
            if let Some((index, &value)) = trials.iter().enumerate().find(|(_, v)| **v < 0.0) {
                return Err(Error::OutOfDomain {
                    input: Input::Trials,
                    index,
                    value,
                    family,
                    domain: Domain::NonNegative,
                });
            }
        }
        if let Some(start) = data.start {
            check_vector(start, design.ncols(), Input::Start)?;
        }
        check_vector(y, m, Input::Response)?;
        let prior = PerRow::new(data.weights.cloned(), 1.0, m);
        let trials = data.trials.cloned();
        let response = if let Some(n) = &trials {
            // Successes in [0, n]; the model works with proportions, as R does.
            let mut p = DVector::zeros(m);
            for i in 0..m {
                if y[i] < 0.0 {
                    return Err(out_of_domain(i, y[i], family, Domain::NonNegative));
                }
                if y[i] > n[i] {
                    return Err(Error::SuccessesExceedTrials {
                        index: i,
                        successes: y[i],
                        trials: n[i],
                    });
                }
                p[i] = if n[i] > 0.0 { y[i] / n[i] } else { 0.0 };
            }
            Cow::Owned(p)
        } else {
            let domain = family.response_domain();
            if let Some(i) = domain.first_outside(y.as_slice()) {
                return Err(out_of_domain(i, y[i], family, domain));
            }
            Cow::Borrowed(y)
        };
        let trials = PerRow::new(trials, 1.0, m);
        let weights = prior.product(&trials);
        let kept = Kept::new(&weights, m);
        let has_offset = data.offset.is_some_and(|o| o.iter().any(|&v| v != 0.0));
        let offset = PerRow::new(data.offset.cloned(), 0.0, m);
        // R's rule: with trials the successes and trials must be counts; otherwise the
        // successes w·y (for a count family, y itself).
        let warnings = match (data.trials, data.weights) {
            (Some(n), _) => non_integer_counts(family, Input::Response, y, Some(n), &kept),
            (None, Some(w)) if matches!(family, Family::Bernoulli | Family::Binomial) => {
                non_integer_counts(family, Input::Weights, &response.component_mul(w), None, &kept)
            }
            // A Bernoulli response was checked to be 0 or 1 above.
            (None, _) if family == Family::Bernoulli => Vec::new(),
            (None, _) => non_integer_counts(family, Input::Response, &response, None, &kept),
        };
        Ok(Self {
            x: design.matrix(),
            names: design.names(),
            intercept: design.intercept_column(),
            family,
            link: model.link(),
            y: response,
            prior,
            trials,
            weights,
            offset,
            has_offset,
            kept,
            warnings,
            column_scales: OnceLock::new(),
            mean_weight: OnceLock::new(),
        })
    }

    /// The problem on the rows `rows` of the design (ascending), whose columns are copied into
    /// `x`: the same model, names and intercept, each per-row input restricted to those rows.
    /// No warning is carried (the full problem's are the fit's).
    pub(crate) fn restricted<'b>(&self, rows: &[usize], x: &'b DMatrix<f64>) -> Problem<'b>
    where
        'a: 'b,
    {
        let y = DVector::from_iterator(rows.len(), rows.iter().map(|&i| self.y[i]));
        let weights = self.weights.select(rows);
        Problem {
            x,
            names: self.names,
            intercept: self.intercept,
            family: self.family,
            link: self.link,
            y: Cow::Owned(y),
            prior: self.prior.select(rows),
            trials: self.trials.select(rows),
            kept: Kept::new(&weights, rows.len()),
            weights,
            offset: self.offset.select(rows),
            has_offset: self.has_offset,
            warnings: Vec::new(),
            column_scales: OnceLock::new(),
            mean_weight: OnceLock::new(),
        }
    }

    /// Number of observations with positive weight.
    pub(crate) fn observations(&self) -> usize {
        self.kept.len()
    }

    /// `η = X_cols·γ + offset`, `μ = g⁻¹(η)` and the deviance for reduced coefficients `γ`.
    ///
    /// A tall problem ([`is_tall`]) is evaluated in row blocks on every core
    /// ([`Problem::evaluate_blocks`]); the others column by column on one.
    pub(crate) fn evaluate(&self, cols: &[usize], gamma: &DVector<f64>) -> Evaluation {
        if is_tall(self.kept.len(), cols.len()) {
            return self.evaluate_blocks(Some((cols, gamma)), self.offset.to_vector());
        }
        // Column by column (axpy), in the order the column-major design is stored.
        let mut eta = self.offset.to_vector();
        for (&j, &g) in cols.iter().zip(gamma.iter()) {
            eta.axpy(g, &self.x.column(j), 1.0);
        }
        self.evaluate_eta(eta)
    }

    /// `μ = g⁻¹(η)`, validity and deviance for a given linear predictor.
    pub(crate) fn evaluate_eta(&self, eta: DVector<f64>) -> Evaluation {
        if is_tall(self.kept.len(), self.x.ncols()) {
            return self.evaluate_blocks(None, eta);
        }
        let mu = eta.map(|e| self.link.inverse(e));
        let eta_domain = self.link.eta_domain();
        let mu_domain = self.family.mean_domain();
        let invalid =
            (0..eta.len()).find(|&i| !eta_domain.contains(eta[i]) || !mu_domain.contains(mu[i]));
        let deviance = if invalid.is_some() {
            f64::NAN
        } else {
            self.kept
                .iter()
                .map(|i| self.weights[i] * self.family.unit_deviance(self.y[i], mu[i]))
                .sum()
        };
        Evaluation { eta, mu, deviance, invalid, factor: None }
    }

    /// [`Problem::evaluate`] (with `X_cols·γ` added to `eta`) or [`Problem::evaluate_eta`]
    /// (without) in the row blocks of [`for_blocks`] on every core, one pass over the design:
    /// each block forms its `η` (the same sum, in the same order, as the column-by-column one),
    /// `μ`, its first invalid row and its share of the deviance, and the shares are added in
    /// block order, so the result does not depend on the number of threads.
    fn evaluate_blocks(
        &self,
        linear: Option<(&[usize], &DVector<f64>)>,
        mut eta: DVector<f64>,
    ) -> Evaluation {
        let mut mu = DVector::zeros(eta.len());
        let threads = threads();
        let blocks =
            for_blocks(eta.as_mut_slice(), mu.as_mut_slice(), threads, |rows, eta, mu, _| {
                Arch::new().dispatch(EvaluateBlock { problem: self, linear, rows, eta, mu })
            });
        let invalid = blocks.iter().find_map(|&(invalid, _)| invalid);
        let deviance =
            if invalid.is_some() { f64::NAN } else { blocks.iter().map(|&(_, d)| d).sum() };
        Evaluation { eta, mu, deviance, invalid, factor: None }
    }

    /// One row block of [`Problem::evaluate_blocks`]: adds `X_cols·γ` (when given) to the
    /// block's `eta` (its rows `rows`), writes `μ = g⁻¹(η)` into `mu`, and returns the block's
    /// first row whose `η` or `μ` left its domain and its share of the deviance (that of the rows
    /// before the first invalid one).
    ///
    /// With `magnitudes` (zeros on entry, one per row of the block) it also adds up
    /// `Σ_k |x_ik·γ_k|` column by column, as [`crate::digits`] does, while the block's columns are
    /// in cache.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn evaluate_block(
        &self,
        linear: Option<(&[usize], &DVector<f64>)>,
        rows: Range<usize>,
        (eta, mu): (&mut [f64], &mut [f64]),
        magnitudes: Option<&mut [f64]>,
    ) -> (Option<usize>, f64) {
        self.evaluate_block_from(0.0, linear, rows, (eta, mu), magnitudes)
    }

    /// [`Problem::evaluate_block`] with the deviance added to `total` row by row
    /// ([`Family::weighted_deviance_from`]): consecutive pieces of a block, each from the total
    /// of those before, give the block's deviance bit for bit.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn evaluate_block_from(
        &self,
        total: f64,
        linear: Option<(&[usize], &DVector<f64>)>,
        rows: Range<usize>,
        (eta, mu): (&mut [f64], &mut [f64]),
        mut magnitudes: Option<&mut [f64]>,
    ) -> (Option<usize>, f64) {
        let eta_domain = self.link.eta_domain();
        let mu_domain = self.family.mean_domain();
        if let Some((cols, gamma)) = linear {
            let column = |j: usize| {
                let start = j * self.x.nrows();
                &self.x.as_slice()[start + rows.start..start + rows.end]
            };
            // Four columns share each pass over the block: every `η_i` still adds its terms one
            // column after another, so the sums are the same, and the four columns are read
            // from memory side by side.
            let (quads, rest) = cols.split_at(cols.len() - cols.len() % 4);
            for (quad, g) in quads.chunks_exact(4).zip(gamma.as_slice().chunks_exact(4)) {
                let [c0, c1, c2, c3] = [0, 1, 2, 3].map(|q| column(quad[q]));
                let (c0, c1, c2, c3) =
                    (&c0[..eta.len()], &c1[..eta.len()], &c2[..eta.len()], &c3[..eta.len()]);
                for (k, e) in eta.iter_mut().enumerate() {
                    *e = *e + g[0] * c0[k] + g[1] * c1[k] + g[2] * c2[k] + g[3] * c3[k];
                }
                if let Some(t) = magnitudes.as_deref_mut() {
                    for (k, t) in t.iter_mut().enumerate() {
                        *t = *t
                            + (c0[k] * g[0]).abs()
                            + (c1[k] * g[1]).abs()
                            + (c2[k] * g[2]).abs()
                            + (c3[k] * g[3]).abs();
                    }
                }
            }
            for (&j, &g) in rest.iter().zip(&gamma.as_slice()[quads.len()..]) {
                let column = column(j);
                for (e, &x) in eta.iter_mut().zip(column) {
                    *e += g * x;
                }
                if let Some(t) = magnitudes.as_deref_mut() {
                    t.iter_mut().zip(column).for_each(|(t, &x)| *t += (x * g).abs());
                }
            }
        }
        self.link.inverse_into(eta, mu);
        // The first row whose `η` or `μ` is outside its domain.
        let invalid = match (eta_domain.first_outside(eta), mu_domain.first_outside(mu)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
        .map(|k| rows.start + k);
        let end = invalid.unwrap_or(rows.end);
        let deviance = self.family.weighted_deviance_from(
            total,
            &self.y.as_slice()[rows.start..end],
            Rows::Values(&mu[..end - rows.start]),
            self.weights.rows_from(rows.start),
        );
        (invalid, deviance)
    }

    /// The rounding of the deviance at `e` that comes from the rounding of `η`: each `η_i` is
    /// known only to `ε·|η_i|`, which moves the unit deviance by `|∂d_i/∂η_i| = 2·w_i·|y_i −
    /// μ_i|·|dμ/dη|/V(μ_i)` times that (formed as two `v/√V(μ)` factors, so it stays finite in
    /// any units). With a linear predictor in the hundreds (a log link for a response in units
    /// of `2⁻⁹⁹⁰`) it dwarfs the summation rounding of [`crate::numeric::rounding_noise`], and two
    /// coefficient vectors one ulp apart differ in deviance by that much.
    pub(crate) fn eta_rounding(&self, e: &Evaluation) -> f64 {
        self.kept
            .iter()
            .map(|i| {
                let eta = e.eta[i];
                // The means may have been dropped (see `Evaluation::mu`): the same inverse link
                // gives them back bit for bit.
                let mu = if e.mu.is_empty() { self.link.inverse(eta) } else { e.mu[i] };
                let residual = self.family.over_variance_root(mu, self.y[i] - mu).abs();
                let slope = self.family.over_variance_root(mu, self.link.mu_eta(eta)).abs();
                2.0 * self.weights[i] * residual * slope * f64::EPSILON * eta.abs()
            })
            .filter(|v| v.is_finite())
            .sum()
    }

    /// [`Error::OutOfRange`] for `statistic` with computed `value`, naming the kept observation
    /// whose `term` is largest in magnitude (a NaN one first).
    pub(crate) fn out_of_range(
        &self,
        statistic: &'static str,
        value: f64,
        term: impl Fn(usize) -> f64,
    ) -> Error {
        let size = |i: usize| {
            let t = term(i).abs();
            if t.is_nan() { f64::INFINITY } else { t }
        };
        let largest = self.kept.iter().max_by(|&a, &b| size(a).total_cmp(&size(b)));
        let (index, response, weight) =
            largest.map_or((0, f64::NAN, f64::NAN), |i| (i, self.y[i], self.weights[i]));
        Error::OutOfRange { statistic, value, index, response, weight }
    }

    /// [`Error::OutOfRange`] for an evaluation inside the domains whose deviance is not finite.
    pub(crate) fn deviance_out_of_range(&self, e: &Evaluation) -> Error {
        self.out_of_range("deviance", e.deviance, |i| {
            self.weights[i] * self.family.unit_deviance(self.y[i], e.mu[i])
        })
    }

    /// The error for an evaluation that left the domains at the start.
    pub(crate) fn invalid_start(&self, e: &Evaluation, index: usize) -> Error {
        Error::InvalidStart {
            index,
            eta: e.eta[index],
            mu: e.mu[index],
            family: self.family,
            link: self.link,
        }
    }

    /// Expands reduced coefficients to one per design column (0 for the others).
    pub(crate) fn expand(&self, cols: &[usize], gamma: &DVector<f64>) -> DVector<f64> {
        let mut beta = DVector::zeros(self.x.ncols());
        for (&j, &g) in cols.iter().zip(gamma.iter()) {
            beta[j] = g;
        }
        beta
    }

    /// The starting linear predictor from the family's starting means (R's `mustart`).
    pub(crate) fn starting_eta(&self) -> DVector<f64> {
        DVector::from_fn(self.y.len(), |i, _| {
            self.link.link(self.family.starting_mean(self.y[i], self.weights[i]))
        })
    }

    /// A valid point to fall back on when the first IRLS step leaves the domain and there is
    /// no previous iterate: the intercept-only model at the weighted mean of the starting
    /// means, when the design has an intercept and that point is valid.
    pub(crate) fn fallback(&self, cols: &[usize]) -> Option<DVector<f64>> {
        let j0 = self.intercept?;
        let k = cols.iter().position(|&j| j == j0)?;
        let total: f64 = self.kept.iter().map(|i| self.weights[i]).sum();
        let mean = self
            .kept
            .iter()
            .map(|i| self.weights[i] * self.family.starting_mean(self.y[i], self.weights[i]))
            .sum::<f64>()
            / total;
        let mut gamma = DVector::zeros(cols.len());
        gamma[k] = self.link.link(mean) / self.x[(0, j0)];
        let e = self.evaluate(cols, &gamma);
        (e.invalid.is_none() && e.deviance.is_finite()).then_some(gamma)
    }

    /// `w̄ = Σ_i (w_i/n)` over the `n` kept rows, in row order: one pass on first use, then
    /// cached for the fit (every scoring step of a fixed-dispersion family asks for it).
    pub(crate) fn mean_weight(&self) -> f64 {
        *self.mean_weight.get_or_init(|| {
            let n = count_to_f64(self.kept.len());
            self.kept.iter().map(|i| self.weights[i] / n).sum()
        })
    }

    /// Takes `scales` as [`Problem::column_scales`] if they are not known yet (a warm start
    /// estimates them from its subsample, which saves the full read of the design): any powers
    /// of two within a few binades of the norms serve, since they only pre-scale the columns
    /// the folds see, exactly, and every result is scaled back exactly (the folds and their
    /// rank tests are equivariant under a power-of-two scaling of a column, so the fit's bits
    /// do not depend on which powers are used, short of overflow or underflow).
    pub(crate) fn seed_column_scales(&self, scales: Vec<f64>) {
        // Already known: the read's values stay.
        let _ = self.column_scales.set(scales);
    }

    /// The powers of two that bring each column of the design, on the kept rows, to about unit
    /// norm: one read of the design on first use (unless seeded by
    /// [`Problem::seed_column_scales`]), then cached for the fit.
    ///
    /// A tall problem ([`Problem::is_tall`]) finds its columns' norms on every core, a share of
    /// the columns to each thread; each norm is the same either way.
    pub(crate) fn column_scales(&self) -> &[f64] {
        self.column_scales.get_or_init(|| {
            let every_row = self.kept.len() == self.x.nrows();
            let scale = |j: usize| {
                let column = self.x.column(j);
                if every_row {
                    Arch::new().dispatch(UnitScale(column.as_slice()))
                } else {
                    let kept: Vec<f64> = self.kept.iter().map(|i| column[i]).collect();
                    Arch::new().dispatch(UnitScale(&kept))
                }
            };
            let columns: Vec<usize> = (0..self.x.ncols()).collect();
            let threads = if self.is_tall() { threads() } else { 1 };
            map_items(columns, threads, scale)
        })
    }

    /// `(√W_i, z_i)` of observation `i` at `e`: the IRLS weight `W = w·(dμ/dη)²/V(μ)` and the
    /// working response `z = η − offset + (y − μ)/(dμ/dη)`.
    pub(crate) fn irls_row(&self, e: &Evaluation, i: usize) -> (f64, f64) {
        self.irls_values(e.eta[i], e.mu[i], i)
    }

    /// [`Problem::irls_row`] of observation `i` at `η_i = eta`, `μ_i = mu`.
    pub(crate) fn irls_values(&self, eta: f64, mu: f64, i: usize) -> (f64, f64) {
        let (root, z, _) = self.irls_terms(eta, mu, i);
        (root, z)
    }

    /// [`Problem::irls_values`] and the working residual `r = (y − μ)/(dμ/dη)` it adds to
    /// `η − offset` to make `z` (which [`crate::digits`] bounds its rounding with).
    pub(crate) fn irls_terms(&self, eta: f64, mu: f64, i: usize) -> (f64, f64, f64) {
        // The log link's `dμ/dη = e^η` is `μ` itself, bit for bit: no second `exp`.
        let d = if self.link == Link::Log { mu } else { self.link.mu_eta(eta) };
        // √W = √(w·(dμ/dη)²/V(μ)), R's formula, as long as it and its parts are ordinary
        // numbers; where V(μ) or the square over- or underflows (to a subnormal, whose lost bits
        // would pass into a normal quotient), √w·|dμ/dη|/√V(μ) without forming V(μ).
        let root =
            direct_root(self.weights[i] * d * d, self.family.variance(mu)).unwrap_or_else(|| {
                self.weights[i].sqrt() * self.family.over_variance_root(mu, d).abs()
            });
        let residual = (self.y[i] - mu) / d;
        (root, eta - self.offset[i] + residual, residual)
    }

    /// [`Problem::irls_terms`] of the rows `start..start + eta.len()` (at `eta` and `mu`), bit
    /// for bit: `√W_i` into `roots`, `√W_i·z_i` into `responses` and the working residual into
    /// `residuals`. For the canonical Poisson and binomial models the rows are taken in chunks
    /// by a loop without branches, which the compiler vectorises inside a SIMD-dispatched
    /// operation.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn irls_terms_into(
        &self,
        start: usize,
        (eta, mu): (&[f64], &[f64]),
        (roots, responses, residuals): (&mut [f64], &mut [f64], &mut [f64]),
    ) {
        let out = (roots, responses, residuals);
        match (self.family, self.link) {
            (Family::Poisson | Family::QuasiPoisson, Link::Log) => {
                self.irls_lanes::<PoissonLog>(start, (eta, mu), out);
            }
            (Family::Bernoulli | Family::Binomial | Family::QuasiBinomial, Link::Logit) => {
                self.irls_lanes::<BinomialLogit>(start, (eta, mu), out);
            }
            _ => {
                let (roots, responses, residuals) = out;
                for b in 0..eta.len() {
                    let (root, z, residual) = self.irls_terms(eta[b], mu[b], start + b);
                    (roots[b], responses[b], residuals[b]) = (root, root * z, residual);
                }
            }
        }
    }

    /// [`Problem::irls_terms_into`] for the model `L`, in chunks of rows.
    #[inline(always)]
    fn irls_lanes<L: IrlsLane>(
        &self,
        start: usize,
        (eta, mu): (&[f64], &[f64]),
        (roots, responses, residuals): (&mut [f64], &mut [f64], &mut [f64]),
    ) {
        const CHUNK: usize = 64;
        let (mut weight_buf, mut offset_buf) = ([0.0; CHUNK], [0.0; CHUNK]);
        let (weights, offsets) = (self.weights.rows_from(start), self.offset.rows_from(start));
        let y = &self.y.as_slice()[start..start + eta.len()];
        for (c, ((((eta, mu), y), roots), (responses, residuals))) in eta
            .chunks(CHUNK)
            .zip(mu.chunks(CHUNK))
            .zip(y.chunks(CHUNK))
            .zip(roots.chunks_mut(CHUNK))
            .zip(responses.chunks_mut(CHUNK).zip(residuals.chunks_mut(CHUNK)))
            .enumerate()
        {
            let len = eta.len();
            let weights = weights.chunk(c * CHUNK, &mut weight_buf[..len]);
            let offsets = offsets.chunk(c * CHUNK, &mut offset_buf[..len]);
            for b in 0..len {
                let (e, m, w) = (eta[b], mu[b], weights[b]);
                let d = L::slope(e, m);
                // As `irls_terms`: R's formula while it is an ordinary number, else without
                // forming V(μ).
                let guarded = w.sqrt() * L::FAMILY.over_variance_root(m, d).abs();
                let root = direct_root(w * d * d, L::FAMILY.variance(m)).unwrap_or(guarded);
                let residual = (y[b] - m) / d;
                roots[b] = root;
                responses[b] = root * (e - offsets[b] + residual);
                residuals[b] = residual;
            }
        }
    }

    /// `√W` times the rows kept and the columns `cols` of `X`, written into `a` (reshaped when
    /// its shape differs, so IRLS reuses one allocation across iterations), and `√W·z`, for IRLS
    /// weights `W = w·(dμ/dη)²/V(μ)` and working response `z = η − offset + (y − μ)/(dμ/dη)`.
    pub(crate) fn weighted_problem(
        &self,
        cols: &[usize],
        e: &Evaluation,
        a: &mut DMatrix<f64>,
    ) -> DVector<f64> {
        let k = self.kept.len();
        let mut root = Vec::with_capacity(k);
        let mut z = Vec::with_capacity(k);
        for i in self.kept.iter() {
            let (r, zi) = self.irls_row(e, i);
            root.push(r);
            z.push(zi);
        }
        if a.shape() != (k, cols.len()) {
            *a = DMatrix::zeros(k, cols.len());
        }
        // Column by column, in storage order; without zero weights every row is kept.
        let all_rows = k == self.x.nrows();
        for (mut target, &j) in a.column_iter_mut().zip(cols) {
            let source = self.x.column(j);
            if all_rows {
                for ((t, &w), &v) in target.iter_mut().zip(&root).zip(source.iter()) {
                    *t = w * v;
                }
            } else {
                for ((t, &w), i) in target.iter_mut().zip(&root).zip(self.kept.iter()) {
                    *t = w * source[i];
                }
            }
        }
        DVector::from_fn(k, |r, _| root[r] * z[r])
    }

    /// The gradient of the average log-likelihood at unit dispersion,
    /// `∇ℓ̄ = Xᵀ[w·(y − μ)/V(μ)·dμ/dη]/n`, over the kept rows and the columns `cols`.
    pub(crate) fn average_score(&self, cols: &[usize], e: &Evaluation) -> DVector<f64> {
        let n = count_to_f64(self.observations());
        // The per-observation score factor, zero on the rows left out, then one dot product per
        // column in the order the column-major design is stored.
        let mut u = DVector::zeros(self.x.nrows());
        for i in self.kept.iter() {
            let (y, mu, slope) = (self.y[i], e.mu[i], self.link.mu_eta(e.eta[i]));
            let variance = self.family.variance(mu);
            u[i] = if variance.is_normal() {
                self.weights[i] * (y - mu) / variance * slope
            } else {
                // V(μ) over- or underflowed: its root divides each factor instead.
                let f = self.family;
                self.weights[i] * f.over_variance_root(mu, y - mu) * f.over_variance_root(mu, slope)
            };
        }
        DVector::from_iterator(cols.len(), cols.iter().map(|&j| self.x.column(j).dot(&u))) / n
    }

    /// The log-likelihood with R's conventions at dispersion `φ`, and the sum of the
    /// magnitudes of its terms (for rounding estimates).
    /// On a tall problem the sums are taken in row blocks on every core ([`Problem::sum_kept`])
    /// and `ln y!` is looked up for the small counts ([`LnFactorial`]), both bit for bit the
    /// terms of [`Problem::log_likelihood_term`].
    pub(crate) fn log_likelihood(&self, mu: &DVector<f64>, dispersion: f64) -> (f64, f64) {
        let factorials =
            if self.is_tall() { LnFactorial::new(FACTORIAL_TABLE) } else { LnFactorial::default() };
        if matches!(
            self.family,
            Family::Poisson
                | Family::QuasiPoisson
                | Family::Bernoulli
                | Family::Binomial
                | Family::QuasiBinomial
        ) {
            // The families of most large fits: terms in vector lanes, in the same blocks, each
            // summed in row order as below (a row not kept adds +0, which leaves the bits).
            let block = |ks: Range<usize>| {
                let rows = self.kept_span(ks);
                let mu = mu.as_slice();
                Arch::new().dispatch(CountLogLikelihood {
                    problem: self,
                    mu,
                    rows,
                    factorials: &factorials,
                })
            };
            let [sum, magnitude] = if self.is_tall() {
                let blocks = map_blocks(self.kept.len(), threads(), block);
                blocks.into_iter().fold([0.0; 2], |[s, m], [bs, bm]| [s + bs, m + bm])
            } else {
                block(0..self.kept.len())
            };
            return (sum, magnitude);
        }
        let [sum, magnitude] = self.sum_kept(|i| {
            let term = self.log_likelihood_term_with(i, mu, dispersion, &factorials);
            [term, term.abs()]
        });
        (sum, magnitude)
    }

    /// Observation `i`'s term of [`Problem::log_likelihood`].
    pub(crate) fn log_likelihood_term(&self, i: usize, mu: &DVector<f64>, dispersion: f64) -> f64 {
        self.log_likelihood_term_with(i, mu, dispersion, &LnFactorial::default())
    }

    fn log_likelihood_term_with(
        &self,
        i: usize,
        mu: &DVector<f64>,
        dispersion: f64,
        factorials: &LnFactorial,
    ) -> f64 {
        let (w, n) = (self.prior[i], self.trials[i]);
        self.family.log_likelihood_term(self.y[i], mu[i], (w, n), dispersion, factorials)
    }

    /// Whether the problem is tall on all its columns ([`is_tall`]): its sums over the
    /// observations are then taken in row blocks on every core.
    pub(crate) fn is_tall(&self) -> bool {
        is_tall(self.kept.len(), self.x.ncols())
    }

    /// `Σ_i term(i)` over the kept rows, `N` sums at once: in row order on a problem that is not
    /// tall, else in the fixed row blocks of [`map_blocks`] on every core, added in block order,
    /// so that the result does not depend on the number of threads.
    pub(crate) fn sum_kept<const N: usize>(
        &self,
        term: impl Fn(usize) -> [f64; N] + Sync,
    ) -> [f64; N] {
        let add = |mut total: [f64; N], t: [f64; N]| {
            total.iter_mut().zip(t).for_each(|(a, v)| *a += v);
            total
        };
        if !self.is_tall() {
            return self.kept.iter().map(&term).fold([0.0; N], add);
        }
        let threads = threads();
        map_blocks(self.kept.len(), threads, |ks| {
            ks.map(|k| term(self.kept.get(k))).fold([0.0; N], add)
        })
        .into_iter()
        .fold([0.0; N], add)
    }

    /// The rows from the `ks.start`-th kept row to the `(ks.end − 1)`-th, both included (empty
    /// for empty `ks`): a run of kept rows as a range of rows, with the rows between them, whose
    /// weight is 0.
    fn kept_span(&self, ks: Range<usize>) -> Range<usize> {
        match (ks.start, ks.end.checked_sub(1)) {
            (first, Some(last)) if first <= last => self.kept.get(first)..self.kept.get(last) + 1,
            _ => 0..0,
        }
    }

    /// `Σ wᵢ·d(yᵢ, μ)` over the kept rows for one mean `μ` (the null model's): bit for bit
    /// `sum_kept(|i| [wᵢ * unit_deviance(yᵢ, μ)])`, in the same blocks, each summed in row order
    /// by [`Family::weighted_deviance`] inside a SIMD-dispatched operation (the rows between
    /// two kept ones have weight 0 and add nothing).
    pub(crate) fn constant_mean_deviance(&self, mean: f64) -> f64 {
        // The Poisson and Bernoulli unit deviances of the usual responses, formed once.
        let table = self.family.unit_deviance_table(mean);
        let table = table.as_deref();
        let block = |ks: Range<usize>| {
            let rows = self.kept_span(ks);
            Arch::new().dispatch(ConstantMeanDeviance { problem: self, rows, mean, table })
        };
        if !self.is_tall() {
            return block(0..self.kept.len());
        }
        map_blocks(self.kept.len(), threads(), block).into_iter().fold(0.0, |total, d| total + d)
    }

    /// The dispersion R's `family$aic` plugs into the log-likelihood: `D/n` (Gaussian, with n
    /// the observations), `D/Σw` (Gamma, inverse Gaussian), 1 for the others.
    pub(crate) fn likelihood_dispersion(&self, deviance: f64) -> f64 {
        match self.family {
            Family::Gaussian => deviance / count_to_f64(self.observations()),
            Family::Gamma | Family::InverseGaussian => {
                deviance / self.kept.iter().map(|i| self.prior[i]).sum::<f64>()
            }
            _ => 1.0,
        }
    }
}

/// R's IRLS weight root `√(square/variance)` for `square = w·(dμ/dη)²`, when it and both its
/// parts are normal numbers, so that no bit was lost to over- or underflow on the way.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
#[inline(always)]
fn direct_root(square: f64, variance: f64) -> Option<f64> {
    let root = (square / variance).sqrt();
    (root.is_normal() && square.is_normal() && variance.is_normal()).then_some(root)
}

fn out_of_domain(index: usize, value: f64, family: Family, domain: Domain) -> Error {
    Error::OutOfDomain { input: Input::Response, index, value, family, domain }
}

/// A coefficient vector evaluated on the data.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    pub(crate) eta: DVector<f64>,
    /// `g⁻¹(η)`; empty once IRLS in fused passes has factored the point and evaluates a trial
    /// from it (`crate::irls`), so that a fit holds two vectors of means, not three, at a time.
    pub(crate) mu: DVector<f64>,
    /// NaN when `invalid` is set.
    pub(crate) deviance: f64,
    /// The first observation whose `η` or `μ` left its domain.
    pub(crate) invalid: Option<usize>,
    /// The expected information factored at this point in the same pass over a tall design
    /// (`crate::fused`), when that pass folded the weighted rows; `None` otherwise.
    pub(crate) factor: Option<Box<TallFactor>>,
}

impl Evaluation {
    /// Whether every `η` and `μ` is in its domain and the deviance is finite.
    pub(crate) fn is_valid(&self) -> bool {
        self.invalid.is_none() && self.deviance.is_finite()
    }
}

/// [`Problem::evaluate_block`] without magnitudes, as an operation that `pulp` compiles for the
/// best instruction set the CPU offers (a closure would be compiled for the baseline: see
/// `linalg_core`'s kernels). No multiply and add is fused, so the bits are the same on every
/// instruction set.
struct EvaluateBlock<'a, 'p> {
    problem: &'a Problem<'p>,
    linear: Option<(&'a [usize], &'a DVector<f64>)>,
    rows: Range<usize>,
    eta: &'a mut [f64],
    mu: &'a mut [f64],
}

impl WithSimd for EvaluateBlock<'_, '_> {
    type Output = (Option<usize>, f64);

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Self::Output {
        let Self { problem, linear, rows, eta, mu } = self;
        problem.evaluate_block(linear, rows, (eta, mu), None)
    }
}

/// The pieces of [`Problem::irls_terms`] for one family and link, without branches, for
/// [`Problem::irls_lanes`] (a trait rather than closures, which would stay out of line).
trait IrlsLane {
    /// The family, whose [`Family::variance`] and [`Family::over_variance_root`] fold to its
    /// own formulas once inlined.
    const FAMILY: Family;
    /// `dμ/dη` at `η` (whose mean is `μ`), as [`Problem::irls_terms`] takes it.
    fn slope(eta: f64, mu: f64) -> f64;
}

/// The Poisson family with the log link.
struct PoissonLog;

impl IrlsLane for PoissonLog {
    const FAMILY: Family = Family::Poisson;

    #[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
    #[inline(always)]
    fn slope(_: f64, mu: f64) -> f64 {
        // `e^η` is `μ` itself, bit for bit.
        mu
    }
}

/// The binomial family with the logit link.
struct BinomialLogit;

impl IrlsLane for BinomialLogit {
    const FAMILY: Family = Family::Binomial;

    #[expect(clippy::inline_always, reason = "inlined whole into the vectorised loops")]
    #[inline(always)]
    fn slope(eta: f64, _: f64) -> f64 {
        logit_mu_eta(eta)
    }
}

/// [`Family::weighted_deviance`] of the rows `rows` at one mean, as an operation for `pulp`.
struct ConstantMeanDeviance<'a, 'p> {
    problem: &'a Problem<'p>,
    rows: Range<usize>,
    mean: f64,
    /// [`Family::unit_deviance_table`] at `mean`.
    table: Option<&'a [f64]>,
}

impl WithSimd for ConstantMeanDeviance<'_, '_> {
    type Output = f64;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        let Self { problem, rows, mean, table } = self;
        let (y, weights) =
            (&problem.y.as_slice()[rows.clone()], problem.weights.rows_from(rows.start));
        match table {
            Some(table) => problem.family.tabulated_deviance(y, mean, table, weights),
            None => problem.family.weighted_deviance(y, Rows::Constant(mean), weights),
        }
    }
}

/// Rows per chunk of [`CountLogLikelihood`]'s lanes: four buffers of 512 bytes.
const LANE_CHUNK: usize = 64;

/// One block of [`Problem::log_likelihood`] for the Poisson and binomial families, as an
/// operation that `pulp` compiles for the CPU's instruction set: `ln y!` or `ln C(n, ny)` looked
/// up row by row, then the terms ([`poisson_log_likelihood_term`],
/// [`binomial_log_likelihood_term`]) in chunks without branches, which the compiler
/// vectorises, then `[Σ term, Σ |term|]` added in row order over the kept rows.
struct CountLogLikelihood<'a, 'p> {
    problem: &'a Problem<'p>,
    mu: &'a [f64],
    rows: Range<usize>,
    factorials: &'a LnFactorial,
}

impl WithSimd for CountLogLikelihood<'_, '_> {
    type Output = [f64; 2];

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> [f64; 2] {
        let Self { problem, mu, rows, factorials } = self;
        let start = rows.start;
        let (y, mu) = (&problem.y.as_slice()[rows.clone()], &mu[rows]);
        let (prior, trials) = (problem.prior.rows_from(start), problem.trials.rows_from(start));
        let total = problem.weights.rows_from(start);
        let poisson = matches!(problem.family, Family::Poisson | Family::QuasiPoisson);
        let bernoulli = problem.family == Family::Bernoulli;
        let ln_choose = [factorials.ln_binomial(1.0, 0.0), factorials.ln_binomial(1.0, 1.0)];
        let mut bufs = [[0.0; LANE_CHUNK]; 4];
        let [terms, w_buf, n_buf, kept_buf] = &mut bufs;
        let mut sums = [0.0, 0.0];
        for (c, y) in y.chunks(LANE_CHUNK).enumerate() {
            let (from, len) = (c * LANE_CHUNK, y.len());
            let mu = &mu[from..from + len];
            let w = prior.chunk(from, &mut w_buf[..len]);
            let kept = total.chunk(from, &mut kept_buf[..len]);
            let terms = &mut terms[..len];
            if poisson {
                for (t, &y) in terms.iter_mut().zip(y) {
                    *t = factorials.of(y);
                }
                for (((t, &y), &mu), &w) in terms.iter_mut().zip(y).zip(mu).zip(w) {
                    *t = poisson_log_likelihood_term(y, mu, w, *t);
                }
            } else if bernoulli {
                // One trial and a response of 0 or 1 (checked when the problem was built).
                for (((t, &y), &mu), &w) in terms.iter_mut().zip(y).zip(mu).zip(w) {
                    *t = bernoulli_log_likelihood_term(y, mu, w, ln_choose);
                }
            } else {
                let n = trials.chunk(from, &mut n_buf[..len]);
                for ((t, &y), &n) in terms.iter_mut().zip(y).zip(n) {
                    *t = factorials.ln_binomial(n, n * y);
                }
                for ((((t, &y), &mu), &w), &n) in terms.iter_mut().zip(y).zip(mu).zip(w).zip(n) {
                    *t = binomial_log_likelihood_term(y, mu, (w, n), *t);
                }
            }
            for (&t, &kept) in terms.iter().zip(kept) {
                let t = if kept > 0.0 { t } else { 0.0 };
                sums[0] += t;
                sums[1] += t.abs();
            }
        }
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsq::Design;

    /// [`Problem::irls_terms_into`] inside a SIMD-dispatched operation, as the fused pass calls it.
    struct Terms<'a, 'p> {
        problem: &'a Problem<'p>,
        start: usize,
        eta: &'a [f64],
        mu: &'a [f64],
    }

    impl WithSimd for Terms<'_, '_> {
        type Output = [Vec<f64>; 3];

        #[expect(clippy::inline_always, reason = "pulp compiles the inlined body for the CPU")]
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) -> [Vec<f64>; 3] {
            let len = self.eta.len();
            let mut out = [vec![0.0; len], vec![0.0; len], vec![0.0; len]];
            let [roots, responses, residuals] = &mut out;
            self.problem.irls_terms_into(
                self.start,
                (self.eta, self.mu),
                (roots, responses, residuals),
            );
            out
        }
    }

    /// The chunked IRLS terms are `irls_terms` row by row bit for bit: Poisson with the log link,
    /// binomial with the logit (beyond its `η` bound too), and a pair without a vectorised loop;
    /// per-row weights (two so small that `√W` is formed without `V(μ)`) and an offset; a
    /// block that starts inside the rows and is not a multiple of the chunk.
    #[test]
    fn the_chunked_irls_terms_are_the_row_by_row_ones_bit_for_bit() {
        let m = 1_000;
        let mut rng = sim::rng_from_seed(909);
        let x = sim::intercept_gaussian(m, 2, &mut rng).unwrap();
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let draws = sim::gaussian_matrix(m, 2, &mut rng).unwrap();
        let counts = DVector::from_fn(m, |i, _| (2.0 * draws[(i, 0)].abs()).floor());
        let binary = DVector::from_fn(m, |i, _| f64::from(draws[(i, 1)] > 0.3));
        let weights = DVector::from_fn(m, |i, _| {
            if i == 40 || i == 47 { 1e-320 } else { 0.5 + draws[(i, 1)].abs() }
        });
        let offset = DVector::from_fn(m, |i, _| 0.25 * draws[(i, 0)]);
        let eta: Vec<f64> = (0..m)
            .map(|i| match i {
                40 => 45.0,
                47 => -40.0,
                _ => 3.0 * draws[(i, 1)],
            })
            .collect();
        let cases = [
            (Family::Poisson.with_link(Link::Log), &counts),
            (Family::Bernoulli.with_link(Link::Logit), &binary),
            (Family::Poisson.with_link(Link::Sqrt), &counts),
        ];
        for (model, y) in cases {
            let data = Data::new(&design, y).weights(&weights).offset(&offset);
            let problem = Problem::new(&data, model).unwrap();
            let eta = if problem.link == Link::Sqrt {
                eta.iter().map(|e| e.abs() + 0.5).collect()
            } else {
                eta.clone()
            };
            let mu: Vec<f64> = eta.iter().map(|&e| problem.link.inverse(e)).collect();
            let start = 5;
            let op = Terms { problem: &problem, start, eta: &eta[start..], mu: &mu[start..] };
            let [roots, responses, residuals] = Arch::new().dispatch(op);
            let mut guarded = 0;
            for b in 0..m - start {
                let i = start + b;
                let (root, z, residual) = problem.irls_terms(eta[i], mu[i], i);
                let d = if problem.link == Link::Log { mu[i] } else { problem.link.mu_eta(eta[i]) };
                let square = weights[i] * d * d;
                guarded +=
                    usize::from(direct_root(square, problem.family.variance(mu[i])).is_none());
                assert_eq!(roots[b].to_bits(), root.to_bits(), "{}: row {i}", problem.family);
                assert_eq!(responses[b].to_bits(), (root * z).to_bits());
                assert_eq!(residuals[b].to_bits(), residual.to_bits());
            }
            // Rows 40 and 47 take the guarded form on the vectorised models.
            assert!(guarded > 0 || problem.link == Link::Sqrt);
        }
    }

    /// The null model's deviance by [`Problem::constant_mean_deviance`] is `sum_kept`'s row by
    /// row sum bit for bit: on a tall problem (row blocks on every core) and a small one (row
    /// order), with and without zero weights (rows between the kept ones), for the families
    /// whose unit deviances are looked up (counts in the table, beyond it and not whole) and one
    /// that is not.
    #[test]
    fn the_constant_mean_deviance_is_the_kept_rows_sum_bit_for_bit() {
        for m in [70_000, 300] {
            let mut rng = sim::rng_from_seed(808);
            let x = sim::intercept_gaussian(m, 2, &mut rng).unwrap();
            let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
            let draws = sim::gaussian_matrix(m, 2, &mut rng).unwrap();
            // Counts within the table of unit deviances, beyond it (5000) and not whole (2.5).
            let counts = DVector::from_fn(m, |i, _| match i % 89 {
                7 => 5000.0,
                8 => 2.5,
                _ => (2.0 * draws[(i, 0)].abs()).floor(),
            });
            let binary = DVector::from_fn(m, |i, _| f64::from(draws[(i, 1)] > 0.3));
            let positive = DVector::from_fn(m, |i, _| 0.5 + draws[(i, 1)].abs());
            let zeros =
                DVector::from_fn(
                    m,
                    |i, _| if i % 5 == 1 { 0.0 } else { 0.5 + draws[(i, 0)].abs() },
                );
            let cases = [
                (Family::Poisson, &counts),
                (Family::Bernoulli, &binary),
                (Family::Gamma, &positive),
            ];
            for (family, y) in cases {
                for weights in [None, Some(&zeros)] {
                    let data = Data::new(&design, y);
                    let data = if let Some(w) = weights { data.weights(w) } else { data };
                    let problem = Problem::new(&data, family.into()).unwrap();
                    assert_eq!(problem.is_tall(), m > 1000);
                    let mean = 0.7;
                    let [expected] = problem.sum_kept(|i| {
                        [problem.weights[i] * problem.family.unit_deviance(problem.y[i], mean)]
                    });
                    let deviance = problem.constant_mean_deviance(mean);
                    assert!(expected.is_finite() && expected > 0.0);
                    assert_eq!(deviance.to_bits(), expected.to_bits(), "{family}, {m} rows");
                }
            }
        }
    }

    /// `η = Xγ` of a block, four columns to a pass, and its magnitudes `Σ_k |x_ik·γ_k|` are the
    /// column-by-column sums bit for bit, for widths that fill groups of four and leave one to
    /// three columns over, on a subset of the columns in another order.
    #[test]
    fn the_linear_predictor_adds_its_columns_in_order_bit_for_bit() {
        let m = 37;
        let mut rng = sim::rng_from_seed(909);
        let x = sim::gaussian_matrix(m, 9, &mut rng).unwrap();
        let design = Design::new(x.clone()).unwrap();
        let y = DVector::from_element(m, 1.0);
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Gaussian.into()).unwrap();
        let all: Vec<usize> = (0..9).collect();
        let shuffled = [8, 2, 5, 0, 7, 3, 1];
        for cols in (1..=9).map(|p| &all[..p]).chain([&shuffled[..]]) {
            let gamma = DVector::from_fn(cols.len(), |k, _| 0.3 - 1.7 * count_to_f64(k % 4) + 1e-3);
            let rows = 5..m;
            let (mut eta, mut mu) = (vec![0.25; rows.len()], vec![0.0; rows.len()]);
            let mut magnitudes = vec![0.0; rows.len()];
            problem.evaluate_block(
                Some((cols, &gamma)),
                rows.clone(),
                (&mut eta, &mut mu),
                Some(&mut magnitudes),
            );
            for (k, i) in rows.clone().enumerate() {
                let (mut e, mut t) = (0.25, 0.0);
                for (&j, &g) in cols.iter().zip(gamma.iter()) {
                    e += g * x[(i, j)];
                    t += (x[(i, j)] * g).abs();
                }
                assert_eq!(eta[k].to_bits(), e.to_bits(), "{cols:?}, row {i}");
                assert_eq!(magnitudes[k].to_bits(), t.to_bits(), "{cols:?}, row {i}");
            }
        }
    }

    /// The log-likelihood of the Poisson and binomial families, formed in vector lanes, is the
    /// row-by-row sum of [`Problem::log_likelihood_term`] over the kept rows bit for bit (value
    /// and magnitude): on a tall problem and a small one, with rows of zero weight between the
    /// kept ones (whose terms would be NaN: their means sit at 0), counts beyond the table of
    /// `ln y!` and non-integer ones, and binomial trials of which some are 0.
    #[test]
    fn the_lane_log_likelihood_is_the_kept_rows_sum_bit_for_bit() {
        for m in [70_000, 300] {
            let mut rng = sim::rng_from_seed(1201);
            let x = sim::intercept_gaussian(m, 2, &mut rng).unwrap();
            let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
            let draws = sim::gaussian_matrix(m, 3, &mut rng).unwrap();
            let counts = DVector::from_fn(m, |i, _| match i % 97 {
                3 => 2000.0 + count_to_f64(i % 7),
                5 => 2.5,
                _ => (2.0 * draws[(i, 0)].abs()).floor(),
            });
            let binary = DVector::from_fn(m, |i, _| f64::from(draws[(i, 1)] > 0.3));
            let trials = DVector::from_fn(m, |i, _| count_to_f64(i % 6));
            let successes =
                DVector::from_fn(m, |i, _| (trials[i] * draws[(i, 2)].abs().min(1.0)).floor());
            let zeros =
                DVector::from_fn(
                    m,
                    |i, _| if i % 5 == 1 { 0.0 } else { 0.5 + draws[(i, 0)].abs() },
                );
            let mu = DVector::from_fn(m, |i, _| 0.05 + 0.9 * (0.5 + 0.3 * draws[(i, 1)].tanh()));
            let cases = [
                (Family::Poisson, &counts, None),
                (Family::Bernoulli, &binary, None),
                (Family::Binomial, &successes, Some(&trials)),
            ];
            for (family, y, n) in cases {
                for weights in [None, Some(&zeros)] {
                    let data = Data::new(&design, y);
                    let data = if let Some(w) = weights { data.weights(w) } else { data };
                    let data = if let Some(n) = n { data.trials(n) } else { data };
                    let problem = Problem::new(&data, family.into()).unwrap();
                    assert_eq!(problem.is_tall(), m > 1000);
                    // Zero means on the rows of zero weight, and only there.
                    let mu = DVector::from_fn(m, |i, _| {
                        if problem.weights[i] > 0.0 { mu[i].max(0.05) } else { 0.0 }
                    });
                    let [value, magnitude] = problem.sum_kept(|i| {
                        let term = problem.log_likelihood_term(i, &mu, 1.0);
                        [term, term.abs()]
                    });
                    let (lanes, lane_magnitude) = problem.log_likelihood(&mu, 1.0);
                    assert!(value.is_finite() && value < 0.0, "{family}: {value}");
                    assert_eq!(lanes.to_bits(), value.to_bits(), "{family}, {m} rows");
                    assert_eq!(lane_magnitude.to_bits(), magnitude.to_bits(), "{family}");
                }
            }
        }
    }
}

//! [`IrlsStep`]: one pass of a GLM over the data as a DataFusion aggregate. Each partition
//! evaluates `η` and `μ` at the current `β` (or R's starting means), sums the deviance, Pearson
//! χ² and the weighted totals, and folds the rows' working response and weights into an
//! [`lsq::Accumulator`]; the merged state solves for the next `β`. A last pass at `β̂` sums the
//! log-likelihood and the null deviance instead of folding.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, ListArray, RecordBatch, StructArray, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type, UInt64Type};
use datafusion::common::cast::{as_float64_array, as_uint64_array};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};
use datafusion::scalar::ScalarValue;
use glm::{Family, Model};
use lsq::nalgebra::{DMatrix, DVector};

use crate::options::Nulls;
use crate::state;

/// What one pass computes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pass {
    /// At R's starting means `μ₀ = family.starting_mean(y, w)`, `η₀ = g(μ₀)` (no offset, as R):
    /// the deviance at `μ₀` and the first Fisher-scoring step.
    Start,
    /// At `η = xᵀβ + offset`: the deviance and Pearson χ² there and the next step.
    At(Vec<f64>),
    /// At `β̂` with the dispersion the log-likelihood uses: the log-likelihood, and the null
    /// deviance against `null` (none when it comes from a fit of its own). Folds nothing.
    Summary { beta: Vec<f64>, dispersion: f64, null: Option<NullMean> },
}

/// The fitted mean of R's null model when no fit is needed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NullMean {
    /// The weighted mean of the response (a model with an intercept and no offset).
    Constant(f64),
    /// `g⁻¹(offset)` (a model without intercept; offset 0 without an offset column).
    Offset,
}

/// One pass for `model` over the arguments `(y, [w], [offset], x1, …, xk)`. For each complete
/// row: `η`, `μ = g⁻¹(η)`; rows whose `η` or `μ` leave the link's or the family's domain are
/// counted (`invalid_rows`, the first one's `η` and `μ` kept) and stop the folding; otherwise
/// `z = η − offset + (y − μ)/g⁻¹′(η)` and `W = w·g⁻¹′(η)²/V(μ)`, and the rows `√W·x`, `√W·z`
/// are folded by Householder QR, so `XᵀWX` is never formed. The value is a struct (see
/// [`fields`]): the next `β` and the diagonal of `(XᵀWX)⁻¹` (empty lists when a row was invalid
/// or for a summary pass) and the sums.
#[derive(Debug, Clone)]
pub(crate) struct IrlsStep {
    pub(crate) model: Model,
    pub(crate) pass: Pass,
    pub(crate) intercept: bool,
    pub(crate) weighted: bool,
    pub(crate) offset: bool,
    pub(crate) nulls: Nulls,
    signature: Signature,
}

impl IrlsStep {
    pub(crate) fn new(
        model: Model,
        pass: Pass,
        intercept: bool,
        weighted: bool,
        offset: bool,
        nulls: Nulls,
    ) -> Self {
        Self {
            model,
            pass,
            intercept,
            weighted,
            offset,
            nulls,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    /// Everything that tells two passes apart, exactly (`Debug` of `f64` round-trips).
    fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{}|{}|{}|{:?}",
            self.model, self.pass, self.intercept, self.weighted, self.offset, self.nulls
        )
    }

    /// Arguments before the regressors.
    fn leading(&self) -> usize {
        1 + usize::from(self.weighted) + usize::from(self.offset)
    }
}

impl PartialEq for IrlsStep {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for IrlsStep {}

impl Hash for IrlsStep {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// The sums of one pass, in the order of their state fields and of [`fields`] after the two
/// lists.
const FLOATS: [&str; 8] = [
    "deviance",
    "pearson",
    "invalid_eta",
    "invalid_mu",
    "prior_weight",
    "weighted_response",
    "weighted_start",
    "log_likelihood",
];
const NULL_DEVIANCE: &str = "null_deviance";
const COUNTS: [&str; 4] = ["observations", "nulls_skipped", "invalid_rows", "null_invalid"];

/// State columns: the QR state's nine, then [`FLOATS`], the null deviance, the [`COUNTS`]
/// except `nulls_skipped` (which the QR state carries).
const STATE_COLUMNS: usize = 9 + FLOATS.len() + 1 + COUNTS.len() - 1;

/// The fields of the pass's value.
pub(crate) fn fields() -> Fields {
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)));
    let mut fields = vec![
        Field::new("coefficients", list.clone(), false),
        Field::new("unscaled_variances", list, false),
    ];
    fields.extend(FLOATS.iter().map(|f| Field::new(*f, DataType::Float64, true)));
    fields.push(Field::new(NULL_DEVIANCE, DataType::Float64, false));
    fields.extend(COUNTS.iter().map(|f| Field::new(*f, DataType::UInt64, false)));
    Fields::from(fields)
}

impl AggregateUDFImpl for IrlsStep {
    fn name(&self) -> &'static str {
        "glm_irls_step"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        if let Some((k, t)) =
            arg_types.iter().enumerate().find(|(_, t)| !(t.is_numeric() || **t == DataType::Null))
        {
            return Err(DataFusionError::Plan(format!(
                "glm: column {} of the model has type {t}, not a numeric type",
                k + 1
            )));
        }
        Ok(vec![DataType::Float64; arg_types.len()])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(fields()))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> Result<Vec<FieldRef>> {
        let mut fields = state::state_fields(args.name);
        let name = |part: &str| format_state_name(args.name, part);
        for part in FLOATS.iter().chain(&[NULL_DEVIANCE]) {
            fields.push(Arc::new(Field::new(name(part), DataType::Float64, true)));
        }
        for part in COUNTS.iter().filter(|c| **c != "nulls_skipped") {
            fields.push(Arc::new(Field::new(name(part), DataType::UInt64, false)));
        }
        Ok(fields)
    }

    fn accumulator(&self, acc_args: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        let p = acc_args.exprs.len().saturating_sub(self.leading()) + usize::from(self.intercept);
        let beta_len = match &self.pass {
            Pass::Start => p,
            Pass::At(beta) | Pass::Summary { beta, .. } => beta.len(),
        };
        if p == 0 || beta_len != p {
            return Err(DataFusionError::Plan(format!(
                "glm: {p} design columns but β has {beta_len} entries"
            )));
        }
        let mut fit = lsq::Accumulator::new(p);
        if self.intercept {
            fit = fit.with_intercept_column(0).map_err(|e| step_error(&e))?;
        }
        Ok(Box::new(IrlsAccumulator { step: self.clone(), p, fit, sums: Sums::default() }))
    }
}

fn step_error(e: &dyn std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("glm: {e}"))
}

/// The sums of a pass (everything but the QR state).
#[derive(Debug, Clone, Default)]
struct Sums {
    deviance: f64,
    pearson: f64,
    /// `η` and `μ` of the first row found outside the domains.
    invalid: Option<(f64, f64)>,
    prior_weight: f64,
    weighted_response: f64,
    weighted_start: f64,
    log_likelihood: f64,
    null_deviance: f64,
    observations: u64,
    nulls_skipped: u64,
    invalid_rows: u64,
    null_invalid: u64,
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.deviance += other.deviance;
        self.pearson += other.pearson;
        self.invalid = self.invalid.or(other.invalid);
        self.prior_weight += other.prior_weight;
        self.weighted_response += other.weighted_response;
        self.weighted_start += other.weighted_start;
        self.log_likelihood += other.log_likelihood;
        self.null_deviance += other.null_deviance;
        self.observations += other.observations;
        self.nulls_skipped += other.nulls_skipped;
        self.invalid_rows += other.invalid_rows;
        self.null_invalid += other.null_invalid;
    }

    /// The floats in the order of [`FLOATS`], then the null deviance.
    fn floats(&self) -> [Option<f64>; 9] {
        [
            Some(self.deviance),
            Some(self.pearson),
            self.invalid.map(|(eta, _)| eta),
            self.invalid.map(|(_, mu)| mu),
            Some(self.prior_weight),
            Some(self.weighted_response),
            Some(self.weighted_start),
            Some(self.log_likelihood),
            Some(self.null_deviance),
        ]
    }
}

#[derive(Debug)]
struct IrlsAccumulator {
    step: IrlsStep,
    p: usize,
    fit: lsq::Accumulator,
    sums: Sums,
}

impl IrlsAccumulator {
    /// The folding passes, while every row so far was in the domains.
    fn folds(&self) -> bool {
        !matches!(self.step.pass, Pass::Summary { .. }) && self.sums.invalid_rows == 0
    }
}

impl Accumulator for IrlsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let leading = self.step.leading();
        let skip = usize::from(self.step.intercept);
        let columns: Vec<&Float64Array> =
            values.iter().map(|v| as_float64_array(v)).collect::<Result<_>>()?;
        if columns.len() + skip != leading + self.p {
            return Err(step_error(&format!(
                "{} argument columns for {} coefficients",
                columns.len(),
                self.p
            )));
        }
        let rows = columns.first().map_or(0, |c| Array::len(*c));
        let complete: Vec<usize> = if columns.iter().all(|c| c.null_count() == 0) {
            (0..rows).collect()
        } else {
            (0..rows).filter(|&i| columns.iter().all(|c| c.is_valid(i))).collect()
        };
        if complete.len() < rows {
            if self.step.nulls == Nulls::Fail {
                return Err(step_error(&"a NULL in the model's columns and NULLs are not allowed"));
            }
            self.sums.nulls_skipped += state::count(rows - complete.len());
        }
        let b = complete.len();
        if b == 0 {
            return Ok(());
        }
        let (family, link) = (self.step.model.family(), self.step.model.link());
        let weight = |i: usize| if self.step.weighted { columns[1].value(i) } else { 1.0 };
        let offset_column = self.step.offset.then(|| columns[leading - 1]);
        let offset = |i: usize| offset_column.map_or(0.0, |c| c.value(i));
        let x = DMatrix::from_fn(b, self.p, |i, j| {
            if j < skip { 1.0 } else { columns[leading + j - skip].value(complete[i]) }
        });
        let eta = match &self.step.pass {
            Pass::Start => None,
            Pass::At(beta) | Pass::Summary { beta, .. } => {
                Some(&x * DVector::from_column_slice(beta))
            }
        };
        let folds = self.folds();
        let mut z = DVector::zeros(if folds { b } else { 0 });
        let mut w = DVector::zeros(if folds { b } else { 0 });
        let mut sums = Sums::default();
        for (r, &i) in complete.iter().enumerate() {
            let y = columns[0].value(i);
            let (prior, o) = (weight(i), offset(i));
            check_row(family, y, prior, o)?;
            let eta = match &eta {
                Some(e) => e[r] + o,
                None => link.link(family.starting_mean(y, prior)),
            };
            let mu = link.inverse(eta);
            if !(link.eta_domain().contains(eta) && family.mean_domain().contains(mu)) {
                sums.invalid_rows += 1;
                sums.invalid = sums.invalid.or(Some((eta, mu)));
                continue;
            }
            if prior > 0.0 {
                sums.observations += 1;
                sums.prior_weight += prior;
                sums.weighted_response += prior * y;
                if self.step.pass == Pass::Start {
                    sums.weighted_start += prior * family.starting_mean(y, prior);
                }
            }
            if let Pass::Summary { dispersion, null, .. } = &self.step.pass {
                if prior > 0.0 {
                    summarise(&mut sums, self.step.model, (y, mu, prior, o), *dispersion, *null);
                }
                continue;
            }
            let d = link.mu_eta(eta);
            let v = family.variance(mu);
            if prior > 0.0 {
                sums.deviance += prior * family.unit_deviance(y, mu);
                sums.pearson += prior * (y - mu) * (y - mu) / v;
            }
            if folds {
                z[r] = eta - o + (y - mu) / d;
                w[r] = prior * d * d / v;
            }
        }
        if folds && sums.invalid_rows == 0 {
            self.fit.push_weighted(&x, &z, &w).map_err(|e| step_error(&e))?;
        }
        self.sums.add(&sums);
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut s = state::to_scalars(&self.fit.to_parts(), self.sums.nulls_skipped);
        s.extend(self.sums.floats().map(ScalarValue::Float64));
        let Sums { observations, invalid_rows, null_invalid, .. } = self.sums;
        s.extend([observations, invalid_rows, null_invalid].map(|c| ScalarValue::UInt64(Some(c))));
        Ok(s)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        if states.len() != STATE_COLUMNS {
            return Err(step_error(&format!(
                "{} state columns, expected {STATE_COLUMNS}",
                states.len()
            )));
        }
        let intercept = self.step.intercept.then_some(0);
        let floats: Vec<&Float64Array> =
            states[9..18].iter().map(|a| as_float64_array(a)).collect::<Result<_>>()?;
        let counts: Vec<_> =
            states[18..].iter().map(|a| as_uint64_array(a)).collect::<Result<_>>()?;
        for row in 0..states[0].len() {
            let (parts, nulls_skipped) =
                state::from_arrays(&states[..9], row, self.p + 1, intercept)?;
            let other = lsq::Accumulator::from_parts(parts).map_err(|e| step_error(&e))?;
            self.fit = self.fit.clone().merge(other).map_err(|e| step_error(&e))?;
            let f = |k: usize| floats[k].value(row);
            let invalid = (!floats[2].is_null(row)).then(|| (f(2), f(3)));
            self.sums.add(&Sums {
                deviance: f(0),
                pearson: f(1),
                invalid,
                prior_weight: f(4),
                weighted_response: f(5),
                weighted_start: f(6),
                log_likelihood: f(7),
                null_deviance: f(8),
                observations: counts[0].value(row),
                nulls_skipped,
                invalid_rows: counts[1].value(row),
                null_invalid: counts[2].value(row),
            });
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (coefficients, variances) = if self.folds() {
            let fit = self.fit.finish().map_err(|e| step_error(&e))?;
            let variances = fit.unscaled_covariance().diagonal().iter().copied().collect();
            (fit.coefficients().iter().copied().collect(), variances)
        } else {
            (Vec::new(), Vec::new())
        };
        let list = |v: Vec<f64>| {
            Arc::new(ListArray::from_iter_primitive::<Float64Type, _, _>([Some(
                v.into_iter().map(Some).collect::<Vec<_>>(),
            )])) as ArrayRef
        };
        let mut columns: Vec<ArrayRef> = vec![list(coefficients), list(variances)];
        columns
            .extend(self.sums.floats().map(|v| Arc::new(Float64Array::from(vec![v])) as ArrayRef));
        let Sums { observations, nulls_skipped, invalid_rows, null_invalid, .. } = self.sums;
        columns.extend(
            [observations, nulls_skipped, invalid_rows, null_invalid]
                .map(|c| Arc::new(UInt64Array::from(vec![c])) as ArrayRef),
        );
        Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields(), columns, None)?)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + (self.p + 1) * (self.p + 1) * std::mem::size_of::<f64>()
    }
}

/// The row checks that do not depend on `β`.
fn check_row(family: Family, y: f64, prior: f64, o: f64) -> Result<()> {
    if !family.response_domain().contains(y) {
        return Err(step_error(&format!(
            "response {y} is outside the {family} family's domain ({})",
            family.response_domain()
        )));
    }
    if !(prior.is_finite() && prior >= 0.0) {
        return Err(step_error(&format!("prior weight {prior} must be finite and ≥ 0")));
    }
    if !o.is_finite() {
        return Err(step_error(&format!("offset {o} is not finite")));
    }
    Ok(())
}

/// Adds one row `(y, μ, w, offset)` of positive weight to the log-likelihood at `dispersion`
/// and to the null deviance against `null`.
fn summarise(
    sums: &mut Sums,
    model: Model,
    (y, mu, prior, o): (f64, f64, f64, f64),
    dispersion: f64,
    null: Option<NullMean>,
) {
    let (family, link) = (model.family(), model.link());
    sums.log_likelihood += log_likelihood_term(family, y, mu, prior, dispersion);
    match null {
        Some(NullMean::Constant(m)) => {
            sums.null_deviance += prior * family.unit_deviance(y, m);
        }
        Some(NullMean::Offset) => {
            let m = link.inverse(o);
            if link.eta_domain().contains(o) && family.mean_domain().contains(m) {
                sums.null_deviance += prior * family.unit_deviance(y, m);
            } else {
                sums.null_invalid += 1;
            }
        }
        None => {}
    }
}

/// One observation's log-likelihood term with R's conventions, for prior weight `w > 0`: the
/// Gaussian reads `w` as a precision (`Var = φ/w`, so its density at dispersion `φ/w`), the
/// other families as a frequency (`w·ln f`), as R's `family$aic` and `glm::GlmFit` do.
fn log_likelihood_term(family: Family, y: f64, mu: f64, w: f64, dispersion: f64) -> f64 {
    match family {
        Family::Gaussian => family.log_density(y, mu, dispersion / w),
        _ => w * family.log_density(y, mu, dispersion),
    }
}

/// One pass's value, read back from the query's result.
#[derive(Debug, Clone)]
pub(crate) struct StepValue {
    /// The next `β` (empty when a row left the domains, or for a summary pass).
    pub(crate) coefficients: Vec<f64>,
    /// The diagonal of `(XᵀWX)⁻¹` at the pass's `β` (empty likewise).
    pub(crate) variances: Vec<f64>,
    pub(crate) deviance: f64,
    pub(crate) pearson: f64,
    /// `η` and `μ` of a row outside the domains, if any.
    pub(crate) invalid: Option<(f64, f64)>,
    pub(crate) prior_weight: f64,
    pub(crate) weighted_response: f64,
    pub(crate) weighted_start: f64,
    pub(crate) log_likelihood: f64,
    pub(crate) null_deviance: f64,
    pub(crate) observations: u64,
    pub(crate) nulls_skipped: u64,
    pub(crate) invalid_rows: u64,
    pub(crate) null_invalid: u64,
}

/// The value of the pass's query (one row, one struct column).
pub(crate) fn read(batches: &[RecordBatch]) -> Result<StepValue> {
    let batch = batches.iter().find(|b| b.num_rows() > 0).ok_or_else(|| {
        DataFusionError::Execution("glm: the step query returned no row".to_string())
    })?;
    let s = batch.column(0).as_struct_opt().ok_or_else(|| {
        DataFusionError::Execution("glm: the step query returned no struct".to_string())
    })?;
    let column = |name: &str| {
        s.column_by_name(name)
            .ok_or_else(|| DataFusionError::Execution(format!("glm: the step has no field {name}")))
    };
    let floats = |name: &str| -> Result<Vec<f64>> {
        let list = column(name)?.as_list::<i32>().value(0);
        Ok(list.as_primitive::<Float64Type>().values().to_vec())
    };
    let float = |name: &str| -> Result<Option<f64>> {
        let a = column(name)?.as_primitive::<Float64Type>();
        Ok((!a.is_null(0)).then(|| a.value(0)))
    };
    let value = |name: &str| -> Result<f64> {
        float(name)?.ok_or_else(|| DataFusionError::Execution(format!("glm: {name} is NULL")))
    };
    let count =
        |name: &str| -> Result<u64> { Ok(column(name)?.as_primitive::<UInt64Type>().value(0)) };
    let invalid = match (float("invalid_eta")?, float("invalid_mu")?) {
        (Some(eta), Some(mu)) => Some((eta, mu)),
        _ => None,
    };
    Ok(StepValue {
        coefficients: floats("coefficients")?,
        variances: floats("unscaled_variances")?,
        deviance: value("deviance")?,
        pearson: value("pearson")?,
        invalid,
        prior_weight: value("prior_weight")?,
        weighted_response: value("weighted_response")?,
        weighted_start: value("weighted_start")?,
        log_likelihood: value("log_likelihood")?,
        null_deviance: value(NULL_DEVIANCE)?,
        observations: count("observations")?,
        nulls_skipped: count("nulls_skipped")?,
        invalid_rows: count("invalid_rows")?,
        null_invalid: count("null_invalid")?,
    })
}

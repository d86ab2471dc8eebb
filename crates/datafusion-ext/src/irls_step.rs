//! [`IrlsStep`]: one IRLS iteration of a GLM as a DataFusion aggregate. Each partition folds
//! its rows' working response and weights at the current `β` into an [`lsq::Accumulator`] and
//! sums the deviance and Pearson χ² at `β`; the merged state solves for the next `β`.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, ListArray, StructArray, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type};
use datafusion::common::cast::as_float64_array;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};
use datafusion::scalar::ScalarValue;
use glm::Model;
use lsq::nalgebra::{DMatrix, DVector};

use crate::options::Nulls;
use crate::state;

/// One IRLS step for `model` at `beta` (`None`: R's starting means `μ₀` instead) over the
/// arguments `(y, x1, …, xk)` or `(y, w, x1, …, xk)` with prior weights. For each complete row:
/// `η = xᵀβ`, `μ = g⁻¹(η)`, `z = η + (y − μ)/g⁻¹′(η)`, `W = w·g⁻¹′(η)²/V(μ)`; the rows
/// `√W·x`, `√W·z` are folded by Householder QR, so `XᵀWX` is never formed. The value is a
/// struct: `coefficients` (the next `β`), `unscaled_variances` (the diagonal of `(XᵀWX)⁻¹` at
/// `beta`), `deviance` and `pearson` (at `beta`; 0 for the starting step), `n` (rows of
/// nonzero weight), `nulls_skipped`.
#[derive(Debug, Clone)]
pub(crate) struct IrlsStep {
    pub(crate) model: Model,
    pub(crate) beta: Option<Vec<f64>>,
    pub(crate) intercept: bool,
    pub(crate) weighted: bool,
    pub(crate) nulls: Nulls,
    signature: Signature,
}

impl IrlsStep {
    pub(crate) fn new(
        model: Model,
        beta: Option<Vec<f64>>,
        intercept: bool,
        weighted: bool,
        nulls: Nulls,
    ) -> Self {
        Self {
            model,
            beta,
            intercept,
            weighted,
            nulls,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    /// Everything that tells two steps apart, exactly (`Debug` of `f64` round-trips).
    fn key(&self) -> (String, Option<Vec<u64>>, bool, bool, Nulls) {
        (
            format!("{:?}", self.model),
            self.beta.as_ref().map(|b| b.iter().map(|v| v.to_bits()).collect()),
            self.intercept,
            self.weighted,
            self.nulls,
        )
    }

    fn leading(&self) -> usize {
        if self.weighted { 2 } else { 1 }
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

/// The fields of the step's value.
pub(crate) fn fields() -> Fields {
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)));
    Fields::from(vec![
        Field::new("coefficients", list.clone(), false),
        Field::new("unscaled_variances", list, false),
        Field::new("deviance", DataType::Float64, false),
        Field::new("pearson", DataType::Float64, false),
        Field::new("n", DataType::UInt64, false),
        Field::new("nulls_skipped", DataType::UInt64, false),
    ])
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
        for part in ["deviance", "pearson"] {
            fields.push(Arc::new(Field::new(
                format_state_name(args.name, part),
                DataType::Float64,
                false,
            )));
        }
        Ok(fields)
    }

    fn accumulator(&self, acc_args: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        let p = acc_args.exprs.len().saturating_sub(self.leading()) + usize::from(self.intercept);
        if p == 0 || self.beta.as_ref().is_some_and(|b| b.len() != p) {
            return Err(DataFusionError::Plan(format!(
                "glm: {p} design columns but β has {} entries",
                self.beta.as_ref().map_or(0, Vec::len)
            )));
        }
        let mut fit = lsq::Accumulator::new(p);
        if self.intercept {
            fit = fit.with_intercept_column(0).map_err(|e| step_error(&e))?;
        }
        Ok(Box::new(IrlsAccumulator {
            step: self.clone(),
            p,
            fit,
            deviance: 0.0,
            pearson: 0.0,
            nulls_skipped: 0,
        }))
    }
}

fn step_error(e: &dyn std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("glm: {e}"))
}

#[derive(Debug)]
struct IrlsAccumulator {
    step: IrlsStep,
    p: usize,
    fit: lsq::Accumulator,
    deviance: f64,
    pearson: f64,
    nulls_skipped: u64,
}

impl Accumulator for IrlsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let leading = self.step.leading();
        let offset = usize::from(self.step.intercept);
        let columns: Vec<&Float64Array> =
            values.iter().map(|v| as_float64_array(v)).collect::<Result<_>>()?;
        if columns.len() + offset != leading + self.p {
            return Err(step_error(&format!(
                "{} argument columns for {} coefficients",
                columns.len(),
                self.p
            )));
        }
        let rows = columns.first().map_or(0, |c| Array::len(*c));
        let complete: Vec<usize> =
            (0..rows).filter(|&i| columns.iter().all(|c| c.is_valid(i))).collect();
        if complete.len() < rows {
            if self.step.nulls == Nulls::Fail {
                return Err(step_error(&"a NULL in the model's columns and NULLs are not allowed"));
            }
            self.nulls_skipped += state::count(rows - complete.len());
        }
        let b = complete.len();
        if b == 0 {
            return Ok(());
        }
        let (family, link) = (self.step.model.family(), self.step.model.link());
        let x = DMatrix::from_fn(b, self.p, |i, j| {
            if j < offset { 1.0 } else { columns[leading + j - offset].value(complete[i]) }
        });
        let mut z = DVector::zeros(b);
        let mut w = DVector::zeros(b);
        let (mut deviance, mut pearson) = (0.0, 0.0);
        for (r, &i) in complete.iter().enumerate() {
            let y = columns[0].value(i);
            let prior = if self.step.weighted { columns[1].value(i) } else { 1.0 };
            if !family.response_domain().contains(y) {
                return Err(step_error(&format!(
                    "response {y} is outside the {family} family's domain ({})",
                    family.response_domain()
                )));
            }
            if !(prior.is_finite() && prior >= 0.0) {
                return Err(step_error(&format!("prior weight {prior} must be finite and ≥ 0")));
            }
            let (eta, mu) = if let Some(beta) = &self.step.beta {
                let eta: f64 = x.row(r).iter().zip(beta).map(|(a, b)| a * b).sum();
                (eta, link.inverse(eta))
            } else {
                let mu = family.starting_mean(y, prior);
                (link.link(mu), mu)
            };
            let d = link.mu_eta(eta);
            let v = family.variance(mu);
            if !(eta.is_finite()
                && mu.is_finite()
                && d.is_finite()
                && d != 0.0
                && v > 0.0
                && v.is_finite())
            {
                return Err(step_error(&format!(
                    "at η = {eta} the mean μ = {mu} leaves the {family} family's domain or the {link:?} link's range (variance {v}, dμ/dη = {d}); the iteration diverged"
                )));
            }
            z[r] = eta + (y - mu) / d;
            w[r] = prior * d * d / v;
            if self.step.beta.is_some() {
                deviance += prior * family.unit_deviance(y, mu);
                pearson += prior * (y - mu) * (y - mu) / v;
            }
        }
        self.fit.push_weighted(&x, &z, &w).map_err(|e| step_error(&e))?;
        self.deviance += deviance;
        self.pearson += pearson;
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut s = state::to_scalars(&self.fit.to_parts(), self.nulls_skipped);
        s.push(ScalarValue::Float64(Some(self.deviance)));
        s.push(ScalarValue::Float64(Some(self.pearson)));
        Ok(s)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        if states.len() != 11 {
            return Err(step_error(&format!("{} state columns, expected 11", states.len())));
        }
        let intercept = self.step.intercept.then_some(0);
        let (deviance, pearson) = (as_float64_array(&states[9])?, as_float64_array(&states[10])?);
        for row in 0..states[0].len() {
            let (parts, skipped) = state::from_arrays(&states[..9], row, self.p + 1, intercept)?;
            let other = lsq::Accumulator::from_parts(parts).map_err(|e| step_error(&e))?;
            self.fit = self.fit.clone().merge(other).map_err(|e| step_error(&e))?;
            self.deviance += deviance.value(row);
            self.pearson += pearson.value(row);
            self.nulls_skipped += skipped;
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let fit = self.fit.finish().map_err(|e| step_error(&e))?;
        let list = |v: Vec<f64>| {
            Arc::new(ListArray::from_iter_primitive::<Float64Type, _, _>([Some(
                v.into_iter().map(Some).collect::<Vec<_>>(),
            )])) as ArrayRef
        };
        let variances = fit.unscaled_covariance().diagonal().iter().copied().collect();
        let columns: Vec<ArrayRef> = vec![
            list(fit.coefficients().iter().copied().collect()),
            list(variances),
            Arc::new(Float64Array::from(vec![self.deviance])),
            Arc::new(Float64Array::from(vec![self.pearson])),
            Arc::new(UInt64Array::from(vec![state::count(fit.observations())])),
            Arc::new(UInt64Array::from(vec![self.nulls_skipped])),
        ];
        Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields(), columns, None)?)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + (self.p + 1) * (self.p + 1) * std::mem::size_of::<f64>()
    }
}

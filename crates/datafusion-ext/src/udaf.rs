//! [`LsqFit`], the `lsq_fit` aggregate, and its per-partition accumulator.

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array};
use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::cast::as_float64_array;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};
use datafusion::scalar::ScalarValue;
use lsq::nalgebra::{DMatrix, DVector};

use crate::options::{LsqOptions, Nulls};
use crate::{result, state};

/// The least-squares aggregate `lsq_fit(y, x1, …, xk)` (or `(y, w, x1, …, xk)` when weighted):
/// one regression per group, returned as a struct (see the crate docs for its fields).
///
/// # Algorithm, cost and accuracy
/// Each partition folds its Arrow batches into an [`lsq::Accumulator`] (Householder QR of the
/// rows `[√W·X | √W·y]` into an `(n+1)×(n+1)` triangle, `2·b·(n+1)²` flops a batch of b rows);
/// partial states (`O(n²)` numbers, see the crate docs) are merged by a QR of the stacked
/// triangles (`O(n³)`), and the final state finished by [`lsq::Accumulator::finish`]. The
/// result is the QR of all rows up to rounding whatever the partitioning, so the coefficients
/// agree with [`lsq::fit`] on the same rows to a small multiple of `ε·κ`. Arguments are cast to
/// `Float64` by DataFusion's coercion (integers beyond 2⁵³ round).
///
/// # Errors
/// At planning, a [`DataFusionError::Plan`] for a non-numeric argument (naming it and its
/// type) or too few arguments. At execution, a [`DataFusionError::Execution`] whose text starts
/// `lsq_fit:` and carries [`lsq::Error`]'s message: a NaN or infinite value, a negative weight,
/// a NULL under [`Nulls::Fail`], no rows or fewer rows than coefficients in a group, a
/// rank-deficient design (naming the aliased columns), no residual degrees of freedom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LsqFit {
    name: String,
    options: LsqOptions,
    signature: Signature,
}

impl LsqFit {
    /// The aggregate named `name` with `options`.
    #[must_use]
    pub fn new(name: impl Into<String>, options: LsqOptions) -> Self {
        Self {
            name: name.into(),
            options,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    /// Its options.
    #[must_use]
    pub fn options(&self) -> LsqOptions {
        self.options
    }

    /// Regressors (design columns without the intercept) for `args` arguments.
    fn regressors(&self, args: usize) -> usize {
        args.saturating_sub(self.options.leading())
    }
}

impl AggregateUDFImpl for LsqFit {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let leading = self.options.leading();
        let needed = leading + usize::from(!self.options.intercept);
        if arg_types.len() < needed {
            let shape =
                if self.options.weighted { "(y, w, x1, …, xk)" } else { "(y, x1, …, xk)" };
            return Err(DataFusionError::Plan(format!(
                "{}{shape} takes at least {needed} arguments{}, got {}",
                self.name,
                if self.options.intercept { "" } else { " (no intercept, so at least one x)" },
                arg_types.len()
            )));
        }
        for (k, t) in arg_types.iter().enumerate() {
            if !(t.is_numeric() || *t == DataType::Null) {
                let role = match (k, self.options.weighted) {
                    (0, _) => "the response y".to_string(),
                    (1, true) => "the weight w".to_string(),
                    _ => format!("regressor x{}", k + 1 - leading),
                };
                return Err(DataFusionError::Plan(format!(
                    "{}: argument {} ({role}) has type {t}, not a numeric type",
                    self.name,
                    k + 1
                )));
            }
        }
        Ok(vec![DataType::Float64; arg_types.len()])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(result::fields()))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> Result<Vec<FieldRef>> {
        Ok(state::state_fields(args.name))
    }

    fn accumulator(&self, acc_args: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(self.lsq_accumulator(&acc_args)?))
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs<'_>) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(LsqGroups { template: self.lsq_accumulator(&args)?, groups: Vec::new() }))
    }
}

impl LsqFit {
    /// The accumulator of one group, with the arguments' names.
    fn lsq_accumulator(&self, acc_args: &AccumulatorArgs<'_>) -> Result<LsqAccumulator> {
        let leading = self.options.leading();
        let k = self.regressors(acc_args.exprs.len());
        let mut names: Vec<String> = Vec::with_capacity(k + 1);
        if self.options.intercept {
            names.push(lsq::INTERCEPT_NAME.to_string());
        }
        names.extend(acc_args.expr_fields.iter().skip(leading).map(|f| f.name().clone()));
        if names.len() != k + usize::from(self.options.intercept) {
            // The fields are those of the arguments; fall back to positional names.
            names = (1..=k).map(|j| format!("x{j}")).collect();
            if self.options.intercept {
                names.insert(0, lsq::INTERCEPT_NAME.to_string());
            }
        }
        let p = names.len();
        if p == 0 {
            return Err(DataFusionError::Plan(format!(
                "{}: no intercept and no regressor to fit",
                self.name
            )));
        }
        let fit = new_accumulator(&self.name, p, self.options.intercept, &names)?;
        Ok(LsqAccumulator {
            name: self.name.clone(),
            options: self.options,
            names,
            fit,
            nulls_skipped: 0,
        })
    }
}

/// An empty [`lsq::Accumulator`] of `p` columns named `names`, the first the intercept if
/// `intercept`.
fn new_accumulator(
    name: &str,
    p: usize,
    intercept: bool,
    names: &[String],
) -> Result<lsq::Accumulator> {
    let mut acc = lsq::Accumulator::new(p);
    if intercept {
        acc = acc.with_intercept_column(0).map_err(|e| lsq_error(name, &e))?;
    }
    acc.with_names(names.iter().cloned()).map_err(|e| lsq_error(name, &e))
}

/// An [`lsq::Error`] as DataFusion's execution error, prefixed with the function's name.
fn lsq_error(name: &str, e: &lsq::Error) -> DataFusionError {
    DataFusionError::Execution(format!("{name}: {e}"))
}

/// One partition's (or one group's) fold of `lsq_fit`.
#[derive(Debug, Clone)]
struct LsqAccumulator {
    name: String,
    options: LsqOptions,
    names: Vec<String>,
    fit: lsq::Accumulator,
    nulls_skipped: u64,
}

impl LsqAccumulator {
    /// Argument `k`'s role, for messages.
    fn role(&self, k: usize) -> String {
        match (k, self.options.weighted) {
            (0, _) => "the response y".to_string(),
            (1, true) => "the weight w".to_string(),
            _ => {
                let j = k - self.options.leading() + usize::from(self.options.intercept);
                format!("regressor `{}`", self.names.get(j).map_or("?", String::as_str))
            }
        }
    }
}

impl LsqAccumulator {
    /// Folds the rows `rows` of the argument columns `values`.
    fn update_rows(&mut self, values: &[ArrayRef], rows: &[usize]) -> Result<()> {
        let leading = self.options.leading();
        let p = self.names.len();
        let k = p - usize::from(self.options.intercept);
        if values.len() != leading + k {
            return Err(DataFusionError::Execution(format!(
                "{}: {} argument columns, expected {}",
                self.name,
                values.len(),
                leading + k
            )));
        }
        let columns: Vec<&Float64Array> =
            values.iter().map(|v| as_float64_array(v)).collect::<Result<_>>()?;
        let complete: Vec<usize> =
            rows.iter().copied().filter(|&i| columns.iter().all(|c| c.is_valid(i))).collect();
        if complete.len() < rows.len() {
            if self.options.nulls == Nulls::Fail {
                let (i, c) = rows
                    .iter()
                    .find_map(|&i| columns.iter().position(|c| c.is_null(i)).map(|c| (i, c)))
                    .unwrap_or_default();
                return Err(DataFusionError::Execution(format!(
                    "{}: a NULL in {} (row {i} of a batch) and NULLs are not allowed",
                    self.name,
                    self.role(c)
                )));
            }
            self.nulls_skipped += state::count(rows.len() - complete.len());
        }
        if complete.is_empty() {
            return Ok(());
        }
        let b = complete.len();
        let offset = usize::from(self.options.intercept);
        let x = DMatrix::from_fn(b, p, |i, j| {
            if j < offset { 1.0 } else { columns[leading + j - offset].value(complete[i]) }
        });
        let y = DVector::from_fn(b, |i, _| columns[0].value(complete[i]));
        let pushed = if self.options.weighted {
            let w = DVector::from_fn(b, |i, _| columns[1].value(complete[i]));
            self.fit.push_weighted(&x, &y, &w)
        } else {
            self.fit.push(&x, &y)
        };
        pushed.map_err(|e| {
            DataFusionError::Execution(format!(
                "{}: in a batch of {b} complete rows: {e}",
                self.name
            ))
        })
    }

    /// Merges row `row` of the partial states `states`.
    fn merge_row(&mut self, states: &[ArrayRef], row: usize) -> Result<()> {
        let width = self.names.len() + 1;
        let intercept = self.options.intercept.then_some(0);
        let (parts, skipped) = state::from_arrays(states, row, width, intercept)?;
        let other = lsq::Accumulator::from_parts(parts)
            .and_then(|a| a.with_names(self.names.iter().cloned()))
            .map_err(|e| lsq_error(&self.name, &e))?;
        // The state is O(n²): merging a copy keeps `self` intact if the merge fails.
        self.fit = self.fit.clone().merge(other).map_err(|e| lsq_error(&self.name, &e))?;
        self.nulls_skipped += skipped;
        Ok(())
    }
}

impl Accumulator for LsqAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let rows: Vec<usize> = (0..values.first().map_or(0, Array::len)).collect();
        self.update_rows(values, &rows)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(state::to_scalars(&self.fit.to_parts(), self.nulls_skipped))
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for row in 0..states.first().map_or(0, Array::len) {
            self.merge_row(states, row)?;
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let fit = self.fit.finish().map_err(|e| lsq_error(&self.name, &e))?;
        result::to_scalar(&fit, self.nulls_skipped)
    }

    fn size(&self) -> usize {
        let width = self.names.len() + 1;
        std::mem::size_of_val(self)
            + width * width * std::mem::size_of::<f64>()
            + self.names.iter().map(String::capacity).sum::<usize>()
    }
}

/// The `GROUP BY` form of `lsq_fit`: one [`LsqAccumulator`] per group, each batch's rows
/// bucketed by group and folded straight from the batch's columns (no per-group copy of the
/// Arrow arrays, as DataFusion's generic adapter would make).
#[derive(Debug)]
struct LsqGroups {
    /// A group's accumulator before any row.
    template: LsqAccumulator,
    groups: Vec<LsqAccumulator>,
}

impl LsqGroups {
    /// Grows to `total` groups and buckets the rows of a batch by group, leaving out the rows
    /// the filter rejects.
    fn buckets(
        &mut self,
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total: usize,
    ) -> Vec<Vec<usize>> {
        if self.groups.len() < total {
            self.groups.resize(total, self.template.clone());
        }
        let mut buckets = vec![Vec::new(); total];
        for (row, &g) in group_indices.iter().enumerate() {
            if opt_filter.is_none_or(|f| f.is_valid(row) && f.value(row)) {
                buckets[g].push(row);
            }
        }
        buckets
    }
}

/// One array per column of `rows` (each a row of scalars of the same types).
fn columns(rows: Vec<Vec<ScalarValue>>, width: usize) -> Result<Vec<ArrayRef>> {
    let mut columns: Vec<Vec<ScalarValue>> = vec![Vec::with_capacity(rows.len()); width];
    for row in rows {
        for (column, value) in columns.iter_mut().zip(row) {
            column.push(value);
        }
    }
    columns.into_iter().map(ScalarValue::iter_to_array).collect()
}

impl GroupsAccumulator for LsqGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let buckets = self.buckets(group_indices, opt_filter, total_num_groups);
        for (group, rows) in self.groups.iter_mut().zip(&buckets) {
            if !rows.is_empty() {
                group.update_rows(values, rows)?;
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let values: Vec<ScalarValue> = emit_to
            .take_needed(&mut self.groups)
            .iter_mut()
            .map(Accumulator::evaluate)
            .collect::<Result<_>>()?;
        ScalarValue::iter_to_array(values)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let rows: Vec<Vec<ScalarValue>> = emit_to
            .take_needed(&mut self.groups)
            .iter_mut()
            .map(Accumulator::state)
            .collect::<Result<_>>()?;
        columns(rows, state::STATE_WIDTH)
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let buckets = self.buckets(group_indices, opt_filter, total_num_groups);
        for (group, rows) in self.groups.iter_mut().zip(&buckets) {
            for &row in rows {
                group.merge_row(values, row)?;
            }
        }
        Ok(())
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.groups.iter().map(Accumulator::size).sum::<usize>()
    }
}

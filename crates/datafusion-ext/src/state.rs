//! The partial aggregate of `lsq_fit` as plain Arrow values: [`lsq::AccumulatorParts`] with the
//! triangle packed column by column into a `List<Float64>`, the counts as `UInt64`, the moments
//! as `Float64`. This is what DataFusion (or Ballista) moves between partitions.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, ListArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::cast::{
    as_boolean_array, as_float64_array, as_list_array, as_uint64_array,
};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::scalar::ScalarValue;
use lsq::AccumulatorParts;
use lsq::nalgebra::DMatrix;

/// The number of [`state_fields`].
pub(crate) const STATE_WIDTH: usize = 9;

/// The state fields of the aggregate named `name`, in the order of [`to_scalars`].
pub(crate) fn state_fields(name: &str) -> Vec<FieldRef> {
    let field = |part: &str, data_type: DataType, nullable: bool| {
        Arc::new(Field::new(format_state_name(name, part), data_type, nullable))
    };
    vec![
        field(
            "triangle",
            DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true))),
            false,
        ),
        field("rows", DataType::UInt64, false),
        field("nonzero_weight_rows", DataType::UInt64, false),
        field("weight", DataType::Float64, false),
        field("mean", DataType::Float64, false),
        field("squares", DataType::Float64, false),
        field("intercept_value", DataType::Float64, true),
        field("weighted", DataType::Boolean, false),
        field("nulls_skipped", DataType::UInt64, false),
    ]
}

/// `parts` and the count of skipped rows as the scalars of [`state_fields`]: the upper triangle
/// packed column by column, `N(N+1)/2` numbers for N = columns + 1.
pub(crate) fn to_scalars(parts: &AccumulatorParts, nulls_skipped: u64) -> Vec<ScalarValue> {
    let s = &parts.triangle;
    let packed: Vec<Option<f64>> =
        (0..s.ncols()).flat_map(|j| (0..=j).map(move |i| Some(s[(i, j)]))).collect();
    let list = ListArray::from_iter_primitive::<Float64Type, _, _>([Some(packed)]);
    vec![
        ScalarValue::List(Arc::new(list)),
        ScalarValue::UInt64(Some(count(parts.rows))),
        ScalarValue::UInt64(Some(count(parts.nonzero_weight_rows))),
        ScalarValue::Float64(Some(parts.weight)),
        ScalarValue::Float64(Some(parts.mean)),
        ScalarValue::Float64(Some(parts.squares)),
        ScalarValue::Float64(parts.intercept_value),
        ScalarValue::Boolean(Some(parts.weighted)),
        ScalarValue::UInt64(Some(nulls_skipped)),
    ]
}

/// Row `row` of the state arrays `states` (as [`state_fields`]) for an aggregate of `width`
/// augmented columns (regressors + 1): the parts and the count of skipped rows. The parts are
/// validated by [`lsq::Accumulator::from_parts`] afterwards; here only their shape and NULLs.
pub(crate) fn from_arrays(
    states: &[ArrayRef],
    row: usize,
    width: usize,
    intercept: Option<usize>,
) -> Result<(AccumulatorParts, u64)> {
    if states.len() != 9 {
        return Err(state_error(&format!("{} state columns, expected 9", states.len())));
    }
    if states.iter().enumerate().any(|(k, a)| k != 6 && a.is_null(row)) {
        return Err(state_error(&format!("a NULL in row {row} of the partial states")));
    }
    let list = as_list_array(&states[0])?.value(row);
    let packed = as_float64_array(&list)?;
    if packed.len() != width * (width + 1) / 2 || packed.null_count() > 0 {
        return Err(state_error(&format!(
            "a triangle of {} numbers ({} NULL), expected {} for {width} columns",
            packed.len(),
            packed.null_count(),
            width * (width + 1) / 2
        )));
    }
    let mut triangle = DMatrix::zeros(width, width);
    let mut k = 0;
    for j in 0..width {
        for i in 0..=j {
            triangle[(i, j)] = packed.value(k);
            k += 1;
        }
    }
    let float = |k: usize| -> Result<Option<f64>> {
        let a = as_float64_array(&states[k])?;
        Ok((!a.is_null(row)).then(|| a.value(row)))
    };
    let unsigned = |k: usize| -> Result<usize> {
        let v = as_uint64_array(&states[k])?.value(row);
        usize::try_from(v).map_err(|_| state_error(&format!("a row count {v} beyond usize")))
    };
    let parts = AccumulatorParts {
        triangle,
        rows: unsigned(1)?,
        nonzero_weight_rows: unsigned(2)?,
        intercept,
        intercept_value: float(6)?,
        weight: float(3)?.unwrap_or_default(),
        mean: float(4)?.unwrap_or_default(),
        squares: float(5)?.unwrap_or_default(),
        weighted: as_boolean_array(&states[7])?.value(row),
    };
    Ok((parts, as_uint64_array(&states[8])?.value(row)))
}

/// A count as `u64` (exact: `usize` is at most 64 bits on every supported target).
pub(crate) fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn state_error(what: &str) -> DataFusionError {
    DataFusionError::Execution(format!("lsq_fit: malformed partial state: {what}"))
}

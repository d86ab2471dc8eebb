//! The value of `lsq_fit`: a struct a user can `SELECT` into columns.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Float64Array, ListArray, ListBuilder, StringBuilder, StructArray, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Float64Type};
use datafusion::error::Result;
use datafusion::scalar::ScalarValue;
use lsq::StreamFit;

use crate::state::count;

/// The fields of the result struct, in order: `names` (List<Utf8>: `(Intercept)` and the
/// argument names), `coefficients` and `std_errors` (List<Float64>, in the order of `names`),
/// `n` (rows of nonzero weight fitted), `nulls_skipped` (rows left out for a NULL),
/// `df_residual`, `sigma` (σ̂), `r_squared` (R², about the weighted mean with an intercept).
/// `sigma` and `r_squared` are NULL where the data leave them undefined (an exact fit, a
/// constant response), never NaN.
pub(crate) fn fields() -> Fields {
    let list = |item: DataType| DataType::List(Arc::new(Field::new_list_field(item, true)));
    Fields::from(vec![
        Field::new("names", list(DataType::Utf8), false),
        Field::new("coefficients", list(DataType::Float64), false),
        Field::new("std_errors", list(DataType::Float64), false),
        Field::new("n", DataType::UInt64, false),
        Field::new("nulls_skipped", DataType::UInt64, false),
        Field::new("df_residual", DataType::UInt64, false),
        Field::new("sigma", DataType::Float64, true),
        Field::new("r_squared", DataType::Float64, true),
    ])
}

/// The struct value of `fit`, with `nulls_skipped` rows left out.
pub(crate) fn to_scalar(fit: &StreamFit, nulls_skipped: u64) -> Result<ScalarValue> {
    let floats = |v: &lsq::nalgebra::DVector<f64>| {
        Arc::new(ListArray::from_iter_primitive::<Float64Type, _, _>([Some(
            v.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        )])) as ArrayRef
    };
    let mut names = ListBuilder::new(StringBuilder::new());
    for name in fit.names() {
        names.values().append_value(name);
    }
    names.append(true);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(names.finish()),
        floats(fit.coefficients()),
        floats(fit.std_errors()),
        Arc::new(UInt64Array::from(vec![count(fit.observations())])),
        Arc::new(UInt64Array::from(vec![nulls_skipped])),
        Arc::new(UInt64Array::from(vec![count(fit.df_residual())])),
        Arc::new(Float64Array::from(vec![fit.sigma().ok()])),
        Arc::new(Float64Array::from(vec![fit.r_squared().ok()])),
    ];
    Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields(), columns, None)?)))
}

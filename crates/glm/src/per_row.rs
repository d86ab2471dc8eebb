//! [`PerRow`]: a per-observation input of a fit that is often one constant (prior weights and
//! trials of 1, an offset of 0), stored without an `m`-vector in that case.

use std::ops::Index;
use std::sync::OnceLock;

use nalgebra::DVector;

/// One value per observation: the same constant for all `len` rows, or a vector.
#[derive(Debug, Clone)]
pub(crate) enum PerRow {
    /// Every one of `len` rows has the value.
    Constant {
        /// The value.
        value: f64,
        /// The number of rows.
        len: usize,
    },
    /// A value per row.
    Values(DVector<f64>),
}

impl PerRow {
    /// The given vector, or `value` for each of `len` rows without one.
    pub(crate) fn new(values: Option<DVector<f64>>, value: f64, len: usize) -> Self {
        values.map_or(Self::Constant { value, len }, Self::Values)
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Constant { len, .. } => *len,
            Self::Values(v) => v.len(),
        }
    }

    /// The values as a vector.
    pub(crate) fn to_vector(&self) -> DVector<f64> {
        match self {
            Self::Constant { value, len } => DVector::from_element(*len, *value),
            Self::Values(v) => v.clone(),
        }
    }

    /// The values of `rows`, in that order.
    pub(crate) fn select(&self, rows: &[usize]) -> Self {
        match self {
            Self::Constant { value, .. } => Self::Constant { value: *value, len: rows.len() },
            Self::Values(v) => {
                Self::Values(DVector::from_iterator(rows.len(), rows.iter().map(|&i| v[i])))
            }
        }
    }

    /// The values from row `start` on.
    pub(crate) fn rows_from(&self, start: usize) -> Rows<'_> {
        match self {
            Self::Constant { value, .. } => Rows::Constant(*value),
            Self::Values(v) => Rows::Values(&v.as_slice()[start..]),
        }
    }

    /// The elementwise product, constant when both factors are.
    pub(crate) fn product(&self, other: &Self) -> Self {
        match (self, other) {
            (Self::Constant { value: a, len }, Self::Constant { value: b, .. }) => {
                Self::Constant { value: a * b, len: *len }
            }
            (Self::Values(v), Self::Constant { value, .. })
            | (Self::Constant { value, .. }, Self::Values(v)) => Self::Values(v * *value),
            (Self::Values(a), Self::Values(b)) => Self::Values(a.component_mul(b)),
        }
    }
}

/// A per-row quantity over a run of rows: a slice, or one value for every row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rows<'a> {
    /// A value per row.
    Values(&'a [f64]),
    /// The same value for every row.
    Constant(f64),
}

impl<'a> Rows<'a> {
    /// The value of row `k` of the run.
    pub(crate) fn get(self, k: usize) -> f64 {
        match self {
            Self::Values(v) => v[k],
            Self::Constant(value) => value,
        }
    }

    /// The rows `from..from + buf.len()` of the run as a slice: the slice's own, or the
    /// constant written into `buf`.
    pub(crate) fn chunk<'s>(self, from: usize, buf: &'s mut [f64]) -> &'s [f64]
    where
        'a: 's,
    {
        match self {
            Self::Values(v) => &v[from..from + buf.len()],
            Self::Constant(value) => {
                buf.fill(value);
                buf
            }
        }
    }
}

impl Index<usize> for PerRow {
    type Output = f64;

    /// The value of row `i` (which must be below the length, as for a vector).
    fn index(&self, i: usize) -> &f64 {
        match self {
            Self::Constant { value, .. } => value,
            Self::Values(v) => &v[i],
        }
    }
}

/// A fit's prior weights times its binomial trials, as a [`PerRow`]: a fit without weights or
/// trials holds no vector of ones (8 MB at 10⁶ rows, a quarter of what a 10⁶×20 Poisson fit
/// held beyond its data at its peak). The vector, R's `fit$prior.weights`, is formed the first
/// time it is asked for ([`PriorWeights::vector`]).
#[derive(Debug, Clone)]
pub(crate) struct PriorWeights {
    values: PerRow,
    vector: OnceLock<DVector<f64>>,
}

impl PriorWeights {
    pub(crate) fn new(values: PerRow) -> Self {
        Self { values, vector: OnceLock::new() }
    }

    /// The number of observations.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The weights as a vector, formed on the first call when they are one constant.
    pub(crate) fn vector(&self) -> &DVector<f64> {
        match &self.values {
            PerRow::Values(v) => v,
            PerRow::Constant { .. } => self.vector.get_or_init(|| self.values.to_vector()),
        }
    }
}

impl Index<usize> for PriorWeights {
    type Output = f64;

    /// The weight of row `i` (which must be below the length, as for a vector).
    fn index(&self, i: usize) -> &f64 {
        &self.values[i]
    }
}

/// Stored as the vector, as it was before a constant was kept as one.
#[cfg(feature = "serde")]
impl serde::Serialize for PriorWeights {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.values {
            PerRow::Values(v) => v.serialize(serializer),
            PerRow::Constant { .. } => self.values.to_vector().serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_and_vectors_index_and_multiply_alike() {
        let ones = PerRow::new(None, 1.0, 3);
        let given = PerRow::new(Some(DVector::from_vec(vec![2.0, 0.5, 4.0])), 1.0, 3);
        assert_eq!((ones[2], given[1]), (1.0, 0.5));
        assert_eq!(ones.to_vector(), DVector::from_element(3, 1.0));
        let product = given.product(&PerRow::new(None, 3.0, 3));
        assert_eq!(product.to_vector(), DVector::from_vec(vec![6.0, 1.5, 12.0]));
        assert!(matches!(ones.product(&ones), PerRow::Constant { value: 1.0, len: 3 }));
        let both = given.product(&given).to_vector();
        assert_eq!(both, DVector::from_vec(vec![4.0, 0.25, 16.0]));
        assert_eq!(given.select(&[2, 0]).to_vector(), DVector::from_vec(vec![4.0, 2.0]));
        assert!(matches!(ones.select(&[1]), PerRow::Constant { value: 1.0, len: 1 }));
        let mut buf = [0.0; 2];
        assert_eq!(given.rows_from(1).chunk(0, &mut buf), &[0.5, 4.0]);
        assert_eq!(given.rows_from(0).chunk(1, &mut buf[..1]), &[0.5]);
        assert_eq!(ones.rows_from(1).chunk(1, &mut buf), &[1.0, 1.0]);
        assert_eq!((given.rows_from(1).get(1), ones.rows_from(2).get(0)), (4.0, 1.0));
        assert_eq!((ones.len(), given.len()), (3, 3));
    }

    /// Prior weights kept as one constant read as the vector of that constant, which is formed
    /// once; given values are their own vector.
    #[test]
    fn prior_weights_read_the_same_whether_constant_or_given() {
        let constant = PriorWeights::new(PerRow::new(None, 2.5, 3));
        assert_eq!((constant.len(), constant[2]), (3, 2.5));
        assert_eq!(constant.vector(), &DVector::from_element(3, 2.5));
        assert!(std::ptr::eq(constant.vector(), constant.vector()));
        let values = DVector::from_vec(vec![1.0, 0.0, 4.0]);
        let given = PriorWeights::new(PerRow::new(Some(values.clone()), 1.0, 3));
        assert_eq!((given.len(), given[2]), (3, 4.0));
        assert_eq!(given.vector(), &values);
    }
}

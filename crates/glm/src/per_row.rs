//! [`PerRow`]: a per-observation input of a fit that is often one constant (prior weights and
//! trials of 1, an offset of 0), stored without an `m`-vector in that case.

use std::ops::Index;

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

    /// The values of the rows `start..start + buf.len()` as a slice: the vector's own, or the
    /// constant written into `buf`.
    pub(crate) fn rows<'s>(&'s self, start: usize, buf: &'s mut [f64]) -> &'s [f64] {
        match self {
            Self::Constant { value, .. } => {
                buf.fill(*value);
                buf
            }
            Self::Values(v) => &v.as_slice()[start..start + buf.len()],
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
        assert_eq!(given.rows(1, &mut buf), &[0.5, 4.0]);
        assert_eq!(ones.rows(1, &mut buf), &[1.0, 1.0]);
    }
}

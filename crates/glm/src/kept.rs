//! [`Kept`]: the observations a fit uses (those of positive weight), stored as a count when it
//! uses every row, the common case, so that a fit on `m` rows does not hold an index of `m`
//! entries.

use std::iter::Copied;
use std::ops::Range;
use std::slice::Iter;

use crate::per_row::PerRow;

/// The rows with positive total weight, ascending.
#[derive(Debug, Clone)]
pub(crate) enum Kept {
    /// Every one of this many rows.
    All(usize),
    /// These rows, ascending, fewer than all.
    Rows(Vec<usize>),
}

impl Kept {
    /// The rows among `m` whose `weights` are positive.
    pub(crate) fn new(weights: &PerRow, m: usize) -> Self {
        // A constant weight keeps every row or none.
        if let PerRow::Constant { value, .. } = *weights {
            return if value > 0.0 || m == 0 { Self::All(m) } else { Self::Rows(Vec::new()) };
        }
        match (0..m).position(|i| weights[i] <= 0.0 || weights[i].is_nan()) {
            None => Self::All(m),
            Some(first) => {
                Self::Rows((0..first).chain((first + 1..m).filter(|&i| weights[i] > 0.0)).collect())
            }
        }
    }

    /// How many rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::All(m) => *m,
            Self::Rows(rows) => rows.len(),
        }
    }

    /// Whether no row is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th kept row (`k` below [`Kept::len`]).
    pub(crate) fn get(&self, k: usize) -> usize {
        match self {
            Self::All(_) => k,
            Self::Rows(rows) => rows[k],
        }
    }

    /// The first kept row.
    pub(crate) fn first(&self) -> Option<usize> {
        (!self.is_empty()).then(|| self.get(0))
    }

    /// The kept rows, ascending.
    pub(crate) fn iter(&self) -> KeptRows<'_> {
        match self {
            Self::All(m) => KeptRows::All(0..*m),
            Self::Rows(rows) => KeptRows::Rows(rows.iter().copied()),
        }
    }
}

/// The iterator of [`Kept::iter`].
#[derive(Debug, Clone)]
pub(crate) enum KeptRows<'a> {
    All(Range<usize>),
    Rows(Copied<Iter<'a, usize>>),
}

impl Iterator for KeptRows<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Self::All(range) => range.next(),
            Self::Rows(rows) => rows.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Self::All(range) => range.size_hint(),
            Self::Rows(rows) => rows.size_hint(),
        }
    }
}

impl ExactSizeIterator for KeptRows<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DVector;

    #[test]
    fn every_row_is_a_count_and_fewer_are_a_list() {
        let all = Kept::new(&PerRow::new(None, 1.0, 4), 4);
        assert!(matches!(all, Kept::All(4)));
        assert_eq!(all.iter().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        assert_eq!((all.get(2), all.first(), all.len()), (2, Some(0), 4));
        let w = PerRow::new(Some(DVector::from_vec(vec![0.0, 2.0, 0.0, 1.0])), 1.0, 4);
        let some = Kept::new(&w, 4);
        assert_eq!(some.iter().collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!((some.get(1), some.first(), some.len()), (3, Some(1), 2));
        let none = Kept::new(&PerRow::new(None, 0.0, 3), 3);
        assert!(none.is_empty() && none.first().is_none() && none.iter().next().is_none());
        // A constant weight keeps what the same weight given row by row keeps.
        for value in [2.0, 0.0, -1.0, f64::NAN] {
            for m in [0, 1, 5] {
                let constant = Kept::new(&PerRow::new(None, value, m), m);
                let given =
                    Kept::new(&PerRow::new(Some(DVector::from_element(m, value)), 1.0, m), m);
                assert_eq!(format!("{constant:?}"), format!("{given:?}"), "{value} × {m}");
            }
        }
    }
}

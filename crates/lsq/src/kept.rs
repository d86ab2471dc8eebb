//! [`Kept`]: the rows a fit uses, listed only when some are left out.

use std::borrow::Cow;

/// The rows a fit uses, in increasing order: every row of a fit without weights or without a
/// weight of zero, which needs no list (at 10⁶ rows the list is 8 MB, and on two threads its
/// fresh pages took 4–6 ms to write), or the rows with nonzero weight.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kept<'a> {
    /// Every row of a problem of this many rows.
    Every(usize),
    /// These rows, increasing.
    Listed(&'a [usize]),
}

impl<'a> Kept<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Kept::Every(m) => m,
            Kept::Listed(rows) => rows.len(),
        }
    }

    /// The rows in increasing order.
    pub(crate) fn iter(self) -> KeptIter<'a> {
        match self {
            Kept::Every(m) => KeptIter::Every(0..m),
            Kept::Listed(rows) => KeptIter::Listed(rows.iter()),
        }
    }

    /// The rows as a list, built for [`Kept::Every`].
    pub(crate) fn indices(self) -> Cow<'a, [usize]> {
        match self {
            Kept::Every(m) => Cow::Owned((0..m).collect()),
            Kept::Listed(rows) => Cow::Borrowed(rows),
        }
    }
}

/// The iterator of [`Kept::iter`].
pub(crate) enum KeptIter<'a> {
    Every(std::ops::Range<usize>),
    Listed(std::slice::Iter<'a, usize>),
}

impl Iterator for KeptIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            KeptIter::Every(range) => range.next(),
            KeptIter::Listed(rows) => rows.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            KeptIter::Every(range) => range.size_hint(),
            KeptIter::Listed(rows) => rows.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_and_a_list_of_every_row_are_the_same_rows() {
        let list: Vec<usize> = (0..5).collect();
        let (every, listed) = (Kept::Every(5), Kept::Listed(&list));
        assert_eq!(every.len(), listed.len());
        assert_eq!(every.iter().collect::<Vec<_>>(), listed.iter().collect::<Vec<_>>());
        assert_eq!(every.indices(), listed.indices());
        assert!(matches!(listed.indices(), Cow::Borrowed(_)));
        let some = [1, 4];
        assert_eq!(Kept::Listed(&some).iter().collect::<Vec<_>>(), vec![1, 4]);
        assert_eq!(Kept::Every(0).iter().next(), None);
    }
}

//! The closest name by edit distance, for "did you mean" hints in errors.

/// The candidate with the smallest Levenshtein distance to `name` (counted in characters,
/// ties to the earliest candidate), or `None` when there are no candidates.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates.into_iter().min_by_key(|c| levenshtein(name, c)).map(str::to_owned)
}

/// Insertions, deletions and substitutions needed to turn `a` into `b`: the textbook dynamic
/// programme with one row, `O(|a|·|b|)` time.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(a: &str, b: &str, distance: usize) {
        assert_eq!(levenshtein(a, b), distance);
        assert_eq!(levenshtein(b, a), distance);
    }

    #[test]
    fn distances_are_the_textbook_ones() {
        check("kitten", "sitting", 3);
        check("", "abc", 3);
        check("x2", "x2", 0);
        check("flaw", "lawn", 2);
        check("é", "e", 1);
    }

    #[test]
    fn the_closest_name_wins_and_ties_go_to_the_first() {
        assert_eq!(closest("x3", ["y", "x2", "x1"]).as_deref(), Some("x2"));
        assert_eq!(closest("captial", ["invest", "capital", "value"]).as_deref(), Some("capital"));
        assert_eq!(closest("a", []), None);
    }
}

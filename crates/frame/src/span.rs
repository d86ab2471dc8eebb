//! [`Span`]: where a piece of a formula sits in its text, and the caret line that shows it.

/// A byte range `start..end` in a formula's text.
///
/// # Examples
///
/// ```
/// use frame::Span;
///
/// let span = Span { start: 4, end: 6 };
/// assert_eq!(span.column("y ~ x1 + x2"), 5);
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span from the start of `self` to the end of `other`.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The 1-based character column of the span's start in `text` (a multi-byte character
    /// counts once).
    #[must_use]
    pub fn column(self, text: &str) -> usize {
        text.get(..self.start).map_or(self.start, |head| head.chars().count()) + 1
    }

    /// The caret line under `text` that marks the span: spaces up to its first character, then
    /// one `^` per character (at least one, so an empty span at the end is visible).
    #[must_use]
    pub fn caret(self, text: &str) -> String {
        let before = self.column(text) - 1;
        let width = text.get(self.start..self.end).map_or(0, |s| s.chars().count()).max(1);
        format!("{}{}", " ".repeat(before), "^".repeat(width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, span: Span, column: usize, caret: &str) {
        assert_eq!(span.column(text), column);
        assert_eq!(span.caret(text), caret);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        check("y ~ x", Span { start: 4, end: 5 }, 5, "    ^");
        check("é ~ x", Span { start: 5, end: 6 }, 5, "    ^");
        check("y ~", Span { start: 3, end: 3 }, 4, "   ^");
        check("y ~ log(x)", Span { start: 4, end: 10 }, 5, "    ^^^^^^");
    }
}

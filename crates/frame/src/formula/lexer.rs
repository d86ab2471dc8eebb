//! Splits a formula's text into [`Token`]s with their byte spans.

use crate::error::{Error, Result};
use crate::span::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Tilde,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Colon,
    LParen,
    RParen,
    Comma,
    Number(f64),
    Name(String),
    Eof,
}

impl Tok {
    /// How an error message shows the token.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Tilde => "`~`".into(),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Star => "`*`".into(),
            Tok::Slash => "`/`".into(),
            Tok::Caret => "`^`".into(),
            Tok::Colon => "`:`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Number(v) => format!("the number `{v}`"),
            Tok::Name(n) => format!("`{n}`"),
            Tok::Eof => "the end of the formula".into(),
        }
    }
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// The tokens of `text`, ending with [`Tok::Eof`].
///
/// Names are R's: letters, digits, `.` and `_`, starting with a letter or a `.` not followed by
/// a digit, or any text in backticks. Numbers are decimal with an optional exponent.
pub(crate) fn lex(text: &str) -> Result<Vec<Token>> {
    let error = |start: usize, end: usize, message: String| Error::Syntax {
        formula: text.to_owned(),
        span: Span { start, end },
        message,
    };
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let single = match c {
            '~' => Some(Tok::Tilde),
            '+' => Some(Tok::Plus),
            '-' => Some(Tok::Minus),
            '*' => Some(Tok::Star),
            '/' => Some(Tok::Slash),
            '^' => Some(Tok::Caret),
            ':' => Some(Tok::Colon),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            _ => None,
        };
        if let Some(tok) = single {
            chars.next();
            tokens.push(Token { tok, span: Span { start, end: start + 1 } });
            continue;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let rest = &text[start..];
        let after_dot_digit = rest.chars().nth(1).is_some_and(|d| d.is_ascii_digit());
        if c == '`' {
            let Some(close) = rest[1..].find('`') else {
                return Err(error(start, text.len(), "unterminated `backtick` name".into()));
            };
            let end = start + 1 + close + 1;
            if close == 0 {
                return Err(error(start, end, "empty `backtick` name".into()));
            }
            tokens.push(Token {
                tok: Tok::Name(rest[1..=close].to_owned()),
                span: Span { start, end },
            });
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
        } else if c.is_ascii_digit() || (c == '.' && after_dot_digit) {
            let len = number_length(rest);
            let end = start + len;
            let followed = rest[len..]
                .chars()
                .next()
                .is_some_and(|d| d.is_alphanumeric() || d == '.' || d == '_');
            let value = rest[..len].parse::<f64>().ok().filter(|v| v.is_finite());
            let Some(value) = value.filter(|_| !followed) else {
                let bad = end
                    + rest[len..]
                        .find(|d: char| !(d.is_alphanumeric() || d == '.' || d == '_'))
                        .unwrap_or(rest.len() - len);
                return Err(error(start, bad, format!("malformed number `{}`", &text[start..bad])));
            };
            tokens.push(Token { tok: Tok::Number(value), span: Span { start, end } });
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
        } else if c.is_alphabetic() || c == '.' {
            let len = rest
                .find(|d: char| !(d.is_alphanumeric() || d == '.' || d == '_'))
                .unwrap_or(rest.len());
            let end = start + len;
            tokens
                .push(Token { tok: Tok::Name(rest[..len].to_owned()), span: Span { start, end } });
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
        } else {
            let end = start + c.len_utf8();
            return Err(error(start, end, format!("unexpected character `{c}`")));
        }
    }
    tokens.push(Token { tok: Tok::Eof, span: Span { start: text.len(), end: text.len() } });
    Ok(tokens)
}

/// Length in bytes of the decimal number at the start of `text`: digits, an optional fraction
/// and an optional exponent with sign.
fn number_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    if i < bytes.len() && bytes[i] == b'.' {
        i = digits(i + 1);
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        let k = digits(j);
        if k > j {
            i = k;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expected: &[Tok]) {
        let toks: Vec<Tok> = lex(text).unwrap().into_iter().map(|t| t.tok).collect();
        assert_eq!(toks, expected);
    }

    #[test]
    fn tokens_and_spans() {
        use Tok::{Caret, Eof, LParen, Name, Number, Plus, RParen, Tilde};
        check(
            "y ~ I(x^2) + `my var`",
            &[
                Name("y".into()),
                Tilde,
                Name("I".into()),
                LParen,
                Name("x".into()),
                Caret,
                Number(2.0),
                RParen,
                Plus,
                Name("my var".into()),
                Eof,
            ],
        );
        check(".5e-1+.x", &[Number(0.05), Plus, Name(".x".into()), Eof]);
        let tokens = lex("ab ~ `c d`").unwrap();
        assert_eq!(tokens[2].span, Span { start: 5, end: 10 });
    }

    #[test]
    fn bad_characters_and_numbers_point_at_themselves() {
        for (text, start, end) in [
            ("y ~ x $ z", 6, 7),
            ("y ~ 1.2.3", 4, 9),
            ("y ~ 2x", 4, 6),
            ("y ~ `x", 4, 6),
            ("y ~ 1e999", 4, 9),
        ] {
            match lex(text) {
                Err(Error::Syntax { span, .. }) => assert_eq!(span, Span { start, end }, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}

//! Invariants under random input: the formula parser and the CSV reader never panic, a model
//! matrix is finite with unique names whenever it is `Ok`, and CSV written from a frame reads
//! back to the same frame.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write;

use frame::{Column, CsvOptions, DesignOptions, Error, Frame, parse};
use proptest::prelude::*;

fn frame() -> Frame {
    Frame::new()
        .with_numeric_missing("y", [Some(1.0), Some(3.0), None, Some(5.0), Some(4.0), Some(6.0)])
        .unwrap()
        .with_numeric("x1", [0.5, 1.0, 1.5, 2.0, 2.5, -3.0])
        .unwrap()
        .with_numeric("x2", [1.0, 2.0, 4.0, 8.0, 3.0, 5.0])
        .unwrap()
        .with_categorical("g", ["A", "B", "C", "A", "B", "C"])
        .unwrap()
        .with_categorical_missing(
            "h",
            [Some("u"), Some("v"), Some("u"), None, Some("v"), Some("u")],
        )
        .unwrap()
}

/// Pieces of formulas, valid and not, so that random joins reach deep into the evaluator.
const PIECES: [&str; 24] = [
    "y",
    "x1",
    "x2",
    "g",
    "h",
    "z",
    "log(x2)",
    "log(x1)",
    "sqrt(x1)",
    "exp(x2)",
    "I(x1^2)",
    "I(x1/x2)",
    "poly(x1, 2)",
    "poly(x2, 9)",
    "offset(x2)",
    "0",
    "1",
    "(x1 + g)",
    "cbind(y, x2)",
    "x1:g",
    "g*h",
    "I(-x1^0.5)",
    "`x1`",
    "2",
];
const OPERATORS: [&str; 7] = [" + ", " - ", ":", "*", " ~ ", "/", "^"];

fn formula() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PIECES[..]),
        prop::collection::vec(
            (prop::sample::select(&OPERATORS[..]), prop::sample::select(&PIECES[..])),
            0..6,
        ),
    )
        .prop_map(|(first, rest)| {
            let mut text = format!("y ~ {first}");
            for (op, piece) in rest {
                text.push_str(op);
                text.push_str(piece);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_text_never_panics_the_parser(text in "\\PC{0,48}") {
        if let Err(err) = parse(&text) {
            prop_assert!(matches!(err, Error::Syntax { .. }), "{}", err);
            let _ = err.to_string();
        }
        let _ = frame().design(&text, &DesignOptions::default()).map_err(|e| e.to_string());
    }

    #[test]
    fn formula_characters_never_panic_the_parser(text in "[ y~x1g()+\\-*:/^I,.0-9`a-z]{0,40}") {
        let _ = frame().design(&text, &DesignOptions::default()).map_err(|e| e.to_string());
    }

    #[test]
    fn model_matrices_are_finite_with_unique_names(text in formula()) {
        match frame().design(&text, &DesignOptions::default()) {
            Ok(mm) => {
                let d = mm.design();
                prop_assert!(d.matrix().iter().all(|v| v.is_finite()));
                prop_assert_eq!(d.nrows(), mm.rows().len());
                prop_assert_eq!(mm.rows().len() + mm.dropped().len(), 6);
                prop_assert_eq!(mm.assign().len(), d.ncols());
                let mut names = d.names().to_vec();
                names.sort();
                names.dedup();
                prop_assert_eq!(names.len(), d.ncols());
            }
            Err(err) => {
                let _ = err.to_string();
            }
        }
    }

    #[test]
    fn random_bytes_never_panic_the_csv_reader(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(frame) = Frame::from_reader(bytes.as_slice(), &CsvOptions::default()) {
            prop_assert!(frame.nrows() >= 1);
            for name in frame.names() {
                let column = frame.column(name).unwrap();
                prop_assert_eq!(column.len(), frame.nrows());
                if let Column::Numeric(v) = column {
                    prop_assert!(v.iter().flatten().all(|x| x.is_finite()));
                }
            }
        }
    }

    #[test]
    fn csv_bytes_near_the_format_never_panic(text in "[a,\"\\n\\r 1.5NA\u{e9}]{0,80}") {
        let _ = Frame::from_reader(text.as_bytes(), &CsvOptions::default()).map_err(|e| e.to_string());
    }

    #[test]
    fn written_csv_reads_back(
        rows in prop::collection::vec(
            (prop::option::of(-1e6f64..1e6), prop::option::of("[a-z ,\"]{1,6}")),
            1..20,
        )
    ) {
        let mut text = String::from("num,text\n");
        for (x, s) in &rows {
            let x = x.map(|v| format!("{v}")).unwrap_or_default();
            let s = s.as_ref().map(|s| format!("\"{}\"", s.replace('"', "\"\""))).unwrap_or_default();
            writeln!(text, "{x},{s}").unwrap();
        }
        let frame = Frame::from_reader(text.as_bytes(), &CsvOptions::default().categorical("text")).unwrap();
        let Column::Numeric(num) = frame.column("num").unwrap() else { panic!("num is numeric") };
        let Column::Categorical(txt) = frame.column("text").unwrap() else { panic!("text is categorical") };
        for (i, (x, s)) in rows.iter().enumerate() {
            prop_assert_eq!(num[i].map(f64::to_bits), x.map(f64::to_bits));
            // Fields are trimmed; a field that is empty after trimming is missing.
            let expected = s.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
            prop_assert_eq!(&txt[i], &expected);
        }
    }
}

//! Reading a [`Frame`] from CSV with the `csv` crate: a header line, quoted fields, `NA` and
//! empty fields as missing, and each column's type inferred from its values.

use std::io::Read;
use std::path::Path;

use crate::column::Column;
use crate::error::{Error, Result};
use crate::frame::Frame;

/// The text R's `read.csv` reads as a missing value (besides an empty field).
pub const NA: &str = "NA";

/// Options of [`Frame::from_reader`]: the field delimiter and the columns to read as
/// categorical whatever their values.
///
/// # Examples
///
/// ```
/// use frame::{CsvOptions, Frame};
///
/// let text = "y;code\n1;10\n2;2\n3;10\n";
/// let options = CsvOptions::default().delimiter(b';').categorical("code");
/// let frame = Frame::from_reader(text.as_bytes(), &options)?;
/// assert_eq!(frame.levels("code")?, ["10", "2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    delimiter: u8,
    categorical: Vec<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { delimiter: b',', categorical: Vec::new() }
    }
}

impl CsvOptions {
    /// The field delimiter; default `b','`.
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Reads column `name` as categorical even when every value is a number (R's
    /// `colClasses = "factor"`); default: none.
    #[must_use]
    pub fn categorical(mut self, name: impl Into<String>) -> Self {
        self.categorical.push(name.into());
        self
    }
}

impl Frame {
    /// Reads a frame from CSV text.
    ///
    /// The first record is the header of column names. Fields are trimmed of surrounding
    /// spaces; quoted fields may hold delimiters, quotes (doubled) and line breaks; empty lines
    /// are skipped. An empty field or `NA` is missing. A column is numeric when every
    /// non-missing field parses as a finite `f64` (so `Inf`, `NaN` and `1e999` make it
    /// categorical), and categorical otherwise or when [`CsvOptions::categorical`] names it.
    ///
    /// # Errors
    /// With the 1-based line and column: [`Error::NoHeader`] for empty input,
    /// [`Error::EmptyHeader`], [`Error::DuplicateHeader`], [`Error::NoRows`],
    /// [`Error::RaggedRow`] for a row whose field count differs from the header's,
    /// [`Error::InvalidUtf8`], and [`Error::Io`] when the reader fails.
    /// [`Error::UnknownColumn`] when the options name a column the header lacks.
    ///
    /// # Examples
    ///
    /// ```
    /// use frame::{Column, CsvOptions, Frame};
    ///
    /// let text = "y,x,firm\n1.5,2,\"Union Oil\"\nNA,3,GM\n2.5,,GM\n";
    /// let frame = Frame::from_reader(text.as_bytes(), &CsvOptions::default())?;
    /// assert_eq!(frame.column("y")?, &Column::Numeric(vec![Some(1.5), None, Some(2.5)]));
    /// assert_eq!(frame.column("x")?.missing(), 1);
    /// assert_eq!(frame.levels("firm")?, ["GM", "Union Oil"]);
    ///
    /// let err = Frame::from_reader("a,b\n1,2\n3\n".as_bytes(), &CsvOptions::default()).unwrap_err();
    /// assert_eq!(err.to_string(), "line 3, column 2: the row has 1 fields, the header 2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_reader(mut reader: impl Read, options: &CsvOptions) -> Result<Self> {
        // The whole text is read first: the `csv` crate reports the line of a blank line for
        // the record after it (rust-csv issue 208), so lines are counted here from byte offsets.
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|source| Error::Io { line: 0, source })?;
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(options.delimiter)
            .from_reader(bytes.as_slice());
        let mut lines = Lines { bytes: &bytes, offset: 0, line: 1 };
        let mut record = csv::ByteRecord::new();
        let (header_line, names) = match read(&mut csv, &mut record, &mut lines)? {
            None => return Err(Error::NoHeader),
            Some(line) => (line, header(&record, line)?),
        };
        for name in &options.categorical {
            if !names.contains(name) {
                return Err(Error::UnknownColumn {
                    name: name.clone(),
                    suggestion: crate::suggest::closest(name, names.iter().map(String::as_str)),
                });
            }
        }
        let mut fields: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
        while let Some(line) = read(&mut csv, &mut record, &mut lines)? {
            if record.len() != names.len() {
                return Err(Error::RaggedRow {
                    line,
                    column: record.len().min(names.len()) + 1,
                    expected: names.len(),
                    found: record.len(),
                });
            }
            for (j, field) in record.iter().enumerate() {
                let text = std::str::from_utf8(field)
                    .map_err(|_| Error::InvalidUtf8 { line, column: j + 1 })?;
                fields[j].push((!text.is_empty() && text != NA).then(|| text.to_owned()));
            }
        }
        if fields[0].is_empty() {
            return Err(Error::NoRows { line: header_line });
        }
        let mut frame = Frame::new();
        for (name, values) in names.into_iter().zip(fields) {
            let column = infer(values, options.categorical.contains(&name));
            frame = frame.with_column(name, column)?;
        }
        Ok(frame)
    }

    /// Reads a frame from the CSV file at `path`; see [`Frame::from_reader`].
    ///
    /// # Errors
    /// [`Error::Io`] (line 0) when the file cannot be opened or read, else as
    /// [`Frame::from_reader`].
    ///
    /// # Examples
    ///
    /// ```
    /// use frame::{CsvOptions, Frame};
    ///
    /// let path = concat!(
    ///     env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/data/inference-reference/grunfeld_factor_ols.csv"
    /// );
    /// let frame = Frame::from_path(path, &CsvOptions::default())?;
    /// assert_eq!(frame.names(), ["invest", "value", "capital", "firm"]);
    /// assert_eq!(frame.nrows(), 220);
    /// assert!(Frame::from_path("no/such/file.csv", &CsvOptions::default()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io { line: 0, source })?;
        Self::from_reader(std::io::BufReader::new(file), options)
    }
}

/// Reads the next record, returning the line it starts on, or `None` at the end.
fn read(
    csv: &mut csv::Reader<&[u8]>,
    record: &mut csv::ByteRecord,
    lines: &mut Lines<'_>,
) -> Result<Option<u64>> {
    let end_of_previous = usize::try_from(csv.position().byte()).unwrap_or(usize::MAX);
    match csv.read_byte_record(record) {
        Ok(true) => Ok(Some(lines.record_line(end_of_previous))),
        Ok(false) => Ok(None),
        Err(err) => {
            let source = match err.into_kind() {
                csv::ErrorKind::Io(source) => source,
                other => std::io::Error::other(format!("{other:?}")),
            };
            Err(Error::Io { line: lines.line, source })
        }
    }
}

/// Counts lines up to a byte offset, moving forward only, so a whole file costs one pass.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line of the first byte at or after `from` that is not a line break: where the
    /// record read after `from` starts (the reader skips blank lines before it).
    fn record_line(&mut self, from: usize) -> u64 {
        let rest = self.bytes.get(from..).unwrap_or_default();
        let start = from + rest.iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        let start = start.min(self.bytes.len());
        if start > self.offset {
            let newlines =
                self.bytes[self.offset..start].split(|&b| b == b'\n').count().saturating_sub(1);
            self.line += u64::try_from(newlines).unwrap_or(u64::MAX);
            self.offset = start;
        }
        self.line
    }
}

/// The column names of the header record on `line`.
fn header(record: &csv::ByteRecord, line: u64) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (j, field) in record.iter().enumerate() {
        let column = j + 1;
        let name = std::str::from_utf8(field).map_err(|_| Error::InvalidUtf8 { line, column })?;
        if name.is_empty() {
            return Err(Error::EmptyHeader { line, column });
        }
        if names.iter().any(|n| n == name) {
            return Err(Error::DuplicateHeader { line, column, name: name.to_owned() });
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

/// A numeric column when every present field is a finite number and `categorical` is false.
fn infer(values: Vec<Option<String>>, categorical: bool) -> Column {
    if !categorical {
        let numbers: Option<Vec<Option<f64>>> = values
            .iter()
            .map(|v| match v {
                None => Some(None),
                Some(text) => text.parse::<f64>().ok().filter(|x| x.is_finite()).map(Some),
            })
            .collect();
        if let Some(numbers) = numbers {
            return Column::Numeric(numbers);
        }
    }
    Column::Categorical(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &[u8]) -> Result<Frame> {
        Frame::from_reader(text, &CsvOptions::default())
    }

    #[test]
    fn quoting_missing_values_and_types_follow_read_csv() {
        let frame = check(b"a,b,c\n\"1\", x ,NA\n\"2,5\",\"say \"\"hi\"\"\",3\n").unwrap();
        assert_eq!(
            frame.column("a").unwrap(),
            &Column::Categorical(vec![Some("1".into()), Some("2,5".into())])
        );
        assert_eq!(frame.levels("b").unwrap(), ["say \"hi\"", "x"]);
        assert_eq!(frame.column("c").unwrap(), &Column::Numeric(vec![None, Some(3.0)]));
        let frame = check(b"a,b\nInf,1e999\n1,2\n").unwrap();
        assert!(matches!(frame.column("a").unwrap(), Column::Categorical(_)));
        assert!(matches!(frame.column("b").unwrap(), Column::Categorical(_)));
    }

    #[test]
    fn bad_files_name_line_and_column() {
        assert!(matches!(check(b""), Err(Error::NoHeader)));
        assert!(matches!(check(b"a,b\n"), Err(Error::NoRows { line: 1 })));
        assert!(matches!(check(b"a,,b\n1,2,3\n"), Err(Error::EmptyHeader { line: 1, column: 2 })));
        assert!(matches!(
            check(b"a,b,a\n1,2,3\n"),
            Err(Error::DuplicateHeader { line: 1, column: 3, .. })
        ));
        assert!(matches!(
            check(b"a,b\n1,2\n\n3,4,5\n"),
            Err(Error::RaggedRow { line: 4, column: 3, expected: 2, found: 3 })
        ));
        assert!(matches!(
            check(b"a,b\n1,2\n3,\xff\n"),
            Err(Error::InvalidUtf8 { line: 3, column: 2 })
        ));
        let err = Frame::from_reader(&b"a\n1\n"[..], &CsvOptions::default().categorical("b"));
        assert!(matches!(err, Err(Error::UnknownColumn { .. })));
    }
}

//! Rows from CSV with a header line.

use std::io::{self, Read};
use std::sync::Arc;

use csv::ByteRecord;

use super::line_breaks::{BreakNoting, LineCounter, noting};
use super::{MAX_ROW_BYTES, ReadError, SourceError};
use crate::row::{Header, Row};

/// Reads rows from CSV text with a header line, one record at a time. Cells are text; a row
/// with more or fewer cells than the header, or that is not UTF-8, is reported by its line
/// and skipped.
///
/// ```
/// use wasphere_campaign::CsvRows;
/// let csv = "phoneNumber,firstName\n923001234567,Ayesha\n447700900123\n";
/// let rows: Vec<_> = CsvRows::from_reader(csv.as_bytes(), b',')?.collect();
/// assert_eq!(rows[0].as_ref().map(|r| r.text("firstName")).ok(), Some(Some("Ayesha")));
/// assert_eq!(rows[1].as_ref().unwrap_err().to_string(),
///            "line 3: has 1 cell but the header has 2 columns (phoneNumber, firstName)");
/// # Ok::<(), wasphere_campaign::SourceError>(())
/// ```
pub struct CsvRows<R> {
    reader: csv::Reader<BreakNoting<R>>,
    lines: LineCounter,
    header: Arc<Header>,
    record: ByteRecord,
    name: String,
    failed: bool,
}

impl<R> std::fmt::Debug for CsvRows<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows")
            .field("name", &self.name)
            .field("columns", &self.header.names())
            .finish_non_exhaustive()
    }
}

impl<R: Read> CsvRows<R> {
    /// Reads CSV from `reader` (no byte order mark: [`crate::SourceFile`] skips it).
    ///
    /// # Errors
    /// [`SourceError`] when there is no header line, it is not UTF-8, or it repeats a name.
    pub fn from_reader(reader: R, delimiter: u8) -> Result<Self, SourceError> {
        Self::new(reader, delimiter, "the CSV input".to_owned())
    }

    pub(crate) fn new(reader: R, delimiter: u8, name: String) -> Result<Self, SourceError> {
        let (reader, lines) = noting(reader);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(64 * 1024)
            .from_reader(reader);
        let mut first = ByteRecord::new();
        let found = reader
            .read_byte_record(&mut first)
            .map_err(|e| io_error(&name, e))?;
        if !found {
            return Err(SourceError::Empty { path: name });
        }
        lines.record_line(0, reader.position().byte());
        let mut names: Vec<String> = Vec::with_capacity(first.len());
        for cell in first.iter() {
            let text = std::str::from_utf8(cell)
                .map_err(|_| SourceError::HeaderEncoding { path: name.clone() })?;
            let text = text.trim().to_owned();
            if !text.is_empty()
                && let Some(earlier) = names.iter().position(|n| *n == text)
            {
                return Err(SourceError::DuplicateColumn {
                    path: name,
                    name: text,
                    first: earlier + 1,
                    second: names.len() + 1,
                });
            }
            names.push(text);
        }
        Ok(CsvRows {
            reader,
            lines,
            header: Arc::new(Header::new(names)),
            record: ByteRecord::new(),
            name,
            failed: false,
        })
    }

    /// The column names of the header line.
    pub fn columns(&self) -> &[String] {
        self.header.names()
    }

    fn row(&self, line: u64) -> Result<Row, ReadError> {
        let record = &self.record;
        let expected = self.header.names().len();
        if record.len() != expected {
            return Err(ReadError::Row {
                line,
                reason: format!(
                    "has {} cell{} but the header has {expected} column{} ({})",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    if expected == 1 { "" } else { "s" },
                    self.header.names().join(", ")
                ),
            });
        }
        if record.as_slice().len() > MAX_ROW_BYTES {
            return Err(too_large(line, record.as_slice().len()));
        }
        let mut cells = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push(text.to_owned()),
                Err(e) => {
                    let column = self.header.names().get(i).map_or("", String::as_str);
                    return Err(ReadError::Row {
                        line,
                        reason: format!(
                            "column {column:?} is not valid UTF-8 (byte {} of the cell): save the file as UTF-8",
                            e.valid_up_to() + 1
                        ),
                    });
                }
            }
        }
        Ok(Row::with_header(line, self.header.clone(), cells))
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let start = self.record.position().map_or(0, |p| p.byte());
                let line = self.lines.record_line(start, self.reader.position().byte());
                Some(self.row(line))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(ReadError::Source(io_error(&self.name, e))))
            }
        }
    }
}

pub(super) fn too_large(line: u64, bytes: usize) -> ReadError {
    ReadError::Row {
        line,
        reason: format!(
            "is {} MiB, more than the {} MiB a row may take",
            bytes / (1024 * 1024),
            MAX_ROW_BYTES / (1024 * 1024)
        ),
    }
}

fn io_error(name: &str, e: csv::Error) -> SourceError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    SourceError::Io {
        path: name.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Vec<Result<Row, ReadError>> {
        CsvRows::from_reader(text, b',').unwrap().collect()
    }

    #[test]
    fn line_numbers_are_those_of_the_file() {
        let rows = read(b"a,b\n1,2\n\n\"multi\nline\",3\n4,5\n");
        let lines: Vec<u64> = rows.iter().map(|r| r.as_ref().unwrap().line()).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(rows[1].as_ref().unwrap().text("a"), Some("multi\nline"));
        let rows = read(b"a,b\r\n\r\n\r\n1,2\r\n3,\"x\r\ny\"\r\n\n5,6");
        let lines: Vec<u64> = rows.iter().map(|r| r.as_ref().unwrap().line()).collect();
        assert_eq!(lines, [4, 5, 8]);
    }

    #[test]
    fn uneven_rows_and_bad_bytes_are_row_errors() {
        let rows = read(b"a,b\n1,2,3\n1\n\xff\xfe,2\nok,fine\n");
        let errors: Vec<String> = rows
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect();
        assert_eq!(
            errors,
            [
                "line 2: has 3 cells but the header has 2 columns (a, b)",
                "line 3: has 1 cell but the header has 2 columns (a, b)",
                "line 4: column \"a\" is not valid UTF-8 (byte 1 of the cell): save the file as UTF-8",
            ]
        );
        assert_eq!(rows[3].as_ref().unwrap().text("b"), Some("fine"));
    }

    #[test]
    fn bad_headers_are_source_errors() {
        assert!(matches!(
            CsvRows::from_reader(&b""[..], b','),
            Err(SourceError::Empty { .. })
        ));
        let err = CsvRows::from_reader(&b"a, b ,a\n"[..], b',').unwrap_err();
        assert_eq!(
            err.to_string(),
            "the header of the CSV input names column \"a\" twice (columns 1 and 3)"
        );
        assert!(matches!(
            CsvRows::from_reader(&b"\xff\n"[..], b','),
            Err(SourceError::HeaderEncoding { .. })
        ));
        let header_only = CsvRows::from_reader(&b"a,b\n"[..], b',').unwrap();
        assert_eq!(header_only.columns(), ["a", "b"]);
        assert_eq!(header_only.count(), 0);
    }

    #[test]
    fn other_delimiters() {
        let rows: Vec<_> = CsvRows::from_reader(&b"a;b\n1;x,y\n"[..], b';')
            .unwrap()
            .collect();
        assert_eq!(rows[0].as_ref().unwrap().text("b"), Some("x,y"));
    }
}

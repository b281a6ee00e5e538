//! Where rows come from: CSV with a header line, JSON Lines, or your own iterator, read
//! one row at a time so a file of any size fits in a little memory.

mod csv_rows;
mod digest;
mod jsonl_rows;
mod line_breaks;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

pub use csv_rows::CsvRows;
pub use digest::{SourceDigest, digest_reader};
pub use jsonl_rows::JsonLinesRows;

use crate::row::Row;

/// The largest row read: a row over this many bytes is reported and skipped. It is above the
/// 10 MiB a data-URI `url` may take, so every row that could make a valid message fits.
pub const MAX_ROW_BYTES: usize = 16 * 1024 * 1024;

/// A row that could not be read, or a source that cannot be read on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// This row cannot be used; reading goes on with the next.
    #[error("line {line}: {reason}")]
    Row {
        /// The line the row starts on.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The source cannot be read on (an I/O error, an empty file, a bad header).
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// Why a source cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: io::Error,
    },
    /// The file has nothing in it, not even a header line.
    #[error(
        "{path} is empty: a CSV file needs a header line naming the columns (e.g. phoneNumber,firstName)"
    )]
    Empty {
        /// The file.
        path: String,
    },
    /// The header names a column twice, so a template could not tell which one it means.
    #[error("the header of {path} names column {name:?} twice (columns {first} and {second})")]
    DuplicateColumn {
        /// The file.
        path: String,
        /// The repeated name.
        name: String,
        /// Its first position, from 1.
        first: usize,
        /// Its second position, from 1.
        second: usize,
    },
    /// The header line is not valid UTF-8.
    #[error("the header of {path} is not valid UTF-8: save the file as UTF-8")]
    HeaderEncoding {
        /// The file.
        path: String,
    },
    /// The file name does not say whether it is CSV or JSON Lines.
    #[error(
        "cannot tell the format of {path} from its name: name it .csv, .tsv, .jsonl or .ndjson, or give the format"
    )]
    UnknownFormat {
        /// The file.
        path: String,
    },
}

/// How a source file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Comma-separated (or another delimiter) values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl SourceFormat {
    /// The format a file's extension names: `.csv` and `.tsv` are CSV, `.jsonl`, `.ndjson`
    /// and `.json` are JSON Lines.
    pub fn from_path(path: &Path) -> Option<SourceFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Some(SourceFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(SourceFormat::Jsonl),
            _ => None,
        }
    }

    /// `csv` or `jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Csv => "csv",
            SourceFormat::Jsonl => "jsonl",
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file of rows, and how to read it.
///
/// ```no_run
/// use wasphere_campaign::SourceFile;
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let source = SourceFile::new("customers.csv")?; // the format from the extension
/// for row in source.rows()? {
///     match row {
///         Ok(row) => println!("line {}: {:?}", row.line(), row.text("phoneNumber")),
///         Err(e) => eprintln!("{e}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    path: PathBuf,
    format: SourceFormat,
    delimiter: u8,
}

impl SourceFile {
    /// The file at `path`, its format told by its extension (`.tsv` is tab-separated).
    ///
    /// # Errors
    /// [`SourceError::UnknownFormat`] when the extension says nothing; use
    /// [`SourceFile::with_format`] then.
    pub fn new(path: impl Into<PathBuf>) -> Result<Self, SourceError> {
        let path = path.into();
        let format = SourceFormat::from_path(&path).ok_or_else(|| SourceError::UnknownFormat {
            path: path.display().to_string(),
        })?;
        let is_tsv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        Ok(SourceFile {
            path,
            format,
            delimiter: if is_tsv { b'\t' } else { b',' },
        })
    }

    /// The file at `path`, read as `format`.
    pub fn with_format(path: impl Into<PathBuf>, format: SourceFormat) -> Self {
        SourceFile {
            path: path.into(),
            format,
            delimiter: b',',
        }
    }

    /// The CSV delimiter (default `,`; `\t` for `.tsv`). Ignored for JSON Lines.
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's format.
    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// The CSV delimiter.
    pub fn csv_delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The rows, read one at a time.
    ///
    /// # Errors
    /// [`SourceError`] when the file cannot be opened, is empty, or has a bad header.
    pub fn rows(&self) -> Result<Rows, SourceError> {
        let file = File::open(&self.path).map_err(|source| self.io(source))?;
        let name = self.path.display().to_string();
        let reader = skip_bom(BufReader::with_capacity(64 * 1024, file))
            .map_err(|source| self.io(source))?;
        Ok(match self.format {
            SourceFormat::Csv => Rows::Csv(CsvRows::new(reader, self.delimiter, name)?),
            SourceFormat::Jsonl => Rows::Jsonl(JsonLinesRows::new(reader, name)),
        })
    }

    /// The SHA-256 of the file's bytes: what a journal compares to notice a changed file.
    ///
    /// # Errors
    /// [`SourceError::Io`] when the file cannot be read.
    pub fn digest(&self) -> Result<SourceDigest, SourceError> {
        let file = File::open(&self.path).map_err(|source| self.io(source))?;
        digest_reader(file).map_err(|source| self.io(source))
    }

    fn io(&self, source: io::Error) -> SourceError {
        SourceError::Io {
            path: self.path.display().to_string(),
            source,
        }
    }
}

/// The rows of a [`SourceFile`].
#[derive(Debug)]
pub enum Rows {
    /// From a CSV file.
    Csv(CsvRows<BufReader<File>>),
    /// From a JSON Lines file.
    Jsonl(JsonLinesRows<BufReader<File>>),
}

impl Iterator for Rows {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Rows::Csv(rows) => rows.next(),
            Rows::Jsonl(rows) => rows.next(),
        }
    }
}

/// Skips a UTF-8 byte order mark, which spreadsheet programs put at the start of "CSV UTF-8".
fn skip_bom<R: BufRead>(mut reader: R) -> io::Result<R> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(
            SourceFormat::from_path(Path::new("a/b.CSV")),
            Some(SourceFormat::Csv)
        );
        assert_eq!(
            SourceFormat::from_path(Path::new("x.ndjson")),
            Some(SourceFormat::Jsonl)
        );
        assert_eq!(SourceFormat::from_path(Path::new("x.xlsx")), None);
        assert!(matches!(
            SourceFile::new("rows.xlsx"),
            Err(SourceError::UnknownFormat { .. })
        ));
        assert_eq!(
            SourceFile::new("rows.tsv").map(|s| s.csv_delimiter()).ok(),
            Some(b'\t')
        );
    }

    #[test]
    fn a_bom_is_skipped_once() {
        let mut r = skip_bom(&b"\xEF\xBB\xBFa,b\n"[..]).unwrap();
        let mut s = String::new();
        r.read_line(&mut s).unwrap();
        assert_eq!(s, "a,b\n");
        let mut r = skip_bom(&b"a,b\n"[..]).unwrap();
        let mut s = String::new();
        r.read_line(&mut s).unwrap();
        assert_eq!(s, "a,b\n");
    }
}

//! `export`: one line per row of the journal, as CSV or JSON Lines.

use std::io::Write;

use crate::journal::{Journal, JournalError, JournalRow, RowFilter};

/// Rows read from the journal at a time.
const PAGE: usize = 10_000;

/// How exported rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV with a header line: `line,recipient,state,session,messageId,errorClass,errorMessage,delivery`.
    Csv,
    /// One JSON object per line, with the same fields.
    Jsonl,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The journal could not be read.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The output could not be written.
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

const COLUMNS: [&str; 8] = [
    "line",
    "recipient",
    "state",
    "session",
    "messageId",
    "errorClass",
    "errorMessage",
    "delivery",
];

/// Writes every row of `journal` to `out`, by line; returns how many. The API key is not in
/// the journal, so it cannot be in the export.
///
/// # Errors
/// [`ExportError`] when the journal cannot be read or `out` written.
pub async fn export<J: Journal, W: Write>(
    journal: &J,
    format: ExportFormat,
    out: W,
) -> Result<u64, ExportError> {
    let mut writer = match format {
        ExportFormat::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
        ExportFormat::Jsonl => Sink::Jsonl(out),
    };
    if let Sink::Csv(csv) = &mut writer {
        csv.write_record(COLUMNS).map_err(csv_error)?;
    }
    let mut after = 0u64;
    let mut written = 0u64;
    loop {
        let page = journal.rows(after, PAGE, RowFilter::All).await?;
        let Some(last) = page.last() else { break };
        after = last.line;
        for row in &page {
            writer.write(row)?;
            written += 1;
        }
    }
    writer.flush()?;
    Ok(written)
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

impl<W: Write> Sink<W> {
    fn write(&mut self, row: &JournalRow) -> Result<(), ExportError> {
        match self {
            Sink::Csv(csv) => {
                let line = row.line.to_string();
                let fields = [
                    line.as_str(),
                    &row.recipient,
                    row.state.as_str(),
                    row.session.as_deref().unwrap_or(""),
                    row.message_id.as_deref().unwrap_or(""),
                    row.error_class.as_deref().unwrap_or(""),
                    row.error_message.as_deref().unwrap_or(""),
                    row.delivery.and_then(|d| d.as_word()).unwrap_or(""),
                ];
                csv.write_record(fields).map_err(csv_error)?;
            }
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, row).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        match self {
            Sink::Csv(csv) => csv.flush()?,
            Sink::Jsonl(out) => out.flush()?,
        }
        Ok(())
    }
}

fn csv_error(e: csv::Error) -> ExportError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => ExportError::Write(e),
        other => ExportError::Write(std::io::Error::other(format!("{other:?}"))),
    }
}

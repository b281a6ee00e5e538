//! Rows from JSON Lines: one JSON object per line.

use std::io::BufRead;

use super::csv_rows::too_large;
use super::{MAX_ROW_BYTES, ReadError, SourceError};
use crate::row::{Row, json_kind};

/// Reads rows from JSON Lines, one line at a time. Values keep their JSON types; blank
/// lines are skipped; a line that is not a JSON object, not UTF-8 or larger than
/// [`MAX_ROW_BYTES`](super::MAX_ROW_BYTES) is reported by its number and skipped, without
/// ever holding more than that limit in memory.
///
/// ```
/// use wasphere_campaign::JsonLinesRows;
/// let text = "{\"phone\": \"923001234567\", \"items\": 2}\n\n[1, 2]\n";
/// let rows: Vec<_> = JsonLinesRows::from_reader(text.as_bytes()).collect();
/// assert_eq!(rows.len(), 2);
/// assert!(rows[0].as_ref().is_ok_and(|r| r.has("items")));
/// assert_eq!(rows[1].as_ref().unwrap_err().to_string(), "line 3: is not a JSON object (found an array)");
/// ```
#[derive(Debug)]
pub struct JsonLinesRows<R> {
    reader: R,
    name: String,
    line: u64,
    buffer: Vec<u8>,
    failed: bool,
}

impl<R: BufRead> JsonLinesRows<R> {
    /// Reads JSON Lines from `reader`.
    pub fn from_reader(reader: R) -> Self {
        Self::new(reader, "the JSON Lines input".to_owned())
    }

    pub(crate) fn new(reader: R, name: String) -> Self {
        JsonLinesRows {
            reader,
            name,
            line: 0,
            buffer: Vec::new(),
            failed: false,
        }
    }

    /// Reads the next line into the buffer, up to the limit; returns its full length, or
    /// `None` at the end. The rest of an overlong line is read and dropped.
    fn read_line(&mut self) -> std::io::Result<Option<usize>> {
        self.buffer.clear();
        let mut length = 0usize;
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(any.then_some(length));
            }
            any = true;
            let (take, end) = match memchr_newline(chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            length += take;
            if length <= MAX_ROW_BYTES + 1 {
                self.buffer.extend_from_slice(&chunk[..take]);
            }
            self.reader.consume(take);
            if end {
                return Ok(Some(length));
            }
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

impl<R: BufRead> Iterator for JsonLinesRows<R> {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed {
                return None;
            }
            let length = match self.read_line() {
                Ok(Some(length)) => length,
                Ok(None) => return None,
                Err(source) => {
                    self.failed = true;
                    return Some(Err(ReadError::Source(SourceError::Io {
                        path: self.name.clone(),
                        source,
                    })));
                }
            };
            self.line += 1;
            let line = self.line;
            if length > MAX_ROW_BYTES + 1 {
                return Some(Err(too_large(line, length)));
            }
            let mut bytes = self.buffer.as_slice();
            if line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes = &bytes[3..];
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if let Err(e) = std::str::from_utf8(bytes) {
                return Some(Err(ReadError::Row {
                    line,
                    reason: format!(
                        "is not valid UTF-8 (byte {}): save the file as UTF-8",
                        e.valid_up_to() + 1
                    ),
                }));
            }
            return Some(match serde_json::from_slice::<serde_json::Value>(bytes) {
                Ok(serde_json::Value::Object(map)) => Ok(Row::from_json(line, map)),
                Ok(other) => Err(ReadError::Row {
                    line,
                    reason: format!("is not a JSON object (found {})", json_kind(&other)),
                }),
                Err(e) => Err(ReadError::Row {
                    line,
                    reason: format!("is not valid JSON: {e}"),
                }),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_blank_lines_and_errors() {
        let text = b"\xEF\xBB\xBF{\"a\":1}\n   \n{\"a\":\n\xff\n{\"b\":\"x\"}";
        let rows: Vec<_> = JsonLinesRows::from_reader(&text[..]).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].as_ref().unwrap().line(), 1);
        assert!(
            rows[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("line 3: is not valid JSON")
        );
        assert_eq!(
            rows[2].as_ref().unwrap_err().to_string(),
            "line 4: is not valid UTF-8 (byte 1): save the file as UTF-8"
        );
        assert_eq!(rows[3].as_ref().unwrap().text("b"), Some("x"));
    }

    #[test]
    fn an_overlong_line_is_skipped_without_being_kept() {
        let mut text = Vec::with_capacity(MAX_ROW_BYTES + 100);
        text.extend_from_slice(b"{\"a\":\"");
        text.resize(MAX_ROW_BYTES + 50, b'x');
        text.extend_from_slice(b"\"}\n{\"a\":\"ok\"}\n");
        let mut rows = JsonLinesRows::from_reader(&text[..]);
        let first = rows.next().unwrap().unwrap_err().to_string();
        assert!(first.starts_with("line 1: is 16 MiB, more than"), "{first}");
        assert!(rows.buffer.capacity() <= MAX_ROW_BYTES * 2);
        assert_eq!(rows.next().unwrap().unwrap().text("a"), Some("ok"));
        assert!(rows.next().is_none());
    }
}

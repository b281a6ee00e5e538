//! `Row`: one record of the data a campaign sends to, with the line it came from.

use std::collections::HashMap;
use std::sync::Arc;

/// One data row: the line number it starts on in its source, and its fields by column name.
///
/// Rows come from the readers of this crate ([`crate::CsvRows`], [`crate::JsonLinesRows`])
/// or from your own code:
///
/// ```
/// use wasphere_campaign::Row;
/// let row = Row::from_pairs(2, [("phoneNumber", "923001234567"), ("firstName", "Ayesha")]);
/// assert_eq!(row.line(), 2);
/// assert_eq!(row.text("firstName"), Some("Ayesha"));
///
/// let json = serde_json::json!({"phoneNumber": "923001234567", "items": 3});
/// let row = Row::from_json(7, json.as_object().cloned().unwrap_or_default());
/// assert!(row.has("items"));
/// ```
#[derive(Debug, Clone)]
pub struct Row {
    line: u64,
    fields: Fields,
}

#[derive(Debug, Clone)]
enum Fields {
    /// Text cells under a header shared by every row of the file.
    Columns {
        header: Arc<Header>,
        cells: Vec<String>,
    },
    /// A JSON object, whose values keep their types (numbers stay numbers).
    Object(serde_json::Map<String, serde_json::Value>),
}

/// A value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// A text cell (CSV, or a JSON string).
    Text(&'a str),
    /// A JSON value that is not a string.
    Json(&'a serde_json::Value),
}

/// Column names, with an index from name to position.
#[derive(Debug)]
pub(crate) struct Header {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Header {
    /// A header; of repeated names, the first wins (the readers refuse repeats anyway).
    pub(crate) fn new(names: Vec<String>) -> Self {
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        Header { names, index }
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

impl Row {
    /// A row of text cells, given as `(column, value)` pairs.
    pub fn from_pairs<K, V>(line: u64, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let (names, cells): (Vec<String>, Vec<String>) =
            pairs.into_iter().map(|(k, v)| (k.into(), v.into())).unzip();
        Row {
            line,
            fields: Fields::Columns {
                header: Arc::new(Header::new(names)),
                cells,
            },
        }
    }

    /// A row from a JSON object; numbers, booleans, lists and objects keep their types.
    pub fn from_json(line: u64, object: serde_json::Map<String, serde_json::Value>) -> Self {
        Row {
            line,
            fields: Fields::Object(object),
        }
    }

    /// A row of `cells` under `header` (the CSV reader's path: one header for every row).
    pub(crate) fn with_header(line: u64, header: Arc<Header>, cells: Vec<String>) -> Self {
        Row {
            line,
            fields: Fields::Columns { header, cells },
        }
    }

    /// The line of the source this row starts on (1 is the first line of the file, so the
    /// first data row of a CSV file is line 2).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The value of `column`, if the row has it.
    pub fn get(&self, column: &str) -> Option<Cell<'_>> {
        match &self.fields {
            Fields::Columns { header, cells } => header
                .index
                .get(column)
                .and_then(|&i| cells.get(i))
                .map(|s| Cell::Text(s)),
            Fields::Object(map) => map.get(column).map(|v| match v {
                serde_json::Value::String(s) => Cell::Text(s),
                other => Cell::Json(other),
            }),
        }
    }

    /// The value of `column` when it is text.
    pub fn text(&self, column: &str) -> Option<&str> {
        match self.get(column)? {
            Cell::Text(s) => Some(s),
            Cell::Json(_) => None,
        }
    }

    /// Whether the row has `column` (an empty cell counts: it is there, and empty).
    pub fn has(&self, column: &str) -> bool {
        match &self.fields {
            Fields::Columns { header, cells } => {
                header.index.get(column).is_some_and(|&i| i < cells.len())
            }
            Fields::Object(map) => map.contains_key(column),
        }
    }

    /// The column names, in order.
    pub fn columns(&self) -> Vec<&str> {
        match &self.fields {
            Fields::Columns { header, cells } => header
                .names
                .iter()
                .take(cells.len())
                .map(String::as_str)
                .collect(),
            Fields::Object(map) => map.keys().map(String::as_str).collect(),
        }
    }
}

/// `a string`, `an array`, …: a JSON value's kind, for messages.
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_cells_line_up() {
        let row = Row::from_pairs(3, [("a", "1"), ("b", "")]);
        assert_eq!(row.text("a"), Some("1"));
        assert_eq!(row.text("b"), Some(""));
        assert!(row.has("b"), "an empty cell is present");
        assert!(!row.has("c"));
        assert_eq!(row.columns(), ["a", "b"]);
    }

    #[test]
    fn a_short_row_lacks_the_columns_past_its_end() {
        let header = Arc::new(Header::new(vec!["a".into(), "b".into()]));
        let row = Row::with_header(2, header, vec!["x".into()]);
        assert!(row.has("a"));
        assert!(!row.has("b"));
        assert_eq!(row.get("b"), None);
    }

    #[test]
    fn json_values_keep_their_types() {
        let v = serde_json::json!({"n": 3, "s": "x", "b": true});
        let row = Row::from_json(1, v.as_object().cloned().unwrap());
        assert_eq!(row.get("s"), Some(Cell::Text("x")));
        assert_eq!(row.get("n"), Some(Cell::Json(&serde_json::json!(3))));
        assert_eq!(row.text("b"), None);
    }
}

//! A value with ordered keys, written out as a TypeScript literal or as JSON.
//!
//! `serde_json::Value` sorts object keys, which would put `default` before `displayName`
//! in every generated n8n field; the files are read by people, so keys keep the order
//! they were built in.

use serde_json::Value;

/// An ordered JSON-like value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    List(Vec<Literal>),
    Object(Vec<(String, Literal)>),
}

impl Literal {
    /// An object from `(key, value)` pairs, in that order.
    pub(crate) fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Literal)>) -> Self {
        Literal::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub(crate) fn str(s: impl Into<String>) -> Self {
        Literal::Str(s.into())
    }

    pub(crate) fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Self {
        Literal::List(
            items
                .into_iter()
                .map(|s| Literal::str(s.as_ref()))
                .collect(),
        )
    }

    /// Appends `key: value` to an object; does nothing to other values.
    pub(crate) fn push(&mut self, key: &str, value: Literal) {
        if let Literal::Object(pairs) = self {
            pairs.push((key.to_owned(), value));
        }
    }

    /// The value under `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Literal> {
        match self {
            Literal::Object(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// As a TypeScript expression: tab-indented, single-quoted strings, bare keys where
    /// they are identifiers, trailing commas (the layout of n8n's own sources).
    pub(crate) fn to_typescript(&self, depth: usize) -> String {
        let mut out = String::new();
        write(self, depth, Style::TypeScript, &mut out);
        out
    }

    /// As pretty-printed JSON (two-space indent), keys in their order.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::new();
        write(self, 0, Style::Json, &mut out);
        out.push('\n');
        out
    }
}

impl From<&Value> for Literal {
    fn from(value: &Value) -> Self {
        match value {
            Value::Null => Literal::Null,
            Value::Bool(b) => Literal::Bool(*b),
            Value::Number(n) => Literal::Number(n.clone()),
            Value::String(s) => Literal::Str(s.clone()),
            Value::Array(items) => Literal::List(items.iter().map(Literal::from).collect()),
            Value::Object(map) => Literal::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Literal::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<i64> for Literal {
    fn from(n: i64) -> Self {
        Literal::Number(n.into())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    TypeScript,
    Json,
}

fn indent(depth: usize, style: Style, out: &mut String) {
    match style {
        Style::TypeScript => out.extend(std::iter::repeat_n('\t', depth)),
        Style::Json => out.extend(std::iter::repeat_n("  ", depth)),
    }
}

fn write(value: &Literal, depth: usize, style: Style, out: &mut String) {
    match value {
        Literal::Null => out.push_str("null"),
        Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Literal::Number(n) => out.push_str(&n.to_string()),
        Literal::Str(s) => write_string(s, style, out),
        Literal::List(items) if items.is_empty() => out.push_str("[]"),
        Literal::Object(pairs) if pairs.is_empty() => out.push_str("{}"),
        Literal::List(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(depth + 1, style, out);
                write(item, depth + 1, style, out);
                separator(i + 1 == items.len(), style, out);
            }
            indent(depth, style, out);
            out.push(']');
        }
        Literal::Object(pairs) => {
            out.push_str("{\n");
            for (i, (key, item)) in pairs.iter().enumerate() {
                indent(depth + 1, style, out);
                if style == Style::TypeScript && is_identifier(key) {
                    out.push_str(key);
                } else {
                    write_string(key, style, out);
                }
                out.push_str(": ");
                write(item, depth + 1, style, out);
                separator(i + 1 == pairs.len(), style, out);
            }
            indent(depth, style, out);
            out.push('}');
        }
    }
}

fn separator(last: bool, style: Style, out: &mut String) {
    if !last || style == Style::TypeScript {
        out.push(',');
    }
    out.push('\n');
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn write_string(s: &str, style: Style, out: &mut String) {
    let quote = match style {
        Style::TypeScript => '\'',
        Style::Json => '"',
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Line and paragraph separators end a line in a JavaScript string literal.
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_and_json_keep_key_order_and_escape_what_they_must() {
        let value = Literal::object([
            ("displayName", Literal::str("It's")),
            (
                "a-b",
                Literal::List(vec![Literal::from(1), Literal::Bool(true)]),
            ),
            ("empty", Literal::Object(vec![])),
            ("pattern", Literal::str("^[a-z\\-]+$\n")),
        ]);
        assert_eq!(
            value.to_typescript(0),
            "{\n\tdisplayName: 'It\\'s',\n\t'a-b': [\n\t\t1,\n\t\ttrue,\n\t],\n\tempty: {},\n\tpattern: '^[a-z\\\\-]+$\\n',\n}"
        );
        let json = value.to_json();
        let parsed: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["pattern"], "^[a-z\\-]+$\n");
        assert_eq!(parsed["displayName"], "It's");
        assert!(json.find("displayName").unwrap() < json.find("pattern").unwrap());
    }
}

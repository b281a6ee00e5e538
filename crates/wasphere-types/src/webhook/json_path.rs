//! Where in a JSON text a parse error happened, as a path (`data.content.text`,
//! `data[2].key`), so a malformed payload is reported by field rather than by column.

/// One level of nesting on the way to a position.
enum Frame {
    /// In an object, after the key (if one was read at this level).
    Object(Option<String>),
    /// In an array, at this index.
    Array(usize),
}

/// The path, under `root`, of the value at byte `offset` of `json` (a valid JSON text:
/// the payload came as a raw JSON value). Strings are skipped whole, so brackets and
/// commas inside them do not count.
pub(super) fn path_at(root: &str, json: &str, offset: usize) -> String {
    let bytes = json.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut last_string: Option<String> = None;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_string = json.get(start..i.min(bytes.len())).map(str::to_owned);
            }
            b':' => {
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = last_string.take();
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = root.to_owned();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                path.push('.');
                path.push_str(key);
            }
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
            Frame::Object(None) => {}
        }
    }
    path
}

/// The byte offset of serde_json's 1-based `line` and `column` in `json`.
pub(super) fn offset_of(json: &str, line: usize, column: usize) -> usize {
    let line_start: usize = json
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    line_start + column
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let e = serde_json::from_str::<T>(json).unwrap_err();
        path_at("data", json, offset_of(json, e.line(), e.column()))
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        text: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        content: Option<Inner>,
        items: Option<Vec<Inner>>,
    }

    #[test]
    fn errors_are_placed_by_field_and_index() {
        assert_eq!(
            path_of_error::<Outer>(r#"{"content":{"text":5}}"#),
            "data.content.text"
        );
        assert_eq!(
            path_of_error::<Outer>(r#"{"content":{"text":"a,]}"},"items":[{},{"text":[1]}]}"#),
            "data.items[1].text"
        );
        assert_eq!(
            path_of_error::<Outer>("{\n  \"content\": {\n    \"text\": true\n  }\n}"),
            "data.content.text"
        );
        assert_eq!(
            path_of_error::<Vec<Outer>>(r#"[{"content":{}},{"content":7}]"#),
            "data[1].content"
        );
    }
}

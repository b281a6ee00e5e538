//! `Message::parse` reads JSON with its own reader; it must agree with serde_json on what
//! is JSON at all. Generated JSON texts, valid and then corrupted byte by byte, are given
//! to both: ours calls a body malformed exactly when serde_json refuses it.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};
use wasphere_types::{Message, MessageType, Rule};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::from),
        select(vec!["to", "text", "👍", "a\"b\\c", "\u{1}\n\t", "\u{FEFF}"]).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let key = prop_oneof![
            select(vec!["to", "text", "quotedId"]).prop_map(str::to_owned),
            any::<String>()
        ];
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON as people write it: pretty or compact, and with escapes serde_json never writes.
fn json_text() -> impl Strategy<Value = Vec<u8>> {
    (any_json(), any::<bool>(), any::<bool>()).prop_map(|(value, pretty, escaped)| {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let text = if escaped {
            text.replace('é', "\\u00e9")
                .replace('👍', "\\ud83d\\udc4d")
                .replace('/', "\\/")
        } else {
            text
        };
        text.into_bytes()
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
}

/// Bytes that matter to the grammar, and a few that are not UTF-8.
const NOTABLE: &[u8] = b"{}[],:\"\\/ \t\n\r0123456789.eE+-tfnulrx\x00\x1f\x7f\xc3\xa9\xff\xf0\x9f";

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), select(NOTABLE)).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), select(NOTABLE)).prop_map(|(at, b)| Edit::Replace(at, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let len = bytes.len();
    match *edit {
        Edit::Delete(at) if len > 0 => {
            bytes.remove(at % len);
        }
        Edit::Insert(at, b) => bytes.insert(at % (len + 1), b),
        Edit::Replace(at, b) if len > 0 => bytes[at % len] = b,
        _ => {}
    }
}

/// Whether our parser says the bytes are not JSON (or not UTF-8) at all.
fn ours_refuses(bytes: &[u8]) -> bool {
    match Message::parse(MessageType::Text, bytes) {
        Ok(_) => false,
        Err(e) => e.violations.iter().any(|v| match &v.rule {
            Rule::InvalidJson { detail } => {
                detail.starts_with("the body is not valid JSON")
                    || detail.starts_with("the body is not UTF-8")
                    || detail.starts_with("the body is empty")
            }
            _ => false,
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn malformed_exactly_when_serde_json_refuses(
        text in json_text(),
        edits in vec(edit(), 0..4),
    ) {
        let mut bytes = text;
        for e in &edits {
            apply(&mut bytes, e);
        }
        let theirs = serde_json::from_slice::<Value>(&bytes);
        // JSON.parse reads 1e400 as infinity where serde_json refuses it; we follow JSON.parse.
        prop_assume!(!theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range")));
        prop_assert_eq!(
            ours_refuses(&bytes),
            theirs.is_err(),
            "{:?}: serde_json says {:?}; we say {:?}",
            String::from_utf8_lossy(&bytes),
            theirs.err().map(|e| e.to_string()),
            Message::parse(MessageType::Text, &bytes).err().map(|e| e.to_string())
        );
    }
}

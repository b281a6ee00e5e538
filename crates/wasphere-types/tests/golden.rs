//! The 14 request bodies of the API documentation: each parses, validates clean, and
//! serializes back to the same JSON (same fields, same order, same numbers).

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use wasphere_types::{Message, MessageType, documented_example};

/// `json` without the whitespace between tokens, so it can be compared byte for byte
/// with serde_json's compact output (whitespace inside strings is kept).
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

#[test]
fn minify_keeps_strings_intact() {
    assert_eq!(
        minify("{ \"a b\" : [ 1 , \"x \\\" y\" ] }"),
        "{\"a b\":[1,\"x \\\" y\"]}"
    );
}

#[test]
fn documented_bodies_parse_validate_and_serialize_back_unchanged() {
    for t in MessageType::ALL {
        let body = documented_example(t);
        let message = Message::parse_valid(t, body.as_bytes())
            .unwrap_or_else(|e| panic!("{t}: the documented body is refused: {e}"));
        assert_eq!(message.message_type(), t);

        let sent = message.to_json();
        let original: Value = serde_json::from_str(body).unwrap();
        let round_trip: Value = serde_json::from_slice(&sent).unwrap();
        assert_eq!(round_trip, original, "{t}: a different JSON value");
        // Byte for byte too: field order and number spelling are those of the page.
        assert_eq!(
            String::from_utf8(sent).unwrap(),
            minify(body),
            "{t}: different bytes"
        );

        insta::assert_json_snapshot!(t.as_str(), message);
    }
}

#[test]
fn there_is_one_documented_body_per_type() {
    assert_eq!(MessageType::ALL.len(), 14);
    let mut bodies: Vec<&str> = MessageType::ALL
        .into_iter()
        .map(documented_example)
        .collect();
    bodies.sort_unstable();
    bodies.dedup();
    assert_eq!(bodies.len(), 14, "two types share a body");
}

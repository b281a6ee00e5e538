//! The request schemas as the *server* checks them, for documents that describe the
//! server (the OpenAPI document) rather than what this toolkit lets a user send.
//!
//! [`message_schema`] adds this toolkit's client-side rules (a `to` that is a phone number
//! or JID, distinct non-empty poll options), and its `url` pattern is looser than the
//! server's URL check, which a pattern cannot say exactly. A tool that tests a server
//! against a document (schemathesis) needs both directions to hold: what the schema
//! accepts, the server accepts, and what it refuses, the server refuses. So here the
//! client-side keywords go, and `url` gets [`SERVER_MEDIA_URL_PATTERN`], which only
//! matches URLs that parse with a host.

use serde_json::Value;

use crate::schema::{message_schema, operation_schema};
use crate::{MessageOperation, MessageType};

/// A media `url` the server certainly accepts: `http(s)://`, optional user info, a host
/// name whose last label starts with a letter (so it is never read as an IPv4 address) or a
/// dotted-quad IPv4 address, an optional port up to 65535, then anything without blanks or
/// control characters; or a base64 data URI. Valid URLs it leaves out (IPv6 and
/// international host names, percent-escapes in the host) are rare in media links.
pub const SERVER_MEDIA_URL_PATTERN: &str = concat!(
    r"^(?:[hH][tT][tT][pP][sS]?://",
    r"(?:[^\x00-\x20\x7f/?#\\@]*@)?",
    r#"(?:(?:[A-Za-z0-9!"$&'()*+,;=_`{}~-]+\.)*[A-Za-z!"$&'()*+,;=_`{}~-][A-Za-z0-9!"$&'()*+,;=_`{}~-]*"#,
    r"|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))",
    r"(?::(?:[0-9]{0,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?",
    r"(?:[/?#\\][^\x00-\x20\x7f]*)?",
    r"|data:[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_]*/[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_.+]*;base64,[A-Za-z0-9+/]+=*)$",
);

/// Added to the description of every server schema.
pub const SERVER_NOTE: &str = "This schema describes what the server accepts. wasphere-types also refuses, client-side, a `to` that is not an international phone number in digits or a WhatsApp JID, and empty or repeated poll options; its exported schemas (docs/schemas) include those rules.";

/// Added to the description of every server schema of an operation on messages.
pub const OPERATION_SERVER_NOTE: &str = "This schema describes what the server accepts. wasphere-types also refuses, client-side, a `to` that is not an international phone number in digits or a WhatsApp JID, a mark-read id that is not 1 to 100 of a-z A-Z 0-9 _ -, and a delete whose forEveryone is false (the server deletes for everyone whatever it says); its exported schemas (docs/schemas) include those rules.";

/// One client-side keyword: where it sits in a message schema, and which keyword.
struct ClientSide {
    /// A JSON pointer into the schema.
    at: &'static str,
    keyword: &'static str,
}

/// The keywords of [`message_schema`] that only this toolkit enforces.
const CLIENT_SIDE: &[ClientSide] = &[
    ClientSide {
        at: "/properties/to",
        keyword: "pattern",
    },
    ClientSide {
        at: "/properties/options",
        keyword: "uniqueItems",
    },
    ClientSide {
        at: "/properties/options/items",
        keyword: "minLength",
    },
];

/// The schema of the body of `message_type` as the server checks it: [`message_schema`]
/// without the client-side rules, and with [`SERVER_MEDIA_URL_PATTERN`] for `url`.
///
/// ```
/// use wasphere_types::{MessageType, server_schema::server_message_schema};
/// let text = server_message_schema(MessageType::Text);
/// assert!(text["properties"]["to"].get("pattern").is_none()); // the server checks only the length
/// assert_eq!(text["properties"]["to"]["maxLength"], 40);
/// ```
pub fn server_message_schema(message_type: MessageType) -> Value {
    let mut schema = message_schema(message_type);
    for rule in CLIENT_SIDE {
        if let Some(Value::Object(at)) = schema.pointer_mut(rule.at) {
            at.remove(rule.keyword);
        }
    }
    if let Some(Value::Object(url)) = schema.pointer_mut("/properties/url") {
        url.insert("pattern".into(), SERVER_MEDIA_URL_PATTERN.into());
    }
    if let Some(Value::String(description)) = schema.pointer_mut("/description") {
        description.push_str("\n\n");
        description.push_str(SERVER_NOTE);
    }
    schema
}

/// The keywords of [`operation_schema`] that only this toolkit enforces: a message id's
/// pattern in a mark-read (the server takes any string of at most 100 there), and that a
/// delete's `forEveryone` be `true` (the server takes `false`, and deletes for everyone).
const OPERATION_CLIENT_SIDE: &[ClientSide] = &[
    ClientSide {
        at: "/properties/to",
        keyword: "pattern",
    },
    ClientSide {
        at: "/properties/messageIds/items",
        keyword: "pattern",
    },
    ClientSide {
        at: "/properties/messageIds/items",
        keyword: "minLength",
    },
    ClientSide {
        at: "/properties/forEveryone",
        keyword: "const",
    },
];

/// The schema of the request of `operation` (for a delete, of its query) as the server
/// checks it: [`operation_schema`] without the client-side rules.
///
/// ```
/// use wasphere_types::{MessageOperation, server_schema::server_operation_schema};
/// let delete = server_operation_schema(MessageOperation::Delete);
/// assert_eq!(delete["properties"]["forEveryone"]["type"], "boolean");
/// assert!(delete["properties"]["forEveryone"].get("const").is_none()); // false is accepted
/// ```
pub fn server_operation_schema(operation: MessageOperation) -> Value {
    let mut schema = operation_schema(operation);
    for rule in OPERATION_CLIENT_SIDE {
        if let Some(Value::Object(at)) = schema.pointer_mut(rule.at) {
            at.remove(rule.keyword);
        }
    }
    if let Some(Value::String(description)) = schema.pointer_mut("/description") {
        description.push_str("\n\n");
        description.push_str(OPERATION_SERVER_NOTE);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Message, documented_example, is_media_url};

    fn server_accepts(t: MessageType, body: &Value) -> bool {
        match Message::parse(t, body.to_string().as_bytes()) {
            Ok(message) => message
                .validate()
                .map_or_else(|e| e.server_side().next().is_none(), |()| true),
            Err(_) => false,
        }
    }

    fn schema_accepts(t: MessageType, body: &Value) -> bool {
        jsonschema::validator_for(&server_message_schema(t))
            .unwrap()
            .is_valid(body)
    }

    #[test]
    fn every_client_side_keyword_exists_in_the_exported_schemas() {
        for rule in CLIENT_SIDE {
            let found = MessageType::ALL.into_iter().any(|t| {
                message_schema(t)
                    .pointer(rule.at)
                    .and_then(|at| at.get(rule.keyword))
                    .is_some()
            });
            assert!(found, "{} {} is in no schema", rule.at, rule.keyword);
        }
    }

    #[test]
    fn agrees_with_the_server_side_rules() {
        use serde_json::json;
        let cases = [
            (
                MessageType::Text,
                json!({"to": "+92 300 1234567", "text": "hi"}),
            ),
            (MessageType::Text, json!({"to": "", "text": "hi"})),
            (
                MessageType::Poll,
                json!({"to": "1", "name": "Q?", "options": ["", ""]}),
            ),
            (
                MessageType::Poll,
                json!({"to": "1", "name": "Q?", "options": ["a"]}),
            ),
            (MessageType::Image, json!({"to": "1", "url": "http://a"})),
            (MessageType::Image, json!({"to": "1", "url": "http://%"})),
            (
                MessageType::Image,
                json!({"to": "1", "url": "https://a.b*"}),
            ),
        ];
        for (t, body) in cases {
            let server = server_accepts(t, &body);
            assert_eq!(schema_accepts(t, &body), server, "{t} {body}");
        }
        for t in MessageType::ALL {
            let body: Value = serde_json::from_str(documented_example(t)).unwrap();
            assert!(schema_accepts(t, &body), "{t}");
        }
    }

    #[test]
    fn operation_schemas_accept_what_the_server_accepts() {
        use serde_json::json;
        for rule in OPERATION_CLIENT_SIDE {
            let found = MessageOperation::ALL.into_iter().any(|op| {
                operation_schema(op)
                    .pointer(rule.at)
                    .and_then(|at| at.get(rule.keyword))
                    .is_some()
            });
            assert!(found, "{} {} is in no schema", rule.at, rule.keyword);
        }
        let accepts = |op, body: Value| {
            jsonschema::validator_for(&server_operation_schema(op))
                .unwrap()
                .is_valid(&body)
        };
        let to = "+92 300 1234567";
        assert!(accepts(
            MessageOperation::Delete,
            json!({"to": to, "forEveryone": false})
        ));
        assert!(!accepts(MessageOperation::Delete, json!({"to": to})));
        assert!(accepts(
            MessageOperation::MarkRead,
            json!({"to": to, "messageIds": ["", "not an id"]})
        ));
        assert!(!accepts(
            MessageOperation::MarkRead,
            json!({"to": to, "messageIds": []})
        ));
        assert!(!accepts(
            MessageOperation::Presence,
            json!({"to": to, "presence": "online"})
        ));
    }

    #[test]
    fn the_url_pattern_matches_only_urls_the_server_takes() {
        let pattern = regex_lite(SERVER_MEDIA_URL_PATTERN);
        for url in [
            "http://a",
            "https://yourcdn.com/images/product-photo.jpg",
            "HTTP://user:pw@EXAMPLE.com:65535/a b?c#d",
            "http://1.2.3.4/x.png",
            "http://a.b*",
            "http://;",
            "http://a\"b.com",
            "http://a.com\\x",
            "data:image/png;base64,iVBORw0KGgo=",
        ] {
            let url = url.replace(' ', "%20");
            assert!(is_media_url(&url), "{url}");
            assert!(pattern.is_valid(&Value::String(url.clone())), "{url}");
        }
        for url in [
            "http://0",
            "http://08",
            "http://a.1",
            "http://a:99999",
            "http://%",
            "http://a b",
            "https://",
        ] {
            assert!(!pattern.is_valid(&Value::String(url.into())), "{url}");
        }
    }

    /// A validator for `{"type":"string","pattern":…}`.
    fn regex_lite(pattern: &str) -> jsonschema::Validator {
        jsonschema::validator_for(&serde_json::json!({"type": "string", "pattern": pattern}))
            .unwrap()
    }
}

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checker::{Checker, Path};
use crate::messages::{check_to, to_schema, validated};
use crate::violation::Rule;

/// `delete-message`: what `DELETE …/messages/{messageId}?to=…&forEveryone=true` carries
/// in its query string (the request has no body): recall a message you sent.
///
/// **Only delete-for-everyone is offered.** The server recalls the message for everyone
/// whatever `forEveryone` says (a known server bug, contract section 6), so a "delete for
/// me" would silently delete for everyone. `DeleteMessage::new` sets `forEveryone` to
/// `true`; `validate()` reports `false` as a client-side violation, and a missing
/// `forEveryone` as the server's own 400.
///
/// ```
/// use wasphere_types::DeleteMessage;
/// let delete = DeleteMessage::new("923001234567");
/// assert!(delete.validate().is_ok());
/// assert_eq!(delete.to_query(), "to=923001234567&forEveryone=true");
///
/// let parsed = DeleteMessage::parse_query("to=923001234567&forEveryone=false").unwrap();
/// let err = parsed.validate().unwrap_err();
/// assert_eq!(err.violations[0].path, "forEveryone");
/// assert!(err.violations[0].is_client_side());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "delete-message", transform = require_for_everyone)]
pub struct DeleteMessage {
    /// The chat of the message: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// Must be `true`: the server recalls the message for everyone whatever this says, so
    /// `false` (delete only for you) is refused here rather than silently ignored there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "for_everyone_schema")]
    pub for_everyone: Option<bool>,
}

impl DeleteMessage {
    /// What `validate()` asks of `forEveryone`, in words.
    const ONLY_FOR_EVERYONE: &'static str = "true: the server recalls the message for everyone whatever forEveryone says (a known server bug), so false would not delete it only for you";

    /// Recalls, for everyone, a message of the chat with `to`.
    pub fn new(to: impl Into<String>) -> Self {
        DeleteMessage {
            to: to.into(),
            for_everyone: Some(true),
        }
    }

    /// The query string to send: `to=…&forEveryone=…`, percent-encoded.
    pub fn to_query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("to", &self.to);
        if let Some(for_everyone) = self.for_everyone {
            query.append_pair("forEveryone", if for_everyone { "true" } else { "false" });
        }
        query.finish()
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        let for_everyone = p.field("forEveryone");
        match self.for_everyone {
            Some(true) => {}
            // Optional to the JSON reader, so that a caller may leave it to `new`'s
            // default; absent, the server answers 400.
            None => c.server(for_everyone, Rule::Required),
            Some(false) => c.client(
                for_everyone,
                Rule::Format {
                    expected: Self::ONLY_FOR_EVERYONE,
                },
            ),
        }
    }
}

/// The query as a JSON object, keys in the order they came: what the server's query
/// parser hands its validator.
pub(crate) fn query_as_json(query: &str) -> Vec<u8> {
    let mut fields: Vec<(String, Vec<Value>)> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let value = match (key.as_ref(), value.as_ref()) {
            ("forEveryone", "true") => Value::Bool(true),
            ("forEveryone", "false") => Value::Bool(false),
            _ => Value::String(value.into_owned()),
        };
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => fields.push((key.into_owned(), vec![value])),
        }
    }
    let mut out = vec![b'{'];
    for (i, (key, mut values)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let value = match values.len() {
            1 => values.remove(0),
            _ => Value::Array(values),
        };
        // Writing JSON into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &key);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, &value);
    }
    out.push(b'}');
    out
}

/// The server requires `forEveryone` (its absence is a 400), although the JSON form lets
/// a caller leave it to `DeleteMessage::new`'s default.
fn require_for_everyone(schema: &mut Schema) {
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.push(Value::from("forEveryone"));
    }
}

fn for_everyone_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "boolean",
        "const": true,
        "default": true
    })
}

validated!(DeleteMessage);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_objects_as_the_server_reads_them() {
        let json = |q: &str| String::from_utf8(query_as_json(q)).unwrap();
        assert_eq!(
            json("to=92%203&forEveryone=true"),
            r#"{"to":"92 3","forEveryone":true}"#
        );
        assert_eq!(
            json("forEveryone=yes&to=1"),
            r#"{"forEveryone":"yes","to":"1"}"#
        );
        assert_eq!(json("to=1&to=2"), r#"{"to":["1","2"]}"#);
        assert_eq!(json(""), "{}");
    }

    #[test]
    fn every_problem_of_a_query_in_one_answer() {
        let err = DeleteMessage::parse_query("to=1&to=2&for_everyone=true").unwrap_err();
        let found: Vec<(&str, Option<&str>)> = err
            .violations
            .iter()
            .map(|v| (v.path.as_str(), v.suggestion.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("to", None),
                ("for_everyone", Some("forEveryone")),
                ("forEveryone", None)
            ]
        );
        let round = DeleteMessage::parse_query(&DeleteMessage::new("1@g.us").to_query()).unwrap();
        assert_eq!(round, DeleteMessage::new("1@g.us"));
    }
}

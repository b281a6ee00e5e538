//! JSON Schemas (draft 2020-12) of every body, generated from the types.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::messages::{
    Audio, Buttons, Contact, Document, Gif, Image, List, Location, Poll, Reaction, Sticker, Text,
    Video, ViewOnce,
};
use crate::operations::{
    DeleteMessage, DeleteResponse, EditMessage, EditResponse, MarkRead, MarkReadResponse,
    PresenceResponse, SetPresence, Typing, TypingResponse,
};
use crate::webhook::WebhookEvent;
use crate::{ErrorBody, MessageOperation, MessageType, SendResponse};

/// Added to every message schema: where a schema and `validate()` may differ.
pub const LENGTH_NOTE: &str = "Lengths: the server counts Unicode code points, except that a variation selector (U+FE0E, U+FE0F) right after another character counts zero. JSON Schema's maxLength counts every code point, so this schema is slightly stricter than the server for text with variation selectors (60 '❤️' fit a buttons footer on the server but not here). wasphere-types' validate() is authoritative. Not expressible here, and checked only by validate(): that a URL parses with a host, distinct button ids and list row ids, selectableCount at most the number of options, and a reaction being exactly one emoji.";

/// The schema of any type of this crate, as the exported schemas are made: draft 2020-12,
/// Rust examples dropped from the descriptions. For the error shapes and webhook payloads
/// that tools like the OpenAPI generator need beside [`all_schemas`].
///
/// ```
/// use wasphere_types::{error_shapes::RateLimitedBody, schema::schema_for};
/// let schema = schema_for::<RateLimitedBody>();
/// assert_eq!(schema["required"][2], "retryAfter");
/// ```
pub fn schema_for<T: JsonSchema>() -> Value {
    generate::<T>()
}

fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    strip_code_from_descriptions(&mut schema);
    schema
}

/// Descriptions come from the Rust doc comments; their examples are Rust code, which
/// means nothing to the other languages that read these schemas, so fenced blocks go.
fn strip_code_from_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "description" => {
                        *text = without_code_blocks(text);
                    }
                    other => strip_code_from_descriptions(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_code_from_descriptions),
        _ => {}
    }
}

fn without_code_blocks(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        // Dropping a block leaves two blank lines around it: keep one.
        let repeated_blank =
            line.trim().is_empty() && kept.last().is_none_or(|l| l.trim().is_empty());
        if !in_code && !repeated_blank {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n")
}

fn with_note(mut schema: Value) -> Value {
    if let Some(obj) = schema.as_object_mut() {
        let description = match obj.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\n{LENGTH_NOTE}"),
            None => LENGTH_NOTE.to_owned(),
        };
        obj.insert("description".into(), Value::String(description));
    }
    schema
}

/// The schema of the request body of `message_type`.
pub fn message_schema(message_type: MessageType) -> Value {
    with_note(match message_type {
        MessageType::Text => generate::<Text>(),
        MessageType::Image => generate::<Image>(),
        MessageType::Video => generate::<Video>(),
        MessageType::Audio => generate::<Audio>(),
        MessageType::Document => generate::<Document>(),
        MessageType::Gif => generate::<Gif>(),
        MessageType::Sticker => generate::<Sticker>(),
        MessageType::Location => generate::<Location>(),
        MessageType::Contact => generate::<Contact>(),
        MessageType::Poll => generate::<Poll>(),
        MessageType::Buttons => generate::<Buttons>(),
        MessageType::List => generate::<List>(),
        MessageType::ViewOnce => generate::<ViewOnce>(),
        MessageType::Reaction => generate::<Reaction>(),
    })
}

/// The schema of the request of `operation` (for a delete, of its query string), named
/// [`MessageOperation::body_schema`].
pub fn operation_schema(operation: MessageOperation) -> Value {
    with_note(match operation {
        MessageOperation::Edit => generate::<EditMessage>(),
        MessageOperation::Delete => generate::<DeleteMessage>(),
        MessageOperation::MarkRead => generate::<MarkRead>(),
        MessageOperation::Typing => generate::<Typing>(),
        MessageOperation::Presence => generate::<SetPresence>(),
    })
}

/// The schema of the success answer of `operation`, named
/// [`MessageOperation::response_schema`].
pub fn operation_response_schema(operation: MessageOperation) -> Value {
    match operation {
        MessageOperation::Edit => generate::<EditResponse>(),
        MessageOperation::Delete => generate::<DeleteResponse>(),
        MessageOperation::MarkRead => generate::<MarkReadResponse>(),
        MessageOperation::Typing => generate::<TypingResponse>(),
        MessageOperation::Presence => generate::<PresenceResponse>(),
    }
}

/// Every exported schema with its file stem: the 14 message types (by slug), then
/// `send-response`, `error` and `webhook-event`, then the request and answer of each
/// [`MessageOperation`] (`edit-message`, `edit-message-response`, …).
pub fn all_schemas() -> Vec<(&'static str, Value)> {
    let mut all: Vec<(&'static str, Value)> = MessageType::ALL
        .into_iter()
        .map(|t| (t.as_str(), message_schema(t)))
        .collect();
    all.push(("send-response", generate::<SendResponse>()));
    all.push(("error", generate::<ErrorBody>()));
    all.push(("webhook-event", generate::<WebhookEvent>()));
    for operation in MessageOperation::ALL {
        all.push((operation.body_schema(), operation_schema(operation)));
        all.push((
            operation.response_schema(),
            operation_response_schema(operation),
        ));
    }
    all
}

/// The schema named `name` (a type slug, `send-response`, `error`, `webhook-event`, or an
/// operation's request or answer such as `edit-message` and `edit-message-response`).
pub fn schema_named(name: &str) -> Option<Value> {
    all_schemas()
        .into_iter()
        .find(|(stem, _)| *stem == name)
        .map(|(_, schema)| schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_keep_prose_and_drop_rust_examples() {
        let doc = "`buttons`: a message.\nRequired footer.\n\n```\nuse wasphere_types::Buttons;\n```\n\nMore prose.";
        assert_eq!(
            without_code_blocks(doc),
            "`buttons`: a message.\nRequired footer.\n\nMore prose."
        );
        let all = serde_json::to_string(&all_schemas()).unwrap();
        assert!(all.contains("buttons"));
        assert!(!all.contains("```"), "a schema still holds a code block");
        assert!(!all.contains("use wasphere_types"));
    }
}

//! JSON Schemas (draft 2020-12) of every body, generated from the types.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::messages::{
    Audio, Buttons, Contact, Document, Gif, Image, List, Location, Poll, Reaction, Sticker, Text,
    Video, ViewOnce,
};
use crate::webhook::WebhookEvent;
use crate::{ErrorBody, MessageType, SendResponse};

/// Added to every message schema: where a schema and `validate()` may differ.
pub const LENGTH_NOTE: &str = "Lengths: the server counts Unicode code points, except that a variation selector (U+FE0E, U+FE0F) right after another character counts zero. JSON Schema's maxLength counts every code point, so this schema is slightly stricter than the server for text with variation selectors (60 '❤️' fit a buttons footer on the server but not here). wasphere-types' validate() is authoritative. Not expressible here, and checked only by validate(): that a URL parses with a host, distinct button ids and list row ids, selectableCount at most the number of options, and a reaction being exactly one emoji.";

fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<T>().to_value()
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

/// Every exported schema with its file stem: the 14 message types (by slug), then
/// `send-response`, `error` and `webhook-event`.
pub fn all_schemas() -> Vec<(&'static str, Value)> {
    let mut all: Vec<(&'static str, Value)> = MessageType::ALL
        .into_iter()
        .map(|t| (t.as_str(), message_schema(t)))
        .collect();
    all.push(("send-response", generate::<SendResponse>()));
    all.push(("error", generate::<ErrorBody>()));
    all.push(("webhook-event", generate::<WebhookEvent>()));
    all
}

/// The schema named `name` (a type slug, `send-response`, `error` or `webhook-event`).
pub fn schema_named(name: &str) -> Option<Value> {
    all_schemas()
        .into_iter()
        .find(|(stem, _)| *stem == name)
        .map(|(_, schema)| schema)
}

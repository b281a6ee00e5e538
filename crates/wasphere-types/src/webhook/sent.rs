//! The `data` of a `message.sent` event.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use super::one_pass::deserialize_in_one_pass;
use super::unix_time::UnixSeconds;

/// What the server sends after each successful send (contract section 5):
/// `{to, messageId, type, content, timestamp}`. Every field is optional on the way in;
/// fields this version does not know are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageSent {
    /// The recipient, as the send named it.
    #[serde(default)]
    pub to: String,
    /// The id the send answered with.
    #[serde(default)]
    pub message_id: String,
    /// The message type's slug (`text`, `buttons`, …).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The content per type, e.g. `{"text": "…"}` for a text.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub content: Value,
    /// When it was sent, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

deserialize_in_one_pass!(MessageSent, "a sent message object", {
    "to" => to: Option<String> => Option::unwrap_or_default,
    "messageId" => message_id: Option<String> => Option::unwrap_or_default,
    "type" => kind: Option<String> => Option::unwrap_or_default,
    "content" => content: Value => std::convert::identity,
    "timestamp" => timestamp: UnixSeconds => |t: UnixSeconds| t.0,
});

//! What the sandbox remembers of the operations on messages it accepted (edit, delete,
//! mark read, typing, presence), so tests can see what was edited, deleted and read.

use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasphere_types::MessageOperation;

/// An accepted operation, as `GET /__sandbox/operations` lists it (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedOperation {
    /// Which operation: `edit`, `delete`, `read`, `typing` or `presence`.
    #[serde(with = "operation_name")]
    pub operation: MessageOperation,
    /// The session from the URL.
    pub session: String,
    /// The part of the API key that is safe to show (`wsk_test_`).
    pub key_prefix: String,
    /// The `{messageId}` of the path (edit and delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The request as JSON: the body as it came, or for a delete its query string read as
    /// an object (`{"to": "…", "forEveryone": true}`).
    pub body: serde_json::Value,
    /// The id the sandbox answered with (an edit's own message id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_id: Option<String>,
    /// When it was accepted (or, for one the server did by itself, done).
    #[serde(with = "crate::rfc3339")]
    pub received_at: SystemTime,
    /// The injected fault that replaced the answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// Done by the server without a request: the "paused" it sends 3 s after a typing
    /// indicator.
    #[serde(default)]
    pub by_server: bool,
}

impl RecordedOperation {
    /// The `to` of the request.
    pub fn to(&self) -> Option<&str> {
        self.body.get("to").and_then(serde_json::Value::as_str)
    }
}

/// `MessageOperation` as its short name.
mod operation_name {
    use super::*;

    pub(super) fn serialize<S: Serializer>(op: &MessageOperation, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(op.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<MessageOperation, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_operations_are_camel_case_and_round_trip() {
        let op = RecordedOperation {
            operation: MessageOperation::MarkRead,
            session: "my-session".into(),
            key_prefix: "wsk_test_".into(),
            message_id: None,
            body: serde_json::json!({"to": "923001234567", "messageIds": ["A"]}),
            answer_id: None,
            received_at: humantime::parse_rfc3339("2026-11-24T07:00:00Z").unwrap(),
            fault: None,
            by_server: false,
        };
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(json["operation"], "read");
        assert_eq!(json["keyPrefix"], "wsk_test_");
        assert_eq!(json["byServer"], false);
        assert!(json.get("messageId").is_none());
        let back: RecordedOperation = serde_json::from_value(json).unwrap();
        assert_eq!(back, op);
        assert_eq!(back.to(), Some("923001234567"));
    }
}

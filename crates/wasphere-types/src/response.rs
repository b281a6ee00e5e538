//! What a successful send answers.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The body of a successful send: `{"messageId": "3EB0C767D097B7C7A5C1", "status": "sent"}`.
/// Extra fields are kept, and any `status` string is accepted.
///
/// ```
/// use wasphere_types::{SendResponse, SendStatus};
/// let r: SendResponse = serde_json::from_str(r#"{"messageId":"3EB0C767D097B7C7A5C1","status":"sent","queued":false}"#).unwrap();
/// assert_eq!(r.status, SendStatus::Sent);
/// assert_eq!(r.extra["queued"], false);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "send-response")]
pub struct SendResponse {
    /// The WhatsApp message id; quote it, react to it, and match webhooks with it.
    pub message_id: String,
    /// The delivery status; `sent` today.
    #[serde(default)]
    pub status: SendStatus,
    /// Fields this version does not know, kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The `status` of a send: `sent`, or whatever else a newer server says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, JsonSchema)]
#[schemars(with = "String")]
pub enum SendStatus {
    /// `"sent"`: the gateway handed the message to WhatsApp.
    #[default]
    Sent,
    /// Any other status string.
    Other(String),
}

impl SendStatus {
    /// The status as on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            SendStatus::Sent => "sent",
            SendStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for SendStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SendStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SendStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(if s == "sent" {
            SendStatus::Sent
        } else {
            SendStatus::Other(s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_statuses_survive_a_round_trip() {
        let r: SendResponse =
            serde_json::from_str(r#"{"messageId":"X","status":"queued"}"#).unwrap();
        assert_eq!(r.status, SendStatus::Other("queued".into()));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"messageId":"X","status":"queued"}"#
        );
    }
}

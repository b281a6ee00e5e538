//! The wire shape of one item of a `messages.update` list, for schemas (the OpenAPI
//! document's webhooks). To read statuses, use [`MessageStatus::from_update_item`](super::MessageStatus::from_update_item).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::MessageKey;

/// One item of a `messages.update` list: a sent message's new delivery status, in either
/// provider's shape. Statuses: 2 sent (server ack), 3 delivered, 4 read, 5 played.
///
/// ```
/// use wasphere_types::webhook::MessageUpdate;
/// let item: MessageUpdate = serde_json::from_str(r#"{"messageId":"B","status":4}"#).unwrap();
/// assert!(matches!(item, MessageUpdate::Flat { status: 4, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MessageUpdate {
    /// The WhatsApp Web provider's shape: `{"key": {…}, "update": {"status": 3}}`.
    Keyed {
        /// Which message.
        key: MessageKey,
        /// What changed.
        update: StatusChange,
    },
    /// The Meta Cloud API provider's shape: `{"messageId": "…", "status": 3}`.
    Flat {
        /// The id the send answered with.
        #[serde(rename = "messageId")]
        message_id: String,
        /// 2 sent, 3 delivered, 4 read, 5 played.
        status: i64,
    },
}

/// The `update` of a keyed `messages.update` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatusChange {
    /// 2 sent, 3 delivered, 4 read, 5 played.
    pub status: i64,
}

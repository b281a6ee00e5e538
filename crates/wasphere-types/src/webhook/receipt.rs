//! The items of a `message.receipt` event: who in a group received or read a message.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::unix_time::unix_seconds;

/// Which message an update or receipt is about (Baileys' message key).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageKey {
    /// The chat (a JID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_jid: Option<String>,
    /// Whether the message was sent by this session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_me: Option<bool>,
    /// The message id: the `messageId` of the send.
    #[serde(default)]
    pub id: String,
    /// In a group, the member the key is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

/// One item of `message.receipt`: `{key, userReceipt: [{userJid, receiptTimestamp,
/// readTimestamp}]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceipt {
    /// The message.
    #[serde(default)]
    pub key: MessageKey,
    /// One receipt per group member who received or read it.
    #[serde(rename = "userReceipt", default)]
    pub user_receipts: Vec<UserReceipt>,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

/// When one member received and read a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserReceipt {
    /// The member (a JID).
    #[serde(default)]
    pub user_jid: String,
    /// When it reached them, in Unix seconds.
    #[serde(
        default,
        deserialize_with = "unix_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub receipt_timestamp: Option<i64>,
    /// When they read it, in Unix seconds.
    #[serde(
        default,
        deserialize_with = "unix_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub read_timestamp: Option<i64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

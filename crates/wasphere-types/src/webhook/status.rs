//! Delivery progress of a sent message, in one form whichever way the server reports it.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// How far a sent message got. The server reports numbers (contract section 5: 2 sent,
/// 3 delivered, 4 read, 5 played); Meta's Cloud API and the named events
/// (`message.delivered`, `message.read`, `message.failed`) use words. Both read into this.
///
/// Baileys also defines 0 (error) and 1 (pending), which the contract does not promise;
/// they and any other number arrive as [`DeliveryStatus::Other`].
///
/// ```
/// use wasphere_types::webhook::DeliveryStatus;
///
/// assert_eq!(DeliveryStatus::from_code(3), DeliveryStatus::Delivered);
/// assert_eq!(DeliveryStatus::from_word("READ"), Some(DeliveryStatus::Read));
/// assert_eq!(DeliveryStatus::from_code(9).to_string(), "status 9");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(with = "Value")]
pub enum DeliveryStatus {
    /// 2: the WhatsApp server accepted it.
    Sent,
    /// 3: it reached the recipient's phone.
    Delivered,
    /// 4: the recipient opened it.
    Read,
    /// 5: the recipient played a voice note or video.
    Played,
    /// It could not be delivered (`message.failed`, or the word `failed`).
    Failed,
    /// A number this version does not name.
    Other(i64),
}

impl DeliveryStatus {
    /// The status for a number of the wire: 2, 3, 4, 5, or [`DeliveryStatus::Other`].
    pub fn from_code(code: i64) -> Self {
        match code {
            2 => DeliveryStatus::Sent,
            3 => DeliveryStatus::Delivered,
            4 => DeliveryStatus::Read,
            5 => DeliveryStatus::Played,
            n => DeliveryStatus::Other(n),
        }
    }

    /// The status named by a word (`sent`, `delivered`, `read`, `played`, `failed`, in
    /// any case) or by a number written as text; `None` for anything else.
    pub fn from_word(word: &str) -> Option<Self> {
        let word = word.trim();
        if let Ok(code) = word.parse::<i64>() {
            return Some(Self::from_code(code));
        }
        [
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Read,
            DeliveryStatus::Played,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_word().is_some_and(|w| w.eq_ignore_ascii_case(word)))
    }

    /// The status a JSON value names (a number, a numeric string or a word), if any.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().map(Self::from_code),
            Value::String(s) => Self::from_word(s),
            _ => None,
        }
    }

    /// The number of the wire (2 to 5, or the unnamed one); `None` for
    /// [`DeliveryStatus::Failed`], which has no number.
    pub fn code(self) -> Option<i64> {
        match self {
            DeliveryStatus::Sent => Some(2),
            DeliveryStatus::Delivered => Some(3),
            DeliveryStatus::Read => Some(4),
            DeliveryStatus::Played => Some(5),
            DeliveryStatus::Failed => None,
            DeliveryStatus::Other(n) => Some(n),
        }
    }

    /// `sent`, `delivered`, `read`, `played` or `failed`; `None` for an unnamed number.
    pub fn as_word(self) -> Option<&'static str> {
        match self {
            DeliveryStatus::Sent => Some("sent"),
            DeliveryStatus::Delivered => Some("delivered"),
            DeliveryStatus::Read => Some("read"),
            DeliveryStatus::Played => Some("played"),
            DeliveryStatus::Failed => Some("failed"),
            DeliveryStatus::Other(_) => None,
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_word(), self) {
            (Some(word), _) => f.write_str(word),
            (None, DeliveryStatus::Other(n)) => write!(f, "status {n}"),
            (None, _) => f.write_str("status"),
        }
    }
}

/// A named status is written as its word, an unnamed one as its number.
impl Serialize for DeliveryStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.as_word(), self.code()) {
            (Some(word), _) => s.serialize_str(word),
            (None, Some(code)) => s.serialize_i64(code),
            (None, None) => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for DeliveryStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl Visitor<'_> for StatusVisitor {
            type Value = DeliveryStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a status number (2 to 5) or word (sent, delivered, read, played, failed)",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DeliveryStatus, E> {
                Ok(DeliveryStatus::from_code(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DeliveryStatus, E> {
                i64::try_from(v)
                    .map(DeliveryStatus::from_code)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DeliveryStatus, E> {
                DeliveryStatus::from_word(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(StatusVisitor)
    }
}

/// One status of one sent message, read from an item of `messages.update` (the Baileys
/// shape `{"key": {"id", …}, "update": {"status": N}}` or the Meta shape
/// `{"messageId", "status": N}`) or from a `message.delivered` / `message.read` /
/// `message.failed` event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageStatus {
    /// The `messageId` the send answered with.
    pub message_id: String,
    /// How far it got.
    pub status: DeliveryStatus,
}

impl MessageStatus {
    /// Reads one item of a `messages.update` list: `None` when the item carries no message
    /// id or no status it can read (an edit, a reaction or another change to a message).
    pub fn from_update_item(item: &Value) -> Option<Self> {
        let (id, status) = match (item.get("key"), item.get("update")) {
            (Some(key), Some(update)) => (key.get("id")?, update.get("status")?),
            _ => (
                item.get("messageId").or_else(|| item.get("id"))?,
                item.get("status")?,
            ),
        };
        Some(MessageStatus {
            message_id: non_empty(id)?,
            status: DeliveryStatus::from_json(status)?,
        })
    }

    /// Reads the payload of a named status event (`message.delivered`, …): the message id
    /// from `messageId`, `id` or `key.id`; the status is the event's.
    pub fn from_named_item(item: &Value, status: DeliveryStatus) -> Option<Self> {
        let id = item
            .get("messageId")
            .or_else(|| item.get("id"))
            .or_else(|| item.get("key").and_then(|k| k.get("id")))?;
        Some(MessageStatus {
            message_id: non_empty(id)?,
            status,
        })
    }
}

fn non_empty(id: &Value) -> Option<String> {
    id.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_words_read_the_same() {
        for (code, word, status) in [
            (2, "sent", DeliveryStatus::Sent),
            (3, "delivered", DeliveryStatus::Delivered),
            (4, "read", DeliveryStatus::Read),
            (5, "played", DeliveryStatus::Played),
        ] {
            assert_eq!(DeliveryStatus::from_json(&json!(code)), Some(status));
            assert_eq!(DeliveryStatus::from_json(&json!(word)), Some(status));
            assert_eq!(
                DeliveryStatus::from_json(&json!(code.to_string())),
                Some(status)
            );
            assert_eq!(status.code(), Some(code));
            assert_eq!(serde_json::to_value(status).unwrap(), json!(word));
            assert_eq!(
                serde_json::from_value::<DeliveryStatus>(json!(code)).unwrap(),
                status
            );
        }
        assert_eq!(
            DeliveryStatus::from_json(&json!(0)),
            Some(DeliveryStatus::Other(0))
        );
        assert_eq!(
            serde_json::to_value(DeliveryStatus::Other(7)).unwrap(),
            json!(7)
        );
        assert_eq!(DeliveryStatus::from_json(&json!("seen")), None);
        assert_eq!(DeliveryStatus::from_json(&json!(true)), None);
        assert!(serde_json::from_value::<DeliveryStatus>(json!("seen")).is_err());
    }

    #[test]
    fn both_update_shapes_give_one_form() {
        let baileys = json!({"key": {"remoteJid": "923001234567@s.whatsapp.net", "fromMe": true, "id": "M1", "participant": null}, "update": {"status": 3}});
        let meta = json!({"messageId": "M1", "status": 3});
        let expected = MessageStatus {
            message_id: "M1".into(),
            status: DeliveryStatus::Delivered,
        };
        assert_eq!(
            MessageStatus::from_update_item(&baileys),
            Some(expected.clone())
        );
        assert_eq!(MessageStatus::from_update_item(&meta), Some(expected));
        // An edit is an update without a status; an item without an id names nothing.
        let edit = json!({"key": {"id": "M1"}, "update": {"message": {"conversation": "x"}}});
        assert_eq!(MessageStatus::from_update_item(&edit), None);
        assert_eq!(MessageStatus::from_update_item(&json!({"status": 3})), None);
        assert_eq!(
            MessageStatus::from_update_item(&json!({"messageId": "", "status": 3})),
            None
        );
    }
}

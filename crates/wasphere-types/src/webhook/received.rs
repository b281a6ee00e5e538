//! The `data` of a `message.received` event, and what a button, list or poll reply selected.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::one_pass::deserialize_in_one_pass;
use super::unix_time::UnixSeconds;

/// An incoming message (contract section 5). Every field is optional on the way in, so
/// a payload from a newer server never fails to parse; unknown fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceived {
    /// The incoming message's id: the dedupe key across delivery retries.
    #[serde(default)]
    pub message_id: String,
    /// The chat it came from (a JID).
    #[serde(default)]
    pub from: String,
    /// Who sent it, as the gateway names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Value>,
    /// The sender's JID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_jid: Option<String>,
    /// The sender's phone-number JID, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_pn: Option<String>,
    /// The sender's linked-identity JID, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_lid: Option<String>,
    /// The sender's avatar, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Whether it came from a group.
    #[serde(default)]
    pub is_group: bool,
    /// When it was sent, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// `conversation`, `imageMessage`, `poll_vote`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The per-type content.
    #[serde(default)]
    pub content: ReceivedContent,
    /// The raw WhatsApp message.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub message: Value,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

/// The `content` of an incoming message; which fields are present depends on its type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedContent {
    /// The text, or the label of the tapped button or picked row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A media caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// A media MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mimetype: Option<String>,
    /// A document's file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// A location's latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// A location's longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// The id of the tapped button or picked row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_id: Option<String>,
    /// The picked row's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_description: Option<String>,
    /// What kind of interactive reply this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_kind: Option<InteractiveKind>,
    /// The poll voted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_message_id: Option<String>,
    /// The poll's question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_name: Option<String>,
    /// The options voted for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_options: Option<Vec<String>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

// A null where text is expected reads as empty: a payload never fails on a missing value.
deserialize_in_one_pass!(MessageReceived, "an incoming message object", {
    "messageId" => message_id: Option<String> => Option::unwrap_or_default,
    "from" => from: Option<String> => Option::unwrap_or_default,
    "sender" => sender: Option<Value> => std::convert::identity,
    "senderJid" => sender_jid: Option<String> => std::convert::identity,
    "senderPn" => sender_pn: Option<String> => std::convert::identity,
    "senderLid" => sender_lid: Option<String> => std::convert::identity,
    "avatarUrl" => avatar_url: Option<String> => std::convert::identity,
    "isGroup" => is_group: Option<bool> => Option::unwrap_or_default,
    "timestamp" => timestamp: UnixSeconds => |t: UnixSeconds| t.0,
    "type" => kind: Option<String> => Option::unwrap_or_default,
    "content" => content: Option<ReceivedContent> => Option::unwrap_or_default,
    "message" => message: Value => std::convert::identity,
});

deserialize_in_one_pass!(ReceivedContent, "the content of an incoming message", {
    "text" => text: Option<String> => std::convert::identity,
    "caption" => caption: Option<String> => std::convert::identity,
    "mimetype" => mimetype: Option<String> => std::convert::identity,
    "fileName" => file_name: Option<String> => std::convert::identity,
    "latitude" => latitude: Option<f64> => std::convert::identity,
    "longitude" => longitude: Option<f64> => std::convert::identity,
    "selectionId" => selection_id: Option<String> => std::convert::identity,
    "selectionDescription" => selection_description: Option<String> => std::convert::identity,
    "interactiveKind" => interactive_kind: Option<InteractiveKind> => std::convert::identity,
    "pollMessageId" => poll_message_id: Option<String> => std::convert::identity,
    "pollName" => poll_name: Option<String> => std::convert::identity,
    "selectedOptions" => selected_options: Option<Vec<String>> => std::convert::identity,
});

/// `interactiveKind`: how the reply was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InteractiveKind {
    /// A reply button was tapped.
    ButtonReply,
    /// A list row was picked.
    ListReply,
    /// A quick-reply button was tapped.
    QuickReply,
    /// A kind this version does not know.
    #[serde(untagged)]
    Other(String),
}

/// What a reply selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// A reply button: its `id` and label.
    ButtonReply {
        /// The button's id.
        id: String,
        /// The button's label.
        label: String,
    },
    /// A list row: its `id`, title and description.
    ListReply {
        /// The row's id.
        id: String,
        /// The row's title.
        label: String,
        /// The row's description, if it had one.
        description: Option<String>,
    },
    /// A quick-reply button: its `id` and label.
    QuickReply {
        /// The button's id.
        id: String,
        /// The button's label.
        label: String,
    },
    /// A poll vote.
    PollVote {
        /// The poll's message id.
        poll_message_id: String,
        /// The poll's question.
        poll_name: String,
        /// The options chosen.
        selected_options: Vec<String>,
    },
}

impl Selection {
    /// The id of the button or row, or the poll's message id.
    pub fn id(&self) -> &str {
        match self {
            Selection::ButtonReply { id, .. }
            | Selection::ListReply { id, .. }
            | Selection::QuickReply { id, .. } => id,
            Selection::PollVote {
                poll_message_id, ..
            } => poll_message_id,
        }
    }
}

impl MessageReceived {
    /// What the reply selected: a button, list row or quick reply (id and label), or a
    /// poll vote. `None` for an ordinary message.
    pub fn selection(&self) -> Option<Selection> {
        let c = &self.content;
        if self.kind == "poll_vote" {
            return Some(Selection::PollVote {
                poll_message_id: c.poll_message_id.clone().unwrap_or_default(),
                poll_name: c.poll_name.clone().unwrap_or_default(),
                selected_options: c.selected_options.clone().unwrap_or_default(),
            });
        }
        let id = c.selection_id.clone()?;
        let label = c.text.clone().unwrap_or_default();
        Some(match c.interactive_kind.as_ref() {
            Some(InteractiveKind::ListReply) => Selection::ListReply {
                id,
                label,
                description: c.selection_description.clone(),
            },
            Some(InteractiveKind::QuickReply) => Selection::QuickReply { id, label },
            // A selection id without a known kind came from a button: the oldest shape.
            _ => Selection::ButtonReply { id, label },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_reply_and_poll_vote() {
        let m: MessageReceived = serde_json::from_str(
            r#"{"messageId":"M","type":"conversation","timestamp":"1795000000","content":{"text":"Pro","selectionId":"pro","selectionDescription":"Full access","interactiveKind":"list_reply","future":1}}"#,
        )
        .unwrap();
        assert_eq!(m.timestamp, Some(1_795_000_000));
        assert_eq!(m.content.extra["future"], 1);
        assert_eq!(
            m.selection(),
            Some(Selection::ListReply {
                id: "pro".into(),
                label: "Pro".into(),
                description: Some("Full access".into())
            })
        );
        let vote: MessageReceived = serde_json::from_str(
            r#"{"type":"poll_vote","content":{"pollMessageId":"P","pollName":"Q?","selectedOptions":["Yes"],"text":"Yes"}}"#,
        )
        .unwrap();
        assert_eq!(vote.selection().unwrap().id(), "P");
    }

    #[test]
    fn one_pass_reading_keeps_unknown_fields_at_every_level_and_round_trips() {
        let json = r#"{"messageId":"M","from":"F","isGroup":true,"type":"conversation","content":{"text":"hi","sticker":{"animated":true}},"message":{"conversation":"hi"},"pushName":"Ann","reactions":[1,2]}"#;
        let m: MessageReceived = serde_json::from_str(json).unwrap();
        assert_eq!((m.message_id.as_str(), m.from.as_str()), ("M", "F"));
        assert!(m.is_group);
        assert_eq!(m.content.text.as_deref(), Some("hi"));
        assert_eq!(m.content.extra["sticker"]["animated"], true);
        assert_eq!(m.extra["pushName"], "Ann");
        assert_eq!(m.extra["reactions"], serde_json::json!([1, 2]));
        let again: serde_json::Value = serde_json::to_value(&m).unwrap();
        assert_eq!(
            again,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn escaped_names_nulls_and_repeats_read_as_json_means_them() {
        // `\u0049` is `I`: the escaped name is still messageId.
        let m: MessageReceived = serde_json::from_str(
            r#"{"message\u0049d":"M","from":null,"isGroup":null,"content":null,"type":"a","type":"b"}"#,
        )
        .unwrap();
        assert_eq!(m.message_id, "M");
        assert_eq!(m.from, "");
        assert!(!m.is_group);
        assert_eq!(m.content, ReceivedContent::default());
        assert_eq!(m.kind, "b", "the last of a repeated field wins");
    }

    #[test]
    fn a_wrong_type_is_an_error_that_names_what_was_expected() {
        let e = serde_json::from_str::<MessageReceived>(r#"{"messageId":5}"#).unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = serde_json::from_str::<MessageReceived>(r#"[1]"#).unwrap_err();
        assert!(e.to_string().contains("an incoming message object"), "{e}");
    }

    #[test]
    fn unknown_interactive_kinds_are_kept() {
        let c: ReceivedContent =
            serde_json::from_str(r#"{"interactiveKind":"carousel_reply"}"#).unwrap();
        assert_eq!(
            c.interactive_kind,
            Some(InteractiveKind::Other("carousel_reply".into()))
        );
    }
}

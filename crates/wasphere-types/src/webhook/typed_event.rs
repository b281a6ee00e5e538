//! A delivery read into typed events: one per thing that happened, so a `messages.update`
//! carrying three statuses is three events, each handled and deduplicated on its own.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::event::{EventKind, WebhookEvent};
use super::json_path::{offset_of, path_at};
use super::receipt::MessageReceipt;
use super::received::{MessageReceived, Selection};
use super::sent::MessageSent;
use super::status::{DeliveryStatus, MessageStatus};

/// One thing that happened, with the envelope fields a handler needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's kind, as the envelope named it.
    pub kind: EventKind,
    /// The session it happened on.
    pub session_id: String,
    /// The delivery attempt that brought it (new on every retry: not an identity).
    pub delivery_id: String,
    /// What happened.
    pub data: EventData,
}

/// What happened, typed by kind. Payloads whose shape the contract leaves open are kept
/// as JSON, and so is anything this version cannot read: nothing is dropped.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `message.received`: an incoming message, button tap, list pick or poll vote.
    Received(Box<MessageReceived>),
    /// `poll.vote`, read as an incoming message.
    PollVote(Box<MessageReceived>),
    /// `message.sent`.
    Sent(Box<MessageSent>),
    /// A delivery status: one item of `messages.update`, or a `message.delivered`,
    /// `message.read` or `message.failed` event.
    Status(MessageStatus),
    /// One item of `message.receipt`.
    Receipt(Box<MessageReceipt>),
    /// `session.connected`, `session.disconnected`, `session.qr` or `session.failed`
    /// (the kind says which), with its payload.
    Session(Value),
    /// `webhook.test`, with its payload.
    Test(Value),
    /// An event of a kind this version does not know, or an item it cannot read (a
    /// `messages.update` item that is not a status, such as an edit), kept as it came.
    Other(Value),
}

/// A signed envelope whose `data` does not have the shape its kind promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the data of a {event} event is malformed at {path}: {reason}")]
pub struct DataError {
    /// The event's kind.
    pub event: String,
    /// Where in `data`, e.g. `data.content.text` or `data[2]`.
    pub path: String,
    /// What is wrong there.
    pub reason: String,
}

impl Event {
    /// The message the event is about: the incoming message's id, or the sent message's
    /// for `message.sent`, statuses and receipts. `None` when there is none.
    pub fn message_id(&self) -> Option<&str> {
        let id = match &self.data {
            EventData::Received(m) | EventData::PollVote(m) => m.message_id.as_str(),
            EventData::Sent(m) => m.message_id.as_str(),
            EventData::Status(s) => s.message_id.as_str(),
            EventData::Receipt(r) => r.key.id.as_str(),
            _ => "",
        };
        (!id.is_empty()).then_some(id)
    }

    /// The incoming message, for `message.received` and `poll.vote`.
    pub fn received(&self) -> Option<&MessageReceived> {
        match &self.data {
            EventData::Received(m) | EventData::PollVote(m) => Some(m),
            _ => None,
        }
    }

    /// What a button tap, list pick or poll vote selected.
    pub fn selection(&self) -> Option<Selection> {
        self.received().and_then(MessageReceived::selection)
    }

    /// The delivery status, for status events.
    pub fn status(&self) -> Option<&MessageStatus> {
        match &self.data {
            EventData::Status(s) => Some(s),
            _ => None,
        }
    }
}

impl WebhookEvent {
    /// The typed events this delivery carries, in order: one for most kinds, one per
    /// item for `messages.update` and `message.receipt` (whose `data` is a list).
    ///
    /// # Errors
    /// [`DataError`] when `data` does not have the shape its kind promises: a
    /// `message.received` whose `data` is not an object, a field of the wrong JSON type,
    /// a `messages.update` whose `data` is not a list. Unknown kinds and unknown fields
    /// are never an error.
    ///
    /// ```
    /// use wasphere_types::webhook::{DeliveryStatus, WebhookEvent};
    ///
    /// let body = r#"{"event":"messages.update","sessionId":"s","timestamp":"2026-11-24T10:00:00Z","deliveryId":"d",
    ///   "data":[{"key":{"id":"M1","fromMe":true},"update":{"status":3}},{"messageId":"M2","status":4}]}"#;
    /// let envelope: WebhookEvent = serde_json::from_str(body).unwrap();
    /// let statuses: Vec<_> = envelope.events().unwrap().iter().filter_map(|e| e.status().cloned()).collect();
    /// assert_eq!(statuses[0].message_id, "M1");
    /// assert_eq!(statuses[0].status, DeliveryStatus::Delivered);
    /// assert_eq!(statuses[1].status, DeliveryStatus::Read);
    /// ```
    pub fn events(&self) -> Result<Vec<Event>, DataError> {
        let data = self.typed_data()?;
        Ok(data
            .into_iter()
            .map(|data| Event {
                kind: self.event.clone(),
                session_id: self.session_id.clone(),
                delivery_id: self.delivery_id.clone(),
                data,
            })
            .collect())
    }

    fn typed_data(&self) -> Result<Vec<EventData>, DataError> {
        Payload {
            kind: &self.event,
            data: self.data.get(),
        }
        .typed_data()
    }
}

/// An event's `data` as raw JSON with the kind that says how to read it.
pub(super) struct Payload<'a> {
    pub(super) kind: &'a EventKind,
    pub(super) data: &'a str,
}

impl Payload<'_> {
    pub(super) fn typed_data(&self) -> Result<Vec<EventData>, DataError> {
        let named_status = |status| -> Result<Vec<EventData>, DataError> {
            Ok(self
                .items()?
                .into_iter()
                .map(|item| match MessageStatus::from_named_item(&item, status) {
                    Some(s) => EventData::Status(s),
                    None => EventData::Other(item),
                })
                .collect())
        };
        Ok(match self.kind {
            EventKind::MessageReceived => vec![EventData::Received(self.object()?)],
            EventKind::PollVote => vec![EventData::PollVote(self.object()?)],
            EventKind::MessageSent => vec![EventData::Sent(self.object()?)],
            EventKind::MessagesUpdate => self
                .items()?
                .into_iter()
                .map(|item| match MessageStatus::from_update_item(&item) {
                    Some(s) => EventData::Status(s),
                    None => EventData::Other(item),
                })
                .collect(),
            EventKind::MessageDelivered => named_status(DeliveryStatus::Delivered)?,
            EventKind::MessageRead => named_status(DeliveryStatus::Read)?,
            EventKind::MessageFailed => named_status(DeliveryStatus::Failed)?,
            EventKind::MessageReceipt => self
                .receipts()?
                .into_iter()
                .map(|r| EventData::Receipt(Box::new(r)))
                .collect(),
            EventKind::SessionConnected
            | EventKind::SessionDisconnected
            | EventKind::SessionQr
            | EventKind::SessionFailed => vec![EventData::Session(self.value()?)],
            EventKind::WebhookTest => vec![EventData::Test(self.value()?)],
            EventKind::Unknown(_) => vec![EventData::Other(self.value()?)],
        })
    }

    fn value(&self) -> Result<Value, DataError> {
        serde_json::from_str(self.data).map_err(|e| self.error("data", e.to_string()))
    }

    /// `data` as an object of type `T`.
    fn object<T: DeserializeOwned>(&self) -> Result<Box<T>, DataError> {
        let data = self.data;
        if !data.trim_start().starts_with('{') {
            return Err(self.error("data", "expected an object".to_owned()));
        }
        serde_json::from_str(data)
            .map(Box::new)
            .map_err(|e| self.located_error(data, &e))
    }

    /// A parse error of `data`, placed by field path.
    fn located_error(&self, data: &str, e: &serde_json::Error) -> DataError {
        let offset = offset_of(data, e.line(), e.column());
        let reason = e.to_string();
        // serde_json appends " at line L column C"; the path says where instead.
        let reason = reason
            .rsplit_once(" at line ")
            .map_or(reason.as_str(), |(text, _)| text)
            .to_owned();
        self.error_at(path_at("data", data, offset), reason)
    }

    /// `data` as receipts: a list, or a lone object as a list of one.
    fn receipts(&self) -> Result<Vec<MessageReceipt>, DataError> {
        let data = self.data;
        let parsed = match data.trim_start().as_bytes().first() {
            Some(b'[') => serde_json::from_str::<Vec<MessageReceipt>>(data),
            Some(b'{') => serde_json::from_str::<MessageReceipt>(data).map(|r| vec![r]),
            _ => return Err(self.error("data", "expected a list of objects".to_owned())),
        };
        parsed.map_err(|e| self.located_error(data, &e))
    }

    /// `data` as a list of items; a lone object is a list of one.
    fn items(&self) -> Result<Vec<Value>, DataError> {
        match self.value()? {
            Value::Array(items) => Ok(items),
            object @ Value::Object(_) => Ok(vec![object]),
            _ => Err(self.error("data", "expected a list of objects".to_owned())),
        }
    }

    fn error(&self, path: &str, reason: String) -> DataError {
        self.error_at(path.to_owned(), reason)
    }

    fn error_at(&self, path: String, reason: String) -> DataError {
        DataError {
            event: self.kind.to_string(),
            path,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(event: &str, data: &str) -> WebhookEvent {
        serde_json::from_str(&format!(
            r#"{{"event":"{event}","sessionId":"s","timestamp":"t","deliveryId":"d","data":{data}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_button_tap_is_one_received_event() {
        let events = envelope(
            "message.received",
            r#"{"messageId":"R1","from":"923001234567@s.whatsapp.net","type":"conversation","content":{"text":"Yes","selectionId":"yes","interactiveKind":"button_reply"}}"#,
        )
        .events()
        .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].message_id(), Some("R1"));
        assert_eq!(events[0].session_id, "s");
        assert_eq!(
            events[0].selection(),
            Some(Selection::ButtonReply {
                id: "yes".into(),
                label: "Yes".into()
            })
        );
    }

    #[test]
    fn message_sent_has_the_servers_shape() {
        let events = envelope(
            "message.sent",
            r#"{"to":"923001234567","messageId":"S1","type":"text","content":{"text":"hi"},"timestamp":1795000000,"via":"primary"}"#,
        )
        .events()
        .unwrap();
        let EventData::Sent(sent) = &events[0].data else {
            panic!("{events:?}")
        };
        assert_eq!(sent.message_id, "S1");
        assert_eq!(sent.kind, "text");
        assert_eq!(sent.content["text"], "hi");
        assert_eq!(sent.timestamp, Some(1_795_000_000));
        assert_eq!(sent.extra["via"], "primary");
    }

    #[test]
    fn updates_are_one_event_per_item_and_non_statuses_are_kept() {
        let events = envelope(
            "messages.update",
            r#"[{"key":{"id":"M1"},"update":{"status":3}},{"key":{"id":"M1"},"update":{"message":{}}},{"messageId":"M2","status":5}]"#,
        )
        .events()
        .unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(
            events[0].status().unwrap().status,
            DeliveryStatus::Delivered
        );
        assert!(matches!(events[1].data, EventData::Other(_)));
        assert_eq!(events[2].status().unwrap().status, DeliveryStatus::Played);
        assert_eq!(events[2].message_id(), Some("M2"));
    }

    #[test]
    fn named_status_events_read_as_statuses() {
        for (event, status) in [
            ("message.delivered", DeliveryStatus::Delivered),
            ("message.read", DeliveryStatus::Read),
            ("message.failed", DeliveryStatus::Failed),
        ] {
            for data in [
                r#"{"messageId":"M"}"#,
                r#"{"key":{"id":"M"}}"#,
                r#"[{"id":"M"}]"#,
            ] {
                let events = envelope(event, data).events().unwrap();
                assert_eq!(
                    events[0].status(),
                    Some(&MessageStatus {
                        message_id: "M".into(),
                        status
                    }),
                    "{event} {data}"
                );
            }
        }
    }

    #[test]
    fn receipts_are_read_per_item() {
        let events = envelope(
            "message.receipt",
            r#"[{"key":{"id":"G1","remoteJid":"1203630@g.us"},"userReceipt":[{"userJid":"923001234567@s.whatsapp.net","receiptTimestamp":1795000000,"readTimestamp":"1795000010"}]}]"#,
        )
        .events()
        .unwrap();
        let EventData::Receipt(receipt) = &events[0].data else {
            panic!("{events:?}")
        };
        assert_eq!(receipt.key.id, "G1");
        assert_eq!(receipt.user_receipts[0].read_timestamp, Some(1_795_000_010));
        assert_eq!(events[0].message_id(), Some("G1"));
    }

    #[test]
    fn unknown_kinds_are_kept_and_misshapen_data_is_named() {
        let events = envelope("message.edited", r#"{"x":1}"#).events().unwrap();
        assert_eq!(
            events[0].data,
            EventData::Other(serde_json::json!({"x": 1}))
        );

        let err = envelope("message.received", "[1]").events().unwrap_err();
        assert_eq!(
            (err.path.as_str(), err.reason.as_str()),
            ("data", "expected an object")
        );
        let err = envelope("message.received", r#"{"content":{"text":5}}"#)
            .events()
            .unwrap_err();
        assert_eq!(err.path, "data.content.text");
        assert!(err.to_string().contains("message.received"), "{err}");
        let err = envelope("messages.update", r#""x""#).events().unwrap_err();
        assert_eq!(err.path, "data");
        let err = envelope("message.receipt", r#"[{"key":5}]"#)
            .events()
            .unwrap_err();
        assert_eq!(err.path, "data[0].key");
    }
}

//! The envelope every delivery shares, and the kinds of event.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::one_pass::ObjectKey;
use super::received::MessageReceived;

/// What happened. New kinds will appear over time; they arrive as [`EventKind::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(with = "String")]
pub enum EventKind {
    /// `message.sent`
    MessageSent,
    /// `message.delivered`
    MessageDelivered,
    /// `message.read`
    MessageRead,
    /// `message.failed`
    MessageFailed,
    /// `messages.update`: delivery statuses (and other changes) of sent messages. What
    /// the server really emits for delivery progress (contract section 5).
    MessagesUpdate,
    /// `message.receipt`: who in a group received or read a message.
    MessageReceipt,
    /// `message.received`: an incoming message, button tap, list pick or poll vote.
    MessageReceived,
    /// `poll.vote`
    PollVote,
    /// `session.connected`
    SessionConnected,
    /// `session.disconnected`
    SessionDisconnected,
    /// `session.qr`
    SessionQr,
    /// `session.failed`
    SessionFailed,
    /// `webhook.test`
    WebhookTest,
    /// An event this version does not know, kept by name.
    Unknown(String),
}

impl EventKind {
    /// The 13 events known to this version.
    pub const KNOWN: [EventKind; 13] = [
        EventKind::MessageSent,
        EventKind::MessageDelivered,
        EventKind::MessageRead,
        EventKind::MessageFailed,
        EventKind::MessagesUpdate,
        EventKind::MessageReceipt,
        EventKind::MessageReceived,
        EventKind::PollVote,
        EventKind::SessionConnected,
        EventKind::SessionDisconnected,
        EventKind::SessionQr,
        EventKind::SessionFailed,
        EventKind::WebhookTest,
    ];

    /// The name on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::MessageSent => "message.sent",
            EventKind::MessageDelivered => "message.delivered",
            EventKind::MessageRead => "message.read",
            EventKind::MessageFailed => "message.failed",
            EventKind::MessagesUpdate => "messages.update",
            EventKind::MessageReceipt => "message.receipt",
            EventKind::MessageReceived => "message.received",
            EventKind::PollVote => "poll.vote",
            EventKind::SessionConnected => "session.connected",
            EventKind::SessionDisconnected => "session.disconnected",
            EventKind::SessionQr => "session.qr",
            EventKind::SessionFailed => "session.failed",
            EventKind::WebhookTest => "webhook.test",
            EventKind::Unknown(name) => name,
        }
    }
}

impl FromStr for EventKind {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(EventKind::named(s).unwrap_or_else(|| EventKind::Unknown(s.to_owned())))
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl EventKind {
    /// The kind named `name`, without allocating for a known one.
    fn named(name: &str) -> Option<EventKind> {
        Some(match name {
            "message.sent" => EventKind::MessageSent,
            "message.delivered" => EventKind::MessageDelivered,
            "message.read" => EventKind::MessageRead,
            "message.failed" => EventKind::MessageFailed,
            "messages.update" => EventKind::MessagesUpdate,
            "message.receipt" => EventKind::MessageReceipt,
            "message.received" => EventKind::MessageReceived,
            "poll.vote" => EventKind::PollVote,
            "session.connected" => EventKind::SessionConnected,
            "session.disconnected" => EventKind::SessionDisconnected,
            "session.qr" => EventKind::SessionQr,
            "session.failed" => EventKind::SessionFailed,
            "webhook.test" => EventKind::WebhookTest,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KindVisitor;
        impl Visitor<'_> for KindVisitor {
            type Value = EventKind;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event name")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EventKind, E> {
                Ok(EventKind::named(v).unwrap_or_else(|| EventKind::Unknown(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<EventKind, E> {
                Ok(EventKind::named(&v).unwrap_or(EventKind::Unknown(v)))
            }
        }
        d.deserialize_str(KindVisitor)
    }
}

/// One webhook delivery: `{"event", "sessionId", "timestamp", "deliveryId", "data"}`.
/// `data` is kept as raw JSON until asked for, so checking a delivery does not pay for
/// parsing a payload nobody reads; fields this version does not know are kept in `extra`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "webhook-event")]
pub struct WebhookEvent {
    /// What happened.
    pub event: EventKind,
    /// The session it happened on.
    pub session_id: String,
    /// When, as ISO-8601.
    pub timestamp: String,
    /// Unique per delivery attempt (not a dedupe key across retries: `data.messageId` is).
    pub delivery_id: String,
    /// The event's payload, as it came.
    #[schemars(with = "Value")]
    pub data: Box<RawValue>,
    /// Fields this version does not know, kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

impl PartialEq for WebhookEvent {
    fn eq(&self, other: &Self) -> bool {
        self.event == other.event
            && self.session_id == other.session_id
            && self.timestamp == other.timestamp
            && self.delivery_id == other.delivery_id
            && self.data.get() == other.data.get()
            && self.extra == other.extra
    }
}

impl WebhookEvent {
    /// The payload parsed as a generic JSON value.
    pub fn data_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.data.get())
    }

    /// The typed payload of a `message.received` event; `Ok(None)` for other events.
    pub fn message_received(&self) -> Result<Option<MessageReceived>, serde_json::Error> {
        if self.event != EventKind::MessageReceived {
            return Ok(None);
        }
        serde_json::from_str(self.data.get()).map(Some)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = WebhookEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WebhookEvent, A::Error> {
        use serde::de::Error;
        let mut event = None;
        let mut session_id = String::new();
        let mut timestamp = String::new();
        let mut delivery_id = String::new();
        let mut data = None;
        let mut extra = Map::new();
        while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
            match key.as_str() {
                "event" => event = Some(map.next_value::<EventKind>()?),
                "sessionId" => session_id = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "timestamp" => timestamp = lenient_text(map.next_value::<Value>()?),
                "deliveryId" => {
                    delivery_id = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                "data" => data = Some(map.next_value::<Box<RawValue>>()?),
                _ => {
                    let unknown = map.next_value::<Value>()?;
                    extra.insert(key.into_owned(), unknown);
                }
            }
        }
        let data = match data {
            Some(d) => d,
            None => RawValue::from_string("null".to_owned()).map_err(A::Error::custom)?,
        };
        Ok(WebhookEvent {
            event: event.ok_or_else(|| A::Error::missing_field("event"))?,
            session_id,
            timestamp,
            delivery_id,
            data,
            extra,
        })
    }
}

/// A timestamp may come as an ISO string or, from older senders, a number.
fn lenient_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_events_and_fields_are_kept() {
        let json = r#"{"event":"message.edited","sessionId":"s","timestamp":"t","deliveryId":"d","data":{"x":1},"attempt":2}"#;
        let e: WebhookEvent = serde_json::from_str(json).unwrap();
        assert_eq!(e.event, EventKind::Unknown("message.edited".into()));
        assert_eq!(e.extra["attempt"], 2);
        assert_eq!(serde_json::to_string(&e).unwrap(), json);
    }

    #[test]
    fn known_names_round_trip() {
        for k in EventKind::KNOWN {
            assert_eq!(k.as_str().parse::<EventKind>().unwrap(), k);
        }
    }
}

//! Reading a delivery's body straight into its typed events, for receivers that need
//! nothing else. One pass over the envelope: `data` is read where it lies, typed at once
//! when the kind came before it (as the server writes it), instead of being copied out
//! as raw JSON and parsed a second time.

use std::fmt;

use serde::de::{Deserializer, Error, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::event::{EventKind, WebhookEvent};
use super::one_pass::ObjectKey;
use super::typed_event::{DataError, Event, EventData, Payload};

/// Why a body did not read as a delivery's events.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadEventsError {
    /// The body is not a webhook envelope (serde's reason).
    #[error("the body is not a webhook event: {0}")]
    NotAnEvent(String),
    /// The envelope's `data` does not have the shape its kind promises.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl WebhookEvent {
    /// The typed events of a delivery's raw body: the same events, and the same errors,
    /// as parsing the envelope and calling [`events`](Self::events), at about half the
    /// cost, for a receiver that does not keep the envelope.
    ///
    /// # Errors
    /// [`ReadEventsError::NotAnEvent`] when the body is not an envelope,
    /// [`ReadEventsError::Data`] when its `data` is malformed for its kind.
    ///
    /// ```
    /// use wasphere_types::webhook::{Selection, WebhookEvent};
    ///
    /// let body = br#"{"event":"message.received","sessionId":"shop","timestamp":"2026-11-24T10:00:00Z","deliveryId":"d1",
    ///   "data":{"messageId":"R1","type":"conversation","content":{"text":"Yes","selectionId":"yes","interactiveKind":"button_reply"}}}"#;
    /// let events = WebhookEvent::read_events(body).unwrap();
    /// assert_eq!(events[0].selection().unwrap().id(), "yes");
    /// assert!(WebhookEvent::read_events(b"[1]").is_err());
    /// ```
    pub fn read_events(body: &[u8]) -> Result<Vec<Event>, ReadEventsError> {
        if let Some(events) = read_in_one_pass(body) {
            return Ok(events);
        }
        // The one-pass reader declines whatever it does not read; the full path then
        // gives exactly the answer it always gave.
        let envelope: WebhookEvent =
            serde_json::from_slice(body).map_err(|e| ReadEventsError::NotAnEvent(e.to_string()))?;
        Ok(envelope.events()?)
    }
}

/// The events, or `None` when the body is anything but a well-formed delivery.
fn read_in_one_pass(body: &[u8]) -> Option<Vec<Event>> {
    // Checking the UTF-8 of the whole body at once is cheaper than string by string, as
    // reading from bytes would; a body that is not UTF-8 is left to the full path.
    let body = std::str::from_utf8(body).ok()?;
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let read = deserializer.deserialize_map(EnvelopeReader).ok()?;
    deserializer.end().ok()?;
    read.into_events()
}

/// An envelope's fields that events carry.
struct Read<'de> {
    kind: EventKind,
    session_id: String,
    delivery_id: String,
    data: Data<'de>,
}

enum Data<'de> {
    /// Read as the kind (named before it) says.
    Typed(EventData),
    /// Left as it lies in the body, to be read once the kind is known.
    Raw(&'de RawValue),
}

impl Read<'_> {
    fn into_events(self) -> Option<Vec<Event>> {
        let data = match self.data {
            Data::Typed(data) => vec![data],
            Data::Raw(raw) => Payload {
                kind: &self.kind,
                data: raw.get(),
            }
            .typed_data()
            .ok()?,
        };
        // Every event carries the envelope's fields: copies for all but the last, which
        // takes them (most deliveries carry one event).
        let count = data.len();
        let mut data = data.into_iter();
        let mut events = Vec::with_capacity(count);
        for data in data.by_ref().take(count.saturating_sub(1)) {
            events.push(Event {
                kind: self.kind.clone(),
                session_id: self.session_id.clone(),
                delivery_id: self.delivery_id.clone(),
                data,
            });
        }
        if let Some(data) = data.next() {
            events.push(Event {
                kind: self.kind,
                session_id: self.session_id,
                delivery_id: self.delivery_id,
                data,
            });
        }
        Some(events)
    }
}

struct EnvelopeReader;

impl<'de> Visitor<'de> for EnvelopeReader {
    type Value = Read<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read<'de>, A::Error> {
        let mut kind: Option<EventKind> = None;
        let mut session_id = String::new();
        let mut delivery_id = String::new();
        let mut data = None;
        while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
            match key.as_str() {
                // A second kind could contradict how `data` was read: declined.
                "event" if kind.is_some() => return Err(A::Error::custom("event repeated")),
                "event" => kind = Some(map.next_value()?),
                "sessionId" => session_id = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "deliveryId" => {
                    delivery_id = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                "data" => {
                    data = Some(match &kind {
                        Some(EventKind::MessageReceived) => {
                            Data::Typed(EventData::Received(map.next_value()?))
                        }
                        Some(EventKind::PollVote) => {
                            Data::Typed(EventData::PollVote(map.next_value()?))
                        }
                        Some(EventKind::MessageSent) => {
                            Data::Typed(EventData::Sent(map.next_value()?))
                        }
                        _ => Data::Raw(map.next_value()?),
                    })
                }
                // The timestamp and unknown fields are not part of the events.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (kind, data) {
            (Some(kind), Some(data)) => Ok(Read {
                kind,
                session_id,
                delivery_id,
                data,
            }),
            _ => Err(A::Error::custom("event or data missing")),
        }
    }
}

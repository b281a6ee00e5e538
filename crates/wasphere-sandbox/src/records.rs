//! What the sandbox remembers for tests: accepted messages, answers by status, deliveries.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasphere_types::MessageType;

/// A message the sandbox accepted, as `GET /__sandbox/messages` lists it (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedMessage {
    /// The type from the URL.
    #[serde(rename = "type", with = "slug")]
    pub message_type: MessageType,
    /// The session from the URL.
    pub session: String,
    /// The part of the API key that is safe to show (`wsk_test_`).
    pub key_prefix: String,
    /// The request body as it came.
    pub body: serde_json::Value,
    /// The id the sandbox answered with.
    pub message_id: String,
    /// When the request was accepted.
    #[serde(with = "rfc3339")]
    pub received_at: SystemTime,
    /// The injected fault that replaced the answer, if any: the client may not know
    /// this message was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// One attempt to deliver a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    /// The event name (`message.sent`, `message.received`).
    pub event: String,
    /// The `data.messageId` of the event: the same across retries of one event.
    pub message_id: String,
    /// This attempt's `X-WaSphere-Delivery-Id` (new for every attempt).
    pub delivery_id: String,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// The subscriber's status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt failed without a status (connection refused, timeout).
    pub error: Option<String>,
    /// Whether the subscriber answered 2xx.
    pub delivered: bool,
    /// When the attempt finished.
    #[serde(with = "rfc3339")]
    pub at: SystemTime,
}

/// The shared, thread-safe memory of a running sandbox.
#[derive(Debug)]
pub(crate) struct Records {
    pub(crate) record_messages: bool,
    messages: Mutex<Vec<RecordedMessage>>,
    deliveries: Mutex<Vec<DeliveryRecord>>,
    requests_seen: AtomicU64,
    // Indexed by status code: a lock-free counter per status keeps the hot path cheap.
    statuses: Box<[AtomicU64]>,
}

impl Records {
    pub(crate) fn new(record_messages: bool) -> Self {
        Records {
            record_messages,
            messages: Mutex::new(Vec::new()),
            deliveries: Mutex::new(Vec::new()),
            requests_seen: AtomicU64::new(0),
            statuses: (0..600).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    pub(crate) fn request_seen(&self) {
        self.requests_seen.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn answered(&self, status: u16) {
        if let Some(counter) = self.statuses.get(usize::from(status)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn push_message(&self, message: RecordedMessage) {
        if self.record_messages {
            self.messages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(message);
        }
    }

    pub(crate) fn push_delivery(&self, delivery: DeliveryRecord) {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(delivery);
    }

    pub(crate) fn messages(&self) -> Vec<RecordedMessage> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn message_count(&self) -> usize {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub(crate) fn delivery_count(&self) -> usize {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub(crate) fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn requests_seen(&self) -> u64 {
        self.requests_seen.load(Ordering::Relaxed)
    }

    pub(crate) fn status_counts(&self) -> BTreeMap<u16, u64> {
        self.statuses
            .iter()
            .enumerate()
            .filter_map(|(status, n)| {
                let n = n.load(Ordering::Relaxed);
                let status = u16::try_from(status).ok()?;
                (n > 0).then_some((status, n))
            })
            .collect()
    }

    pub(crate) fn clear(&self) {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.requests_seen.store(0, Ordering::Relaxed);
        for n in self.statuses.iter() {
            n.store(0, Ordering::Relaxed);
        }
    }
}

/// `MessageType` as its URL slug.
mod slug {
    use super::*;

    pub(super) fn serialize<S: Serializer>(t: &MessageType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MessageType, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `SystemTime` as RFC 3339 with nanoseconds, so it round-trips exactly.
mod rfc3339 {
    use super::*;

    pub(super) fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_rfc3339_nanos(*t))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let s = String::deserialize(d)?;
        humantime::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_message_is_camel_case_and_round_trips() {
        let m = RecordedMessage {
            message_type: MessageType::ViewOnce,
            session: "my-session".into(),
            key_prefix: "wsk_test_".into(),
            body: serde_json::json!({"to": "1"}),
            message_id: "3EB0C767D097B7C7A5C1".into(),
            received_at: humantime::parse_rfc3339("2026-11-24T07:00:00.123Z").unwrap(),
            fault: None,
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["type"], "view-once");
        assert_eq!(json["keyPrefix"], "wsk_test_");
        assert_eq!(json["messageId"], "3EB0C767D097B7C7A5C1");
        assert_eq!(json["receivedAt"], "2026-11-24T07:00:00.123000000Z");
        assert!(json.get("fault").is_none());
        let back: RecordedMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn counts_by_status() {
        let r = Records::new(false);
        r.answered(201);
        r.answered(201);
        r.answered(429);
        r.answered(9999);
        assert_eq!(
            r.status_counts().into_iter().collect::<Vec<_>>(),
            [(201, 2), (429, 1)]
        );
        r.clear();
        assert!(r.status_counts().is_empty());
    }
}

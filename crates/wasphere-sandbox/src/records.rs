//! What the sandbox remembers for tests: accepted messages, answers by status, deliveries.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasphere_types::MessageType;

use crate::recorded_operation::RecordedOperation;
use crate::ring::Ring;

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
    #[serde(with = "crate::rfc3339")]
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
    #[serde(with = "crate::rfc3339")]
    pub at: SystemTime,
}

/// How many accepted messages (and webhook delivery attempts) a sandbox keeps by default.
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

/// However many messages are kept, their bodies take at most this much memory together
/// (the oldest are forgotten first): 10,000 bodies of the largest size would not fit.
pub const MAX_RECORD_BYTES: usize = 32 * 1024 * 1024;

/// An accepted message as kept: the body as the bytes that came, which take a fraction of
/// the memory of a parsed `serde_json::Value`. Read back as a [`RecordedMessage`].
#[derive(Debug)]
pub(crate) struct StoredMessage {
    pub(crate) message_type: MessageType,
    pub(crate) session: String,
    pub(crate) key_prefix: String,
    pub(crate) body: Box<[u8]>,
    pub(crate) message_id: String,
    pub(crate) received_at: SystemTime,
    pub(crate) fault: Option<String>,
}

impl StoredMessage {
    fn recorded(&self) -> RecordedMessage {
        RecordedMessage {
            message_type: self.message_type,
            session: self.session.clone(),
            key_prefix: self.key_prefix.clone(),
            // Only bodies that parsed were accepted, so this never falls back.
            body: serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null),
            message_id: self.message_id.clone(),
            received_at: self.received_at,
            fault: self.fault.clone(),
        }
    }
}

/// The shared, thread-safe memory of a running sandbox: the last
/// [`DEFAULT_RECORD_LIMIT`] (or the configured number of) accepted messages and webhook
/// delivery attempts, and counters that never grow in size.
#[derive(Debug)]
pub(crate) struct Records {
    limit: usize,
    messages: Mutex<Ring<StoredMessage>>,
    operations: Mutex<Ring<RecordedOperation>>,
    deliveries: Mutex<Ring<DeliveryRecord>>,
    requests_seen: AtomicU64,
    open_connections: AtomicUsize,
    // Indexed by status code: a lock-free counter per status keeps the hot path cheap.
    statuses: Box<[AtomicU64]>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Records {
    /// Keeps the last `limit` messages and deliveries (none when 0).
    pub(crate) fn new(limit: usize) -> Self {
        Records {
            limit,
            messages: Mutex::new(Ring::new(limit, MAX_RECORD_BYTES)),
            operations: Mutex::new(Ring::new(limit, MAX_RECORD_BYTES)),
            deliveries: Mutex::new(Ring::new(limit, usize::MAX)),
            requests_seen: AtomicU64::new(0),
            open_connections: AtomicUsize::new(0),
            statuses: (0..600).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// How many messages are kept at most.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    pub(crate) fn keeps_messages(&self) -> bool {
        self.limit > 0
    }

    /// Counts a connection as open until the returned guard is dropped.
    pub(crate) fn connection_opened(self: &Arc<Self>) -> OpenConnection {
        self.open_connections.fetch_add(1, Ordering::Relaxed);
        OpenConnection(Arc::clone(self))
    }

    pub(crate) fn open_connections(&self) -> usize {
        self.open_connections.load(Ordering::Relaxed)
    }

    pub(crate) fn request_seen(&self) {
        self.requests_seen.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn answered(&self, status: u16) {
        if let Some(counter) = self.statuses.get(usize::from(status)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn push_message(&self, message: StoredMessage) {
        let weight = message.body.len();
        lock(&self.messages).push(message, weight);
    }

    pub(crate) fn push_operation(&self, operation: RecordedOperation) {
        // An edit's text is the only part that can be long.
        let weight = operation.body.to_string().len();
        lock(&self.operations).push(operation, weight);
    }

    pub(crate) fn operations(&self) -> Vec<RecordedOperation> {
        lock(&self.operations).iter().cloned().collect()
    }

    /// Up to `limit` operations after sequence number `after`, with their numbers.
    pub(crate) fn operations_page(
        &self,
        after: u64,
        limit: usize,
    ) -> Vec<(u64, RecordedOperation)> {
        lock(&self.operations)
            .page(after, limit)
            .map(|(seq, o)| (seq, o.clone()))
            .collect()
    }

    pub(crate) fn push_delivery(&self, delivery: DeliveryRecord) {
        lock(&self.deliveries).push(delivery, 1);
    }

    pub(crate) fn messages(&self) -> Vec<RecordedMessage> {
        lock(&self.messages)
            .iter()
            .map(StoredMessage::recorded)
            .collect()
    }

    /// Up to `limit` messages after sequence number `after`, with their numbers.
    pub(crate) fn messages_page(&self, after: u64, limit: usize) -> Vec<(u64, RecordedMessage)> {
        lock(&self.messages)
            .page(after, limit)
            .map(|(seq, m)| (seq, m.recorded()))
            .collect()
    }

    pub(crate) fn message_count(&self) -> usize {
        lock(&self.messages).len()
    }

    /// How many messages were accepted (since the last clear), kept or not.
    pub(crate) fn messages_accepted(&self) -> u64 {
        lock(&self.messages).pushed()
    }

    pub(crate) fn delivery_count(&self) -> usize {
        lock(&self.deliveries).len()
    }

    pub(crate) fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.deliveries).iter().cloned().collect()
    }

    /// Up to `limit` delivery attempts after sequence number `after`, with their numbers.
    pub(crate) fn deliveries_page(&self, after: u64, limit: usize) -> Vec<(u64, DeliveryRecord)> {
        lock(&self.deliveries)
            .page(after, limit)
            .map(|(seq, d)| (seq, d.clone()))
            .collect()
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
        lock(&self.messages).clear();
        lock(&self.operations).clear();
        lock(&self.deliveries).clear();
        self.requests_seen.store(0, Ordering::Relaxed);
        for n in self.statuses.iter() {
            n.store(0, Ordering::Relaxed);
        }
    }
}

/// A connection counted in [`Records::open_connections`] while it lives.
#[derive(Debug)]
pub(crate) struct OpenConnection(Arc<Records>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Ordering::Relaxed);
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

    fn stored(n: usize, body: &str) -> StoredMessage {
        StoredMessage {
            message_type: MessageType::Text,
            session: "my-session".into(),
            key_prefix: "wsk_test_".into(),
            body: body.as_bytes().into(),
            message_id: format!("{n:020}"),
            received_at: SystemTime::UNIX_EPOCH,
            fault: None,
        }
    }

    /// Issue 12, item 2: the record grew without end. It keeps the last N messages.
    #[test]
    fn keeps_the_last_n_messages() {
        let r = Records::new(3);
        for n in 0..10 {
            r.push_message(stored(n, r#"{"to":"1","text":"hi"}"#));
        }
        let kept: Vec<String> = r.messages().into_iter().map(|m| m.message_id).collect();
        assert_eq!(
            kept,
            [
                format!("{:020}", 7),
                format!("{:020}", 8),
                format!("{:020}", 9)
            ]
        );
        assert_eq!(r.messages_accepted(), 10);
        let page = r.messages_page(8, 10);
        assert_eq!(page.len(), 2);
        assert_eq!(page[0].0, 9);
        assert_eq!(page[0].1.body["text"], "hi");
        let none = Records::new(0);
        none.push_message(stored(1, "{}"));
        assert!(none.messages().is_empty());
        assert_eq!(none.messages_accepted(), 1);
    }

    #[test]
    fn counts_by_status() {
        let r = Records::new(0);
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

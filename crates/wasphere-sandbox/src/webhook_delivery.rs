//! Signed webhook deliveries with retries, in the background so sends never wait.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use wasphere_types::webhook::{
    DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSecret, sign,
};

use crate::records::{DeliveryRecord, Records};

/// How long a subscriber has to answer (contract section 5).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// When the simulated recipient receives and reads each sent message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusDelays {
    pub(crate) delivered_after: Duration,
    pub(crate) read_after: Duration,
}

/// An event waiting to be delivered.
#[derive(Debug)]
pub(crate) struct OutgoingEvent {
    /// `message.sent`, `message.received`, …
    pub(crate) event: &'static str,
    pub(crate) session: String,
    /// `data.messageId`, kept for the delivery records.
    pub(crate) message_id: String,
    pub(crate) data: Value,
    /// How long after queuing the first attempt goes out (a simulated delivery status
    /// comes some time after the send).
    pub(crate) after: Duration,
}

/// The send side of the delivery queue. Queuing never blocks and never fails the send:
/// if the dispatcher has stopped (shutdown), the event is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    tx: mpsc::UnboundedSender<OutgoingEvent>,
}

impl Outbox {
    pub(crate) fn queue(&self, event: OutgoingEvent) {
        if self.tx.send(event).is_err() {
            tracing::debug!("webhook dispatcher stopped; event dropped");
        }
    }
}

/// Where and how to deliver.
pub(crate) struct Subscriber {
    pub(crate) url: String,
    pub(crate) secret: WebhookSecret,
    pub(crate) retry_delays: Vec<Duration>,
}

/// Starts the dispatcher: one task per event, each trying the first attempt at once and
/// retrying on `retry_delays`. All of them stop when `shutdown` changes or is dropped.
pub(crate) fn spawn_dispatcher(
    subscriber: Subscriber,
    records: Arc<Records>,
    mut shutdown: watch::Receiver<bool>,
) -> Outbox {
    let (tx, mut rx) = mpsc::unbounded_channel::<OutgoingEvent>();
    let client = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        // Deliveries go straight to the subscriber, never through an environment proxy.
        .no_proxy()
        .build()
        .unwrap_or_else(|e| {
            tracing::warn!("webhook client with defaults, custom one failed: {e}");
            reqwest::Client::new()
        });
    let subscriber = Arc::new(subscriber);
    tokio::spawn(async move {
        let mut running = JoinSet::new();
        loop {
            tokio::select! {
                event = rx.recv() => {
                    let Some(event) = event else { break };
                    running.spawn(deliver(
                        client.clone(),
                        Arc::clone(&subscriber),
                        Arc::clone(&records),
                        event,
                    ));
                }
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = shutdown.changed() => break,
            }
        }
        // Dropping the set aborts deliveries still waiting for a retry.
        running.abort_all();
    });
    Outbox { tx }
}

async fn deliver(
    client: reqwest::Client,
    subscriber: Arc<Subscriber>,
    records: Arc<Records>,
    event: OutgoingEvent,
) {
    if !event.after.is_zero() {
        tokio::time::sleep(event.after).await;
    }
    let attempts = subscriber.retry_delays.len() + 1;
    for attempt in 1..=attempts {
        if let Some(&delay) = attempt
            .checked_sub(2)
            .and_then(|i| subscriber.retry_delays.get(i))
        {
            tokio::time::sleep(delay).await;
        }
        let delivery_id = new_delivery_id();
        let now = SystemTime::now();
        let unix = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let body = json!({
            "event": event.event,
            "sessionId": event.session,
            "timestamp": humantime::format_rfc3339_millis(now).to_string(),
            "deliveryId": delivery_id,
            "data": event.data,
        })
        .to_string();
        let signature = sign(&subscriber.secret, unix, body.as_bytes());
        let result = client
            .post(&subscriber.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, event.event)
            .header(TIMESTAMP_HEADER, unix.to_string())
            .header(SIGNATURE_HEADER, signature)
            .header(DELIVERY_ID_HEADER, &delivery_id)
            .body(body)
            .send()
            .await;
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(describe(&e))),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        tracing::debug!(
            event = event.event,
            attempt,
            ?status,
            delivered,
            "webhook delivery attempt"
        );
        records.push_delivery(DeliveryRecord {
            event: event.event.to_owned(),
            message_id: event.message_id.clone(),
            delivery_id,
            attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
            status,
            error,
            delivered,
            at: SystemTime::now(),
        });
        if delivered {
            return;
        }
    }
}

/// A short reason without the URL's query (which may carry a token).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        e.to_string()
            .split(" for url")
            .next()
            .unwrap_or("request failed")
            .to_owned()
    }
}

/// 32 lowercase hex characters, new for every attempt.
pub(crate) fn new_delivery_id() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_ids_are_32_hex_and_fresh() {
        let a = new_delivery_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_delivery_id());
    }
}

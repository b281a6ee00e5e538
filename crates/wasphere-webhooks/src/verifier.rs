//! Turning a request's headers and raw bytes into verified, typed events.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderName, header};
use bytes::BytesMut;
use wasphere_types::webhook::{
    Event, ReadEventsError, WebhookEvent, WebhookSecret, verify_signature_any,
};

use crate::clock::{Clock, SystemClock};
use crate::rejection::Rejection;

/// The contract's header names, lowercased once here rather than on every lookup.
const TIMESTAMP: HeaderName = HeaderName::from_static("x-wasphere-timestamp");
const SIGNATURE: HeaderName = HeaderName::from_static("x-wasphere-signature");

/// The largest body accepted by default: 1 MiB, far above any real event.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Checks deliveries: the body size cap, the signature over the raw bytes (constant time,
/// any of the configured secrets), the timestamp within 300 s of the clock, then the
/// envelope and its typed events. Cheap to clone; secrets never appear in `Debug`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use axum::http::HeaderMap;
/// use wasphere_webhooks::{Verifier, WebhookSecret};
/// use wasphere_webhooks::types::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
///
/// let secret = WebhookSecret::new("whsec-new");
/// let verifier = Verifier::new(secret.clone())
///     .also_accept(WebhookSecret::new("whsec-old")) // during a rotation
///     .clock(|| UNIX_EPOCH + Duration::from_secs(1_795_000_000));
///
/// let body = br#"{"event":"messages.update","sessionId":"s","timestamp":"2026-11-24T10:00:00Z","deliveryId":"d","data":[{"messageId":"M1","status":4}]}"#;
/// let mut headers = HeaderMap::new();
/// headers.insert(TIMESTAMP_HEADER, "1795000000".parse().unwrap());
/// headers.insert(SIGNATURE_HEADER, sign(&secret, 1_795_000_000, body).parse().unwrap());
///
/// let delivery = verifier.verify(&headers, body).unwrap();
/// assert_eq!(delivery.events[0].message_id(), Some("M1"));
/// assert!(verifier.verify(&HeaderMap::new(), body).is_err());
/// ```
#[derive(Clone)]
pub struct Verifier {
    secrets: Arc<[WebhookSecret]>,
    clock: Arc<dyn Clock>,
    max_body: usize,
}

/// A verified delivery: its envelope and the typed events it carries (one for most
/// kinds, one per item of `messages.update` and `message.receipt`).
///
/// In an axum handler it is also an extractor, given a [`Verifier`] in the state:
///
/// ```
/// use axum::{Router, routing::post, http::StatusCode};
/// use wasphere_webhooks::{Delivery, Verifier, WebhookSecret};
///
/// async fn hooks(delivery: Delivery) -> StatusCode {
///     for event in &delivery.events {
///         println!("{} {:?}", event.kind, event.message_id());
///     }
///     StatusCode::OK
/// }
///
/// let app: Router = Router::new()
///     .route("/hooks", post(hooks))
///     .with_state(Verifier::new(WebhookSecret::new("whsec-demo")));
/// ```
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The envelope as it came (session, delivery id, raw `data`, unknown fields).
    pub envelope: WebhookEvent,
    /// What happened, typed.
    pub events: Vec<Event>,
}

impl Verifier {
    /// A verifier for deliveries signed with `secret`, with a 1 MiB body cap and the
    /// system clock.
    pub fn new(secret: WebhookSecret) -> Self {
        Verifier {
            secrets: Arc::from(vec![secret]),
            clock: Arc::new(SystemClock),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Accepts deliveries signed with `secret` too: while a secret is rotated, accept
    /// the old and the new one, then drop the old.
    pub fn also_accept(mut self, secret: WebhookSecret) -> Self {
        let mut secrets = self.secrets.to_vec();
        secrets.push(secret);
        self.secrets = Arc::from(secrets);
        self
    }

    /// Refuses bodies over `bytes` with 413 without reading them further.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Where "now" comes from for the timestamp window (tests fix it).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The body size cap, in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body
    }

    /// Reads a request body up to the cap: a `Content-Length` over it is refused before
    /// a byte is read, and a body that grows past it stops being read at the cap.
    ///
    /// # Errors
    /// [`Rejection::BodyTooLarge`], or [`Rejection::BodyUnreadable`] when the connection
    /// fails mid-body.
    pub async fn read_body(&self, headers: &HeaderMap, body: Body) -> Result<Bytes, Rejection> {
        let too_large = Rejection::BodyTooLarge {
            limit: self.max_body,
        };
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_body as u64) {
            return Err(too_large);
        }
        let mut body = body;
        let mut read = BodyBuffer::Empty;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|_| Rejection::BodyUnreadable)?;
            let Ok(chunk) = frame.into_data() else {
                continue; // trailers carry nothing that is signed
            };
            if read.len() + chunk.len() > self.max_body {
                return Err(too_large);
            }
            read.push(chunk, declared);
        }
        Ok(read.into_bytes())
    }

    /// Verifies the signature and timestamp headers over the raw `body`, then reads the
    /// envelope and its typed events.
    ///
    /// # Errors
    /// [`Rejection::Unauthentic`] for a missing, malformed, stale or wrong signature (no
    /// JSON is parsed then); [`Rejection::NotAnEvent`] or [`Rejection::MalformedData`]
    /// for an authentic body that is not an event.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, Rejection> {
        self.authenticate(headers, body)?;
        let envelope: WebhookEvent =
            serde_json::from_slice(body).map_err(|e| Rejection::NotAnEvent(e.to_string()))?;
        let events = envelope.events().map_err(Rejection::MalformedData)?;
        Ok(Delivery { envelope, events })
    }

    /// [`verify`](Self::verify) for a handler that needs only the events: the same
    /// checks and the same answers, with the body read in one pass
    /// ([`WebhookEvent::read_events`]). The [`Receiver`](crate::Receiver) uses it.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_events(&self, headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>, Rejection> {
        self.authenticate(headers, body)?;
        WebhookEvent::read_events(body).map_err(|e| match e {
            ReadEventsError::Data(e) => Rejection::MalformedData(e),
            ReadEventsError::NotAnEvent(reason) => Rejection::NotAnEvent(reason),
            other => Rejection::NotAnEvent(other.to_string()),
        })
    }

    /// The signature and timestamp headers checked over the raw bytes; no JSON is read.
    fn authenticate(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Rejection> {
        let header = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        verify_signature_any(
            &self.secrets,
            header(&TIMESTAMP),
            header(&SIGNATURE),
            body,
            self.clock.now(),
        )
        .map_err(Rejection::Unauthentic)
    }
}

/// A body as it arrives: the first chunk is kept as it came (most deliveries are one
/// chunk, so nothing is copied); later chunks are gathered into one buffer sized from
/// `Content-Length` when the sender gave one.
enum BodyBuffer {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl BodyBuffer {
    fn len(&self) -> usize {
        match self {
            BodyBuffer::Empty => 0,
            BodyBuffer::One(b) => b.len(),
            BodyBuffer::Many(b) => b.len(),
        }
    }

    fn push(&mut self, chunk: Bytes, declared: Option<u64>) {
        *self = match std::mem::replace(self, BodyBuffer::Empty) {
            BodyBuffer::Empty => BodyBuffer::One(chunk),
            BodyBuffer::One(first) => {
                let expected = declared
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0)
                    .max(first.len() + chunk.len());
                let mut all = BytesMut::with_capacity(expected);
                all.extend_from_slice(&first);
                all.extend_from_slice(&chunk);
                BodyBuffer::Many(all)
            }
            BodyBuffer::Many(mut all) => {
                all.extend_from_slice(&chunk);
                BodyBuffer::Many(all)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            BodyBuffer::Empty => Bytes::new(),
            BodyBuffer::One(b) => b,
            BodyBuffer::Many(b) => b.freeze(),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.secrets.len())
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

    #[test]
    fn the_lowercased_names_are_the_contracts() {
        assert!(TIMESTAMP.as_str().eq_ignore_ascii_case(TIMESTAMP_HEADER));
        assert!(SIGNATURE.as_str().eq_ignore_ascii_case(SIGNATURE_HEADER));
    }
}

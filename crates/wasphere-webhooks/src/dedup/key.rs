//! The identity of an event: what stays the same when the server retries a delivery.

use sha2::{Digest, Sha256};
use wasphere_types::webhook::{Event, EventData};

/// Keys longer than this are replaced by their hash, so a store's memory per key is
/// bounded whatever the sender puts in an id.
const MAX_KEY_BYTES: usize = 200;

/// The deduplication key of `event`. The server retries a failed delivery with a new
/// delivery id and timestamp but the same `data`, so the key is built from the data:
///
/// | event | key |
/// |---|---|
/// | `message.received`, `poll.vote`, `message.sent` | `{sessionId} {event} {messageId}` |
/// | a delivery status (an item of `messages.update`, or `message.delivered` / `message.read` / `message.failed`) | `{sessionId} status {messageId} {status}`, status as `sent`, `delivered`, `read`, `played`, `failed` or the number |
/// | anything else (receipts, session events, `webhook.test`, unknown kinds, updates that are not statuses, a message without an id) | `{sessionId} {event} sha256:{hex}` of the event's JSON |
///
/// A status is keyed by what it says, not by the event that carried it: "M1 delivered"
/// reported by `messages.update` and again by a `message.delivered` is one event.
/// A key over 200 bytes is replaced by `sha256:{hex}` of itself.
///
/// ```
/// use wasphere_webhooks::dedup::key;
/// use wasphere_webhooks::types::WebhookEvent;
///
/// let body = r#"{"event":"messages.update","sessionId":"shop","timestamp":"t","deliveryId":"d",
///   "data":[{"key":{"id":"3EB0C767D097B7C7A5C1"},"update":{"status":3}}]}"#;
/// let envelope: WebhookEvent = serde_json::from_str(body).unwrap();
/// let event = &envelope.events().unwrap()[0];
/// assert_eq!(key(event), "shop status 3EB0C767D097B7C7A5C1 delivered");
/// ```
pub fn key(event: &Event) -> String {
    let session = event.session_id.as_str();
    // Built by pushing parts into one buffer of the right size: this runs for every
    // event, and `format!` would grow the string several times.
    let key = match (&event.data, event.message_id()) {
        (EventData::Received(_) | EventData::PollVote(_) | EventData::Sent(_), Some(id)) => {
            joined(&[session, event.kind.as_str(), id])
        }
        (EventData::Status(s), _) => match s.status.as_word() {
            Some(word) => joined(&[session, "status", &s.message_id, word]),
            None => {
                let code = s.status.code().unwrap_or_default().to_string();
                joined(&[session, "status", &s.message_id, &code])
            }
        },
        (data, _) => {
            let hash = format!("sha256:{}", content_hash(data));
            joined(&[session, event.kind.as_str(), &hash])
        }
    };
    if key.len() > MAX_KEY_BYTES {
        format!("sha256:{}", hex::encode(Sha256::digest(key.as_bytes())))
    } else {
        key
    }
}

/// `parts` separated by single spaces.
fn joined(parts: &[&str]) -> String {
    let len = parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut key = String::with_capacity(len);
    for part in parts {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(part);
    }
    key
}

/// A hash of the event's JSON: the same data gives the same hash on every retry.
fn content_hash(data: &EventData) -> String {
    let json = match data {
        EventData::Received(m) | EventData::PollVote(m) => serde_json::to_vec(m),
        EventData::Sent(m) => serde_json::to_vec(m),
        EventData::Status(s) => serde_json::to_vec(s),
        EventData::Receipt(r) => serde_json::to_vec(r),
        EventData::Session(v) | EventData::Test(v) | EventData::Other(v) => serde_json::to_vec(v),
        // EventData is non-exhaustive; a newer variant is hashed by its debug form.
        other => Ok(format!("{other:?}").into_bytes()),
    }
    .unwrap_or_default();
    hex::encode(&Sha256::digest(&json)[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::webhook::WebhookEvent;

    fn events(event: &str, session: &str, delivery: &str, data: &str) -> Vec<Event> {
        let body = format!(
            r#"{{"event":"{event}","sessionId":"{session}","timestamp":"t","deliveryId":"{delivery}","data":{data}}}"#
        );
        serde_json::from_str::<WebhookEvent>(&body)
            .unwrap()
            .events()
            .unwrap()
    }

    #[test]
    fn retries_share_a_key_and_different_events_do_not() {
        let reply = r#"{"messageId":"R1","type":"conversation","content":{"text":"Yes"}}"#;
        let first = key(&events("message.received", "s", "d1", reply)[0]);
        assert_eq!(first, "s message.received R1");
        assert_eq!(first, key(&events("message.received", "s", "d2", reply)[0]));
        assert_ne!(
            first,
            key(&events("message.received", "other", "d1", reply)[0])
        );
        assert_ne!(first, key(&events("poll.vote", "s", "d1", reply)[0]));
    }

    #[test]
    fn a_status_is_one_event_whichever_way_it_came() {
        let baileys = events(
            "messages.update",
            "s",
            "d",
            r#"[{"key":{"id":"M"},"update":{"status":3}},{"key":{"id":"M"},"update":{"status":4}}]"#,
        );
        let meta = events(
            "messages.update",
            "s",
            "d",
            r#"[{"messageId":"M","status":3}]"#,
        );
        let named = events("message.delivered", "s", "d", r#"{"messageId":"M"}"#);
        assert_eq!(key(&baileys[0]), "s status M delivered");
        assert_eq!(key(&baileys[0]), key(&meta[0]));
        assert_eq!(key(&baileys[0]), key(&named[0]));
        assert_eq!(key(&baileys[1]), "s status M read");
        let unnamed = events(
            "messages.update",
            "s",
            "d",
            r#"[{"messageId":"M","status":9}]"#,
        );
        assert_eq!(key(&unnamed[0]), "s status M 9");
    }

    #[test]
    fn events_without_an_id_are_keyed_by_their_content() {
        let a = key(&events("session.connected", "s", "d1", r#"{"phone":"1"}"#)[0]);
        assert!(a.starts_with("s session.connected sha256:"), "{a}");
        assert_eq!(
            a,
            key(&events("session.connected", "s", "d2", r#"{"phone":"1"}"#)[0])
        );
        assert_ne!(
            a,
            key(&events("session.connected", "s", "d1", r#"{"phone":"2"}"#)[0])
        );
    }

    #[test]
    fn long_keys_are_hashed() {
        let id = "x".repeat(500);
        let k = key(&events(
            "message.sent",
            "s",
            "d",
            &format!(r#"{{"messageId":"{id}"}}"#),
        )[0]);
        assert!(k.starts_with("sha256:") && k.len() == 7 + 64, "{k}");
    }
}

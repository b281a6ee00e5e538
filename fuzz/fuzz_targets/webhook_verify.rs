//! Webhook verification over arbitrary headers, body and clock, and the parsing of what
//! verifies: the envelope, its `data`, a `message.received` and its selection, and the
//! typed events of every kind (statuses, receipts, sent messages), including the error
//! that places malformed `data` by its path in the raw JSON.
//!
//! Input, split at the first four newlines: `secret`, `X-WaSphere-Timestamp` (absent when
//! empty), `X-WaSphere-Signature` (absent when empty), the receiver's clock in Unix seconds,
//! then the raw body. The seeds are real signed deliveries, so mutations start from the
//! path where everything verifies.
//!
//! Checked beyond "no panic": a delivery signed with the secret verifies at its own
//! timestamp, the same signature over another body or under another secret does not, and
//! a parsed envelope serializes and parses back to itself.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use wasphere_types::webhook::{
    MessageReceived, VerifyError, WebhookEvent, WebhookSecret, sign, verify, verify_signature,
};

/// Clocks are kept below 2^40 s (about 35,000 years), far beyond any real one.
const CLOCK_LIMIT: u64 = 1 << 40;

fuzz_target!(|input: &[u8]| {
    let mut parts = input.splitn(5, |&b| b == b'\n');
    let secret = parts.next().unwrap_or_default();
    let timestamp = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let signature = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let now_secs: u64 = std::str::from_utf8(parts.next().unwrap_or_default())
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = parts.next().unwrap_or_default();
    let header = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let (timestamp, signature) = (header(&timestamp), header(&signature));

    let secret_key = WebhookSecret::new(secret);
    let now = UNIX_EPOCH + Duration::from_secs(now_secs % CLOCK_LIMIT);

    // Whatever the headers say, verification answers without panicking.
    if let Ok(event) = verify(
        &secret_key,
        timestamp.as_deref(),
        signature.as_deref(),
        body,
        now,
    ) {
        exercise(&event);
    }

    // A delivery signed here verifies at its own time, whatever the body.
    let signed_at = i64::try_from(now_secs % CLOCK_LIMIT).unwrap_or_default();
    let own_signature = sign(&secret_key, signed_at, body);
    let own_timestamp = signed_at.to_string();
    assert_eq!(
        verify_signature(
            &secret_key,
            Some(&own_timestamp),
            Some(&own_signature),
            body,
            now
        ),
        Ok(())
    );

    // The same signature does not verify another body, or under another secret. (HMAC pads
    // short keys with zero bytes, so the other secret appends 1, not 0.)
    let mut other_body = body.to_vec();
    other_body.push(b' ');
    assert_eq!(
        verify_signature(
            &secret_key,
            Some(&own_timestamp),
            Some(&own_signature),
            &other_body,
            now
        ),
        Err(VerifyError::BadSignature)
    );
    let mut other_secret = secret.to_vec();
    other_secret.push(1);
    assert_eq!(
        verify_signature(
            &WebhookSecret::new(other_secret),
            Some(&own_timestamp),
            Some(&own_signature),
            body,
            now
        ),
        Err(VerifyError::BadSignature)
    );

    // The envelope parser on its own, whether or not the signature held.
    if let Ok(event) = serde_json::from_slice::<WebhookEvent>(body) {
        exercise(&event);
    }
});

fn exercise(event: &WebhookEvent) {
    let _ = event.data_value();
    match event.events() {
        Ok(events) => {
            for typed in &events {
                let _ = (typed.message_id(), typed.selection(), typed.status());
            }
        }
        Err(error) => {
            let said = error.to_string();
            assert!(
                said.contains(&error.path),
                "a data error names its path: {said}"
            );
        }
    }
    if let Ok(Some(received)) = event.message_received() {
        if let Some(selection) = received.selection() {
            let _ = selection.id();
        }
        let json = serde_json::to_vec(&received).expect("a parsed message.received serializes");
        let again: MessageReceived = match serde_json::from_slice(&json) {
            Ok(again) => again,
            Err(e) => panic!(
                "the JSON of a parsed message.received does not parse: {e}\n{}",
                String::from_utf8_lossy(&json)
            ),
        };
        assert_eq!(again, received, "message.received round trip changed it");
    }
    let json = serde_json::to_vec(event).expect("a parsed envelope serializes");
    let again: WebhookEvent = match serde_json::from_slice(&json) {
        Ok(again) => again,
        Err(e) => panic!(
            "the JSON of a parsed envelope does not parse: {e}\n{}",
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(&again, event, "envelope round trip changed it");
}

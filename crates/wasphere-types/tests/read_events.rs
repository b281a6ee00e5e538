//! `WebhookEvent::read_events` (one pass over the body) answers exactly what parsing the
//! envelope and calling `events()` answers: the same events, or the same error, for every
//! combination of kinds, payload shapes, field orders and oddities below.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use wasphere_types::webhook::{ReadEventsError, WebhookEvent};

const KINDS: &[&str] = &[
    r#""message.received""#,
    r#""poll.vote""#,
    r#""message.sent""#,
    r#""messages.update""#,
    r#""message.delivered""#,
    r#""message.read""#,
    r#""message.failed""#,
    r#""message.receipt""#,
    r#""session.connected""#,
    r#""webhook.test""#,
    r#""message.edited""#,
    r#""message\u002ereceived""#,
    "null",
    "5",
];

const DATA: &[&str] = &[
    r#"{"messageId":"R1","from":"923001234567@s.whatsapp.net","sender":"Ann","isGroup":false,"timestamp":"1795000000","type":"conversation","content":{"text":"Yes","selectionId":"yes","interactiveKind":"button_reply","future":[1]},"message":{"buttonsResponseMessage":{"selectedButtonId":"yes"}},"pushName":"Ann"}"#,
    r#"{"to":"923001234567","messageId":"S1","type":"text","content":{"text":"hi"},"timestamp":1795000000}"#,
    r#"[{"key":{"id":"M1","fromMe":true},"update":{"status":3}},{"messageId":"M2","status":"READ"},{"key":{"id":"M3"},"update":{"message":{"edited":true}}}]"#,
    r#"{"messageId":"M4","status":4}"#,
    r#"[{"key":{"id":"M5","remoteJid":"1@g.us"},"receipt":{"userJid":"2@s.whatsapp.net","readTimestamp":1795000000}}]"#,
    r#"{"messageId":5}"#,
    r#"{"content":{"text":7}}"#,
    r#"{"content":{"interactiveKind":3}}"#,
    r#""a string""#,
    "null",
    "[]",
    "[1,2]",
    r#"{"message\u0049d":"E1","type":"conversation"}"#,
    "{}",
];

/// Field orders and oddities around the kind `k` and data `d`.
fn bodies(k: &str, d: &str) -> Vec<String> {
    let head = r#""sessionId":"shop","timestamp":"2026-11-24T10:00:00Z","deliveryId":"d1""#;
    vec![
        format!(r#"{{"event":{k},{head},"data":{d}}}"#),
        format!(r#"{{"data":{d},{head},"event":{k}}}"#),
        format!(r#"{{"event":{k},"data":{d}}}"#),
        format!(r#"{{"event":{k},{head}}}"#),
        format!(r#"{{{head},"data":{d}}}"#),
        format!(
            r#"{{"event":{k},"sessionId":null,"deliveryId":7,"timestamp":1795000000,"data":{d},"attempt":2}}"#
        ),
        format!(r#"{{"event":{k},"data":{d},"event":"poll.vote"}}"#),
        format!(r#"{{"event":{k},"data":"x","data":{d}}}"#),
        format!(r#"{{"event":{k},"data":{d}}} trailing"#),
        format!(r#"[{{"event":{k},"data":{d}}}]"#),
        format!(r#"{{"event":{k},"data":{d}"#),
    ]
}

fn full_path(body: &[u8]) -> Result<Vec<wasphere_types::webhook::Event>, ReadEventsError> {
    let envelope: WebhookEvent =
        serde_json::from_slice(body).map_err(|e| ReadEventsError::NotAnEvent(e.to_string()))?;
    Ok(envelope.events()?)
}

#[test]
fn one_pass_and_the_full_path_agree_on_every_body() {
    let (mut compared, mut read, mut refused) = (0, 0, 0);
    for k in KINDS {
        for d in DATA {
            for body in bodies(k, d) {
                let one_pass = WebhookEvent::read_events(body.as_bytes());
                assert_eq!(one_pass, full_path(body.as_bytes()), "{body}");
                compared += 1;
                match one_pass {
                    Ok(_) => read += 1,
                    Err(_) => refused += 1,
                }
            }
        }
    }
    // Both outcomes must be well represented for the comparison to mean anything.
    assert!(
        read > 300 && refused > 300,
        "{read} read, {refused} refused"
    );
    println!("{compared} bodies: {read} read, {refused} refused, identically");
}

#[test]
fn a_status_list_becomes_one_event_per_item_carrying_the_envelope() {
    let body = br#"{"event":"messages.update","sessionId":"shop","timestamp":"t","deliveryId":"d9","data":[{"key":{"id":"M1"},"update":{"status":3}},{"messageId":"M2","status":4}]}"#;
    let events = WebhookEvent::read_events(body).unwrap();
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(
            (event.session_id.as_str(), event.delivery_id.as_str()),
            ("shop", "d9")
        );
    }
    assert_eq!(events[0].message_id(), Some("M1"));
    assert_eq!(events[1].message_id(), Some("M2"));
}

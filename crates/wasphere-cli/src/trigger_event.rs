//! Realistic webhook bodies for `webhook trigger`, shaped as the server sends them
//! (contract section 5).

use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde_json::{Value, json};

use crate::cli::TriggerEvent;

/// What to put in the event.
pub(crate) struct TriggerSpec<'a> {
    pub(crate) event: TriggerEvent,
    pub(crate) session: &'a str,
    /// The message replied to, or whose status is reported.
    pub(crate) message_id: &'a str,
    pub(crate) selection: Option<&'a str>,
}

/// The simulated customer.
const CUSTOMER: &str = "923001234567@s.whatsapp.net";

/// The event's wire name and its whole body.
pub(crate) fn body(spec: &TriggerSpec<'_>, now: SystemTime) -> (&'static str, Value) {
    let unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let original = spec.message_id;
    let (event, data) = match spec.event {
        TriggerEvent::Button => {
            let id = spec.selection.unwrap_or("btn1");
            let label = format!("Option {id}");
            (
                "message.received",
                received(
                    unix,
                    "conversation",
                    json!({
                        "text": label, "selectionId": id, "interactiveKind": "button_reply",
                    }),
                    json!({"buttonsResponseMessage": {
                        "selectedButtonId": id, "selectedDisplayText": label,
                        "contextInfo": {"stanzaId": original},
                    }}),
                ),
            )
        }
        TriggerEvent::List => {
            let id = spec.selection.unwrap_or("row1");
            let title = format!("Row {id}");
            (
                "message.received",
                received(
                    unix,
                    "conversation",
                    json!({
                        "text": title, "selectionId": id, "selectionDescription": "Picked from the list",
                        "interactiveKind": "list_reply",
                    }),
                    json!({"listResponseMessage": {
                        "title": title, "singleSelectReply": {"selectedRowId": id},
                        "contextInfo": {"stanzaId": original},
                    }}),
                ),
            )
        }
        TriggerEvent::Poll => {
            let option = spec.selection.unwrap_or("Yes");
            (
                "message.received",
                received(
                    unix,
                    "poll_vote",
                    json!({
                        "pollMessageId": original, "pollName": "Your choice?",
                        "selectedOptions": [option], "text": option,
                    }),
                    json!({"pollUpdateMessage": {
                        "pollCreationMessageKey": {"id": original, "fromMe": true},
                    }}),
                ),
            )
        }
        TriggerEvent::Sent => (
            "message.sent",
            json!({
                "to": "923001234567", "messageId": original, "type": "text",
                "content": {"text": "Hello from wasphere webhook trigger"}, "timestamp": unix,
            }),
        ),
        TriggerEvent::Delivered => ("messages.update", status_update(original, 3)),
        TriggerEvent::Read => ("messages.update", status_update(original, 4)),
    };
    let body = json!({
        "event": event,
        "sessionId": spec.session,
        "timestamp": humantime::format_rfc3339_millis(now).to_string(),
        "deliveryId": new_hex_id(),
        "data": data,
    });
    (event, body)
}

fn received(unix: u64, kind: &str, content: Value, raw: Value) -> Value {
    json!({
        "messageId": new_message_id(),
        "from": CUSTOMER,
        "sender": "Trigger Customer",
        "senderJid": CUSTOMER,
        "senderPn": CUSTOMER,
        "isGroup": false,
        "timestamp": unix,
        "type": kind,
        "content": content,
        "message": raw,
    })
}

fn status_update(message_id: &str, status: u8) -> Value {
    json!([{
        "key": {"remoteJid": CUSTOMER, "fromMe": true, "id": message_id, "participant": null},
        "update": {"status": status},
    }])
}

/// 20 upper-case hex characters, like WhatsApp's message ids.
pub(crate) fn new_message_id() -> String {
    format!("{:020X}", rand::rng().random::<u128>() >> 48)
}

/// 32 lowercase hex characters, like a delivery id.
fn new_hex_id() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::webhook::{DeliveryStatus, EventData, Selection, WebhookEvent};

    fn typed(event: TriggerEvent, selection: Option<&str>) -> wasphere_types::webhook::Event {
        let spec = TriggerSpec {
            event,
            session: "s",
            message_id: "ORIG1",
            selection,
        };
        let (_, body) = body(&spec, SystemTime::now());
        let envelope: WebhookEvent = serde_json::from_value(body).unwrap();
        envelope.events().unwrap().remove(0)
    }

    #[test]
    fn every_event_reads_back_as_what_it_claims() {
        assert_eq!(
            typed(TriggerEvent::Button, Some("yes")).selection(),
            Some(Selection::ButtonReply {
                id: "yes".into(),
                label: "Option yes".into()
            })
        );
        assert_eq!(
            typed(TriggerEvent::List, None).selection().unwrap().id(),
            "row1"
        );
        assert_eq!(
            typed(TriggerEvent::Poll, None).selection().unwrap().id(),
            "ORIG1"
        );
        assert!(
            matches!(typed(TriggerEvent::Sent, None).data, EventData::Sent(m) if m.message_id == "ORIG1")
        );
        for (event, status) in [
            (TriggerEvent::Delivered, DeliveryStatus::Delivered),
            (TriggerEvent::Read, DeliveryStatus::Read),
        ] {
            let s = typed(event, None).status().cloned().unwrap();
            assert_eq!((s.message_id.as_str(), s.status), ("ORIG1", status));
        }
    }
}

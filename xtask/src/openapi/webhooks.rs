//! The `webhooks` of the document (OpenAPI 3.1): what the server posts to a subscriber,
//! one entry per event, with the signature headers and the event's `data` schema.

use serde_json::{Map, Value, json};
use wasphere_types::schema::schema_for;
use wasphere_types::webhook::{
    DELIVERY_ID_HEADER, EVENT_HEADER, MessageReceipt, MessageReceived, MessageSent, MessageUpdate,
    SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE, WebhookEvent,
};

use super::components::{Schemas, reference};

/// The shape of an event's `data`.
enum Data {
    /// A schema of `wasphere-types`, under this component name.
    Typed(&'static str),
    /// A list of such.
    ListOf(&'static str),
    /// Not described by the contract: any JSON object.
    Unspecified,
}

/// One event the server posts.
struct Event {
    name: &'static str,
    summary: &'static str,
    description: &'static str,
    data: Data,
    /// Named examples of the whole delivery body, as JSON text.
    examples: &'static [(&'static str, &'static str)],
}

const EVENTS: &[Event] = &[
    Event {
        name: "message.received",
        summary: "An incoming message, button tap, list pick or poll vote",
        description: "A button tap or list pick has `type: \"conversation\"` and `content: {text: <label>, selectionId: <button or row id>, interactiveKind: \"button_reply\" | \"list_reply\" | \"quick_reply\"}` (a list pick also has `selectionDescription`). A poll vote has `type: \"poll_vote\"` and `content: {pollMessageId, pollName, selectedOptions, text}`. Deduplicate on `data.messageId`: the delivery id changes on every retry.",
        data: Data::Typed("MessageReceived"),
        examples: &[
            (
                "buttonReply",
                r#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:00.000Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{"messageId":"3EB0A1B2C3D4E5F60718","from":"923001234567@s.whatsapp.net","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000000,"type":"conversation","content":{"text":"Option A","selectionId":"btn1","interactiveKind":"button_reply"}}}"#,
            ),
            (
                "listReply",
                r#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:05.000Z","deliveryId":"fedcba9876543210fedcba9876543210","data":{"messageId":"3EB0A1B2C3D4E5F60719","from":"923001234567@s.whatsapp.net","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000005,"type":"conversation","content":{"text":"Pro","selectionId":"pro","selectionDescription":"Full access","interactiveKind":"list_reply"}}}"#,
            ),
            (
                "pollVote",
                r#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:09.000Z","deliveryId":"00112233445566778899aabbccddeeff","data":{"messageId":"3EB0A1B2C3D4E5F6071A","from":"923001234567@s.whatsapp.net","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000009,"type":"poll_vote","content":{"pollMessageId":"3EB0C767D097B7C7A5C1","pollName":"Question?","selectedOptions":["Yes"],"text":"Yes"}}}"#,
            ),
            (
                "text",
                r#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:12.000Z","deliveryId":"99887766554433221100ffeeddccbbaa","data":{"messageId":"3EB0A1B2C3D4E5F6071B","from":"923001234567@s.whatsapp.net","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000012,"type":"conversation","content":{"text":"Thanks!"}}}"#,
            ),
        ],
    },
    Event {
        name: "message.sent",
        summary: "A message you sent was handed to WhatsApp",
        description: "Posted after each successful send. `content` is what was sent, per type (`{text}` for a text).",
        data: Data::Typed("MessageSent"),
        examples: &[(
            "text",
            r#"{"event":"message.sent","sessionId":"my-session","timestamp":"2026-11-24T10:00:00.000Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{"to":"923001234567","messageId":"3EB0C767D097B7C7A5C1","type":"text","content":{"text":"Hello!"},"timestamp":1795000000}}"#,
        )],
    },
    Event {
        name: "messages.update",
        summary: "Delivery progress of messages you sent",
        description: "A list of status changes: 2 sent (server ack), 3 delivered, 4 read, 5 played. `key.id` (or `messageId` on the Meta provider) is the `messageId` of the send. This is how delivery and read receipts arrive today.",
        data: Data::ListOf("MessageUpdate"),
        examples: &[(
            "delivered",
            r#"{"event":"messages.update","sessionId":"my-session","timestamp":"2026-11-24T10:00:02.000Z","deliveryId":"0123456789abcdef0123456789abcdee","data":[{"key":{"remoteJid":"923001234567@s.whatsapp.net","fromMe":true,"id":"3EB0C767D097B7C7A5C1"},"update":{"status":3}}]}"#,
        )],
    },
    Event {
        name: "message.receipt",
        summary: "Group receipts of messages you sent",
        description: "Which group members received or read a message.",
        data: Data::ListOf("MessageReceipt"),
        examples: &[],
    },
    Event {
        name: "message.delivered",
        summary: "Subscribable, not emitted today",
        description: "The server accepts subscriptions to it but does not emit it today: delivery arrives as `messages.update` status 3. Accept it if a later server sends it.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "message.read",
        summary: "Subscribable, not emitted today",
        description: "Not emitted today: reads arrive as `messages.update` status 4. Accept it if a later server sends it.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "message.failed",
        summary: "Subscribable, not emitted today",
        description: "Not emitted today: a send to a number that is not on WhatsApp is refused at send time (422). Accept it if a later server sends it.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "poll.vote",
        summary: "A poll vote",
        description: "Subscribable; votes arrive today as `message.received` with `type: \"poll_vote\"`.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "session.connected",
        summary: "The session connected to WhatsApp",
        description: "The session can send again.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "session.disconnected",
        summary: "The session lost its connection",
        description: "Sends answer 500 until it reconnects.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "session.qr",
        summary: "A QR code to pair the session",
        description: "Scan it with the WhatsApp app to connect the session.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "session.failed",
        summary: "The session failed",
        description: "The session stopped and needs attention in the dashboard.",
        data: Data::Unspecified,
        examples: &[],
    },
    Event {
        name: "webhook.test",
        summary: "A test delivery",
        description: "Sent from the dashboard to check an endpoint.",
        data: Data::Unspecified,
        examples: &[],
    },
];

/// Adds the envelope and payload schemas.
fn add_schemas(schemas: &mut Schemas) -> Result<(), String> {
    schemas.add("WebhookEvent", schema_for::<WebhookEvent>())?;
    schemas.add("MessageReceived", schema_for::<MessageReceived>())?;
    schemas.add("MessageSent", schema_for::<MessageSent>())?;
    schemas.add("MessageUpdate", schema_for::<MessageUpdate>())?;
    schemas.add("MessageReceipt", schema_for::<MessageReceipt>())?;
    Ok(())
}

/// The four delivery headers, as `components/parameters` entries.
pub(crate) fn header_parameters() -> Value {
    json!({
        "eventHeader": {
            "name": EVENT_HEADER,
            "in": "header",
            "required": true,
            "description": "The event name, as in the body's `event`.",
            "schema": { "type": "string" }
        },
        "timestampHeader": {
            "name": TIMESTAMP_HEADER,
            "in": "header",
            "required": true,
            "description": format!("Unix seconds when the delivery was signed. Refuse a delivery more than {} seconds from now (a replay).", TOLERANCE.as_secs()),
            "schema": { "type": "string", "pattern": "^[0-9]+$" }
        },
        "signatureHeader": {
            "name": SIGNATURE_HEADER,
            "in": "header",
            "required": true,
            "description": format!("`v1,sha256=<lowercase hex>` of HMAC-SHA256 keyed with the webhook's signing secret over `\"{{timestamp}}.{{raw body}}\"`, where timestamp is the {TIMESTAMP_HEADER} header. Compute it over the raw bytes before parsing, and compare in constant time."),
            "schema": { "type": "string", "pattern": "^v1,sha256=[0-9a-f]{64}$" }
        },
        "deliveryIdHeader": {
            "name": DELIVERY_ID_HEADER,
            "in": "header",
            "required": true,
            "description": "32 hex characters, new for every attempt: not a dedupe key across retries (`data.messageId` is).",
            "schema": { "type": "string", "pattern": "^[0-9a-f]{32}$" }
        }
    })
}

/// The `webhooks` object, with the schemas it uses added to `schemas`.
pub(crate) fn webhooks(schemas: &mut Schemas) -> Result<Value, String> {
    add_schemas(schemas)?;
    let mut all = Map::new();
    for event in EVENTS {
        all.insert(event.name.to_owned(), json!({ "post": operation(event)? }));
    }
    Ok(Value::Object(all))
}

/// The operation id of an event's webhook: `message.received` → `onMessageReceived`.
fn operation_id(event: &str) -> String {
    let words: String = event
        .split(['.', '_'])
        .map(super::operations::pascal_case)
        .collect();
    format!("on{words}")
}

fn operation(event: &Event) -> Result<Value, String> {
    let data = match event.data {
        Data::Typed(name) => reference(name),
        Data::ListOf(name) => json!({ "type": "array", "items": reference(name) }),
        Data::Unspecified => {
            json!({ "description": "Not described by the API; keep it as it came." })
        }
    };
    let body = json!({
        "allOf": [reference("WebhookEvent")],
        "properties": {
            "event": { "const": event.name },
            "data": data
        }
    });
    let mut examples = Map::new();
    for (name, text) in event.examples {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("the {name} example of {} is not JSON: {e}", event.name))?;
        examples.insert((*name).to_owned(), json!({ "value": value }));
    }
    let mut media = json!({ "schema": body });
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    Ok(json!({
        "operationId": operation_id(event.name),
        "summary": event.summary,
        "description": event.description,
        "tags": ["webhooks"],
        "security": [],
        "parameters": [
            { "$ref": "#/components/parameters/eventHeader" },
            { "$ref": "#/components/parameters/timestampHeader" },
            { "$ref": "#/components/parameters/signatureHeader" },
            { "$ref": "#/components/parameters/deliveryIdHeader" }
        ],
        "requestBody": { "required": true, "content": { "application/json": media } },
        "responses": {
            "2XX": { "description": "Received. Answer within 10 seconds; anything else (another status, a timeout) is retried after 1 s, 5 s and 30 s, with a new delivery id each time." },
            "401": { "description": "The signature or timestamp did not verify: the delivery is refused (and retried, so a rotated secret can catch up)." }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::webhook::EventKind;

    #[test]
    fn every_known_event_has_a_webhook() {
        let names: Vec<&str> = EVENTS.iter().map(|e| e.name).collect();
        for kind in EventKind::KNOWN {
            assert!(names.contains(&kind.as_str()), "{kind} is missing");
        }
        assert_eq!(operation_id("message.received"), "onMessageReceived");
        assert_eq!(operation_id("messages.update"), "onMessagesUpdate");
    }
}

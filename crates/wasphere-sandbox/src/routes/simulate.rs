//! `POST /__sandbox/simulate/reply`: a recipient taps a button, picks a list row or votes
//! in a poll, and the matching `message.received` goes to the webhook (contract section 5).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use wasphere_types::Message;

use crate::recipient_jid::recipient_jid;
use crate::records::DEFAULT_RECORD_LIMIT;
use crate::routes::introspection::bad_request;
use crate::routes::send::new_message_id;
use crate::state::{AppState, SentInteractive};
use crate::webhook_delivery::OutgoingEvent;

/// `{"messageId": "...", "buttonId" | "rowId" | "pollOptions": ...}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplyRequest {
    message_id: String,
    button_id: Option<String>,
    row_id: Option<String>,
    poll_options: Option<Vec<String>>,
}

/// Answers 200 `{"event": "message.received", "sessionId", "data": {…}, "queued": bool}`
/// (`queued` is false when no webhook is configured), 404 for an id that names no sent
/// buttons, list or poll message, and 400 for a choice that message does not contain.
pub(crate) async fn reply(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let request: ReplyRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad_request(format!(
                "invalid reply: {e}; expected {{\"messageId\":\"…\",\"buttonId\":\"…\"}}, or rowId, or pollOptions"
            ));
        }
    };
    let sent = state
        .interactive
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .rev()
        .find(|(id, _)| *id == request.message_id)
        .map(|(_, sent)| sent.clone());
    let Some(sent) = sent else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!(
                "no buttons, list or poll message with id {:?} was sent to this sandbox (it keeps the last {DEFAULT_RECORD_LIMIT})",
                request.message_id
            )})),
        )
            .into_response();
    };
    let content = match select(&sent, &request) {
        Ok(content) => content,
        Err(e) => return bad_request(e),
    };
    let data = received_data(&sent, content);
    let queued = state.outbox.as_ref().is_some_and(|outbox| {
        outbox.queue(OutgoingEvent {
            event: "message.received",
            session: sent.session.clone(),
            message_id: data["messageId"].as_str().unwrap_or_default().to_owned(),
            data: data.clone(),
            after: Duration::ZERO,
        });
        true
    });
    Json(json!({
        "event": "message.received",
        "sessionId": sent.session,
        "data": data,
        "queued": queued,
    }))
    .into_response()
}

/// What was chosen: `(type, content, raw message)`.
struct Chosen {
    kind: &'static str,
    content: Value,
    raw: Value,
}

fn select(sent: &SentInteractive, r: &ReplyRequest) -> Result<Chosen, String> {
    let original = &r.message_id;
    match (&sent.message, &r.button_id, &r.row_id, &r.poll_options) {
        (Message::Buttons(m), Some(id), None, None) => {
            let button = m.buttons.iter().find(|b| &b.id == id).ok_or_else(|| {
                let ids: Vec<&str> = m.buttons.iter().map(|b| b.id.as_str()).collect();
                format!("message {original} has no button with id {id:?} (its buttons: {ids:?})")
            })?;
            Ok(Chosen {
                kind: "conversation",
                content: json!({
                    "text": button.text,
                    "selectionId": button.id,
                    "interactiveKind": "button_reply",
                }),
                raw: json!({"buttonsResponseMessage": {
                    "selectedButtonId": button.id,
                    "selectedDisplayText": button.text,
                    "contextInfo": {"stanzaId": original},
                }}),
            })
        }
        (Message::List(m), None, Some(id), None) => {
            let row = m
                .sections
                .iter()
                .flat_map(|s| &s.rows)
                .find(|row| &row.id == id)
                .ok_or_else(|| format!("message {original} has no list row with id {id:?}"))?;
            let mut content = json!({
                "text": row.title,
                "selectionId": row.id,
                "interactiveKind": "list_reply",
            });
            if let Some(description) = &row.description {
                content["selectionDescription"] = json!(description);
            }
            Ok(Chosen {
                kind: "conversation",
                content,
                raw: json!({"listResponseMessage": {
                    "title": row.title,
                    "description": row.description,
                    "singleSelectReply": {"selectedRowId": row.id},
                    "contextInfo": {"stanzaId": original},
                }}),
            })
        }
        (Message::Poll(m), None, None, Some(options)) => {
            let allowed = usize::try_from(m.selectable_count.unwrap_or(1).max(1)).unwrap_or(1);
            if options.is_empty() || options.len() > allowed {
                return Err(format!(
                    "a vote in poll {original} picks 1 to {allowed} options, not {}",
                    options.len()
                ));
            }
            for (i, option) in options.iter().enumerate() {
                if !m.options.contains(option) {
                    return Err(format!(
                        "poll {original} has no option {option:?} (its options: {:?})",
                        m.options
                    ));
                }
                if options[..i].contains(option) {
                    return Err(format!("option {option:?} is voted for twice"));
                }
            }
            Ok(Chosen {
                kind: "poll_vote",
                content: json!({
                    "pollMessageId": original,
                    "pollName": m.name,
                    "selectedOptions": options,
                    "text": options.join(", "),
                }),
                raw: json!({"pollUpdateMessage": {
                    "pollCreationMessageKey": {"id": original, "fromMe": true},
                }}),
            })
        }
        (message, _, _, _) => {
            let expected = match message {
                Message::Buttons(_) => "buttonId",
                Message::List(_) => "rowId",
                _ => "pollOptions",
            };
            Err(format!(
                "message {original} is a {} message: reply with exactly one field, {expected}",
                message.message_type()
            ))
        }
    }
}

/// The `data` of the `message.received` event, from the recipient of the sent message.
fn received_data(sent: &SentInteractive, chosen: Chosen) -> Value {
    let to = sent.message.to();
    let jid = recipient_jid(to);
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut data = json!({
        "messageId": new_message_id(),
        "from": jid,
        "sender": "Sandbox Recipient",
        "senderJid": jid,
        "isGroup": jid.ends_with("@g.us"),
        "timestamp": timestamp,
        "type": chosen.kind,
        "content": chosen.content,
        "message": chosen.raw,
    });
    if jid.ends_with("@s.whatsapp.net") {
        data["senderPn"] = json!(jid);
    }
    data
}

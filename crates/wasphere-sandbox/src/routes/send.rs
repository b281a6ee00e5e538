//! `POST /workspaces/{workspaceId}/proxy/api/sessions/{sessionId}/messages/{type}`.
//!
//! Checks run in the order of the NestJS server's request pipeline: the API-key guard
//! (401, then 403 for the permission, then 403 for the session scope), the rate limit
//! (429, counted per key once the guard has passed), the session id's format (400
//! `INVALID_SESSION_ID`), the workspace and session (404) — these in [`admit`] —, the
//! type slug (404), the body (read only when it is `application/json`; 413 over 10 MiB,
//! 400 when invalid), whether the session's provider can send the type (501 on a Meta
//! session), whether the session is connected (500), whether the recipient is on WhatsApp
//! (422), and finally 201. Faults are drawn after the path checks and before the body.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Extension;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::json;
use wasphere_types::{Message, MessageType};

use crate::faults::Fault;
use crate::recipient_jid::recipient_jid;
use crate::records::StoredMessage;
use crate::routes::admission::{PathIds, admit};
use crate::routes::answers::Answer;
use crate::routes::body_check::check_body;
use crate::routes::fault_answer;
use crate::routes::json_body;
pub(crate) use crate::routes::message_ids::new_message_id;
use crate::routes::meta_provider::{meta_can_send, meta_cannot_send};
use crate::server::ConnectionControl;
use crate::state::{AppState, SentInteractive};
use crate::webhook_delivery::{Outbox, OutgoingEvent, StatusDelays};

pub(crate) async fn send(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    control: Option<Extension<ConnectionControl>>,
    body: Body,
) -> Response {
    state.records.request_seen();
    let (answer, fault) = process(&state, path, &uri, &headers, body).await;
    let answer = fault_answer::apply(answer, fault, control).await;
    state.records.answered(answer.status);
    answer.into_response()
}

/// Handles the request as the server would, and says which fault (if any) then replaces
/// or delays the answer.
async fn process(
    state: &AppState,
    path: Result<Path<(String, String, String)>, PathRejection>,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> (Answer, Option<Fault>) {
    // A path that does not decode (bad percent-encoding) is a malformed session id; the
    // guard still runs first, with no session a scoped key could match.
    let (workspace, session, slug) = match path {
        Ok(Path(parts)) => parts,
        Err(_) => (String::new(), String::new(), String::new()),
    };

    let ids = PathIds {
        workspace: &workspace,
        session: &session,
        message_id: None,
    };
    let admitted = match admit(state, &ids, headers) {
        Ok(admitted) => admitted,
        Err(answer) => return (answer, None),
    };
    let Ok(message_type) = slug.parse::<MessageType>() else {
        return (Answer::no_route("POST", uri.path()), None);
    };
    let fault = match admitted.draw_fault(state) {
        Ok(fault) => fault,
        Err((answer, fault)) => return (answer, Some(fault)),
    };

    let bytes = match json_body::read(headers, body, state.limits.request_timeout).await {
        Ok(bytes) => bytes,
        Err(answer) => return (answer, fault),
    };
    let message = match check_body(message_type, &bytes) {
        Ok(message) => message,
        Err(answer) => return (answer, fault),
    };
    if admitted.meta && !meta_can_send(message_type) {
        return (meta_cannot_send(message_type), fault);
    }
    if !admitted.connected {
        return (Answer::not_connected(), fault);
    }
    if state.is_unreachable(message.to()) {
        return (Answer::not_on_whatsapp(message.to()), fault);
    }

    let message_id = new_message_id();
    accept(
        state,
        AcceptedSend {
            message,
            message_type,
            session,
            key_prefix: &admitted.key.prefix,
            bytes: &bytes,
            message_id: &message_id,
            fault: fault.as_ref().map(Fault::name),
        },
    );
    (Answer::created(&message_id), fault)
}

struct AcceptedSend<'a> {
    message: Message,
    message_type: MessageType,
    session: String,
    key_prefix: &'a str,
    bytes: &'a [u8],
    message_id: &'a str,
    fault: Option<String>,
}

/// Records the message, keeps interactive ones for simulated replies, and queues the
/// `message.sent` webhook.
fn accept(state: &AppState, sent: AcceptedSend<'_>) {
    let now = SystemTime::now();
    if let Some(outbox) = &state.outbox {
        queue_sent_and_statuses(outbox, state.statuses, &sent, now);
    }
    if matches!(
        sent.message_type,
        MessageType::Buttons | MessageType::List | MessageType::Poll
    ) {
        let weight = sent.bytes.len();
        state
            .interactive
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(
                (
                    sent.message_id.to_owned(),
                    SentInteractive {
                        session: sent.session.clone(),
                        message: sent.message,
                    },
                ),
                weight,
            );
    }
    if state.records.keeps_messages() {
        state.records.push_message(StoredMessage {
            message_type: sent.message_type,
            session: sent.session,
            key_prefix: sent.key_prefix.to_owned(),
            body: sent.bytes.into(),
            message_id: sent.message_id.to_owned(),
            received_at: now,
            fault: sent.fault,
        });
    }
}

/// `message.sent` in the server's data shape (`{to, messageId, type, content,
/// timestamp}`, content the body without `to`), then, when statuses are simulated, the
/// `messages.update` items the server emits as the recipient receives and reads it.
fn queue_sent_and_statuses(
    outbox: &Outbox,
    statuses: Option<StatusDelays>,
    sent: &AcceptedSend<'_>,
    now: SystemTime,
) {
    let mut content: serde_json::Value =
        serde_json::from_slice(sent.bytes).unwrap_or_else(|_| json!({}));
    if let Some(fields) = content.as_object_mut() {
        fields.remove("to");
        fields.retain(|_, v| !v.is_null());
    }
    let to = sent.message.to();
    outbox.queue(OutgoingEvent {
        event: "message.sent",
        session: sent.session.clone(),
        message_id: sent.message_id.to_owned(),
        data: json!({
            "to": to,
            "messageId": sent.message_id,
            "type": sent.message_type.as_str(),
            "content": content,
            "timestamp": now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        }),
        after: Duration::ZERO,
    });
    let Some(delays) = statuses else { return };
    for (status, after) in [(3, delays.delivered_after), (4, delays.read_after)] {
        outbox.queue(OutgoingEvent {
            event: "messages.update",
            session: sent.session.clone(),
            message_id: sent.message_id.to_owned(),
            data: json!([{
                "key": {
                    "remoteJid": recipient_jid(to),
                    "fromMe": true,
                    "id": sent.message_id,
                    "participant": null,
                },
                "update": {"status": status},
            }]),
            after,
        });
    }
}

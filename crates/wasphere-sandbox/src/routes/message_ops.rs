//! The operations on messages (contract section 6):
//!
//! - `POST …/messages/{messageId}/edit` with `{to, text}`: 201 `{"messageId", "status": "edited"}`;
//! - `DELETE …/messages/{messageId}?to=…&forEveryone=…` (no body): 200 `{"status": "deleted"}`,
//!   for everyone whatever `forEveryone` says, as the server does;
//! - `POST …/messages/read` with `{to, messageIds}`: 201 `{"status": "read"}` (`ok` on Meta);
//! - `POST …/messages/typing` with `{to, isGroup?}`: 201 `{"status": "typing"}`, then the
//!   server's own "paused" 3 s later;
//! - `POST …/messages/presence` with `{to, presence}`: 201 `{"status": <presence>}`.
//!
//! Checks run as for a send ([`admit`], then `INVALID_MESSAGE_ID` for a bad id in the
//! path), then the request (413, 400 with every sentence), then the provider (501 on a
//! Meta session for all but mark read), then whether the session is connected (500). No
//! message is looked up: an unknown id is a success, as on the server. Faults apply as
//! they do to sends.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Extension;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use bytes::Bytes;
use wasphere_types::{
    DeleteMessage, EditMessage, MarkRead, MessageOperation, SetPresence, Typing, ValidationError,
};

use crate::faults::Fault;
use crate::recorded_operation::RecordedOperation;
use crate::routes::admission::{Admitted, PathIds, admit};
use crate::routes::answers::Answer;
use crate::routes::body_check::server_verdict;
use crate::routes::fault_answer;
use crate::routes::json_body;
use crate::routes::message_ids::new_message_id;
use crate::routes::meta_provider::{meta_can_do, meta_cannot_do};
use crate::routes::operation_answers as answers;
use crate::server::ConnectionControl;
use crate::state::AppState;

/// `{workspace}`, `{session}` and `{messageId}` of an edit or a delete.
type MessagePath = Result<Path<(String, String, String)>, PathRejection>;
/// `{workspace}` and `{session}` of a mark read, typing or presence.
type ChatPath = Result<Path<(String, String)>, PathRejection>;

/// Where the request's fields are.
enum Input {
    Body(Body),
    Query(String),
}

/// One request to an operation route, before any check.
struct Request {
    operation: MessageOperation,
    workspace: String,
    session: String,
    message_id: Option<String>,
    input: Input,
}

impl Request {
    fn for_message(operation: MessageOperation, path: MessagePath, input: Input) -> Self {
        // A path that does not decode is refused by the checks, as for a send.
        let (workspace, session, id) = path.map(|Path(p)| p).unwrap_or_default();
        Request {
            operation,
            workspace,
            session,
            message_id: Some(id),
            input,
        }
    }

    fn for_chat(operation: MessageOperation, path: ChatPath, input: Input) -> Self {
        let (workspace, session) = path.map(|Path(p)| p).unwrap_or_default();
        Request {
            operation,
            workspace,
            session,
            message_id: None,
            input,
        }
    }
}

pub(crate) async fn edit(
    State(state): State<Arc<AppState>>,
    path: MessagePath,
    headers: HeaderMap,
    control: Option<Extension<ConnectionControl>>,
    body: Body,
) -> Response {
    let request = Request::for_message(MessageOperation::Edit, path, Input::Body(body));
    respond(state, request, &headers, control).await
}

pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    path: MessagePath,
    uri: Uri,
    headers: HeaderMap,
    control: Option<Extension<ConnectionControl>>,
) -> Response {
    let query = uri.query().unwrap_or_default().to_owned();
    let request = Request::for_message(MessageOperation::Delete, path, Input::Query(query));
    respond(state, request, &headers, control).await
}

/// The handlers of a DELETE of `…/messages/read`, `typing` or `presence`: NestJS routes
/// it to the delete of the message with that id, as it would any other id.
macro_rules! delete_word_handlers {
    ($($name:ident => $word:literal),+) => {$(
        pub(crate) async fn $name(
            State(state): State<Arc<AppState>>,
            path: ChatPath,
            uri: Uri,
            headers: HeaderMap,
            control: Option<Extension<ConnectionControl>>,
        ) -> Response {
            let (workspace, session) = path.map(|Path(p)| p).unwrap_or_default();
            let request = Request {
                operation: MessageOperation::Delete,
                workspace,
                session,
                message_id: Some($word.to_owned()),
                input: Input::Query(uri.query().unwrap_or_default().to_owned()),
            };
            respond(state, request, &headers, control).await
        }
    )+};
}

delete_word_handlers!(
    delete_read => "read",
    delete_typing => "typing",
    delete_presence => "presence"
);

/// The handlers of the routes of a chat (`…/messages/read|typing|presence`), whose
/// request is a JSON body.
macro_rules! chat_handlers {
    ($($name:ident => $operation:ident),+) => {$(
        pub(crate) async fn $name(
            State(state): State<Arc<AppState>>,
            path: ChatPath,
            headers: HeaderMap,
            control: Option<Extension<ConnectionControl>>,
            body: Body,
        ) -> Response {
            let request =
                Request::for_chat(MessageOperation::$operation, path, Input::Body(body));
            respond(state, request, &headers, control).await
        }
    )+};
}

chat_handlers!(mark_read => MarkRead, typing => Typing, presence => Presence);

async fn respond(
    state: Arc<AppState>,
    request: Request,
    headers: &HeaderMap,
    control: Option<Extension<ConnectionControl>>,
) -> Response {
    state.records.request_seen();
    let (answer, fault) = process(&state, request, headers).await;
    let answer = fault_answer::apply(answer, fault, control).await;
    state.records.answered(answer.status);
    answer.into_response()
}

/// A request that passed every check.
enum Accepted {
    Edit(EditMessage),
    Delete(DeleteMessage),
    MarkRead(MarkRead),
    Typing(Typing),
    Presence(SetPresence),
}

impl Accepted {
    fn to(&self) -> &str {
        match self {
            Accepted::Edit(r) => &r.to,
            Accepted::Delete(r) => &r.to,
            Accepted::MarkRead(r) => &r.to,
            Accepted::Typing(r) => &r.to,
            Accepted::Presence(r) => &r.to,
        }
    }
}

/// Reads the request's fields as the server does; its 400 when they are wrong.
fn check_request(operation: MessageOperation, fields: &[u8]) -> Result<Accepted, Answer> {
    fn verdict<T>(
        parsed: Result<T, ValidationError>,
        validate: impl FnOnce(&T) -> Result<(), ValidationError>,
        accepted: impl FnOnce(T) -> Accepted,
    ) -> Result<Accepted, Answer> {
        server_verdict(parsed, validate).map(accepted)
    }
    match operation {
        MessageOperation::Edit => verdict(
            EditMessage::parse(fields),
            EditMessage::validate,
            Accepted::Edit,
        ),
        // The query, already read as its JSON object.
        MessageOperation::Delete => verdict(
            DeleteMessage::parse(fields),
            DeleteMessage::validate,
            Accepted::Delete,
        ),
        MessageOperation::MarkRead => verdict(
            MarkRead::parse(fields),
            MarkRead::validate,
            Accepted::MarkRead,
        ),
        MessageOperation::Typing => {
            verdict(Typing::parse(fields), Typing::validate, Accepted::Typing)
        }
        MessageOperation::Presence => verdict(
            SetPresence::parse(fields),
            SetPresence::validate,
            Accepted::Presence,
        ),
    }
}

async fn process(
    state: &Arc<AppState>,
    request: Request,
    headers: &HeaderMap,
) -> (Answer, Option<Fault>) {
    let ids = PathIds {
        workspace: &request.workspace,
        session: &request.session,
        message_id: request.message_id.as_deref(),
    };
    let admitted = match admit(state, &ids, headers) {
        Ok(admitted) => admitted,
        Err(answer) => return (answer, None),
    };
    let fault = match admitted.draw_fault(state) {
        Ok(fault) => fault,
        Err((answer, fault)) => return (answer, Some(fault)),
    };
    let fields = match request.input {
        Input::Body(body) => {
            match json_body::read(headers, body, state.limits.request_timeout).await {
                Ok(bytes) => bytes,
                Err(answer) => return (answer, fault),
            }
        }
        Input::Query(query) => Bytes::from(DeleteMessage::query_to_json(&query)),
    };
    let accepted = match check_request(request.operation, &fields) {
        Ok(accepted) => accepted,
        Err(answer) => return (answer, fault),
    };
    if admitted.meta && !meta_can_do(request.operation) {
        return (meta_cannot_do(request.operation), fault);
    }
    if !admitted.connected {
        return (Answer::not_connected(), fault);
    }
    let answer = accept(
        state,
        &admitted,
        &request.session,
        request.message_id,
        &accepted,
        &fields,
        fault.as_ref().map(Fault::name),
    );
    (answer, fault)
}

/// Records the operation, starts the server's own "paused" after typing, and answers.
fn accept(
    state: &Arc<AppState>,
    admitted: &Admitted<'_>,
    session: &str,
    message_id: Option<String>,
    accepted: &Accepted,
    fields: &[u8],
    fault: Option<String>,
) -> Answer {
    let to = accepted.to();
    let (answer, answer_id) = match accepted {
        Accepted::Edit(_) => {
            let id = new_message_id();
            (answers::edited(&id), Some(id))
        }
        Accepted::Delete(_) => (answers::deleted(), None),
        Accepted::MarkRead(_) => (answers::read(admitted.meta), None),
        Accepted::Typing(_) => {
            let records = Arc::clone(&state.records);
            state
                .typing_pauses
                .typing(records, session, to, &admitted.key.prefix);
            (answers::typing(), None)
        }
        Accepted::Presence(p) => {
            state.typing_pauses.presence(session, to);
            (answers::presence(p.presence), None)
        }
    };
    state.records.push_operation(RecordedOperation {
        operation: match accepted {
            Accepted::Edit(_) => MessageOperation::Edit,
            Accepted::Delete(_) => MessageOperation::Delete,
            Accepted::MarkRead(_) => MessageOperation::MarkRead,
            Accepted::Typing(_) => MessageOperation::Typing,
            Accepted::Presence(_) => MessageOperation::Presence,
        },
        session: session.to_owned(),
        key_prefix: admitted.key.prefix.clone(),
        message_id,
        body: serde_json::from_slice(fields).unwrap_or(serde_json::Value::Null),
        answer_id,
        received_at: SystemTime::now(),
        fault,
        by_server: false,
    });
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::Presence;

    #[test]
    fn presence_answers_say_the_presence() {
        for p in Presence::ALL {
            let body: serde_json::Value =
                serde_json::from_slice(&answers::presence(p).body).unwrap();
            assert_eq!(body["status"], p.as_str());
        }
    }
}

//! The checks every API route runs before it reads a body, in the order of the NestJS
//! server's pipeline: the API-key guard (401 for who the caller is, then 403 for the
//! permission and the session scope), the rate limit (429, counted per key once the guard
//! has passed), the ids of the path (400 `INVALID_SESSION_ID`, then `INVALID_MESSAGE_ID`
//! on routes that carry one), the workspace and session (404); then the draw of an
//! injected fault.

use std::time::Instant;

use axum::http::{HeaderMap, header};
use wasphere_types::{MessageId, SessionId, WorkspaceId};

use crate::auth::{KeyEntry, Refusal};
use crate::faults::Fault;
use crate::rate_limit::Admission;
use crate::routes::answers::Answer;
use crate::routes::operation_answers::invalid_message_id;
use crate::state::AppState;

/// The ids a request's path carries, as they came (a path that does not decode gives
/// empty ones, which the checks refuse).
pub(crate) struct PathIds<'a> {
    pub(crate) workspace: &'a str,
    pub(crate) session: &'a str,
    /// The `{messageId}` of an edit or a delete.
    pub(crate) message_id: Option<&'a str>,
}

/// A request that passed the guard, the rate limit and the path checks.
pub(crate) struct Admitted<'s> {
    pub(crate) key: &'s KeyEntry,
    /// When its rate-limit slot was taken, if the limit is on.
    admitted_at: Option<Instant>,
    /// Whether the session is linked to a phone.
    pub(crate) connected: bool,
    /// Whether the session is on the Meta (Cloud API) provider.
    pub(crate) meta: bool,
}

/// Runs the checks; the answer that refuses the request, if one does.
pub(crate) fn admit<'s>(
    state: &'s AppState,
    ids: &PathIds<'_>,
    headers: &HeaderMap,
) -> Result<Admitted<'s>, Answer> {
    let key = match state
        .keys
        .authorize(headers.get(header::AUTHORIZATION), ids.session)
    {
        Ok(key) => key,
        Err(Refusal::Unauthenticated) => return Err(Answer::unauthorized()),
        Err(Refusal::MissingPermission) => return Err(Answer::missing_permission()),
        Err(Refusal::OtherSession) => return Err(Answer::other_session()),
    };

    let mut admitted_at = None;
    if let Some(window) = &key.window {
        match window.admit(Instant::now()) {
            Admission::Admitted(at) => admitted_at = Some(at),
            Admission::Full { retry_after_secs } => {
                return Err(Answer::too_many_requests(retry_after_secs));
            }
        }
    }

    if !SessionId::is_valid(ids.session) {
        return Err(Answer::invalid_session_id());
    }
    if ids.message_id.is_some_and(|id| !MessageId::is_valid(id)) {
        return Err(invalid_message_id());
    }
    let workspace_matches = ids
        .workspace
        .parse::<WorkspaceId>()
        .is_ok_and(|w| w == state.workspace);
    let Some(&connected) = state
        .sessions
        .get(ids.session)
        .filter(|_| workspace_matches)
    else {
        return Err(Answer::session_not_found());
    };
    Ok(Admitted {
        key,
        admitted_at,
        connected,
        meta: state.meta_sessions.contains(ids.session),
    })
}

impl Admitted<'_> {
    /// Draws the fault (if any) that will replace or delay the answer. An injected 429
    /// answers at once, before anything is done, and gives back the slot it took.
    pub(crate) fn draw_fault(&self, state: &AppState) -> Result<Option<Fault>, (Answer, Fault)> {
        let fault = state.faults.draw();
        if let Some(fault @ Fault::RateLimited { .. }) = fault {
            if let (Some(window), Some(at)) = (&self.key.window, self.admitted_at) {
                window.refund(at);
            }
            return Err((Answer::too_many_requests(1), fault));
        }
        Ok(fault)
    }
}

//! `/__sandbox/…`: what tests read and steer over HTTP (the same data as `RunningSandbox`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::FaultRule;
use crate::records::DEFAULT_RECORD_LIMIT;
use crate::state::AppState;

/// `GET /__sandbox/messages?after=SEQ&limit=N`: the accepted messages still kept, oldest
/// first, each with its sequence number `seq`; a page of at most `limit` (default
/// [`DEFAULT_PAGE`]) after `after` (default 0). Ask again with the last `seq` for more.
pub(crate) async fn list_messages(
    State(state): State<Arc<AppState>>,
    page: Result<Query<Page>, QueryRejection>,
) -> Response {
    match page {
        Ok(Query(page)) => numbered(state.records.messages_page(page.after, page.limit.0)),
        Err(e) => bad_request(page_error(e)),
    }
}

/// `GET /__sandbox/operations?after=SEQ&limit=N`: the accepted edits, deletes, mark reads,
/// typing indicators and presences (and the server's own "paused" after typing) still
/// kept, in order, paged as `/__sandbox/messages` is.
pub(crate) async fn list_operations(
    State(state): State<Arc<AppState>>,
    page: Result<Query<Page>, QueryRejection>,
) -> Response {
    match page {
        Ok(Query(page)) => numbered(state.records.operations_page(page.after, page.limit.0)),
        Err(e) => bad_request(page_error(e)),
    }
}

/// `DELETE /__sandbox/messages`: forget messages, operations, counters and deliveries.
pub(crate) async fn clear_messages(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__sandbox/stats`: `{"requestsSeen", "statusCounts": {"201": n, …}, "messages"
/// (kept), "messagesAccepted" (ever, since the last clear), "recordLimit",
/// "openConnections", "webhookDeliveries"}`.
pub(crate) async fn stats(State(state): State<Arc<AppState>>) -> Response {
    let counts: serde_json::Map<String, serde_json::Value> = state
        .records
        .status_counts()
        .into_iter()
        .map(|(status, n)| (status.to_string(), n.into()))
        .collect();
    Json(json!({
        "requestsSeen": state.records.requests_seen(),
        "statusCounts": counts,
        "messages": state.records.message_count(),
        "messagesAccepted": state.records.messages_accepted(),
        "recordLimit": state.records.limit(),
        "openConnections": state.records.open_connections(),
        "webhookDeliveries": state.records.delivery_count(),
    }))
    .into_response()
}

/// `POST /__sandbox/faults` with the JSON form of a [`FaultRule`].
pub(crate) async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let rule: FaultRule = match serde_json::from_slice(&body) {
        Ok(rule) => rule,
        Err(e) => {
            return bad_request(format!(
                "invalid fault rule: {e}; expected {{\"fault\":{{\"kind\":\"status\",\"status\":503}},\"trigger\":{{\"next\":1}}}}"
            ));
        }
    };
    // Read through its checked JSON form, so the rule is within bounds already; the
    // check stays for the invariant's sake and costs nothing.
    if let Err(e) = rule.check() {
        return bad_request(e.to_string());
    }
    state.faults.add(rule.clone());
    (StatusCode::CREATED, Json(rule)).into_response()
}

/// `DELETE /__sandbox/faults`: remove every fault rule.
pub(crate) async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__sandbox/webhooks?after=SEQ&limit=N`: the delivery attempts still kept, with
/// their outcome, paged as `/__sandbox/messages` is.
pub(crate) async fn deliveries(
    State(state): State<Arc<AppState>>,
    page: Result<Query<Page>, QueryRejection>,
) -> Response {
    match page {
        Ok(Query(page)) => numbered(state.records.deliveries_page(page.after, page.limit.0)),
        Err(e) => bad_request(page_error(e)),
    }
}

/// A page in a query string: `after` a sequence number, at most `limit` items.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    limit: PageLimit,
}

/// Items per page without `limit`.
pub(crate) const DEFAULT_PAGE: usize = 1_000;
/// The largest `limit`: the default record, whole.
pub(crate) const MAX_PAGE: usize = DEFAULT_RECORD_LIMIT;

/// 1 to [`MAX_PAGE`], checked as it is read.
#[derive(Debug, Deserialize)]
#[serde(try_from = "usize")]
pub(crate) struct PageLimit(usize);

impl Default for PageLimit {
    fn default() -> Self {
        PageLimit(DEFAULT_PAGE)
    }
}

impl TryFrom<usize> for PageLimit {
    type Error = String;
    fn try_from(n: usize) -> Result<Self, String> {
        if (1..=MAX_PAGE).contains(&n) {
            Ok(PageLimit(n))
        } else {
            Err(format!("limit is {n}; it must be 1 to {MAX_PAGE}"))
        }
    }
}

fn page_error(e: QueryRejection) -> String {
    format!(
        "{}; expected ?after=SEQ&limit=N (N from 1 to {MAX_PAGE})",
        e.body_text()
    )
}

/// A JSON array of the items, each with its `seq` beside its own fields.
fn numbered<T: Serialize>(items: Vec<(u64, T)>) -> Response {
    #[derive(Serialize)]
    struct Numbered<T> {
        seq: u64,
        #[serde(flatten)]
        item: T,
    }
    let items: Vec<Numbered<T>> = items
        .into_iter()
        .map(|(seq, item)| Numbered { seq, item })
        .collect();
    Json(items).into_response()
}

pub(crate) fn bad_request(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

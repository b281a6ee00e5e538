//! `/__sandbox/…`: what tests read and steer over HTTP (the same data as `RunningSandbox`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::faults::FaultRule;
use crate::state::AppState;

/// `GET /__sandbox/messages`: every accepted message, in order.
pub(crate) async fn list_messages(State(state): State<Arc<AppState>>) -> Response {
    Json(state.records.messages()).into_response()
}

/// `DELETE /__sandbox/messages`: forget messages, counters and deliveries.
pub(crate) async fn clear_messages(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__sandbox/stats`: `{"requestsSeen", "statusCounts": {"201": n, …}, "messages", "webhookDeliveries"}`.
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
    if let Err(e) = rule.check() {
        return bad_request(e);
    }
    state.faults.add(rule.clone());
    (StatusCode::CREATED, Json(rule)).into_response()
}

/// `DELETE /__sandbox/faults`: remove every fault rule.
pub(crate) async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__sandbox/webhooks`: every delivery attempt with its outcome.
pub(crate) async fn deliveries(State(state): State<Arc<AppState>>) -> Response {
    Json(state.records.deliveries()).into_response()
}

pub(crate) fn bad_request(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

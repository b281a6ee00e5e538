//! The sandbox's own routes (`/__sandbox/…`) read the record, inject faults and simulate
//! replies: whoever can reach the port must not do that without the sandbox's API key.
//!
//! The guard is a layer over the whole router that looks at the path, not a property of
//! each route, so a route added under `/__sandbox` later is guarded without anyone
//! remembering to.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::routes::answers::Answer;
use crate::state::AppState;

/// Where the sandbox's own routes live.
pub(crate) const ADMIN_PREFIX: &str = "/__sandbox/";

/// Lets a request to `/__sandbox/…` through only with `Authorization: Bearer <a key of the
/// sandbox>`; anything else passes untouched.
pub(crate) async fn require_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let is_admin = path.starts_with(ADMIN_PREFIX) || path == ADMIN_PREFIX.trim_end_matches('/');
    if is_admin
        && !state
            .keys
            .knows(request.headers().get(header::AUTHORIZATION))
    {
        return Answer::json(
            401,
            json!({
                "statusCode": 401,
                "message": "the /__sandbox routes need the sandbox's API key: Authorization: Bearer <key>",
            }),
        )
        .into_response();
    }
    next.run(request).await
}

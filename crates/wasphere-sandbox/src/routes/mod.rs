//! The HTTP routes: the API's one endpoint, its OpenAPI document and reference page, and the
//! sandbox's own `/__sandbox/…` routes.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};

use crate::state::AppState;

mod admin_guard;
mod admission;
pub(crate) mod answers;
mod body_check;
mod fault_answer;
mod introspection;
mod json_body;
mod message_ids;
mod message_ops;
mod meta_provider;
mod operation_answers;
mod reference;
mod send;
mod simulate;

pub(crate) use reference::{DOCS_PATH, OPENAPI_PATH};

/// The send route's path, in axum's syntax; a DELETE on it deletes message `{type}`.
const SEND_PATH: &str = "/workspaces/{workspace}/proxy/api/sessions/{session}/messages/{type}";
/// The operations on messages (`read`, `typing` and `presence` are no type slug).
const EDIT_PATH: &str =
    "/workspaces/{workspace}/proxy/api/sessions/{session}/messages/{message_id}/edit";
const READ_PATH: &str = "/workspaces/{workspace}/proxy/api/sessions/{session}/messages/read";
const TYPING_PATH: &str = "/workspaces/{workspace}/proxy/api/sessions/{session}/messages/typing";
const PRESENCE_PATH: &str =
    "/workspaces/{workspace}/proxy/api/sessions/{session}/messages/presence";

pub(crate) fn router(state: Arc<AppState>) -> Router {
    // axum's method router adds `Allow` after every layer given to it, so the header is
    // removed by a router around it.
    Router::new()
        .fallback_service(routes(state))
        .layer(middleware::map_response(without_allow))
}

/// Every route, with the state they share.
fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            SEND_PATH,
            post(send::send)
                .delete(message_ops::delete)
                .fallback(no_route),
        )
        .route(EDIT_PATH, post(message_ops::edit).fallback(no_route))
        // A DELETE of `…/messages/read` deletes message `read`, as on the server.
        .route(
            READ_PATH,
            post(message_ops::mark_read)
                .delete(message_ops::delete_read)
                .fallback(no_route),
        )
        .route(
            TYPING_PATH,
            post(message_ops::typing)
                .delete(message_ops::delete_typing)
                .fallback(no_route),
        )
        .route(
            PRESENCE_PATH,
            post(message_ops::presence)
                .delete(message_ops::delete_presence)
                .fallback(no_route),
        )
        .route(OPENAPI_PATH, get(reference::openapi_json))
        .route(DOCS_PATH, get(reference::reference_page))
        .route(
            "/__sandbox/messages",
            get(introspection::list_messages).delete(introspection::clear_messages),
        )
        .route("/__sandbox/operations", get(introspection::list_operations))
        .route("/__sandbox/stats", get(introspection::stats))
        .route(
            "/__sandbox/faults",
            post(introspection::add_fault).delete(introspection::clear_faults),
        )
        .route("/__sandbox/webhooks", get(introspection::deliveries))
        .route("/__sandbox/simulate/reply", post(simulate::reply))
        .fallback(no_route)
        // The send route reads its body itself, after the API-key guard, with the server's
        // 10 MiB cap; the sandbox's own routes take small JSON bodies only.
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            admin_guard::require_key,
        ))
        .with_state(state)
}

/// The largest body a `/__sandbox/…` route reads (a fault rule, a simulated reply).
const ADMIN_BODY_LIMIT: usize = 64 * 1024;

/// NestJS (on Express) names no methods in its 404 for a route it does not have. axum adds
/// `Allow` to a method fallback's answer, which here would list the methods of another
/// path of the same shape (`DELETE …/messages/{messageId}` shares its route with the sends).
async fn without_allow(mut response: Response) -> Response {
    if response.status() == StatusCode::NOT_FOUND {
        response.headers_mut().remove(header::ALLOW);
    }
    response
}

/// NestJS's 404 for a route it does not have.
async fn no_route(method: Method, uri: Uri) -> Response {
    answers::Answer::no_route(method.as_str(), uri.path()).into_response()
}

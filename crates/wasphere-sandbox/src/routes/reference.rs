//! `GET /openapi.json` and `GET /docs`: the API's OpenAPI document and its reference
//! page, embedded in the binary so that both are there offline and describe this build.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// `docs/openapi.json` (linked into the crate as `openapi/openapi.json`, so the packaged
/// crate carries it), as `cargo xtask schemas` generates it and `cargo xtask check` keeps it.
const OPENAPI_JSON: &str = include_str!("../../openapi/openapi.json");
/// `docs/openapi.html`, the reference page rendered from the document: no script and no
/// external resource, so it reads without a network.
const REFERENCE_PAGE: &str = include_str!("../../openapi/openapi.html");

/// Where the document is served.
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";
/// Where the reference page is served.
pub(crate) const DOCS_PATH: &str = "/docs";

pub(crate) async fn openapi_json() -> Response {
    with_type(OPENAPI_JSON, "application/json; charset=utf-8")
}

pub(crate) async fn reference_page() -> Response {
    with_type(REFERENCE_PAGE, "text/html; charset=utf-8")
}

fn with_type(body: &'static str, content_type: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

//! Which request bodies the send route reads, as the server's JSON parser reads them.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TEXT, client, send_url, status_json};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, MAX_BODY_BYTES, RateLimit, Sandbox};

async fn post(
    sandbox: &wasphere_sandbox::RunningSandbox,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut request = client()
        .post(send_url(sandbox, DEFAULT_SESSION, "text"))
        .bearer_auth(DEFAULT_API_KEY)
        .body(body);
    if let Some(t) = content_type {
        request = request.header("content-type", t);
    }
    status_json(request.send().await.unwrap()).await
}

/// Issue 12, item 4: a valid body sent as `text/plain` was accepted (201). The server
/// parses only JSON bodies: anything else is validated as `{}`.
#[tokio::test]
async fn only_json_bodies_are_read() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    // What the server says about an empty object: the missing fields.
    let (status, missing) = post(&sandbox, Some("application/json"), b"{}".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        missing["message"][0].as_str().unwrap().starts_with("to "),
        "{missing}"
    );
    for content_type in [
        Some("text/plain"),
        None,
        Some("application/x-www-form-urlencoded"),
    ] {
        let (status, body) = post(&sandbox, content_type, TEXT.into()).await;
        assert_eq!(status, 400, "{content_type:?}: {body}");
        assert_eq!(body["message"], missing["message"], "{content_type:?}");
    }
    assert!(sandbox.messages().is_empty());
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
    ] {
        let (status, body) = post(&sandbox, Some(content_type), TEXT.into()).await;
        assert_eq!(status, 201, "{content_type}: {body}");
    }
    let (status, body) = post(
        &sandbox,
        Some("application/json; charset=latin1"),
        TEXT.into(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (415, Some("Unsupported Media Type"))
    );
}

/// Issue 12, item 4: the server's JSON parser stops at 10 MiB, not the sandbox's old 16.
#[tokio::test]
async fn bodies_over_ten_mib_are_refused_with_413() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    let padded = |len: usize| {
        let head = r#"{"to":"923001234567","text":"hi","x":""#;
        let mut body = head.as_bytes().to_vec();
        body.resize(len - 2, b' ');
        body.extend_from_slice(b"\"}");
        body
    };
    let (status, body) = post(
        &sandbox,
        Some("application/json"),
        padded(MAX_BODY_BYTES + 1),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"], "Payload Too Large");
    // At the limit the body is read (and refused for its unknown field, not its size).
    let (status, body) = post(&sandbox, Some("application/json"), padded(MAX_BODY_BYTES)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"][0], "property x should not exist");
}

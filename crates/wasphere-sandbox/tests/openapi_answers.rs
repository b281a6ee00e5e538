//! The sandbox's answer to every case of the contract, over real TCP, checked against the
//! answers `docs/openapi.json` documents for the send route: the status is listed, the
//! content type is one of its media types, required headers are present, and a JSON body
//! fits the response schema.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::LazyLock;

use common::{TEXT, client, send_url};
use serde_json::Value;
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, KeyConfig, RateLimit, RunningSandbox,
    Sandbox,
};

/// `docs/openapi.json`, through the crate's link to it (which a packaged crate carries).
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
});

const TEXT_PATH: &str = "/workspaces/{workspaceId}/proxy/api/sessions/{sessionId}/messages/text";

/// The documented response for `status`, with `$ref`s to shared responses followed.
fn documented_response(status: u16) -> &'static Value {
    let response = DOCUMENT["paths"][TEXT_PATH]["post"]["responses"]
        .get(status.to_string())
        .unwrap_or_else(|| panic!("status {status} is not documented"));
    match response.get("$ref").and_then(Value::as_str) {
        Some(target) => DOCUMENT
            .pointer(target.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{target} does not resolve")),
        None => response,
    }
}

/// Asserts that the answer is one the document describes, and returns its status.
async fn assert_documented(answer: reqwest::Response) -> u16 {
    let status = answer.status().as_u16();
    let documented = documented_response(status);
    let content_type = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let media_type = content_type.split(';').next().unwrap().trim();
    for (name, header) in documented["headers"].as_object().into_iter().flatten() {
        if header["required"] == true {
            let value = answer.headers().get(name.as_str());
            assert!(value.is_some(), "{status} lacks the {name} header");
        }
    }
    let media = documented["content"]
        .get(media_type)
        .unwrap_or_else(|| panic!("{status} is not documented as {media_type}"));
    let bytes = answer.bytes().await.unwrap();
    if media_type == "application/json" {
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        let mut schema = media["schema"].clone();
        schema["components"] = DOCUMENT["components"].clone();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{status} {body}: {errors:?}");
    }
    status
}

async fn post(url: &str, key: Option<&str>, body: impl Into<reqwest::Body>) -> reqwest::Response {
    let mut request = client()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.unwrap()
}

async fn send_text(sandbox: &RunningSandbox, session: &str, key: Option<&str>, body: &str) -> u16 {
    let url = send_url(sandbox, session, "text");
    assert_documented(post(&url, key, body.to_owned()).await).await
}

#[tokio::test]
async fn answers_to_the_request_itself_are_documented() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .session(DEFAULT_SESSION)
        .disconnected_session("offline")
        .api_key(KeyConfig::new(DEFAULT_API_KEY))
        .api_key(KeyConfig::new("wsk_test_readonly").permissions(&["messages:read"]))
        .api_key(KeyConfig::new("wsk_test_other").session_scope("offline"))
        .start()
        .await
        .unwrap();
    let key = Some(DEFAULT_API_KEY);
    let cases: [(&str, Option<&str>, &str, u16); 10] = [
        (DEFAULT_SESSION, key, TEXT, 201),
        (
            DEFAULT_SESSION,
            key,
            r#"{"to":"923001234567","text":""}"#,
            400,
        ),
        (DEFAULT_SESSION, key, r#"{"to":"923001234567","#, 400),
        ("not%20a%20session", key, TEXT, 400),
        (DEFAULT_SESSION, None, TEXT, 401),
        (DEFAULT_SESSION, Some("wsk_test_unknown"), TEXT, 401),
        (DEFAULT_SESSION, Some("wsk_test_readonly"), TEXT, 403),
        (DEFAULT_SESSION, Some("wsk_test_other"), TEXT, 403),
        ("no-such-session", key, TEXT, 404),
        ("offline", key, TEXT, 500),
    ];
    for (session, key, body, expected) in cases {
        assert_eq!(
            send_text(&sandbox, session, key, body).await,
            expected,
            "{session} {body}"
        );
    }
    let oversized = vec![b' '; 16 * 1024 * 1024 + 1];
    let url = send_url(&sandbox, DEFAULT_SESSION, "text");
    assert_eq!(
        assert_documented(post(&url, key, oversized).await).await,
        413
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_answer_is_documented() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::parse("1/1m").unwrap())
        .start()
        .await
        .unwrap();
    let key = Some(DEFAULT_API_KEY);
    assert_eq!(send_text(&sandbox, DEFAULT_SESSION, key, TEXT).await, 201);
    assert_eq!(send_text(&sandbox, DEFAULT_SESSION, key, TEXT).await, 429);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn answers_from_the_gateway_are_documented() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    let faults = [
        (Fault::Status(422), 422),
        (Fault::Status(500), 500),
        (Fault::Status(502), 502),
        (Fault::HtmlError, 502),
        (Fault::Status(504), 504),
        (Fault::Status(501), 501),
        (
            Fault::RateLimited {
                retry_after_secs: 3,
            },
            429,
        ),
    ];
    for (fault, expected) in faults {
        sandbox.inject(FaultRule::next(1, fault.clone()));
        assert_eq!(
            send_text(&sandbox, DEFAULT_SESSION, Some(DEFAULT_API_KEY), TEXT).await,
            expected,
            "{fault:?}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_document_and_its_reference_page_are_served() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let document = client().get(sandbox.openapi_url()).send().await.unwrap();
    assert_eq!(document.status(), 200);
    assert!(
        document.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    assert_eq!(
        document.text().await.unwrap(),
        std::fs::read_to_string(committed).unwrap(),
        "the sandbox serves another document than docs/openapi.json (rebuild it)"
    );

    let page = client().get(sandbox.docs_url()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = page.text().await.unwrap();
    assert!(
        page.contains("<section id=\"sendViewOnce\">"),
        "{}",
        &page[..200]
    );
    // Readable offline: nothing on the page is fetched from anywhere.
    for needle in ["<script", "<link", "src=", "url("] {
        assert!(!page.contains(needle), "the page loads something: {needle}");
    }
    // The page's link to the document resolves on the sandbox.
    assert!(page.contains("href=\"openapi.json\""));
    sandbox.shutdown().await;
}

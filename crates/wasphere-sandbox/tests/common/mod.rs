//! Helpers shared by the integration tests: a plain reqwest client and URL builders.

#![allow(dead_code, unreachable_pub)]

use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RunningSandbox};

/// A client that never goes through an environment proxy.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The send URL on the sandbox's own workspace.
pub fn send_url(sandbox: &RunningSandbox, session: &str, slug: &str) -> String {
    format!(
        "{}/workspaces/{}/proxy/api/sessions/{session}/messages/{slug}",
        sandbox.base_url(),
        sandbox.workspace()
    )
}

pub const TEXT: &str = r#"{"to":"923001234567","text":"hi"}"#;

/// Posts `body` to `slug` on the default session with the default key.
pub async fn send(sandbox: &RunningSandbox, slug: &str, body: &str) -> reqwest::Response {
    client()
        .post(send_url(sandbox, DEFAULT_SESSION, slug))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// Status and JSON body.
pub async fn status_json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

/// Posts each `(slug, body, sentences)` and checks the 400 in the server's shape with
/// exactly those sentences.
pub async fn assert_validation_400s(
    sandbox: &RunningSandbox,
    cases: impl IntoIterator<Item = (&str, String, serde_json::Value)>,
) {
    for (slug, body, sentences) in cases {
        let (status, answer) = status_json(send(sandbox, slug, &body).await).await;
        assert_eq!(status, 400, "{slug}: {answer}");
        assert_eq!(
            answer,
            serde_json::json!({"statusCode": 400, "message": sentences, "error": "Bad Request"}),
            "{slug}"
        );
    }
}

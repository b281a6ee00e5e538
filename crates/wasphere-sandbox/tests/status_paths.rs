//! Every answer of the send route, with its exact body, over real TCP.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TEXT, assert_validation_400s, client, send, send_url, status_json};
use serde_json::json;
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, KeyConfig, RateLimit, Sandbox};
use wasphere_types::{MessageType, documented_example};

async fn post(
    url: &str,
    auth: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, serde_json::Value) {
    let mut request = client()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    status_json(request.send().await.unwrap()).await
}

#[tokio::test]
async fn accepted_send_answers_201_with_a_fresh_message_id() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let response = send(&sandbox, "text", TEXT).await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let (status, body) = status_json(response).await;
    assert_eq!(status, 201);
    assert_eq!(body["status"], "sent");
    let id = body["messageId"].as_str().unwrap();
    assert_eq!(id.len(), 20);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)),
        "{id}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2);

    let (_, second) = status_json(send(&sandbox, "text", TEXT).await).await;
    assert_ne!(second["messageId"], body["messageId"]);

    let recorded = sandbox.messages();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].message_id, id);
    assert_eq!(recorded[0].message_type, MessageType::Text);
    assert_eq!(recorded[0].session, DEFAULT_SESSION);
    assert_eq!(recorded[0].key_prefix, "wsk_test_");
    assert_eq!(
        recorded[0].body,
        json!({"to": "923001234567", "text": "hi"})
    );
    assert_eq!(recorded[0].fault, None);
}

#[tokio::test]
async fn every_documented_example_is_accepted_as_is() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    for t in MessageType::ALL {
        let (status, body) =
            status_json(send(&sandbox, t.as_str(), documented_example(t)).await).await;
        assert_eq!(status, 201, "{t}: {body}");
    }
    let types: Vec<MessageType> = sandbox.messages().iter().map(|m| m.message_type).collect();
    assert_eq!(types, MessageType::ALL);
}

#[tokio::test]
async fn missing_malformed_or_unknown_keys_get_401() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let url = send_url(&sandbox, DEFAULT_SESSION, "text");
    let expected = json!({"statusCode": 401, "message": "Invalid or expired API key"});
    for auth in [
        None,
        Some("wsk_test_sandbox"),
        Some("Basic d3NrX3Rlc3Q6"),
        Some("Bearer "),
        Some("Bearer eyJhbGciOiJIUzI1NiJ9.dashboard.login"),
        Some("Bearer wsk_test_unknown"),
        Some("Bearer wsk_test_sandbox2"),
    ] {
        assert_eq!(
            post(&url, auth, TEXT).await,
            (401, expected.clone()),
            "{auth:?}"
        );
    }
    assert!(sandbox.messages().is_empty());
}

#[tokio::test]
async fn keys_without_permission_or_for_another_session_get_403() {
    let sandbox = Sandbox::builder()
        .session("sales")
        .session("support")
        .api_key(KeyConfig::new("wsk_test_reader").permissions(&["messages:read"]))
        .api_key(KeyConfig::new("wsk_test_support").session_scope("support"))
        .start()
        .await
        .unwrap();
    let (status, body) = post(
        &send_url(&sandbox, "sales", "text"),
        Some("Bearer wsk_test_reader"),
        TEXT,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"statusCode": 403, "message": "API key missing required permission: messages:send", "error": "Forbidden"})
    );

    let (status, body) = post(
        &send_url(&sandbox, "sales", "text"),
        Some("Bearer wsk_test_support"),
        TEXT,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"statusCode": 403, "message": "API key is not allowed to access this session", "error": "Forbidden"})
    );
    let (status, _) = post(
        &send_url(&sandbox, "support", "text"),
        Some("Bearer wsk_test_support"),
        TEXT,
    )
    .await;
    assert_eq!(status, 201);
    // With explicit keys, the default key no longer exists.
    let (status, _) = post(
        &send_url(&sandbox, "support", "text"),
        Some(&format!("Bearer {DEFAULT_API_KEY}")),
        TEXT,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn malformed_session_ids_get_400_invalid_session_id() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let auth = format!("Bearer {DEFAULT_API_KEY}");
    for session in [
        "my.session",
        "my%20session",
        "%C3%A9t%C3%A9",
        &"a".repeat(65),
    ] {
        let (status, body) = post(&send_url(&sandbox, session, "text"), Some(&auth), TEXT).await;
        assert_eq!(
            (status, body),
            (400, json!({"error": "INVALID_SESSION_ID"})),
            "{session}"
        );
    }
}

#[tokio::test]
async fn unknown_workspace_session_or_type_get_404() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let auth = format!("Bearer {DEFAULT_API_KEY}");
    let not_found = json!({"statusCode": 404, "message": "Session not found"});
    let (status, body) = post(
        &send_url(&sandbox, "other-session", "text"),
        Some(&auth),
        TEXT,
    )
    .await;
    assert_eq!((status, body), (404, not_found.clone()));
    for workspace in ["be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8", "not-a-uuid"] {
        let url = format!(
            "{}/workspaces/{workspace}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text",
            sandbox.base_url()
        );
        assert_eq!(
            post(&url, Some(&auth), TEXT).await,
            (404, not_found.clone())
        );
    }
    // The workspace id is a UUID: its letters' case does not matter.
    let upper = format!(
        "{}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text",
        sandbox.base_url(),
        "00000000-0000-4000-8000-000000000000".to_uppercase()
    );
    assert_eq!(post(&upper, Some(&auth), TEXT).await.0, 201);

    let url = send_url(&sandbox, DEFAULT_SESSION, "viewonce");
    let path = url.trim_start_matches(&sandbox.base_url()).to_owned();
    let (status, body) = post(&url, Some(&auth), TEXT).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"statusCode": 404, "message": format!("Cannot POST {path}"), "error": "Not Found"})
    );

    // Other methods and paths are NestJS's 404 too.
    let response = client()
        .get(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "Not Found");
    let response = client()
        .post(format!("{}/api/nothing", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(status_json(response).await.0, 404);
}

#[tokio::test]
async fn invalid_bodies_get_400_with_one_sentence_per_failed_rule() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    let cases: [(&str, &str, serde_json::Value); 5] = [
        (
            "document",
            r#"{"to":"923001234567","url":"https://x.io/a.pdf","filename":"a.pdf","mimetype":"application/pdf"}"#,
            // Every unknown property, then the rules still broken without it.
            json!([
                "property filename should not exist",
                "fileName should not be empty"
            ]),
        ),
        (
            "buttons",
            &format!(
                r#"{{"to":"923001234567","text":"","footer":"{}","buttons":[{{"id":"b","text":"B"}}]}}"#,
                "f".repeat(61)
            ),
            json!([
                "text should not be empty",
                "footer must be shorter than or equal to 60 characters"
            ]),
        ),
        (
            "text",
            r#"{"to":"923001234567"}"#,
            json!(["text should not be empty"]),
        ),
        (
            "location",
            r#"{"to":"923001234567","latitude":91,"longitude":0}"#,
            json!(["latitude must not be greater than 90"]),
        ),
        (
            "contact",
            r#"{"to":"923001234567","displayName":"John Doe","name":"J","phone":"+923001234567"}"#,
            json!([
                "property name should not exist",
                "property phone should not exist",
                "phoneNumber should not be empty"
            ]),
        ),
    ];
    let cases = cases.map(|(slug, body, messages)| (slug, body.to_owned(), messages));
    assert_validation_400s(&sandbox, cases).await;
    assert!(sandbox.messages().is_empty());
}

#[tokio::test]
async fn malformed_json_gets_400_with_a_single_sentence() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    for body in ["{", "", "[]", r#"{"to":"1","text":"a"} x"#] {
        let (status, answer) = status_json(send(&sandbox, "text", body).await).await;
        assert_eq!(status, 400, "{body:?}");
        assert_eq!(answer["statusCode"], 400);
        assert_eq!(answer["error"], "Bad Request");
        assert!(answer["message"].is_string(), "{body:?}: {answer}");
    }
}

#[tokio::test]
async fn client_side_only_rules_do_not_cause_a_400() {
    // The server checks only the length of `to`, and accepts repeated poll options and
    // button ids: the sandbox emulates the server, not this toolkit's stricter client.
    let sandbox = Sandbox::builder().start().await.unwrap();
    for (slug, body) in [
        ("text", r#"{"to":"+92 300 1234567","text":"hi"}"#),
        (
            "poll",
            r#"{"to":"923001234567","name":"Q","options":["a","a"],"selectableCount":5}"#,
        ),
        (
            "buttons",
            r#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"id":"x","text":"A"},{"id":"x","text":"B"}]}"#,
        ),
        (
            "reaction",
            r#"{"to":"923001234567","messageId":"ABC","emoji":"ab"}"#,
        ),
        (
            "image",
            r#"{"to":"923001234567","url":"https://a.io/x.png","caption":null}"#,
        ),
    ] {
        let (status, answer) = status_json(send(&sandbox, slug, body).await).await;
        assert_eq!(status, 201, "{slug}: {answer}");
    }
}

#[tokio::test]
async fn disconnected_sessions_get_500() {
    let sandbox = Sandbox::builder()
        .session("up")
        .disconnected_session("down")
        .start()
        .await
        .unwrap();
    let auth = format!("Bearer {DEFAULT_API_KEY}");
    assert_eq!(
        post(&send_url(&sandbox, "down", "text"), Some(&auth), TEXT).await,
        (500, json!({"error": "Session not connected"}))
    );
    assert_eq!(
        post(&send_url(&sandbox, "up", "text"), Some(&auth), TEXT)
            .await
            .0,
        201
    );
    // With explicit sessions, the default one does not exist.
    assert_eq!(
        post(
            &send_url(&sandbox, DEFAULT_SESSION, "text"),
            Some(&auth),
            TEXT
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn bodies_over_10_mib_get_413() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let auth = format!("Bearer {DEFAULT_API_KEY}");
    let url = send_url(&sandbox, DEFAULT_SESSION, "image");
    let huge = vec![b' '; wasphere_sandbox::MAX_BODY_BYTES + 1];
    assert_eq!(
        post(&url, Some(&auth), huge).await,
        (
            413,
            json!({"statusCode": 413, "message": "request entity too large", "error": "Payload Too Large"})
        )
    );
    // The server's JSON parser stops at 10 MiB, so a data URI of the largest allowed
    // `url` length does not fit once the other fields are around it; a smaller one does.
    let prefix = "data:image/png;base64,";
    let data = "A".repeat(wasphere_types::MAX_MEDIA_URL_LENGTH - prefix.len());
    let body = format!(r#"{{"to":"923001234567","url":"{prefix}{data}"}}"#);
    assert_eq!(post(&url, Some(&auth), body).await.0, 413);
    let data = "A".repeat(wasphere_types::MAX_MEDIA_URL_LENGTH - prefix.len() - 64);
    let body = format!(r#"{{"to":"923001234567","url":"{prefix}{data}"}}"#);
    assert_eq!(post(&url, Some(&auth), body).await.0, 201);
}

#[tokio::test]
async fn checks_run_in_the_servers_order() {
    let sandbox = Sandbox::builder()
        .session("up")
        .disconnected_session("down")
        .api_key(KeyConfig::new("wsk_test_a"))
        .api_key(KeyConfig::new("wsk_test_scoped").session_scope("up"))
        .start()
        .await
        .unwrap();
    let key = Some("Bearer wsk_test_a");
    let bad_body = r#"{"to":"923001234567"}"#;
    // The guard before everything: a bad key on a bad path with a bad body is a 401.
    let bad_everything = format!(
        "{}/workspaces/nope/proxy/api/sessions/bad.id/messages/nope",
        sandbox.base_url()
    );
    assert_eq!(post(&bad_everything, None, bad_body).await.0, 401);
    // A scoped key meets a malformed session id in the guard: 403 first.
    assert_eq!(
        post(&bad_everything, Some("Bearer wsk_test_scoped"), bad_body)
            .await
            .0,
        403
    );
    // The session id's format before the workspace and the type.
    assert_eq!(post(&bad_everything, key, bad_body).await.0, 400);
    // The session before the type.
    let url = send_url(&sandbox, "missing", "nope");
    assert_eq!(
        post(&url, key, bad_body).await.1["message"],
        "Session not found"
    );
    // The type before the body.
    let url = send_url(&sandbox, "up", "nope");
    assert_eq!(post(&url, key, bad_body).await.1["error"], "Not Found");
    // The body before the connection.
    let url = send_url(&sandbox, "down", "text");
    assert_eq!(post(&url, key, bad_body).await.0, 400);
    assert_eq!(post(&url, key, TEXT).await.0, 500);
}

#[tokio::test]
async fn counters_see_every_request_of_the_send_route() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    send(&sandbox, "text", TEXT).await;
    send(&sandbox, "text", "{}").await;
    client()
        .post(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .send()
        .await
        .unwrap();
    // Not the send route: not counted.
    client()
        .get(format!("{}/__sandbox/stats", sandbox.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(sandbox.requests_seen(), 3);
    assert_eq!(
        sandbox.status_counts().into_iter().collect::<Vec<_>>(),
        [(201, 1), (400, 1), (401, 1)]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn answers_over_http2_too() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let h2 = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = h2
        .post(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body(TEXT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(response.status(), 201);
}

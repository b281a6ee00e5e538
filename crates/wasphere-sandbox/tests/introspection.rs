//! `/__sandbox/…` over HTTP shows the same data as the `RunningSandbox` handle.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TEXT, client, send, status_json};
use wasphere_sandbox::{DEFAULT_API_KEY, RecordedMessage, Sandbox};

#[tokio::test]
async fn messages_and_stats_over_http() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let base = sandbox.base_url();
    let (_, accepted) = status_json(send(&sandbox, "text", TEXT).await).await;
    send(&sandbox, "text", "{}").await;

    let (status, listed) = status_json(
        client()
            .get(format!("{base}/__sandbox/messages"))
            .bearer_auth(DEFAULT_API_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let one = &listed[0];
    assert_eq!(one["type"], "text");
    assert_eq!(one["session"], "my-session");
    assert_eq!(one["keyPrefix"], "wsk_test_");
    assert_eq!(one["messageId"], accepted["messageId"]);
    assert_eq!(one["body"]["text"], "hi");
    assert!(one["receivedAt"].as_str().unwrap().ends_with('Z'));
    // The same records as the handle's, and the secret key appears nowhere.
    let typed: Vec<RecordedMessage> = serde_json::from_value(listed.clone()).unwrap();
    assert_eq!(typed, sandbox.messages());
    assert!(!listed.to_string().contains("wsk_test_sandbox"));

    let (_, stats) = status_json(
        client()
            .get(format!("{base}/__sandbox/stats"))
            .bearer_auth(DEFAULT_API_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(stats["requestsSeen"], 2);
    assert_eq!(
        stats["statusCounts"],
        serde_json::json!({"201": 1, "400": 1})
    );
    assert_eq!(stats["messages"], 1);

    let cleared = client()
        .delete(format!("{base}/__sandbox/messages"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(sandbox.messages().is_empty());
    assert_eq!(sandbox.requests_seen(), 0);
    assert!(sandbox.status_counts().is_empty());
}

#[tokio::test]
async fn recording_can_be_turned_off() {
    let sandbox = Sandbox::builder()
        .record_messages(false)
        .start()
        .await
        .unwrap();
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    assert!(sandbox.messages().is_empty());
    assert_eq!(sandbox.status_counts().get(&201), Some(&1));
}

#[tokio::test]
async fn shutdown_frees_the_port() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    sandbox.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    // And the same address can be served again.
    let again = Sandbox::builder().addr(addr).start().await.unwrap();
    assert_eq!(again.addr(), addr);
}

#[tokio::test]
async fn parallel_sandboxes_do_not_share_state() {
    let a = Sandbox::builder().start().await.unwrap();
    let b = Sandbox::builder().start().await.unwrap();
    assert_ne!(a.addr(), b.addr());
    send(&a, "text", TEXT).await;
    assert_eq!(a.messages().len(), 1);
    assert!(b.messages().is_empty());
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let sandbox = Sandbox::builder()
        .api_key(wasphere_sandbox::KeyConfig::new("wsk_live_s3cr3tvalue"))
        .webhook(
            "http://127.0.0.1:9/hook",
            wasphere_types::webhook::WebhookSecret::new("whsec_hidden"),
        )
        .start()
        .await
        .unwrap();
    let shown = format!("{sandbox:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(!shown.contains("whsec_hidden"), "{shown}");
    assert!(shown.contains("wsk_live_"), "{shown}");
}

/// Issue 12, item 1: every `/__sandbox/…` route was open to anyone who reached the port.
#[tokio::test]
async fn sandbox_routes_need_the_sandbox_key() {
    let sandbox = Sandbox::builder()
        .api_key(wasphere_sandbox::KeyConfig::new(DEFAULT_API_KEY))
        .api_key(wasphere_sandbox::KeyConfig::new("wsk_test_other").permissions(&[]))
        .start()
        .await
        .unwrap();
    let base = sandbox.base_url();
    send(&sandbox, "text", TEXT).await;
    let routes = [
        ("GET", "/__sandbox/messages"),
        ("DELETE", "/__sandbox/messages"),
        ("GET", "/__sandbox/stats"),
        ("GET", "/__sandbox/webhooks"),
        ("POST", "/__sandbox/faults"),
        ("DELETE", "/__sandbox/faults"),
        ("POST", "/__sandbox/simulate/reply"),
        ("GET", "/__sandbox/a-route-added-later"),
    ];
    for (method, path) in routes {
        for auth in [
            None,
            Some("Bearer wsk_test_unknown"),
            Some("wsk_test_sandbox"),
        ] {
            let mut request = client().request(method.parse().unwrap(), format!("{base}{path}"));
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            let (status, body) = status_json(request.send().await.unwrap()).await;
            assert_eq!(status, 401, "{method} {path} with {auth:?}: {body}");
            assert!(
                body["message"].as_str().unwrap().contains("API key"),
                "{body}"
            );
        }
    }
    // Nothing was read or changed by those requests.
    assert_eq!(sandbox.messages().len(), 1);
    // Any key of the sandbox opens them, whatever its permissions.
    for key in [DEFAULT_API_KEY, "wsk_test_other"] {
        let response = client()
            .get(format!("{base}/__sandbox/stats"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{key}");
    }
}

/// Issue 12, item 2: the record grew without end, and `GET /__sandbox/messages` copied it
/// whole. It keeps the last N and is read in pages.
#[tokio::test]
async fn the_record_keeps_the_last_n_messages_and_is_read_in_pages() {
    let sandbox = Sandbox::builder()
        .record_limit(5)
        .rate_limit(wasphere_sandbox::RateLimit::Off)
        .start()
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..8 {
        let body = format!(r#"{{"to":"923001234567","text":"message {i}"}}"#);
        let (_, answer) = status_json(send(&sandbox, "text", &body).await).await;
        ids.push(answer["messageId"].as_str().unwrap().to_owned());
    }
    let kept: Vec<String> = sandbox
        .messages()
        .into_iter()
        .map(|m| m.message_id)
        .collect();
    assert_eq!(kept, ids[3..]);
    assert_eq!(
        sandbox.status_counts().get(&201),
        Some(&8),
        "counters count everything"
    );

    let get = |query: &'static str| {
        let url = format!("{}/__sandbox/messages{query}", sandbox.base_url());
        async move {
            status_json(
                client()
                    .get(url)
                    .bearer_auth(DEFAULT_API_KEY)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let (status, first) = get("?limit=2").await;
    assert_eq!(status, 200);
    let seqs = |page: &serde_json::Value| -> Vec<u64> {
        page.as_array()
            .unwrap()
            .iter()
            .map(|m| m["seq"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(seqs(&first), [4, 5]);
    assert_eq!(first[0]["messageId"], ids[3].as_str());
    let (_, rest) = get("?after=5&limit=10").await;
    assert_eq!(seqs(&rest), [6, 7, 8]);
    assert_eq!(rest[2]["body"]["text"], "message 7");
    let (_, none) = get("?after=8").await;
    assert_eq!(none, serde_json::json!([]));
    for bad in [
        "?limit=0",
        "?limit=10001",
        "?after=-1",
        "?limit=ten",
        "?page=2",
    ] {
        let (status, body) = get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("after=SEQ&limit=N"),
            "{body}"
        );
    }
    let (_, stats) = status_json(
        client()
            .get(format!("{}/__sandbox/stats", sandbox.base_url()))
            .bearer_auth(DEFAULT_API_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(stats["messages"], 5);
    assert_eq!(stats["messagesAccepted"], 8);
    assert_eq!(stats["recordLimit"], 5);
}

//! `/__sandbox/…` over HTTP shows the same data as the `RunningSandbox` handle.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TEXT, client, send, status_json};
use wasphere_sandbox::{RecordedMessage, Sandbox};

#[tokio::test]
async fn messages_and_stats_over_http() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let base = sandbox.base_url();
    let (_, accepted) = status_json(send(&sandbox, "text", TEXT).await).await;
    send(&sandbox, "text", "{}").await;

    let (status, listed) = status_json(
        client()
            .get(format!("{base}/__sandbox/messages"))
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

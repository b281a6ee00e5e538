//! A receiver served over real TCP on loopback, and signed deliveries to post to it.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use tokio::task::JoinHandle;
use wasphere_webhooks::types::{
    DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSecret, sign,
};

pub const SECRET: &str = "whsec_test_receiver";

pub fn secret() -> WebhookSecret {
    WebhookSecret::new(SECRET)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// An app serving on a free loopback port until dropped.
pub struct Served {
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve(app: Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Served {
        url: format!("http://{addr}/hooks"),
        task,
    }
}

/// A delivery body as the server writes it, with a fresh delivery id.
pub fn envelope(event: &str, data: &str) -> String {
    format!(
        r#"{{"event":"{event}","sessionId":"shop","timestamp":"2026-11-24T10:00:00.000Z","deliveryId":"{:032x}","data":{data}}}"#,
        rand_id()
    )
}

fn rand_id() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, Ordering::Relaxed)) << 64 | u128::from(std::process::id())
}

/// A button tap on message `original`, itself message `id`.
pub fn button_tap(id: &str) -> String {
    envelope(
        "message.received",
        &format!(
            r#"{{"messageId":"{id}","from":"923001234567@s.whatsapp.net","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000000,"type":"conversation","content":{{"text":"Yes","selectionId":"yes","interactiveKind":"button_reply"}},"message":{{"buttonsResponseMessage":{{"selectedButtonId":"yes"}}}}}}"#
        ),
    )
}

/// Posts `body` signed with `secret` at `timestamp`, as the server does.
pub async fn deliver_signed(
    url: &str,
    body: &str,
    secret: &WebhookSecret,
    timestamp: i64,
) -> (u16, serde_json::Value) {
    let event = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["event"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header(EVENT_HEADER, event)
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(secret, timestamp, body.as_bytes()))
        .header(DELIVERY_ID_HEADER, format!("{:032x}", rand_id()))
        .body(body.to_owned());
    answer(request).await
}

/// Posts `body` signed now with the test secret.
pub async fn deliver(url: &str, body: &str) -> (u16, serde_json::Value) {
    deliver_signed(url, body, &secret(), now()).await
}

/// The status and the JSON answer of a request.
pub async fn answer(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("answer {status} is not JSON ({e}): {text:?}"));
    (status, json)
}

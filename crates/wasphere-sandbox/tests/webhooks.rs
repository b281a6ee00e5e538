//! Signed webhook deliveries, simulated replies and retries, received by a small axum app.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{client, send, status_json};
use serde_json::{Value, json};
use wasphere_sandbox::{DEFAULT_API_KEY, RateLimit, RunningSandbox, Sandbox};
use wasphere_types::webhook::{EventKind, Selection, WebhookEvent, WebhookSecret, verify};
use wasphere_types::{MessageType, documented_example};

const SECRET: &str = "whsec_sandbox_test";

/// One delivery as the receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn verified(&self) -> WebhookEvent {
        verify(
            &WebhookSecret::new(SECRET),
            self.header("x-wasphere-timestamp"),
            self.header("x-wasphere-signature"),
            &self.body,
            SystemTime::now(),
        )
        .unwrap()
    }
}

#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Received>>>,
    /// How many of the first deliveries to answer 500.
    fail_first: usize,
    /// How long to take before answering.
    stall: Duration,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let count = {
        let mut seen = r.seen.lock().unwrap();
        seen.push(Received { headers, body });
        seen.len()
    };
    tokio::time::sleep(r.stall).await;
    if count <= r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// Starts a receiver on a free loopback port; returns its URL and what it saw.
async fn receiver(fail_first: usize) -> (String, Arc<Mutex<Vec<Received>>>) {
    receiver_with(Receiver {
        fail_first,
        ..Receiver::default()
    })
    .await
}

async fn receiver_with(state: Receiver) -> (String, Arc<Mutex<Vec<Received>>>) {
    let seen = Arc::clone(&state.seen);
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// How long a test waits for something that takes milliseconds before it calls it lost:
/// a guard against a hang on a busy machine, not a claim about speed.
const PATIENCE: Duration = Duration::from_secs(30);

/// Waits until `n` deliveries have arrived.
async fn wait_for(seen: &Arc<Mutex<Vec<Received>>>, n: usize) -> Vec<Received> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let now = seen.lock().unwrap().clone();
        if now.len() >= n || Instant::now() > deadline {
            assert_eq!(now.len(), n, "deliveries");
            return now;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits (briefly) until the sandbox has recorded `n` delivery attempts: it records an
/// attempt after the subscriber's answer, so just after the subscriber saw it.
async fn records(sandbox: &RunningSandbox, n: usize) -> Vec<wasphere_sandbox::DeliveryRecord> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let now = sandbox.webhook_deliveries();
        if now.len() >= n || Instant::now() > deadline {
            assert_eq!(now.len(), n, "delivery records");
            return now;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn sandbox_with_webhook(url: &str) -> RunningSandbox {
    Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .webhook(url, WebhookSecret::new(SECRET))
        .webhook_retry_delays(vec![Duration::from_millis(50); 3])
        .start()
        .await
        .unwrap()
}

async fn send_example(sandbox: &RunningSandbox, t: MessageType) -> String {
    let (status, body) = status_json(send(sandbox, t.as_str(), documented_example(t)).await).await;
    assert_eq!(status, 201);
    body["messageId"].as_str().unwrap().to_owned()
}

async fn simulate(sandbox: &RunningSandbox, body: Value) -> (u16, Value) {
    let response = client()
        .post(format!("{}/__sandbox/simulate/reply", sandbox.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

#[tokio::test]
async fn every_accepted_send_emits_a_signed_message_sent() {
    let (url, seen) = receiver(0).await;
    let sandbox = sandbox_with_webhook(&url).await;
    let id = send_example(&sandbox, MessageType::Text).await;
    // A refused send emits nothing.
    assert_eq!(send(&sandbox, "text", "{}").await.status(), 400);

    let deliveries = wait_for(&seen, 1).await;
    let d = &deliveries[0];
    assert_eq!(d.header("x-wasphere-event"), Some("message.sent"));
    assert_eq!(d.header("content-type"), Some("application/json"));
    let delivery_id = d.header("x-wasphere-delivery-id").unwrap();
    assert_eq!(delivery_id.len(), 32);
    assert!(delivery_id.bytes().all(|b| b.is_ascii_hexdigit()));

    let event = d.verified();
    assert_eq!(event.event, EventKind::MessageSent);
    assert_eq!(event.session_id, "my-session");
    assert_eq!(event.delivery_id, delivery_id);
    assert!(humantime::parse_rfc3339(&event.timestamp).is_ok());
    let data = event.data_value().unwrap();
    assert_eq!(data["messageId"], id.as_str());
    assert_eq!(data["to"], "923001234567");
    assert_eq!(data["type"], "text");

    // The signature covers the body: one changed byte fails verification.
    let mut tampered = d.body.to_vec();
    tampered[10] ^= 1;
    assert!(
        verify(
            &WebhookSecret::new(SECRET),
            d.header("x-wasphere-timestamp"),
            d.header("x-wasphere-signature"),
            &tampered,
            SystemTime::now(),
        )
        .is_err()
    );

    let records = records(&sandbox, 1).await;
    assert!(records[0].delivered);
    assert_eq!(records[0].status, Some(204));
    assert_eq!(records[0].message_id, id);
}

#[tokio::test]
async fn a_simulated_button_tap_carries_the_button_id() {
    let (url, seen) = receiver(0).await;
    let sandbox = sandbox_with_webhook(&url).await;
    let id = send_example(&sandbox, MessageType::Buttons).await;
    let (status, answer) = simulate(&sandbox, json!({"messageId": id, "buttonId": "btn2"})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["queued"], true);

    let deliveries = wait_for(&seen, 2).await;
    let reply = deliveries
        .iter()
        .find(|d| d.header("x-wasphere-event") == Some("message.received"))
        .unwrap();
    let event = reply.verified();
    let received = event.message_received().unwrap().unwrap();
    assert_eq!(received.kind, "conversation");
    assert_eq!(received.from, "923001234567@s.whatsapp.net");
    assert_eq!(
        received.selection(),
        Some(Selection::ButtonReply {
            id: "btn2".into(),
            label: "Option B".into()
        })
    );
    let data = event.data_value().unwrap();
    assert_eq!(data["content"]["selectionId"], "btn2");
    assert_eq!(data["content"]["interactiveKind"], "button_reply");
    assert_ne!(data["messageId"], id.as_str());
}

#[tokio::test]
async fn a_simulated_list_pick_and_poll_vote() {
    let (url, seen) = receiver(0).await;
    let sandbox = sandbox_with_webhook(&url).await;
    let list = send_example(&sandbox, MessageType::List).await;
    let poll = send_example(&sandbox, MessageType::Poll).await;
    assert_eq!(
        simulate(&sandbox, json!({"messageId": list, "rowId": "pro"}))
            .await
            .0,
        200
    );
    assert_eq!(
        simulate(
            &sandbox,
            json!({"messageId": poll, "pollOptions": ["Maybe"]})
        )
        .await
        .0,
        200
    );
    let deliveries = wait_for(&seen, 4).await;
    let mut replies: Vec<Value> = deliveries
        .iter()
        .filter(|d| d.header("x-wasphere-event") == Some("message.received"))
        .map(|d| d.verified().data_value().unwrap())
        .collect();
    replies.sort_by_key(|d| d["type"].as_str().unwrap().to_owned());
    assert_eq!(replies[0]["type"], "conversation");
    assert_eq!(
        replies[0]["content"],
        json!({"text": "Pro", "selectionId": "pro", "selectionDescription": "Full access", "interactiveKind": "list_reply"})
    );
    assert_eq!(replies[1]["type"], "poll_vote");
    assert_eq!(
        replies[1]["content"],
        json!({"pollMessageId": poll, "pollName": "Question?", "selectedOptions": ["Maybe"], "text": "Maybe"})
    );
}

#[tokio::test]
async fn replies_the_sent_message_does_not_contain_are_refused() {
    let (url, seen) = receiver(0).await;
    let sandbox = sandbox_with_webhook(&url).await;
    let buttons = send_example(&sandbox, MessageType::Buttons).await;
    let poll = send_example(&sandbox, MessageType::Poll).await;
    let text = send_example(&sandbox, MessageType::Text).await;
    for (body, status) in [
        (json!({"messageId": buttons, "buttonId": "btn9"}), 400),
        (json!({"messageId": buttons, "rowId": "btn1"}), 400),
        (json!({"messageId": buttons}), 400),
        (json!({"messageId": poll, "pollOptions": ["Nope"]}), 400),
        (
            json!({"messageId": poll, "pollOptions": ["Yes", "No"]}),
            400,
        ),
        (json!({"messageId": poll, "pollOptions": []}), 400),
        (json!({"messageId": text, "buttonId": "btn1"}), 404),
        (json!({"messageId": "NOPE", "buttonId": "btn1"}), 404),
        (
            json!({"messageId": buttons, "buttonId": "btn1", "extra": 1}),
            400,
        ),
    ] {
        let (got, answer) = simulate(&sandbox, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    // Only the three message.sent deliveries.
    wait_for(&seen, 3).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_failing_subscriber_is_retried_on_the_schedule() {
    let (url, seen) = receiver(2).await;
    let sandbox = sandbox_with_webhook(&url).await;
    let id = send_example(&sandbox, MessageType::Text).await;

    let deliveries = wait_for(&seen, 3).await;
    let ids: Vec<&str> = deliveries
        .iter()
        .map(|d| d.header("x-wasphere-delivery-id").unwrap())
        .collect();
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    for d in &deliveries {
        let event = d.verified();
        assert_eq!(event.data_value().unwrap()["messageId"], id.as_str());
    }
    let records = records(&sandbox, 3).await;
    let summary: Vec<(u32, Option<u16>, bool)> = records
        .iter()
        .map(|r| (r.attempt, r.status, r.delivered))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some(500), false),
            (2, Some(500), false),
            (3, Some(204), true)
        ]
    );
    // Each retry waited its delay.
    let gap = records[1].at.duration_since(records[0].at).unwrap();
    assert!(gap >= Duration::from_millis(45), "{gap:?}");
    // Succeeded: no fourth attempt.
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_slow_subscriber_never_slows_a_send() {
    // The subscriber takes its deliveries and never answers within the test.
    let (url, seen) = receiver_with(Receiver {
        stall: Duration::from_secs(3600),
        ..Receiver::default()
    })
    .await;
    let sandbox = sandbox_with_webhook(&url).await;
    for _ in 0..3 {
        send_example(&sandbox, MessageType::Text).await;
    }
    // All three sends were answered, and all three deliveries reached the subscriber,
    // yet no delivery has an answer: the sends did not wait for their webhooks.
    wait_for(&seen, 3).await;
    assert!(sandbox.webhook_deliveries().is_empty());
}

#[tokio::test]
async fn an_unreachable_subscriber_is_given_up_after_the_last_retry() {
    // Bind and close a port so nothing listens there.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let sandbox = Sandbox::builder()
        .webhook(dead, WebhookSecret::new(SECRET))
        .webhook_retry_delays(vec![Duration::from_millis(20), Duration::from_millis(20)])
        .start()
        .await
        .unwrap();
    assert_eq!(send(&sandbox, "text", common::TEXT).await.status(), 201);
    let deadline = Instant::now() + PATIENCE;
    while sandbox.webhook_deliveries().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let records = sandbox.webhook_deliveries();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| !r.delivered && r.status.is_none() && r.error.is_some())
    );
}

#[tokio::test]
async fn without_a_webhook_a_simulated_reply_is_answered_but_not_queued() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let id = send_example(&sandbox, MessageType::Buttons).await;
    let (status, answer) = simulate(&sandbox, json!({"messageId": id, "buttonId": "btn1"})).await;
    assert_eq!(status, 200);
    assert_eq!(answer["queued"], false);
    assert_eq!(answer["data"]["content"]["selectionId"], "btn1");
    assert_eq!(answer["data"]["content"]["text"], "Option A");
}

//! The receiver over real TCP: each event handled once under retries, failed handling
//! retried, statuses in one form, secret rotation, slow and panicking handlers.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use common::{button_tap, deliver, deliver_signed, envelope, now, secret, serve};
use serde_json::json;
use tokio::sync::Notify;
use wasphere_webhooks::dedup::{DedupStore, Deduplicator, StoreError, StoreFuture};
use wasphere_webhooks::{
    Delivery, DeliveryStatus, Event, EventData, EventKind, MessageStatus, Receiver,
    ReceiverBuilder, Selection, Verifier, WebhookSecret,
};

/// Every event the handler saw, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Event>>>);

impl Seen {
    fn push(&self, e: Event) {
        self.0.lock().unwrap().push(e);
    }
    fn all(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }
}

fn recording(seen: &Seen) -> Receiver {
    recording_with(Receiver::builder(secret()), seen)
}

fn recording_with(builder: ReceiverBuilder, seen: &Seen) -> Receiver {
    let seen = seen.clone();
    builder.build(move |event: Event| {
        let seen = seen.clone();
        async move {
            seen.push(event);
            Ok::<_, std::convert::Infallible>(())
        }
    })
}

/// Delivers `body` until it is answered 200 (at most 100 times, 10 ms apart): a claim
/// settled on a handler's own task (a panic there, or a slow success) takes a moment.
async fn deliver_until_ok(url: &str, body: &str) -> (u16, serde_json::Value) {
    let mut answer = deliver(url, body).await;
    for _ in 0..100 {
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        answer = deliver(url, body).await;
    }
    answer
}

/// A receiver whose handler's n-th call (from 0) ends as `script(n)` says (which may
/// panic), after awaiting once first when `awaits`, so that it runs on a task of its own.
fn scripted(
    calls: &Arc<AtomicUsize>,
    awaits: bool,
    script: fn(usize) -> Result<(), &'static str>,
) -> Receiver {
    let calls = Arc::clone(calls);
    Receiver::builder(secret()).build(move |_event: Event| {
        let calls = Arc::clone(&calls);
        async move {
            if awaits {
                tokio::task::yield_now().await;
            }
            script(calls.fetch_add(1, Ordering::SeqCst))
        }
    })
}

fn app(receiver: Receiver) -> Router {
    Router::new().route_service("/hooks", receiver)
}

#[tokio::test]
async fn a_retried_button_tap_is_handled_once() {
    let seen = Seen::default();
    let served = serve(app(recording(&seen))).await;
    // The server's retries: same data, new delivery id and timestamp each time.
    let (status, answer) = deliver(&served.url, &button_tap("R1")).await;
    assert_eq!(
        (status, answer),
        (200, json!({"handled": 1, "duplicates": 0}))
    );
    for _ in 0..3 {
        let (status, answer) = deliver(&served.url, &button_tap("R1")).await;
        assert_eq!(
            (status, answer),
            (200, json!({"handled": 0, "duplicates": 1}))
        );
    }
    let events = seen.all();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::MessageReceived);
    assert_eq!(events[0].session_id, "shop");
    assert_eq!(
        events[0].selection(),
        Some(Selection::ButtonReply {
            id: "yes".into(),
            label: "Yes".into()
        })
    );
    // Another tap is another event.
    assert_eq!(deliver(&served.url, &button_tap("R2")).await.0, 200);
    assert_eq!(seen.all().len(), 2);
}

#[tokio::test]
async fn a_failed_event_is_handled_again_on_the_retry() {
    let calls = Arc::new(AtomicUsize::new(0));
    let receiver = scripted(&calls, false, |n| match n {
        0 => Err("database unavailable"),
        _ => Ok(()),
    });
    let served = serve(app(receiver)).await;
    let (status, answer) = deliver(&served.url, &button_tap("R1")).await;
    assert_eq!(status, 500);
    assert_eq!(
        answer,
        json!({"error": "the handler failed"}),
        "the error is not echoed"
    );
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 200);
    assert_eq!(
        deliver(&served.url, &button_tap("R1")).await.1["duplicates"],
        1
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn statuses_arrive_in_one_form_once_each() {
    let seen = Seen::default();
    let served = serve(app(recording(&seen))).await;
    let baileys = envelope(
        "messages.update",
        r#"[{"key":{"remoteJid":"923001234567@s.whatsapp.net","fromMe":true,"id":"S1","participant":null},"update":{"status":2}},
            {"key":{"remoteJid":"923001234567@s.whatsapp.net","fromMe":true,"id":"S1"},"update":{"status":3}}]"#,
    );
    let meta = envelope(
        "messages.update",
        r#"[{"messageId":"S1","status":4},{"messageId":"S1","status":3}]"#,
    );
    let named_read = envelope("message.read", r#"{"messageId":"S1"}"#);
    let played = envelope("messages.update", r#"[{"messageId":"S1","status":5}]"#);
    assert_eq!(
        deliver(&served.url, &baileys).await.1,
        json!({"handled": 2, "duplicates": 0})
    );
    assert_eq!(
        deliver(&served.url, &meta).await.1,
        json!({"handled": 1, "duplicates": 1})
    );
    assert_eq!(
        deliver(&served.url, &named_read).await.1,
        json!({"handled": 0, "duplicates": 1})
    );
    assert_eq!(
        deliver(&served.url, &played).await.1,
        json!({"handled": 1, "duplicates": 0})
    );
    let statuses: Vec<MessageStatus> = seen
        .all()
        .iter()
        .filter_map(|e| e.status().cloned())
        .collect();
    let expected: Vec<MessageStatus> = [
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Played,
    ]
    .into_iter()
    .map(|status| MessageStatus {
        message_id: "S1".into(),
        status,
    })
    .collect();
    assert_eq!(statuses, expected);
}

#[tokio::test]
async fn every_kind_of_the_contract_reaches_the_handler_typed() {
    let seen = Seen::default();
    let served = serve(app(recording(&seen))).await;
    let deliveries = [
        envelope(
            "message.sent",
            r#"{"to":"923001234567","messageId":"S9","type":"text","content":{"text":"hi"},"timestamp":1795000000}"#,
        ),
        envelope(
            "poll.vote",
            r#"{"messageId":"V1","type":"poll_vote","content":{"pollMessageId":"P1","pollName":"Lunch?","selectedOptions":["Yes"],"text":"Yes"}}"#,
        ),
        envelope(
            "message.receipt",
            r#"[{"key":{"id":"G1"},"userReceipt":[{"userJid":"1@s.whatsapp.net","readTimestamp":1795000000}]}]"#,
        ),
        envelope(
            "message.failed",
            r#"{"messageId":"S8","error":"not on WhatsApp"}"#,
        ),
        envelope("session.connected", r#"{"phone":"923001234567"}"#),
        envelope("webhook.test", r#"{"hello":"world"}"#),
        envelope("message.reaction", r#"{"messageId":"S9","emoji":"👍"}"#),
    ];
    for body in &deliveries {
        assert_eq!(
            deliver(&served.url, body).await,
            (200, json!({"handled": 1, "duplicates": 0})),
            "{body}"
        );
    }
    let events = seen.all();
    assert!(
        matches!(&events[0].data, EventData::Sent(m) if m.message_id == "S9" && m.content["text"] == "hi")
    );
    assert_eq!(events[1].selection().unwrap().id(), "P1");
    assert!(matches!(&events[2].data, EventData::Receipt(r) if r.key.id == "G1"));
    assert_eq!(events[3].status().unwrap().status, DeliveryStatus::Failed);
    assert!(matches!(&events[4].data, EventData::Session(v) if v["phone"] == "923001234567"));
    assert!(matches!(&events[5].data, EventData::Test(_)));
    assert_eq!(
        events[6].kind,
        EventKind::Unknown("message.reaction".into())
    );
    assert!(matches!(&events[6].data, EventData::Other(v) if v["emoji"] == "👍"));
}

#[tokio::test]
async fn old_and_new_secrets_are_accepted_during_a_rotation() {
    let seen = Seen::default();
    let (old, new) = (
        WebhookSecret::new("whsec_old"),
        WebhookSecret::new("whsec_new"),
    );
    let receiver = recording_with(
        Receiver::builder(new.clone()).also_accept(old.clone()),
        &seen,
    );
    let served = serve(app(receiver)).await;
    assert_eq!(
        deliver_signed(&served.url, &button_tap("A"), &old, now())
            .await
            .0,
        200
    );
    assert_eq!(
        deliver_signed(&served.url, &button_tap("B"), &new, now())
            .await
            .0,
        200
    );
    let other = WebhookSecret::new("whsec_other");
    assert_eq!(
        deliver_signed(&served.url, &button_tap("C"), &other, now())
            .await
            .0,
        401
    );
    assert_eq!(seen.all().len(), 2);
}

#[tokio::test]
async fn a_slow_handler_keeps_its_claim_until_it_ends() {
    let release = Arc::new(Notify::new());
    let finished = Arc::new(Notify::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let receiver = {
        let (release, finished, calls) = (
            Arc::clone(&release),
            Arc::clone(&finished),
            Arc::clone(&calls),
        );
        Receiver::builder(secret())
            .handler_timeout(Duration::from_millis(50))
            .build(move |_event: Event| {
                let (release, finished, calls) = (
                    Arc::clone(&release),
                    Arc::clone(&finished),
                    Arc::clone(&calls),
                );
                async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    release.notified().await;
                    finished.notify_one();
                    Ok::<_, std::convert::Infallible>(())
                }
            })
    };
    let served = serve(app(receiver)).await;
    // Still running at the timeout: 503, so the server retries.
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 503);
    // The retry comes while it still runs: not handled twice, and not acknowledged either.
    let (status, answer) = deliver(&served.url, &button_tap("R1")).await;
    assert_eq!(status, 409, "{answer}");
    release.notify_one();
    finished.notified().await;
    // Once it ended well, the next retry is a duplicate.
    // (The claim is committed right after the handler returns, on its own task.)
    let answer = deliver_until_ok(&served.url, &button_tap("R1")).await;
    assert_eq!(answer, (200, json!({"handled": 0, "duplicates": 1})));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_retry_is_handled() {
    let calls = Arc::new(AtomicUsize::new(0));
    let receiver = scripted(&calls, false, |n| {
        assert!(n > 0, "the first call panics");
        Ok(())
    });
    let served = serve(app(receiver)).await;
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 500);
    // A panic at the first poll is caught there, and its claim given back before the answer.
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A store whose backend is down.
struct Down;

impl DedupStore for Down {
    fn insert_if_absent<'a>(&'a self, _key: &'a str, _ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::backend("connection refused")) })
    }
    fn remove<'a>(&'a self, _key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::backend("connection refused")) })
    }
}

#[tokio::test]
async fn a_store_that_is_down_answers_503_and_handles_nothing() {
    let seen = Seen::default();
    let dedup = Deduplicator::with_store(Down, Duration::from_secs(60));
    let receiver = recording_with(Receiver::builder(secret()).dedup(dedup), &seen);
    let served = serve(app(receiver)).await;
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 503);
    assert!(seen.all().is_empty());
}

#[tokio::test]
async fn the_delivery_extractor_verifies_in_a_handler_of_your_own() {
    async fn hooks(delivery: Delivery) -> (StatusCode, String) {
        let ids: Vec<&str> = delivery
            .events
            .iter()
            .filter_map(|e| e.message_id())
            .collect();
        (StatusCode::OK, ids.join(","))
    }
    let app = Router::new()
        .route("/hooks", post(hooks))
        .with_state(Verifier::new(secret()));
    let served = serve(app).await;
    let client = reqwest::Client::new();
    let body = envelope(
        "messages.update",
        r#"[{"messageId":"S1","status":3},{"messageId":"S2","status":4}]"#,
    );
    let ok = client
        .post(&served.url)
        .header("X-WaSphere-Timestamp", now().to_string())
        .header(
            "X-WaSphere-Signature",
            wasphere_webhooks::types::sign(&secret(), now(), body.as_bytes()),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "S1,S2");
    let forged = client
        .post(&served.url)
        .header("X-WaSphere-Timestamp", now().to_string())
        .header(
            "X-WaSphere-Signature",
            format!("v1,sha256={}", "0".repeat(64)),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn each_event_of_a_delivery_is_settled_on_its_own() {
    // The handler fails on S2 the first time: S1 stays handled, S2 and S3 come back.
    let failures = Arc::new(Mutex::new(HashMap::from([("S2".to_owned(), 1)])));
    let seen = Seen::default();
    let receiver = {
        let (failures, seen) = (Arc::clone(&failures), seen.clone());
        Receiver::builder(secret()).build(move |event: Event| {
            let (failures, seen) = (Arc::clone(&failures), seen.clone());
            async move {
                let id = event.message_id().unwrap_or_default().to_owned();
                if let Some(left) = failures.lock().unwrap().get_mut(&id).filter(|n| **n > 0) {
                    *left -= 1;
                    return Err(format!("{id} failed"));
                }
                seen.push(event);
                Ok(())
            }
        })
    };
    let served = serve(app(receiver)).await;
    let body = envelope(
        "messages.update",
        r#"[{"messageId":"S1","status":3},{"messageId":"S2","status":3},{"messageId":"S3","status":3}]"#,
    );
    assert_eq!(deliver(&served.url, &body).await.0, 500);
    assert_eq!(
        deliver(&served.url, &body).await,
        (200, json!({"handled": 2, "duplicates": 1}))
    );
    let ids: Vec<String> = seen
        .all()
        .iter()
        .filter_map(|e| e.message_id().map(str::to_owned))
        .collect();
    assert_eq!(ids, ["S1", "S2", "S3"]);
}

#[tokio::test]
async fn a_handler_that_fails_or_panics_after_awaiting_is_retried_too() {
    // Handlers that do not finish at their first poll run in a task of their own.
    let calls = Arc::new(AtomicUsize::new(0));
    let receiver = scripted(&calls, true, |n| match n {
        0 => Err("failed after awaiting"),
        1 => panic!("panicked after awaiting"),
        _ => Ok(()),
    });
    let served = serve(app(receiver)).await;
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 500);
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 500);
    let answer = deliver_until_ok(&served.url, &button_tap("R1")).await;
    assert_eq!(answer, (200, json!({"handled": 1, "duplicates": 0})));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_handler_runs_to_its_end_when_the_sender_hangs_up() {
    // The server gives up after 10 s and retries later; the handler it left behind must
    // still finish and record the event, so the retry is a duplicate, not a second run.
    let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let seen = Seen::default();
    let receiver = {
        let (started, release, seen) = (Arc::clone(&started), Arc::clone(&release), seen.clone());
        Receiver::builder(secret()).build(move |event: Event| {
            let (started, release, seen) =
                (Arc::clone(&started), Arc::clone(&release), seen.clone());
            async move {
                started.notify_one();
                release.notified().await;
                seen.push(event);
                Ok::<_, std::convert::Infallible>(())
            }
        })
    };
    let served = serve(app(receiver)).await;
    let body = button_tap("R1");
    let sender = {
        let (url, body) = (served.url.clone(), body.clone());
        tokio::spawn(async move { deliver(&url, &body).await })
    };
    started.notified().await;
    sender.abort(); // hangs up while the handler runs
    assert!(sender.await.unwrap_err().is_cancelled());
    release.notify_one();
    let answer = deliver_until_ok(&served.url, &body).await;
    assert_eq!(answer, (200, json!({"handled": 0, "duplicates": 1})));
    assert_eq!(seen.all().len(), 1);
}

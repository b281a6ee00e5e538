//! End to end over real TCP: a buttons message sent through `wasphere-client` to the
//! sandbox, the simulated button tap, and the status sequence (sent, delivered, read)
//! arrive at a receiver mounted in an axum app. The app fails the first attempt of the
//! tap and of the "delivered" status; the sandbox retries with new delivery ids, and each
//! event is still handled exactly once.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use wasphere_client::Client;
use wasphere_client::types::{Button, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, Sandbox};
use wasphere_webhooks::dedup::key;
use wasphere_webhooks::{DeliveryStatus, Event, EventData, Receiver, Selection, WebhookSecret};

/// What the app handled (by dedup key, with how many times) and what it refused once.
#[derive(Default)]
struct App {
    handled: BTreeMap<String, usize>,
    events: Vec<Event>,
    failed_once: HashSet<String>,
}

#[tokio::test]
async fn a_reply_and_the_statuses_are_handled_once_despite_failed_first_attempts() {
    let app = Arc::new(Mutex::new(App::default()));
    let secret = WebhookSecret::new("whsec_end_to_end");
    let receiver = {
        let app = Arc::clone(&app);
        Receiver::builder(secret.clone()).build(move |event: Event| {
            let app = Arc::clone(&app);
            async move {
                let mut app = app.lock().unwrap();
                let k = key(&event);
                let fails_first = matches!(event.data, EventData::Received(_))
                    || event
                        .status()
                        .is_some_and(|s| s.status == DeliveryStatus::Delivered);
                if fails_first && app.failed_once.insert(k.clone()) {
                    return Err("the app's database is briefly unavailable");
                }
                *app.handled.entry(k).or_default() += 1;
                app.events.push(event);
                Ok(())
            }
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hooks = format!("http://{}/hooks", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, Router::new().route_service("/hooks", receiver)).await
    });

    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .webhook(&hooks, secret)
        // The server's 1 s, 5 s, 30 s, scaled down.
        .webhook_retry_delays(vec![
            Duration::from_millis(50),
            Duration::from_millis(250),
            Duration::from_millis(1500),
        ])
        .message_statuses(Duration::from_millis(100), Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(DEFAULT_SESSION.parse().unwrap())
        .build()
        .unwrap();

    let sent = client
        .send_buttons(
            "923001234567",
            "Confirm delivery?",
            "Reply below",
            [Button::new("yes", "Yes"), Button::new("no", "No")],
        )
        .await
        .unwrap();
    let tap = reqwest::Client::new()
        .post(format!("{}/__sandbox/simulate/reply", sandbox.base_url()))
        .bearer_auth(wasphere_sandbox::DEFAULT_API_KEY)
        .json(&serde_json::json!({"messageId": sent.message_id, "buttonId": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(tap.status(), 200);

    // Four events: message.sent, the tap, delivered, read. Wait for them (30 s hang guard).
    let started = Instant::now();
    while app.lock().unwrap().handled.len() < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "events so far: {:?}",
            app.lock().unwrap().handled
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let any stray retry arrive before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let app = std::mem::take(&mut *app.lock().unwrap());
    assert!(
        app.handled.values().all(|&n| n == 1),
        "each handled exactly once: {:?}",
        app.handled
    );
    assert_eq!(app.handled.len(), 4, "{:?}", app.handled);
    let sent_event = app.events.iter().find_map(|e| match &e.data {
        EventData::Sent(m) => Some(m.clone()),
        _ => None,
    });
    let sent_event = sent_event.unwrap();
    assert_eq!(sent_event.message_id, sent.message_id);
    assert_eq!(sent_event.kind, "buttons");
    assert_eq!(sent_event.content["text"], "Confirm delivery?");
    assert!(sent_event.content.get("to").is_none());
    let tap = app.events.iter().find_map(Event::selection).unwrap();
    assert_eq!(
        tap,
        Selection::ButtonReply {
            id: "yes".into(),
            label: "Yes".into()
        }
    );
    let statuses: Vec<(String, DeliveryStatus)> = app
        .events
        .iter()
        .filter_map(|e| e.status().map(|s| (s.message_id.clone(), s.status)))
        .collect();
    assert_eq!(
        statuses,
        [
            (sent.message_id.clone(), DeliveryStatus::Delivered),
            (sent.message_id.clone(), DeliveryStatus::Read)
        ]
    );
    assert_eq!(app.failed_once.len(), 2);

    // The sandbox retried the two failed events, each attempt with a new delivery id.
    let deliveries = sandbox.webhook_deliveries();
    let ids: HashSet<&str> = deliveries.iter().map(|d| d.delivery_id.as_str()).collect();
    assert_eq!(
        ids.len(),
        deliveries.len(),
        "a new delivery id for every attempt"
    );
    let retried: Vec<&str> = deliveries
        .iter()
        .filter(|d| d.attempt == 2)
        .map(|d| d.event.as_str())
        .collect();
    assert_eq!(retried.len(), 2, "{deliveries:?}");
    assert!(
        retried.contains(&"message.received") && retried.contains(&"messages.update"),
        "{retried:?}"
    );
    assert!(
        deliveries
            .iter()
            .filter(|d| d.attempt == 1 && !d.delivered)
            .all(|d| d.status == Some(500))
    );

    sandbox.shutdown().await;
    server.abort();
}

//! `webhook trigger` against `webhook listen`, both the real binary: every event kind
//! round-trips, `--tamper` is refused; and `listen --forward-to` passing deliveries on
//! to an app that verifies them with the same secret.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ChildGuard, stderr, wasphere};
use wasphere_types::webhook::{
    DeliveryStatus, Event, EventData, Selection, WebhookEvent, WebhookSecret,
};
use wasphere_webhooks::Receiver;

const SECRET: &str = "whsec_trigger_test";

fn listen(dir: &std::path::Path, extra: &[&str]) -> (ChildGuard, String) {
    common::listen(dir, SECRET, extra)
}

fn trigger(dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    wasphere(dir)
        .env("WH_SECRET", SECRET)
        .args(["webhook", "trigger"])
        .args(args)
        .args([
            "--to-url",
            &format!("{url}/hooks"),
            "--secret-env",
            "WH_SECRET",
        ])
        .output()
        .unwrap()
}

fn stdout_of(guard: &mut ChildGuard) -> String {
    let mut printed = String::new();
    std::io::Read::read_to_string(guard.child().stdout.as_mut().unwrap(), &mut printed).unwrap();
    printed
}

#[test]
fn every_event_kind_round_trips_and_a_tampered_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut guard, url) = listen(dir.path(), &["--count", "6"]);
    let tampered = trigger(dir.path(), &url, &["button", "--tamper"]);
    assert_eq!(
        tampered.status.code(),
        Some(0),
        "refused, as it should: {}",
        stderr(&tampered)
    );
    assert!(stderr(&tampered).contains("401"), "{}", stderr(&tampered));
    let cases: [&[&str]; 6] = [
        &["button", "--reply-to", "ORIG1", "--selection", "yes"],
        &["list", "--reply-to", "ORIG2", "--selection", "pro"],
        &["poll", "--reply-to", "ORIG3", "--selection", "Lunch"],
        &["sent", "--reply-to", "ORIG4"],
        &["delivered", "--reply-to", "ORIG4"],
        &["read", "--reply-to", "ORIG4"],
    ];
    for args in cases {
        let output = trigger(dir.path(), &url, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(guard.wait_for_exit(Duration::from_secs(20)).success());
    let printed = stdout_of(&mut guard);
    let events: Vec<Event> = printed
        .lines()
        .flat_map(|line| {
            serde_json::from_str::<WebhookEvent>(line)
                .unwrap()
                .events()
                .unwrap()
        })
        .collect();
    assert_eq!(
        events.len(),
        6,
        "the tampered one was not printed: {printed}"
    );
    assert_eq!(
        events[0].selection(),
        Some(Selection::ButtonReply {
            id: "yes".into(),
            label: "Option yes".into()
        })
    );
    assert!(matches!(events[1].selection(), Some(Selection::ListReply { id, .. }) if id == "pro"));
    assert!(
        matches!(events[2].selection(), Some(Selection::PollVote { poll_message_id, selected_options, .. })
        if poll_message_id == "ORIG3" && selected_options == ["Lunch"])
    );
    assert!(matches!(&events[3].data, EventData::Sent(m) if m.message_id == "ORIG4"));
    let statuses: Vec<_> = events[4..]
        .iter()
        .map(|e| e.status().cloned().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().map(|s| s.status).collect::<Vec<_>>(),
        [DeliveryStatus::Delivered, DeliveryStatus::Read]
    );
    assert!(statuses.iter().all(|s| s.message_id == "ORIG4"));
}

#[test]
fn trigger_fails_when_the_endpoint_refuses_an_authentic_event() {
    let dir = tempfile::tempdir().unwrap();
    let (_guard, url) = listen(dir.path(), &[]);
    // Signed with another secret than listen's: listen refuses, so trigger fails.
    let output = wasphere(dir.path())
        .env("WH_SECRET", "whsec_someone_else")
        .args([
            "webhook",
            "trigger",
            "read",
            "--to-url",
            &format!("{url}/hooks"),
            "--secret-env",
            "WH_SECRET",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("401"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("whsec_someone_else"));
}

#[test]
fn listen_forwards_authentic_deliveries_to_the_app() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let seen: Arc<Mutex<Vec<Event>>> = Arc::default();
    let app_url = runtime.block_on(async {
        let receiver = {
            let seen = Arc::clone(&seen);
            Receiver::builder(WebhookSecret::new(SECRET)).build(move |event: Event| {
                seen.lock().unwrap().push(event);
                async { Ok::<_, std::convert::Infallible>(()) }
            })
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/app/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(
                listener,
                axum::Router::new().route_service("/app/hooks", receiver),
            )
            .await
        });
        url
    });
    let dir = tempfile::tempdir().unwrap();
    let (mut guard, url) = listen(dir.path(), &["--count", "2", "--forward-to", &app_url]);
    assert_eq!(
        trigger(dir.path(), &url, &["button", "--tamper"])
            .status
            .code(),
        Some(0)
    );
    for args in [
        &["button", "--reply-to", "ORIG1", "--selection", "yes"][..],
        &["read", "--reply-to", "ORIG1"],
    ] {
        let output = trigger(dir.path(), &url, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "the app's 200 came back: {}",
            stderr(&output)
        );
    }
    assert!(guard.wait_for_exit(Duration::from_secs(20)).success());
    let printed = stdout_of(&mut guard);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    assert!(
        lines[0].starts_with("message.received ") && lines[0].ends_with("selected yes -> 200"),
        "{printed}"
    );
    assert_eq!(lines[1], "messages.update ORIG1 status read -> 200");
    // The app verified both with the shared secret; the tampered one never reached it.
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].status().unwrap().status, DeliveryStatus::Read);
}

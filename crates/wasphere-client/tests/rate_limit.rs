//! The client-side limiter against a sandbox that enforces the server's sliding window:
//! the client never provokes a 429, and a 429 caused by someone else pauses every sender.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use wasphere_client::types::Text;
use wasphere_client::{Message, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RateLimit as SandboxRateLimit};

const WINDOW: Duration = Duration::from_secs(1);

fn hello(i: usize) -> Message {
    Text::new("923001234567", format!("message {i}")).into()
}

fn limited_sandbox(max: u32) -> wasphere_sandbox::SandboxBuilder {
    common::sandbox().rate_limit(SandboxRateLimit::Window {
        max,
        window: WINDOW,
    })
}

#[tokio::test]
async fn three_hundred_sends_at_60_per_second_get_no_429() {
    let sandbox = common::start(limited_sandbox(60)).await;
    let client = common::client_for(&sandbox)
        .rate_limit(RateLimit::Window {
            max: 60,
            window: WINDOW,
        })
        .safety_margin(Duration::from_millis(250))
        .build()
        .unwrap();
    for i in 0..300 {
        client.send(&hello(i)).await.unwrap();
    }
    assert_eq!(common::count(&sandbox, 429), 0);
    assert_eq!(common::count(&sandbox, 201), 300);
    let times = common::assert_accepted_in_a_sliding_window(&sandbox, 60, WINDOW);
    // Five batches of 60: the fifth cannot start before four windows have passed.
    let span = times[299].duration_since(times[0]).unwrap_or_default();
    assert!(span >= 4 * WINDOW, "{span:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn concurrent_clones_share_one_window() {
    let sandbox = common::start(limited_sandbox(30)).await;
    let client = common::client_for(&sandbox)
        .rate_limit(RateLimit::Window {
            max: 30,
            window: WINDOW,
        })
        .safety_margin(Duration::from_millis(100))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                client.send(&hello(t * 100 + i)).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(common::count(&sandbox, 429), 0);
    assert_eq!(common::count(&sandbox, 201), 80);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn separately_built_clients_with_one_key_share_one_window() {
    let sandbox = common::start(limited_sandbox(10)).await;
    let build = || {
        common::client_for(&sandbox)
            .rate_limit(RateLimit::Window {
                max: 10,
                window: WINDOW,
            })
            .safety_margin(Duration::from_millis(100))
            .build()
            .unwrap()
    };
    let (a, b) = (build(), build());
    for i in 0..15 {
        let client = if i % 2 == 0 { &a } else { &b };
        client.send(&hello(i)).await.unwrap();
    }
    assert_eq!(common::count(&sandbox, 429), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_429_from_another_process_pauses_every_sender_on_the_key() {
    let sandbox = common::start(limited_sandbox(5)).await;
    // "Another process" fills the server's window with the same key.
    let url = format!(
        "{}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text",
        sandbox.base_url(),
        sandbox.workspace()
    );
    let other = reqwest::Client::new();
    for _ in 0..5 {
        let answer = other
            .post(&url)
            .bearer_auth(DEFAULT_API_KEY)
            .header("content-type", "application/json")
            .body(r#"{"to":"923001234567","text":"other"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
    }
    let client = common::client_for(&sandbox)
        .rate_limit(RateLimit::Window {
            max: 5,
            window: WINDOW,
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let first = {
        let client = client.clone();
        tokio::spawn(async move { client.send(&hello(1)).await })
    };
    // The second sender starts while the first is waiting out its 429.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = client.send(&hello(2)).await;
    assert!(second.is_ok(), "{second:?}");
    assert!(first.await.unwrap().is_ok());
    assert!(started.elapsed() >= Duration::from_millis(900));
    // Only the first sender met the 429: the second waited without asking.
    assert_eq!(common::count(&sandbox, 429), 1);
    assert_eq!(common::count(&sandbox, 201), 7);
    sandbox.shutdown().await;
}

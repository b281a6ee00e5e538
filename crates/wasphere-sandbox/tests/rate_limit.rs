//! The sliding window of contract section 3, over real TCP and real time (kept short).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TEXT, client, send, send_url};
use serde_json::json;
use wasphere_sandbox::{DEFAULT_SESSION, Fault, FaultRule, KeyConfig, RateLimit, Sandbox};

/// Sends once and returns the status and the `Retry-After` header, if any.
async fn attempt(sandbox: &wasphere_sandbox::RunningSandbox) -> (u16, Option<u64>) {
    let response = send(sandbox, "text", TEXT).await;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    if status == 429 {
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"statusCode": 429, "error": "Too Many Requests", "retryAfter": retry_after.unwrap()})
        );
    }
    (status, retry_after)
}

#[tokio::test]
async fn n_pass_then_429_and_capacity_returns_exactly_as_the_window_slides() {
    let window = Duration::from_secs(2);
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Window { max: 3, window })
        .start()
        .await
        .unwrap();
    let t0 = Instant::now();
    let at = |ms: u64| tokio::time::sleep_until((t0 + Duration::from_millis(ms)).into());

    // Each check below keeps at least 250 ms from the instant it depends on, so a slow,
    // busy machine does not make it flaky.
    assert_eq!(attempt(&sandbox).await, (201, None)); // r1 at ~0 s
    at(600).await;
    assert_eq!(attempt(&sandbox).await, (201, None)); // r2, r3 at ~0.6 s
    assert_eq!(attempt(&sandbox).await, (201, None));
    // Full: r1 leaves at ~2.0 s, 1.4 s away, so Retry-After rounds up to 2.
    assert_eq!(attempt(&sandbox).await, (429, Some(2)));

    at(2250).await;
    // r1 has left, r2 and r3 have not: exactly one slot.
    assert_eq!(attempt(&sandbox).await, (201, None)); // r5 at ~2.25 s
    // r2 leaves at ~2.6 s, 0.35 s away: 1.
    assert_eq!(attempt(&sandbox).await, (429, Some(1)));

    at(2900).await;
    // r2 and r3 have left; the 429s above were not counted, so two slots.
    assert_eq!(attempt(&sandbox).await, (201, None));
    assert_eq!(attempt(&sandbox).await, (201, None));
    // Now r5 is the oldest: it leaves at ~4.25 s, 1.35 s away.
    assert_eq!(attempt(&sandbox).await, (429, Some(2)));

    assert_eq!(sandbox.messages().len(), 6);
    assert_eq!(
        sandbox.status_counts().into_iter().collect::<Vec<_>>(),
        [(201, 6), (429, 3)]
    );
}

#[tokio::test]
async fn retry_after_is_rounded_up_whole_seconds() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::parse("2/10s").unwrap())
        .start()
        .await
        .unwrap();
    assert_eq!(attempt(&sandbox).await.0, 201);
    assert_eq!(attempt(&sandbox).await.0, 201);
    // The oldest leaves in a bit under 10 s: 10, not 9.
    assert_eq!(attempt(&sandbox).await, (429, Some(10)));
}

#[tokio::test]
async fn each_key_has_its_own_window() {
    let sandbox = Sandbox::builder()
        .api_key(KeyConfig::new("wsk_test_a"))
        .api_key(KeyConfig::new("wsk_test_b"))
        .rate_limit(RateLimit::parse("1/1m").unwrap())
        .start()
        .await
        .unwrap();
    let url = send_url(&sandbox, DEFAULT_SESSION, "text");
    let status = |key: &'static str| {
        let request = client()
            .post(&url)
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(TEXT);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status("wsk_test_a").await, 201);
    assert_eq!(status("wsk_test_a").await, 429);
    assert_eq!(status("wsk_test_b").await, 201);
    // A refused key is not counted: 401s never touch a window.
    assert_eq!(status("wsk_test_c").await, 401);
    sandbox.reset_rate_limits();
    assert_eq!(status("wsk_test_a").await, 201);
}

#[tokio::test]
async fn with_the_limit_off_nothing_is_refused() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    for _ in 0..100 {
        assert_eq!(attempt(&sandbox).await.0, 201);
    }
}

#[tokio::test]
async fn the_default_is_60_per_minute() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    for _ in 0..60 {
        assert_eq!(attempt(&sandbox).await.0, 201);
    }
    let (status, retry_after) = attempt(&sandbox).await;
    assert_eq!(status, 429);
    assert!((59..=60).contains(&retry_after.unwrap()), "{retry_after:?}");
}

#[tokio::test]
async fn an_injected_429_uses_no_real_capacity() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::parse("1/1m").unwrap())
        .fault(FaultRule::next(
            2,
            Fault::RateLimited {
                retry_after_secs: 7,
            },
        ))
        .start()
        .await
        .unwrap();
    assert_eq!(attempt(&sandbox).await, (429, Some(7)));
    assert_eq!(attempt(&sandbox).await, (429, Some(7)));
    assert_eq!(attempt(&sandbox).await, (201, None));
    let (status, retry_after) = attempt(&sandbox).await;
    assert_eq!(status, 429);
    assert!((59..=60).contains(&retry_after.unwrap()));
}

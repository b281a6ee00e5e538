//! Deduplication shared by replicas through a real Redis (started by the test): a
//! retried delivery reaching another replica is a duplicate, a failed event is handled
//! again wherever its retry lands, entries expire, and a Redis outage is a 503 (the
//! server retries), never a panic, a hang or a lost event.
#![cfg(feature = "redis")]
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use common::{button_tap, deliver, secret, serve};
use redis::AsyncCommands;
use serde_json::json;
use wasphere_testservers::Redis;
use wasphere_webhooks::dedup::{DedupStore, Deduplicator, RedisStore};
use wasphere_webhooks::{Event, Receiver};

const WINDOW: Duration = Duration::from_secs(600);

/// A replica: a receiver with a Redis store of its own, counting its handler's calls and
/// failing the calls `fail(n)` picks (n counted across replicas).
async fn replica(
    redis: &Redis,
    calls: &Arc<AtomicUsize>,
    fail: fn(usize) -> bool,
) -> common::Served {
    let store = RedisStore::connect(&redis.url()).await.unwrap();
    let calls = Arc::clone(calls);
    let receiver = Receiver::builder(secret())
        .dedup(Deduplicator::with_store(store, WINDOW))
        .build(move |_event: Event| {
            let calls = Arc::clone(&calls);
            async move {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                if fail(n) {
                    Err("the database is down")
                } else {
                    Ok(())
                }
            }
        });
    serve(Router::new().route_service("/hooks", receiver)).await
}

#[tokio::test]
async fn a_retry_reaching_another_replica_is_a_duplicate() {
    let Some(redis) = Redis::start("a_retry_reaching_another_replica_is_a_duplicate") else {
        return;
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let a = replica(&redis, &calls, |_| false).await;
    let b = replica(&redis, &calls, |_| false).await;
    assert_eq!(
        deliver(&a.url, &button_tap("R1")).await,
        (200, json!({"handled": 1, "duplicates": 0}))
    );
    // The server's retries (new delivery id and timestamp), landing on either replica.
    for url in [&b.url, &a.url, &b.url] {
        assert_eq!(
            deliver(url, &button_tap("R1")).await,
            (200, json!({"handled": 0, "duplicates": 1}))
        );
    }
    assert_eq!(deliver(&b.url, &button_tap("R2")).await.0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failed_event_is_handled_by_the_replica_its_retry_reaches() {
    let Some(redis) = Redis::start("a_failed_event_is_handled_by_the_replica_its_retry_reaches")
    else {
        return;
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let a = replica(&redis, &calls, |n| n == 0).await;
    let b = replica(&redis, &calls, |n| n == 0).await;
    assert_eq!(deliver(&a.url, &button_tap("F1")).await.0, 500);
    assert_eq!(
        deliver(&b.url, &button_tap("F1")).await,
        (200, json!({"handled": 1, "duplicates": 0}))
    );
    assert_eq!(
        deliver(&a.url, &button_tap("F1")).await,
        (200, json!({"handled": 0, "duplicates": 1}))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn entries_are_set_only_once_and_expire() {
    let Some(redis) = Redis::start("entries_are_set_only_once_and_expire") else {
        return;
    };
    let store = RedisStore::connect_with(&redis.url(), "shop:hooks", Duration::from_secs(1))
        .await
        .unwrap();
    assert!(
        store
            .insert_if_absent("s status M delivered", Duration::from_millis(300))
            .await
            .unwrap()
    );
    assert!(
        !store
            .insert_if_absent("s status M delivered", Duration::from_millis(300))
            .await
            .unwrap()
    );
    let mut raw = redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let ttl: i64 = raw.pttl("shop:hooks:s status M delivered").await.unwrap();
    assert!(ttl > 0 && ttl <= 300, "{ttl}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        store
            .insert_if_absent("s status M delivered", WINDOW)
            .await
            .unwrap()
    );
    store.remove("s status M delivered").await.unwrap();
    let left: Vec<String> = raw.keys("*").await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_answers_503_and_the_retry_is_handled_once_back() {
    let Some(mut redis) =
        Redis::start("redis_stopped_mid_run_answers_503_and_the_retry_is_handled_once_back")
    else {
        return;
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let a = replica(&redis, &calls, |_| false).await;
    assert_eq!(deliver(&a.url, &button_tap("D1")).await.0, 200);
    redis.stop();
    let (status, _) =
        tokio::time::timeout(Duration::from_secs(60), deliver(&a.url, &button_tap("D2")))
            .await
            .unwrap();
    assert_eq!(
        status, 503,
        "the server must retry what could not be deduplicated"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "nothing is handled without the store"
    );
    redis.restart();
    // The manager reconnects on its own; the server's next retries get through.
    let mut answer = deliver(&a.url, &button_tap("D2")).await;
    for _ in 0..50 {
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = deliver(&a.url, &button_tap("D2")).await;
    }
    assert_eq!(answer, (200, json!({"handled": 1, "duplicates": 0})));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_at_connect_without_the_password() {
    let port = wasphere_testservers::unused_port();
    let e = RedisStore::connect(&format!("redis://:pw-hidden@127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(!e.to_string().contains("pw-hidden"), "{e}");
    assert!(e.to_string().contains("unavailable"), "{e}");
    let e = RedisStore::connect("http://:pw-hidden@x/")
        .await
        .unwrap_err();
    assert!(!e.to_string().contains("pw-hidden"), "{e}");
}

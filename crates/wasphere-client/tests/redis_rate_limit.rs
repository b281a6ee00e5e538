//! The rate limit shared through a real Redis (started by the test): several independent
//! stores, standing for several processes, share one key's window and its 429 pauses;
//! each slot moves to its request's answer (settled); keys in Redis hide the API key and
//! expire; an outage is a typed error or a local fallback, never a panic or a hang.
#![cfg(feature = "redis")]
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::log_capture::Capture;
use redis::AsyncCommands;
use wasphere_client::types::Text;
use wasphere_client::{
    Client, Error, ErrorClass, Message, OnRedisOutage, RateLimit, RateLimitStoreError,
    RedisLimitStore,
};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, RateLimit as SandboxRateLimit,
    RunningSandbox, Trigger,
};
use wasphere_testservers::Redis;

const WINDOW: Duration = Duration::from_secs(1);

/// A guard against a hang turning into a stuck test run; far above any expected duration.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn hello(i: usize) -> Message {
    Text::new("923001234567", format!("message {i}")).into()
}

fn limited(max: u32) -> RateLimit {
    RateLimit::Window {
        max,
        window: WINDOW,
    }
}

async fn sandbox_at(max: u32) -> RunningSandbox {
    common::start(common::sandbox().rate_limit(SandboxRateLimit::Window {
        max,
        window: WINDOW,
    }))
    .await
}

/// A client with a store of its own: nothing shared with the others but Redis.
fn client(sandbox: &RunningSandbox, store: RedisLimitStore, max: u32) -> Client {
    common::client_for(sandbox)
        .rate_limit(limited(max))
        .safety_margin(Duration::from_millis(100))
        .rate_limit_store(store)
        .build()
        .unwrap()
}

/// No `max + 1` accepted sends within any window, by the sandbox's own clock.
fn assert_sliding(sandbox: &RunningSandbox, max: usize) -> Vec<SystemTime> {
    common::assert_accepted_in_a_sliding_window(sandbox, max, WINDOW)
}

async fn redis_connection(redis: &Redis) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// The only window in Redis: its slots' times (µs since the epoch, by Redis's clock),
/// oldest first.
async fn window_times(redis_conn: &mut redis::aio::MultiplexedConnection) -> Vec<f64> {
    let keys: Vec<String> = redis_conn.keys("*:window:*").await.unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let scored: Vec<(String, f64)> = redis_conn.zrange_withscores(&keys[0], 0, -1).await.unwrap();
    scored.into_iter().map(|(_, at)| at).collect()
}

/// The latest grant of the only window (µs since the epoch, by Redis's clock).
async fn latest_grant(redis_conn: &mut redis::aio::MultiplexedConnection) -> f64 {
    let keys: Vec<String> = redis_conn.keys("*:latest:*").await.unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let at: String = redis_conn.get(&keys[0]).await.unwrap();
    at.parse().unwrap()
}

/// A store for `redis` that gives up on it within half a second, for tests that stop it.
fn impatient_store(redis: &Redis) -> wasphere_client::RedisLimitStoreBuilder {
    RedisLimitStore::builder(&redis.url()).timeout(Duration::from_millis(500))
}

/// At least `least` has passed since `since`, the moment `what` counts from.
fn assert_waited(since: tokio::time::Instant, least: Duration, what: &str) {
    let waited = since.elapsed();
    assert!(waited >= least, "{what} after {waited:?}");
}

fn micros_since_epoch(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_micros() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_independent_stores_share_one_window_with_no_429() {
    let Some(redis) = Redis::start("four_independent_stores_share_one_window_with_no_429") else {
        return;
    };
    let sandbox = sandbox_at(20).await;
    let mut senders = Vec::new();
    for s in 0..4 {
        let client = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 20);
        senders.push(tokio::spawn(async move {
            for i in 0..25 {
                client.send(&hello(s * 100 + i)).await.unwrap();
            }
        }));
    }
    for s in senders {
        tokio::time::timeout(HANG_GUARD, s).await.unwrap().unwrap();
    }
    assert_eq!(common::count(&sandbox, 429), 0);
    assert_eq!(common::count(&sandbox, 201), 100);
    let times = assert_sliding(&sandbox, 20);
    // Five windows' worth: the last batch cannot start before four windows passed.
    let span = times[99].duration_since(times[0]).unwrap_or_default();
    assert!(span >= 4 * WINDOW, "{span:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_same_four_without_redis_collect_429s() {
    // The problem the shared store solves: each process's own limiter allows the whole
    // limit, so four of them send four times too much. Different limit settings make
    // the in-process registry keep four separate windows, as four processes would.
    let sandbox = sandbox_at(20).await;
    let mut senders = Vec::new();
    for s in 0..4u32 {
        let client = common::client_for(&sandbox)
            .rate_limit(limited(20))
            .safety_margin(Duration::from_millis(100 + u64::from(s)))
            .retry_policy(wasphere_client::RetryPolicy::none())
            .build()
            .unwrap();
        senders.push(tokio::spawn(async move {
            for i in 0..25 {
                let _ = client.send(&hello(i)).await;
            }
        }));
    }
    for s in senders {
        s.await.unwrap();
    }
    assert!(
        common::count(&sandbox, 429) > 0,
        "{:?}",
        sandbox.status_counts()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_429_seen_by_one_process_pauses_the_others() {
    let Some(redis) = Redis::start("a_429_seen_by_one_process_pauses_the_others") else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let no_retries = |store| {
        common::client_for(&sandbox)
            .rate_limit(limited(100))
            .rate_limit_store(store)
            .retry_policy(wasphere_client::RetryPolicy::none())
            .build()
            .unwrap()
    };
    let first = no_retries(RedisLimitStore::new(&redis.url()).unwrap());
    let second = no_retries(RedisLimitStore::new(&redis.url()).unwrap());
    sandbox.inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 2,
        },
    ));
    let started = tokio::time::Instant::now();
    // The first meets the 429 and, with no retries, returns it after sharing the pause.
    let refused = first.send(&hello(0)).await.unwrap_err();
    assert_eq!(refused.status(), Some(429));
    second.send(&hello(1)).await.unwrap();
    assert_waited(
        started,
        Duration::from_secs(2),
        "the other process went ahead",
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spaced_pace_holds_across_stores_on_the_servers_clock() {
    let Some(redis) = Redis::start("a_spaced_pace_holds_across_stores_on_the_servers_clock") else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let gap = Duration::from_millis(40);
    let mut takers = Vec::new();
    for _ in 0..3 {
        let limiter = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 1_000)
            .rate_limiter()
            .unwrap();
        takers.push(tokio::spawn(async move {
            for _ in 0..8 {
                let _slot = limiter.acquire_spaced(gap).await.unwrap();
            }
        }));
    }
    for t in takers {
        tokio::time::timeout(HANG_GUARD, t).await.unwrap().unwrap();
    }
    // The admissions as Redis recorded them, on its own clock, in µs.
    let mut redis_conn = redis_connection(&redis).await;
    let keys: Vec<String> = redis_conn.keys("*:window:*").await.unwrap();
    let scored: Vec<(String, f64)> = redis_conn.zrange_withscores(&keys[0], 0, -1).await.unwrap();
    assert_eq!(scored.len(), 24);
    for pair in scored.windows(2) {
        let apart = pair[1].1 - pair[0].1;
        assert!(apart >= 40_000.0, "admissions {apart} µs apart");
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_send_s_slot_moves_to_its_answer_after_the_server_counted_it() {
    let Some(redis) =
        Redis::start("each_send_s_slot_moves_to_its_answer_after_the_server_counted_it")
    else {
        return;
    };
    // Every answer 300 ms after the sandbox counted the request.
    let latency = Duration::from_millis(300);
    let sandbox = common::start(common::sandbox().fault(FaultRule {
        fault: Fault::Delay(latency),
        trigger: Trigger::Probability { p: 1.0, seed: 1 },
    }))
    .await;
    let client = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 10);
    for i in 0..3 {
        client.send(&hello(i)).await.unwrap();
    }
    let mut redis_conn = redis_connection(&redis).await;
    let settled = window_times(&mut redis_conn).await;
    // Redis and the sandbox read this machine's one clock: each slot's time is now after
    // its request reached the sandbox, by the answer's latency at least.
    let arrived = assert_sliding(&sandbox, 10);
    assert_eq!(settled.len(), 3);
    for (at, arrival) in settled.iter().zip(&arrived) {
        let after = at - micros_since_epoch(*arrival);
        assert!(
            after >= latency.as_micros() as f64,
            "a slot at {after} µs after its request's arrival"
        );
    }
    // The latest grant is kept apart: before the last request arrived, not at its answer.
    let latest = latest_grant(&mut redis_conn).await;
    assert!(
        latest <= micros_since_epoch(arrived[2]),
        "{latest} vs {arrived:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_settled_after_it_left_the_window_counts_again() {
    let Some(redis) = Redis::start("a_slot_settled_after_it_left_the_window_counts_again") else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    // One per 1 s plus the 100 ms margin.
    let limiter = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 1)
        .rate_limiter()
        .unwrap();
    let slow = limiter.acquire().await.unwrap();
    // Its request outlives the window: the next slot is granted meanwhile...
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let next = limiter.acquire().await.unwrap();
    let mut redis_conn = redis_connection(&redis).await;
    assert_eq!(window_times(&mut redis_conn).await.len(), 1);
    // ...and when it is answered, the server may count it still: it counts again.
    let answered = tokio::time::Instant::now();
    slow.settle().await;
    assert_eq!(window_times(&mut redis_conn).await.len(), 2);
    next.settle().await;
    let _third = limiter.acquire().await.unwrap();
    assert_waited(answered, Duration::from_millis(1_100), "granted");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smooth_gap_counts_from_the_latest_grant_not_its_settle() {
    let Some(redis) = Redis::start("a_smooth_gap_counts_from_the_latest_grant_not_its_settle")
    else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let limiter = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 1_000)
        .rate_limiter()
        .unwrap();
    let gap = Duration::from_millis(200);
    let first = limiter.acquire_spaced(gap).await.unwrap();
    let mut redis_conn = redis_connection(&redis).await;
    let granted = window_times(&mut redis_conn).await[0];
    tokio::time::sleep(Duration::from_millis(150)).await;
    first.settle().await;
    let settled = window_times(&mut redis_conn).await[0];
    assert!(settled - granted >= 150_000.0, "{granted} then {settled}");
    // The gap still counts from the grant.
    assert_eq!(latest_grant(&mut redis_conn).await, granted);
    let _second = limiter.acquire_spaced(gap).await.unwrap();
    let second = latest_grant(&mut redis_conn).await;
    assert!(second - granted >= 200_000.0, "{granted} then {second}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_settle_that_cannot_reach_redis_is_logged_and_the_send_stands() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    // This test's thread only: the runtime is single-threaded.
    let _logs = tracing::subscriber::set_default(subscriber);
    let Some(mut redis) =
        Redis::start("a_settle_that_cannot_reach_redis_is_logged_and_the_send_stands")
    else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let store = impatient_store(&redis).build().unwrap();
    let client = client(&sandbox, store, 10);
    let admission = client.rate_limiter().unwrap().acquire().await.unwrap();
    redis.stop();
    let session = DEFAULT_SESSION.parse().unwrap();
    let sent = tokio::time::timeout(
        HANG_GUARD,
        client.send_admitted(&session, &hello(0), admission),
    )
    .await
    .unwrap();
    assert!(sent.is_ok(), "{sent:?}");
    assert_eq!(sandbox.messages().len(), 1);
    let logs = capture.text();
    assert!(logs.contains("could not settle a slot in Redis"), "{logs}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_send_in_an_admitted_slot_takes_no_other() {
    let Some(redis) = Redis::start("a_send_in_an_admitted_slot_takes_no_other") else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let client = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 10);
    let session = wasphere_sandbox::DEFAULT_SESSION.parse().unwrap();
    let admission = client.rate_limiter().unwrap().acquire().await.unwrap();
    client
        .send_admitted(&session, &hello(0), admission)
        .await
        .unwrap();
    // A slot of another key's limiter does not count for this one.
    let other = common::client_with_key(&sandbox, "wsk_test_another_key")
        .rate_limit(limited(10))
        .rate_limit_store(RedisLimitStore::new(&redis.url()).unwrap())
        .build()
        .unwrap();
    let foreign = other.rate_limiter().unwrap().acquire().await.unwrap();
    client
        .send_admitted(&session, &hello(1), foreign)
        .await
        .unwrap();
    let mut redis_conn = redis_connection(&redis).await;
    let mut windows: Vec<String> = redis_conn.keys("*:window:*").await.unwrap();
    windows.sort();
    let mut counts = Vec::new();
    for w in &windows {
        let n: usize = redis_conn.zcard(w).await.unwrap();
        counts.push(n);
    }
    counts.sort();
    // This key: one slot per send (the admitted one, then its own); the other key: one.
    assert_eq!(counts, [1, 2]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn keys_in_redis_never_contain_the_api_key_and_expire() {
    let Some(redis) = Redis::start("keys_in_redis_never_contain_the_api_key_and_expire") else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let client = client(&sandbox, RedisLimitStore::new(&redis.url()).unwrap(), 60);
    for i in 0..3 {
        client.send(&hello(i)).await.unwrap();
    }
    let mut redis_conn = redis_connection(&redis).await;
    let mut keys: Vec<String> = redis_conn.keys("*").await.unwrap();
    keys.sort();
    // The window and the latest grant.
    assert_eq!(keys.len(), 2, "{keys:?}");
    let secret_part = DEFAULT_API_KEY.trim_start_matches("wsk_test_");
    for key in &keys {
        assert!(key.starts_with("wasphere:ratelimit:{"), "{key}");
        assert!(!key.contains(secret_part), "{key}");
        let ttl_ms: i64 = redis_conn.pttl(key).await.unwrap();
        // Window (1 s) plus margin (0.1 s) plus a second's grace, and counting down.
        assert!(ttl_ms > 0 && ttl_ms <= 2_100, "{key}: {ttl_ms}");
    }
    assert!(
        keys[0].contains(":latest:") && keys[1].contains(":window:"),
        "{keys:?}"
    );
    let admitted: usize = redis_conn.zcard(&keys[1]).await.unwrap();
    assert_eq!(admitted, 3);
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let left: Vec<String> = redis_conn.keys("*").await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_fails_sends_with_a_typed_error_then_recovers() {
    let Some(mut redis) =
        Redis::start("redis_stopped_mid_run_fails_sends_with_a_typed_error_then_recovers")
    else {
        return;
    };
    let sandbox = common::start(common::sandbox()).await;
    let store = impatient_store(&redis).build().unwrap();
    assert_eq!(store.on_outage(), OnRedisOutage::Fail);
    let client = client(&sandbox, store, 1_000);
    for i in 0..5 {
        client.send(&hello(i)).await.unwrap();
    }
    redis.stop();
    // Several senders at once, while Redis is gone: each gets the typed error.
    let mut senders = Vec::new();
    for i in 0..4 {
        let client = client.clone();
        senders.push(tokio::spawn(
            async move { client.send(&hello(10 + i)).await },
        ));
    }
    for s in senders {
        let result = tokio::time::timeout(HANG_GUARD, s).await.unwrap().unwrap();
        let e = result.unwrap_err();
        assert!(
            matches!(
                e,
                Error::RateLimitStore(RateLimitStoreError::Unavailable { .. })
            ),
            "{e:?}"
        );
        assert_eq!(e.class(), ErrorClass::Network);
        assert!(!e.may_have_been_delivered());
        assert!(e.to_string().contains("was not sent"), "{e}");
    }
    assert_eq!(
        sandbox.messages().len(),
        5,
        "nothing was sent during the outage"
    );
    redis.restart();
    client.send(&hello(20)).await.unwrap();
    assert_eq!(sandbox.messages().len(), 6);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_paces_locally_at_its_fraction_then_reports_to_redis() {
    let Some(mut redis) =
        Redis::start("a_fallback_paces_locally_at_its_fraction_then_reports_to_redis")
    else {
        return;
    };
    let sandbox = sandbox_at(10).await;
    let store = impatient_store(&redis)
        .on_outage(OnRedisOutage::FallBackToLocal { fraction: 0.5 })
        .build()
        .unwrap();
    let client = client(&sandbox, store, 10);
    client.send(&hello(0)).await.unwrap();
    redis.stop();
    // Half of 10 per window while Redis is out.
    for i in 1..=12 {
        tokio::time::timeout(HANG_GUARD, client.send(&hello(i)))
            .await
            .unwrap()
            .unwrap();
    }
    let during: Vec<SystemTime> = assert_sliding(&sandbox, 10)[1..].to_vec();
    for pair in during.windows(6) {
        let span = pair[5].duration_since(pair[0]).unwrap_or_default();
        assert!(
            span >= WINDOW,
            "6 sends within {span:?} at half of 10 per window"
        );
    }
    // Back: the admissions of the last window made on our own are told to Redis with the
    // first one it answers, so it does not let a whole window's worth through on top.
    redis.restart();
    for i in 13..=40 {
        tokio::time::timeout(HANG_GUARD, client.send(&hello(i)))
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(
        common::count(&sandbox, 429),
        0,
        "{:?}",
        sandbox.status_counts()
    );
    assert_sliding(&sandbox, 10);
    let mut redis_conn = redis_connection(&redis).await;
    let keys: Vec<String> = redis_conn.keys("*:window:*").await.unwrap();
    assert_eq!(keys.len(), 1, "the shared window is in use again: {keys:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_redis_is_reported_within_the_time_limit() {
    // A port nobody listens on: refused at once, reported as unavailable.
    let port = wasphere_testservers::unused_port();
    let sandbox = common::start(common::sandbox()).await;
    let store = RedisLimitStore::new(&format!("redis://:pw-secret@127.0.0.1:{port}/")).unwrap();
    let shown = format!("{store:?}");
    assert!(!shown.contains("pw-secret"), "{shown}");
    let client = client(&sandbox, store, 10);
    let e = tokio::time::timeout(HANG_GUARD, client.send(&hello(0)))
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(e, Error::RateLimitStore(_)), "{e:?}");
    assert!(!e.to_string().contains("pw-secret"), "{e}");
    assert!(!format!("{client:?}").contains("pw-secret"));
    assert!(sandbox.messages().is_empty());
    sandbox.shutdown().await;
}

#[test]
fn bad_settings_are_refused_by_name() {
    for (builder, setting) in [
        (
            RedisLimitStore::builder("redis://127.0.0.1/").timeout(Duration::ZERO),
            "timeout",
        ),
        (
            RedisLimitStore::builder("redis://127.0.0.1/")
                .on_outage(OnRedisOutage::FallBackToLocal { fraction: 1.5 }),
            "on_outage",
        ),
        (
            RedisLimitStore::builder("redis://127.0.0.1/")
                .on_outage(OnRedisOutage::FallBackToLocal { fraction: f64::NAN }),
            "on_outage",
        ),
        (
            RedisLimitStore::builder("redis://127.0.0.1/").key_prefix(""),
            "key_prefix",
        ),
    ] {
        match builder.build() {
            Err(RateLimitStoreError::InvalidSetting { setting: s, .. }) => assert_eq!(s, setting),
            other => panic!("{setting}: {other:?}"),
        }
    }
    assert!(matches!(
        RedisLimitStore::new("not a url"),
        Err(RateLimitStoreError::InvalidUrl { .. })
    ));
}

#[test]
fn the_blocking_client_shares_the_window_too() {
    let Some(redis) = Redis::start("the_blocking_client_shares_the_window_too") else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(sandbox_at(3));
    let client = wasphere_client::blocking::Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(wasphere_sandbox::DEFAULT_SESSION.parse().unwrap())
        .rate_limit(limited(3))
        .safety_margin(Duration::from_millis(100))
        .rate_limit_store(RedisLimitStore::new(&redis.url()).unwrap())
        .build()
        .unwrap();
    for i in 0..7 {
        client.send(&hello(i)).unwrap();
    }
    assert_eq!(runtime.block_on(async { common::count(&sandbox, 429) }), 0);
    assert_sliding(&sandbox, 3);
    runtime.block_on(sandbox.shutdown());
}

//! Admission cost of the rate limiter: admissions per second through the in-process
//! window and through the Redis window (one Lua script round trip each, to a throwaway
//! `redis-server` on loopback), side by side in one run:
//! `cargo bench -p wasphere-client --features redis --bench admission`.
//!
//! The limit is set far above what either can reach, so every admission is admitted at
//! once and what is measured is the cost of deciding. Each figure is the best of a few
//! rounds (the machine is shared). Two shapes:
//! 1. one sender taking admissions one after the other;
//! 2. eight senders with a store each (as eight processes would), all on one key;
//!
//! each measured twice: the admission alone, and the admission then its settle (what a
//! send costs the limiter: the slot moved to the answer, a second round trip to Redis).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use wasphere_client::{Client, RateLimit, RateLimitStore, RateLimiter, RedisLimitStore};
use wasphere_testservers::Redis;

const ROUNDS: usize = 3;
const SEQUENTIAL: usize = 20_000;
const SENDERS: usize = 8;
const PER_SENDER: usize = 5_000;
/// Far above any admission rate: nobody ever waits.
const LIMIT: RateLimit = RateLimit::Window {
    max: 1_000_000_000,
    window: Duration::from_secs(1),
};

fn limiter(store: RateLimitStore) -> RateLimiter {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("wsk_test_admission_bench".parse().unwrap())
        .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
        .rate_limit(LIMIT)
        .safety_margin(Duration::ZERO)
        .rate_limit_store(store)
        .build()
        .unwrap()
        .rate_limiter()
        .unwrap()
}

/// Whether each admission is settled at once, as after an instant answer.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Admit,
    AdmitAndSettle,
}

async fn take(limiter: &RateLimiter, shape: Shape) {
    let admission = limiter.acquire().await.unwrap();
    if shape == Shape::AdmitAndSettle {
        admission.settle().await;
    }
}

/// Admissions per second of `count` admissions in a row.
async fn sequential(limiter: &RateLimiter, count: usize, shape: Shape) -> f64 {
    let started = Instant::now();
    for _ in 0..count {
        take(limiter, shape).await;
    }
    count as f64 / started.elapsed().as_secs_f64()
}

/// Admissions per second of several senders at once, each with a limiter of its own.
async fn concurrent(limiters: Vec<RateLimiter>, per_sender: usize, shape: Shape) -> f64 {
    let total = limiters.len() * per_sender;
    let started = Instant::now();
    let tasks: Vec<_> = limiters
        .into_iter()
        .map(|limiter| {
            tokio::spawn(async move {
                for _ in 0..per_sender {
                    take(&limiter, shape).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

async fn best_of<F, Fut>(mut run: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = f64>,
{
    let mut best: f64 = 0.0;
    for _ in 0..ROUNDS {
        best = best.max(run().await);
    }
    best
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Some(redis) = Redis::start("admission benchmark") else {
        return;
    };
    let url = redis.url();
    let store = || RateLimitStore::from(RedisLimitStore::new(&url).unwrap());

    let local = limiter(RateLimitStore::in_process());
    let shared = limiter(store());
    let _slot = shared.acquire().await.unwrap(); // connect before timing

    let mut rows = Vec::new();
    for (shape, named) in [
        (Shape::Admit, "admission"),
        (Shape::AdmitAndSettle, "admission + settle"),
    ] {
        let local_seq = best_of(|| sequential(&local, SEQUENTIAL, shape)).await;
        let redis_seq = best_of(|| sequential(&shared, SEQUENTIAL, shape)).await;
        let local_conc = best_of(|| {
            concurrent(
                (0..SENDERS)
                    .map(|_| limiter(RateLimitStore::in_process()))
                    .collect(),
                PER_SENDER,
                shape,
            )
        })
        .await;
        let redis_conc = best_of(|| async {
            let limiters: Vec<RateLimiter> = (0..SENDERS).map(|_| limiter(store())).collect();
            for l in &limiters {
                let _slot = l.acquire().await.unwrap(); // connect before timing
            }
            concurrent(limiters, PER_SENDER, shape).await
        })
        .await;
        rows.push((
            format!("{named}, 1 sender, {SEQUENTIAL} in a row"),
            local_seq,
            redis_seq,
        ));
        rows.push((
            format!("{named}, {SENDERS} senders (a store each), {PER_SENDER} each"),
            local_conc,
            redis_conc,
        ));
    }

    println!("admissions per second (best of {ROUNDS} rounds)");
    println!(
        "{:<62} {:>14} {:>14} {:>8}",
        "shape", "in-process", "Redis", "ratio"
    );
    for (shape, local, redis) in &rows {
        println!(
            "{shape:<62} {local:>14.0} {redis:>14.0} {:>7.1}x",
            local / redis
        );
    }
    let floor = 5_000.0;
    for (shape, _, redis) in rows.iter().filter(|(shape, ..)| shape.contains("1 sender")) {
        println!(
            "Redis, {shape}: {redis:.0}/s ({} the 5,000/s floor)",
            if *redis >= floor { "above" } else { "BELOW" }
        );
    }
}

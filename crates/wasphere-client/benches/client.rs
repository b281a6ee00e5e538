//! Benchmarks of `wasphere-client` against the sandbox over loopback TCP, printed side by
//! side in one run: `cargo bench -p wasphere-client --bench client`.
//!
//! 1. Overhead: sends per second through `Client` (validation, serialization, limiter
//!    switched off, retry loop, answer parsing, tracing spans) against raw reqwest posting
//!    the same prepared body to the same sandbox, both with 32 requests in flight.
//! 2. Limiter accuracy: 600 sends against a sandbox enforcing 60 per 1 s (sliding), with
//!    the client's limiter set to the same: how many 429s, and how long against the ideal
//!    (ceil(600 / 60) - 1) x 1 s = 9 s; once from one task, once from 8 tasks sharing a key.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use wasphere_client::types::documented_example;
use wasphere_client::{Client, Message, MessageType, RateLimit};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, RateLimit as SandboxRateLimit, RunningSandbox, Sandbox,
};

const IN_FLIGHT: usize = 32;
const OVERHEAD_SENDS: usize = 20_000;
const ROUNDS: usize = 5;

fn client_for(sandbox: &RunningSandbox, limit: RateLimit) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(DEFAULT_SESSION.parse().unwrap())
        .rate_limit(limit)
        .safety_margin(Duration::from_millis(25))
        .build()
        .unwrap()
}

/// Runs `total` calls of `send` with `IN_FLIGHT` tasks pulling from one counter; returns
/// sends per second.
async fn throughput<F, Fut>(total: usize, send: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (next, send) = (next.clone(), send.clone());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                assert!(send().await, "a send failed");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

struct Overhead {
    raw: Vec<f64>,
    client: Vec<f64>,
}

impl Overhead {
    /// The median of the per-round ratios: each round runs raw then client back to back,
    /// so a burst of load on the machine hits both sides of one ratio alike.
    fn median_ratio(&self) -> f64 {
        let mut ratios: Vec<f64> = self
            .client
            .iter()
            .zip(&self.raw)
            .map(|(c, r)| c / r)
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    fn median(values: &[f64]) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }
}

async fn overhead() -> Overhead {
    let sandbox = Sandbox::builder()
        .rate_limit(SandboxRateLimit::Off)
        .record_messages(false)
        .start()
        .await
        .unwrap();
    let body = Bytes::from_static(documented_example(MessageType::Text).as_bytes());
    let message = Arc::new(Message::parse_valid(MessageType::Text, &body).unwrap());
    let client = client_for(&sandbox, RateLimit::Off);
    let url = client.endpoint(&DEFAULT_SESSION.parse().unwrap(), MessageType::Text);
    // The same reqwest settings as the client's transport: connection reuse, no redirects,
    // headers prepared once. The baseline does nothing but post and read.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {DEFAULT_API_KEY}").parse().unwrap(),
    );
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        "application/json".parse().unwrap(),
    );
    let raw = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(wasphere_client::USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let raw_send = {
        let (raw, url, body) = (raw.clone(), Arc::new(url), body.clone());
        move || {
            let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
            async move {
                let answer = raw.post(url.as_str()).body(body).send().await;
                match answer {
                    Ok(a) if a.status() == 201 => a.bytes().await.is_ok(),
                    _ => false,
                }
            }
        }
    };
    let client_send = {
        let (client, message) = (client.clone(), message.clone());
        move || {
            let (client, message) = (client.clone(), message.clone());
            async move { client.send(&message).await.is_ok() }
        }
    };
    // Warm both pools up, then alternate rounds so drift hits both alike; keep the best.
    throughput(2_000, raw_send.clone()).await;
    throughput(2_000, client_send.clone()).await;
    let mut result = Overhead {
        raw: Vec::new(),
        client: Vec::new(),
    };
    for _ in 0..ROUNDS {
        result
            .raw
            .push(throughput(OVERHEAD_SENDS, raw_send.clone()).await);
        result
            .client
            .push(throughput(OVERHEAD_SENDS, client_send.clone()).await);
    }
    sandbox.shutdown().await;
    result
}

struct Accuracy {
    took: Duration,
    accepted: u64,
    rejected: u64,
}

async fn limiter_accuracy(tasks: usize) -> Accuracy {
    const SENDS: usize = 600;
    let sandbox = Sandbox::builder()
        .rate_limit(SandboxRateLimit::Window {
            max: 60,
            window: Duration::from_secs(1),
        })
        .record_messages(false)
        .start()
        .await
        .unwrap();
    let client = client_for(
        &sandbox,
        RateLimit::Window {
            max: 60,
            window: Duration::from_secs(1),
        },
    );
    let message = Arc::new(
        Message::parse_valid(
            MessageType::Text,
            documented_example(MessageType::Text).as_bytes(),
        )
        .unwrap(),
    );
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (client, message) = (client.clone(), message.clone());
        handles.push(tokio::spawn(async move {
            for _ in 0..SENDS / tasks {
                client.send(&message).await.unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let took = started.elapsed();
    let counts = sandbox.status_counts();
    sandbox.shutdown().await;
    Accuracy {
        took,
        accepted: counts.get(&201).copied().unwrap_or(0),
        rejected: counts.get(&429).copied().unwrap_or(0),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("wasphere-client benchmarks (sandbox on loopback, one process)\n");
        let o = overhead().await;
        println!(
            "overhead, {OVERHEAD_SENDS} text sends per round, {ROUNDS} rounds, {IN_FLIGHT} in flight, limits off"
        );
        println!("  {:<26} {:>10}   per round", "", "median/s");
        let rounds = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "  {:<26} {:>10.0}   {}",
            "raw reqwest",
            Overhead::median(&o.raw),
            rounds(&o.raw)
        );
        println!(
            "  {:<26} {:>10.0}   {}",
            "wasphere_client::Client",
            Overhead::median(&o.client),
            rounds(&o.client)
        );
        println!(
            "  {:<26} {:>10.3}   (median of per-round ratios; target >= 0.90)\n",
            "ratio client / raw",
            o.median_ratio()
        );

        let ideal = Duration::from_secs(9);
        let bound = ideal.mul_f64(1.05);
        println!(
            "limiter accuracy, 600 sends, sandbox and client at 60 per 1 s sliding, margin 25 ms"
        );
        println!(
            "  {:<20} {:>9} {:>6} {:>9} {:>9} {:>8}",
            "", "accepted", "429s", "took", "ideal", "x ideal"
        );
        for tasks in [1, 8] {
            let a = limiter_accuracy(tasks).await;
            println!(
                "  {:<20} {:>9} {:>6} {:>8.3}s {:>8.3}s {:>8.3}   {}",
                format!("{tasks} task(s), one key"),
                a.accepted,
                a.rejected,
                a.took.as_secs_f64(),
                ideal.as_secs_f64(),
                a.took.as_secs_f64() / ideal.as_secs_f64(),
                if a.rejected == 0 && a.took <= bound {
                    "ok (0 x 429, <= 1.05 x ideal)"
                } else {
                    "MISSED"
                }
            );
        }
    });
}

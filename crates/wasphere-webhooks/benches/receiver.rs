//! Verified, deduplicated events per second through the receiver on loopback, against a
//! bare axum handler that does no verification, side by side in one run; then the
//! process's resident memory under a flood of forged deliveries.
//!
//! Both servers run in this process (a two-worker runtime); the load comes from a second
//! process, this same binary started again as a load generator, which signs a fresh
//! realistic button tap (a new message id each time, so nothing is a duplicate) for every
//! request and posts it over keep-alive HTTP/1.1 connections.
//!
//! ```sh
//! cargo bench -p wasphere-webhooks --bench receiver
//! ```
//!
//! Settings (environment): `BENCH_SECONDS` per round (default 4), `BENCH_ROUNDS`
//! (default 7, each measuring both targets; 0 skips the loopback rounds),
//! `BENCH_CONNECTIONS` (default `32,128`: each level is measured in turn; the flood uses
//! the first), `BENCH_FLOOD_SECONDS` (default 60; 0 skips the flood).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use hyper_util::rt::TokioIo;
use wasphere_webhooks::types::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use wasphere_webhooks::{Event, Receiver, WebhookSecret};

const SECRET: &str = "whsec_bench_3f9a1c";
const GENERATOR: &str = "WASPHERE_WEBHOOKS_LOAD_GENERATOR";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if let Ok(spec) = std::env::var(GENERATOR) {
        generate(&spec);
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handled = Arc::new(AtomicU64::new(0));
    let (receiver_addr, bare_addr) = runtime.block_on(async {
        let counter = Arc::clone(&handled);
        let receiver = Receiver::builder(WebhookSecret::new(SECRET)).build(move |_event: Event| {
            counter.fetch_add(1, Ordering::Relaxed);
            async { Ok::<_, std::convert::Infallible>(()) }
        });
        let with_receiver = Router::new().route_service("/hooks", receiver);
        let bare = Router::new().route("/hooks", post(|_body: Bytes| async { StatusCode::OK }));
        (serve(with_receiver).await, serve(bare).await)
    });

    let seconds = setting("BENCH_SECONDS", 4);
    let rounds = setting("BENCH_ROUNDS", 7);
    let levels = connection_levels();
    for &connections in &levels {
        compare(
            receiver_addr,
            bare_addr,
            &handled,
            rounds,
            seconds,
            connections,
        );
    }

    let flood = setting("BENCH_FLOOD_SECONDS", 60);
    if flood > 0 {
        flood_rss(receiver_addr, flood, levels[0]);
    }
    drop(runtime);
    // Last, so the requests it prepares do not weigh on the flood's memory figures.
    in_process_cost();
}

/// `BENCH_CONNECTIONS`: the numbers of connections to measure at, comma-separated.
/// By default 32, where each connection waits for its answer before it sends again, so
/// the time per answer counts as well as the CPU; and 128, enough requests in flight to
/// keep both cores busy, which measures capacity.
fn connection_levels() -> Vec<u64> {
    let levels: Vec<u64> = std::env::var("BENCH_CONNECTIONS")
        .unwrap_or_else(|_| "32,128".to_owned())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .filter(|n| *n > 0)
        .collect();
    if levels.is_empty() { vec![32] } else { levels }
}

/// `rounds` rounds of both targets at `connections` connections, and their medians.
fn compare(
    receiver_addr: SocketAddr,
    bare_addr: SocketAddr,
    handled: &AtomicU64,
    rounds: u64,
    seconds: u64,
    connections: u64,
) {
    println!(
        "wasphere-webhooks receiver vs bare axum: {rounds} rounds of {seconds} s each, \
         {connections} connections, load generator in another process"
    );
    println!("load average at start: {}", load_average());
    let mut bare_rates = Vec::new();
    let mut receiver_rates = Vec::new();
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        // Alternating which goes first evens out a machine whose load drifts.
        let measure_receiver = || {
            let before = handled.load(Ordering::Relaxed);
            let received = run_generator(receiver_addr, "valid", seconds, connections);
            (received, handled.load(Ordering::Relaxed) - before)
        };
        let (bare, (received, counted)) = if round % 2 == 1 {
            let bare = run_generator(bare_addr, "valid", seconds, connections);
            (bare, measure_receiver())
        } else {
            let receiver = measure_receiver();
            (
                run_generator(bare_addr, "valid", seconds, connections),
                receiver,
            )
        };
        assert_eq!(
            counted, received.ok,
            "every 200 from the receiver is one handled event"
        );
        assert_eq!(received.refused, 0, "no event was refused");
        println!(
            "round {round}: bare axum {:>8.0} events/s | receiver {:>8.0} verified, deduplicated events/s ({} handled) | ratio {:.2}",
            bare.rate(),
            received.rate(),
            counted,
            received.rate() / bare.rate()
        );
        let (bare_server, bare_generator) = bare.cpu_per_request();
        let (receiver_server, receiver_generator) = received.cpu_per_request();
        println!(
            "         CPU per request: bare axum server {bare_server:.1} us + generator {bare_generator:.1} us | receiver server {receiver_server:.1} us + generator {receiver_generator:.1} us"
        );
        bare_rates.push(bare.rate());
        receiver_rates.push(received.rate());
        ratios.push(received.rate() / bare.rate());
    }
    if rounds > 0 {
        let (bare, received) = (median(&mut bare_rates), median(&mut receiver_rates));
        println!(
            "median at {connections} connections: bare axum {bare:.0} events/s, receiver {received:.0} events/s; median of the round ratios {:.2} (targets: ratio >= 0.70, receiver >= 20000 events/s)",
            median(&mut ratios)
        );
        println!("load average at end: {}", load_average());
    }
}

/// The CPU time of one event through the receiver and through the bare handler, called
/// in this process without a network: the receiver's own cost, which load on a shared
/// machine distorts far less than the loopback figures.
fn in_process_cost() {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    const EVENTS: u64 = 20_000;
    let secret = WebhookSecret::new(SECRET);
    let receiver = Receiver::builder(secret.clone())
        .build(|_event: Event| async { Ok::<_, std::convert::Infallible>(()) });
    let bare = Router::new().route("/hooks", post(|_body: Bytes| async { StatusCode::OK }));
    let mut per_event = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for round in 0..5u64 {
            let (mut receiver_time, mut bare_time) = (Duration::ZERO, Duration::ZERO);
            // Prepared (and signed) a batch at a time, outside the timed calls.
            for batch in 0..EVENTS / 1_000 {
                let connection = 9_000 + round * 100 + batch;
                let prepare = || (0..1_000).map(|n| signed_tap(&secret, connection, n));
                let requests: Vec<_> = prepare().collect();
                let started = Instant::now();
                for request in requests {
                    let status = receiver.clone().oneshot(request).await.unwrap().status();
                    assert_eq!(status, StatusCode::OK);
                }
                receiver_time += started.elapsed();
                let requests: Vec<_> = prepare().collect();
                let started = Instant::now();
                for request in requests {
                    let status = bare.clone().oneshot(request).await.unwrap().status();
                    assert_eq!(status, StatusCode::OK);
                }
                bare_time += started.elapsed();
            }
            per_event
                .0
                .push(receiver_time.as_secs_f64() * 1e6 / EVENTS as f64);
            per_event
                .1
                .push(bare_time.as_secs_f64() * 1e6 / EVENTS as f64);
        }
    });
    println!(
        "in process, no network (median of 5 x {EVENTS}): receiver {:.2} us per event, bare axum {:.2} us per request",
        median(&mut per_event.0),
        median(&mut per_event.1)
    );
}

/// Forged deliveries for `seconds`, sampling this process's resident memory.
fn flood_rss(addr: SocketAddr, seconds: u64, connections: u64) {
    println!("flood: {seconds} s of forged signatures, {connections} connections");
    let start_rss = rss_kib("VmRSS");
    let child = spawn_generator(addr, "forged", seconds, connections);
    let started = Instant::now();
    let mut samples = vec![(0, start_rss)];
    while started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_secs(5));
        samples.push((started.elapsed().as_secs(), rss_kib("VmRSS")));
    }
    let report = finish_generator(child);
    let line: Vec<String> = samples
        .iter()
        .map(|(t, kib)| format!("{t}s {:.1}", *kib as f64 / 1024.0))
        .collect();
    println!("RSS MiB over the flood: {}", line.join(", "));
    let first_third = samples[samples.len() / 3].1;
    let last = samples.last().map_or(0, |s| s.1);
    println!(
        "flood: {:.0} refusals/s ({} answered 401, {} other); RSS {:.1} MiB at start, {:.1} MiB a third in, {:.1} MiB at the end, peak (VmHWM) {:.1} MiB",
        report.rate(),
        report.refused,
        report.ok,
        start_rss as f64 / 1024.0,
        first_third as f64 / 1024.0,
        last as f64 / 1024.0,
        rss_kib("VmHWM") as f64 / 1024.0
    );
}

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Report {
    ok: u64,
    refused: u64,
    seconds: f64,
    /// CPU this process (the servers) used meanwhile, in clock ticks.
    server_ticks: u64,
    /// CPU the load generator used, in clock ticks.
    generator_ticks: u64,
}

impl Report {
    fn rate(&self) -> f64 {
        (self.ok + self.refused) as f64 / self.seconds
    }

    /// Microseconds of CPU per answered request: the servers' and the generator's.
    fn cpu_per_request(&self) -> (f64, f64) {
        // Linux reports these in USER_HZ, 100 per second.
        let per = |ticks: u64| ticks as f64 * 10_000.0 / (self.ok + self.refused).max(1) as f64;
        (per(self.server_ticks), per(self.generator_ticks))
    }
}

fn run_generator(addr: SocketAddr, mode: &str, seconds: u64, connections: u64) -> Report {
    let before = cpu_ticks();
    let mut report = finish_generator(spawn_generator(addr, mode, seconds, connections));
    let after = cpu_ticks();
    report.server_ticks = after.0 - before.0;
    report.generator_ticks = after.1 - before.1;
    report
}

/// Clock ticks of CPU this process used, and that its waited-for children used
/// (`/proc/self/stat` fields 14+15 and 16+17).
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces; the fields count from after its closing paren.
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let field = |n: usize| fields.get(n - 3).copied().unwrap_or(0);
    (field(14) + field(15), field(16) + field(17))
}

fn spawn_generator(
    addr: SocketAddr,
    mode: &str,
    seconds: u64,
    connections: u64,
) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .env(GENERATOR, format!("{addr} {mode} {seconds} {connections}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish_generator(child: std::process::Child) -> Report {
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        output.status.success() && numbers.len() == 3,
        "generator: {text}"
    );
    Report {
        ok: numbers[0] as u64,
        refused: numbers[1] as u64,
        seconds: numbers[2],
        server_ticks: 0,
        generator_ticks: 0,
    }
}

/// The load generator: `{addr} {valid|forged} {seconds} {connections}`; prints
/// `{2xx answers} {401 answers} {seconds}`.
fn generate(spec: &str) {
    let parts: Vec<&str> = spec.split_whitespace().collect();
    let addr: SocketAddr = parts[0].parse().unwrap();
    let forged = parts[1] == "forged";
    let seconds: u64 = parts[2].parse().unwrap();
    let connections: u64 = parts[3].parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ok = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        let mut tasks = tokio::task::JoinSet::new();
        for connection in 0..connections {
            let (ok, refused) = (Arc::clone(&ok), Arc::clone(&refused));
            tasks.spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let (mut sender, conn) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .unwrap();
                tokio::spawn(conn);
                let secret = WebhookSecret::new(if forged { "whsec_forger" } else { SECRET });
                let mut n = 0u64;
                while tokio::time::Instant::now() < deadline {
                    n += 1;
                    let request = signed_tap(&secret, connection, n);
                    sender.ready().await.unwrap();
                    let response = sender.send_request(request).await.unwrap();
                    let status = response.status();
                    axum::body::to_bytes(Body::new(response.into_body()), 1 << 20)
                        .await
                        .unwrap();
                    if status.is_success() {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else if status == StatusCode::UNAUTHORIZED {
                        refused.fetch_add(1, Ordering::Relaxed);
                    } else {
                        panic!("unexpected answer {status}");
                    }
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    });
    println!(
        "{} {} {}",
        ok.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}

/// A button tap as the server delivers it, with a message id no other request has.
fn signed_tap(secret: &WebhookSecret, connection: u64, n: u64) -> Request<Body> {
    // Each generator is a new process: its id keeps ids unique across rounds.
    let run = std::process::id();
    let body = format!(
        r#"{{"event":"message.received","sessionId":"shop","timestamp":"2026-11-24T10:00:00.000Z","deliveryId":"{connection:016x}{n:016x}","data":{{"messageId":"3EB0{run:08X}{connection:04X}{n:012X}","from":"923001234567@s.whatsapp.net","sender":"Customer","senderJid":"923001234567@s.whatsapp.net","senderPn":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000000,"type":"conversation","content":{{"text":"Yes, deliver it","selectionId":"confirm","interactiveKind":"button_reply"}},"message":{{"buttonsResponseMessage":{{"selectedButtonId":"confirm","selectedDisplayText":"Yes, deliver it"}}}}}}}}"#
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    Request::post("/hooks")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, now.to_string())
        .header(SIGNATURE_HEADER, sign(secret, now, body.as_bytes()))
        .body(Body::from(body))
        .unwrap()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

//! Pacing against a sandbox that enforces the limit: `cargo bench -p wasphere-campaign
//! --bench pacing`.
//!
//! 600 rows through one key against a sandbox enforcing 60 per 1 s (sliding, like the
//! server), with the campaign's key set to the same limit and no safety margin (see
//! `margin`), once in `window` and once in `smooth` pacing; then 1,200 rows over 2 keys (one session
//! each), each key limited to 60 per 1 s, in both modes. "Span" is the time between the
//! first and the last request the sandbox accepted; "run" is the whole `Campaign::run`,
//! import and journal (SQLite) included. Ideals: window (ceil(N / (60 k)) - 1) x 1 s,
//! smooth (N / k - 1) / 60 s for k keys. Targets: zero 429, span within 1.03 x the ideal.
#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant, SystemTime};

use wasphere_campaign::{
    Campaign, CampaignKey, CampaignSource, Pacing, RowState, SourceFile, SqliteJournal, Template,
};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{KeyConfig, RunningSandbox, Sandbox};
use wasphere_types::MessageType;

/// Added to each 1 s window: nothing. The client settles each slot when its answer comes,
/// after the sandbox counted the request, and the sandbox reads this machine's clock, so
/// the spread of arrivals needs no room (before settling existed, 20 ms were used here and
/// 10 ms was not enough for 120 simultaneous requests on a loaded machine).
fn margin(_pacing: Pacing) -> Duration {
    Duration::ZERO
}
const PER_SECOND: u32 = 60;

fn key(sandbox: &RunningSandbox, api_key: &str, session: &str, margin: Duration) -> CampaignKey {
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(api_key.parse().unwrap())
        .workspace(sandbox.workspace());
    CampaignKey::new(builder, [session.parse().unwrap()])
        .rate_limit(RateLimit::Window {
            max: PER_SECOND,
            window: Duration::from_secs(1),
        })
        .safety_margin(margin)
}

struct Outcome {
    span: Duration,
    run: Duration,
    rejected_429: u64,
    accepted: usize,
}

async fn run(
    server: &tokio::runtime::Runtime,
    rows: usize,
    keys: usize,
    pacing: Pacing,
    dir: &std::path::Path,
) -> Outcome {
    let names = ["wsk_test_pace_one", "wsk_test_pace_two"];
    let mut builder = Sandbox::builder().rate_limit(wasphere_sandbox::RateLimit::Window {
        max: PER_SECOND,
        window: Duration::from_secs(1),
    });
    for (i, name) in names.iter().take(keys).enumerate() {
        builder = builder
            .api_key(KeyConfig::new(name))
            .session(&format!("s{i}"));
    }
    // The sandbox runs on its own runtime, as a server is another process: its threads do
    // not queue behind the campaign's.
    let sandbox = server
        .spawn(async move { builder.start().await })
        .await
        .unwrap()
        .unwrap();
    let mut csv = String::from("phoneNumber,firstName\n");
    for i in 0..rows {
        csv.push_str(&format!("92300{i:07},Customer {i}\n"));
    }
    let tag = format!("{rows}-{keys}-{pacing}");
    let path = dir.join(format!("{tag}.csv"));
    std::fs::write(&path, csv).unwrap();
    let template = Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
    )
    .unwrap();
    let mut campaign = Campaign::new(template).pacing(pacing);
    for (i, name) in names.iter().take(keys).enumerate() {
        campaign = campaign.key(key(&sandbox, name, &format!("s{i}"), margin(pacing)));
    }
    let journal = SqliteJournal::open(dir.join(format!("{tag}.db"))).unwrap();
    let started = Instant::now();
    let report = campaign
        .run(
            &journal,
            Some(CampaignSource::file(&SourceFile::new(&path).unwrap()).unwrap()),
        )
        .await
        .unwrap();
    let run = started.elapsed();
    assert_eq!(report.counts.get(RowState::Sent), rows as u64, "{report:?}");
    let times: Vec<SystemTime> = sandbox.messages().iter().map(|m| m.received_at).collect();
    let first = times.iter().min().copied().unwrap();
    let last = times.iter().max().copied().unwrap();
    Outcome {
        span: last.duration_since(first).unwrap_or_default(),
        run,
        rejected_429: sandbox.status_counts().get(&429).copied().unwrap_or(0),
        accepted: times.len(),
    }
}

fn ideal(rows: usize, keys: usize, pacing: Pacing) -> Duration {
    let per_key = rows.div_ceil(keys);
    match pacing {
        Pacing::Window => Duration::from_secs((per_key.div_ceil(PER_SECOND as usize) - 1) as u64),
        Pacing::Smooth => Duration::from_secs_f64((per_key - 1) as f64 / f64::from(PER_SECOND)),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sandbox")
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    println!(
        "pacing against a sandbox enforcing {PER_SECOND} per 1 s per key (safety margin in brackets):"
    );
    println!(
        "  {:<33} {:>8} {:>5} {:>9} {:>9} {:>9} {:>9}",
        "", "accepted", "429", "span", "ideal", "x ideal", "run"
    );
    for (rows, keys) in [(600, 1), (1200, 2)] {
        for pacing in [Pacing::Window, Pacing::Smooth] {
            let o = runtime.block_on(run(&server, rows, keys, pacing, dir.path()));
            let ideal = ideal(rows, keys, pacing);
            println!(
                "  {:<33} {:>8} {:>5} {:>8.3}s {:>8.3}s {:>9.4} {:>8.3}s",
                format!(
                    "{rows} rows, {keys} key{}, {pacing} ({} ms)",
                    if keys == 1 { "" } else { "s" },
                    margin(pacing).as_millis()
                ),
                o.accepted,
                o.rejected_429,
                o.span.as_secs_f64(),
                ideal.as_secs_f64(),
                o.span.as_secs_f64() / ideal.as_secs_f64(),
                o.run.as_secs_f64(),
            );
        }
    }
    println!("  targets: 0 x 429; span <= 1.03 x ideal");
}

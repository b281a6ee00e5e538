//! The cost of the durable journal: `cargo bench -p wasphere-campaign --bench journal`.
//!
//! The same campaign (ROWS text messages from a CSV file, one key, client and sandbox limits
//! off, sandbox recording off) runs over the SQLite journal (WAL, `synchronous = FULL`: every
//! `sending` mark is on disk before its request leaves) and over the in-memory journal,
//! alternately, ROUNDS times, with 256 rows in flight and again with the default 64.
//! Printed: rows per second of each and the median of the per-round ratios (targets, at
//! 256 in flight: ratio >= 0.8 and SQLite >= 5,000 rows/s).
//!
//! Each mark must be on disk (one `fsync` per commit, shared by every row whose turn came
//! meanwhile) before its request goes, so with the durable journal a key sends about
//! `in_flight / (1.5 commits + one answer)` rows per second: the figure that more rows in
//! flight buys back.
#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use wasphere_campaign::{
    Campaign, CampaignKey, CampaignSource, Journal, MemoryJournal, RowState, SourceFile,
    SqliteJournal, Template,
};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RunningSandbox, Sandbox};
use wasphere_types::MessageType;

const ROWS: usize = 20_000;
const ROUNDS: usize = 5;

fn campaign(sandbox: &RunningSandbox, in_flight: usize) -> Campaign {
    let template = Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
    )
    .unwrap();
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace());
    Campaign::new(template).max_in_flight(in_flight).key(
        CampaignKey::new(builder, [DEFAULT_SESSION.parse().unwrap()])
            .rate_limit(RateLimit::Off)
            .safety_margin(Duration::ZERO),
    )
}

async fn rows_per_second<J: Journal>(
    sandbox: &RunningSandbox,
    journal: &J,
    file: &SourceFile,
    in_flight: usize,
) -> f64 {
    let started = Instant::now();
    let report = campaign(sandbox, in_flight)
        .run(journal, Some(CampaignSource::file(file).unwrap()))
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(report.counts.get(RowState::Sent), ROWS as u64, "{report:?}");
    ROWS as f64 / took.as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = Sandbox::builder()
            .rate_limit(wasphere_sandbox::RateLimit::Off)
            .record_messages(false)
            .start()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("phoneNumber,firstName\n");
        for i in 0..ROWS {
            csv.push_str(&format!("92300{i:07},Customer {i}\n"));
        }
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, csv).unwrap();
        let file = SourceFile::new(&path).unwrap();

        // Warm-up: connections, page cache.
        rows_per_second(&sandbox, &MemoryJournal::new(), &file, 64).await;

        for in_flight in [256, 64] {
            let (mut sqlite, mut memory, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..ROUNDS {
                let db = dir.path().join(format!("{in_flight}-{round}.db"));
                let journal = SqliteJournal::open(&db).unwrap();
                let memory_journal = MemoryJournal::new();
                let (s, m) = if round % 2 == 0 {
                    let s = rows_per_second(&sandbox, &journal, &file, in_flight).await;
                    (s, rows_per_second(&sandbox, &memory_journal, &file, in_flight).await)
                } else {
                    let m = rows_per_second(&sandbox, &memory_journal, &file, in_flight).await;
                    (rows_per_second(&sandbox, &journal, &file, in_flight).await, m)
                };
                println!(
                    "{in_flight} in flight, round {}: sqlite {s:>8.0} rows/s   memory {m:>8.0} rows/s   ratio {:.3}",
                    round + 1,
                    s / m
                );
                sqlite.push(s);
                memory.push(m);
                ratios.push(s / m);
            }
            println!("journal overhead, {ROWS} rows per run, {in_flight} rows in flight, medians of {ROUNDS} rounds:");
            println!("  SQLite journal (WAL, synchronous=FULL) {:>8.0} rows/s   (target >= 5000 at 256)", median(sqlite));
            println!("  memory journal                         {:>8.0} rows/s", median(memory));
            println!("  ratio sqlite / memory                  {:>8.3}          (target >= 0.8 at 256)", median(ratios));
            println!();
        }
    });
}

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

mod common;

use std::time::Instant;

use common::{campaign, median, rows_file, unlimited_sandbox};
use wasphere_campaign::{
    CampaignSource, Journal, MemoryJournal, RowState, SourceFile, SqliteJournal,
};
use wasphere_sandbox::RunningSandbox;

const ROWS: usize = 20_000;
const ROUNDS: usize = 5;

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

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = unlimited_sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let file = rows_file(dir.path(), ROWS);

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

//! Campaign throughput with workers sharing a PostgreSQL journal:
//! `cargo bench -p wasphere-campaign --features postgres --bench shared_journal`.
//!
//! The same campaign (ROWS text messages from a CSV file, one key, client and sandbox
//! limits off) runs over a PostgreSQL journal with 1, 2 and 4 workers (each a
//! `PostgresJournal` with its own connection and lease, as separate processes would have)
//! and over the SQLite journal with its one runner, ROUNDS times in turn. PostgreSQL is a
//! throwaway server started here with its durable defaults (`fsync`, `synchronous_commit`
//! on), as SQLite runs with `synchronous = FULL`. Printed: rows per second of each (median
//! of the rounds) and the ratio to SQLite with one worker.
#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Instant;

use common::{campaign, median, rows_file, unlimited_sandbox};
use wasphere_campaign::{
    CampaignSource, Journal, PostgresJournal, RowState, SourceFile, SqliteJournal,
};
use wasphere_sandbox::RunningSandbox;

const ROWS: usize = 5_000;
const ROUNDS: usize = 3;

/// Runs the campaign over every journal at once (one worker each); rows per second.
async fn rows_per_second<J: Journal>(
    sandbox: &RunningSandbox,
    journals: &[J],
    file: &SourceFile,
) -> f64 {
    let started = Instant::now();
    let reports = futures_util::future::join_all(journals.iter().map(|journal| async move {
        campaign(sandbox, 64)
            .run(journal, Some(CampaignSource::file(file).unwrap()))
            .await
            .unwrap()
    }))
    .await;
    let took = started.elapsed();
    let sent: u64 = reports.iter().map(|r| r.sent).sum();
    assert_eq!(sent, ROWS as u64, "{reports:?}");
    assert!(
        reports
            .iter()
            .all(|r| r.counts.get(RowState::Sent) == ROWS as u64)
    );
    ROWS as f64 / took.as_secs_f64()
}

fn main() {
    let Some(server) = wasphere_testservers::Postgres::start_durable("shared_journal bench") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = unlimited_sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let file = rows_file(dir.path(), ROWS);

        let mut sqlite = Vec::new();
        let mut postgres: [Vec<f64>; 3] = Default::default();
        for round in 0..ROUNDS {
            let journal = SqliteJournal::open(dir.path().join(format!("c{round}.db"))).unwrap();
            sqlite.push(rows_per_second(&sandbox, &[journal], &file).await);
            for (slot, workers) in [1usize, 2, 4].into_iter().enumerate() {
                let url = server.create_database(&format!("bench_{round}_{workers}"));
                let mut journals = Vec::new();
                for _ in 0..workers {
                    journals.push(PostgresJournal::builder(&url).connect().await.unwrap());
                }
                postgres[slot].push(rows_per_second(&sandbox, &journals, &file).await);
            }
        }
        let base = median(sqlite);
        println!("campaign throughput, {ROWS} rows, limits off, median of {ROUNDS} rounds:");
        println!("  SQLite, 1 worker:      {base:>8.0} rows/s (1.00x)");
        for (slot, workers) in [1, 2, 4].into_iter().enumerate() {
            let rate = median(postgres[slot].clone());
            println!(
                "  PostgreSQL, {workers} worker{}: {rate:>8.0} rows/s ({:.2}x SQLite with 1)",
                if workers == 1 { " " } else { "s" },
                rate / base
            );
        }
    });
}

//! One campaign shared by several workers through a real PostgreSQL (started by the test):
//! disjoint claims, leases, a dead worker's rows, and whole campaigns run by several
//! workers against the sandbox over TCP.

#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{csv_rows, key, pending, received, sandbox, sending, template, unlimited, write};
use wasphere_campaign::journal::Outcome;
use wasphere_campaign::{
    Campaign, CampaignSource, Journal, JournalError, PostgresJournal, RowState, SourceFile,
};
use wasphere_sandbox::DEFAULT_SESSION;

/// A direct connection to the test's database, to look at what workers cannot show.
async fn inspect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

async fn worker(url: &str, lease: Duration, batch: usize) -> PostgresJournal {
    PostgresJournal::builder(url)
        .lease(lease)
        .claim_batch(batch)
        .connect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_claim_disjoint_rows_until_none_is_left() {
    let Some(server) = wasphere_testservers::Postgres::start("disjoint claims") else {
        return;
    };
    let url = server.create_database("claims");
    // Four workers connecting at once: one creates the tables, the others find them.
    let workers =
        futures_util::future::join_all((0..4).map(|_| worker(&url, Duration::from_secs(30), 7)))
            .await;
    workers[0]
        .import((1..=500).map(pending).collect())
        .await
        .unwrap();
    let claims = futures_util::future::join_all(workers.iter().map(|w| async move {
        let mut mine = Vec::new();
        loop {
            let got = w.claim(100).await.unwrap();
            assert!(got.len() <= 7, "a claim takes at most the batch");
            if got.is_empty() {
                return mine;
            }
            mine.extend(got.into_iter().map(|r| r.line));
            tokio::task::yield_now().await;
        }
    }))
    .await;
    let mut all = BTreeSet::new();
    for mine in &claims {
        for line in mine {
            assert!(all.insert(*line), "line {line} was claimed twice");
        }
    }
    assert_eq!(all, (1..=500).collect(), "every row claimed once");
    assert!(
        claims.iter().filter(|c| !c.is_empty()).count() >= 2,
        "the rows were shared: {:?}",
        claims.iter().map(Vec::len).collect::<Vec<_>>()
    );
    // Claims held by live workers are theirs; others see rows held elsewhere.
    assert!(workers[0].held_elsewhere().await.unwrap().is_some());
}

/// A lease short enough for a test to wait out.
const SHORT_LEASE: Duration = Duration::from_millis(600);

/// A new database `name` on `server` holding 20 pending rows, and a first worker on it
/// with a [`SHORT_LEASE`], the one that will outlive another.
async fn survivor_of_20_rows(
    server: &wasphere_testservers::Postgres,
    name: &str,
) -> (String, PostgresJournal) {
    let url = server.create_database(name);
    let survivor = worker(&url, SHORT_LEASE, 10).await;
    survivor
        .import((1..=20).map(pending).collect())
        .await
        .unwrap();
    (url, survivor)
}

#[tokio::test]
async fn a_dead_worker_s_sending_rows_become_unknown_and_its_claims_return_once_its_lease_expires()
{
    let Some(server) = wasphere_testservers::Postgres::start("dead worker") else {
        return;
    };
    let (url, survivor) = survivor_of_20_rows(&server, "dead").await;
    let doomed = worker(&url, SHORT_LEASE, 10).await;
    let doomed_id = doomed.worker_id().unwrap();
    let held: Vec<u64> = doomed
        .claim(10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(held, (1..=10).collect::<Vec<_>>());
    doomed
        .mark_sending(vec![sending(1), sending(2), sending(3)])
        .await
        .unwrap();
    doomed
        .record(vec![Outcome::Sent {
            line: 1,
            message_id: "ID1".to_owned(),
        }])
        .await
        .unwrap();
    // The survivor takes the rest; the dead worker's rows stay its own while its lease runs.
    let rest: Vec<u64> = survivor
        .claim(100)
        .await
        .unwrap()
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(rest, (11..=20).collect::<Vec<_>>());
    assert!(survivor.claim(100).await.unwrap().is_empty());
    assert!(survivor.held_elsewhere().await.unwrap().is_some());
    drop(doomed); // no more heartbeats: as good as kill -9 for the database

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let back = loop {
        let got = survivor.claim(100).await.unwrap();
        if !got.is_empty() {
            break got;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the lease never expired"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        back.iter().map(|r| r.line).collect::<Vec<_>>(),
        (4..=10).collect::<Vec<_>>(),
        "its pending claims returned to the pool"
    );
    // The next claim finds nothing left, and so looks for the dead worker's rows in flight.
    assert!(survivor.claim(100).await.unwrap().is_empty());
    let counts = survivor.counts().await.unwrap();
    assert_eq!(
        counts.get(RowState::Unknown),
        2,
        "rows 2 and 3 were in flight"
    );
    assert_eq!(counts.get(RowState::Sent), 1);
    let db = inspect(&url).await;
    let unknown: Vec<(i64, i64)> = db
        .query(
            "SELECT line, worker FROM wasphere_rows WHERE state = 'unknown' ORDER BY line",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(unknown, [(2, doomed_id), (3, doomed_id)]);
}

#[tokio::test]
async fn a_dead_worker_s_rows_in_flight_become_unknown_while_the_others_are_still_busy() {
    let Some(server) = wasphere_testservers::Postgres::start("dead worker, busy survivor") else {
        return;
    };
    let (url, survivor) = survivor_of_20_rows(&server, "busy").await;
    // The survivor holds rows it has not finished: it never comes back to claim, so only
    // its heartbeat can notice the dead worker.
    assert_eq!(survivor.claim(10).await.unwrap().len(), 10);
    let doomed = worker(&url, SHORT_LEASE, 10).await;
    assert_eq!(doomed.claim(10).await.unwrap().len(), 10);
    doomed
        .mark_sending(vec![sending(11), sending(12)])
        .await
        .unwrap();
    drop(doomed);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let unknown = survivor.counts().await.unwrap().get(RowState::Unknown);
        if unknown == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "rows 11 and 12 stayed sending ({unknown} unknown)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = survivor.counts().await.unwrap();
    assert_eq!(counts.get(RowState::Sending), 0);
}

#[tokio::test]
async fn a_worker_whose_lease_expired_sends_nothing_more() {
    let Some(server) = wasphere_testservers::Postgres::start("lease lost") else {
        return;
    };
    let url = server.create_database("lost");
    let slow = worker(&url, Duration::from_secs(30), 5).await;
    slow.import((1..=10).map(pending).collect()).await.unwrap();
    let claimed = slow.claim(5).await.unwrap();
    assert_eq!(claimed.len(), 5);
    // As if the process had been frozen past its lease.
    let db = inspect(&url).await;
    db.execute(
        "UPDATE wasphere_workers SET lease_until = now() - interval '1 second' WHERE id = $1",
        &[&slow.worker_id().unwrap()],
    )
    .await
    .unwrap();
    let other = worker(&url, Duration::from_secs(30), 100).await;
    assert_eq!(
        other.claim(100).await.unwrap().len(),
        10,
        "every row is free again"
    );
    let err = slow.mark_sending(vec![sending(1)]).await.unwrap_err();
    assert!(matches!(err, JournalError::LeaseLost { .. }), "{err}");
    assert!(err.to_string().contains("lease"), "{err}");
    assert!(
        slow.claim(5).await.unwrap().is_empty(),
        "an expired lease claims nothing"
    );
    assert_eq!(slow.counts().await.unwrap().get(RowState::Sending), 0);
}

#[tokio::test]
async fn a_journal_of_a_newer_format_is_refused() {
    let Some(server) = wasphere_testservers::Postgres::start("newer format") else {
        return;
    };
    let url = server.create_database("newer");
    drop(worker(&url, Duration::from_secs(30), 5).await);
    let db = inspect(&url).await;
    db.execute(
        "INSERT INTO wasphere_schema_history (version, name, applied_on, checksum)
         VALUES (2, 'from_the_future', '2030-01-01', '0')",
        &[],
    )
    .await
    .unwrap();
    let err = PostgresJournal::builder(&url).connect().await.unwrap_err();
    assert!(
        matches!(err, JournalError::NewerFormat { found: 2, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error_without_the_password() {
    let port = wasphere_testservers::unused_port();
    let url = format!("postgres://app:s3cret@127.0.0.1:{port}/c");
    let err = PostgresJournal::builder(&url).connect().await.unwrap_err();
    assert!(matches!(err, JournalError::Unreachable { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_run_one_campaign_and_every_recipient_gets_one_message() {
    let Some(server) = wasphere_testservers::Postgres::start("three workers") else {
        return;
    };
    let url = server.create_database("shared");
    let sandbox = sandbox(unlimited()).await;
    let dir = tempfile::tempdir().unwrap();
    let rows = write(dir.path(), "rows.csv", csv_rows(300));
    let file = SourceFile::new(&rows).unwrap();
    let runs = (0..3).map(|_| {
        let url = url.clone();
        let sandbox_key = key(&sandbox, &[DEFAULT_SESSION]);
        let file = file.clone();
        async move {
            let journal = worker(&url, Duration::from_secs(5), 8).await;
            let campaign = Campaign::new(template()).key(sandbox_key);
            let source = CampaignSource::file(&file).unwrap();
            campaign.run(&journal, Some(source)).await.unwrap()
        }
    });
    let reports = futures_util::future::join_all(runs).await;
    let sent: u64 = reports.iter().map(|r| r.sent).sum();
    assert_eq!(sent, 300, "each row sent by exactly one worker");
    for report in &reports {
        assert!(report.is_finished(), "{report:?}");
        assert_eq!(report.counts.get(RowState::Sent), 300);
    }
    assert!(
        reports.iter().filter(|r| r.sent > 0).count() >= 2,
        "the workers shared the rows: {:?}",
        reports.iter().map(|r| r.sent).collect::<Vec<_>>()
    );
    let got = received(&sandbox);
    assert_eq!(got.len(), 300);
    assert!(got.values().all(|n| *n == 1), "a recipient received twice");
}

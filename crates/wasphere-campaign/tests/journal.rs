//! The journal's rules, checked the same way on every backend: what a second backend (for
//! example PostgreSQL) must also pass.

#![allow(clippy::unwrap_used)]

mod common;

use common::{pending, sending};
use wasphere_campaign::journal::{
    CampaignRecord, ClaimedRow, KeySettings, NewRow, Outcome, Recovered, RowFilter, StoredSettings,
};
use wasphere_campaign::{
    DeliveryStatus, Journal, JournalError, MemoryJournal, Pacing, RowState, SqliteJournal,
};
use wasphere_client::RateLimit;
use wasphere_types::MessageType;

fn record() -> CampaignRecord {
    CampaignRecord {
        message_type: MessageType::Text,
        template: r#"{"to": "{{ p }}", "text": "hi"}"#.to_owned(),
        source_digest: None,
        source_name: Some("rows.csv".to_owned()),
        settings: StoredSettings {
            pacing: Pacing::Smooth,
            delay: None,
            keys: vec![KeySettings::new(
                "key 1",
                RateLimit::default(),
                std::time::Duration::from_millis(250),
                vec!["s".to_owned()],
            )],
            allow_duplicates: false,
            session_column: None,
            app: serde_json::json!({"baseUrl": "http://127.0.0.1:1"}),
        },
        import_complete: false,
        created_at_ms: 1,
    }
}

fn lines(rows: &[ClaimedRow]) -> Vec<u64> {
    rows.iter().map(|r| r.line).collect()
}

/// Every rule, in one story.
async fn obeys_the_rules<J: Journal>(journal: &J) {
    assert!(journal.campaign().await.unwrap().is_none());
    journal.create(record()).await.unwrap();
    assert!(matches!(
        journal.create(record()).await,
        Err(JournalError::AlreadyCreated)
    ));
    assert_eq!(journal.campaign().await.unwrap(), Some(record()));

    let mut rows: Vec<NewRow> = (1..=6).map(pending).collect();
    rows.push(NewRow {
        line: 7,
        recipient: "12".to_owned(),
        state: RowState::Invalid,
        session: None,
        body: None,
        note: Some("`to` must be a phone number".to_owned()),
    });
    rows.push(NewRow {
        line: 8,
        recipient: "923000000001".to_owned(),
        state: RowState::Skipped,
        session: None,
        body: None,
        note: Some("duplicate of line 1".to_owned()),
    });
    assert_eq!(
        journal.import(rows.clone()).await.unwrap(),
        6,
        "six new pending rows"
    );
    // Importing again is harmless, and makes nothing newly pending.
    assert_eq!(journal.import(rows).await.unwrap(), 0);

    // Claims hand each pending row out once, by line.
    assert_eq!(lines(&journal.claim(2).await.unwrap()), [1, 2]);
    assert_eq!(lines(&journal.claim(10).await.unwrap()), [3, 4, 5, 6]);
    assert!(journal.claim(10).await.unwrap().is_empty());
    journal.release(vec![5, 6]).await.unwrap();
    assert_eq!(lines(&journal.claim(10).await.unwrap()), [5, 6]);

    // 1 sent, 2 failed, 3 unknown, 4 refused for the whole campaign (back to pending),
    // 5 left sending by a "crash", 6 never marked.
    journal
        .mark_sending((1..=5).map(sending).collect())
        .await
        .unwrap();
    assert!(
        journal.mark_sending(vec![sending(1)]).await.is_err(),
        "1 is no longer pending"
    );
    journal
        .record(vec![
            Outcome::Sent {
                line: 1,
                message_id: "ID1".to_owned(),
            },
            Outcome::Failed {
                line: 2,
                class: "invalid".to_owned(),
                message: "not on WhatsApp (422)".to_owned(),
            },
            Outcome::Unknown {
                line: 3,
                class: "outcome-unknown".to_owned(),
                message: "504".to_owned(),
            },
            Outcome::Requeue { line: 4 },
        ])
        .await
        .unwrap();

    // An import never touches a row a send was attempted for.
    let mut replaced = pending(1);
    replaced.body = Some("changed".to_owned());
    let queued = journal
        .import(vec![replaced, pending(2), pending(5)])
        .await
        .unwrap();
    assert_eq!(queued, 0);
    let counts = journal.counts().await.unwrap();
    assert_eq!(counts.get(RowState::Sent), 1);
    assert_eq!(counts.get(RowState::Sending), 1);
    assert_eq!(
        journal.attempted_recipients().await.unwrap(),
        vec![
            (1, "923000000001".to_owned()),
            (2, "923000000002".to_owned()),
            (3, "923000000003".to_owned()),
            (5, "923000000005".to_owned()),
        ]
    );

    // Recovery: `sending` becomes `unknown`; `unknown` stays unless resending is asked.
    assert_eq!(
        journal.recover(false).await.unwrap(),
        Recovered {
            became_unknown: 1,
            requeued_unknown: 0
        }
    );
    let counts = journal.counts().await.unwrap();
    assert_eq!(
        counts
            .by_state
            .iter()
            .map(|(s, n)| (s.as_str(), *n))
            .collect::<Vec<_>>(),
        [
            ("pending", 2),
            ("sending", 0),
            ("sent", 1),
            ("failed", 1),
            ("unknown", 2),
            ("invalid", 1),
            ("skipped", 1)
        ]
    );
    assert_eq!(counts.total(), 8);
    assert_eq!(counts.by_class.get("outcome-unknown"), Some(&2));
    assert_eq!(counts.by_class.get("invalid"), Some(&1));
    assert_eq!(lines(&journal.claim(10).await.unwrap()), [4, 6]);

    // Delivery statuses, by message id, only forward.
    assert!(
        journal
            .record_delivery("ID1", DeliveryStatus::Read)
            .await
            .unwrap()
    );
    assert!(
        journal
            .record_delivery("ID1", DeliveryStatus::Delivered)
            .await
            .unwrap()
    );
    assert!(
        !journal
            .record_delivery("NOPE", DeliveryStatus::Read)
            .await
            .unwrap()
    );
    let counts = journal.counts().await.unwrap();
    assert_eq!(counts.by_delivery.read, 1);
    assert_eq!(counts.by_delivery.reached(DeliveryStatus::Delivered), 1);
    assert_eq!(counts.by_delivery.reached(DeliveryStatus::Played), 0);
    assert!(
        !journal
            .record_delivery("ID1", DeliveryStatus::Other(1))
            .await
            .unwrap()
    );

    // Rows, for export and status.
    let all = journal.rows(0, 100, RowFilter::All).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.line).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    assert_eq!(all[0].message_id.as_deref(), Some("ID1"));
    assert_eq!(all[0].delivery, Some(DeliveryStatus::Read));
    assert_eq!(all[0].session.as_deref(), Some("s"));
    assert_eq!(
        all[1].error_message.as_deref(),
        Some("not on WhatsApp (422)")
    );
    assert_eq!(all[6].error_class.as_deref(), Some("invalid"));
    assert_eq!(all[7].error_class.as_deref(), Some("duplicate"));
    let unknown = journal
        .rows(0, 100, RowFilter::State(RowState::Unknown))
        .await
        .unwrap();
    assert_eq!(unknown.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
    assert_eq!(journal.rows(3, 2, RowFilter::All).await.unwrap().len(), 2);

    // A row set aside at import (invalid) made sendable by a changed template counts.
    assert_eq!(journal.import(vec![pending(7)]).await.unwrap(), 1);
    assert_eq!(journal.import(vec![pending(9)]).await.unwrap(), 1);

    // Resending unknown rows, when asked.
    assert_eq!(journal.recover(true).await.unwrap().requeued_unknown, 2);
    assert_eq!(lines(&journal.claim(10).await.unwrap()), [3, 4, 5, 6, 7, 9]);
}

#[tokio::test]
async fn the_memory_journal_obeys_the_rules() {
    obeys_the_rules(&MemoryJournal::new()).await;
}

#[tokio::test]
async fn the_sqlite_journal_obeys_the_rules_and_keeps_them_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let journal = SqliteJournal::open(&path).unwrap();
        obeys_the_rules(&journal).await;
    }
    // Reopened: the same campaign and rows.
    let journal = SqliteJournal::open(&path).unwrap();
    assert_eq!(journal.campaign().await.unwrap(), Some(record()));
    let counts = journal.counts().await.unwrap();
    assert_eq!(counts.total(), 9);
    assert_eq!(counts.get(RowState::Pending), 6);
}

#[tokio::test]
async fn an_observer_reads_and_records_statuses_while_the_runner_holds_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let runner = SqliteJournal::open(&path).unwrap();
    runner.create(record()).await.unwrap();
    runner.import(vec![pending(1)]).await.unwrap();
    runner.claim(1).await.unwrap();
    runner.mark_sending(vec![sending(1)]).await.unwrap();
    runner
        .record(vec![Outcome::Sent {
            line: 1,
            message_id: "ABC".to_owned(),
        }])
        .await
        .unwrap();

    let observer = SqliteJournal::open_observer(&path).unwrap();
    assert!(
        observer
            .record_delivery("ABC", DeliveryStatus::Delivered)
            .await
            .unwrap()
    );
    assert_eq!(runner.counts().await.unwrap().by_delivery.delivered, 1);
    // It may not take part in sending.
    assert!(matches!(
        observer.mark_sending(vec![sending(1)]).await,
        Err(JournalError::NotTheRunner)
    ));
    assert!(matches!(
        observer.claim(1).await,
        Err(JournalError::NotTheRunner)
    ));
}

#[tokio::test]
async fn files_that_are_not_journals_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "this is not a database, just some text that is long enough",
    )
    .unwrap();
    let err = SqliteJournal::open(&text).unwrap_err();
    assert!(matches!(err, JournalError::NotAJournal { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("is not a wasphere campaign journal"),
        "{err}"
    );

    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE t (x); PRAGMA application_id = 42;")
            .unwrap();
    }
    let err = SqliteJournal::open(&other).unwrap_err();
    assert!(
        err.to_string()
            .contains("an SQLite database of another program"),
        "{err}"
    );

    let missing = SqliteJournal::open_observer(dir.path().join("none.db")).unwrap_err();
    assert!(matches!(missing, JournalError::Missing { .. }), "{missing}");

    // An empty file is a new journal.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let journal = SqliteJournal::open(&empty).unwrap();
    assert!(journal.campaign().await.unwrap().is_none());
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_journal_obeys_the_rules_and_keeps_them_in_the_database() {
    use wasphere_campaign::PostgresJournal;
    let Some(server) = wasphere_testservers::Postgres::start("postgres journal rules") else {
        return;
    };
    let url = server.create_database("rules");
    {
        let journal = PostgresJournal::builder(&url).connect().await.unwrap();
        obeys_the_rules(&journal).await;
    }
    // Connected again (the migrations find their tables made): the same campaign and rows.
    let journal = PostgresJournal::builder(&url).connect().await.unwrap();
    assert_eq!(journal.campaign().await.unwrap(), Some(record()));
    let counts = journal.counts().await.unwrap();
    assert_eq!(counts.total(), 9);
    assert_eq!(counts.get(RowState::Pending), 6);
    // An observer reads, records statuses, and claims nothing.
    let observer = PostgresJournal::builder(&url)
        .connect_observer()
        .await
        .unwrap();
    assert_eq!(observer.counts().await.unwrap(), counts);
    assert!(matches!(
        observer.claim(1).await,
        Err(JournalError::NotTheRunner)
    ));
}

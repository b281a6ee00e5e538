//! Rows spread across sessions and keys, rows that choose their session, and the events a
//! run reports, over real TCP.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::*;
use futures_util::stream;
use wasphere_campaign::{
    Campaign, CampaignError, CampaignSource, Event, MemoryJournal, ReadError, Row, RowState,
    SourceFile, SqliteJournal,
};
use wasphere_sandbox::KeyConfig;

fn by_session(sandbox: &wasphere_sandbox::RunningSandbox) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for m in sandbox.messages() {
        *out.entry(m.session).or_insert(0) += 1;
    }
    out
}

#[tokio::test]
async fn rows_are_spread_over_every_session_and_a_session_column_pins_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("phoneNumber,firstName,session\n");
    for i in 0..40 {
        let session = match i {
            0..5 => "b",
            _ => "",
        };
        csv.push_str(&format!("{},N{i},{session}\n", phone(i)));
    }
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv)).unwrap();
    let sandbox = sandbox(unlimited().session("a").session("b")).await;
    let journal = MemoryJournal::new();
    let report = Campaign::new(template())
        .key(key(&sandbox, &["a", "b"]))
        .max_in_flight(2)
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert!(report.all_sent(), "{report:?}");
    let sessions = by_session(&sandbox);
    assert!(sessions["a"] > 0 && sessions["b"] > 5, "{sessions:?}");
    for m in sandbox.messages() {
        let to = m.body["to"].as_str().unwrap().to_owned();
        if (0..5).any(|i| phone(i) == to) {
            assert_eq!(m.session, "b", "{to} chose b");
        }
    }
}

#[tokio::test]
async fn two_keys_send_together() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(60))).unwrap();
    let sandbox = sandbox(
        unlimited()
            .session("a")
            .session("b")
            .api_key(KeyConfig::new("wsk_test_one"))
            .api_key(KeyConfig::new("wsk_test_two")),
    )
    .await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let report = Campaign::new(template())
        .key(key_with(&sandbox, "wsk_test_one", &["a"]))
        .key(key_with(&sandbox, "wsk_test_two", &["b"]))
        .max_in_flight(1)
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert!(report.all_sent());
    let sessions = by_session(&sandbox);
    assert_eq!(sessions.values().sum::<usize>(), 60);
    assert!(sessions["a"] > 0 && sessions["b"] > 0, "{sessions:?}");
    assert!(received(&sandbox).values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_row_naming_an_unknown_session_is_invalid_and_a_resume_needs_every_chosen_session() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "phoneNumber,firstName,session\n{},A,a\n{},B,zzz\n{},C,b\n",
        phone(1),
        phone(2),
        phone(3)
    );
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv)).unwrap();
    // Session b is down: its row is refused (500) and stays pending, still choosing b.
    let sandbox = sandbox(unlimited().session("a").disconnected_session("b")).await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let report = Campaign::new(template())
        .key(key(&sandbox, &["a", "b"]))
        .max_in_flight(1)
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert_eq!(report.counts.get(RowState::Invalid), 1, "{report:?}");
    assert!(report.stopped.is_some());
    // Resuming with session a only would strand the row that chose b: refused.
    let err = Campaign::new(template())
        .key(key(&sandbox, &["a"]))
        .run(&journal, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CampaignError::Settings(ref m) if m.contains("chose session b")),
        "{err}"
    );
}

#[tokio::test]
async fn events_follow_every_row_and_streams_feed_a_campaign() {
    let sandbox = sandbox(unlimited().unreachable(phone(2))).await;
    let rows: Vec<Result<Row, ReadError>> = (0..5)
        .map(|i| {
            Ok(Row::from_pairs(
                i as u64 + 1,
                [("phoneNumber", phone(i)), ("firstName", format!("N{i}"))],
            ))
        })
        .chain([Err(ReadError::Row {
            line: 6,
            reason: "has 3 cells but the header has 2 columns".to_owned(),
        })])
        .collect();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let journal = MemoryJournal::new();
    let report = Campaign::new(template())
        .key(default_key(&sandbox))
        .event_channel(tx)
        .run(&journal, Some(CampaignSource::stream(stream::iter(rows))))
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed, report.imported), (4, 1, 6));
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(events[0], Event::Started { pending: 0, .. }));
    let mut seen: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Sent { line, .. } => Some(format!("sent {line}")),
            Event::Failed { line, message, .. } => {
                assert!(message.contains("422"), "{message}");
                Some(format!("failed {line}"))
            }
            Event::Invalid(report) => Some(format!("invalid {}", report.line)),
            Event::Imported { rows } => Some(format!("imported {rows}")),
            _ => None,
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "failed 3",
            "imported 6",
            "invalid 6",
            "sent 1",
            "sent 2",
            "sent 4",
            "sent 5"
        ]
    );
}

//! Stopping, crashing and resuming over real TCP: nothing is sent twice unless asked,
//! nothing is lost.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::*;
use wasphere_campaign::{
    Campaign, CampaignError, CampaignSource, Changed, Event, Journal, JournalError, RowState,
    SourceFile, SqliteJournal, StopReason, Template,
};
use wasphere_client::{ErrorClass, RateLimit};
use wasphere_sandbox::{Fault, FaultRule, KeyConfig};
use wasphere_types::MessageType;

/// A campaign that asks itself to stop once `after` rows were sent.
fn stopping_after(campaign: Campaign, after: u64) -> Campaign {
    let stop = campaign.stop_handle();
    let sent = Arc::new(AtomicU64::new(0));
    campaign.on_event(move |e| {
        if matches!(e, Event::Sent { .. }) && sent.fetch_add(1, Ordering::SeqCst) + 1 == after {
            stop.stop();
        }
    })
}

#[tokio::test]
async fn a_stop_then_a_resume_sends_every_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(300))).unwrap();
    let sandbox = sandbox(unlimited()).await;
    let db = dir.path().join("c.db");

    let journal = SqliteJournal::open(&db).unwrap();
    let first = stopping_after(
        Campaign::new(template())
            .key(default_key(&sandbox))
            .max_in_flight(4),
        50,
    );
    let report = first
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert_eq!(report.stopped, Some(StopReason::Requested));
    assert!(report.sent >= 50 && report.sent < 300, "{report:?}");
    assert_eq!(
        report.counts.get(RowState::Sending),
        0,
        "in-flight rows were recorded"
    );
    assert_eq!(
        report.counts.get(RowState::Sent) + report.counts.get(RowState::Pending),
        300
    );
    drop(journal);

    // The resume needs no source: the import was finished before the stop.
    let journal = SqliteJournal::open(&db).unwrap();
    let report = Campaign::new(template())
        .key(default_key(&sandbox))
        .run(&journal, None)
        .await
        .unwrap();
    assert!(report.all_sent(), "{report:?}");
    let received = received(&sandbox);
    assert_eq!(received.len(), 300);
    assert!(received.values().all(|n| *n == 1));
}

#[tokio::test]
async fn rows_in_flight_at_a_crash_become_unknown_and_are_resent_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(60))).unwrap();
    let sandbox = sandbox(unlimited()).await;
    let db = dir.path().join("c.db");

    // The first 4 requests are accepted but answered only after 5 s; the process "dies"
    // (its future is dropped) while they wait.
    sandbox.inject(FaultRule::next(4, Fault::Delay(Duration::from_secs(5))));
    let journal = SqliteJournal::open(&db).unwrap();
    let campaign = Campaign::new(template())
        .key(default_key(&sandbox))
        .max_in_flight(4);
    let run = campaign.run(&journal, Some(CampaignSource::file(&file).unwrap()));
    assert!(
        tokio::time::timeout(Duration::from_millis(800), run)
            .await
            .is_err()
    );
    drop(journal);
    assert_eq!(
        sandbox.messages().len(),
        4,
        "the server got the 4 in flight"
    );

    // Resume: the 4 are unknown, everything else is sent once.
    let journal = SqliteJournal::open(&db).unwrap();
    let report = Campaign::new(template())
        .key(default_key(&sandbox))
        .run(&journal, None)
        .await
        .unwrap();
    assert_eq!(report.recovered.became_unknown, 4);
    assert_eq!(report.sent, 56);
    assert_eq!(report.counts.get(RowState::Unknown), 4);
    assert_eq!(report.counts.by_class.get("outcome-unknown"), Some(&4));
    assert!(report.is_finished() && !report.all_sent());
    let once = received(&sandbox);
    assert_eq!(once.len(), 60);
    assert!(once.values().all(|n| *n == 1), "nothing was sent twice");

    // Asked to, a resume sends the unknown rows again: at-least-once, so those 4
    // recipients now have two messages.
    let report = Campaign::new(template())
        .key(default_key(&sandbox))
        .resend_unknown(true)
        .run(&journal, None)
        .await
        .unwrap();
    assert_eq!(report.recovered.requeued_unknown, 4);
    assert_eq!(report.sent, 4);
    assert!(report.all_sent());
    let twice = received(&sandbox).values().filter(|n| **n == 2).count();
    assert_eq!(twice, 4);
}

#[tokio::test]
async fn a_disconnected_session_stops_the_campaign_and_a_resume_finishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(20))).unwrap();
    let sandbox = sandbox(unlimited().session("up").disconnected_session("down")).await;
    let db = dir.path().join("c.db");
    let journal = SqliteJournal::open(&db).unwrap();
    let report = Campaign::new(template())
        .key(key(&sandbox, &["down"]))
        .max_in_flight(1)
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    match &report.stopped {
        Some(StopReason::Fatal { class, message }) => {
            assert_eq!(*class, ErrorClass::Server);
            assert!(message.contains("not connected"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.counts.get(RowState::Pending),
        20,
        "the refused row is pending again"
    );
    assert!(sandbox.messages().is_empty());

    let report = Campaign::new(template())
        .key(key(&sandbox, &["up"]))
        .run(&journal, None)
        .await
        .unwrap();
    assert!(report.all_sent());
    assert_eq!(received(&sandbox).len(), 20);
}

#[tokio::test]
async fn a_refused_key_stops_the_campaign_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(10))).unwrap();
    let sandbox = sandbox(unlimited().api_key(KeyConfig::new("wsk_test_good"))).await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let report = Campaign::new(template())
        .key(key_with(
            &sandbox,
            "wsk_test_wrong",
            &[wasphere_sandbox::DEFAULT_SESSION],
        ))
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert!(
        matches!(
            report.stopped,
            Some(StopReason::Fatal {
                class: ErrorClass::Auth,
                ..
            })
        ),
        "{report:?}"
    );
    assert_eq!(report.counts.get(RowState::Pending), 10);
    assert_eq!(report.failed, 0);
}

/// The campaign's template, reworded.
fn reworded() -> Template {
    Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hi {{ firstName }}, order ready"}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn a_changed_template_or_file_is_refused_unless_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "rows.csv", csv_rows(30));
    let sandbox = sandbox(unlimited()).await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let first = stopping_after(
        Campaign::new(template())
            .key(default_key(&sandbox))
            .max_in_flight(1),
        10,
    );
    let source = || CampaignSource::file(&SourceFile::new(&path).unwrap()).unwrap();
    let report = first.run(&journal, Some(source())).await.unwrap();
    let sent_first = report.sent;
    assert!(sent_first >= 10);

    let other = reworded();
    let refused = Campaign::new(other)
        .key(default_key(&sandbox))
        .run(&journal, Some(source()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            CampaignError::Changed {
                what: Changed::Template,
                ..
            }
        ),
        "{refused}"
    );

    // The file changes too: a refusal, then an accepted change.
    let mut changed_rows = csv_rows(30);
    changed_rows.push_str(&format!("{},Newcomer\n", phone(500)));
    std::fs::write(&path, changed_rows).unwrap();
    let refused = Campaign::new(template())
        .key(default_key(&sandbox))
        .run(&journal, Some(source()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            CampaignError::Changed {
                what: Changed::Source,
                ..
            }
        ),
        "{refused}"
    );

    let new_text = reworded();
    let report = Campaign::new(new_text)
        .key(default_key(&sandbox))
        .accept_changes(true)
        .run(&journal, Some(source()))
        .await
        .unwrap();
    assert!(report.all_sent(), "{report:?}");
    assert_eq!(report.sent, 31 - sent_first);
    let messages = sandbox.messages();
    assert_eq!(messages.len(), 31);
    let new_bodies = messages
        .iter()
        .filter(|m| m.body["text"].as_str().unwrap().starts_with("Hi "))
        .count() as u64;
    assert_eq!(
        new_bodies,
        31 - sent_first,
        "unsent rows took the new template"
    );
    assert!(received(&sandbox).values().all(|n| *n == 1));
}

#[tokio::test]
async fn one_journal_has_one_runner() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let first = SqliteJournal::open(&db).unwrap();
    let second = SqliteJournal::open(&db).unwrap_err();
    assert!(matches!(second, JournalError::Locked { .. }), "{second}");
    let text = second.to_string();
    assert!(text.contains("c.db.lock is held"), "{text}");
    // Observers may look while it runs.
    let observer = SqliteJournal::open_observer(&db).unwrap();
    assert!(observer.campaign().await.unwrap().is_none());
    drop(first);
    assert!(SqliteJournal::open(&db).is_ok());
}

#[tokio::test]
async fn the_client_limiter_and_pacer_keep_429_away_at_the_servers_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "rows.csv", csv_rows(45))).unwrap();
    let sandbox = sandbox(wasphere_sandbox::Sandbox::builder().rate_limit(
        wasphere_sandbox::RateLimit::Window {
            max: 20,
            window: Duration::from_secs(1),
        },
    ))
    .await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let report = Campaign::new(template())
        .key(
            default_key(&sandbox)
                .rate_limit(RateLimit::Window {
                    max: 20,
                    window: Duration::from_secs(1),
                })
                .safety_margin(Duration::from_millis(50)),
        )
        .pacing(wasphere_campaign::Pacing::Window)
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert!(report.all_sent());
    assert_eq!(sandbox.status_counts().get(&429), None);
    assert_eq!(sandbox.messages().len(), 45);
}

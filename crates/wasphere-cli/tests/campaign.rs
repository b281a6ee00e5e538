//! `wasphere campaign` as a user runs it: the real binary against a sandbox over TCP.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use common::campaign::{
    Seeded, TEMPLATE, campaign_dir, child_in, csv, phone, received,
    sandbox_posting_statuses_to_a_late_listener,
};
use common::{TestSandbox, stderr, stdout, wasphere_at, wasphere_child};
use wasphere_campaign::journal::RowFilter;
use wasphere_campaign::{Journal, RowState, SqliteJournal};
use wasphere_sandbox::DEFAULT_API_KEY;

/// `campaign run` of [`campaign_dir`]'s rows and template into `c.db`, at `rate`, then `extra`.
fn run_args<'a>(rate: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "campaign",
        "run",
        "rows.csv",
        "--template",
        "t.text.json",
        "--journal",
        "c.db",
        "--rate-limit",
        rate,
    ];
    args.extend_from_slice(extra);
    args
}

/// Every row of a journal: (line, state, recipient, messageId).
fn journal_rows(path: &Path) -> Vec<(u64, RowState, String, Option<String>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let journal = SqliteJournal::open_observer(path).unwrap();
    let rows = runtime
        .block_on(journal.rows(0, 1_000_000, RowFilter::All))
        .unwrap();
    rows.into_iter()
        .map(|r| (r.line, r.state, r.recipient, r.message_id))
        .collect()
}

#[test]
fn check_names_every_bad_row_and_the_time_it_will_take() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = csv(10);
    rows.push_str("12,Short\n+92 300-0000003,Again\n");
    std::fs::write(dir.path().join("rows.csv"), rows).unwrap();
    std::fs::write(dir.path().join("order.text.json"), TEMPLATE).unwrap();
    let output = common::wasphere(dir.path())
        .current_dir(dir.path())
        .args([
            "campaign",
            "check",
            "rows.csv",
            "--template",
            "order.text.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("line 12: invalid\n  - to [format]: `to` must be"),
        "{text}"
    );
    assert!(
        text.contains("line 13: 923000000003 repeats line 5: skipped"),
        "{text}"
    );
    assert!(
        text.contains("12 rows: 11 valid, 1 invalid; 1 duplicate recipient (skipped)"),
        "{text}"
    );
    assert!(
        text.contains("10 messages to send: about 9s at 60/1m (smooth)"),
        "{text}"
    );

    // The same as JSON, and the same from the flags of `send text`.
    let output = common::wasphere(dir.path())
        .current_dir(dir.path())
        .args([
            "--output",
            "json",
            "campaign",
            "check",
            "rows.csv",
            "--rate-limit",
            "off",
        ])
        .args([
            "text",
            "--to",
            "{{ phoneNumber }}",
            "--text",
            "Hello {{ firstName }}, your order is ready!",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["finding"], "invalid");
    assert_eq!(lines[0]["line"], 12);
    assert_eq!(lines[0]["problems"][0]["path"], "to");
    assert_eq!(lines[0]["problems"][0]["rule"], "format");
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["toSend"], 10);
    assert_eq!(summary["estimate"], serde_json::Value::Null);
}

#[test]
fn run_sends_each_row_once_records_the_422_and_exports_the_outcomes() {
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(wasphere_sandbox::RateLimit::Off)
            .unreachable(phone(7))
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rows.csv"), csv(40)).unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args([
            "--output",
            "json",
            "campaign",
            "run",
            "rows.csv",
            "--journal",
            "c.db",
        ])
        .args(["--rate-limit", "off"])
        .args([
            "text",
            "--to",
            "{{ phoneNumber }}",
            "--text",
            "Hi {{ firstName }}",
        ])
        .output()
        .unwrap();
    // One row was refused: exit code 2, "some rows not sent".
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let events: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sent = events.iter().filter(|e| e["event"] == "sent").count();
    let failed: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["event"] == "failed").collect();
    assert_eq!(sent, 39);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["recipient"], phone(7));
    assert_eq!(failed[0]["class"], "invalid");
    assert_eq!(events.last().unwrap()["event"], "finished");
    let received = received(&sandbox);
    assert_eq!(received.len(), 39);
    assert!(received.values().all(|n| *n == 1));

    // status and export agree with the sandbox.
    let status = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args(["--output", "json", "campaign", "status", "c.db"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(status["byState"]["sent"], 39);
    assert_eq!(status["byState"]["failed"], 1);
    assert_eq!(status["byClass"]["invalid"], 1);
    let export = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args(["campaign", "export", "c.db"])
        .output()
        .unwrap();
    let text = stdout(&export);
    assert_eq!(text.lines().count(), 41);
    let ids: BTreeSet<String> = sandbox
        .running()
        .messages()
        .into_iter()
        .map(|m| m.message_id)
        .collect();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        match cells[2] {
            "sent" => assert!(ids.contains(cells[4]), "{line}"),
            "failed" => assert_eq!(cells[1], phone(7)),
            other => panic!("{other}: {line}"),
        }
    }
    assert!(!text.contains(DEFAULT_API_KEY));

    // Running it again sends nothing more.
    let again = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args(["campaign", "resume", "c.db"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert_eq!(sandbox.running().messages().len(), 39);
}

#[test]
fn a_second_process_on_the_same_journal_is_refused() {
    let sandbox = TestSandbox::start();
    let dir = campaign_dir(20);
    let run = run_args("2/1s", &[]);
    let mut first = common::ChildGuard(Some(child_in(dir.path(), &sandbox, &run).spawn().unwrap()));
    // Wait until the first has taken the lock.
    for _ in 0..200 {
        if dir.path().join("c.db.lock").exists() && !sandbox.running().messages().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let output = child_in(dir.path(), &sandbox, &run).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("c.db is in use by another process (pid ")
            && text.contains("its lock c.db.lock is held"),
        "{text}"
    );
    first.terminate();
    let status = first.wait_for_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(130));
}

#[test]
fn ctrl_c_stops_cleanly_and_a_resume_sends_the_rest_once() {
    let sandbox = TestSandbox::start();
    let dir = campaign_dir(60);
    let run = run_args("30/1s", &[]);
    let mut guard = common::ChildGuard(Some(child_in(dir.path(), &sandbox, &run).spawn().unwrap()));
    for _ in 0..400 {
        if sandbox.running().messages().len() >= 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = guard.child().id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = guard.wait_for_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(130));
    let mut err = String::new();
    std::io::Read::read_to_string(guard.child().stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("Resume with: wasphere campaign resume c.db"),
        "{err}"
    );
    let stopped_at = sandbox.running().messages().len();
    assert!(stopped_at < 60, "the stop came too late to prove anything");
    let rows = journal_rows(&dir.path().join("c.db"));
    assert!(
        rows.iter().all(|r| r.1 != RowState::Sending),
        "in-flight rows were recorded"
    );
    assert_eq!(
        rows.iter().filter(|r| r.1 == RowState::Sent).count(),
        stopped_at
    );

    let output = wasphere_at(dir.path(), &sandbox.base_url())
        .current_dir(dir.path())
        .args(["campaign", "resume", "c.db"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let received = received(&sandbox);
    assert_eq!(received.len(), 60);
    assert!(received.values().all(|n| *n == 1), "no duplicate");
}

#[test]
fn a_disconnected_session_stops_the_campaign_with_its_exit_code() {
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(wasphere_sandbox::RateLimit::Off)
            .disconnected_session("down")
    });
    let dir = campaign_dir(5);
    let output = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args(run_args("off", &["--session", "down"]))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("the campaign stopped: the session is not connected"),
        "{text}"
    );
    assert!(
        text.contains("resume with: wasphere campaign resume c.db"),
        "{text}"
    );
}

#[test]
fn kill_9_at_random_moments_never_sends_a_row_twice() {
    const ROWS: usize = 300;
    const KILLS: usize = 24;
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(wasphere_sandbox::RateLimit::Window {
            max: 100,
            window: Duration::from_secs(1),
        })
    });
    let dir = campaign_dir(ROWS);
    let command = |first: bool| {
        let run = run_args("30/1s", &["--safety-margin", "50ms"]);
        let resume = ["campaign", "resume", "c.db"];
        child_in(
            dir.path(),
            &sandbox,
            if first { &run[..] } else { &resume[..] },
        )
    };
    let mut rng = Seeded(0x5EED_2026);
    let (mut kills, mut finished_early) = (0, 0);
    while kills < KILLS {
        let mut guard = common::ChildGuard(Some(command(kills == 0).spawn().unwrap()));
        std::thread::sleep(Duration::from_millis(rng.next_in(60, 450)));
        if guard.child().try_wait().unwrap().is_some() {
            finished_early += 1;
            break;
        }
        guard.child().kill().unwrap(); // SIGKILL: no chance to record anything
        guard.child().wait().unwrap();
        kills += 1;
    }
    // Resume until done (a resume that is not killed runs to the end).
    let mut last = None;
    for _ in 0..3 {
        let mut guard = common::ChildGuard(Some(command(false).spawn().unwrap()));
        let status = guard.wait_for_exit(Duration::from_secs(120));
        last = status.code();
        if matches!(last, Some(0 | 8)) {
            break;
        }
    }
    assert!(
        matches!(last, Some(0 | 8)),
        "the final resume ended with {last:?}"
    );

    let rows = journal_rows(&dir.path().join("c.db"));
    let messages = sandbox.running().messages();
    let mut by_recipient: BTreeMap<String, usize> = BTreeMap::new();
    for m in &messages {
        *by_recipient
            .entry(m.body["to"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    let ids: BTreeSet<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    let count = |s: RowState| rows.iter().filter(|r| r.1 == s).count();
    println!(
        "kill -9 test: {kills} kills ({finished_early} runs finished before their kill); rows: {} sent, {} failed, {} unknown; the sandbox accepted {} messages for {} recipients",
        count(RowState::Sent),
        count(RowState::Failed),
        count(RowState::Unknown),
        messages.len(),
        by_recipient.len()
    );
    assert!(
        kills >= 20,
        "only {kills} kills happened before the campaign ended"
    );
    assert_eq!(rows.len(), ROWS);
    // Every row is sent, failed or unknown.
    assert!(
        rows.iter()
            .all(|r| matches!(r.1, RowState::Sent | RowState::Failed | RowState::Unknown)),
        "{rows:?}"
    );
    // The sandbox received no recipient twice.
    assert!(by_recipient.values().all(|n| *n == 1), "{by_recipient:?}");
    // Every sent row's messageId is in the sandbox's record.
    for row in rows.iter().filter(|r| r.1 == RowState::Sent) {
        assert!(ids.contains(row.3.as_deref().unwrap()), "{row:?}");
    }
    // Every row the sandbox received is sent or unknown in the journal.
    let state_of: BTreeMap<&str, RowState> = rows.iter().map(|r| (r.2.as_str(), r.1)).collect();
    for recipient in by_recipient.keys() {
        let state = state_of[recipient.as_str()];
        assert!(
            matches!(state, RowState::Sent | RowState::Unknown),
            "{recipient} reached the sandbox but is {state}"
        );
    }
}

#[test]
fn webhook_listen_records_delivery_statuses_into_the_campaign_journal() {
    let secret = "whsec_campaign_test";
    let (port, sandbox) = sandbox_posting_statuses_to_a_late_listener(secret);
    let dir = campaign_dir(10);
    let output = sandbox
        .wasphere(dir.path())
        .current_dir(dir.path())
        .args(run_args("off", &[]))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let mut listen = wasphere_child(dir.path());
    listen
        .current_dir(dir.path())
        .env("WH_SECRET", secret)
        .args(["webhook", "listen", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--secret-env", "WH_SECRET", "--journal", "c.db"]);
    let _listener = common::ChildGuard(Some(listen.spawn().unwrap()));
    let mut delivery = serde_json::Value::Null;
    for _ in 0..150 {
        let status = common::wasphere(dir.path())
            .current_dir(dir.path())
            .args(["--output", "json", "campaign", "status", "c.db"])
            .output()
            .unwrap();
        let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
        delivery = status["delivery"].clone();
        if delivery["read"] == 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(delivery["read"], 10, "{delivery}");
    let text = stdout(
        &common::wasphere(dir.path())
            .current_dir(dir.path())
            .args(["campaign", "status", "c.db"])
            .output()
            .unwrap(),
    );
    assert!(text.contains("delivery: delivered 10 (read 10"), "{text}");
}

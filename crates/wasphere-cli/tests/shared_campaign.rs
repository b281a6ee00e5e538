//! `wasphere campaign run` by several processes at once, as on several machines: one
//! campaign in a real PostgreSQL shared by workers (one of them killed with SIGKILL), and
//! one key's limit shared through a real Redis by separate campaigns. The servers are
//! started by the tests; the workers are the real binary sending to a sandbox over TCP.

#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::campaign::{
    Seeded, campaign_dir, child_in, received, sandbox_posting_statuses_to_a_late_listener,
};
use common::{ChildGuard, TestSandbox, arrival_times, status_count};
use wasphere_sandbox::{Fault, FaultRule, RateLimit, Trigger};
use wasphere_testservers::{Postgres, Redis};

/// `campaign run` of the directory's rows in a child whose output goes to files there
/// (`NAME.out`, `NAME.err`), so a long run never blocks on a full pipe.
fn spawn(dir: &Path, sandbox: &TestSandbox, name: &str, args: &[&str]) -> ChildGuard {
    let mut run = vec!["campaign", "run", "rows.csv", "--template", "t.text.json"];
    run.extend_from_slice(args);
    let mut cmd = child_in(dir, sandbox, &run);
    cmd.stdout(File::create(dir.join(format!("{name}.out"))).unwrap())
        .stderr(File::create(dir.join(format!("{name}.err"))).unwrap());
    ChildGuard(Some(cmd.spawn().unwrap()))
}

fn output_of(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.err"))).unwrap_or_default()
}

fn sandbox_at(max: u32) -> TestSandbox {
    TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Window {
            max,
            window: Duration::from_secs(1),
        })
    })
}

/// A journal row as the database has it.
#[derive(Debug)]
struct Stored {
    line: i64,
    recipient: String,
    state: String,
    message_id: Option<String>,
    worker: Option<i64>,
    attempts: i32,
}

/// Every row of the journal at `url`, and the worker id of the process `pid` (if it got as
/// far as joining the campaign).
fn journal(url: &str, pid: u32) -> (Vec<Stored>, Option<i64>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        let pid = i32::try_from(pid).unwrap();
        let dead = client
            .query_opt("SELECT id FROM wasphere_workers WHERE pid = $1", &[&pid])
            .await
            .unwrap()
            .map(|r| r.get(0));
        let rows = client
            .query(
                "SELECT line, recipient, state, message_id, worker, attempts FROM wasphere_rows ORDER BY line",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| Stored {
                line: r.get(0),
                recipient: r.get(1),
                state: r.get(2),
                message_id: r.get(3),
                worker: r.get(4),
                attempts: r.get(5),
            })
            .collect();
        (rows, dead)
    })
}

#[test]
fn three_workers_share_a_campaign_and_only_a_killed_worker_s_rows_in_flight_become_unknown() {
    const ROWS: usize = 600;
    const WORKERS: usize = 3;
    const KILLS: usize = 10;
    let Some(server) = Postgres::start("three workers and kill -9") else {
        return;
    };
    let mut rng = Seeded(0x5CA1_E0A7);
    let (mut kills, mut attempts, mut total_unknown) = (0, 0, 0);
    while kills < KILLS {
        attempts += 1;
        assert!(
            attempts <= KILLS + 6,
            "only {kills} kills landed while a worker was in the campaign"
        );
        // Every answer 300 ms late: each worker has rows in flight when it is killed.
        let sandbox = TestSandbox::with(|b| {
            b.rate_limit(RateLimit::Window {
                max: 200,
                window: Duration::from_secs(1),
            })
            .fault(FaultRule {
                fault: Fault::Delay(Duration::from_millis(300)),
                trigger: Trigger::Probability { p: 1.0, seed: 1 },
            })
        });
        let dir = campaign_dir(ROWS);
        let url = server.create_database(&format!("shared_{attempts}"));
        // 3 x 60/1s stays under the sandbox's 200/1s; a 1 s lease keeps each round short.
        let args = [
            "--journal",
            &url,
            "--rate-limit",
            "60/1s",
            "--safety-margin",
            "20ms",
            "--lease",
            "1s",
        ];
        let mut workers: Vec<ChildGuard> = (0..WORKERS)
            .map(|n| spawn(dir.path(), &sandbox, &format!("worker{n}"), &args))
            .collect();
        let victim = usize::try_from(rng.next_in(0, WORKERS as u64 - 1)).unwrap();
        let at = rng.next_in(300, 2800);
        std::thread::sleep(Duration::from_millis(at));
        let pid = workers[victim].child().id();
        let killed = workers[victim].child().try_wait().unwrap().is_none();
        if killed {
            workers[victim].child().kill().unwrap(); // SIGKILL: nothing recorded, no goodbye
        }
        workers[victim].child().wait().unwrap();
        for (n, worker) in workers.iter_mut().enumerate().filter(|(n, _)| *n != victim) {
            let status = worker.wait_for_exit(Duration::from_secs(120));
            assert!(
                matches!(status.code(), Some(0 | 8)),
                "worker {n} ended with {status:?}: {}",
                output_of(dir.path(), &format!("worker{n}"))
            );
        }

        let (rows, dead) = journal(&url, pid);
        let messages = sandbox.running().messages();
        let by_recipient = received(&sandbox);
        let ids: BTreeSet<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(rows.len(), ROWS);
        // No recipient received twice.
        assert!(by_recipient.values().all(|n| *n == 1), "{by_recipient:?}");
        // Every row is sent, failed or unknown: none is left behind by the dead worker.
        for row in &rows {
            assert!(
                matches!(row.state.as_str(), "sent" | "failed" | "unknown"),
                "{row:?}"
            );
        }
        // A sent row's message is in the sandbox; whatever the sandbox got is sent or unknown.
        for row in rows.iter().filter(|r| r.state == "sent") {
            assert!(ids.contains(row.message_id.as_deref().unwrap()), "{row:?}");
        }
        for row in &rows {
            if by_recipient.contains_key(&row.recipient) {
                assert!(matches!(row.state.as_str(), "sent" | "unknown"), "{row:?}");
            }
        }
        // The unknown rows are exactly the dead worker's rows in flight: marked `sending`
        // by it (one attempt), never finished; no other worker's row is unknown.
        let unknown: Vec<&Stored> = rows.iter().filter(|r| r.state == "unknown").collect();
        for row in &unknown {
            assert!(
                dead.is_some() && row.worker == dead && row.attempts == 1,
                "line {} is unknown but was not in flight in the killed worker: {row:?} (killed worker {dead:?})",
                row.line
            );
        }
        let sent = rows.iter().filter(|r| r.state == "sent").count();
        println!(
            "round {attempts}: worker {victim} {} at {at} ms; {sent} sent, {} unknown (all in flight in the killed worker), the sandbox got {} messages",
            if killed { "killed" } else { "had finished" },
            unknown.len(),
            messages.len()
        );
        if killed && dead.is_some() {
            kills += 1;
            total_unknown += unknown.len();
        }
    }
    println!(
        "{kills} workers killed with SIGKILL mid-campaign; {total_unknown} rows unknown in all"
    );
}

/// Four `campaign run` processes, each with its own journal of 150 rows and the same key,
/// at `--rate-limit 60/1s`, `--pacing pacing`; `redis` shares the key's window. Returns
/// when every process has finished, with the times the sandbox received the messages.
fn four_campaigns(sandbox: &TestSandbox, pacing: &str, redis: Option<&str>) -> Vec<SystemTime> {
    let dirs: Vec<_> = (0..4).map(|_| campaign_dir(150)).collect();
    // No margin: each slot counts from its request's answer (it is settled then), which is
    // after the sandbox counted the request, so the time from a row's turn to its arrival
    // (the journal's commit, the request) needs none; and the sandbox reads the same clock.
    let mut args = vec![
        "--journal",
        "c.db",
        "--rate-limit",
        "60/1s",
        "--safety-margin",
        "0ms",
        "--pacing",
        pacing,
    ];
    if let Some(url) = redis {
        args.extend(["--redis", url]);
    }
    let mut runs: Vec<ChildGuard> = dirs
        .iter()
        .map(|d| spawn(d.path(), sandbox, "run", &args))
        .collect();
    for (run, dir) in runs.iter_mut().zip(&dirs) {
        let status = run.wait_for_exit(Duration::from_secs(180));
        if redis.is_some() {
            assert!(
                status.success(),
                "{status:?}: {}",
                output_of(dir.path(), "run")
            );
        }
    }
    arrival_times(sandbox)
}

fn span(times: &[SystemTime]) -> Duration {
    times[times.len() - 1]
        .duration_since(times[0])
        .unwrap_or_default()
}

#[test]
fn four_campaigns_sharing_a_key_through_redis_fill_the_window_without_a_429_and_alone_they_collect_429s()
 {
    let Some(redis) = Redis::start("four campaigns, window pacing") else {
        return;
    };
    let sandbox = sandbox_at(60);
    let times = four_campaigns(&sandbox, "window", Some(&redis.url()));
    assert_eq!(times.len(), 600);
    assert_eq!(
        status_count(&sandbox, 429),
        0,
        "a 429 despite the shared window"
    );
    // 600 at 60 per second: the 10th window opens 9 s after the first (ideal 9 s).
    let took = span(&times);
    println!(
        "window pacing, 4 processes through Redis: 600 messages in {:.2} s (ideal 9 s: {:.3}x), no 429",
        took.as_secs_f64(),
        took.as_secs_f64() / 9.0
    );
    assert!(
        took >= Duration::from_secs(9),
        "faster than the limit allows: {took:?}"
    );

    // The same four campaigns, each pacing only itself: the server refuses the excess.
    let alone = sandbox_at(60);
    four_campaigns(&alone, "window", None);
    let refused = status_count(&alone, 429);
    println!("window pacing, 4 processes without Redis: {refused} answers 429");
    assert!(
        refused > 0,
        "without a shared window the server must refuse some"
    );
}

#[test]
fn four_campaigns_sharing_a_key_through_redis_pace_smoothly_together() {
    let Some(redis) = Redis::start("four campaigns, smooth pacing") else {
        return;
    };
    let sandbox = sandbox_at(60);
    let times = four_campaigns(&sandbox, "smooth", Some(&redis.url()));
    assert_eq!(times.len(), 600);
    assert_eq!(
        status_count(&sandbox, 429),
        0,
        "a 429 despite the shared window"
    );
    // Spaced at the key's rate across the four processes (1 s / 60 = 16.7 ms): never a
    // burst, so any 20 consecutive messages take at least a quarter of the time the rate
    // gives them. Window pacing sends a window's 60 within milliseconds; a quarter leaves
    // room for a worker stalled on a busy machine (its journal commit, the scheduler)
    // that then lets its few granted rows go together.
    let gap = Duration::from_secs(1) / 60;
    for pair in times.windows(21) {
        let took = pair[20].duration_since(pair[0]).unwrap_or_default();
        assert!(
            took >= gap * 5,
            "20 messages within {took:?}: a burst, not a smooth pace"
        );
    }
    let took = span(&times);
    println!(
        "smooth pacing, 4 processes through Redis: 600 messages in {:.2} s (one per {:.1} ms; the key's rate gives one per {:.1} ms), no 429",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / 599.0,
        gap.as_secs_f64() * 1000.0
    );
}

#[test]
fn status_export_and_resume_read_a_postgres_journal_and_never_show_its_password() {
    let Some(server) = Postgres::start("status and export of a postgres journal") else {
        return;
    };
    let sandbox = TestSandbox::start();
    let dir = campaign_dir(20);
    let plain = server.create_database("shown");
    // The test cluster trusts every login, so a password in the URL is accepted and ignored.
    let url = plain.replacen("@", ":n0t-for-logs@", 1);
    let mut run = spawn(dir.path(), &sandbox, "run", &["--journal", &url]);
    assert!(run.wait_for_exit(Duration::from_secs(60)).success());
    assert!(!output_of(dir.path(), "run").contains("n0t-for-logs"));

    let status = child_in(dir.path(), &sandbox, &["campaign", "status", &url])
        .output()
        .unwrap();
    let text = format!("{}{}", common::stdout(&status), common::stderr(&status));
    assert!(status.status.success(), "{text}");
    assert!(text.contains("20"), "{text}");
    assert!(!text.contains("n0t-for-logs"), "{text}");

    let export = child_in(
        dir.path(),
        &sandbox,
        &["campaign", "export", &url, "--format", "jsonl"],
    )
    .output()
    .unwrap();
    assert!(export.status.success(), "{}", common::stderr(&export));
    let lines: Vec<serde_json::Value> = common::stdout(&export)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    assert!(lines.iter().all(|r| r["state"] == "sent"), "{lines:?}");

    // A resume of a finished shared campaign has nothing left to send.
    let resume = child_in(dir.path(), &sandbox, &["campaign", "resume", &url])
        .output()
        .unwrap();
    assert!(resume.status.success(), "{}", common::stderr(&resume));
    assert_eq!(received(&sandbox).len(), 20);
}

/// Restarts `redis`, resumes the campaign in `dir` through it, and checks that the sandbox
/// then holds `rows` recipients, each sent to once.
fn resume_with_redis_back(redis: &mut Redis, dir: &Path, sandbox: &TestSandbox, rows: usize) {
    redis.restart();
    let resume = child_in(
        dir,
        sandbox,
        &["campaign", "resume", "c.db", "--redis", &redis.url()],
    )
    .output()
    .unwrap();
    assert!(resume.status.success(), "{}", common::stderr(&resume));
    let got = received(sandbox);
    assert_eq!(got.len(), rows);
    assert!(got.values().all(|n| *n == 1), "{got:?}");
}

#[test]
fn a_campaign_whose_redis_is_out_stops_resumable_with_nothing_sent_twice() {
    let Some(mut redis) = Redis::start("campaign with Redis out") else {
        return;
    };
    let sandbox = TestSandbox::start();
    let dir = campaign_dir(30);
    let url = redis.url();
    redis.stop();
    let args = [
        "--journal",
        "c.db",
        "--rate-limit",
        "60/1s",
        "--redis",
        &url,
    ];
    let mut run = spawn(dir.path(), &sandbox, "run", &args);
    let status = run.wait_for_exit(Duration::from_secs(60));
    let text = output_of(dir.path(), "run");
    assert_eq!(status.code(), Some(7), "exit 7 (network): {text}");
    assert!(text.contains("unavailable"), "{text}");
    assert!(
        received(&sandbox).is_empty(),
        "nothing went out without a turn"
    );

    // Redis back: the resume sends every row once.
    resume_with_redis_back(&mut redis, dir.path(), &sandbox, 30);
}

#[test]
fn webhook_listen_records_delivery_statuses_into_a_postgres_journal() {
    let Some(server) = Postgres::start("webhook listen into a postgres journal") else {
        return;
    };
    let secret = "whsec_postgres_statuses";
    let (port, sandbox) = sandbox_posting_statuses_to_a_late_listener(secret);
    let dir = campaign_dir(10);
    let url = server.create_database("statuses");
    let mut run = spawn(dir.path(), &sandbox, "run", &["--journal", &url]);
    assert!(run.wait_for_exit(Duration::from_secs(60)).success());

    let listen_args = [
        "webhook",
        "listen",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--secret-env",
        "WH_SECRET",
        "--journal",
        &url,
    ];
    let mut listen = child_in(dir.path(), &sandbox, &listen_args);
    listen
        .env("WH_SECRET", secret)
        .stdout(File::create(dir.path().join("listen.out")).unwrap())
        .stderr(File::create(dir.path().join("listen.err")).unwrap());
    let _listener = ChildGuard(Some(listen.spawn().unwrap()));
    let mut delivery = serde_json::Value::Null;
    for _ in 0..300 {
        let status = child_in(
            dir.path(),
            &sandbox,
            &["--output", "json", "campaign", "status", &url],
        )
        .output()
        .unwrap();
        let status: serde_json::Value =
            serde_json::from_str(&common::stdout(&status)).unwrap_or_default();
        delivery = status["delivery"].clone();
        if delivery["read"] == 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        delivery["read"],
        10,
        "{delivery}; listener said: {}",
        output_of(dir.path(), "listen")
    );
}

#[test]
fn redis_stopped_mid_campaign_stops_it_resumable_and_the_resume_sends_the_rest_once() {
    let Some(mut redis) = Redis::start("Redis stopped mid-campaign") else {
        return;
    };
    let sandbox = TestSandbox::start();
    let dir = campaign_dir(40);
    let url = redis.url();
    // Ten a second, one at a time: four seconds of sending, stopped a few rows in.
    let args = [
        "--journal",
        "c.db",
        "--rate-limit",
        "10/1s",
        "--pacing",
        "smooth",
        "--redis",
        &url,
    ];
    let mut run = spawn(dir.path(), &sandbox, "run", &args);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while received(&sandbox).len() < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the campaign never started: {}",
            output_of(dir.path(), "run")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    redis.stop();
    let status = run.wait_for_exit(Duration::from_secs(60));
    let text = output_of(dir.path(), "run");
    assert_eq!(status.code(), Some(7), "exit 7 (network): {text}");
    assert!(text.contains("unavailable"), "{text}");
    let before = received(&sandbox);
    assert!(
        (5..40).contains(&before.len()),
        "stopped part-way: {} sent",
        before.len()
    );
    assert!(before.values().all(|n| *n == 1), "{before:?}");

    resume_with_redis_back(&mut redis, dir.path(), &sandbox, 40);
}

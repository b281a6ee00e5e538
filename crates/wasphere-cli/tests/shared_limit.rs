//! `wasphere send --redis`: separate processes sharing one key's limit through a real
//! Redis (started by the test) stay within the sandbox's limit together; without it,
//! processes that each respect nothing but themselves collect 429s.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{TestSandbox, arrival_times, status_count, stderr};
use wasphere_sandbox::RateLimit;
use wasphere_testservers::Redis;

const PROCESSES: usize = 4;

/// Runs `sends` `wasphere send text` processes one after the other in each of
/// [`PROCESSES`] threads, with `extra(process)` arguments and environment; the exit
/// codes.
fn send_from_processes(
    sandbox: &TestSandbox,
    sends: usize,
    extra: impl Fn(usize, &mut assert_cmd::Command) + Sync,
) -> Vec<i32> {
    let dir = tempfile::tempdir().unwrap();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..PROCESSES)
            .map(|p| {
                let (dir, extra) = (dir.path(), &extra);
                scope.spawn(move || {
                    (0..sends)
                        .map(|i| {
                            let mut command = sandbox.wasphere(dir);
                            command.args([
                                "send",
                                "text",
                                "--to",
                                "923001234567",
                                "--text",
                                &format!("process {p} message {i}"),
                            ]);
                            extra(p, &mut command);
                            let output = command.output().unwrap();
                            let code = output.status.code().unwrap_or(-1);
                            assert!(
                                code == 0 || code == 5,
                                "process {p} send {i}: exit {code}: {}",
                                stderr(&output)
                            );
                            code
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    })
}

#[test]
fn four_processes_sharing_a_key_through_redis_get_no_429() {
    let Some(redis) = Redis::start("four_processes_sharing_a_key_through_redis_get_no_429") else {
        return;
    };
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Window {
            max: 60,
            window: Duration::from_secs(1),
        })
    });
    let url = redis.url();
    let codes = send_from_processes(&sandbox, 60, |p, command| {
        // Half are told by flag, half by the environment.
        if p % 2 == 0 {
            command.args(["--redis", &url]);
        } else {
            command.env("WASPHERE_REDIS_URL", &url);
        }
        command.args(["--rate-limit", "60/1s", "--retries", "0"]);
    });
    assert!(codes.iter().all(|c| *c == 0), "{codes:?}");
    assert_eq!(
        status_count(&sandbox, 429),
        0,
        "{:?}",
        sandbox.running().status_counts()
    );
    let times = arrival_times(&sandbox);
    assert_eq!(times.len(), PROCESSES * 60);
    for pair in times.windows(61) {
        let span = pair[60].duration_since(pair[0]).unwrap_or_default();
        assert!(
            span >= Duration::from_secs(1),
            "61 accepted within {span:?}"
        );
    }
}

#[test]
fn the_same_processes_without_redis_collect_429s() {
    // Each process respects only itself, so together they overrun the key: 40 sends
    // against 20 per minute cannot all pass, whatever the machine's speed.
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Window {
            max: 20,
            window: Duration::from_secs(60),
        })
    });
    let codes = send_from_processes(&sandbox, 10, |_, command| {
        command.args(["--retries", "0"]);
    });
    assert!(codes.contains(&5), "{codes:?}");
    assert_eq!(status_count(&sandbox, 429), 20);
    assert_eq!(sandbox.running().messages().len(), 20);
}

#[test]
fn redis_out_fails_the_send_with_exit_7_or_falls_back_when_asked() {
    let Some(mut redis) =
        Redis::start("redis_out_fails_the_send_with_exit_7_or_falls_back_when_asked")
    else {
        return;
    };
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let url = redis.url();
    let send = |extra: &[&str]| {
        sandbox
            .wasphere(dir.path())
            .args([
                "send",
                "text",
                "--to",
                "923001234567",
                "--text",
                "hi",
                "--redis",
                &url,
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(send(&[]).status.code(), Some(0));
    redis.stop();
    let failed = send(&[]);
    assert_eq!(failed.status.code(), Some(7), "{}", stderr(&failed));
    let said = stderr(&failed);
    assert!(
        said.contains("unavailable") && said.contains("not sent"),
        "{said}"
    );
    assert!(said.contains("--redis-fallback"), "{said}");
    let fell_back = send(&["--redis-fallback", "0.5"]);
    assert_eq!(fell_back.status.code(), Some(0), "{}", stderr(&fell_back));
    assert_eq!(sandbox.running().messages().len(), 2);
    let refused = send(&["--redis-fallback", "2"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("fraction"),
        "{}",
        stderr(&refused)
    );
}

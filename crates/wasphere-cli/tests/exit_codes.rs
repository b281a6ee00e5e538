//! Every documented exit code, each produced by the situation it stands for, against a
//! sandbox over TCP (fault injection for the server-side ones).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{TestSandbox, stderr};
use serde_json::Value;
use wasphere_sandbox::{Fault, FaultRule, RateLimit};

const TEXT: [&str; 6] = ["send", "text", "--to", "923001234567", "--text", "hi"];

fn code_of(sandbox: &TestSandbox, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(TEXT)
        .args(extra)
        .output()
        .unwrap();
    (output.status.code(), stderr(&output))
}

#[test]
fn exit_0_on_success() {
    let sandbox = TestSandbox::start();
    assert_eq!(code_of(&sandbox, &[]).0, Some(0));
}

#[test]
fn exit_1_when_a_file_cannot_be_read() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "text", "--json", "/nonexistent/body.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("/nonexistent/body.json"));
}

#[test]
fn exit_2_for_usage_and_validation() {
    let sandbox = TestSandbox::start();
    assert_eq!(code_of(&sandbox, &["--no-such-flag"]).0, Some(2));
    let (code, err) = code_of(&sandbox, &["--to", "not-a-number"]);
    // --to given twice is a usage error; a bad recipient alone is a validation error.
    assert_eq!(code, Some(2), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "text", "--to", "CALL-ME", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("to [format]"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sandbox.running().requests_seen(), 0);
}

#[test]
fn exit_3_when_the_key_is_refused() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", "wsk_test_not_the_right_one")
        .args(TEXT)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let err: Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert_eq!(err["error"]["kind"], "auth");
    assert_eq!(err["error"]["status"], 401);
}

#[test]
fn exit_4_when_the_session_does_not_exist() {
    let sandbox = TestSandbox::start();
    let (code, err) = code_of(&sandbox, &["--session", "no-such-session"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("404"), "{err}");

    // The JSON `kind` is the client's ErrorClass word, the same the C ABI's error_json uses.
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(TEXT)
        .args(["--session", "no-such-session", "-o", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert_eq!(json["error"]["kind"], "not-found");
    assert_eq!(json["error"]["exitCode"], 4);
}

#[test]
fn exit_5_when_still_rate_limited_after_the_allowed_wait() {
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Window {
            max: 1,
            window: Duration::from_secs(600),
        })
    });
    assert_eq!(code_of(&sandbox, &[]).0, Some(0));
    let (code, err) = code_of(&sandbox, &["--max-wait", "2s"]);
    assert_eq!(code, Some(5), "{err}");
    assert!(err.contains("429"), "{err}");
    assert!(err.contains("try again in"), "{err}");
    // A Retry-After of ~600 s beyond --max-wait is not waited for: one 429, no retry.
    let counts = sandbox.running().status_counts();
    assert_eq!((counts.get(&201), counts.get(&429)), (Some(&1), Some(&1)));
    assert_eq!(sandbox.running().requests_seen(), 2);
}

#[test]
fn exit_6_when_the_session_is_not_connected() {
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Off)
            .session("my-session")
            .disconnected_session("asleep")
    });
    let (code, err) = code_of(&sandbox, &["--session", "asleep"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("not connected"), "{err}");
}

#[test]
fn exit_7_when_nothing_listens() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sandbox = TestSandbox::start();
    let url = format!("http://127.0.0.1:{port}");
    let (code, err) = code_of(&sandbox, &["--base-url", &url, "--retries", "0"]);
    assert_eq!(code, Some(7), "{err}");
    assert!(err.contains("safe to try again"), "{err}");
}

#[test]
fn exit_8_when_the_gateway_fails_after_the_message_went_out() {
    let sandbox = TestSandbox::start();
    sandbox
        .running()
        .inject(FaultRule::next(1, Fault::Status(502)));
    let (code, err) = code_of(&sandbox, &[]);
    assert_eq!(code, Some(8), "{err}");
    assert!(err.contains("may have been"), "{err}");
    // The sandbox accepted it: exactly the case where resending would duplicate.
    assert_eq!(sandbox.running().messages().len(), 1);
}

#[test]
fn exit_8_when_the_answer_times_out() {
    let sandbox = TestSandbox::start();
    sandbox
        .running()
        .inject(FaultRule::next(1, Fault::Delay(Duration::from_secs(5))));
    let (code, err) = code_of(&sandbox, &["--timeout", "500ms"]);
    assert_eq!(code, Some(8), "{err}");
    assert!(err.contains("timed out"), "{err}");
    // Accepted, then the answer was late: not sent again.
    assert_eq!(sandbox.running().requests_seen(), 1, "not retried");
    assert_eq!(sandbox.running().messages().len(), 1);
}

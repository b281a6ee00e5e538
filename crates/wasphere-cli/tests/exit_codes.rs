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

/// A server on a free port that answers every request with `answer`, as raw HTTP/1.1.
fn canned_server(answer: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head and the body its Content-Length announces, then answer.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen);
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break;
                    }
                }
            }
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

/// Issue 12, item 9: a redirect exited 1, documented as "a file could not be read".
#[test]
fn exit_9_when_something_other_than_wasphere_answers() {
    let sandbox = TestSandbox::start();
    let redirect = canned_server(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://api.example.com/v2\r\nContent-Length: 0\r\n\r\n",
    );
    let (code, err) = code_of(&sandbox, &["--base-url", &redirect]);
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains("redirected") && err.contains("https://api.example.com/v2"),
        "{err}"
    );
    assert!(err.contains("check the base URL"), "{err}");

    // Issue 12, item 8: a proxy's bare 404 is not "session not found".
    let bare_404 = canned_server(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\n404 page not found",
    );
    let (code, err) = code_of(&sandbox, &["--base-url", &bare_404]);
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains("nothing answered as WaSphere at this address"),
        "{err}"
    );
    assert!(!err.contains("session not found"), "{err}");

    // A wrong path prefix in front of the real API is the same mistake.
    let prefixed = format!("{}/v2", sandbox.base_url());
    let (code, err) = code_of(&sandbox, &["--base-url", &prefixed, "-o", "json"]);
    assert_eq!(code, Some(9), "{err}");
    let json: Value = serde_json::from_str(&err).unwrap();
    assert_eq!(json["error"]["kind"], "unexpected-answer");
    assert_eq!(json["error"]["status"], 404);
    assert_eq!(sandbox.running().messages().len(), 0);
}

/// Issue 12, item 9: a 413 exited 1 with no advice. It is a refusal before delivery, with
/// the size limit said.
#[test]
fn a_413_is_a_refusal_that_says_the_limit() {
    let sandbox = TestSandbox::start();
    let proxy = canned_server(
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nContent-Length: 81\r\n\r\n{\"statusCode\":413,\"message\":\"request entity too large\",\"error\":\"Payload Too Large\"}",
    );
    let (code, err) = code_of(&sandbox, &["--base-url", &proxy]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("413") && err.contains("10 MiB"), "{err}");
    assert!(err.contains("the message was not sent"), "{err}");
    assert!(err.contains("hint:") && err.contains("URL"), "{err}");
}

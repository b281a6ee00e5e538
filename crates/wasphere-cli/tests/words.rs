//! What the CLI says, where the words themselves were the bug (issue 12, items 5, 11, 12).

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, wasphere};
use serde_json::Value;
use wasphere_sandbox::{Fault, FaultRule};

fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let output = wasphere(dir).args(args).output().unwrap();
    (output.status.code(), stderr(&output))
}

/// Item 5: truncated JSON was reported as `[0] must be a string`.
#[test]
fn truncated_json_is_not_valid_json_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, "[[").unwrap();
    let body = body.to_str().unwrap();
    for args in [
        vec!["validate", "--type", "text", body],
        vec!["send", "text", "--json", body, "--dry-run"],
    ] {
        let (code, err) = run(dir.path(), &args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains("the body is not valid JSON") && err.contains("line 1, column 3"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("must be a string"), "{err}");
    }
}

/// Item 12: `validate` said "nothing was sent" (it never sends).
#[test]
fn validate_does_not_talk_about_sending() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("text.json");
    for text in [r#"{"to":"1"}"#, "{", "\u{0}"] {
        std::fs::write(&body, text).unwrap();
        let (code, err) = run(dir.path(), &["validate", body.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{err}");
        assert!(!err.contains("sent"), "{text:?}: {err}");
    }
}

/// Item 12: a body that is not UTF-8 was "invalid unicode code point".
#[test]
fn a_body_that_is_not_utf8_says_so_with_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("text.json");
    std::fs::write(&body, b"{\"to\":\"9230\xff\",\"text\":\"hi\"}").unwrap();
    let (code, err) = run(dir.path(), &["validate", body.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("not UTF-8") && err.contains("offset 11"),
        "{err}"
    );
}

/// Item 12: the sandbox's refusal of a key had an empty name (`API key : …`).
#[test]
fn a_bad_sandbox_key_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run(
        dir.path(),
        &["sandbox", "--addr", "127.0.0.1:0", "--api-key", "sk_secret"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--api-key: an API key starts with `wsk_`"),
        "{err}"
    );
    assert!(!err.contains(" : ") && !err.contains("sk_secret"), "{err}");
}

/// Item 12: `--timeout abc` said "expected number at 0".
#[test]
fn a_bad_duration_says_what_a_duration_looks_like() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run(
        dir.path(),
        &[
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--timeout",
            "abc",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("\"abc\" is not a duration") && err.contains("10s"),
        "{err}"
    );
    assert!(!err.contains("at 0"), "{err}");
}

/// Item 12: `webhook verify --timestamp abc` exited 3 (authentication); it is a usage error.
#[test]
fn a_timestamp_that_is_not_a_number_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .env("SECRET", "whsec")
        .args([
            "webhook",
            "verify",
            "--secret-env",
            "SECRET",
            "--timestamp",
            "abc",
        ])
        .args(["--signature", "v1,sha256=00"])
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a Unix time"),
        "{}",
        stderr(&output)
    );
}

/// Item 12: `WASPHERE_OUTPUT=JSON` was refused.
#[test]
fn the_output_format_is_read_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    for value in ["JSON", "Json", "json"] {
        let output = wasphere(dir.path())
            .env("WASPHERE_OUTPUT", value)
            .args(["validate", "--type", "text", "-"])
            .write_stdin(r#"{"to":"923001234567","text":"hi"}"#)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{value}: {}",
            stderr(&output)
        );
        let v: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(v["valid"], true);
    }
    let output = wasphere(dir.path())
        .args(["-o", "JSON", "validate", "--type", "text", "-"])
        .write_stdin("{")
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert_eq!(v["error"]["kind"], "invalid");
}

/// Item 12: `-v` logs printed `status=429 status=201` on one line.
#[test]
fn verbose_logs_say_each_fact_once() {
    let sandbox = TestSandbox::start();
    sandbox.running().inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    ));
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["-v", "send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("status=429") && err.contains("status=201"),
        "{err}"
    );
    for line in err.lines() {
        let names: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || "{}:".contains(c))
            .filter_map(|t| t.split_once('=').map(|(n, _)| n))
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a field twice: {line}");
    }
}

/// Item 12: a stale delivery got the hint about the secret.
#[test]
fn a_stale_delivery_points_at_the_clock() {
    use std::time::{SystemTime, UNIX_EPOCH};
    use wasphere_types::webhook::{WebhookSecret, sign};
    let dir = tempfile::tempdir().unwrap();
    let body =
        r#"{"event":"webhook.test","sessionId":"s","timestamp":"t","deliveryId":"d","data":{}}"#;
    let then = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let signature = sign(&WebhookSecret::new("whsec"), then, body.as_bytes());
    let output = wasphere(dir.path())
        .env("SECRET", "whsec")
        .args(["webhook", "verify", "--secret-env", "SECRET"])
        .args(["--timestamp", &then.to_string(), "--signature", &signature])
        .write_stdin(body)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("clock") && !err.contains("check the secret"),
        "{err}"
    );
}

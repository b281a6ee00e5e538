//! `wasphere sandbox` as a child process, and `wasphere demo`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{ChildGuard, first_line_with, stderr, stdout, wasphere, wasphere_child};
use serde_json::Value;
use wasphere_types::MessageType;

#[test]
fn demo_sends_all_14_types_and_verifies_both_replies() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path()).arg("demo").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    for t in MessageType::ALL {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{t} ")) && l.contains(" sent ")),
            "no row for {t}:\n{out}"
        );
    }
    assert!(out.contains("button reply  btn1"), "{out}");
    assert!(out.contains("list reply    pro"), "{out}");
    assert_eq!(out.matches("signature verified").count(), 2);

    let output = wasphere(dir.path())
        .args(["demo", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(v["sent"].as_array().unwrap().len(), 14);
    let ids: Vec<&str> = v["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["selectionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["btn1", "pro"]);
    // 14 message.sent and 2 message.received, each signature checked.
    assert!(v["webhooksVerified"].as_u64().unwrap() >= 2);
}

#[test]
fn sandbox_serves_until_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut guard = ChildGuard(Some(
        wasphere_child(dir.path())
            .args(["sandbox", "--addr", "127.0.0.1:0", "--rate-limit", "off"])
            .args(["--session", "main", "--session", "old:disconnected"])
            .spawn()
            .unwrap(),
    ));
    let stdout_pipe = guard.child().stdout.take().unwrap();
    let (first, _rest) = first_line_with(stdout_pipe, "", Duration::from_secs(20));
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );
    let base = first.trim_start_matches("listening on ").to_owned();

    let send = |session: &str| {
        wasphere(dir.path())
            .env("WASPHERE_BASE_URL", &base)
            .env("WASPHERE_API_KEY", "wsk_test_sandbox")
            .env("WASPHERE_WORKSPACE", "00000000-0000-4000-8000-000000000000")
            .env("WASPHERE_SESSION", session)
            .args(["send", "text", "--to", "923001234567", "--text", "hi"])
            .output()
            .unwrap()
    };
    assert_eq!(send("main").status.code(), Some(0));
    assert_eq!(send("old").status.code(), Some(6));
    assert_eq!(
        send("my-session").status.code(),
        Some(4),
        "only the sessions asked for"
    );

    guard.terminate();
    let status = guard.wait_for_exit(Duration::from_secs(10));
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
}

#[test]
fn sandbox_refuses_bad_options_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["sandbox", "--rate-limit", "lots"],
        vec!["sandbox", "--session", "a b"],
        vec!["sandbox", "--session", "main:sleepy"],
        vec!["sandbox", "--api-key", "sk_nope"],
        vec!["sandbox", "--webhook-url", "http://127.0.0.1:1/h"],
        vec![
            "sandbox",
            "--webhook-url",
            "http://127.0.0.1:1/h",
            "--webhook-secret-env",
            "UNSET_VAR_X",
        ],
    ] {
        let output = wasphere(dir.path())
            .args(&args)
            .args(["--addr", "127.0.0.1:0"])
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

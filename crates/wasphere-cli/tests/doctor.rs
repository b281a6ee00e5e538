//! `wasphere doctor` against a sandbox over TCP (issue 12, item 13): each part of the
//! setup checked, the answer said plainly, and never a message sent.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, stdout, wasphere};
use serde_json::Value;

#[test]
fn a_right_setup_is_confirmed_and_what_was_not_checked_is_said() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox.wasphere(dir.path()).arg("doctor").output().unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    for line in [
        "ok    base URL",
        "ok    workspace",
        "ok    session id",
        "ok    API key",
        "ok    server",
        "ok    access",
    ] {
        assert!(out.contains(line), "{line}:\n{out}");
    }
    assert!(
        out.contains("wsk_test_…") && !out.contains("wsk_test_sandbox"),
        "{out}"
    );
    assert!(
        out.contains("Not checked:") && out.contains("connected to a phone"),
        "{out}"
    );
    assert!(out.contains("nothing was sent"), "{out}");

    let output = sandbox
        .wasphere(dir.path())
        .args(["doctor", "-o", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["ok"], true);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
    assert!(!report["notChecked"].as_array().unwrap().is_empty());

    assert!(
        sandbox.running().messages().is_empty(),
        "no message was sent"
    );
    assert_eq!(sandbox.running().status_counts().get(&201), None);
}

#[test]
fn each_wrong_setting_fails_with_the_exit_code_send_would_give() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let wrong_prefix = format!("{}/api", sandbox.base_url());
    for (env, value, code, said) in [
        ("WASPHERE_API_KEY", "wsk_test_wrong", 3, "refused"),
        (
            "WASPHERE_SESSION",
            "no-such-session",
            4,
            "session not found",
        ),
        (
            "WASPHERE_BASE_URL",
            wrong_prefix.as_str(),
            9,
            "check the base URL",
        ),
        (
            "WASPHERE_BASE_URL",
            closed_port.as_str(),
            7,
            "could not connect",
        ),
        ("WASPHERE_SESSION", "not a session", 2, "session"),
        ("WASPHERE_BASE_URL", "http://example.com", 2, "http"),
    ] {
        let output = sandbox
            .wasphere(dir.path())
            .env(env, value)
            .arg("doctor")
            .output()
            .unwrap();
        let (out, err) = (stdout(&output), stderr(&output));
        assert_eq!(
            output.status.code(),
            Some(code),
            "{env}={value}:\n{out}{err}"
        );
        assert!(out.contains("FAIL"), "{env}={value}:\n{out}");
        assert!(err.contains(said), "{env}={value}:\n{err}");
        assert!(!out.contains("Not checked:"), "{out}");
        // Doctor never sends: what became of "the message" is not said.
        assert!(
            !out.contains("was not sent") && !err.contains("was not sent"),
            "{out}{err}"
        );
    }
    let bare = tempfile::tempdir().unwrap();
    let output = wasphere(bare.path()).arg("doctor").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no base-url is set"),
        "{}",
        stderr(&output)
    );
    assert!(sandbox.running().messages().is_empty());
}

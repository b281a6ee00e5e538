//! Colour only where it helps: forced on with CLICOLOR_FORCE, never with NO_COLOR, and
//! never on a pipe by default.

#![allow(clippy::unwrap_used)]

mod common;

use common::{stderr, wasphere};

const ESC: char = '\u{1b}';

fn failing_run(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = wasphere(dir.path());
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd
        .args(["validate", "--type", "text", "-"])
        .write_stdin(r#"{"to":"923001234567","text":""}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    stderr(&output)
}

#[test]
fn colour_follows_the_conventions() {
    assert!(!failing_run(&[]).contains(ESC), "a pipe gets plain text");
    assert!(failing_run(&[("CLICOLOR_FORCE", "1")]).contains(ESC));
    assert!(
        !failing_run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(ESC),
        "NO_COLOR wins"
    );
}

#[test]
fn json_mode_never_colours() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["-o", "json", "validate", "--type", "text", "-"])
        .write_stdin(r#"{"to":"923001234567","text":""}"#)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert!(!err.contains(ESC));
    let v: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(v["error"]["violations"][0]["path"], "text");
}

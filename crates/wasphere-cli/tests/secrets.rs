//! The API key never appears in any output, error or log, whichever way it was given.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, stdout};
use wasphere_sandbox::{Fault, FaultRule, KeyConfig, RateLimit};

const KEY: &str = "wsk_test_Zq8SuperSecretPart4242";
const SECRET_PART: &str = "SuperSecretPart";

fn sandbox_with_key() -> TestSandbox {
    TestSandbox::with(|b| b.rate_limit(RateLimit::Off).api_key(KeyConfig::new(KEY)))
}

fn assert_clean(output: &std::process::Output, what: &str) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(!all.contains(SECRET_PART), "{what} leaked the key:\n{all}");
}

#[test]
fn the_key_is_never_printed_on_success_failure_or_verbose_logs() {
    let sandbox = sandbox_with_key();
    let dir = tempfile::tempdir().unwrap();
    let text = ["send", "text", "--to", "923001234567", "--text", "hi"];

    for (what, verbose, fault) in [
        ("success", false, None),
        ("verbose success", true, None),
        ("a 502", true, Some(Fault::Status(502))),
        ("an HTML error page", true, Some(Fault::HtmlError)),
        ("a malformed answer", true, Some(Fault::MalformedJson)),
    ] {
        if let Some(f) = fault {
            sandbox.running().inject(FaultRule::next(1, f));
        }
        let mut cmd = sandbox.wasphere(dir.path());
        cmd.env("WASPHERE_API_KEY", KEY).args(text);
        if verbose {
            cmd.args(["-v"]).env("WASPHERE_LOG", "trace");
        }
        let output = cmd.output().unwrap();
        assert_clean(&output, what);
        if verbose {
            assert!(!stderr(&output).is_empty(), "{what}: -v logs something");
        }
    }

    // A wrong key is refused (401) without being echoed.
    let wrong = "wsk_test_Zq8SuperSecretPartWRONG";
    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", wrong)
        .args(text)
        .args(["-v", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_clean(&output, "a 401");

    // A malformed key is refused before anything is sent, without being echoed.
    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", "sk_live_SuperSecretPart")
        .args(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("starts with `wsk_`"),
        "{}",
        stderr(&output)
    );
    assert_clean(&output, "a malformed key");
}

#[test]
fn api_key_flag_works_but_warns() {
    let sandbox = sandbox_with_key();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_API_KEY")
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--api-key",
            KEY,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("process list"),
        "{}",
        stderr(&output)
    );
    assert_clean(&output, "--api-key");
}

#[test]
fn api_key_file_is_read_and_never_quoted() {
    let sandbox = sandbox_with_key();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key.txt");
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_API_KEY")
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--api-key-file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "no warning for a key file");

    std::fs::write(&file, "Bearer wsk_test_SuperSecretPart\n").unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--api-key-file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_clean(&output, "a bad key file");
}

#[test]
fn the_key_in_a_profile_is_shown_redacted() {
    let sandbox = sandbox_with_key();
    let dir = tempfile::tempdir().unwrap();
    let set = common::wasphere(dir.path())
        .args(["config", "set", "api-key", "-"])
        .write_stdin(format!("{KEY}\n"))
        .output()
        .unwrap();
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    assert_clean(&set, "config set");
    for args in [
        vec!["config", "get", "api-key"],
        vec!["config", "list"],
        vec!["config", "list", "-o", "json"],
    ] {
        let output = common::wasphere(dir.path()).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            stdout(&output).contains("wsk_test_…"),
            "{args:?}: {}",
            stdout(&output)
        );
        assert_clean(&output, "config get/list");
    }
    // And it is used from there by send.
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_API_KEY")
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(stdout(&output).contains("Bearer wsk_test_…"));
    assert_clean(&output, "dry run with a profile key");
}

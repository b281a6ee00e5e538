//! `wasphere config` with a private config directory, and the order in which settings
//! are taken: flags, then environment, then profile.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, stdout, wasphere};
use serde_json::Value;
use wasphere_sandbox::{DEFAULT_WORKSPACE, RateLimit};

fn config(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    wasphere(dir).arg("config").args(args).output().unwrap()
}

#[test]
fn set_get_list_unset_with_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let ok = |o: &std::process::Output| assert_eq!(o.status.code(), Some(0), "{}", stderr(o));

    ok(&config(
        dir.path(),
        &["set", "base-url", "https://api.example.com/"],
    ));
    ok(&config(
        dir.path(),
        &["set", "session", "support", "--profile", "staging"],
    ));
    let got = config(dir.path(), &["get", "base-url"]);
    ok(&got);
    assert_eq!(stdout(&got), "https://api.example.com\n");

    let list = config(dir.path(), &["list", "-o", "json"]);
    let list: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(list["profile"], "default");
    assert_eq!(list["settings"]["base-url"], "https://api.example.com");
    assert_eq!(list["profiles"], serde_json::json!(["default", "staging"]));

    let staging = config(dir.path(), &["get", "session", "--profile", "staging"]);
    assert_eq!(stdout(&staging), "support\n");
    // Not set in the default profile: exit 1 and say how to set it.
    let missing = config(dir.path(), &["get", "session"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("config set session"));

    ok(&config(dir.path(), &["unset", "base-url"]));
    assert_eq!(
        config(dir.path(), &["get", "base-url"]).status.code(),
        Some(1)
    );
    // Unsetting again is not an error.
    ok(&config(dir.path(), &["unset", "base-url"]));

    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(text.contains("[profiles.staging]"), "{text}");
    assert!(
        !text.contains("[profiles.default]"),
        "empty profiles are dropped: {text}"
    );
}

#[cfg(unix)]
#[test]
fn the_file_is_created_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("new/dir");
    let output = config(&nested, &["set", "workspace", DEFAULT_WORKSPACE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&nested.join("config.toml")), 0o600);
    assert_eq!(mode(&nested), 0o700);
    // Rewriting keeps it private.
    config(&nested, &["set", "session", "s2"]);
    assert_eq!(mode(&nested.join("config.toml")), 0o600);
}

#[cfg(unix)]
#[test]
fn a_key_in_a_world_readable_file_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[profiles.default]\napi-key = \"wsk_test_sandbox\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_API_KEY")
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("chmod 600"), "{}", stderr(&output));
}

#[test]
fn bad_values_are_refused_with_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    for (key, value, expect) in [
        ("workspace", "not-a-uuid", "UUID"),
        ("session", "has space", "1 to 64"),
        ("base-url", "ftp://x.io", "http"),
        ("api-key", "sk_live_x", "wsk_"),
    ] {
        let output = config(dir.path(), &["set", key, value]);
        assert_eq!(output.status.code(), Some(2), "{key}");
        assert!(
            stderr(&output).contains(expect),
            "{key}: {}",
            stderr(&output)
        );
    }
    assert!(
        !dir.path().join("config.toml").exists(),
        "nothing was written"
    );

    std::fs::write(
        dir.path().join("config.toml"),
        "[profiles.default]\nbase_url = \"x\"\n",
    )
    .unwrap();
    let output = config(dir.path(), &["list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("base_url"), "{}", stderr(&output));
}

#[test]
fn flags_beat_environment_beat_profile() {
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(RateLimit::Off)
            .session("from-profile")
            .session("from-env")
            .session("from-flag")
    });
    let dir = tempfile::tempdir().unwrap();
    for (k, v) in [
        ("base-url", sandbox.base_url()),
        ("api-key", "wsk_test_sandbox".to_owned()),
        ("workspace", DEFAULT_WORKSPACE.to_owned()),
        ("session", "from-profile".to_owned()),
    ] {
        let mut cmd = wasphere(dir.path());
        cmd.args(["config", "set", k]);
        if k == "api-key" {
            cmd.arg("-").write_stdin(v);
        } else {
            cmd.arg(v);
        }
        assert_eq!(cmd.output().unwrap().status.code(), Some(0));
    }
    let send = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = wasphere(dir.path());
        cmd.args(["send", "text", "--to", "923001234567", "--text", "hi"]);
        if let Some(s) = env {
            cmd.env("WASPHERE_SESSION", s);
        }
        if let Some(s) = flag {
            cmd.args(["--session", s]);
        }
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    send(None, None);
    send(Some("from-env"), None);
    send(Some("from-env"), Some("from-flag"));
    let sessions: Vec<String> = sandbox
        .running()
        .messages()
        .into_iter()
        .map(|m| m.session)
        .collect();
    assert_eq!(sessions, ["from-profile", "from-env", "from-flag"]);

    // A named profile that does not exist is an error, not a silent fallback.
    let output = wasphere(dir.path())
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--profile",
            "prod",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no profile \"prod\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_file_is_not_read_when_flags_and_environment_say_everything() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "this is not toml [").unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Once a setting must come from it, the broken file is reported with its position.
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_SESSION")
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("line 1"), "{}", stderr(&output));
}

/// Issue 12, item 11: `config set base-url http://example.com` was accepted, then every
/// send refused it.
#[test]
fn a_base_url_that_send_would_refuse_is_refused_when_set() {
    let dir = tempfile::tempdir().unwrap();
    let output = config(dir.path(), &["set", "base-url", "http://example.com"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("--allow-insecure-http"), "{err}");
    assert!(!dir.path().join("config.toml").exists(), "nothing saved");
    let output = config(dir.path(), &["set", "base-url", "http://127.0.0.1:8080"]);
    assert_eq!(output.status.code(), Some(0));
}

/// Issue 12, item 11: `--profile nosuch config list` showed an empty profile, while `send`
/// said it did not exist. Both say it does not exist.
#[test]
fn a_missing_profile_is_missing_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        config(dir.path(), &["set", "session", "s", "--profile", "staging"])
            .status
            .code(),
        Some(0)
    );
    let send = wasphere(dir.path())
        .args([
            "--profile",
            "nosuch",
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
        ])
        .output()
        .unwrap();
    let send_err = String::from_utf8_lossy(&send.stderr).into_owned();
    for args in [
        vec!["list"],
        vec!["get", "session"],
        vec!["unset", "session"],
    ] {
        let mut args = args.clone();
        args.extend(["--profile", "nosuch"]);
        let output = config(dir.path(), &args);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), send.status.code(), "{args:?}: {err}");
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(err, send_err, "{args:?}: the same words as send");
        assert!(
            err.contains("there is no profile \"nosuch\"") && err.contains("staging"),
            "{err}"
        );
    }
    // The default profile, never written, is simply empty.
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(config(fresh.path(), &["list"]).status.code(), Some(0));
}

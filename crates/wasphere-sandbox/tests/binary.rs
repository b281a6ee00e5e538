//! The `wasphere-sandbox` binary prints where it listens first, then serves.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn prints_its_url_first_and_serves_the_documented_defaults() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasphere-sandbox"))
        .args(["--rate-limit", "off"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.strip_prefix("listening on ").unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    let rest: Vec<String> = lines.by_ref().take(4).map(Result::unwrap).collect();
    assert!(
        rest[0].contains(wasphere_sandbox::DEFAULT_WORKSPACE),
        "{rest:?}"
    );
    assert!(
        rest[1].contains(wasphere_sandbox::DEFAULT_SESSION),
        "{rest:?}"
    );
    assert!(
        rest[2].contains(wasphere_sandbox::DEFAULT_API_KEY),
        "{rest:?}"
    );
    assert!(rest[3].contains("off"), "{rest:?}");

    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!(
            "{base}/workspaces/{}/proxy/api/sessions/{}/messages/text",
            wasphere_sandbox::DEFAULT_WORKSPACE,
            wasphere_sandbox::DEFAULT_SESSION
        ))
        .bearer_auth(wasphere_sandbox::DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body(wasphere_types::documented_example(
            wasphere_types::MessageType::Text,
        ))
        .send()
        .await
        .unwrap();
    let status = response.status();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 201);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_wasphere-sandbox"))
        .args(["--rate-limit", "lots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid rate limit") && stderr.contains("usage:"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_webhook_needs_its_secret_from_the_environment() {
    let output = Command::new(env!("CARGO_BIN_EXE_wasphere-sandbox"))
        .args(["--webhook", "http://127.0.0.1:9/hook"])
        .env_remove("WASPHERE_WEBHOOK_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("WASPHERE_WEBHOOK_SECRET"), "{stderr}");
}

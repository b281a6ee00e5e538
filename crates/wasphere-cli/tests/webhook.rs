//! `webhook verify` and `webhook listen`, alone and as a pair, and the sandbox's signed
//! replies arriving at `listen`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{ChildGuard, TestSandbox, stderr, stdout, wasphere};
use serde_json::{Value, json};
use wasphere_types::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSecret, sign};

const SECRET: &str = "whsec_cli_test_secret";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn event_body() -> String {
    json!({
        "event": "message.received",
        "sessionId": "my-session",
        "timestamp": "2026-11-24T10:00:00Z",
        "deliveryId": "0123456789abcdef0123456789abcdef",
        "data": {
            "messageId": "ABC", "from": "923001234567@s.whatsapp.net", "type": "conversation",
            "content": {"text": "Option A", "selectionId": "btn1", "interactiveKind": "button_reply"}
        }
    })
    .to_string()
}

fn verify(body: &str, ts: &str, sig: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    wasphere(dir.path())
        .env("WH_SECRET", SECRET)
        .args([
            "webhook",
            "verify",
            "--secret-env",
            "WH_SECRET",
            "--timestamp",
            ts,
            "--signature",
            sig,
        ])
        .write_stdin(body.to_owned())
        .output()
        .unwrap()
}

#[test]
fn verify_accepts_an_authentic_delivery_and_prints_it() {
    let body = event_body();
    let ts = now();
    let sig = sign(&WebhookSecret::new(SECRET), ts, body.as_bytes());
    let output = verify(&body, &ts.to_string(), &sig);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(printed, serde_json::from_str::<Value>(&body).unwrap());
    assert!(
        stderr(&output).contains("selected btn1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_refuses_forgeries_with_exit_3_and_the_reason() {
    let body = event_body();
    let ts = now();
    let sig = sign(&WebhookSecret::new(SECRET), ts, body.as_bytes());
    let tampered = body.replace("btn1", "btn2");
    let old = ts - 301;
    let old_sig = sign(&WebhookSecret::new(SECRET), old, body.as_bytes());
    let wrong_secret = sign(&WebhookSecret::new("other"), ts, body.as_bytes());
    for (what, body, ts, sig, reason) in [
        (
            "a changed body",
            tampered.as_str(),
            ts.to_string(),
            sig.clone(),
            "does not match",
        ),
        (
            "a wrong secret",
            body.as_str(),
            ts.to_string(),
            wrong_secret,
            "does not match",
        ),
        ("a replay", body.as_str(), old.to_string(), old_sig, "old"),
        (
            "garbage",
            body.as_str(),
            ts.to_string(),
            "nonsense".to_owned(),
            "malformed",
        ),
    ] {
        let output = verify(body, &ts, &sig);
        assert_eq!(output.status.code(), Some(3), "{what}");
        assert!(
            stderr(&output).contains(reason),
            "{what}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains(SECRET), "{what}");
        assert_eq!(stdout(&output), "", "{what}: nothing printed as verified");
    }
}

#[test]
fn verify_usage_problems_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // The secret variable is not set.
    let output = wasphere(dir.path())
        .args([
            "webhook",
            "verify",
            "--secret-env",
            "NOPE_NOT_SET",
            "--timestamp",
            "1",
            "--signature",
            "x",
        ])
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("NOPE_NOT_SET"));
    // Authentic, but not an event.
    let ts = now();
    let body = r#"{"hello":"world"}"#;
    let sig = sign(&WebhookSecret::new(SECRET), ts, body.as_bytes());
    let output = verify(body, &ts.to_string(), &sig);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    // --secret-file, with the editor's newline.
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let body = event_body();
    let sig = sign(&WebhookSecret::new(SECRET), ts, body.as_bytes());
    let output = wasphere(dir.path())
        .args(["webhook", "verify", "--secret-file"])
        .arg(&file)
        .args(["--timestamp", &ts.to_string(), "--signature", &sig])
        .write_stdin(body)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Starts `webhook listen` on a free port; returns the child and its base URL.
fn listen(dir: &std::path::Path, count: u64) -> (ChildGuard, String) {
    common::listen(dir, SECRET, &["--count", &count.to_string()])
}

#[test]
fn listen_and_verify_agree() {
    let dir = tempfile::tempdir().unwrap();
    let (mut guard, url) = listen(dir.path(), 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let post = |body: String, ts: String, sig: String| {
        runtime.block_on(async {
            http.post(format!("{url}/hooks/wasphere"))
                .header(TIMESTAMP_HEADER, ts)
                .header(SIGNATURE_HEADER, sig)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    let body = event_body();
    let ts = now();
    let sig = sign(&WebhookSecret::new(SECRET), ts, body.as_bytes());

    // A forgery first: 401, and listen keeps going.
    let forged = sign(&WebhookSecret::new("attacker"), ts, body.as_bytes());
    assert_eq!(post(body.clone(), ts.to_string(), forged), 401);
    assert_eq!(post(body.clone(), ts.to_string(), sig.clone()), 200);

    let status = guard.wait_for_exit(Duration::from_secs(20));
    assert!(status.success(), "--count 1 ends listen with 0");
    let mut printed = String::new();
    std::io::Read::read_to_string(guard.child().stdout.as_mut().unwrap(), &mut printed).unwrap();
    assert_eq!(
        printed.lines().count(),
        1,
        "only the authentic delivery: {printed}"
    );

    // What listen printed is what verify prints for the same delivery.
    let verified = verify(&body, &ts.to_string(), &sig);
    assert_eq!(verified.status.code(), Some(0));
    assert_eq!(stdout(&verified), printed);
}

#[test]
fn sandbox_replies_reach_listen_signed() {
    let dir = tempfile::tempdir().unwrap();
    // message.sent for the buttons message, then message.received for the tap.
    let (mut guard, url) = listen(dir.path(), 2);
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(wasphere_sandbox::RateLimit::Off)
            .webhook(format!("{url}/hook"), WebhookSecret::new(SECRET))
    });
    let sent = sandbox
        .wasphere(dir.path())
        .args([
            "send",
            "buttons",
            "--to",
            "923001234567",
            "--text",
            "Choose:",
            "--footer",
            "WaSphere",
        ])
        .args(["--button", "btn1=Option A", "--button", "btn2=Option B"])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    let message_id = stdout(&sent).trim().to_owned();
    let answer = sandbox.runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/__sandbox/simulate/reply", sandbox.base_url()))
            .bearer_auth(wasphere_sandbox::DEFAULT_API_KEY)
            .json(&json!({"messageId": message_id, "buttonId": "btn2"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(answer.is_success());
    let status = guard.wait_for_exit(Duration::from_secs(30));
    assert!(status.success());
    let mut printed = String::new();
    std::io::Read::read_to_string(guard.child().stdout.as_mut().unwrap(), &mut printed).unwrap();
    let events: Vec<Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let received = events
        .iter()
        .find(|e| e["event"] == "message.received")
        .unwrap_or_else(|| panic!("no message.received in {printed}"));
    assert_eq!(received["data"]["content"]["selectionId"], "btn2");
    assert_eq!(
        received["data"]["content"]["interactiveKind"],
        "button_reply"
    );
}

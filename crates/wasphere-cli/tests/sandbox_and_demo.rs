//! `wasphere sandbox` as a child process, and `wasphere demo`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{ChildGuard, first_line_with, stderr, stdout, wasphere, wasphere_child};
use serde_json::Value;
use wasphere_types::MessageType;

#[test]
fn demo_sends_all_14_types_and_verifies_both_replies_and_the_statuses() {
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
    assert!(out.contains(": sent -> delivered -> read"), "{out}");
    assert!(
        out.contains("14 of 14 messages delivered, 14 read"),
        "{out}"
    );
    // The campaign part: 20 rows, one number not on WhatsApp, then `campaign status` with
    // the delivery statuses the webhooks brought back.
    assert!(
        out.contains("sent 19, failed 1 (the number not on WhatsApp: 422)"),
        "{out}"
    );
    assert!(
        out.contains("$ wasphere campaign status campaign.db"),
        "{out}"
    );
    assert!(out.contains("delivery: delivered 19 (read 19"), "{out}");
    assert!(
        out.contains("line 15: 923009999999 failed (invalid)"),
        "{out}"
    );

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
    // 14 message.sent, 2 message.received and 28 statuses, each signature checked.
    assert!(v["webhooksVerified"].as_u64().unwrap() >= 44);
    assert_eq!(
        v["statuses"],
        serde_json::json!({"delivered": 14, "read": 14})
    );
    assert_eq!(v["campaign"]["rows"], 20);
    assert_eq!(v["campaign"]["byState"]["sent"], 19);
    assert_eq!(v["campaign"]["byState"]["failed"], 1);
    assert_eq!(v["campaign"]["delivery"]["read"], 19);
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

    let send = |session: &str| send_hi(dir.path(), &base, session);
    assert_eq!(send("main").status.code(), Some(0));
    assert_eq!(send("old").status.code(), Some(6));
    assert_eq!(
        send("my-session").status.code(),
        Some(4),
        "only the sessions asked for"
    );

    guard.terminate();
    let status = guard.wait_for_exit(Duration::from_secs(30));
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
}

/// `GET path` on a local server, as plain HTTP/1.1; the body of the answer.
/// `wasphere send text` of "hi" to the sandbox at `base`, with its default key, on `session`.
fn send_hi(dir: &std::path::Path, base: &str, session: &str) -> std::process::Output {
    wasphere(dir)
        .env("WASPHERE_BASE_URL", base)
        .env("WASPHERE_API_KEY", "wsk_test_sandbox")
        .env("WASPHERE_WORKSPACE", "00000000-0000-4000-8000-000000000000")
        .env("WASPHERE_SESSION", session)
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap()
}

fn get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer wsk_test_sandbox\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

#[test]
fn sandbox_prints_where_its_api_reference_and_openapi_document_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut guard = ChildGuard(Some(
        wasphere_child(dir.path())
            .args(["sandbox", "--addr", "127.0.0.1:0"])
            .spawn()
            .unwrap(),
    ));
    let stderr_pipe = guard.child().stderr.take().unwrap();
    let (line, _rest) = first_line_with(stderr_pipe, "docs: ", Duration::from_secs(20));
    let (docs, document) = line
        .trim_start_matches("docs: ")
        .trim_end_matches(')')
        .split_once(" (the OpenAPI 3.1 document: ")
        .unwrap();
    let (base, path) = docs.split_at(docs.rfind('/').unwrap());
    assert_eq!(path, "/docs");
    assert!(get(base, path).contains("<h1>WaSphere messages API</h1>"));
    assert_eq!(document, format!("{base}/openapi.json"));
    let served: Value = serde_json::from_str(&get(base, "/openapi.json")).unwrap();
    assert_eq!(served["openapi"], "3.1.0");
    guard.terminate();
    guard.wait_for_exit(Duration::from_secs(30));
}

#[test]
fn sandbox_with_no_record_counts_but_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut guard = ChildGuard(Some(
        wasphere_child(dir.path())
            .args(["sandbox", "--addr", "127.0.0.1:0", "--rate-limit", "off"])
            .arg("--no-record")
            .spawn()
            .unwrap(),
    ));
    let stdout_pipe = guard.child().stdout.take().unwrap();
    let (first, _rest) = first_line_with(stdout_pipe, "", Duration::from_secs(20));
    let base = first.trim_start_matches("listening on ").to_owned();
    let sent = send_hi(dir.path(), &base, "my-session");
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    let stats: Value = serde_json::from_str(&get(&base, "/__sandbox/stats")).unwrap();
    assert_eq!(stats["statusCounts"]["201"], 1, "{stats}");
    let messages: Value = serde_json::from_str(&get(&base, "/__sandbox/messages")).unwrap();
    assert_eq!(messages, serde_json::json!([]), "nothing kept");
    guard.terminate();
    guard.wait_for_exit(Duration::from_secs(30));
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

/// Issue 12, item 6: `--addr 0.0.0.0:0` printed `http://0.0.0.0:PORT`, which the CLI then
/// refused, and `--addr localhost:0` was refused as invalid syntax.
#[test]
fn sandbox_addresses_print_a_usable_url_and_say_when_the_network_can_reach_them() {
    let dir = tempfile::tempdir().unwrap();
    for (addr, reachable) in [("0.0.0.0:0", true), ("localhost:0", false)] {
        let mut guard = ChildGuard(Some(
            wasphere_child(dir.path())
                .args(["sandbox", "--addr", addr, "--rate-limit", "off"])
                .spawn()
                .unwrap(),
        ));
        let stdout_pipe = guard.child().stdout.take().unwrap();
        let stderr_pipe = guard.child().stderr.take().unwrap();
        let (first, _rest) = first_line_with(stdout_pipe, "", Duration::from_secs(20));
        let base = first.trim_start_matches("listening on ").to_owned();
        assert!(
            base.starts_with("http://127.0.0.1:") || base.starts_with("http://[::1]:"),
            "{addr}: {first}"
        );
        let (status, rest) = first_line_with(stderr_pipe, "sessions:", Duration::from_secs(20));
        assert!(status.contains("/__sandbox"), "{status}");
        let sent = send_hi(dir.path(), &base, "my-session");
        assert_eq!(sent.status.code(), Some(0), "{addr}: {}", stderr(&sent));
        guard.terminate();
        guard.wait_for_exit(Duration::from_secs(30));
        // The child has exited: read its stderr to the end.
        let mut later = Vec::new();
        while let Ok(line) = rest.recv_timeout(Duration::from_secs(30)) {
            later.push(line);
        }
        let warned = later
            .iter()
            .any(|l| l.contains("warning") && l.contains("anyone who can reach this machine"));
        assert_eq!(warned, reachable, "{addr}: {later:?}");
    }
}

//! `wasphere send` against a sandbox over TCP: the 14 documented bodies, flags, the
//! recipient notice, validation before any request, and `--dry-run`.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, stdout, write_examples};
use serde_json::Value;
use wasphere_types::{MessageType, documented_example};

#[test]
fn the_14_documented_examples_are_sent_as_they_are_with_json() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for (t, path) in write_examples(dir.path()) {
        let output = sandbox
            .wasphere(dir.path())
            .args(["send", t.as_str(), "--json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{t}: {}", stderr(&output));
        let id = stdout(&output).trim().to_owned();
        assert_eq!(id.len(), 20, "{t}: a messageId on stdout, got {id:?}");
        assert_eq!(stderr(&output), "", "{t}: nothing to say on success");
        ids.push(id);
    }
    let received = sandbox.running().messages();
    assert_eq!(received.len(), 14);
    for (m, t) in received.iter().zip(MessageType::ALL) {
        assert_eq!(m.message_type, t);
        let expected: Value = serde_json::from_str(documented_example(t)).unwrap();
        assert_eq!(m.body, expected, "{t}: the body arrives unchanged");
    }
    let answered: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(answered, ids);
}

#[test]
fn json_from_stdin_and_json_output() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "poll", "--json", "-", "--output", "json"])
        .write_stdin(documented_example(MessageType::Poll))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["status"], "sent");
    assert_eq!(
        answer["messageId"],
        sandbox.running().messages()[0].message_id.as_str()
    );
}

#[test]
fn flags_build_each_type() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let to = ["--to", "923001234567"];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "text",
            vec![
                "--text",
                "Hello *there*",
                "--quoted-id",
                "3EB0C767D097B7C7A5C1",
            ],
        ),
        (
            "image",
            vec!["--url", "https://yourcdn.com/p.jpg", "--caption", "A photo"],
        ),
        ("video", vec!["--url", "https://yourcdn.com/v.mp4"]),
        (
            "audio",
            vec!["--url", "https://yourcdn.com/a.ogg", "--voice-note"],
        ),
        (
            "document",
            vec![
                "--url",
                "https://yourcdn.com/f.pdf",
                "--file-name",
                "invoice.pdf",
            ],
        ),
        (
            "gif",
            vec!["--url", "https://yourcdn.com/c.mp4", "--caption", "Yay"],
        ),
        ("sticker", vec!["--url", "https://yourcdn.com/s.png"]),
        (
            "location",
            vec![
                "--latitude",
                "-33.8688",
                "--longitude",
                "151.2093",
                "--name",
                "Sydney",
            ],
        ),
        (
            "contact",
            vec![
                "--display-name",
                "John Doe",
                "--phone-number",
                "+923001234567",
            ],
        ),
        (
            "poll",
            vec![
                "--name",
                "Lunch?",
                "--option",
                "Pizza",
                "--option",
                "Sushi",
                "--selectable-count",
                "2",
            ],
        ),
        (
            "buttons",
            vec![
                "--text", "Choose:", "--footer", "WaSphere", "--button", "yes=Yes", "--button",
                "no=No",
            ],
        ),
        (
            "list",
            vec![
                "--title",
                "Plans",
                "--text",
                "Pick one",
                "--button-text",
                "View",
                "--section",
                "Paid",
                "--row",
                "pro=Pro=Full access",
                "--section",
                "Free",
                "--row",
                "free=Free",
            ],
        ),
        ("view-once", vec!["--url", "https://yourcdn.com/otp.jpg"]),
        (
            "reaction",
            vec![
                "--message-id",
                "3EB0C767D097B7C7A5C1",
                "--emoji",
                "❤️",
                "--from-me",
            ],
        ),
    ];
    for (t, flags) in &cases {
        let output = sandbox
            .wasphere(dir.path())
            .args(["send", t])
            .args(to)
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{t}: {}", stderr(&output));
    }
    let got = sandbox.running().messages();
    assert_eq!(got.len(), 14);
    let body = |i: usize| &got[i].body;
    assert_eq!(body(0)["quotedId"], "3EB0C767D097B7C7A5C1");
    assert_eq!(body(3)["isVoiceNote"], true);
    assert_eq!(body(4)["mimetype"], "application/pdf");
    assert_eq!(body(4)["fileName"], "invoice.pdf");
    assert_eq!(body(7)["latitude"], -33.8688);
    assert_eq!(body(9)["selectableCount"], 2);
    assert_eq!(body(10)["buttons"][1]["id"], "no");
    assert_eq!(
        body(11)["sections"][0]["rows"][0]["description"],
        "Full access"
    );
    assert_eq!(body(11)["sections"][1]["rows"][0]["id"], "free");
    assert_eq!(body(13)["fromMe"], true);
}

#[test]
fn a_typed_phone_number_is_normalised_with_a_notice() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "text", "--to", "+92 300 1234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let notice = stderr(&output);
    assert_eq!(notice.lines().count(), 1, "one line: {notice}");
    assert!(notice.contains("923001234567") && notice.contains("removed the leading +"));
    assert_eq!(sandbox.running().messages()[0].body["to"], "923001234567");
}

#[test]
fn invalid_messages_list_every_violation_and_send_nothing() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let long_footer = "f".repeat(61);
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "buttons", "--to", "923001234567", "--text", ""])
        .args(["--footer", &long_footer])
        .args(["--button", "a-very-long-button-id=Yes", "--button", "b=No"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("3 problems"), "{err}");
    assert!(err.contains("text [notEmpty]"), "{err}");
    assert!(err.contains("footer [maxLength 60, found 61]"), "{err}");
    assert!(
        err.contains("buttons[0].id [maxLength 20, found 21]"),
        "{err}"
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(sandbox.running().requests_seen(), 0, "nothing was sent");

    // The same as JSON on stderr, one object with every violation.
    let output = sandbox
        .wasphere(dir.path())
        .args(["-o", "json", "send", "text", "--to", "12", "--text", ""])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err: Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert_eq!(err["error"]["kind"], "invalid");
    let paths: Vec<&str> = err["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["to", "text"]);
    assert_eq!(sandbox.running().requests_seen(), 0);
}

#[test]
fn json_bodies_with_unknown_fields_are_refused_before_sending() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "document", "--json", "-"])
        .write_stdin(r#"{"to":"923001234567","url":"https://a.io/x.pdf","filename":"x.pdf","mimetype":"application/pdf"}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("filename [unknownField]"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sandbox.running().requests_seen(), 0);
}

#[test]
fn no_validate_lets_the_server_judge() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    // A repeated poll option breaks only this tool's stricter rule: the server takes it.
    let output = sandbox
        .wasphere(dir.path())
        .args(["send", "poll", "--to", "923001234567", "--name", "Q"])
        .args(["--option", "Yes", "--option", "Yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = sandbox
        .wasphere(dir.path())
        .args([
            "send",
            "poll",
            "--to",
            "923001234567",
            "--name",
            "Q",
            "--no-validate",
        ])
        .args(["--option", "Yes", "--option", "Yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn dry_run_prints_the_request_with_the_key_redacted_and_sends_nothing() {
    let key = "wsk_test_DryRunSecret0123456789";
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", key)
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
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let expected_url = format!(
        "POST {}/workspaces/00000000-0000-4000-8000-000000000000/proxy/api/sessions/my-session/messages/text",
        sandbox.base_url()
    );
    assert_eq!(out.lines().next(), Some(expected_url.as_str()));
    assert!(out.contains("Authorization: Bearer wsk_test_…"), "{out}");
    assert!(out.contains("Content-Type: application/json"));
    assert!(out.contains("\"text\": \"hi\""));
    assert!(!out.contains("DryRunSecret") && !stderr(&output).contains("DryRunSecret"));
    assert_eq!(sandbox.running().requests_seen(), 0);

    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", key)
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "hi",
            "--dry-run",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let dry: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(dry["headers"]["Authorization"], "Bearer wsk_test_…");
    assert_eq!(dry["body"]["to"], "923001234567");
    assert!(!stdout(&output).contains("DryRunSecret"));
}

#[test]
fn missing_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::wasphere(dir.path())
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("no base-url is set"), "{err}");
    assert!(err.contains("WASPHERE_BASE_URL"), "{err}");

    // Without a key and without a terminal to ask on, say where a key can come from.
    let sandbox = TestSandbox::start();
    let output = sandbox
        .wasphere(dir.path())
        .env_remove("WASPHERE_API_KEY")
        .args(["send", "text", "--to", "923001234567", "--text", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no API key is set"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("--api-key-file"));
    assert_eq!(sandbox.running().requests_seen(), 0);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["send", "text", "--to", "923001234567"],
        vec!["send", "carrier-pigeon", "--to", "1"],
        vec![
            "send",
            "buttons",
            "--to",
            "1",
            "--text",
            "t",
            "--footer",
            "f",
            "--button",
            "no-equals",
        ],
        vec!["send", "text", "--json", "x.json", "--text", "both"],
    ] {
        let output = common::wasphere(dir.path()).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains("error"), "{args:?}");
    }
    let output = common::wasphere(dir.path())
        .args(["send", "text", "--to", "1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err: Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("--text"));
}

#[test]
fn to_overrides_and_completes_a_json_template() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    for (template, to) in [
        (
            documented_example(MessageType::Text).to_owned(),
            "447700900123",
        ),
        (
            r#"{"text":"Your code is 123456"}"#.to_owned(),
            "+1 212 555 0100",
        ),
    ] {
        let output = sandbox
            .wasphere(dir.path())
            .args(["send", "text", "--json", "-", "--to", to])
            .write_stdin(template)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let to: Vec<String> = sandbox
        .running()
        .messages()
        .iter()
        .map(|m| m.body["to"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(to, ["447700900123", "12125550100"]);
}

//! `wasphere message edit|delete|read`, `wasphere typing`, `wasphere presence` and
//! `send text --reply-to` against a sandbox over TCP: success (seen in the sandbox's
//! record), every rule at its boundary (snapshots of the errors, for people and as JSON),
//! a bad message id, the Meta provider's 501, 401 and 429, each with its exit code.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSandbox, stderr, stdout};
use serde_json::{Value, json};
use wasphere_sandbox::{DEFAULT_SESSION, RateLimit};
use wasphere_types::MessageOperation;

const ID: &str = "3EB0C767D097B7C7A5C1";
const TO: &str = "923001234567";

/// `wasphere ARGS` against `sandbox`: exit code, stdout, stderr.
fn run(sandbox: &TestSandbox, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox.wasphere(dir.path()).args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        stdout(&output),
        stderr(&output),
    )
}

fn done(sandbox: &TestSandbox) -> Vec<(MessageOperation, Value)> {
    sandbox
        .running()
        .operations()
        .into_iter()
        .filter(|op| !op.by_server)
        .map(|op| (op.operation, op.body))
        .collect()
}

#[test]
fn each_operation_is_done_and_prints_its_answer() {
    let sandbox = TestSandbox::start();
    let (code, edit_id, err) = run(
        &sandbox,
        &[
            "message",
            "edit",
            ID,
            "--to",
            TO,
            "--text",
            "Ships *Tuesday*",
        ],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(edit_id.trim().len(), 20, "the id of the edit: {edit_id}");
    assert_eq!(
        run(
            &sandbox,
            &["message", "delete", ID, "--to", "+92 300 1234567"]
        )
        .1,
        "deleted\n"
    );
    assert_eq!(
        run(
            &sandbox,
            &["message", "read", "--to", TO, ID, "3EB0C767D097B7C7A5C2"]
        )
        .1,
        "read\n"
    );
    assert_eq!(run(&sandbox, &["typing", "--to", TO]).1, "typing\n");
    assert_eq!(
        run(
            &sandbox,
            &["typing", "--to", "120363025246125486@g.us", "--group"]
        )
        .1,
        "typing\n"
    );
    assert_eq!(
        run(&sandbox, &["presence", "--to", TO, "recording"]).1,
        "recording\n"
    );
    assert_eq!(
        done(&sandbox),
        [
            (
                MessageOperation::Edit,
                json!({"to": TO, "text": "Ships *Tuesday*"})
            ),
            (
                MessageOperation::Delete,
                json!({"to": TO, "forEveryone": true})
            ),
            (
                MessageOperation::MarkRead,
                json!({"to": TO, "messageIds": [ID, "3EB0C767D097B7C7A5C2"]})
            ),
            (MessageOperation::Typing, json!({"to": TO})),
            (
                MessageOperation::Typing,
                json!({"to": "120363025246125486@g.us", "isGroup": true})
            ),
            (
                MessageOperation::Presence,
                json!({"to": TO, "presence": "recording"})
            ),
        ]
    );
    let recorded = sandbox.running().operations();
    assert_eq!(recorded[0].answer_id.as_deref(), Some(edit_id.trim()));
    assert_eq!(recorded[1].message_id.as_deref(), Some(ID));
}

#[test]
fn json_output_is_the_answer() {
    let sandbox = TestSandbox::start();
    let (code, out, _) = run(
        &sandbox,
        &[
            "message", "edit", ID, "--to", TO, "--text", "x", "-o", "json",
        ],
    );
    assert_eq!(code, 0);
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["status"], "edited");
    let (_, out, _) = run(
        &sandbox,
        &["message", "delete", ID, "--to", TO, "--output", "json"],
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"status": "deleted"})
    );
    let (_, out, _) = run(&sandbox, &["presence", "--to", TO, "paused", "-o", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"status": "paused"})
    );
}

#[test]
fn reply_to_is_quoted_id() {
    let sandbox = TestSandbox::start();
    for flag in ["--reply-to", "--quoted-id"] {
        let (code, _, err) = run(
            &sandbox,
            &["send", "text", "--to", TO, flag, ID, "--text", "Yes"],
        );
        assert_eq!(code, 0, "{err}");
    }
    let bodies: Vec<Value> = sandbox
        .running()
        .messages()
        .into_iter()
        .map(|m| m.body)
        .collect();
    let expected = json!({"to": TO, "text": "Yes", "quotedId": ID});
    assert_eq!(bodies, [expected.clone(), expected]);
}

#[test]
fn dry_runs_show_each_request_and_send_nothing() {
    let sandbox = TestSandbox::start();
    let base = format!(
        "{}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages",
        sandbox.base_url(),
        sandbox.running().workspace()
    );
    let cases: [(&[&str], &str, String, Value); 5] = [
        (
            &["message", "edit", ID, "--to", TO, "--text", "x"],
            "POST",
            format!("{base}/{ID}/edit"),
            json!({"to": TO, "text": "x"}),
        ),
        (
            &["message", "delete", ID, "--to", TO],
            "DELETE",
            format!("{base}/{ID}?to={TO}&forEveryone=true"),
            Value::Null,
        ),
        (
            &["message", "read", "--to", TO, ID],
            "POST",
            format!("{base}/read"),
            json!({"to": TO, "messageIds": [ID]}),
        ),
        (
            &["typing", "--to", TO, "--group"],
            "POST",
            format!("{base}/typing"),
            json!({"to": TO, "isGroup": true}),
        ),
        (
            &["presence", "--to", TO, "composing"],
            "POST",
            format!("{base}/presence"),
            json!({"to": TO, "presence": "composing"}),
        ),
    ];
    for (args, method, url, body) in cases {
        let mut args = args.to_vec();
        args.extend(["--dry-run", "-o", "json"]);
        let (code, out, err) = run(&sandbox, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let shown: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            (shown["method"].as_str(), shown["url"].as_str()),
            (Some(method), Some(url.as_str())),
            "{args:?}"
        );
        assert_eq!(shown["body"], body, "{args:?}");
        assert_eq!(shown["headers"]["Authorization"], "Bearer wsk_test_…");
    }
    let (_, out, _) = run(
        &sandbox,
        &[
            "message",
            "edit",
            ID,
            "--to",
            TO,
            "--text",
            "x",
            "--dry-run",
        ],
    );
    assert!(
        out.starts_with(&format!("POST {base}/{ID}/edit\n")),
        "{out}"
    );
    assert!(
        out.ends_with("{\n  \"to\": \"923001234567\",\n  \"text\": \"x\"\n}\n"),
        "{out}"
    );
    assert_eq!(sandbox.running().requests_seen(), 0);
}

/// Each case breaks rules at their boundary (one past the limit); the answer lists every
/// violation, for people and as JSON, and nothing is sent.
#[test]
fn every_rule_at_its_boundary_is_refused_with_exit_2() {
    let sandbox = TestSandbox::start();
    let jid_41 = format!("{}@s.whatsapp.net", "1".repeat(26));
    // ASCII: one argument may hold at most 128 KiB.
    let long_text = "x".repeat(65_537);
    let long_id = "a".repeat(101);
    let ids_101: Vec<String> = (0..101).map(|i| format!("A{i}")).collect();
    let mut read_101: Vec<&str> = vec!["message", "read", "--to", TO];
    read_101.extend(ids_101.iter().map(String::as_str));
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "edit",
            vec![
                "message", "edit", &long_id, "--to", &jid_41, "--text", &long_text,
            ],
        ),
        (
            "edit_empty",
            vec!["message", "edit", "3EB0/../x", "--to", "", "--text", ""],
        ),
        (
            "delete",
            vec!["message", "delete", "3EB0 C767", "--to", "CALL-ME"],
        ),
        (
            "read",
            vec!["message", "read", "--to", TO, &long_id, "not an id", ""],
        ),
        ("read_101", read_101),
        ("typing", vec!["typing", "--to", &jid_41, "--group"]),
        ("presence", vec!["presence", "--to", "", "paused"]),
    ];
    for (name, args) in cases {
        let (code, out, human) = run(&sandbox, &args);
        assert_eq!((code, out.as_str()), (2, ""), "{name}: {human}");
        let mut json_args = args.clone();
        json_args.extend(["-o", "json"]);
        let (code, _, json) = run(&sandbox, &json_args);
        assert_eq!(code, 2);
        let json: Value = serde_json::from_str(&json).unwrap();
        // The human text is long where a value is: keep its first line of each problem.
        let human: Vec<String> = human
            .lines()
            .map(|l| l.chars().take(200).collect())
            .collect();
        insta::assert_json_snapshot!(
            format!("refused_{name}"),
            json!({"human": human, "json": json})
        );
    }
    assert_eq!(sandbox.running().requests_seen(), 0);
}

#[test]
fn a_bad_presence_is_a_usage_error_naming_the_five() {
    let sandbox = TestSandbox::start();
    let (code, _, err) = run(&sandbox, &["presence", "--to", TO, "online"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("available, unavailable, composing, recording, paused"),
        "{err}"
    );
}

#[test]
fn a_meta_session_refuses_with_exit_6_and_says_why() {
    let sandbox = TestSandbox::with(|b| b.rate_limit(RateLimit::Off).meta_session(DEFAULT_SESSION));
    for args in [
        vec!["message", "edit", ID, "--to", TO, "--text", "x"],
        vec!["message", "delete", ID, "--to", TO],
        vec!["typing", "--to", TO],
        vec!["presence", "--to", TO, "available"],
    ] {
        let mut json_args = args.clone();
        json_args.extend(["-o", "json"]);
        let (code, _, err) = run(&sandbox, &json_args);
        assert_eq!(code, 6, "{args:?}: {err}");
        let err: Value = serde_json::from_str(&err).unwrap();
        assert_eq!(err["error"]["kind"], "server");
        assert_eq!(err["error"]["status"], 501);
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("the session's provider does not support"),
            "{message}"
        );
        assert!(
            err["error"]["hint"].as_str().unwrap().contains("provider"),
            "{err}"
        );
    }
    // Mark read works on Meta, and says so in Meta's word.
    assert_eq!(
        run(&sandbox, &["message", "read", "--to", TO, ID]).1,
        "ok\n"
    );
}

#[test]
fn a_refused_key_is_exit_3_and_a_full_window_exit_5() {
    let sandbox = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let output = sandbox
        .wasphere(dir.path())
        .env("WASPHERE_API_KEY", "wsk_test_not-the-right-one")
        .args(["message", "delete", ID, "--to", TO])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        !stderr(&output).contains("not-the-right-one"),
        "{}",
        stderr(&output)
    );

    let sandbox = TestSandbox::with(|b| b.rate_limit("1/60s".parse().unwrap()));
    assert_eq!(run(&sandbox, &["typing", "--to", TO]).0, 0);
    let (code, _, err) = run(
        &sandbox,
        &["message", "read", "--to", TO, ID, "--max-wait", "5s"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("429"), "{err}");
}

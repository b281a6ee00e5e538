//! The commands that need no server: `validate` and `schema`.

#![allow(clippy::unwrap_used)]

mod common;

use common::{stderr, stdout, wasphere, write_examples};
use serde_json::Value;
use wasphere_types::{MessageType, documented_example};

#[test]
fn every_documented_example_validates_by_file_name_and_by_type() {
    let dir = tempfile::tempdir().unwrap();
    for (t, path) in write_examples(dir.path()) {
        let output = wasphere(dir.path())
            .arg("validate")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{t}: {}", stderr(&output));
        assert_eq!(stdout(&output), format!("valid {t} message\n"));
        let output = wasphere(dir.path())
            .args(["validate", "--type", t.as_str(), "-"])
            .write_stdin(documented_example(t))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{t} from stdin");
    }
}

#[test]
fn the_type_is_inferred_from_the_fields() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .args(["validate", "-", "-o", "json"])
        .write_stdin(documented_example(MessageType::List))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(v["types"], serde_json::json!(["list"]));

    // image, video, gif and view-once share their fields.
    let output = wasphere(dir.path())
        .args(["validate", "-"])
        .write_stdin(documented_example(MessageType::Image))
        .output()
        .unwrap();
    assert_eq!(
        stdout(&output),
        "valid as any of: image, video, gif, view-once\n"
    );

    let output = wasphere(dir.path())
        .args(["validate", "-"])
        .write_stdin(r#"{"to":"923001234567","colour":"red"}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--type"), "{}", stderr(&output));
}

#[test]
fn every_violation_is_listed_with_path_rule_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let body = serde_json::json!({
        "to": "+923001234567",
        "title": "t".repeat(61),
        "text": "",
        "buttonText": "Open",
        "sections": [{"title": "S", "rows": [{"id": "a", "title": "A"}, {"id": "a", "title": "B", "description": "d".repeat(73)}]}]
    });
    let output = wasphere(dir.path())
        .args(["validate", "--type", "list", "-"])
        .write_stdin(body.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    for expected in [
        "5 problems",
        "to [format]",
        "title [maxLength 60, found 61]",
        "text [notEmpty]",
        "sections[0].rows[1].id [unique]",
        "sections[0].rows[1].description [maxLength 72, found 73]",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }

    let output = wasphere(dir.path())
        .args(["validate", "--type", "list", "-", "--output", "json"])
        .write_stdin(body.to_string())
        .output()
        .unwrap();
    let err: Value = serde_json::from_str(&stderr(&output)).unwrap();
    let v = &err["error"]["violations"][1];
    assert_eq!(v["path"], "title");
    assert_eq!(v["rule"], "maxLength");
    assert_eq!(v["limit"], 60);
    assert_eq!(v["actual"], 61);
    assert_eq!(v["origin"], "server");
}

#[test]
fn only_client_side_problems_are_said_to_be_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .args(["validate", "--type", "poll", "-"])
        .write_stdin(r#"{"to":"923001234567","name":"Q","options":["Yes","Yes"]}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("server would accept"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unreadable_and_malformed_input() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .args(["validate", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("missing.json"));
    let output = wasphere(dir.path())
        .args(["validate", "--type", "text", "-"])
        .write_stdin("{\"to\": ")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalidJson"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn schema_of_one_type_and_of_all() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .args(["schema", "buttons"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let schema: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(schema["title"], "buttons");
    assert_eq!(schema["properties"]["buttons"]["maxItems"], 3);

    let output = wasphere(dir.path())
        .args(["schema", "webhook-event"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));

    let output = wasphere(dir.path())
        .args(["schema", "carrier-pigeon"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("view-once"), "lists the names");

    let output = wasphere(dir.path())
        .args(["schema", "--all"])
        .output()
        .unwrap();
    let all: Value = serde_json::from_str(&stdout(&output)).unwrap();
    // The 14 types, their answer, errors and webhooks, and 5 operations with their answers.
    assert_eq!(all.as_object().unwrap().len(), 27);
    assert_eq!(
        all["mark-read"]["properties"]["messageIds"]["maxItems"],
        100
    );
    assert!(all["delete-message-response"].is_object());
}

#[test]
fn schema_files_are_the_committed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let output = wasphere(dir.path())
        .args(["schema", "--all", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 27);
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas");
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let ours = std::fs::read_to_string(&path).unwrap();
        let theirs = std::fs::read_to_string(committed.join(name)).unwrap();
        assert_eq!(ours, theirs, "{name:?} differs from docs/schemas");
    }
}

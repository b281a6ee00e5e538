//! Issue 9, part 1, as a new user meets it: `wasphere validate` on a wrong body names
//! every problem at once, with the field meant, for people and as JSON.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{stderr, stdout, wasphere};
use serde_json::Value;

const DOCUMENT: &str =
    r#"{"to":"923001234567","url":"https://x.com/a.pdf","filename":"a.pdf","caption":"Q3"}"#;
const CONTACT: &str = r#"{"to":"923001234567","name":"Bob","phone":"123"}"#;

/// `wasphere validate -t TYPE FILE [ARGS]`: exit code, stdout and stderr.
fn validate(
    dir: &Path,
    slug: &str,
    file: &str,
    body: &str,
    args: &[&str],
) -> (i32, String, String) {
    std::fs::write(dir.join(file), body).unwrap();
    let output = wasphere(dir)
        .current_dir(dir)
        .args(["validate", "-t", slug, file])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        stdout(&output),
        stderr(&output),
    )
}

#[test]
fn the_issues_examples_list_every_problem_with_the_field_meant() {
    let dir = tempfile::tempdir().unwrap();
    for (slug, file, body, lines) in [
        (
            "document",
            "d.json",
            DOCUMENT,
            [
                "  - filename [unknownField]: `filename` is not a field of document; did you mean `fileName`?",
                "  - caption [unknownField]: `caption` is not a field of document, whose fields are `to`, `url`, `fileName` and `mimetype`",
                "  - fileName [required]: `fileName` is required",
                "  - mimetype [required]: `mimetype` is required",
            ],
        ),
        (
            "contact",
            "c.json",
            CONTACT,
            [
                "  - name [unknownField]: `name` is not a field of contact; did you mean `displayName`?",
                "  - phone [unknownField]: `phone` is not a field of contact; did you mean `phoneNumber`?",
                "  - displayName [required]: `displayName` is required",
                "  - phoneNumber [required]: `phoneNumber` is required",
            ],
        ),
    ] {
        let (code, out, err) = validate(dir.path(), slug, file, body, &[]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(out, "");
        for line in lines {
            assert!(err.lines().any(|l| l == line), "missing {line:?} in\n{err}");
        }
        insta::assert_snapshot!(format!("{slug}_human"), err);
    }
}

#[test]
fn json_output_carries_each_suggestion_as_its_own_field() {
    let dir = tempfile::tempdir().unwrap();
    for (slug, file, body, expected) in [
        (
            "document",
            "d.json",
            DOCUMENT,
            [
                ("filename", "unknownField", Some("fileName")),
                ("caption", "unknownField", None),
                ("fileName", "required", None),
                ("mimetype", "required", None),
            ],
        ),
        (
            "contact",
            "c.json",
            CONTACT,
            [
                ("name", "unknownField", Some("displayName")),
                ("phone", "unknownField", Some("phoneNumber")),
                ("displayName", "required", None),
                ("phoneNumber", "required", None),
            ],
        ),
    ] {
        let (code, out, err) = validate(dir.path(), slug, file, body, &["-o", "json"]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(out, "");
        let answer: Value = serde_json::from_str(&err).unwrap();
        let found: Vec<(&str, &str, Option<&str>)> = answer["error"]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["path"].as_str().unwrap(),
                    v["rule"].as_str().unwrap(),
                    v.get("suggestion").map(|s| s.as_str().unwrap()),
                )
            })
            .collect();
        assert_eq!(found, expected, "{slug}");
        insta::assert_json_snapshot!(format!("{slug}_json"), answer);
    }
}

#[test]
fn broken_json_says_where_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = validate(
        dir.path(),
        "text",
        "t.json",
        "{\"to\":\"1\",\n\"text\":}",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("the body is not valid JSON: expected a value, found `}` at line 2, column 8"),
        "{err}"
    );
}

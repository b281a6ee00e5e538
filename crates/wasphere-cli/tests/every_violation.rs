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

struct Case {
    slug: &'static str,
    file: &'static str,
    body: &'static str,
    /// Lines the human output must hold.
    lines: [&'static str; 4],
    /// Path, rule and suggestion of each violation in the JSON output.
    json: [(&'static str, &'static str, Option<&'static str>); 4],
}

const CASES: [Case; 2] = [
    Case {
        slug: "document",
        file: "d.json",
        body: DOCUMENT,
        lines: [
            "  - filename [unknownField]: `filename` is not a field of document; did you mean `fileName`?",
            "  - caption [unknownField]: `caption` is not a field of document, whose fields are `to`, `url`, `fileName` and `mimetype`",
            "  - fileName [required]: `fileName` is required",
            "  - mimetype [required]: `mimetype` is required",
        ],
        json: [
            ("filename", "unknownField", Some("fileName")),
            ("caption", "unknownField", None),
            ("fileName", "required", None),
            ("mimetype", "required", None),
        ],
    },
    Case {
        slug: "contact",
        file: "c.json",
        body: CONTACT,
        lines: [
            "  - name [unknownField]: `name` is not a field of contact; did you mean `displayName`?",
            "  - phone [unknownField]: `phone` is not a field of contact; did you mean `phoneNumber`?",
            "  - displayName [required]: `displayName` is required",
            "  - phoneNumber [required]: `phoneNumber` is required",
        ],
        json: [
            ("name", "unknownField", Some("displayName")),
            ("phone", "unknownField", Some("phoneNumber")),
            ("displayName", "required", None),
            ("phoneNumber", "required", None),
        ],
    },
];

#[test]
fn the_issues_examples_list_every_problem_with_the_field_meant() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let (code, out, err) = validate(dir.path(), case.slug, case.file, case.body, &[]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        for line in case.lines {
            assert!(err.lines().any(|l| l == line), "missing {line:?} in\n{err}");
        }
        insta::assert_snapshot!(format!("{}_human", case.slug), err);
    }
}

#[test]
fn json_output_carries_each_suggestion_as_its_own_field() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let (code, out, err) =
            validate(dir.path(), case.slug, case.file, case.body, &["-o", "json"]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
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
        assert_eq!(found, case.json, "{}", case.slug);
        insta::assert_json_snapshot!(format!("{}_json", case.slug), answer);
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

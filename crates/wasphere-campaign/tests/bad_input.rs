//! Bad input gets a clear error naming the row, field and rule: never a panic, a hang or
//! lost data.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use wasphere_campaign::{
    Campaign, CampaignSource, Check, Finding, JournalError, RowState, SourceError, SourceFile,
    SqliteJournal, Template, TemplateError,
};
use wasphere_types::MessageType;

fn findings(
    file: &SourceFile,
) -> Result<(wasphere_campaign::CheckSummary, Vec<String>), SourceError> {
    let template = template();
    let mut found = Vec::new();
    let summary = Check::new(&template).run(file.rows()?, |f| match f {
        Finding::Invalid(report) => found.push(report.to_string()),
        other => found.push(format!("{other:?}")),
    })?;
    Ok((summary, found))
}

#[test]
fn an_empty_file_says_it_needs_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(dir.path(), "empty.csv", "")).unwrap();
    let err = findings(&file).unwrap_err();
    assert!(matches!(err, SourceError::Empty { .. }));
    assert!(err.to_string().contains("needs a header line"), "{err}");
}

#[test]
fn a_header_alone_is_zero_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = SourceFile::new(write(
        dir.path(),
        "h.csv",
        "\u{feff}phoneNumber,firstName\r\n",
    ))
    .unwrap();
    let (summary, found) = findings(&file).unwrap();
    assert_eq!((summary.rows, summary.to_send), (0, 0));
    assert!(found.is_empty());
}

#[test]
fn uneven_rows_and_bad_bytes_are_named_by_line_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        b"phoneNumber,firstName\n923001234567,A\n923001234568\n923001234569,B,extra\n".to_vec();
    bytes.extend_from_slice(b"923001234570,\xff\xfe\n923001234571,C\n");
    let file = SourceFile::new(write(dir.path(), "u.csv", bytes)).unwrap();
    let (summary, found) = findings(&file).unwrap();
    assert_eq!((summary.rows, summary.valid, summary.invalid), (5, 2, 3));
    assert_eq!(
        found,
        [
            "line 3: the row has 1 cell but the header has 2 columns (phoneNumber, firstName)",
            "line 4: the row has 3 cells but the header has 2 columns (phoneNumber, firstName)",
            "line 5: the row column \"firstName\" is not valid UTF-8 (byte 1 of the cell): save the file as UTF-8",
        ]
    );
}

#[test]
fn a_50_mb_cell_is_one_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("phoneNumber,firstName\n923001234567,");
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    text.push_str("\n923001234568,Fine\n");
    let file = SourceFile::new(write(dir.path(), "big.csv", text)).unwrap();
    let (summary, found) = findings(&file).unwrap();
    assert_eq!((summary.rows, summary.valid, summary.invalid), (2, 1, 1));
    assert!(
        found[0].starts_with("line 2: the row is 50 MiB, more than the 16 MiB"),
        "{}",
        found[0]
    );

    // In JSON Lines too, without keeping the line.
    let mut jsonl = String::from("{\"phoneNumber\": \"923001234567\", \"firstName\": \"");
    jsonl.push_str(&"y".repeat(50 * 1024 * 1024));
    jsonl.push_str("\"}\n{\"phoneNumber\": \"923001234568\", \"firstName\": \"Fine\"}\n");
    let file = SourceFile::new(write(dir.path(), "big.jsonl", jsonl)).unwrap();
    let (summary, found) = findings(&file).unwrap();
    assert_eq!((summary.rows, summary.valid), (2, 1));
    assert!(
        found[0].starts_with("line 1: the row is 50 MiB"),
        "{}",
        found[0]
    );
}

#[test]
fn a_row_lacking_a_column_is_an_error_for_that_row() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"phoneNumber\": \"923001234567\", \"firstName\": \"A\"}\n{\"phoneNumber\": \"923001234568\"}\n";
    let file = SourceFile::new(write(dir.path(), "r.jsonl", jsonl)).unwrap();
    let (summary, found) = findings(&file).unwrap();
    assert_eq!((summary.valid, summary.invalid), (1, 1));
    assert!(
        found[0].starts_with(
            "line 2: `text` uses the column `firstName`, which this row does not have"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn templates_that_are_not_json_objects_are_refused_before_any_row() {
    for (text, expected) in [
        (
            "{\"to\": \"{{ p }}\", \"text\": }",
            "the template is not valid JSON (line 1, column 27): expected value",
        ),
        (
            "\"just text\"",
            "the template must be a JSON object (a request body), not a string",
        ),
        ("{\"text\": \"hi\"}", "the template has no `to`"),
        (
            "{\"to\": \"{{ p \", \"text\": \"x\"}",
            "the placeholder in `to` is not valid",
        ),
    ] {
        let err: TemplateError = Template::new(MessageType::Text, text).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{text}: {err}");
    }
}

#[tokio::test]
async fn a_journal_that_is_not_a_journal_is_refused_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let db = write(
        dir.path(),
        "campaign.db",
        "SQLite format 3\0 but not really",
    );
    let err = SqliteJournal::open(&db).unwrap_err();
    assert!(matches!(err, JournalError::NotAJournal { .. }), "{err}");
}

#[tokio::test]
async fn invalid_rows_are_recorded_and_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "phoneNumber,firstName\n923001234567,A\nnot a number,B\n";
    let file = SourceFile::new(write(dir.path(), "r.csv", csv)).unwrap();
    let sandbox = sandbox(unlimited()).await;
    let journal = SqliteJournal::open(dir.path().join("c.db")).unwrap();
    let (campaign, events) = recording(Campaign::new(template()).key(default_key(&sandbox)));
    let report = campaign
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert_eq!(report.counts.get(RowState::Invalid), 1);
    assert_eq!(report.sent, 1);
    assert_eq!(sandbox.messages().len(), 1);
    let events = events.lock().unwrap();
    let invalid: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            wasphere_campaign::Event::Invalid(report) => Some(report.line),
            _ => None,
        })
        .collect();
    assert_eq!(invalid, [3]);
}

//! The scenario over real TCP: 200 rows with 3 invalid, 2 duplicates and 1 number
//! not on WhatsApp. `check` names exactly those rows; the run sends every valid distinct
//! row once, records the 422 as failed, and the export says so row by row.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use wasphere_campaign::{
    Campaign, CampaignSource, Check, ExportFormat, Finding, Journal, RowState, SourceFile,
    SqliteJournal, export,
};

const UNREACHABLE: usize = 33;

/// 200 data rows (lines 2 to 201). Line 10 has a number too short, line 50 a text too
/// long, line 120 letters for a number; line 80 repeats line 5's number as people type it,
/// line 150 repeats line 6's as is; the number on line 35 is not on WhatsApp.
fn rows() -> String {
    let mut csv = String::from("phoneNumber,firstName\n");
    for i in 0..200 {
        let line = i + 2;
        let (number, name) = match line {
            10 => ("12".to_owned(), "Short".to_owned()),
            50 => (phone(i), "x".repeat(70_000)),
            120 => ("call me".to_owned(), "Letters".to_owned()),
            80 => ("+92 300-0000003".to_owned(), "Again".to_owned()),
            150 => (phone(4), "Again".to_owned()),
            _ => (phone(i), format!("Customer {i}")),
        };
        csv.push_str(&format!("{number},\"{name}\"\n"));
    }
    csv
}

#[tokio::test]
async fn check_run_and_export_agree_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "customers.csv", rows());
    let file = SourceFile::new(&path).unwrap();

    // check: exactly the three invalid rows and the two duplicates.
    let template = template();
    let mut invalid = BTreeMap::new();
    let mut duplicates = BTreeMap::new();
    let mut changed = Vec::new();
    let summary = Check::new(&template)
        .run(file.rows().unwrap(), |finding| match finding {
            Finding::Invalid(report) => {
                let paths: Vec<String> = report
                    .problems
                    .iter()
                    .map(|p| format!("{} {}", p.path(), p.rule_name()))
                    .collect();
                invalid.insert(report.line, paths);
            }
            Finding::Duplicate {
                line, first_line, ..
            } => {
                duplicates.insert(line, first_line);
            }
            Finding::RecipientChanged { line, .. } => changed.push(line),
            other => panic!("{other:?}"),
        })
        .unwrap();
    assert_eq!(
        invalid,
        BTreeMap::from([
            (10, vec!["to format".to_owned()]),
            (50, vec!["text maxLength".to_owned()]),
            (120, vec!["to format".to_owned()]),
        ])
    );
    assert_eq!(duplicates, BTreeMap::from([(80, 5), (150, 6)]));
    assert_eq!(changed, [80]);
    assert_eq!(
        (
            summary.rows,
            summary.valid,
            summary.invalid,
            summary.duplicates,
            summary.to_send
        ),
        (200, 197, 3, 2, 195)
    );

    // run: every valid distinct row once; the unreachable one failed with its 422.
    let sandbox = sandbox(unlimited().unreachable(phone(UNREACHABLE))).await;
    let journal = SqliteJournal::open(dir.path().join("campaign.db")).unwrap();
    let campaign = Campaign::new(template).key(default_key(&sandbox));
    let report = campaign
        .run(&journal, Some(CampaignSource::file(&file).unwrap()))
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed, report.unknown), (194, 1, 0));
    assert!(report.is_finished());
    assert!(!report.all_sent());
    let counts = &report.counts;
    assert_eq!(counts.get(RowState::Sent), 194);
    assert_eq!(counts.get(RowState::Failed), 1);
    assert_eq!(counts.get(RowState::Invalid), 3);
    assert_eq!(counts.get(RowState::Skipped), 2);
    assert_eq!(counts.by_class.get("invalid"), Some(&1));

    let received = received(&sandbox);
    assert_eq!(received.len(), 194);
    assert!(
        received.values().all(|n| *n == 1),
        "a recipient got two messages"
    );
    assert!(!received.contains_key(&phone(UNREACHABLE)));
    let accepted_ids: BTreeMap<String, String> = sandbox
        .messages()
        .into_iter()
        .map(|m| (m.body["to"].as_str().unwrap().to_owned(), m.message_id))
        .collect();

    // export: one line per row, matching the journal and the sandbox.
    let mut out = Vec::new();
    let written = export(&journal, ExportFormat::Csv, &mut out).await.unwrap();
    assert_eq!(written, 200);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "line",
            "recipient",
            "state",
            "session",
            "messageId",
            "errorClass",
            "errorMessage",
            "delivery"
        ]
    );
    let mut states = BTreeMap::new();
    let mut lines = BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let line: u64 = record[0].parse().unwrap();
        lines.insert(line);
        *states.entry(record[2].to_owned()).or_insert(0) += 1;
        match &record[2] {
            "sent" => assert_eq!(Some(&record[4].to_owned()), accepted_ids.get(&record[1])),
            "failed" => {
                assert_eq!(&record[1], phone(UNREACHABLE));
                assert_eq!(&record[5], "invalid");
                assert!(record[6].contains("422"), "{}", &record[6]);
            }
            "invalid" => assert!([10, 50, 120].contains(&line)),
            "skipped" => assert_eq!(
                &record[6],
                if line == 80 {
                    "duplicate of line 5"
                } else {
                    "duplicate of line 6"
                }
            ),
            other => panic!("line {line}: {other}"),
        }
    }
    assert_eq!(lines, (2..=201).collect());
    assert_eq!(
        states,
        BTreeMap::from([
            ("failed".to_owned(), 1),
            ("invalid".to_owned(), 3),
            ("sent".to_owned(), 194),
            ("skipped".to_owned(), 2)
        ])
    );
    let secret_free = String::from_utf8(out).unwrap();
    assert!(!secret_free.contains(wasphere_sandbox::DEFAULT_API_KEY));

    // Running it again changes nothing: every row is done.
    let again = campaign.run(&journal, None).await.unwrap();
    assert_eq!((again.sent, again.failed), (0, 0));
    assert_eq!(sandbox.messages().len(), 194);
    assert_eq!(journal.counts().await.unwrap(), report.counts);
}

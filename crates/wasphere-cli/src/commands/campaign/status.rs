//! `wasphere campaign status`: where a campaign stands, while it runs or after.

use serde_json::{Value, json};
use wasphere_campaign::journal::{CampaignRecord, Counts, JournalRow, RowFilter};
use wasphere_campaign::{Journal, RowState, SqliteJournal};

use super::location::JournalLocation;
use super::progress::short;
use crate::campaign_flags::CampaignStatusArgs;
use crate::failure::Failure;
use crate::output::Output;

pub(super) fn run(args: &CampaignStatusArgs, out: &Output) -> Result<(), Failure> {
    let location = JournalLocation::of(&args.journal)?;
    let runtime = crate::commands::runtime(false)?;
    let shown = location.shown();
    match location {
        JournalLocation::File(path) => {
            let journal = SqliteJournal::open_observer(&path).map_err(super::journal_failure)?;
            runtime.block_on(show(&journal, &shown, args.failures, out))
        }
        #[cfg(feature = "postgres")]
        JournalLocation::Postgres(url) => runtime.block_on(async {
            let journal = super::location::postgres_observer(&url).await?;
            show(&journal, &shown, args.failures, out).await
        }),
    }
}

/// Prints where the campaign of `journal` stands.
pub(super) async fn show<J: Journal>(
    journal: &J,
    path: &std::path::Path,
    failures: usize,
    out: &Output,
) -> Result<(), Failure> {
    let record = super::stored_campaign(journal, path).await?;
    let (counts, failures) = async {
        let counts = journal.counts().await?;
        let mut listed = Vec::new();
        for state in [RowState::Failed, RowState::Unknown] {
            listed.extend(journal.rows(0, failures, RowFilter::State(state)).await?);
        }
        Ok::<_, wasphere_campaign::JournalError>((counts, listed))
    }
    .await
    .map_err(super::journal_failure)?;
    let left = counts.get(RowState::Pending) + counts.get(RowState::Sending);
    let remaining = record.settings.plan().estimate(left);
    if out.is_json() {
        out.json(&report_json(&record, &counts, &failures, remaining));
    } else {
        print_report(&record, &counts, &failures, remaining, out);
    }
    Ok(())
}

fn report_json(
    record: &CampaignRecord,
    counts: &Counts,
    failures: &[JournalRow],
    remaining: Option<std::time::Duration>,
) -> Value {
    json!({
        "messageType": record.message_type.as_str(),
        "source": record.source_name,
        "importComplete": record.import_complete,
        "rows": counts.total(),
        "byState": counts.by_state.iter().map(|(s, n)| (s.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "byClass": counts.by_class,
        "delivery": counts.by_delivery,
        "failures": failures,
        "remainingSeconds": remaining.map(|d| d.as_secs_f64()),
    })
}

fn print_report(
    record: &CampaignRecord,
    counts: &Counts,
    failures: &[JournalRow],
    remaining: Option<std::time::Duration>,
    out: &Output,
) {
    out.line(&format!(
        "{} campaign from {}: {} rows{}",
        record.message_type,
        record
            .source_name
            .as_deref()
            .unwrap_or("rows given by a program"),
        counts.total(),
        if record.import_complete {
            ""
        } else {
            " (import not finished)"
        }
    ));
    for state in RowState::ALL {
        let n = counts.get(state);
        if n > 0 || matches!(state, RowState::Pending | RowState::Sent) {
            out.line(&format!("  {:<8} {n:>8}", state.as_str()));
        }
    }
    if !counts.by_class.is_empty() {
        let classes: Vec<String> = counts
            .by_class
            .iter()
            .map(|(class, n)| format!("{class} {n}"))
            .collect();
        out.line(&format!(
            "  failed or unknown by class: {}",
            classes.join(", ")
        ));
    }
    let d = &counts.by_delivery;
    if d.any() {
        out.line(&format!(
            "  delivery: delivered {} (read {}, played {}), acknowledged only {}, failed {}",
            d.delivered + d.read + d.played,
            d.read + d.played,
            d.played,
            d.sent,
            d.failed
        ));
    }
    if !failures.is_empty() {
        out.line("  first failures:");
        for row in failures {
            out.line(&format!(
                "    line {}: {} {} ({}): {}",
                row.line,
                row.recipient,
                row.state,
                row.error_class.as_deref().unwrap_or("-"),
                row.error_message.as_deref().unwrap_or("")
            ));
        }
    }
    let left = counts.get(RowState::Pending) + counts.get(RowState::Sending);
    if left > 0 {
        let eta = remaining.map_or("no limit: as fast as the server answers".to_owned(), |d| {
            format!("about {} at {}", short(d), limits(record))
        });
        out.line(&format!("  {left} rows left: {eta}"));
    }
}

/// `60/1m smooth` for the journal's keys.
fn limits(record: &CampaignRecord) -> String {
    let keys: Vec<String> = record
        .settings
        .keys
        .iter()
        .map(|k| k.rate_limit.to_string())
        .collect();
    format!("{} {}", keys.join(" + "), record.settings.pacing)
}

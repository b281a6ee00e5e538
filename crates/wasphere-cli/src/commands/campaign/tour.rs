//! The campaign part of `wasphere demo`: 20 rows, one of them a number that is not on
//! WhatsApp, sent through the demo's sandbox with the progress a real run shows, then the
//! delivery statuses the sandbox reports recorded into the journal, and `campaign status`.

use std::path::PathBuf;
use std::time::Duration;

use wasphere_campaign::journal::Counts;
use wasphere_campaign::{
    Campaign, CampaignKey, CampaignSource, Journal, Pacing, RowState, SourceFile, SqliteJournal,
    Template,
};
use wasphere_client::Client;
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RunningSandbox};
use wasphere_types::webhook::DeliveryStatus;
use wasphere_types::{MessageType, RateLimit};

use crate::failure::Failure;
use crate::output::Output;
use crate::webhook_receiver::{Delivery, RunningReceiver};

/// The number of the tour that is not on WhatsApp.
pub(crate) const UNREACHABLE: &str = "923009999999";
const ROWS: usize = 20;
/// How long the read statuses of the tour's messages may take.
const STATUSES_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the tour's campaign on `sandbox`, recording the statuses `receiver` gets; returns
/// the journal's counts. For people it shows the run's progress and `campaign status`;
/// with `--output json` it shows nothing (the demo puts the counts in its one document).
pub(crate) async fn tour(
    sandbox: &RunningSandbox,
    receiver: &mut RunningReceiver,
    out: &Output,
) -> Result<Counts, Failure> {
    let dir = TempDir::new()?;
    let rows = dir.0.join("customers.csv");
    let mut csv = String::from("phoneNumber,firstName\n");
    for i in 0..ROWS {
        let number = if i == 13 {
            UNREACHABLE.to_owned()
        } else {
            format!("92300{:07}", 1000 + i)
        };
        csv.push_str(&format!("{number},Customer {}\n", i + 1));
    }
    std::fs::write(&rows, csv)
        .map_err(|e| Failure::other(format!("cannot write the tour's rows: {e}")))?;
    let template = Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
    )
    .map_err(|e| Failure::other(e.to_string()))?;
    let key = CampaignKey::new(
        Client::builder()
            .base_url(sandbox.base_url())
            .api_key(
                DEFAULT_API_KEY
                    .parse()
                    .map_err(|e| Failure::other(format!("{e}")))?,
            )
            .workspace(sandbox.workspace()),
        [DEFAULT_SESSION
            .parse()
            .map_err(|e| Failure::other(format!("{e}")))?],
    )
    .rate_limit(RateLimit::Window {
        max: 10,
        window: Duration::from_secs(1),
    })
    .safety_margin(Duration::from_millis(20));
    let campaign = Campaign::new(template).pacing(Pacing::Smooth).key(key);
    let journal_path = dir.0.join("campaign.db");
    let journal = SqliteJournal::open(&journal_path).map_err(super::journal_failure)?;
    let file = SourceFile::new(&rows).map_err(|e| Failure::other(e.to_string()))?;
    let source = CampaignSource::file(&file).map_err(|e| Failure::other(e.to_string()))?;
    if !out.is_json() {
        out.line(&format!(
            "\nA campaign: {ROWS} rows of customers.csv (one number, {UNREACHABLE}, is not on WhatsApp), at 10 per second:"
        ));
    }
    let report = if out.is_json() {
        campaign
            .run(&journal, Some(source))
            .await
            .map_err(super::campaign_failure)?
    } else {
        super::run::drive_async(campaign, &journal, Some(source), &journal_path, out).await?
    };
    let sent: Vec<String> = journal
        .rows(
            0,
            ROWS,
            wasphere_campaign::journal::RowFilter::State(RowState::Sent),
        )
        .await
        .map_err(super::journal_failure)?
        .into_iter()
        .filter_map(|r| r.message_id)
        .collect();
    record_statuses(&journal, receiver, &sent).await?;
    if !out.is_json() {
        out.line(&format!(
            "sent {}, failed {} (the number not on WhatsApp: 422); delivery statuses recorded from the webhooks\n\n$ wasphere campaign status campaign.db",
            report.sent, report.failed
        ));
        super::status::show(&journal, &journal_path, 5, out).await?;
    }
    journal.counts().await.map_err(super::journal_failure)
}

/// Records every delivery status for `sent` until each is read (or a timeout).
async fn record_statuses(
    journal: &SqliteJournal,
    receiver: &mut RunningReceiver,
    sent: &[String],
) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::now() + STATUSES_TIMEOUT;
    let mut read = std::collections::HashSet::new();
    while read.len() < sent.len() {
        let Ok(delivery) = tokio::time::timeout_at(deadline, receiver.deliveries.recv()).await
        else {
            break;
        };
        let Some(Delivery::Verified { event, .. }) = delivery else {
            continue;
        };
        for event in event.events().unwrap_or_default() {
            if let Some(status) = event.status() {
                journal
                    .record_delivery(&status.message_id, status.status)
                    .await
                    .map_err(super::journal_failure)?;
                if status.status == DeliveryStatus::Read && sent.contains(&status.message_id) {
                    read.insert(status.message_id.clone());
                }
            }
        }
    }
    Ok(())
}

/// A directory removed when the tour ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, Failure> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("wasphere-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| Failure::other(format!("cannot create {}: {e}", path.display())))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

//! `wasphere webhook listen`: verify every delivery to a local address and print each
//! authentic event as one line of JSON, or, with `--forward-to`, pass it on to your app
//! and print one summary line per event with the app's answer.

use wasphere_campaign::{Journal, JournalError, SqliteJournal};
use wasphere_types::webhook::{DeliveryStatus, EventData, WebhookEvent};

use super::campaign::location::JournalLocation;
use crate::cli::WebhookListenArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::webhook_receiver::{self, Delivery};
use crate::{secret_source, shutdown};

/// Serves until Ctrl-C, SIGTERM, or `--count` verified events.
pub(crate) fn run(args: &WebhookListenArgs, out: &Output) -> Result<(), Failure> {
    let secret = secret_source::load(&args.secret)?;
    let forward_to = match &args.forward_to {
        Some(url) => Some(
            url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| {
                    Failure::invalid(format!("--forward-to {url:?} is not an http(s) URL"))
                })?,
        ),
        None => None,
    };
    let journal = match &args.journal {
        Some(arg) => Some(JournalLocation::of(arg)?),
        None => None,
    };
    super::runtime(false)?.block_on(async {
        let journal = match journal {
            Some(location) => Some(StatusJournal::open(location).await?),
            None => None,
        };
        let mut receiver = webhook_receiver::start(args.addr, secret, forward_to.clone()).await?;
        match &forward_to {
            Some(url) => out.status(&format!(
                "listening on http://{}, forwarding to {url}",
                receiver.addr
            )),
            None => out.status(&format!("listening on http://{}", receiver.addr)),
        }
        let mut verified = 0u64;
        let stop = shutdown::signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                delivery = receiver.deliveries.recv() => match delivery {
                    Some(Delivery::Verified { line, forwarded: None, event }) => {
                        record_statuses(journal.as_ref(), &event, out).await;
                        out.line(&line);
                        verified += 1;
                        if args.count.is_some_and(|n| verified >= n) {
                            break;
                        }
                    }
                    Some(Delivery::Verified { event, forwarded: Some(answer), .. }) => {
                        record_statuses(journal.as_ref(), &event, out).await;
                        let answer = match answer {
                            Ok(status) => format!("-> {status}"),
                            Err(reason) => format!("-> not forwarded ({reason})"),
                        };
                        for summary in summaries(&event) {
                            out.line(&format!("{summary} {answer}"));
                        }
                        verified += 1;
                        if args.count.is_some_and(|n| verified >= n) {
                            break;
                        }
                    }
                    Some(Delivery::Refused { peer, reason }) => {
                        out.warning(&format!("refused a delivery from {peer}: {reason}"));
                    }
                    None => break,
                },
            }
        }
        receiver.stop().await
    })
}

/// Records the delivery statuses of `envelope` into the campaign journal, if one was given.
/// A status for a message the campaign did not send is not an error: the same number may
/// also send other messages.
async fn record_statuses(journal: Option<&StatusJournal>, envelope: &WebhookEvent, out: &Output) {
    let Some(journal) = journal else { return };
    let Ok(events) = envelope.events() else {
        return;
    };
    for status in events.iter().filter_map(|e| e.status()) {
        if let Err(e) = journal
            .record_delivery(&status.message_id, status.status)
            .await
        {
            out.warning(&format!(
                "could not record {} for {} in the journal: {e}",
                status.status, status.message_id
            ));
        }
    }
}

/// The campaign journal statuses are recorded into: a file, or a database that the
/// campaign's workers share.
enum StatusJournal {
    File(SqliteJournal),
    #[cfg(feature = "postgres")]
    Postgres(wasphere_campaign::PostgresJournal),
}

impl StatusJournal {
    async fn open(location: JournalLocation) -> Result<StatusJournal, Failure> {
        match location {
            JournalLocation::File(path) => SqliteJournal::open_observer(&path)
                .map(StatusJournal::File)
                .map_err(|e| Failure::invalid(e.to_string())),
            #[cfg(feature = "postgres")]
            JournalLocation::Postgres(url) => super::campaign::location::postgres_observer(&url)
                .await
                .map(StatusJournal::Postgres),
        }
    }

    async fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> Result<bool, JournalError> {
        match self {
            StatusJournal::File(journal) => journal.record_delivery(message_id, status).await,
            #[cfg(feature = "postgres")]
            StatusJournal::Postgres(journal) => journal.record_delivery(message_id, status).await,
        }
    }
}

/// One line per event of the delivery: the event, the message id, and what was selected
/// or which status it reports.
fn summaries(envelope: &WebhookEvent) -> Vec<String> {
    let Ok(events) = envelope.events() else {
        return vec![format!("{} (data not readable)", envelope.event)];
    };
    events
        .iter()
        .map(|event| {
            let id = event.message_id().unwrap_or("-");
            let detail = match (&event.data, event.selection(), event.status()) {
                (_, Some(selection), _) => format!("selected {}", selection.id()),
                (_, _, Some(status)) => format!("status {}", status.status),
                (EventData::Sent(sent), _, _) => format!("sent {}", sent.kind),
                _ => String::new(),
            };
            format!("{} {id} {detail}", event.kind)
                .trim_end()
                .to_owned()
        })
        .collect()
}

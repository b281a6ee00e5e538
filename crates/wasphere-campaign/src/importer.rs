//! Import: rows read from the source, made into messages, and stored in the journal as
//! `pending`, `invalid` or `skipped`, while sending goes on with what is already there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;
use tokio::sync::{Notify, mpsc};
use wasphere_types::SessionId;

use crate::check::{Verdict, classify};
use crate::error::CampaignError;
use crate::input::RowsOf;
use crate::journal::{Journal, NewRow, RowState};
use crate::prepare::Preparer;
use crate::progress::{Event, Observer};
use crate::recipients::RecipientSet;
use crate::row::Row;
use crate::source::{ReadError, SourceError};
use crate::template::Template;

/// Rows per journal transaction: large enough that an import of a million rows costs a few
/// hundred commits, small enough that the first rows are ready to send at once.
const BATCH: usize = 2048;

/// Tells the senders when more rows are in the journal, and when there will be no more.
#[derive(Debug, Default)]
pub(crate) struct ImportState {
    done: AtomicBool,
    pub(crate) added: Notify,
}

impl ImportState {
    pub(crate) fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    pub(crate) fn finish(&self) {
        self.done.store(true, Ordering::Release);
        self.added.notify_waiters();
    }
}

/// How rows become journal rows.
#[derive(Debug, Clone)]
pub(crate) struct Sorter {
    pub(crate) template: Arc<Template>,
    pub(crate) session_column: Option<String>,
    pub(crate) sessions: Vec<SessionId>,
    pub(crate) allow_duplicates: bool,
}

/// A row ready for the journal, and what to tell the observer once it is stored.
struct Sorted {
    row: NewRow,
    event: Option<Event>,
}

impl Sorter {
    fn sort(
        &self,
        seen: &mut RecipientSet,
        row: Result<Row, ReadError>,
    ) -> Result<Sorted, SourceError> {
        let preparer = Preparer {
            template: &self.template,
            session_column: self.session_column.as_deref(),
            sessions: &self.sessions,
        };
        Ok(match classify(&preparer, seen, row)? {
            Verdict::Valid { row, duplicate_of } => {
                // On a resumed import the row itself may be what was seen first.
                let duplicate_of = duplicate_of.filter(|first| *first != row.line);
                let recipient = row.recipient.as_str().to_owned();
                match duplicate_of {
                    Some(first_line) if !self.allow_duplicates => Sorted {
                        row: NewRow {
                            line: row.line,
                            recipient: recipient.clone(),
                            state: RowState::Skipped,
                            session: None,
                            body: None,
                            note: Some(format!("duplicate of line {first_line}")),
                        },
                        event: Some(Event::Skipped {
                            line: row.line,
                            recipient,
                            first_line,
                        }),
                    },
                    _ => Sorted {
                        row: NewRow {
                            line: row.line,
                            recipient,
                            state: RowState::Pending,
                            session: row.session.map(|s| s.as_str().to_owned()),
                            body: Some(
                                String::from_utf8_lossy(&row.message.to_json()).into_owned(),
                            ),
                            note: (!row.changes.is_empty()).then(|| {
                                let changes: Vec<String> =
                                    row.changes.iter().map(ToString::to_string).collect();
                                format!("{}: {}", row.original_recipient, changes.join(", "))
                            }),
                        },
                        event: None,
                    },
                }
            }
            Verdict::Invalid { report, recipient } => Sorted {
                row: NewRow {
                    line: report.line,
                    recipient: recipient.unwrap_or_default(),
                    state: RowState::Invalid,
                    session: None,
                    body: None,
                    note: Some(
                        report
                            .problems
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                },
                event: Some(Event::Invalid(report)),
            },
        })
    }
}

/// Imports every row of `rows`; returns how many were read. Marks the state done at the
/// end, whether it succeeded or not, so senders never wait for rows that will not come.
pub(crate) async fn import<J: Journal>(
    journal: &J,
    sorter: Sorter,
    rows: RowsOf,
    seen: RecipientSet,
    state: &ImportState,
    observer: Option<&Observer>,
) -> Result<u64, CampaignError> {
    let result = match rows {
        RowsOf::Iter(iter) => import_iter(journal, sorter, iter, seen, state, observer).await,
        RowsOf::Stream(stream) => {
            import_stream(journal, sorter, stream, seen, state, observer).await
        }
    };
    state.finish();
    result
}

type Batch = Result<Vec<Sorted>, SourceError>;

async fn import_iter<J: Journal>(
    journal: &J,
    sorter: Sorter,
    iter: Box<dyn Iterator<Item = Result<Row, ReadError>> + Send>,
    mut seen: RecipientSet,
    state: &ImportState,
    observer: Option<&Observer>,
) -> Result<u64, CampaignError> {
    let (tx, mut rx) = mpsc::channel::<Batch>(4);
    // Reading and rendering are CPU and file work: a blocking thread does them, and stops
    // as soon as this side stops listening.
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for row in iter {
            match sorter.sort(&mut seen, row) {
                Ok(sorted) => batch.push(sorted),
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
            if batch.len() >= BATCH
                && tx
                    .blocking_send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                    .is_err()
            {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(Ok(batch));
        }
    });
    let mut read = 0u64;
    while let Some(batch) = rx.recv().await {
        read += store(journal, batch?, state, observer).await?;
    }
    // The thread ended (the channel closed); a panic in it would be a bug, reported as such.
    reader.await.map_err(|e| {
        CampaignError::Source(SourceError::Io {
            path: "the row reader".to_owned(),
            source: std::io::Error::other(e.to_string()),
        })
    })?;
    Ok(read)
}

async fn import_stream<J: Journal>(
    journal: &J,
    sorter: Sorter,
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Row, ReadError>> + Send>>,
    mut seen: RecipientSet,
    state: &ImportState,
    observer: Option<&Observer>,
) -> Result<u64, CampaignError> {
    let mut chunks = stream.ready_chunks(BATCH);
    let mut read = 0u64;
    while let Some(chunk) = chunks.next().await {
        let batch = chunk
            .into_iter()
            .map(|row| sorter.sort(&mut seen, row))
            .collect::<Result<Vec<_>, _>>()?;
        read += store(journal, batch, state, observer).await?;
    }
    Ok(read)
}

async fn store<J: Journal>(
    journal: &J,
    batch: Vec<Sorted>,
    state: &ImportState,
    observer: Option<&Observer>,
) -> Result<u64, CampaignError> {
    let n = batch.len() as u64;
    let mut events = Vec::new();
    let rows = batch
        .into_iter()
        .map(|s| {
            events.extend(s.event);
            s.row
        })
        .collect();
    let queued = journal.import(rows).await?;
    state.added.notify_waiters();
    if let Some(observer) = observer {
        for event in &events {
            observer(event);
        }
        if queued > 0 {
            observer(&Event::Queued { rows: queued });
        }
    }
    Ok(n)
}

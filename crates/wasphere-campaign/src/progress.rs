//! What a running campaign tells its observer: one event per row outcome, and the few
//! moments in between.

use std::sync::Arc;

use wasphere_client::ErrorClass;

use crate::journal::Recovered;
use crate::problem::RowReport;

/// Something that happened in a running campaign.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The run began: what the journal held, and what recovery changed.
    Started {
        /// Pending rows when the run began (more may come from the import).
        pending: u64,
        /// What recovery changed.
        recovered: Recovered,
    },
    /// A row does not make a valid message; it is recorded `invalid` and never sent.
    Invalid(RowReport),
    /// A row's recipient appeared on an earlier line; it is recorded `skipped`.
    Skipped {
        /// The row's line.
        line: u64,
        /// Its recipient.
        recipient: String,
        /// The line the recipient first appeared on.
        first_line: u64,
    },
    /// Rows became pending (imported, or made sendable by an accepted change): what is
    /// left to send grew by `rows`.
    Queued {
        /// How many.
        rows: u64,
    },
    /// Every row of the source is in the journal.
    Imported {
        /// Rows read from the source in this run.
        rows: u64,
    },
    /// The server accepted a row's message.
    Sent {
        /// The row's line.
        line: u64,
        /// Its recipient.
        recipient: String,
        /// The session that sent it.
        session: String,
        /// The server's message id.
        message_id: String,
    },
    /// A row could not be sent; it was not delivered.
    Failed {
        /// The row's line.
        line: u64,
        /// Its recipient.
        recipient: String,
        /// The session that tried.
        session: String,
        /// The error's class.
        class: ErrorClass,
        /// What went wrong.
        message: String,
    },
    /// A row's message may or may not have been delivered (the answer was lost).
    Unknown {
        /// The row's line.
        line: u64,
        /// Its recipient.
        recipient: String,
        /// The session that sent it.
        session: String,
        /// What went wrong.
        message: String,
    },
    /// The campaign is stopping: no new rows are taken; the requests in flight finish.
    Stopping(StopReason),
}

/// Why a campaign stopped before every row was done. It can be resumed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StopReason {
    /// Someone asked ([`crate::StopHandle::stop`], Ctrl-C).
    Requested,
    /// An error every later row would meet too: the key was refused, the session is
    /// missing or not connected, the provider cannot send this type.
    Fatal {
        /// The error's class.
        class: ErrorClass,
        /// What the server said.
        message: String,
    },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Requested => f.write_str("stopped on request"),
            StopReason::Fatal { class, message } => {
                write!(
                    f,
                    "stopped: {message} ({class}); every later row would fail the same way"
                )
            }
        }
    }
}

/// Receives a campaign's events, from any thread of the runtime.
pub(crate) type Observer = Arc<dyn Fn(&Event) + Send + Sync>;

//! The campaign journal: what a campaign is (template, source digest, settings) and where
//! every row is, kept so that a crash loses nothing and sends nothing twice.
//!
//! [`Journal`] is the seam between the campaign engine and a storage backend. This crate has
//! [`SqliteJournal`] (a file, durable, one process at a time), [`MemoryJournal`] (nothing
//! kept; for tests and benchmarks) and, with the `postgres` feature, `PostgresJournal` (one
//! campaign shared by several workers: rows claimed with `FOR UPDATE SKIP LOCKED`, leases
//! with a heartbeat). Every backend keeps the same guarantees:
//!
//! 1. [`Journal::mark_sending`] returns only once the `sending` state is durable: the engine
//!    sends a row's request only after it returns.
//! 2. [`Journal::recover`] turns rows left in `sending` by a dead worker into `unknown` (a
//!    backend with leases does so once the lease expired), and never back into `pending`
//!    unless told to resend unknown rows.
//! 3. [`Journal::claim`] hands a row to one worker at a time; a claim ends with
//!    [`Journal::mark_sending`] or [`Journal::release`].
//! 4. [`Journal::import`] is idempotent per line, and never changes a row a send was
//!    attempted for.

mod lock;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod record;
mod sqlite;
mod state;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

pub use lock::JournalLock;
pub use memory::MemoryJournal;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_CLAIM_BATCH, DEFAULT_LEASE, PostgresJournal, PostgresJournalBuilder};
pub use record::{CampaignRecord, JOURNAL_FORMAT, KeySettings, StoredSettings};
pub use sqlite::SqliteJournal;
pub use state::{RowState, UnknownState};
pub use wasphere_types::webhook::DeliveryStatus;

pub(crate) use state::{delivery_of_rank, delivery_rank};

/// A row to store at import.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    /// The line the row starts on in its source: the row's key.
    pub line: u64,
    /// The recipient: cleaned up for a valid row, as rendered (or empty) for an invalid one.
    pub recipient: String,
    /// `pending`, `invalid` or `skipped`.
    pub state: RowState,
    /// The session the row chose, if it did.
    pub session: Option<String>,
    /// The JSON body to send, for a pending row.
    pub body: Option<String>,
    /// Why an invalid or skipped row is set aside, or what was changed in its recipient.
    pub note: Option<String>,
}

/// A pending row handed to the engine to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedRow {
    /// The row's line.
    pub line: u64,
    /// Its recipient.
    pub recipient: String,
    /// The session it chose, if it did.
    pub session: Option<String>,
    /// The JSON body to send.
    pub body: String,
}

/// A claimed row about to be sent, with the session it goes out through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sending {
    /// The row's line.
    pub line: u64,
    /// The session sending it.
    pub session: String,
}

/// What became of a row that was `sending`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accepted by the server.
    Sent {
        /// The row's line.
        line: u64,
        /// The server's id for the message.
        message_id: String,
    },
    /// Refused or not sent; not delivered.
    Failed {
        /// The row's line.
        line: u64,
        /// The client's error class (`invalid`, `auth`, …).
        class: String,
        /// What went wrong.
        message: String,
    },
    /// Maybe delivered: the answer was lost.
    Unknown {
        /// The row's line.
        line: u64,
        /// The client's error class (`outcome-unknown`).
        class: String,
        /// What went wrong.
        message: String,
    },
    /// Certainly not sent, and stopping the campaign (a refused key, a missing or
    /// disconnected session): the row goes back to `pending` for a later resume.
    Requeue {
        /// The row's line.
        line: u64,
    },
}

impl Outcome {
    /// The row's line.
    pub fn line(&self) -> u64 {
        match self {
            Outcome::Sent { line, .. }
            | Outcome::Failed { line, .. }
            | Outcome::Unknown { line, .. }
            | Outcome::Requeue { line } => *line,
        }
    }
}

/// What [`Journal::recover`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Rows found `sending` (their process stopped mid-send), now `unknown`.
    pub became_unknown: u64,
    /// `unknown` rows made `pending` again because the user asked to resend them.
    pub requeued_unknown: u64,
}

/// The number of rows in each state, by error class, and by delivery status.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Rows by state; every state is present, with 0 when none is in it.
    pub by_state: BTreeMap<RowState, u64>,
    /// Failed and unknown rows by the client's error class (`invalid`, `outcome-unknown`, …).
    pub by_class: BTreeMap<String, u64>,
    /// Sent rows by the furthest delivery status recorded for them.
    pub by_delivery: DeliveryCounts,
}

/// Sent rows by the furthest delivery status recorded for each (by a webhook receiver, for
/// instance: [`Journal::record_delivery`]). A row counts once, under its furthest status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    /// Acknowledged by the WhatsApp server (status 2), no further.
    pub sent: u64,
    /// Reported failed after sending.
    pub failed: u64,
    /// Reached the phone (status 3), not read yet.
    pub delivered: u64,
    /// Read (status 4).
    pub read: u64,
    /// Played (status 5).
    pub played: u64,
}

impl DeliveryCounts {
    /// Whether any status was recorded.
    pub fn any(&self) -> bool {
        *self != DeliveryCounts::default()
    }

    /// Rows that got at least as far as `status` (a read message was delivered too); 0 for
    /// `failed` and statuses the contract does not name.
    pub fn reached(&self, status: DeliveryStatus) -> u64 {
        let steps = [
            (DeliveryStatus::Sent, self.sent),
            (DeliveryStatus::Delivered, self.delivered),
            (DeliveryStatus::Read, self.read),
            (DeliveryStatus::Played, self.played),
        ];
        match steps.iter().position(|(s, _)| *s == status) {
            Some(from) => steps[from..].iter().map(|(_, n)| n).sum(),
            None if status == DeliveryStatus::Failed => self.failed,
            None => 0,
        }
    }

    pub(crate) fn add(&mut self, rank: u8, n: u64) {
        let slot = match delivery_of_rank(rank) {
            Some(DeliveryStatus::Sent) => &mut self.sent,
            Some(DeliveryStatus::Failed) => &mut self.failed,
            Some(DeliveryStatus::Delivered) => &mut self.delivered,
            Some(DeliveryStatus::Read) => &mut self.read,
            Some(DeliveryStatus::Played) => &mut self.played,
            _ => return,
        };
        *slot += n;
    }
}

impl Counts {
    /// The rows in `state`.
    pub fn get(&self, state: RowState) -> u64 {
        self.by_state.get(&state).copied().unwrap_or(0)
    }

    /// Every row.
    pub fn total(&self) -> u64 {
        self.by_state.values().sum()
    }

    pub(crate) fn with_every_state(mut self) -> Self {
        for state in RowState::ALL {
            self.by_state.entry(state).or_insert(0);
        }
        self
    }
}

/// One row as the journal has it, for export and status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalRow {
    /// The line the row starts on in its source.
    pub line: u64,
    /// The recipient.
    pub recipient: String,
    /// Its state.
    pub state: RowState,
    /// The session it was sent through, or else the one it chose.
    pub session: Option<String>,
    /// The server's message id, once sent.
    pub message_id: Option<String>,
    /// The error class of a failed or unknown row (`invalid` for an invalid row,
    /// `duplicate` for a skipped one).
    pub error_class: Option<String>,
    /// What went wrong, or why it was set aside.
    pub error_message: Option<String>,
    /// The furthest delivery status recorded.
    pub delivery: Option<DeliveryStatus>,
}

/// Which rows [`Journal::rows`] lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowFilter {
    /// Every row.
    #[default]
    All,
    /// Rows in one state.
    State(RowState),
}

/// Why the journal could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The file is not a campaign journal (another SQLite database, or not a database).
    #[error("{path} is not a wasphere campaign journal ({detail})")]
    NotAJournal {
        /// The file.
        path: String,
        /// What was found instead.
        detail: String,
    },
    /// Another process is running a campaign on this journal.
    #[error(
        "{path} is in use by another process{}: its lock {lock_path} is held; wait for it to finish or stop it (Ctrl-C), then resume",
        holder.as_deref().map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    Locked {
        /// The journal.
        path: String,
        /// The lock file.
        lock_path: String,
        /// Who holds it, as it wrote in the lock file (`pid 1234`).
        holder: Option<String>,
    },
    /// The journal was written by a newer version of this crate.
    #[error(
        "{path} was written by a newer wasphere (journal format {found}; this one reads up to {supported})"
    )]
    NewerFormat {
        /// The journal.
        path: String,
        /// Its format.
        found: i64,
        /// The newest this version reads.
        supported: i64,
    },
    /// There is no journal file.
    #[error("{path} does not exist: start a campaign with `run`")]
    Missing {
        /// The path given.
        path: String,
    },
    /// The journal holds no campaign yet.
    #[error("{path} holds no campaign yet: start one with `run`")]
    NoCampaign {
        /// The journal.
        path: String,
    },
    /// The journal already holds a campaign.
    #[error("the journal already holds a campaign")]
    AlreadyCreated,
    /// This handle may only read and record delivery statuses (it does not hold the lock).
    #[error(
        "this journal was opened without its lock, to observe it; sending needs `SqliteJournal::open`"
    )]
    NotTheRunner,
    /// The storage failed (disk full, I/O error, a corrupt file).
    #[error("the journal {path} failed: {detail}")]
    Storage {
        /// The journal.
        path: String,
        /// What the storage engine said.
        detail: String,
    },
    /// The journal was closed while a request was waiting.
    #[error("the journal was closed")]
    Closed,
    /// The journal's address does not parse (a PostgreSQL URL, for instance).
    #[error("the journal's address is not valid: {detail}")]
    InvalidAddress {
        /// What is wrong with it.
        detail: String,
    },
    /// The journal's server cannot be reached, or refused to log in.
    #[error("cannot reach the journal {path}: {detail}")]
    Unreachable {
        /// The journal, as it is safe to show.
        path: String,
        /// What the connection said.
        detail: String,
    },
    /// This worker's lease on a shared campaign expired (it was stopped, or cut off from
    /// the journal, for longer than the lease): other workers took its rows, so it sends
    /// nothing more. Rows it was sending are `unknown`; run it again to rejoin.
    #[error(
        "this worker's lease on {path} expired (no heartbeat for {}): other workers took its rows, so it stopped; run it again to rejoin",
        humantime::format_duration(*lease)
    )]
    LeaseLost {
        /// The journal, as it is safe to show.
        path: String,
        /// The lease.
        lease: Duration,
    },
}

/// Storage for a campaign: see the [module documentation](self) for the guarantees every
/// implementation keeps. The futures are `Send` so the engine can run on any runtime thread.
pub trait Journal: Send + Sync {
    /// The campaign the journal holds, if any.
    fn campaign(&self)
    -> impl Future<Output = Result<Option<CampaignRecord>, JournalError>> + Send;

    /// Stores a new campaign; [`JournalError::AlreadyCreated`] if one is there.
    fn create(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send;

    /// Replaces the campaign's record (after accepted changes, or when the import is done).
    fn update_campaign(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send;

    /// Stores rows. A line already stored is replaced only if no send was attempted for it.
    /// Returns how many rows became pending that were not (what a progress total grows by).
    fn import(&self, rows: Vec<NewRow>) -> impl Future<Output = Result<u64, JournalError>> + Send;

    /// `(line, recipient)` of every row a send was attempted for, so a resumed import skips
    /// recipients already served.
    fn attempted_recipients(
        &self,
    ) -> impl Future<Output = Result<Vec<(u64, String)>, JournalError>> + Send;

    /// Makes rows left `sending` by a process that stopped `unknown`, and, when
    /// `resend_unknown`, every `unknown` row `pending` again. Call before claiming.
    fn recover(
        &self,
        resend_unknown: bool,
    ) -> impl Future<Output = Result<Recovered, JournalError>> + Send;

    /// Up to `limit` pending rows not yet claimed, by line.
    fn claim(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClaimedRow>, JournalError>> + Send;

    /// When [`claim`](Self::claim) found nothing: whether rows held by other workers of a
    /// shared journal may still come back to the pool (a dead worker's claims, once its
    /// lease expires), and how long to wait before claiming again; `None` when no row will
    /// come. A journal with one runner has no other workers: the default says `None`.
    fn held_elsewhere(
        &self,
    ) -> impl Future<Output = Result<Option<Duration>, JournalError>> + Send {
        async { Ok(None) }
    }

    /// Gives claimed rows back (the engine stopped before sending them).
    fn release(&self, lines: Vec<u64>) -> impl Future<Output = Result<(), JournalError>> + Send;

    /// Marks claimed rows `sending`, durably: when this returns `Ok`, a crash at any later
    /// moment leaves them `sending` (so `unknown` after recovery), never `pending`.
    fn mark_sending(
        &self,
        rows: Vec<Sending>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send;

    /// Records what became of `sending` rows.
    fn record(
        &self,
        outcomes: Vec<Outcome>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send;

    /// The number of rows by state, error class and delivery status.
    fn counts(&self) -> impl Future<Output = Result<Counts, JournalError>> + Send;

    /// Up to `limit` rows after line `after`, by line, matching `filter`.
    fn rows(
        &self,
        after: u64,
        limit: usize,
        filter: RowFilter,
    ) -> impl Future<Output = Result<Vec<JournalRow>, JournalError>> + Send;

    /// The sessions that pending rows chose (a run must send with all of them).
    fn pending_sessions(&self) -> impl Future<Output = Result<Vec<String>, JournalError>> + Send;

    /// Records a delivery status reported for `message_id` (by a webhook receiver, for
    /// instance). Returns whether a sent row has that id. A status never replaces one
    /// further along; statuses the contract does not name (`Other`) are not recorded.
    fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> impl Future<Output = Result<bool, JournalError>> + Send;
}

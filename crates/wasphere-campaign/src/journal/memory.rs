//! A journal that keeps nothing: the same states and rules as the SQLite one, in memory.

use std::collections::BTreeMap;
use std::future::{Future, Ready, ready};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    CampaignRecord, ClaimedRow, Counts, DeliveryStatus, Journal, JournalError, JournalRow, NewRow,
    Outcome, Recovered, RowFilter, RowState, Sending, delivery_rank,
};

/// A journal in memory: for tests, benchmarks and campaigns that need no crash safety. A
/// crash loses it, so whatever was `sending` is simply forgotten.
///
/// ```
/// use wasphere_campaign::{Journal, MemoryJournal};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let journal = MemoryJournal::new();
/// assert!(journal.campaign().await?.is_none());
/// # Ok::<(), wasphere_campaign::JournalError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct MemoryJournal {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    campaign: Option<CampaignRecord>,
    rows: BTreeMap<u64, Entry>,
    cursor: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    /// As exported; its `session` is the one that sent it, once sent.
    row: JournalRow,
    body: Option<String>,
    /// The session the row chose at import.
    chosen: Option<String>,
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` at once; the future only hands over its result.
    fn with<R: Send>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, JournalError>,
    ) -> Ready<Result<R, JournalError>> {
        ready(f(&mut self.state()))
    }
}

fn set_outcome(entry: &mut Entry, state: RowState, class: Option<&str>, message: Option<&str>) {
    entry.row.state = state;
    entry.row.error_class = class.map(str::to_owned);
    entry.row.error_message = message.map(str::to_owned);
}

impl Journal for MemoryJournal {
    fn campaign(
        &self,
    ) -> impl Future<Output = Result<Option<CampaignRecord>, JournalError>> + Send {
        self.with(|s| Ok(s.campaign.clone()))
    }

    fn create(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        self.with(|s| {
            if s.campaign.is_some() {
                return Err(JournalError::AlreadyCreated);
            }
            s.campaign = Some(record);
            Ok(())
        })
    }

    fn update_campaign(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        self.with(|s| {
            s.campaign = Some(record);
            Ok(())
        })
    }

    fn import(&self, rows: Vec<NewRow>) -> impl Future<Output = Result<u64, JournalError>> + Send {
        self.with(|s| {
            let mut newly_pending = 0u64;
            for new in rows {
                let before = s.rows.get(&new.line).map(|e| e.row.state);
                if before.is_some_and(RowState::was_attempted) {
                    continue;
                }
                if new.state == RowState::Pending && before != Some(RowState::Pending) {
                    newly_pending += 1;
                }
                let (class, message) = match new.state {
                    RowState::Invalid => (Some("invalid".to_owned()), new.note),
                    RowState::Skipped => (Some("duplicate".to_owned()), new.note),
                    _ => (None, None),
                };
                s.rows.insert(
                    new.line,
                    Entry {
                        chosen: new.session.clone(),
                        row: JournalRow {
                            line: new.line,
                            recipient: new.recipient,
                            state: new.state,
                            session: new.session,
                            message_id: None,
                            error_class: class,
                            error_message: message,
                            delivery: None,
                        },
                        body: new.body,
                    },
                );
            }
            Ok(newly_pending)
        })
    }

    fn attempted_recipients(
        &self,
    ) -> impl Future<Output = Result<Vec<(u64, String)>, JournalError>> + Send {
        self.with(|s| {
            Ok(s.rows
                .values()
                .filter(|e| e.row.state.was_attempted())
                .map(|e| (e.row.line, e.row.recipient.clone()))
                .collect())
        })
    }

    fn recover(
        &self,
        resend_unknown: bool,
    ) -> impl Future<Output = Result<Recovered, JournalError>> + Send {
        self.with(|s| {
            s.cursor = 0;
            let mut recovered = Recovered::default();
            for entry in s.rows.values_mut() {
                if entry.row.state == RowState::Sending {
                    set_outcome(
                        entry,
                        RowState::Unknown,
                        Some("outcome-unknown"),
                        Some("the process stopped while this row was being sent: the message may have been delivered"),
                    );
                    recovered.became_unknown += 1;
                }
                if resend_unknown && entry.row.state == RowState::Unknown {
                    set_outcome(entry, RowState::Pending, None, None);
                    recovered.requeued_unknown += 1;
                }
            }
            Ok(recovered)
        })
    }

    fn claim(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClaimedRow>, JournalError>> + Send {
        self.with(|s| {
            let claimed: Vec<ClaimedRow> = s
                .rows
                .range(s.cursor.saturating_add(1)..)
                .filter(|(_, e)| e.row.state == RowState::Pending)
                .take(limit)
                .map(|(_, e)| ClaimedRow {
                    line: e.row.line,
                    recipient: e.row.recipient.clone(),
                    session: e.chosen.clone(),
                    body: e.body.clone().unwrap_or_default(),
                })
                .collect();
            if let Some(last) = claimed.last() {
                s.cursor = last.line;
            }
            Ok(claimed)
        })
    }

    fn release(&self, lines: Vec<u64>) -> impl Future<Output = Result<(), JournalError>> + Send {
        self.with(|s| {
            if let Some(first) = lines.iter().min() {
                s.cursor = s.cursor.min(first.saturating_sub(1));
            }
            Ok(())
        })
    }

    fn mark_sending(
        &self,
        rows: Vec<Sending>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        self.with(|s| {
            for sending in rows {
                match s.rows.get_mut(&sending.line) {
                    Some(e) if e.row.state == RowState::Pending => {
                        e.row.state = RowState::Sending;
                        e.row.session = Some(sending.session);
                    }
                    _ => {
                        return Err(JournalError::Storage {
                            path: "memory".to_owned(),
                            detail: format!("row {} was no longer pending", sending.line),
                        });
                    }
                }
            }
            Ok(())
        })
    }

    fn record(
        &self,
        outcomes: Vec<Outcome>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        self.with(|s| {
            for outcome in outcomes {
                let Some(entry) = s
                    .rows
                    .get_mut(&outcome.line())
                    .filter(|e| e.row.state == RowState::Sending)
                else {
                    continue;
                };
                match outcome {
                    Outcome::Sent { message_id, .. } => {
                        set_outcome(entry, RowState::Sent, None, None);
                        entry.row.message_id = Some(message_id);
                    }
                    Outcome::Failed { class, message, .. } => {
                        set_outcome(entry, RowState::Failed, Some(&class), Some(&message));
                    }
                    Outcome::Unknown { class, message, .. } => {
                        set_outcome(entry, RowState::Unknown, Some(&class), Some(&message));
                    }
                    Outcome::Requeue { .. } => set_outcome(entry, RowState::Pending, None, None),
                }
            }
            Ok(())
        })
    }

    fn counts(&self) -> impl Future<Output = Result<Counts, JournalError>> + Send {
        self.with(|s| {
            let mut counts = Counts::default();
            for e in s.rows.values() {
                *counts.by_state.entry(e.row.state).or_insert(0) += 1;
                if matches!(e.row.state, RowState::Failed | RowState::Unknown)
                    && let Some(class) = &e.row.error_class
                {
                    *counts.by_class.entry(class.clone()).or_insert(0) += 1;
                }
                if e.row.state == RowState::Sent
                    && let Some(rank) = e.row.delivery.and_then(delivery_rank)
                {
                    counts.by_delivery.add(rank, 1);
                }
            }
            Ok(counts.with_every_state())
        })
    }

    fn rows(
        &self,
        after: u64,
        limit: usize,
        filter: RowFilter,
    ) -> impl Future<Output = Result<Vec<JournalRow>, JournalError>> + Send {
        self.with(|s| {
            Ok(s.rows
                .range(after.saturating_add(1)..)
                .map(|(_, e)| &e.row)
                .filter(|r| match filter {
                    RowFilter::All => true,
                    RowFilter::State(state) => r.state == state,
                })
                .take(limit)
                .cloned()
                .collect())
        })
    }

    fn pending_sessions(&self) -> impl Future<Output = Result<Vec<String>, JournalError>> + Send {
        self.with(|s| {
            let sessions: std::collections::BTreeSet<String> = s
                .rows
                .values()
                .filter(|e| e.row.state == RowState::Pending)
                .filter_map(|e| e.chosen.clone())
                .collect();
            Ok(sessions.into_iter().collect())
        })
    }

    fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> impl Future<Output = Result<bool, JournalError>> + Send {
        self.with(|s| {
            let Some(rank) = delivery_rank(status) else {
                return Ok(false);
            };
            let mut found = false;
            for e in s.rows.values_mut() {
                if e.row.state == RowState::Sent && e.row.message_id.as_deref() == Some(message_id)
                {
                    found = true;
                    if e.row
                        .delivery
                        .and_then(delivery_rank)
                        .is_none_or(|r| r < rank)
                    {
                        e.row.delivery = Some(status);
                    }
                }
            }
            Ok(found)
        })
    }
}

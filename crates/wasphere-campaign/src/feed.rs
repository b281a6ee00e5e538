//! The rows claimed from the journal and waiting for a session to send them.

use std::collections::VecDeque;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Mutex;

use crate::importer::ImportState;
use crate::journal::{ClaimedRow, Journal, JournalError};

/// Rows claimed per journal read.
const CLAIM: usize = 2048;

#[derive(Debug)]
pub(crate) struct Feed<'a, J> {
    journal: &'a J,
    import: &'a ImportState,
    queue: Mutex<VecDeque<ClaimedRow>>,
    exhausted: AtomicBool,
}

/// Whether `session` may send `row`: the row chose it, or chose none.
fn eligible(row: &ClaimedRow, session: &str) -> bool {
    row.session.as_deref().is_none_or(|s| s == session)
}

impl<'a, J: Journal> Feed<'a, J> {
    pub(crate) fn new(journal: &'a J, import: &'a ImportState) -> Self {
        Feed {
            journal,
            import,
            queue: Mutex::new(VecDeque::new()),
            exhausted: AtomicBool::new(false),
        }
    }

    /// Waits until a row `session` may send (one that chose it, or chose none) is at hand;
    /// `false` once none will come (none left in the journal, and the import is done).
    pub(crate) async fn wait_available(&self, session: &str) -> Result<bool, JournalError> {
        loop {
            let mut added = pin!(self.import.added.notified());
            added.as_mut().enable();
            let look_again = {
                let mut queue = self.queue.lock().await;
                if queue.iter().any(|r| eligible(r, session)) {
                    return Ok(true);
                }
                // Read before claiming: if the import was done then, this claim sees all.
                let import_done = self.import.is_done();
                let claimed = self.journal.claim(CLAIM).await?;
                if !claimed.is_empty() {
                    queue.extend(claimed);
                    continue;
                }
                if !import_done {
                    None
                } else if !queue.is_empty() {
                    return Ok(false);
                } else if let Some(wait) = self.journal.held_elsewhere().await? {
                    // Other workers of a shared journal hold rows: a dead one's come back
                    // to the pool once its lease expires.
                    Some(wait)
                } else {
                    self.exhausted.store(true, Ordering::Release);
                    return Ok(false);
                }
            };
            match look_again {
                Some(wait) => tokio::time::sleep(wait).await,
                None => added.await,
            }
        }
    }

    /// Takes the first row `session` may send, if one is at hand.
    pub(crate) async fn take(&self, session: &str) -> Option<ClaimedRow> {
        let mut queue = self.queue.lock().await;
        let at = queue.iter().position(|r| eligible(r, session))?;
        queue.remove(at)
    }

    /// Whether every row was handed out and no more will come: then no session has
    /// anything left to wait for.
    pub(crate) fn is_exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Acquire)
    }

    /// The lines claimed but not handed out, to give back to the journal.
    pub(crate) async fn unsent(&self) -> Vec<u64> {
        self.queue.lock().await.drain(..).map(|r| r.line).collect()
    }
}

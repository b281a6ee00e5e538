//! The rows claimed from the journal and waiting for a session to send them.

use std::collections::VecDeque;
use std::pin::pin;

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
}

impl<'a, J: Journal> Feed<'a, J> {
    pub(crate) fn new(journal: &'a J, import: &'a ImportState) -> Self {
        Feed {
            journal,
            import,
            queue: Mutex::new(VecDeque::new()),
        }
    }

    /// The next row `session` may send (one that chose it, or chose none); `None` once there
    /// is none and the import is done.
    pub(crate) async fn next_for(&self, session: &str) -> Result<Option<ClaimedRow>, JournalError> {
        loop {
            let mut added = pin!(self.import.added.notified());
            added.as_mut().enable();
            {
                let mut queue = self.queue.lock().await;
                if let Some(at) = queue
                    .iter()
                    .position(|r| r.session.as_deref().is_none_or(|s| s == session))
                {
                    return Ok(queue.remove(at));
                }
                // Read before claiming: if the import was done then, this claim sees all.
                let import_done = self.import.is_done();
                let claimed = self.journal.claim(CLAIM).await?;
                if !claimed.is_empty() {
                    queue.extend(claimed);
                    continue;
                }
                if import_done {
                    return Ok(None);
                }
            }
            added.await;
        }
    }

    /// The lines claimed but not handed out, to give back to the journal.
    pub(crate) async fn unsent(&self) -> Vec<u64> {
        self.queue.lock().await.drain(..).map(|r| r.line).collect()
    }
}

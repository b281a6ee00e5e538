//! The "paused" the server sends by itself 3 s after a typing indicator (contract section
//! 6), recorded as an operation done by the server. Another typing indicator in the same
//! chat starts the 3 s again, and a presence sent meanwhile replaces it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::json;
use wasphere_types::MessageOperation;

use crate::recorded_operation::RecordedOperation;
use crate::records::Records;

/// How long "typing…" shows before the server sends "paused".
pub(crate) const PAUSE_AFTER: Duration = Duration::from_secs(3);

/// The chats whose "paused" is pending, each with the mark of its typing indicator.
#[derive(Debug, Default)]
pub(crate) struct TypingPauses {
    pending: Mutex<HashMap<(String, String), u64>>,
    marks: AtomicU64,
}

impl TypingPauses {
    /// A typing indicator in the chat `to` of `session`: "paused" follows after
    /// [`PAUSE_AFTER`] unless the chat is touched again first.
    pub(crate) fn typing(
        self: &Arc<Self>,
        records: Arc<Records>,
        session: &str,
        to: &str,
        key_prefix: &str,
    ) {
        let chat = (session.to_owned(), to.to_owned());
        let mark = self.marks.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(chat.clone(), mark);
        let pauses = Arc::clone(self);
        let key_prefix = key_prefix.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(PAUSE_AFTER).await;
            let due = {
                let mut pending = pauses.lock();
                let due = pending.get(&chat) == Some(&mark);
                if due {
                    pending.remove(&chat);
                }
                due
            };
            if due {
                let (session, to) = chat;
                records.push_operation(RecordedOperation {
                    operation: MessageOperation::Presence,
                    session,
                    key_prefix,
                    message_id: None,
                    body: json!({"to": to, "presence": "paused"}),
                    answer_id: None,
                    received_at: SystemTime::now(),
                    fault: None,
                    by_server: true,
                });
            }
        });
    }

    /// A presence was set in the chat: it replaces the pending "paused".
    pub(crate) fn presence(&self, session: &str, to: &str) {
        self.lock().remove(&(session.to_owned(), to.to_owned()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), u64>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presences(records: &Records) -> Vec<(String, bool)> {
        records
            .operations()
            .into_iter()
            .map(|op| {
                (
                    op.body["presence"].as_str().unwrap().to_owned(),
                    op.by_server,
                )
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn paused_follows_typing_once_unless_the_chat_moves_on() {
        let records = Arc::new(Records::new(10));
        let pauses = Arc::new(TypingPauses::default());
        pauses.typing(Arc::clone(&records), "s", "1", "wsk_test_");
        tokio::time::sleep(PAUSE_AFTER - Duration::from_millis(1)).await;
        assert!(records.operations().is_empty());
        // Typing again starts the 3 s again.
        pauses.typing(Arc::clone(&records), "s", "1", "wsk_test_");
        tokio::time::sleep(Duration::from_millis(2)).await;
        assert!(
            records.operations().is_empty(),
            "the first pause was replaced"
        );
        tokio::time::sleep(PAUSE_AFTER).await;
        assert_eq!(presences(&records), [("paused".into(), true)]);

        // A presence in between replaces the pause.
        pauses.typing(Arc::clone(&records), "s", "2", "wsk_test_");
        pauses.presence("s", "2");
        tokio::time::sleep(PAUSE_AFTER * 2).await;
        assert_eq!(records.operations().len(), 1);
        assert!(pauses.lock().is_empty(), "nothing is kept once done");
    }
}

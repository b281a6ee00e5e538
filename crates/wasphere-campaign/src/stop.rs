//! Asking a running campaign to stop: no new rows are taken, the requests in flight finish
//! and their outcomes are recorded.

use std::sync::Arc;

use tokio::sync::watch;

/// A handle to stop a running campaign gracefully; clones stop the same campaign. Wire it
/// to Ctrl-C, a shutdown signal, or a deadline.
///
/// ```
/// use wasphere_campaign::StopHandle;
/// let stop = StopHandle::new();
/// let for_signal = stop.clone();
/// for_signal.stop();
/// assert!(stop.is_stopped());
/// ```
#[derive(Debug, Clone)]
pub struct StopHandle {
    sender: Arc<watch::Sender<bool>>,
}

impl Default for StopHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl StopHandle {
    /// A handle that has not been used.
    pub fn new() -> Self {
        StopHandle {
            sender: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Asks the campaign to stop taking rows.
    pub fn stop(&self) {
        self.sender.send_replace(true);
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.sender.borrow()
    }

    /// Completes once a stop is asked for.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.sender.subscribe();
        // The sender lives in `self`, so waiting cannot fail; if it did, waiting forever
        // is right: nobody could ask any more.
        if rx.wait_for(|stopped| *stopped).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

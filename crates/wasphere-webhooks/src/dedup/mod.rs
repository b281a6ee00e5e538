//! Deduplication: the server retries a failed delivery (after 1 s, 5 s and 30 s, each
//! time with a new delivery id), so one event can arrive several times. Each event is
//! claimed by its [`key`] before it is handled; a claim is kept when the handler
//! succeeds and given back when it fails, so the next retry is handled.

mod key;
mod memory;
#[cfg(feature = "redis")]
mod redis_store;
mod store;

use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use foldhash::fast::RandomState;
pub use key::key;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis_store::{DEFAULT_REDIS_TIMEOUT, RedisStore};
pub use store::{DedupStore, StoreError, StoreFuture};
use wasphere_types::webhook::Event;

/// How many keys the default in-memory store holds.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// How long an event is remembered by default: 10 minutes. The server's retries end
/// about 80 s after the first attempt (1 + 5 + 30 s of waits and up to four 10 s
/// timeouts), and a delivery older than 300 s fails verification anyway, so a window
/// above 300 s also stops a captured delivery from being replayed.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

/// Claims events so each is handled once. Cheap to clone; clones share their store.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use wasphere_webhooks::dedup::{Claimed, Deduplicator};
/// use wasphere_webhooks::types::WebhookEvent;
///
/// let dedup = Deduplicator::in_memory(1_000, Duration::from_secs(600));
/// let body = r#"{"event":"message.sent","sessionId":"s","timestamp":"t","deliveryId":"d","data":{"messageId":"M1"}}"#;
/// let event = &serde_json::from_str::<WebhookEvent>(body).unwrap().events().unwrap()[0];
///
/// let Claimed::New(claim) = dedup.claim(event).await.unwrap() else { unreachable!() };
/// assert!(matches!(dedup.claim(event).await.unwrap(), Claimed::InProgress));
/// claim.commit(); // handled: later copies are duplicates
/// assert!(matches!(dedup.claim(event).await.unwrap(), Claimed::Duplicate));
/// # }
/// ```
#[derive(Clone)]
pub struct Deduplicator {
    store: Arc<dyn DedupStore>,
    window: Duration,
    in_progress: Arc<InProgress>,
}

/// Keys being handled in this process right now, by hash (a collision only makes a
/// retry wait for the next attempt).
#[derive(Default)]
struct InProgress {
    hashes: Mutex<HashSet<u64, RandomState>>,
    hasher: RandomState,
}

impl InProgress {
    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    fn hashes(&self) -> MutexGuard<'_, HashSet<u64, RandomState>> {
        self.hashes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What [`Deduplicator::claim`] found.
#[derive(Debug)]
#[must_use = "a new claim must be committed or released"]
pub enum Claimed {
    /// The event is new: handle it, then [`Claim::commit`] or [`Claim::release`].
    New(Claim),
    /// The event was handled already: acknowledge it without handling it again.
    Duplicate,
    /// The event is being handled right now by this process: answer so the sender tries
    /// again later (if that handling fails, the retry is handled).
    InProgress,
}

/// The right to handle one event. Dropping it without [`commit`](Claim::commit) gives it
/// back, as [`release`](Claim::release) does (in the background).
pub struct Claim {
    key: String,
    hash: u64,
    dedup: Option<Deduplicator>,
}

impl Deduplicator {
    /// Deduplication in this process's memory: at most `capacity` events, each
    /// remembered for `window`.
    pub fn in_memory(capacity: usize, window: Duration) -> Self {
        Self::with_store(MemoryStore::new(capacity), window)
    }

    /// Deduplication through `store` (shared by replicas when it is a shared database),
    /// each event remembered for `window`.
    pub fn with_store(store: impl DedupStore, window: Duration) -> Self {
        Deduplicator {
            store: Arc::new(store),
            window,
            in_progress: Arc::default(),
        }
    }

    /// How long an event is remembered.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Claims `event` by its [`key`].
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer.
    pub async fn claim(&self, event: &Event) -> Result<Claimed, StoreError> {
        self.claim_key(key(event)).await
    }

    /// Claims an event by a key of your own.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer.
    pub async fn claim_key(&self, key: String) -> Result<Claimed, StoreError> {
        let hash = self.in_progress.hash(&key);
        if self.store.insert_if_absent(&key, self.window).await? {
            self.in_progress.hashes().insert(hash);
            return Ok(Claimed::New(Claim {
                key,
                hash,
                dedup: Some(self.clone()),
            }));
        }
        Ok(if self.in_progress.hashes().contains(&hash) {
            Claimed::InProgress
        } else {
            Claimed::Duplicate
        })
    }
}

impl Claim {
    /// The event's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The event was handled: keep it recorded, so copies are duplicates.
    pub fn commit(mut self) {
        if let Some(dedup) = self.dedup.take() {
            dedup.in_progress.hashes().remove(&self.hash);
        }
    }

    /// Handling failed: forget the event, so the server's retry is handled.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot forget it (a retry will then be taken for a
    /// duplicate until the key expires).
    pub async fn release(mut self) -> Result<(), StoreError> {
        match self.dedup.take() {
            Some(dedup) => release(dedup, &self.key, self.hash).await,
            None => Ok(()),
        }
    }
}

async fn release(dedup: Deduplicator, key: &str, hash: u64) -> Result<(), StoreError> {
    let removed = dedup.store.remove(key).await;
    // Only now: a retry arriving while the key is being removed still waits.
    dedup.in_progress.hashes().remove(&hash);
    removed
}

impl Drop for Claim {
    fn drop(&mut self) {
        let Some(dedup) = self.dedup.take() else {
            return;
        };
        let key = std::mem::take(&mut self.key);
        let hash = self.hash;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = release(dedup, &key, hash).await {
                        tracing::warn!(error = %e, "could not release a webhook event's claim");
                    }
                });
            }
            Err(_) => {
                dedup.in_progress.hashes().remove(&hash);
                tracing::warn!(
                    "a webhook event's claim was dropped outside a runtime; its key stays until it expires"
                );
            }
        }
    }
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim").field("key", &self.key).finish()
    }
}

impl Default for Deduplicator {
    /// In memory, [`DEFAULT_CAPACITY`] events for [`DEFAULT_WINDOW`].
    fn default() -> Self {
        Self::in_memory(DEFAULT_CAPACITY, DEFAULT_WINDOW)
    }
}

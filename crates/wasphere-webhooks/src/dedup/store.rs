//! The one thing deduplication needs from a store, small enough to put in front of Redis
//! (`SET key 1 NX PX ttl` and `DEL key`) or any shared database.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The boxed future a [`DedupStore`] method returns (boxed so stores can be used as
/// `dyn DedupStore`, and so a receiver's type does not depend on its store's).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Remembers which events were handled, so a retried delivery is not handled twice.
/// Shared by every replica of a service when it is backed by a shared database.
///
/// ```
/// use std::collections::HashSet;
/// use std::sync::Mutex;
/// use std::time::Duration;
/// use wasphere_webhooks::dedup::{DedupStore, StoreFuture};
///
/// /// A store without expiry, for illustration.
/// #[derive(Default)]
/// struct Forever(Mutex<HashSet<String>>);
///
/// impl DedupStore for Forever {
///     fn insert_if_absent<'a>(&'a self, key: &'a str, _ttl: Duration) -> StoreFuture<'a, bool> {
///         Box::pin(async move { Ok(self.0.lock().unwrap().insert(key.to_owned())) })
///     }
///     fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
///         Box::pin(async move { self.0.lock().unwrap().remove(key); Ok(()) })
///     }
/// }
/// ```
pub trait DedupStore: Send + Sync + 'static {
    /// Records `key` for `ttl` unless it is already recorded, atomically; `true` when it
    /// was not (the event is new).
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;

    /// Forgets `key`, so the retry of a delivery whose handling failed is handled.
    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

/// A store that could not answer. The receiver answers 503 so the server retries.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store's backend failed (a lost connection, a timeout, …).
    #[error("the deduplication store failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Wraps a backend's error.
    pub fn backend(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Backend(error.into())
    }
}

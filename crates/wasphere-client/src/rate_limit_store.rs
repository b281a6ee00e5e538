//! Where a key's rate limit is kept: in this process (the default) or in Redis, shared by
//! every process and machine using the key. The send path sees one [`Limiter`] either way.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::limiter::{self, KeyLimiter};
#[cfg(feature = "redis")]
use crate::redis_limit::{RedisKeyLimiter, RedisLimitStore};

/// Where the rate limiter keeps its window ([`ClientBuilder::rate_limit_store`]).
///
/// - [`RateLimitStore::in_process`] (the default): shared by every client of this process
///   using the same server, key and limit; nothing to install.
/// - A [`RedisLimitStore`] (cargo feature `redis`): shared by every process and machine
///   using the same Redis, server and key.
///
/// [`ClientBuilder::rate_limit_store`]: crate::ClientBuilder::rate_limit_store
///
/// ```
/// use wasphere_client::RateLimitStore;
///
/// assert!(RateLimitStore::default().is_in_process());
/// ```
#[derive(Debug, Clone, Default)]
pub struct RateLimitStore {
    kind: Kind,
}

#[derive(Debug, Clone, Default)]
enum Kind {
    #[default]
    InProcess,
    #[cfg(feature = "redis")]
    Redis(RedisLimitStore),
}

impl RateLimitStore {
    /// The window kept in this process's memory.
    pub fn in_process() -> Self {
        RateLimitStore::default()
    }

    /// Whether the window is kept in this process's memory.
    pub fn is_in_process(&self) -> bool {
        matches!(self.kind, Kind::InProcess)
    }

    /// The limiter of `api_key` at `base_url` for at most `max` admissions per `window`
    /// plus `margin`.
    pub(crate) fn limiter(
        &self,
        base_url: &str,
        api_key: &str,
        max: u32,
        window: Duration,
        margin: Duration,
    ) -> Limiter {
        match &self.kind {
            Kind::InProcess => {
                Limiter::Local(limiter::shared(base_url, api_key, max, window, margin))
            }
            #[cfg(feature = "redis")]
            Kind::Redis(store) => {
                Limiter::Redis(store.limiter(base_url, api_key, max, window.saturating_add(margin)))
            }
        }
    }
}

#[cfg(feature = "redis")]
impl From<RedisLimitStore> for RateLimitStore {
    fn from(store: RedisLimitStore) -> Self {
        RateLimitStore {
            kind: Kind::Redis(store),
        }
    }
}

/// One key's limiter, wherever its window is kept.
#[derive(Clone)]
pub(crate) enum Limiter {
    Local(Arc<KeyLimiter>),
    #[cfg(feature = "redis")]
    Redis(Arc<RedisKeyLimiter>),
}

impl Limiter {
    /// Waits for a slot and takes it.
    ///
    /// # Errors
    /// [`Error::RateLimitStore`] when the shared store is out and set to fail.
    pub(crate) async fn acquire(&self) -> Result<(), Error> {
        match self {
            Limiter::Local(limiter) => {
                limiter.acquire().await;
                Ok(())
            }
            #[cfg(feature = "redis")]
            Limiter::Redis(limiter) => Ok(limiter.acquire().await?),
        }
    }

    /// Holds every sender on the key for `wait` (after a 429).
    pub(crate) async fn pause_for(&self, wait: Duration) {
        match self {
            Limiter::Local(limiter) => limiter.pause_for(wait),
            #[cfg(feature = "redis")]
            Limiter::Redis(limiter) => limiter.pause_for(wait).await,
        }
    }
}

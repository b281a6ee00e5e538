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

/// One key's rate limiter, as a [`Client`](crate::Client) uses it before every attempt:
/// the same window (in this process or in Redis) that the client's sends take their
/// turns in. Take turns from it to pace work of your own with the key's limit, e.g. to
/// decide when the next job's turn has come before starting to prepare it. A slot taken
/// here is a slot a send cannot take: do not take one for a message the client will
/// send (it takes its own).
///
/// ```no_run
/// # async fn run(client: wasphere_client::Client) -> Result<(), wasphere_client::Error> {
/// if let Some(limiter) = client.rate_limiter() {
///     limiter.acquire().await?; // our turn in the key's window has come
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RateLimiter {
    inner: Limiter,
}

impl RateLimiter {
    pub(crate) fn new(inner: Limiter) -> Self {
        RateLimiter { inner }
    }

    /// Waits for a slot in the key's window and takes it.
    ///
    /// # Errors
    /// [`Error::RateLimitStore`] when the window is kept in Redis, Redis is out, and the
    /// store is set to fail.
    pub async fn acquire(&self) -> Result<(), Error> {
        self.inner.acquire().await
    }

    /// Holds everyone on the key (in every process sharing a Redis store) for `wait`, as a
    /// 429 does; never shortens a pause in force.
    pub async fn pause_for(&self, wait: Duration) {
        self.inner.pause_for(wait).await;
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Limiter::Local(_) => "RateLimiter(in process)",
            #[cfg(feature = "redis")]
            Limiter::Redis(_) => "RateLimiter(Redis)",
        })
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

//! Where a key's rate limit is kept: in this process (the default) or in Redis, shared by
//! every process and machine using the key. The send path sees one [`Limiter`] either way.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::limiter::{self, KeyLimiter};
#[cfg(feature = "redis")]
use crate::redis_limit::{RedisKeyLimiter, RedisLimitStore, RedisSlot};

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
/// turns in. Take a turn from it when the moment a message goes matters to you before
/// the send starts (to record that it is going, to pace evenly), then hand the
/// [`Admission`] to [`Client::send_admitted`](crate::Client::send_admitted), which then
/// takes no second slot for its first attempt.
///
/// ```no_run
/// # async fn run(client: wasphere_client::Client, message: wasphere_client::Message)
/// # -> Result<(), wasphere_client::Error> {
/// use std::time::Duration;
///
/// let session = "my-session".parse().map_err(|_| wasphere_client::Error::Config(
///     wasphere_client::ConfigError::NoSession))?;
/// if let Some(limiter) = client.rate_limiter() {
///     // One message a second at most, in every process sharing the key's store.
///     let admission = limiter.acquire_spaced(Duration::from_secs(1)).await?;
///     // …our turn has come: note that the message is going, then send it.
///     client.send_admitted(&session, &message, admission).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RateLimiter {
    inner: Limiter,
}

/// A slot taken in a key's window ([`RateLimiter::acquire`]): the first attempt of
/// [`Client::send_admitted`](crate::Client::send_admitted) uses it instead of taking one,
/// and settles it when its answer comes (see [`Admission::settle`]).
///
/// Dropped unused, the slot keeps counting from the moment it was taken: the window stays
/// correct, only a little slower.
#[must_use = "an admission is a slot of the key's window: send with it, or it is wasted"]
pub struct Admission {
    limiter: Limiter,
    slot: Slot,
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Admission")
    }
}

impl Admission {
    /// The slot, for a request of `limiter`; `None` for a slot of another key's window
    /// (which does not let a send skip its own, and is then left as it is).
    pub(crate) fn slot_for(self, limiter: &Limiter) -> Option<Slot> {
        self.limiter.same_as(limiter).then_some(self.slot)
    }

    /// Tells the key's window that the request made in this slot is over (answered,
    /// failed or timed out), for a request you made yourself:
    /// [`Client::send_admitted`](crate::Client::send_admitted) settles its slot on its own.
    ///
    /// The server counts a request when it arrives, which is after the slot was taken,
    /// so the slot's time moves to now, when the server has surely counted it: the next
    /// slot a window later then reaches the server a window later at least, whatever the
    /// latency, and the safety margin need not cover it. Never waits for other senders;
    /// with a Redis store it is one round trip, and a failure of it is logged and leaves
    /// the slot counting from when it was taken.
    pub async fn settle(self) {
        self.limiter.settle(self.slot).await;
    }
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
    pub async fn acquire(&self) -> Result<Admission, Error> {
        self.acquire_spaced(Duration::ZERO).await
    }

    /// Waits for a slot in the key's window that is also at least `gap` after the key's
    /// latest admission (in every process, with a Redis store), and takes it: a smooth
    /// pace of one admission per `gap` instead of bursts that fill the window. The gap
    /// counts only while the latest admission is inside the window.
    ///
    /// # Errors
    /// As [`acquire`](Self::acquire).
    pub async fn acquire_spaced(&self, gap: Duration) -> Result<Admission, Error> {
        let slot = self.inner.acquire_spaced(gap).await?;
        Ok(Admission {
            limiter: self.inner.clone(),
            slot,
        })
    }

    /// Whether the key's window is kept outside this process (in Redis), shared with every
    /// process and machine that uses the same store.
    pub fn is_shared(&self) -> bool {
        !matches!(self.inner, Limiter::Local(_))
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

/// A slot taken from a [`Limiter`], to be [settled](Limiter::settle) by it when the request
/// made in the slot is over.
#[derive(Debug)]
pub(crate) enum Slot {
    Local(limiter::Slot),
    #[cfg(feature = "redis")]
    Redis(RedisSlot),
}

impl Limiter {
    /// Waits for a slot and takes it.
    ///
    /// # Errors
    /// [`Error::RateLimitStore`] when the shared store is out and set to fail.
    pub(crate) async fn acquire(&self) -> Result<Slot, Error> {
        self.acquire_spaced(Duration::ZERO).await
    }

    /// Waits for a slot at least `gap` after the latest admission and takes it.
    ///
    /// # Errors
    /// As [`Limiter::acquire`].
    pub(crate) async fn acquire_spaced(&self, gap: Duration) -> Result<Slot, Error> {
        match self {
            Limiter::Local(limiter) => Ok(Slot::Local(limiter.acquire_spaced(gap).await)),
            #[cfg(feature = "redis")]
            Limiter::Redis(limiter) => Ok(Slot::Redis(limiter.acquire(gap).await?)),
        }
    }

    /// The request made in `slot` (a slot of this limiter) is over: its time in the
    /// window moves to now.
    pub(crate) async fn settle(&self, slot: Slot) {
        match (self, slot) {
            (Limiter::Local(limiter), Slot::Local(slot)) => limiter.settle(slot),
            #[cfg(feature = "redis")]
            (Limiter::Redis(limiter), Slot::Redis(slot)) => limiter.settle(slot).await,
            // Slots come from their own limiter (`Admission::slot_for` checks): a slot of
            // the other kind has no time in this window to move.
            #[cfg(feature = "redis")]
            _ => {}
        }
    }

    /// Runs `request` in `slot`, settling the slot when it is over, whatever it returned.
    pub(crate) async fn settled<T>(&self, slot: Slot, request: impl Future<Output = T>) -> T {
        let outcome = request.await;
        self.settle(slot).await;
        outcome
    }

    fn same_as(&self, other: &Limiter) -> bool {
        match (self, other) {
            (Limiter::Local(a), Limiter::Local(b)) => Arc::ptr_eq(a, b),
            #[cfg(feature = "redis")]
            (Limiter::Redis(a), Limiter::Redis(b)) => Arc::ptr_eq(a, b),
            #[cfg(feature = "redis")]
            _ => false,
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

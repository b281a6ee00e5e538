//! `RedisLimitStore`: where the limiters of every process sharing a key meet.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use super::connection::Connection;
use super::key_limiter::RedisKeyLimiter;
use super::key_names::KeyNames;
use super::outage::OnRedisOutage;
use super::scripts;
use crate::store_error::RateLimitStoreError;

/// The default time limit of connecting to Redis and of each admission's round trip.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// The default prefix of the limiter's keys in Redis.
pub const DEFAULT_KEY_PREFIX: &str = "wasphere";

/// A rate limit shared through Redis by every process and machine that uses the same
/// server and API key: each admission is one Lua script on the Redis server, on its
/// clock, implementing the server's sliding window, and each slot is settled by another
/// when its request is over (its time moves to then, after the server counted the
/// request); a 429 seen by any of them pauses all.
///
/// Keys in Redis are named by an HMAC of the server's URL keyed by the API key (never the
/// key itself) and expire on their own a second after their window. Connecting is lazy
/// (at the first send) and every Redis call has a time limit
/// ([`DEFAULT_REDIS_TIMEOUT`]); an outage is handled as [`OnRedisOutage`] says. Clones
/// share one connection.
///
/// ```no_run
/// use wasphere_client::{Client, OnRedisOutage, RedisLimitStore};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisLimitStore::builder("redis://cache.internal:6379/")
///     .on_outage(OnRedisOutage::FallBackToLocal { fraction: 1.0 / 3.0 })
///     .build()?;
/// let client = Client::builder()
///     .base_url("https://api.example.com")
///     .api_key("wsk_live_xxxxx".parse()?)
///     .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?)
///     .rate_limit_store(store)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisLimitStore {
    shared: Arc<Shared>,
}

struct Shared {
    connection: Arc<Connection>,
    on_outage: OnRedisOutage,
    prefix: String,
    /// The limiters of this process, shared by clients of the same key and limit.
    limiters: Mutex<HashMap<KeyNames, Weak<RedisKeyLimiter>>>,
}

/// Builds a [`RedisLimitStore`].
#[derive(Clone)]
#[must_use]
pub struct RedisLimitStoreBuilder {
    url: String,
    on_outage: OnRedisOutage,
    timeout: Duration,
    prefix: String,
}

impl RedisLimitStore {
    /// A store at `url` (`redis://[:password@]host[:port][/db]`, or `redis+unix://`),
    /// with every default.
    ///
    /// # Errors
    /// [`RateLimitStoreError::InvalidUrl`] when the URL is not a Redis URL. Nothing is
    /// connected yet.
    pub fn new(url: &str) -> Result<Self, RateLimitStoreError> {
        Self::builder(url).build()
    }

    /// A builder for a store at `url`.
    pub fn builder(url: &str) -> RedisLimitStoreBuilder {
        RedisLimitStoreBuilder {
            url: url.to_owned(),
            on_outage: OnRedisOutage::default(),
            timeout: DEFAULT_REDIS_TIMEOUT,
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
        }
    }

    /// What admissions do when Redis is out.
    pub fn on_outage(&self) -> OnRedisOutage {
        self.shared.on_outage
    }

    /// The limiter of one key, shared in this process with every client of the same key,
    /// server and limit.
    pub(crate) fn limiter(
        &self,
        base_url: &str,
        api_key: &str,
        max: u32,
        span: Duration,
    ) -> Arc<RedisKeyLimiter> {
        let names = KeyNames::new(
            &self.shared.prefix,
            base_url,
            api_key,
            max,
            scripts::micros(span),
        );
        let mut limiters = self
            .shared
            .limiters
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(existing) = limiters.get(&names).and_then(Weak::upgrade) {
            return existing;
        }
        limiters.retain(|_, limiter| limiter.strong_count() > 0);
        let limiter = Arc::new(RedisKeyLimiter::new(
            Arc::clone(&self.shared.connection),
            self.shared.on_outage,
            names.clone(),
            max.max(1),
            span,
        ));
        limiters.insert(names, Arc::downgrade(&limiter));
        limiter
    }
}

impl RedisLimitStoreBuilder {
    /// What admissions do when Redis is out (default [`OnRedisOutage::Fail`]).
    pub fn on_outage(mut self, choice: OnRedisOutage) -> Self {
        self.on_outage = choice;
        self
    }

    /// The time limit of connecting and of each round trip (default 1 s, at most 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The prefix of every key the limiter writes (default `wasphere`), to keep apart
    /// applications sharing one Redis database.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Checks the settings and makes the store (without connecting).
    ///
    /// # Errors
    /// [`RateLimitStoreError::InvalidUrl`] for a URL that is not a Redis URL;
    /// [`RateLimitStoreError::InvalidSetting`] for a zero or over-long timeout, a fallback
    /// fraction outside (0, 1], or an empty prefix.
    pub fn build(self) -> Result<RedisLimitStore, RateLimitStoreError> {
        if self.timeout.is_zero() || self.timeout > Duration::from_secs(60) {
            return Err(RateLimitStoreError::InvalidSetting {
                setting: "timeout",
                rule: "must be longer than zero and at most 60 s",
            });
        }
        if let OnRedisOutage::FallBackToLocal { fraction } = self.on_outage
            && !(fraction > 0.0 && fraction <= 1.0)
        {
            return Err(RateLimitStoreError::InvalidSetting {
                setting: "on_outage",
                rule: "the fallback fraction must be more than 0 and at most 1",
            });
        }
        if self.prefix.is_empty() {
            return Err(RateLimitStoreError::InvalidSetting {
                setting: "key_prefix",
                rule: "must not be empty",
            });
        }
        let connection = Connection::open(&self.url, self.timeout)?;
        Ok(RedisLimitStore {
            shared: Arc::new(Shared {
                connection: Arc::new(connection),
                on_outage: self.on_outage,
                prefix: self.prefix,
                limiters: Mutex::new(HashMap::new()),
            }),
        })
    }
}

impl fmt::Debug for RedisLimitStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimitStore")
            .field("url", &self.shared.connection.shown_url())
            .field("on_outage", &self.shared.on_outage)
            .field("prefix", &self.shared.prefix)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RedisLimitStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimitStoreBuilder")
            .field("url", &super::connection::redacted(&self.url))
            .field("on_outage", &self.on_outage)
            .field("timeout", &self.timeout)
            .field("prefix", &self.prefix)
            .finish()
    }
}

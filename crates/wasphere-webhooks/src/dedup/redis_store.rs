//! `RedisStore`: deduplication shared by every replica through Redis.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::store::{DedupStore, StoreError, StoreFuture};

/// The default time limit of each Redis call.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// Events remembered in Redis, so that a retried delivery reaching another replica is
/// still a duplicate: each claim is one `SET {prefix}:{key} 1 NX PX {window}` (atomic,
/// and the entry expires on its own), each release one `DEL`.
///
/// Every call has a time limit ([`DEFAULT_REDIS_TIMEOUT`]). When Redis is out, a call
/// fails with [`StoreError`], the receiver answers 503 and the server retries the
/// delivery later: an event is never handled twice, nor dropped, for want of Redis.
///
/// ```no_run
/// use wasphere_webhooks::dedup::{DEFAULT_WINDOW, Deduplicator, RedisStore};
/// use wasphere_webhooks::{Receiver, WebhookSecret};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://cache.internal:6379/").await?;
/// let receiver = Receiver::builder(WebhookSecret::new(std::env::var("WASPHERE_WEBHOOK_SECRET")?))
///     .dedup(Deduplicator::with_store(store, DEFAULT_WINDOW))
///     .build(|event: wasphere_webhooks::Event| async move {
///         println!("{}", event.kind);
///         Ok::<_, std::convert::Infallible>(())
///     });
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    shown_url: String,
}

impl RedisStore {
    /// Connects to Redis at `url` (`redis://[:password@]host[:port][/db]`) with the key
    /// prefix `wasphere:webhook` and a 1 s time limit per call.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is not a Redis URL or Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, "wasphere:webhook", DEFAULT_REDIS_TIMEOUT).await
    }

    /// Connects with a key prefix of your own (to keep apart services sharing a Redis
    /// database) and a time limit per call (more than zero).
    ///
    /// # Errors
    /// As [`connect`](Self::connect); also for a zero time limit.
    pub async fn connect_with(
        url: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        let shown_url = redacted(url);
        if timeout.is_zero() {
            return Err(StoreError::backend(
                "the Redis time limit must be longer than zero",
            ));
        }
        let client = redis::Client::open(url).map_err(|e| {
            StoreError::backend(format!("the Redis URL {shown_url} cannot be used: {e}"))
        })?;
        // Few, quick reconnection attempts: a claim waits at most `timeout` anyway.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(timeout);
        let connecting = ConnectionManager::new_with_config(client, config);
        let connection = match tokio::time::timeout(timeout, connecting).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => {
                return Err(StoreError::backend(format!(
                    "Redis at {shown_url} is unavailable: {e}"
                )));
            }
            Err(_) => {
                return Err(StoreError::backend(format!(
                    "Redis at {shown_url} did not answer within {timeout:?}"
                )));
            }
        };
        Ok(RedisStore {
            connection,
            prefix: prefix.to_owned(),
            timeout,
            shown_url,
        })
    }

    fn name(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Runs one command within the time limit.
    async fn run<T: redis::FromRedisValue>(&self, command: redis::Cmd) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        match tokio::time::timeout(self.timeout, command.query_async(&mut connection)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError::backend(format!(
                "Redis at {} failed: {e}",
                self.shown_url
            ))),
            Err(_) => Err(StoreError::backend(format!(
                "Redis at {} did not answer within {:?}",
                self.shown_url, self.timeout
            ))),
        }
    }
}

impl DedupStore for RedisStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            // PX needs at least a millisecond.
            let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let mut command = redis::cmd("SET");
            command
                .arg(self.name(key))
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms);
            // `OK` when set, nil when the key was there.
            let set: Option<String> = self.run(command).await?;
            Ok(set.is_some())
        })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut command = redis::cmd("DEL");
            command.arg(self.name(key));
            let _removed: i64 = self.run(command).await?;
            Ok(())
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.shown_url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `url` with its password replaced by `***` (the URL is shown in errors and `Debug`).
fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(at)) if at > scheme.len() => {
            let credentials = &rest[..at - scheme.len() - 3];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{}", &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redacted("redis://:s3cret@cache:6379/1"),
            "redis://:***@cache:6379/1"
        );
        assert_eq!(
            redacted("rediss://app:s3cret@cache/"),
            "rediss://app:***@cache/"
        );
        assert_eq!(redacted("redis://cache:6379/"), "redis://cache:6379/");
    }
}

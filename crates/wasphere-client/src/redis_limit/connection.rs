//! One lazily opened, multiplexed connection to Redis, with a time limit on everything,
//! reopened after any failure.
//!
//! Lazily because [`ClientBuilder::build`](crate::ClientBuilder::build) is synchronous;
//! multiplexed so every client and task of the process shares it; reopened by hand
//! rather than by a reconnecting manager so that an outage is reported within the time
//! limit instead of waiting out the manager's own retries.

use std::future::Future;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisError};
use tokio::sync::Mutex;

use crate::store_error::RateLimitStoreError;

pub(crate) struct Connection {
    client: redis::Client,
    /// The URL without its password, for errors and `Debug`.
    shown_url: String,
    timeout: Duration,
    live: Mutex<Option<MultiplexedConnection>>,
}

impl Connection {
    pub(crate) fn open(url: &str, timeout: Duration) -> Result<Self, RateLimitStoreError> {
        let shown_url = redacted(url);
        let client = redis::Client::open(url).map_err(|e| RateLimitStoreError::InvalidUrl {
            url: shown_url.clone(),
            reason: e.to_string(),
        })?;
        Ok(Connection {
            client,
            shown_url,
            timeout,
            live: Mutex::new(None),
        })
    }

    pub(crate) fn shown_url(&self) -> &str {
        &self.shown_url
    }

    /// Runs `call` on the connection (opening it first if needed) within the time limit.
    /// On any failure the connection is dropped, so the next call starts afresh.
    pub(crate) async fn run<T, F, Fut>(&self, call: F) -> Result<T, RateLimitStoreError>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        let connection = self.get().await?;
        match tokio::time::timeout(self.timeout, call(connection)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                self.forget().await;
                Err(self.failure(&e))
            }
            Err(_) => {
                self.forget().await;
                Err(self.unavailable(format!("no answer within {:?}", self.timeout)))
            }
        }
    }

    async fn get(&self) -> Result<MultiplexedConnection, RateLimitStoreError> {
        // Held while connecting: callers arriving meanwhile wait for this one attempt
        // instead of each opening a connection.
        let mut live = self.live.lock().await;
        if let Some(connection) = live.as_ref() {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connecting = self
            .client
            .get_multiplexed_async_connection_with_config(&config);
        let connection = match tokio::time::timeout(self.timeout, connecting).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => return Err(self.unavailable(e.to_string())),
            Err(_) => {
                return Err(self.unavailable(format!("no connection within {:?}", self.timeout)));
            }
        };
        *live = Some(connection.clone());
        Ok(connection)
    }

    async fn forget(&self) {
        *self.live.lock().await = None;
    }

    fn failure(&self, e: &RedisError) -> RateLimitStoreError {
        // A script or type error is Redis answering; anything else is Redis not answering.
        if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError)
            || e.kind() == redis::ErrorKind::UnexpectedReturnType
        {
            return RateLimitStoreError::Unexpected {
                url: self.shown_url.clone(),
                reason: e.to_string(),
            };
        }
        self.unavailable(e.to_string())
    }

    fn unavailable(&self, reason: String) -> RateLimitStoreError {
        RateLimitStoreError::Unavailable {
            url: self.shown_url.clone(),
            reason,
        }
    }
}

/// `url` with its password (if any) replaced by `***`; a URL that does not parse is shown
/// only by its scheme, since its shape is unknown.
pub(crate) fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://(unreadable URL)"),
            None => "(unreadable URL)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redacted("redis://:s3cret@cache.internal:6380/2"),
            "redis://:***@cache.internal:6380/2"
        );
        assert_eq!(
            redacted("rediss://app:s3cret@cache.internal/"),
            "rediss://app:***@cache.internal/"
        );
        assert_eq!(
            redacted("redis://127.0.0.1:6379/"),
            "redis://127.0.0.1:6379/"
        );
        assert!(!redacted("redis://:s3cret@[bad").contains("s3cret"));
    }
}

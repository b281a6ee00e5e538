//! `RateLimitStoreError`: the shared rate-limit store could not be set up or reached.

/// What went wrong with a shared rate-limit store (Redis). Nothing was sent when a send
/// fails with it ([`Error::RateLimitStore`](crate::Error::RateLimitStore)). The store's
/// URL appears without its password.
///
/// ```
/// # #[cfg(feature = "redis")] {
/// use wasphere_client::{RateLimitStoreError, RedisLimitStore};
///
/// let e = RedisLimitStore::new("http://:hunter2@cache.internal/").unwrap_err();
/// assert!(matches!(e, RateLimitStoreError::InvalidUrl { .. }));
/// assert!(!e.to_string().contains("hunter2"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RateLimitStoreError {
    /// The store's URL cannot be used.
    #[error("the Redis URL {url} cannot be used: {reason}")]
    InvalidUrl {
        /// The URL, its password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting of the store is out of range.
    #[error("{setting}: {rule}")]
    InvalidSetting {
        /// The setting, as its builder method is called.
        setting: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The store could not be reached, or did not answer in time.
    #[error("the shared rate limit at {url} is unavailable: {reason}")]
    Unavailable {
        /// The URL, its password replaced by `***`.
        url: String,
        /// What failed (connection refused, timed out, …).
        reason: String,
    },
    /// The store answered something the limiter cannot read.
    #[error("the shared rate limit at {url} answered unexpectedly: {reason}")]
    Unexpected {
        /// The URL, its password replaced by `***`.
        url: String,
        /// What was wrong with the answer.
        reason: String,
    },
}

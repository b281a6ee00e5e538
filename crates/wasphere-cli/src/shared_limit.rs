//! `--redis URL`: the key's rate limit shared through Redis with every process and
//! machine that uses it, so that several `wasphere` processes (or a script sending in a
//! loop beside a service) stay within the key's limit together.

use clap::Args;
use wasphere_client::{ClientBuilder, RateLimit};

use crate::failure::Failure;

/// The variable `--redis` falls back to.
pub(crate) const ENV_REDIS_URL: &str = wasphere_client::ENV_REDIS_URL;

/// The shared rate limit's flags.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Rate limit shared by several processes")]
pub(crate) struct SharedLimitArgs {
    /// Share the key's rate limit through this Redis (redis://[:password@]host[:port][/db]) with every process and machine that uses it; a 429 seen by one pauses all [env: WASPHERE_REDIS_URL]
    #[arg(long, value_name = "URL", env = ENV_REDIS_URL, hide_env = true, hide_env_values = true)]
    pub(crate) redis: Option<String>,
    /// With --redis: the key's limit as N/WINDOW, e.g. 60/1m (the documented limit, the default)
    #[arg(long, value_name = "N/WINDOW", requires = "redis")]
    pub(crate) rate_limit: Option<RateLimit>,
    /// With --redis: if Redis is out, keep sending at this fraction of the limit (e.g. 0.25 with four processes) instead of failing with exit code 7
    #[arg(long, value_name = "SHARE", requires = "redis")]
    pub(crate) redis_fallback: Option<f64>,
}

impl SharedLimitArgs {
    /// `builder` with the shared limit applied; unchanged without `--redis`.
    pub(crate) fn apply(&self, builder: ClientBuilder) -> Result<ClientBuilder, Failure> {
        let Some(url) = self
            .redis
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(builder);
        };
        let limit = self.rate_limit.unwrap_or(RateLimit::DOCUMENTED);
        Ok(builder
            .rate_limit(limit)
            .rate_limit_store(redis_store(url, self.redis_fallback)?))
    }
}

/// The Redis store at `url`: failing when Redis is out, or falling back to `fallback` of
/// the limit in this process.
#[cfg(feature = "redis")]
pub(crate) fn redis_store(
    url: &str,
    fallback: Option<f64>,
) -> Result<wasphere_client::RateLimitStore, Failure> {
    use wasphere_client::{OnRedisOutage, RedisLimitStore};
    let on_outage = match fallback {
        Some(fraction) => OnRedisOutage::FallBackToLocal { fraction },
        None => OnRedisOutage::Fail,
    };
    RedisLimitStore::builder(url)
        .on_outage(on_outage)
        .build()
        .map(Into::into)
        .map_err(|e| {
            let failure = Failure::invalid(format!("--redis / {ENV_REDIS_URL}: {e}"));
            match e {
                wasphere_client::RateLimitStoreError::InvalidSetting { .. } => failure
                    .hint("--redis-fallback takes a fraction above 0 and at most 1, e.g. 0.25"),
                _ => failure.hint("write it as redis://[:password@]host[:port][/db]"),
            }
            .nothing_sent()
        })
}

/// Without the `redis` feature: an error saying so.
#[cfg(not(feature = "redis"))]
pub(crate) fn redis_store(
    _url: &str,
    _fallback: Option<f64>,
) -> Result<wasphere_client::RateLimitStore, Failure> {
    Err(Failure::invalid(format!(
        "--redis / {ENV_REDIS_URL}: this wasphere was built without Redis support"
    ))
    .hint("install it with its default features: cargo install wasphere-cli")
    .nothing_sent())
}

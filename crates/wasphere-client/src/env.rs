//! Configuration from the environment: `WASPHERE_BASE_URL`, `WASPHERE_API_KEY`,
//! `WASPHERE_WORKSPACE`, `WASPHERE_SESSION`, `WASPHERE_REDIS_URL`.

use std::str::FromStr;

use crate::builder::ClientBuilder;
use crate::client::Client;
use crate::config_error::ConfigError;
use crate::connection::{ENV_API_KEY, ENV_BASE_URL, ENV_REDIS_URL, ENV_SESSION, ENV_WORKSPACE};
use crate::error::Error;
use crate::rate_limit_store::RateLimitStore;

impl Client {
    /// A client configured from `WASPHERE_BASE_URL`, `WASPHERE_API_KEY`,
    /// `WASPHERE_WORKSPACE` and (optionally) `WASPHERE_SESSION` and `WASPHERE_REDIS_URL`
    /// (the rate limit then shared through Redis, failing sends while it is out), with
    /// every other default.
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is missing or malformed (the key is never quoted).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// A builder with the settings found in the environment applied (absent or empty
    /// variables are left unset, so a caller can still set them before
    /// [`build`](ClientBuilder::build)).
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is present but malformed. The error names the
    /// variable and, except for the key, quotes the value.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::new().apply_env(|name| std::env::var(name).ok())
    }

    /// Applies the variables that `lookup` finds; the seam that tests use instead of
    /// changing the process environment.
    pub(crate) fn apply_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(url) = get(ENV_BASE_URL) {
            self = self.base_url(url);
        }
        if let Some(key) = parsed(get(ENV_API_KEY), ConfigError::ApiKeyVariable)? {
            self = self.api_key(key);
        }
        if let Some(workspace) = parsed(get(ENV_WORKSPACE), ConfigError::WorkspaceVariable)? {
            self = self.workspace(workspace);
        }
        if let Some(session) = parsed(get(ENV_SESSION), ConfigError::SessionVariable)? {
            self = self.session(session);
        }
        if let Some(url) = get(ENV_REDIS_URL) {
            self = self.rate_limit_store(redis_store(&url)?);
        }
        Ok(self)
    }
}

#[cfg(feature = "redis")]
fn redis_store(url: &str) -> Result<RateLimitStore, ConfigError> {
    crate::RedisLimitStore::new(url)
        .map(RateLimitStore::from)
        .map_err(ConfigError::RedisUrlVariable)
}

#[cfg(not(feature = "redis"))]
fn redis_store(_url: &str) -> Result<RateLimitStore, ConfigError> {
    Err(ConfigError::RedisNotCompiled)
}

/// A variable's value read as a `T`; a malformed one becomes the `invalid` error.
fn parsed<T: FromStr>(
    value: Option<String>,
    invalid: fn(T::Err) -> ConfigError,
) -> Result<Option<T>, ConfigError> {
    value.map(|v| v.parse().map_err(invalid)).transpose()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_all_four() {
        let client = ClientBuilder::new()
            .apply_env(env(&[
                (ENV_BASE_URL, "http://127.0.0.1:9/"),
                (ENV_API_KEY, "wsk_test_env_secret"),
                (ENV_WORKSPACE, "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8"),
                (ENV_SESSION, "my-session"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        assert_eq!(client.session().unwrap().as_str(), "my-session");
    }

    #[test]
    fn session_is_optional_the_rest_is_not() {
        let b = ClientBuilder::new()
            .apply_env(env(&[
                (ENV_BASE_URL, "https://h"),
                (ENV_API_KEY, "wsk_test_x"),
                (ENV_WORKSPACE, "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8"),
                (ENV_SESSION, ""),
            ]))
            .unwrap();
        assert!(b.build().unwrap().session().is_none());
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_BASE_URL, "https://h")]))
            .unwrap()
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("WASPHERE_API_KEY"), "{e}");
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_redis_url_shares_the_limit_and_a_bad_one_hides_its_password() {
        let b = ClientBuilder::new()
            .apply_env(env(&[(ENV_REDIS_URL, "redis://:pw123@127.0.0.1:6379/")]))
            .unwrap();
        let shown = format!("{b:?}");
        assert!(shown.contains("RedisLimitStore"), "{shown}");
        assert!(!shown.contains("pw123"), "{shown}");
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_REDIS_URL, "memcached://:pw123@host/")]))
            .unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains(ENV_REDIS_URL), "{shown}");
        assert!(!shown.contains("pw123"), "{shown}");
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn a_redis_url_without_the_feature_is_an_error_not_ignored() {
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_REDIS_URL, "redis://127.0.0.1/")]))
            .unwrap_err();
        assert_eq!(e, Error::Config(ConfigError::RedisNotCompiled));
    }

    #[test]
    fn malformed_values_name_the_variable_but_not_the_key() {
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_API_KEY, "Bearer wsk_live_oops secret")]))
            .unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains(ENV_API_KEY), "{shown}");
        assert!(!shown.contains("oops"), "{shown}");
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_WORKSPACE, "nope")]))
            .unwrap_err();
        assert!(e.to_string().contains("nope"));
        let e = ClientBuilder::new()
            .apply_env(env(&[(ENV_SESSION, "a b")]))
            .unwrap_err();
        assert!(e.to_string().contains(ENV_SESSION));
    }
}

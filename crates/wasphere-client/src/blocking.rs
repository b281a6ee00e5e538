//! The synchronous client: the async API one to one, for scripts and the C ABI.
//!
//! A [`Client`] owns a small tokio runtime (one worker thread, which keeps connections
//! and timers alive between calls) and blocks the calling thread on it. Clones share
//! the runtime, the connection pool and the rate limiter; it may be used from many
//! threads at once. It must not be called from inside an async runtime: there, use
//! [`crate::Client`] (a call from async code returns [`Error::Config`] instead of
//! panicking).
//!
//! ```no_run
//! use wasphere_client::blocking::Client;
//!
//! let client = Client::from_env()?;
//! let sent = client.send_text("923001234567", "Your order has shipped")?;
//! println!("{}", sent.message_id);
//! # Ok::<(), wasphere_client::Error>(())
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use wasphere_types::{
    ApiKey, Message, MessageType, RateLimit, SendResponse, SessionId, WorkspaceId,
};

use crate::access_check::Access;
use crate::config_error::ConfigError;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::transport_error::TransportError;

/// The runtime a blocking client runs on. Dropped with `shutdown_background`, so that
/// dropping the last client never blocks, and never panics even inside async code.
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// The blocking client: [`crate::Client`] with every `async fn` made synchronous.
#[derive(Clone)]
pub struct Client {
    inner: crate::client::Client,
    runtime: Arc<OwnedRuntime>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

/// Builds a blocking [`Client`]: the same settings as [`crate::builder::ClientBuilder`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientBuilder {
    inner: crate::builder::ClientBuilder,
}

impl ClientBuilder {
    /// A builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder with the settings found in the environment applied; see
    /// [`crate::builder::ClientBuilder::from_env`].
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is malformed.
    pub fn from_env() -> Result<Self, Error> {
        Ok(ClientBuilder {
            inner: crate::builder::ClientBuilder::from_env()?,
        })
    }

    /// See [`crate::builder::ClientBuilder::base_url`].
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.map(|b| b.base_url(url))
    }

    /// See [`crate::builder::ClientBuilder::api_key`].
    pub fn api_key(self, key: ApiKey) -> Self {
        self.map(|b| b.api_key(key))
    }

    /// See [`crate::builder::ClientBuilder::workspace`].
    pub fn workspace(self, id: WorkspaceId) -> Self {
        self.map(|b| b.workspace(id))
    }

    /// See [`crate::builder::ClientBuilder::session`].
    pub fn session(self, id: SessionId) -> Self {
        self.map(|b| b.session(id))
    }

    /// See [`crate::builder::ClientBuilder::rate_limit`].
    pub fn rate_limit(self, limit: RateLimit) -> Self {
        self.map(|b| b.rate_limit(limit))
    }

    /// See [`crate::builder::ClientBuilder::rate_limit_store`].
    pub fn rate_limit_store(self, store: impl Into<crate::RateLimitStore>) -> Self {
        self.map(|b| b.rate_limit_store(store))
    }

    /// See [`crate::builder::ClientBuilder::safety_margin`].
    pub fn safety_margin(self, margin: Duration) -> Self {
        self.map(|b| b.safety_margin(margin))
    }

    /// See [`crate::builder::ClientBuilder::retry_policy`].
    pub fn retry_policy(self, policy: RetryPolicy) -> Self {
        self.map(|b| b.retry_policy(policy))
    }

    /// See [`crate::builder::ClientBuilder::connect_timeout`].
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.connect_timeout(timeout))
    }

    /// See [`crate::builder::ClientBuilder::timeout`].
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// See [`crate::builder::ClientBuilder::allow_insecure_http`].
    pub fn allow_insecure_http(self, yes: bool) -> Self {
        self.map(|b| b.allow_insecure_http(yes))
    }

    /// See [`crate::builder::ClientBuilder::validate_before_send`].
    pub fn validate_before_send(self, yes: bool) -> Self {
        self.map(|b| b.validate_before_send(yes))
    }

    /// See [`crate::builder::ClientBuilder::add_root_certificate_pem`].
    pub fn add_root_certificate_pem(self, pem: impl AsRef<[u8]>) -> Self {
        self.map(|b| b.add_root_certificate_pem(pem))
    }

    fn map(
        self,
        f: impl FnOnce(crate::builder::ClientBuilder) -> crate::builder::ClientBuilder,
    ) -> Self {
        ClientBuilder {
            inner: f(self.inner),
        }
    }

    /// Checks the settings, starts the runtime and builds the client.
    ///
    /// # Errors
    /// As [`crate::builder::ClientBuilder::build`], and [`Error::Config`] if the runtime cannot start.
    pub fn build(self) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("wasphere-blocking")
            .enable_all()
            .build()
            .map_err(|e| ConfigError::Runtime(TransportError::new(e)))?;
        let inner = {
            let _entered = runtime.enter();
            self.inner.build()?
        };
        Ok(Client {
            inner,
            runtime: Arc::new(OwnedRuntime(Some(runtime))),
        })
    }
}

impl From<crate::builder::ClientBuilder> for ClientBuilder {
    fn from(inner: crate::builder::ClientBuilder) -> Self {
        ClientBuilder { inner }
    }
}

impl Client {
    /// A builder with every default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment; see [`crate::Client::from_env`].
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is missing or malformed.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The async client inside, sharing everything with this one.
    pub fn as_async(&self) -> &crate::client::Client {
        &self.inner
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The workspace.
    pub fn workspace(&self) -> &WorkspaceId {
        self.inner.workspace()
    }

    /// The default session, if one was set.
    pub fn session(&self) -> Option<&SessionId> {
        self.inner.session()
    }

    /// The full URL a message of type `t` is posted to with `session`.
    pub fn endpoint(&self, session: &SessionId, t: MessageType) -> String {
        self.inner.endpoint(session, t)
    }

    /// Sends `message` with the default session; see [`crate::Client::send`].
    ///
    /// # Errors
    /// As [`crate::Client::send`], and [`Error::Config`] when called from async code.
    pub fn send(&self, message: &Message) -> Result<SendResponse, Error> {
        self.block_on(self.inner.send(message))
    }

    /// Sends `message` with `session`; see [`crate::Client::send_with_session`].
    ///
    /// # Errors
    /// As [`crate::Client::send_with_session`], and [`Error::Config`] when called from
    /// async code.
    pub fn send_with_session(
        &self,
        session: &SessionId,
        message: &Message,
    ) -> Result<SendResponse, Error> {
        self.block_on(self.inner.send_with_session(session, message))
    }

    /// Checks the setup without sending a message; see [`crate::Client::check_access`].
    ///
    /// # Errors
    /// As [`crate::Client::check_access`], and [`Error::Config`] when called from async code.
    pub fn check_access(&self) -> Result<Access, Error> {
        self.block_on(self.inner.check_access())
    }

    /// Checks the setup for `session` without sending a message; see
    /// [`crate::Client::check_access_with_session`].
    ///
    /// # Errors
    /// As [`crate::Client::check_access_with_session`], and [`Error::Config`] when called
    /// from async code.
    pub fn check_access_with_session(&self, session: &SessionId) -> Result<Access, Error> {
        self.block_on(self.inner.check_access_with_session(session))
    }

    pub(crate) fn block_on<T>(
        &self,
        future: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            // Blocking a runtime's thread would stall it (tokio panics instead).
            return Err(ConfigError::BlockingInAsync.into());
        }
        match &self.runtime.0 {
            Some(runtime) => runtime.block_on(future),
            None => Err(ConfigError::RuntimeStopped.into()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .api_key("wsk_test_blocking_secret".parse().unwrap())
            .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
            .session("s".parse().unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn invalid_messages_fail_without_a_request() {
        let e = client().send_text("+92 300", "").unwrap_err();
        assert!(matches!(e, Error::Validation(_)), "{e:?}");
    }

    #[test]
    fn debug_is_redacted() {
        let shown = format!("{:?}", client());
        assert!(!shown.contains("blocking_secret"), "{shown}");
    }

    #[tokio::test]
    async fn refuses_to_block_inside_async_code_and_drops_cleanly() {
        let c = tokio::task::spawn_blocking(client).await.unwrap();
        let e = c.send_text("923001234567", "hi").unwrap_err();
        assert_eq!(e, Error::Config(ConfigError::BlockingInAsync));
        drop(c); // shutdown_background: no panic inside a runtime
    }

    #[test]
    fn send_futures_and_clients_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        fn assert_send<T: Send>(_: &T) {}
        assert_send_sync::<crate::client::Client>();
        assert_send_sync::<Client>();
        assert_send_sync::<RetryPolicy>();
        assert_send_sync::<Error>();
        let client = crate::builder::ClientBuilder::new()
            .base_url("http://127.0.0.1:9")
            .api_key("wsk_test_x".parse().unwrap())
            .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
            .build()
            .unwrap();
        let message = wasphere_types::Message::from(wasphere_types::Text::new("1", "x"));
        let future = client.send(&message);
        assert_send(&future);
        drop(future);
    }
}

//! `ConfigError`: a client that cannot be built, or cannot be used where it was called.

use wasphere_types::{InvalidApiKey, InvalidRateLimit, InvalidSessionId, InvalidWorkspaceId};

use crate::connection::{
    ENV_API_KEY, ENV_BASE_URL, ENV_REDIS_URL, ENV_SESSION, ENV_WORKSPACE, InvalidBaseUrl,
};
use crate::store_error::RateLimitStoreError;
use crate::transport_error::TransportError;

/// What is wrong with the client's settings ([`Error::Config`](crate::Error::Config)).
/// Nothing was sent. The API key is never quoted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No base URL was set.
    #[error("no base URL: set ClientBuilder::base_url or {ENV_BASE_URL}")]
    NoBaseUrl,
    /// No API key was set.
    #[error("no API key: set ClientBuilder::api_key or {ENV_API_KEY}")]
    NoApiKey,
    /// No workspace was set.
    #[error("no workspace: set ClientBuilder::workspace or {ENV_WORKSPACE}")]
    NoWorkspace,
    /// `send` was called on a client without a default session.
    #[error("no session: set ClientBuilder::session or {ENV_SESSION}, or use send_with_session")]
    NoSession,
    /// The base URL breaks a rule.
    #[error(transparent)]
    BaseUrl(#[from] InvalidBaseUrl),
    /// `WASPHERE_API_KEY` is not an API key.
    #[error("{ENV_API_KEY}: {0}")]
    ApiKeyVariable(#[source] InvalidApiKey),
    /// `WASPHERE_WORKSPACE` is not a workspace UUID.
    #[error("{ENV_WORKSPACE}: {0}")]
    WorkspaceVariable(#[source] InvalidWorkspaceId),
    /// `WASPHERE_SESSION` is not a session id.
    #[error("{ENV_SESSION}: {0}")]
    SessionVariable(#[source] InvalidSessionId),
    /// `WASPHERE_REDIS_URL` is not a usable Redis URL (its password is never quoted).
    #[error("{ENV_REDIS_URL}: {0}")]
    RedisUrlVariable(#[source] RateLimitStoreError),
    /// `WASPHERE_REDIS_URL` is set, but this build has no Redis support: ignoring it would
    /// leave every process with a limit of its own.
    #[error("{ENV_REDIS_URL} is set, but wasphere-client was built without its `redis` feature")]
    RedisNotCompiled,
    /// The rate limit lets nothing through or has an impossible window.
    #[error(transparent)]
    RateLimit(#[from] InvalidRateLimit),
    /// A timeout is zero.
    #[error("timeouts must be longer than zero")]
    ZeroTimeout,
    /// The safety margin is longer than a minute.
    #[error("the safety margin must be at most a minute")]
    SafetyMargin,
    /// A root certificate file holds no PEM certificate.
    #[error("the root certificate holds no PEM certificate")]
    RootCertificate,
    /// The API key cannot be put in an HTTP header.
    #[error("the API key cannot be sent in an HTTP header")]
    KeyNotAHeader,
    /// The HTTP client could not be set up.
    #[error("could not set up the HTTP client: {0}")]
    Http(#[source] TransportError),
    /// The blocking client's runtime could not start.
    #[error("could not start the blocking client's runtime: {0}")]
    Runtime(#[source] TransportError),
    /// The blocking client was called from async code, where blocking would stall the
    /// runtime.
    #[error("the blocking client was called from async code; use wasphere_client::Client there")]
    BlockingInAsync,
    /// The blocking client's runtime has stopped.
    #[error("the blocking client's runtime has stopped")]
    RuntimeStopped,
}

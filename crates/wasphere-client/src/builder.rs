//! `ClientBuilder`: every setting of a [`Client`], with obvious defaults.

use std::time::Duration;

use wasphere_types::{ApiKey, RateLimit, SessionId, WorkspaceId};

use crate::client::{Client, Inner};
use crate::config_error::ConfigError;
use crate::connection::BaseUrl;
use crate::error::Error;
use crate::rate_limit_store::RateLimitStore;
use crate::retry::RetryPolicy;
use crate::transport::{Transport, TransportConfig};

/// The largest safety margin accepted: a minute.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// Builds a [`Client`]. Base URL, API key and workspace are required; everything else has
/// a default:
///
/// | setting | default |
/// |---|---|
/// | [`session`](Self::session) | none: pass one to [`Client::send_with_session`] |
/// | [`rate_limit`](Self::rate_limit) | 60 per 60 s, sliding, per key |
/// | [`rate_limit_store`](Self::rate_limit_store) | in this process |
/// | [`safety_margin`](Self::safety_margin) | 250 ms added to the window |
/// | [`retry_policy`](Self::retry_policy) | [`RetryPolicy::default`]: never risks a duplicate |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`timeout`](Self::timeout) | 30 s per attempt |
/// | [`allow_insecure_http`](Self::allow_insecure_http) | false: `http://` only to loopback |
/// | [`validate_before_send`](Self::validate_before_send) | true |
///
/// `Debug` shows the key's prefix only.
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) workspace: Option<WorkspaceId>,
    pub(crate) session: Option<SessionId>,
    rate_limit: RateLimit,
    rate_limit_store: RateLimitStore,
    safety_margin: Duration,
    retry_policy: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    allow_insecure_http: bool,
    validate: bool,
    root_certificates: PemFiles,
}

/// Extra trusted roots; `Debug` shows how many, not kilobytes of numbers.
#[derive(Clone, Default)]
struct PemFiles(Vec<Vec<u8>>);

impl std::fmt::Debug for PemFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} PEM file(s)", self.0.len())
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            api_key: None,
            workspace: None,
            session: None,
            rate_limit: RateLimit::default(),
            rate_limit_store: RateLimitStore::default(),
            safety_margin: Duration::from_millis(250),
            retry_policy: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            allow_insecure_http: false,
            validate: true,
            root_certificates: PemFiles::default(),
        }
    }
}

impl Client {
    /// A builder with every default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with every default and no server, key or workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// The deployment's base URL, e.g. `https://api.example.com` (WaSphere is self-hosted:
    /// there is no default). A path prefix is kept; a trailing `/` does not matter.
    /// [`build`](Self::build) checks it as [`BaseUrl::parse`] does.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key (`wsk_…`), sent as `Authorization: Bearer`.
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(key);
        self
    }

    /// The workspace UUID.
    pub fn workspace(mut self, id: WorkspaceId) -> Self {
        self.workspace = Some(id);
        self
    }

    /// The session [`Client::send`] and the shorthands use.
    pub fn session(mut self, id: SessionId) -> Self {
        self.session = Some(id);
        self
    }

    /// The client-side rate limit per key; [`RateLimit::Off`] to switch it off.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Where the rate limit's window is kept: in this process (the default), or in Redis
    /// ([`RedisLimitStore`](crate::RedisLimitStore), cargo feature `redis`) so that every
    /// process and machine sending with the key shares it, and a 429 seen by any of them
    /// pauses them all.
    pub fn rate_limit_store(mut self, store: impl Into<RateLimitStore>) -> Self {
        self.rate_limit_store = store.into();
        self
    }

    /// Added to the rate-limit window. Latency needs none of it: each slot's time moves to
    /// when its request's answer came (after the server counted the request), so a request
    /// a window later arrives a window later at least. The margin covers what is left:
    /// clocks (a server counting in whole milliseconds, drift, a clock stepped by NTP) and
    /// slots never settled (an attempt whose future was dropped mid-way, a settle Redis did
    /// not hear). Keep it well under the window.
    pub fn safety_margin(mut self, margin: Duration) -> Self {
        self.safety_margin = margin;
        self
    }

    /// Which failures are repeated, and within which budget.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// How long connecting (TCP and TLS) may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from connecting to the end of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows `http://` base URLs that are not loopback. The key then crosses the network
    /// in clear text: only for a trusted private network.
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// Whether messages are validated before sending (default true): an invalid message
    /// then costs no request and no rate-limit slot. Switch it off only to test a server.
    pub fn validate_before_send(mut self, yes: bool) -> Self {
        self.validate = yes;
        self
    }

    /// Also trusts the certificates of this PEM file (one or more `BEGIN CERTIFICATE`
    /// blocks): for a self-hosted deployment behind a private certificate authority. The
    /// built-in web roots stay trusted.
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.0.push(pem.as_ref().to_vec());
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL, key or workspace is missing, the URL is not a
    /// plain `https://` (or loopback `http://`) URL ([`BaseUrl::parse`]), or a limit or
    /// timeout is out of range.
    pub fn build(self) -> Result<Client, Error> {
        let raw_url = self.base_url.as_deref().ok_or(ConfigError::NoBaseUrl)?;
        let base_url =
            BaseUrl::parse(raw_url, self.allow_insecure_http).map_err(ConfigError::from)?;
        let key = self.api_key.ok_or(ConfigError::NoApiKey)?;
        let workspace = self.workspace.ok_or(ConfigError::NoWorkspace)?;
        if self.connect_timeout.is_zero() || self.timeout.is_zero() {
            return Err(ConfigError::ZeroTimeout.into());
        }
        if self.safety_margin > MAX_MARGIN {
            return Err(ConfigError::SafetyMargin.into());
        }
        let limiter = match self.rate_limit.check().map_err(ConfigError::from)? {
            RateLimit::Off => None,
            RateLimit::Window { max, window } => Some(self.rate_limit_store.limiter(
                base_url.as_str(),
                key.expose_secret(),
                max,
                window,
                self.safety_margin,
            )),
        };
        let transport = Transport::new(TransportConfig {
            key: &key,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            loopback: base_url.is_loopback(),
            root_certificates: &self.root_certificates.0,
        })?;
        Ok(Client::from_inner(Inner {
            base_url,
            workspace,
            session: self.session,
            transport,
            limiter,
            rate_limit: self.rate_limit,
            rate_limit_store: self.rate_limit_store,
            safety_margin: self.safety_margin,
            retry_policy: self.retry_policy,
            validate: self.validate,
        }))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasphere_types::InvalidRateLimit;

    use super::*;
    use crate::connection::BaseUrlProblem;

    const KEY: &str = "wsk_live_builder_secret_123";

    fn builder() -> ClientBuilder {
        Client::builder()
            .base_url("https://api.example.com/")
            .api_key(KEY.parse().unwrap())
            .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
            .session("my-session".parse().unwrap())
    }

    fn config_error(b: ClientBuilder) -> ConfigError {
        match b.build() {
            Err(Error::Config(e)) => e,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn base_urls_are_checked_by_the_one_check() {
        let with_url = |url: &str, insecure: bool| {
            builder()
                .base_url(url)
                .allow_insecure_http(insecure)
                .build()
        };
        let client = with_url("https://api.example.com/v1/", false).unwrap();
        assert_eq!(client.base_url(), "https://api.example.com/v1");
        assert!(with_url("http://sandbox.localhost:8080", false).is_ok());
        assert!(with_url("http://api.example.com", true).is_ok());
        for (url, problem) in [
            ("http://api.example.com", BaseUrlProblem::InsecureHttp),
            ("https://user:pw@h", BaseUrlProblem::Credentials),
            ("https://h/?x=1", BaseUrlProblem::QueryOrFragment),
        ] {
            let ConfigError::BaseUrl(e) = config_error(builder().base_url(url)) else {
                panic!("{url}: not a base URL error")
            };
            assert_eq!(e.problem(), &problem, "{url}");
        }
        let shown = with_url("https://user:pw@h", false)
            .unwrap_err()
            .to_string();
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn missing_and_invalid_settings() {
        assert_eq!(config_error(Client::builder()), ConfigError::NoBaseUrl);
        let no_key = ClientBuilder {
            api_key: None,
            ..builder()
        };
        assert_eq!(config_error(no_key), ConfigError::NoApiKey);
        let no_workspace = ClientBuilder {
            workspace: None,
            ..builder()
        };
        assert_eq!(config_error(no_workspace), ConfigError::NoWorkspace);
        assert_eq!(
            config_error(builder().rate_limit(RateLimit::Window {
                max: 0,
                window: Duration::from_secs(1)
            })),
            ConfigError::RateLimit(InvalidRateLimit::ZeroMax)
        );
        assert_eq!(
            config_error(builder().rate_limit(RateLimit::Window {
                max: 1,
                window: Duration::MAX
            })),
            ConfigError::RateLimit(InvalidRateLimit::WindowOutOfRange)
        );
        assert_eq!(
            config_error(builder().timeout(Duration::ZERO)),
            ConfigError::ZeroTimeout
        );
        assert_eq!(
            config_error(builder().add_root_certificate_pem("not a certificate")),
            ConfigError::RootCertificate
        );
        let shown = Error::from(ConfigError::NoBaseUrl).to_string();
        assert!(shown.contains("WASPHERE_BASE_URL"), "{shown}");
        assert!(
            builder()
                .session(SessionId::try_from("x".to_owned()).unwrap())
                .build()
                .is_ok()
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let b = builder();
        let shown = format!("{b:?}");
        assert!(shown.contains("wsk_live_"), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
        let client = b.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("builder_secret"), "{shown}");
        assert!(shown.contains("api.example.com"), "{shown}");
    }
}

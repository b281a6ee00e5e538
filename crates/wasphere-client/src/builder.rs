//! `ClientBuilder`: every setting of a [`Client`], with obvious defaults.

use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};
use wasphere_types::{ApiKey, SessionId, WorkspaceId};

use crate::client::Inner;
use crate::limiter;
use crate::transport::{Transport, TransportConfig};
use crate::{Client, Error, RateLimit, RetryPolicy};

/// The largest safety margin accepted: a minute.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// Builds a [`Client`]. Base URL, API key and workspace are required; everything else has
/// a default:
///
/// | setting | default |
/// |---|---|
/// | [`session`](Self::session) | none: pass one to [`Client::send_with_session`] |
/// | [`rate_limit`](Self::rate_limit) | 60 per 60 s, sliding, per key |
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

impl ClientBuilder {
    /// A builder with every default and no server, key or workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// The deployment's base URL, e.g. `https://api.example.com` (WaSphere is self-hosted:
    /// there is no default). A path prefix is kept; a trailing `/` does not matter.
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

    /// Added to the rate-limit window, so that requests admitted exactly one window apart
    /// still arrive one window apart despite network jitter. Keep it well under the window.
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
    /// plain `https://` (or loopback `http://`) URL, or a limit or timeout is out of range.
    pub fn build(self) -> Result<Client, Error> {
        let config = |m: &str| Error::Config(m.to_owned());
        let raw_url = self.base_url.as_deref().ok_or_else(|| {
            config("no base URL: set ClientBuilder::base_url or WASPHERE_BASE_URL")
        })?;
        let (base_url, loopback) = check_base_url(raw_url, self.allow_insecure_http)?;
        let key = self
            .api_key
            .ok_or_else(|| config("no API key: set ClientBuilder::api_key or WASPHERE_API_KEY"))?;
        let workspace = self.workspace.ok_or_else(|| {
            config("no workspace: set ClientBuilder::workspace or WASPHERE_WORKSPACE")
        })?;
        if self.connect_timeout.is_zero() || self.timeout.is_zero() {
            return Err(config("timeouts must be longer than zero"));
        }
        if self.safety_margin > MAX_MARGIN {
            return Err(config("the safety margin must be at most a minute"));
        }
        let limiter = match self
            .rate_limit
            .check()
            .map_err(|e| config(&e.to_string()))?
        {
            RateLimit::Off => None,
            RateLimit::Window { max, window } => Some(limiter::shared(
                &base_url,
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
            loopback,
            root_certificates: &self.root_certificates.0,
        })?;
        Ok(Client::from_inner(Inner {
            prefix: format!("{base_url}/workspaces/{workspace}/proxy/api/sessions/"),
            base_url,
            workspace,
            session: self.session,
            key_prefix: key.redacted_prefix().to_owned(),
            transport,
            limiter,
            rate_limit: self.rate_limit,
            safety_margin: self.safety_margin,
            retry_policy: self.retry_policy,
            validate: self.validate,
        }))
    }
}

/// Checks a base URL and returns it without a trailing `/`, and whether it is loopback.
fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<(String, bool), Error> {
    // A URL with a user, query or fragment may carry a credential: it is not echoed.
    let shown = if raw.contains(['@', '?', '#']) || raw.contains(ApiKey::PREFIX) {
        String::new()
    } else {
        format!(" {raw:?}")
    };
    let bad = |why: &str| Error::Config(format!("invalid base URL{shown}: {why}"));
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoing the URL: it holds a credential.
        return Err(Error::Config(
            "invalid base URL: it must not contain a user name or password".to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    let loopback = match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(bad("it has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || allow_insecure_http => {}
        "http" => {
            return Err(bad(
                "http:// would send the API key in clear text; use https://, a loopback address, or ClientBuilder::allow_insecure_http(true)",
            ));
        }
        other => return Err(bad(&format!("the scheme must be https, not {other}"))),
    }
    Ok((url.as_str().trim_end_matches('/').to_owned(), loopback))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const KEY: &str = "wsk_live_builder_secret_123";

    fn builder() -> ClientBuilder {
        Client::builder()
            .base_url("https://api.example.com/")
            .api_key(KEY.parse().unwrap())
            .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
            .session("my-session".parse().unwrap())
    }

    fn config_error(b: ClientBuilder) -> String {
        match b.build() {
            Err(Error::Config(m)) => m,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn base_urls() {
        let ok = |u: &str| check_base_url(u, false).map(|(b, _)| b);
        assert_eq!(
            ok("https://api.example.com/").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(ok("https://h/api/v1/").unwrap(), "https://h/api/v1");
        assert_eq!(
            ok("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(ok("http://[::1]:1").unwrap(), "http://[::1]:1");
        assert!(ok("http://localhost:3000").is_ok());
        assert!(ok("http://api.example.com").is_err());
        assert!(check_base_url("http://api.example.com", true).is_ok());
        assert!(ok("ftp://h").is_err());
        assert!(ok("https://h/?x=1").is_err());
        assert!(ok("not a url").is_err());
        let e = ok("https://user:pw@h").unwrap_err();
        assert!(!e.to_string().contains("pw"), "{e}");
        let e = ok("https://h/?key=wsk_live_hidden").unwrap_err();
        assert!(!e.to_string().contains("hidden"), "{e}");
        let e = ok("ftp://h").unwrap_err();
        assert!(e.to_string().contains("ftp://h"), "{e}");
    }

    #[test]
    fn missing_and_invalid_settings() {
        assert!(config_error(Client::builder()).contains("base URL"));
        let no_key = ClientBuilder {
            api_key: None,
            ..builder()
        };
        assert!(config_error(no_key).contains("API key"));
        let no_workspace = ClientBuilder {
            workspace: None,
            ..builder()
        };
        assert!(config_error(no_workspace).contains("workspace"));
        assert!(
            config_error(builder().rate_limit(RateLimit::Window {
                max: 0,
                window: Duration::from_secs(1)
            }))
            .contains("at least one")
        );
        assert!(
            config_error(builder().rate_limit(RateLimit::Window {
                max: 1,
                window: Duration::MAX
            }))
            .contains("window")
        );
        assert!(config_error(builder().timeout(Duration::ZERO)).contains("timeouts"));
        assert!(
            config_error(builder().add_root_certificate_pem("not a certificate"))
                .contains("certificate")
        );
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

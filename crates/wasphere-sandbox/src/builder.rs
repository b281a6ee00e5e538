//! `Sandbox::builder()`: what the emulated server knows before it starts.

use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use wasphere_types::webhook::WebhookSecret;
use wasphere_types::{ApiKey, InvalidApiKey, RateLimit, SessionId, WorkspaceId};

use crate::faults::FaultRule;
use crate::records::DEFAULT_RECORD_LIMIT;
use crate::webhook_delivery::StatusDelays;

/// The API key a default sandbox accepts, with `messages:send` on every session.
pub const DEFAULT_API_KEY: &str = "wsk_test_sandbox";
/// The workspace id of a default sandbox.
pub const DEFAULT_WORKSPACE: &str = "00000000-0000-4000-8000-000000000000";
/// The one connected session of a default sandbox.
pub const DEFAULT_SESSION: &str = "my-session";

/// The WaSphere API emulator. Start one with [`Sandbox::builder`].
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// A builder with the documented defaults: API key [`DEFAULT_API_KEY`], workspace
    /// [`DEFAULT_WORKSPACE`], one connected session [`DEFAULT_SESSION`], 60 sends per
    /// minute per key, on `127.0.0.1` at a free port.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// An API key the sandbox accepts, with its permissions and optional session scope.
///
/// ```
/// use wasphere_sandbox::KeyConfig;
/// // A key that may only read: sends get 403.
/// let read_only = KeyConfig::new("wsk_test_readonly").permissions(&["messages:read"]);
/// // A key bound to one session: sends to any other get 403.
/// let scoped = KeyConfig::new("wsk_test_scoped").session_scope("support");
/// # let _ = (read_only, scoped);
/// ```
#[derive(Clone)]
pub struct KeyConfig {
    /// Checked when the sandbox starts, so that `new` stays infallible.
    pub(crate) key: Result<ApiKey, InvalidApiKey>,
    pub(crate) permissions: Vec<String>,
    pub(crate) session_scope: Option<String>,
}

impl KeyConfig {
    /// A key with the `messages:send` permission, usable on every session. It must start
    /// with `wsk_` (the server treats other bearer tokens as dashboard logins), or
    /// [`SandboxBuilder::start`] fails.
    pub fn new(key: &str) -> Self {
        KeyConfig {
            key: ApiKey::new(key),
            permissions: vec!["messages:send".to_owned()],
            session_scope: None,
        }
    }

    /// Replaces the key's permissions (sends need `messages:send`).
    pub fn permissions(mut self, p: &[&str]) -> Self {
        self.permissions = p.iter().map(|&s| s.to_owned()).collect();
        self
    }

    /// Binds the key to one session.
    pub fn session_scope(mut self, s: &str) -> Self {
        self.session_scope = Some(s.to_owned());
        self
    }
}

impl std::fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret even in a sandbox: people paste real keys into configs.
        let key: &dyn std::fmt::Debug = match &self.key {
            Ok(key) => key,
            Err(e) => e,
        };
        f.debug_struct("KeyConfig")
            .field("key", key)
            .field("permissions", &self.permissions)
            .field("session_scope", &self.session_scope)
            .finish()
    }
}

/// How long a connection may take to send a request or sit unused, and how many may be
/// open at once. The defaults suit tests and demos; a sandbox exposed to a network keeps
/// them, so slow or idle connections cannot exhaust its file descriptors.
///
/// ```
/// use std::time::Duration;
/// use wasphere_sandbox::{ConnectionLimits, Sandbox};
/// let builder = Sandbox::builder().connection_limits(ConnectionLimits {
///     request_timeout: Duration::from_secs(5),
///     ..ConnectionLimits::default()
/// });
/// # let _ = builder;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request must arrive whole (head and body) within this time of its first byte;
    /// a connection that is slower is closed (a late body gets 408). Default 30 s.
    pub request_timeout: Duration,
    /// A connection with no request in progress is closed after this long. Default 60 s.
    pub idle_timeout: Duration,
    /// At most this many connections are served at once; more wait to be accepted until
    /// one closes. Default 1024.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Configures and starts a sandbox. Every setting has a default.
#[derive(Debug)]
pub struct SandboxBuilder {
    pub(crate) addr: SocketAddr,
    pub(crate) workspace: WorkspaceId,
    /// `(name, connected)`.
    pub(crate) sessions: Vec<(String, bool)>,
    /// Sessions (also in `sessions`) on the Meta (Cloud API) provider.
    pub(crate) meta_sessions: Vec<String>,
    pub(crate) keys: Vec<KeyConfig>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) webhook: Option<(String, WebhookSecret)>,
    pub(crate) webhook_retry_delays: Vec<Duration>,
    pub(crate) status_delays: Option<StatusDelays>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) record_limit: usize,
    pub(crate) limits: ConnectionLimits,
    /// Recipients that are not on WhatsApp: sends to them get 422.
    pub(crate) unreachable: HashSet<String>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            workspace: default_workspace(),
            sessions: Vec::new(),
            meta_sessions: Vec::new(),
            keys: Vec::new(),
            rate_limit: RateLimit::default(),
            webhook: None,
            webhook_retry_delays: vec![
                Duration::from_secs(1),
                Duration::from_secs(5),
                Duration::from_secs(30),
            ],
            status_delays: None,
            faults: Vec::new(),
            record_limit: DEFAULT_RECORD_LIMIT,
            limits: ConnectionLimits::default(),
            unreachable: HashSet::new(),
        }
    }
}

/// [`DEFAULT_WORKSPACE`] as a [`WorkspaceId`].
pub fn default_workspace() -> WorkspaceId {
    // A constant, checked by a unit test; no input reaches this.
    DEFAULT_WORKSPACE
        .parse()
        .unwrap_or_else(|_| unreachable!("DEFAULT_WORKSPACE is a UUID"))
}

impl SandboxBuilder {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The workspace id the URL must carry (default [`DEFAULT_WORKSPACE`]).
    pub fn workspace(mut self, id: WorkspaceId) -> Self {
        self.workspace = id;
        self
    }

    /// Adds a connected session. If no session is added, [`DEFAULT_SESSION`] exists.
    pub fn session(mut self, name: &str) -> Self {
        self.sessions.push((name.to_owned(), true));
        self
    }

    /// Adds a session that exists but is not connected: sends to it get
    /// `500 {"error":"Session not connected"}`.
    pub fn disconnected_session(mut self, name: &str) -> Self {
        self.sessions.push((name.to_owned(), false));
        self
    }

    /// Adds a connected session on the Meta (Cloud API) provider, which the server serves
    /// with fewer capabilities: sends of `poll`, `gif` and `view-once` answer
    /// `501 CAPABILITY_NOT_SUPPORTED`; edit, delete, typing and presence answer the
    /// server's `501 "… is not supported on the Meta Cloud API provider."`; mark read
    /// answers `{"status": "ok"}`.
    pub fn meta_session(mut self, name: &str) -> Self {
        self.sessions.push((name.to_owned(), true));
        self.meta_sessions.push(name.to_owned());
        self
    }

    /// Adds an API key. If none is added, [`DEFAULT_API_KEY`] exists with `messages:send`.
    pub fn api_key(mut self, key: KeyConfig) -> Self {
        self.keys.push(key);
        self
    }

    /// The rate limit of every key (default 60 per 60 s).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Sends signed webhooks to `url`: `message.sent` for every accepted message, and
    /// `message.received` for simulated replies.
    pub fn webhook(mut self, url: impl Into<String>, secret: WebhookSecret) -> Self {
        self.webhook = Some((url.into(), secret));
        self
    }

    /// The waits before each retry of a failed delivery (default 1 s, 5 s, 30 s, as the
    /// server does; tests scale them down).
    pub fn webhook_retry_delays(mut self, delays: Vec<Duration>) -> Self {
        self.webhook_retry_delays = delays;
        self
    }

    /// After each accepted send, also reports its delivery as the server does: a
    /// `messages.update` with status 3 (delivered) `delivered_after` the send, and one with
    /// status 4 (read) `read_after` it. Off by default.
    pub fn message_statuses(mut self, delivered_after: Duration, read_after: Duration) -> Self {
        self.status_delays = Some(StatusDelays {
            delivered_after,
            read_after,
        });
        self
    }

    /// Adds a fault rule in force from the start.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Whether to keep accepted messages for [`RunningSandbox::messages`](crate::RunningSandbox::messages):
    /// `true` keeps the last [`DEFAULT_RECORD_LIMIT`] (the default), `false` none (see
    /// [`SandboxBuilder::record_limit`]).
    pub fn record_messages(self, on: bool) -> Self {
        self.record_limit(if on { DEFAULT_RECORD_LIMIT } else { 0 })
    }

    /// Keeps the last `messages` accepted messages and webhook delivery attempts (default
    /// [`DEFAULT_RECORD_LIMIT`]; 0 keeps none), with at most
    /// [`MAX_RECORD_BYTES`](crate::MAX_RECORD_BYTES) of bodies: memory stays flat however
    /// long the sandbox runs. Counters ([`RunningSandbox::status_counts`](crate::RunningSandbox::status_counts)) count everything.
    pub fn record_limit(mut self, messages: usize) -> Self {
        self.record_limit = messages;
        self
    }

    /// Timeouts and the connection cap (see [`ConnectionLimits`]).
    pub fn connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Makes `recipient` a number that is not on WhatsApp: a valid send to it is answered
    /// `422 {"error": "…"}`, as the server answers, and nothing is recorded. Give the digits
    /// (`923009999999`); a JID with those digits (`923009999999@s.whatsapp.net`) is refused
    /// too.
    ///
    /// ```
    /// use wasphere_sandbox::Sandbox;
    /// let builder = Sandbox::builder().unreachable("923009999999").unreachable("447700900999");
    /// # let _ = builder;
    /// ```
    pub fn unreachable(mut self, recipient: impl Into<String>) -> Self {
        self.unreachable.insert(recipient.into());
        self
    }

    /// Fills in the defaults and checks the configuration: see
    /// [`SandboxBuilder::start`](crate::SandboxBuilder::start).
    pub(crate) fn checked(mut self) -> io::Result<Self> {
        if self.sessions.is_empty() {
            self.sessions.push((DEFAULT_SESSION.to_owned(), true));
        }
        if self.keys.is_empty() {
            self.keys.push(KeyConfig::new(DEFAULT_API_KEY));
        }
        for (name, _) in &self.sessions {
            if !SessionId::is_valid(name) {
                return Err(invalid(format!(
                    "session name {name:?} is not a valid session id (1 to 64 of a-z, A-Z, 0-9, _ and -)"
                )));
            }
        }
        for key in &self.keys {
            if let Err(e) = &key.key {
                return Err(invalid(format!(
                    "an API key of the sandbox is invalid: {e}"
                )));
            }
        }
        if let Some((url, _)) = &self.webhook {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| invalid(format!("webhook URL {url:?}: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(invalid(format!("webhook URL {url:?} is not http or https")));
            }
        }
        self.rate_limit
            .check()
            .map_err(|e| invalid(e.to_string()))?;
        let ConnectionLimits {
            request_timeout,
            idle_timeout,
            max_connections,
        } = self.limits;
        if request_timeout.is_zero() || idle_timeout.is_zero() || max_connections == 0 {
            return Err(invalid(format!(
                "connection limits must be above zero: {:?}",
                self.limits
            )));
        }
        for rule in &self.faults {
            rule.check().map_err(|e| invalid(e.to_string()))?;
        }
        Ok(self)
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_workspace_is_the_documented_one() {
        assert_eq!(default_workspace().to_string(), DEFAULT_WORKSPACE);
    }

    #[test]
    fn key_config_debug_hides_the_key() {
        let k = KeyConfig::new("wsk_live_supersecretvalue");
        let shown = format!("{k:?}");
        assert!(!shown.contains("supersecret"), "{shown}");
        assert!(shown.contains("wsk_live_"), "{shown}");
    }

    #[test]
    fn refuses_bad_configuration() {
        for builder in [
            Sandbox::builder().session("no spaces"),
            Sandbox::builder().api_key(KeyConfig::new("sk_live_x")),
            Sandbox::builder().webhook("ftp://x", WebhookSecret::new("s")),
            Sandbox::builder().fault(FaultRule::next(1, crate::faults::Fault::Status(200))),
            Sandbox::builder().connection_limits(ConnectionLimits {
                max_connections: 0,
                ..ConnectionLimits::default()
            }),
            Sandbox::builder().rate_limit(RateLimit::Window {
                max: 0,
                window: Duration::from_secs(1),
            }),
        ] {
            let err = builder.checked().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
        }
    }
}

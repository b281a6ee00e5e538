//! Where messages go: the deployment's base URL (checked once, here, for every user of
//! the toolkit), the endpoint URL built from it, and the environment variables that name
//! the connection settings.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};
use wasphere_types::{ApiKey, MessageType, OperationPath, SessionId, WorkspaceId};

/// The variable holding the base URL.
pub const ENV_BASE_URL: &str = "WASPHERE_BASE_URL";
/// The variable holding the API key.
pub const ENV_API_KEY: &str = "WASPHERE_API_KEY";
/// The variable holding the workspace UUID.
pub const ENV_WORKSPACE: &str = "WASPHERE_WORKSPACE";
/// The variable holding the default session (optional).
pub const ENV_SESSION: &str = "WASPHERE_SESSION";
/// The environment variable of the Redis URL that makes the rate limit shared by every
/// process using it ([`RedisLimitStore`](crate::RateLimitStore), cargo feature `redis`).
pub const ENV_REDIS_URL: &str = "WASPHERE_REDIS_URL";

/// The base URL of a WaSphere deployment (WaSphere is self-hosted: there is no default),
/// checked so that the API key only ever travels where it should:
///
/// - `https://`, or `http://` to this machine (`localhost`, `*.localhost`, `127.0.0.0/8`,
///   `::1`); `http://` elsewhere only when insecure HTTP is allowed explicitly;
/// - no user name or password, query or fragment (they are where credentials hide, and
///   such a URL is not quoted back in the error);
/// - a path prefix is kept; a trailing `/` does not matter.
///
/// ```
/// use wasphere_client::BaseUrl;
/// use wasphere_client::types::MessageType;
///
/// let base = BaseUrl::parse("https://api.example.com/", false)?;
/// let url = base.endpoint(
///     &"be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?,
///     &"my-session".parse()?,
///     MessageType::ViewOnce,
/// );
/// assert_eq!(
///     url,
///     "https://api.example.com/workspaces/be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8/proxy/api/sessions/my-session/messages/view-once"
/// );
/// assert!(BaseUrl::parse("http://sandbox.localhost:8080", false)?.is_loopback());
/// assert!(BaseUrl::parse("http://api.example.com", false).is_err());
/// assert!(BaseUrl::parse("https://user:pw@api.example.com", false).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// Without a trailing `/`.
    url: String,
    loopback: bool,
}

/// Why a base URL was refused. It quotes the URL unless the URL may hold a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base URL{}: {problem}", Quoted(url))]
pub struct InvalidBaseUrl {
    /// The URL as given, or `None` when it is not shown because it may hold a credential.
    url: Option<String>,
    problem: BaseUrlProblem,
}

/// What is wrong with a base URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// It cannot be read as a URL.
    #[error("it is not a URL ({reason})")]
    NotAUrl {
        /// What the URL parser said.
        reason: String,
    },
    /// It has a user name or password.
    #[error("it must not contain a user name or password")]
    Credentials,
    /// It has a query or a fragment.
    #[error("it must not have a query or fragment")]
    QueryOrFragment,
    /// It names no host.
    #[error("it has no host")]
    NoHost,
    /// Its scheme is neither `https` nor `http`.
    #[error("the scheme must be https, not {scheme}")]
    Scheme {
        /// The scheme found.
        scheme: String,
    },
    /// `http://` to another machine, which insecure HTTP was not allowed for.
    #[error(
        "plain http:// to a host that is not this machine would send the API key unencrypted; use https:// or a loopback address, or allow insecure HTTP explicitly"
    )]
    InsecureHttp,
}

impl InvalidBaseUrl {
    /// What is wrong.
    pub fn problem(&self) -> &BaseUrlProblem {
        &self.problem
    }
}

/// ` "the url"`, or nothing when the URL is not to be shown.
struct Quoted<'a>(&'a Option<String>);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(url) => write!(f, " {url:?}"),
            None => Ok(()),
        }
    }
}

impl BaseUrl {
    /// Checks `raw` (surrounding white space is ignored). `allow_insecure_http` lets
    /// `http://` reach hosts that are not this machine: the key then crosses the network
    /// in clear text, so only for a trusted private network.
    ///
    /// # Errors
    /// [`InvalidBaseUrl`], saying which rule the URL breaks.
    pub fn parse(raw: &str, allow_insecure_http: bool) -> Result<BaseUrl, InvalidBaseUrl> {
        let raw = raw.trim();
        // A URL with a user, query or fragment may carry a credential: it is not echoed.
        let shown = (!raw.contains(['@', '?', '#']) && !raw.contains(ApiKey::PREFIX))
            .then(|| raw.to_owned());
        let refuse = |problem: BaseUrlProblem| InvalidBaseUrl {
            url: shown.clone(),
            problem,
        };
        let url = Url::parse(raw).map_err(|e| {
            refuse(BaseUrlProblem::NotAUrl {
                reason: e.to_string(),
            })
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(BaseUrlProblem::Credentials));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(refuse(BaseUrlProblem::QueryOrFragment));
        }
        let loopback = match url.host() {
            Some(Host::Domain(domain)) => {
                let domain = domain.to_ascii_lowercase();
                domain == "localhost" || domain.ends_with(".localhost")
            }
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => return Err(refuse(BaseUrlProblem::NoHost)),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback || allow_insecure_http => {}
            "http" => return Err(refuse(BaseUrlProblem::InsecureHttp)),
            other => {
                return Err(refuse(BaseUrlProblem::Scheme {
                    scheme: other.to_owned(),
                }));
            }
        }
        Ok(BaseUrl {
            url: url.as_str().trim_end_matches('/').to_owned(),
            loopback,
        })
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether the host is this machine (so `http://` is fine and no proxy applies).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The URL a message of type `message_type` is posted to:
    /// `{base}/workspaces/{workspace}/proxy/api/sessions/{session}/messages/{type}`.
    pub fn endpoint(
        &self,
        workspace: &WorkspaceId,
        session: &SessionId,
        message_type: MessageType,
    ) -> String {
        self.messages_url(workspace, session, message_type.as_str())
    }

    /// The URL of an operation on messages (contract section 6), without the query string
    /// of a delete: `{base}/workspaces/{workspace}/proxy/api/sessions/{session}/messages/`
    /// then `{messageId}/edit`, `{messageId}`, `read`, `typing` or `presence`.
    ///
    /// ```
    /// use wasphere_client::BaseUrl;
    /// use wasphere_client::types::OperationPath;
    ///
    /// let base = BaseUrl::parse("https://api.example.com", false)?;
    /// let workspace = "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?;
    /// let id = "3EB0C767D097B7C7A5C1".parse()?;
    /// let url = base.operation_endpoint(&workspace, &"my-session".parse()?, &OperationPath::Edit(&id));
    /// assert!(url.ends_with("/sessions/my-session/messages/3EB0C767D097B7C7A5C1/edit"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn operation_endpoint(
        &self,
        workspace: &WorkspaceId,
        session: &SessionId,
        path: &OperationPath<'_>,
    ) -> String {
        self.messages_url(workspace, session, &path.tail())
    }

    /// `{base}/workspaces/{workspace}/proxy/api/sessions/{session}/messages/{tail}`.
    fn messages_url(&self, workspace: &WorkspaceId, session: &SessionId, tail: &str) -> String {
        format!(
            "{}/workspaces/{workspace}/proxy/api/sessions/{session}/messages/{tail}",
            self.url
        )
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl From<BaseUrl> for String {
    fn from(base: BaseUrl) -> String {
        base.url
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        BaseUrl::parse(raw, false).unwrap().as_str().to_owned()
    }

    fn problem(raw: &str) -> BaseUrlProblem {
        BaseUrl::parse(raw, false).unwrap_err().problem().clone()
    }

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        assert_eq!(ok(" https://api.example.com/ "), "https://api.example.com");
        assert_eq!(ok("https://h/api/v1/"), "https://h/api/v1");
        assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(ok("http://[::1]:1"), "http://[::1]:1");
        for loopback in [
            "http://localhost:3000",
            "http://LOCALHOST",
            "http://sandbox.localhost:8080",
            "http://127.0.0.2",
        ] {
            let base = BaseUrl::parse(loopback, false).unwrap();
            assert!(base.is_loopback(), "{loopback}");
        }
        assert!(!BaseUrl::parse("https://h", false).unwrap().is_loopback());
        assert_eq!(
            problem("http://api.example.com"),
            BaseUrlProblem::InsecureHttp
        );
        assert_eq!(
            problem("http://localhost.example.com"),
            BaseUrlProblem::InsecureHttp,
            "only the .localhost domain is loopback, not a name that starts with it"
        );
        assert!(BaseUrl::parse("http://api.example.com", true).is_ok());
    }

    #[test]
    fn refusals_name_the_rule() {
        assert_eq!(
            problem("ftp://h"),
            BaseUrlProblem::Scheme {
                scheme: "ftp".into()
            }
        );
        assert_eq!(problem("https://h/?x=1"), BaseUrlProblem::QueryOrFragment);
        assert_eq!(problem("https://h/#top"), BaseUrlProblem::QueryOrFragment);
        assert!(matches!(
            problem("api.example.com"),
            BaseUrlProblem::NotAUrl { .. }
        ));
        assert!(matches!(
            problem("not a url"),
            BaseUrlProblem::NotAUrl { .. }
        ));
        assert_eq!(problem("https://user:pw@h"), BaseUrlProblem::Credentials);
        assert_eq!(problem("https://user@h"), BaseUrlProblem::Credentials);
        assert_eq!(
            problem("unix:/run/wasphere.sock"),
            BaseUrlProblem::NoHost,
            "a URL without a host"
        );
    }

    #[test]
    fn urls_that_may_hold_a_credential_are_not_quoted() {
        let shown = |raw: &str| BaseUrl::parse(raw, false).unwrap_err().to_string();
        assert!(!shown("https://user:pw@h").contains("pw"));
        assert!(!shown("https://h/?key=wsk_live_hidden").contains("hidden"));
        assert!(!shown("http://h.example/wsk_live_hidden").contains("hidden"));
        assert_eq!(
            shown("ftp://h"),
            r#"invalid base URL "ftp://h": the scheme must be https, not ftp"#
        );
        assert_eq!(
            shown("https://user:pw@h"),
            "invalid base URL: it must not contain a user name or password"
        );
    }

    #[test]
    fn endpoints() {
        let base = BaseUrl::parse("https://h/prefix/", false).unwrap();
        let workspace = "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap();
        let session = "s-1".parse().unwrap();
        assert_eq!(
            base.endpoint(&workspace, &session, MessageType::Text),
            "https://h/prefix/workspaces/be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8/proxy/api/sessions/s-1/messages/text"
        );
    }
}

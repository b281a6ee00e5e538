//! The one error type of the client, and what each error means for the message.

use std::fmt;
use std::time::Duration;

use wasphere_types::{MessageOperation, ValidationError};

use crate::config_error::ConfigError;
use crate::delivery::Delivery;
use crate::error_class::ErrorClass;
use crate::store_error::RateLimitStoreError;
use crate::transport_error::TransportError;

/// Everything that can go wrong with a send.
///
/// Each variant says what happened, never with the API key in it. Four questions can be
/// asked of any error: what became of the message ([`Error::delivery`]: not sent, or may
/// have been sent), may it be repeated safely ([`Error::is_retryable`]), might the message
/// have reached WhatsApp anyway ([`Error::may_have_been_delivered`]), and which broad
/// class it is in ([`Error::class`], the CLI's exit code and the C ABI's return code).
///
/// HTTP variants carry `messages`: the server's sentences (the list of a 400, the one
/// message of a 401…), or its error code when it gave no sentence (`INVALID_SESSION_ID`,
/// `Session not connected`), or a short printable excerpt of a body that was not JSON.
///
/// The message (`Display`) of every error that got as far as the network ends with what
/// became of the message, in [`Delivery`]'s words:
///
/// ```
/// use wasphere_client::Error;
///
/// let e = Error::Gateway { status: 504, messages: vec![] };
/// assert_eq!(
///     e.to_string(),
///     "the gateway could not reach WhatsApp in time (504); the message may have been sent"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message breaks a rule of the contract; it was not sent and cost no rate-limit slot.
    Validation(#[source] ValidationError),

    /// 400: the server refused the body or the session id.
    BadRequest {
        /// The server's sentences, one per broken rule, or its error code.
        messages: Vec<String>,
    },

    /// 401: the API key is missing, malformed, expired or revoked.
    Unauthorized {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 403: the key lacks `messages:send`, or is bound to another session.
    Forbidden {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 404 from the server itself (`{"statusCode":404,…}`): the session does not exist in
    /// this workspace. A 404 from anything else is [`Error::NotWaSphere`].
    NotFound {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 413: the body is larger than the server reads (10 MiB); it was refused unread.
    PayloadTooLarge {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 422: the recipient is not on WhatsApp, or a media URL could not be fetched.
    RecipientNotOnWhatsApp {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 429: too many requests with this key. The request was not processed.
    RateLimited {
        /// How long the server asked to wait (`Retry-After`, else the body's `retryAfter`).
        retry_after: Option<Duration>,
        /// What the server said.
        messages: Vec<String>,
    },

    /// 500 `Session not connected`: the session exists but is not linked to a phone.
    /// Nothing was sent; repeating will not help until the session is reconnected.
    SessionNotConnected {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 501: the session's provider cannot send this type of message.
    CapabilityNotSupported {
        /// The missing capability, as the server names it.
        capability: Option<String>,
        /// The session's provider, as the server names it.
        provider: Option<String>,
        /// What the server said.
        messages: Vec<String>,
    },

    /// 501 to an operation on messages: the session's provider (the Meta Cloud API) does not
    /// support it. Nothing was done; another session, on the WhatsApp Web provider, can.
    UnsupportedOperation {
        /// The operation refused.
        operation: MessageOperation,
        /// What the server said.
        messages: Vec<String>,
    },

    /// 502 or 504: the gateway could not reach the WhatsApp server in time. It may have
    /// reached it later, so the message may have been sent.
    Gateway {
        /// 502 or 504.
        status: u16,
        /// What the server or proxy said.
        messages: Vec<String>,
    },

    /// Another 5xx (a 500 other than `Session not connected`, 503, …). The server may
    /// have processed the message.
    Server {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        messages: Vec<String>,
    },

    /// A status the contract does not use (405, 409, …).
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        messages: Vec<String>,
    },

    /// A redirect (3xx). It is not followed: a redirected POST becomes a GET, and the API
    /// key would go along to wherever it points. The base URL is not the API's address.
    Redirected {
        /// The HTTP status.
        status: u16,
        /// Where it pointed (`Location`), if it said.
        location: Option<String>,
    },

    /// An answer that is not the WaSphere API's (its answers are JSON objects): a proxy's
    /// or another server's page, a bare 404, an HTML success. Nothing answered as WaSphere
    /// at the base URL, or (5xx) a proxy in front of it failed.
    NotWaSphere {
        /// The HTTP status.
        status: u16,
        /// What came instead, for people: `an HTML page titled "502 Bad Gateway"`.
        answer: String,
    },

    /// The body is larger than the server reads ([`wasphere_types::MAX_BODY_BYTES`]); it
    /// was not sent.
    BodyTooLarge {
        /// The body's size, in bytes.
        size: usize,
        /// The largest body the server reads, in bytes.
        limit: usize,
    },

    /// A time limit elapsed. Whether the message may have been sent follows from where:
    /// see [`TimeoutPhase`].
    Timeout {
        /// Where the time ran out.
        phase: TimeoutPhase,
    },

    /// The connection could not be made (refused, DNS, TLS handshake): nothing was sent.
    Connect {
        /// What failed, without the URL or credentials; the network stack's own error,
        /// with its causes, is its `source()`.
        source: TransportError,
    },

    /// The connection broke after the request was sent, before a complete answer came.
    Interrupted {
        /// What failed; the network stack's own error is its `source()`.
        source: TransportError,
    },

    /// The server answered with a status, but the body could not be read as the contract
    /// says (a success without `messageId`, invalid JSON).
    Decode {
        /// The HTTP status.
        status: u16,
        /// A short, printable excerpt of the body.
        snippet: String,
    },

    /// The answer is larger than the client accepts; it was not read.
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The largest answer read, in bytes.
        limit: usize,
    },

    /// The client is not configured correctly, or was used where it cannot work; nothing
    /// was sent.
    Config(#[source] ConfigError),

    /// The shared rate-limit store (Redis) could not be reached and the store is set to
    /// fail rather than fall back to a local limit: nothing was sent. Repeating is safe.
    RateLimitStore(#[source] RateLimitStoreError),
}

/// Where a [`Error::Timeout`] happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Connecting (TCP, TLS): nothing was sent.
    Connect,
    /// Waiting for the answer after the request was sent: it may have been processed.
    Response,
    /// Reading the body of an answer whose status had arrived.
    Body,
}

impl TimeoutPhase {
    /// What became of the message when the time ran out here.
    pub fn delivery(self) -> Delivery {
        match self {
            TimeoutPhase::Connect => Delivery::NotSent,
            TimeoutPhase::Response | TimeoutPhase::Body => Delivery::MayHaveBeenSent,
        }
    }
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "while connecting",
            TimeoutPhase::Response => "waiting for the answer",
            TimeoutPhase::Body => "reading the answer",
        })
    }
}

/// `: first; second`, or nothing: what the server said, after what happened.
struct Said<'a>(&'a [String]);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        write!(f, ": {}", self.0.join("; "))
    }
}

/// `; retry after 14 s`, or nothing.
struct RetryAfter(Option<Duration>);

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) if d.subsec_millis() == 0 => write!(f, "; retry after {} s", d.as_secs()),
            Some(d) => write!(f, "; retry after {:.1} s", d.as_secs_f64()),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    /// What happened, then (for every error that reached the network) what became of the
    /// message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => return write!(f, "{e}"),
            Error::Config(e) => return write!(f, "invalid client configuration: {e}"),
            Error::RateLimitStore(e) => write!(f, "{e}"),
            Error::BadRequest { messages } => {
                write!(f, "the server refused the request (400){}", Said(messages))
            }
            Error::Unauthorized { messages } => {
                write!(f, "the API key was refused (401){}", Said(messages))
            }
            Error::Forbidden { messages } => write!(
                f,
                "the API key may not send with this session (403){}",
                Said(messages)
            ),
            Error::NotFound { messages } => {
                write!(f, "session not found (404){}", Said(messages))
            }
            Error::PayloadTooLarge { messages } => write!(
                f,
                "the server refused the body as too large (413; it reads at most {} MiB){}",
                wasphere_types::MAX_BODY_BYTES / (1024 * 1024),
                Said(messages)
            ),
            Error::RecipientNotOnWhatsApp { messages } => write!(
                f,
                "the recipient is not on WhatsApp or the media URL is unreachable (422){}",
                Said(messages)
            ),
            Error::RateLimited {
                retry_after,
                messages,
            } => write!(
                f,
                "rate limited (429){}{}",
                RetryAfter(*retry_after),
                Said(messages)
            ),
            Error::SessionNotConnected { messages } => {
                write!(f, "the session is not connected (500){}", Said(messages))
            }
            Error::CapabilityNotSupported {
                capability,
                provider,
                messages,
            } => {
                f.write_str("the session's provider")?;
                if let Some(provider) = provider {
                    write!(f, " {provider}")?;
                }
                write!(
                    f,
                    " cannot send {} (501){}",
                    capability.as_deref().unwrap_or("this message type"),
                    Said(messages)
                )
            }
            Error::UnsupportedOperation {
                operation,
                messages,
            } => write!(
                f,
                "the session's provider does not support {operation} (501){}",
                Said(messages)
            ),
            Error::Gateway { status, messages } => write!(
                f,
                "the gateway could not reach WhatsApp in time ({status}){}",
                Said(messages)
            ),
            Error::Server { status, messages } => {
                write!(f, "server error ({status}){}", Said(messages))
            }
            Error::UnexpectedStatus { status, messages } => write!(
                f,
                "unexpected answer ({status}), which the WaSphere API does not give here{}",
                Said(messages)
            ),
            Error::Redirected { status, location } => {
                write!(f, "the server redirected the request ({status}")?;
                if let Some(location) = location {
                    write!(f, " to {location}")?;
                }
                f.write_str("), which is not followed: the base URL is not the API's address")
            }
            Error::NotWaSphere { status, answer } if *status >= 500 => write!(
                f,
                "a proxy or gateway answered {status} with {answer}, not the WaSphere API"
            ),
            Error::NotWaSphere { status, answer } => write!(
                f,
                "nothing answered as WaSphere at this address ({status} with {answer}): check the base URL"
            ),
            Error::BodyTooLarge { size, limit } => {
                return write!(
                    f,
                    "the body is {size} bytes; the server reads at most {limit} (10 MiB); nothing was sent"
                );
            }
            Error::Timeout { phase } => write!(f, "timed out {phase}"),
            Error::Connect { source } => write!(f, "could not connect to the server: {source}"),
            Error::Interrupted { source } => write!(
                f,
                "the connection broke after the request was sent: {source}"
            ),
            Error::Decode { status, snippet } => {
                write!(
                    f,
                    "could not read the server's answer ({status}): {snippet}"
                )
            }
            Error::ResponseTooLarge { status, limit } => write!(
                f,
                "the server's answer ({status}) is larger than {limit} bytes"
            ),
        }?;
        write!(f, "; {}", self.delivery())
    }
}

impl Error {
    /// What became of the message: [`Delivery::NotSent`], or [`Delivery::MayHaveBeenSent`]
    /// when the server may have processed it although the send failed.
    pub fn delivery(&self) -> Delivery {
        match self {
            Error::Gateway { .. } | Error::Server { .. } | Error::Interrupted { .. } => {
                Delivery::MayHaveBeenSent
            }
            Error::Timeout { phase } => phase.delivery(),
            Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::NotWaSphere { status, .. } => Delivery::after_status(*status),
            _ => Delivery::NotSent,
        }
    }

    /// Whether the server may have processed the message although the send failed, so
    /// that sending it again could deliver it twice: `delivery()` is
    /// [`Delivery::MayHaveBeenSent`].
    pub fn may_have_been_delivered(&self) -> bool {
        self.delivery() == Delivery::MayHaveBeenSent
    }

    /// Whether repeating the request is safe and may succeed: a 429, or a failure before
    /// the request left the machine. This is what the default retry policy repeats.
    /// Errors where the server may have processed the message are never "retryable" here,
    /// even when they are transient: see [`Error::is_transient`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::RateLimitStore(_) => true,
            Error::Connect { .. } | Error::Timeout { .. } => self.delivery() == Delivery::NotSent,
            _ => false,
        }
    }

    /// Whether the failure may pass if repeated, whether or not repeating is safe: the
    /// retryable errors plus gateway and server errors, timeouts and broken connections.
    /// An at-least-once policy repeats these.
    pub fn is_transient(&self) -> bool {
        self.is_retryable()
            || matches!(
                self,
                Error::Gateway { .. }
                    | Error::Server { .. }
                    | Error::Timeout { .. }
                    | Error::Interrupted { .. }
            )
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::BadRequest { .. } => Some(400),
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::PayloadTooLarge { .. } => Some(413),
            Error::RecipientNotOnWhatsApp { .. } => Some(422),
            Error::RateLimited { .. } => Some(429),
            Error::SessionNotConnected { .. } => Some(500),
            Error::CapabilityNotSupported { .. } | Error::UnsupportedOperation { .. } => Some(501),
            Error::Gateway { status, .. }
            | Error::Server { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Redirected { status, .. }
            | Error::NotWaSphere { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's sentences (or error code), empty when it said nothing or did not answer.
    pub fn server_messages(&self) -> Vec<&str> {
        match self {
            Error::BadRequest { messages }
            | Error::Unauthorized { messages }
            | Error::Forbidden { messages }
            | Error::NotFound { messages }
            | Error::PayloadTooLarge { messages }
            | Error::RecipientNotOnWhatsApp { messages }
            | Error::RateLimited { messages, .. }
            | Error::SessionNotConnected { messages }
            | Error::CapabilityNotSupported { messages, .. }
            | Error::UnsupportedOperation { messages, .. }
            | Error::Gateway { messages, .. }
            | Error::Server { messages, .. }
            | Error::UnexpectedStatus { messages, .. } => {
                messages.iter().map(String::as_str).collect()
            }
            _ => Vec::new(),
        }
    }

    /// How long the server asked to wait, on a 429.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The broad class of the error: see [`ErrorClass`] for the mapping.
    pub fn class(&self) -> ErrorClass {
        if self.may_have_been_delivered() {
            return ErrorClass::OutcomeUnknown;
        }
        match self {
            Error::Validation(_)
            | Error::Config(_)
            | Error::BadRequest { .. }
            | Error::PayloadTooLarge { .. }
            | Error::BodyTooLarge { .. }
            | Error::RecipientNotOnWhatsApp { .. } => ErrorClass::Invalid,
            Error::Unauthorized { .. } | Error::Forbidden { .. } => ErrorClass::Auth,
            Error::NotFound { .. } => ErrorClass::NotFound,
            Error::RateLimited { .. } => ErrorClass::RateLimited,
            Error::SessionNotConnected { .. }
            | Error::CapabilityNotSupported { .. }
            | Error::UnsupportedOperation { .. } => ErrorClass::Server,
            Error::Connect { .. } | Error::Timeout { .. } | Error::RateLimitStore(_) => {
                ErrorClass::Network
            }
            Error::UnexpectedStatus { .. }
            | Error::Redirected { .. }
            | Error::NotWaSphere { .. }
            | Error::ResponseTooLarge { .. } => ErrorClass::UnexpectedAnswer,
            _ => ErrorClass::Other,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<RateLimitStoreError> for Error {
    fn from(e: RateLimitStoreError) -> Self {
        Error::RateLimitStore(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<String> {
        vec![s.to_owned()]
    }

    fn refused() -> TransportError {
        TransportError::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ))
    }

    #[test]
    fn retry_safety_follows_whether_the_request_was_processed() {
        let safe = [
            Error::RateLimited {
                retry_after: None,
                messages: vec![],
            },
            Error::Connect { source: refused() },
            Error::Timeout {
                phase: TimeoutPhase::Connect,
            },
        ];
        for e in &safe {
            assert!(e.is_retryable(), "{e}");
            assert_eq!(e.delivery(), Delivery::NotSent, "{e}");
            assert!(!e.may_have_been_delivered(), "{e}");
            assert!(e.to_string().ends_with("; the message was not sent"), "{e}");
        }
        let unsafe_ = [
            Error::Gateway {
                status: 502,
                messages: vec![],
            },
            Error::Server {
                status: 503,
                messages: vec![],
            },
            Error::Timeout {
                phase: TimeoutPhase::Response,
            },
            Error::Timeout {
                phase: TimeoutPhase::Body,
            },
            Error::Interrupted { source: refused() },
        ];
        for e in &unsafe_ {
            assert!(!e.is_retryable(), "{e}");
            assert!(e.is_transient(), "{e}");
            assert!(e.may_have_been_delivered(), "{e}");
            assert_eq!(e.delivery(), Delivery::MayHaveBeenSent, "{e}");
            assert_eq!(e.class(), ErrorClass::OutcomeUnknown, "{e}");
            assert!(
                e.to_string().ends_with("; the message may have been sent"),
                "{e}"
            );
        }
        let refused = Error::SessionNotConnected {
            messages: m("Session not connected"),
        };
        assert!(!refused.is_retryable() && !refused.is_transient());
        assert!(!refused.may_have_been_delivered());
        assert_eq!(refused.class(), ErrorClass::Server);
    }

    #[test]
    fn classes() {
        let cases = [
            (Error::Config(ConfigError::NoSession), ErrorClass::Invalid),
            (Error::BadRequest { messages: vec![] }, ErrorClass::Invalid),
            (
                Error::RecipientNotOnWhatsApp { messages: vec![] },
                ErrorClass::Invalid,
            ),
            (Error::Unauthorized { messages: vec![] }, ErrorClass::Auth),
            (Error::Forbidden { messages: vec![] }, ErrorClass::Auth),
            (Error::NotFound { messages: vec![] }, ErrorClass::NotFound),
            (
                Error::RateLimited {
                    retry_after: None,
                    messages: vec![],
                },
                ErrorClass::RateLimited,
            ),
            (
                Error::CapabilityNotSupported {
                    capability: None,
                    provider: None,
                    messages: vec![],
                },
                ErrorClass::Server,
            ),
            (Error::Connect { source: refused() }, ErrorClass::Network),
            (
                Error::Decode {
                    status: 201,
                    snippet: String::new(),
                },
                ErrorClass::OutcomeUnknown,
            ),
            (
                Error::UnexpectedStatus {
                    status: 405,
                    messages: vec![],
                },
                ErrorClass::UnexpectedAnswer,
            ),
            (
                Error::Redirected {
                    status: 301,
                    location: None,
                },
                ErrorClass::UnexpectedAnswer,
            ),
            (
                Error::NotWaSphere {
                    status: 404,
                    answer: String::new(),
                },
                ErrorClass::UnexpectedAnswer,
            ),
            (
                Error::NotWaSphere {
                    status: 502,
                    answer: String::new(),
                },
                ErrorClass::OutcomeUnknown,
            ),
            (
                Error::PayloadTooLarge { messages: vec![] },
                ErrorClass::Invalid,
            ),
            (
                Error::BodyTooLarge {
                    size: 11,
                    limit: 10,
                },
                ErrorClass::Invalid,
            ),
        ];
        for (e, class) in cases {
            assert_eq!(e.class(), class, "{e}");
        }
    }

    #[test]
    fn display_includes_what_the_server_said() {
        let e = Error::BadRequest {
            messages: vec!["text should not be empty".into(), "b".into()],
        };
        assert_eq!(
            e.to_string(),
            "the server refused the request (400): text should not be empty; b; the message was not sent"
        );
        assert_eq!(e.server_messages(), ["text should not be empty", "b"]);
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(14)),
            messages: vec![],
        };
        assert_eq!(
            e.to_string(),
            "rate limited (429); retry after 14 s; the message was not sent"
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(14)));
        let e = Error::CapabilityNotSupported {
            capability: Some("poll".into()),
            provider: Some("baileys".into()),
            messages: vec![],
        };
        assert_eq!(
            e.to_string(),
            "the session's provider baileys cannot send poll (501); the message was not sent"
        );
        assert_eq!(e.status(), Some(501));
        let e = Error::UnsupportedOperation {
            operation: MessageOperation::Typing,
            messages: vec![],
        };
        assert_eq!(
            e.to_string(),
            "the session's provider does not support typing indicators (501); the message was not sent"
        );
        assert_eq!((e.status(), e.class()), (Some(501), ErrorClass::Server));
        let e = Error::Config(ConfigError::NoSession);
        assert!(
            e.to_string()
                .starts_with("invalid client configuration: no session")
        );
        assert!(!e.to_string().contains("sent"), "{e}");
    }

    #[test]
    fn answers_that_cannot_be_read_follow_their_status() {
        let unreadable = |status| Error::Decode {
            status,
            snippet: String::new(),
        };
        assert_eq!(unreadable(201).delivery(), Delivery::MayHaveBeenSent);
        let too_large = |status| Error::ResponseTooLarge { status, limit: 1 };
        assert_eq!(too_large(400).delivery(), Delivery::NotSent);
        assert_eq!(too_large(503).delivery(), Delivery::MayHaveBeenSent);
        let redirect = Error::UnexpectedStatus {
            status: 302,
            messages: vec![],
        };
        assert_eq!(redirect.delivery(), Delivery::NotSent);
    }

    #[test]
    fn the_transport_s_causes_stay_reachable() {
        use std::error::Error as _;
        let e = Error::Connect { source: refused() };
        let transport = e.source().unwrap();
        assert_eq!(transport.to_string(), "connection refused");
        assert_eq!(
            transport.source().unwrap().to_string(),
            "connection refused",
            "the io::Error itself"
        );
    }
}

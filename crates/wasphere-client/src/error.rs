//! The one error type of the client, and what each error means for a retry.

use std::fmt;
use std::time::Duration;

use wasphere_types::ValidationError;

use crate::ErrorClass;

/// Everything that can go wrong with a send.
///
/// Each variant says what happened, never with the API key in it. Three questions can be
/// asked of any error: may it be repeated safely ([`Error::is_retryable`]), might the
/// message have reached WhatsApp anyway ([`Error::may_have_been_delivered`]), and which
/// broad class it is in ([`Error::class`], the CLI's exit code and the C ABI's return code).
///
/// HTTP variants carry `messages`: the server's sentences (the list of a 400, the one
/// message of a 401…), or its error code when it gave no sentence (`INVALID_SESSION_ID`,
/// `Session not connected`), or a short printable excerpt of a body that was not JSON.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message breaks a rule of the contract; it was not sent and cost no rate-limit slot.
    #[error("{0}")]
    Validation(ValidationError),

    /// 400: the server refused the body or the session id.
    #[error("the server refused the request (400){}", join(messages))]
    BadRequest {
        /// The server's sentences, one per broken rule, or its error code.
        messages: Vec<String>,
    },

    /// 401: the API key is missing, malformed, expired or revoked.
    #[error("the API key was refused (401){}", join(messages))]
    Unauthorized {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 403: the key lacks `messages:send`, or is bound to another session.
    #[error("the API key may not send with this session (403){}", join(messages))]
    Forbidden {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 404: the session does not exist in this workspace.
    #[error("session not found (404){}", join(messages))]
    NotFound {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 422: the recipient is not on WhatsApp, or a media URL could not be fetched.
    #[error(
        "the recipient is not on WhatsApp or the media URL is unreachable (422){}",
        join(messages)
    )]
    RecipientNotOnWhatsApp {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 429: too many requests with this key. The request was not processed.
    #[error(
        "rate limited (429){}{}",
        retry_after_text(retry_after),
        join(messages)
    )]
    RateLimited {
        /// How long the server asked to wait (`Retry-After`, else the body's `retryAfter`).
        retry_after: Option<Duration>,
        /// What the server said.
        messages: Vec<String>,
    },

    /// 500 `Session not connected`: the session exists but is not linked to a phone.
    /// Nothing was sent; repeating will not help until the session is reconnected.
    #[error("the session is not connected (500){}", join(messages))]
    SessionNotConnected {
        /// What the server said.
        messages: Vec<String>,
    },

    /// 501: the session's provider cannot send this type of message.
    #[error(
        "the session's provider{} cannot send {} (501){}",
        provider.as_deref().map(|p| format!(" {p}")).unwrap_or_default(),
        capability.as_deref().unwrap_or("this message type"),
        join(messages)
    )]
    CapabilityNotSupported {
        /// The missing capability, as the server names it.
        capability: Option<String>,
        /// The session's provider, as the server names it.
        provider: Option<String>,
        /// What the server said.
        messages: Vec<String>,
    },

    /// 502 or 504: the gateway could not reach the WhatsApp server in time. It may have
    /// reached it later, so the message may have been delivered.
    #[error(
        "the gateway could not reach WhatsApp in time ({status}){}; the message may have been delivered",
        join(messages)
    )]
    Gateway {
        /// 502 or 504.
        status: u16,
        /// What the server or proxy said.
        messages: Vec<String>,
    },

    /// Another 5xx (a 500 other than `Session not connected`, 503, …). The server may
    /// have processed the message.
    #[error(
        "server error ({status}){}; the message may have been delivered",
        join(messages)
    )]
    Server {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        messages: Vec<String>,
    },

    /// A status the contract does not use (a redirect, 405, 409, …).
    #[error("unexpected answer ({status}){}", join(messages))]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        messages: Vec<String>,
    },

    /// A time limit elapsed.
    #[error("timed out {phase}{}", if *may_have_been_delivered { "; the message may have been delivered" } else { "; the message was not sent" })]
    Timeout {
        /// Where the time ran out.
        phase: TimeoutPhase,
        /// Whether the request had left the machine (so the server may have processed it).
        may_have_been_delivered: bool,
    },

    /// The connection could not be made (refused, DNS, TLS handshake): nothing was sent.
    #[error("could not connect to the server: {message}")]
    Connect {
        /// What failed, without the URL or credentials.
        message: String,
    },

    /// The connection broke after the request was sent, before a complete answer came.
    #[error(
        "the connection broke after the request was sent: {message}; the message may have been delivered"
    )]
    Interrupted {
        /// What failed.
        message: String,
    },

    /// The server answered with a status, but the body could not be read as the contract
    /// says (a success without `messageId`, invalid JSON).
    #[error("could not read the server's answer ({status}): {snippet}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// A short, printable excerpt of the body.
        snippet: String,
    },

    /// The answer is larger than the client accepts; it was not read.
    #[error("the server's answer ({status}) is larger than {limit} bytes")]
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The largest answer read, in bytes.
        limit: usize,
    },

    /// The client is not configured correctly (missing or invalid setting); nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

/// Where a [`Error::Timeout`] happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Connecting (TCP, TLS): nothing was sent.
    Connect,
    /// Waiting for the answer after the request was sent.
    Response,
    /// Reading the body of an answer whose status had arrived.
    Body,
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

fn join(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(": {}", messages.join("; "))
    }
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) if d.subsec_millis() == 0 => format!("; retry after {} s", d.as_secs()),
        Some(d) => format!("; retry after {:.1} s", d.as_secs_f64()),
        None => String::new(),
    }
}

/// Whether an answer with this status means the server may have processed the request:
/// a success, or a server error. A 4xx means it refused the request.
pub(crate) fn status_may_have_delivered(status: u16) -> bool {
    !(400..500).contains(&status) && status != 501
}

impl Error {
    /// Whether repeating the request is safe and may succeed: a 429, or a failure before
    /// the request left the machine. This is what the default retry policy repeats.
    /// Errors where the server may have processed the message are never "retryable" here,
    /// even when they are transient: see [`Error::is_transient`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Connect { .. } => true,
            Error::Timeout {
                may_have_been_delivered,
                ..
            } => !may_have_been_delivered,
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

    /// Whether the server may have processed the message although the send failed, so
    /// that sending it again could deliver it twice.
    pub fn may_have_been_delivered(&self) -> bool {
        match self {
            Error::Gateway { .. } | Error::Server { .. } | Error::Interrupted { .. } => true,
            Error::Timeout {
                may_have_been_delivered,
                ..
            } => *may_have_been_delivered,
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => {
                status_may_have_delivered(*status)
            }
            _ => false,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::BadRequest { .. } => Some(400),
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::RecipientNotOnWhatsApp { .. } => Some(422),
            Error::RateLimited { .. } => Some(429),
            Error::SessionNotConnected { .. } => Some(500),
            Error::CapabilityNotSupported { .. } => Some(501),
            Error::Gateway { status, .. }
            | Error::Server { status, .. }
            | Error::UnexpectedStatus { status, .. }
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
            | Error::RecipientNotOnWhatsApp { messages }
            | Error::RateLimited { messages, .. }
            | Error::SessionNotConnected { messages }
            | Error::CapabilityNotSupported { messages, .. }
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
            | Error::RecipientNotOnWhatsApp { .. } => ErrorClass::Invalid,
            Error::Unauthorized { .. } | Error::Forbidden { .. } => ErrorClass::Auth,
            Error::NotFound { .. } => ErrorClass::NotFound,
            Error::RateLimited { .. } => ErrorClass::RateLimited,
            Error::SessionNotConnected { .. } | Error::CapabilityNotSupported { .. } => {
                ErrorClass::Server
            }
            Error::Connect { .. } | Error::Timeout { .. } => ErrorClass::Network,
            _ => ErrorClass::Other,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<String> {
        vec![s.to_owned()]
    }

    #[test]
    fn retry_safety_follows_whether_the_request_was_processed() {
        let safe = [
            Error::RateLimited {
                retry_after: None,
                messages: vec![],
            },
            Error::Connect {
                message: "refused".into(),
            },
            Error::Timeout {
                phase: TimeoutPhase::Connect,
                may_have_been_delivered: false,
            },
        ];
        for e in &safe {
            assert!(e.is_retryable(), "{e}");
            assert!(!e.may_have_been_delivered(), "{e}");
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
                may_have_been_delivered: true,
            },
            Error::Interrupted {
                message: "reset".into(),
            },
        ];
        for e in &unsafe_ {
            assert!(!e.is_retryable(), "{e}");
            assert!(e.is_transient(), "{e}");
            assert!(e.may_have_been_delivered(), "{e}");
            assert_eq!(e.class(), ErrorClass::OutcomeUnknown, "{e}");
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
            (Error::Config("x".into()), ErrorClass::Invalid),
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
            (
                Error::Connect {
                    message: String::new(),
                },
                ErrorClass::Network,
            ),
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
                ErrorClass::Other,
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
            "the server refused the request (400): text should not be empty; b"
        );
        assert_eq!(e.server_messages(), ["text should not be empty", "b"]);
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(14)),
            messages: vec![],
        };
        assert_eq!(e.to_string(), "rate limited (429); retry after 14 s");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(14)));
        let e = Error::CapabilityNotSupported {
            capability: Some("poll".into()),
            provider: Some("baileys".into()),
            messages: vec![],
        };
        assert_eq!(
            e.to_string(),
            "the session's provider baileys cannot send poll (501)"
        );
        assert_eq!(e.status(), Some(501));
    }
}

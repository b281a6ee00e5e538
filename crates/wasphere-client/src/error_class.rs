//! Broad classes of errors, stable as numbers for exit codes and the C ABI.

use std::fmt;

/// The broad class of an [`Error`](crate::Error). The numbers are stable: they are the
/// exit codes of the `wasphere` CLI and the return codes of the C ABI (0 is success).
///
/// | class | code | errors |
/// |---|---|---|
/// | `Other` | 1 | none of the client's errors: the CLI's file errors, the C ABI's internal ones |
/// | `Invalid` | 2 | validation, configuration, a body over 10 MiB, 400, 413, and 422 (recipient not on WhatsApp or media unreachable: fix the message, not the network) |
/// | `Auth` | 3 | 401, 403 |
/// | `NotFound` | 4 | 404 (the session does not exist) |
/// | `RateLimited` | 5 | 429 that outlasted the retry policy |
/// | `Server` | 6 | the server refused without processing: session not connected (500), a type or operation the session's provider does not support (501) |
/// | `Network` | 7 | connection failures and timeouts before the request was sent; the shared rate-limit store (Redis) unreachable |
/// | `OutcomeUnknown` | 8 | anything after which the message may have been delivered: 502/504, other 5xx (a proxy's too), a timeout or broken connection after sending, an unreadable success |
/// | `UnexpectedAnswer` | 9 | not the WaSphere API's answer, and nothing sent: a redirect, a bare or HTML 404, a status the API never gives, an oversized 4xx answer: check the base URL |
///
/// `OutcomeUnknown` wins over `Server` on purpose: for a 502 the fact a script must act on
/// is that sending again may deliver the message twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ErrorClass {
    /// Anything else.
    Other = 1,
    /// The message or the configuration is wrong; sending again will not help.
    Invalid = 2,
    /// The API key was refused or lacks a permission.
    Auth = 3,
    /// The session was not found.
    NotFound = 4,
    /// Too many requests.
    RateLimited = 5,
    /// The server refused without processing (session not connected, capability missing).
    Server = 6,
    /// The request did not leave the machine (connection refused, DNS, connect timeout).
    Network = 7,
    /// The message may have been delivered: check before sending it again.
    OutcomeUnknown = 8,
    /// Something other than the WaSphere API answered (a redirect, a proxy's or another
    /// server's page): the base URL is wrong; nothing was sent.
    UnexpectedAnswer = 9,
}

impl ErrorClass {
    /// Every class, in code order (1 to 9).
    pub const ALL: [ErrorClass; 9] = [
        ErrorClass::Other,
        ErrorClass::Invalid,
        ErrorClass::Auth,
        ErrorClass::NotFound,
        ErrorClass::RateLimited,
        ErrorClass::Server,
        ErrorClass::Network,
        ErrorClass::OutcomeUnknown,
        ErrorClass::UnexpectedAnswer,
    ];

    /// The stable numeric code.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// A short lowercase name (`invalid`, `outcome-unknown`, …) for logs and JSON output.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Other => "other",
            ErrorClass::Invalid => "invalid",
            ErrorClass::Auth => "auth",
            ErrorClass::NotFound => "not-found",
            ErrorClass::RateLimited => "rate-limited",
            ErrorClass::Server => "server",
            ErrorClass::Network => "network",
            ErrorClass::OutcomeUnknown => "outcome-unknown",
            ErrorClass::UnexpectedAnswer => "unexpected-answer",
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        let codes: Vec<i32> = ErrorClass::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
}

//! Exit codes, and `Failure`: how a command ends when it does not succeed.
//!
//! Scripts branch on the code, so each one means one thing (see `EXIT_CODES` in cli.rs):
//! above all, 7 (nothing was sent, safe to retry) and 8 (may have been sent) must
//! never be confused.

use std::fmt;
use std::process::ExitCode;

use serde_json::{Map, Value};
use wasphere_types::{ValidationError, Violation};

/// The process exit code of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Exit {
    /// Anything without a more precise code: unreadable files, I/O.
    Other = 1,
    /// Bad usage or an invalid message; nothing was sent.
    Invalid = 2,
    /// The API key was refused (401/403), or a webhook signature is not authentic.
    Auth = 3,
    /// The session or workspace does not exist (404).
    NotFound = 4,
    /// Still rate limited after the allowed retries (429).
    RateLimited = 5,
    /// The server or the session failed (5xx).
    Server = 6,
    /// The request never reached the server, or timed out before it was sent.
    Network = 7,
    /// The request may have been processed: the message may have been sent.
    OutcomeUnknown = 8,
}

impl Exit {
    /// A stable word for `--output json`.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Exit::Other => "error",
            Exit::Invalid => "invalid",
            Exit::Auth => "auth",
            Exit::NotFound => "notFound",
            Exit::RateLimited => "rateLimited",
            Exit::Server => "server",
            Exit::Network => "network",
            Exit::OutcomeUnknown => "outcomeUnknown",
        }
    }

    /// The numeric code.
    pub(crate) fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// Why a command failed: the exit code, a sentence, and details for people and for JSON.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The exit code.
    pub(crate) exit: Exit,
    /// One sentence saying what went wrong.
    pub(crate) message: String,
    /// What to do about it, when there is something to say.
    pub(crate) hint: Option<String>,
    /// Every rule the message breaks, for validation failures.
    pub(crate) violations: Vec<Violation>,
    /// More facts (HTTP status, the server's messages, …) for `--output json`; the
    /// message must say the same in words, since people do not see these.
    pub(crate) details: Map<String, Value>,
}

impl Failure {
    /// A failure with exit code `exit`.
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            hint: None,
            violations: Vec::new(),
            details: Map::new(),
        }
    }

    /// Bad usage or input: exit code 2.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(Exit::Invalid, message)
    }

    /// Anything else: exit code 1.
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self::new(Exit::Other, message)
    }

    /// A message that breaks rules: exit code 2, every violation listed.
    pub(crate) fn validation(what: &str, err: ValidationError) -> Self {
        let n = err.violations.len();
        let mut f = Self::invalid(format!(
            "{what} is invalid ({n} problem{}); nothing was sent",
            if n == 1 { "" } else { "s" }
        ));
        f.violations = err.violations;
        f
    }

    /// Adds advice.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a fact.
    pub(crate) fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let all = [
            (Exit::Other, 1),
            (Exit::Invalid, 2),
            (Exit::Auth, 3),
            (Exit::NotFound, 4),
            (Exit::RateLimited, 5),
            (Exit::Server, 6),
            (Exit::Network, 7),
            (Exit::OutcomeUnknown, 8),
        ];
        for (exit, code) in all {
            assert_eq!(exit.code(), code, "{exit:?}");
            assert!(
                crate::cli::EXIT_CODES.contains(&format!("\n  {code}  ")),
                "{code} is not documented in --help"
            );
        }
    }
}

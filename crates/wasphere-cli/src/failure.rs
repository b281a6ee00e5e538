//! `Failure`: how a command ends when it does not succeed, and the exit code that says so.
//!
//! Scripts branch on the code, so each one means one thing (see `EXIT_CODES` in cli.rs):
//! above all, 7 (nothing was sent, safe to retry) and 8 (may have been sent) must
//! never be confused. The code is the client's [`ErrorClass`], the same class the C ABI
//! returns, so `--output json` and `error_json` use the same `kind` words.

use std::fmt;
use std::process::ExitCode;

use serde_json::{Map, Value};
use wasphere_client::ErrorClass;
use wasphere_types::{ValidationError, Violation};

/// The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells expect.
pub(crate) const INTERRUPTED: u8 = 130;

/// The process exit code of a failure class.
pub(crate) fn exit_code(class: ErrorClass) -> ExitCode {
    // Codes are 1 to 8 by construction, so the conversion never falls back.
    ExitCode::from(u8::try_from(class.code()).unwrap_or(1))
}

/// Why a command failed: the exit code, a sentence, and details for people and for JSON.
#[derive(Debug)]
pub(crate) struct Failure {
    /// What kind of failure it is; its code is the exit code.
    pub(crate) class: ErrorClass,
    /// One sentence saying what went wrong.
    pub(crate) message: String,
    /// What to do about it, when there is something to say.
    pub(crate) hint: Option<String>,
    /// Every rule the message breaks, for validation failures.
    pub(crate) violations: Vec<Violation>,
    /// More facts (HTTP status, the server's messages, …) for `--output json`; the
    /// message must say the same in words, since people do not see these.
    pub(crate) details: Map<String, Value>,
    /// Stopped by Ctrl-C: the exit code is 130, as shells expect, whatever the class.
    pub(crate) interrupted: bool,
}

impl Failure {
    /// A failure of class `class`.
    pub(crate) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Failure {
            class,
            message: message.into(),
            hint: None,
            violations: Vec::new(),
            details: Map::new(),
            interrupted: false,
        }
    }

    /// Stopped by Ctrl-C (exit code 130).
    pub(crate) fn interrupted(message: impl Into<String>) -> Self {
        Failure {
            interrupted: true,
            ..Self::other(message)
        }
    }

    /// The process exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        if self.interrupted {
            ExitCode::from(INTERRUPTED)
        } else {
            exit_code(self.class)
        }
    }

    /// The exit code as a number, for `--output json`.
    pub(crate) fn exit_number(&self) -> i32 {
        if self.interrupted {
            i32::from(INTERRUPTED)
        } else {
            self.class.code()
        }
    }

    /// Bad usage or input: exit code 2.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Invalid, message)
    }

    /// Anything else: exit code 1.
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Other, message)
    }

    /// A message that breaks rules: exit code 2, every violation listed.
    pub(crate) fn validation(what: &str, err: ValidationError) -> Self {
        let n = err.violations.len();
        let mut f = Self::invalid(format!(
            "{what} is invalid ({n} problem{})",
            if n == 1 { "" } else { "s" }
        ));
        f.violations = err.violations;
        f
    }

    /// Says that the failure came before anything was sent (on the send path, where that
    /// is what a script needs to know).
    pub(crate) fn nothing_sent(mut self) -> Self {
        self.message.push_str("; nothing was sent");
        self
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
    fn every_class_is_a_documented_exit_code() {
        for class in ErrorClass::ALL {
            let code = class.code();
            assert_eq!(exit_code(class), ExitCode::from(code as u8), "{class}");
            assert!(
                crate::cli::EXIT_CODES.contains(&format!("\n  {code}  ")),
                "{code} is not documented in --help"
            );
        }
    }
}

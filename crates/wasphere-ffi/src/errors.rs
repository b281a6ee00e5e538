//! Return codes, and the `error_json` object that explains a non-zero one. Both are the
//! client's [`ErrorClass`]: its code is the return code, its name the `kind`.

use std::borrow::Cow;
use std::time::Duration;

use serde::Serialize;
use wasphere_client::ErrorClass;
use wasphere_types::{ApiKey, Violation};

/// The call succeeded.
pub const WASPHERE_OK: i32 = 0;
/// Anything else: an internal error.
pub const WASPHERE_ERR_OTHER: i32 = 1;
/// Invalid input, so repeating the call will not help: a message that breaks a rule, a
/// NULL or non-UTF-8 argument, malformed JSON, an unknown message type, a bad
/// configuration, or the server's 400 or 422 (recipient not on WhatsApp, media URL
/// unreachable).
pub const WASPHERE_ERR_INVALID: i32 = 2;
/// The API key was refused (401) or may not send with this session (403), or a webhook
/// delivery failed verification.
pub const WASPHERE_ERR_AUTH: i32 = 3;
/// The session does not exist (404).
pub const WASPHERE_ERR_NOT_FOUND: i32 = 4;
/// Too many requests (429) for longer than the retry policy waits; `retryAfter` in
/// `error_json` says how many seconds to wait.
pub const WASPHERE_ERR_RATE_LIMITED: i32 = 5;
/// The server refused without processing the message: the session is not connected
/// (500), or its provider cannot send this type (501).
pub const WASPHERE_ERR_SERVER: i32 = 6;
/// The request never left this machine (connection refused, DNS, connect timeout): the
/// message was certainly not sent.
pub const WASPHERE_ERR_NETWORK: i32 = 7;
/// The message may have been delivered (a 502/504 or other 5xx, a timeout or broken
/// connection after sending): check before sending it again, or it may arrive twice.
pub const WASPHERE_ERR_OUTCOME_UNKNOWN: i32 = 8;
/// Something other than the WaSphere API answered (a redirect, a proxy's or another
/// server's 404 or page, a status the API never gives): check the base URL. The message
/// was not sent.
pub const WASPHERE_ERR_UNEXPECTED_ANSWER: i32 = 9;

// The header needs the codes as literal numbers (cbindgen copies them as written), so
// they are spelled out above and held to the client's classes here, at compile time.
const _: () = {
    let codes = [
        WASPHERE_ERR_OTHER,
        WASPHERE_ERR_INVALID,
        WASPHERE_ERR_AUTH,
        WASPHERE_ERR_NOT_FOUND,
        WASPHERE_ERR_RATE_LIMITED,
        WASPHERE_ERR_SERVER,
        WASPHERE_ERR_NETWORK,
        WASPHERE_ERR_OUTCOME_UNKNOWN,
        WASPHERE_ERR_UNEXPECTED_ANSWER,
    ];
    let mut i = 0;
    while i < codes.len() {
        assert!(codes[i] == ErrorClass::ALL[i].code());
        i += 1;
    }
    assert!(codes.len() == ErrorClass::ALL.len());
};

/// A failure on its way out through `error_json`.
#[derive(Debug, Serialize)]
pub(crate) struct FfiError {
    #[serde(rename = "kind", serialize_with = "class_name")]
    class: ErrorClass,
    code: i32,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    violations: Option<Vec<Violation>>,
    /// Seconds, fractional when the server or the limiter said so.
    #[serde(rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    retry_after: Option<f64>,
    /// The server's own sentences (a 400 lists one per broken rule).
    #[serde(rename = "serverMessages", skip_serializing_if = "Vec::is_empty")]
    server_messages: Vec<String>,
    /// A machine-readable detail for callers that branch on it (webhook failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

fn class_name<S: serde::Serializer>(class: &ErrorClass, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(class.as_str())
}

impl FfiError {
    pub(crate) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        FfiError {
            class,
            code: class.code(),
            message: message.into(),
            status: None,
            violations: None,
            retry_after: None,
            server_messages: Vec::new(),
            reason: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Invalid, message)
    }

    pub(crate) fn with_status(mut self, status: Option<u16>) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.violations = Some(violations);
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after.map(|d| d.as_secs_f64());
        self
    }

    pub(crate) fn with_server_messages(mut self, messages: Vec<String>) -> Self {
        self.server_messages = messages;
        self
    }

    pub(crate) fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Replaces `key` in every text with its redacted form, as a last line of defence:
    /// the client's errors never contain the key, but a server may echo a header back.
    pub(crate) fn redact(mut self, key: &ApiKey) -> Self {
        let scrub = |s: &mut String| {
            if let Cow::Owned(redacted) = key.redact(s) {
                *s = redacted;
            }
        };
        scrub(&mut self.message);
        self.server_messages.iter_mut().for_each(scrub);
        self
    }

    /// The JSON text of `error_json`, as bytes ready for a C string.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        // Sized for the message, which the violations repeat, so that encoding an
        // invalid message does not grow the buffer several times (see the benchmark).
        let mut out = Vec::with_capacity(256 + 3 * self.message.len());
        match serde_json::to_writer(&mut out, self) {
            Ok(()) => out,
            // Only a non-finite retryAfter could fail to serialize; keep the essentials.
            Err(_) => format!(
                r#"{{"kind":"{}","code":{},"message":"internal error while describing an error"}}"#,
                self.class.as_str(),
                self.code
            )
            .into_bytes(),
        }
    }

    /// [`FfiError::to_json`] as text, for tests.
    #[cfg(test)]
    pub(crate) fn to_json_string(&self) -> String {
        String::from_utf8(self.to_json()).unwrap_or_default()
    }

    /// The return code.
    pub(crate) fn code(&self) -> i32 {
        self.code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_left_out() {
        let json = FfiError::invalid("bad").to_json_string();
        assert_eq!(json, r#"{"kind":"invalid","code":2,"message":"bad"}"#);
        let json = FfiError::new(ErrorClass::RateLimited, "slow down")
            .with_status(Some(429))
            .with_retry_after(Some(Duration::from_millis(1500)))
            .to_json();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["status"], 429);
        assert_eq!(v["retryAfter"], 1.5);
        assert_eq!(v["kind"], "rate-limited");
    }

    #[test]
    fn redaction_removes_the_secret() {
        let e = FfiError::new(ErrorClass::Auth, "key wsk_live_abcdef123456 refused")
            .with_server_messages(vec!["echo wsk_live_abcdef123456".into()])
            .redact(&ApiKey::new("wsk_live_abcdef123456").unwrap());
        let json = e.to_json_string();
        assert!(!json.contains("abcdef123456"), "{json}");
        assert!(json.contains("key wsk_live_… refused"), "{json}");
        assert!(json.contains("echo wsk_live_…"), "{json}");
    }
}

//! What the server answers when a send fails, in every shape it uses.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// An error answer of the server (contract section 2). Its shapes vary by status:
/// `{"statusCode":400,"message":[…],"error":"Bad Request"}`, `{"error":"INVALID_SESSION_ID"}`,
/// `{"statusCode":429,"error":"Too Many Requests","retryAfter":14}`,
/// `{"error":"CAPABILITY_NOT_SUPPORTED","message":"…","capability":"…","provider":"…"}`,
/// or an HTML page from a proxy. [`ErrorBody::parse`] takes the raw bytes and never fails.
///
/// ```
/// use wasphere_types::ErrorBody;
/// let e = ErrorBody::parse(br#"{"statusCode":400,"message":["text should not be empty"],"error":"Bad Request"}"#);
/// assert_eq!(e.messages(), vec!["text should not be empty"]);
/// let html = ErrorBody::parse(b"<html><body>502 Bad Gateway</body></html>");
/// assert!(html.unparsed.unwrap().contains("502 Bad Gateway"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "error")]
pub struct ErrorBody {
    /// The HTTP status, repeated in the body by some answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// One sentence, or a list with one sentence per failed rule (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<ErrorMessage>,
    /// A short code or phrase: `Bad Request`, `INVALID_SESSION_ID`, `Session not connected`,
    /// `CAPABILITY_NOT_SUPPORTED`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Seconds to wait, on a 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The capability the session's provider lacks, on a 501.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// The session's provider, on a 501.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Fields this version does not know, kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
    /// When the body was not a JSON object: a short, printable excerpt of it.
    #[serde(skip)]
    pub unparsed: Option<String>,
}

/// The `message` of an error body: one sentence or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorMessage {
    /// A single sentence.
    One(String),
    /// One sentence per failed rule.
    Many(Vec<String>),
}

/// The longest excerpt kept of a body that is not JSON.
pub const SNIPPET_CHARS: usize = 200;

/// A short excerpt of `bytes` that is safe to print: at most `max` characters, invalid
/// UTF-8 replaced, control characters and runs of blanks collapsed into one space.
pub fn safe_snippet(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max * 4)]);
    let mut out = String::with_capacity(max.min(text.len()));
    let mut count = 0;
    let mut last_blank = true;
    for c in text.chars() {
        if count == max {
            out.push('…');
            break;
        }
        if c.is_whitespace() || c.is_control() {
            if !last_blank {
                out.push(' ');
                count += 1;
            }
            last_blank = true;
        } else {
            out.push(c);
            count += 1;
            last_blank = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.ceil() as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl ErrorBody {
    /// Reads an error answer from raw bytes, whatever they are.
    pub fn parse(bytes: &[u8]) -> ErrorBody {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Self::from_map(map),
            _ => ErrorBody {
                unparsed: Some(safe_snippet(bytes, SNIPPET_CHARS)),
                ..ErrorBody::default()
            },
        }
    }

    fn from_map(mut map: Map<String, Value>) -> ErrorBody {
        let mut body = ErrorBody {
            status_code: map
                .remove("statusCode")
                .as_ref()
                .and_then(as_u64)
                .and_then(|n| u16::try_from(n).ok()),
            retry_after: map.remove("retryAfter").as_ref().and_then(as_u64),
            error: map.remove("error").and_then(as_text),
            capability: map.remove("capability").and_then(as_text),
            provider: map.remove("provider").and_then(as_text),
            ..ErrorBody::default()
        };
        body.message = match map.remove("message") {
            Some(Value::Array(items)) => Some(ErrorMessage::Many(
                items.into_iter().filter_map(as_text).collect(),
            )),
            Some(other) => as_text(other).map(ErrorMessage::One),
            None => None,
        };
        body.extra = map;
        body
    }

    /// The server's sentences: the `message` list, or the one message.
    pub fn messages(&self) -> Vec<&str> {
        match &self.message {
            Some(ErrorMessage::One(m)) => vec![m.as_str()],
            Some(ErrorMessage::Many(ms)) => ms.iter().map(String::as_str).collect(),
            None => Vec::new(),
        }
    }

    /// The most useful one-line summary: the messages, else the `error` code, else the excerpt.
    pub fn summary(&self) -> String {
        let messages = self.messages();
        if !messages.is_empty() {
            messages.join("; ")
        } else if let Some(error) = &self.error {
            error.clone()
        } else {
            self.unparsed.clone().unwrap_or_default()
        }
    }
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Object(map) => Self::from_map(map),
            other => ErrorBody {
                unparsed: Some(safe_snippet(other.to_string().as_bytes(), SNIPPET_CHARS)),
                ..ErrorBody::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_shape() {
        let e = ErrorBody::parse(br#"{"error":"INVALID_SESSION_ID"}"#);
        assert_eq!(e.error.as_deref(), Some("INVALID_SESSION_ID"));
        let e = ErrorBody::parse(br#"{"statusCode":401,"message":"Invalid or expired API key"}"#);
        assert_eq!(
            (e.status_code, e.messages()),
            (Some(401), vec!["Invalid or expired API key"])
        );
        let e =
            ErrorBody::parse(br#"{"statusCode":429,"error":"Too Many Requests","retryAfter":14}"#);
        assert_eq!(e.retry_after, Some(14));
        let e = ErrorBody::parse(br#"{"error":"CAPABILITY_NOT_SUPPORTED","message":"no polls","capability":"poll","provider":"baileys","extra":1}"#);
        assert_eq!(e.capability.as_deref(), Some("poll"));
        assert_eq!(e.provider.as_deref(), Some("baileys"));
        assert_eq!(e.extra["extra"], 1);
    }

    #[test]
    fn never_fails() {
        for body in [
            &b""[..],
            b"null",
            b"[1,2]",
            b"\xff\xfe",
            b"{\"statusCode\":\"x\",\"message\":[1,null,\"a\"]}",
        ] {
            let _ = ErrorBody::parse(body);
        }
        let e = ErrorBody::parse(b"{\"message\":[1,null,\"a\"]}");
        assert_eq!(e.messages(), vec!["1", "a"]);
    }

    #[test]
    fn snippets_are_short_and_printable() {
        let long = "x\n\t\u{7}".repeat(500);
        let s = safe_snippet(long.as_bytes(), 20);
        assert!(s.chars().count() <= 21);
        assert!(!s.chars().any(|c| c.is_control()));
    }
}

//! What an answer means: the status, `Retry-After` and body of the server's answer
//! turned into a [`SendResponse`] or an [`Error`].
//!
//! This is pure: no I/O, no clock except the `now` passed in for HTTP-date `Retry-After`
//! values, so every status of the contract is unit-tested here.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use wasphere_types::{ApiKey, ErrorBody, SNIPPET_CHARS, SendResponse, safe_snippet};

use crate::error::Error;

/// An answer as it came: the status, the raw `Retry-After`, the body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Bytes,
}

/// The longest wait a `Retry-After` may ask for; longer values are clamped so that time
/// arithmetic cannot overflow. No real server asks for a day.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// At most this many server sentences are kept in an error, each at most
/// [`MAX_MESSAGE_CHARS`] characters, so a hostile answer cannot make a huge error.
const MAX_MESSAGES: usize = 32;
const MAX_MESSAGE_CHARS: usize = 500;

impl Answer {
    /// What the answer means. `key` is scrubbed from anything the server echoes back (a
    /// proxy or a misbehaving server may echo the `Authorization` header in its error
    /// page, and errors end up in logs).
    pub(crate) fn interpret(&self, key: &ApiKey, now: SystemTime) -> Result<SendResponse, Error> {
        interpret(
            self.status,
            self.retry_after.as_deref(),
            &self.body,
            key,
            now,
        )
    }
}

fn interpret(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    key: &ApiKey,
    now: SystemTime,
) -> Result<SendResponse, Error> {
    if (200..300).contains(&status) {
        return serde_json::from_slice::<SendResponse>(body).map_err(|_| Error::Decode {
            status,
            snippet: key.redact(&safe_snippet(body, SNIPPET_CHARS)).into_owned(),
        });
    }
    let parsed = ErrorBody::parse(body);
    let messages = messages_of(&parsed, key);
    Err(match status {
        400 => Error::BadRequest { messages },
        401 => Error::Unauthorized { messages },
        403 => Error::Forbidden { messages },
        404 => Error::NotFound { messages },
        422 => Error::RecipientNotOnWhatsApp { messages },
        429 => Error::RateLimited {
            retry_after: retry_after
                .and_then(|v| parse_retry_after(v, now))
                .or_else(|| parsed.retry_after.map(Duration::from_secs))
                .map(|d| d.min(MAX_RETRY_AFTER)),
            messages,
        },
        500 if is_not_connected(&parsed) => Error::SessionNotConnected { messages },
        501 => Error::CapabilityNotSupported {
            capability: parsed.capability.as_deref().map(|c| clip(c, key)),
            provider: parsed.provider.as_deref().map(|p| clip(p, key)),
            messages,
        },
        502 | 504 => Error::Gateway { status, messages },
        500..=599 => Error::Server { status, messages },
        _ => Error::UnexpectedStatus { status, messages },
    })
}

/// `Retry-After` is either whole seconds or an HTTP date (RFC 9110 section 10.2.3).
/// Fractional seconds are accepted too, as some proxies send them.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(MAX_RETRY_AFTER.as_secs())));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(
                secs.min(MAX_RETRY_AFTER.as_secs_f64()),
            ));
        }
        return None;
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(
        at.duration_since(now)
            .unwrap_or_default()
            .min(MAX_RETRY_AFTER),
    )
}

fn is_not_connected(body: &ErrorBody) -> bool {
    let says = |s: &str| s.to_ascii_lowercase().contains("not connected");
    body.error.as_deref().is_some_and(says) || body.messages().into_iter().any(says)
}

/// The sentences of the body, else its error code, else an excerpt of a non-JSON body.
fn messages_of(body: &ErrorBody, key: &ApiKey) -> Vec<String> {
    let sentences = body.messages();
    let raw: Vec<&str> = if !sentences.is_empty() {
        sentences
    } else if let Some(code) = body.error.as_deref() {
        vec![code]
    } else {
        body.unparsed
            .as_deref()
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect()
    };
    raw.into_iter()
        .take(MAX_MESSAGES)
        .map(|s| clip(s, key))
        .collect()
}

/// `s` cut to [`MAX_MESSAGE_CHARS`], without the key.
fn clip(s: &str, key: &ApiKey) -> String {
    let s = key.redact(s);
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.into_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const KEY: &str = "wsk_live_s3cr3t";

    fn key() -> ApiKey {
        KEY.parse().unwrap()
    }

    fn read(
        status: u16,
        retry_after: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<SendResponse, Error> {
        Answer {
            status,
            retry_after: retry_after.map(str::to_owned),
            body: Bytes::copy_from_slice(body),
        }
        .interpret(&key(), now)
    }

    fn err(status: u16, body: &str) -> Error {
        read(status, None, body.as_bytes(), SystemTime::now()).unwrap_err()
    }

    #[test]
    fn success_bodies() {
        let ok = read(
            201,
            None,
            br#"{"messageId":"3EB0C767D097B7C7A5C1","status":"sent"}"#,
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.message_id, "3EB0C767D097B7C7A5C1");
        // Any 2xx, extra fields and other statuses are fine.
        let ok = read(
            200,
            None,
            br#"{"messageId":"X","status":"queued","n":1}"#,
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.status.as_str(), "queued");
    }

    #[test]
    fn unreadable_success_is_a_decode_error_that_may_have_delivered() {
        let e = err(201, "{\"messageId\":");
        assert!(matches!(e, Error::Decode { status: 201, .. }), "{e:?}");
        assert!(e.may_have_been_delivered());
        let e = err(201, "<html>ok</html>");
        assert!(e.to_string().contains("<html>ok</html>"), "{e}");
    }

    #[test]
    fn every_status_of_the_contract() {
        let e = err(
            400,
            r#"{"statusCode":400,"message":["text should not be empty","property filename should not exist"],"error":"Bad Request"}"#,
        );
        assert_eq!(
            e.server_messages(),
            [
                "text should not be empty",
                "property filename should not exist"
            ]
        );
        assert!(matches!(e, Error::BadRequest { .. }));
        let e = err(400, r#"{"error":"INVALID_SESSION_ID"}"#);
        assert_eq!(e.server_messages(), ["INVALID_SESSION_ID"]);
        let e = err(
            401,
            r#"{"statusCode":401,"message":"Invalid or expired API key"}"#,
        );
        assert!(matches!(e, Error::Unauthorized { .. }));
        assert_eq!(e.server_messages(), ["Invalid or expired API key"]);
        let e = err(
            403,
            r#"{"statusCode":403,"message":"API key missing required permission: messages:send","error":"Forbidden"}"#,
        );
        assert!(matches!(e, Error::Forbidden { .. }));
        let e = err(404, r#"{"statusCode":404,"message":"Session not found"}"#);
        assert!(matches!(e, Error::NotFound { .. }));
        let e = err(422, r#"{"error":"Recipient is not on WhatsApp"}"#);
        assert!(matches!(e, Error::RecipientNotOnWhatsApp { .. }));
        assert_eq!(e.server_messages(), ["Recipient is not on WhatsApp"]);
        let e = err(500, r#"{"error":"Session not connected"}"#);
        assert!(matches!(e, Error::SessionNotConnected { .. }), "{e:?}");
        assert!(!e.may_have_been_delivered());
        let e = err(500, r#"{"error":"Internal server error"}"#);
        assert!(matches!(e, Error::Server { status: 500, .. }), "{e:?}");
        assert!(e.may_have_been_delivered());
        let e = err(
            501,
            r#"{"error":"CAPABILITY_NOT_SUPPORTED","message":"no polls","capability":"poll","provider":"baileys"}"#,
        );
        assert_eq!(
            e,
            Error::CapabilityNotSupported {
                capability: Some("poll".into()),
                provider: Some("baileys".into()),
                messages: vec!["no polls".into()],
            }
        );
        let e = err(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert!(matches!(e, Error::Gateway { status: 502, .. }));
        assert!(e.server_messages()[0].contains("502 Bad Gateway"));
        let e = err(504, r#"{"error":"Gateway timeout"}"#);
        assert!(matches!(e, Error::Gateway { status: 504, .. }));
        let e = err(503, "");
        assert!(matches!(e, Error::Server { status: 503, .. }));
        assert!(e.server_messages().is_empty());
        let e = err(302, "");
        assert!(matches!(e, Error::UnexpectedStatus { status: 302, .. }));
        assert!(!e.may_have_been_delivered());
    }

    #[test]
    fn rate_limited_reads_the_header_then_the_body() {
        let body = r#"{"statusCode":429,"error":"Too Many Requests","retryAfter":14}"#;
        let now = SystemTime::now();
        let e = read(429, Some("3"), body.as_bytes(), now).unwrap_err();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        let e = read(429, None, body.as_bytes(), now).unwrap_err();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(14)));
        let e = read(429, Some("soon"), b"", now).unwrap_err();
        assert_eq!(e.retry_after(), None);
        assert!(e.is_retryable());
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 14 ", now),
            Some(Duration::from_secs(14))
        );
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let in_20s = httpdate::fmt_http_date(now + Duration::from_secs(20));
        assert_eq!(
            parse_retry_after(&in_20s, now),
            Some(Duration::from_secs(20))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(20));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999", now),
            Some(MAX_RETRY_AFTER),
            "does not fit a u64: read as a float and clamped"
        );
        assert_eq!(
            parse_retry_after("1e300", now),
            Some(MAX_RETRY_AFTER),
            "clamped, no overflow"
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
    }

    #[test]
    fn echoed_keys_are_scrubbed() {
        let e = err(400, &format!(r#"{{"message":["{KEY} is not allowed"]}}"#));
        assert_eq!(e.server_messages(), ["wsk_live_… is not allowed"]);
        let e = err(
            401,
            &format!(r#"{{"message":"Invalid or expired API key {KEY}"}}"#),
        );
        assert!(!e.to_string().contains(KEY), "{e}");
        let e = err(502, &format!("<pre>Authorization: Bearer {KEY}</pre>"));
        assert!(!e.to_string().contains(KEY), "{e}");
        let e = err(200, &format!("Bearer {KEY}"));
        assert!(!e.to_string().contains(KEY), "{e}");
    }

    #[test]
    fn hostile_bodies_make_small_errors() {
        let many: Vec<String> = (0..10_000).map(|i| "x".repeat(i % 2000)).collect();
        let body = serde_json::json!({ "message": many }).to_string();
        let e = err(400, &body);
        assert!(e.server_messages().len() <= MAX_MESSAGES);
        assert!(e.to_string().len() < 40_000);
        for body in [&b"\xff\xfe\x00"[..], b"null", b"[]", b"{\"message\":{}}"] {
            let _ = read(400, None, body, SystemTime::now());
            let _ = read(201, None, body, SystemTime::now());
        }
    }
}

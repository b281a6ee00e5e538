//! What an answer means: the status, `Retry-After` and body of the server's answer
//! turned into the success it reports (a `SendResponse`, an operation's answer) or an
//! [`Error`].
//!
//! This is pure: no I/O, no clock except the `now` passed in for HTTP-date `Retry-After`
//! values, so every status of the contract is unit-tested here.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use wasphere_types::{ApiKey, ErrorBody, MessageOperation, SNIPPET_CHARS, safe_snippet};

use crate::error::Error;

/// An answer as it came: the status, the headers that matter, the body.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// `Retry-After`, raw.
    pub(crate) retry_after: Option<String>,
    /// `Content-Type`, raw.
    pub(crate) content_type: Option<String>,
    /// `Location`, raw (on a redirect).
    pub(crate) location: Option<String>,
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
    /// An answer from its status and its headers as name–value pairs (names in any case),
    /// for the tests and the fuzz target; the transport fills the fields itself.
    #[cfg_attr(not(any(test, feature = "fuzzing")), allow(dead_code))]
    pub(crate) fn from_parts<'a>(
        status: u16,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: Bytes,
    ) -> Self {
        let mut answer = Answer {
            status,
            body,
            ..Answer::default()
        };
        for (name, value) in headers {
            let slot = if name.eq_ignore_ascii_case("retry-after") {
                &mut answer.retry_after
            } else if name.eq_ignore_ascii_case("content-type") {
                &mut answer.content_type
            } else if name.eq_ignore_ascii_case("location") {
                &mut answer.location
            } else {
                continue;
            };
            slot.get_or_insert_with(|| value.to_owned());
        }
        answer
    }

    /// What the answer means, as the answer `T` of a send (`operation` is `None`) or of an
    /// operation on messages. `key` is scrubbed from anything the server echoes back (a
    /// proxy or a misbehaving server may echo the `Authorization` header in its error
    /// page, and errors end up in logs).
    pub(crate) fn interpret<T: DeserializeOwned>(
        &self,
        key: &ApiKey,
        now: SystemTime,
        operation: Option<MessageOperation>,
    ) -> Result<T, Error> {
        let status = self.status;
        let body = &self.body[..];
        let is_html = self
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
        if (200..300).contains(&status) {
            if is_html {
                // The API never answers with a page: something else took the request.
                return Err(self.not_wasphere(key));
            }
            return serde_json::from_slice::<T>(body).map_err(|_| Error::Decode {
                status,
                snippet: excerpt(body, SNIPPET_CHARS, key),
            });
        }
        if (300..400).contains(&status) {
            return Err(Error::Redirected {
                status,
                location: self.location.as_deref().map(|l| clip(l, key)),
            });
        }
        let parsed = ErrorBody::parse(body);
        // The server's own answers are JSON objects (contract section 2); a page, plain
        // text or nothing at all came from a proxy or another server.
        let from_wasphere = parsed.unparsed.is_none() && !is_html;
        let messages = messages_of(&parsed, body, key);
        Err(match status {
            400 => Error::BadRequest { messages },
            401 => Error::Unauthorized { messages },
            403 => Error::Forbidden { messages },
            404 if is_session_not_found(&parsed) => Error::NotFound { messages },
            404 => self.not_wasphere(key),
            413 => Error::PayloadTooLarge { messages },
            422 => Error::RecipientNotOnWhatsApp { messages },
            429 => Error::RateLimited {
                retry_after: self
                    .retry_after
                    .as_deref()
                    .and_then(|v| parse_retry_after(v, now))
                    .or_else(|| parsed.retry_after.map(Duration::from_secs))
                    .map(|d| d.min(MAX_RETRY_AFTER)),
                messages,
            },
            500..=599 if !from_wasphere => self.not_wasphere(key),
            500 if is_not_connected(&parsed) => Error::SessionNotConnected { messages },
            // The Meta provider's 501 to edit, delete, typing and presence (contract
            // section 6).
            501 if let Some(operation) = operation => Error::UnsupportedOperation {
                operation,
                messages,
            },
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

    /// An answer that did not come from the WaSphere API, described by what it was.
    fn not_wasphere(&self, key: &ApiKey) -> Error {
        let said = ErrorBody::parse(&self.body).messages().join("; ");
        let answer = match html_title(&self.body) {
            Some(title) => format!(
                "an HTML page titled {:?}",
                excerpt(title.as_bytes(), 100, key)
            ),
            None if !said.is_empty() => {
                format!("{:?}", excerpt(said.as_bytes(), SNIPPET_CHARS, key))
            }
            None if self.body.iter().all(u8::is_ascii_whitespace) => "an empty body".to_owned(),
            None => {
                let what = match self.content_type.as_deref() {
                    Some(t) => t.split(';').next().unwrap_or(t).trim().to_owned(),
                    None => "a body".to_owned(),
                };
                format!(
                    "{} {:?}",
                    clip(&what, key),
                    excerpt(&self.body, SNIPPET_CHARS, key)
                )
            }
        };
        Error::NotWaSphere {
            status: self.status,
            answer,
        }
    }
}

/// The server's own 404 is `{"statusCode":404,"message":"…"}` for a session it does not
/// have. NestJS's `Cannot POST /path` is the server too, but says that no such route
/// exists: the base URL's path is wrong, not the session.
fn is_session_not_found(body: &ErrorBody) -> bool {
    body.unparsed.is_none()
        && body.status_code == Some(404)
        && !body.messages().into_iter().any(|m| {
            ["Cannot POST", "Cannot GET", "Cannot DELETE"]
                .iter()
                .any(|c| m.starts_with(c))
        })
}

/// The text of an HTML page's `<title>`, when the body is one.
fn html_title(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let lower = head.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = head[open_end..close].trim();
    (!title.is_empty()).then(|| title.to_owned())
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
fn messages_of(parsed: &ErrorBody, raw: &[u8], key: &ApiKey) -> Vec<String> {
    let sentences = parsed.messages();
    if sentences.is_empty() && parsed.error.is_none() {
        let excerpt = excerpt(raw, SNIPPET_CHARS, key);
        return if excerpt.is_empty() {
            vec![]
        } else {
            vec![excerpt]
        };
    }
    let said = if sentences.is_empty() {
        parsed.error.as_deref().into_iter().collect()
    } else {
        sentences
    };
    said.into_iter()
        .take(MAX_MESSAGES)
        .map(|s| clip(s, key))
        .collect()
}

/// A short printable excerpt of `bytes` ([`safe_snippet`]), without the key: the key is
/// removed before the text is cut, so that no part of it survives at the cut.
fn excerpt(bytes: &[u8], max_chars: usize, key: &ApiKey) -> String {
    // safe_snippet reads at most 4 bytes per character; a key across that line is whole
    // in the longer prefix taken here.
    let reach = (max_chars * 4 + key.expose_secret().len()).min(bytes.len());
    let text = String::from_utf8_lossy(&bytes[..reach]);
    safe_snippet(key.redact(&text).as_bytes(), max_chars)
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
    use crate::delivery::Delivery;
    use crate::error_class::ErrorClass;
    use wasphere_types::SendResponse;

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
        answer(status, retry_after, body).interpret(&key(), now, None)
    }

    fn answer(status: u16, retry_after: Option<&str>, body: &[u8]) -> Answer {
        let headers = retry_after.map(|v| ("Retry-After", v));
        Answer::from_parts(status, headers, Bytes::copy_from_slice(body))
    }

    fn err(status: u16, body: &str) -> Error {
        read(status, None, body.as_bytes(), SystemTime::now()).unwrap_err()
    }

    fn err_with(status: u16, headers: &[(&str, &str)], body: &str) -> Error {
        Answer::from_parts(
            status,
            headers.iter().copied(),
            Bytes::copy_from_slice(body.as_bytes()),
        )
        .interpret::<SendResponse>(&key(), SystemTime::now(), None)
        .unwrap_err()
    }

    /// Issue 12, item 8: every 404 read as "session not found". Only the server's own
    /// 404 is; a proxy's bare 404 or another server's page says to check the base URL.
    #[test]
    fn only_the_server_s_own_404_is_session_not_found() {
        let e = err(404, r#"{"statusCode":404,"message":"Session not found"}"#);
        assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
        assert_eq!(e.class(), ErrorClass::NotFound);
        for (headers, body, shown) in [
            (&[][..], "", "an empty body"),
            (
                &[("Content-Type", "text/plain")][..],
                "404 page not found",
                "text/plain \"404 page not found\"",
            ),
            (
                &[("content-type", "text/html")][..],
                "<html><head><title>404 Not Found</title></head><body>nginx</body></html>",
                "an HTML page titled \"404 Not Found\"",
            ),
            (
                &[("content-type", "application/json")][..],
                r#"{"message":"no Route matched with those values"}"#,
                "",
            ),
            (
                &[("content-type", "application/json")][..],
                r#"{"statusCode":404,"message":"Cannot POST /v2/workspaces/x/proxy/api/sessions/s/messages/text","error":"Not Found"}"#,
                "",
            ),
        ] {
            let e = err_with(404, headers, body);
            assert!(
                matches!(e, Error::NotWaSphere { status: 404, .. }),
                "{body}: {e:?}"
            );
            assert_eq!(e.class(), ErrorClass::UnexpectedAnswer);
            assert_eq!(e.delivery(), Delivery::NotSent);
            let text = e.to_string();
            assert!(
                text.starts_with("nothing answered as WaSphere at this address (404")
                    && text.contains("check the base URL")
                    && text.contains(shown),
                "{text}"
            );
        }
    }

    /// Issue 12, item 8: a proxy's HTML page on 502/504 was reported as the gateway's.
    #[test]
    fn a_proxy_s_page_on_5xx_is_named_as_such_and_may_have_been_sent() {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>";
        for status in [500, 502, 503, 504] {
            let e = err_with(status, &[("content-type", "text/html")], page);
            assert!(matches!(e, Error::NotWaSphere { .. }), "{e:?}");
            assert_eq!(e.class(), ErrorClass::OutcomeUnknown);
            assert!(e.may_have_been_delivered());
            assert_eq!(
                e.to_string(),
                format!(
                    "a proxy or gateway answered {status} with an HTML page titled \"502 Bad Gateway\", not the WaSphere API; the message may have been sent"
                )
            );
        }
        // The server's own gateway error stays the gateway's.
        let e = err_with(
            502,
            &[("content-type", "application/json")],
            r#"{"error":"Gateway timeout"}"#,
        );
        assert!(matches!(e, Error::Gateway { status: 502, .. }), "{e:?}");
        // An HTML "success" is not the API's either; whatever took the request, a success
        // status is never taken as proof that nothing was sent.
        let e = err_with(
            200,
            &[("content-type", "text/html; charset=utf-8")],
            "<title>Dashboard</title>",
        );
        assert!(matches!(e, Error::NotWaSphere { status: 200, .. }), "{e:?}");
        assert!(e.to_string().contains("check the base URL"), "{e}");
        assert_eq!(e.delivery(), Delivery::MayHaveBeenSent);
    }

    /// Issue 12, item 9: a 3xx exited 1, documented as "a file could not be read", and a
    /// 413 gave no advice.
    #[test]
    fn redirects_and_413_have_their_own_meaning() {
        let e = err_with(
            301,
            &[("Location", "https://api.example.com/v2/workspaces")],
            "",
        );
        assert_eq!(
            e,
            Error::Redirected {
                status: 301,
                location: Some("https://api.example.com/v2/workspaces".into())
            }
        );
        assert_eq!(e.class(), ErrorClass::UnexpectedAnswer);
        assert_eq!(
            e.to_string(),
            "the server redirected the request (301 to https://api.example.com/v2/workspaces), which is not followed: the base URL is not the API's address; the message was not sent"
        );
        let e = err(
            413,
            r#"{"statusCode":413,"message":"request entity too large","error":"Payload Too Large"}"#,
        );
        assert!(matches!(e, Error::PayloadTooLarge { .. }), "{e:?}");
        assert_eq!(e.class(), ErrorClass::Invalid);
        assert_eq!(e.delivery(), Delivery::NotSent);
        assert!(e.to_string().contains("at most 10 MiB"), "{e}");
        let e = err(405, r#"{"statusCode":405,"message":"Method Not Allowed"}"#);
        assert_eq!(e.class(), ErrorClass::UnexpectedAnswer);
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
        assert!(matches!(e, Error::NotWaSphere { status: 502, .. }));
        assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
        let e = err(504, r#"{"error":"Gateway timeout"}"#);
        assert!(matches!(e, Error::Gateway { status: 504, .. }));
        let e = err(503, r#"{"error":"Service Unavailable"}"#);
        assert!(matches!(e, Error::Server { status: 503, .. }));
        let e = err(503, "");
        assert!(matches!(e, Error::NotWaSphere { status: 503, .. }));
        assert!(e.may_have_been_delivered());
        let e = err(302, "");
        assert!(matches!(e, Error::Redirected { status: 302, .. }));
        assert!(!e.may_have_been_delivered());
    }

    #[test]
    fn operations_get_their_own_answers_and_a_501_naming_them() {
        let now = SystemTime::now();
        let edit: wasphere_types::EditResponse =
            answer(201, None, br#"{"messageId":"E1","status":"edited"}"#)
                .interpret(&key(), now, Some(MessageOperation::Edit))
                .unwrap();
        assert_eq!(edit.message_id, "E1");
        let refused = answer(
            501,
            None,
            br#"{"statusCode":501,"message":"Message editing is not supported on the Meta Cloud API provider."}"#,
        )
        .interpret::<wasphere_types::EditResponse>(&key(), now, Some(MessageOperation::Edit))
        .unwrap_err();
        assert_eq!(
            refused,
            Error::UnsupportedOperation {
                operation: MessageOperation::Edit,
                messages: vec![
                    "Message editing is not supported on the Meta Cloud API provider.".into()
                ],
            }
        );
        // A send's 501 stays a capability of the provider.
        let e = read(
            501,
            None,
            br#"{"error":"CAPABILITY_NOT_SUPPORTED","capability":"poll"}"#,
            now,
        )
        .unwrap_err();
        assert!(matches!(e, Error::CapabilityNotSupported { .. }), "{e:?}");
        // An answer of another shape is unreadable, and the request may have been done.
        let e = answer(201, None, br#"{"status":"edited"}"#)
            .interpret::<wasphere_types::EditResponse>(&key(), now, Some(MessageOperation::Edit))
            .unwrap_err();
        assert!(matches!(e, Error::Decode { status: 201, .. }), "{e:?}");
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
        let e = err_with(
            404,
            &[("content-type", "text/html")],
            &format!("<title>{KEY}</title>"),
        );
        assert!(!e.to_string().contains(KEY), "{e}");
        let e = err_with(
            404,
            &[("content-type", "text/plain")],
            &format!("no route for {KEY}"),
        );
        assert!(!e.to_string().contains(KEY), "{e}");
        let location = format!("https://login.example.com/?token={KEY}");
        let e = err_with(302, &[("location", location.as_str())], "");
        assert!(!e.to_string().contains(KEY), "{e}");
    }

    /// Found by reading the cut: a key that crossed the excerpt's end used to leave its
    /// first characters in the error.
    #[test]
    fn a_key_across_the_excerpt_s_end_leaves_nothing_of_itself() {
        for pad in 180..200 {
            let body = format!("{}{KEY}", "x".repeat(pad));
            for (status, headers) in [
                (201, &[][..]),
                (502, &[][..]),
                (404, &[("content-type", "text/plain")][..]),
                (404, &[("content-type", "text/html")][..]),
            ] {
                let e = err_with(status, headers, &body);
                assert!(!e.to_string().contains("wsk_live_s3"), "{pad}: {e}");
            }
            let page = format!("<title>{}{KEY}</title>", "y".repeat(pad - 100));
            let e = err_with(404, &[("content-type", "text/html")], &page);
            assert!(!e.to_string().contains("wsk_live_s3"), "{pad}: {e}");
        }
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

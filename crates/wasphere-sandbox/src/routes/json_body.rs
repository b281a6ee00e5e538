//! Reading a send's body as the server's JSON parser (Express's body-parser, `10mb`) does:
//! only an `application/json` body is read at all; any other body, or none, reaches
//! validation as `{}`, so the answer is the 400 that lists the missing fields. A client
//! that forgets the content type fails here as it would in production.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use wasphere_types::MAX_BODY_BYTES;

use crate::routes::answers::Answer;

/// What the parser makes of a body that it does not read.
const UNPARSED: &[u8] = b"{}";

/// The body validation sees, or the parser's refusal: 413 over [`MAX_BODY_BYTES`], 415
/// for a charset other than UTF-8, 408 when it does not arrive within `timeout`.
pub(crate) async fn read(
    headers: &HeaderMap,
    body: Body,
    timeout: Duration,
) -> Result<Bytes, Answer> {
    let Some(charset) = json_charset(headers) else {
        return Ok(Bytes::from_static(UNPARSED));
    };
    if let Some(charset) = charset.filter(|c| !c.to_ascii_lowercase().starts_with("utf-")) {
        return Err(Answer::unsupported_charset(&charset));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(Answer::payload_too_large());
    }
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(Answer::payload_too_large()),
        Err(_) => Err(Answer::request_timeout()),
    }
}

/// `Some(charset parameter)` when the content type is `application/json` (any case, any
/// parameters), `None` when the parser would not read the body.
fn json_charset(headers: &HeaderMap) -> Option<Option<String>> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let media_type = parts.next()?.trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return None;
    }
    let charset = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    });
    Some(charset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_type(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_application_json_is_read() {
        assert_eq!(json_charset(&with_type("application/json")), Some(None));
        assert_eq!(
            json_charset(&with_type("Application/JSON; charset=UTF-8")),
            Some(Some("UTF-8".into()))
        );
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/vnd.api+json",
            "json",
        ] {
            assert_eq!(json_charset(&with_type(other)), None, "{other}");
        }
        assert_eq!(json_charset(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn unread_bodies_are_empty_objects_and_large_ones_are_refused_unread() {
        let body = || Body::from(r#"{"to":"923001234567","text":"hi"}"#);
        let t = Duration::from_secs(5);
        assert_eq!(
            read(&with_type("text/plain"), body(), t).await.unwrap(),
            "{}"
        );
        assert_eq!(read(&HeaderMap::new(), body(), t).await.unwrap(), "{}");
        let mut big = with_type("application/json");
        big.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(MAX_BODY_BYTES + 1),
        );
        assert_eq!(read(&big, body(), t).await.unwrap_err().status, 413);
        let latin = with_type("application/json; charset=latin1");
        assert_eq!(read(&latin, body(), t).await.unwrap_err().status, 415);
    }
}

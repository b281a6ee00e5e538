//! The send route's answers, byte for byte as the server writes them (contract section 2).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::padded_body::PaddedBody;

/// An answer before it becomes a response, so a fault can inspect and replace it.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: bytes::Bytes,
    /// Bytes of padding and a tail streamed after `body` (only oversized answers have them).
    pub(crate) padding: Option<(usize, &'static [u8])>,
    pub(crate) retry_after: Option<u64>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Answer {
    pub(crate) fn json(status: u16, value: serde_json::Value) -> Self {
        Answer {
            status,
            content_type: JSON,
            body: value.to_string().into(),
            padding: None,
            retry_after: None,
        }
    }

    /// 201 `{"messageId": "...", "status": "sent"}`.
    pub(crate) fn created(message_id: &str) -> Self {
        // Written by hand: this is the hot path of every benchmark.
        let body = format!(r#"{{"messageId":"{message_id}","status":"sent"}}"#);
        Answer {
            status: 201,
            content_type: JSON,
            body: body.into(),
            padding: None,
            retry_after: None,
        }
    }

    pub(crate) fn unauthorized() -> Self {
        Self::json(
            401,
            json!({"statusCode": 401, "message": "Invalid or expired API key"}),
        )
    }

    pub(crate) fn missing_permission() -> Self {
        Self::json(
            403,
            json!({"statusCode": 403, "message": "API key missing required permission: messages:send", "error": "Forbidden"}),
        )
    }

    pub(crate) fn other_session() -> Self {
        Self::json(
            403,
            json!({"statusCode": 403, "message": "API key is not allowed to access this session", "error": "Forbidden"}),
        )
    }

    pub(crate) fn invalid_session_id() -> Self {
        Self::json(400, json!({"error": "INVALID_SESSION_ID"}))
    }

    pub(crate) fn session_not_found() -> Self {
        Self::json(
            404,
            json!({"statusCode": 404, "message": "Session not found"}),
        )
    }

    /// What NestJS answers for a route it does not have.
    pub(crate) fn no_route(method: &str, path: &str) -> Self {
        Self::json(
            404,
            json!({"statusCode": 404, "message": format!("Cannot {method} {path}"), "error": "Not Found"}),
        )
    }

    pub(crate) fn too_many_requests(retry_after_secs: u64) -> Self {
        Answer {
            retry_after: Some(retry_after_secs),
            ..Self::json(
                429,
                json!({"statusCode": 429, "error": "Too Many Requests", "retryAfter": retry_after_secs}),
            )
        }
    }

    /// Body-parser's answer to a body over its limit.
    pub(crate) fn payload_too_large() -> Self {
        Self::json(
            413,
            json!({"statusCode": 413, "message": "request entity too large", "error": "Payload Too Large"}),
        )
    }

    /// Body-parser's answer to a JSON body in a charset it cannot decode.
    pub(crate) fn unsupported_charset(charset: &str) -> Self {
        Self::json(
            415,
            json!({"statusCode": 415, "message": format!("unsupported charset \"{}\"", charset.to_ascii_uppercase()), "error": "Unsupported Media Type"}),
        )
    }

    /// Node's answer to a request that did not arrive in time.
    pub(crate) fn request_timeout() -> Self {
        Self::json(
            408,
            json!({"statusCode": 408, "message": "Request Timeout", "error": "Request Timeout"}),
        )
    }

    /// The ValidationPipe's answer: one sentence per failed rule.
    pub(crate) fn validation_failed(sentences: Vec<String>) -> Self {
        Self::json(
            400,
            json!({"statusCode": 400, "message": sentences, "error": "Bad Request"}),
        )
    }

    /// Body-parser's answer to a body that is not JSON: one sentence, not a list.
    pub(crate) fn invalid_json(detail: &str) -> Self {
        Self::json(
            400,
            json!({"statusCode": 400, "message": detail, "error": "Bad Request"}),
        )
    }

    /// 422: the recipient is not on WhatsApp (contract section 2).
    pub(crate) fn not_on_whatsapp(to: &str) -> Self {
        Self::json(
            422,
            json!({"error": format!("The number {to} is not registered on WhatsApp")}),
        )
    }

    pub(crate) fn not_connected() -> Self {
        Self::json(500, json!({"error": "Session not connected"}))
    }

    /// An injected gateway failure.
    pub(crate) fn gateway_status(status: u16) -> Self {
        if status == 501 {
            // The contract's 501 has its own shape, which clients read the capability from.
            return Self::json(
                501,
                json!({
                    "error": "CAPABILITY_NOT_SUPPORTED",
                    "message": "The session's provider cannot do this (a failure injected by the sandbox)",
                    "capability": "injected",
                    "provider": "sandbox"
                }),
            );
        }
        let error = match status {
            500 => "Internal server error",
            502 => "Bad Gateway: the WhatsApp gateway did not answer",
            503 => "Service Unavailable: the WhatsApp gateway is restarting",
            504 => "Gateway Timeout: the WhatsApp server did not answer in time",
            _ => "Injected failure",
        };
        Self::json(status, json!({"error": error}))
    }

    /// A proxy's HTML error page, as nginx writes it.
    pub(crate) fn html_bad_gateway() -> Self {
        Answer {
            status: 502,
            content_type: "text/html",
            body: bytes::Bytes::from_static(
                b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            ),
            padding: None,
            retry_after: None,
        }
    }

    /// A success cut off mid-body.
    pub(crate) fn truncated_created(message_id: &str) -> Self {
        let full = format!(r#"{{"messageId":"{message_id}","status":"sent"}}"#);
        let cut = full.len() / 2;
        Answer {
            body: bytes::Bytes::copy_from_slice(&full.as_bytes()[..cut]),
            ..Self::created(message_id)
        }
    }

    /// A success padded to exactly `bytes` bytes (a valid JSON object when there is room).
    /// The padding is streamed, never allocated: `bytes` may be large (it is bounded by
    /// [`crate::faults::MAX_OVERSIZED_BODY`]).
    pub(crate) fn oversized_created(message_id: &str, bytes: usize) -> Self {
        const TAIL: &[u8] = b"\"}";
        let head = format!(r#"{{"messageId":"{message_id}","status":"sent","padding":""#);
        let created = Self::created(message_id);
        match bytes.checked_sub(head.len() + TAIL.len()) {
            Some(padding) => Answer {
                body: head.into(),
                padding: Some((padding, TAIL)),
                ..created
            },
            // Too small for the JSON: that many spaces (a few dozen bytes at most).
            None => Answer {
                body: vec![b' '; bytes].into(),
                ..created
            },
        }
    }

    pub(crate) fn into_response(self) -> Response {
        let body = match self.padding {
            None => Body::from(self.body),
            Some((padding, tail)) => Body::new(PaddedBody::new(
                self.body,
                padding,
                bytes::Bytes::from_static(tail),
            )),
        };
        let mut response = Response::new(body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn wire_body(answer: Answer) -> bytes::Bytes {
        axum::body::to_bytes(answer.into_response().into_body(), usize::MAX)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn oversized_is_exact_and_json_when_possible() {
        let a = Answer::oversized_created("3EB0C767D097B7C7A5C1", 5000);
        assert!(a.body.len() < 100, "the padding is not allocated");
        let body = wire_body(a).await;
        assert_eq!(body.len(), 5000);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["status"], "sent");
        assert_eq!(wire_body(Answer::oversized_created("X", 3)).await.len(), 3);
    }

    #[test]
    fn truncated_is_not_json() {
        let a = Answer::truncated_created("3EB0C767D097B7C7A5C1");
        assert!(serde_json::from_slice::<serde_json::Value>(&a.body).is_err());
        assert_eq!(a.status, 201);
    }
}

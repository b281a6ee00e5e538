//! Why a delivery was refused, and the answer the sender gets for it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use wasphere_types::webhook::{DataError, VerifyError};

/// A delivery refused before any handler saw it. Each maps to one HTTP status:
/// 405, 413, 400 or 401 (see [`Rejection::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Deliveries are POSTs.
    #[error("webhook deliveries are POST requests")]
    MethodNotAllowed,
    /// The body is larger than the receiver accepts.
    #[error("the body is over the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The connection failed while the body was read.
    #[error("the body could not be read")]
    BodyUnreadable,
    /// The signature or timestamp headers are missing, malformed, stale or do not match.
    #[error("not authentic: {0}")]
    Unauthentic(VerifyError),
    /// The signature is good but the body is not a webhook envelope.
    #[error("the body is not a webhook event: {0}")]
    NotAnEvent(String),
    /// The envelope is good but its `data` does not have the shape its kind promises.
    #[error(transparent)]
    MalformedData(DataError),
}

impl Rejection {
    /// The HTTP status of the answer: 405, 413, 400 or 401.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::BodyUnreadable | Rejection::NotAnEvent(_) | Rejection::MalformedData(_) => {
                StatusCode::BAD_REQUEST
            }
            Rejection::Unauthentic(_) => StatusCode::UNAUTHORIZED,
        }
    }

    /// The answer's body. Refusals a forger can cause cheaply use fixed text, so a flood
    /// of them allocates nothing for the answer; a signed body that is not an event is the
    /// sender's bug and is described in full.
    fn body(&self) -> axum::body::Body {
        let fixed: &'static str = match self {
            Rejection::MethodNotAllowed => r#"{"error":"webhook deliveries are POST requests"}"#,
            Rejection::BodyTooLarge { .. } => r#"{"error":"the body is over the size limit"}"#,
            Rejection::BodyUnreadable => r#"{"error":"the body could not be read"}"#,
            Rejection::Unauthentic(e) => unauthentic_body(e),
            Rejection::NotAnEvent(_) | Rejection::MalformedData(_) => {
                let message = serde_json::json!({ "error": self.to_string() });
                return axum::body::Body::from(message.to_string());
            }
        };
        axum::body::Body::from(fixed)
    }
}

fn unauthentic_body(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::MissingTimestamp => r#"{"error":"missing X-WaSphere-Timestamp header"}"#,
        VerifyError::MissingSignature => r#"{"error":"missing X-WaSphere-Signature header"}"#,
        VerifyError::MalformedTimestamp => {
            r#"{"error":"malformed X-WaSphere-Timestamp header: expected Unix seconds"}"#
        }
        VerifyError::MalformedSignature | VerifyError::UnsupportedScheme(_) => {
            r#"{"error":"malformed X-WaSphere-Signature header: expected v1,sha256=<64 lowercase hex digits>"}"#
        }
        VerifyError::TooOld { .. } | VerifyError::TooNew { .. } => {
            r#"{"error":"X-WaSphere-Timestamp is more than 300 s from now"}"#
        }
        _ => r#"{"error":"signature does not match"}"#,
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut response = Response::new(self.body());
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self == Rejection::MethodNotAllowed {
            headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_status_and_a_json_answer() {
        for (rejection, status) in [
            (Rejection::MethodNotAllowed, 405),
            (Rejection::BodyTooLarge { limit: 10 }, 413),
            (Rejection::BodyUnreadable, 400),
            (Rejection::Unauthentic(VerifyError::BadSignature), 401),
            (
                Rejection::Unauthentic(VerifyError::TooOld { age_secs: 400 }),
                401,
            ),
            (Rejection::NotAnEvent("expected value".into()), 400),
        ] {
            assert_eq!(rejection.status().as_u16(), status, "{rejection}");
            let response = rejection.into_response();
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        }
    }
}

//! The server's error answers one shape at a time (contract section 2), for the OpenAPI
//! document and for servers that write them, like the sandbox.
//!
//! To *read* an error answer, use [`ErrorBody`](crate::ErrorBody): it takes every shape,
//! and bodies that are not JSON, and never fails. These types are the strict forms: each
//! names the fields one kind of answer always has, so a generated client in another
//! language gets one typed error per status.
//!
//! ```
//! use wasphere_types::error_shapes::RateLimitedBody;
//! let body: RateLimitedBody =
//!     serde_json::from_str(r#"{"statusCode":429,"error":"Too Many Requests","retryAfter":14}"#).unwrap();
//! assert_eq!(body.retry_after, 14);
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ErrorMessage;

/// `400` from the body validation:
/// `{"statusCode":400,"message":["text should not be empty"],"error":"Bad Request"}`. `message`
/// is a list with one sentence per failed rule, or one sentence when the body was not JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidationFailedBody {
    /// `400`.
    pub status_code: u16,
    /// One sentence per failed rule, or one sentence for a body that is not JSON.
    pub message: ErrorMessage,
    /// `Bad Request`.
    pub error: String,
}

/// The code of an invalid-session-id answer: always `INVALID_SESSION_ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum InvalidSessionIdCode {
    /// `INVALID_SESSION_ID`.
    #[serde(rename = "INVALID_SESSION_ID")]
    InvalidSessionId,
}

/// `400` for a session id that is not 1 to 64 of `a-z A-Z 0-9 _ -`:
/// `{"error":"INVALID_SESSION_ID"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvalidSessionIdBody {
    /// `INVALID_SESSION_ID`.
    pub error: InvalidSessionIdCode,
}

/// The code of an invalid-message-id answer: always `INVALID_MESSAGE_ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum InvalidMessageIdCode {
    /// `INVALID_MESSAGE_ID`.
    #[serde(rename = "INVALID_MESSAGE_ID")]
    InvalidMessageId,
}

/// `400` for a message id in the path (of an edit or a delete) that is not 1 to 100 of
/// `a-z A-Z 0-9 _ -`: `{"error":"INVALID_MESSAGE_ID"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvalidMessageIdBody {
    /// `INVALID_MESSAGE_ID`.
    pub error: InvalidMessageIdCode,
}

/// `401`, `403`, `404` and `413` in NestJS's shape:
/// `{"statusCode":403,"message":"API key missing required permission: messages:send","error":"Forbidden"}`;
/// also the `501` of an operation a Meta Cloud API session does not support:
/// `{"statusCode":501,"message":"Message editing is not supported on the Meta Cloud API provider."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusMessageBody {
    /// The HTTP status, repeated.
    pub status_code: u16,
    /// What went wrong, in one sentence.
    pub message: String,
    /// The status phrase (`Forbidden`, `Not Found`, …); the 401 and the 404 for an unknown
    /// session leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `429`: `{"statusCode":429,"error":"Too Many Requests","retryAfter":14}`, with the same
/// number of seconds in the `Retry-After` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitedBody {
    /// `429`.
    pub status_code: u16,
    /// `Too Many Requests`.
    pub error: String,
    /// Whole seconds (at least 1) until a request fits in the window again.
    #[schemars(range(min = 1))]
    pub retry_after: u64,
}

/// `422`, `500`, `502` and `504` from the gateway: `{"error":"Session not connected"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GatewayErrorBody {
    /// What went wrong: `Session not connected`, a recipient not on WhatsApp, an
    /// unreachable media URL, a gateway timeout, …
    pub error: String,
    /// More detail, when the gateway gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The code of a capability answer: always `CAPABILITY_NOT_SUPPORTED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CapabilityNotSupportedCode {
    /// `CAPABILITY_NOT_SUPPORTED`.
    #[serde(rename = "CAPABILITY_NOT_SUPPORTED")]
    CapabilityNotSupported,
}

/// `501`: the session's provider cannot send this type:
/// `{"error":"CAPABILITY_NOT_SUPPORTED","message":"…","capability":"poll","provider":"meta"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CapabilityNotSupportedBody {
    /// `CAPABILITY_NOT_SUPPORTED`.
    pub error: CapabilityNotSupportedCode,
    /// What cannot be done, in one sentence.
    pub message: String,
    /// The capability the provider lacks.
    pub capability: String,
    /// The session's provider.
    pub provider: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorBody;

    /// Every strict shape is also read by the lenient [`ErrorBody`], field for field.
    #[test]
    fn strict_shapes_round_trip_and_read_as_error_bodies() {
        let limited = RateLimitedBody {
            status_code: 429,
            error: "Too Many Requests".into(),
            retry_after: 14,
        };
        let json = serde_json::to_string(&limited).unwrap();
        assert_eq!(
            json,
            r#"{"statusCode":429,"error":"Too Many Requests","retryAfter":14}"#
        );
        assert_eq!(ErrorBody::parse(json.as_bytes()).retry_after, Some(14));

        let invalid: InvalidSessionIdBody =
            serde_json::from_str(r#"{"error":"INVALID_SESSION_ID"}"#).unwrap();
        assert_eq!(invalid.error, InvalidSessionIdCode::InvalidSessionId);
        assert!(serde_json::from_str::<InvalidSessionIdBody>(r#"{"error":"OTHER"}"#).is_err());
        let invalid: InvalidMessageIdBody =
            serde_json::from_str(r#"{"error":"INVALID_MESSAGE_ID"}"#).unwrap();
        assert_eq!(invalid.error, InvalidMessageIdCode::InvalidMessageId);
        assert!(
            serde_json::from_str::<InvalidMessageIdBody>(r#"{"error":"INVALID_SESSION_ID"}"#)
                .is_err()
        );

        let capability = CapabilityNotSupportedBody {
            error: CapabilityNotSupportedCode::CapabilityNotSupported,
            message: "Polls are not supported".into(),
            capability: "poll".into(),
            provider: "meta".into(),
        };
        let read = ErrorBody::parse(serde_json::to_string(&capability).unwrap().as_bytes());
        assert_eq!(read.error.as_deref(), Some("CAPABILITY_NOT_SUPPORTED"));
        assert_eq!(read.provider.as_deref(), Some("meta"));

        let unauthorized: StatusMessageBody =
            serde_json::from_str(r#"{"statusCode":401,"message":"Invalid or expired API key"}"#)
                .unwrap();
        assert_eq!(unauthorized.error, None);
    }
}

//! The answers of the contract (section 2) as data: one entry per status, with its body
//! shapes, headers and what a client may safely do next. Operations list the statuses
//! they can answer; each becomes a shared `components/responses` entry.

use serde_json::{Map, Value, json};
use wasphere_types::error_shapes::{
    CapabilityNotSupportedBody, GatewayErrorBody, InvalidMessageIdBody, InvalidSessionIdBody,
    RateLimitedBody, StatusMessageBody, ValidationFailedBody,
};
use wasphere_types::schema::schema_for;

use super::components::{Schemas, reference};

/// One status a request can be answered with.
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// The `components/responses` key.
    pub(crate) name: &'static str,
    /// When it happens, and whether repeating the request is safe.
    pub(crate) description: &'static str,
    /// The JSON body shapes, by `components/schemas` name (several: `oneOf`).
    pub(crate) shapes: &'static [&'static str],
    /// Whether a proxy in front of the server may answer with an HTML page instead.
    pub(crate) may_be_html: bool,
    /// Whether the answer carries `Retry-After`.
    pub(crate) retry_after: bool,
    /// Named examples, as JSON text.
    pub(crate) examples: &'static [(&'static str, &'static str)],
}

/// Every error answer of the contract.
pub(crate) const ANSWERS: &[Answer] = &[
    Answer {
        status: 400,
        name: "BadRequest",
        description: "The body (or a delete's query) broke a rule the server checks (`message` lists one sentence per failed rule; a body that is not JSON gets one sentence), or the session id in the path is not 1 to 64 of `a-z A-Z 0-9 _ -` (`{\"error\":\"INVALID_SESSION_ID\"}`), or the message id in the path of an edit or a delete is not 1 to 100 of them (`{\"error\":\"INVALID_MESSAGE_ID\"}`). A body that is not `application/json` is not parsed at all and fails as an empty body. Nothing was sent: fix the request; repeating it unchanged fails the same way.",
        shapes: &[
            "ValidationFailedBody",
            "InvalidSessionIdBody",
            "InvalidMessageIdBody",
        ],
        may_be_html: false,
        retry_after: false,
        examples: &[
            (
                "validation",
                r#"{"statusCode":400,"message":["text should not be empty","property filename should not exist"],"error":"Bad Request"}"#,
            ),
            ("invalidSessionId", r#"{"error":"INVALID_SESSION_ID"}"#),
            ("invalidMessageId", r#"{"error":"INVALID_MESSAGE_ID"}"#),
        ],
    },
    Answer {
        status: 401,
        name: "Unauthorized",
        description: "The `Authorization` header is missing or malformed, or the key is unknown, expired or revoked. Only `Bearer wsk_…` is treated as an API key. Nothing was sent; do not retry with the same key.",
        shapes: &["StatusMessageBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[(
            "invalidKey",
            r#"{"statusCode":401,"message":"Invalid or expired API key"}"#,
        )],
    },
    Answer {
        status: 403,
        name: "Forbidden",
        description: "The key lacks the `messages:send` permission, or is bound to another session. Nothing was sent; do not retry with the same key.",
        shapes: &["StatusMessageBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[(
            "missingPermission",
            r#"{"statusCode":403,"message":"API key missing required permission: messages:send","error":"Forbidden"}"#,
        )],
    },
    Answer {
        status: 404,
        name: "NotFound",
        description: "No such session in this workspace (check `workspaceId` and `sessionId`). Nothing was sent.",
        shapes: &["StatusMessageBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[(
            "sessionNotFound",
            r#"{"statusCode":404,"message":"Session not found"}"#,
        )],
    },
    Answer {
        status: 413,
        name: "PayloadTooLarge",
        description: "The body is over the server's 10 MiB JSON limit (a gateway in front may allow 25 MiB). Not guaranteed to be JSON. Nothing was sent: send a URL instead of a large data URI.",
        shapes: &["StatusMessageBody"],
        may_be_html: true,
        retry_after: false,
        examples: &[(
            "tooLarge",
            r#"{"statusCode":413,"message":"request entity too large","error":"Payload Too Large"}"#,
        )],
    },
    Answer {
        status: 422,
        name: "Unprocessable",
        description: "The recipient is not on WhatsApp, or the media URL could not be fetched. Nothing was sent; repeating it unchanged fails the same way.",
        shapes: &["GatewayErrorBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[(
            "notOnWhatsApp",
            r#"{"error":"The number 923001234567 is not on WhatsApp"}"#,
        )],
    },
    Answer {
        status: 429,
        name: "TooManyRequests",
        description: "Rate limited: more than the key's limit (60 per minute) in the sliding window. Nothing was sent; it is safe to send again after `Retry-After` seconds.",
        shapes: &["RateLimitedBody"],
        may_be_html: false,
        retry_after: true,
        examples: &[(
            "rateLimited",
            r#"{"statusCode":429,"error":"Too Many Requests","retryAfter":14}"#,
        )],
    },
    Answer {
        status: 500,
        name: "SessionNotConnected",
        description: "The session exists but is not connected to WhatsApp. Nothing was sent: reconnect the session from the dashboard, then send again.",
        shapes: &["GatewayErrorBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[("notConnected", r#"{"error":"Session not connected"}"#)],
    },
    Answer {
        status: 501,
        name: "CapabilityNotSupported",
        description: "The session's provider cannot send this type (for example polls on the Meta Cloud API: `CAPABILITY_NOT_SUPPORTED`), or cannot do this operation (edit, delete, typing and presence on the Meta Cloud API: `{\"statusCode\":501,\"message\":\"… is not supported on the Meta Cloud API provider.\"}`). Nothing was done; do not retry on this session.",
        shapes: &["CapabilityNotSupportedBody", "StatusMessageBody"],
        may_be_html: false,
        retry_after: false,
        examples: &[
            (
                "notSupported",
                r#"{"error":"CAPABILITY_NOT_SUPPORTED","message":"Polls are not supported by this provider","capability":"poll","provider":"meta"}"#,
            ),
            (
                "operationNotSupported",
                r#"{"statusCode":501,"message":"Message editing is not supported on the Meta Cloud API provider."}"#,
            ),
        ],
    },
    Answer {
        status: 502,
        name: "BadGateway",
        description: "The gateway could not reach the WhatsApp server; the body may be a proxy's HTML page. **Outcome unknown**: the message may have been sent. Repeating the request may send it twice: check first (a `message.sent` webhook, or the recipient), and retry only when a duplicate is acceptable. An edit, delete, mark read, typing or presence is safe to repeat.",
        shapes: &["GatewayErrorBody"],
        may_be_html: true,
        retry_after: false,
        examples: &[(
            "badGateway",
            r#"{"error":"Bad Gateway: the WhatsApp gateway did not answer"}"#,
        )],
    },
    Answer {
        status: 504,
        name: "GatewayTimeout",
        description: "The WhatsApp server did not answer in time; the body may be a proxy's HTML page. **Outcome unknown**: the message may have been sent. Repeating the request may send it twice: check first, and retry only when a duplicate is acceptable. An edit, delete, mark read, typing or presence is safe to repeat.",
        shapes: &["GatewayErrorBody"],
        may_be_html: true,
        retry_after: false,
        examples: &[(
            "gatewayTimeout",
            r#"{"error":"Gateway Timeout: the WhatsApp server did not answer in time"}"#,
        )],
    },
];

/// The statuses every send can be answered with besides 201.
pub(crate) const SEND_ANSWERS: &[u16] = &[400, 401, 403, 404, 413, 422, 429, 500, 501, 502, 504];

/// The statuses an operation on messages with a body can be answered with besides its
/// success: those of a send but 422 (no recipient or media is checked).
pub(crate) const OPERATION_ANSWERS: &[u16] = &[400, 401, 403, 404, 413, 429, 500, 501, 502, 504];

/// Adds the error body schemas to `schemas`.
pub(crate) fn add_shapes(schemas: &mut Schemas) -> Result<(), String> {
    schemas.add("ValidationFailedBody", schema_for::<ValidationFailedBody>())?;
    schemas.add("InvalidSessionIdBody", schema_for::<InvalidSessionIdBody>())?;
    schemas.add("InvalidMessageIdBody", schema_for::<InvalidMessageIdBody>())?;
    schemas.add("StatusMessageBody", schema_for::<StatusMessageBody>())?;
    schemas.add("RateLimitedBody", schema_for::<RateLimitedBody>())?;
    schemas.add("GatewayErrorBody", schema_for::<GatewayErrorBody>())?;
    schemas.add(
        "CapabilityNotSupportedBody",
        schema_for::<CapabilityNotSupportedBody>(),
    )?;
    Ok(())
}

/// The answer for `status`, or an error naming it.
pub(crate) fn answer(status: u16) -> Result<&'static Answer, String> {
    ANSWERS
        .iter()
        .find(|a| a.status == status)
        .ok_or_else(|| format!("no answer is described for status {status}"))
}

/// The `components/responses` object.
pub(crate) fn responses() -> Result<Value, String> {
    let mut all = Map::new();
    for a in ANSWERS {
        all.insert(a.name.to_owned(), response(a)?);
    }
    Ok(Value::Object(all))
}

fn response(a: &Answer) -> Result<Value, String> {
    let schema = match a.shapes {
        [one] => reference(one),
        many => json!({ "oneOf": many.iter().map(|s| reference(s)).collect::<Vec<_>>() }),
    };
    let mut examples = Map::new();
    for (name, text) in a.examples {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("the {name} example of {} is not JSON: {e}", a.status))?;
        examples.insert((*name).to_owned(), json!({ "value": value }));
    }
    let mut content = Map::new();
    content.insert(
        "application/json".into(),
        json!({ "schema": schema, "examples": examples }),
    );
    if a.may_be_html {
        content.insert(
            "text/html".into(),
            json!({ "schema": { "type": "string", "description": "An error page from a proxy in front of the server." } }),
        );
    }
    let mut response = json!({ "description": a.description, "content": content });
    if a.retry_after {
        response["headers"] = json!({
            "Retry-After": {
                "description": "Whole seconds (at least 1) until a request fits in the sliding window again: the same number as `retryAfter` in the body.",
                "required": true,
                "schema": { "type": "integer", "minimum": 1 }
            }
        });
    }
    Ok(response)
}

/// `{"$ref": "#/components/responses/<name>"}` for `status`.
pub(crate) fn response_ref(status: u16) -> Result<Value, String> {
    Ok(json!({ "$ref": format!("#/components/responses/{}", answer(status)?.name) }))
}

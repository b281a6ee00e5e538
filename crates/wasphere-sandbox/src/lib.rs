//! A local emulator of the WaSphere API, for tests, demos and benchmarks.
//!
//! Nobody can test a WhatsApp client against WhatsApp in CI. `wasphere-sandbox` serves the
//! API's one endpoint on a local port and answers it status for status as the real server
//! does (see the wire contract): the same API-key guard (401, 403), the same session checks
//! (400 `INVALID_SESSION_ID`, 404), the same body validation (400 with one sentence per
//! failed rule, from `wasphere-types`), the same sliding-window rate limit (429 with
//! `Retry-After`), and 201 with a fresh message id. On top, it records what it accepted,
//! injects faults on demand, and sends signed webhooks.
//!
//! ```
//! use wasphere_sandbox::{Fault, FaultRule, Sandbox, DEFAULT_API_KEY, DEFAULT_SESSION};
//! use wasphere_types::{documented_example, MessageType};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let sandbox = Sandbox::builder().start().await?;
//! let url = format!(
//!     "{}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text",
//!     sandbox.base_url(),
//!     sandbox.workspace(),
//! );
//! let client = reqwest::Client::new();
//! let send = || {
//!     client
//!         .post(&url)
//!         .bearer_auth(DEFAULT_API_KEY)
//!         .header("content-type", "application/json")
//!         .body(documented_example(MessageType::Text))
//!         .send()
//! };
//!
//! let answer = send().await.unwrap();
//! assert_eq!(answer.status(), 201);
//! assert_eq!(sandbox.messages()[0].body["to"], "923001234567");
//!
//! // The next answer is lost on the way back, but the message was accepted.
//! sandbox.inject(FaultRule::next(1, Fault::Status(504)));
//! assert_eq!(send().await.unwrap().status(), 504);
//! assert_eq!(sandbox.messages().len(), 2);
//!
//! sandbox.shutdown().await;
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Routes
//!
//! - `POST /workspaces/{workspaceId}/proxy/api/sessions/{sessionId}/messages/{type}` — the
//!   API. Checks run as the NestJS server's pipeline runs them: the API-key guard (401 for
//!   a missing, malformed or unknown key; 403 for a key without `messages:send` or bound to
//!   another session), the rate limit (429), the session id's format (400), the workspace
//!   and session (404 `Session not found`), the type slug (404 `Cannot POST …`), the body
//!   (only an `application/json` body is read, as the server's JSON parser does: any other
//!   is validated as `{}`; 413 over 10 MiB; 400 when the JSON is malformed, with one
//!   sentence, or when it breaks a rule the server enforces, with one sentence per rule —
//!   this toolkit's client-side rules never cause a 400 here), whether the session is
//!   connected (500), whether the recipient is on WhatsApp (422, for numbers made
//!   unreachable with [`SandboxBuilder::unreachable`]), then 201.
//! - `GET /openapi.json` and `GET /docs` — the API's OpenAPI 3.1 document (the
//!   repository's `docs/openapi.json`, embedded) and a reference page rendered from it
//!   that needs no network; see [`RunningSandbox::openapi_url`].
//! - The operations on messages (contract section 6), through the same guard, rate limit
//!   and checks: `POST …/messages/{messageId}/edit`, `DELETE …/messages/{messageId}?to=…&forEveryone=…`
//!   (for everyone whatever `forEveryone` says, as the server does), `POST …/messages/read`,
//!   `POST …/messages/typing` (followed by the server's own "paused" 3 s later) and
//!   `POST …/messages/presence`; a bad id in the path is `400 INVALID_MESSAGE_ID`. Each
//!   accepted one is a [`RecordedOperation`].
//! - Sessions on the Meta (Cloud API) provider ([`SandboxBuilder::meta_session`]) answer
//!   501 to edit, delete, typing and presence, and `501 CAPABILITY_NOT_SUPPORTED` to
//!   sends of `poll`, `gif` and `view-once`.
//! - `GET`/`DELETE /__sandbox/messages`, `GET /__sandbox/operations`, `GET /__sandbox/stats`,
//!   `GET /__sandbox/webhooks`, `POST`/`DELETE /__sandbox/faults`,
//!   `POST /__sandbox/simulate/reply`: the same data and controls as [`RunningSandbox`],
//!   over HTTP. They need the sandbox's API key
//!   (`Authorization: Bearer wsk_test_sandbox` by default; any key given to
//!   [`SandboxBuilder::api_key`] works), so whoever can reach the port cannot read the
//!   record or inject faults without it. The lists are paged: `?after=SEQ&limit=N`.
//!
//! # Limits
//!
//! Whatever it is sent, the sandbox's memory stays bounded: it keeps the last
//! [`DEFAULT_RECORD_LIMIT`] messages, operations and webhook deliveries
//! ([`SandboxBuilder::record_limit`]), every number a fault rule can set has a bound
//! ([`InvalidFaultRule`]), and connections that send nothing, or a request head too
//! slowly, are closed ([`SandboxBuilder::connection_limits`]).
//!
//! # Rate limit
//!
//! Per API key, a sliding window (contract section 3): at most `max` requests in any span
//! of `window`. A request is counted once it passes the API-key guard. Refused requests
//! (429) are **not** counted, so a client that waits the `Retry-After` it was told always
//! gets through then; `Retry-After` is the whole number of seconds, rounded up and at
//! least 1, until the oldest counted request leaves the window.
//!
//! # Faults
//!
//! A [`FaultRule`] applies to the send route and the operations' routes, to requests that
//! pass the guard, the rate limit and the path checks. Every fault except [`Fault::RateLimited`] first handles
//! the request as usual — a valid message is recorded as accepted, with
//! [`RecordedMessage::fault`] set — and then replaces the answer, modelling "the server may
//! have delivered it but the answer was lost".
//!
//! # Webhooks
//!
//! With [`SandboxBuilder::webhook`], every accepted send emits a signed `message.sent`,
//! and `POST /__sandbox/simulate/reply` emits `message.received` for a button tap, list
//! pick or poll vote. Deliveries carry the contract's four headers, are signed with
//! [`wasphere_types::webhook::sign`], time out after 10 s, and are retried on
//! [`SandboxBuilder::webhook_retry_delays`], all in the background.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod auth;
mod builder;
mod connection_watch;
mod faults;
mod padded_body;
mod rate_limit;
mod recipient_jid;
mod recorded_operation;
mod records;
mod rfc3339;
mod ring;
mod routes;
mod running;
mod server;
mod state;
mod typing_pause;
mod webhook_delivery;

pub use builder::{
    ConnectionLimits, DEFAULT_API_KEY, DEFAULT_SESSION, DEFAULT_WORKSPACE, KeyConfig, Sandbox,
    SandboxBuilder, default_workspace,
};
pub use faults::{
    Fault, FaultRule, InvalidFaultRule, MAX_FAULT_COUNT, MAX_FAULT_DELAY,
    MAX_FAULT_RETRY_AFTER_SECS, MAX_OVERSIZED_BODY, Trigger,
};
pub use recorded_operation::RecordedOperation;
pub use records::{DEFAULT_RECORD_LIMIT, DeliveryRecord, MAX_RECORD_BYTES, RecordedMessage};
pub use running::RunningSandbox;
/// The largest request body the send route reads (10 MiB, as the server); larger ones get 413.
pub use wasphere_types::MAX_BODY_BYTES;
/// "N requests per window", shared with the rest of the toolkit.
pub use wasphere_types::RateLimit;

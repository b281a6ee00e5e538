//! The WaSphere WhatsApp API client: async and blocking, with safe retries and a
//! sliding-window rate limiter.
//!
//! ```no_run
//! use wasphere_client::types::{Button, Message, Text};
//! use wasphere_client::{Client, RetryPolicy};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .base_url("https://api.example.com")
//!     .api_key("wsk_live_xxxxx".parse()?)
//!     .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?)
//!     .session("my-session".parse()?)
//!     .retry_policy(RetryPolicy::default()) // the default: never risks a duplicate
//!     .build()?; // or Client::from_env()
//!
//! let sent = client.send_text("923001234567", "Hello! Your order *#1234* has shipped.").await?;
//! println!("sent {}", sent.message_id);
//!
//! let buttons = [Button::new("yes", "Yes"), Button::new("no", "No")];
//! client.send_buttons("923001234567", "Confirm delivery?", "Reply below", buttons).await?;
//!
//! // Any message, with the session of this one call.
//! let reply = Message::from(Text::new("923001234567", "Thanks!").quoting("3EB0C767D097B7C7A5C1"));
//! match client.send_with_session(&"support".parse()?, &reply).await {
//!     Ok(sent) => println!("sent {}", sent.message_id),
//!     Err(e) if e.may_have_been_delivered() => eprintln!("outcome unknown, not resending: {e}"),
//!     Err(e) => eprintln!("not sent ({}): {e}", e.class()),
//! }
//! # Ok(()) }
//! ```
//!
//! The same, synchronously ([`blocking`] mirrors the async API one to one):
//!
//! ```no_run
//! # fn run() -> Result<(), wasphere_client::Error> {
//! // WASPHERE_BASE_URL, WASPHERE_API_KEY, WASPHERE_WORKSPACE, WASPHERE_SESSION
//! let client = wasphere_client::blocking::Client::from_env()?;
//! let sent = client.send_location("923001234567", 24.8607, 67.0011)?;
//! println!("sent {}", sent.message_id);
//! # Ok(()) }
//! ```
//!
//! What it does for you:
//!
//! - **Validation first**: a message that breaks a rule of the contract fails with
//!   [`Error::Validation`] before it costs a request or a rate-limit slot.
//! - **Rate limiting** that models the server's sliding window (default 60 per 60 s per
//!   key, plus a 250 ms safety margin), each slot counted from its request's answer so
//!   latency never lets two windows' requests meet at the server, first come first served
//!   across every clone, task and client of the process using the same key and server. When the server answers 429
//!   anyway (another process shares the key), every sender on the key waits it out.
//! - **Retries that never deliver twice by default**: a 429 is repeated after its
//!   `Retry-After`, and failures before the request left the machine after an exponential
//!   backoff with full jitter. A timeout after sending, or a 5xx, may mean the message went
//!   out: it is returned, with [`Error::may_have_been_delivered`] true, unless you choose
//!   [`RetryPolicy::at_least_once`].
//! - **One error type** whose variants follow the contract's statuses, each able to say
//!   what became of the message ([`Error::delivery`]: [`Delivery::NotSent`] or
//!   [`Delivery::MayHaveBeenSent`]), whether it [is retryable](Error::is_retryable) and
//!   which [`ErrorClass`] it is in. Failures of the network stack keep their causes
//!   ([`TransportError`], `source()`); a bad setting is a [`ConfigError`].
//! - **The rest of the messages API**: [`Client::edit`], [`Client::delete`] (for
//!   everyone: the server recalls for everyone whatever `forEveryone` says, so no "delete
//!   for me" is offered), [`Client::mark_read`], [`Client::typing`],
//!   [`Client::presence`], and [`Client::reply`] for a text quoting another. They are
//!   checked, rate-limited and reported like sends; being safe to repeat
//!   ([`Idempotency`]), they are also retried after a timeout or 5xx that leaves their
//!   outcome unknown. On a Meta (Cloud API) session the server refuses edit, delete,
//!   typing and presence: [`Error::UnsupportedOperation`] names the feature.
//! - **Careful transport**: rustls, connection reuse, user agent `wasphere-rs/<version>`,
//!   timeouts, answers capped at 1 MiB, `http://` refused except to loopback and URLs
//!   with credentials refused ([`BaseUrl`], the one check every tool uses), no redirects,
//!   and a `tracing` span per send (`message_type`, `session`, `attempt`, `status`,
//!   `latency_ms`). The key never appears in `Debug`, `Display`, errors or logs.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access_check;
mod answer;
pub mod blocking;
mod builder;
mod client;
mod config_error;
mod connection;
mod delivery;
mod env;
mod error;
mod error_class;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod limiter;
mod operations;
mod rate_limit_store;
#[cfg(feature = "redis")]
mod redis_limit;
mod retry;
mod shorthands;
mod store_error;
mod transport;
mod transport_error;

pub use access_check::Access;
pub use builder::ClientBuilder;
pub use client::Client;
pub use config_error::ConfigError;
pub use connection::{
    BaseUrl, BaseUrlProblem, ENV_API_KEY, ENV_BASE_URL, ENV_REDIS_URL, ENV_SESSION, ENV_WORKSPACE,
    InvalidBaseUrl,
};
pub use delivery::Delivery;
pub use error::{Error, TimeoutPhase};
pub use error_class::ErrorClass;
pub use rate_limit_store::{Admission, RateLimitStore, RateLimiter};
#[cfg(feature = "redis")]
pub use redis_limit::{
    DEFAULT_KEY_PREFIX, DEFAULT_REDIS_TIMEOUT, OnRedisOutage, RedisLimitStore,
    RedisLimitStoreBuilder,
};
pub use retry::{
    AtLeastOnce, Idempotency, NoRetries, RetryAction, RetryClassifier, RetryPolicy, SafeRetries,
};
pub use store_error::RateLimitStoreError;
pub use transport::MAX_ANSWER_BYTES;
pub use transport_error::TransportError;
/// The contract's types, re-exported so that one dependency is enough.
pub use wasphere_types as types;
pub use wasphere_types::{
    ApiKey, Button, DeleteResponse, EditResponse, InvalidRateLimit, ListSection, MarkReadResponse,
    Message, MessageId, MessageOperation, MessageType, Presence, PresenceResponse, RateLimit,
    SendResponse, SessionId, TypingResponse, ValidationError, WorkspaceId,
};

/// The user agent of every request: `wasphere-rs/<version>`.
pub const USER_AGENT: &str = transport::USER_AGENT;

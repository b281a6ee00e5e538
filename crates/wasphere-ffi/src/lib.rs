//! A C ABI for the WaSphere toolkit, so that C, Python, PHP, Go or .NET programs reuse
//! its validation, its safe retries and its rate limiter instead of re-implementing them.
//!
//! The header is `include/wasphere.h`, generated from this crate by `cargo xtask header`.
//! Everything crosses the boundary as NUL-terminated UTF-8 JSON, which every language
//! can produce and parse:
//!
//! - [`wasphere_validate`] checks a body against every rule of its message type;
//! - [`wasphere_client_new`] / [`wasphere_send`] / [`wasphere_client_free`] send messages;
//! - [`wasphere_edit`], [`wasphere_delete`] (for everyone), [`wasphere_mark_read`],
//!   [`wasphere_typing`] and [`wasphere_presence`] act on messages and chats;
//! - [`wasphere_webhook_verify`] checks a webhook delivery and returns its event;
//! - [`wasphere_string_free`] frees every string the library hands out;
//! - [`wasphere_version`] names the version.
//!
//! Every function returns one of the `WASPHERE_*` codes (0 for success, then the CLI's
//! exit-code classes), and explains a failure in `error_json`:
//! `{"kind","code","message","status"?,"violations"?,"retryAfter"?,"serverMessages"?,"reason"?}`.
//! Output pointers may be NULL when the caller does not want that output. No panic
//! crosses the boundary, NULL or non-UTF-8 input is an error, never a crash, and the API
//! key never appears in any output.
//!
//! From Rust, use `wasphere-client` and `wasphere-types` directly; these functions are
//! public to Rust only so benchmarks and tests can call them as C would.

mod client;
mod config;
mod errors;
mod guard;
mod operations;
mod string_free;
mod strings;
mod validate;
mod version;
mod webhook;

pub use client::{WasphereClient, wasphere_client_free, wasphere_client_new, wasphere_send};
pub use errors::{
    WASPHERE_ERR_AUTH, WASPHERE_ERR_INVALID, WASPHERE_ERR_NETWORK, WASPHERE_ERR_NOT_FOUND,
    WASPHERE_ERR_OTHER, WASPHERE_ERR_OUTCOME_UNKNOWN, WASPHERE_ERR_RATE_LIMITED,
    WASPHERE_ERR_SERVER, WASPHERE_ERR_UNEXPECTED_ANSWER, WASPHERE_OK,
};
pub use operations::{
    wasphere_delete, wasphere_edit, wasphere_mark_read, wasphere_presence, wasphere_typing,
};
pub use string_free::wasphere_string_free;
pub use validate::wasphere_validate;
pub use version::wasphere_version;
pub use webhook::wasphere_webhook_verify;

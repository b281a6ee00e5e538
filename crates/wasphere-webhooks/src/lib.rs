//! Receive WaSphere webhooks in a Rust service: verified, deduplicated, typed events.
//!
//! Button taps, list picks, poll votes and delivery statuses come back as signed POSTs
//! (contract section 5). A [`Receiver`] is a tower `Service` you mount in axum. For each
//! delivery it:
//!
//! 1. refuses bodies over a cap (1 MiB by default) before reading past it;
//! 2. checks `X-WaSphere-Signature` over the raw bytes in constant time, against one
//!    secret or several during a rotation, and `X-WaSphere-Timestamp` within 300 s;
//!    a forged delivery costs no JSON parsing and gets a fixed answer (401);
//! 3. reads the envelope into typed [`Event`]s: one per incoming message, send, or
//!    delivery status, with every status in one form, [`MessageStatus`], whether it came
//!    as a Baileys or Meta item of `messages.update` or as a named event;
//! 4. drops events it has handled already (the server retries a failed delivery with a
//!    new delivery id), by [a key](dedup::key) built from the event, in a bounded
//!    in-memory store or any [`DedupStore`](dedup::DedupStore) shared by replicas;
//! 5. calls your async handler once per new event and answers 200, or an error status
//!    that makes the server retry (the failed event is then handled again).
//!
//! It never panics on any input.
//!
//! ```no_run
//! use axum::Router;
//! use wasphere_webhooks::{Event, Receiver, Selection, WebhookSecret};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = WebhookSecret::new(std::env::var("WASPHERE_WEBHOOK_SECRET")?);
//! let receiver = Receiver::builder(secret).build(|event: Event| async move {
//!     if let Some(Selection::ButtonReply { id, .. }) = event.selection() {
//!         println!("button {id} tapped in session {}", event.session_id);
//!     }
//!     if let Some(status) = event.status() {
//!         println!("{} is now {}", status.message_id, status.status);
//!     }
//!     Ok::<_, std::convert::Infallible>(())
//! });
//! let app = Router::new().route_service("/hooks", receiver);
//! axum::serve(tokio::net::TcpListener::bind("0.0.0.0:3000").await?, app).await?;
//! # Ok(()) }
//! ```
//!
//! `examples/reply_bot.rs` answers button taps through `wasphere-client`. To check a
//! delivery in a handler of your own, use the [`Delivery`] extractor with a [`Verifier`]
//! in the state, and [`dedup::Deduplicator`] if you want deduplication.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod clock;
pub mod dedup;
mod extract;
mod receiver;
mod rejection;
mod verifier;

pub use clock::{Clock, SystemClock};
pub use receiver::{BoxError, DEFAULT_HANDLER_TIMEOUT, Receiver, ReceiverBuilder};
pub use rejection::Rejection;
pub use verifier::{DEFAULT_MAX_BODY, Delivery, Verifier};
pub use wasphere_types::webhook::{
    DeliveryStatus, Event, EventData, EventKind, MessageStatus, Selection, WebhookSecret,
};

/// The webhook types of the contract (`wasphere_types::webhook`): envelopes, payloads,
/// signing and the header names.
pub use wasphere_types::webhook as types;

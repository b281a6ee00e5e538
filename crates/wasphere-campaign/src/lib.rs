//! Send a personalized WhatsApp message to every row of a file, crash-safe, at the
//! server's limit.
//!
//! A campaign is a [`Template`] (the JSON body of any of the 14 message types, whose strings
//! hold placeholders), rows from a CSV or JSON Lines file or any iterator or stream, and one
//! or more API keys with their sessions. Every row's state lives in a [`Journal`]:
//!
//! ```text
//! pending ──► sending ──► sent (messageId)
//!                    ├──► failed (class, message)
//!                    └──► unknown            (and at import: invalid, skipped)
//! ```
//!
//! - **Never twice.** A row is recorded `sending` durably before its request leaves the
//!   machine. After a crash (`kill -9`, a power cut) rows found `sending` become `unknown`:
//!   a resume sends every `pending` row exactly once and never an `unknown` one, unless
//!   asked to ([`Campaign::resend_unknown`], at-least-once).
//! - **At the server's limit, not past it.** Each key is paced by a sliding window like the
//!   server's, on top of the client's own limiter: [`Pacing::Smooth`] spaces sends evenly
//!   (1 s apart at 60 per minute; WhatsApp flags accounts that burst), [`Pacing::Window`]
//!   fills the window. A [`DelayRange`] adds a random pause per session. More keys, more
//!   throughput.
//! - **Errors by row.** A row that cannot be sent (422: not on WhatsApp) is `failed` and the
//!   campaign goes on; a refused key or a disconnected session stops it at once, resumable.
//!   A row that breaks a rule is reported before anything is sent, with its line, field path
//!   and rule in the words of `wasphere validate` ([`Check`]).
//! - **Observable.** Every outcome is an [`Event`] (callback or channel); a
//!   [`StopHandle`] stops it gracefully; [`export()`] writes every row's outcome.
//!
//! ```no_run
//! use wasphere_campaign::{Campaign, CampaignKey, CampaignSource, Event, Row, SqliteJournal, Template};
//! use wasphere_client::Client;
//! use wasphere_types::MessageType;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let template = Template::new(
//!     MessageType::Text,
//!     r#"{"to": "{{ phone }}", "text": "Hi {{ name }}, your order {{ order }} has shipped."}"#,
//! )?;
//! let client = Client::builder()
//!     .base_url("https://api.example.com")
//!     .api_key("wsk_live_xxxxx".parse()?)
//!     .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?);
//! let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
//! let campaign = Campaign::new(template)
//!     .key(CampaignKey::new(client, ["my-session".parse()?]))
//!     .event_channel(tx);
//! tokio::spawn(async move {
//!     while let Some(event) = events.recv().await {
//!         if let Event::Sent { line, message_id, .. } = event {
//!             println!("line {line}: {message_id}");
//!         }
//!     }
//! });
//! // Rows from anywhere: here, orders from your own code.
//! let orders = vec![("923001234567", "Ayesha", "#1001"), ("447700900123", "Tom", "#1002")];
//! let rows = orders.into_iter().enumerate().map(|(i, (phone, name, order))| {
//!     Row::from_pairs(i as u64 + 1, [("phone", phone), ("name", name), ("order", order)])
//! });
//! let journal = SqliteJournal::open("orders.db")?;
//! let report = campaign
//!     .run(&journal, Some(CampaignSource::rows(rows).digest("orders-2026-11-25")))
//!     .await?;
//! assert!(report.is_finished() || report.stopped.is_some());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod campaign;
mod check;
mod dispatch;
mod error;
mod export;
mod feed;
mod importer;
mod input;
pub mod journal;
mod outcome;
mod pacer;
mod plan;
mod prepare;
mod problem;
mod progress;
mod recipients;
mod row;
mod source;
mod stop;
mod template;

pub use campaign::{Campaign, CampaignKey, DEFAULT_SESSION_COLUMN, RunReport};
pub use check::{Check, CheckSummary, Finding};
pub use error::{CampaignError, Changed};
pub use export::{ExportError, ExportFormat, export};
pub use input::CampaignSource;
pub use journal::{DeliveryStatus, Journal, JournalError, MemoryJournal, RowState, SqliteJournal};
#[cfg(feature = "postgres")]
pub use journal::{PostgresJournal, PostgresJournalBuilder};
pub use plan::{DelayRange, KeyPace, PacePlan, Pacing, PlanError};
pub use prepare::PreparedRow;
pub use problem::{RowProblem, RowReport};
pub use progress::{Event, StopReason};
pub use row::{Cell, Row};
pub use source::{
    CsvRows, JsonLinesRows, MAX_ROW_BYTES, ReadError, Rows, SourceDigest, SourceError, SourceFile,
    SourceFormat, digest_reader,
};
pub use stop::StopHandle;
pub use template::{Template, TemplateError};

//! The WaSphere WhatsApp API contract as Rust types.
//!
//! `wasphere-types` is the foundation of the wasphere-rs toolkit, and useful on its own:
//! the 14 message payloads with the server's exact rules, the identifiers of the URL, the
//! success and error answers, webhook events with signature verification, and JSON
//! Schemas for other languages. It does no I/O.
//!
//! ```
//! use wasphere_types::{Buttons, Message, MessageType, Rule, Text};
//!
//! // The common case is short, and valid.
//! let hello = Text::new("923001234567", "Hello! Your order *#1234* has been dispatched.");
//! assert!(hello.validate().is_ok());
//!
//! // Every broken rule is reported at once, with its path, limit and length.
//! let bad = Buttons::new("+92 300 1234567", "Choose:", "❤️".repeat(61))
//!     .button("a-very-long-button-id", "Yes");
//! let err = bad.validate().unwrap_err();
//! let paths: Vec<&str> = err.violations.iter().map(|v| v.path.as_str()).collect();
//! assert_eq!(paths, ["to", "footer", "buttons[0].id"]);
//! assert_eq!(err.violations[1].rule, Rule::MaxLength { limit: 60, actual: 61 });
//! assert!(err.violations[0].is_client_side()); // the server checks only the length of `to`
//!
//! // Raw bodies parse as strictly as the server reads them, and every problem of a body
//! // comes in one answer, an unknown field with the field it most likely means.
//! let body = br#"{"to":"923001234567","displayName":"John Doe","phone":"+923001234567"}"#;
//! let err = Message::parse(MessageType::Contact, body).unwrap_err();
//! assert_eq!(err.violations[0].path, "phone");
//! assert_eq!(err.violations[0].suggestion.as_deref(), Some("phoneNumber"));
//! assert_eq!((err.violations[1].path.as_str(), &err.violations[1].rule), ("phoneNumber", &Rule::Required));
//! ```
//!
//! Lengths are counted as the server counts them ([`server_length`]): code points, with a
//! variation selector after a character counting zero. Rules the server does not enforce
//! but that catch real mistakes (a `to` with `+`, repeated button ids, a reaction that is
//! not one emoji) are reported too, marked [`RuleOrigin::Client`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Unit tests unwrap on purpose: a panic is how a test reports the unexpected.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod body_limit;
mod checker;
mod documented_examples;
mod emoji;
mod error_body;
pub mod error_shapes;
mod formats;
mod ids;
mod integral;
mod length;
mod message;
mod message_type;
mod messages;
mod operation_wire;
mod operations;
mod rate_limit;
mod response;
pub mod schema;
pub mod server_schema;
mod violation;
mod violation_list;
pub mod webhook;
mod wire;

pub use body_limit::MAX_BODY_BYTES;
pub use documented_examples::documented_example;
pub use error_body::{ErrorBody, ErrorMessage, SNIPPET_CHARS, safe_snippet};
pub use formats::{
    MAX_MEDIA_URL_LENGTH, MEDIA_URL_PATTERN, MIMETYPE_PATTERN, is_media_url, is_mimetype,
};
pub use ids::{
    ApiKey, InvalidApiKey, InvalidMessageId, InvalidRecipient, InvalidSessionId,
    InvalidWorkspaceId, LenientRecipient, MAX_RECIPIENT_LENGTH, MESSAGE_ID_PATTERN, MessageId,
    Normalization, Recipient, RecipientKind, SessionId, WorkspaceId,
};
pub use length::server_length;
pub use message::Message;
pub use message_type::{MessageType, UnknownMessageType};
pub use messages::{
    Audio, Button, Buttons, Contact, DISPLAY_NAME_PATTERN, Document, Gif, Image, List, ListRow,
    ListSection, Location, MAX_CAPTION, PHONE_NUMBER_PATTERN, Poll, RECIPIENT_PATTERN, Reaction,
    Sticker, Text, Video, ViewOnce,
};
pub use operations::{
    DeleteMessage, DeleteResponse, DeleteStatus, EditMessage, EditResponse, EditStatus, MarkRead,
    MarkReadResponse, MessageOperation, OperationPath, Presence, PresenceResponse, PresenceStatus,
    ReadStatus, SetPresence, Typing, TypingResponse, TypingStatus, UnknownOperation,
    UnknownPresence,
};
pub use rate_limit::{InvalidRateLimit, RateLimit};
pub use response::{SendResponse, SendStatus};
pub use violation::{Rule, RuleOrigin, ValidationError, Violation};

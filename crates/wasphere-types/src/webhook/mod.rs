//! Webhooks: how replies, votes and delivery updates come back (contract section 5).
//!
//! Verify a delivery over its raw bytes before trusting anything in it:
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use wasphere_types::webhook::{sign, verify, WebhookSecret, Selection};
//!
//! let secret = WebhookSecret::new("whsec-demo");
//! let body = br#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:00Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{"messageId":"ABC","from":"923001234567@s.whatsapp.net","type":"conversation","content":{"text":"Option A","selectionId":"btn1","interactiveKind":"button_reply"}}}"#;
//! let now = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
//! let signature = sign(&secret, 1_795_000_000, body);
//!
//! let event = verify(&secret, Some("1795000000"), Some(&signature), body, now).unwrap();
//! let received = event.message_received().unwrap().unwrap();
//! assert_eq!(received.selection(), Some(Selection::ButtonReply { id: "btn1".into(), label: "Option A".into() }));
//! ```

mod delivery_reader;
mod event;
mod json_path;
mod one_pass;
mod receipt;
mod received;
mod sent;
mod signature;
mod status;
mod typed_event;
mod unix_time;
mod update_item;

pub use delivery_reader::ReadEventsError;
pub use event::{EventKind, WebhookEvent};
pub use receipt::{MessageKey, MessageReceipt, UserReceipt};
pub use received::{InteractiveKind, MessageReceived, ReceivedContent, Selection};
pub use sent::MessageSent;
pub use signature::{
    DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE, VerifyError,
    WebhookSecret, sign, verify, verify_signature, verify_signature_any,
};
pub use status::{DeliveryStatus, MessageStatus};
pub use typed_event::{DataError, Event, EventData};
pub use update_item::{MessageUpdate, StatusChange};

//! Identifiers of the URL and the `to` field, each checked when it is made.

mod api_key;
mod message_id;
mod recipient;
mod session;
mod workspace;

pub use api_key::{ApiKey, InvalidApiKey};
pub use message_id::{InvalidMessageId, MESSAGE_ID_PATTERN, MessageId};
pub use recipient::{
    InvalidRecipient, LenientRecipient, MAX_RECIPIENT_LENGTH, Normalization, Recipient,
    RecipientKind,
};
pub use session::{InvalidSessionId, SessionId};
pub use workspace::{InvalidWorkspaceId, WorkspaceId};

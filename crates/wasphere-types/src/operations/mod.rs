//! The operations on messages beside the 14 sends (contract section 6): edit, delete,
//! mark read, typing and presence, with their bodies, their answers, and which is which.
//!
//! Their bodies go through the same machinery as the sends: parsed as strictly as the
//! server reads them (every unknown field with the field it most likely means, every
//! missing or mistyped field), checked by `validate()` with the same words and paths.

mod answers;
mod delete;
mod edit;
mod mark_read;
mod path;
mod presence;
mod typing;

use std::fmt;
use std::str::FromStr;

pub use answers::{
    DeleteResponse, DeleteStatus, EditResponse, EditStatus, MarkReadResponse, PresenceResponse,
    PresenceStatus, ReadStatus, TypingResponse, TypingStatus,
};
pub use delete::DeleteMessage;
pub(crate) use delete::query_as_json;
pub use edit::EditMessage;
pub use mark_read::MarkRead;
pub use path::OperationPath;
pub use presence::{Presence, SetPresence, UnknownPresence};
pub use typing::Typing;

/// One of the operations on messages that are not sends.
///
/// ```
/// use wasphere_types::MessageOperation;
/// assert_eq!(MessageOperation::Edit.as_str(), "edit");
/// assert_eq!(MessageOperation::MarkRead.body_schema(), "mark-read");
/// assert_eq!(MessageOperation::Delete.to_string(), "deleting messages");
/// assert_eq!("read".parse::<MessageOperation>(), Ok(MessageOperation::MarkRead));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageOperation {
    /// `POST …/messages/{messageId}/edit`: replace the text of a message you sent.
    Edit,
    /// `DELETE …/messages/{messageId}`: recall a message you sent, for everyone.
    Delete,
    /// `POST …/messages/read`: mark received messages read (blue ticks).
    MarkRead,
    /// `POST …/messages/typing`: show "typing…" in a chat for a few seconds.
    Typing,
    /// `POST …/messages/presence`: set the presence shown in a chat.
    Presence,
}

impl MessageOperation {
    /// Every operation, in the order of the contract.
    pub const ALL: [MessageOperation; 5] = [
        MessageOperation::Edit,
        MessageOperation::Delete,
        MessageOperation::MarkRead,
        MessageOperation::Typing,
        MessageOperation::Presence,
    ];

    /// A short lowercase name: `edit`, `delete`, `read`, `typing`, `presence`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageOperation::Edit => "edit",
            MessageOperation::Delete => "delete",
            MessageOperation::MarkRead => "read",
            MessageOperation::Typing => "typing",
            MessageOperation::Presence => "presence",
        }
    }

    /// What the operation does, as a noun phrase for sentences ("does not support
    /// editing messages").
    pub fn feature(self) -> &'static str {
        match self {
            MessageOperation::Edit => "editing messages",
            MessageOperation::Delete => "deleting messages",
            MessageOperation::MarkRead => "marking messages read",
            MessageOperation::Typing => "typing indicators",
            MessageOperation::Presence => "presence updates",
        }
    }

    /// The name of the JSON Schema of its request (for delete, of its query).
    pub fn body_schema(self) -> &'static str {
        match self {
            MessageOperation::Edit => "edit-message",
            MessageOperation::Delete => "delete-message",
            MessageOperation::MarkRead => "mark-read",
            MessageOperation::Typing => "typing",
            MessageOperation::Presence => "presence",
        }
    }

    /// The name of the JSON Schema of its answer: the body's, then `-response`.
    pub fn response_schema(self) -> &'static str {
        match self {
            MessageOperation::Edit => "edit-message-response",
            MessageOperation::Delete => "delete-message-response",
            MessageOperation::MarkRead => "mark-read-response",
            MessageOperation::Typing => "typing-response",
            MessageOperation::Presence => "presence-response",
        }
    }

    /// Whether the message's id is part of the path (edit and delete).
    pub fn takes_message_id(self) -> bool {
        matches!(self, MessageOperation::Edit | MessageOperation::Delete)
    }
}

/// The text names no operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown operation {0:?}: use edit, delete, read, typing or presence")]
pub struct UnknownOperation(pub String);

impl FromStr for MessageOperation {
    type Err = UnknownOperation;
    /// Reads the short name of [`MessageOperation::as_str`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageOperation::ALL
            .into_iter()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| UnknownOperation(s.chars().take(40).collect()))
    }
}

impl fmt::Display for MessageOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.feature())
    }
}

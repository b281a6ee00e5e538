//! Where each operation on messages goes, after `…/sessions/{sessionId}/messages/`.

use super::MessageOperation;
use crate::ids::MessageId;

/// The method and path of an operation on messages: the two that act on one message
/// carry its id. The base of the URL (`…/sessions/{sessionId}/messages/`) is the sends'.
///
/// ```
/// use wasphere_types::{MessageId, OperationPath};
/// let id: MessageId = "3EB0C767D097B7C7A5C1".parse().unwrap();
/// assert_eq!(OperationPath::Edit(&id).tail(), "3EB0C767D097B7C7A5C1/edit");
/// assert_eq!(OperationPath::Delete(&id).method(), "DELETE");
/// assert_eq!(OperationPath::MarkRead.tail(), "read");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationPath<'a> {
    /// `POST {messageId}/edit`.
    Edit(&'a MessageId),
    /// `DELETE {messageId}` (with the query of a `DeleteMessage`).
    Delete(&'a MessageId),
    /// `POST read`.
    MarkRead,
    /// `POST typing`.
    Typing,
    /// `POST presence`.
    Presence,
}

impl OperationPath<'_> {
    /// Which operation this is.
    pub fn operation(&self) -> MessageOperation {
        match self {
            OperationPath::Edit(_) => MessageOperation::Edit,
            OperationPath::Delete(_) => MessageOperation::Delete,
            OperationPath::MarkRead => MessageOperation::MarkRead,
            OperationPath::Typing => MessageOperation::Typing,
            OperationPath::Presence => MessageOperation::Presence,
        }
    }

    /// The HTTP method: `DELETE` for a delete, `POST` for the others.
    pub fn method(&self) -> &'static str {
        match self {
            OperationPath::Delete(_) => "DELETE",
            _ => "POST",
        }
    }

    /// The path after `…/messages/`. A message id needs no escaping (its characters are
    /// all safe in a path).
    pub fn tail(&self) -> String {
        match self {
            OperationPath::Edit(id) => format!("{id}/edit"),
            OperationPath::Delete(id) => id.to_string(),
            other => other.operation().as_str().to_owned(),
        }
    }
}

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checker::{Checker, Path};
use crate::messages::{check_to, to_schema, validated};

/// `edit-message`: the body of `POST …/messages/{messageId}/edit`, the new text of a
/// message you sent. The server answers `201` with the id of the edit; no `message.sent`
/// webhook follows.
///
/// ```
/// use wasphere_types::EditMessage;
/// let edit = EditMessage::new("923001234567", "Your order *#1234* ships on Monday");
/// assert!(edit.validate().is_ok());
/// assert_eq!(
///     edit.to_json(),
///     br#"{"to":"923001234567","text":"Your order *#1234* ships on Monday"}"#
/// );
/// let err = EditMessage::parse(br#"{"to":"923001234567","txt":"hi"}"#).unwrap_err();
/// assert_eq!(err.violations[0].suggestion.as_deref(), Some("text"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "edit-message")]
pub struct EditMessage {
    /// The chat of the message: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The new text, 1 to 65536 characters.
    #[schemars(length(min = 1, max = 65536))]
    pub text: String,
}

impl EditMessage {
    /// Longest `text`.
    pub const MAX_TEXT: usize = 65_536;

    /// The new text `text` of a message in the chat with `to`.
    pub fn new(to: impl Into<String>, text: impl Into<String>) -> Self {
        EditMessage {
            to: to.into(),
            text: text.into(),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("text"), &self.text, Self::MAX_TEXT);
    }
}

validated!(EditMessage);

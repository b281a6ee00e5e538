use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};
use crate::emoji::is_single_emoji;
use crate::violation::Rule;

/// `reaction`: an emoji reaction to an earlier message; `""` removes the reaction.
///
/// ```
/// use wasphere_types::Reaction;
/// assert!(Reaction::new("923001234567", "3EB0C767D097B7C7A5C1", "👍").validate().is_ok());
/// assert!(Reaction::remove("923001234567", "3EB0C767D097B7C7A5C1").validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "reaction")]
pub struct Reaction {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The id of the message to react to (as returned by an earlier send), 1 to 100 characters.
    #[schemars(length(min = 1, max = 100))]
    pub message_id: String,
    /// One emoji, or `""` to remove the reaction; at most 8 characters.
    #[schemars(length(max = 8))]
    pub emoji: String,
    /// `true` to react to a message you sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_me: Option<bool>,
}

impl Reaction {
    /// Longest `messageId`.
    pub const MAX_MESSAGE_ID: usize = 100;
    /// Longest `emoji`.
    pub const MAX_EMOJI: usize = 8;

    /// Reacts with `emoji` to message `message_id`.
    pub fn new(
        to: impl Into<String>,
        message_id: impl Into<String>,
        emoji: impl Into<String>,
    ) -> Self {
        Reaction {
            to: to.into(),
            message_id: message_id.into(),
            emoji: emoji.into(),
            from_me: None,
        }
    }

    /// Removes an earlier reaction to `message_id`.
    pub fn remove(to: impl Into<String>, message_id: impl Into<String>) -> Self {
        Self::new(to, message_id, "")
    }

    /// Marks the target as a message you sent.
    pub fn from_me(mut self, from_me: bool) -> Self {
        self.from_me = Some(from_me);
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("messageId"), &self.message_id, Self::MAX_MESSAGE_ID);
        let emoji = p.field("emoji");
        if !crate::length::fits(&self.emoji, Self::MAX_EMOJI) {
            c.max_length(emoji, &self.emoji, Self::MAX_EMOJI);
        } else if !self.emoji.is_empty() && !is_single_emoji(&self.emoji) {
            c.client(
                emoji,
                Rule::Format {
                    expected: "exactly one emoji, or \"\" to remove the reaction",
                },
            );
        }
    }
}

validated!(Reaction);

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checker::{Checker, Path};
use crate::messages::{check_to, to_schema, validated};

/// `typing`: the body of `POST …/messages/typing`, which shows "typing…" in a chat. The
/// server sends "paused" by itself 3 seconds later.
///
/// ```
/// use wasphere_types::Typing;
/// assert_eq!(Typing::new("923001234567").to_json(), br#"{"to":"923001234567"}"#);
/// assert_eq!(
///     Typing::group("120363025246125486@g.us").to_json(),
///     br#"{"to":"120363025246125486@g.us","isGroup":true}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "typing")]
pub struct Typing {
    /// The chat: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// `true` when the chat is a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group: Option<bool>,
}

impl Typing {
    /// "Typing…" in the one-to-one chat with `to`.
    pub fn new(to: impl Into<String>) -> Self {
        Typing {
            to: to.into(),
            is_group: None,
        }
    }

    /// "Typing…" in the group `to`.
    pub fn group(to: impl Into<String>) -> Self {
        Typing {
            is_group: Some(true),
            ..Self::new(to)
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
    }
}

validated!(Typing);

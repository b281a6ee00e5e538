use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};

/// `text`: a text message, with WhatsApp formatting (`*bold*`, `_italic_`, `~strike~`).
///
/// ```
/// use wasphere_types::Text;
/// let m = Text::new("923001234567", "Hello *there*");
/// assert!(m.validate().is_ok());
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"to":"923001234567","text":"Hello *there*"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "text")]
pub struct Text {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The message, 1 to 65536 characters.
    #[schemars(length(min = 1, max = 65536))]
    pub text: String,
    /// Id of a message to quote (reply to), at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100))]
    pub quoted_id: Option<String>,
}

impl Text {
    /// Longest `text`.
    pub const MAX_TEXT: usize = 65_536;
    /// Longest `quotedId`.
    pub const MAX_QUOTED_ID: usize = 100;

    /// A text message to `to`.
    pub fn new(to: impl Into<String>, text: impl Into<String>) -> Self {
        Text {
            to: to.into(),
            text: text.into(),
            quoted_id: None,
        }
    }

    /// Quotes (replies to) the message with this id.
    pub fn quoting(mut self, message_id: impl Into<String>) -> Self {
        self.quoted_id = Some(message_id.into());
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("text"), &self.text, Self::MAX_TEXT);
        c.optional_text(
            p.field("quotedId"),
            self.quoted_id.as_deref(),
            Self::MAX_QUOTED_ID,
        );
    }
}

validated!(Text);

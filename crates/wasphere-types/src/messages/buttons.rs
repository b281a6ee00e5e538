use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};

/// `buttons`: a message with 1 to 3 reply buttons beneath it. The server requires a
/// `footer`, although the documentation page does not say so.
///
/// ```
/// use wasphere_types::Buttons;
/// let m = Buttons::new("923001234567", "Choose:", "WaSphere")
///     .button("btn1", "Option A")
///     .button("btn2", "Option B");
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "buttons")]
pub struct Buttons {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The message body, 1 to 1024 characters.
    #[schemars(length(min = 1, max = 1024))]
    pub text: String,
    /// The footer under the body, 1 to 60 characters. Required.
    #[schemars(length(min = 1, max = 60))]
    pub footer: String,
    /// 1 to 3 buttons with distinct ids.
    #[schemars(length(min = 1, max = 3))]
    pub buttons: Vec<Button>,
}

/// One reply button; its `id` comes back as `selectionId` in the `message.received` webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Button {
    /// The id reported when tapped, 1 to 20 characters.
    #[schemars(length(min = 1, max = 20))]
    pub id: String,
    /// The label, 1 to 20 characters.
    #[schemars(length(min = 1, max = 20))]
    pub text: String,
}

impl Button {
    /// Longest `id`.
    pub const MAX_ID: usize = 20;
    /// Longest `text`.
    pub const MAX_TEXT: usize = 20;

    /// A button labelled `text` that reports `id`.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Button {
            id: id.into(),
            text: text.into(),
        }
    }
}

impl Buttons {
    /// Longest `text`.
    pub const MAX_TEXT: usize = 1024;
    /// Longest `footer`.
    pub const MAX_FOOTER: usize = 60;
    /// Most buttons.
    pub const MAX_BUTTONS: usize = 3;

    /// A buttons message without buttons yet: add them with [`Buttons::button`].
    pub fn new(to: impl Into<String>, text: impl Into<String>, footer: impl Into<String>) -> Self {
        Buttons {
            to: to.into(),
            text: text.into(),
            footer: footer.into(),
            buttons: Vec::new(),
        }
    }

    /// Adds a button.
    pub fn button(mut self, id: impl Into<String>, text: impl Into<String>) -> Self {
        self.buttons.push(Button::new(id, text));
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("text"), &self.text, Self::MAX_TEXT);
        c.text(p.field("footer"), &self.footer, Self::MAX_FOOTER);
        let buttons = p.field("buttons");
        c.items(buttons, self.buttons.len(), 1, Self::MAX_BUTTONS);
        for (i, button) in self.buttons.iter().enumerate() {
            let at = buttons.index(i);
            c.text(at.field("id"), &button.id, Button::MAX_ID);
            c.text(at.field("text"), &button.text, Button::MAX_TEXT);
        }
        c.distinct(
            &self.buttons,
            |b| b.id.as_str(),
            |i| format!("buttons[{i}].id"),
        );
    }
}

validated!(Buttons);

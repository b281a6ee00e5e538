use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};
use crate::violation::Rule;

/// The characters the server allows in `displayName`.
pub const DISPLAY_NAME_PATTERN: &str = r"^[a-zA-Z0-9À-ſ '+\-().,]+$";
/// The characters the server allows in `phoneNumber` (JavaScript's `\s` for blanks).
pub const PHONE_NUMBER_PATTERN: &str = r"^[0-9+\-\s]+$";

/// `contact`: a contact card. The wire names are `displayName` and `phoneNumber`
/// (not `name` or `phone`); the card's number may start with `+`.
///
/// ```
/// use wasphere_types::Contact;
/// assert!(Contact::new("923001234567", "John Doe", "+923001234567").validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "contact")]
pub struct Contact {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The contact's name, 1 to 100 Latin letters (including À to ſ), digits, spaces and `' + - ( ) . ,`.
    #[schemars(length(min = 1, max = 100), regex(pattern = DISPLAY_NAME_PATTERN))]
    pub display_name: String,
    /// The contact's number, 1 to 30 digits, `+`, `-` and spaces.
    #[schemars(length(min = 1, max = 30), regex(pattern = PHONE_NUMBER_PATTERN))]
    pub phone_number: String,
}

fn is_display_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{C0}'..='\u{17F}').contains(&c)
        || matches!(c, ' ' | '\'' | '+' | '-' | '(' | ')' | '.' | ',')
}

/// JavaScript's `\s`, which is what the server's pattern means by a blank.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn is_phone_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '+' || c == '-' || is_js_whitespace(c)
}

impl Contact {
    /// Longest `displayName`.
    pub const MAX_DISPLAY_NAME: usize = 100;
    /// Longest `phoneNumber`.
    pub const MAX_PHONE_NUMBER: usize = 30;

    /// A card for `display_name` at `phone_number`.
    pub fn new(
        to: impl Into<String>,
        display_name: impl Into<String>,
        phone_number: impl Into<String>,
    ) -> Self {
        Contact {
            to: to.into(),
            display_name: display_name.into(),
            phone_number: phone_number.into(),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(
            p.field("displayName"),
            &self.display_name,
            Self::MAX_DISPLAY_NAME,
        );
        if let Some(found) = self
            .display_name
            .chars()
            .find(|&ch| !is_display_name_char(ch))
        {
            c.server(
                p.field("displayName"),
                Rule::Charset {
                    allowed: "Latin letters (including À to ſ), digits, spaces and ' + - ( ) . ,",
                    found,
                },
            );
        }
        c.text(
            p.field("phoneNumber"),
            &self.phone_number,
            Self::MAX_PHONE_NUMBER,
        );
        if let Some(found) = self
            .phone_number
            .chars()
            .find(|&ch| !is_phone_number_char(ch))
        {
            c.server(
                p.field("phoneNumber"),
                Rule::Charset {
                    allowed: "digits, +, - and spaces",
                    found,
                },
            );
        }
    }
}

validated!(Contact);

//! `to`: an international phone number in digits, or a WhatsApp JID.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest `to` the server accepts.
pub const MAX_RECIPIENT_LENGTH: usize = 40;

/// A message recipient: a phone number of 7 to 15 digits (E.164 without `+`, first digit
/// not `0`) or a WhatsApp JID (`<digits>@s.whatsapp.net`, `<digits>@lid`, `<digits>@g.us`,
/// `<digits>-<digits>@g.us`).
///
/// ```
/// use wasphere_types::Recipient;
/// let to: Recipient = "923001234567".parse().unwrap();
/// assert_eq!(to.as_str(), "923001234567");
/// assert!("+923001234567".parse::<Recipient>().is_err());
///
/// let lenient = Recipient::parse_lenient("+92 300-1234567").unwrap();
/// assert_eq!(lenient.recipient.as_str(), "923001234567");
/// assert!(!lenient.changes.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Recipient(String);

/// What kind of address a [`Recipient`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientKind {
    /// Digits only, international format.
    Phone,
    /// `<digits>@s.whatsapp.net`.
    UserJid,
    /// `<digits>@lid`, a linked-identity JID.
    LidJid,
    /// `<digits>@g.us` or `<digits>-<digits>@g.us`, a group.
    GroupJid,
}

/// The text is neither a phone number nor a JID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid recipient {value:?}: {reason}")]
pub struct InvalidRecipient {
    /// The text given.
    pub value: String,
    /// Why it was refused.
    pub reason: &'static str,
}

/// One change [`Recipient::parse_lenient`] made to get to a valid recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// Removed a leading `+`.
    RemovedPlus,
    /// Removed a leading `00` international call prefix.
    RemovedCallPrefix,
    /// Removed spaces or other blanks.
    RemovedWhitespace,
    /// Removed `-`, `.`, `(` or `)` separators.
    RemovedSeparators,
}

impl fmt::Display for Normalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Normalization::RemovedPlus => "removed the leading +",
            Normalization::RemovedCallPrefix => "removed the leading 00 call prefix",
            Normalization::RemovedWhitespace => "removed spaces",
            Normalization::RemovedSeparators => "removed separators (- . ( ))",
        })
    }
}

/// The result of [`Recipient::parse_lenient`]: the recipient and what was changed to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientRecipient {
    /// The valid recipient.
    pub recipient: Recipient,
    /// The changes made, empty when the input was already valid.
    pub changes: Vec<Normalization>,
}

impl Recipient {
    /// Checks `value` strictly: digits or a JID, nothing to clean up.
    pub fn parse(value: &str) -> Result<Self, InvalidRecipient> {
        Self::kind_of(value)
            .map(|_| Recipient(value.to_owned()))
            .map_err(|reason| InvalidRecipient {
                value: value.to_owned(),
                reason,
            })
    }

    /// Accepts what people type (`+92 300-1234567`, `0044 7700 900123`) and returns the
    /// digits-only form with a list of what was changed, so a tool can tell its user.
    pub fn parse_lenient(value: &str) -> Result<LenientRecipient, InvalidRecipient> {
        if let Ok(recipient) = Self::parse(value) {
            return Ok(LenientRecipient {
                recipient,
                changes: Vec::new(),
            });
        }
        if value.contains('@') {
            // A JID has no decoration to strip; report the strict reason, about the text given.
            return Self::parse(value.trim())
                .map(|recipient| LenientRecipient {
                    recipient,
                    changes: vec![Normalization::RemovedWhitespace],
                })
                .map_err(|e| InvalidRecipient {
                    value: value.to_owned(),
                    reason: e.reason,
                });
        }
        let mut changes = Vec::new();
        let note = |changes: &mut Vec<Normalization>, change| {
            if !changes.contains(&change) {
                changes.push(change);
            }
        };
        let mut rest = value.trim_start();
        if rest.len() != value.len() {
            note(&mut changes, Normalization::RemovedWhitespace);
        }
        if let Some(stripped) = rest.strip_prefix('+') {
            note(&mut changes, Normalization::RemovedPlus);
            rest = stripped;
        }
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | '.' | '(' | ')' => note(&mut changes, Normalization::RemovedSeparators),
                c if c.is_whitespace() => note(&mut changes, Normalization::RemovedWhitespace),
                _ => {
                    return Err(InvalidRecipient {
                        value: value.to_owned(),
                        reason: "a phone number may contain only digits, spaces, +, -, ., ( and )",
                    });
                }
            }
        }
        if !changes.contains(&Normalization::RemovedPlus) && digits.starts_with("00") {
            digits.drain(..2);
            note(&mut changes, Normalization::RemovedCallPrefix);
        }
        Self::parse(&digits)
            .map(|recipient| LenientRecipient { recipient, changes })
            .map_err(|e| InvalidRecipient {
                value: value.to_owned(),
                reason: e.reason,
            })
    }

    /// Checks a `to` value and says which kind it is, or why it is neither.
    pub(crate) fn kind_of(value: &str) -> Result<RecipientKind, &'static str> {
        if value.len() > MAX_RECIPIENT_LENGTH {
            return Err("longer than 40 characters");
        }
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match value.split_once('@') {
            None => {
                if !all_digits(value) {
                    Err(
                        "must be digits only in international format (no +, spaces or dashes), or a WhatsApp JID",
                    )
                } else if value.starts_with('0') {
                    Err("an international number never starts with 0: put the country code first")
                } else if !(7..=15).contains(&value.len()) {
                    Err("a phone number has 7 to 15 digits")
                } else {
                    Ok(RecipientKind::Phone)
                }
            }
            Some((user, "s.whatsapp.net")) if all_digits(user) => Ok(RecipientKind::UserJid),
            Some((user, "lid")) if all_digits(user) => Ok(RecipientKind::LidJid),
            Some((group, "g.us")) => match group.split_once('-') {
                None if all_digits(group) => Ok(RecipientKind::GroupJid),
                Some((a, b)) if all_digits(a) && all_digits(b) => Ok(RecipientKind::GroupJid),
                _ => Err("a group JID is <digits>@g.us or <digits>-<digits>@g.us"),
            },
            Some(_) => Err(
                "a JID is <digits>@s.whatsapp.net, <digits>@lid, <digits>@g.us or <digits>-<digits>@g.us",
            ),
        }
    }

    /// The recipient as sent in `to`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which kind of address this is.
    pub fn kind(&self) -> RecipientKind {
        // The value was checked when it was made; a phone number is the only kind without '@'.
        Self::kind_of(&self.0).unwrap_or(RecipientKind::Phone)
    }
}

impl FromStr for Recipient {
    type Err = InvalidRecipient;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Recipient {
    type Error = InvalidRecipient;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match Self::kind_of(&s) {
            Ok(_) => Ok(Recipient(s)),
            Err(reason) => Err(InvalidRecipient { value: s, reason }),
        }
    }
}

impl From<Recipient> for String {
    fn from(r: Recipient) -> String {
        r.0
    }
}

impl AsRef<str> for Recipient {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_numbers_and_jids() {
        for ok in [
            "923001234567",
            "447700900123",
            "12125550100",
            "923001234567@s.whatsapp.net",
            "123456789@lid",
            "120363025246125486@g.us",
            "923001234567-1612345678@g.us",
        ] {
            assert!(Recipient::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_decorated_or_impossible_numbers() {
        for bad in [
            "",
            "+923001234567",
            "92 300 1234567",
            "0923001234567",
            "123456",
            "1234567890123456",
            "abc@g.us",
            "1@example.com",
        ] {
            assert!(Recipient::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lenient_parse_reports_each_change() {
        let r = Recipient::parse_lenient("+92 300-1234567").unwrap();
        assert_eq!(r.recipient.as_str(), "923001234567");
        assert_eq!(
            r.changes,
            vec![
                Normalization::RemovedPlus,
                Normalization::RemovedWhitespace,
                Normalization::RemovedSeparators
            ]
        );
        let r = Recipient::parse_lenient("0044 (7700) 900.123").unwrap();
        assert_eq!(r.recipient.as_str(), "447700900123");
        assert!(r.changes.contains(&Normalization::RemovedCallPrefix));
        assert!(Recipient::parse_lenient("+92 300 CALLME").is_err());
    }

    /// Found by the `recipient_lenient` fuzz target: a refused JID with blanks around it
    /// was reported without them, so the error named a text the user never typed.
    #[test]
    fn a_refused_padded_jid_is_reported_as_typed() {
        let err = Recipient::parse_lenient(" 12345678901@id").unwrap_err();
        assert_eq!(err.value, " 12345678901@id");
        assert!(err.reason.starts_with("a JID is"), "{err}");
    }
}

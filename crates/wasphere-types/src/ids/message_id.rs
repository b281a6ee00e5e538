//! `messageId` in a URL path: the message to edit or delete.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error_body::safe_snippet;
use crate::violation::{Rule, ValidationError, Violation};

/// The pattern a message id in a URL path must match (contract section 6).
pub const MESSAGE_ID_PATTERN: &str = "^[a-zA-Z0-9_-]{1,100}$";

/// The id of a message, as the path of an edit or a delete carries it: 1 to 100 of
/// `a-z`, `A-Z`, `0-9`, `_` and `-` (the server answers `400 {"error":"INVALID_MESSAGE_ID"}`
/// to anything else). WhatsApp's ids (`3EB0C767D097B7C7A5C1`) always fit.
///
/// ```
/// use wasphere_types::MessageId;
/// let id: MessageId = "3EB0C767D097B7C7A5C1".parse().unwrap();
/// assert_eq!(id.as_str(), "3EB0C767D097B7C7A5C1");
/// assert!("3EB0/../edit".parse::<MessageId>().is_err());
///
/// // As a violation named after the path parameter, to report beside a body's.
/// let err = MessageId::check("not an id").unwrap_err();
/// assert_eq!(err.violations[0].path, "messageId");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageId(String);

/// The text is not a valid message id. Shows at most the first 40 characters of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid message id {}: use 1 to 100 of a-z, A-Z, 0-9, _ and - (the server answers INVALID_MESSAGE_ID)",
    Shown(.0)
)]
pub struct InvalidMessageId(pub String);

/// The id as quoted in an error: short, printable.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", safe_snippet(self.0.as_bytes(), 40))
    }
}

impl MessageId {
    /// The longest id.
    pub const MAX_LENGTH: usize = 100;
    /// The name of the path parameter, used as the path of its violation.
    pub const PATH: &'static str = "messageId";
    /// What an id must look like, in words.
    pub(crate) const EXPECTED: &'static str = "a message id: 1 to 100 of a-z, A-Z, 0-9, _ and -";

    /// Whether `s` matches [`MESSAGE_ID_PATTERN`].
    pub fn is_valid(s: &str) -> bool {
        (1..=Self::MAX_LENGTH).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }

    /// The id, or the violation of the path parameter `messageId` (the server's
    /// `INVALID_MESSAGE_ID`), in the same form as a body's violations so that both can
    /// be reported at once.
    ///
    /// # Errors
    /// One violation at path `messageId` when `s` is not a valid id.
    pub fn check(s: &str) -> Result<MessageId, ValidationError> {
        s.parse().map_err(|_| ValidationError {
            violations: vec![Violation::server(
                Self::PATH,
                Rule::Format {
                    expected: Self::EXPECTED,
                },
            )],
        })
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(MessageId, InvalidMessageId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert!(MessageId::is_valid(&"a".repeat(100)));
        assert!(!MessageId::is_valid(&"a".repeat(101)));
        assert!(!MessageId::is_valid(""));
        assert!(MessageId::is_valid("A_z-09"));
        for bad in ["a b", "a/b", "a.b", "é", "a?b", "a%2F"] {
            assert!(!MessageId::is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn errors_are_short_and_say_what_the_server_answers() {
        let e = "x y".repeat(1000).parse::<MessageId>().unwrap_err();
        let shown = e.to_string();
        assert!(shown.len() < 200, "{shown}");
        assert!(shown.contains("INVALID_MESSAGE_ID"), "{shown}");
        let v = &MessageId::check("").unwrap_err().violations[0];
        assert_eq!(v.path, "messageId");
        assert!(!v.is_client_side());
    }
}

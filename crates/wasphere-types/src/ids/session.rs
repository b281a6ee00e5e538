//! `sessionId`: the session slug of the URL.

use serde::{Deserialize, Serialize};

/// A session slug matching `^[a-zA-Z0-9_-]{1,64}$` (the server answers
/// `400 {"error":"INVALID_SESSION_ID"}` to anything else).
///
/// ```
/// use wasphere_types::SessionId;
/// assert!("my-session".parse::<SessionId>().is_ok());
/// assert!("my session".parse::<SessionId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SessionId(String);

/// The text is not a valid session slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid session id {0:?}: use 1 to 64 of a-z, A-Z, 0-9, _ and -")]
pub struct InvalidSessionId(pub String);

impl SessionId {
    /// Whether `s` is a valid session slug.
    pub fn is_valid(s: &str) -> bool {
        (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(SessionId, InvalidSessionId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert!(SessionId::is_valid(&"a".repeat(64)));
        assert!(!SessionId::is_valid(&"a".repeat(65)));
        assert!(!SessionId::is_valid(""));
        assert!(!SessionId::is_valid("a/b"));
        assert!(SessionId::is_valid("A_z-09"));
    }
}

//! Identifiers of the URL and the `to` field, each checked when it is made.

// Defined before the modules below, which see it by textual scope.

/// Gives a checked string id — `$id(String)` with `fn is_valid(&str) -> bool` — its
/// conversions: `FromStr` and `TryFrom<String>` (refusing with `$error(String)`), and back
/// to `String`, `AsRef<str>` and `Display`.
macro_rules! string_id {
    ($id:ident, $error:ident) => {
        impl std::str::FromStr for $id {
            type Err = $error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::try_from(s.to_owned())
            }
        }

        impl TryFrom<String> for $id {
            type Error = $error;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                if Self::is_valid(&s) {
                    Ok($id(s))
                } else {
                    Err($error(s))
                }
            }
        }

        impl From<$id> for String {
            fn from(id: $id) -> String {
                id.0
            }
        }

        impl AsRef<str> for $id {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

mod api_key;
mod message_id;
mod recipient;
mod session;
mod workspace;

pub use api_key::{ApiKey, InvalidApiKey};
pub use message_id::{InvalidMessageId, MESSAGE_ID_PATTERN, MessageId};
pub use recipient::{
    InvalidRecipient, LenientRecipient, MAX_RECIPIENT_LENGTH, Normalization, Recipient,
    RecipientKind,
};
pub use session::{InvalidSessionId, SessionId};
pub use workspace::{InvalidWorkspaceId, WorkspaceId};

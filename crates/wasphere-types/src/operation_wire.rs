//! The JSON form of the operations' requests, read and written by the same machinery as
//! the sends' bodies (see [`Message::parse`](crate::Message::parse)), so they get the same
//! words, paths and suggestions.

use crate::operations::{DeleteMessage, EditMessage, MarkRead, SetPresence, Typing, query_as_json};
use crate::violation::ValidationError;
use crate::wire;

/// Gives an operation's request `parse`, `parse_valid` and `to_json`.
macro_rules! wire_body {
    ($($ty:ty),+) => {$(
        impl $ty {
            /// Parses a raw JSON body as strictly as the server reads it, and says
            /// everything that is wrong with it in one answer, as
            /// [`Message::parse`](crate::Message::parse) does for a send.
            ///
            /// # Errors
            /// Every unknown, missing or mistyped field (and, when there are such, every
            /// broken rule of the values present).
            pub fn parse(body: &[u8]) -> Result<Self, ValidationError> {
                wire::parse_payload(body)
            }

            /// `parse`, then `validate()`: every reason the body would be refused, in one
            /// answer.
            ///
            /// # Errors
            /// As `parse`, and every broken rule.
            pub fn parse_valid(body: &[u8]) -> Result<Self, ValidationError> {
                let parsed = Self::parse(body)?;
                parsed.validate()?;
                Ok(parsed)
            }

            /// The JSON body: the same bytes as `serde_json::to_vec(self)`, written faster.
            pub fn to_json(&self) -> Vec<u8> {
                wire::write_payload(self)
            }
        }
    )+};
}

wire_body!(EditMessage, DeleteMessage, MarkRead, Typing, SetPresence);

impl DeleteMessage {
    /// Reads a query string (`to=…&forEveryone=true`, without the `?`) as the server reads
    /// it: percent-decoded, `forEveryone` as a boolean when it says `true` or `false`, a
    /// repeated key as a list; every unknown, missing or mistyped parameter in one answer.
    ///
    /// # Errors
    /// As [`DeleteMessage::parse`], naming the query parameters.
    pub fn parse_query(query: &str) -> Result<Self, ValidationError> {
        Self::parse(&Self::query_to_json(query))
    }

    /// A query string as the JSON object the server's validator sees: percent-decoded
    /// values as strings, `forEveryone` as a boolean when it says `true` or `false`, a
    /// repeated key as a list, keys in the order they came.
    ///
    /// ```
    /// use wasphere_types::DeleteMessage;
    /// assert_eq!(
    ///     DeleteMessage::query_to_json("to=92%203&forEveryone=true"),
    ///     br#"{"to":"92 3","forEveryone":true}"#
    /// );
    /// ```
    pub fn query_to_json(query: &str) -> Vec<u8> {
        query_as_json(query)
    }
}

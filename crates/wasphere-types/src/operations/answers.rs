//! What the operations answer on success (contract section 6). As with a send's answer,
//! any `status` string is accepted and extra fields are kept, so a newer server never
//! makes a success unreadable.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Presence;

/// Defines the `status` of an answer: the word(s) the contract names, or any other
/// string a newer server says.
macro_rules! status_word {
    (
        $(#[$doc:meta])*
        $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $word:literal,)+ }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, JsonSchema)]
        #[schemars(with = "String")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
            /// Any other status string.
            Other(String),
        }

        impl $name {
            /// The status as on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $word,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl Default for $name {
            /// The contract's word, which an answer without `status` is taken to mean.
            fn default() -> Self {
                status_word!(@first $name, $($variant),+)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(match s.as_str() {
                    $($word => $name::$variant,)+
                    _ => $name::Other(s),
                })
            }
        }
    };
    (@first $name:ident, $first:ident $(, $rest:ident)*) => {
        $name::$first
    };
}

status_word! {
    /// The `status` of an edit: `edited`.
    EditStatus {
        /// `"edited"`: the new text was handed to WhatsApp.
        Edited => "edited",
    }
}

status_word! {
    /// The `status` of a delete: `deleted`.
    DeleteStatus {
        /// `"deleted"`: the message was recalled for everyone.
        Deleted => "deleted",
    }
}

status_word! {
    /// The `status` of a mark-read: `read`, or `ok` on a Meta (Cloud API) session.
    ReadStatus {
        /// `"read"`: the messages were marked read.
        Read => "read",
        /// `"ok"`: the same, as a Meta (Cloud API) session says it.
        Ok => "ok",
    }
}

status_word! {
    /// The `status` of a typing indicator: `typing`.
    TypingStatus {
        /// `"typing"`: the chat shows "typing…" (the server sends "paused" 3 s later).
        Typing => "typing",
    }
}

/// The `status` of a presence update: the presence now shown, or another string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(with = "String")]
#[non_exhaustive]
pub enum PresenceStatus {
    /// One of the five presences (the one asked for).
    Shown(Presence),
    /// Any other status string.
    Other(String),
}

impl PresenceStatus {
    /// The status as on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            PresenceStatus::Shown(p) => p.as_str(),
            PresenceStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for PresenceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PresenceStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PresenceStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.parse() {
            Ok(p) => PresenceStatus::Shown(p),
            Err(_) => PresenceStatus::Other(s),
        })
    }
}

/// The body of a successful edit: `{"messageId": "<id of the edit>", "status": "edited"}`.
///
/// ```
/// use wasphere_types::{EditResponse, EditStatus};
/// let r: EditResponse =
///     serde_json::from_str(r#"{"messageId":"3EB0C767D097B7C7A5C9","status":"edited","via":"primary"}"#)
///         .unwrap();
/// assert_eq!(r.status, EditStatus::Edited);
/// assert_eq!(r.extra["via"], "primary");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "edit-message-response")]
pub struct EditResponse {
    /// The id of the edit (WhatsApp sends an edit as a message of its own).
    pub message_id: String,
    /// `edited` today.
    #[serde(default)]
    pub status: EditStatus,
    /// Fields this version does not know, kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Defines an answer that is a `status` and nothing else the contract names.
macro_rules! status_answer {
    ($(#[$doc:meta])* $name:ident, $title:literal, $status:ty, $status_doc:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase")]
        #[schemars(title = $title)]
        pub struct $name {
            #[doc = $status_doc]
            #[serde(default)]
            pub status: $status,
            /// Fields this version does not know, kept as they came.
            #[serde(flatten)]
            #[schemars(skip)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    };
}

status_answer!(
    /// The body of a successful delete (status 200): `{"status": "deleted"}`.
    DeleteResponse,
    "delete-message-response",
    DeleteStatus,
    "`deleted` today."
);

status_answer!(
    /// The body of a successful mark-read: `{"status": "read"}` (`"ok"` on a Meta session).
    ///
    /// ```
    /// use wasphere_types::{MarkReadResponse, ReadStatus};
    /// let r: MarkReadResponse = serde_json::from_str(r#"{"status":"ok"}"#).unwrap();
    /// assert_eq!(r.status, ReadStatus::Ok);
    /// ```
    MarkReadResponse,
    "mark-read-response",
    ReadStatus,
    "`read`, or `ok` on a Meta (Cloud API) session."
);

status_answer!(
    /// The body of a successful typing indicator: `{"status": "typing"}`.
    TypingResponse,
    "typing-response",
    TypingStatus,
    "`typing` today."
);

/// The body of a successful presence update: `{"status": "<the presence>"}`.
///
/// ```
/// use wasphere_types::{Presence, PresenceResponse, PresenceStatus};
/// let r: PresenceResponse = serde_json::from_str(r#"{"status":"composing"}"#).unwrap();
/// assert_eq!(r.status, PresenceStatus::Shown(Presence::Composing));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "presence-response")]
pub struct PresenceResponse {
    /// The presence now shown.
    pub status: PresenceStatus,
    /// Fields this version does not know, kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_contract_s_words_or_kept_as_they_came() {
        let r: DeleteResponse = serde_json::from_str(r#"{"status":"deleted"}"#).unwrap();
        assert_eq!(r.status, DeleteStatus::Deleted);
        let r: DeleteResponse = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(
            r.status,
            DeleteStatus::Deleted,
            "absent means the contract's word"
        );
        let r: TypingResponse = serde_json::from_str(r#"{"status":"queued","n":1}"#).unwrap();
        assert_eq!(r.status, TypingStatus::Other("queued".into()));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"status":"queued","n":1}"#
        );
        let r: MarkReadResponse = serde_json::from_str(r#"{"status":"read"}"#).unwrap();
        assert_eq!(r.status.as_str(), "read");
        let r: PresenceResponse = serde_json::from_str(r#"{"status":"away"}"#).unwrap();
        assert_eq!(r.status, PresenceStatus::Other("away".into()));
        assert!(serde_json::from_str::<EditResponse>(r#"{"status":"edited"}"#).is_err());
    }
}

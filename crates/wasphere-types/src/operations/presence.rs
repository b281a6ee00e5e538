use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checker::{Checker, Path};
use crate::messages::{check_to, to_schema, validated};

/// What a chat shows about you. `Available` is the default: the presence of an
/// account that is online.
///
/// ```
/// use wasphere_types::Presence;
/// let p: Presence = "recording".parse().unwrap();
/// assert_eq!(p, Presence::Recording);
/// assert_eq!(p.to_string(), "recording");
/// assert!("online".parse::<Presence>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Online.
    #[default]
    Available,
    /// Offline ("last seen …").
    Unavailable,
    /// "typing…".
    Composing,
    /// "recording audio…".
    Recording,
    /// Stopped typing or recording.
    Paused,
}

impl Presence {
    /// Every presence, in the order of the contract.
    pub const ALL: [Presence; 5] = [
        Presence::Available,
        Presence::Unavailable,
        Presence::Composing,
        Presence::Recording,
        Presence::Paused,
    ];

    /// The word on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Unavailable => "unavailable",
            Presence::Composing => "composing",
            Presence::Recording => "recording",
            Presence::Paused => "paused",
        }
    }
}

/// The text is none of the five presences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown presence {0:?}: use available, unavailable, composing, recording or paused")]
pub struct UnknownPresence(pub String);

impl FromStr for Presence {
    type Err = UnknownPresence;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Presence::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPresence(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `presence`: the body of `POST …/messages/presence`, which sets what a chat shows
/// about you.
///
/// ```
/// use wasphere_types::{Presence, SetPresence};
/// let body = SetPresence::new("923001234567", Presence::Composing);
/// assert_eq!(body.to_json(), br#"{"to":"923001234567","presence":"composing"}"#);
///
/// let err = SetPresence::parse(br#"{"to":"923001234567","presence":"online"}"#).unwrap_err();
/// assert_eq!(err.violations[0].path, "presence");
/// assert_eq!(
///     err.violations[0].message,
///     "`presence` must be `available`, `unavailable`, `composing`, `recording` or `paused`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "presence")]
pub struct SetPresence {
    /// The chat: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The presence to show.
    pub presence: Presence,
}

impl SetPresence {
    /// Shows `presence` in the chat with `to`.
    pub fn new(to: impl Into<String>, presence: Presence) -> Self {
        SetPresence {
            to: to.into(),
            presence,
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
    }
}

validated!(SetPresence);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_words_are_the_enum_s() {
        for p in Presence::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{p}\""));
            assert_eq!(p.as_str().parse::<Presence>(), Ok(p));
        }
    }
}

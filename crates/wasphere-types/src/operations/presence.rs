use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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

/// A plain string `enum`: the `oneOf` of `const`s that the derive would write (one per
/// documented variant) makes openapi-python-client generate a parser that accepts only the
/// first value.
impl JsonSchema for Presence {
    fn schema_name() -> Cow<'static, str> {
        "Presence".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "enum": Presence::ALL.map(Presence::as_str),
            "description": "What a chat shows about you: `available` (online), `unavailable` (offline, \"last seen …\"), `composing` (\"typing…\"), `recording` (\"recording audio…\") or `paused` (stopped typing or recording).",
        })
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
// Not `presence`: a generated client names its classes by title, and the enum is
// `Presence` already (openapi-python-client refuses two models of one name).
#[schemars(title = "set-presence")]
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

    #[test]
    fn the_schema_lists_exactly_the_wire_words() {
        let schema = schemars::schema_for!(Presence);
        let words: Vec<&str> = schema
            .get("enum")
            .and_then(serde_json::Value::as_array)
            .unwrap()
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        assert_eq!(
            words,
            [
                "available",
                "unavailable",
                "composing",
                "recording",
                "paused"
            ]
        );
        let accepts = |word: &str| {
            jsonschema::validator_for(schema.as_value())
                .unwrap()
                .is_valid(&serde_json::json!(word))
        };
        assert!(Presence::ALL.iter().all(|p| accepts(p.as_str())));
        assert!(!accepts("online"));
    }
}

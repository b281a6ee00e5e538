//! What a journal knows about its campaign: the template, the source's digest and the
//! settings, so that a resume needs none of them again.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasphere_types::MessageType;
use wasphere_types::RateLimit;

use crate::plan::{DelayRange, KeyPace, PacePlan, Pacing};
use crate::source::SourceDigest;

/// The journal format this version writes and reads.
pub const JOURNAL_FORMAT: i64 = 1;

/// The campaign a journal holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignRecord {
    /// The type of every message (`text`, `buttons`, …).
    #[serde(with = "slug")]
    pub message_type: MessageType,
    /// The template's text.
    pub template: String,
    /// The digest of the source the rows came from, when known.
    pub source_digest: Option<SourceDigest>,
    /// A name for the source (a file path), for people.
    pub source_name: Option<String>,
    /// How it sends.
    pub settings: StoredSettings,
    /// Whether every row of the source was imported.
    pub import_complete: bool,
    /// When the campaign was created, in milliseconds since the Unix epoch.
    pub created_at_ms: u64,
}

/// The settings of a campaign, stored so that a resume uses the same. Never a secret: keys
/// are named by a label, and the application's own settings must leave keys out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSettings {
    /// Smooth or window.
    pub pacing: Pacing,
    /// The random pause per session after each send.
    pub delay: Option<DelayRange>,
    /// Each API key's limit and sessions, in order.
    pub keys: Vec<KeySettings>,
    /// Whether repeated recipients are sent.
    pub allow_duplicates: bool,
    /// The column naming a row's session.
    pub session_column: Option<String>,
    /// The application's own settings (the CLI keeps its base URL, workspace and source
    /// options here). Never put an API key in it.
    #[serde(default)]
    pub app: serde_json::Value,
}

/// One API key's settings, the key itself left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySettings {
    /// A name for the key that is safe to show (`wsk_live_…`, `key 2`).
    pub label: String,
    /// Sends allowed per window (`60/1m`, `off`).
    pub rate_limit: RateLimit,
    /// The safety margin added to the window, in milliseconds.
    pub margin_ms: u64,
    /// The sessions sending with the key.
    pub sessions: Vec<String>,
}

impl KeySettings {
    /// Settings for a key with `rate_limit`, `margin` and `sessions`.
    pub fn new(
        label: impl Into<String>,
        rate_limit: RateLimit,
        margin: Duration,
        sessions: Vec<String>,
    ) -> Self {
        KeySettings {
            label: label.into(),
            rate_limit,
            margin_ms: u64::try_from(margin.as_millis()).unwrap_or(u64::MAX),
            sessions,
        }
    }

    /// The safety margin.
    pub fn margin(&self) -> Duration {
        Duration::from_millis(self.margin_ms)
    }
}

impl StoredSettings {
    /// The pacing plan these settings describe.
    pub fn plan(&self) -> PacePlan {
        PacePlan {
            pacing: self.pacing,
            delay: self.delay,
            keys: self
                .keys
                .iter()
                .map(|k| KeyPace {
                    rate_limit: k.rate_limit,
                    margin: k.margin(),
                    sessions: k.sessions.len(),
                })
                .collect(),
        }
    }
}

/// A [`MessageType`] as its slug.
mod slug {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use wasphere_types::MessageType;

    pub(super) fn serialize<S: Serializer>(t: &MessageType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MessageType, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_settings_keep_the_limit() {
        let k = KeySettings::new(
            "wsk_test_…",
            RateLimit::per_minute(60),
            Duration::from_millis(250),
            vec!["a".into()],
        );
        assert_eq!(k.margin(), Duration::from_millis(250));
        let json = serde_json::to_value(&k).unwrap();
        assert_eq!(json["rateLimit"], "60/1m");
        assert_eq!(json["marginMs"], 250);
        let back: KeySettings = serde_json::from_value(json).unwrap();
        assert_eq!(back, k);
    }
}

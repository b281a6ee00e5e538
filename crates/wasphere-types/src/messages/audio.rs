use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_media_url, check_to, media_url_schema, to_schema, validated};
use crate::checker::{Checker, Path};

/// `audio`: an audio file, or a voice note with the waveform UI.
///
/// ```
/// use wasphere_types::Audio;
/// let m = Audio::new("923001234567", "https://yourcdn.com/audio/greeting.ogg").voice_note(true);
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "audio")]
pub struct Audio {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The audio: an http(s) URL or a base64 data URI.
    #[schemars(schema_with = "media_url_schema")]
    pub url: String,
    /// `true` shows a voice note waveform; `false` or absent sends an audio file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_voice_note: Option<bool>,
}

impl Audio {
    /// An audio file message.
    pub fn new(to: impl Into<String>, url: impl Into<String>) -> Self {
        Audio {
            to: to.into(),
            url: url.into(),
            is_voice_note: None,
        }
    }

    /// Sends it as a voice note (`true`) or explicitly as a file (`false`).
    pub fn voice_note(mut self, voice_note: bool) -> Self {
        self.is_voice_note = Some(voice_note);
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        check_media_url(c, p.field("url"), &self.url);
    }
}

validated!(Audio);

//! The four types that are a media `url` and an optional `caption`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_media_url, check_to, media_url_schema, to_schema, validated};
use crate::checker::{Checker, Path};

/// Longest `caption` of a captioned media message.
pub const MAX_CAPTION: usize = 1024;

macro_rules! captioned_media {
    ($name:ident, $slug:literal, $what:literal, $example_url:literal) => {
        #[doc = concat!("`", $slug, "`: ", $what, ", with an optional caption.")]
        ///
        /// ```
        #[doc = concat!("use wasphere_types::", stringify!($name), ";")]
        #[doc = concat!("let m = ", stringify!($name), "::new(\"923001234567\", \"", $example_url, "\").caption(\"Look\");")]
        /// assert!(m.validate().is_ok());
        /// ```
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[schemars(title = $slug)]
        pub struct $name {
            /// Recipient: phone digits in international format, or a JID.
            #[schemars(schema_with = "to_schema")]
            pub to: String,
            /// The media: an http(s) URL or a base64 data URI.
            #[schemars(schema_with = "media_url_schema")]
            pub url: String,
            /// Caption, at most 1024 characters.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(length(max = 1024))]
            pub caption: Option<String>,
        }

        impl $name {
            /// A message with the media at `url`, without caption.
            pub fn new(to: impl Into<String>, url: impl Into<String>) -> Self {
                $name {
                    to: to.into(),
                    url: url.into(),
                    caption: None,
                }
            }

            /// Sets the caption.
            pub fn caption(mut self, caption: impl Into<String>) -> Self {
                self.caption = Some(caption.into());
                self
            }

            pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
                check_to(c, p.field("to"), &self.to);
                check_media_url(c, p.field("url"), &self.url);
                c.optional_text(p.field("caption"), self.caption.as_deref(), MAX_CAPTION);
            }
        }

        validated!($name);
    };
}

captioned_media!(
    Image,
    "image",
    "an image",
    "https://yourcdn.com/images/product-photo.jpg"
);
captioned_media!(
    Video,
    "video",
    "a video",
    "https://yourcdn.com/videos/tutorial.mp4"
);
captioned_media!(
    Gif,
    "gif",
    "an MP4 that WhatsApp loops silently as a GIF",
    "https://yourcdn.com/animations/celebration.mp4"
);
captioned_media!(
    ViewOnce,
    "view-once",
    "an image that disappears after the recipient views it once",
    "https://yourcdn.com/images/otp-screenshot.jpg"
);

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_media_url, check_to, media_url_schema, to_schema, validated};
use crate::checker::{Checker, Path};

/// `sticker`: a PNG or JPG that the server converts to a WebP sticker. No caption.
///
/// ```
/// use wasphere_types::Sticker;
/// assert!(Sticker::new("923001234567", "https://yourcdn.com/stickers/thumbs-up.png").validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "sticker")]
pub struct Sticker {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The image: an http(s) URL or a base64 data URI, PNG or JPG.
    #[schemars(schema_with = "media_url_schema")]
    pub url: String,
}

impl Sticker {
    /// A sticker made from the image at `url`.
    pub fn new(to: impl Into<String>, url: impl Into<String>) -> Self {
        Sticker {
            to: to.into(),
            url: url.into(),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        check_media_url(c, p.field("url"), &self.url);
    }
}

validated!(Sticker);

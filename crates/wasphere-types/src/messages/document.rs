use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_media_url, check_to, media_url_schema, to_schema, validated};
use crate::checker::{Checker, Path};
use crate::formats::is_mimetype;
use crate::violation::Rule;

/// `document`: any file as an attachment. The wire name is `fileName` (camelCase):
/// `filename` is rejected by the server.
///
/// ```
/// use wasphere_types::Document;
/// let m = Document::new("923001234567", "https://yourcdn.com/files/invoice-1234.pdf", "report.pdf", "application/pdf");
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "document")]
pub struct Document {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The file: an http(s) URL or a base64 data URI.
    #[schemars(schema_with = "media_url_schema")]
    pub url: String,
    /// The name the recipient sees, 1 to 255 characters.
    #[schemars(length(min = 1, max = 255))]
    pub file_name: String,
    /// The MIME type, `type/subtype`, at most 127 characters.
    #[schemars(length(min = 1, max = 127), regex(pattern = crate::formats::MIMETYPE_PATTERN))]
    pub mimetype: String,
}

impl Document {
    /// Longest `fileName`.
    pub const MAX_FILE_NAME: usize = 255;
    /// Longest `mimetype`.
    pub const MAX_MIMETYPE: usize = 127;

    /// A document named `file_name` of type `mimetype`.
    pub fn new(
        to: impl Into<String>,
        url: impl Into<String>,
        file_name: impl Into<String>,
        mimetype: impl Into<String>,
    ) -> Self {
        Document {
            to: to.into(),
            url: url.into(),
            file_name: file_name.into(),
            mimetype: mimetype.into(),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        check_media_url(c, p.field("url"), &self.url);
        c.text(p.field("fileName"), &self.file_name, Self::MAX_FILE_NAME);
        let mimetype = p.field("mimetype");
        if self.mimetype.is_empty() {
            c.server(mimetype, Rule::NotEmpty);
            return;
        }
        c.max_length(mimetype, &self.mimetype, Self::MAX_MIMETYPE);
        if !is_mimetype(&self.mimetype) {
            c.server(
                mimetype,
                Rule::Format {
                    expected: "a MIME type such as application/pdf (type/subtype, no parameters)",
                },
            );
        }
    }
}

validated!(Document);

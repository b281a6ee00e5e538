//! The rules shared by every type: `to`, and the media `url`.

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::checker::{Checker, Path};
use crate::formats::{MAX_MEDIA_URL_LENGTH, MEDIA_URL_PATTERN, is_media_url};
use crate::ids::{MAX_RECIPIENT_LENGTH, Recipient};
use crate::violation::Rule;

/// The pattern of a phone number or JID in `to` (a client-side rule: the server only
/// limits the length).
pub const RECIPIENT_PATTERN: &str =
    r"^(?:[1-9][0-9]{6,14}|[0-9]+@s\.whatsapp\.net|[0-9]+@lid|[0-9]+(?:-[0-9]+)?@g\.us)$";

pub(crate) fn check_to(c: &mut Checker, path: Path<'_>, to: &str) {
    if to.is_empty() {
        c.server(path, Rule::NotEmpty);
    } else if to.len() > MAX_RECIPIENT_LENGTH && crate::server_length(to) > MAX_RECIPIENT_LENGTH {
        c.max_length(path, to, MAX_RECIPIENT_LENGTH);
    } else if Recipient::kind_of(to).is_err() {
        c.client(
            path,
            Rule::Format {
                expected: "a phone number in international format, digits only (no +, spaces or dashes), or a WhatsApp JID",
            },
        );
    }
}

pub(crate) fn check_media_url(c: &mut Checker, path: Path<'_>, url: &str) {
    if url.is_empty() {
        c.server(path, Rule::NotEmpty);
        return;
    }
    c.max_length(path, url, MAX_MEDIA_URL_LENGTH);
    if !is_media_url(url) {
        c.server(
            path,
            Rule::Format {
                expected: "an absolute http or https URL, or a base64 data URI",
            },
        );
    }
}

pub(crate) fn to_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_RECIPIENT_LENGTH,
        "pattern": RECIPIENT_PATTERN,
        "description": "Recipient: an international phone number in digits only (no +, no spaces), e.g. 923001234567, or a WhatsApp JID (<digits>@s.whatsapp.net, <digits>@lid, <digits>@g.us). The digits-or-JID pattern is a client-side rule; the server checks only the length.",
        "examples": ["923001234567"]
    })
}

pub(crate) fn media_url_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_MEDIA_URL_LENGTH,
        "pattern": MEDIA_URL_PATTERN,
        "description": "An absolute http or https URL (a public HTTPS URL is recommended) or a base64 data URI.",
        "examples": ["https://yourcdn.com/images/product-photo.jpg"]
    })
}

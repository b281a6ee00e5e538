//! `Message`: any of the 14 payloads, and parsing a raw body for a given type slug.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::MessageType;
use crate::checker::{Checker, Path};
use crate::messages::{
    Audio, Buttons, Contact, Document, Gif, Image, List, Location, Poll, Reaction, Sticker, Text,
    Video, ViewOnce,
};
use crate::violation::{Rule, ValidationError, Violation};

/// A message of any type. The type is not part of the body (it is the last segment of
/// the URL), so a `Message` serializes as its payload alone, and parsing needs the type.
///
/// ```
/// use wasphere_types::{Message, MessageType, Text};
/// let m: Message = Text::new("923001234567", "hi").into();
/// assert_eq!(m.message_type(), MessageType::Text);
///
/// let parsed = Message::parse(MessageType::Text, br#"{"to":"923001234567","text":"hi"}"#).unwrap();
/// assert_eq!(parsed, m);
///
/// let err = Message::parse(MessageType::Document, br#"{"to":"923001234567","url":"https://x.io/a.pdf","filename":"a.pdf","mimetype":"application/pdf"}"#).unwrap_err();
/// assert_eq!(err.violations[0].path, "filename");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)]
pub enum Message {
    /// A `text` message.
    Text(Text),
    /// An `image` message.
    Image(Image),
    /// A `video` message.
    Video(Video),
    /// An `audio` message.
    Audio(Audio),
    /// A `document` message.
    Document(Document),
    /// A `gif` message.
    Gif(Gif),
    /// A `sticker` message.
    Sticker(Sticker),
    /// A `location` message.
    Location(Location),
    /// A `contact` message.
    Contact(Contact),
    /// A `poll` message.
    Poll(Poll),
    /// A `buttons` message.
    Buttons(Buttons),
    /// A `list` message.
    List(List),
    /// A `view-once` message.
    ViewOnce(ViewOnce),
    /// A `reaction` message.
    Reaction(Reaction),
}

/// Applies `$body` to the payload inside any variant.
macro_rules! each_variant {
    ($message:expr, $payload:ident => $body:expr) => {
        match $message {
            Message::Text($payload) => $body,
            Message::Image($payload) => $body,
            Message::Video($payload) => $body,
            Message::Audio($payload) => $body,
            Message::Document($payload) => $body,
            Message::Gif($payload) => $body,
            Message::Sticker($payload) => $body,
            Message::Location($payload) => $body,
            Message::Contact($payload) => $body,
            Message::Poll($payload) => $body,
            Message::Buttons($payload) => $body,
            Message::List($payload) => $body,
            Message::ViewOnce($payload) => $body,
            Message::Reaction($payload) => $body,
        }
    };
}

impl Message {
    /// The type, whose slug goes in the URL.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::Text(_) => MessageType::Text,
            Message::Image(_) => MessageType::Image,
            Message::Video(_) => MessageType::Video,
            Message::Audio(_) => MessageType::Audio,
            Message::Document(_) => MessageType::Document,
            Message::Gif(_) => MessageType::Gif,
            Message::Sticker(_) => MessageType::Sticker,
            Message::Location(_) => MessageType::Location,
            Message::Contact(_) => MessageType::Contact,
            Message::Poll(_) => MessageType::Poll,
            Message::Buttons(_) => MessageType::Buttons,
            Message::List(_) => MessageType::List,
            Message::ViewOnce(_) => MessageType::ViewOnce,
            Message::Reaction(_) => MessageType::Reaction,
        }
    }

    /// The recipient.
    pub fn to(&self) -> &str {
        each_variant!(self, m => &m.to)
    }

    /// The recipient, to rewrite it (for instance after [`crate::Recipient::parse_lenient`]).
    pub fn to_mut(&mut self) -> &mut String {
        each_variant!(self, m => &mut m.to)
    }

    /// Checks every rule and returns all violations at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checker = Checker::default();
        each_variant!(self, m => m.check(&mut checker, Path::Root));
        checker.finish()
    }

    /// The JSON body to send.
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing these plain structs into a Vec cannot fail: no maps with
        // non-string keys, no fallible Serialize impls.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses a raw JSON body as a payload of `message_type`, as strictly as the server:
    /// unknown fields, missing required fields, wrong JSON types and malformed JSON are
    /// refused with a violation that names the field. Limits are not checked here:
    /// call [`Message::validate`] for those.
    pub fn parse(message_type: MessageType, body: &[u8]) -> Result<Message, ValidationError> {
        Ok(match message_type {
            MessageType::Text => Message::Text(parse_payload(body)?),
            MessageType::Image => Message::Image(parse_payload(body)?),
            MessageType::Video => Message::Video(parse_payload(body)?),
            MessageType::Audio => Message::Audio(parse_payload(body)?),
            MessageType::Document => Message::Document(parse_payload(body)?),
            MessageType::Gif => Message::Gif(parse_payload(body)?),
            MessageType::Sticker => Message::Sticker(parse_payload(body)?),
            MessageType::Location => Message::Location(parse_payload(body)?),
            MessageType::Contact => Message::Contact(parse_payload(body)?),
            MessageType::Poll => Message::Poll(parse_payload(body)?),
            MessageType::Buttons => Message::Buttons(parse_payload(body)?),
            MessageType::List => Message::List(parse_payload(body)?),
            MessageType::ViewOnce => Message::ViewOnce(parse_payload(body)?),
            MessageType::Reaction => Message::Reaction(parse_payload(body)?),
        })
    }

    /// [`Message::parse`], then [`Message::validate`]: every reason the body would be refused.
    pub fn parse_valid(message_type: MessageType, body: &[u8]) -> Result<Message, ValidationError> {
        let message = Self::parse(message_type, body)?;
        message.validate()?;
        Ok(message)
    }
}

fn parse_payload<T: DeserializeOwned>(body: &[u8]) -> Result<T, ValidationError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => value,
        Err(e) if e.inner().to_string().starts_with("duplicate field ") => {
            return parse_keeping_last_duplicate(body);
        }
        Err(e) => return Err(describe(e)),
    };
    de.end()
        .map_err(|e| single(String::new(), invalid_json(&e)))?;
    Ok(value)
}

/// The server reads bodies with `JSON.parse`, which keeps the last of repeated keys,
/// where serde's derived structs refuse them. A `serde_json::Value` keeps the last one
/// too, so going through it accepts what the server accepts. Only repeated keys take
/// this slower path.
fn parse_keeping_last_duplicate<T: DeserializeOwned>(body: &[u8]) -> Result<T, ValidationError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| single(String::new(), invalid_json(&e)))?;
    serde_path_to_error::deserialize(value).map_err(describe)
}

fn single(path: String, rule: Rule) -> ValidationError {
    ValidationError {
        violations: vec![Violation::server(path, rule)],
    }
}

fn invalid_json(e: &serde_json::Error) -> Rule {
    Rule::InvalidJson {
        detail: e.to_string(),
    }
}

fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

/// The text between the first pair of backticks of a serde message.
fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// Turns serde's first complaint into a violation with the field's path.
fn describe(err: serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
    use serde_json::error::Category;
    let path = render_path(err.path());
    let inner = err.inner();
    if inner.classify() != Category::Data {
        return single(String::new(), invalid_json(inner));
    }
    let full = inner.to_string();
    // serde_json appends " at line L column C"; the path says where already.
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = quoted_name(rest).unwrap_or(rest);
        // The path already ends at the unknown key when serde_path_to_error saw it.
        let at = if path.ends_with(name) {
            path.clone()
        } else {
            join(&path, name)
        };
        return single(at, Rule::UnknownField);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return single(
            join(&path, quoted_name(rest).unwrap_or(rest)),
            Rule::Required,
        );
    }
    // Checked before `null` below: a body that is `null` is not a JSON object, whereas
    // a field that is `null` is a missing field.
    if path.is_empty()
        && (message.starts_with("invalid type: ") || message.starts_with("invalid length"))
    {
        return single(
            path,
            Rule::InvalidJson {
                detail: "the body must be a JSON object".to_owned(),
            },
        );
    }
    if message.starts_with("invalid type: null") {
        return single(path, Rule::Required);
    }
    let expected = message
        .rsplit_once("expected ")
        .map_or(message, |(_, e)| e)
        .replace("f64", "a number")
        .replace("struct ", "an object ")
        .replace("a sequence", "an array");
    single(path, Rule::WrongType { expected })
}

macro_rules! into_message {
    ($($ty:ident),*) => {
        $(impl From<$ty> for Message {
            fn from(m: $ty) -> Message {
                Message::$ty(m)
            }
        })*
    };
}

into_message!(
    Text, Image, Video, Audio, Document, Gif, Sticker, Location, Contact, Poll, Buttons, List,
    ViewOnce, Reaction
);

#[cfg(test)]
mod tests {
    use super::*;

    fn first(t: MessageType, body: &str) -> Violation {
        Message::parse(t, body.as_bytes())
            .unwrap_err()
            .violations
            .remove(0)
    }

    #[test]
    fn names_unknown_fields() {
        let v = first(
            MessageType::Contact,
            r#"{"to":"923001234567","name":"J","phone":"1"}"#,
        );
        assert_eq!((v.path.as_str(), &v.rule), ("name", &Rule::UnknownField));
        let v = first(
            MessageType::Buttons,
            r#"{"to":"1","text":"t","footer":"f","buttons":[{"id":"a","text":"b"},{"id":"a","text":"b","url":"x"}]}"#,
        );
        assert_eq!(
            (v.path.as_str(), &v.rule),
            ("buttons[1].url", &Rule::UnknownField)
        );
    }

    #[test]
    fn names_missing_and_mistyped_fields() {
        let v = first(
            MessageType::Buttons,
            r#"{"to":"923001234567","text":"t","buttons":[]}"#,
        );
        assert_eq!((v.path.as_str(), &v.rule), ("footer", &Rule::Required));
        let v = first(
            MessageType::Location,
            r#"{"to":"923001234567","latitude":"33.6","longitude":1}"#,
        );
        assert_eq!(v.path, "latitude");
        assert!(
            matches!(v.rule, Rule::WrongType { ref expected } if expected == "a number"),
            "{v:?}"
        );
        let v = first(
            MessageType::Poll,
            r#"{"to":"1","name":"q","options":["a","b"],"selectableCount":1.5}"#,
        );
        assert_eq!(v.path, "selectableCount");
        let v = first(MessageType::Text, r#"{"to":"923001234567","text":null}"#);
        assert_eq!((v.path.as_str(), &v.rule), ("text", &Rule::Required));
    }

    #[test]
    fn malformed_bodies_are_invalid_json() {
        for body in [
            "",
            "{",
            "[]",
            "null",
            "42",
            "{\"to\":\"1\",\"text\":\"a\"} trailing",
        ] {
            let v = first(MessageType::Text, body);
            assert!(matches!(v.rule, Rule::InvalidJson { .. }), "{body}: {v:?}");
        }
    }

    #[test]
    fn repeated_keys_keep_the_last_like_json_parse() {
        let m = Message::parse(
            MessageType::Text,
            br#"{"to":"1","to":"923001234567","text":"hi"}"#,
        )
        .unwrap();
        assert_eq!(m.to(), "923001234567");
        let m = Message::parse(
            MessageType::Buttons,
            br#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"id":"a","id":"b","text":"B"}]}"#,
        )
        .unwrap();
        assert_eq!(
            m,
            Buttons::new("923001234567", "t", "f")
                .button("b", "B")
                .into()
        );
        // The last one counts even when it is the wrong one.
        let v = first(
            MessageType::Text,
            r#"{"to":"923001234567","text":"hi","text":null}"#,
        );
        assert_eq!((v.path.as_str(), &v.rule), ("text", &Rule::Required));
        let v = first(
            MessageType::Text,
            r#"{"to":"923001234567","text":"hi","extra":1,"extra":2}"#,
        );
        assert_eq!((v.path.as_str(), &v.rule), ("extra", &Rule::UnknownField));
    }

    #[test]
    fn null_optional_fields_are_absent() {
        let m = Message::parse(
            MessageType::Image,
            br#"{"to":"923001234567","url":"https://a.io/x.png","caption":null}"#,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(m.to_json()).unwrap(),
            r#"{"to":"923001234567","url":"https://a.io/x.png"}"#
        );
    }
}

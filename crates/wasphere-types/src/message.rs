//! `Message`: any of the 14 payloads.

use serde::Serialize;

use crate::MessageType;
use crate::checker::{Checker, Path};
use crate::messages::{
    Audio, Buttons, Contact, Document, Gif, Image, List, Location, Poll, Reaction, Sticker, Text,
    Video, ViewOnce,
};
use crate::violation::ValidationError;
use crate::wire;

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
        self.check(&mut checker);
        checker.finish()
    }

    pub(crate) fn check(&self, checker: &mut Checker) {
        each_variant!(self, m => m.check(checker, Path::Root));
    }

    /// The JSON body to send: the same bytes as `serde_json::to_vec(self)`, written faster.
    pub fn to_json(&self) -> Vec<u8> {
        each_variant!(self, m => wire::write_payload(m))
    }

    /// Parses a raw JSON body as a payload of `message_type`, as strictly as the server
    /// reads it, and says everything that is wrong with it in one answer.
    ///
    /// The body's shape is checked here: every unknown field at every depth (with the
    /// known field it most likely means), every missing required field and every value of
    /// the wrong JSON type, each named by its path (`buttons[0].text`). If the shape is
    /// wrong, the error also lists the broken rules of the values that are present
    /// (lengths, ranges, formats), so one answer holds every fix. If the shape is right,
    /// the message is returned and its rules are [`Message::validate`]'s; or call
    /// [`Message::parse_valid`] for both at once. A body that is not JSON (or not UTF-8,
    /// or not an object) gets one violation saying where it breaks.
    ///
    /// As with the server's `JSON.parse`, the last of repeated keys counts; optional fields
    /// may be `null` (absent), and integers may be written `3.0`.
    ///
    /// ```
    /// use wasphere_types::{Message, MessageType, Rule};
    /// let body = br#"{"to":"923001234567","name":"Bob","phone":"123"}"#;
    /// let err = Message::parse(MessageType::Contact, body).unwrap_err();
    /// let found: Vec<(&str, Option<&str>)> = err
    ///     .violations
    ///     .iter()
    ///     .map(|v| (v.path.as_str(), v.suggestion.as_deref()))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         ("name", Some("displayName")),
    ///         ("phone", Some("phoneNumber")),
    ///         ("displayName", None),
    ///         ("phoneNumber", None),
    ///     ]
    /// );
    /// assert_eq!(err.violations[2].rule, Rule::Required);
    /// ```
    pub fn parse(message_type: MessageType, body: &[u8]) -> Result<Message, ValidationError> {
        use wire::parse_payload as read;
        Ok(match message_type {
            MessageType::Text => Message::Text(read(body)?),
            MessageType::Image => Message::Image(read(body)?),
            MessageType::Video => Message::Video(read(body)?),
            MessageType::Audio => Message::Audio(read(body)?),
            MessageType::Document => Message::Document(read(body)?),
            MessageType::Gif => Message::Gif(read(body)?),
            MessageType::Sticker => Message::Sticker(read(body)?),
            MessageType::Location => Message::Location(read(body)?),
            MessageType::Contact => Message::Contact(read(body)?),
            MessageType::Poll => Message::Poll(read(body)?),
            MessageType::Buttons => Message::Buttons(read(body)?),
            MessageType::List => Message::List(read(body)?),
            MessageType::ViewOnce => Message::ViewOnce(read(body)?),
            MessageType::Reaction => Message::Reaction(read(body)?),
        })
    }

    /// [`Message::parse`], then [`Message::validate`]: every reason the body would be
    /// refused, in one answer.
    pub fn parse_valid(message_type: MessageType, body: &[u8]) -> Result<Message, ValidationError> {
        let message = Self::parse(message_type, body)?;
        message.validate()?;
        Ok(message)
    }
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

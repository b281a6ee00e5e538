//! The 14 message types and their URL slugs.

use std::fmt;
use std::str::FromStr;

/// One of the 14 kinds of message the API sends; its slug is the last segment of the URL.
///
/// ```
/// use wasphere_types::MessageType;
/// let t: MessageType = "view-once".parse().unwrap();
/// assert_eq!(t, MessageType::ViewOnce);
/// assert_eq!(t.to_string(), "view-once");
/// assert_eq!(MessageType::ALL.len(), 14);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    /// `text`: a formatted text message.
    Text,
    /// `image`: an image with an optional caption.
    Image,
    /// `video`: a video with an optional caption.
    Video,
    /// `audio`: an audio file or a voice note.
    Audio,
    /// `document`: any file as an attachment.
    Document,
    /// `gif`: an MP4 played as a looping GIF.
    Gif,
    /// `sticker`: a PNG or JPG converted to a WebP sticker.
    Sticker,
    /// `location`: a map pin.
    Location,
    /// `contact`: a contact card.
    Contact,
    /// `poll`: a poll with 2 to 12 options.
    Poll,
    /// `buttons`: a message with up to 3 reply buttons.
    Buttons,
    /// `list`: an interactive list with sections and rows.
    List,
    /// `view-once`: an image that disappears after one view.
    ViewOnce,
    /// `reaction`: an emoji reaction to an earlier message.
    Reaction,
}

impl MessageType {
    /// Every message type, in the order of the API documentation.
    pub const ALL: [MessageType; 14] = [
        MessageType::Text,
        MessageType::Image,
        MessageType::Video,
        MessageType::Audio,
        MessageType::Document,
        MessageType::Gif,
        MessageType::Sticker,
        MessageType::Location,
        MessageType::Contact,
        MessageType::Poll,
        MessageType::Buttons,
        MessageType::List,
        MessageType::ViewOnce,
        MessageType::Reaction,
    ];

    /// The slug used in the URL (`text`, `view-once`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageType::Text => "text",
            MessageType::Image => "image",
            MessageType::Video => "video",
            MessageType::Audio => "audio",
            MessageType::Document => "document",
            MessageType::Gif => "gif",
            MessageType::Sticker => "sticker",
            MessageType::Location => "location",
            MessageType::Contact => "contact",
            MessageType::Poll => "poll",
            MessageType::Buttons => "buttons",
            MessageType::List => "list",
            MessageType::ViewOnce => "view-once",
            MessageType::Reaction => "reaction",
        }
    }

    /// Whether the payload carries a media `url`.
    pub const fn is_media(self) -> bool {
        matches!(
            self,
            MessageType::Image
                | MessageType::Video
                | MessageType::Audio
                | MessageType::Document
                | MessageType::Gif
                | MessageType::Sticker
                | MessageType::ViewOnce
        )
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The slug named no message type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown message type `{0}`: expected one of text, image, video, audio, document, gif, sticker, location, contact, poll, buttons, list, view-once, reaction"
)]
pub struct UnknownMessageType(pub String);

impl FromStr for MessageType {
    type Err = UnknownMessageType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownMessageType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_round_trips() {
        for t in MessageType::ALL {
            assert_eq!(t.as_str().parse::<MessageType>(), Ok(t));
        }
    }

    #[test]
    fn unknown_slug_lists_the_valid_ones() {
        let err = "viewonce".parse::<MessageType>().unwrap_err();
        assert!(err.to_string().contains("view-once"), "{err}");
    }
}

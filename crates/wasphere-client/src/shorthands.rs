//! One method per message type, on the async and the blocking client alike.
//!
//! Each builds the payload with its `wasphere-types` constructor and calls `send`, so a
//! shorthand behaves exactly as `send` with the same message (validation included). The
//! list is written once and expanded for both clients, which keeps them one to one.

use wasphere_types::{
    Audio, Button, Buttons, Contact, Document, Gif, Image, List, ListSection, Location, Message,
    Poll, Reaction, SendResponse, Sticker, Text, Video, ViewOnce,
};

use crate::error::Error;

macro_rules! shorthands {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $build:expr;
    )*) => {
        impl crate::client::Client {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// As [`Client::send`](crate::Client::send).
                pub async fn $name(&self, $($arg: $ty),*) -> Result<SendResponse, Error> {
                    self.send(&Message::from($build)).await
                }
            )*
        }

        impl crate::blocking::Client {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// As [`Client::send`](crate::blocking::Client::send).
                pub fn $name(&self, $($arg: $ty),*) -> Result<SendResponse, Error> {
                    self.send(&Message::from($build))
                }
            )*
        }
    };
}

shorthands! {
    /// Sends a text message (`*bold*`, `_italic_`, `~strike~` and `` `mono` `` work).
    fn send_text(to: impl Into<String>, text: impl Into<String>) => Text::new(to, text);
    /// Sends an image from a URL (HTTPS or a base64 data URI), without a caption.
    fn send_image(to: impl Into<String>, url: impl Into<String>) => Image::new(to, url);
    /// Sends a video from a URL, without a caption.
    fn send_video(to: impl Into<String>, url: impl Into<String>) => Video::new(to, url);
    /// Sends an audio file from a URL (use `Audio::voice_note` and `send` for a voice note).
    fn send_audio(to: impl Into<String>, url: impl Into<String>) => Audio::new(to, url);
    /// Sends a document named `file_name` of type `mimetype` (e.g. `application/pdf`).
    fn send_document(
        to: impl Into<String>,
        url: impl Into<String>,
        file_name: impl Into<String>,
        mimetype: impl Into<String>,
    ) => Document::new(to, url, file_name, mimetype);
    /// Sends an MP4 that plays as a looping GIF.
    fn send_gif(to: impl Into<String>, url: impl Into<String>) => Gif::new(to, url);
    /// Sends a PNG or JPG as a sticker.
    fn send_sticker(to: impl Into<String>, url: impl Into<String>) => Sticker::new(to, url);
    /// Sends a map pin.
    fn send_location(to: impl Into<String>, latitude: f64, longitude: f64) =>
        Location::new(to, latitude, longitude);
    /// Sends a contact card.
    fn send_contact(
        to: impl Into<String>,
        display_name: impl Into<String>,
        phone_number: impl Into<String>,
    ) => Contact::new(to, display_name, phone_number);
    /// Sends a single-choice poll with 2 to 12 options.
    fn send_poll(
        to: impl Into<String>,
        name: impl Into<String>,
        options: impl IntoIterator<Item = impl Into<String>>,
    ) => Poll::new(to, name, options);
    /// Sends a message with 1 to 3 reply buttons (`Button::new(id, label)`).
    fn send_buttons(
        to: impl Into<String>,
        text: impl Into<String>,
        footer: impl Into<String>,
        buttons: impl IntoIterator<Item = Button>,
    ) => {
        let mut message = Buttons::new(to, text, footer);
        message.buttons.extend(buttons);
        message
    };
    /// Sends an interactive list (`ListSection::new(title).row(id, title, description)`).
    fn send_list(
        to: impl Into<String>,
        title: impl Into<String>,
        text: impl Into<String>,
        button_text: impl Into<String>,
        sections: impl IntoIterator<Item = ListSection>,
    ) => {
        let mut message = List::new(to, title, text, button_text);
        message.sections.extend(sections);
        message
    };
    /// Sends an image that disappears after one view.
    fn send_view_once(to: impl Into<String>, url: impl Into<String>) => ViewOnce::new(to, url);
    /// Replies to message `quoted_id` with `text`: a text message that quotes it (a short
    /// spelling of `Text::new(to, text).quoting(quoted_id)`).
    fn reply(
        to: impl Into<String>,
        quoted_id: impl Into<String>,
        text: impl Into<String>,
    ) => Text::new(to, text).quoting(quoted_id);
    /// Reacts to message `message_id` with `emoji` (`""` removes the reaction).
    fn send_reaction(
        to: impl Into<String>,
        message_id: impl Into<String>,
        emoji: impl Into<String>,
    ) => Reaction::new(to, message_id, emoji);
}

//! The request body of each message type, as the server's wire names spell it.
//!
//! Every struct rejects unknown fields when parsed, omits absent optional fields when
//! serialized, accepts `null` for them, and has `validate()` returning every broken rule.

mod audio;
mod buttons;
mod captioned;
mod contact;
mod document;
mod list;
mod location;
mod poll;
mod reaction;
mod recipient_field;
mod sticker;
mod text;

pub use audio::Audio;
pub use buttons::{Button, Buttons};
pub use captioned::{Gif, Image, MAX_CAPTION, Video, ViewOnce};
pub use contact::{Contact, DISPLAY_NAME_PATTERN, PHONE_NUMBER_PATTERN};
pub use document::Document;
pub use list::{List, ListRow, ListSection};
pub use location::Location;
pub use poll::Poll;
pub use reaction::Reaction;
pub use sticker::Sticker;
pub use text::Text;

pub use recipient_field::RECIPIENT_PATTERN;
pub(crate) use recipient_field::{check_media_url, check_to, media_url_schema, to_schema};

/// Gives a payload type its public `validate()` from its private `check()`, and makes it
/// checkable where only its type is known (as when a body is parsed).
macro_rules! validated {
    ($ty:ty) => {
        impl $crate::checker::Rules for $ty {
            fn check_rules(&self, c: &mut $crate::checker::Checker, p: $crate::checker::Path<'_>) {
                self.check(c, p);
            }
        }

        impl $ty {
            /// Checks every rule of the contract (and this toolkit's stricter ones, marked
            /// client-side) and returns all violations at once.
            pub fn validate(&self) -> Result<(), $crate::ValidationError> {
                let mut checker = $crate::checker::Checker::default();
                self.check(&mut checker, $crate::checker::Path::Root);
                checker.finish()
            }
        }
    };
}
pub(crate) use validated;

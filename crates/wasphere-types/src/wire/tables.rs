//! The wire fields of every payload and of the objects nested in them: name, whether the
//! server requires it, and the kind of value, which says how it is read and written.

use super::object::{Field, MAX_FIELDS, WireObject};
use super::values::{
    JsonBool, JsonEnum, JsonInteger, JsonNumber, JsonString, ObjectArray, StringArray, WireEnum,
    WireValue,
};
use crate::messages::{
    Audio, Button, Buttons, Contact, Document, Gif, Image, List, ListRow, ListSection, Location,
    Poll, Reaction, Sticker, Text, Video, ViewOnce,
};
use crate::operations::{DeleteMessage, EditMessage, MarkRead, Presence, SetPresence, Typing};

/// Implements [`WireObject`] for `$ty` from one line per field, in the order of the
/// struct: wire name, struct field, whether the server requires it, and its
/// [`WireValue`]. Every field of the struct must be listed (the blank struct is built
/// from the list).
macro_rules! wire_object {
    ($ty:ty, $name:literal, [$($wire:literal => $slot:ident: $presence:ident $kind:ty),+ $(,)?]) => {
        impl WireObject for $ty {
            const NAME: &'static str = $name;
            const FIELDS: &'static [Field<Self>] = &[$(field!($wire, $slot, $presence, $kind)),+];

            fn blank() -> Self {
                Self {
                    $($slot: Default::default()),+
                }
            }
        }

        const _: () = assert!(<$ty as WireObject>::FIELDS.len() <= MAX_FIELDS);
    };
}

macro_rules! field {
    ($wire:literal, $slot:ident, required, $kind:ty) => {
        Field {
            name: $wire,
            required: true,
            read: |object, p, at, depth| {
                Ok(<$kind as WireValue>::read(p, at, depth)?.store(&mut object.$slot))
            },
            write: |object, out| {
                out.extend_from_slice(concat!(",\"", $wire, "\":").as_bytes());
                <$kind as WireValue>::write(&object.$slot, out);
            },
        }
    };
    ($wire:literal, $slot:ident, optional, $kind:ty) => {
        Field {
            name: $wire,
            required: false,
            read: |object, p, at, depth| {
                Ok(<$kind as WireValue>::read(p, at, depth)?.store_optional(&mut object.$slot))
            },
            write: |object, out| {
                if let Some(value) = &object.$slot {
                    out.extend_from_slice(concat!(",\"", $wire, "\":").as_bytes());
                    <$kind as WireValue>::write(value, out);
                }
            },
        }
    };
}

wire_object!(Text, "text", [
    "to" => to: required JsonString,
    "text" => text: required JsonString,
    "quotedId" => quoted_id: optional JsonString,
]);

macro_rules! captioned {
    ($($ty:ty, $name:literal;)+) => {
        $(wire_object!($ty, $name, [
            "to" => to: required JsonString,
            "url" => url: required JsonString,
            "caption" => caption: optional JsonString,
        ]);)+
    };
}

captioned!(
    Image, "image";
    Video, "video";
    Gif, "gif";
    ViewOnce, "view-once";
);

wire_object!(Audio, "audio", [
    "to" => to: required JsonString,
    "url" => url: required JsonString,
    "isVoiceNote" => is_voice_note: optional JsonBool,
]);

wire_object!(Document, "document", [
    "to" => to: required JsonString,
    "url" => url: required JsonString,
    "fileName" => file_name: required JsonString,
    "mimetype" => mimetype: required JsonString,
]);

wire_object!(Sticker, "sticker", [
    "to" => to: required JsonString,
    "url" => url: required JsonString,
]);

wire_object!(Location, "location", [
    "to" => to: required JsonString,
    "latitude" => latitude: required JsonNumber,
    "longitude" => longitude: required JsonNumber,
    "name" => name: optional JsonString,
    "address" => address: optional JsonString,
]);

wire_object!(Contact, "contact", [
    "to" => to: required JsonString,
    "displayName" => display_name: required JsonString,
    "phoneNumber" => phone_number: required JsonString,
]);

wire_object!(Poll, "poll", [
    "to" => to: required JsonString,
    "name" => name: required JsonString,
    "options" => options: required StringArray,
    "selectableCount" => selectable_count: optional JsonInteger,
]);

wire_object!(Buttons, "buttons", [
    "to" => to: required JsonString,
    "text" => text: required JsonString,
    "footer" => footer: required JsonString,
    "buttons" => buttons: required ObjectArray<Button>,
]);

wire_object!(Button, "a button", [
    "id" => id: required JsonString,
    "text" => text: required JsonString,
]);

wire_object!(List, "list", [
    "to" => to: required JsonString,
    "title" => title: required JsonString,
    "text" => text: required JsonString,
    "buttonText" => button_text: required JsonString,
    "sections" => sections: required ObjectArray<ListSection>,
]);

wire_object!(ListSection, "a list section", [
    "title" => title: required JsonString,
    "rows" => rows: required ObjectArray<ListRow>,
]);

wire_object!(ListRow, "a list row", [
    "id" => id: required JsonString,
    "title" => title: required JsonString,
    "description" => description: optional JsonString,
]);

wire_object!(Reaction, "reaction", [
    "to" => to: required JsonString,
    "messageId" => message_id: required JsonString,
    "emoji" => emoji: required JsonString,
    "fromMe" => from_me: optional JsonBool,
]);

wire_object!(EditMessage, "edit-message", [
    "to" => to: required JsonString,
    "text" => text: required JsonString,
]);

// `forEveryone` is required by the server; the reader lets it be absent so that callers
// may leave it to `DeleteMessage::new`'s default, and `validate()` reports it missing.
wire_object!(DeleteMessage, "delete-message", [
    "to" => to: required JsonString,
    "forEveryone" => for_everyone: optional JsonBool,
]);

wire_object!(MarkRead, "mark-read", [
    "to" => to: required JsonString,
    "messageIds" => message_ids: required StringArray,
]);

wire_object!(Typing, "typing", [
    "to" => to: required JsonString,
    "isGroup" => is_group: optional JsonBool,
]);

wire_object!(SetPresence, "presence", [
    "to" => to: required JsonString,
    "presence" => presence: required JsonEnum<Presence>,
]);

impl WireEnum for Presence {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("available", Presence::Available),
        ("unavailable", Presence::Unavailable),
        ("composing", Presence::Composing),
        ("recording", Presence::Recording),
        ("paused", Presence::Paused),
    ];
    const NAMES: &'static [&'static str] = &[
        "available",
        "unavailable",
        "composing",
        "recording",
        "paused",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_words_are_the_enum_s() {
        assert_eq!(Presence::WORDS.len(), Presence::ALL.len());
        for (p, (word, value)) in Presence::ALL.into_iter().zip(Presence::WORDS) {
            assert_eq!((p.as_str(), p), (*word, *value));
        }
        let names: Vec<&str> = Presence::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names, Presence::NAMES);
    }
}

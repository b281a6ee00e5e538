//! The 14 request bodies of the API documentation, exactly as it prints them.
//!
//! They are the golden corpus of the whole toolkit: the types must parse them, the
//! sandbox must accept them, and the client, CLI and C ABI must send them as they are.

use crate::MessageType;

/// The documentation's example body for `message_type`, byte for byte as its curl
/// example sends it.
///
/// ```
/// use wasphere_types::{documented_example, Message, MessageType};
/// for t in MessageType::ALL {
///     let m = Message::parse_valid(t, documented_example(t).as_bytes()).unwrap();
///     assert_eq!(m.message_type(), t);
/// }
/// ```
pub fn documented_example(message_type: MessageType) -> &'static str {
    match message_type {
        MessageType::Text => {
            r#"{
"to": "923001234567",
"text": "Hello! Your order *#1234* has been dispatched. Expected delivery: _Friday 28 May_."
}"#
        }
        MessageType::Image => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/images/product-photo.jpg",
"caption": "Here is your custom product!"
}"#
        }
        MessageType::Video => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/videos/tutorial.mp4",
"caption": "Watch this quick setup guide"
}"#
        }
        MessageType::Audio => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/audio/greeting.ogg",
"isVoiceNote": false
}"#
        }
        MessageType::Document => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/files/invoice-1234.pdf",
"fileName": "report.pdf",
"mimetype": "application/pdf"
}"#
        }
        MessageType::Gif => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/animations/celebration.mp4",
"caption": "Congratulations!"
}"#
        }
        MessageType::Sticker => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/stickers/thumbs-up.png"
}"#
        }
        MessageType::Location => {
            r#"{
"to": "923001234567",
"latitude": 33.6844,
"longitude": 73.0479,
"name": "Islamabad",
"address": "Capital Territory, Pakistan"
}"#
        }
        MessageType::Contact => {
            r#"{
"to": "923001234567",
"displayName": "John Doe",
"phoneNumber": "+923001234567"
}"#
        }
        MessageType::Poll => {
            r#"{
"to": "923001234567",
"name": "Question?",
"options": ["Yes", "No", "Maybe"],
"selectableCount": 1
}"#
        }
        MessageType::Buttons => {
            r#"{
"to": "923001234567",
"text": "Choose:",
"footer": "WaSphere",
"buttons": [
{ "id": "btn1", "text": "Option A" },
{ "id": "btn2", "text": "Option B" }
]
}"#
        }
        MessageType::List => {
            r#"{
"to": "923001234567",
"title": "Choose your plan",
"text": "Select below:",
"buttonText": "View Options",
"sections": [
{
"title": "Plans",
"rows": [
{ "id": "free", "title": "Free", "description": "Basic" },
{ "id": "pro", "title": "Pro", "description": "Full access" }
]
}
]
}"#
        }
        MessageType::ViewOnce => {
            r#"{
"to": "923001234567",
"url": "https://yourcdn.com/images/otp-screenshot.jpg",
"caption": "Your verification image"
}"#
        }
        MessageType::Reaction => {
            r#"{
"to": "923001234567",
"messageId": "3EB0C767D097B7C7A5C1",
"emoji": "👍"
}"#
        }
    }
}

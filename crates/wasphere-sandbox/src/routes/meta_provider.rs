//! What a session on the Meta (Cloud API) provider cannot do, and the server's 501s for it.
//!
//! The Cloud API's messages are text, media (image, video, audio, document, sticker),
//! location, contacts, interactive reply buttons and lists, and reactions. It has no
//! polls, no GIF playback of a video and no view-once media, so those three sends answer
//! `CAPABILITY_NOT_SUPPORTED`; and the server implements edit, delete, typing and presence
//! only for its WhatsApp Web provider, so those answer its plain 501 (contract section 6).
//! Mark read works, and answers `{"status": "ok"}`.

use serde_json::json;
use wasphere_types::{MessageOperation, MessageType};

use crate::routes::answers::Answer;

/// The provider's name in a `CAPABILITY_NOT_SUPPORTED` answer.
const PROVIDER: &str = "meta";

/// Whether a Meta session can send `message_type`.
pub(crate) fn meta_can_send(message_type: MessageType) -> bool {
    !matches!(
        message_type,
        MessageType::Poll | MessageType::Gif | MessageType::ViewOnce
    )
}

/// Whether a Meta session can do `operation`.
pub(crate) fn meta_can_do(operation: MessageOperation) -> bool {
    operation == MessageOperation::MarkRead
}

/// The 501 for a send a Meta session cannot carry.
pub(crate) fn meta_cannot_send(message_type: MessageType) -> Answer {
    Answer::json(
        501,
        json!({
            "error": "CAPABILITY_NOT_SUPPORTED",
            "message": format!("The Meta Cloud API provider cannot send {message_type} messages."),
            "capability": message_type.as_str(),
            "provider": PROVIDER,
        }),
    )
}

/// The 501 for an operation a Meta session cannot do, in the server's words.
pub(crate) fn meta_cannot_do(operation: MessageOperation) -> Answer {
    let feature = match operation {
        MessageOperation::Edit => "Message editing",
        MessageOperation::Delete => "Message deletion",
        MessageOperation::MarkRead => "Marking messages read",
        MessageOperation::Typing => "Typing indicator",
        MessageOperation::Presence => "Presence",
    };
    Answer::json(
        501,
        json!({
            "statusCode": 501,
            "message": format!("{feature} is not supported on the Meta Cloud API provider."),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meta_session_sends_all_but_three_types_and_only_marks_read() {
        let refused: Vec<MessageType> = MessageType::ALL
            .into_iter()
            .filter(|t| !meta_can_send(*t))
            .collect();
        assert_eq!(
            refused,
            [MessageType::Gif, MessageType::Poll, MessageType::ViewOnce]
        );
        let able: Vec<MessageOperation> = MessageOperation::ALL
            .into_iter()
            .filter(|op| meta_can_do(*op))
            .collect();
        assert_eq!(able, [MessageOperation::MarkRead]);
        let body: serde_json::Value =
            serde_json::from_slice(&meta_cannot_do(MessageOperation::Edit).body).unwrap();
        assert_eq!(
            body["message"],
            "Message editing is not supported on the Meta Cloud API provider."
        );
    }
}

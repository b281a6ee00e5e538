//! The answers of the operations on messages (contract section 6), as the server writes them.

use serde_json::json;
use wasphere_types::Presence;

use crate::routes::answers::Answer;

/// A `{messageId}` in the path that is not 1 to 100 of `a-z A-Z 0-9 _ -`.
pub(crate) fn invalid_message_id() -> Answer {
    Answer::json(400, json!({"error": "INVALID_MESSAGE_ID"}))
}

/// 201: the edit went out as a message of its own, with this id.
pub(crate) fn edited(edit_id: &str) -> Answer {
    Answer::json(201, json!({"messageId": edit_id, "status": "edited"}))
}

/// 200 (not 201: this is a DELETE).
pub(crate) fn deleted() -> Answer {
    Answer::json(200, json!({"status": "deleted"}))
}

/// 201; a Meta session says `ok`.
pub(crate) fn read(meta: bool) -> Answer {
    Answer::json(201, json!({"status": if meta { "ok" } else { "read" }}))
}

pub(crate) fn typing() -> Answer {
    Answer::json(201, json!({"status": "typing"}))
}

/// 201 with the presence now shown.
pub(crate) fn presence(shown: Presence) -> Answer {
    Answer::json(201, json!({"status": shown.as_str()}))
}

//! The operations on messages beside the sends (contract section 6), one function each,
//! in the style of `wasphere_send`: JSON in, the server's answer as JSON out, the return
//! codes of the same table, and the API key in no output.
//!
//! Each request is checked as strictly as the server reads it (and the message id of the
//! path with it) before anything is sent. Unlike a send, these are safe to repeat: with
//! the default retry policy, a timeout or a 5xx after which the outcome is unknown is
//! repeated rather than returned as `WASPHERE_ERR_OUTCOME_UNKNOWN`.

use std::ffi::c_char;

use wasphere_types::{
    DeleteMessage, EditMessage, MarkRead, MessageId, SetPresence, Typing, ValidationError,
};

use crate::client::{WasphereClient, respond};
use crate::errors::FfiError;
use crate::strings::borrow;

/// An invalid request, every violation listed.
fn invalid(e: ValidationError) -> FfiError {
    FfiError::invalid(e.to_string()).with_violations(e.violations)
}

/// Reads a request with `parse_valid` (every problem of its shape and rules in one
/// answer), and the message id of its path with it when there is one.
fn request<T>(
    id: Option<&str>,
    body: &str,
    parse_valid: impl FnOnce(&[u8]) -> Result<T, ValidationError>,
) -> Result<(Option<MessageId>, T), FfiError> {
    let mut violations = Vec::new();
    let id = id
        .map(MessageId::check)
        .transpose()
        .map_err(|e| violations.extend(e.violations));
    let body = parse_valid(body.as_bytes()).map_err(|e| violations.extend(e.violations));
    match (id, body) {
        (Ok(id), Ok(body)) if violations.is_empty() => Ok((id, body)),
        _ => Err(invalid(ValidationError { violations })),
    }
}

/// Replaces the text of message `message_id` (one you sent) with `body_json`:
/// `{"to": "923001234567", "text": "…"}` (text 1 to 65536 characters).
///
/// Returns `WASPHERE_OK` with `response_json` set to the server's answer
/// (`{"messageId": "<id of the edit>", "status": "edited"}`), or an error code with
/// `error_json`. An invalid body or message id (1 to 100 of `a-z A-Z 0-9 _ -`) gives
/// `WASPHERE_ERR_INVALID` with every violation, before anything is sent;
/// `WASPHERE_ERR_SERVER` when the session's provider (the Meta Cloud API) cannot edit.
///
/// # Safety
/// `client` is NULL or a live handle from `wasphere_client_new` (other threads may use it
/// at the same time, but none may free it); `message_id` and `body_json` are NULL or
/// NUL-terminated strings; `response_json` and `error_json` are NULL or valid for writing
/// one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_edit(
    client: *mut WasphereClient,
    message_id: *const c_char,
    body_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |c| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let id = borrow(message_id, "message_id")?;
            // SAFETY: as above.
            let body = borrow(body_json, "body_json")?;
            let (id, edit) = request(Some(id), body, EditMessage::parse_valid)?;
            let id = id.map(String::from).unwrap_or_default();
            c.blocking()
                .edit(id, edit.to, edit.text)
                .map_err(|e| c.fail(e))
        })
    }
}

/// Deletes message `message_id` (one you sent) **for everyone**; `query_json` is
/// `{"to": "923001234567"}`. `"forEveryone"` may be given as `true`, the default; `false`
/// is refused (`WASPHERE_ERR_INVALID`) because the server deletes for everyone whatever it
/// says, so a "delete for me" would silently delete for everyone.
///
/// Returns `WASPHERE_OK` with `response_json` set to `{"status": "deleted"}`, or an error
/// code with `error_json`, as `wasphere_edit`.
///
/// # Safety
/// As `wasphere_edit`, with `query_json` for `body_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_delete(
    client: *mut WasphereClient,
    message_id: *const c_char,
    query_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |c| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let id = borrow(message_id, "message_id")?;
            // SAFETY: as above.
            let query = borrow(query_json, "query_json")?;
            let parse = |bytes: &[u8]| {
                let mut delete = DeleteMessage::parse(bytes)?;
                delete.for_everyone.get_or_insert(true);
                delete.validate().map(|()| delete)
            };
            let (id, delete) = request(Some(id), query, parse)?;
            let id = id.map(String::from).unwrap_or_default();
            c.blocking().delete(id, delete.to).map_err(|e| c.fail(e))
        })
    }
}

/// Marks messages read: `body_json` is `{"to": "923001234567", "messageIds": ["…", …]}`
/// (1 to 100 ids of messages received from `to`).
///
/// Returns `WASPHERE_OK` with `response_json` set to `{"status": "read"}` (`"ok"` on a
/// Meta session), or an error code with `error_json`.
///
/// # Safety
/// `client` is NULL or a live handle; `body_json` is NULL or a NUL-terminated string;
/// `response_json` and `error_json` are NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_mark_read(
    client: *mut WasphereClient,
    body_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |c| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let body = borrow(body_json, "body_json")?;
            let (_, read) = request(None, body, MarkRead::parse_valid)?;
            c.blocking()
                .mark_read(read.to, read.message_ids)
                .map_err(|e| c.fail(e))
        })
    }
}

/// Shows "typing…" in a chat: `body_json` is `{"to": "923001234567"}`, with
/// `"isGroup": true` for a group. The server sends "paused" by itself 3 s later.
///
/// Returns `WASPHERE_OK` with `response_json` set to `{"status": "typing"}`, or an error
/// code with `error_json` (`WASPHERE_ERR_SERVER` on a Meta session).
///
/// # Safety
/// As `wasphere_mark_read`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_typing(
    client: *mut WasphereClient,
    body_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |c| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let body = borrow(body_json, "body_json")?;
            let (_, typing) = request(None, body, Typing::parse_valid)?;
            match typing.is_group {
                Some(true) => c.blocking().typing_group(typing.to),
                _ => c.blocking().typing(typing.to),
            }
            .map_err(|e| c.fail(e))
        })
    }
}

/// Sets the presence shown in a chat: `body_json` is `{"to": "923001234567", "presence":
/// "composing"}`, the presence one of `available`, `unavailable`, `composing`,
/// `recording` and `paused`.
///
/// Returns `WASPHERE_OK` with `response_json` set to `{"status": "<the presence>"}`, or an
/// error code with `error_json` (`WASPHERE_ERR_SERVER` on a Meta session).
///
/// # Safety
/// As `wasphere_mark_read`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_presence(
    client: *mut WasphereClient,
    body_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |c| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let body = borrow(body_json, "body_json")?;
            let (_, shown) = request(None, body, SetPresence::parse_valid)?;
            c.blocking()
                .presence(shown.to, shown.presence)
                .map_err(|e| c.fail(e))
        })
    }
}

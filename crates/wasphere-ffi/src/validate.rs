//! Validation of a raw body for a message type, as strictly as the server reads it.

use std::ffi::c_char;

use wasphere_types::{Message, MessageType};

use crate::errors::FfiError;
use crate::{guard, strings};

/// Parses and validates `body` as a message of type `slug`.
pub(crate) fn parse_message(slug: &str, body: &str) -> Result<Message, FfiError> {
    let message_type: MessageType = slug
        .parse()
        .map_err(|e: wasphere_types::UnknownMessageType| FfiError::invalid(e.to_string()))?;
    Message::parse_valid(message_type, body.as_bytes())
        .map_err(|e| FfiError::invalid(e.to_string()).with_violations(e.violations))
}

/// Checks `body_json` as a message of type `type` (`"text"`, `"view-once"`, …) against
/// every rule the server applies, and this library's stricter ones, without sending it.
///
/// Returns `WASPHERE_OK`, or `WASPHERE_ERR_INVALID` with `error_json` listing every
/// violation at once (`violations`: `path`, `rule`, `origin`, `message`, and the rule's
/// `limit`/`actual`/… fields). A NULL or non-UTF-8 argument also gives
/// `WASPHERE_ERR_INVALID`.
///
/// # Safety
/// `type` and `body_json` are NULL or NUL-terminated strings; `error_json` is NULL or
/// valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_validate(
    r#type: *const c_char,
    body_json: *const c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        guard::run(error_json, || {
            let slug = strings::borrow(r#type, "type")?;
            let body = strings::borrow(body_json, "body_json")?;
            parse_message(slug, body).map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{WASPHERE_ERR_INVALID, WASPHERE_OK};
    use std::ffi::{CStr, CString};
    use wasphere_types::documented_example;

    fn validate(slug: &CStr, body: &CStr) -> (i32, Option<serde_json::Value>) {
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: both strings are NUL-terminated; `error` is a valid local.
        let code = unsafe { wasphere_validate(slug.as_ptr(), body.as_ptr(), &mut error) };
        let json = (!error.is_null()).then(|| {
            // SAFETY: written by the library as a NUL-terminated string.
            let text = unsafe { CStr::from_ptr(error) }
                .to_str()
                .unwrap()
                .to_owned();
            // SAFETY: returned through an output parameter, freed once.
            unsafe { crate::string_free::wasphere_string_free(error) };
            serde_json::from_str(&text).unwrap()
        });
        (code, json)
    }

    #[test]
    fn documented_examples_are_valid() {
        for t in MessageType::ALL {
            let slug = CString::new(t.as_str()).unwrap();
            let body = CString::new(documented_example(t)).unwrap();
            assert_eq!(validate(&slug, &body), (WASPHERE_OK, None), "{t}");
        }
    }

    #[test]
    fn violations_come_back_as_json() {
        let (code, json) = validate(
            c"buttons",
            cr#"{"to":"+92 300","text":"Choose:","footer":"WaSphere","buttons":[]}"#,
        );
        assert_eq!(code, WASPHERE_ERR_INVALID);
        let json = json.unwrap();
        assert_eq!(json["kind"], "invalid");
        let paths: Vec<&str> = json["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["to", "buttons"]);
        assert_eq!(json["violations"][1]["rule"], "minItems");
    }

    #[test]
    fn bad_arguments_are_invalid_not_crashes() {
        let (code, json) = validate(c"carrier-pigeon", c"{}");
        assert_eq!(code, WASPHERE_ERR_INVALID);
        assert!(
            json.unwrap()["message"]
                .as_str()
                .unwrap()
                .contains("view-once")
        );
        let (code, _) = validate(c"text", c"{not json");
        assert_eq!(code, WASPHERE_ERR_INVALID);
        let (code, _) = validate(c"text", c"\xff");
        assert_eq!(code, WASPHERE_ERR_INVALID);
        // SAFETY: NULL arguments are allowed and must not be dereferenced.
        let code =
            unsafe { wasphere_validate(std::ptr::null(), c"{}".as_ptr(), std::ptr::null_mut()) };
        assert_eq!(code, WASPHERE_ERR_INVALID);
    }
}

//! C strings in and out: borrowing the caller's NUL-terminated text, and handing back
//! text the caller owns until it calls `wasphere_string_free` (see `string_free.rs`).

use std::ffi::{CStr, CString, c_char};

use crate::errors::FfiError;

/// Borrows a caller's string as UTF-8; `name` says which argument was bad.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged
/// for `'a`.
pub(crate) unsafe fn borrow<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::invalid(format!("`{name}` is NULL")));
    }
    // SAFETY: not NULL (checked above) and NUL-terminated by this function's contract.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|e| FfiError::invalid(format!("`{name}` is not valid UTF-8: {e}")))
}

/// Like [`borrow`], but NULL means "absent".
///
/// # Safety
/// As for [`borrow`].
pub(crate) unsafe fn borrow_optional<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from this function's contract.
    unsafe { borrow(ptr, name) }.map(Some)
}

/// Sets an output pointer to NULL, so a caller never sees a stale value from an
/// earlier call when this one produces nothing there.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn clear_out(out: *mut *mut c_char) {
    if !out.is_null() {
        // SAFETY: not NULL, and valid for writes by this function's contract.
        unsafe { out.write(std::ptr::null_mut()) };
    }
}

/// Gives `text` to the caller through `out`; when `out` is NULL the caller did not want
/// it and it is dropped here, so nothing leaks.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn write_out(out: *mut *mut c_char, text: impl Into<Vec<u8>>) {
    if out.is_null() {
        return;
    }
    let owned = CString::new(text).unwrap_or_else(|e| {
        // JSON escapes U+0000, so this is unreachable for our outputs; still, never
        // hand back a truncated string silently.
        let mut bytes = e.into_vec();
        bytes.retain(|&b| b != 0);
        CString::new(bytes).unwrap_or_default()
    });
    // SAFETY: not NULL, and valid for writes by this function's contract.
    unsafe { out.write(owned.into_raw()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_bad_utf8_are_errors() {
        // SAFETY: NULL is allowed.
        let err = unsafe { borrow(std::ptr::null(), "type") }.unwrap_err();
        assert!(err.to_json_string().contains("`type` is NULL"));
        let bad = c"\xff\xfe";
        // SAFETY: a NUL-terminated literal that lives for the whole program.
        let err = unsafe { borrow(bad.as_ptr(), "body_json") }.unwrap_err();
        assert!(err.to_json_string().contains("not valid UTF-8"));
    }

    #[test]
    fn written_strings_round_trip_and_free() {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: `out` is a valid local.
        unsafe { write_out(&mut out, "héllo".to_owned()) };
        assert!(!out.is_null());
        // SAFETY: `out` was just written with a NUL-terminated string.
        assert_eq!(unsafe { CStr::from_ptr(out) }.to_str().unwrap(), "héllo");
        // SAFETY: made by write_out with `CString::into_raw`, taken back once.
        drop(unsafe { CString::from_raw(out) });
        // SAFETY: NULL means "not wanted": nothing is written.
        unsafe { write_out(std::ptr::null_mut(), "dropped".to_owned()) };
    }
}

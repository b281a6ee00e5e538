//! `wasphere_string_free`: the one way a caller gives back a string this library made.

use std::ffi::{CString, c_char};

use crate::guard;

/// Frees a string returned by this library (`error_json`, `response_json`,
/// `event_json`). Freeing NULL does nothing.
///
/// # Safety
/// `s` is NULL or a pointer this library returned through an output parameter, not
/// freed before. Never pass the result of `wasphere_version`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_string_free(s: *mut c_char) {
    guard::quietly(|| {
        if !s.is_null() {
            // SAFETY: by this function's contract, `s` came from `CString::into_raw` in
            // `write_out` and ownership returns here exactly once.
            drop(unsafe { CString::from_raw(s) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::write_out;

    #[test]
    fn frees_what_the_library_wrote_and_ignores_null() {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: `out` is a valid local.
        unsafe { write_out(&mut out, "to be freed".to_owned()) };
        assert!(!out.is_null());
        // SAFETY: written by write_out, freed once; NULL is a no-op.
        unsafe {
            wasphere_string_free(out);
            wasphere_string_free(std::ptr::null_mut());
        }
    }
}

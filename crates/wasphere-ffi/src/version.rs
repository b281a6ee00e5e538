//! The library's version, for callers that check what they loaded.

use std::ffi::{CStr, c_char};

use crate::guard;

/// The version, NUL-terminated at compile time so no allocation is ever needed.
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library's version, such as `"0.1.0"`. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn wasphere_version() -> *const c_char {
    guard::returning(c"".as_ptr(), || VERSION.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_the_crate_version() {
        // SAFETY: points to a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(wasphere_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}

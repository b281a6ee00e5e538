//! The panic boundary: unwinding into C is undefined behaviour, so every entry point
//! runs its body here, and a panic becomes `WASPHERE_ERR_OTHER` with an explanation.

use std::any::Any;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use wasphere_client::ErrorClass;

use crate::errors::{FfiError, WASPHERE_ERR_OTHER, WASPHERE_OK};
use crate::strings;

/// Runs an entry point that answers with a return code.
///
/// # Safety
/// `error_json` is NULL or valid for writing one pointer.
pub(crate) unsafe fn run(
    error_json: *mut *mut c_char,
    body: impl FnOnce() -> Result<(), FfiError>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    match unsafe { run_returning(error_json, body) } {
        Ok(()) => WASPHERE_OK,
        Err(code) => code,
    }
}

/// Runs an entry point that answers with a value, or with the failure's code after
/// writing `error_json`.
///
/// # Safety
/// `error_json` is NULL or valid for writing one pointer.
pub(crate) unsafe fn run_returning<T>(
    error_json: *mut *mut c_char,
    body: impl FnOnce() -> Result<T, FfiError>,
) -> Result<T, i32> {
    // The closure only moves the caller's raw pointer and its own captures; if it
    // unwinds, nothing it touched is observed again, so asserting unwind safety is sound.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from this function's contract.
        unsafe { strings::clear_out(error_json) };
        // SAFETY: forwarded from this function's contract.
        body().map_err(|e| unsafe { report(e, error_json) })
    }));
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            discard(payload);
            let reported = catch_unwind(AssertUnwindSafe(|| {
                let e = FfiError::new(
                    ErrorClass::Other,
                    "internal error: a panic was stopped at the C boundary (a bug in wasphere; please report it)",
                );
                // SAFETY: forwarded from this function's contract.
                unsafe { report(e, error_json) }
            }));
            Err(reported.unwrap_or(WASPHERE_ERR_OTHER))
        }
    }
}

/// Hands the explanation of `error` to the caller and returns its code.
///
/// # Safety
/// `error_json` is NULL or valid for writing one pointer.
unsafe fn report(error: FfiError, error_json: *mut *mut c_char) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { strings::write_out(error_json, error.to_json()) };
    error.code()
}

/// Runs an entry point that returns nothing (the `_free` functions).
pub(crate) fn quietly(body: impl FnOnce()) {
    returning((), body);
}

/// Runs an entry point that cannot report an error, answering `fallback` on a panic.
pub(crate) fn returning<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            discard(payload);
            fallback
        }
    }
}

/// Drops a panic payload without letting a panicking `Drop` escape either.
fn discard(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        // A payload whose destructor panics twice is leaked rather than unwound into C.
        std::mem::forget(again);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn a_panic_becomes_an_error_code() {
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: `error` is a valid local.
        let code = unsafe { run(&mut error, || panic!("boom")) };
        assert_eq!(code, WASPHERE_ERR_OTHER);
        // SAFETY: written by `report` as a NUL-terminated string.
        let json = unsafe { CStr::from_ptr(error) }
            .to_str()
            .unwrap()
            .to_owned();
        assert!(json.contains("\"kind\":\"other\""), "{json}");
        // SAFETY: returned through an output parameter, freed once.
        unsafe { crate::string_free::wasphere_string_free(error) };
        quietly(|| panic!("in a free function"));
        assert_eq!(returning(7, || panic!("in a getter")), 7);
    }
}

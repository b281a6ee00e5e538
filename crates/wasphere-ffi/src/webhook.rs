//! Webhook verification over the raw bytes of a delivery.

use std::ffi::c_char;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasphere_client::ErrorClass;
use wasphere_types::webhook::{self, VerifyError, WebhookSecret};

use crate::errors::FfiError;
use crate::{guard, strings};

/// The clock the caller asked for: 0 means the system clock, so production code
/// passes 0 and tests pass a fixed time.
fn clock(now_unix: i64) -> SystemTime {
    let offset = Duration::from_secs(now_unix.unsigned_abs());
    match now_unix {
        0 => SystemTime::now(),
        n if n > 0 => UNIX_EPOCH.checked_add(offset).unwrap_or(UNIX_EPOCH),
        _ => UNIX_EPOCH.checked_sub(offset).unwrap_or(UNIX_EPOCH),
    }
}

/// Maps a refusal to its code: a delivery that cannot be authenticated is an auth
/// failure (answer 401); a signed body that is not an event is invalid input.
fn refusal(e: &VerifyError) -> FfiError {
    let (class, reason) = match e {
        VerifyError::MissingTimestamp => (ErrorClass::Auth, "missing_timestamp"),
        VerifyError::MissingSignature => (ErrorClass::Auth, "missing_signature"),
        VerifyError::MalformedTimestamp => (ErrorClass::Auth, "malformed_timestamp"),
        VerifyError::MalformedSignature => (ErrorClass::Auth, "malformed_signature"),
        VerifyError::UnsupportedScheme(_) => (ErrorClass::Auth, "unsupported_scheme"),
        VerifyError::BadSignature => (ErrorClass::Auth, "bad_signature"),
        VerifyError::TooOld { .. } => (ErrorClass::Auth, "too_old"),
        VerifyError::TooNew { .. } => (ErrorClass::Auth, "too_new"),
        VerifyError::InvalidBody(_) => (ErrorClass::Invalid, "invalid_body"),
        _ => (ErrorClass::Auth, "refused"),
    };
    FfiError::new(class, e.to_string()).with_reason(reason)
}

/// Verifies a webhook delivery and returns its event.
///
/// `secret` is the signing secret; `timestamp` and `signature` are the values of the
/// `X-WaSphere-Timestamp` and `X-WaSphere-Signature` headers (NULL when the header is
/// absent, which fails verification); `body`/`body_len` are the raw request body,
/// exactly as received (`body` may be NULL only when `body_len` is 0). `now_unix` is the
/// current Unix time, or 0 to read the system clock. Deliveries signed more than 300 s
/// from now are refused.
///
/// On success returns `WASPHERE_OK` and sets `event_json` to the envelope
/// `{"event","sessionId","timestamp","deliveryId","data",…}`. A delivery that fails
/// verification gives `WASPHERE_ERR_AUTH` (answer it 401) with a `reason` such as
/// `"bad_signature"` or `"too_old"` in `error_json`; a correctly signed body that is not
/// a webhook event gives `WASPHERE_ERR_INVALID`. The secret never appears in any output.
///
/// # Safety
/// `secret`, `timestamp` and `signature` are NULL or NUL-terminated strings; `body` is
/// NULL or valid for reading `body_len` bytes; `event_json` and `error_json` are NULL or
/// valid for writing one pointer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the C signature is fixed by the API
pub unsafe extern "C" fn wasphere_webhook_verify(
    secret: *const c_char,
    timestamp: *const c_char,
    signature: *const c_char,
    body: *const u8,
    body_len: usize,
    now_unix: i64,
    event_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        guard::run(error_json, || {
            strings::clear_out(event_json);
            let secret = strings::borrow(secret, "secret")?;
            let timestamp = strings::borrow_optional(timestamp, "timestamp")?;
            let signature = strings::borrow_optional(signature, "signature")?;
            let body: &[u8] = match (body.is_null(), body_len) {
                (_, 0) => &[],
                (true, _) => {
                    return Err(FfiError::invalid("`body` is NULL but `body_len` is not 0"));
                }
                (false, n) if n > isize::MAX as usize => {
                    return Err(FfiError::invalid("`body_len` is larger than any buffer"));
                }
                // SAFETY: not NULL, readable for `body_len` bytes by this function's
                // contract, and `body_len` fits in isize (checked above).
                (false, n) => std::slice::from_raw_parts(body, n),
            };
            let secret = WebhookSecret::new(secret);
            let event = webhook::verify(&secret, timestamp, signature, body, clock(now_unix))
                .map_err(|e| refusal(&e))?;
            let json = serde_json::to_string(&event).map_err(|e| {
                FfiError::new(ErrorClass::Other, format!("cannot encode the event: {e}"))
            })?;
            strings::write_out(event_json, json);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{WASPHERE_ERR_AUTH, WASPHERE_ERR_INVALID, WASPHERE_OK};
    use std::ffi::{CStr, CString};

    const BODY: &str = r#"{"event":"webhook.test","sessionId":"s","timestamp":"t","deliveryId":"d","data":{"x":1}}"#;
    const NOW: i64 = 1_795_000_000;

    fn take(p: *mut c_char) -> Option<String> {
        (!p.is_null()).then(|| {
            // SAFETY: written by the library as a NUL-terminated string.
            let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
            // SAFETY: returned through an output parameter, freed once.
            unsafe { crate::string_free::wasphere_string_free(p) };
            s
        })
    }

    fn verify(signature: &str, body: &[u8], now: i64) -> (i32, Option<String>, Option<String>) {
        let sig = CString::new(signature).unwrap();
        let ts = CString::new(NOW.to_string()).unwrap();
        let (mut event, mut error) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: valid strings and buffer; the outputs are valid locals.
        let code = unsafe {
            wasphere_webhook_verify(
                c"whsec-demo".as_ptr(),
                ts.as_ptr(),
                sig.as_ptr(),
                body.as_ptr(),
                body.len(),
                now,
                &mut event,
                &mut error,
            )
        };
        (code, take(event), take(error))
    }

    #[test]
    fn accepts_a_good_delivery_and_refuses_tampering() {
        let sig = webhook::sign(&WebhookSecret::new("whsec-demo"), NOW, BODY.as_bytes());
        let (code, event, error) = verify(&sig, BODY.as_bytes(), NOW + 10);
        assert_eq!((code, error), (WASPHERE_OK, None));
        assert_eq!(event.as_deref(), Some(BODY));

        let tampered = BODY.replace("\"x\":1", "\"x\":2");
        let (code, event, error) = verify(&sig, tampered.as_bytes(), NOW);
        assert_eq!((code, event), (WASPHERE_ERR_AUTH, None));
        let error: serde_json::Value = serde_json::from_str(&error.unwrap()).unwrap();
        assert_eq!(error["reason"], "bad_signature");
        assert!(!error.to_string().contains("whsec-demo"));

        let (code, _, error) = verify(&sig, BODY.as_bytes(), NOW + 301);
        assert_eq!(code, WASPHERE_ERR_AUTH);
        assert!(error.unwrap().contains("too_old"));
    }

    #[test]
    fn signed_garbage_is_invalid_and_nulls_are_errors() {
        let sig = webhook::sign(&WebhookSecret::new("whsec-demo"), NOW, b"[1]");
        let (code, _, _) = verify(&sig, b"[1]", NOW);
        assert_eq!(code, WASPHERE_ERR_INVALID);

        let mut error = std::ptr::null_mut();
        // SAFETY: NULL pointers are allowed and must not be dereferenced.
        let code = unsafe {
            wasphere_webhook_verify(
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                5,
                0,
                std::ptr::null_mut(),
                &mut error,
            )
        };
        assert_eq!(code, WASPHERE_ERR_INVALID);
        assert!(take(error).unwrap().contains("`secret` is NULL"));
        // SAFETY: as above; a missing timestamp header is an authentication failure.
        let code = unsafe {
            wasphere_webhook_verify(
                c"s".as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                0,
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(code, WASPHERE_ERR_AUTH);
    }
}

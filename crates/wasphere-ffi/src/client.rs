//! The client handle: creating it from `config_json`, sending, and freeing it.
//!
//! The handle wraps `wasphere_client::blocking::Client`, which owns a one-worker Tokio
//! runtime: connections, timers and the rate limiter live there between calls, and each
//! `wasphere_send` blocks its calling thread on that runtime. The client is `Sync`, so C
//! threads may share one handle; sends from all of them share its connection pool and
//! its rate limiter.

use std::ffi::c_char;

use serde::Serialize;

use wasphere_client::blocking::Client;
use wasphere_client::{Error, ErrorClass, RetryPolicy};
use wasphere_types::ApiKey;

use crate::config::{Config, RetryMode};
use crate::errors::FfiError;
use crate::validate::parse_message;
use crate::{guard, strings};

/// A WaSphere client. Opaque to C: create it with `wasphere_client_new`, free it with
/// `wasphere_client_free`.
pub struct WasphereClient {
    client: Client,
    /// Kept to scrub it from any error text, whatever path that text took.
    api_key: ApiKey,
}

impl WasphereClient {
    /// The client inside.
    pub(crate) fn blocking(&self) -> &Client {
        &self.client
    }

    /// Describes a failed request of this client for `error_json`.
    pub(crate) fn fail(&self, e: Error) -> FfiError {
        describe(e, &self.api_key)
    }
}

// Sharing one handle between C threads relies on this.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<WasphereClient>();
};

/// Describes a client error for `error_json`, without the key.
fn describe(e: Error, api_key: &ApiKey) -> FfiError {
    let described = FfiError::new(e.class(), e.to_string())
        .with_status(e.status())
        .with_retry_after(e.retry_after())
        .with_server_messages(e.server_messages().into_iter().map(str::to_owned).collect());
    let described = match e {
        Error::Validation(v) => described.with_violations(v.violations),
        _ => described,
    };
    described.redact(api_key)
}

fn build(config: Config) -> Result<WasphereClient, FfiError> {
    let api_key = config.api_key.clone();
    let mut builder = Client::builder()
        .base_url(config.base_url)
        .api_key(config.api_key)
        .workspace(config.workspace)
        .session(config.session);
    if let Some(limit) = config.rate_limit {
        builder = builder.rate_limit(limit);
    }
    if let Some(timeout) = config.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(timeout) = config.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(yes) = config.allow_insecure_http {
        builder = builder.allow_insecure_http(yes);
    }
    if let Some(mode) = config.retry {
        builder = builder.retry_policy(match mode {
            RetryMode::Safe => RetryPolicy::default(),
            RetryMode::AtLeastOnce => RetryPolicy::at_least_once(),
        });
    }
    let client = builder.build().map_err(|e| describe(e, &api_key))?;
    Ok(WasphereClient { client, api_key })
}

/// Creates a client from `config_json`:
/// `{"baseUrl", "apiKey", "workspace", "session"}` and optionally
/// `"rateLimit"` (`"off"`, `"MAX/WINDOW"` such as `"60/1m"`, or
/// `{"max": n, "windowSecs": s}`; default 60 per 60 s),
/// `"timeoutMs"`, `"connectTimeoutMs"`, `"allowInsecureHttp"` (plain `http://` is
/// otherwise allowed only to loopback) and `"retry"` (`"safe"`, the default, never
/// risks a duplicate; `"at-least-once"` also repeats sends that may have gone through).
///
/// Returns the handle, or NULL with `error_json` set (`kind` `"invalid"` for a bad
/// configuration). The handle owns a one-worker Tokio runtime that keeps connections and
/// the rate limiter alive between sends; free it with `wasphere_client_free`.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `error_json` is NULL or valid for
/// writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_client_new(
    config_json: *const c_char,
    error_json: *mut *mut c_char,
) -> *mut WasphereClient {
    // SAFETY: forwarded from this function's contract.
    let built = unsafe {
        guard::run_returning(error_json, || {
            let config = strings::borrow(config_json, "config_json")?;
            build(Config::parse(config)?)
        })
    };
    built.map_or(std::ptr::null_mut(), |client| {
        Box::into_raw(Box::new(client))
    })
}

/// Validates and sends `body_json` as a message of type `type` with the client's session.
///
/// Blocks the calling thread until the message is sent, or has finally failed after the
/// retries the policy allows (waiting for the rate limiter counts as part of the send).
/// Returns `WASPHERE_OK` and sets `response_json` to the server's answer
/// (`{"messageId": "...", "status": "sent"}`), or an error code with `error_json`.
/// An invalid message fails with `WASPHERE_ERR_INVALID` before anything is sent.
/// `WASPHERE_ERR_OUTCOME_UNKNOWN` means the message may have been delivered: check
/// before sending it again.
///
/// # Safety
/// `client` is NULL or a live handle from `wasphere_client_new` (other threads may use it
/// at the same time, but none may free it); `type` and `body_json` are NULL or
/// NUL-terminated strings; `response_json` and `error_json` are NULL or valid for
/// writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_send(
    client: *mut WasphereClient,
    r#type: *const c_char,
    body_json: *const c_char,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        respond(client, response_json, error_json, |handle| {
            // SAFETY: NULL or NUL-terminated by this function's contract.
            let slug = strings::borrow(r#type, "type")?;
            // SAFETY: as above.
            let body = strings::borrow(body_json, "body_json")?;
            let message = parse_message(slug, body)?;
            handle.client.send(&message).map_err(|e| handle.fail(e))
        })
    }
}

/// Runs the request of an entry point on `client`: the handle checked, `act` called with
/// it, and its answer written to `response_json` as JSON (NULL on failure).
///
/// # Safety
/// `client` is NULL or a live handle from `wasphere_client_new` that no other thread frees
/// meanwhile; `response_json` and `error_json` are NULL or valid for writing one pointer.
pub(crate) unsafe fn respond<A: Serialize>(
    client: *mut WasphereClient,
    response_json: *mut *mut c_char,
    error_json: *mut *mut c_char,
    act: impl FnOnce(&WasphereClient) -> Result<A, FfiError>,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        guard::run(error_json, || {
            strings::clear_out(response_json);
            // SAFETY: NULL or a live handle by this function's contract; only shared
            // references are made, and `WasphereClient` is `Sync`.
            let Some(handle) = client.as_ref() else {
                return Err(FfiError::invalid("`client` is NULL"));
            };
            let answer = act(handle)?;
            let json = serde_json::to_string(&answer).map_err(|e| {
                FfiError::new(ErrorClass::Other, format!("cannot encode the answer: {e}"))
            })?;
            strings::write_out(response_json, json);
            Ok(())
        })
    }
}

/// Frees a client: its runtime stops in the background, so this never blocks. Freeing
/// NULL does nothing.
///
/// # Safety
/// `client` is NULL or a handle from `wasphere_client_new`, not freed before, that no
/// other thread is still using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasphere_client_free(client: *mut WasphereClient) {
    guard::quietly(|| {
        if !client.is_null() {
            // SAFETY: by this function's contract the pointer came from `Box::into_raw`
            // in `wasphere_client_new`, and ownership returns here exactly once.
            drop(unsafe { Box::from_raw(client) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{WASPHERE_ERR_INVALID, WASPHERE_ERR_NETWORK};
    use std::ffi::{CStr, CString};

    const KEY: &str = "wsk_test_unit-secret-key-0123";

    fn take(p: *mut c_char) -> Option<String> {
        (!p.is_null()).then(|| {
            // SAFETY: written by the library as a NUL-terminated string.
            let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
            // SAFETY: returned through an output parameter, freed once.
            unsafe { crate::string_free::wasphere_string_free(p) };
            s
        })
    }

    fn new_client(config: &str) -> (*mut WasphereClient, Option<String>) {
        let config = CString::new(config).unwrap();
        let mut error = std::ptr::null_mut();
        // SAFETY: a NUL-terminated string and a valid output pointer.
        let client = unsafe { wasphere_client_new(config.as_ptr(), &mut error) };
        (client, take(error))
    }

    #[test]
    fn bad_configs_give_null_and_an_error_without_the_key() {
        // SAFETY: NULL is allowed.
        let client = unsafe { wasphere_client_new(std::ptr::null(), std::ptr::null_mut()) };
        assert!(client.is_null());
        for config in [
            "not json".to_owned(),
            format!(r#"{{"baseUrl":"http://127.0.0.1:9","apiKey":"{KEY}"}}"#),
            format!(
                r#"{{"baseUrl":"ftp://x","apiKey":"{KEY}","workspace":"00000000-0000-4000-8000-000000000000","session":"s"}}"#
            ),
        ] {
            let (client, error) = new_client(&config);
            assert!(client.is_null(), "{config}");
            let error = error.unwrap();
            assert!(error.contains("\"kind\":\"invalid\""), "{error}");
            assert!(!error.contains("unit-secret"), "{error}");
        }
    }

    #[test]
    fn sends_fail_cleanly_when_nothing_listens() {
        let (client, error) = new_client(&format!(
            r#"{{"baseUrl":"http://127.0.0.1:9","apiKey":"{KEY}","workspace":"00000000-0000-4000-8000-000000000000","session":"s","connectTimeoutMs":500,"rateLimit":"off"}}"#
        ));
        assert_eq!(error, None);
        assert!(!client.is_null());
        let mut response = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        // SAFETY: a live handle, NUL-terminated strings and valid output pointers.
        let code = unsafe {
            wasphere_send(
                client,
                c"text".as_ptr(),
                cr#"{"to":"923001234567","text":"hi"}"#.as_ptr(),
                &mut response,
                &mut error,
            )
        };
        assert_eq!(code, WASPHERE_ERR_NETWORK);
        assert!(response.is_null());
        let error = take(error).unwrap();
        assert!(error.contains("\"kind\":\"network\""), "{error}");
        assert!(!error.contains("unit-secret"), "{error}");
        // SAFETY: as above; an invalid body fails before any request.
        let code = unsafe {
            wasphere_send(
                client,
                c"text".as_ptr(),
                cr#"{"to":"923001234567"}"#.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(code, WASPHERE_ERR_INVALID);
        // SAFETY: created above, freed once; NULL is a no-op.
        unsafe {
            wasphere_client_free(client);
            wasphere_client_free(std::ptr::null_mut());
        }
    }
}

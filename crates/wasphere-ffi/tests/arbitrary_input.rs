//! Whatever bytes a caller passes, every entry point answers with a documented code and,
//! on failure, a JSON `error_json`: no panic, no crash, no stale output.
#![allow(missing_docs, clippy::unwrap_used)]

use std::ffi::{CStr, CString, c_char};

use std::sync::LazyLock;

use proptest::prelude::*;
use wasphere::{
    WASPHERE_ERR_AUTH, WASPHERE_ERR_INVALID, WASPHERE_OK, WasphereClient, wasphere_client_new,
    wasphere_delete, wasphere_edit, wasphere_mark_read, wasphere_presence, wasphere_string_free,
    wasphere_typing, wasphere_validate, wasphere_webhook_verify,
};

mod common;

/// Takes a library string; checks it is a JSON object with `kind`, `code` and `message`.
fn error_object(p: *mut c_char) -> serde_json::Value {
    assert!(!p.is_null(), "a failure must explain itself");
    // SAFETY: written by the library as a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: returned through an output parameter, freed once.
    unsafe { wasphere_string_free(p) };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["kind"].is_string() && v["code"].is_i64() && v["message"].is_string(),
        "{v}"
    );
    v
}

/// Bytes without NUL, as a C string (C cannot pass an inner NUL).
fn c_string(bytes: Vec<u8>) -> CString {
    CString::new(bytes.into_iter().filter(|b| *b != 0).collect::<Vec<u8>>()).unwrap()
}

fn slug() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"text".to_vec()),
        Just(b"buttons".to_vec()),
        Just(b"list".to_vec()),
        Just(b"view-once".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "\\{\"to\":\"[0-9+ ]{0,20}\",\"text\":\"[^\"\\\\]{0,30}\"(,\"[a-zA-Z]{1,8}\":(null|1|\"x\"|\\[\\]))?\\}"
            .prop_map(String::into_bytes),
    ]
}

/// Ids and bodies of the operations on messages: bytes, or nearly right requests.
fn message_id() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"3EB0C767D097B7C7A5C1".to_vec()),
        "[a-zA-Z0-9_/ .-]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

fn operation_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        body(),
        "\\{\"to\":\"[0-9+ ]{0,14}\"(,\"(messageIds|presence|isGroup|forEveryone)\":(\\[\"A\"\\]|\"paused\"|true|false|1))?\\}"
            .prop_map(String::into_bytes),
    ]
}

/// One sandbox and one client for every case (a client per case would start a runtime each).
struct Shared {
    _sandbox: common::Harness,
    client: usize,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let sandbox = common::Harness::start();
    let config = CString::new(format!(
        r#"{{"baseUrl":"{}","apiKey":"wsk_test_sandbox","workspace":"00000000-0000-4000-8000-000000000000","session":"my-session","rateLimit":"off"}}"#,
        sandbox.base_url
    ))
    .unwrap();
    // SAFETY: a NUL-terminated string; NULL means no error output is wanted.
    let client = unsafe { wasphere_client_new(config.as_ptr(), std::ptr::null_mut()) };
    assert!(!client.is_null());
    // Kept for the whole run and shared by the proptest threads, never freed: the
    // handle is Sync (its address is stored as a number to be Send).
    Shared {
        _sandbox: sandbox,
        client: client as usize,
    }
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn operations_answer_every_input(op in 0..5u8, id in message_id(), b in operation_body()) {
        let (id, b) = (c_string(id), c_string(b));
        let client = SHARED.client as *mut WasphereClient;
        let mut response: *mut c_char = std::ptr::null_mut();
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: a live handle, NUL-terminated strings and valid output pointers.
        let code = unsafe {
            match op {
                0 => wasphere_edit(client, id.as_ptr(), b.as_ptr(), &mut response, &mut error),
                1 => wasphere_delete(client, id.as_ptr(), b.as_ptr(), &mut response, &mut error),
                2 => wasphere_mark_read(client, b.as_ptr(), &mut response, &mut error),
                3 => wasphere_typing(client, b.as_ptr(), &mut response, &mut error),
                _ => wasphere_presence(client, b.as_ptr(), &mut response, &mut error),
            }
        };
        if code == WASPHERE_OK {
            prop_assert!(error.is_null() && !response.is_null());
            // SAFETY: written by the library as a NUL-terminated string.
            let text = unsafe { CStr::from_ptr(response) }.to_str().unwrap().to_owned();
            // SAFETY: returned through an output parameter, freed once.
            unsafe { wasphere_string_free(response) };
            let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert!(answer["status"].is_string(), "{}", answer);
        } else {
            prop_assert_eq!(code, WASPHERE_ERR_INVALID);
            prop_assert!(response.is_null());
            prop_assert_eq!(error_object(error)["code"].as_i64(), Some(2));
        }
    }

    #[test]
    fn validate_answers_every_input(t in slug(), b in body()) {
        let (t, b) = (c_string(t), c_string(b));
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings and a valid output pointer.
        let code = unsafe { wasphere_validate(t.as_ptr(), b.as_ptr(), &mut error) };
        if code == WASPHERE_OK {
            prop_assert!(error.is_null());
        } else {
            prop_assert_eq!(code, WASPHERE_ERR_INVALID);
            prop_assert_eq!(error_object(error)["code"].as_i64(), Some(2));
        }
    }

    #[test]
    fn webhook_verify_answers_every_input(
        ts in proptest::collection::vec(any::<u8>(), 0..16),
        sig in proptest::collection::vec(any::<u8>(), 0..80),
        b in proptest::collection::vec(any::<u8>(), 0..200),
        now in any::<i64>(),
    ) {
        let (ts, sig) = (c_string(ts), c_string(sig));
        let mut event: *mut c_char = std::ptr::null_mut();
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings, a buffer of `b.len()` bytes, valid outputs.
        let code = unsafe {
            wasphere_webhook_verify(
                c"whsec".as_ptr(), ts.as_ptr(), sig.as_ptr(), b.as_ptr(), b.len(), now,
                &mut event, &mut error,
            )
        };
        // Random bytes cannot carry a valid HMAC: every delivery is refused.
        prop_assert!(code == WASPHERE_ERR_AUTH || code == WASPHERE_ERR_INVALID, "{}", code);
        prop_assert!(event.is_null());
        error_object(error);
    }

    #[test]
    fn client_new_answers_every_config(config in body()) {
        let config = c_string(config);
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: a NUL-terminated string and a valid output pointer.
        let client = unsafe { wasphere_client_new(config.as_ptr(), &mut error) };
        prop_assert!(client.is_null());
        let error = error_object(error);
        prop_assert_eq!(error["kind"].as_str(), Some("invalid"));
    }
}

//! The client's reading of a server's answer: any status, headers and body.
//!
//! Input: two bytes of status (taken modulo 600), then header lines `Name: value` up to an
//! empty line, then the body. The seeds are the contract's answers, a proxy's pages and a
//! redirect, some of them echoing the API key.
//!
//! Checked beyond "no panic": only a 2xx is a success; every error carries the status it
//! came with; "may have been sent" is exactly the outcome-unknown class, and never follows
//! a 3xx or a 4xx; the key never appears in an error's `Display` or `Debug`; and an error
//! stays small whatever the body's size.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use wasphere_client::fuzzing::interpret_answer;
use wasphere_client::{ApiKey, Delivery, ErrorClass};

/// The key the seeds echo back.
const KEY: &str = "wsk_live_FuzzSecret0123";

fuzz_target!(|input: &[u8]| {
    let Some((status, rest)) = input.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*status) % 600;
    let text_end = rest
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(rest.len());
    let (head, body) = rest.split_at(text_end);
    let body = body.get(2..).unwrap_or_default();
    let head = String::from_utf8_lossy(head);
    let headers: Vec<(&str, &str)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim(), v.trim()))
        .collect();

    let key: ApiKey = KEY.parse().expect("a valid key");
    let now = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let answer = interpret_answer(status, headers.iter().copied(), body, &key, now);
    let error = match answer {
        Ok(sent) => {
            assert!((200..300).contains(&status), "{status} read as a success");
            let _ = sent.message_id;
            return;
        }
        Err(e) => e,
    };
    assert_eq!(error.status(), Some(status), "{error:?}");
    assert_eq!(
        error.delivery() == Delivery::MayHaveBeenSent,
        error.class() == ErrorClass::OutcomeUnknown,
        "{error:?}"
    );
    if (300..500).contains(&status) {
        assert_eq!(error.delivery(), Delivery::NotSent, "{error:?}");
    }
    let shown = error.to_string();
    let debug = format!("{error:?}");
    let secret = &KEY["wsk_live_".len()..];
    assert!(!shown.contains(secret), "the key in {shown}");
    assert!(!debug.contains(secret), "the key in {debug}");
    assert!(shown.len() < 40_000, "{} bytes of error", shown.len());
    let _ = (error.is_retryable(), error.is_transient(), error.retry_after(), error.server_messages());
});

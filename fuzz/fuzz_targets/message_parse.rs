//! `Message::parse` on any bytes, then `validate`, then the serialize round trip.
//!
//! Input: the first byte picks the message type (modulo 14), the rest is the body.
//! Checked beyond "no panic": a parsed message has the type it was parsed as, its JSON
//! parses back to the same message with the same verdict from `validate`, and
//! `parse_valid` agrees with `parse` followed by `validate`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wasphere_types::{Message, MessageType};

fuzz_target!(|input: &[u8]| {
    let Some((&selector, body)) = input.split_first() else {
        return;
    };
    let message_type = MessageType::ALL[usize::from(selector) % MessageType::ALL.len()];

    let parsed = Message::parse(message_type, body);
    let valid = Message::parse_valid(message_type, body);
    let Ok(message) = parsed else {
        assert!(valid.is_err(), "parse_valid accepted what parse refused");
        return;
    };
    assert_eq!(message.message_type(), message_type);

    let verdict = message.validate();
    assert_eq!(
        valid.as_ref().err(),
        verdict.as_ref().err(),
        "parse_valid and parse + validate disagree"
    );
    if let Ok(valid) = &valid {
        assert_eq!(valid, &message);
    }

    let json = message.to_json();
    let again = match Message::parse(message_type, &json) {
        Ok(again) => again,
        Err(e) => panic!(
            "the JSON of a parsed message does not parse: {e}\n{}",
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(again, message, "round trip changed the message");
    assert_eq!(again.validate(), verdict, "round trip changed the verdict");
    assert_eq!(again.to_json(), json, "serializing is not stable");
});

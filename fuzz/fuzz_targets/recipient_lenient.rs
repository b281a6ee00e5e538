//! `Recipient::parse_lenient` (and the strict `Recipient::parse`) on any text.
//!
//! Checked beyond "no panic": what the lenient parse returns is a valid recipient that
//! the strict parse accepts as is; it reports changes exactly when it changed the text;
//! parsing its own answer again changes nothing; and anything the strict parse accepts,
//! the lenient parse returns untouched.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wasphere_types::{MAX_RECIPIENT_LENGTH, Recipient};

fuzz_target!(|text: &str| {
    let strict = Recipient::parse(text);
    let lenient = Recipient::parse_lenient(text);

    if let Ok(recipient) = &strict {
        assert_eq!(recipient.as_str(), text);
        assert!(text.len() <= MAX_RECIPIENT_LENGTH);
        let _ = recipient.kind();
        let lenient = lenient
            .as_ref()
            .expect("lenient refused a strict recipient");
        assert_eq!(&lenient.recipient, recipient);
        assert!(
            lenient.changes.is_empty(),
            "changes reported for a valid recipient"
        );
    }

    match lenient {
        Ok(found) => {
            let cleaned = found.recipient.as_str();
            assert_eq!(Recipient::parse(cleaned).as_ref(), Ok(&found.recipient));
            assert_eq!(
                found.changes.is_empty(),
                cleaned == text,
                "changes {:?} for {text:?} -> {cleaned:?}",
                found.changes
            );
            let again = Recipient::parse_lenient(cleaned).expect("a cleaned recipient parses");
            assert_eq!(again.recipient, found.recipient);
            assert!(again.changes.is_empty());
        }
        Err(e) => {
            assert!(strict.is_err());
            assert_eq!(e.value, text);
            assert!(!e.reason.is_empty());
        }
    }
});

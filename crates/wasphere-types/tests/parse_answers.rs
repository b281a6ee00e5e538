//! What `Message::parse` answers, problem by problem: every problem of a body's shape at
//! every depth in one answer, rules of the values present joining a broken shape, the
//! field probably meant for an unknown one, `JSON.parse`'s habits (the last repeated key
//! counts, `null` is absent, `3.0` is an integer), and where a body that is not JSON breaks.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use wasphere_types::{Buttons, Message, MessageType, Rule, Violation, documented_example};

fn violations(t: MessageType, body: &str) -> Vec<Violation> {
    Message::parse(t, body.as_bytes()).unwrap_err().violations
}

fn found(t: MessageType, body: &str) -> Vec<(String, Rule)> {
    violations(t, body)
        .into_iter()
        .map(|v| (v.path, v.rule))
        .collect()
}

fn at(path: &str, rule: Rule) -> (String, Rule) {
    (path.to_owned(), rule)
}

fn wrong(path: &str, expected: &str) -> (String, Rule) {
    let expected = expected.to_owned();
    at(path, Rule::WrongType { expected })
}

fn detail(t: MessageType, body: &[u8]) -> String {
    match Message::parse(t, body).unwrap_err().violations.as_slice() {
        [v] => match &v.rule {
            Rule::InvalidJson { detail } => {
                assert_eq!(&v.message, detail);
                assert_eq!(v.path, "");
                detail.clone()
            }
            other => panic!("{other:?}"),
        },
        many => panic!("{many:?}"),
    }
}

#[test]
fn every_shape_problem_at_every_depth_in_one_answer() {
    assert_eq!(
        found(
            MessageType::Buttons,
            r#"{"to":"923001234567","text":5,"buttons":[{"id":"a","label":"b"},"x",{"id":null,"text":"c","url":"u"}],"title":"t"}"#
        ),
        [
            wrong("text", "a string"),
            at("buttons[0].label", Rule::UnknownField),
            at("buttons[0].text", Rule::Required),
            wrong("buttons[1]", "an object"),
            at("buttons[2].id", Rule::Required),
            at("buttons[2].url", Rule::UnknownField),
            at("title", Rule::UnknownField),
            at("footer", Rule::Required),
        ]
    );
    assert_eq!(
        found(
            MessageType::List,
            r#"{"to":"1","title":"t","text":"x","buttonText":"b","sections":[{"title":"s","rows":[{"id":"a","titel":"x"}],"extra":{"a":[1]}}]}"#
        ),
        [
            at("sections[0].rows[0].titel", Rule::UnknownField),
            at("sections[0].rows[0].title", Rule::Required),
            at("sections[0].extra", Rule::UnknownField),
            // The rules of the values present come after the shape.
            at("to", TO_FORMAT),
        ]
    );
}

/// The client-side rule on `to`, as the checker words it.
const TO_FORMAT: Rule = Rule::Format {
    expected: "a phone number in international format, digits only (no +, spaces or dashes), or a WhatsApp JID",
};

#[test]
fn rules_of_present_values_join_a_broken_shape_but_not_of_missing_ones() {
    let body = format!(
        r#"{{"to":"+92 300","text":"{}","preview":true}}"#,
        "a".repeat(65_537)
    );
    let v = violations(MessageType::Text, &body);
    let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["preview", "to", "text"]);
    assert!(v[1].is_client_side());
    assert!(matches!(v[2].rule, Rule::MaxLength { limit: 65_536, .. }));
    // A missing `text` stands as "" but is not also reported empty; a mistyped
    // `options` is not also too short, nor `selectableCount` larger than it.
    assert_eq!(
        found(MessageType::Text, r#"{"to":"923001234567","x":1}"#),
        [at("x", Rule::UnknownField), at("text", Rule::Required)]
    );
    assert_eq!(
        found(
            MessageType::Poll,
            r#"{"to":"923001234567","name":"q","options":"a,b","selectableCount":3}"#
        ),
        [wrong("options", "an array")]
    );
    assert_eq!(
        found(
            MessageType::Buttons,
            r#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"text":"a"},{"text":"b"},{"id":"","text":"c"}],"x":0}"#
        ),
        [
            at("buttons[0].id", Rule::Required),
            at("buttons[1].id", Rule::Required),
            at("x", Rule::UnknownField),
            at("buttons[2].id", Rule::NotEmpty),
        ]
    );
}

#[test]
fn unknown_fields_suggest_the_field_meant() {
    let v = violations(
        MessageType::Document,
        r#"{"to":"923001234567","url":"https://x.com/a.pdf","filename":"a.pdf","caption":"Q3"}"#,
    );
    assert_eq!(
        v[0].message,
        "`filename` is not a field of document; did you mean `fileName`?"
    );
    assert_eq!(v[0].suggestion.as_deref(), Some("fileName"));
    assert_eq!(
        v[1].message,
        "`caption` is not a field of document, whose fields are `to`, `url`, `fileName` and `mimetype`"
    );
    assert_eq!(v[1].suggestion, None);
    let v = violations(
        MessageType::Buttons,
        r#"{"to":"1","text":"t","footer":"f","buttons":[{"id":"a","label":"b"}]}"#,
    );
    assert_eq!(
        v[0].message,
        "`buttons[0].label` is not a field of a button; did you mean `buttons[0].text`?"
    );
    // A field that already has its value is not suggested.
    let v = violations(
        MessageType::Document,
        r#"{"to":"1","url":"https://x.io/a","fileName":"a","mimetype":"a/b","filename":"b"}"#,
    );
    assert_eq!(v[0].suggestion, None);
}

#[test]
fn repeated_keys_keep_the_last_like_json_parse() {
    let m = Message::parse(
        MessageType::Text,
        br#"{"to":"1","to":"923001234567","text":"hi"}"#,
    )
    .unwrap();
    assert_eq!(m.to(), "923001234567");
    let m = Message::parse(
        MessageType::Buttons,
        br#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"id":"a","id":"b","text":"B"}]}"#,
    )
    .unwrap();
    assert_eq!(
        m,
        Buttons::new("923001234567", "t", "f")
            .button("b", "B")
            .into()
    );
    // What was wrong with an earlier value no longer counts, at any depth.
    let m = Message::parse(
        MessageType::Buttons,
        br#"{"to":"923001234567","text":7,"footer":"f","buttons":[{"x":1},2],"text":"t","buttons":[{"id":"b","text":"B"}]}"#,
    )
    .unwrap();
    assert_eq!(
        m.to_json(),
        br#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"id":"b","text":"B"}]}"#
    );
    // The last one counts even when it is the wrong one.
    assert_eq!(
        found(
            MessageType::Text,
            r#"{"to":"923001234567","text":"hi","text":null}"#
        ),
        [at("text", Rule::Required)]
    );
    assert_eq!(
        found(
            MessageType::Text,
            r#"{"to":"923001234567","text":"hi","extra":1,"extra":2}"#
        ),
        [at("extra", Rule::UnknownField)]
    );
    assert_eq!(
        found(
            MessageType::Buttons,
            r#"{"to":"923001234567","text":"t","footer":"f","buttons":[{"id":"a","text":"b"}],"buttons":[{"id":"a"}]}"#
        ),
        [at("buttons[0].text", Rule::Required)]
    );
}

#[test]
fn null_optional_fields_are_absent_and_null_required_ones_missing() {
    let m = Message::parse(
        MessageType::Image,
        br#"{"to":"923001234567","url":"https://a.io/x.png","caption":null}"#,
    )
    .unwrap();
    assert_eq!(
        m.to_json(),
        br#"{"to":"923001234567","url":"https://a.io/x.png"}"#
    );
    assert_eq!(
        found(MessageType::Text, r#"{"to":null,"text":"hi"}"#),
        [at("to", Rule::Required)]
    );
    assert_eq!(
        found(
            MessageType::Poll,
            r#"{"to":"923001234567","name":"q","options":["a",null,2]}"#
        ),
        [
            wrong("options[1]", "a string"),
            wrong("options[2]", "a string")
        ]
    );
}

#[test]
fn integers_may_be_written_with_a_zero_fraction() {
    for (count, ok) in [
        ("1", true),
        ("3.0", true),
        ("1e0", true),
        ("1.5", false),
        ("\"2\"", false),
    ] {
        let body =
            format!(r#"{{"to":"1","name":"q","options":["a","b","c"],"selectableCount":{count}}}"#);
        assert_eq!(
            Message::parse(MessageType::Poll, body.as_bytes()).is_ok(),
            ok,
            "{count}"
        );
    }
    assert_eq!(
        found(
            MessageType::Location,
            r#"{"to":"923001234567","latitude":"33.6","longitude":1e400}"#
        ),
        [
            wrong("latitude", "a number"),
            wrong("longitude", "a finite number")
        ]
    );
}

#[test]
fn malformed_json_says_where() {
    assert_eq!(
        detail(MessageType::Text, b"[["),
        "the body is not valid JSON: it ends where a value should follow at line 1, column 3"
    );
    assert_eq!(
        detail(MessageType::Text, b"{\"to\":\"1\",\n \"text\":\"a\",}"),
        "the body is not valid JSON: expected a key in double quotes, found `}` at line 2, column 13"
    );
    assert_eq!(
        detail(MessageType::Text, br#"{"to":"1","text":"a"} {}"#),
        "the body is not valid JSON: more text after the JSON value: `{` at line 1, column 23"
    );
    assert_eq!(
        detail(MessageType::Text, b"  \n"),
        "the body is empty: it must be a JSON object"
    );
    assert!(detail(MessageType::Text, br#"{"to":"1","text":"\ud83d"}"#).contains("surrogate"));
    assert!(detail(MessageType::Text, b"{\"to\":\"1\",\"text\":\"a\tb\"}").contains("U+0009"));
    for (body, kind) in [
        ("[]", "an array"),
        ("null", "null"),
        ("42", "a number"),
        ("\"x\"", "a string"),
    ] {
        assert_eq!(
            detail(MessageType::Text, body.as_bytes()),
            format!("the body must be a JSON object, not {kind}")
        );
    }
    // Malformed JSON hides no field problems: it is the only one.
    assert!(detail(MessageType::Text, br#"{"colour":"red","text":}"#).contains("found `}`"));
}

#[test]
fn bodies_that_are_not_utf8_say_where() {
    assert_eq!(
        detail(MessageType::Text, b"{\"to\":\"1\",\"text\":\"caf\xE9\"}"),
        "the body is not UTF-8: byte 0xE9 at offset 21 is not part of a valid character (JSON text must be UTF-8)"
    );
    assert!(
        detail(MessageType::Text, b"{\"to\":\"\xF0\x9F")
            .contains("ends in the middle of a character")
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = format!(
        r#"{{"to":"1","text":"a","x":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(detail(MessageType::Text, deep.as_bytes()).contains("nested deeper than 128"));
    let deep = format!(r#"{{"to":{}1{}}}"#, "[".repeat(127), "]".repeat(127));
    assert_eq!(
        found(MessageType::Text, &deep),
        [wrong("to", "a string"), at("text", Rule::Required)]
    );
}

#[test]
fn millions_of_wrong_items_give_a_bounded_answer() {
    let items = vec!["1"; 100_000].join(",");
    let body = format!(r#"{{"to":"923001234567","name":"q","options":[{items}],"x":1}}"#);
    let v = violations(MessageType::Poll, &body);
    assert_eq!(v.len(), 1_001);
    assert_eq!(v[0].path, "options[0]");
    assert_eq!(v[999].path, "options[999]");
    // The other wrong items and the unknown field are counted; the rules of the values
    // (too many options) are not checked in a shape this broken.
    assert_eq!(v[1_000].rule, Rule::Unlisted { count: 99_001 });
    assert!(!v[1_000].is_client_side());
}

#[test]
fn bodies_are_written_back_as_serde_would() {
    for t in MessageType::ALL {
        let m = Message::parse(t, documented_example(t).as_bytes()).unwrap();
        assert_eq!(m.to_json(), serde_json::to_vec(&m).unwrap(), "{t}");
    }
}

#[test]
fn keys_are_compared_after_their_escapes_are_decoded() {
    let m = Message::parse(
        MessageType::Document,
        br#"{"to":"923001234567","url":"https://x.io/a.pdf","file\u004eame":"a.pdf","mim\u0065type":"application/pdf"}"#,
    )
    .unwrap();
    assert_eq!(
        m.to_json(),
        br#"{"to":"923001234567","url":"https://x.io/a.pdf","fileName":"a.pdf","mimetype":"application/pdf"}"#
    );
}

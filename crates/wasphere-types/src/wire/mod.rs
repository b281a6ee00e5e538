//! A [`Message`]'s JSON form: raw bytes to a message, in one pass that reports every
//! problem of the body, and a message back to bytes.
//!
//! The body is read as the server reads it (`JSON.parse`, then class-validator with
//! `whitelist` and `forbidNonWhitelisted`): every unknown field at every depth, every
//! missing required field and every value of the wrong JSON type is named with its path.
//! When any of those is found, the rules of the fields that are present (lengths, ranges,
//! formats) are checked too, so the one answer holds everything the user has to fix.
//! A body that is not JSON at all gets one violation saying where it breaks.
//!
//! One pass over borrowed bytes, driven by each payload's table of wire fields
//! ([`tables`]); no intermediate JSON tree. Writing walks the same tables and gives the
//! same bytes as the payloads' `Serialize` (a test holds the two together), faster.

mod json_string;
mod malformed;
mod object;
mod parser;
mod reader;
mod suggest;
mod tables;
mod values;

use self::malformed::{Malformed, Problem};
use self::object::{WireObject, read_object, write_object};
use self::parser::Parser;
use self::reader::Kind;
use crate::checker::{Checker, Path};
use crate::messages::{
    Audio, Buttons, Contact, Document, Gif, Image, List, Location, Poll, Reaction, Sticker, Text,
    Video, ViewOnce,
};
use crate::violation::{Rule, ValidationError, Violation};
use crate::violation_list::ViolationList;
use crate::{Message, MessageType};

/// Reads `body` as a payload of `message_type`. `Ok` when its shape is right (field
/// names, presence, JSON types); the rules of the values are then [`Message::validate`]'s.
pub(crate) fn parse_message(
    message_type: MessageType,
    body: &[u8],
) -> Result<Message, ValidationError> {
    match message_type {
        MessageType::Text => parse_as::<Text>(body),
        MessageType::Image => parse_as::<Image>(body),
        MessageType::Video => parse_as::<Video>(body),
        MessageType::Audio => parse_as::<Audio>(body),
        MessageType::Document => parse_as::<Document>(body),
        MessageType::Gif => parse_as::<Gif>(body),
        MessageType::Sticker => parse_as::<Sticker>(body),
        MessageType::Location => parse_as::<Location>(body),
        MessageType::Contact => parse_as::<Contact>(body),
        MessageType::Poll => parse_as::<Poll>(body),
        MessageType::Buttons => parse_as::<Buttons>(body),
        MessageType::List => parse_as::<List>(body),
        MessageType::ViewOnce => parse_as::<ViewOnce>(body),
        MessageType::Reaction => parse_as::<Reaction>(body),
    }
}

fn parse_as<T: WireObject + Into<Message>>(body: &[u8]) -> Result<Message, ValidationError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let problem = Problem::NotUtf8 {
            byte: body.get(at).copied().unwrap_or(0),
            truncated: e.error_len().is_none(),
        };
        unreadable(body, &Malformed::new(at, problem))
    })?;
    let mut parser = Parser::new(text);
    let payload = read_body::<T>(&mut parser).map_err(|m| unreadable(body, &m))?;
    let message: Message = payload.into();
    let mut found = parser.into_violations();
    // A shape with more problems than an answer lists is not worth checking further.
    if !found.is_empty() && !found.overflowed() {
        add_rules(&message, &mut found);
    }
    found.finish().map(|()| message)
}

/// The one JSON object of the body, and nothing after it.
fn read_body<T: WireObject>(p: &mut Parser<'_>) -> Result<T, Malformed> {
    if p.reader.at_end() {
        return Err(Malformed::new(p.reader.position(), Problem::Empty));
    }
    let kind = p.reader.peek()?;
    if kind != Kind::Object {
        // Malformed JSON is reported as such, before the body's shape.
        p.reader.skip_value(0)?;
        p.reader.finish()?;
        return Err(Malformed::new(0, Problem::NotAnObject(kind.described())));
    }
    let payload = read_object::<T>(p, Path::Root, 0)?;
    p.reader.finish()?;
    Ok(payload)
}

/// Adds to the shape's violations those of the rules, except about the values the body
/// lacks or has with the wrong JSON type.
fn add_rules(message: &Message, shape: &mut ViolationList) {
    let lacking = shape
        .iter()
        .filter(|v| matches!(v.rule, Rule::Required | Rule::WrongType { .. }))
        .map(|v| v.path.clone())
        .collect();
    let mut checker = Checker::ignoring(lacking);
    message.check(&mut checker);
    if let Err(rules) = checker.finish() {
        for v in rules.violations {
            shape.push(v);
        }
    }
}

fn unreadable(body: &[u8], why: &Malformed) -> ValidationError {
    let detail = why.describe(body);
    ValidationError {
        violations: vec![Violation::server(
            String::new(),
            Rule::InvalidJson { detail },
        )],
    }
}

/// The JSON body of `message`: its fields in the order of the struct, absent optional
/// fields left out.
pub(crate) fn write_message(message: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    match message {
        Message::Text(m) => write_object(m, &mut out),
        Message::Image(m) => write_object(m, &mut out),
        Message::Video(m) => write_object(m, &mut out),
        Message::Audio(m) => write_object(m, &mut out),
        Message::Document(m) => write_object(m, &mut out),
        Message::Gif(m) => write_object(m, &mut out),
        Message::Sticker(m) => write_object(m, &mut out),
        Message::Location(m) => write_object(m, &mut out),
        Message::Contact(m) => write_object(m, &mut out),
        Message::Poll(m) => write_object(m, &mut out),
        Message::Buttons(m) => write_object(m, &mut out),
        Message::List(m) => write_object(m, &mut out),
        Message::ViewOnce(m) => write_object(m, &mut out),
        Message::Reaction(m) => write_object(m, &mut out),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Buttons;

    fn violations(t: MessageType, body: &str) -> Vec<Violation> {
        parse_message(t, body.as_bytes()).unwrap_err().violations
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
        match parse_message(t, body).unwrap_err().violations.as_slice() {
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
        let m = parse_message(
            MessageType::Text,
            br#"{"to":"1","to":"923001234567","text":"hi"}"#,
        )
        .unwrap();
        assert_eq!(m.to(), "923001234567");
        let m = parse_message(
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
        let m = parse_message(
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
        let m = parse_message(
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
            let body = format!(
                r#"{{"to":"1","name":"q","options":["a","b","c"],"selectableCount":{count}}}"#
            );
            assert_eq!(
                parse_message(MessageType::Poll, body.as_bytes()).is_ok(),
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
            "the body is not valid JSON: the body is empty at line 2, column 1"
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
            let m = parse_message(t, crate::documented_example(t).as_bytes()).unwrap();
            assert_eq!(m.to_json(), serde_json::to_vec(&m).unwrap(), "{t}");
        }
    }
}

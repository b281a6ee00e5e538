//! Contract section 4, rule by rule: raw bodies on both sides of every boundary, each
//! either accepted by `Message::parse_valid` or rejected at the expected field path with
//! the expected rule (and origin: the server's rule, or this toolkit's stricter one).
//!
//! Most rows start from the documentation's example body of their type and change one
//! thing (a few change two, or are raw text), so a row fails for the reason it names and
//! no other: each rejected row must produce exactly the violations it lists (one, except
//! where a renamed field is both unknown and missing: both are named in one answer).

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use std::panic::Location;

use serde_json::{Value, json};
use wasphere_types::{Message, MessageType, Rule, RuleOrigin, documented_example};

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // --- to (every type has it; checked on text) -------------------------------------
        on("text").set("/to", "1234567").accepted(),                      // 7 digits
        on("text").set("/to", "123456").rejected_client("to", format()),  // 6 digits
        on("text").set("/to", "123456789012345").accepted(),              // 15 digits
        on("text").set("/to", "1234567890123456").rejected_client("to", format()),
        on("text").set("/to", "+923001234567").rejected_client("to", format()),
        on("text").set("/to", "92 300 1234567").rejected_client("to", format()),
        on("text").set("/to", "0923001234567").rejected_client("to", format()),
        on("text").set("/to", "923001234567@s.whatsapp.net").accepted(),
        on("text").set("/to", "123456789@lid").accepted(),
        on("text").set("/to", "120363025246125486@g.us").accepted(),
        on("text").set("/to", "923001234567-1612345678@g.us").accepted(),
        on("text").set("/to", "923001234567@example.com").rejected_client("to", format()),
        on("text").set("/to", jid_of_length(40)).accepted(),
        on("text").set("/to", jid_of_length(41)).rejected("to", max_len(40, 41)),
        on("text").set("/to", "").rejected("to", Rule::NotEmpty),
        on("text").remove("/to").rejected("to", Rule::Required),
        on("text").set("/to", Value::Null).rejected("to", Rule::Required),
        on("text").set("/to", 923001234567_u64).rejected("to", wrong_type("a string")),

        // --- text ----------------------------------------------------------------------
        on("text").set("/text", thumbs(65_536)).accepted(),
        on("text").set("/text", thumbs(65_537)).rejected("text", max_len(65_536, 65_537)),
        on("text").set("/text", "a".repeat(65_536)).accepted(),
        on("text").set("/text", "a".repeat(65_537)).rejected("text", max_len(65_536, 65_537)),
        on("text").set("/text", "").rejected("text", Rule::NotEmpty),
        on("text").set("/text", " ").accepted(),                          // blank is not empty
        on("text").remove("/text").rejected("text", Rule::Required),
        on("text").set("/text", 42).rejected("text", wrong_type("a string")),
        on("text").set("/quotedId", "q".repeat(100)).accepted(),
        on("text").set("/quotedId", "q".repeat(101)).rejected("quotedId", max_len(100, 101)),
        on("text").set("/quotedId", Value::Null).accepted(),
        on("text").set("/preview", true).rejected("preview", Rule::UnknownField),
        on("text").rename("/text", "message").rejected("message", Rule::UnknownField)
            .also("text", Rule::Required),

        // --- media url (image, video, gif, view-once, audio, document, sticker) -----------
        on("image").remove("/url").rejected("url", Rule::Required),
        on("image").set("/url", "").rejected("url", Rule::NotEmpty),
        on("video").set("/url", "ftp://yourcdn.com/videos/a.mp4").rejected("url", format()),
        on("gif").set("/url", "yourcdn.com/animations/a.mp4").rejected("url", format()),
        on("audio").set("/url", "https://").rejected("url", format()),
        on("sticker").set("/url", "data:image/png;base64,iVBORw0KGgo=").accepted(),
        on("sticker").set("/url", "data:image/png;base64,").rejected("url", format()),
        on("document").set("/url", "data:application/pdf;base64,JVBERi0=").accepted(),
        on("view-once").set("/url", data_uri_of_length(10_485_760)).accepted(),
        on("view-once").set("/url", data_uri_of_length(10_485_761))
            .rejected("url", max_len(10_485_760, 10_485_761)),

        // --- caption (image, video, gif, view-once) --------------------------------------
        on("image").set("/caption", "c".repeat(1024)).accepted(),
        on("image").set("/caption", "c".repeat(1025)).rejected("caption", max_len(1024, 1025)),
        on("video").set("/caption", hearts(1024)).accepted(),
        on("video").set("/caption", hearts(1025)).rejected("caption", max_len(1024, 1025)),
        on("gif").set("/caption", Value::Null).accepted(),
        on("gif").set("/caption", "").accepted(),                        // optional: "" allowed
        on("view-once").remove("/caption").accepted(),
        on("view-once").set("/caption", "c".repeat(1025)).rejected("caption", max_len(1024, 1025)),
        on("image").set("/isVoiceNote", true).rejected("isVoiceNote", Rule::UnknownField),

        // --- audio -----------------------------------------------------------------------
        on("audio").set("/isVoiceNote", true).accepted(),
        on("audio").set("/isVoiceNote", Value::Null).accepted(),
        on("audio").set("/isVoiceNote", "true").rejected("isVoiceNote", wrong_type("a boolean")),
        on("audio").set("/caption", "hi").rejected("caption", Rule::UnknownField),

        // --- document --------------------------------------------------------------------
        on("document").rename("/fileName", "filename").rejected("filename", Rule::UnknownField)
            .also("fileName", Rule::Required),
        on("document").remove("/fileName").rejected("fileName", Rule::Required),
        on("document").set("/fileName", "").rejected("fileName", Rule::NotEmpty),
        on("document").set("/fileName", "f".repeat(255)).accepted(),
        on("document").set("/fileName", "f".repeat(256)).rejected("fileName", max_len(255, 256)),
        on("document").set("/mimetype", "image/svg+xml").accepted(),
        on("document").set("/mimetype", "pdf").rejected("mimetype", format()),
        on("document").set("/mimetype", "text/plain; charset=utf-8").rejected("mimetype", format()),
        on("document").set("/mimetype", "").rejected("mimetype", Rule::NotEmpty),
        on("document").set("/mimetype", mimetype_of_length(127)).accepted(),
        on("document").set("/mimetype", mimetype_of_length(128)).rejected("mimetype", max_len(127, 128)),
        on("document").rename("/mimetype", "mimeType").rejected("mimeType", Rule::UnknownField)
            .also("mimetype", Rule::Required),

        // --- sticker ---------------------------------------------------------------------
        on("sticker").set("/caption", "nice").rejected("caption", Rule::UnknownField),

        // --- location --------------------------------------------------------------------
        on("location").set("/latitude", 90.0).accepted(),
        on("location").set("/latitude", 90.000_001).rejected("latitude", range(-90.0, 90.0, 90.000_001)),
        on("location").set("/latitude", -90).accepted(),
        on("location").set("/latitude", -90.5).rejected("latitude", range(-90.0, 90.0, -90.5)),
        on("location").set("/longitude", 180).accepted(),
        on("location").set("/longitude", 180.1).rejected("longitude", range(-180.0, 180.0, 180.1)),
        on("location").set("/longitude", -180.0).accepted(),
        on("location").set("/longitude", -181).rejected("longitude", range(-180.0, 180.0, -181.0)),
        on("location").set("/latitude", "33.6844").rejected("latitude", wrong_type("a number")),
        on("location").remove("/longitude").rejected("longitude", Rule::Required),
        on("location").set("/name", "n".repeat(255)).accepted(),
        on("location").set("/name", "n".repeat(256)).rejected("name", max_len(255, 256)),
        on("location").set("/address", "a".repeat(512)).accepted(),
        on("location").set("/address", "a".repeat(513)).rejected("address", max_len(512, 513)),
        on("location").remove("/name").set("/address", Value::Null).accepted(),

        // --- contact ---------------------------------------------------------------------
        raw("contact", r#"{"to":"923001234567","name":"John Doe","phone":"+923001234567"}"#)
            .rejected("name", Rule::UnknownField)
            .also("phone", Rule::UnknownField)
            .also("displayName", Rule::Required)
            .also("phoneNumber", Rule::Required),
        on("contact").rename("/phoneNumber", "phone").rejected("phone", Rule::UnknownField)
            .also("phoneNumber", Rule::Required),
        on("contact").set("/displayName", "D".repeat(100)).accepted(),
        on("contact").set("/displayName", "D".repeat(101)).rejected("displayName", max_len(100, 101)),
        on("contact").set("/displayName", "").rejected("displayName", Rule::NotEmpty),
        on("contact").set("/displayName", "Zoë Ŝmith-O'Brien (Jr.), +1").accepted(),
        on("contact").set("/displayName", "John@Doe").rejected("displayName", charset('@')),
        on("contact").set("/displayName", "李雷").rejected("displayName", charset('李')),
        on("contact").set("/displayName", "Ƀob").rejected("displayName", charset('Ƀ')), // U+0180, past ſ
        on("contact").set("/phoneNumber", "+92 300-1234567").accepted(),
        on("contact").set("/phoneNumber", "1".repeat(30)).accepted(),
        on("contact").set("/phoneNumber", "1".repeat(31)).rejected("phoneNumber", max_len(30, 31)),
        on("contact").set("/phoneNumber", "").rejected("phoneNumber", Rule::NotEmpty),
        on("contact").set("/phoneNumber", "+92 300 CALLME").rejected("phoneNumber", charset('C')),

        // --- poll ------------------------------------------------------------------------
        on("poll").set("/name", "q".repeat(255)).accepted(),
        on("poll").set("/name", "q".repeat(256)).rejected("name", max_len(255, 256)),
        on("poll").set("/name", "").rejected("name", Rule::NotEmpty),
        on("poll").set("/options", options(2)).accepted(),
        on("poll").set("/options", options(1)).rejected("options", min_items(2, 1)),
        on("poll").set("/options", options(12)).accepted(),
        on("poll").set("/options", options(13)).rejected("options", max_items(12, 13)),
        on("poll").set("/options", "Yes").rejected("options", wrong_type("an array")),
        on("poll").set("/options/1", "o".repeat(100)).accepted(),
        on("poll").set("/options/1", "o".repeat(101)).rejected("options[1]", max_len(100, 101)),
        on("poll").set("/options/1", "").rejected_client("options[1]", Rule::NotEmpty),
        on("poll").set("/options/2", "Yes").rejected_client("options[2]", unique("options[0]")),
        on("poll").set("/selectableCount", 1.0).accepted(),
        on("poll").set("/selectableCount", 1.5).rejected("selectableCount", wrong_type("an integer")),
        on("poll").set("/selectableCount", "2").rejected("selectableCount", wrong_type("an integer")),
        on("poll").set("/selectableCount", Value::Null).accepted(),
        on("poll").set("/selectableCount", 0).rejected("selectableCount", range(1.0, 12.0, 0.0)),
        on("poll").set("/selectableCount", 3).accepted(),                 // = the 3 options
        on("poll").set("/selectableCount", 4)
            .rejected_client("selectableCount", at_most_options(3, 4)),
        on("poll").set("/options", options(12)).set("/selectableCount", 12).accepted(),
        on("poll").set("/options", options(12)).set("/selectableCount", 13)
            .rejected("selectableCount", range(1.0, 12.0, 13.0)),

        // --- buttons ---------------------------------------------------------------------
        on("buttons").remove("/footer").rejected("footer", Rule::Required),
        on("buttons").set("/footer", hearts(60)).accepted(),
        on("buttons").set("/footer", hearts(61)).rejected("footer", max_len(60, 61)),
        on("buttons").set("/footer", "e\u{301}".repeat(30)).accepted(),  // combining marks count
        on("buttons").set("/footer", "e\u{301}".repeat(31)).rejected("footer", max_len(60, 62)),
        on("buttons").set("/footer", "").rejected("footer", Rule::NotEmpty),
        on("buttons").set("/text", "t".repeat(1024)).accepted(),
        on("buttons").set("/text", "t".repeat(1025)).rejected("text", max_len(1024, 1025)),
        on("buttons").set("/buttons", json!([])).rejected("buttons", min_items(1, 0)),
        on("buttons").set("/buttons", buttons(1)).accepted(),
        on("buttons").set("/buttons", buttons(3)).accepted(),
        on("buttons").set("/buttons", buttons(4)).rejected("buttons", max_items(3, 4)),
        on("buttons").set("/buttons/0/id", "i".repeat(20)).accepted(),
        on("buttons").set("/buttons/0/id", "i".repeat(21)).rejected("buttons[0].id", max_len(20, 21)),
        on("buttons").set("/buttons/0/id", "").rejected("buttons[0].id", Rule::NotEmpty),
        on("buttons").set("/buttons/1/text", thumbs(20)).accepted(),
        on("buttons").set("/buttons/1/text", thumbs(21)).rejected("buttons[1].text", max_len(20, 21)),
        on("buttons").remove("/buttons/1/text").rejected("buttons[1].text", Rule::Required),
        on("buttons").set("/buttons/1/id", "btn1").rejected_client("buttons[1].id", unique("buttons[0].id")),
        on("buttons").set("/buttons/0/url", "https://x.io").rejected("buttons[0].url", Rule::UnknownField),

        // --- list ------------------------------------------------------------------------
        on("list").remove("/title").rejected("title", Rule::Required),
        on("list").set("/title", "T".repeat(60)).accepted(),
        on("list").set("/title", "T".repeat(61)).rejected("title", max_len(60, 61)),
        on("list").set("/text", "t".repeat(1024)).accepted(),
        on("list").set("/text", "t".repeat(1025)).rejected("text", max_len(1024, 1025)),
        on("list").set("/buttonText", "b".repeat(20)).accepted(),
        on("list").set("/buttonText", "b".repeat(21)).rejected("buttonText", max_len(20, 21)),
        on("list").rename("/buttonText", "button_text").rejected("button_text", Rule::UnknownField)
            .also("buttonText", Rule::Required),
        on("list").set("/sections", json!([])).rejected("sections", min_items(1, 0)),
        on("list").set("/sections", sections(10, 1)).accepted(),
        on("list").set("/sections", sections(11, 1)).rejected("sections", max_items(10, 11)),
        on("list").set("/sections/0/title", "s".repeat(24)).accepted(),
        on("list").set("/sections/0/title", "s".repeat(25)).rejected("sections[0].title", max_len(24, 25)),
        on("list").set("/sections/0/rows", json!([])).rejected("sections[0].rows", min_items(1, 0)),
        on("list").set("/sections", sections(1, 10)).accepted(),
        on("list").set("/sections", sections(1, 11)).rejected("sections[0].rows", max_items(10, 11)),
        on("list").set("/sections/0/rows/1/id", "r".repeat(200)).accepted(),
        on("list").set("/sections/0/rows/1/id", "r".repeat(201))
            .rejected("sections[0].rows[1].id", max_len(200, 201)),
        on("list").set("/sections/0/rows/0/title", "r".repeat(24)).accepted(),
        on("list").set("/sections/0/rows/0/title", "r".repeat(25))
            .rejected("sections[0].rows[0].title", max_len(24, 25)),
        on("list").set("/sections/0/rows/0/description", "d".repeat(72)).accepted(),
        on("list").set("/sections/0/rows/0/description", "d".repeat(73))
            .rejected("sections[0].rows[0].description", max_len(72, 73)),
        on("list").remove("/sections/0/rows/0/description").accepted(),
        on("list").set("/sections", sections(2, 1)).set("/sections/1/rows/0/id", "s0r0")
            .rejected_client("sections[1].rows[0].id", unique("sections[0].rows[0].id")),

        // --- reaction --------------------------------------------------------------------
        on("reaction").set("/emoji", "").accepted(),                       // removes the reaction
        on("reaction").set("/emoji", "❤️").accepted(),
        on("reaction").set("/emoji", "👨‍👩‍👧").accepted(),
        on("reaction").set("/emoji", "👩‍❤️‍💋‍👨").accepted(),        // 8 code points, counts 7
        on("reaction").set("/emoji", "👩🏽‍❤️‍💋‍👨🏻").rejected("emoji", max_len(8, 9)),
        on("reaction").set("/emoji", thumbs(9)).rejected("emoji", max_len(8, 9)),
        on("reaction").set("/emoji", "ok").rejected_client("emoji", format()),
        on("reaction").set("/emoji", thumbs(2)).rejected_client("emoji", format()),
        on("reaction").remove("/emoji").rejected("emoji", Rule::Required),
        on("reaction").set("/messageId", "m".repeat(100)).accepted(),
        on("reaction").set("/messageId", "m".repeat(101)).rejected("messageId", max_len(100, 101)),
        on("reaction").set("/messageId", "").rejected("messageId", Rule::NotEmpty),
        on("reaction").set("/fromMe", true).accepted(),
        on("reaction").set("/fromMe", "yes").rejected("fromMe", wrong_type("a boolean")),

        // --- not a JSON object -----------------------------------------------------------
        raw("text", "").rejected("", invalid_json()),
        raw("text", "[]").rejected("", invalid_json()),
        raw("text", "null").rejected("", invalid_json()),
        // Repeated keys: the last one counts, as with the server's JSON.parse.
        raw("text", r#"{"to":"+92 300","to":"923001234567","text":"hi"}"#).accepted(),
        raw("text", r#"{"to":"923001234567","text":"hi","text":""}"#).rejected("text", Rule::NotEmpty),
        raw("text", r#"{"to":"923001234567","text":"hi",}"#).rejected("", invalid_json()),
        raw("text", r#"{"to":"923001234567","text":"hi"} {}"#).rejected("", invalid_json()),
    ]
}

// ---------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------

#[test]
fn every_row_is_accepted_or_rejected_as_the_contract_says() {
    let failures: Vec<String> = cases().iter().filter_map(Case::check).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases().len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_type_on_both_sides() {
    let cases = cases();
    let rejected = cases
        .iter()
        .filter(|c| c.expect != Expect::Accepted)
        .count();
    assert!(rejected >= 60, "only {rejected} invalid bodies");
    for t in MessageType::ALL {
        let of_type = || cases.iter().filter(move |c| c.message_type == t);
        assert!(
            of_type().any(|c| c.expect == Expect::Accepted),
            "{t}: no valid row"
        );
        assert!(
            of_type().any(|c| c.expect != Expect::Accepted),
            "{t}: no invalid row"
        );
    }
}

#[test]
fn every_type_checks_to() {
    for t in MessageType::ALL {
        let slug = t.as_str();
        let rows = [
            on(slug).remove("/to").rejected("to", Rule::Required),
            on(slug).set("/to", "").rejected("to", Rule::NotEmpty),
            on(slug)
                .set("/to", jid_of_length(41))
                .rejected("to", max_len(40, 41)),
            on(slug)
                .set("/to", "+923001234567")
                .rejected_client("to", format()),
            on(slug).set("/to", "120363025246125486@g.us").accepted(),
        ];
        let failures: Vec<String> = rows.iter().filter_map(Case::check).collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------
// How rows are written
// ---------------------------------------------------------------------------------------

/// A body under construction: the documented example of a type, edited, or raw text.
struct Body {
    message_type: MessageType,
    json: Result<Value, &'static str>,
}

#[derive(Debug, PartialEq)]
enum Expect {
    Accepted,
    /// Exactly these violations, in this order.
    Rejected(Vec<(&'static str, Rule, RuleOrigin)>),
}

struct Case {
    message_type: MessageType,
    body: Vec<u8>,
    expect: Expect,
    /// Where the row is written, to find it when it fails.
    line: u32,
}

fn on(slug: &str) -> Body {
    let message_type: MessageType = slug.parse().unwrap();
    Body {
        message_type,
        json: Ok(serde_json::from_str(documented_example(message_type)).unwrap()),
    }
}

fn raw(slug: &str, body: &'static str) -> Body {
    Body {
        message_type: slug.parse().unwrap(),
        json: Err(body),
    }
}

/// Splits a JSON pointer into its parent's pointer and its last key.
fn split_pointer(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap()
}

impl Body {
    fn object(&mut self) -> &mut Value {
        self.json.as_mut().unwrap()
    }

    /// Sets the value at `pointer`, adding the key (or array item) if it is absent.
    fn set(mut self, pointer: &str, value: impl Into<Value>) -> Self {
        let (parent, key) = split_pointer(pointer);
        match self.object().pointer_mut(parent).unwrap() {
            Value::Object(map) => {
                map.insert(key.to_owned(), value.into());
            }
            Value::Array(items) => items[key.parse::<usize>().unwrap()] = value.into(),
            other => panic!("{parent} is {other}, not a container"),
        }
        self
    }

    fn remove(mut self, pointer: &str) -> Self {
        let (parent, key) = split_pointer(pointer);
        let map = self
            .object()
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap();
        assert!(map.remove(key).is_some(), "nothing at {pointer}");
        self
    }

    /// Moves the value at `pointer` to the key `new_key` beside it.
    fn rename(mut self, pointer: &str, new_key: &str) -> Self {
        let (parent, key) = split_pointer(pointer);
        let map = self
            .object()
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap();
        let value = map.remove(key).unwrap();
        map.insert(new_key.to_owned(), value);
        self
    }

    #[track_caller]
    fn finish(self, expect: Expect) -> Case {
        Case {
            message_type: self.message_type,
            body: match self.json {
                Ok(value) => serde_json::to_vec(&value).unwrap(),
                Err(raw) => raw.as_bytes().to_vec(),
            },
            expect,
            line: Location::caller().line(),
        }
    }

    #[track_caller]
    fn accepted(self) -> Case {
        self.finish(Expect::Accepted)
    }

    /// Rejected by a rule the server enforces.
    #[track_caller]
    fn rejected(self, path: &'static str, rule: Rule) -> Case {
        self.finish(Expect::Rejected(vec![(path, rule, RuleOrigin::Server)]))
    }

    /// Rejected by one of this toolkit's stricter, client-side rules.
    #[track_caller]
    fn rejected_client(self, path: &'static str, rule: Rule) -> Case {
        self.finish(Expect::Rejected(vec![(path, rule, RuleOrigin::Client)]))
    }
}

impl Case {
    /// `None` when the library does what the row says; otherwise what went wrong.
    fn check(&self) -> Option<String> {
        let t = self.message_type;
        let outcome = Message::parse_valid(t, &self.body);
        let fail = |what: String| Some(format!("  line {} ({t}): {what}", self.line));
        match (&self.expect, outcome) {
            (Expect::Accepted, Ok(_)) => None,
            (Expect::Accepted, Err(e)) => fail(format!("refused a valid body: {e}")),
            (Expect::Rejected(_), Ok(_)) => fail("accepted an invalid body".to_owned()),
            (Expect::Rejected(expected), Err(e)) => {
                let found: Vec<(&str, &Rule, RuleOrigin)> = e
                    .violations
                    .iter()
                    .map(|v| (v.path.as_str(), &v.rule, v.origin))
                    .collect();
                let same = found.len() == expected.len()
                    && found
                        .iter()
                        .zip(expected)
                        .all(|(f, e)| f.0 == e.0 && same_rule(&e.1, f.1) && f.2 == e.2);
                (!same)
                    .then(|| format!("expected {expected:?}; found {found:?}"))
                    .and_then(fail)
            }
        }
    }

    /// One more violation of a server rule, after those already expected.
    fn also(mut self, path: &'static str, rule: Rule) -> Case {
        if let Expect::Rejected(expected) = &mut self.expect {
            expected.push((path, rule, RuleOrigin::Server));
        }
        self
    }
}

/// Rules compare exactly, except for the parts that are prose: the expected shape of
/// `Format`, the allowed-character description of `Charset` (the found character is
/// compared) and the parser's detail of `InvalidJson`.
fn same_rule(expected: &Rule, actual: &Rule) -> bool {
    match (expected, actual) {
        (Rule::Charset { found: a, .. }, Rule::Charset { found: b, .. }) => a == b,
        (Rule::InvalidJson { .. }, Rule::InvalidJson { .. }) => true,
        (Rule::Format { .. }, Rule::Format { .. }) => true,
        _ => expected == actual,
    }
}

// ---------------------------------------------------------------------------------------
// Values and rules used by the rows
// ---------------------------------------------------------------------------------------

/// `n` thumbs-up: one code point each, two UTF-16 units each.
fn thumbs(n: usize) -> String {
    "👍".repeat(n)
}

/// `n` red hearts `❤️` (U+2764 U+FE0F): two code points each, counted one by the server.
fn hearts(n: usize) -> String {
    "❤\u{FE0F}".repeat(n)
}

/// A user JID of exactly `len` characters.
fn jid_of_length(len: usize) -> String {
    const SUFFIX: &str = "@s.whatsapp.net";
    format!("{}{SUFFIX}", "9".repeat(len - SUFFIX.len()))
}

/// A well-formed base64 data URI of exactly `len` characters.
fn data_uri_of_length(len: usize) -> String {
    const PREFIX: &str = "data:image/png;base64,";
    format!("{PREFIX}{}", "A".repeat(len - PREFIX.len()))
}

/// A well-formed MIME type of exactly `len` characters.
fn mimetype_of_length(len: usize) -> String {
    format!("application/{}", "x".repeat(len - "application/".len()))
}

fn options(n: usize) -> Value {
    (0..n).map(|i| format!("Option {i}")).collect()
}

fn buttons(n: usize) -> Value {
    (0..n)
        .map(|i| json!({"id": format!("btn{i}"), "text": format!("Option {i}")}))
        .collect()
}

/// `n` sections of `rows_each` rows, with ids `s<section>r<row>` distinct across the list.
fn sections(n: usize, rows_each: usize) -> Value {
    (0..n)
        .map(|s| {
            let rows: Vec<Value> = (0..rows_each)
                .map(|r| json!({"id": format!("s{s}r{r}"), "title": format!("Row {r}")}))
                .collect();
            json!({"title": format!("Section {s}"), "rows": rows})
        })
        .collect()
}

fn max_len(limit: usize, actual: usize) -> Rule {
    Rule::MaxLength { limit, actual }
}

fn min_items(limit: usize, actual: usize) -> Rule {
    Rule::MinItems { limit, actual }
}

fn max_items(limit: usize, actual: usize) -> Rule {
    Rule::MaxItems { limit, actual }
}

fn range(min: f64, max: f64, actual: f64) -> Rule {
    Rule::Range { min, max, actual }
}

fn wrong_type(expected: &str) -> Rule {
    Rule::WrongType {
        expected: expected.to_owned(),
    }
}

fn unique(first: &str) -> Rule {
    Rule::Unique {
        first: first.to_owned(),
    }
}

fn at_most_options(limit: usize, actual: i64) -> Rule {
    Rule::AtMostField {
        field: "options",
        limit,
        actual,
    }
}

/// Any `Format` rule (the expected shape is prose).
fn format() -> Rule {
    Rule::Format { expected: "" }
}

/// A `Charset` rule that found `found` (the allowed set is prose).
fn charset(found: char) -> Rule {
    Rule::Charset { allowed: "", found }
}

/// Any `InvalidJson` rule (the detail is the parser's).
fn invalid_json() -> Rule {
    Rule::InvalidJson {
        detail: String::new(),
    }
}

//! Invariants over generated inputs (proptest):
//!
//! 1. generated valid payloads of every type validate clean and survive a JSON round trip;
//! 2. arbitrary JSON values and bytes never panic the parser, the validator, the error
//!    body reader or webhook verification;
//! 3. the exported JSON Schema and `validate()` give the same verdict on generated valid
//!    and mutated-invalid bodies, except where a rule cannot be written in JSON Schema
//!    (see [`Inexpressible`]).
//!
//! Case counts are kept moderate so the whole file runs in a few seconds in debug.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use wasphere_types::schema::{LENGTH_NOTE, message_schema};
use wasphere_types::webhook::{WebhookEvent, WebhookSecret, sign, verify};
use wasphere_types::{
    ApiKey, Audio, Button, Buttons, Contact, Document, ErrorBody, Gif, Image, List, ListRow,
    ListSection, Location, Message, MessageType, Poll, Reaction, Recipient, Rule, SessionId,
    Sticker, Text, Video, ViewOnce, WorkspaceId, documented_example,
};

// =======================================================================================
// Generators of valid payloads
// =======================================================================================

/// Pieces of text the server counts as one character each. All are one code point except
/// the heart `❤️` (U+2764 U+FE0F), whose variation selector the server does not count but
/// JSON Schema does.
const ATOMS: &[&str] = &[
    "a",
    "Z",
    "7",
    " ",
    "*",
    "_",
    "é",
    "ß",
    "ж",
    "李",
    "👍",
    "𝔘",
    "\u{301}",
    "❤\u{FE0F}",
];

/// Text of `min..=max` characters as the server counts them: mostly short, sometimes
/// exactly `max` so every limit is met head-on.
fn text(min: usize, max: usize) -> BoxedStrategy<String> {
    let short = min..=max.min(40);
    let length = prop_oneof![4 => short, 1 => Just(max)];
    (length, vec(select(ATOMS), 1..6))
        .prop_map(|(n, atoms)| atoms.iter().cycle().take(n).copied().collect())
        .boxed()
}

fn optional_text(max: usize) -> BoxedStrategy<Option<String>> {
    proptest::option::of(text(0, max)).boxed()
}

/// Button and row ids: what people use, 1 to `max` characters.
fn id(max: usize) -> BoxedStrategy<String> {
    format!("[a-zA-Z0-9_.-]{{1,{max}}}").boxed_regex()
}

trait RegexStrategy {
    fn boxed_regex(&self) -> BoxedStrategy<String>;
}

impl RegexStrategy for String {
    fn boxed_regex(&self) -> BoxedStrategy<String> {
        proptest::string::string_regex(self).unwrap().boxed()
    }
}

impl RegexStrategy for &str {
    fn boxed_regex(&self) -> BoxedStrategy<String> {
        (*self).to_owned().boxed_regex()
    }
}

fn to() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[1-9][0-9]{6,14}".boxed_regex(),
        1 => "[0-9]{1,25}@s\\.whatsapp\\.net".boxed_regex(),
        1 => "[0-9]{1,30}@lid".boxed_regex(),
        1 => "[0-9]{1,20}(-[0-9]{1,10})?@g\\.us".boxed_regex(),
    ]
    .boxed()
}

fn url() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[hH][tT][tT][pP][sS]?://[a-z0-9]{1,12}(\\.[a-z]{2,5}){1,2}(:[1-9][0-9]{1,3})?(/[a-zA-Z0-9_.~%-]{0,12}){0,4}(\\?[a-z]=[0-9]{1,4})?"
            .boxed_regex(),
        1 => "data:(image|audio|video|application)/[a-z0-9][a-z0-9.+-]{0,12};base64,[A-Za-z0-9+/]{1,60}={0,2}"
            .boxed_regex(),
    ]
    .boxed()
}

fn mimetype() -> BoxedStrategy<String> {
    "[a-zA-Z0-9][a-zA-Z0-9!#$&^_-]{0,20}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,40}".boxed_regex()
}

fn degrees(limit: f64) -> BoxedStrategy<f64> {
    prop_oneof![1 => Just(-limit), 1 => Just(limit), 1 => Just(0.0), 6 => -limit..=limit].boxed()
}

/// Single emojis WhatsApp shows as one reaction, and `""` (remove the reaction).
const REACTIONS: &[&str] = &[
    "",
    "👍",
    "❤\u{FE0F}",
    "😂",
    "🙏🏽",
    "🇵🇰",
    "1\u{FE0F}\u{20E3}",
    "👨\u{200D}👩\u{200D}👧",
    "☺",
];

fn captioned(
    make: fn(String, String, Option<String>) -> Message,
) -> impl Strategy<Value = Message> {
    (to(), url(), optional_text(1024)).prop_map(move |(to, url, caption)| make(to, url, caption))
}

fn valid_text() -> impl Strategy<Value = Message> {
    (to(), text(1, 65_536), optional_text(100)).prop_map(|(to, text, quoted_id)| {
        Text {
            to,
            text,
            quoted_id,
        }
        .into()
    })
}

fn valid_location() -> impl Strategy<Value = Message> {
    (
        to(),
        degrees(90.0),
        degrees(180.0),
        optional_text(255),
        optional_text(512),
    )
        .prop_map(|(to, latitude, longitude, name, address)| {
            Location {
                to,
                latitude,
                longitude,
                name,
                address,
            }
            .into()
        })
}

fn valid_contact() -> impl Strategy<Value = Message> {
    (
        to(),
        "[a-zA-Z0-9À-ſ '+().,-]{1,100}".boxed_regex(),
        "[0-9+ -]{1,30}".boxed_regex(),
    )
        .prop_map(|(to, display_name, phone_number)| {
            Contact::new(to, display_name, phone_number).into()
        })
}

fn valid_poll() -> impl Strategy<Value = Message> {
    (to(), text(1, 255), btree_set(text(1, 100), 2..=12))
        .prop_flat_map(|(to, name, options)| {
            let count = options.len() as i64;
            let selectable = proptest::option::of(1..=count);
            (Just((to, name, options)), selectable)
        })
        .prop_map(|((to, name, options), selectable_count)| {
            Poll {
                to,
                name,
                options: options.into_iter().collect(),
                selectable_count,
            }
            .into()
        })
}

fn valid_buttons() -> impl Strategy<Value = Message> {
    (to(), text(1, 1024), text(1, 60), btree_set(id(20), 1..=3))
        .prop_flat_map(|(to, text_, footer, ids)| {
            let labels = vec(text(1, 20), ids.len());
            (Just((to, text_, footer, ids)), labels)
        })
        .prop_map(|((to, text, footer, ids), labels)| {
            let buttons = ids.into_iter().zip(labels).map(|(i, l)| Button::new(i, l));
            Buttons {
                to,
                text,
                footer,
                buttons: buttons.collect(),
            }
            .into()
        })
}

fn valid_list() -> impl Strategy<Value = Message> {
    let row = (text(1, 24), optional_text(72));
    let section = (text(1, 24), vec(row, 1..=10));
    (
        to(),
        text(1, 60),
        text(1, 1024),
        text(1, 20),
        id(190),
        vec(section, 1..=10),
    )
        .prop_map(|(to, title, text, button_text, prefix, sections)| {
            // Row ids are distinct across the list: the prefix plus the row's place.
            let sections = sections
                .into_iter()
                .enumerate()
                .map(|(s, (title, rows))| ListSection {
                    title,
                    rows: rows
                        .into_iter()
                        .enumerate()
                        .map(|(r, (title, description))| ListRow {
                            id: format!("{prefix}{s}.{r}"),
                            title,
                            description,
                        })
                        .collect(),
                })
                .collect();
            List {
                to,
                title,
                text,
                button_text,
                sections,
            }
            .into()
        })
}

fn valid_reaction() -> impl Strategy<Value = Message> {
    (
        to(),
        "[A-F0-9]{1,100}".boxed_regex(),
        select(REACTIONS),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(to, message_id, emoji, from_me)| {
            Reaction {
                to,
                message_id,
                emoji: emoji.to_owned(),
                from_me,
            }
            .into()
        })
}

/// A valid payload of any of the 14 types.
fn valid_message() -> impl Strategy<Value = Message> {
    prop_oneof![
        valid_text(),
        captioned(|to, url, caption| Image { to, url, caption }.into()),
        captioned(|to, url, caption| Video { to, url, caption }.into()),
        (to(), url(), proptest::option::of(any::<bool>())).prop_map(|(to, url, voice)| {
            Audio {
                to,
                url,
                is_voice_note: voice,
            }
            .into()
        }),
        (to(), url(), text(1, 255), mimetype()).prop_map(|(to, url, file_name, mimetype)| {
            Document::new(to, url, file_name, mimetype).into()
        }),
        captioned(|to, url, caption| Gif { to, url, caption }.into()),
        (to(), url()).prop_map(|(to, url)| Sticker::new(to, url).into()),
        valid_location(),
        valid_contact(),
        valid_poll(),
        valid_buttons(),
        valid_list(),
        captioned(|to, url, caption| ViewOnce { to, url, caption }.into()),
        valid_reaction(),
    ]
}

// =======================================================================================
// 1. Valid payloads: clean, and unchanged by a JSON round trip
// =======================================================================================

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_payloads_validate_clean_and_round_trip(message in valid_message()) {
        let t = message.message_type();
        prop_assert_eq!(message.validate(), Ok(()));
        let body = message.to_json();
        // The fast writer and the `Serialize` derive give the same bytes.
        prop_assert_eq!(&body, &serde_json::to_vec(&message).unwrap());
        let parsed = Message::parse_valid(t, &body).unwrap();
        prop_assert_eq!(&parsed, &message);
        // Nothing added, dropped or respelled on the way.
        let value: Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
        prop_assert_eq!(parsed.to_json(), body);
    }
}

// =======================================================================================
// 2. Nothing panics
// =======================================================================================

/// Every field name of every type, plus the webhook's and the error body's, so arbitrary
/// objects reach past "unknown field" into the validator.
const KEYS: &[&str] = &[
    "to",
    "text",
    "quotedId",
    "url",
    "caption",
    "isVoiceNote",
    "fileName",
    "mimetype",
    "latitude",
    "longitude",
    "name",
    "address",
    "displayName",
    "phoneNumber",
    "options",
    "selectableCount",
    "footer",
    "buttons",
    "id",
    "title",
    "buttonText",
    "sections",
    "rows",
    "description",
    "messageId",
    "emoji",
    "fromMe",
    "statusCode",
    "message",
    "error",
    "retryAfter",
    "capability",
    "provider",
    "event",
    "sessionId",
    "timestamp",
    "deliveryId",
    "data",
    "type",
    "content",
    "selectionId",
    "interactiveKind",
    "pollMessageId",
    "selectedOptions",
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)), // non-finite numbers become null
        any::<String>().prop_map(Value::from),
        select(ATOMS).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        let key = prop_oneof![select(KEYS).prop_map(str::to_owned), any::<String>()];
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(Value::Array),
            btree_map(key, inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer into `value`, the root (`""`) included.
fn pointers(value: &Value) -> Vec<String> {
    let mut out = vec![String::new()];
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        out.extend(
            pointers(child)
                .into_iter()
                .map(|p| format!("/{escaped}{p}")),
        );
    }
    out
}

/// A documented body with the value at one of its places replaced by arbitrary JSON:
/// well-formed enough to reach the validator with strange values.
fn documented_with_one_arbitrary_value() -> impl Strategy<Value = (MessageType, Value)> {
    (
        select(MessageType::ALL.to_vec()),
        any::<Index>(),
        any_json(),
    )
        .prop_map(|(t, place, replacement)| {
            let mut body: Value = serde_json::from_str(documented_example(t)).unwrap();
            let all = pointers(&body);
            let at = &all[place.index(all.len())];
            *body.pointer_mut(at).unwrap() = replacement;
            (t, body)
        })
}

fn parse_and_validate_everything(body: &[u8]) {
    for t in MessageType::ALL {
        if let Ok(message) = Message::parse(t, body) {
            let _ = message.validate();
            let _ = message.to_json();
        }
        if let Err(e) = Message::parse_valid(t, body) {
            // Rendering the violations must not panic either.
            let _ = e.to_string();
            e.violations.iter().for_each(|v| drop(v.server_sentence()));
        }
    }
    let error = ErrorBody::parse(body);
    let _ = (error.summary(), error.messages());
}

fn verify_everything(timestamp: &str, signature: &str, body: &[u8], now_secs: u64) {
    let secret = WebhookSecret::new("whsec_props");
    let now = UNIX_EPOCH + Duration::from_secs(now_secs);
    let _ = verify(&secret, Some(timestamp), Some(signature), body, now);
    // With a good signature the envelope parser and the typed accessors run too.
    if let Ok(signed_at) = timestamp.parse::<i64>() {
        let good = sign(&secret, signed_at, body);
        if let Ok(event) = verify(&secret, Some(timestamp), Some(&good), body, now) {
            let _ = event.data_value();
            if let Ok(Some(received)) = event.message_received() {
                let _ = received.selection();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        parse_and_validate_everything(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn documented_bodies_with_an_arbitrary_value_never_panic(
        (t, body) in documented_with_one_arbitrary_value()
    ) {
        let bytes = serde_json::to_vec(&body).unwrap();
        if let Ok(message) = Message::parse(t, &bytes) {
            let _ = message.validate();
        }
        parse_and_validate_everything(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..300)) {
        parse_and_validate_everything(&bytes);
    }

    #[test]
    fn webhook_verification_never_panics(
        timestamp in prop_oneof![any::<String>(), any::<i64>().prop_map(|n| n.to_string())],
        signature in prop_oneof![
            any::<String>(),
            "v[0-9],sha[0-9]{3}=[0-9a-fA-F]{0,70}( .*)?".boxed_regex(),
        ],
        body in prop_oneof![
            vec(any::<u8>(), 0..200),
            any_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
            any_json().prop_map(|data| serde_json::to_vec(&json!({
                "event": "message.received", "sessionId": "s", "timestamp": "t",
                "deliveryId": "d", "data": data,
            })).unwrap()),
        ],
        now_secs in 0_u64..4_000_000_000,
    ) {
        verify_everything(&timestamp, &signature, &body, now_secs);
    }

    #[test]
    fn identifier_parsers_never_panic(
        text in prop_oneof![
            any::<String>(),
            "[+ 0-9().-]{0,24}".boxed_regex(),
            "wsk_[a-z]{0,10}_?[ -~]{0,20}".boxed_regex(),
        ],
    ) {
        let _ = text.parse::<SessionId>();
        let _ = text.parse::<WorkspaceId>();
        if let Ok(key) = ApiKey::new(text.clone()) {
            let _ = (key.redacted_prefix(), format!("{key:?} {key}"));
        }
        let strict = Recipient::parse(&text);
        match Recipient::parse_lenient(&text) {
            // Whatever leniency produced is a recipient by the strict rule too.
            Ok(lenient) => {
                prop_assert!(Recipient::parse(lenient.recipient.as_str()).is_ok());
                if strict.is_ok() {
                    prop_assert!(lenient.changes.is_empty());
                }
            }
            // Leniency never refuses what strictness accepts.
            Err(_) => prop_assert!(strict.is_err()),
        }
    }

    #[test]
    fn signed_envelopes_verify_inside_the_window(
        data in any_json(), signed_at in 0_i64..3_000_000_000, skew in -300_i64..=300,
    ) {
        let body = serde_json::to_vec(&json!({
            "event": "message.received", "sessionId": "s", "timestamp": "t",
            "deliveryId": "d", "data": data,
        })).unwrap();
        let secret = WebhookSecret::new("whsec_props");
        let now = UNIX_EPOCH + Duration::from_secs((signed_at + skew).max(0) as u64);
        let signature = sign(&secret, signed_at, &body);
        let event = verify(&secret, Some(&signed_at.to_string()), Some(&signature), &body, now);
        let expected: WebhookEvent = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(event, Ok(expected));
    }
}

// =======================================================================================
// 3. The JSON Schema and validate() agree
// =======================================================================================

/// The rules `validate()` checks that a JSON Schema cannot state. Where the schema and
/// `validate()` disagree, the disagreement must be one of these:
///
/// - `VariationSelectorLength`: the server does not count a variation selector after a
///   character; `maxLength` counts every code point, so the schema refuses some valid
///   text near a limit (60 `❤️` in a footer);
/// - `UrlHost`: a media URL must parse with a host, which the pattern only approximates;
/// - `DistinctIds`: button ids and list row ids must differ (`uniqueItems` compares whole
///   objects, not one of their fields, and row ids span sections);
/// - `SelectableCountAtMostOptions`: `selectableCount` ≤ the number of options relates
///   two fields;
/// - `OneEmoji`: a reaction is exactly one emoji (grapheme segmentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inexpressible {
    VariationSelectorLength,
    UrlHost,
    DistinctIds,
    SelectableCountAtMostOptions,
    OneEmoji,
}

impl Inexpressible {
    const ALL: [Inexpressible; 5] = [
        Inexpressible::VariationSelectorLength,
        Inexpressible::UrlHost,
        Inexpressible::DistinctIds,
        Inexpressible::SelectableCountAtMostOptions,
        Inexpressible::OneEmoji,
    ];

    /// How the schema's own description ([`LENGTH_NOTE`]) names the rule.
    fn in_schema_description(self) -> &'static str {
        match self {
            Inexpressible::VariationSelectorLength => "variation selector",
            Inexpressible::UrlHost => "a URL parses with a host",
            Inexpressible::DistinctIds => "distinct button ids and list row ids",
            Inexpressible::SelectableCountAtMostOptions => {
                "selectableCount at most the number of options"
            }
            Inexpressible::OneEmoji => "exactly one emoji",
        }
    }

    /// The inexpressible rule behind a violation that the schema did not catch, if any.
    fn behind(violation: &wasphere_types::Violation) -> Option<Inexpressible> {
        match (&violation.rule, violation.path.as_str()) {
            (Rule::Unique { .. }, path) if path.ends_with(".id") => Some(Self::DistinctIds),
            (Rule::AtMostField { .. }, "selectableCount") => {
                Some(Self::SelectableCountAtMostOptions)
            }
            (Rule::Format { .. }, "emoji") => Some(Self::OneEmoji),
            (Rule::Format { .. }, "url") => Some(Self::UrlHost),
            _ => None,
        }
    }
}

#[test]
fn the_schema_description_names_every_inexpressible_rule() {
    for rule in Inexpressible::ALL {
        assert!(
            LENGTH_NOTE.contains(rule.in_schema_description()),
            "{rule:?} is not in LENGTH_NOTE"
        );
    }
    for t in MessageType::ALL {
        assert!(
            message_schema(t)["description"]
                .as_str()
                .unwrap()
                .contains(LENGTH_NOTE)
        );
    }
}

/// One validator per message type, compiled once.
static VALIDATORS: LazyLock<Vec<(MessageType, jsonschema::Validator)>> = LazyLock::new(|| {
    MessageType::ALL
        .into_iter()
        .map(|t| (t, jsonschema::validator_for(&message_schema(t)).unwrap()))
        .collect()
});

fn schema_accepts(t: MessageType, body: &Value) -> bool {
    let (_, validator) = VALIDATORS.iter().find(|(vt, _)| *vt == t).unwrap();
    validator.is_valid(body)
}

/// `value` with every variation selector the server does not count removed.
fn without_free_selectors(value: &Value) -> Value {
    match value {
        Value::String(s) => {
            let mut out = String::with_capacity(s.len());
            let mut previous: Option<char> = None;
            for c in s.chars() {
                let selector = |c: char| c == '\u{FE0E}' || c == '\u{FE0F}';
                if !(selector(c) && previous.is_some_and(|p| !selector(p))) {
                    out.push(c);
                }
                previous = Some(c);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(without_free_selectors).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), without_free_selectors(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Compares the two verdicts on `body`; `Err` explains a disagreement no inexpressible
/// rule accounts for.
fn verdicts_agree(t: MessageType, body: &Value) -> Result<Option<Inexpressible>, String> {
    let bytes = serde_json::to_vec(body).unwrap();
    let by_validate = Message::parse_valid(t, &bytes);
    let by_schema = schema_accepts(t, body);
    match (by_validate, by_schema) {
        (Ok(_), true) | (Err(_), false) => Ok(None),
        (Err(e), true) => {
            let causes: Vec<Option<Inexpressible>> =
                e.violations.iter().map(Inexpressible::behind).collect();
            match causes.iter().position(Option::is_none) {
                None => Ok(causes[0]),
                Some(i) => Err(format!(
                    "{t}: validate() refuses {body} for {:?}, the schema accepts it",
                    e.violations[i]
                )),
            }
        }
        (Ok(_), false) => {
            if schema_accepts(t, &without_free_selectors(body)) {
                Ok(Some(Inexpressible::VariationSelectorLength))
            } else {
                Err(format!(
                    "{t}: the schema refuses {body}, validate() accepts it"
                ))
            }
        }
    }
}

/// One change to a generated valid body, at a place chosen by an `Index`.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    /// Adds a member the type does not have.
    AddUnknown,
    /// Appends a copy of an array's first item (repeats, or one too many).
    DuplicateFirst,
    /// Keeps the first `n` items of an array.
    Truncate(usize),
    /// Repeats an array's items up to 13 (past every list's limit).
    Grow,
}

/// String lengths around every limit of contract section 4.
const LENGTHS: &[usize] = &[
    0, 1, 2, 7, 8, 9, 20, 21, 24, 25, 30, 31, 40, 41, 60, 61, 72, 73, 100, 101, 127, 128, 200, 201,
    255, 256, 512, 513, 1024, 1025,
];

/// Strings that break (or just satisfy) the shapes: recipients, URLs, MIME types, names.
const SHAPES: &[&str] = &[
    "",
    " ",
    "923001234567",
    "+923001234567",
    "92 300 1234567",
    "0923001234567",
    "123456",
    "1@lid",
    "12-34@g.us",
    "x@g.us",
    "https://a.io/x.png",
    "https://",
    "HTTP://A.IO",
    "https://a.io:99999/x",
    "https://[::1/x",
    "ftp://a.io/x",
    "data:image/png;base64,AAAA",
    "data:image/png;base64,",
    "data:image/png,AAAA",
    "application/pdf",
    "pdf",
    "a/b c",
    "John Doe",
    "Zoë",
    "John@Doe",
    "李",
    "+92 300-1234567",
    "12\t34",
    "👍",
    "❤\u{FE0F}",
    "👍👍",
    "ok",
    "\u{FE0F}",
    "e\u{301}",
    "Yes",
    "btn1",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let long_string = (select(LENGTHS), select(ATOMS)).prop_map(|(n, atom)| json!(atom.repeat(n)));
    let number = prop_oneof![
        select(vec![
            -181.0, -180.0, -90.5, -90.0, 0.0, 1.0, 1.5, 2.0, 12.0, 13.0, 90.0, 90.5, 180.0, 180.5
        ]),
        -400.0..400.0_f64,
    ]
    .prop_map(|f| json!(f));
    let integer = (-2_i64..16).prop_map(Value::from);
    let other_type = select(vec![
        json!(true),
        json!("7"),
        json!([]),
        json!({}),
        json!(null),
    ]);
    prop_oneof![
        1 => Just(Mutation::Remove),
        4 => long_string.prop_map(Mutation::Replace),
        3 => select(SHAPES).prop_map(|s| Mutation::Replace(json!(s))),
        2 => number.prop_map(Mutation::Replace),
        1 => integer.prop_map(Mutation::Replace),
        2 => other_type.prop_map(Mutation::Replace),
        1 => Just(Mutation::AddUnknown),
        1 => Just(Mutation::DuplicateFirst),
        1 => (0_usize..2).prop_map(Mutation::Truncate),
        1 => Just(Mutation::Grow),
    ]
}

fn apply(body: &mut Value, place: Index, mutation: &Mutation) {
    let all = pointers(body);
    let at = all[place.index(all.len())].clone();
    let target = body.pointer_mut(&at).unwrap();
    match (mutation, target) {
        (Mutation::Remove, _) if !at.is_empty() => {
            let (parent, key) = at.rsplit_once('/').unwrap();
            match body.pointer_mut(parent).unwrap() {
                Value::Object(map) => drop(map.remove(key)),
                Value::Array(items) => drop(items.remove(key.parse::<usize>().unwrap())),
                _ => {}
            }
        }
        (Mutation::Replace(value), target) if !at.is_empty() => *target = value.clone(),
        (Mutation::AddUnknown, Value::Object(map)) => drop(map.insert("priority".into(), json!(1))),
        (Mutation::DuplicateFirst, Value::Array(items)) if !items.is_empty() => {
            items.push(items[0].clone());
        }
        (Mutation::Truncate(n), Value::Array(items)) => items.truncate(*n),
        (Mutation::Grow, Value::Array(items)) if !items.is_empty() => {
            let copies: Vec<Value> = items.iter().cycle().take(13).cloned().collect();
            *items = copies;
        }
        _ => {} // the mutation does not fit this place: the body stays as it was
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn schema_and_validate_agree_on_valid_payloads(message in valid_message()) {
        let body = serde_json::to_value(&message).unwrap();
        let outcome = verdicts_agree(message.message_type(), &body);
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }

    #[test]
    fn schema_and_validate_agree_on_mutated_payloads(
        message in valid_message(),
        changes in vec((any::<Index>(), mutation()), 1..=2),
    ) {
        let mut body = serde_json::to_value(&message).unwrap();
        for (place, change) in &changes {
            apply(&mut body, *place, change);
        }
        let outcome = verdicts_agree(message.message_type(), &body);
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

/// The disagreements are not hypothetical: each inexpressible rule, on a body built to
/// break it, is refused by exactly one side, and `verdicts_agree` puts it down to that rule.
#[test]
fn each_inexpressible_rule_is_a_real_disagreement() {
    let examples: [(Inexpressible, MessageType, Value); 5] = [
        (
            Inexpressible::VariationSelectorLength,
            MessageType::Buttons,
            json!({"to": "923001234567", "text": "Choose:", "footer": "❤\u{FE0F}".repeat(60),
                   "buttons": [{"id": "a", "text": "A"}]}),
        ),
        (
            Inexpressible::UrlHost,
            MessageType::Image,
            json!({"to": "923001234567", "url": "https://[::1/x.png"}),
        ),
        (
            Inexpressible::DistinctIds,
            MessageType::Buttons,
            json!({"to": "923001234567", "text": "Choose:", "footer": "f",
                   "buttons": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]}),
        ),
        (
            Inexpressible::SelectableCountAtMostOptions,
            MessageType::Poll,
            json!({"to": "923001234567", "name": "Q?", "options": ["Yes", "No"], "selectableCount": 3}),
        ),
        (
            Inexpressible::OneEmoji,
            MessageType::Reaction,
            json!({"to": "923001234567", "messageId": "M", "emoji": "ok"}),
        ),
    ];
    for (rule, t, body) in examples {
        let bytes = serde_json::to_vec(&body).unwrap();
        assert_ne!(
            Message::parse_valid(t, &bytes).is_ok(),
            schema_accepts(t, &body),
            "{rule:?}: both sides agree on {body}"
        );
        assert_eq!(verdicts_agree(t, &body), Ok(Some(rule)));
    }
}

#[test]
fn expressible_rules_are_in_the_schema() {
    // A control for the agreement tests: plain breaches are refused by both sides.
    let cases = [
        (
            MessageType::Buttons,
            json!({"to": "923001234567", "text": "t", "buttons": [{"id": "a", "text": "A"}]}),
        ),
        (
            MessageType::Document,
            json!({"to": "923001234567", "url": "https://a.io/a.pdf", "filename": "a.pdf", "mimetype": "application/pdf"}),
        ),
        (
            MessageType::Poll,
            json!({"to": "923001234567", "name": "Q", "options": ["a", "b"], "selectableCount": 1.5}),
        ),
        (
            MessageType::Text,
            json!({"to": "+923001234567", "text": "hi"}),
        ),
        (
            MessageType::Location,
            json!({"to": "923001234567", "latitude": "1", "longitude": 2}),
        ),
    ];
    for (t, body) in cases {
        let bytes = serde_json::to_vec(&body).unwrap();
        assert!(Message::parse_valid(t, &bytes).is_err(), "{t}: {body}");
        assert!(!schema_accepts(t, &body), "{t}: the schema accepts {body}");
    }
    // And 1.0 is an integer to both.
    let body =
        json!({"to": "923001234567", "name": "Q", "options": ["a", "b"], "selectableCount": 1.0});
    assert!(Message::parse_valid(MessageType::Poll, &serde_json::to_vec(&body).unwrap()).is_ok());
    assert!(schema_accepts(MessageType::Poll, &body));
}

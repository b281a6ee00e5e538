//! Issue 9, part 1: for each of the 14 types, a body with several problems at different
//! depths gets one answer that names every one of them (with a suggestion where a known
//! field is close). Each case lists the paths that must be named; the snapshot records
//! the whole answer, human sentences and JSON, for review.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use wasphere_types::{Message, MessageType};

struct Case {
    message_type: MessageType,
    body: String,
    /// Paths that must be named, each with the suggestion it must carry.
    named: &'static [(&'static str, Option<&'static str>)],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            message_type: MessageType::Text,
            body: r#"{"to":"+92 300 1234567","txt":"Hello","quotedId":12,"preview":true}"#.into(),
            named: &[
                ("txt", Some("text")),
                ("quotedId", None),
                ("preview", None),
                ("text", None),
                ("to", None),
            ],
        },
        Case {
            message_type: MessageType::Image,
            body: r#"{"to":"","link":"https://yourcdn.com/a.jpg","caption":["Look"]}"#.into(),
            named: &[("link", Some("url")), ("caption", None), ("url", None), ("to", None)],
        },
        Case {
            message_type: MessageType::Video,
            body: r#"{"to":923001234567,"url":"ftp://yourcdn.com/v.mp4","captoin":"Watch"}"#.into(),
            named: &[("to", None), ("captoin", Some("caption")), ("url", None)],
        },
        Case {
            message_type: MessageType::Audio,
            body: r#"{"to":"923001234567","url":"https://yourcdn.com/a.ogg","ptt":true,"isVoiceNote":"yes"}"#.into(),
            named: &[("ptt", Some("isVoiceNote")), ("isVoiceNote", None)],
        },
        Case {
            message_type: MessageType::Document,
            body: r#"{"to":"923001234567","url":"https://x.com/a.pdf","filename":"a.pdf","caption":"Q3"}"#.into(),
            named: &[
                ("filename", Some("fileName")),
                ("caption", None),
                ("fileName", None),
                ("mimetype", None),
            ],
        },
        Case {
            message_type: MessageType::Gif,
            body: r#"{"url":"https://yourcdn.com/a.mp4","caption":null,"text":"Congrats"}"#.into(),
            named: &[("text", Some("caption")), ("to", None)],
        },
        Case {
            message_type: MessageType::Sticker,
            body: r#"{"to":"923001234567","url":"data:image/png;base64,","caption":"nice"}"#.into(),
            named: &[("caption", None), ("url", None)],
        },
        Case {
            message_type: MessageType::Location,
            body: format!(r#"{{"to":"923001234567","lat":33.68,"lng":73.04,"latitude":"33.68","name":"{}"}}"#, "n".repeat(256)),
            named: &[
                ("lat", Some("latitude")),
                ("lng", Some("longitude")),
                ("latitude", None),
                ("longitude", None),
                ("name", None),
            ],
        },
        Case {
            message_type: MessageType::Contact,
            body: r#"{"to":"923001234567","name":"Bob","phone":"123"}"#.into(),
            named: &[
                ("name", Some("displayName")),
                ("phone", Some("phoneNumber")),
                ("displayName", None),
                ("phoneNumber", None),
            ],
        },
        Case {
            message_type: MessageType::Poll,
            body: r#"{"to":"923001234567","question":"Q?","options":["Yes",2,"Yes"],"selectableCount":1.5}"#.into(),
            named: &[
                ("question", Some("name")),
                ("options[1]", None),
                ("selectableCount", None),
                ("name", None),
                ("options[2]", None),
            ],
        },
        Case {
            message_type: MessageType::Buttons,
            body: format!(
                r#"{{"to":"923001234567","text":"Choose:","buttons":[{{"id":"btn1","label":"Option A"}},{{"id":"btn2","title":"Option B"}},{{"id":"btn3","text":"Option C","url":"https://x.io"}},"Option D"],"footer":"{}"}}"#,
                "f".repeat(61)
            ),
            named: &[
                ("buttons[0].label", Some("buttons[0].text")),
                ("buttons[0].text", None),
                ("buttons[1].title", Some("buttons[1].text")),
                ("buttons[1].text", None),
                ("buttons[2].url", None),
                ("buttons[3]", None),
                ("footer", None),
                ("buttons", None),
            ],
        },
        Case {
            message_type: MessageType::List,
            body: r#"{"to":"923001234567","title":"Plans","text":"Select below:","button_text":"View","sections":[{"title":"Plans","rows":[{"id":"free","title":"Free","desc":"Basic"},{"id":"free","titel":"Pro"}]},{"name":"More","rows":[]}]}"#.into(),
            named: &[
                ("button_text", Some("buttonText")),
                ("sections[0].rows[0].desc", Some("sections[0].rows[0].description")),
                ("sections[0].rows[1].titel", Some("sections[0].rows[1].title")),
                ("sections[0].rows[1].title", None),
                ("sections[1].name", None),
                ("sections[1].title", None),
                ("buttonText", None),
                ("sections[1].rows", None),
                ("sections[0].rows[1].id", None),
            ],
        },
        Case {
            message_type: MessageType::ViewOnce,
            body: r#"{"to":"923001234567","image":"https://yourcdn.com/otp.jpg","caption":"Your code","viewOnce":true}"#.into(),
            named: &[("image", Some("url")), ("viewOnce", None), ("url", None)],
        },
        Case {
            message_type: MessageType::Reaction,
            body: r#"{"to":"923001234567","message_id":"3EB0C767D097B7C7A5C1","reaction":"👍","fromMe":"yes"}"#.into(),
            named: &[
                ("message_id", Some("messageId")),
                ("reaction", Some("emoji")),
                ("fromMe", None),
                ("messageId", None),
                ("emoji", None),
            ],
        },
    ]
}

#[test]
fn every_problem_of_every_type_is_named_in_one_answer() {
    let cases = cases();
    assert_eq!(cases.len(), MessageType::ALL.len());
    for case in cases {
        let t = case.message_type;
        let body = case.body.as_bytes();
        let err = Message::parse(t, body).unwrap_err();
        // parse_valid and parse agree: the shape is broken, so parse already added the rules.
        assert_eq!(Message::parse_valid(t, body).unwrap_err(), err, "{t}");

        let named: Vec<(&str, Option<&str>)> = err
            .violations
            .iter()
            .map(|v| (v.path.as_str(), v.suggestion.as_deref()))
            .collect();
        assert_eq!(named, case.named, "{t}: {err}");

        let human: Vec<String> = err
            .violations
            .iter()
            .map(|v| format!("{} [{}]: {}", display_path(&v.path), rule_name(v), v))
            .collect();
        insta::assert_json_snapshot!(
            t.as_str(),
            json!({
                "body": case.body,
                "human": human,
                "json": err.violations,
                "server": err.server_side().map(|v| v.server_sentence()).collect::<Vec<_>>(),
            })
        );
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "(body)" } else { path }
}

/// The rule's JSON tag (`unknownField`, `maxLength`), as `wasphere validate` shows it.
fn rule_name(v: &wasphere_types::Violation) -> String {
    serde_json::to_value(&v.rule).unwrap()["rule"]
        .as_str()
        .unwrap()
        .to_owned()
}

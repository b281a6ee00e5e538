//! A raw request body to a message, or to the server's 400 with every sentence it would give.
//!
//! `Message::parse` stops at serde's first complaint, but the server (class-validator with
//! `forbidNonWhitelisted`) names every unknown property and still checks the rest. So an
//! unknown property is removed and the body parsed again, until it parses or fails for
//! another reason; the sentences are then the unknown properties first (class-validator
//! reports them before the field rules), followed by the remaining violations.

use serde_json::Value;
use wasphere_types::{Message, MessageType, Rule, ValidationError};

use crate::routes::answers::Answer;

/// More unknown properties than this in one body are not worth naming one by one.
const MAX_UNKNOWN: usize = 64;

/// The message, if the server would accept the body; otherwise its 400 answer. Only rules
/// the server enforces count: this toolkit's client-side rules never refuse a body here.
pub(crate) fn check_body(message_type: MessageType, bytes: &[u8]) -> Result<Message, Answer> {
    let mut err = match Message::parse(message_type, bytes) {
        Ok(message) => return validated(message, Vec::new()),
        Err(err) => err,
    };
    if let Some(detail) = invalid_json(&err) {
        return Err(Answer::invalid_json(detail));
    }
    let mut sentences = Vec::new();
    let mut value: Option<Value> = None;
    while let Some(unknown) = err
        .violations
        .first()
        .filter(|v| v.rule == Rule::UnknownField && sentences.len() < MAX_UNKNOWN)
    {
        sentences.push(unknown.server_sentence());
        // The body parsed as JSON (the complaint is about a field), so this succeeds.
        let body = match value.as_mut() {
            Some(body) => body,
            None => match serde_json::from_slice(bytes) {
                Ok(parsed) => value.insert(parsed),
                Err(_) => break,
            },
        };
        if !remove_path(body, &unknown.path) {
            break;
        }
        match Message::parse(message_type, body.to_string().as_bytes()) {
            Ok(message) => return validated(message, sentences),
            Err(next) => err = next,
        }
    }
    if !err
        .violations
        .first()
        .is_some_and(|v| v.rule == Rule::UnknownField)
    {
        sentences.extend(server_sentences(&err));
    }
    Err(Answer::validation_failed(sentences))
}

fn validated(message: Message, mut sentences: Vec<String>) -> Result<Message, Answer> {
    if let Err(err) = message.validate() {
        sentences.extend(server_sentences(&err));
    }
    if sentences.is_empty() {
        Ok(message)
    } else {
        Err(Answer::validation_failed(sentences))
    }
}

fn server_sentences(err: &ValidationError) -> impl Iterator<Item = String> + '_ {
    err.server_side().map(|v| v.server_sentence())
}

fn invalid_json(err: &ValidationError) -> Option<&str> {
    match &err.violations.first()?.rule {
        Rule::InvalidJson { detail } => Some(detail),
        _ => None,
    }
}

/// Removes the field at a violation's path (`filename`, `buttons[1].url`,
/// `sections[0].rows[2].icon`); false if the path leads nowhere.
fn remove_path(value: &mut Value, path: &str) -> bool {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            steps.push(Step::Key(name));
        }
        while !rest.is_empty() {
            let Some((index, after)) = rest.split_once(']') else {
                return false;
            };
            let Ok(index) = index.parse() else {
                return false;
            };
            steps.push(Step::Index(index));
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    let Some((Step::Key(last), parents)) = steps.split_last() else {
        return false;
    };
    let mut here = value;
    for step in parents {
        let next = match step {
            Step::Key(k) => here.get_mut(*k),
            Step::Index(i) => here.get_mut(*i),
        };
        match next {
            Some(next) => here = next,
            None => return false,
        }
    }
    here.as_object_mut()
        .is_some_and(|object| object.remove(*last).is_some())
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sentences(t: MessageType, body: &str) -> Vec<String> {
        let answer = check_body(t, body.as_bytes()).unwrap_err();
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        serde_json::from_value(body["message"].clone()).unwrap()
    }

    #[test]
    fn names_every_unknown_property_then_the_other_rules() {
        assert_eq!(
            sentences(
                MessageType::Document,
                r#"{"to":"923001234567","url":"https://x.io/a.pdf","filename":"a.pdf","mimetype":"application/pdf"}"#
            ),
            [
                "property filename should not exist",
                "fileName should not be empty"
            ]
        );
        assert_eq!(
            sentences(
                MessageType::Text,
                &format!(
                    r#"{{"to":"923001234567","text":"{}","preview":true,"priority":1}}"#,
                    "a".repeat(65537)
                )
            ),
            [
                "property preview should not exist",
                "property priority should not exist",
                "text must be shorter than or equal to 65536 characters"
            ]
        );
        assert_eq!(
            sentences(
                MessageType::Buttons,
                r#"{"to":"1","text":"t","footer":"f","buttons":[{"id":"a","text":"b","url":"x"}]}"#
            ),
            ["property buttons.0.url should not exist"]
        );
    }

    #[test]
    fn client_side_rules_alone_pass() {
        assert!(check_body(MessageType::Text, br#"{"to":"+92 300","text":"hi"}"#).is_ok());
    }

    #[test]
    fn removes_nested_paths() {
        let mut v = json!({"a": [{"b": 1, "c": 2}], "d": {"e": [[{"f": 1}]]}});
        assert!(remove_path(&mut v, "a[0].c"));
        assert!(remove_path(&mut v, "d.e[0][0].f"));
        assert!(!remove_path(&mut v, "a[5].b"));
        assert!(!remove_path(&mut v, "a[x].b"));
        assert!(!remove_path(&mut v, "a[0]"));
        assert_eq!(v, json!({"a": [{"b": 1}], "d": {"e": [[{}]]}}));
    }
}

//! A raw request body to a message (or an operation's request), or to the server's 400
//! with every sentence it would give.
//!
//! `Message::parse` names every problem of a body's shape in one answer (every unknown
//! property at every depth, every missing or mistyped field) and, when the shape is
//! broken, the broken rules of the values present too; the server (class-validator with
//! `forbidNonWhitelisted`) also names them all. So the 400 is those violations the server
//! enforces, as the server words them.

use wasphere_types::{Message, MessageType, Rule, ValidationError};

use crate::routes::answers::Answer;

/// The message, if the server would accept the body; otherwise its 400 answer. Only rules
/// the server enforces count: this toolkit's client-side rules never refuse a body here.
pub(crate) fn check_body(message_type: MessageType, bytes: &[u8]) -> Result<Message, Answer> {
    server_verdict(Message::parse(message_type, bytes), Message::validate)
}

/// What the server makes of a request that `parsed` read and `validate` checks: the
/// request, or the 400 naming every rule the server enforces that it breaks.
pub(crate) fn server_verdict<T>(
    parsed: Result<T, ValidationError>,
    validate: impl FnOnce(&T) -> Result<(), ValidationError>,
) -> Result<T, Answer> {
    let err = match parsed {
        Ok(request) => match validate(&request) {
            Err(err) if err.server_would_reject() => err,
            _ => return Ok(request),
        },
        Err(err) => err,
    };
    if let Some(detail) = invalid_json(&err) {
        return Err(Answer::invalid_json(detail));
    }
    Err(Answer::validation_failed(server_sentences(&err)))
}

fn server_sentences(err: &ValidationError) -> Vec<String> {
    err.server_side().map(|v| v.server_sentence()).collect()
}

fn invalid_json(err: &ValidationError) -> Option<&str> {
    match &err.violations.first()?.rule {
        Rule::InvalidJson { detail } => Some(detail),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn sentences(t: MessageType, body: &str) -> Vec<String> {
        let answer = check_body(t, body.as_bytes()).unwrap_err();
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        serde_json::from_value(body["message"].clone()).unwrap()
    }

    #[test]
    fn names_every_problem_as_the_server_words_it() {
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
            ["buttons.0.property url should not exist"]
        );
    }

    #[test]
    fn client_side_rules_alone_pass() {
        assert!(check_body(MessageType::Text, br#"{"to":"+92 300","text":"hi"}"#).is_ok());
    }
}

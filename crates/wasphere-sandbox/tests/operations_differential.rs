//! The differential property of the sends, for the operations on messages: over generated
//! requests (valid ones, and ones broken at the boundaries of every rule), what
//! `wasphere-types` accepts is what the sandbox accepts over TCP, and what it refuses the
//! sandbox refuses with exactly the server-side sentences `validate()` gives (or
//! `INVALID_MESSAGE_ID` for a bad id in the path). Client-side rules never refuse here.

#![allow(clippy::unwrap_used)]

mod common;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RateLimit, RunningSandbox, Sandbox};
use wasphere_types::{
    DeleteMessage, EditMessage, MarkRead, MessageId, MessageOperation, SetPresence, Typing,
    ValidationError,
};

/// A generated request: the operation, the id of its path (edit, delete) and its fields.
#[derive(Debug, Clone)]
struct Case {
    operation: MessageOperation,
    id: String,
    fields: Value,
}

/// Strings around the limits of `to`, including ones only the client refuses.
fn to() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("923001234567")),
        Just(json!("")),
        Just(json!("1".repeat(40))),
        Just(json!("1".repeat(41))),
        Just(json!("+92 300 1234567")),
        Just(json!("120363025246125486@g.us")),
        Just(json!(923001234567u64)),
        Just(Value::Null),
    ]
}

/// A value of another JSON type than the field's, or nothing special.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(1)),
        Just(json!(true)),
        Just(Value::Null),
        Just(json!(["x"])),
        Just(json!({"x": 1})),
    ]
}

fn message_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("3EB0C767D097B7C7A5C1".to_owned()),
        1 => Just("a".repeat(100)),
        1 => Just("a".repeat(101)),
        1 => Just("3EB0.C767".to_owned()),
        1 => Just("id with spaces".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("Ships on Monday")),
        Just(json!("")),
        Just(json!("❤\u{fe0f}".repeat(65_536))),
        Just(json!("x".repeat(65_537))),
    ]
}

fn ids() -> impl Strategy<Value = Value> {
    let id = prop_oneof![
        4 => Just(json!("3EB0C767D097B7C7A5C1")),
        1 => Just(json!("")),
        1 => Just(json!("a".repeat(100))),
        1 => Just(json!("a".repeat(101))),
        1 => Just(json!("not an id")),
        1 => Just(json!(7)),
    ];
    prop_oneof![
        4 => vec(id, 0..4).prop_map(Value::from),
        1 => Just(Value::from(vec![json!("A"); 100])),
        1 => Just(Value::from(vec![json!("A"); 101])),
        1 => odd_value(),
    ]
}

/// An optional field: absent, or a value.
fn maybe(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![1 => Just(None), 3 => value.prop_map(Some)]
}

/// An extra field the server does not know, or none.
fn extra() -> impl Strategy<Value = Option<(&'static str, Value)>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(("quotedId", json!("x")))),
        1 => Just(Some(("message_ids", json!(["A"])))),
    ]
}

fn object(fields: Vec<(&str, Option<Value>)>, extra: Option<(&str, Value)>) -> Value {
    let mut object = serde_json::Map::new();
    for (name, value) in fields.into_iter().chain(extra.map(|(n, v)| (n, Some(v)))) {
        if let Some(value) = value {
            object.insert(name.to_owned(), value);
        }
    }
    Value::Object(object)
}

fn case() -> impl Strategy<Value = Case> {
    let edit = (
        message_id(),
        maybe(to()),
        maybe(prop_oneof![text(), odd_value()]),
        extra(),
    )
        .prop_map(|(id, to, text, extra)| Case {
            operation: MessageOperation::Edit,
            id,
            fields: object(vec![("to", to), ("text", text)], extra),
        });
    let for_everyone = prop_oneof![Just(json!(true)), Just(json!(false)), Just(json!("maybe"))];
    let delete = (message_id(), maybe(to()), maybe(for_everyone), extra()).prop_map(
        |(id, to, for_everyone, extra)| Case {
            operation: MessageOperation::Delete,
            id,
            fields: object(vec![("to", to), ("forEveryone", for_everyone)], extra),
        },
    );
    let read = (maybe(to()), maybe(ids()), extra()).prop_map(|(to, ids, extra)| Case {
        operation: MessageOperation::MarkRead,
        id: String::new(),
        fields: object(vec![("to", to), ("messageIds", ids)], extra),
    });
    let is_group = prop_oneof![Just(json!(true)), Just(json!(false)), odd_value()];
    let typing = (maybe(to()), maybe(is_group), extra()).prop_map(|(to, is_group, extra)| Case {
        operation: MessageOperation::Typing,
        id: String::new(),
        fields: object(vec![("to", to), ("isGroup", is_group)], extra),
    });
    let word = prop_oneof![
        Just(json!("available")),
        Just(json!("paused")),
        Just(json!("recording")),
        Just(json!("online")),
        Just(json!("Paused")),
        Just(json!(3)),
    ];
    let presence = (maybe(to()), maybe(word), extra()).prop_map(|(to, presence, extra)| Case {
        operation: MessageOperation::Presence,
        id: String::new(),
        fields: object(vec![("to", to), ("presence", presence)], extra),
    });
    prop_oneof![edit, delete, read, typing, presence]
}

/// A delete's fields as its query string: strings as they are, booleans and numbers as
/// words, a list as a repeated key; anything else is left out (a query has no objects).
fn query(fields: &Value) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut add = |name: &str, value: &Value| match value {
        Value::String(s) => {
            query.append_pair(name, s);
        }
        Value::Bool(_) | Value::Number(_) => {
            query.append_pair(name, &value.to_string());
        }
        _ => {}
    };
    for (name, value) in fields.as_object().into_iter().flatten() {
        match value {
            Value::Array(items) => items.iter().for_each(|item| add(name, item)),
            other => add(name, other),
        }
    }
    query.finish()
}

/// What the types make of a case: `Ok` when the server would accept it, else the answer
/// it must give.
fn verdict(case: &Case) -> Result<(), Value> {
    if case.operation.takes_message_id() && !MessageId::is_valid(&case.id) {
        return Err(json!({"error": "INVALID_MESSAGE_ID"}));
    }
    let body = case.fields.to_string().into_bytes();
    let checked: Result<(), ValidationError> = match case.operation {
        MessageOperation::Edit => EditMessage::parse_valid(&body).map(drop),
        MessageOperation::Delete => {
            DeleteMessage::parse_query(&query(&case.fields)).and_then(|d| d.validate())
        }
        MessageOperation::MarkRead => MarkRead::parse_valid(&body).map(drop),
        MessageOperation::Typing => Typing::parse_valid(&body).map(drop),
        MessageOperation::Presence => SetPresence::parse_valid(&body).map(drop),
    };
    match checked {
        Err(err) if err.server_would_reject() => {
            let sentences: Vec<String> = err.server_side().map(|v| v.server_sentence()).collect();
            Err(json!({"statusCode": 400, "message": sentences, "error": "Bad Request"}))
        }
        _ => Ok(()),
    }
}

async fn ask(sandbox: &RunningSandbox, case: &Case) -> (u16, Value) {
    let base = format!(
        "{}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages",
        sandbox.base_url(),
        sandbox.workspace()
    );
    let client = common::client();
    let request = match case.operation {
        MessageOperation::Delete => {
            client.delete(format!("{base}/{}?{}", case.id, query(&case.fields)))
        }
        other => {
            let tail = match other {
                MessageOperation::Edit => format!("{}/edit", case.id),
                other => other.as_str().to_owned(),
            };
            client
                .post(format!("{base}/{tail}"))
                .header("content-type", "application/json")
                .body(case.fields.to_string())
        }
    };
    let response = request.bearer_auth(DEFAULT_API_KEY).send().await.unwrap();
    common::status_json(response).await
}

#[test]
fn what_validate_accepts_is_what_the_sandbox_accepts() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(Sandbox::builder().rate_limit(RateLimit::Off).start())
        .unwrap();
    let mut runner = TestRunner::new(Config::with_cases(300));
    // Counted across the closure, which proptest needs to be `Fn`.
    let accepted = std::cell::Cell::new(0);
    let refused = std::cell::Cell::new(0);
    runner
        .run(&case(), |case| {
            let (status, answer) = runtime.block_on(ask(&sandbox, &case));
            match verdict(&case) {
                Ok(()) => {
                    accepted.set(accepted.get() + 1);
                    prop_assert!(
                        status == 200 || status == 201,
                        "{case:?}: the types accept it, the sandbox answered {status} {answer}"
                    );
                }
                Err(expected) => {
                    refused.set(refused.get() + 1);
                    prop_assert_eq!(status, 400, "{:?}: {}", case, answer);
                    prop_assert_eq!(answer, expected, "{:?}", case);
                }
            }
            Ok(())
        })
        .unwrap();
    // Both sides of the property were exercised.
    let (accepted, refused) = (accepted.get(), refused.get());
    assert!(
        accepted > 20 && refused > 20,
        "{accepted} accepted, {refused} refused"
    );
}

//! The operations on messages (contract section 6): every rule at its boundary, every
//! problem of a body in one answer with the sends' words (snapshots), the JSON Schemas
//! agreeing with `validate()`, and bodies that survive a round trip.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Value, json};
use wasphere_types::schema::operation_schema;
use wasphere_types::{
    DeleteMessage, EditMessage, MarkRead, MessageId, MessageOperation, Presence, Rule, SetPresence,
    Typing, ValidationError,
};

/// Parses and validates `body` as the request of `op`, as the sandbox does.
fn check(op: MessageOperation, body: &Value) -> Result<(), ValidationError> {
    let bytes = body.to_string().into_bytes();
    match op {
        MessageOperation::Edit => EditMessage::parse_valid(&bytes).map(drop),
        MessageOperation::Delete => DeleteMessage::parse_valid(&bytes).map(drop),
        MessageOperation::MarkRead => MarkRead::parse_valid(&bytes).map(drop),
        MessageOperation::Typing => Typing::parse_valid(&bytes).map(drop),
        MessageOperation::Presence => SetPresence::parse_valid(&bytes).map(drop),
    }
}

/// `(path, rule tag, client-side?)` of each violation.
fn found(err: &ValidationError) -> Vec<(String, String, bool)> {
    err.violations
        .iter()
        .map(|v| (v.path.clone(), rule_name(v), v.is_client_side()))
        .collect()
}

fn rule_name(v: &wasphere_types::Violation) -> String {
    serde_json::to_value(&v.rule).unwrap()["rule"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The start of a body, for a failure message.
fn shown(body: &Value) -> String {
    body.to_string().chars().take(120).collect()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("3EB0C767D097B7C7A{i:03}")).collect()
}

/// A valid request of each operation.
fn valid(op: MessageOperation) -> Value {
    match op {
        MessageOperation::Edit => json!({"to": "923001234567", "text": "Ships on Monday"}),
        MessageOperation::Delete => json!({"to": "923001234567", "forEveryone": true}),
        MessageOperation::MarkRead => json!({"to": "923001234567", "messageIds": ids(2)}),
        MessageOperation::Typing => json!({"to": "120363025246125486@g.us", "isGroup": true}),
        MessageOperation::Presence => json!({"to": "923001234567", "presence": "recording"}),
    }
}

/// `body` with `field` set to `value`.
fn with(op: MessageOperation, field: &str, value: Value) -> Value {
    let mut body = valid(op);
    body[field] = value;
    body
}

/// `(path, rule tag, client-side?)` of each violation a body must get.
type Expected = Vec<(&'static str, &'static str, bool)>;

#[test]
fn every_rule_at_its_boundary() {
    use MessageOperation as Op;
    // (operation, body, the violations it must get: none at the limit, one past it)
    let cases: Vec<(Op, Value, Expected)> = vec![
        (
            Op::Edit,
            with(Op::Edit, "to", json!("1".repeat(15))),
            vec![],
        ),
        (
            Op::Edit,
            with(
                Op::Edit,
                "to",
                json!(format!("{}@s.whatsapp.net", "1".repeat(25))),
            ),
            vec![],
        ),
        (
            Op::Edit,
            with(
                Op::Edit,
                "to",
                json!(format!("{}@s.whatsapp.net", "1".repeat(26))),
            ),
            vec![("to", "maxLength", false)],
        ),
        (
            Op::Edit,
            with(Op::Edit, "to", json!("")),
            vec![("to", "notEmpty", false)],
        ),
        (
            Op::Edit,
            with(Op::Edit, "to", json!("+92 300")),
            vec![("to", "format", true)],
        ),
        (
            Op::Edit,
            with(Op::Edit, "text", json!("é".repeat(65_536))),
            vec![],
        ),
        (
            Op::Edit,
            with(Op::Edit, "text", json!("é".repeat(65_537))),
            vec![("text", "maxLength", false)],
        ),
        (
            Op::Edit,
            with(Op::Edit, "text", json!("❤\u{fe0f}".repeat(65_536))),
            vec![],
        ),
        (
            Op::Edit,
            with(Op::Edit, "text", json!("")),
            vec![("text", "notEmpty", false)],
        ),
        (
            Op::Edit,
            with(Op::Edit, "text", json!(42)),
            vec![("text", "wrongType", false)],
        ),
        (
            Op::Delete,
            with(Op::Delete, "forEveryone", json!(false)),
            vec![("forEveryone", "format", true)],
        ),
        (
            Op::Delete,
            with(Op::Delete, "forEveryone", Value::Null),
            vec![("forEveryone", "required", false)],
        ),
        (
            Op::Delete,
            with(Op::Delete, "forEveryone", json!("true")),
            vec![("forEveryone", "wrongType", false)],
        ),
        (
            Op::Delete,
            with(Op::Delete, "to", json!("1".repeat(41))),
            vec![("to", "maxLength", false)],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(ids(1))),
            vec![],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(ids(100))),
            vec![],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(ids(101))),
            vec![("messageIds", "maxItems", false)],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!([])),
            vec![("messageIds", "minItems", false)],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(["a".repeat(100)])),
            vec![],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(["a".repeat(101)])),
            vec![("messageIds[0]", "maxLength", false)],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(["ok", "not an id", ""])),
            vec![
                ("messageIds[1]", "format", true),
                ("messageIds[2]", "format", true),
            ],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!(["ok", 7])),
            vec![("messageIds[1]", "wrongType", false)],
        ),
        (
            Op::MarkRead,
            with(Op::MarkRead, "messageIds", json!("3EB0C767D097B7C7A5C1")),
            vec![("messageIds", "wrongType", false)],
        ),
        (Op::Typing, json!({"to": "923001234567"}), vec![]),
        (
            Op::Typing,
            with(Op::Typing, "isGroup", json!("yes")),
            vec![("isGroup", "wrongType", false)],
        ),
        (Op::Typing, with(Op::Typing, "isGroup", Value::Null), vec![]),
        (
            Op::Presence,
            with(Op::Presence, "presence", json!("online")),
            vec![("presence", "oneOf", false)],
        ),
        (
            Op::Presence,
            with(Op::Presence, "presence", json!("Paused")),
            vec![("presence", "oneOf", false)],
        ),
        (
            Op::Presence,
            with(Op::Presence, "presence", json!(1)),
            vec![("presence", "wrongType", false)],
        ),
    ];
    for (op, body, expected) in cases {
        let got = match check(op, &body) {
            Ok(()) => vec![],
            Err(e) => found(&e),
        };
        let expected: Vec<(String, String, bool)> = expected
            .into_iter()
            .map(|(p, r, c)| (p.to_owned(), r.to_owned(), c))
            .collect();
        assert_eq!(got, expected, "{op:?} {}", shown(&body));
    }
    for p in Presence::ALL {
        let body = with(MessageOperation::Presence, "presence", json!(p.as_str()));
        assert!(check(MessageOperation::Presence, &body).is_ok(), "{p}");
    }
}

#[test]
fn the_path_id_is_checked_like_a_field() {
    assert!(MessageId::check(&"a".repeat(100)).is_ok());
    for bad in [
        "a".repeat(101),
        String::new(),
        "3EB0/edit".into(),
        "3EB0 C7".into(),
    ] {
        let err = MessageId::check(&bad).unwrap_err();
        assert_eq!(
            found(&err),
            [("messageId".into(), "format".into(), false)],
            "{bad}"
        );
    }
}

/// Each operation's body with every kind of problem at once; the answer names them all,
/// in the sends' words, and the snapshot keeps the sentences for review.
#[test]
fn every_problem_of_a_body_in_one_answer() {
    use MessageOperation as Op;
    let cases = [
        (
            Op::Edit,
            json!({"to": "+92 300 1234567", "txt": "Ships Monday", "quotedId": "x"}),
        ),
        (
            Op::Delete,
            json!({"to": ["923001234567"], "for_everyone": true}),
        ),
        (
            Op::MarkRead,
            json!({"to": "923001234567", "messageId": "3EB0", "messageIds": ["3EB0", "a b", 3, "x".repeat(101)]}),
        ),
        (Op::Typing, json!({"to": "", "group": true, "isGroup": 1})),
        (
            Op::Presence,
            json!({"to": "923001234567", "status": "online", "presence": "online"}),
        ),
    ];
    for (op, body) in cases {
        let err = check(op, &body).unwrap_err();
        let human: Vec<String> = err
            .violations
            .iter()
            .map(|v| format!("{} [{}]: {}", v.path, rule_name(v), v))
            .collect();
        insta::assert_json_snapshot!(
            op.body_schema(),
            json!({
                "body": body,
                "human": human,
                "json": err.violations,
                "server": err.server_side().map(|v| v.server_sentence()).collect::<Vec<_>>(),
            })
        );
    }
}

#[test]
fn the_query_of_a_delete_is_read_with_the_same_words() {
    let err = DeleteMessage::parse_query("to=%2B92%20300&forEveryone=maybe&force=1").unwrap_err();
    let sentences: Vec<String> = err.violations.iter().map(|v| v.message.clone()).collect();
    assert_eq!(
        sentences,
        [
            "`forEveryone` must be a boolean",
            "`force` is not a field of delete-message, whose fields are `to` and `forEveryone`",
            // Percent-decoded: `%2B` is the `+` that `to` must not have.
            "`to` must be a phone number in international format, digits only (no +, spaces or dashes), or a WhatsApp JID (client-side rule: the server would accept this, but it is almost certainly a mistake)",
        ]
    );
    let query = DeleteMessage::new("923001234567").to_query();
    assert_eq!(
        DeleteMessage::parse_query(&query).unwrap().for_everyone,
        Some(true)
    );
}

fn schema_accepts(op: MessageOperation, body: &Value) -> bool {
    jsonschema::validator_for(&operation_schema(op))
        .unwrap()
        .is_valid(body)
}

/// Bodies the schema and `validate()` must judge alike (no variation selectors, which
/// the schema counts differently, as its description says).
fn judged_alike(op: MessageOperation) -> Vec<Value> {
    use MessageOperation as Op;
    let mut bodies = vec![valid(op), json!({}), json!({"to": "923001234567"})];
    bodies.extend([
        with(op, "to", json!("")),
        with(op, "to", json!("1".repeat(41))),
        with(op, "to", json!("+923001234567")),
        with(op, "extra", json!(1)),
    ]);
    match op {
        Op::Edit => bodies.extend([
            with(op, "text", json!("")),
            with(op, "text", json!("x".repeat(65_536))),
            with(op, "text", json!("x".repeat(65_537))),
        ]),
        Op::Delete => bodies.extend([
            with(op, "forEveryone", json!(false)),
            with(op, "forEveryone", json!("true")),
        ]),
        Op::MarkRead => bodies.extend([
            with(op, "messageIds", json!([])),
            with(op, "messageIds", json!(ids(100))),
            with(op, "messageIds", json!(ids(101))),
            with(op, "messageIds", json!(["a b"])),
            with(op, "messageIds", json!([""])),
            with(op, "messageIds", json!(["a".repeat(101)])),
        ]),
        Op::Typing => bodies.extend([
            with(op, "isGroup", json!(false)),
            with(op, "isGroup", json!("no")),
        ]),
        Op::Presence => bodies.extend([
            with(op, "presence", json!("paused")),
            with(op, "presence", json!("online")),
        ]),
    }
    bodies
}

#[test]
fn the_schemas_and_validate_agree() {
    for op in MessageOperation::ALL {
        for body in judged_alike(op) {
            assert_eq!(
                schema_accepts(op, &body),
                check(op, &body).is_ok(),
                "{op:?}: {}",
                shown(&body)
            );
        }
    }
}

#[test]
fn presence_refusals_use_the_rule_of_words() {
    let err = SetPresence::parse(br#"{"to":"923001234567","presence":"online"}"#).unwrap_err();
    let Rule::OneOf { allowed } = &err.violations[0].rule else {
        panic!("{err}");
    };
    assert_eq!(allowed.len(), 5);
}

fn to() -> impl Strategy<Value = String> {
    prop_oneof![
        "[1-9][0-9]{6,14}",
        "[0-9]{5,20}@s\\.whatsapp\\.net",
        "[0-9]{5,20}@g\\.us",
    ]
}

fn any_valid() -> impl Strategy<Value = (MessageOperation, Value)> {
    let text = "\\PC{1,40}";
    prop_oneof![
        (to(), text).prop_map(|(to, text)| {
            let body = serde_json::to_value(EditMessage::new(to, text)).unwrap();
            (MessageOperation::Edit, body)
        }),
        to().prop_map(|to| {
            let body = serde_json::to_value(DeleteMessage::new(to)).unwrap();
            (MessageOperation::Delete, body)
        }),
        (to(), vec("[a-zA-Z0-9_-]{1,100}", 1..20)).prop_map(|(to, ids)| {
            let body = serde_json::to_value(MarkRead::new(to, ids)).unwrap();
            (MessageOperation::MarkRead, body)
        }),
        (to(), any::<Option<bool>>()).prop_map(|(to, is_group)| {
            let body = serde_json::to_value(Typing {
                is_group,
                ..Typing::new(to)
            })
            .unwrap();
            (MessageOperation::Typing, body)
        }),
        (to(), 0..5usize).prop_map(|(to, i)| {
            let body = serde_json::to_value(SetPresence::new(to, Presence::ALL[i])).unwrap();
            (MessageOperation::Presence, body)
        }),
    ]
}

/// The fast writer gives serde's bytes, and what it writes reads back the same.
fn round_trips(op: MessageOperation, body: &Value) -> Result<(), TestCaseError> {
    let serde_bytes = body.to_string().into_bytes();
    macro_rules! trip {
        ($ty:ty) => {{
            let parsed = <$ty>::parse_valid(&serde_bytes).unwrap();
            prop_assert_eq!(parsed.to_json(), serde_json::to_vec(&parsed).unwrap());
            prop_assert_eq!(<$ty>::parse(&parsed.to_json()).unwrap(), parsed);
        }};
    }
    match op {
        MessageOperation::Edit => trip!(EditMessage),
        MessageOperation::Delete => trip!(DeleteMessage),
        MessageOperation::MarkRead => trip!(MarkRead),
        MessageOperation::Typing => trip!(Typing),
        MessageOperation::Presence => trip!(SetPresence),
    }
    Ok(())
}

proptest! {
    #[test]
    fn valid_requests_validate_agree_with_their_schema_and_round_trip(
        (op, body) in any_valid()
    ) {
        prop_assert!(check(op, &body).is_ok(), "{:?} {}", op, body);
        prop_assert!(schema_accepts(op, &body), "{:?} {}", op, body);
        round_trips(op, &body)?;
    }
}

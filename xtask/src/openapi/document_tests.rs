//! The committed `docs/openapi.json` against the types it describes.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};
use wasphere_types::{MessageType, documented_example};

use super::operations::{SESSION_PREFIX, pascal_case};

/// The document as committed (`cargo xtask check` proves it is what the code generates).
fn committed() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join(super::FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A validator for `schema`, a part of `document` whose references point into it.
fn validator(document: &Value, schema: &Value) -> jsonschema::Validator {
    let mut standalone = schema.clone();
    standalone["components"] = document["components"].clone();
    jsonschema::validator_for(&standalone).unwrap()
}

fn send_operation(document: &Value, t: MessageType) -> &Value {
    let path = format!("{SESSION_PREFIX}/messages/{}", t.as_str());
    &document["paths"][path.as_str()]["post"]
}

#[test]
fn the_document_lists_exactly_the_14_message_types() {
    let document = committed();
    // The sends; the operations on messages (edit, delete, …) are checked below.
    let listed: BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| {
            item["post"]["operationId"]
                .as_str()
                .is_some_and(|id| id.starts_with("send"))
        })
        .filter_map(|(p, _)| p.strip_prefix(&format!("{SESSION_PREFIX}/messages/")))
        .map(str::to_owned)
        .collect();
    let types: BTreeSet<String> = MessageType::ALL
        .into_iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    assert_eq!(
        listed, types,
        "the document's send paths are not MessageType::ALL: run `cargo xtask schemas`"
    );
    for t in MessageType::ALL {
        assert_eq!(
            send_operation(&document, t)["operationId"],
            format!("send{}", pascal_case(t.as_str()))
        );
    }
}

#[test]
fn the_documented_bodies_validate_against_the_request_schemas() {
    let document = committed();
    for t in MessageType::ALL {
        let media = &send_operation(&document, t)["requestBody"]["content"]["application/json"];
        let body: Value = serde_json::from_str(documented_example(t)).unwrap();
        assert_eq!(media["examples"]["documented"]["value"], body, "{t}");
        let schema = validator(&document, &media["schema"]);
        let errors: Vec<String> = schema.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{t}: {errors:?}");
        // And the schema is not vacuous: the same body with an unknown field is refused.
        let mut extra = body.clone();
        extra["filename"] = json!("x");
        assert!(!schema.is_valid(&extra), "{t} accepts an unknown field");
    }
}

#[test]
fn request_schemas_refuse_what_the_server_refuses() {
    let document = committed();
    let text = validator(
        &document,
        &send_operation(&document, MessageType::Text)["requestBody"]["content"]["application/json"]
            ["schema"],
    );
    assert!(!text.is_valid(&json!({"to": "923001234567", "text": ""})));
    assert!(!text.is_valid(&json!({"to": "923001234567", "text": "a".repeat(65537)})));
    assert!(!text.is_valid(&json!({"to": "923001234567"})));
    assert!(text.is_valid(&json!({"to": "923001234567", "text": "hi", "quotedId": null})));
    // `to` is checked for length only, as the server does.
    assert!(text.is_valid(&json!({"to": "+92 300 1234567", "text": "hi"})));
    assert!(!text.is_valid(&json!({"to": "1".repeat(41), "text": "hi"})));
}

/// Every example in the document (answers, webhook deliveries) fits its own schema.
#[test]
fn every_example_fits_its_schema() {
    let document = committed();
    let mut checked = 0;
    let mut media_types = Vec::new();
    for (name, response) in document["components"]["responses"].as_object().unwrap() {
        media_types.push((
            name.clone(),
            response["content"]["application/json"].clone(),
        ));
    }
    for (event, item) in document["webhooks"].as_object().unwrap() {
        media_types.push((
            event.clone(),
            item["post"]["requestBody"]["content"]["application/json"].clone(),
        ));
    }
    for (name, media) in media_types {
        let schema = validator(&document, &media["schema"]);
        for (example, value) in media["examples"].as_object().into_iter().flatten() {
            let errors: Vec<String> = schema
                .iter_errors(&value["value"])
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{name} {example}: {errors:?}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} examples");
}

#[test]
fn webhook_schemas_name_their_event() {
    let document = committed();
    let received = &document["webhooks"]["message.received"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    let schema = validator(&document, received);
    let button_reply = &document["webhooks"]["message.received"]["post"]["requestBody"]["content"]
        ["application/json"]["examples"]["buttonReply"]["value"];
    assert!(schema.is_valid(button_reply));
    let mut other_event = button_reply.clone();
    other_event["event"] = json!("message.sent");
    assert!(!schema.is_valid(&other_event));
}

#[test]
fn the_operations_on_messages_are_documented_with_their_answers() {
    let document = committed();
    let paths = document["paths"].as_object().unwrap();
    let operation = |tail: &str, method: &str| -> &Value {
        &paths[&format!("{SESSION_PREFIX}/messages/{tail}")][method]
    };
    let statuses = |op: &Value| -> Vec<String> {
        op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let with_body = [
        "201", "400", "401", "403", "404", "413", "429", "500", "501", "502", "504",
    ];
    for (tail, id) in [
        ("{messageId}/edit", "editMessage"),
        ("read", "markRead"),
        ("typing", "showTyping"),
        ("presence", "setPresence"),
    ] {
        let op = operation(tail, "post");
        assert_eq!(op["operationId"], id);
        assert_eq!(statuses(op), with_body, "{tail}");
        let media = &op["requestBody"]["content"]["application/json"];
        for (name, example) in media["examples"].as_object().unwrap() {
            let schema = validator(&document, &media["schema"]);
            assert!(schema.is_valid(&example["value"]), "{tail} {name}");
        }
    }
    let delete = operation("{messageId}", "delete");
    assert_eq!(delete["operationId"], "deleteMessage");
    assert!(delete.get("requestBody").is_none(), "a delete has no body");
    let names: Vec<&str> = delete["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["messageId", "to", "forEveryone"]);
    assert_eq!(statuses(delete)[0], "200");
    let invalid_id = json!({"error": "INVALID_MESSAGE_ID"});
    let bad_request =
        &document["components"]["responses"]["BadRequest"]["content"]["application/json"]["schema"];
    assert!(validator(&document, bad_request).is_valid(&invalid_id));
    let meta = json!({"statusCode": 501, "message": "Presence is not supported on the Meta Cloud API provider."});
    let not_supported = &document["components"]["responses"]["CapabilityNotSupported"]["content"]["application/json"]
        ["schema"];
    assert!(validator(&document, not_supported).is_valid(&meta));
}

#[test]
fn every_send_documents_every_answer_of_the_contract() {
    let document = committed();
    for t in MessageType::ALL {
        let responses = send_operation(&document, t)["responses"]
            .as_object()
            .unwrap();
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(
            statuses,
            [
                "201", "400", "401", "403", "404", "413", "422", "429", "500", "501", "502", "504"
            ],
            "{t}"
        );
    }
    let limited = &document["components"]["responses"]["TooManyRequests"];
    assert_eq!(limited["headers"]["Retry-After"]["required"], true);
}

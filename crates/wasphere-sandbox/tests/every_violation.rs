//! Issue 9, part 1, on the wire: a body with several problems at different depths gets one
//! 400 in the server's shape, `{"statusCode":400,"message":[…],"error":"Bad Request"}`,
//! with a sentence for every problem the server enforces, worded as the server (Nest's
//! ValidationPipe over class-validator) words it. Over real TCP.

#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_validation_400s, send, status_json};
use serde_json::json;
use wasphere_sandbox::{RateLimit, Sandbox};

#[tokio::test]
async fn one_400_names_every_problem_at_every_depth() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    let cases = [
        (
            "document",
            r#"{"to":"923001234567","url":"https://x.com/a.pdf","filename":"a.pdf","caption":"Q3"}"#
                .to_owned(),
            json!([
                "property filename should not exist",
                "property caption should not exist",
                "fileName should not be empty",
                "mimetype should not be empty"
            ]),
        ),
        (
            "contact",
            r#"{"to":"923001234567","name":"Bob","phone":"123"}"#.to_owned(),
            json!([
                "property name should not exist",
                "property phone should not exist",
                "displayName should not be empty",
                "phoneNumber should not be empty"
            ]),
        ),
        (
            "buttons",
            format!(
                r#"{{"to":"+92 300 1234567","text":"Choose:","buttons":[{{"id":"b1","label":"A"}},"B",{{"id":"b3","text":"C","url":"https://x.io"}}],"footer":"{}"}}"#,
                "f".repeat(61)
            ),
            // The `+92 300…` recipient breaks only this toolkit's stricter rule: not named.
            json!([
                "buttons.0.property label should not exist",
                "buttons.0.text should not be empty",
                "buttons.1 must be an object",
                "buttons.2.property url should not exist",
                "footer must be shorter than or equal to 60 characters"
            ]),
        ),
        (
            "list",
            r#"{"to":"923001234567","title":"Plans","text":"Select below:","button_text":"View","sections":[{"title":"Plans","rows":[{"id":"free","title":"Free","desc":"Basic"},{"id":"pro","titel":"Pro"}]},{"name":"More","rows":[]}]}"#
                .to_owned(),
            json!([
                "property button_text should not exist",
                "sections.0.rows.0.property desc should not exist",
                "sections.0.rows.1.property titel should not exist",
                "sections.0.rows.1.title should not be empty",
                "sections.1.property name should not exist",
                "sections.1.title should not be empty",
                "buttonText should not be empty",
                "sections.1.rows must contain at least 1 elements"
            ]),
        ),
        (
            "poll",
            r#"{"to":"923001234567","question":"Q?","options":["Yes",2],"selectableCount":1.5}"#
                .to_owned(),
            json!([
                "property question should not exist",
                "options.1 must be a string",
                "selectableCount must be an integer",
                "name should not be empty"
            ]),
        ),
    ];
    assert_validation_400s(&sandbox, cases).await;
    assert!(sandbox.messages().is_empty());
}

#[tokio::test]
async fn a_body_of_countless_wrong_items_gets_a_bounded_400() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let items = vec!["1"; 200_000].join(",");
    let body = format!(r#"{{"to":"923001234567","name":"Q","options":[{items}]}}"#);
    let (status, answer) = status_json(send(&sandbox, "poll", &body).await).await;
    assert_eq!(status, 400);
    let sentences = answer["message"].as_array().unwrap();
    assert_eq!(sentences.len(), 1_001);
    assert_eq!(sentences[0], "options.0 must be a string");
    assert_eq!(sentences[1_000], "and 199000 more problems");
}

#[tokio::test]
async fn malformed_json_gets_one_sentence_saying_where() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let (status, answer) = status_json(send(&sandbox, "text", "[[").await).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer,
        json!({
            "statusCode": 400,
            "message": "the body is not valid JSON: it ends where a value should follow at line 1, column 3",
            "error": "Bad Request"
        })
    );
}

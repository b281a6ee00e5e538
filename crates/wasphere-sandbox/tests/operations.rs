//! The operations on messages over real TCP (contract section 6): each route's success
//! and record, its 400s in the server's words, `INVALID_MESSAGE_ID`, the Meta provider's
//! 501s, the guard, the shared rate limit, and the server's own "paused" after typing.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TEXT, client, send, status_json};
use serde_json::{Value, json};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, RateLimit, RunningSandbox, Sandbox,
};
use wasphere_types::MessageOperation;

const ID: &str = "3EB0C767D097B7C7A5C1";

/// `…/sessions/{session}/messages/{tail}`.
fn url(sandbox: &RunningSandbox, session: &str, tail: &str) -> String {
    format!(
        "{}/workspaces/{}/proxy/api/sessions/{session}/messages/{tail}",
        sandbox.base_url(),
        sandbox.workspace()
    )
}

async fn post_as(
    sandbox: &RunningSandbox,
    key: &str,
    session: &str,
    tail: &str,
    body: &Value,
) -> (u16, Value) {
    let response = client()
        .post(url(sandbox, session, tail))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn post(sandbox: &RunningSandbox, tail: &str, body: &Value) -> (u16, Value) {
    post_as(sandbox, DEFAULT_API_KEY, DEFAULT_SESSION, tail, body).await
}

async fn delete_in(sandbox: &RunningSandbox, session: &str, id: &str, query: &str) -> (u16, Value) {
    let response = client()
        .delete(format!("{}?{query}", url(sandbox, session, id)))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn delete(sandbox: &RunningSandbox, id: &str, query: &str) -> (u16, Value) {
    delete_in(sandbox, DEFAULT_SESSION, id, query).await
}

fn bad_request(sentences: &[&str]) -> Value {
    json!({"statusCode": 400, "message": sentences, "error": "Bad Request"})
}

#[tokio::test]
async fn each_operation_answers_as_the_contract_says_and_is_recorded() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let to = json!("923001234567");

    let (status, edited) = post(
        &sandbox,
        &format!("{ID}/edit"),
        &json!({"to": to, "text": "Ships Monday"}),
    )
    .await;
    assert_eq!(status, 201, "{edited}");
    assert_eq!(edited["status"], "edited");
    let edit_id = edited["messageId"].as_str().unwrap().to_owned();
    assert_eq!(edit_id.len(), 20);
    assert_ne!(edit_id, ID, "an edit goes out as a message of its own");

    assert_eq!(
        delete(&sandbox, ID, "to=923001234567&forEveryone=true").await,
        (200, json!({"status": "deleted"}))
    );
    assert_eq!(
        post(
            &sandbox,
            "read",
            &json!({"to": to, "messageIds": [ID, "3EB0C767D097B7C7A5C2"]})
        )
        .await,
        (201, json!({"status": "read"}))
    );
    assert_eq!(
        post(&sandbox, "typing", &json!({"to": to})).await,
        (201, json!({"status": "typing"}))
    );
    assert_eq!(
        post(
            &sandbox,
            "presence",
            &json!({"to": to, "presence": "recording"})
        )
        .await,
        (201, json!({"status": "recording"}))
    );

    let recorded = sandbox.operations();
    let seen: Vec<(MessageOperation, Option<&str>)> = recorded
        .iter()
        .map(|op| (op.operation, op.message_id.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (MessageOperation::Edit, Some(ID)),
            (MessageOperation::Delete, Some(ID)),
            (MessageOperation::MarkRead, None),
            (MessageOperation::Typing, None),
            (MessageOperation::Presence, None),
        ]
    );
    assert_eq!(recorded[0].body, json!({"to": to, "text": "Ships Monday"}));
    assert_eq!(recorded[0].answer_id.as_deref(), Some(edit_id.as_str()));
    assert_eq!(recorded[1].body, json!({"to": to, "forEveryone": true}));
    assert_eq!(recorded[2].body["messageIds"][1], "3EB0C767D097B7C7A5C2");
    assert!(
        recorded
            .iter()
            .all(|op| op.key_prefix == "wsk_test_" && !op.by_server)
    );
    assert!(
        sandbox.messages().is_empty(),
        "no operation is a sent message"
    );

    // The same record over HTTP, and cleared with the messages.
    let listed: Value = client()
        .get(format!("{}/__sandbox/operations", sandbox.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[1]["operation"], "delete");
    assert_eq!(listed[1]["messageId"], ID);
    sandbox.clear();
    assert!(sandbox.operations().is_empty());
}

#[tokio::test]
async fn a_delete_recalls_for_everyone_whatever_for_everyone_says_and_needs_it() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    // As the server: false is accepted, and the message is deleted all the same.
    assert_eq!(
        delete(&sandbox, ID, "forEveryone=false&to=923001234567").await,
        (200, json!({"status": "deleted"}))
    );
    assert_eq!(sandbox.operations()[0].body["forEveryone"], false);
    // Absent, or not a boolean, or with unknown or repeated parameters: 400.
    let refusals = [
        ("to=923001234567", vec!["forEveryone should not be empty"]),
        (
            "to=923001234567&forEveryone=yes",
            vec!["forEveryone must be a boolean"],
        ),
        (
            "to=923001234567&forEveryone=true&for_me=true",
            vec!["property for_me should not exist"],
        ),
        ("to=1&to=2&forEveryone=true", vec!["to must be a string"]),
        ("forEveryone=true", vec!["to should not be empty"]),
        (
            &format!("to={}&forEveryone=true", "1".repeat(41)),
            vec!["to must be shorter than or equal to 40 characters"],
        ),
    ];
    for (query, sentences) in refusals {
        assert_eq!(
            delete(&sandbox, ID, query).await,
            (400, bad_request(&sentences)),
            "{query}"
        );
    }
    assert_eq!(sandbox.operations().len(), 1);
}

#[tokio::test]
async fn bodies_are_refused_with_every_sentence_the_server_gives() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let cases = [
        (
            format!("{ID}/edit"),
            json!({"to": "923001234567", "txt": "hi"}),
            vec!["property txt should not exist", "text should not be empty"],
        ),
        (
            format!("{ID}/edit"),
            json!({"to": "", "text": "x".repeat(65_537)}),
            vec![
                "to should not be empty",
                "text must be shorter than or equal to 65536 characters",
            ],
        ),
        (
            "read".to_owned(),
            json!({"to": "923001234567", "messageIds": []}),
            vec!["messageIds must contain at least 1 elements"],
        ),
        (
            "read".to_owned(),
            json!({"to": "923001234567", "messageIds": (0..101).map(|i| format!("A{i}")).collect::<Vec<_>>()}),
            vec!["messageIds must contain no more than 100 elements"],
        ),
        (
            "read".to_owned(),
            json!({"to": "923001234567", "messageIds": ["a".repeat(101), 7]}),
            vec![
                "messageIds.1 must be a string",
                "messageIds.0 must be shorter than or equal to 100 characters",
            ],
        ),
        (
            "typing".to_owned(),
            json!({"to": "923001234567", "isGroup": "no"}),
            vec!["isGroup must be a boolean"],
        ),
        (
            "presence".to_owned(),
            json!({"to": "923001234567", "presence": "online"}),
            vec![
                "presence must be one of the following values: available, unavailable, composing, recording, paused",
            ],
        ),
        (
            "presence".to_owned(),
            json!({"to": "923001234567"}),
            vec!["presence should not be empty"],
        ),
    ];
    for (tail, body, sentences) in cases {
        let (status, answer) = post(&sandbox, &tail, &body).await;
        assert_eq!((status, answer), (400, bad_request(&sentences)), "{tail}");
    }
    // Client-side rules alone never refuse: the server takes any string as an id here.
    assert_eq!(
        post(
            &sandbox,
            "read",
            &json!({"to": "+92 300", "messageIds": ["not an id"]})
        )
        .await
        .0,
        201
    );
    // Malformed JSON is one sentence, as for a send.
    let response = client()
        .post(url(&sandbox, DEFAULT_SESSION, "typing"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body("{\"to\":")
        .send()
        .await
        .unwrap();
    let (status, answer) = status_json(response).await;
    assert_eq!(status, 400);
    assert!(answer["message"].is_string(), "{answer}");
    assert_eq!(sandbox.operations().len(), 1);
}

#[tokio::test]
async fn a_bad_message_id_is_invalid_message_id_before_anything_else() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let invalid = (400, json!({"error": "INVALID_MESSAGE_ID"}));
    for id in [
        "a".repeat(101),
        "3EB0.C767".into(),
        "%C3%A9".into(),
        "a%20b".into(),
    ] {
        let edit = post(&sandbox, &format!("{id}/edit"), &json!({})).await;
        assert_eq!(edit, invalid, "edit {id}");
        assert_eq!(delete(&sandbox, &id, "").await, invalid, "delete {id}");
    }
    // The longest id is fine, and unknown ids are not looked up.
    let longest = "a".repeat(100);
    let edit = post(
        &sandbox,
        &format!("{longest}/edit"),
        &json!({"to": "923001234567", "text": "x"}),
    )
    .await;
    assert_eq!(edit.0, 201);
    // `read`, `typing` and `presence` are ids like any other to a DELETE.
    for word in ["read", "typing", "presence"] {
        let deleted = delete(&sandbox, word, "to=923001234567&forEveryone=true").await;
        assert_eq!(deleted, (200, json!({"status": "deleted"})), "{word}");
        let last = sandbox.operations().pop().unwrap();
        assert_eq!(last.message_id.as_deref(), Some(word));
    }
    // The session id is checked first, as on the server.
    let (status, body) = delete_in(&sandbox, "bad session", "a b", "").await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "INVALID_SESSION_ID"}))
    );
}

#[tokio::test]
async fn a_meta_session_refuses_what_its_provider_cannot_do() {
    let sandbox = Sandbox::builder()
        .session(DEFAULT_SESSION)
        .meta_session("cloud")
        .start()
        .await
        .unwrap();
    let to = json!("923001234567");
    let meta = |feature: &str| {
        (
            501,
            json!({"statusCode": 501, "message": format!("{feature} is not supported on the Meta Cloud API provider.")}),
        )
    };
    let edit = post_as(
        &sandbox,
        DEFAULT_API_KEY,
        "cloud",
        &format!("{ID}/edit"),
        &json!({"to": to, "text": "x"}),
    )
    .await;
    assert_eq!(edit, meta("Message editing"));
    assert_eq!(
        delete_in(&sandbox, "cloud", ID, "to=923001234567&forEveryone=true").await,
        meta("Message deletion")
    );
    assert_eq!(
        post_as(
            &sandbox,
            DEFAULT_API_KEY,
            "cloud",
            "typing",
            &json!({"to": to})
        )
        .await,
        meta("Typing indicator")
    );
    assert_eq!(
        post_as(
            &sandbox,
            DEFAULT_API_KEY,
            "cloud",
            "presence",
            &json!({"to": to, "presence": "available"})
        )
        .await,
        meta("Presence")
    );
    // Validation comes first: a broken body is a 400 on any provider.
    let (status, _) = post_as(&sandbox, DEFAULT_API_KEY, "cloud", "typing", &json!({})).await;
    assert_eq!(status, 400);
    // Mark read works, and says so in Meta's word.
    assert_eq!(
        post_as(
            &sandbox,
            DEFAULT_API_KEY,
            "cloud",
            "read",
            &json!({"to": to, "messageIds": [ID]})
        )
        .await,
        (201, json!({"status": "ok"}))
    );
    // Sends: the types the Cloud API has go out; poll, gif and view-once do not.
    let (status, _) = post_as(
        &sandbox,
        DEFAULT_API_KEY,
        "cloud",
        "text",
        &serde_json::from_str(TEXT).unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let poll = json!({"to": to, "name": "Lunch?", "options": ["Pizza", "Sushi"]});
    assert_eq!(
        post_as(&sandbox, DEFAULT_API_KEY, "cloud", "poll", &poll).await,
        (
            501,
            json!({
                "error": "CAPABILITY_NOT_SUPPORTED",
                "message": "The Meta Cloud API provider cannot send poll messages.",
                "capability": "poll",
                "provider": "meta",
            })
        )
    );
    for slug in ["gif", "view-once"] {
        let body = json!({"to": to, "url": "https://yourcdn.com/a.mp4"});
        let (status, answer) = post_as(&sandbox, DEFAULT_API_KEY, "cloud", slug, &body).await;
        assert_eq!((status, answer["capability"].as_str()), (501, Some(slug)));
    }
    // The same on the other session works.
    assert_eq!(post(&sandbox, "poll", &poll).await.0, 201);
    assert_eq!(sandbox.operations().len(), 1, "only the mark read");
    assert_eq!(
        sandbox.messages().len(),
        2,
        "the text and the poll on the other session"
    );
}

#[tokio::test]
async fn the_guard_and_the_session_checks_apply_as_for_sends() {
    let sandbox = Sandbox::builder()
        .disconnected_session("offline")
        .session(DEFAULT_SESSION)
        .start()
        .await
        .unwrap();
    let body = json!({"to": "923001234567"});
    assert_eq!(
        post_as(&sandbox, "wsk_test_wrong", DEFAULT_SESSION, "typing", &body).await,
        (
            401,
            json!({"statusCode": 401, "message": "Invalid or expired API key"})
        )
    );
    let (status, _) = post_as(&sandbox, DEFAULT_API_KEY, "nobody", "typing", &body).await;
    assert_eq!(status, 404);
    assert_eq!(
        post_as(&sandbox, DEFAULT_API_KEY, "offline", "typing", &body).await,
        (500, json!({"error": "Session not connected"}))
    );
    assert!(sandbox.operations().is_empty());
}

#[tokio::test]
async fn a_method_no_route_has_is_nest_s_404_naming_no_methods() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    // `…/messages/{id}` takes POST (a send) and DELETE; `…/edit` only POST.
    for (method, tail) in [
        (reqwest::Method::OPTIONS, ID.to_owned()),
        (reqwest::Method::PUT, "text".to_owned()),
        (reqwest::Method::GET, format!("{ID}/edit")),
        (reqwest::Method::PATCH, "typing".to_owned()),
    ] {
        let response = client()
            .request(method.clone(), url(&sandbox, DEFAULT_SESSION, &tail))
            .bearer_auth(DEFAULT_API_KEY)
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().get("allow").is_none(),
            "{method} {tail}: {:?}",
            response.headers().get("allow")
        );
        let (status, body) = status_json(response).await;
        assert_eq!(status, 404, "{method} {tail}");
        assert_eq!(body["error"], "Not Found", "{method} {tail}");
    }
}

#[tokio::test]
async fn operations_and_sends_share_the_key_s_window() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Window {
            max: 2,
            window: Duration::from_secs(60),
        })
        .start()
        .await
        .unwrap();
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    assert_eq!(
        post(&sandbox, "typing", &json!({"to": "923001234567"}))
            .await
            .0,
        201
    );
    let response = client()
        .delete(format!(
            "{}?to=923001234567&forEveryone=true",
            url(&sandbox, DEFAULT_SESSION, ID)
        ))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "60");
    let (status, body) = status_json(response).await;
    assert_eq!(
        (status, body),
        (
            429,
            json!({"statusCode": 429, "error": "Too Many Requests", "retryAfter": 60})
        )
    );
}

#[tokio::test]
async fn faults_apply_to_operations_too() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Status(504)));
    let (status, _) = post(
        &sandbox,
        &format!("{ID}/edit"),
        &json!({"to": "923001234567", "text": "x"}),
    )
    .await;
    assert_eq!(status, 504);
    let recorded = sandbox.operations();
    assert_eq!(
        recorded.len(),
        1,
        "the edit was done; only its answer was lost"
    );
    assert_eq!(recorded[0].fault.as_deref(), Some("status:504"));
}

#[tokio::test]
async fn typing_is_followed_by_the_server_s_own_paused_after_3_seconds() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let started = Instant::now();
    let (status, _) = post(&sandbox, "typing", &json!({"to": "923001234567"})).await;
    assert_eq!(status, 201);
    let paused = loop {
        let ops = sandbox.operations();
        if let Some(paused) = ops.iter().find(|op| op.by_server).cloned() {
            break paused;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no paused: {ops:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(paused.operation, MessageOperation::Presence);
    assert_eq!(
        paused.body,
        json!({"to": "923001234567", "presence": "paused"})
    );
    let typed = &sandbox.operations()[0];
    let gap = paused
        .received_at
        .duration_since(typed.received_at)
        .unwrap();
    assert!(gap >= Duration::from_secs(3), "{gap:?}");
}

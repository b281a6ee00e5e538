//! The operations on messages against the sandbox over TCP, through the async and the
//! blocking client: success (seen in the sandbox's record), every rule at its boundary
//! (snapshots of the errors), a bad message id, the Meta provider's 501, 401, 429, and the
//! retry safety that sets them apart from sends.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use serde_json::json;
use wasphere_client::types::{DeleteStatus, EditStatus, PresenceStatus, ReadStatus, TypingStatus};
use wasphere_client::{Error, MessageOperation, Presence, RateLimit, RetryPolicy};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, RateLimit as SandboxRateLimit,
    RunningSandbox,
};

const TO: &str = "923001234567";
const ID: &str = "3EB0C767D097B7C7A5C1";

fn operations_seen(sandbox: &RunningSandbox) -> Vec<(MessageOperation, serde_json::Value)> {
    sandbox
        .operations()
        .into_iter()
        .filter(|op| !op.by_server)
        .map(|op| (op.operation, op.body))
        .collect()
}

fn kinds_seen(sandbox: &RunningSandbox) -> Vec<MessageOperation> {
    operations_seen(sandbox)
        .into_iter()
        .map(|(op, _)| op)
        .collect()
}

#[tokio::test]
async fn each_operation_succeeds_and_reaches_the_sandbox_as_the_contract_says() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();

    let sent = client.send_text(TO, "Ships on Monday").await.unwrap();
    let edited = client
        .edit(&sent.message_id, TO, "Ships on Tuesday")
        .await
        .unwrap();
    assert_eq!(edited.status, EditStatus::Edited);
    assert_ne!(edited.message_id, sent.message_id);
    let deleted = client.delete(&sent.message_id, TO).await.unwrap();
    assert_eq!(deleted.status, DeleteStatus::Deleted);
    let read = client
        .mark_read(TO, [ID, "3EB0C767D097B7C7A5C2"])
        .await
        .unwrap();
    assert_eq!(read.status, ReadStatus::Read);
    let typing = client.typing(TO).await.unwrap();
    assert_eq!(typing.status, TypingStatus::Typing);
    client
        .typing_group("120363025246125486@g.us")
        .await
        .unwrap();
    let shown = client.presence(TO, Presence::Recording).await.unwrap();
    assert_eq!(shown.status, PresenceStatus::Shown(Presence::Recording));
    let reply = client.reply(TO, &sent.message_id, "Thanks!").await.unwrap();

    assert_eq!(
        operations_seen(&sandbox),
        [
            (
                MessageOperation::Edit,
                json!({"to": TO, "text": "Ships on Tuesday"})
            ),
            (
                MessageOperation::Delete,
                json!({"to": TO, "forEveryone": true})
            ),
            (
                MessageOperation::MarkRead,
                json!({"to": TO, "messageIds": [ID, "3EB0C767D097B7C7A5C2"]})
            ),
            (MessageOperation::Typing, json!({"to": TO})),
            (
                MessageOperation::Typing,
                json!({"to": "120363025246125486@g.us", "isGroup": true})
            ),
            (
                MessageOperation::Presence,
                json!({"to": TO, "presence": "recording"})
            ),
        ]
    );
    let recorded = sandbox.operations();
    assert_eq!(
        recorded[0].message_id.as_deref(),
        Some(sent.message_id.as_str())
    );
    assert_eq!(
        recorded[0].answer_id.as_deref(),
        Some(edited.message_id.as_str())
    );
    let messages = sandbox.messages();
    assert_eq!(messages.len(), 2, "the text and the reply");
    assert_eq!(messages[1].message_id, reply.message_id);
    assert_eq!(
        messages[1].body,
        json!({"to": TO, "text": "Thanks!", "quotedId": sent.message_id})
    );
    sandbox.shutdown().await;
}

#[test]
fn the_blocking_client_does_the_same() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(common::start(common::sandbox()));
    let client = wasphere_client::blocking::ClientBuilder::from(common::client_for(&sandbox))
        .build()
        .unwrap();
    let sent = client.send_text(TO, "Ships on Monday").unwrap();
    assert_eq!(
        client.edit(&sent.message_id, TO, "Tuesday").unwrap().status,
        EditStatus::Edited
    );
    client.delete(&sent.message_id, TO).unwrap();
    client.mark_read(TO, [ID]).unwrap();
    client.typing(TO).unwrap();
    client.typing_group("120363025246125486@g.us").unwrap();
    client.presence(TO, Presence::Paused).unwrap();
    client.reply(TO, ID, "Thanks!").unwrap();
    let done = kinds_seen(&sandbox);
    assert_eq!(
        done,
        [
            MessageOperation::Edit,
            MessageOperation::Delete,
            MessageOperation::MarkRead,
            MessageOperation::Typing,
            MessageOperation::Typing,
            MessageOperation::Presence,
        ]
    );
    // Invalid requests fail the same way, before any request.
    let seen = sandbox.requests_seen();
    let e = client.mark_read(TO, Vec::<String>::new()).unwrap_err();
    assert!(matches!(e, Error::Validation(_)), "{e:?}");
    let e = client.delete("no such/id", TO).unwrap_err();
    assert!(matches!(e, Error::Validation(_)), "{e:?}");
    assert_eq!(sandbox.requests_seen(), seen);
    drop(client);
    runtime.block_on(sandbox.shutdown());
}

#[test]
fn the_blocking_client_gets_the_same_refusals() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let blocking = |builder| {
        wasphere_client::blocking::ClientBuilder::from(builder)
            .build()
            .unwrap()
    };
    // The Meta provider's 501, typed and naming the feature.
    let meta = runtime.block_on(common::start(
        common::sandbox().meta_session(DEFAULT_SESSION),
    ));
    let client = blocking(common::client_for(&meta));
    let e = client.presence(TO, Presence::Paused).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::UnsupportedOperation {
                operation: MessageOperation::Presence,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(client.mark_read(TO, [ID]).unwrap().status, ReadStatus::Ok);
    drop(client);
    runtime.block_on(meta.shutdown());

    // 401 without the key in the error; a bad message id never leaves; the server's 429.
    let window = Duration::from_secs(60);
    let sandbox = runtime.block_on(common::start(
        common::sandbox().rate_limit(SandboxRateLimit::Window { max: 1, window }),
    ));
    let client = blocking(common::client_with_key(
        &sandbox,
        "wsk_live_not-the-key-77aa",
    ));
    let e = client.edit(ID, TO, "x").unwrap_err();
    assert!(matches!(e, Error::Unauthorized { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("not-the-key"), "{e:?}");
    let client = blocking(
        common::client_for(&sandbox)
            .validate_before_send(false)
            .retry_policy(RetryPolicy::none()),
    );
    let seen = sandbox.requests_seen();
    let e = client.edit("3EB0/edit", TO, "x").unwrap_err();
    assert_eq!(violations(&e)[0]["path"], "messageId");
    assert_eq!(sandbox.requests_seen(), seen, "a bad id is not sent");
    client.typing(TO).unwrap();
    let e = client.delete(ID, TO).unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
    assert_eq!(e.retry_after(), Some(window));
    drop(client);
    runtime.block_on(sandbox.shutdown());
}

/// `(path, rule)` of each violation, and the whole error as JSON for the snapshot.
fn violations(e: &Error) -> serde_json::Value {
    let Error::Validation(v) = e else {
        panic!("not a validation error: {e:?}");
    };
    serde_json::to_value(&v.violations).unwrap()
}

#[tokio::test]
async fn every_rule_at_its_boundary_fails_before_any_request() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let long_id = "a".repeat(101);
    let jid_40 = format!("{}@s.whatsapp.net", "1".repeat(25));
    let jid_41 = format!("{}@s.whatsapp.net", "1".repeat(26));

    // At the limits: accepted.
    client
        .edit("a".repeat(100), &jid_40, "é".repeat(65_536))
        .await
        .unwrap();
    client
        .mark_read(TO, (0..100).map(|i| format!("A{i}")))
        .await
        .unwrap();
    client.mark_read(TO, ["a".repeat(100)]).await.unwrap();
    let accepted = sandbox.requests_seen();

    // One past them: refused with every violation, and nothing sent.
    let cases: Vec<(&str, Error)> = vec![
        (
            "edit_past_every_limit",
            client
                .edit(&long_id, &jid_41, "é".repeat(65_537))
                .await
                .unwrap_err(),
        ),
        ("edit_empty", client.edit("", "", "").await.unwrap_err()),
        (
            "edit_client_side_to",
            client.edit(ID, "+92 300 1234567", "hi").await.unwrap_err(),
        ),
        (
            "delete_bad_id_and_to",
            client.delete("3EB0/../x", "").await.unwrap_err(),
        ),
        (
            "mark_read_none",
            client
                .mark_read(&jid_41, Vec::<String>::new())
                .await
                .unwrap_err(),
        ),
        (
            "mark_read_101",
            client
                .mark_read(TO, (0..101).map(|i| format!("A{i}")))
                .await
                .unwrap_err(),
        ),
        (
            "mark_read_bad_ids",
            client
                .mark_read(TO, ["a".repeat(101), "not an id".into(), String::new()])
                .await
                .unwrap_err(),
        ),
        ("typing_empty_to", client.typing("").await.unwrap_err()),
        (
            "typing_group_long_to",
            client.typing_group(&jid_41).await.unwrap_err(),
        ),
        (
            "presence_bad_to",
            client
                .presence("92-300", Presence::Available)
                .await
                .unwrap_err(),
        ),
    ];
    for (name, e) in &cases {
        insta::assert_json_snapshot!(*name, violations(e));
    }
    assert_eq!(sandbox.requests_seen(), accepted, "nothing was sent");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_bad_message_id_is_refused_even_when_validation_is_off() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .validate_before_send(false)
        .build()
        .unwrap();
    // The id is part of the URL: one with `/` or `?` would reach another route.
    for id in ["3EB0/edit", "3EB0?to=1", "", &"a".repeat(101)] {
        let e = client.edit(id, TO, "x").await.unwrap_err();
        let v = violations(&e);
        assert_eq!(v[0]["path"], "messageId", "{id}: {v}");
        assert_eq!(
            v.as_array().unwrap().len(),
            1,
            "the body is left to the server"
        );
    }
    assert_eq!(sandbox.requests_seen(), 0);
    // With validation off, the server judges the body: its 400 comes back.
    let e = client.edit(ID, TO, "").await.unwrap_err();
    assert_eq!(e.server_messages(), ["text should not be empty"]);
    assert!(matches!(e, Error::BadRequest { .. }), "{e:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_meta_session_answers_a_typed_not_supported_naming_the_feature() {
    let sandbox = common::start(common::sandbox().meta_session(DEFAULT_SESSION)).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let cases = [
        (
            MessageOperation::Edit,
            client.edit(ID, TO, "x").await.map(drop),
        ),
        (
            MessageOperation::Delete,
            client.delete(ID, TO).await.map(drop),
        ),
        (MessageOperation::Typing, client.typing(TO).await.map(drop)),
        (
            MessageOperation::Presence,
            client.presence(TO, Presence::Available).await.map(drop),
        ),
    ];
    for (operation, result) in cases {
        let e = result.unwrap_err();
        let Error::UnsupportedOperation {
            operation: named,
            messages,
        } = &e
        else {
            panic!("{operation:?}: {e:?}");
        };
        assert_eq!(*named, operation);
        assert!(
            messages[0].ends_with("is not supported on the Meta Cloud API provider."),
            "{messages:?}"
        );
        assert!(e.to_string().contains(operation.feature()), "{e}");
        assert!(!e.may_have_been_delivered());
    }
    // Mark read works there, in Meta's word; a poll is a capability the provider lacks.
    let read = client.mark_read(TO, [ID]).await.unwrap();
    assert_eq!(read.status, ReadStatus::Ok);
    let e = client
        .send_poll(TO, "Lunch?", ["Pizza", "Sushi"])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::CapabilityNotSupported { capability: Some(c), provider: Some(p), .. } if c == "poll" && p == "meta"),
        "{e:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_refused_key_is_a_401_and_the_key_never_shows() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_with_key(&sandbox, "wsk_live_not-the-key-4f1d")
        .build()
        .unwrap();
    let errors = [
        client.edit(ID, TO, "x").await.map(drop).unwrap_err(),
        client.delete(ID, TO).await.map(drop).unwrap_err(),
        client.mark_read(TO, [ID]).await.map(drop).unwrap_err(),
        client.typing(TO).await.map(drop).unwrap_err(),
        client
            .presence(TO, Presence::Paused)
            .await
            .map(drop)
            .unwrap_err(),
    ];
    for e in errors {
        assert!(matches!(e, Error::Unauthorized { .. }), "{e:?}");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("not-the-key"), "{shown}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn operations_take_slots_of_the_key_s_rate_limit_and_get_its_429() {
    let window = Duration::from_secs(60);
    let sandbox =
        common::start(common::sandbox().rate_limit(SandboxRateLimit::Window { max: 2, window }))
            .await;
    // The client's own limiter off, so that the server's 429 is what it meets.
    let client = common::client_for(&sandbox)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.send_text(TO, "hi").await.unwrap();
    client.typing(TO).await.unwrap();
    let e = client.mark_read(TO, [ID]).await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
    assert_eq!(e.retry_after(), Some(window));

    // With the client's limiter on, sends and operations share its window: the third
    // request waits instead of meeting a 429.
    let sandbox = common::start(common::sandbox().rate_limit(SandboxRateLimit::Window {
        max: 2,
        window: Duration::from_secs(1),
    }))
    .await;
    let client = common::client_for(&sandbox)
        .rate_limit(RateLimit::Window {
            max: 2,
            window: Duration::from_secs(1),
        })
        .safety_margin(Duration::from_millis(100))
        .build()
        .unwrap();
    client.send_text(TO, "hi").await.unwrap();
    client.presence(TO, Presence::Composing).await.unwrap();
    client.delete(ID, TO).await.unwrap();
    assert_eq!(common::count(&sandbox, 429), 0);
    sandbox.shutdown().await;
}

/// A timeout after the request left: a send is not repeated (it may have been delivered),
/// an edit or a typing indicator is (repeating cannot do harm).
#[tokio::test]
async fn a_timeout_after_sending_is_retried_for_operations_and_not_for_sends() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    let slow = || FaultRule::next(1, Fault::Delay(Duration::from_secs(2)));

    sandbox.inject(slow());
    let e = client.send_text(TO, "hi").await.unwrap_err();
    assert!(e.may_have_been_delivered(), "{e:?}");
    assert_eq!(sandbox.requests_seen(), 1, "the send was not repeated");
    assert_eq!(
        sandbox.messages().len(),
        1,
        "and it was delivered: repeating would duplicate it"
    );

    sandbox.inject(slow());
    let edited = client.edit(ID, TO, "Tuesday").await.unwrap();
    assert_eq!(edited.status, EditStatus::Edited);
    sandbox.inject(slow());
    client.typing(TO).await.unwrap();
    assert_eq!(sandbox.requests_seen(), 5, "each operation was asked twice");
    let done = kinds_seen(&sandbox);
    assert_eq!(
        done,
        [
            MessageOperation::Edit,
            MessageOperation::Edit,
            MessageOperation::Typing,
            MessageOperation::Typing
        ],
        "applied twice, to the same end"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn without_a_session_an_operation_is_a_configuration_error() {
    let sandbox = common::start(common::sandbox()).await;
    let client = wasphere_client::Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .build()
        .unwrap();
    let e = client.typing(TO).await.unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert_eq!(sandbox.requests_seen(), 0);
    sandbox.shutdown().await;
}

//! Every error status of the contract, and every failure of the transport, maps to its
//! variant, with the server's words and the right answers to "retry?" and "delivered?".
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use wasphere_client::types::Text;
use wasphere_client::{Client, Error, ErrorClass, Message, RetryPolicy, TimeoutPhase};
use wasphere_sandbox::{DEFAULT_SESSION, Fault, FaultRule, KeyConfig};

fn hello() -> Message {
    Text::new("923001234567", "hi").into()
}

#[tokio::test]
async fn an_invalid_message_costs_no_request() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let err = client.send_text("+92 300 1234567", "").await.unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.violations.len(), 2);
    assert_eq!(err.class(), ErrorClass::Invalid);
    assert_eq!(sandbox.requests_seen(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_server_s_400_carries_its_sentences() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .validate_before_send(false)
        .build()
        .unwrap();
    let err = client.send_text("923001234567", "").await.unwrap_err();
    assert!(matches!(err, Error::BadRequest { .. }), "{err:?}");
    assert_eq!(err.status(), Some(400));
    assert!(
        err.server_messages()
            .iter()
            .any(|m| m.contains("text should not be empty")),
        "{err}"
    );
    assert!(!err.is_retryable() && !err.may_have_been_delivered());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn auth_errors() {
    let sandbox = common::start(
        common::sandbox()
            .session(DEFAULT_SESSION)
            .session("other")
            .api_key(KeyConfig::new("wsk_test_good"))
            .api_key(KeyConfig::new("wsk_test_readonly").permissions(&["messages:read"]))
            .api_key(KeyConfig::new("wsk_test_scoped").session_scope("other")),
    )
    .await;
    let send = |key: &str| {
        let client = common::client_with_key(&sandbox, key).build().unwrap();
        async move { client.send(&hello()).await }
    };
    let err = send("wsk_test_unknown").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.server_messages(), ["Invalid or expired API key"]);
    assert_eq!(err.class(), ErrorClass::Auth);
    let err = send("wsk_test_readonly").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("messages:send"), "{err}");
    let err = send("wsk_test_scoped").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    send("wsk_test_good").await.unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_and_disconnected_sessions() {
    let sandbox = common::start(
        common::sandbox()
            .session(DEFAULT_SESSION)
            .disconnected_session("asleep"),
    )
    .await;
    let client = common::client_for(&sandbox).build().unwrap();
    let err = client
        .send_with_session(&"nope".parse().unwrap(), &hello())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::NotFound);
    let err = client
        .send_with_session(&"asleep".parse().unwrap(), &hello())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SessionNotConnected { .. }), "{err:?}");
    assert!(!err.may_have_been_delivered());
    assert_eq!(err.class(), ErrorClass::Server);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn injected_statuses() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let mut seen = Vec::new();
    for status in [422, 501, 500, 502, 503, 504] {
        sandbox.inject(FaultRule::next(1, Fault::Status(status)));
        let err = client.send(&hello()).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err:?}");
        seen.push(err);
    }
    assert!(matches!(seen[0], Error::RecipientNotOnWhatsApp { .. }));
    assert_eq!(seen[0].class(), ErrorClass::Invalid);
    assert!(matches!(seen[1], Error::CapabilityNotSupported { .. }));
    assert!(matches!(seen[2], Error::Server { status: 500, .. }));
    assert!(matches!(seen[3], Error::Gateway { status: 502, .. }));
    assert!(matches!(seen[4], Error::Server { status: 503, .. }));
    assert!(matches!(seen[5], Error::Gateway { status: 504, .. }));
    for e in &seen[2..] {
        assert!(e.may_have_been_delivered(), "{e}");
        assert_eq!(e.class(), ErrorClass::OutcomeUnknown);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_429_that_outlasts_the_policy() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 7,
        },
    ));
    let err = client.send(&hello()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.class(), ErrorClass::RateLimited);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn broken_answers() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();

    // A proxy's page, not the server's answer: said so, and the message may have gone.
    sandbox.inject(FaultRule::next(1, Fault::HtmlError));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(
        matches!(err, Error::NotWaSphere { status: 502, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(
            "a proxy or gateway answered 502 with an HTML page titled \"502 Bad Gateway\""
        ),
        "{err}"
    );
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);

    sandbox.inject(FaultRule::next(1, Fault::MalformedJson));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 201, .. }), "{err:?}");
    assert!(err.may_have_been_delivered());

    sandbox.inject(FaultRule::next(
        1,
        Fault::OversizedBody {
            bytes: 2 * 1024 * 1024,
        },
    ));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 201, limit } if limit == 1024 * 1024),
        "{err:?}"
    );
    // Just under the cap is fine.
    sandbox.inject(FaultRule::next(
        1,
        Fault::OversizedBody { bytes: 1024 * 1024 },
    ));
    client.send(&hello()).await.unwrap();

    sandbox.inject(FaultRule::next(1, Fault::DropConnection));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(err.may_have_been_delivered(), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);
    // Every one of those was accepted by the server, and none was repeated.
    assert_eq!(sandbox.messages().len(), 5);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn timeouts_say_whether_the_request_was_sent() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Delay(Duration::from_secs(2))));
    let err = client.send(&hello()).await.unwrap_err();
    assert_eq!(
        err,
        Error::Timeout {
            phase: TimeoutPhase::Response
        }
    );
    assert_eq!(sandbox.messages().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // A port that was free a moment ago: nothing listens there now.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key("wsk_test_nobody".parse().unwrap())
        .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
        .session("s".parse().unwrap())
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_retryable() && !err.may_have_been_delivered());
    assert_eq!(err.class(), ErrorClass::Network);
    assert!(!err.to_string().contains("wsk_test_nobody"));
}

#[tokio::test]
async fn no_default_session_is_a_config_error() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("wsk_test_x".parse().unwrap())
        .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
        .build()
        .unwrap();
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn a_failed_tls_handshake_is_a_connect_error_before_sending() {
    // https:// to a plain-HTTP server: rustls starts, the handshake fails, nothing is sent.
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .base_url(sandbox.base_url().replace("http://", "https://"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(!err.may_have_been_delivered());
    assert!(sandbox.messages().is_empty());
    sandbox.shutdown().await;
}

//! The API key never appears in `Debug`, in any error's `Display` or `Debug`, or in any log
//! line, with every log of the process (the client's spans, reqwest, hyper, rustls through
//! the `log` bridge) captured at TRACE. One test in its own binary: the subscriber is global.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::log_capture::Capture;
use wasphere_client::types::Text;
use wasphere_client::{Client, Message, RateLimit, RetryPolicy};
use wasphere_sandbox::{DEFAULT_SESSION, Fault, FaultRule, KeyConfig};

const GOOD_KEY: &str = "wsk_test_Zq9GoodSecretPart";
const UNKNOWN_KEY: &str = "wsk_live_Unknown77SecretPart";
/// Parts of the keys that only the keys contain.
const SECRETS: [&str; 2] = ["Zq9GoodSecretPart", "Unknown77SecretPart"];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows the key: {text}");
    }
}

#[tokio::test]
async fn the_key_is_never_shown() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    let sandbox = common::start(
        common::sandbox()
            .session(DEFAULT_SESSION)
            .disconnected_session("asleep")
            .api_key(KeyConfig::new(GOOD_KEY)),
    )
    .await;
    let builder = common::client_with_key(&sandbox, GOOD_KEY)
        .rate_limit(RateLimit::per_minute(1000))
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::at_least_once().base_delay(Duration::from_millis(5)));
    assert_clean("the builder's Debug", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("the client's Debug", &format!("{client:?}"));
    let blocking =
        wasphere_client::blocking::ClientBuilder::from(common::client_with_key(&sandbox, GOOD_KEY));
    assert_clean("the blocking builder's Debug", &format!("{blocking:?}"));

    let hello = || Message::from(Text::new("923001234567", "hi"));
    let mut errors = Vec::new();
    client.send(&hello()).await.unwrap();
    // 401, with the unknown key.
    let stranger = common::client_with_key(&sandbox, UNKNOWN_KEY)
        .build()
        .unwrap();
    assert_clean("another client's Debug", &format!("{stranger:?}"));
    errors.push(stranger.send(&hello()).await.unwrap_err());
    // Validation, 404, 500 not connected, each injected status, a timeout, a dropped
    // connection, a 429 beyond the deadline, an unreadable and an oversized success.
    errors.push(client.send_text("+1", "").await.unwrap_err());
    errors.push(
        client
            .send_with_session(&"nope".parse().unwrap(), &hello())
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .send_with_session(&"asleep".parse().unwrap(), &hello())
            .await
            .unwrap_err(),
    );
    let none = common::client_with_key(&sandbox, GOOD_KEY)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    for fault in [
        Fault::Status(422),
        Fault::Status(501),
        Fault::Status(502),
        Fault::Status(503),
        Fault::HtmlError,
        Fault::MalformedJson,
        Fault::OversizedBody { bytes: 2 << 20 },
        Fault::DropConnection,
        Fault::Delay(Duration::from_secs(1)),
        Fault::RateLimited {
            retry_after_secs: 600,
        },
    ] {
        sandbox.inject(FaultRule::next(1, fault));
        errors.push(none.send(&hello()).await.unwrap_err());
    }
    // A refused connection.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let nowhere = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(GOOD_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(DEFAULT_SESSION.parse().unwrap())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(nowhere.send(&hello()).await.unwrap_err());

    assert!(errors.len() >= 15);
    for e in &errors {
        assert_clean("an error's Display", &e.to_string());
        assert_clean("an error's Debug", &format!("{e:?}"));
    }
    sandbox.shutdown().await;

    let logs = capture.text();
    // The capture did work: the client's spans and the HTTP stack's trace lines are there.
    assert!(logs.contains("wasphere_send"), "no client span in the logs");
    assert!(logs.contains("attempt"), "no attempt span in the logs");
    assert!(logs.contains("status=201"), "no status in the logs");
    assert!(logs.contains("attempts=1"), "no attempt count in the logs");
    assert!(logs.contains("latency_ms="), "no latency in the logs");
    assert!(
        logs.contains("hyper_util") && logs.contains("reqwest"),
        "the HTTP stack's own log lines are not captured"
    );
    assert!(
        logs.lines().count() > 50,
        "too few log lines to mean anything"
    );
    assert_clean("the logs", &logs);
}

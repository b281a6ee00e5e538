//! `check_access`: the setup checked against a sandbox over TCP, and never a message sent.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use wasphere_client::types::Text;
use wasphere_client::{Access, Client, Error, ErrorClass, Message};
use wasphere_sandbox::{KeyConfig, RateLimit};

#[tokio::test]
async fn each_part_of_the_setup_is_checked_without_sending() {
    let sandbox = common::start(
        common::sandbox()
            .api_key(KeyConfig::new(wasphere_sandbox::DEFAULT_API_KEY))
            .api_key(KeyConfig::new("wsk_test_readonly").permissions(&["messages:read"])),
    )
    .await;
    let client = common::client_for(&sandbox).build().unwrap();
    assert_eq!(client.check_access().await.unwrap(), Access::Granted);

    let err = common::client_with_key(&sandbox, "wsk_test_unknown")
        .build()
        .unwrap()
        .check_access()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    let err = common::client_with_key(&sandbox, "wsk_test_readonly")
        .build()
        .unwrap()
        .check_access()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");

    let err = client
        .check_access_with_session(&"no-such-session".parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    let wrong_prefix = Client::builder()
        .base_url(format!("{}/api/v1", sandbox.base_url()))
        .api_key(wasphere_sandbox::DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session("my-session".parse().unwrap())
        .build()
        .unwrap();
    let err = wrong_prefix.check_access().await.unwrap_err();
    assert!(
        matches!(err, Error::NotWaSphere { status: 404, .. }),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::UnexpectedAnswer);

    assert!(sandbox.messages().is_empty(), "nothing was ever sent");
    assert_eq!(common::count(&sandbox, 201), 0);
}

#[tokio::test]
async fn a_key_over_its_limit_is_accepted_but_says_so() {
    let sandbox = common::start(common::sandbox().rate_limit(RateLimit::Window {
        max: 1,
        window: Duration::from_secs(600),
    }))
    .await;
    let client = common::client_for(&sandbox).build().unwrap();
    client
        .send(&Message::from(Text::new("923001234567", "hi")))
        .await
        .unwrap();
    match client.check_access().await.unwrap() {
        Access::RateLimited { retry_after } => assert!(retry_after.is_some()),
        other => panic!("{other:?}"),
    }
}

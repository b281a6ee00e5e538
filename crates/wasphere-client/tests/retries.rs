//! Retries against the sandbox: what is repeated, what is not, shown by the sandbox's log
//! of accepted messages.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use wasphere_client::types::Text;
use wasphere_client::{Error, Message, RetryPolicy};
use wasphere_sandbox::{Fault, FaultRule};

fn hello() -> Message {
    Text::new("923001234567", "hi").into()
}

#[tokio::test]
async fn a_429_then_success_honours_retry_after() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    sandbox.inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    ));
    let started = Instant::now();
    client.send(&hello()).await.unwrap();
    let took = started.elapsed();
    // At least the Retry-After; how little more (the jitter) is tested with a paused
    // clock in retry.rs, where a busy machine cannot stretch it.
    assert!(took >= Duration::from_secs(1), "waited {took:?}");
    assert_eq!(common::count(&sandbox, 429), 1);
    assert_eq!(common::count(&sandbox, 201), 1);
    assert_eq!(sandbox.messages().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_fails_at_once() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(5)))
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 30,
        },
    ));
    // Given up at once, without a wait (shown with a paused clock in retry.rs): one request,
    // and the server's wait handed back.
    let err = client.send(&hello()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(sandbox.requests_seen(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_502_is_not_repeated_by_default() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Status(502)));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Gateway { status: 502, .. }));
    assert!(err.may_have_been_delivered());
    assert_eq!(sandbox.messages().len(), 1, "sent exactly once");
    assert_eq!(sandbox.requests_seen(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_502_is_repeated_under_at_least_once() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .retry_policy(RetryPolicy::at_least_once())
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Status(502)));
    client.send(&hello()).await.unwrap();
    assert_eq!(sandbox.messages().len(), 2, "delivered twice, as chosen");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_timeout_after_sending_is_not_repeated_by_default() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Delay(Duration::from_secs(1))));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.may_have_been_delivered());
    assert_eq!(sandbox.messages().len(), 1);
    assert_eq!(sandbox.requests_seen(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_timeout_after_sending_is_repeated_under_at_least_once() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::at_least_once())
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(1, Fault::Delay(Duration::from_secs(1))));
    client.send(&hello()).await.unwrap();
    assert_eq!(sandbox.messages().len(), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_is_not_repeated_by_default() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    sandbox.inject(FaultRule::next(1, Fault::DropConnection));
    let err = client.send(&hello()).await.unwrap_err();
    assert!(err.may_have_been_delivered(), "{err:?}");
    assert_eq!(sandbox.messages().len(), 1);
    sandbox.shutdown().await;
}

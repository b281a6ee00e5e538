//! The blocking client from plain threads, with the sandbox on its own runtime.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use wasphere_client::blocking::Client;
use wasphere_client::types::{Button, documented_example};
use wasphere_client::{Error, Message, MessageType, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, RunningSandbox};

/// The sandbox runs on the runtime's worker threads; the test thread stays outside any
/// runtime, as a script's would.
fn sandbox(rt: &tokio::runtime::Runtime) -> RunningSandbox {
    rt.block_on(common::start(common::sandbox()))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn client(sandbox: &RunningSandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(DEFAULT_SESSION.parse().unwrap())
        .rate_limit(RateLimit::Off)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[test]
fn sends_every_type_synchronously() {
    let rt = runtime();
    let sandbox = sandbox(&rt);
    let client = client(&sandbox);
    for t in MessageType::ALL {
        let m = Message::parse_valid(t, documented_example(t).as_bytes()).unwrap();
        client.send(&m).unwrap();
    }
    client.send_text("923001234567", "hi").unwrap();
    client
        .send_buttons(
            "923001234567",
            "Confirm?",
            "Reply below",
            [Button::new("yes", "Yes")],
        )
        .unwrap();
    assert_eq!(sandbox.messages().len(), 16);
    rt.block_on(sandbox.shutdown());
}

#[test]
fn errors_and_threads() {
    let rt = runtime();
    let sandbox = sandbox(&rt);
    let client = client(&sandbox);
    sandbox.inject(FaultRule::next(1, Fault::Status(502)));
    let err = client.send_text("923001234567", "hi").unwrap_err();
    assert!(matches!(err, Error::Gateway { status: 502, .. }), "{err:?}");
    assert_eq!(sandbox.messages().len(), 1, "not repeated");

    // Clones are usable from many threads at once.
    std::thread::scope(|s| {
        for t in 0..4 {
            let client = client.clone();
            s.spawn(move || {
                for i in 0..5 {
                    client
                        .send_text("923001234567", format!("{t}/{i}"))
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(sandbox.messages().len(), 21);
    drop(client);
    rt.block_on(sandbox.shutdown());
}

//! Every fact in a log line is printed once: a retried send used to log
//! `status=429 status=201` on its span. One test in its own binary: the subscriber is global.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::log_capture::Capture;
use wasphere_client::types::Text;
use wasphere_client::{Message, RetryPolicy};
use wasphere_sandbox::{Fault, FaultRule};

/// The names of `name=value` fields in a log line, in order.
fn field_names(line: &str) -> Vec<&str> {
    line.split(|c: char| c.is_whitespace() || c == '{' || c == '}' || c == ':')
        .filter_map(|token| token.split_once('=').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

/// Issue 12, item 12: `-v` logs printed `status=429 status=201`.
#[tokio::test]
async fn a_retried_send_logs_each_field_once_per_line() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(capture.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox)
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .build()
        .unwrap();
    sandbox.inject(FaultRule::next(
        1,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    ));
    let message = Message::from(Text::new("923001234567", "hi"));
    client.send(&message).await.unwrap();
    sandbox.shutdown().await;

    let logs = capture.text();
    let ours: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("wasphere_send"))
        .collect();
    assert!(
        ours.iter().any(|l| l.contains("status=429"))
            && ours.iter().any(|l| l.contains("status=201")),
        "both answers are logged:\n{logs}"
    );
    for line in &ours {
        let names = field_names(line);
        let unique: HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "a field is repeated: {line}");
    }
    let sent = ours.iter().find(|l| l.ends_with(": sent")).unwrap();
    assert!(
        sent.contains("attempts=2") && sent.contains("status=201"),
        "{sent}"
    );
}

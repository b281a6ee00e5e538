//! `wasphere sandbox --statuses`: a send through the real binaries comes back to
//! `webhook listen` as message.sent, then delivered, then read.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{ChildGuard, first_line_with, stderr, stdout, wasphere_at, wasphere_child};
use wasphere_types::webhook::{DeliveryStatus, EventData, WebhookEvent};

const SECRET: &str = "whsec_sandbox_statuses";

#[test]
fn a_send_is_reported_sent_delivered_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut listen, url) = common::listen(dir.path(), SECRET, &["--count", "3"]);
    let hook = format!("{url}/hook");
    let mut sandbox = ChildGuard(Some(
        wasphere_child(dir.path())
            .env("WH_SECRET", SECRET)
            .args(["sandbox", "--addr", "127.0.0.1:0", "--rate-limit", "off"])
            .args([
                "--webhook-url",
                &hook,
                "--webhook-secret-env",
                "WH_SECRET",
                "--statuses",
                "50ms,150ms",
            ])
            .spawn()
            .unwrap(),
    ));
    let (line, _rest) = first_line_with(
        sandbox.child().stdout.take().unwrap(),
        "listening on ",
        Duration::from_secs(20),
    );
    let base_url = line.trim_start_matches("listening on ").to_owned();
    let sent = wasphere_at(dir.path(), &base_url)
        .args([
            "send",
            "text",
            "--to",
            "923001234567",
            "--text",
            "Your order has shipped",
        ])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    let message_id = stdout(&sent).trim().to_owned();

    assert!(listen.wait_for_exit(Duration::from_secs(30)).success());
    let mut printed = String::new();
    std::io::Read::read_to_string(listen.child().stdout.as_mut().unwrap(), &mut printed).unwrap();
    let events: Vec<_> = printed
        .lines()
        .flat_map(|l| {
            serde_json::from_str::<WebhookEvent>(l)
                .unwrap()
                .events()
                .unwrap()
        })
        .collect();
    assert!(
        matches!(&events[0].data, EventData::Sent(m) if m.message_id == message_id && m.content["text"] == "Your order has shipped"),
        "{printed}"
    );
    let statuses: Vec<_> = events[1..]
        .iter()
        .map(|e| e.status().cloned().unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| s.message_id == message_id),
        "{printed}"
    );
    assert_eq!(
        statuses.iter().map(|s| s.status).collect::<Vec<_>>(),
        [DeliveryStatus::Delivered, DeliveryStatus::Read]
    );
    sandbox.terminate();
}

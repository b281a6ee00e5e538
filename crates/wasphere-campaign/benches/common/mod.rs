//! What the throughput benches share: a sandbox with its limit off, the rows on disk, the
//! campaign that sends them, and the median of the rounds.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use wasphere_campaign::{Campaign, CampaignKey, SourceFile, Template};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RunningSandbox, Sandbox};
use wasphere_types::MessageType;

/// A sandbox that limits nothing and records nothing.
pub async fn unlimited_sandbox() -> RunningSandbox {
    Sandbox::builder()
        .rate_limit(wasphere_sandbox::RateLimit::Off)
        .record_messages(false)
        .start()
        .await
        .unwrap()
}

/// `rows` distinct `phoneNumber,firstName` rows in `dir/rows.csv`.
pub fn rows_file(dir: &Path, rows: usize) -> SourceFile {
    let mut csv = String::from("phoneNumber,firstName\n");
    for i in 0..rows {
        csv.push_str(&format!("92300{i:07},Customer {i}\n"));
    }
    let path = dir.join("rows.csv");
    std::fs::write(&path, csv).unwrap();
    SourceFile::new(&path).unwrap()
}

/// A text campaign to the sandbox's default key and session, limits off.
pub fn campaign(sandbox: &RunningSandbox, in_flight: usize) -> Campaign {
    let template = Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
    )
    .unwrap();
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(DEFAULT_API_KEY.parse().unwrap())
        .workspace(sandbox.workspace());
    Campaign::new(template).max_in_flight(in_flight).key(
        CampaignKey::new(builder, [DEFAULT_SESSION.parse().unwrap()])
            .rate_limit(RateLimit::Off)
            .safety_margin(Duration::ZERO),
    )
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

//! Helpers shared by the integration tests: a sandbox, a key for it, rows on disk.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasphere_campaign::journal::{NewRow, Sending};
use wasphere_campaign::{Campaign, CampaignKey, Event, RowState, Template};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RunningSandbox, Sandbox, SandboxBuilder};
use wasphere_types::MessageType;

/// The n8n recipe's template.
pub const TEMPLATE: &str =
    r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#;

pub fn template() -> Template {
    Template::new(MessageType::Text, TEMPLATE).unwrap()
}

/// A sandbox builder without a rate limit (the tests that pace set one).
pub fn unlimited() -> SandboxBuilder {
    Sandbox::builder().rate_limit(wasphere_sandbox::RateLimit::Off)
}

pub async fn sandbox(builder: SandboxBuilder) -> RunningSandbox {
    builder.start().await.unwrap()
}

/// A key for the sandbox's default key, sending through `sessions`, without a client-side
/// limit (the tests that pace say so themselves).
pub fn key(sandbox: &RunningSandbox, sessions: &[&str]) -> CampaignKey {
    key_with(sandbox, DEFAULT_API_KEY, sessions)
}

pub fn key_with(sandbox: &RunningSandbox, api_key: &str, sessions: &[&str]) -> CampaignKey {
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(api_key.parse().unwrap())
        .workspace(sandbox.workspace());
    CampaignKey::new(builder, sessions.iter().map(|s| s.parse().unwrap()))
        .rate_limit(RateLimit::Off)
        .safety_margin(Duration::ZERO)
}

pub fn default_key(sandbox: &RunningSandbox) -> CampaignKey {
    key(sandbox, &[DEFAULT_SESSION])
}

/// `phoneNumber,firstName` rows for `n` distinct numbers: line 2 is 923000000000, …
pub fn csv_rows(n: usize) -> String {
    let mut csv = String::from("phoneNumber,firstName\n");
    for i in 0..n {
        csv.push_str(&format!("{},Customer {i}\n", phone(i)));
    }
    csv
}

pub fn phone(i: usize) -> String {
    format!("92300{:07}", i)
}

pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The recipients the sandbox accepted, with how many times each.
pub fn received(sandbox: &RunningSandbox) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for m in sandbox.messages() {
        *seen
            .entry(m.body["to"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    seen
}

/// A campaign that records its events.
pub fn recording(campaign: Campaign) -> (Campaign, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (
        campaign.on_event(move |e| sink.lock().unwrap().push(e.clone())),
        events,
    )
}

/// A pending row for journal tests: line `line`, a distinct recipient, a text body.
pub fn pending(line: u64) -> NewRow {
    NewRow {
        line,
        recipient: format!("9230000000{line:02}"),
        state: RowState::Pending,
        session: None,
        body: Some(format!(r#"{{"to":"9230000000{line:02}","text":"hi"}}"#)),
        note: None,
    }
}

pub fn sending(line: u64) -> Sending {
    Sending {
        line,
        session: "s".to_owned(),
    }
}

//! Campaigns as the tests run them: the n8n-style rows, a template, and `wasphere`
//! children pointed at a sandbox.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, DEFAULT_WORKSPACE};

use super::{TestSandbox, wasphere_child};

pub const TEMPLATE: &str =
    r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#;

pub fn phone(i: usize) -> String {
    format!("92300{i:07}")
}

/// The n8n-style CSV: `phoneNumber,firstName`, `n` distinct numbers from line 2.
pub fn csv(n: usize) -> String {
    let mut text = String::from("phoneNumber,firstName\n");
    for i in 0..n {
        text.push_str(&format!("{},Customer {i}\n", phone(i)));
    }
    text
}

/// The recipients the sandbox accepted, with how many times each.
pub fn received(sandbox: &TestSandbox) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for m in sandbox.running().messages() {
        *seen
            .entry(m.body["to"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    seen
}

/// `wasphere ARGS` as a child process in `dir`, pointed at `sandbox` by the environment.
pub fn child_in(dir: &Path, sandbox: &TestSandbox, args: &[&str]) -> std::process::Command {
    let mut cmd = wasphere_child(dir);
    cmd.current_dir(dir)
        .env("WASPHERE_BASE_URL", sandbox.base_url())
        .env("WASPHERE_API_KEY", DEFAULT_API_KEY)
        .env("WASPHERE_WORKSPACE", DEFAULT_WORKSPACE)
        .env("WASPHERE_SESSION", DEFAULT_SESSION)
        .args(args);
    cmd
}

/// A directory holding `rows.csv` (`n` rows) and the template `t.text.json`.
pub fn campaign_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rows.csv"), csv(n)).unwrap();
    std::fs::write(dir.path().join("t.text.json"), TEMPLATE).unwrap();
    dir
}

/// A tiny seeded generator (xorshift64*), so the kill times are the same on every run.
pub struct Seeded(pub u64);

impl Seeded {
    pub fn next_in(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        lo + self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (hi - lo + 1)
    }
}

/// A port nobody listens on yet, and a sandbox without a rate limit that posts each
/// message's statuses (sent, delivered after 100 ms, read after 200 ms) to a listener on
/// that port, signed with `secret`. The listener starts after the campaign ran, so the
/// first deliveries may find nobody there; the sandbox's retries (after 0.3, 1, 2, 4 and
/// 8 s, as the server's) then bring the statuses once it is up.
pub fn sandbox_posting_statuses_to_a_late_listener(secret: &str) -> (u16, TestSandbox) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret = wasphere_types::webhook::WebhookSecret::new(secret);
    let sandbox = TestSandbox::with(|b| {
        b.rate_limit(wasphere_sandbox::RateLimit::Off)
            .webhook(format!("http://127.0.0.1:{port}/hooks"), secret)
            .webhook_retry_delays(vec![
                Duration::from_millis(300),
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(4),
                Duration::from_secs(8),
            ])
            .message_statuses(Duration::from_millis(100), Duration::from_millis(200))
    });
    (port, sandbox)
}

//! `wasphere send text` as a whole process against `curl` sending the same request to
//! the same sandbox, run alternately; and `wasphere --version`. Prints medians and the
//! ratio.
//!
//! ```sh
//! cargo bench -p wasphere-cli --bench cli_vs_curl            # 30 runs of each
//! WASPHERE_BENCH_RUNS=100 cargo bench -p wasphere-cli --bench cli_vs_curl
//! ```
//!
//! Targets (the CLI issue): send/curl median ratio at most 1.5; `--version` at most 5 ms.
//! Exits non-zero when curl is missing or a run fails; it does not fail on a missed
//! target, since timings depend on the machine: the figures go in docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, DEFAULT_WORKSPACE, RateLimit, Sandbox};
use wasphere_types::{MessageType, documented_example};

const BIN: &str = env!("CARGO_BIN_EXE_wasphere");

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `cmd` to completion and returns its wall time; panics if it fails.
fn timed(cmd: &mut Command, what: &str) -> Duration {
    let started = Instant::now();
    let output = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

fn main() {
    let runs: usize = std::env::var("WASPHERE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .max(20);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .rate_limit(RateLimit::Off)
                .record_messages(false)
                .start(),
        )
        .unwrap();
    let base = sandbox.base_url();
    let url = format!(
        "{base}/workspaces/{DEFAULT_WORKSPACE}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text"
    );
    let body = documented_example(MessageType::Text);
    let text: String = serde_json::from_str::<serde_json::Value>(body).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();

    let config_dir = std::env::temp_dir().join(format!("wasphere-bench-{}", std::process::id()));
    let wasphere = || {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("WASPHERE_BASE_URL", &base)
            .env("WASPHERE_API_KEY", DEFAULT_API_KEY)
            .env("WASPHERE_WORKSPACE", DEFAULT_WORKSPACE)
            .env("WASPHERE_SESSION", DEFAULT_SESSION)
            .env("WASPHERE_CONFIG_DIR", &config_dir)
            .args(["send", "text", "--to", "923001234567", "--text", &text]);
        timed(&mut cmd, "wasphere send text")
    };
    let curl = || {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--fail", "-X", "POST", &url])
            .args(["-H", &format!("Authorization: Bearer {DEFAULT_API_KEY}")])
            .args(["-H", "Content-Type: application/json"])
            .args(["-d", body]);
        timed(&mut cmd, "curl")
    };

    // Warm the page cache and the sandbox's connection handling first.
    for _ in 0..3 {
        wasphere();
        curl();
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Alternate which goes first so neither always gets the warmer machine.
        if i % 2 == 0 {
            ours.push(wasphere());
            theirs.push(curl());
        } else {
            theirs.push(curl());
            ours.push(wasphere());
        }
    }
    let mut version = Vec::new();
    for _ in 0..runs {
        let mut cmd = Command::new(BIN);
        cmd.arg("--version");
        version.push(timed(&mut cmd, "wasphere --version"));
    }
    runtime.block_on(sandbox.shutdown());
    let _ = std::fs::remove_dir_all(&config_dir);

    let (m_ours, m_theirs, m_version) = (median(ours), median(theirs), median(version));
    let ratio = m_ours.as_secs_f64() / m_theirs.as_secs_f64();
    println!("runs of each:                 {runs}");
    println!("wasphere send text (median):  {:.2} ms", ms(m_ours));
    println!("curl, same request (median):  {:.2} ms", ms(m_theirs));
    println!(
        "ratio wasphere/curl:          {ratio:.2}  (target <= 1.5: {})",
        if ratio <= 1.5 { "met" } else { "MISSED" }
    );
    println!(
        "wasphere --version (median):  {:.2} ms  (target <= 5 ms: {})",
        ms(m_version),
        if m_version <= Duration::from_millis(5) {
            "met"
        } else {
            "MISSED"
        }
    );
}

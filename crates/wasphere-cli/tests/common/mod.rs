//! Shared by the integration tests: a sandbox on a real TCP port in this process, and
//! the `wasphere` binary pointed at it through the environment only.

#![allow(dead_code, clippy::unwrap_used, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

pub mod campaign;

use assert_cmd::Command;
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, DEFAULT_WORKSPACE, RunningSandbox, Sandbox, SandboxBuilder,
};

/// A sandbox served by its own runtime; dropped at the end of the test.
pub struct TestSandbox {
    pub sandbox: Option<RunningSandbox>,
    pub runtime: tokio::runtime::Runtime,
}

impl TestSandbox {
    /// A default sandbox (key wsk_test_sandbox, session my-session), without a rate limit
    /// so that tests do not depend on each other's pace.
    pub fn start() -> Self {
        Self::with(|b| b.rate_limit(wasphere_sandbox::RateLimit::Off))
    }

    /// A sandbox configured by `configure`.
    pub fn with(configure: impl FnOnce(SandboxBuilder) -> SandboxBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime
            .block_on(configure(Sandbox::builder()).start())
            .unwrap();
        TestSandbox {
            sandbox: Some(sandbox),
            runtime,
        }
    }

    pub fn running(&self) -> &RunningSandbox {
        self.sandbox.as_ref().unwrap()
    }

    pub fn base_url(&self) -> String {
        self.running().base_url()
    }

    /// `wasphere ARGS` with the sandbox's settings in the environment.
    pub fn wasphere(&self, config_dir: &Path) -> Command {
        wasphere_at(config_dir, &self.base_url())
    }
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        if let Some(s) = self.sandbox.take() {
            self.runtime.block_on(s.shutdown());
        }
    }
}

/// `wasphere` with a clean environment: no WASPHERE_* from the developer's shell, a
/// private config directory, no colour, and a timeout so a bug cannot hang the suite.
pub fn wasphere(config_dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("wasphere").unwrap();
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("WASPHERE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("WASPHERE_CONFIG_DIR", config_dir)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

/// `wasphere` pointed at a default sandbox serving `base_url` (in this process or not).
pub fn wasphere_at(config_dir: &Path, base_url: &str) -> Command {
    let mut cmd = wasphere(config_dir);
    cmd.env("WASPHERE_BASE_URL", base_url)
        .env("WASPHERE_API_KEY", DEFAULT_API_KEY)
        .env("WASPHERE_WORKSPACE", DEFAULT_WORKSPACE)
        .env("WASPHERE_SESSION", DEFAULT_SESSION);
    cmd
}

/// `webhook listen` on a free port with the secret in `WH_SECRET` and `extra` arguments;
/// the child and its base URL (read from its `listening on …` line).
pub fn listen(config_dir: &Path, secret: &str, extra: &[&str]) -> (ChildGuard, String) {
    let mut guard = ChildGuard(Some(
        wasphere_child(config_dir)
            .env("WH_SECRET", secret)
            .args([
                "webhook",
                "listen",
                "--addr",
                "127.0.0.1:0",
                "--secret-env",
                "WH_SECRET",
            ])
            .args(extra)
            .spawn()
            .unwrap(),
    ));
    let stderr = guard.child().stderr.take().unwrap();
    let (line, _rest) = first_line_with(stderr, "listening on ", Duration::from_secs(20));
    let url = line
        .trim_start_matches("listening on ")
        .split(',')
        .next()
        .unwrap_or_default()
        .to_owned();
    (guard, url)
}

/// The same, as a std command for long-running children (sandbox, listen).
pub fn wasphere_child(config_dir: &Path) -> StdCommand {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("wasphere"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("WASPHERE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("WASPHERE_CONFIG_DIR", config_dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A child process that is killed if the test ends without waiting for it.
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }

    /// Waits up to `limit` for the child to exit; kills it and fails otherwise.
    pub fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child().try_wait().unwrap() {
                return status;
            }
            if started.elapsed() > limit {
                let _ = self.child().kill();
                panic!("the child did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM (the way service managers stop a process).
    pub fn terminate(&mut self) {
        let pid = self.child().id().to_string();
        let status = StdCommand::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take()
            && child.try_wait().ok().flatten().is_none()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reads lines from `reader` until one starts with `prefix`, within `limit`; returns it.
/// Runs on a helper thread so a silent child cannot block the test forever.
pub fn first_line_with(
    reader: impl std::io::Read + Send + 'static,
    prefix: &'static str,
    limit: Duration,
) -> (String, std::sync::mpsc::Receiver<String>) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no line starting with {prefix:?} within {limit:?}"));
        if line.starts_with(prefix) {
            return (line, rx);
        }
    }
}

/// The documented example bodies, written as files named after their type.
pub fn write_examples(dir: &Path) -> Vec<(wasphere_types::MessageType, std::path::PathBuf)> {
    wasphere_types::MessageType::ALL
        .into_iter()
        .map(|t| {
            let path = dir.join(format!("{t}.json"));
            std::fs::write(&path, wasphere_types::documented_example(t)).unwrap();
            (t, path)
        })
        .collect()
}

/// stdout of a finished command, as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr of a finished command, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// How many answers of `status` the sandbox gave.
pub fn status_count(sandbox: &TestSandbox, status: u16) -> u64 {
    sandbox
        .running()
        .status_counts()
        .get(&status)
        .copied()
        .unwrap_or(0)
}

/// When the sandbox received each message it accepted, earliest first.
pub fn arrival_times(sandbox: &TestSandbox) -> Vec<std::time::SystemTime> {
    let mut times: Vec<std::time::SystemTime> = sandbox
        .running()
        .messages()
        .iter()
        .map(|m| m.received_at)
        .collect();
    times.sort();
    times
}

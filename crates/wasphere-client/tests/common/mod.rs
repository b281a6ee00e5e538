//! Shared set-up of the tests against the sandbox: a sandbox on a free loopback port, and
//! a client pointed at it.
#![allow(dead_code, clippy::unwrap_used)]

pub(crate) mod log_capture;

use std::time::{Duration, SystemTime};

use wasphere_client::{Client, ClientBuilder, RateLimit};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, RateLimit as SandboxRateLimit, RunningSandbox, Sandbox,
    SandboxBuilder,
};

/// A sandbox without a rate limit, unless the test asks for one.
pub(crate) fn sandbox() -> SandboxBuilder {
    Sandbox::builder().rate_limit(SandboxRateLimit::Off)
}

pub(crate) async fn start(builder: SandboxBuilder) -> RunningSandbox {
    builder.start().await.expect("the sandbox starts")
}

/// A client for `sandbox` with the default key and session, no client-side limit, and
/// short timeouts so failures show quickly.
pub(crate) fn client_for(sandbox: &RunningSandbox) -> ClientBuilder {
    client_with_key(sandbox, DEFAULT_API_KEY)
}

pub(crate) fn client_with_key(sandbox: &RunningSandbox, key: &str) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(key.parse().unwrap())
        .workspace(sandbox.workspace())
        .session(DEFAULT_SESSION.parse().unwrap())
        .rate_limit(RateLimit::Off)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
}

/// How many answers of `status` the sandbox gave.
pub(crate) fn count(sandbox: &RunningSandbox, status: u16) -> u64 {
    sandbox.status_counts().get(&status).copied().unwrap_or(0)
}

/// The sandbox's own record: no `max + 1` accepted sends within any `window`, by the times
/// it recorded them (a moment after it counted them: the client's safety margin covers
/// the difference).
pub(crate) fn assert_accepted_in_a_sliding_window(
    sandbox: &RunningSandbox,
    max: usize,
    window: Duration,
) -> Vec<SystemTime> {
    let mut times: Vec<SystemTime> = sandbox.messages().iter().map(|m| m.received_at).collect();
    times.sort();
    for pair in times.windows(max + 1) {
        let span = pair[max].duration_since(pair[0]).unwrap_or_default();
        assert!(span >= window, "{} accepted within {span:?}", max + 1);
    }
    times
}

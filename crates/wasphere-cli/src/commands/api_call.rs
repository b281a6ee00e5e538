//! What every command that talks to the API does around its request: read the settings
//! (flags, then the environment, then the profile), show the request instead with
//! `--dry-run`, or build the client and hand it over. The key is kept out of every output
//! on the way.

use serde_json::{Value, json};
use wasphere_client::{Client, RateLimit, RetryPolicy};
use wasphere_types::ApiKey;

use crate::client_failure;
use crate::failure::Failure;
use crate::output::Output;
use crate::send_flags::ConnectionArgs;
use crate::settings::{Endpoint, Resolver, Source};

/// Connections are quick or not happening; a long `--timeout` should not make a dead
/// host take that long to report.
const MAX_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A request as `--dry-run` shows it.
pub(crate) struct Preview {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    /// The body as pretty JSON, its fields in the order they are sent; `None` without one.
    pub(crate) body: Option<String>,
}

/// Resolves the settings of `connection` (with `profile`), then prints `preview`'s request
/// when `dry_run`, or else hands a client for them to `act`.
pub(crate) fn call(
    connection: &ConnectionArgs,
    profile: Option<String>,
    dry_run: bool,
    out: &Output,
    preview: impl FnOnce(&Endpoint) -> Preview,
    act: impl FnOnce(Client) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let resolver = Resolver::new(connection, env_var, profile, None);
    let result = resolver.endpoint().and_then(|endpoint| {
        if dry_run {
            let key = resolver.api_key()?;
            if let Some((k, _)) = &key {
                out.protect(k);
            }
            report_key_source(key.as_ref().map(|(_, s)| s), out);
            show(&preview(&endpoint), key.as_ref().map(|(k, _)| k), out);
            return Ok(());
        }
        let (key, source) = resolver.api_key_or_prompt()?;
        out.protect(&key);
        report_key_source(Some(&source), out);
        act(client(connection, endpoint, key)?)
    });
    for warning in resolver.take_warnings() {
        out.warning(&warning);
    }
    result
}

pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub(crate) fn report_key_source(source: Option<&Source>, out: &Output) {
    if source == Some(&Source::Flag("--api-key")) {
        out.warning(
            "--api-key is visible to other users in the process list; prefer --api-key-file FILE or WASPHERE_API_KEY",
        );
    }
}

/// Prints the request that would be sent, the key reduced to its prefix.
fn show(request: &Preview, key: Option<&ApiKey>, out: &Output) {
    let authorization = match key {
        Some(k) => format!("Bearer {k}"),
        None => "Bearer (no API key set)".to_owned(),
    };
    if out.is_json() {
        let body = request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        out.json(&json!({
            "dryRun": true,
            "method": request.method,
            "url": request.url,
            "headers": {
                "Authorization": authorization,
                "Content-Type": "application/json",
                "User-Agent": wasphere_client::USER_AGENT,
            },
            "body": body,
        }));
        return;
    }
    out.line(&format!("{} {}", request.method, request.url));
    out.line(&format!("Authorization: {authorization}"));
    out.line("Content-Type: application/json");
    out.line(&format!("User-Agent: {}", wasphere_client::USER_AGENT));
    if let Some(body) = &request.body {
        out.line("");
        out.line(body);
    }
}

/// The client of one run of the CLI, as the connection flags ask: every command that talks
/// to the API (`send`, `message`, `typing`, `presence`, `doctor`) uses the same settings.
/// One process makes one request: the server's own limit is the one that counts, and a
/// 429 is waited out (within --max-wait) by the retry policy. With --redis the request
/// takes its turn in the window every process sharing the key keeps there.
pub(crate) fn client(
    c: &ConnectionArgs,
    endpoint: Endpoint,
    key: ApiKey,
) -> Result<Client, Failure> {
    let builder = Client::builder()
        .base_url(endpoint.base_url)
        .api_key(key)
        .workspace(endpoint.workspace)
        .session(endpoint.session)
        .rate_limit(RateLimit::Off);
    c.shared_limit
        .apply(builder)?
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(c.retries.saturating_add(1))
                .deadline(c.max_wait),
        )
        .timeout(c.timeout)
        .connect_timeout(c.timeout.min(MAX_CONNECT_TIMEOUT))
        .allow_insecure_http(c.allow_insecure_http)
        // Validated (or deliberately not) by the command, once.
        .validate_before_send(false)
        .build()
        .map_err(client_failure::from_client)
}

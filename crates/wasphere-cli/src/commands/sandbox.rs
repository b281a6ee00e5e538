//! `wasphere sandbox`: the local WaSphere emulator, in the foreground.

use std::io::ErrorKind;

use wasphere_sandbox::{
    ConnectionLimits, DEFAULT_API_KEY, DEFAULT_SESSION, DEFAULT_WORKSPACE, KeyConfig, Sandbox,
};
use wasphere_types::webhook::WebhookSecret;
use wasphere_types::{ApiKey, Recipient};

use crate::cli::SandboxArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::shutdown;

/// The numbers of `--unreachable` and `--unreachable-file`, as digits (`+92 300-1234567`
/// is 923001234567).
fn unreachable(args: &SandboxArgs) -> Result<Vec<String>, Failure> {
    let mut numbers: Vec<String> = args.unreachable.clone();
    if let Some(path) = &args.unreachable_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::other(format!(
                "cannot read --unreachable-file {}: {e}",
                path.display()
            ))
        })?;
        numbers.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    numbers
        .iter()
        .map(|n| {
            Recipient::parse_lenient(n)
                .map(|r| r.recipient.as_str().to_owned())
                .map_err(|e| Failure::invalid(format!("--unreachable {n:?}: {e}")))
        })
        .collect()
}

/// Runs until Ctrl-C or SIGTERM. The first stdout line is `listening on http://ADDR`.
pub(crate) fn run(args: &SandboxArgs, out: &Output) -> Result<(), Failure> {
    let mut builder = Sandbox::builder()
        .addr(args.addr)
        .rate_limit(args.rate_limit)
        .record_limit(if args.no_record { 0 } else { args.record })
        .connection_limits(ConnectionLimits {
            request_timeout: args.request_timeout,
            idle_timeout: args.idle_timeout,
            max_connections: args.max_connections as usize,
        });
    let mut sessions = Vec::new();
    for spec in &args.sessions {
        builder = match spec.split_once(':') {
            None => builder.session(spec),
            Some((name, "disconnected")) => builder.disconnected_session(name),
            Some((name, "meta")) => builder.meta_session(name),
            Some((_, state)) => {
                return Err(Failure::invalid(format!(
                    "--session {spec:?}: unknown state {state:?}; write NAME, NAME:disconnected or NAME:meta"
                )));
            }
        };
        sessions.push(spec.clone());
    }
    if sessions.is_empty() {
        sessions.push(DEFAULT_SESSION.to_owned());
    }
    for number in unreachable(args)? {
        builder = builder.unreachable(number);
    }
    if let Some(key) = &args.api_key {
        // Checked here to name the flag; the key itself is never echoed.
        ApiKey::new(key).map_err(|e| Failure::invalid(format!("--api-key: {e}")))?;
        builder = builder.api_key(KeyConfig::new(key));
    }
    if let (Some(url), Some(var)) = (&args.webhook_url, &args.webhook_secret_env) {
        let secret = std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                Failure::invalid(format!(
                    "the environment variable {var} (named by --webhook-secret-env) is not set or empty"
                ))
            })?;
        builder = builder.webhook(url.clone(), WebhookSecret::new(secret.as_encoded_bytes()));
        if let Some((delivered, read)) = args.statuses {
            builder = builder.message_statuses(delivered, read);
        }
    }

    super::runtime(true)?.block_on(async {
        let running = builder.start().await.map_err(|e| match e.kind() {
            ErrorKind::InvalidInput => Failure::invalid(e.to_string()),
            _ => Failure::other(format!("cannot start the sandbox on {}: {e}", args.addr)),
        })?;
        // Scripts read this first line to learn the port: keep it first and flushed.
        out.line(&format!("listening on {}", running.base_url()));
        let key_hint = match &args.api_key {
            None => format!("WASPHERE_API_KEY={DEFAULT_API_KEY}"),
            // The key given is the user's: never echo it.
            Some(_) => "WASPHERE_API_KEY=<the --api-key you gave>".to_owned(),
        };
        out.status(&format!(
            "use: WASPHERE_BASE_URL={} {key_hint} WASPHERE_WORKSPACE={DEFAULT_WORKSPACE} WASPHERE_SESSION={}",
            running.base_url(),
            sessions[0].split(':').next().unwrap_or(DEFAULT_SESSION),
        ));
        out.status(&format!(
            "docs: {} (the OpenAPI 3.1 document: {})",
            running.docs_url(),
            running.openapi_url()
        ));
        out.status(&format!(
            "sessions: {}; rate limit: {}; /__sandbox/… routes need the API key too; Ctrl-C to stop",
            sessions.join(", "),
            args.rate_limit
        ));
        if running.is_reachable_from_network() {
            out.warning(&format!(
                "the sandbox listens on {}: anyone who can reach this machine can use it with its API key{}",
                running.addr(),
                if args.api_key.is_some() { "" } else { " (the default one is public: pass --api-key)" }
            ));
        }
        shutdown::signal().await;
        running.shutdown().await;
        Ok(())
    })
}

//! `wasphere-sandbox`: runs the WaSphere API emulator until Ctrl-C.
//!
//! ```text
//! wasphere-sandbox [--addr 127.0.0.1:8080] [--rate-limit 60/1m|off] [--no-record]
//!                  [--webhook URL]   (signing secret in WASPHERE_WEBHOOK_SECRET)
//! ```
//!
//! The first line printed is `listening on http://127.0.0.1:PORT`, so scripts can read
//! the port; then the workspace id, session and API key to use.

#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, RateLimit, Sandbox};
use wasphere_types::webhook::WebhookSecret;

const USAGE: &str =
    "usage: wasphere-sandbox [--addr HOST:PORT] [--rate-limit MAX/WINDOW|off] [--no-record]

  --addr        where to listen (default 127.0.0.1:0, a free port)
  --rate-limit  sends per API key per sliding window, e.g. 60/1m (default), 600/1s, off
  --no-record   do not keep accepted messages (for long benchmarks)
  --webhook     send signed webhooks to URL; the signing secret is read from the
                WASPHERE_WEBHOOK_SECRET environment variable (never a flag, so it stays
                out of shell history and process lists)";

/// Where the webhook signing secret comes from.
const SECRET_ENV: &str = "WASPHERE_WEBHOOK_SECRET";

#[derive(Debug)]
struct Options {
    addr: SocketAddr,
    rate_limit: RateLimit,
    record: bool,
    webhook: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        rate_limit: RateLimit::default(),
        record: true,
        webhook: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value ({what})"))
        };
        match name.as_str() {
            "--addr" => {
                let v = value("HOST:PORT")?;
                options.addr = v
                    .parse()
                    .map_err(|e| format!("--addr {v:?}: {e} (expected e.g. 127.0.0.1:8080)"))?;
            }
            "--rate-limit" => {
                options.rate_limit =
                    RateLimit::parse(&value("MAX/WINDOW or off")?).map_err(|e| e.to_string())?
            }
            "--no-record" => options.record = false,
            "--webhook" => options.webhook = Some(value("URL")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Sandbox::builder()
        .addr(options.addr)
        .rate_limit(options.rate_limit)
        .record_messages(options.record);
    if let Some(url) = &options.webhook {
        match std::env::var(SECRET_ENV) {
            Ok(secret) if !secret.is_empty() => {
                builder = builder.webhook(url.clone(), WebhookSecret::new(secret));
            }
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: --webhook needs the signing secret in {SECRET_ENV}"
                );
                return ExitCode::from(2);
            }
        }
    }
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the sandbox on {}: {e}",
                options.addr
            );
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        // The sandbox's key is a published test key, not a secret, so printing it is the point.
        let _ = writeln!(out, "listening on {}", sandbox.base_url());
        let _ = writeln!(out, "workspace:  {}", sandbox.workspace());
        let _ = writeln!(out, "session:    {DEFAULT_SESSION}");
        let _ = writeln!(out, "api key:    {DEFAULT_API_KEY}");
        let _ = writeln!(out, "rate limit: {}", options.rate_limit);
        if let Some(url) = &options.webhook {
            let _ = writeln!(out, "webhook:    {url} (signed with {SECRET_ENV})");
        }
        let _ = writeln!(
            out,
            "try:        curl -X POST {}/workspaces/{}/proxy/api/sessions/{DEFAULT_SESSION}/messages/text -H 'Authorization: Bearer {DEFAULT_API_KEY}' -H 'Content-Type: application/json' -d '{{\"to\":\"923001234567\",\"text\":\"Hello\"}}'",
            sandbox.base_url(),
            sandbox.workspace()
        );
        let _ = out.flush();
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        let _ = writeln!(std::io::stderr(), "error: cannot wait for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let o = parse(&[
            "--addr",
            "127.0.0.1:9000",
            "--rate-limit=off",
            "--no-record",
        ])
        .unwrap();
        assert_eq!(o.addr.port(), 9000);
        assert_eq!(o.rate_limit, RateLimit::Off);
        assert!(!o.record);
        assert_eq!(o.webhook, None);
        let o = parse(&["--webhook", "http://127.0.0.1:9000/hook"]).unwrap();
        assert_eq!(o.webhook.as_deref(), Some("http://127.0.0.1:9000/hook"));
        assert!(
            parse(&["--rate-limit"])
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(parse(&["--addr", "localhost"]).is_err());
        assert!(
            parse(&["--bogus"])
                .unwrap_err()
                .contains("unknown argument")
        );
    }
}

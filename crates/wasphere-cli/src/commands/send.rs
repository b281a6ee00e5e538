//! `wasphere send <type>`: build or read the message, check it, and send it (or, with
//! `--dry-run`, show the request).

use clap::ArgMatches;
use serde_json::{Value, json};
use wasphere_client::{Client, RateLimit, RetryPolicy};
use wasphere_types::{ApiKey, Message, MessageType, Recipient};

use crate::client_failure;
use crate::compose;
use crate::failure::Failure;
use crate::input;
use crate::output::Output;
use crate::send_flags::{ConnectionArgs, SendArgs};
use crate::settings::{Endpoint, Resolver, Source};

/// Connections are quick or not happening; a long `--timeout` should not make a dead
/// host take that long to report.
const MAX_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Sends one message; prints its messageId (or the response as JSON).
pub(crate) fn run(
    args: SendArgs,
    matches: Option<&ArgMatches>,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let request = compose::request(&args.message);
    let (message_type, common, connection) = (
        request.message_type(),
        request.common(),
        request.connection(),
    );
    let mut message = match &common.json {
        Some(path) => from_json(message_type, path, common.to.as_deref())?,
        None => request.compose(matches)?,
    };
    normalise_recipient(&mut message, out);
    // The one validation of the send path: before any setting is read, so a bad message
    // fails the same with or without a configured server (the client is told not to
    // validate again).
    if !common.no_validate {
        message.validate().map_err(|e| {
            Failure::validation(&format!("the {message_type} message"), e).nothing_sent()
        })?;
    }

    let resolver = Resolver::new(connection, env_var, profile, None);
    let endpoint = resolver.endpoint();
    let result = endpoint.and_then(|endpoint| {
        if common.dry_run {
            let key = resolver.api_key()?;
            if let Some((k, _)) = &key {
                out.protect(k);
            }
            report_key_source(key.as_ref().map(|(_, s)| s), out);
            dry_run(&endpoint, &message, key.as_ref().map(|(k, _)| k), out);
            return Ok(());
        }
        let (key, source) = resolver.api_key_or_prompt()?;
        out.protect(&key);
        report_key_source(Some(&source), out);
        send(connection, endpoint, key, &message, out)
    });
    for warning in resolver.take_warnings() {
        out.warning(&warning);
    }
    result
}

pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The body of `--json`, with `to` replaced by `--to` when given (so one file can serve
/// as a template for many recipients, with or without a `to` of its own).
fn from_json(t: MessageType, path: &std::path::Path, to: Option<&str>) -> Result<Message, Failure> {
    let mut body = input::read(path, "the JSON body")?;
    if let Some(to) = to
        && let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(&body)
    {
        fields.insert("to".to_owned(), Value::String(to.to_owned()));
        body = Value::Object(fields).to_string().into_bytes();
    }
    Message::parse(t, &body)
        .map_err(|e| Failure::validation(&format!("the {t} body"), e).nothing_sent())
}

/// `+92 300 1234567` → `923001234567`, saying so on stderr. A `to` that cannot be
/// cleaned up is left for validation to report.
fn normalise_recipient(message: &mut Message, out: &Output) {
    let Ok(lenient) = Recipient::parse_lenient(message.to()) else {
        return;
    };
    if lenient.changes.is_empty() {
        return;
    }
    let changes: Vec<String> = lenient.changes.iter().map(ToString::to_string).collect();
    out.notice(&format!(
        "sending to {} ({} from {:?})",
        lenient.recipient,
        changes.join(", "),
        message.to()
    ));
    *message.to_mut() = lenient.recipient.into();
}

pub(crate) fn report_key_source(source: Option<&Source>, out: &Output) {
    if source == Some(&Source::Flag("--api-key")) {
        out.warning(
            "--api-key is visible to other users in the process list; prefer --api-key-file FILE or WASPHERE_API_KEY",
        );
    }
}

/// Prints the request that would be sent, the key reduced to its prefix.
fn dry_run(endpoint: &Endpoint, message: &Message, key: Option<&ApiKey>, out: &Output) {
    let url = endpoint.url(message.message_type());
    let authorization = match key {
        Some(k) => format!("Bearer {k}"),
        None => "Bearer (no API key set)".to_owned(),
    };
    if out.is_json() {
        let body: Value = serde_json::from_slice(&message.to_json()).unwrap_or(Value::Null);
        out.json(&json!({
            "dryRun": true,
            "method": "POST",
            "url": url,
            "headers": {
                "Authorization": authorization,
                "Content-Type": "application/json",
                "User-Agent": wasphere_client::USER_AGENT,
            },
            "body": body,
        }));
        return;
    }
    out.line(&format!("POST {url}"));
    out.line(&format!("Authorization: {authorization}"));
    out.line("Content-Type: application/json");
    out.line(&format!("User-Agent: {}", wasphere_client::USER_AGENT));
    out.line("");
    // Straight from the message, not through a Value, so the fields keep the order they
    // are sent in.
    out.line(&serde_json::to_string_pretty(message).unwrap_or_default());
}

fn send(
    c: &ConnectionArgs,
    endpoint: Endpoint,
    key: ApiKey,
    message: &Message,
    out: &Output,
) -> Result<(), Failure> {
    let client = client(c, endpoint, key)?;
    let runtime = super::runtime(false)?;
    let sent = runtime
        .block_on(client.send(message))
        .map_err(client_failure::from_client)?;
    if out.is_json() {
        out.json(&serde_json::to_value(&sent).unwrap_or(Value::Null));
    } else {
        out.line(&sent.message_id);
        if sent.status.as_str() != "sent" {
            out.notice(&format!("status: {}", sent.status));
        }
    }
    Ok(())
}

/// The client of one run of the CLI, as the connection flags ask: every command that
/// talks to the API (`send`, `doctor`) uses the same settings.
pub(crate) fn client(
    c: &ConnectionArgs,
    endpoint: Endpoint,
    key: ApiKey,
) -> Result<Client, Failure> {
    Client::builder()
        .base_url(endpoint.base_url)
        .api_key(key)
        .workspace(endpoint.workspace)
        .session(endpoint.session)
        // One process sends one message: the server's own limit is the one that counts,
        // and a 429 is waited out (within --max-wait) by the retry policy.
        .rate_limit(RateLimit::Off)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(c.retries.saturating_add(1))
                .deadline(c.max_wait),
        )
        .timeout(c.timeout)
        .connect_timeout(c.timeout.min(MAX_CONNECT_TIMEOUT))
        .allow_insecure_http(c.allow_insecure_http)
        // Validated (or deliberately not) by `run`, once.
        .validate_before_send(false)
        .build()
        .map_err(client_failure::from_client)
}

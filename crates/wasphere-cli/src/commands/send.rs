//! `wasphere send <type>`: build or read the message, check it, and send it (or, with
//! `--dry-run`, show the request).

use clap::ArgMatches;
use serde_json::Value;
use wasphere_client::Client;
use wasphere_types::{Message, MessageType};

use super::api_call::{self, Preview};
use crate::client_failure;
use crate::compose;
use crate::failure::Failure;
use crate::input;
use crate::output::Output;
use crate::recipient_input::normalise_recipient;
use crate::send_flags::SendArgs;

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
    normalise_recipient(message.to_mut(), out);
    // The one validation of the send path: before any setting is read, so a bad message
    // fails the same with or without a configured server (the client is told not to
    // validate again).
    if !common.no_validate {
        message.validate().map_err(|e| {
            Failure::validation(&format!("the {message_type} message"), e).nothing_sent()
        })?;
    }

    api_call::call(
        connection,
        profile,
        common.dry_run,
        out,
        |endpoint| Preview {
            method: "POST",
            url: endpoint.url(message.message_type()),
            // Straight from the message, not through a Value, so the fields keep the order
            // they are sent in.
            body: Some(serde_json::to_string_pretty(&message).unwrap_or_default()),
        },
        |client| send(&client, &message, out),
    )
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

fn send(client: &Client, message: &Message, out: &Output) -> Result<(), Failure> {
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

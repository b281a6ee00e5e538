//! `wasphere demo`: the whole toolkit in one offline run. An embedded sandbox, the
//! client sending the documentation's 14 example messages, and a local webhook
//! receiver that verifies the signed replies the sandbox simulates.

use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use serde_json::{Value, json};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, Sandbox};
use wasphere_types::webhook::{EventKind, Selection, WebhookSecret};
use wasphere_types::{Message, MessageType, documented_example};

use crate::cli::DemoArgs;
use crate::client_failure;
use crate::failure::Failure;
use crate::output::Output;
use crate::webhook_receiver::{self, Delivery};

/// How long the replies may take to arrive; they normally take milliseconds.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
const HEADER: Style = Style::new().bold();
const GOOD: Style = AnsiColor::Green.on_default();

/// One row of the table.
struct Sent {
    message_type: MessageType,
    message_id: String,
    status: String,
    latency: Duration,
}

/// Runs the demo; exit 0 when every send succeeded and both replies were verified.
pub(crate) fn run(_args: &DemoArgs, out: &Output) -> Result<(), Failure> {
    super::runtime(true)?.block_on(demo(out))
}

fn setup_failure(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::other(format!("cannot {what}: {e}"))
}

async fn demo(out: &Output) -> Result<(), Failure> {
    // A secret for this run only: the receiver and the sandbox share it in memory.
    let secret = WebhookSecret::new(format!("demo-{}-{:?}", std::process::id(), Instant::now()));
    let mut receiver = webhook_receiver::start(([127, 0, 0, 1], 0).into(), secret.clone()).await?;
    let sandbox = Sandbox::builder()
        // The demo sends 14 messages at once; the limit is the server's business, not the tour's.
        .rate_limit(wasphere_sandbox::RateLimit::Off)
        .webhook(format!("http://{}/webhooks", receiver.addr), secret)
        .webhook_retry_delays(vec![Duration::from_millis(100), Duration::from_millis(500)])
        .start()
        .await
        .map_err(|e| setup_failure("start the sandbox", e))?;
    if !out.is_json() {
        out.line(&format!(
            "Sandbox on {}, webhook receiver on http://{}\n",
            sandbox.base_url(),
            receiver.addr
        ));
    }

    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(
            DEFAULT_API_KEY
                .parse()
                .map_err(|e| setup_failure("use the sandbox key", e))?,
        )
        .workspace(sandbox.workspace())
        .session(
            DEFAULT_SESSION
                .parse()
                .map_err(|e| setup_failure("use the sandbox session", e))?,
        )
        .rate_limit(RateLimit::Off)
        .build()
        .map_err(client_failure::from_client)?;

    let sent = send_all(&client, out).await?;
    let id_of = |t: MessageType| {
        sent.iter()
            .find(|s| s.message_type == t)
            .map(|s| s.message_id.clone())
            .unwrap_or_default()
    };
    let http = reqwest::Client::new();
    let simulate = format!("{}/__sandbox/simulate/reply", sandbox.base_url());
    for request in [
        json!({"messageId": id_of(MessageType::Buttons), "buttonId": "btn1"}),
        json!({"messageId": id_of(MessageType::List), "rowId": "pro"}),
    ] {
        let answer = http
            .post(&simulate)
            .json(&request)
            .send()
            .await
            .map_err(|e| setup_failure("ask the sandbox for a reply", e))?;
        if !answer.status().is_success() {
            let status = answer.status();
            let body = answer.text().await.unwrap_or_default();
            return Err(setup_failure(
                "simulate a reply",
                format!("the sandbox answered {status}: {body}"),
            ));
        }
    }

    let (replies, verified) = receive_replies(&mut receiver).await?;
    sandbox.shutdown().await;
    receiver.stop().await?;

    if out.is_json() {
        out.json(&json!({
            "sent": sent.iter().map(|s| json!({
                "type": s.message_type.as_str(),
                "messageId": s.message_id,
                "status": s.status,
                "latencyMs": s.latency.as_secs_f64() * 1000.0,
            })).collect::<Vec<Value>>(),
            "replies": replies.iter().map(|r| json!({
                "kind": kind(r),
                "selectionId": r.id(),
                "label": label(r),
                "signatureVerified": true,
            })).collect::<Vec<Value>>(),
            "webhooksVerified": verified,
        }));
        return Ok(());
    }
    out.line("");
    out.styled_line(&[(
        HEADER,
        "Replies, delivered as signed message.received webhooks:",
    )]);
    for r in &replies {
        let line = format!(
            "  {:<13} {:<6} {:<10} ",
            kind(r),
            r.id(),
            format!("{:?}", label(r))
        );
        out.styled_line(&[(Style::new(), &line), (GOOD, "signature verified")]);
    }
    out.line("");
    out.line(&format!(
        "Sent all {} message types; verified {verified} webhook signatures; selections: {}.",
        sent.len(),
        replies
            .iter()
            .map(Selection::id)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}

/// Sends the documentation's example of each type, in its order, and prints the table.
async fn send_all(client: &Client, out: &Output) -> Result<Vec<Sent>, Failure> {
    if !out.is_json() {
        out.styled_line(&[(
            HEADER,
            &format!(
                "{:<10} {:<22} {:<7} {:>9}",
                "type", "messageId", "status", "latency"
            ),
        )]);
    }
    let mut sent: Vec<Sent> = Vec::new();
    for t in MessageType::ALL {
        let mut message = Message::parse_valid(t, documented_example(t).as_bytes())
            .map_err(|e| Failure::validation(&format!("the documented {t} example"), e))?;
        // React to the first message of the demo rather than to the page's made-up id.
        if let (Message::Reaction(reaction), Some(first)) = (&mut message, sent.first()) {
            reaction.message_id = first.message_id.clone();
        }
        let started = Instant::now();
        let response = client
            .send(&message)
            .await
            .map_err(client_failure::from_client)?;
        let row = Sent {
            message_type: t,
            message_id: response.message_id,
            status: response.status.to_string(),
            latency: started.elapsed(),
        };
        if !out.is_json() {
            out.line(&format!(
                "{:<10} {:<22} {:<7} {:>6.1} ms",
                t.as_str(),
                row.message_id,
                row.status,
                row.latency.as_secs_f64() * 1000.0
            ));
        }
        sent.push(row);
    }
    Ok(sent)
}

/// Waits for the button and the list reply; every delivery on the way (the sandbox also
/// reports each send as `message.sent`) must be authentic.
async fn receive_replies(
    receiver: &mut webhook_receiver::RunningReceiver,
) -> Result<(Vec<Selection>, usize), Failure> {
    let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
    let mut replies = Vec::new();
    let mut verified = 0;
    while replies.len() < 2 {
        let delivery = tokio::time::timeout_at(deadline, receiver.deliveries.recv())
            .await
            .map_err(|_| {
                Failure::other(format!(
                    "the replies did not arrive within {} s ({} of 2)",
                    REPLY_TIMEOUT.as_secs(),
                    replies.len()
                ))
            })?;
        match delivery {
            Some(Delivery::Verified { event, .. }) => {
                verified += 1;
                if event.event != EventKind::MessageReceived {
                    continue;
                }
                let selection = event
                    .message_received()
                    .ok()
                    .flatten()
                    .and_then(|m| m.selection());
                if let Some(selection) = selection {
                    replies.push(selection);
                }
            }
            Some(Delivery::Refused { reason, .. }) => {
                return Err(Failure::other(format!(
                    "a webhook from the sandbox failed verification: {reason}"
                )));
            }
            None => return Err(Failure::other("the webhook receiver stopped")),
        }
    }
    // Button before list, as they were asked for, whatever order they arrived in.
    replies.sort_by_key(|r| !matches!(r, Selection::ButtonReply { .. }));
    Ok((replies, verified))
}

fn kind(s: &Selection) -> &'static str {
    match s {
        Selection::ButtonReply { .. } => "button reply",
        Selection::ListReply { .. } => "list reply",
        Selection::QuickReply { .. } => "quick reply",
        Selection::PollVote { .. } => "poll vote",
    }
}

fn label(s: &Selection) -> &str {
    match s {
        Selection::ButtonReply { label, .. }
        | Selection::ListReply { label, .. }
        | Selection::QuickReply { label, .. } => label,
        Selection::PollVote { poll_name, .. } => poll_name,
    }
}

//! `wasphere demo`: the whole toolkit in one offline run. An embedded sandbox, the
//! client sending the documentation's 14 example messages, and a local webhook
//! receiver that verifies the signed replies and delivery statuses the sandbox simulates.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use serde_json::{Value, json};
use wasphere_client::{Client, RateLimit};
use wasphere_sandbox::{DEFAULT_API_KEY, DEFAULT_SESSION, Sandbox};
use wasphere_types::webhook::{DeliveryStatus, EventKind, Selection, WebhookSecret};
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
    let mut receiver =
        webhook_receiver::start(([127, 0, 0, 1], 0).into(), secret.clone(), None).await?;
    let sandbox = Sandbox::builder()
        // The demo sends 14 messages at once; the limit is the server's business, not the tour's.
        .rate_limit(wasphere_sandbox::RateLimit::Off)
        .webhook(format!("http://{}/webhooks", receiver.addr), secret)
        .webhook_retry_delays(vec![Duration::from_millis(100), Duration::from_millis(500)])
        // Each message is reported delivered, then read, as messages.update statuses.
        .message_statuses(Duration::from_millis(150), Duration::from_millis(400))
        // The campaign part sends to one number that is not on WhatsApp.
        .unreachable(super::campaign::TOUR_UNREACHABLE)
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
            // The sandbox's own routes take its API key, like its API.
            .bearer_auth(DEFAULT_API_KEY)
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

    let sent_ids: Vec<String> = sent.iter().map(|s| s.message_id.clone()).collect();
    let Received {
        replies,
        verified,
        statuses,
    } = receive_replies(&mut receiver, &sent_ids).await?;
    let count_of = |status: DeliveryStatus| {
        sent_ids
            .iter()
            .filter(|id| statuses.get(*id).is_some_and(|s| s.contains(&status)))
            .count()
    };
    let (delivered, read) = (
        count_of(DeliveryStatus::Delivered),
        count_of(DeliveryStatus::Read),
    );

    if out.is_json() {
        let campaign = super::campaign::tour(&sandbox, &mut receiver, out).await?;
        sandbox.shutdown().await;
        receiver.stop().await?;
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
            "statuses": {"delivered": delivered, "read": read},
            "campaign": {
                "rows": campaign.total(),
                "byState": campaign.by_state.iter().map(|(s, n)| (s.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
                "byClass": campaign.by_class,
                "delivery": campaign.by_delivery,
            },
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
    out.styled_line(&[(
        HEADER,
        "Delivery statuses, delivered as signed messages.update webhooks:",
    )]);
    let buttons = id_of(MessageType::Buttons);
    let progress: Vec<String> = statuses
        .get(&buttons)
        .map(|s| s.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    out.line(&format!(
        "  buttons {buttons}: sent -> {}",
        progress.join(" -> ")
    ));
    out.line(&format!(
        "  {delivered} of {} messages delivered, {read} read",
        sent.len()
    ));
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
    let tour = super::campaign::tour(&sandbox, &mut receiver, out).await;
    sandbox.shutdown().await;
    receiver.stop().await?;
    tour.map(|_| ())
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

/// What came back through the webhook receiver.
struct Received {
    replies: Vec<Selection>,
    verified: usize,
    /// Message id -> the statuses reported for it, in order of arrival.
    statuses: HashMap<String, Vec<DeliveryStatus>>,
}

/// Waits for the button and the list reply and for every sent message to be reported
/// read; every delivery on the way (the sandbox also reports each send as
/// `message.sent`) must be authentic.
async fn receive_replies(
    receiver: &mut webhook_receiver::RunningReceiver,
    sent_ids: &[String],
) -> Result<Received, Failure> {
    let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
    let mut received = Received {
        replies: Vec::new(),
        verified: 0,
        statuses: HashMap::new(),
    };
    let all_read = |statuses: &HashMap<String, Vec<DeliveryStatus>>| {
        sent_ids.iter().all(|id| {
            statuses
                .get(id)
                .is_some_and(|s| s.contains(&DeliveryStatus::Read))
        })
    };
    while received.replies.len() < 2 || !all_read(&received.statuses) {
        let delivery = tokio::time::timeout_at(deadline, receiver.deliveries.recv())
            .await
            .map_err(|_| {
                Failure::other(format!(
                    "the replies and statuses did not arrive within {} s ({} of 2 replies)",
                    REPLY_TIMEOUT.as_secs(),
                    received.replies.len()
                ))
            })?;
        match delivery {
            Some(Delivery::Verified { event, .. }) => {
                received.verified += 1;
                for event in event.events().unwrap_or_default() {
                    if let Some(status) = event.status() {
                        let seen = received
                            .statuses
                            .entry(status.message_id.clone())
                            .or_default();
                        // A retried delivery may bring a status twice; show it once.
                        if !seen.contains(&status.status) {
                            seen.push(status.status);
                        }
                    } else if event.kind == EventKind::MessageReceived
                        && let Some(selection) = event.selection()
                    {
                        received.replies.push(selection);
                    }
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
    received
        .replies
        .sort_by_key(|r| !matches!(r, Selection::ButtonReply { .. }));
    Ok(received)
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

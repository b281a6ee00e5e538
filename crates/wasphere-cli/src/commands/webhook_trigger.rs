//! `wasphere webhook trigger`: post one correctly signed (or, with `--tamper`, wrongly
//! signed) realistic event to an endpoint and report what it answered.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasphere_types::webhook::{
    DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign,
};

use crate::cli::WebhookTriggerArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::secret_source;
use crate::trigger_event::{self, TriggerSpec};

/// Posts the event; exit 0 when the endpoint answered 2xx (with `--tamper`, when it
/// refused).
pub(crate) fn run(args: &WebhookTriggerArgs, out: &Output) -> Result<(), Failure> {
    let url = url::Url::parse(&args.to_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            Failure::invalid(format!("--to-url {:?} is not an http(s) URL", args.to_url))
        })?;
    let secret = secret_source::load(&args.secret)?;
    let message_id = args
        .reply_to
        .clone()
        .unwrap_or_else(trigger_event::new_message_id);
    let now = SystemTime::now();
    let spec = TriggerSpec {
        event: args.event,
        session: &args.session,
        message_id: &message_id,
        selection: args.selection.as_deref(),
    };
    let (event, body) = trigger_event::body(&spec, now);
    let delivery_id = body["deliveryId"].as_str().unwrap_or_default().to_owned();
    let body = body.to_string();
    let unix = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let signature = if args.tamper {
        // Well-formed, but over other bytes than those sent.
        sign(&secret, unix, format!("{body} ").as_bytes())
    } else {
        sign(&secret, unix, body.as_bytes())
    };
    let answer = super::runtime(false)?.block_on(async {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .map_err(|e| Failure::other(format!("cannot build the HTTP client: {e}")))?
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, event)
            .header(TIMESTAMP_HEADER, unix.to_string())
            .header(SIGNATURE_HEADER, signature)
            .header(DELIVERY_ID_HEADER, &delivery_id)
            .body(body.clone())
            .send()
            .await
            .map_err(|e| Failure::other(format!("could not post to {url}: {}", reason(&e))))
    })?;
    let status = answer.status();
    out.line(&body);
    let signed = if args.tamper {
        "wrongly signed"
    } else {
        "signed"
    };
    let what = format!("{signed} {event} ({:?}) to {url}: {status}", args.event);
    match (args.tamper, status.is_success()) {
        (false, true) => {
            out.status(&format!("delivered {what}"));
            Ok(())
        }
        (true, false) => {
            out.status(&format!("refused, as it should be: {what}"));
            Ok(())
        }
        (false, false) => Err(Failure::other(format!(
            "the endpoint did not accept the {what}"
        ))),
        (true, true) => Err(Failure::other(format!(
            "the endpoint accepted a wrongly signed delivery: {what}"
        ))),
    }
}

/// Why a request failed, without the URL's query (which may carry a token).
fn reason(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "no answer within 10 s"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    }
}

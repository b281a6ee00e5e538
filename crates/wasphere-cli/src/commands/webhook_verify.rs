//! `wasphere webhook verify`: is this delivery authentic? For shell-based receivers
//! (CGI scripts, serverless shims) that have the raw body and the two headers.

use std::time::SystemTime;

use wasphere_client::ErrorClass;
use wasphere_types::webhook::{VerifyError, verify};

use crate::cli::WebhookVerifyArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::{input, secret_source};

/// Verifies the body on stdin: prints the event (exit 0), or the reason (exit 3 for a
/// signature or timestamp that does not check out, 2 for a body that is not an event).
pub(crate) fn run(args: &WebhookVerifyArgs, out: &Output) -> Result<(), Failure> {
    let secret = secret_source::load(&args.secret)?;
    let body = input::read_stdin("the raw webhook body")?;
    let event = verify(
        &secret,
        Some(&args.timestamp),
        Some(&args.signature),
        &body,
        SystemTime::now(),
    )
    .map_err(refusal)?;
    // The raw body is what was signed: print it as it came (compacted), not a re-encoding.
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| Failure::invalid(format!("the body is not JSON: {e}")))?;
    out.json(&value);
    if !out.is_json() {
        let selection = event
            .message_received()
            .ok()
            .flatten()
            .and_then(|m| m.selection())
            .map(|s| format!("; selected {}", s.id()))
            .unwrap_or_default();
        out.notice(&format!(
            "authentic {} event for session {}{selection}",
            event.event, event.session_id
        ));
    }
    Ok(())
}

/// Why a delivery was refused, with its exit code.
pub(crate) fn refusal(e: VerifyError) -> Failure {
    match e {
        VerifyError::InvalidBody(_) => Failure::invalid(e.to_string()),
        other => Failure::new(ErrorClass::Auth, format!("not authentic: {other}"))
            .hint("check the secret, and that the body is passed byte for byte as received"),
    }
}

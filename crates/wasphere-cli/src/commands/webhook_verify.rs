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

/// Why a delivery was refused, with its exit code and what to check.
pub(crate) fn refusal(e: VerifyError) -> Failure {
    let hint = match e {
        VerifyError::InvalidBody(_) => return Failure::invalid(e.to_string()),
        VerifyError::TooOld { .. } | VerifyError::TooNew { .. } => {
            "the signature may be right but the time is not: check this machine's clock (and the sender's), or this is an old delivery being replayed"
        }
        VerifyError::MissingTimestamp | VerifyError::MissingSignature => {
            "pass both headers as they came with the delivery"
        }
        _ => "check the secret, and that the body is passed byte for byte as received",
    };
    Failure::new(ErrorClass::Auth, format!("not authentic: {e}")).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, item 12: a stale timestamp got the hint about the secret.
    #[test]
    fn a_stale_delivery_is_blamed_on_the_clock_not_the_secret() {
        for e in [
            VerifyError::TooOld { age_secs: 900 },
            VerifyError::TooNew { ahead_secs: 900 },
        ] {
            let f = refusal(e);
            assert_eq!(f.class, ErrorClass::Auth);
            let hint = f.hint.unwrap();
            assert!(hint.contains("clock") && hint.contains("replay"), "{hint}");
            assert!(!hint.contains("secret"), "{hint}");
        }
        assert!(
            refusal(VerifyError::BadSignature)
                .hint
                .unwrap()
                .contains("secret")
        );
    }
}

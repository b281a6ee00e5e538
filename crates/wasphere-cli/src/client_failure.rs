//! A client error as the CLI reports it: the exit code of its class, the server's own
//! words, and what to do next.

use wasphere_client::{Error, ErrorClass};

use crate::failure::Failure;

/// Describes a failed send.
pub(crate) fn from_client(err: Error) -> Failure {
    let class = err.class();
    if let Error::Validation(v) = err {
        return Failure::validation("the message", v).nothing_sent();
    }
    let mut f = Failure::new(class, err.to_string());
    if let Some(status) = err.status() {
        f = f.detail("status", status);
    }
    let messages = err.server_messages();
    if !messages.is_empty() {
        f = f.detail("serverMessages", messages);
    }
    if let Some(wait) = err.retry_after() {
        f = f.detail("retryAfterSeconds", wait.as_secs_f64().ceil() as u64);
    }
    f = f.detail("mayHaveBeenDelivered", err.may_have_been_delivered());
    let hint = match class {
        ErrorClass::Auth => Some(
            "check the API key (--api-key-file, WASPHERE_API_KEY or `wasphere config set api-key`) and that it may send with this session (messages:send)".to_owned(),
        ),
        ErrorClass::NotFound => {
            Some("check the workspace and session: the session must exist in this workspace".to_owned())
        }
        ErrorClass::RateLimited => Some(match err.retry_after() {
            Some(wait) => format!(
                "the key is over its rate limit; try again in {} s (--max-wait sets how long to wait before giving up)",
                wait.as_secs_f64().ceil() as u64
            ),
            None => "the key is over its rate limit; try again later".to_owned(),
        }),
        // The message already ends with what became of the message; the hint says what
        // to do about it.
        ErrorClass::Server => Some(match err {
            Error::UnsupportedOperation { .. } | Error::CapabilityNotSupported { .. } => {
                "this session's provider (e.g. the Meta Cloud API) cannot do this; use a session on the WhatsApp Web provider".to_owned()
            }
            _ => "if the session is not connected, reconnect it from the dashboard".to_owned(),
        }),
        ErrorClass::Network if matches!(err, Error::RateLimitStore(_)) => Some(
            "it is safe to try again; start Redis, or pass --redis-fallback SHARE to send at a share of the limit while it is out".to_owned(),
        ),
        ErrorClass::Network => Some(
            "it is safe to try again; check the base URL and your connection".to_owned(),
        ),
        ErrorClass::OutcomeUnknown => Some(
            "check before sending it again, or the recipient may get it twice".to_owned(),
        ),
        ErrorClass::UnexpectedAnswer => Some(
            "check the base URL (--base-url, WASPHERE_BASE_URL or `wasphere config set base-url`): it must be the WaSphere API's own address, e.g. https://api.yourdomain.com; `wasphere doctor` checks it".to_owned(),
        ),
        ErrorClass::Invalid if matches!(err, Error::PayloadTooLarge { .. } | Error::BodyTooLarge { .. }) => Some(
            "the server reads at most 10 MiB per request: send large media as an https URL rather than a data URI".to_owned(),
        ),
        ErrorClass::Invalid | ErrorClass::Other => None,
    };
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_client::ErrorClass;

    #[test]
    fn outcome_unknown_says_not_to_resend_blindly() {
        let f = from_client(Error::Gateway {
            status: 502,
            messages: vec!["bad gateway".into()],
        });
        assert_eq!(f.class, ErrorClass::OutcomeUnknown);
        assert_eq!(f.details["status"], 502);
        assert_eq!(f.details["mayHaveBeenDelivered"], true);
        assert!(
            f.message.ends_with("the message may have been sent"),
            "{}",
            f.message
        );
        assert!(f.hint.unwrap().contains("twice"));
    }
}

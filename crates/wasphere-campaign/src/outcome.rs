//! What a send's result means for its row and for the campaign.

use wasphere_client::{Delivery, Error, ErrorClass, SendResponse};

/// The verdict on one send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    Sent {
        message_id: String,
    },
    /// Not delivered; the campaign goes on.
    Failed {
        class: ErrorClass,
        message: String,
    },
    /// Maybe delivered; never sent again unless asked.
    Unknown {
        message: String,
    },
    /// Not delivered, and every later row would fail the same way: the row goes back to
    /// `pending` and the campaign stops, resumable.
    Fatal {
        class: ErrorClass,
        message: String,
    },
}

pub(crate) fn judge(result: Result<SendResponse, Error>) -> Verdict {
    let error = match result {
        Ok(sent) => {
            return Verdict::Sent {
                message_id: sent.message_id,
            };
        }
        Err(e) => e,
    };
    let message = error.to_string();
    if error.delivery() == Delivery::MayHaveBeenSent {
        return Verdict::Unknown { message };
    }
    let class = error.class();
    let for_every_row = matches!(
        class,
        ErrorClass::Auth | ErrorClass::NotFound | ErrorClass::Server
    ) || matches!(error, Error::Config(_) | Error::RateLimitStore(_));
    if for_every_row {
        Verdict::Fatal { class, message }
    } else {
        Verdict::Failed { class, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_the_whole_campaign_stop_it() {
        let fatal = [
            Error::Unauthorized { messages: vec![] },
            Error::Forbidden { messages: vec![] },
            Error::NotFound { messages: vec![] },
            Error::SessionNotConnected { messages: vec![] },
        ];
        for e in fatal {
            assert!(matches!(judge(Err(e)), Verdict::Fatal { .. }));
        }
        // The shared rate limit's store is out (and set to fail): no row can take its turn.
        let store_out = Error::RateLimitStore(wasphere_client::RateLimitStoreError::Unavailable {
            url: "redis://127.0.0.1:6379".to_owned(),
            reason: "connection refused".to_owned(),
        });
        assert!(matches!(judge(Err(store_out)), Verdict::Fatal { .. }));
    }

    #[test]
    fn a_refused_row_fails_and_a_lost_answer_is_unknown() {
        let v = judge(Err(Error::RecipientNotOnWhatsApp { messages: vec![] }));
        assert!(
            matches!(
                v,
                Verdict::Failed {
                    class: ErrorClass::Invalid,
                    ..
                }
            ),
            "{v:?}"
        );
        let v = judge(Err(Error::Gateway {
            status: 504,
            messages: vec![],
        }));
        assert!(matches!(v, Verdict::Unknown { .. }), "{v:?}");
        let v = judge(Err(Error::RateLimited {
            retry_after: None,
            messages: vec![],
        }));
        assert!(
            matches!(
                v,
                Verdict::Failed {
                    class: ErrorClass::RateLimited,
                    ..
                }
            ),
            "{v:?}"
        );
    }
}

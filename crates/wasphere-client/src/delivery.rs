//! What became of a message whose send failed: the one fact a caller must act on.

use std::fmt;

/// What became of the message when a send failed ([`Error::delivery`](crate::Error::delivery)).
///
/// A send that succeeded was sent (the server answered 2xx with a message id); a failed
/// one either certainly was not, or may have been: the request may have reached the
/// server before the answer was lost, and the server may have handed the message to
/// WhatsApp. Sending again is safe only after [`Delivery::NotSent`].
///
/// ```
/// use wasphere_client::{Delivery, Error, TimeoutPhase};
///
/// let lost_answer = Error::Timeout { phase: TimeoutPhase::Response };
/// assert_eq!(lost_answer.delivery(), Delivery::MayHaveBeenSent);
/// assert_eq!(
///     lost_answer.to_string(),
///     "timed out waiting for the answer; the message may have been sent"
/// );
/// let refused = Error::Unauthorized { messages: vec![] };
/// assert_eq!(refused.delivery(), Delivery::NotSent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// The message was not sent: the request never left this machine, or the server
    /// refused it without processing it. Sending it again cannot deliver it twice.
    NotSent,
    /// The server may have processed the message (a timeout or broken connection after the
    /// request was sent, a gateway or server error, an unreadable success): check before
    /// sending it again, or the recipient may get it twice.
    MayHaveBeenSent,
}

impl Delivery {
    /// After an answer with this status: a success or a server error means the server may
    /// have processed the message; a 4xx (and 501, "cannot send this type") means it
    /// refused it, and a redirect or other status means it never took it.
    pub(crate) fn after_status(status: u16) -> Delivery {
        match status {
            200..=299 => Delivery::MayHaveBeenSent,
            501 => Delivery::NotSent,
            500..=599 => Delivery::MayHaveBeenSent,
            _ => Delivery::NotSent,
        }
    }
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delivery::NotSent => "the message was not sent",
            Delivery::MayHaveBeenSent => "the message may have been sent",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        for (status, delivery) in [
            (200, Delivery::MayHaveBeenSent),
            (201, Delivery::MayHaveBeenSent),
            (302, Delivery::NotSent),
            (400, Delivery::NotSent),
            (429, Delivery::NotSent),
            (500, Delivery::MayHaveBeenSent),
            (501, Delivery::NotSent),
            (502, Delivery::MayHaveBeenSent),
            (599, Delivery::MayHaveBeenSent),
        ] {
            assert_eq!(Delivery::after_status(status), delivery, "{status}");
        }
    }
}

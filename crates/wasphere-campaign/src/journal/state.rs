//! The states of a row, and the delivery statuses recorded for sent ones.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use wasphere_types::webhook::DeliveryStatus;

/// Where a row is on its way: `pending → sending → sent | failed | unknown`, or set aside at
/// import as `invalid` or `skipped`.
///
/// `sending` is recorded durably before the request leaves the machine. A row found in
/// `sending` after a crash becomes `unknown`: the message may have gone out, so it is never
/// sent again unless the user asks (at-least-once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowState {
    /// Not sent yet.
    Pending,
    /// Its request may be on its way right now.
    Sending,
    /// The server accepted it and answered with a message id.
    Sent,
    /// The server refused it, or it could not be sent; safe to know it was not delivered.
    Failed,
    /// It may have been delivered: the answer was lost, or the process stopped mid-send.
    Unknown,
    /// The row does not make a valid message; never sent.
    Invalid,
    /// A duplicate of an earlier row's recipient; never sent.
    Skipped,
}

impl RowState {
    /// Every state, in the order above.
    pub const ALL: [RowState; 7] = [
        RowState::Pending,
        RowState::Sending,
        RowState::Sent,
        RowState::Failed,
        RowState::Unknown,
        RowState::Invalid,
        RowState::Skipped,
    ];

    /// The lowercase name stored in the journal.
    pub const fn as_str(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Sending => "sending",
            RowState::Sent => "sent",
            RowState::Failed => "failed",
            RowState::Unknown => "unknown",
            RowState::Invalid => "invalid",
            RowState::Skipped => "skipped",
        }
    }

    /// Whether a send was attempted (the row is `sending`, `sent`, `failed` or `unknown`).
    pub const fn was_attempted(self) -> bool {
        matches!(
            self,
            RowState::Sending | RowState::Sent | RowState::Failed | RowState::Unknown
        )
    }
}

impl fmt::Display for RowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a row state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown row state {0:?}")]
pub struct UnknownState(pub String);

impl FromStr for RowState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RowState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Where a delivery status ranks: a recorded status is replaced only by one with a higher
/// rank (a late `delivered` never overwrites `read`). Statuses the contract does not name
/// have no rank and are not recorded.
pub(crate) fn delivery_rank(status: DeliveryStatus) -> Option<u8> {
    match status {
        DeliveryStatus::Sent => Some(1),
        DeliveryStatus::Failed => Some(2),
        DeliveryStatus::Delivered => Some(3),
        DeliveryStatus::Read => Some(4),
        DeliveryStatus::Played => Some(5),
        DeliveryStatus::Other(_) => None,
    }
}

/// The status of a rank stored in the journal.
pub(crate) fn delivery_of_rank(rank: u8) -> Option<DeliveryStatus> {
    match rank {
        1 => Some(DeliveryStatus::Sent),
        2 => Some(DeliveryStatus::Failed),
        3 => Some(DeliveryStatus::Delivered),
        4 => Some(DeliveryStatus::Read),
        5 => Some(DeliveryStatus::Played),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in RowState::ALL {
            assert_eq!(s.as_str().parse::<RowState>(), Ok(s));
        }
        assert!("done".parse::<RowState>().is_err());
        for code in 2..=5 {
            let status = DeliveryStatus::from_code(code);
            let rank = delivery_rank(status).unwrap();
            assert_eq!(delivery_of_rank(rank), Some(status));
        }
        assert_eq!(delivery_rank(DeliveryStatus::Other(1)), None);
        assert!(delivery_rank(DeliveryStatus::Read) > delivery_rank(DeliveryStatus::Delivered));
    }
}

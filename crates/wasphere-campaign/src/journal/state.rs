//! The states of a row, and the delivery statuses recorded for sent ones.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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

/// How far a sent message got, as WhatsApp reports it afterwards (through webhooks, which
/// this crate does not receive: see [`crate::Journal::record_delivery`]).
///
/// Statuses only move forward: a `read` is not overwritten by a late `delivered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// The server acknowledged it (WhatsApp status 2).
    ServerAck,
    /// WhatsApp reported that it failed after it was sent.
    Failed,
    /// It reached the recipient's phone (status 3).
    Delivered,
    /// The recipient read it (status 4).
    Read,
    /// A voice note or video was played (status 5).
    Played,
}

impl DeliveryStatus {
    /// Every status, from the least to the furthest along.
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::ServerAck,
        DeliveryStatus::Failed,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Played,
    ];

    /// The numeric status of a `messages.update` webhook (2 sent, 3 delivered, 4 read,
    /// 5 played), if it is one of those.
    pub const fn from_whatsapp_code(code: u8) -> Option<DeliveryStatus> {
        match code {
            2 => Some(DeliveryStatus::ServerAck),
            3 => Some(DeliveryStatus::Delivered),
            4 => Some(DeliveryStatus::Read),
            5 => Some(DeliveryStatus::Played),
            _ => None,
        }
    }

    /// How far along it is: a status replaces a recorded one only when its rank is higher.
    pub const fn rank(self) -> u8 {
        match self {
            DeliveryStatus::ServerAck => 1,
            DeliveryStatus::Failed => 2,
            DeliveryStatus::Delivered => 3,
            DeliveryStatus::Read => 4,
            DeliveryStatus::Played => 5,
        }
    }

    /// The status of a rank.
    pub const fn from_rank(rank: u8) -> Option<DeliveryStatus> {
        match rank {
            1 => Some(DeliveryStatus::ServerAck),
            2 => Some(DeliveryStatus::Failed),
            3 => Some(DeliveryStatus::Delivered),
            4 => Some(DeliveryStatus::Read),
            5 => Some(DeliveryStatus::Played),
            _ => None,
        }
    }

    /// `server-ack`, `failed`, `delivered`, `read` or `played`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::ServerAck => "server-ack",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Played => "played",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
        for d in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_rank(d.rank()), Some(d));
        }
        assert_eq!(
            DeliveryStatus::from_whatsapp_code(4),
            Some(DeliveryStatus::Read)
        );
        assert_eq!(DeliveryStatus::from_whatsapp_code(9), None);
    }
}

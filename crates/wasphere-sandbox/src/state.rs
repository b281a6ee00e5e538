//! The state every route shares.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use wasphere_types::{Message, WorkspaceId};

use crate::auth::KeyTable;
use crate::builder::ConnectionLimits;
use crate::faults::FaultPlan;
use crate::records::Records;
use crate::ring::Ring;
use crate::typing_pause::TypingPauses;
use crate::webhook_delivery::{Outbox, StatusDelays};

/// An accepted interactive message (buttons, list, poll), kept so a simulated reply can
/// name what was tapped. Kept even when recording is off, but only the last
/// [`crate::records::DEFAULT_RECORD_LIMIT`] of them.
#[derive(Debug, Clone)]
pub(crate) struct SentInteractive {
    pub(crate) session: String,
    pub(crate) message: Message,
}

/// Everything the routes read and update.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) workspace: WorkspaceId,
    pub(crate) limits: ConnectionLimits,
    /// Session name → connected.
    pub(crate) sessions: HashMap<String, bool>,
    pub(crate) keys: KeyTable,
    pub(crate) faults: FaultPlan,
    pub(crate) records: Arc<Records>,
    pub(crate) outbox: Option<Outbox>,
    /// When sent messages are reported delivered and read, if at all.
    pub(crate) statuses: Option<StatusDelays>,
    /// `(message id, message)`, newest last.
    pub(crate) interactive: Mutex<Ring<(String, SentInteractive)>>,
    /// Recipients that are not on WhatsApp (digits).
    pub(crate) unreachable: HashSet<String>,
    /// Sessions on the Meta (Cloud API) provider.
    pub(crate) meta_sessions: HashSet<String>,
    /// The "paused" due after each typing indicator.
    pub(crate) typing_pauses: Arc<TypingPauses>,
}

impl AppState {
    /// Whether `to` (digits, or a JID) is a number that is not on WhatsApp.
    pub(crate) fn is_unreachable(&self, to: &str) -> bool {
        let digits = to.split_once('@').map_or(to, |(user, _)| user);
        self.unreachable.contains(to) || self.unreachable.contains(digits)
    }

    /// Forgets messages, counters and deliveries (not faults, keys or rate-limit windows).
    pub(crate) fn clear(&self) {
        self.records.clear();
        self.interactive
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

//! `workspaceId`: the workspace UUID of the URL.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A workspace id: a UUID, as found in the dashboard URL.
///
/// ```
/// use wasphere_types::WorkspaceId;
/// let w: WorkspaceId = "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap();
/// assert_eq!(w.to_string(), "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkspaceId(Uuid);

/// The text is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid workspace id {0:?}: expected a UUID such as be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8")]
pub struct InvalidWorkspaceId(pub String);

impl WorkspaceId {
    /// The workspace id as a UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for WorkspaceId {
    fn from(u: Uuid) -> Self {
        WorkspaceId(u)
    }
}

impl FromStr for WorkspaceId {
    type Err = InvalidWorkspaceId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Only the hyphenated form appears in dashboard URLs; refuse braces and URNs.
        if s.len() != 36 {
            return Err(InvalidWorkspaceId(s.to_owned()));
        }
        Uuid::parse_str(s)
            .map(WorkspaceId)
            .map_err(|_| InvalidWorkspaceId(s.to_owned()))
    }
}

impl TryFrom<String> for WorkspaceId {
    type Error = InvalidWorkspaceId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<WorkspaceId> for String {
    fn from(w: WorkspaceId) -> String {
        w.to_string()
    }
}

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_uuids() {
        assert!("not-a-uuid".parse::<WorkspaceId>().is_err());
        assert!(
            "be11c51b1a5a4bc99cb67ee7040ec4d8"
                .parse::<WorkspaceId>()
                .is_err()
        );
        assert!(
            "00000000-0000-4000-8000-000000000000"
                .parse::<WorkspaceId>()
                .is_ok()
        );
    }
}

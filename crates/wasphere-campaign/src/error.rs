//! Why a campaign could not run.

use crate::journal::JournalError;
use crate::source::SourceError;
use crate::template::TemplateError;

/// What the journal holds that differs from what the run was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Changed {
    /// The template's text.
    Template,
    /// The message type.
    MessageType,
    /// The source's digest (the file changed).
    Source,
}

impl std::fmt::Display for Changed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Changed::Template => "the template",
            Changed::MessageType => "the message type",
            Changed::Source => "the source file",
        })
    }
}

/// Why a campaign could not start or go on. A campaign that stopped on an error of the
/// server (a refused key, a disconnected session) is not an error: it ends with a
/// [`crate::RunReport`] whose `stopped` says why.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CampaignError {
    /// The template cannot be used.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The source cannot be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The journal failed or refused.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A client could not be built from a key's settings.
    #[error("key {key}: {source}")]
    Client {
        /// The key's label.
        key: String,
        /// The client's error.
        source: wasphere_client::Error,
    },
    /// No key, or a key without a session.
    #[error("{0}")]
    Settings(String),
    /// The journal's campaign differs from this run's.
    #[error(
        "{what} differs from the one this campaign was started with ({journal}); resuming would mix two campaigns. Start a new journal, or accept the change (rows not yet sent are then taken from the new one)"
    )]
    Changed {
        /// What differs.
        what: Changed,
        /// The journal's.
        journal: String,
    },
    /// The import was not finished and no source was given to finish it.
    #[error(
        "the journal's import is not finished ({imported} rows so far): give the source again to finish it"
    )]
    SourceNeeded {
        /// Rows in the journal.
        imported: u64,
    },
    /// The campaign needs a source and none was given.
    #[error("a new campaign needs rows: give a source")]
    NoSource,
}

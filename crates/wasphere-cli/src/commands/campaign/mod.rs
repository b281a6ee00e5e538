//! `wasphere campaign check|run|resume|status|export`: a thin shell over
//! `wasphere-campaign`, with the settings, output and exit codes of `wasphere send`.

mod check;
mod export;
pub(crate) mod location;
mod progress;
mod run;
mod setup;
mod status;
mod template;
mod tour;

pub(crate) use tour::{UNREACHABLE as TOUR_UNREACHABLE, tour};

use std::path::Path;

use clap::ArgMatches;
use wasphere_campaign::journal::CampaignRecord;
use wasphere_campaign::{CampaignError, Journal, JournalError};
use wasphere_client::ErrorClass;

use crate::campaign_flags::CampaignCommand;
use crate::failure::Failure;
use crate::output::Output;

/// Runs `wasphere campaign …`. `matches` are the campaign subcommand's.
pub(crate) fn run(
    command: CampaignCommand,
    matches: Option<&ArgMatches>,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    // The type subcommand's matches (for the order of --section and --row).
    let type_matches = matches
        .and_then(|m| m.subcommand())
        .and_then(|(_, m)| m.subcommand())
        .map(|(_, m)| m);
    match command {
        CampaignCommand::Check(args) => check::run(&args, type_matches, out),
        CampaignCommand::Run(args) => run::start(args, type_matches, profile, out),
        CampaignCommand::Resume(args) => run::resume(args, out),
        CampaignCommand::Status(args) => status::run(&args, out),
        CampaignCommand::Export(args) => export::run(&args, out),
    }
}

/// A journal that cannot be used.
pub(crate) fn journal_failure(e: JournalError) -> Failure {
    match e {
        JournalError::Locked { .. } => Failure::new(ErrorClass::Other, e.to_string()).hint(
            "one process runs a campaign at a time; `wasphere campaign status` works meanwhile",
        ),
        JournalError::NotAJournal { .. } | JournalError::NewerFormat { .. } => {
            Failure::invalid(e.to_string())
        }
        JournalError::Missing { .. } | JournalError::NoCampaign { .. } => {
            Failure::invalid(e.to_string())
        }
        JournalError::InvalidAddress { .. } => Failure::invalid(e.to_string())
            .hint("write it as postgres://user@host[:port]/database (the password in PGPASSWORD)"),
        JournalError::Unreachable { .. } => Failure::new(ErrorClass::Network, e.to_string()),
        JournalError::LeaseLost { .. } => Failure::new(ErrorClass::Other, e.to_string())
            .hint("a longer --lease keeps a slow or paused worker in the campaign"),
        other => Failure::other(other.to_string()),
    }
}

/// The campaign `journal` (at `path`) holds; an error when it holds none yet (a journal
/// that was only created has nothing to resume, show or export).
async fn stored_campaign<J: Journal>(journal: &J, path: &Path) -> Result<CampaignRecord, Failure> {
    journal
        .campaign()
        .await
        .map_err(journal_failure)?
        .ok_or_else(|| {
            Failure::invalid(format!(
                "{} holds no campaign yet: start one with `wasphere campaign run`",
                path.display()
            ))
        })
}

/// A campaign that could not start or go on.
fn campaign_failure(e: CampaignError) -> Failure {
    match e {
        CampaignError::Journal(e) => journal_failure(e),
        CampaignError::Changed { .. } => {
            Failure::invalid(e.to_string()).hint("start a new journal, or pass --accept-changes")
        }
        CampaignError::SourceNeeded { .. } => Failure::invalid(e.to_string()),
        CampaignError::Source(e) => Failure::other(e.to_string()),
        CampaignError::Client { .. } | CampaignError::Settings(_) | CampaignError::Template(_) => {
            Failure::invalid(e.to_string())
        }
        other => Failure::other(other.to_string()),
    }
}

//! `wasphere campaign run` and `resume`: drive a campaign over its journal, show its
//! progress, stop cleanly on the first Ctrl-C and at once on the second.

use std::path::Path;

use clap::ArgMatches;
use serde_json::json;
use wasphere_campaign::journal::CampaignRecord;
use wasphere_campaign::{
    Campaign, CampaignSource, Journal, JournalError, RowState, RunReport, SqliteJournal,
    StopReason, Template,
};
use wasphere_client::{ErrorClass, RateLimitStore};

#[cfg(feature = "postgres")]
use super::location;
use super::location::JournalLocation;
use super::progress::{PLAIN_EVERY, Progress};
use super::setup::{self, KeyPlan, Pace, RunSettings};
use super::{campaign_failure, journal_failure, template};
use crate::campaign_flags::{CampaignResumeArgs, CampaignRunArgs, WorkersArgs};
use crate::failure::{Failure, INTERRUPTED};
use crate::output::Output;
use crate::shutdown::Signals;

/// `wasphere campaign run ROWS --journal FILE …`.
pub(super) fn start(
    args: CampaignRunArgs,
    matches: Option<&ArgMatches>,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let template = template::template(&args.template, matches)?;
    let file = setup::source_file(&args.rows)?;
    if setup::same_file(&args.journal, file.path()) {
        return Err(Failure::invalid(
            "--journal names the rows' own file: give the journal a file of its own (campaign.db)",
        ));
    }
    let location = JournalLocation::of(&args.journal)?;
    let (settings, keys) = setup::resolve(&args.connection, &file, profile, out)?;
    let pace = Pace::from_args(&args.pace);
    let campaign = setup::campaign(
        template,
        &settings,
        keys,
        pace,
        Some(args.pace.session_column.clone()),
        shared_store(&args.workers)?,
    )?
    .resend_unknown(args.resume.resend_unknown)
    .accept_changes(args.resume.accept_changes);
    let source = CampaignSource::file(&file).map_err(|e| Failure::invalid(e.to_string()))?;
    let runtime = crate::commands::runtime(false)?;
    let shown = location.shown();
    match location {
        JournalLocation::File(path) => {
            let journal = SqliteJournal::open(&path).map_err(journal_failure)?;
            drive(&runtime, campaign, &journal, Some(source), &shown, out)
        }
        #[cfg(feature = "postgres")]
        JournalLocation::Postgres(url) => {
            let journal = runtime.block_on(location::postgres_worker(&url, args.workers.lease))?;
            drive(&runtime, campaign, &journal, Some(source), &shown, out)
        }
    }
}

/// Each key's rate limit kept in Redis (`--redis`), or in this process.
fn shared_store(args: &WorkersArgs) -> Result<Option<RateLimitStore>, Failure> {
    match args
        .redis
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(url) => crate::shared_limit::redis_store(url, args.redis_fallback).map(Some),
        None => Ok(None),
    }
}

/// `wasphere campaign resume JOURNAL`: everything but the key comes from the journal.
pub(super) fn resume(args: CampaignResumeArgs, out: &Output) -> Result<(), Failure> {
    let location = JournalLocation::of(&args.journal)?;
    let runtime = crate::commands::runtime(false)?;
    let shown = location.shown();
    match location {
        JournalLocation::File(path) => {
            // Opening creates a journal file: resuming one that is not there must not leave one.
            if !path.exists() {
                return Err(journal_failure(JournalError::Missing {
                    path: path.display().to_string(),
                }));
            }
            let journal = SqliteJournal::open(&path).map_err(journal_failure)?;
            resume_on(&runtime, &journal, args, &shown, out)
        }
        #[cfg(feature = "postgres")]
        JournalLocation::Postgres(url) => {
            let journal = runtime.block_on(location::postgres_worker(&url, args.workers.lease))?;
            resume_on(&runtime, &journal, args, &shown, out)
        }
    }
}

fn resume_on<J: Journal>(
    runtime: &tokio::runtime::Runtime,
    journal: &J,
    args: CampaignResumeArgs,
    shown: &Path,
    out: &Output,
) -> Result<(), Failure> {
    let record = runtime.block_on(super::stored_campaign(journal, shown))?;
    let settings: RunSettings = serde_json::from_value(record.settings.app.clone()).map_err(|e| {
        Failure::invalid(format!(
            "{} was not started by `wasphere campaign run` ({e}): resume it from the program that started it",
            shown.display()
        ))
    })?;
    let template = Template::new(record.message_type, &record.template)
        .map_err(|e| Failure::invalid(format!("the journal's template: {e}")))?;
    let key = setup::resume_key(args.api_key_file, args.api_key, &settings, out)?;
    let keys = keys_of(&record, key, &settings, out)?;
    let pace = pace_of(&record);
    let campaign = setup::campaign(
        template,
        &settings,
        keys,
        pace,
        record.settings.session_column.clone(),
        shared_store(&args.workers)?,
    )?
    .resend_unknown(args.resume.resend_unknown)
    .accept_changes(args.resume.accept_changes);
    let source = if record.import_complete {
        None
    } else {
        let file = setup::stored_source(&settings);
        Some(CampaignSource::file(&file).map_err(|e| {
            Failure::invalid(format!(
                "the import was not finished, and its rows cannot be read again: {e}"
            ))
        })?)
    };
    drive(runtime, campaign, journal, source, shown, out)
}

/// The keys as the run stored them: the default one (given again) with its sessions, and
/// the key files.
fn keys_of(
    record: &CampaignRecord,
    key: wasphere_types::ApiKey,
    settings: &RunSettings,
    out: &Output,
) -> Result<Vec<KeyPlan>, Failure> {
    let first = record
        .settings
        .keys
        .first()
        .ok_or_else(|| Failure::invalid("the journal's campaign has no key settings"))?;
    let sessions = first
        .sessions
        .iter()
        .map(|s| {
            s.parse()
                .map_err(|e| Failure::invalid(format!("the journal's session {s:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys = vec![KeyPlan {
        label: key.to_string(),
        key,
        sessions,
    }];
    for file in &settings.key_files {
        keys.push(setup::read_key_file(file, out)?);
    }
    Ok(keys)
}

fn pace_of(record: &CampaignRecord) -> Pace {
    let s = &record.settings;
    let first = s.keys.first();
    Pace {
        rate_limit: first.map(|k| k.rate_limit).unwrap_or_default(),
        pacing: s.pacing,
        delay: s.delay,
        margin: first.map(|k| k.margin()).unwrap_or_default(),
        allow_duplicates: s.allow_duplicates,
    }
}

/// Runs the campaign, showing its progress, until it ends or a Ctrl-C stops it.
fn drive<J: Journal>(
    runtime: &tokio::runtime::Runtime,
    campaign: Campaign,
    journal: &J,
    source: Option<CampaignSource>,
    path: &Path,
    out: &Output,
) -> Result<(), Failure> {
    let report = runtime.block_on(drive_async(campaign, journal, source, path, out))?;
    conclude(&report, path, out)
}

/// [`drive`] on a runtime that is already running (the demo's).
pub(super) async fn drive_async<J: Journal>(
    campaign: Campaign,
    journal: &J,
    source: Option<CampaignSource>,
    path: &Path,
    out: &Output,
) -> Result<RunReport, Failure> {
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let campaign = campaign.event_channel(tx);
    let stop = campaign.stop_handle();
    let progress = Progress::new(out, campaign.plan());
    let mut signals = Signals::new();
    let run = campaign.run(journal, source);
    tokio::pin!(run);
    let mut tick = tokio::time::interval(PLAIN_EVERY);
    tick.tick().await;
    let mut interrupted = false;
    let result = loop {
        tokio::select! {
            result = &mut run => {
                while let Ok(event) = events.try_recv() {
                    progress.observe(&event);
                }
                break result;
            }
            Some(event) = events.recv() => progress.observe(&event),
            () = signals.next() => {
                if interrupted {
                    // The second Ctrl-C: out now. Rows in flight stay `sending`, so a
                    // resume makes them `unknown`; none is ever sent twice.
                    progress.finish();
                    out.status(&format!(
                        "stopped at once; rows in flight will be `unknown`. Resume with: wasphere campaign resume {}",
                        path.display()
                    ));
                    std::process::exit(i32::from(INTERRUPTED));
                }
                interrupted = true;
                stop.stop();
            }
            _ = tick.tick() => progress.tick(),
        }
    };
    progress.finish();
    result.map_err(campaign_failure)
}

/// Prints what the run did, and ends with the exit code that says how it went.
fn conclude(report: &RunReport, path: &Path, out: &Output) -> Result<(), Failure> {
    let c = &report.counts;
    if out.is_json() {
        out.json(&json!({
            "event": "finished",
            "sent": report.sent,
            "failed": report.failed,
            "unknown": report.unknown,
            "imported": report.imported,
            "byState": c.by_state.iter().map(|(s, n)| (s.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "byClass": c.by_class,
            "stopped": report.stopped.as_ref().map(ToString::to_string),
            "seconds": report.elapsed.as_secs_f64(),
        }));
    } else {
        out.line(&format!(
            "this run: {} sent, {} failed, {} unknown in {:.1} s; the campaign: {} sent, {} failed, {} unknown, {} invalid, {} skipped, {} left",
            report.sent,
            report.failed,
            report.unknown,
            report.elapsed.as_secs_f64(),
            c.get(RowState::Sent),
            c.get(RowState::Failed),
            c.get(RowState::Unknown),
            c.get(RowState::Invalid),
            c.get(RowState::Skipped),
            c.get(RowState::Pending) + c.get(RowState::Sending),
        ));
    }
    let resume = format!("wasphere campaign resume {}", path.display());
    match &report.stopped {
        Some(StopReason::Requested) => {
            return Err(Failure::interrupted(format!(
                "interrupted; every row in flight was recorded. Resume with: {resume}"
            )));
        }
        Some(StopReason::Fatal { class, message }) => {
            return Err(Failure::new(
                *class,
                format!("the campaign stopped: {message}; every later row would have failed the same way"),
            )
            .hint(format!("fix it, then resume with: {resume}")));
        }
        _ => {}
    }
    let unknown = c.get(RowState::Unknown);
    if unknown > 0 {
        return Err(Failure::new(
            ErrorClass::OutcomeUnknown,
            format!("{unknown} rows may or may not have been sent (their answer was lost)"),
        )
        .hint(format!(
            "see them with `wasphere campaign export {}`; `{resume} --resend-unknown` sends them again (a recipient may get it twice)",
            path.display()
        )));
    }
    let not_sent = c.get(RowState::Failed) + c.get(RowState::Invalid);
    if not_sent > 0 {
        return Err(Failure::invalid(format!(
            "{not_sent} rows were not sent ({} refused or failed, {} invalid)",
            c.get(RowState::Failed),
            c.get(RowState::Invalid)
        ))
        .hint(format!(
            "see why with `wasphere campaign status {}`",
            path.display()
        )));
    }
    Ok(())
}

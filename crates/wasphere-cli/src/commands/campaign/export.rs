//! `wasphere campaign export`: one line per row of the journal.

use std::io::Write;

use wasphere_campaign::{ExportError, ExportFormat, Journal, SqliteJournal, export};

use super::location::JournalLocation;

use crate::campaign_flags::{CampaignExportArgs, ExportFormatArg};
use crate::failure::Failure;
use crate::output::Output;

pub(super) fn run(args: &CampaignExportArgs, out: &Output) -> Result<(), Failure> {
    let runtime = crate::commands::runtime(false)?;
    let location = JournalLocation::of(&args.journal)?;
    let shown = location.shown();
    match location {
        JournalLocation::File(path) => {
            let journal = SqliteJournal::open_observer(&path).map_err(super::journal_failure)?;
            write_rows(&runtime, &journal, &shown, args, out)
        }
        #[cfg(feature = "postgres")]
        JournalLocation::Postgres(url) => {
            let journal = runtime.block_on(super::location::postgres_observer(&url))?;
            write_rows(&runtime, &journal, &shown, args, out)
        }
    }
}

fn write_rows<J: Journal>(
    runtime: &tokio::runtime::Runtime,
    journal: &J,
    shown: &std::path::Path,
    args: &CampaignExportArgs,
    out: &Output,
) -> Result<(), Failure> {
    let format = match args.format {
        ExportFormatArg::Csv => ExportFormat::Csv,
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
    };
    runtime.block_on(super::stored_campaign(journal, shown))?;
    let written = match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
            let mut file = std::io::BufWriter::new(file);
            let n = runtime.block_on(export(journal, format, &mut file));
            file.flush()
                .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            runtime.block_on(export(journal, format, &mut lock))
        }
    }
    .map_err(|e| match e {
        ExportError::Journal(e) => super::journal_failure(e),
        other => Failure::other(other.to_string()),
    })?;
    if let Some(path) = &args.out {
        out.status(&format!("{written} rows written to {}", path.display()));
    }
    Ok(())
}

//! Where a campaign's journal is: an SQLite file, for one process, or a PostgreSQL database
//! (`postgres://…`) that several workers on several machines share.

use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// A journal named by `--journal` or `JOURNAL`.
pub(crate) enum JournalLocation {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL database, by its URL (which may hold a password: never shown).
    #[cfg(feature = "postgres")]
    Postgres(String),
}

/// The variable a PostgreSQL journal's password is read from when its URL has none, as
/// PostgreSQL's own tools do: a password in the URL is visible in the process list.
#[cfg(feature = "postgres")]
const ENV_PASSWORD: &str = "PGPASSWORD";

impl JournalLocation {
    /// The journal `arg` names.
    pub(crate) fn of(arg: &Path) -> Result<JournalLocation, Failure> {
        let url = arg
            .to_str()
            .filter(|t| t.starts_with("postgres://") || t.starts_with("postgresql://"));
        match url {
            None => Ok(JournalLocation::File(arg.to_owned())),
            #[cfg(feature = "postgres")]
            Some(url) => Ok(JournalLocation::Postgres(url.to_owned())),
            #[cfg(not(feature = "postgres"))]
            Some(_) => Err(Failure::invalid(
                "a postgres:// journal needs PostgreSQL support, and this wasphere was built without it",
            )
            .hint("install it with its default features: cargo install wasphere-cli")
            .nothing_sent()),
        }
    }

    /// The journal as it is safe to show (a URL without its password).
    pub(crate) fn shown(&self) -> PathBuf {
        match self {
            JournalLocation::File(path) => path.clone(),
            #[cfg(feature = "postgres")]
            JournalLocation::Postgres(url) => PathBuf::from(builder(url).database()),
        }
    }
}

#[cfg(feature = "postgres")]
fn builder(url: &str) -> wasphere_campaign::PostgresJournalBuilder {
    let builder = wasphere_campaign::PostgresJournal::builder(url);
    match std::env::var(ENV_PASSWORD) {
        Ok(password) if !password.is_empty() => builder.password(password),
        _ => builder,
    }
}

/// Connects to the PostgreSQL journal at `url` as a worker holding a lease of `lease`.
#[cfg(feature = "postgres")]
pub(super) async fn postgres_worker(
    url: &str,
    lease: std::time::Duration,
) -> Result<wasphere_campaign::PostgresJournal, Failure> {
    builder(url)
        .lease(lease)
        .connect()
        .await
        .map_err(super::journal_failure)
}

/// Connects to the PostgreSQL journal at `url` to read it.
#[cfg(feature = "postgres")]
pub(crate) async fn postgres_observer(
    url: &str,
) -> Result<wasphere_campaign::PostgresJournal, Failure> {
    builder(url)
        .connect_observer()
        .await
        .map_err(super::journal_failure)
}

//! The journal's tables, created and upgraded by versioned migrations (refinery, from the
//! SQL files in `migrations/`, embedded at compile time).
//!
//! Refinery rather than sqlx: the journal talks to PostgreSQL through `tokio-postgres`
//! (plain SQL, `FOR UPDATE SKIP LOCKED`, no compile-time database), and refinery runs plain
//! versioned SQL files over that same client, recording each in
//! `wasphere_schema_history` with its checksum; sqlx would bring a second driver and
//! its own runtime for the one job of migrating.

use tokio_postgres::Client;

use crate::journal::{JOURNAL_FORMAT, JournalError};

refinery::embed_migrations!("src/journal/postgres/migrations");

/// The table refinery records applied migrations in.
const HISTORY: &str = "wasphere_schema_history";

/// Serializes migrations between workers starting together: the first creates the tables,
/// the others find them made. A constant of this crate's own ("WASPJRNL").
const MIGRATION_LOCK: i64 = 0x5741_5350_4A52_4E4C;

/// Brings the database's journal tables to this version's format, creating them in an
/// empty database; refuses a journal written by a newer version.
pub(super) async fn migrate(client: &mut Client, shown: &str) -> Result<(), JournalError> {
    let storage = |detail: String| JournalError::Storage {
        path: shown.to_owned(),
        detail,
    };
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| storage(super::describe(&e)))?;
    let result = migrate_locked(client, shown).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result?;
    unlocked.map_err(|e| storage(super::describe(&e)))?;
    Ok(())
}

async fn migrate_locked(client: &mut Client, shown: &str) -> Result<(), JournalError> {
    let storage = |detail: String| JournalError::Storage {
        path: shown.to_owned(),
        detail,
    };
    let history_exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&HISTORY])
        .await
        .map_err(|e| storage(super::describe(&e)))?
        .get(0);
    if history_exists {
        let newest: Option<i32> = client
            .query_one(&format!("SELECT max(version) FROM {HISTORY}"), &[])
            .await
            .map_err(|e| storage(super::describe(&e)))?
            .get(0);
        let newest = i64::from(newest.unwrap_or(0));
        if newest > JOURNAL_FORMAT {
            return Err(JournalError::NewerFormat {
                path: shown.to_owned(),
                found: newest,
                supported: JOURNAL_FORMAT,
            });
        }
    }
    migrations::runner()
        .set_migration_table_name(HISTORY)
        .run_async(client)
        .await
        .map_err(|e| storage(format!("migrating the journal's tables: {e}")))?;
    Ok(())
}

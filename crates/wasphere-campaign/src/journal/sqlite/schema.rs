//! The journal's tables, and how a file is recognised as a journal.
//!
//! `PRAGMA application_id` marks the file as a campaign journal (so `sqlite3` and `file`
//! can tell too) and `PRAGMA user_version` holds [`JOURNAL_FORMAT`]. The tables are meant to
//! be read by people as well: `sqlite3 campaign.db "select state, count(*) from rows group
//! by state"` works.

use rusqlite::Connection;

use crate::journal::{JOURNAL_FORMAT, JournalError};

/// "WASP" in ASCII: the `application_id` of a campaign journal.
pub(super) const APPLICATION_ID: i64 = 0x5741_5350;

const TABLES: &str = "
CREATE TABLE campaign (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    message_type    TEXT    NOT NULL,
    template        TEXT    NOT NULL,
    source_digest   TEXT,
    source_name     TEXT,
    settings        TEXT    NOT NULL,
    import_complete INTEGER NOT NULL,
    created_at_ms   INTEGER NOT NULL
);
CREATE TABLE rows (
    line            INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    session         TEXT,
    sent_session    TEXT,
    body            TEXT,
    note            TEXT,
    message_id      TEXT,
    error_class     TEXT,
    error_message   TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    delivery        INTEGER,
    updated_at_ms   INTEGER NOT NULL
);
CREATE INDEX rows_by_message_id ON rows (message_id) WHERE message_id IS NOT NULL;
";

/// Checks that `conn` is a campaign journal, making it one if the file is new.
pub(super) fn prepare(conn: &Connection, path: &str, writable: bool) -> Result<(), JournalError> {
    let not_a_journal = |detail: String| JournalError::NotAJournal {
        path: path.to_owned(),
        detail,
    };
    let read = |sql: &str| -> Result<i64, JournalError> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| not_a_journal(e.to_string()))
    };
    let application_id = read("PRAGMA application_id")?;
    let tables = read("SELECT count(*) FROM sqlite_master")?;
    if application_id == 0 && tables == 0 {
        if !writable {
            return Err(not_a_journal("the file is empty".to_owned()));
        }
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {TABLES} PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {JOURNAL_FORMAT}; COMMIT;"
        ))
        .map_err(|e| JournalError::Storage {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        return Ok(());
    }
    if application_id != APPLICATION_ID {
        return Err(not_a_journal(format!(
            "an SQLite database of another program (application id {application_id:#x}, {tables} tables)"
        )));
    }
    let format = read("PRAGMA user_version")?;
    if format > JOURNAL_FORMAT {
        return Err(JournalError::NewerFormat {
            path: path.to_owned(),
            found: format,
            supported: JOURNAL_FORMAT,
        });
    }
    Ok(())
}

//! The journal's statements, each a function of the connection.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use crate::journal::{
    CampaignRecord, ClaimedRow, Counts, DeliveryStatus, JournalRow, NewRow, Outcome, Recovered,
    RowFilter, RowState, Sending, delivery_of_rank, delivery_rank,
};
use crate::source::SourceDigest;

/// The class recorded for rows a stopped process left `sending`.
const OUTCOME_UNKNOWN: &str = "outcome-unknown";

pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(super) fn campaign(conn: &Connection) -> rusqlite::Result<Option<CampaignRecord>> {
    conn.query_row(
        "SELECT message_type, template, source_digest, source_name, settings, import_complete, created_at_ms FROM campaign WHERE id = 1",
        [],
        |r| {
            let message_type: String = r.get(0)?;
            let settings: String = r.get(4)?;
            let bad = |i: usize, e: String| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    e.into(),
                )
            };
            Ok(CampaignRecord {
                message_type: message_type.parse().map_err(|e: wasphere_types::UnknownMessageType| bad(0, e.to_string()))?,
                template: r.get(1)?,
                source_digest: r.get::<_, Option<String>>(2)?.map(SourceDigest::new),
                source_name: r.get(3)?,
                settings: serde_json::from_str(&settings).map_err(|e| bad(4, e.to_string()))?,
                import_complete: r.get(5)?,
                created_at_ms: to_u64(r.get(6)?),
            })
        },
    )
    .optional()
}

pub(super) fn exists(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM campaign", [], |r| r.get::<_, i64>(0))
        .map(|n| n > 0)
}

pub(super) fn write_campaign(conn: &Connection, record: &CampaignRecord) -> rusqlite::Result<()> {
    let settings = serde_json::to_string(&record.settings)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    conn.prepare_cached(
        "INSERT INTO campaign (id, message_type, template, source_digest, source_name, settings, import_complete, created_at_ms)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET message_type = excluded.message_type, template = excluded.template,
             source_digest = excluded.source_digest, source_name = excluded.source_name,
             settings = excluded.settings, import_complete = excluded.import_complete",
    )?
    .execute(params![
        record.message_type.as_str(),
        record.template,
        record.source_digest.as_ref().map(SourceDigest::as_str),
        record.source_name,
        settings,
        record.import_complete,
        to_i64(record.created_at_ms),
    ])?;
    Ok(())
}

/// Stores rows; returns how many became pending that were not (new rows, or rows set
/// aside before that a changed source or template makes sendable).
pub(super) fn import(conn: &Connection, rows: &[NewRow]) -> rusqlite::Result<u64> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO rows (line, recipient, state, session, body, note, error_class, error_message, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(line) DO NOTHING",
    )?;
    let now = now_ms();
    let mut newly_pending = 0u64;
    for row in rows {
        let (class, message, note) = match row.state {
            RowState::Invalid => (Some("invalid"), row.note.as_deref(), None),
            RowState::Skipped => (Some("duplicate"), row.note.as_deref(), None),
            _ => (None, None, row.note.as_deref()),
        };
        let values = params![
            to_i64(row.line),
            row.recipient,
            row.state.as_str(),
            row.session,
            row.body,
            note,
            class,
            message,
            now,
        ];
        if insert.execute(values)? == 1 {
            newly_pending += u64::from(row.state == RowState::Pending);
            continue;
        }
        // The line is there already (a resumed or changed import): replace it unless a
        // send was attempted for it.
        let before: String = conn
            .prepare_cached("SELECT state FROM rows WHERE line = ?1")?
            .query_row(params![to_i64(row.line)], |r| r.get(0))?;
        let replaced = conn
            .prepare_cached(
                "UPDATE rows SET recipient = ?2, state = ?3, session = ?4, body = ?5, note = ?6,
                     error_class = ?7, error_message = ?8, updated_at_ms = ?9
                 WHERE line = ?1 AND state IN ('pending', 'invalid', 'skipped')",
            )?
            .execute(values)?;
        if replaced == 1 && row.state == RowState::Pending && before != "pending" {
            newly_pending += 1;
        }
    }
    Ok(newly_pending)
}

pub(super) fn attempted_recipients(conn: &Connection) -> rusqlite::Result<Vec<(u64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, recipient FROM rows WHERE state IN ('sending', 'sent', 'failed', 'unknown') ORDER BY line",
    )?;
    let rows = stmt.query_map([], |r| Ok((to_u64(r.get(0)?), r.get(1)?)))?;
    rows.collect()
}

pub(super) fn recover(conn: &Connection, resend_unknown: bool) -> rusqlite::Result<Recovered> {
    let became_unknown = conn.execute(
        "UPDATE rows SET state = 'unknown', error_class = ?1,
             error_message = 'the process stopped while this row was being sent: the message may have been delivered',
             updated_at_ms = ?2
         WHERE state = 'sending'",
        params![OUTCOME_UNKNOWN, now_ms()],
    )?;
    let requeued_unknown = if resend_unknown {
        conn.execute(
            "UPDATE rows SET state = 'pending', error_class = NULL, error_message = NULL, updated_at_ms = ?1
             WHERE state = 'unknown'",
            params![now_ms()],
        )?
    } else {
        0
    };
    Ok(Recovered {
        became_unknown: became_unknown as u64,
        requeued_unknown: requeued_unknown as u64,
    })
}

pub(super) fn claim(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> rusqlite::Result<Vec<ClaimedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, recipient, session, body FROM rows
         WHERE state = 'pending' AND line > ?1 ORDER BY line LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![to_i64(after), to_i64(limit as u64)], |r| {
        Ok(ClaimedRow {
            line: to_u64(r.get(0)?),
            recipient: r.get(1)?,
            session: r.get(2)?,
            body: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Marks rows `sending`; the lines that were not pending (and so were not marked).
pub(super) fn mark_sending(conn: &Connection, rows: &[Sending]) -> rusqlite::Result<Vec<u64>> {
    let mut update = conn.prepare_cached(
        "UPDATE rows SET state = 'sending', sent_session = ?2, attempts = attempts + 1, updated_at_ms = ?3
         WHERE line = ?1 AND state = 'pending'",
    )?;
    let now = now_ms();
    let mut missed = Vec::new();
    for row in rows {
        if update.execute(params![to_i64(row.line), row.session, now])? == 0 {
            missed.push(row.line);
        }
    }
    Ok(missed)
}

pub(super) fn record(conn: &Connection, outcomes: &[Outcome]) -> rusqlite::Result<()> {
    let now = now_ms();
    for outcome in outcomes {
        let line = to_i64(outcome.line());
        match outcome {
            Outcome::Sent { message_id, .. } => {
                conn.prepare_cached(
                    "UPDATE rows SET state = 'sent', message_id = ?2, error_class = NULL, error_message = NULL, updated_at_ms = ?3
                     WHERE line = ?1 AND state = 'sending'",
                )?
                .execute(params![line, message_id, now])?;
            }
            Outcome::Failed { class, message, .. } | Outcome::Unknown { class, message, .. } => {
                let state = if matches!(outcome, Outcome::Failed { .. }) {
                    RowState::Failed
                } else {
                    RowState::Unknown
                };
                conn.prepare_cached(
                    "UPDATE rows SET state = ?2, error_class = ?3, error_message = ?4, updated_at_ms = ?5
                     WHERE line = ?1 AND state = 'sending'",
                )?
                .execute(params![line, state.as_str(), class, message, now])?;
            }
            Outcome::Requeue { .. } => {
                conn.prepare_cached(
                    "UPDATE rows SET state = 'pending', updated_at_ms = ?2 WHERE line = ?1 AND state = 'sending'",
                )?
                .execute(params![line, now])?;
            }
        }
    }
    Ok(())
}

pub(super) fn counts(conn: &Connection) -> rusqlite::Result<Counts> {
    let mut counts = Counts::default();
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM rows GROUP BY state")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let state: String = r.get(0)?;
        if let Ok(state) = state.parse::<RowState>() {
            counts.by_state.insert(state, to_u64(r.get(1)?));
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT error_class, count(*) FROM rows WHERE state IN ('failed', 'unknown') AND error_class IS NOT NULL GROUP BY error_class",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        counts.by_class.insert(r.get(0)?, to_u64(r.get(1)?));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT delivery, count(*) FROM rows WHERE state = 'sent' AND delivery IS NOT NULL GROUP BY delivery",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let rank: i64 = r.get(0)?;
        if let Ok(rank) = u8::try_from(rank) {
            counts.by_delivery.add(rank, to_u64(r.get(1)?));
        }
    }
    Ok(counts.with_every_state())
}

pub(super) fn rows(
    conn: &Connection,
    after: u64,
    limit: usize,
    filter: RowFilter,
) -> rusqlite::Result<Vec<JournalRow>> {
    const COLUMNS: &str = "line, recipient, state, coalesce(sent_session, session), message_id, error_class, error_message, delivery";
    let state = match filter {
        RowFilter::State(s) => Some(s.as_str()),
        RowFilter::All => None,
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rows WHERE line > ?1 AND (?2 IS NULL OR state = ?2) ORDER BY line LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![to_i64(after), state, to_i64(limit as u64)], |r| {
        let state: String = r.get(2)?;
        let delivery: Option<i64> = r.get(7)?;
        Ok(JournalRow {
            line: to_u64(r.get(0)?),
            recipient: r.get(1)?,
            state: state.parse().map_err(|e: crate::journal::UnknownState| {
                rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
            })?,
            session: r.get(3)?,
            message_id: r.get(4)?,
            error_class: r.get(5)?,
            error_message: r.get(6)?,
            delivery: delivery
                .and_then(|d| u8::try_from(d).ok())
                .and_then(delivery_of_rank),
        })
    })?;
    rows.collect()
}

pub(super) fn pending_sessions(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT session FROM rows WHERE state = 'pending' AND session IS NOT NULL ORDER BY session",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

pub(super) fn record_delivery(
    conn: &Connection,
    message_id: &str,
    status: DeliveryStatus,
) -> rusqlite::Result<bool> {
    let Some(rank) = delivery_rank(status).map(i64::from) else {
        return Ok(false);
    };
    let changed = conn
        .prepare_cached(
            "UPDATE rows SET delivery = ?2 WHERE message_id = ?1 AND state = 'sent' AND (delivery IS NULL OR delivery < ?2)",
        )?
        .execute(params![message_id, rank])?;
    if changed > 0 {
        return Ok(true);
    }
    conn.prepare_cached("SELECT count(*) FROM rows WHERE message_id = ?1 AND state = 'sent'")?
        .query_row(params![message_id], |r| r.get::<_, i64>(0))
        .map(|n| n > 0)
}

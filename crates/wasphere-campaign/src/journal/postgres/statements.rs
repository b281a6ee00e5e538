//! The journal's statements on PostgreSQL. Each is one statement, so each is atomic on
//! its own; the ones that touch rows several workers may want lock them (`FOR UPDATE`,
//! `SKIP LOCKED` for claims) and check the caller's lease by the database's clock.

use tokio_postgres::{Client, Error, Row};

use crate::journal::{
    CampaignRecord, ClaimedRow, Counts, DeliveryStatus, JournalRow, NewRow, Outcome, RowFilter,
    RowState, Sending, UnknownState, delivery_of_rank, delivery_rank,
};
use crate::source::SourceDigest;

/// The class recorded for rows a worker left `sending`.
const OUTCOME_UNKNOWN: &str = "outcome-unknown";

/// A worker whose lease is alive, by the database's clock.
const LIVE: &str =
    "EXISTS (SELECT 1 FROM wasphere_workers w WHERE w.id = $1 AND w.lease_until > now())";

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A value read that does not fit its type.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReadError {
    #[error("{0}")]
    Database(#[from] Error),
    #[error("the journal holds {what}: {detail}")]
    Corrupt { what: &'static str, detail: String },
}

pub(super) async fn campaign(client: &Client) -> Result<Option<CampaignRecord>, ReadError> {
    let Some(r) = client
        .query_opt(
            "SELECT message_type, template, source_digest, source_name, settings::text, import_complete, created_at_ms
             FROM wasphere_campaign WHERE id = 1",
            &[],
        )
        .await?
    else {
        return Ok(None);
    };
    let corrupt = |what, detail: String| ReadError::Corrupt { what, detail };
    let message_type: String = r.get(0);
    let settings: String = r.get(4);
    Ok(Some(CampaignRecord {
        message_type: message_type
            .parse()
            .map_err(|e: wasphere_types::UnknownMessageType| {
                corrupt("a bad message type", e.to_string())
            })?,
        template: r.get(1),
        source_digest: r.get::<_, Option<String>>(2).map(SourceDigest::new),
        source_name: r.get(3),
        settings: serde_json::from_str(&settings)
            .map_err(|e| corrupt("unreadable settings", e.to_string()))?,
        import_complete: r.get(5),
        created_at_ms: to_u64(r.get(6)),
    }))
}

/// Stores the campaign: inserts it (`replace` false; `false` when one is there already) or
/// writes over it (`replace` true).
pub(super) async fn write_campaign(
    client: &Client,
    record: &CampaignRecord,
    replace: bool,
) -> Result<bool, Error> {
    let settings = serde_json::to_string(&record.settings).unwrap_or_else(|_| "{}".to_owned());
    let on_conflict = if replace {
        "DO UPDATE SET message_type = excluded.message_type, template = excluded.template,
             source_digest = excluded.source_digest, source_name = excluded.source_name,
             settings = excluded.settings, import_complete = excluded.import_complete"
    } else {
        "DO NOTHING"
    };
    let written = client
        .execute(
            &format!(
                "INSERT INTO wasphere_campaign (id, message_type, template, source_digest, source_name, settings, import_complete, created_at_ms)
                 VALUES (1, $1, $2, $3, $4, $5::text::jsonb, $6, $7)
                 ON CONFLICT (id) {on_conflict}"
            ),
            &[
                &record.message_type.as_str(),
                &record.template,
                &record.source_digest.as_ref().map(SourceDigest::as_str),
                &record.source_name,
                &settings,
                &record.import_complete,
                &to_i64(record.created_at_ms),
            ],
        )
        .await?;
    Ok(written == 1)
}

/// Stores rows in one statement; returns how many became pending that were not. A line
/// already there is replaced only while no send was attempted for it, and keeps its claim.
pub(super) async fn import(client: &Client, rows: &[NewRow]) -> Result<u64, Error> {
    let mut lines = Vec::with_capacity(rows.len());
    let mut recipients = Vec::with_capacity(rows.len());
    let mut states = Vec::with_capacity(rows.len());
    let mut sessions = Vec::with_capacity(rows.len());
    let mut bodies = Vec::with_capacity(rows.len());
    let mut notes = Vec::with_capacity(rows.len());
    let mut classes = Vec::with_capacity(rows.len());
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let (class, message, note) = match row.state {
            RowState::Invalid => (Some("invalid"), row.note.as_deref(), None),
            RowState::Skipped => (Some("duplicate"), row.note.as_deref(), None),
            _ => (None, None, row.note.as_deref()),
        };
        lines.push(to_i64(row.line));
        recipients.push(row.recipient.as_str());
        states.push(row.state.as_str());
        sessions.push(row.session.as_deref());
        bodies.push(row.body.as_deref());
        notes.push(note);
        classes.push(class);
        messages.push(message);
    }
    let newly_pending: i64 = client
        .query_one(
            "WITH input AS (
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                     AS t(line, recipient, state, session, body, note, error_class, error_message)
             ),
             before AS (
                 SELECT r.line, r.state FROM wasphere_rows r JOIN input USING (line)
             ),
             stored AS (
                 INSERT INTO wasphere_rows AS r (line, recipient, state, session, body, note, error_class, error_message)
                 SELECT line, recipient, state, session, body, note, error_class, error_message FROM input i
                 -- Rows stored already as they are, or attempted, are left alone without a
                 -- lock: workers joining a campaign import the same rows at the same time.
                 WHERE NOT EXISTS (
                     SELECT 1 FROM wasphere_rows o WHERE o.line = i.line AND (
                         o.state IN ('sending', 'sent', 'failed', 'unknown')
                         OR (o.recipient = i.recipient AND o.state = i.state
                             AND o.session IS NOT DISTINCT FROM i.session
                             AND o.body IS NOT DISTINCT FROM i.body
                             AND o.note IS NOT DISTINCT FROM i.note
                             AND o.error_message IS NOT DISTINCT FROM i.error_message)))
                 ON CONFLICT (line) DO UPDATE SET recipient = excluded.recipient, state = excluded.state,
                     session = excluded.session, body = excluded.body, note = excluded.note,
                     error_class = excluded.error_class, error_message = excluded.error_message,
                     updated_at = now()
                 WHERE r.state IN ('pending', 'invalid', 'skipped')
                 RETURNING r.line, r.state
             )
             SELECT count(*) FROM stored LEFT JOIN before USING (line)
             WHERE stored.state = 'pending' AND (before.state IS NULL OR before.state <> 'pending')",
            &[&lines, &recipients, &states, &sessions, &bodies, &notes, &classes, &messages],
        )
        .await?
        .get(0);
    Ok(to_u64(newly_pending))
}

pub(super) async fn attempted_recipients(client: &Client) -> Result<Vec<(u64, String)>, Error> {
    let rows = client
        .query(
            "SELECT line, recipient FROM wasphere_rows
             WHERE state IN ('sending', 'sent', 'failed', 'unknown') ORDER BY line",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| (to_u64(r.get(0)), r.get(1))).collect())
}

/// Rows left `sending` by workers whose lease expired become `unknown`; so do those of
/// worker `forget` (a worker starting over forgets what it held). Returns how many.
pub(super) async fn reap(client: &Client, forget: Option<i64>) -> Result<u64, Error> {
    let became_unknown: i64 = client
        .query_one(
            "WITH dead AS (
                 SELECT r.line FROM wasphere_rows r
                 WHERE r.state = 'sending' AND NOT EXISTS (
                     SELECT 1 FROM wasphere_workers w WHERE w.id = r.worker AND w.lease_until > now()
                         AND w.id IS DISTINCT FROM $2)
                 FOR UPDATE SKIP LOCKED
             ),
             lost AS (
                 UPDATE wasphere_rows r SET state = 'unknown', error_class = $1,
                     error_message = 'the worker sending this row stopped (its lease expired): the message may have been delivered',
                     updated_at = now()
                 FROM dead WHERE r.line = dead.line
                 RETURNING 1
             )
             SELECT count(*) FROM lost",
            &[&OUTCOME_UNKNOWN, &forget],
        )
        .await?
        .get(0);
    Ok(to_u64(became_unknown))
}

/// Pending claims of workers whose lease expired, and of worker `forget`, return to the
/// pool. (A claim takes such rows anyway; this makes the table say so.)
pub(super) async fn unclaim_dead(client: &Client, forget: Option<i64>) -> Result<(), Error> {
    client
        .execute(
            "UPDATE wasphere_rows r SET worker = NULL
             WHERE r.state = 'pending' AND r.worker IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM wasphere_workers w WHERE w.id = r.worker AND w.lease_until > now()
                     AND w.id IS DISTINCT FROM $1)",
            &[&forget],
        )
        .await?;
    Ok(())
}

/// Every `unknown` row `pending` again, in the pool; returns how many.
pub(super) async fn requeue_unknown(client: &Client) -> Result<u64, Error> {
    client
        .execute(
            "UPDATE wasphere_rows SET state = 'pending', worker = NULL, error_class = NULL,
                 error_message = NULL, updated_at = now()
             WHERE state = 'unknown'",
            &[],
        )
        .await
}

/// Claims up to `limit` pending rows no live worker holds, for worker `$1`, skipping rows
/// another worker is claiming at this instant. Nothing while the worker's lease is gone.
pub(super) async fn claim(
    client: &Client,
    worker: i64,
    limit: usize,
) -> Result<Vec<ClaimedRow>, Error> {
    let rows = client
        .query(
            &format!(
                "WITH picked AS (
                     SELECT r.line FROM wasphere_rows r
                     WHERE r.state = 'pending' AND {LIVE} AND (r.worker IS NULL OR NOT EXISTS (
                         SELECT 1 FROM wasphere_workers w WHERE w.id = r.worker AND w.lease_until > now()))
                     ORDER BY r.line LIMIT $2
                     FOR UPDATE OF r SKIP LOCKED
                 )
                 UPDATE wasphere_rows r SET worker = $1 FROM picked WHERE r.line = picked.line
                 RETURNING r.line, r.recipient, r.session, r.body"
            ),
            &[&worker, &to_i64(limit as u64)],
        )
        .await?;
    let mut claimed: Vec<ClaimedRow> = rows
        .iter()
        .map(|r| ClaimedRow {
            line: to_u64(r.get(0)),
            recipient: r.get(1),
            session: r.get(2),
            body: r.get::<_, Option<String>>(3).unwrap_or_default(),
        })
        .collect();
    claimed.sort_by_key(|r| r.line);
    Ok(claimed)
}

/// Whether worker `worker`'s lease is alive.
pub(super) async fn is_alive(client: &Client, worker: i64) -> Result<bool, Error> {
    client
        .query_one(&format!("SELECT {LIVE}"), &[&worker])
        .await
        .map(|r| r.get(0))
}

/// Whether pending or sending rows are held by workers other than `worker` (alive, or
/// dead with a lease that has not expired yet): they may still come back to the pool.
pub(super) async fn held_elsewhere(client: &Client, worker: i64) -> Result<bool, Error> {
    client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM wasphere_rows
                            WHERE state IN ('pending', 'sending') AND worker IS DISTINCT FROM $1)",
            &[&worker],
        )
        .await
        .map(|r| r.get(0))
}

pub(super) async fn release(client: &Client, worker: i64, lines: &[u64]) -> Result<(), Error> {
    let lines: Vec<i64> = lines.iter().copied().map(to_i64).collect();
    client
        .execute(
            "UPDATE wasphere_rows SET worker = NULL
             WHERE line = ANY($2) AND worker = $1 AND state = 'pending'",
            &[&worker, &lines],
        )
        .await?;
    Ok(())
}

/// Marks rows `sending` if every one is still claimed by `worker` and its lease is alive;
/// otherwise marks none. Returns whether they were marked.
pub(super) async fn mark_sending(
    client: &Client,
    worker: i64,
    rows: &[Sending],
) -> Result<bool, Error> {
    let lines: Vec<i64> = rows.iter().map(|r| to_i64(r.line)).collect();
    let sessions: Vec<&str> = rows.iter().map(|r| r.session.as_str()).collect();
    let marked = client
        .execute(
            &format!(
                "WITH mine AS (
                     SELECT r.line FROM wasphere_rows r
                     WHERE r.line = ANY($2) AND r.state = 'pending' AND r.worker = $1 AND {LIVE}
                     FOR UPDATE OF r
                 ),
                 whole AS (SELECT count(*) = cardinality($2::bigint[]) AS ok FROM mine)
                 UPDATE wasphere_rows r SET state = 'sending', sent_session = s.session,
                     attempts = r.attempts + 1, updated_at = now()
                 FROM unnest($2::bigint[], $3::text[]) AS s(line, session), whole
                 WHERE r.line = s.line AND whole.ok"
            ),
            &[&worker, &lines, &sessions],
        )
        .await?;
    Ok(marked == lines.len() as u64)
}

/// Records outcomes of rows `worker` was sending (a row its lease lost, now `unknown`,
/// gets its true outcome; a requeued one goes back to the pool).
pub(super) async fn record(
    client: &Client,
    worker: i64,
    outcomes: &[Outcome],
) -> Result<(), Error> {
    let mut lines = Vec::with_capacity(outcomes.len());
    let mut states = Vec::with_capacity(outcomes.len());
    let mut ids: Vec<Option<&str>> = Vec::with_capacity(outcomes.len());
    let mut classes: Vec<Option<&str>> = Vec::with_capacity(outcomes.len());
    let mut messages: Vec<Option<&str>> = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        lines.push(to_i64(outcome.line()));
        let (state, id, class, message) = match outcome {
            Outcome::Sent { message_id, .. } => {
                (RowState::Sent, Some(message_id.as_str()), None, None)
            }
            Outcome::Failed { class, message, .. } => (
                RowState::Failed,
                None,
                Some(class.as_str()),
                Some(message.as_str()),
            ),
            Outcome::Unknown { class, message, .. } => (
                RowState::Unknown,
                None,
                Some(class.as_str()),
                Some(message.as_str()),
            ),
            Outcome::Requeue { .. } => (RowState::Pending, None, None, None),
        };
        states.push(state.as_str());
        ids.push(id);
        classes.push(class);
        messages.push(message);
    }
    client
        .execute(
            "UPDATE wasphere_rows r SET state = o.state, message_id = o.message_id,
                 error_class = o.error_class, error_message = o.error_message, updated_at = now(),
                 worker = CASE WHEN o.state = 'pending' THEN NULL ELSE r.worker END
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
                 AS o(line, state, message_id, error_class, error_message)
             WHERE r.line = o.line AND r.worker = $1
               AND (r.state = 'sending' OR (r.state = 'unknown' AND o.state <> 'pending'))",
            &[&worker, &lines, &states, &ids, &classes, &messages],
        )
        .await?;
    Ok(())
}

pub(super) async fn counts(client: &Client) -> Result<Counts, Error> {
    let mut counts = Counts::default();
    for r in client
        .query(
            "SELECT state, count(*) FROM wasphere_rows GROUP BY state",
            &[],
        )
        .await?
    {
        let state: String = r.get(0);
        if let Ok(state) = state.parse::<RowState>() {
            counts.by_state.insert(state, to_u64(r.get(1)));
        }
    }
    for r in client
        .query(
            "SELECT error_class, count(*) FROM wasphere_rows
             WHERE state IN ('failed', 'unknown') AND error_class IS NOT NULL GROUP BY error_class",
            &[],
        )
        .await?
    {
        counts.by_class.insert(r.get(0), to_u64(r.get(1)));
    }
    for r in client
        .query(
            "SELECT delivery, count(*) FROM wasphere_rows
             WHERE state = 'sent' AND delivery IS NOT NULL GROUP BY delivery",
            &[],
        )
        .await?
    {
        let rank: i16 = r.get(0);
        if let Ok(rank) = u8::try_from(rank) {
            counts.by_delivery.add(rank, to_u64(r.get(1)));
        }
    }
    Ok(counts.with_every_state())
}

pub(super) async fn rows(
    client: &Client,
    after: u64,
    limit: usize,
    filter: RowFilter,
) -> Result<Vec<JournalRow>, ReadError> {
    let state = match filter {
        RowFilter::State(s) => Some(s.as_str()),
        RowFilter::All => None,
    };
    let found = client
        .query(
            "SELECT line, recipient, state, coalesce(sent_session, session), message_id, error_class, error_message, delivery
             FROM wasphere_rows WHERE line > $1 AND ($2::text IS NULL OR state = $2)
             ORDER BY line LIMIT $3",
            &[&to_i64(after), &state, &to_i64(limit as u64)],
        )
        .await?;
    found.iter().map(journal_row).collect()
}

fn journal_row(r: &Row) -> Result<JournalRow, ReadError> {
    let state: String = r.get(2);
    let delivery: Option<i16> = r.get(7);
    Ok(JournalRow {
        line: to_u64(r.get(0)),
        recipient: r.get(1),
        state: state
            .parse()
            .map_err(|e: UnknownState| ReadError::Corrupt {
                what: "a bad row state",
                detail: e.to_string(),
            })?,
        session: r.get(3),
        message_id: r.get(4),
        error_class: r.get(5),
        error_message: r.get(6),
        delivery: delivery
            .and_then(|d| u8::try_from(d).ok())
            .and_then(delivery_of_rank),
    })
}

pub(super) async fn pending_sessions(client: &Client) -> Result<Vec<String>, Error> {
    let rows = client
        .query(
            "SELECT DISTINCT session FROM wasphere_rows
             WHERE state = 'pending' AND session IS NOT NULL ORDER BY session",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

pub(super) async fn record_delivery(
    client: &Client,
    message_id: &str,
    status: DeliveryStatus,
) -> Result<bool, Error> {
    let Some(rank) = delivery_rank(status).map(i16::from) else {
        return Ok(false);
    };
    client
        .execute(
            "UPDATE wasphere_rows SET delivery = $2
             WHERE message_id = $1 AND state = 'sent' AND (delivery IS NULL OR delivery < $2)",
            &[&message_id, &rank],
        )
        .await?;
    client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM wasphere_rows WHERE message_id = $1 AND state = 'sent')",
            &[&message_id],
        )
        .await
        .map(|r| r.get(0))
}

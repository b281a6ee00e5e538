//! The PostgreSQL journal: one campaign worked by several processes, on one machine or
//! many. Each [`PostgresJournal`] opened with [`PostgresJournal::connect`] is a worker
//! with a lease; rows are claimed in small batches with `FOR UPDATE SKIP LOCKED`, so two
//! workers never hold the same row, and a worker that dies leaves its `sending` rows to
//! become `unknown` and its pending claims to return to the pool once its lease expires.

mod lease;
mod schema;
mod statements;

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, NoTls};

use super::{
    CampaignRecord, ClaimedRow, Counts, DeliveryStatus, Journal, JournalError, JournalRow, NewRow,
    Outcome, Recovered, RowFilter, Sending,
};
use lease::Heartbeat;
use statements::ReadError;

/// How long a worker's claims outlive its last heartbeat, unless told otherwise.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// Rows a worker claims at a time, unless told otherwise: small, so workers share the
/// campaign evenly and a dead worker's claims are few.
pub const DEFAULT_CLAIM_BATCH: usize = 32;

/// A campaign journal in a PostgreSQL database (one campaign per database, or per schema:
/// choose one with `options=-csearch_path%3Dmy_campaign` in the URL). The tables are
/// created by versioned migrations on first use; see the crate's README.
///
/// Start the same campaign with the same URL in as many processes as you like: they share
/// its rows. Each holds a lease (30 s by default) that a heartbeat renews; every claim and
/// every `sending` mark checks it by the database's clock. A worker whose lease expired
/// sends nothing more ([`JournalError::LeaseLost`]).
///
/// ```no_run
/// use std::time::Duration;
/// use wasphere_campaign::{Journal, PostgresJournal, RowState};
/// # async fn run() -> Result<(), wasphere_campaign::JournalError> {
/// let journal = PostgresJournal::builder("postgres://app@db.internal/campaigns")
///     .lease(Duration::from_secs(30))
///     .connect()
///     .await?;
/// let counts = journal.counts().await?;
/// println!("{} sent so far, by every worker", counts.get(RowState::Sent));
/// # Ok(()) }
/// ```
pub struct PostgresJournal {
    client: Arc<Client>,
    shown: String,
    /// This worker's id in `wasphere_workers`; `None` for an observer.
    worker: Option<i64>,
    lease: Duration,
    batch: usize,
    _heartbeat: Option<Heartbeat>,
    connection: JoinHandle<()>,
}

impl std::fmt::Debug for PostgresJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresJournal")
            .field("database", &self.shown)
            .field("worker", &self.worker)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Drop for PostgresJournal {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

/// Settings of a [`PostgresJournal`] before it connects.
#[derive(Clone)]
pub struct PostgresJournalBuilder {
    url: String,
    password: Option<String>,
    lease: Duration,
    batch: usize,
}

impl std::fmt::Debug for PostgresJournalBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresJournalBuilder")
            .field("database", &shown(&self.url))
            .field("lease", &self.lease)
            .field("batch", &self.batch)
            .finish()
    }
}

impl PostgresJournalBuilder {
    /// How long this worker's claims outlive its last heartbeat (default 30 s; at least
    /// 100 ms). A worker that dies holds its rows this long; one cut off from the database
    /// longer than this loses them.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(100));
        self
    }

    /// The password, when the URL does not hold one (so it stays out of process lists:
    /// the `wasphere` command passes `PGPASSWORD` here).
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The database, as it is safe to show (never the password).
    pub fn database(&self) -> String {
        shown(&self.url)
    }

    /// Rows claimed at a time (default 32; at least 1).
    #[must_use]
    pub fn claim_batch(mut self, rows: usize) -> Self {
        self.batch = rows.max(1);
        self
    }

    /// Connects as a worker of the campaign: creates or upgrades the tables, and takes a
    /// lease that a heartbeat renews until the journal is dropped.
    ///
    /// # Errors
    /// [`JournalError::InvalidAddress`] for a URL that does not parse,
    /// [`JournalError::Unreachable`] when the server cannot be reached or refuses the
    /// login, [`JournalError::NewerFormat`], or [`JournalError::Storage`].
    pub async fn connect(self) -> Result<PostgresJournal, JournalError> {
        let (mut client, connection, shown) = open(&self.url, self.password.as_deref()).await?;
        schema::migrate(&mut client, &shown).await?;
        let id = rand::random::<i64>() & i64::MAX;
        lease::register(&client, id, self.lease)
            .await
            .map_err(|e| storage(&shown, &e))?;
        let client = Arc::new(client);
        let heartbeat = lease::heartbeat(client.clone(), id, self.lease);
        Ok(PostgresJournal {
            client,
            shown,
            worker: Some(id),
            lease: self.lease,
            batch: self.batch,
            _heartbeat: Some(heartbeat),
            connection,
        })
    }

    /// Connects to read the campaign and record delivery statuses, without a lease:
    /// claims and marks are refused ([`JournalError::NotTheRunner`]).
    ///
    /// # Errors
    /// As [`connect`](Self::connect).
    pub async fn connect_observer(self) -> Result<PostgresJournal, JournalError> {
        let (mut client, connection, shown) = open(&self.url, self.password.as_deref()).await?;
        schema::migrate(&mut client, &shown).await?;
        Ok(PostgresJournal {
            client: Arc::new(client),
            shown,
            worker: None,
            lease: self.lease,
            batch: self.batch,
            _heartbeat: None,
            connection,
        })
    }
}

impl PostgresJournal {
    /// Settings for the journal in the database at `url`
    /// (`postgres://user[:password]@host[:port]/database`, or libpq's `key=value` form).
    pub fn builder(url: impl Into<String>) -> PostgresJournalBuilder {
        PostgresJournalBuilder {
            url: url.into(),
            password: None,
            lease: DEFAULT_LEASE,
            batch: DEFAULT_CLAIM_BATCH,
        }
    }

    /// The database, as it is safe to show (never the password).
    pub fn database(&self) -> &str {
        &self.shown
    }

    /// This worker's id in the `wasphere_workers` table; `None` for an observer.
    pub fn worker_id(&self) -> Option<i64> {
        self.worker
    }

    /// How often a worker that found nothing to claim looks again while other workers hold
    /// rows.
    fn poll_every(&self) -> Duration {
        (self.lease / 20).clamp(Duration::from_millis(50), Duration::from_secs(1))
    }

    fn worker(&self) -> Result<i64, JournalError> {
        self.worker.ok_or(JournalError::NotTheRunner)
    }

    fn storage(&self, e: &tokio_postgres::Error) -> JournalError {
        storage(&self.shown, e)
    }

    fn read(&self, e: ReadError) -> JournalError {
        match e {
            ReadError::Database(e) => self.storage(&e),
            ReadError::Corrupt { .. } => JournalError::Storage {
                path: self.shown.clone(),
                detail: e.to_string(),
            },
        }
    }

    fn lease_lost(&self) -> JournalError {
        JournalError::LeaseLost {
            path: self.shown.clone(),
            lease: self.lease,
        }
    }
}

/// Connects, and drives the connection on its own task.
async fn open(
    url: &str,
    password: Option<&str>,
) -> Result<(Client, JoinHandle<()>, String), JournalError> {
    let mut config: Config = url.parse().map_err(|e| JournalError::InvalidAddress {
        detail: format!("{e}"),
    })?;
    if let (None, Some(password)) = (config.get_password(), password) {
        config.password(password);
    }
    let shown = shown_config(&config);
    let (client, connection) =
        config
            .connect(NoTls)
            .await
            .map_err(|e| JournalError::Unreachable {
                path: shown.clone(),
                detail: describe(&e),
            })?;
    let task = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %describe(&e), "the campaign journal's connection closed");
        }
    });
    Ok((client, task, shown))
}

/// A database address as it is safe to show: `postgres://user@host:port/database`.
fn shown(url: &str) -> String {
    url.parse::<Config>()
        .map(|c| shown_config(&c))
        .unwrap_or_else(|_| "postgres://…".to_owned())
}

fn shown_config(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let database = config.get_dbname().unwrap_or("");
    format!("postgres://{user}{host}:{port}/{database}")
}

/// What went wrong, with the server's own words when it answered.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
    }
}

fn storage(shown: &str, e: &tokio_postgres::Error) -> JournalError {
    JournalError::Storage {
        path: shown.to_owned(),
        detail: describe(e),
    }
}

impl Journal for PostgresJournal {
    async fn campaign(&self) -> Result<Option<CampaignRecord>, JournalError> {
        statements::campaign(&self.client)
            .await
            .map_err(|e| self.read(e))
    }

    async fn create(&self, record: CampaignRecord) -> Result<(), JournalError> {
        let created = statements::write_campaign(&self.client, &record, false)
            .await
            .map_err(|e| self.storage(&e))?;
        if created {
            Ok(())
        } else {
            Err(JournalError::AlreadyCreated)
        }
    }

    async fn update_campaign(&self, record: CampaignRecord) -> Result<(), JournalError> {
        statements::write_campaign(&self.client, &record, true)
            .await
            .map(|_| ())
            .map_err(|e| self.storage(&e))
    }

    async fn import(&self, rows: Vec<NewRow>) -> Result<u64, JournalError> {
        self.worker()?;
        statements::import(&self.client, &rows)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn attempted_recipients(&self) -> Result<Vec<(u64, String)>, JournalError> {
        statements::attempted_recipients(&self.client)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn recover(&self, resend_unknown: bool) -> Result<Recovered, JournalError> {
        let worker = self.worker()?;
        let became_unknown = statements::reap(&self.client, Some(worker))
            .await
            .map_err(|e| self.storage(&e))?;
        statements::unclaim_dead(&self.client, Some(worker))
            .await
            .map_err(|e| self.storage(&e))?;
        let requeued_unknown = if resend_unknown {
            statements::requeue_unknown(&self.client)
                .await
                .map_err(|e| self.storage(&e))?
        } else {
            0
        };
        Ok(Recovered {
            became_unknown,
            requeued_unknown,
        })
    }

    async fn claim(&self, limit: usize) -> Result<Vec<ClaimedRow>, JournalError> {
        let worker = self.worker()?;
        // A claim takes dead workers' pending rows too. Their `sending` rows are looked
        // for only when nothing is left to claim, and at every heartbeat: a scan per claim
        // would slow every worker.
        let claimed = statements::claim(&self.client, worker, limit.min(self.batch))
            .await
            .map_err(|e| self.storage(&e))?;
        if claimed.is_empty() {
            statements::reap(&self.client, None)
                .await
                .map_err(|e| self.storage(&e))?;
        }
        Ok(claimed)
    }

    async fn held_elsewhere(&self) -> Result<Option<Duration>, JournalError> {
        let worker = self.worker()?;
        let held = statements::held_elsewhere(&self.client, worker)
            .await
            .map_err(|e| self.storage(&e))?;
        Ok(held.then(|| self.poll_every()))
    }

    async fn release(&self, lines: Vec<u64>) -> Result<(), JournalError> {
        let worker = self.worker()?;
        if lines.is_empty() {
            return Ok(());
        }
        statements::release(&self.client, worker, &lines)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn mark_sending(&self, rows: Vec<Sending>) -> Result<(), JournalError> {
        let worker = self.worker()?;
        if rows.is_empty() {
            return Ok(());
        }
        let marked = statements::mark_sending(&self.client, worker, &rows)
            .await
            .map_err(|e| self.storage(&e))?;
        if marked {
            return Ok(());
        }
        let alive = statements::is_alive(&self.client, worker)
            .await
            .map_err(|e| self.storage(&e))?;
        if alive {
            Err(JournalError::Storage {
                path: self.shown.clone(),
                detail:
                    "rows to mark `sending` were not pending claims of this worker; none was marked"
                        .to_owned(),
            })
        } else {
            Err(self.lease_lost())
        }
    }

    async fn record(&self, outcomes: Vec<Outcome>) -> Result<(), JournalError> {
        let worker = self.worker()?;
        if outcomes.is_empty() {
            return Ok(());
        }
        statements::record(&self.client, worker, &outcomes)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn counts(&self) -> Result<Counts, JournalError> {
        statements::counts(&self.client)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn rows(
        &self,
        after: u64,
        limit: usize,
        filter: RowFilter,
    ) -> Result<Vec<JournalRow>, JournalError> {
        statements::rows(&self.client, after, limit, filter)
            .await
            .map_err(|e| self.read(e))
    }

    async fn pending_sessions(&self) -> Result<Vec<String>, JournalError> {
        statements::pending_sessions(&self.client)
            .await
            .map_err(|e| self.storage(&e))
    }

    async fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> Result<bool, JournalError> {
        statements::record_delivery(&self.client, message_id, status)
            .await
            .map_err(|e| self.storage(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let url = "postgres://app:s3cret-pw@db.internal:6543/campaigns";
        assert_eq!(shown(url), "postgres://app@db.internal:6543/campaigns");
        let kv = "host=db.internal user=app password=s3cret-pw dbname=c";
        assert_eq!(shown(kv), "postgres://app@db.internal:5432/c");
        let builder = PostgresJournal::builder(url);
        assert!(!format!("{builder:?}").contains("s3cret"));
    }

    #[test]
    fn a_bad_address_is_an_error_naming_it() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let err = rt
            .block_on(PostgresJournal::builder("postgres://a:b@host:notaport/db").connect())
            .unwrap_err();
        assert!(matches!(err, JournalError::InvalidAddress { .. }), "{err}");
        assert!(!err.to_string().contains(":b@"), "{err}");
    }
}

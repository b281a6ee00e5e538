//! The SQLite journal: one file (WAL mode, `synchronous = FULL`), written by one process at a
//! time, readable by others while it runs.

mod queries;
mod schema;
mod writer;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use super::lock::JournalLock;
use super::{
    CampaignRecord, ClaimedRow, Counts, DeliveryStatus, Journal, JournalError, JournalRow, NewRow,
    Outcome, Recovered, RowFilter, Sending,
};
use writer::{Batching, Job, Reply};

/// How long a write waits for another connection (a status recorder) to finish its own.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A campaign journal in an SQLite file (the bundled SQLite: nothing to install).
///
/// [`SqliteJournal::open`] is for the one process that runs the campaign: it takes the
/// journal's lock (`<file>.lock`), so a second runner is refused with
/// [`JournalError::Locked`], and groups concurrent writes into one transaction per `fsync`.
/// [`SqliteJournal::open_observer`] is for everyone else, even while a campaign runs: read
/// the counts and rows, and record delivery statuses.
///
/// ```no_run
/// use wasphere_campaign::{DeliveryStatus, Journal, RowState, SqliteJournal};
/// # async fn run() -> Result<(), wasphere_campaign::JournalError> {
/// let journal = SqliteJournal::open_observer("campaign.db")?;
/// // A webhook receiver saw `messages.update` with status 3 for this message.
/// journal.record_delivery("3EB0C767D097B7C7A5C1", DeliveryStatus::Delivered).await?;
/// let counts = journal.counts().await?;
/// println!("{} sent, {} delivered", counts.get(RowState::Sent),
///          counts.by_delivery.reached(DeliveryStatus::Delivered));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SqliteJournal {
    path: PathBuf,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    runner: bool,
    /// The last line handed out by [`Journal::claim`].
    cursor: Arc<Mutex<u64>>,
}

impl SqliteJournal {
    /// Opens (or creates) the journal at `path` to run its campaign, taking its lock.
    ///
    /// # Errors
    /// [`JournalError::Locked`] when another process runs it, [`JournalError::NotAJournal`]
    /// for a file that is not a campaign journal, [`JournalError::NewerFormat`], or
    /// [`JournalError::Storage`].
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteJournal, JournalError> {
        let path = path.as_ref();
        let lock = JournalLock::acquire(path)?;
        let conn = connect(path, true)?;
        Self::start(path, conn, Batching::Grouped, Box::new(lock), true)
    }

    /// Opens an existing journal without its lock, to read it and record delivery statuses
    /// while its campaign may be running in another process.
    ///
    /// # Errors
    /// [`JournalError::Missing`] when there is no such file, [`JournalError::NotAJournal`],
    /// [`JournalError::NewerFormat`], or [`JournalError::Storage`].
    pub fn open_observer(path: impl AsRef<Path>) -> Result<SqliteJournal, JournalError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(JournalError::Missing {
                path: path.display().to_string(),
            });
        }
        let conn = connect(path, false)?;
        Self::start(path, conn, Batching::OneByOne, Box::new(()), false)
    }

    fn start(
        path: &Path,
        conn: Connection,
        batching: Batching,
        keep_alive: Box<dyn Send>,
        runner: bool,
    ) -> Result<SqliteJournal, JournalError> {
        let (jobs, thread) =
            writer::spawn(conn, batching, keep_alive).map_err(|e| storage(path, e.to_string()))?;
        Ok(SqliteJournal {
            path: path.to_owned(),
            jobs: Some(jobs),
            thread: Some(thread),
            runner,
            cursor: Arc::new(Mutex::new(0)),
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the journal's connection; the answer comes once it is committed.
    fn submit<R, W>(
        &self,
        runner_only: bool,
        work: W,
    ) -> impl Future<Output = Result<R, JournalError>> + Send + use<R, W>
    where
        R: Send + 'static,
        W: FnOnce(&Connection) -> Result<R, JournalError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<R, JournalError>>();
        let path = self.path.display().to_string();
        let refused = (runner_only && !self.runner).then_some(JournalError::NotTheRunner);
        let queued = match (&refused, &self.jobs) {
            (None, Some(jobs)) => {
                let job: Job = Box::new(move |conn: Option<&Connection>| -> Reply {
                    let result = match conn {
                        Some(conn) => work(conn),
                        None => Err(JournalError::Storage {
                            path: path.clone(),
                            detail: "could not begin a transaction".to_owned(),
                        }),
                    };
                    Box::new(move |committed: Result<(), String>| {
                        let answer = match committed {
                            Ok(()) => result,
                            Err(detail) => Err(JournalError::Storage { path, detail }),
                        };
                        let _ = tx.send(answer);
                    })
                });
                jobs.send(job).is_ok()
            }
            _ => false,
        };
        async move {
            if let Some(refused) = refused {
                return Err(refused);
            }
            if !queued {
                return Err(JournalError::Closed);
            }
            rx.await.unwrap_or(Err(JournalError::Closed))
        }
    }
}

impl Drop for SqliteJournal {
    fn drop(&mut self) {
        // Closing the queue ends the thread after its last transaction; waiting for it means
        // the lock is free when this returns, so the same process can open the journal again.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn storage(path: &Path, detail: String) -> JournalError {
    JournalError::Storage {
        path: path.display().to_string(),
        detail,
    }
}

/// Opens the file, recognises it as a journal (creating the tables in a new file when
/// `create`), and sets WAL mode with full durability.
fn connect(path: &Path, create: bool) -> Result<Connection, JournalError> {
    let shown = path.display().to_string();
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| storage(path, e.to_string()))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| storage(path, e.to_string()))?;
    // Reading the header first: a file that is not a database fails here, and is named so.
    conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0))
        .map_err(|e| JournalError::NotAJournal {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
    // WAL: readers (status, export) never block the runner; FULL: a commit survives a
    // power cut, which is what "sending is durable before the request leaves" needs.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| storage(path, e.to_string()))?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(|e| storage(path, e.to_string()))?;
    schema::prepare(&conn, &shown, create)?;
    Ok(conn)
}

fn db(path: &str) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
    move |e| JournalError::Storage {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

impl Journal for SqliteJournal {
    fn campaign(
        &self,
    ) -> impl Future<Output = Result<Option<CampaignRecord>, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(false, move |conn| {
            queries::campaign(conn).map_err(db(&path))
        })
    }

    fn create(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(true, move |conn| {
            if queries::exists(conn).map_err(db(&path))? {
                return Err(JournalError::AlreadyCreated);
            }
            queries::write_campaign(conn, &record).map_err(db(&path))
        })
    }

    fn update_campaign(
        &self,
        record: CampaignRecord,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(true, move |conn| {
            queries::write_campaign(conn, &record).map_err(db(&path))
        })
    }

    fn import(&self, rows: Vec<NewRow>) -> impl Future<Output = Result<u64, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(true, move |conn| {
            queries::import(conn, &rows).map_err(db(&path))
        })
    }

    fn attempted_recipients(
        &self,
    ) -> impl Future<Output = Result<Vec<(u64, String)>, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(false, move |conn| {
            queries::attempted_recipients(conn).map_err(db(&path))
        })
    }

    fn recover(
        &self,
        resend_unknown: bool,
    ) -> impl Future<Output = Result<Recovered, JournalError>> + Send {
        let path = self.path.display().to_string();
        *self.cursor.lock().unwrap_or_else(PoisonError::into_inner) = 0;
        self.submit(true, move |conn| {
            queries::recover(conn, resend_unknown).map_err(db(&path))
        })
    }

    fn claim(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClaimedRow>, JournalError>> + Send {
        let path = self.path.display().to_string();
        let cursor = self.cursor.clone();
        self.submit(true, move |conn| {
            let mut cursor = cursor.lock().unwrap_or_else(PoisonError::into_inner);
            let rows = queries::claim(conn, *cursor, limit).map_err(db(&path))?;
            if let Some(last) = rows.last() {
                *cursor = last.line;
            }
            Ok(rows)
        })
    }

    fn release(&self, lines: Vec<u64>) -> impl Future<Output = Result<(), JournalError>> + Send {
        let cursor = self.cursor.clone();
        self.submit(true, move |_| {
            if let Some(first) = lines.iter().min() {
                let mut cursor = cursor.lock().unwrap_or_else(PoisonError::into_inner);
                *cursor = (*cursor).min(first.saturating_sub(1));
            }
            Ok(())
        })
    }

    fn mark_sending(
        &self,
        rows: Vec<Sending>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(true, move |conn| {
            let missed = queries::mark_sending(conn, &rows).map_err(db(&path))?;
            if missed.is_empty() {
                Ok(())
            } else {
                Err(JournalError::Storage {
                    path,
                    detail: format!("rows {missed:?} were no longer pending"),
                })
            }
        })
    }

    fn record(
        &self,
        outcomes: Vec<Outcome>,
    ) -> impl Future<Output = Result<(), JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(true, move |conn| {
            queries::record(conn, &outcomes).map_err(db(&path))
        })
    }

    fn counts(&self) -> impl Future<Output = Result<Counts, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(false, move |conn| queries::counts(conn).map_err(db(&path)))
    }

    fn rows(
        &self,
        after: u64,
        limit: usize,
        filter: RowFilter,
    ) -> impl Future<Output = Result<Vec<JournalRow>, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(false, move |conn| {
            queries::rows(conn, after, limit, filter).map_err(db(&path))
        })
    }

    fn pending_sessions(&self) -> impl Future<Output = Result<Vec<String>, JournalError>> + Send {
        let path = self.path.display().to_string();
        self.submit(false, move |conn| {
            queries::pending_sessions(conn).map_err(db(&path))
        })
    }

    fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> impl Future<Output = Result<bool, JournalError>> + Send {
        let path = self.path.display().to_string();
        let message_id = message_id.to_owned();
        self.submit(false, move |conn| {
            queries::record_delivery(conn, &message_id, status).map_err(db(&path))
        })
    }
}

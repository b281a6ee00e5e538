//! The journal's one connection, on its own thread. Requests queue up while a transaction
//! commits; the next transaction takes all of them at once (a group commit), so marking
//! many rows `sending` costs one `fsync`, and each request is answered only after the commit
//! that made its changes durable.

use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::Connection;

/// Answers a request once its transaction committed (or failed to).
pub(super) type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
/// Work on the connection (`None`: the transaction could not begin, so nothing runs),
/// returning how to answer once committed.
pub(super) type Job = Box<dyn FnOnce(Option<&Connection>) -> Reply + Send>;

/// The most requests in one transaction: keeps the latency of the first one bounded.
const MAX_BATCH: usize = 4096;

/// Whether requests are grouped into transactions (the runner) or each runs on its own
/// (an observer, which must never hold the write lock for long).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Batching {
    Grouped,
    OneByOne,
}

/// Runs `conn` on a new thread until every sender is dropped.
pub(super) fn spawn(
    conn: Connection,
    batching: Batching,
    keep_alive: Box<dyn Send>,
) -> std::io::Result<(mpsc::Sender<Job>, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("wasphere-journal".to_owned())
        .spawn(move || {
            serve(&conn, &rx, batching);
            drop(conn);
            // The lock (if any) goes only after the connection is closed.
            drop(keep_alive);
        })?;
    Ok((tx, handle))
}

fn serve(conn: &Connection, rx: &mpsc::Receiver<Job>, batching: Batching) {
    let mut batch: Vec<Job> = Vec::new();
    while let Ok(first) = rx.recv() {
        batch.push(first);
        if batching == Batching::Grouped {
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        let grouped = batching == Batching::Grouped;
        let begun = if grouped {
            conn.execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| e.to_string())
        } else {
            Ok(())
        };
        let usable = begun.is_ok().then_some(conn);
        let replies: Vec<Reply> = batch.drain(..).map(|job| job(usable)).collect();
        let committed = begun.and_then(|()| {
            if grouped {
                conn.execute_batch("COMMIT").map_err(|e| e.to_string())
            } else {
                Ok(())
            }
        });
        if committed.is_err() && grouped {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for reply in replies {
            reply(committed.clone());
        }
    }
}

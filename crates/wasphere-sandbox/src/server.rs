//! Serving connections one by one, so a fault can drop a connection without an answer,
//! and a connection that is idle or slow can be closed (see `connection_watch`).
//!
//! `axum::serve` gives handlers no way to close the socket they came on; here each
//! accepted socket gets a [`ConnectionControl`] in its requests' extensions, and the task
//! serving it drops the socket (no status line, no body) when a handler asks.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::builder::ConnectionLimits;
use crate::connection_watch::{Activity, BusyBody, WatchedIo};
use crate::records::{OpenConnection, Records};

/// How long open connections get to finish their answers at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Lets a handler close the connection its request came on.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionControl {
    drop_now: Arc<Notify>,
}

impl ConnectionControl {
    /// Closes the connection without answering. The caller should then never finish (it
    /// is dropped with the connection).
    pub(crate) fn drop_connection(&self) {
        // `notify_one` stores a permit, so this works even before the serving task waits.
        self.drop_now.notify_one();
    }
}

/// Accepts connections until `shutdown` changes (or its sender is dropped), at most
/// `limits.max_connections` at a time, then gives open connections [`SHUTDOWN_GRACE`] to
/// finish and closes the rest.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    records: Arc<Records>,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        // A slot first: at the cap, new connections wait in the listen queue instead of
        // taking a file descriptor each.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Answers are small and written at once; don't let Nagle hold them back.
                    let _ = stream.set_nodelay(true);
                    let open = records.connection_opened();
                    connections.spawn(serve_connection(
                        stream,
                        router.clone(),
                        limits,
                        shutdown.clone(),
                        (slot, open),
                    ));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    limits: ConnectionLimits,
    mut shutdown: watch::Receiver<bool>,
    // Held while the connection lives: its place under the cap, and its count.
    _held: (OwnedSemaphorePermit, OpenConnection),
) {
    let control = ConnectionControl {
        drop_now: Arc::new(Notify::new()),
    };
    let drop_now = Arc::clone(&control.drop_now);
    let activity = Activity::new(limits.request_timeout, limits.idle_timeout);
    let requests = Arc::clone(&activity);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        let busy = requests.request_started();
        request.extensions_mut().insert(control.clone());
        let router = router.clone();
        async move {
            let response = router
                .oneshot(request.map(Body::new))
                .await
                .unwrap_or_else(|never: Infallible| match never {});
            // The connection stays busy until the whole answer is written.
            Ok::<_, Infallible>(response.map(|body| Body::new(BusyBody::new(body, busy))))
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let io = TokioIo::new(WatchedIo::new(stream, Arc::clone(&activity)));
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("connection ended with an error: {e}");
            }
        }
        // Returning drops the connection and with it the socket: the client sees the
        // connection close with no answer at all.
        () = drop_now.notified() => {}
        () = activity.expired() => {
            tracing::debug!("closing a connection that was idle or slow for too long");
        }
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
        }
    }
}

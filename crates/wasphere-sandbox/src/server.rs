//! Serving connections one by one, so a fault can drop a connection without an answer.
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
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

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

/// Accepts connections until `shutdown` changes (or its sender is dropped), then gives
/// open connections [`SHUTDOWN_GRACE`] to finish and closes the rest.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Answers are small and written at once; don't let Nagle hold them back.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
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
    mut shutdown: watch::Receiver<bool>,
) {
    let control = ConnectionControl {
        drop_now: Arc::new(Notify::new()),
    };
    let drop_now = Arc::clone(&control.drop_now);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(control.clone());
        let router = router.clone();
        async move {
            let response = router
                .oneshot(request.map(Body::new))
                .await
                .unwrap_or_else(|never: Infallible| match never {});
            Ok::<_, Infallible>(response)
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(TokioIo::new(stream), service);
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
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
        }
    }
}

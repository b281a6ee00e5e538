//! A local HTTP receiver of webhook deliveries that verifies each one: 200 for an
//! authentic delivery, 401 for a bad signature or timestamp, 400 for a signed body that
//! is not an event. Used by `webhook listen` and by `demo`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use wasphere_types::webhook::{
    SIGNATURE_HEADER, TIMESTAMP_HEADER, VerifyError, WebhookEvent, WebhookSecret, verify,
};

use crate::failure::Failure;

/// What happened to one delivery.
pub(crate) enum Delivery {
    /// It was authentic.
    Verified {
        /// The parsed envelope.
        event: WebhookEvent,
        /// The raw body, compacted to one line of JSON.
        line: String,
    },
    /// It was refused, and why.
    Refused {
        /// Who sent it.
        peer: SocketAddr,
        /// Why it was refused.
        reason: String,
    },
}

/// A receiver serving in the background.
pub(crate) struct RunningReceiver {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Each delivery's outcome, in order of arrival.
    pub(crate) deliveries: mpsc::UnboundedReceiver<Delivery>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

struct Shared {
    secret: WebhookSecret,
    deliveries: mpsc::UnboundedSender<Delivery>,
}

/// Binds `addr` and serves until [`RunningReceiver::stop`].
pub(crate) async fn start(
    addr: SocketAddr,
    secret: WebhookSecret,
) -> Result<RunningReceiver, Failure> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::other(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::other(format!("cannot read the listening address: {e}")))?;
    let (tx, deliveries) = mpsc::unbounded_channel();
    let app = Router::new().fallback(receive).with_state(Arc::new(Shared {
        secret,
        deliveries: tx,
    }));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move { server.await });
    Ok(RunningReceiver {
        addr,
        deliveries,
        stop,
        task,
    })
}

impl RunningReceiver {
    /// Stops accepting, finishes the deliveries in progress, and returns.
    pub(crate) async fn stop(self) -> Result<(), Failure> {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Failure::other(format!("the webhook receiver failed: {e}"))),
            Err(e) => Err(Failure::other(format!("the webhook receiver stopped: {e}"))),
        }
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let result = verify(
        &shared.secret,
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        &body,
        SystemTime::now(),
    );
    match result {
        Ok(event) => {
            // verify() parsed the body, so it is JSON; compacting keeps one event per line.
            let line = serde_json::from_slice::<serde_json::Value>(&body).map_or_else(
                |_| String::from_utf8_lossy(&body).into_owned(),
                |v| v.to_string(),
            );
            let _ = shared.deliveries.send(Delivery::Verified { event, line });
            (StatusCode::OK, axum::Json(json!({"ok": true})))
        }
        Err(e) => {
            // A signed body that is not an event is the sender's bug, not a forgery:
            // 400 tells it apart from a bad signature (401).
            let status = if matches!(e, VerifyError::InvalidBody(_)) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNAUTHORIZED
            };
            let reason = e.to_string();
            let _ = shared.deliveries.send(Delivery::Refused {
                peer,
                reason: reason.clone(),
            });
            (status, axum::Json(json!({"error": reason})))
        }
    }
}

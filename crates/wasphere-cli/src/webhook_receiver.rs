//! A local HTTP receiver of webhook deliveries that verifies each one: 200 for an
//! authentic delivery, 401 for a bad signature or timestamp, 400 for a signed body that
//! is not an event. With a forward URL, an authentic delivery is posted unchanged to it
//! and its answer is the receiver's. Used by `webhook listen` and by `demo`.

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
    DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, VerifyError,
    WebhookEvent, WebhookSecret, verify,
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
        /// With a forward URL: the app's status, or why it could not be reached.
        forwarded: Option<Result<u16, String>>,
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
    forward: Option<Forward>,
}

/// Where authentic deliveries go on to.
struct Forward {
    url: url::Url,
    client: reqwest::Client,
}

/// The headers a delivery is forwarded with, so the app verifies it as the server's.
const FORWARDED_HEADERS: [&str; 5] = [
    "content-type",
    EVENT_HEADER,
    TIMESTAMP_HEADER,
    SIGNATURE_HEADER,
    DELIVERY_ID_HEADER,
];

/// Binds `addr` and serves until [`RunningReceiver::stop`].
pub(crate) async fn start(
    addr: SocketAddr,
    secret: WebhookSecret,
    forward_to: Option<url::Url>,
) -> Result<RunningReceiver, Failure> {
    let forward = match forward_to {
        Some(url) => Some(Forward {
            url,
            client: reqwest::Client::builder()
                // The server waits 10 s for an answer; so does this relay.
                .timeout(std::time::Duration::from_secs(10))
                .no_proxy()
                .build()
                .map_err(|e| Failure::other(format!("cannot build the HTTP client: {e}")))?,
        }),
        None => None,
    };
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
        forward,
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
) -> axum::response::Response {
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
            let Some(forward) = &shared.forward else {
                let _ = shared.deliveries.send(Delivery::Verified {
                    event,
                    line,
                    forwarded: None,
                });
                return (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response();
            };
            let mut request = forward.client.post(forward.url.clone()).body(body);
            for name in FORWARDED_HEADERS {
                if let Some(value) = headers.get(name) {
                    request = request.header(name, value);
                }
            }
            let (forwarded, response) = match request.send().await {
                Ok(answer) => {
                    let status = answer.status();
                    let text = answer.text().await.unwrap_or_default();
                    (Ok(status.as_u16()), (status, text).into_response())
                }
                Err(e) => {
                    let reason = if e.is_timeout() {
                        "no answer within 10 s"
                    } else if e.is_connect() {
                        "could not connect"
                    } else {
                        "the request failed"
                    };
                    let message = format!("forwarding to {}: {reason}", forward.url);
                    let answer = (
                        StatusCode::BAD_GATEWAY,
                        axum::Json(json!({"error": message.clone()})),
                    );
                    (Err(message), answer.into_response())
                }
            };
            let _ = shared.deliveries.send(Delivery::Verified {
                event,
                line,
                forwarded: Some(forwarded),
            });
            response
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
            (status, axum::Json(json!({"error": reason}))).into_response()
        }
    }
}

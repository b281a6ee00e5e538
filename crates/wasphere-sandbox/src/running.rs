//! `RunningSandbox`: the handle of a started sandbox.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wasphere_types::WorkspaceId;

use crate::auth::KeyTable;
use crate::builder::SandboxBuilder;
use crate::faults::{FaultPlan, FaultRule};
use crate::recorded_operation::RecordedOperation;
use crate::records::{
    DEFAULT_RECORD_LIMIT, DeliveryRecord, MAX_RECORD_BYTES, RecordedMessage, Records,
};
use crate::ring::Ring;
use crate::state::AppState;
use crate::webhook_delivery::{Subscriber, spawn_dispatcher};

impl SandboxBuilder {
    /// Checks the configuration, binds the address and starts serving.
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] for a malformed session name, an API key
    /// that does not start with `wsk_`, a rate limit that
    /// [`RateLimit::check`](crate::RateLimit::check) refuses, a webhook URL that is not
    /// `http(s)://`, or a fault rule with an impossible status or probability.
    pub async fn start(self) -> io::Result<RunningSandbox> {
        RunningSandbox::start(self.checked()?).await
    }
}

/// A sandbox serving on [`RunningSandbox::addr`]. Dropping it stops the server too;
/// [`RunningSandbox::shutdown`] also waits until it has stopped.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    async fn start(builder: SandboxBuilder) -> io::Result<Self> {
        let listener = listen(builder.addr, builder.limits.max_connections)?;
        let addr = listener.local_addr()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let records = Arc::new(Records::new(builder.record_limit));
        let outbox = builder.webhook.map(|(url, secret)| {
            spawn_dispatcher(
                Subscriber {
                    url,
                    secret,
                    retry_delays: builder.webhook_retry_delays,
                },
                Arc::clone(&records),
                shutdown_rx.clone(),
            )
        });
        let faults = FaultPlan::default();
        for rule in builder.faults {
            faults.add(rule);
        }
        let state = Arc::new(AppState {
            workspace: builder.workspace,
            limits: builder.limits,
            sessions: builder.sessions.into_iter().collect::<HashMap<_, _>>(),
            keys: KeyTable::new(&builder.keys, builder.rate_limit),
            faults,
            records,
            outbox,
            statuses: builder.status_delays,
            interactive: Mutex::new(Ring::new(DEFAULT_RECORD_LIMIT, MAX_RECORD_BYTES)),
            unreachable: builder.unreachable,
            meta_sessions: builder.meta_sessions.into_iter().collect(),
            typing_pauses: Default::default(),
        });
        let router = crate::routes::router(Arc::clone(&state));
        let server = tokio::spawn(crate::server::serve(
            listener,
            router,
            builder.limits,
            Arc::clone(&state.records),
            shutdown_rx,
        ));
        tracing::info!(%addr, "wasphere sandbox listening");
        Ok(RunningSandbox {
            addr,
            state,
            shutdown,
            server: Some(server),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL for a client on this machine. For a sandbox
    /// listening on every interface (`0.0.0.0` or `[::]`), the loopback address of the
    /// same family: a client cannot connect to `0.0.0.0`, and refuses plain http to any
    /// address that is not loopback.
    pub fn base_url(&self) -> String {
        format!("http://{}", loopback_if_unspecified(self.addr))
    }

    /// Whether the sandbox listens on an address other machines may reach (anything but
    /// loopback): its API key is then all that protects it.
    pub fn is_reachable_from_network(&self) -> bool {
        !self.addr.ip().is_loopback()
    }

    /// Where the API's OpenAPI 3.1 document is served: `http://127.0.0.1:PORT/openapi.json`.
    pub fn openapi_url(&self) -> String {
        format!("{}{}", self.base_url(), crate::routes::OPENAPI_PATH)
    }

    /// Where the API's reference page is served (readable offline):
    /// `http://127.0.0.1:PORT/docs`.
    pub fn docs_url(&self) -> String {
        format!("{}{}", self.base_url(), crate::routes::DOCS_PATH)
    }

    /// The workspace id the URL must carry.
    pub fn workspace(&self) -> WorkspaceId {
        self.state.workspace
    }

    /// The accepted messages still kept, oldest first: the last
    /// [`SandboxBuilder::record_limit`] of them (empty when recording is off).
    pub fn messages(&self) -> Vec<RecordedMessage> {
        self.state.records.messages()
    }

    /// How many connections are open now (each is closed when idle or slow for longer than
    /// its [`ConnectionLimits`](crate::ConnectionLimits) allow).
    pub fn open_connections(&self) -> usize {
        self.state.records.open_connections()
    }

    /// The accepted operations on messages (edit, delete, mark read, typing, presence, and
    /// the "paused" the server sends 3 s after typing), in order: the last
    /// [`DEFAULT_RECORD_LIMIT`](crate::DEFAULT_RECORD_LIMIT) (or the configured number),
    /// none when recording is off.
    pub fn operations(&self) -> Vec<RecordedOperation> {
        self.state.records.operations()
    }

    /// Every request that reached the send route, including refused and faulted ones.
    pub fn requests_seen(&self) -> u64 {
        self.state.records.requests_seen()
    }

    /// Answers of the send route by status. A dropped connection has no status and is
    /// counted only in [`RunningSandbox::requests_seen`].
    pub fn status_counts(&self) -> BTreeMap<u16, u64> {
        self.state.records.status_counts()
    }

    /// Forgets messages, counters and webhook deliveries (faults and rate-limit windows
    /// stay; see [`RunningSandbox::clear_faults`] and [`RunningSandbox::reset_rate_limits`]).
    pub fn clear(&self) {
        self.state.clear();
    }

    /// Adds a fault rule. A rule the sandbox cannot apply (a 2xx status, a probability
    /// outside 0..=1) is ignored with a warning; `POST /__sandbox/faults` refuses it with 400.
    pub fn inject(&self, rule: FaultRule) {
        match rule.check() {
            Ok(()) => self.state.faults.add(rule),
            Err(e) => tracing::warn!("fault rule ignored: {e}"),
        }
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Empties every key's rate-limit window.
    pub fn reset_rate_limits(&self) {
        self.state.keys.reset_windows();
    }

    /// Every webhook delivery attempt so far, with its outcome.
    pub fn webhook_deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.records.deliveries()
    }

    /// Stops accepting, lets open connections finish their answers (up to a second),
    /// cancels pending webhook retries, and waits until all of that is done.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

/// Binds `addr` with a listen queue as long as the connection cap (the system's default of
/// 128 drops the handshakes of a burst of connections, which then crawl in on TCP's
/// retransmission backoff).
fn listen(addr: SocketAddr, max_connections: usize) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std's bind does: a restarted sandbox can take its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(u32::try_from(max_connections.clamp(128, 4096)).unwrap_or(1024))
}

/// `0.0.0.0:P` → `127.0.0.1:P`, `[::]:P` → `[::1]:P`; other addresses unchanged.
fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        // Without this, a sandbox dropped in a test would keep its port until the runtime ends.
        let _ = self.shutdown.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_reached_through_loopback() {
        let addr = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(
            loopback_if_unspecified(addr("0.0.0.0:8080")),
            addr("127.0.0.1:8080")
        );
        assert_eq!(
            loopback_if_unspecified(addr("[::]:8080")),
            addr("[::1]:8080")
        );
        assert_eq!(
            loopback_if_unspecified(addr("10.0.0.5:1")),
            addr("10.0.0.5:1")
        );
    }
}

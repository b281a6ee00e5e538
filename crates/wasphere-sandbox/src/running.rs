//! `RunningSandbox`: the handle of a started sandbox.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wasphere_types::WorkspaceId;

use crate::auth::KeyTable;
use crate::builder::SandboxBuilder;
use crate::faults::{FaultPlan, FaultRule};
use crate::records::{DeliveryRecord, RecordedMessage, Records};
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
        let listener = TcpListener::bind(builder.addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let records = Arc::new(Records::new(builder.record_messages));
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
            sessions: builder.sessions.into_iter().collect::<HashMap<_, _>>(),
            keys: KeyTable::new(&builder.keys, builder.rate_limit),
            faults,
            records,
            outbox,
            statuses: builder.status_delays,
            interactive: Mutex::new(HashMap::new()),
        });
        let router = crate::routes::router(Arc::clone(&state));
        let server = tokio::spawn(crate::server::serve(listener, router, shutdown_rx));
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

    /// `http://127.0.0.1:PORT`, the base URL for a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
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

    /// The accepted messages, in order (empty when recording is off).
    pub fn messages(&self) -> Vec<RecordedMessage> {
        self.state.records.messages()
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

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        // Without this, a sandbox dropped in a test would keep its port until the runtime ends.
        let _ = self.shutdown.send(true);
    }
}

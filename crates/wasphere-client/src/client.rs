//! `Client`: validates, rate-limits, sends and retries.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{Instrument, field};
use wasphere_types::{
    MAX_BODY_BYTES, Message, MessageOperation, MessageType, OperationPath, RateLimit, SendResponse,
    SessionId, WorkspaceId,
};

use crate::config_error::ConfigError;
use crate::connection::BaseUrl;
use crate::error::Error;
use crate::rate_limit_store::{Admission, Limiter, RateLimitStore, RateLimiter, Slot};
use crate::retry::{self, Idempotency, RetryPolicy};
use crate::transport::Transport;

/// The async client. Cheap to clone: clones share the connection pool, the settings and
/// the rate limiter (which is also shared with every other client of the process that
/// uses the same server, key and limit, and, with a [`RateLimitStore`] on Redis, with
/// every process using that Redis). `Send + Sync`; `Debug` never shows the key.
///
/// ```no_run
/// # async fn run() -> Result<(), wasphere_client::Error> {
/// use wasphere_client::{Client, Message, types::Poll};
///
/// let client = Client::from_env()?;
/// let sent = client.send_text("923001234567", "Your order has shipped").await?;
/// println!("{}", sent.message_id);
///
/// let poll = Poll::new("923001234567", "Delivery slot?", ["Morning", "Evening"]);
/// client.send(&Message::from(poll)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: BaseUrl,
    pub(crate) workspace: WorkspaceId,
    pub(crate) session: Option<SessionId>,
    pub(crate) transport: Transport,
    pub(crate) limiter: Option<Limiter>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) rate_limit_store: RateLimitStore,
    pub(crate) safety_margin: Duration,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) validate: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("api_key", i.transport.key())
            .field("workspace", &i.workspace)
            .field("session", &i.session)
            .field("rate_limit", &i.rate_limit)
            .field("rate_limit_store", &i.rate_limit_store)
            .field("safety_margin", &i.safety_margin)
            .field("retry_policy", &i.retry_policy)
            .field("validate_before_send", &i.validate)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Client {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The workspace.
    pub fn workspace(&self) -> &WorkspaceId {
        &self.inner.workspace
    }

    /// The default session, if one was set.
    pub fn session(&self) -> Option<&SessionId> {
        self.inner.session.as_ref()
    }

    /// The key's rate limiter that this client's sends take their turns from (shared
    /// as the client's documentation says); `None` when the limit is
    /// [`RateLimit::Off`].
    pub fn rate_limiter(&self) -> Option<RateLimiter> {
        self.inner.limiter.clone().map(RateLimiter::new)
    }

    /// The full URL a message of type `t` is posted to with `session` (for `--dry-run`);
    /// see [`BaseUrl::endpoint`].
    pub fn endpoint(&self, session: &SessionId, t: MessageType) -> String {
        self.inner
            .base_url
            .endpoint(&self.inner.workspace, session, t)
    }

    /// Sends `message` with the default session.
    ///
    /// # Errors
    /// [`Error::Config`] when no default session was set; otherwise as
    /// [`Client::send_with_session`].
    pub async fn send(&self, message: &Message) -> Result<SendResponse, Error> {
        let session = self.inner.session.as_ref().ok_or(ConfigError::NoSession)?;
        self.send_with_session(session, message).await
    }

    /// Sends `message` with `session`: validates it (unless switched off), waits for a
    /// rate-limit slot, posts it, and repeats it as the retry policy allows.
    ///
    /// # Errors
    /// Any [`Error`]: [`Error::Validation`] before anything is sent, an HTTP error of the
    /// contract, or a network failure. [`Error::may_have_been_delivered`] says whether
    /// the message may have gone out anyway.
    pub async fn send_with_session(
        &self,
        session: &SessionId,
        message: &Message,
    ) -> Result<SendResponse, Error> {
        self.send_after(session, message, None).await
    }

    /// Sends `message` with `session` in a slot already taken from this client's
    /// [`rate_limiter`](Self::rate_limiter): the first attempt takes no other (a retry
    /// after a 429 takes a new one, as always), and settles it when it is over, as every
    /// attempt does ([`Admission::settle`]). An admission from another key's limiter is not
    /// used (it is left as it is): the send takes its own slot then.
    ///
    /// # Errors
    /// As [`Client::send_with_session`].
    pub async fn send_admitted(
        &self,
        session: &SessionId,
        message: &Message,
        admission: Admission,
    ) -> Result<SendResponse, Error> {
        self.send_after(session, message, Some(admission)).await
    }

    async fn send_after(
        &self,
        session: &SessionId,
        message: &Message,
        admission: Option<Admission>,
    ) -> Result<SendResponse, Error> {
        // Before any slot is taken: an invalid message costs nothing.
        if self.inner.validate {
            message.validate()?;
        }
        let first_slot = match (admission, &self.inner.limiter) {
            (Some(admission), Some(limiter)) => admission.slot_for(limiter),
            _ => None,
        };
        let message_type = message.message_type();
        let url = self.endpoint(session, message_type);

        let span = tracing::info_span!(
            "wasphere_send",
            message_type = message_type.as_str(),
            session = session.as_str(),
            attempts = field::Empty,
            status = field::Empty,
            latency_ms = field::Empty,
        );
        let request = Outgoing {
            method: Method::POST,
            url,
            body: Some(Bytes::from(message.to_json())),
            idempotency: Idempotency::Send,
            operation: None,
        };
        self.execute(&request, first_slot).instrument(span).await
    }

    /// Whether requests are checked before they are sent.
    pub(crate) fn validates(&self) -> bool {
        self.inner.validate
    }

    /// Sends an operation on messages with the default session: `path` says which (with
    /// the message's id for edit and delete), `query` is a delete's, `body` the others'.
    /// The request has been checked already (see `operations.rs`).
    pub(crate) async fn operate<T: DeserializeOwned>(
        &self,
        path: OperationPath<'_>,
        query: Option<String>,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let session = inner.session.as_ref().ok_or(ConfigError::NoSession)?;
        let mut url = inner
            .base_url
            .operation_endpoint(&inner.workspace, session, &path);
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        let operation = path.operation();
        let span = tracing::info_span!(
            "wasphere_operation",
            operation = operation.as_str(),
            session = session.as_str(),
            attempts = field::Empty,
            status = field::Empty,
            latency_ms = field::Empty,
        );
        let request = Outgoing {
            method: if path.method() == "DELETE" {
                Method::DELETE
            } else {
                Method::POST
            },
            url,
            body: body.map(Bytes::from),
            idempotency: Idempotency::of(operation),
            operation: Some(operation),
        };
        self.execute(&request, None).instrument(span).await
    }

    /// Sends `request` as the retry policy allows; `first_slot`: its first attempt's slot,
    /// taken by the caller already.
    async fn execute<T: DeserializeOwned>(
        &self,
        request: &Outgoing,
        first_slot: Option<Slot>,
    ) -> Result<T, Error> {
        // Checked even without validation: the server refuses a larger body unread.
        if let Some(body) = request.body.as_ref().filter(|b| b.len() > MAX_BODY_BYTES) {
            return Err(Error::BodyTooLarge {
                size: body.len(),
                limit: MAX_BODY_BYTES,
            });
        }
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempts = 0;
        // 0 until an answer came; an atomic (not a Cell) keeps the future `Send`.
        let last_status = AtomicU16::new(0);
        let result = retry::run(
            &inner.retry_policy,
            inner.limiter.as_ref(),
            request.idempotency,
            first_slot,
            |n| {
                attempts = n;
                self.attempt(request, n, &last_status)
            },
        )
        .await;
        // Recorded once, when they are final: a field recorded twice on a span is printed
        // twice (`status=429 status=201`).
        let span = tracing::Span::current();
        span.record("attempts", attempts);
        match last_status.into_inner() {
            0 => {}
            status => {
                span.record("status", status);
            }
        }
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(_) => tracing::debug!("sent"),
            Err(e) => tracing::debug!(error = %e, class = e.class().as_str(), "send failed"),
        }
        result
    }

    /// One attempt, in its own span, which holds its status and latency; the status is
    /// also left in `last_status` for the span of the whole request.
    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &Outgoing,
        number: u32,
        last_status: &AtomicU16,
    ) -> Result<T, Error> {
        let span = tracing::debug_span!(
            "attempt",
            attempt = number,
            status = field::Empty,
            latency_ms = field::Empty
        );
        let transport = &self.inner.transport;
        async move {
            let started = Instant::now();
            let answer = transport
                .exchange(request.method.clone(), &request.url, request.body.clone())
                .await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let answer = match answer {
                Ok(answer) => answer,
                Err(e) => {
                    tracing::debug!(error = %e, "no answer");
                    return Err(e);
                }
            };
            span.record("status", answer.status);
            last_status.store(answer.status, Ordering::Relaxed);
            tracing::debug!("answer");
            answer.interpret(transport.key(), SystemTime::now(), request.operation)
        }
        .instrument(span)
        .await
    }
}

/// One request of the API, ready to go out as many times as the retry policy allows.
struct Outgoing {
    method: Method,
    url: String,
    /// Cheap to clone for each attempt.
    body: Option<Bytes>,
    /// What repeating it after an unknown outcome could do.
    idempotency: Idempotency,
    /// Which operation on messages it is; `None` for a send.
    operation: Option<MessageOperation>,
}

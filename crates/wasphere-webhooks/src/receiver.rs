//! The receiver: a tower `Service` (mount it in axum with `route_service`) that verifies
//! each delivery, deduplicates its events and hands each new one to your handler.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::Service;
use wasphere_types::webhook::{Event, EventKind, WebhookSecret};

use crate::clock::Clock;
use crate::dedup::{Claim, Claimed, Deduplicator};
use crate::rejection::Rejection;
use crate::verifier::Verifier;

/// The error a handler may return: anything that converts into a boxed error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;
type Handler = Arc<dyn Fn(Event) -> HandlerFuture + Send + Sync>;

/// How long a handler may run before the delivery is answered 503 by default: the
/// server waits 10 s for an answer (contract section 5).
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(9);

/// Receives webhook deliveries. Per delivery:
///
/// | outcome | answer |
/// |---|---|
/// | every event handled, or a duplicate | 200 `{"handled": n, "duplicates": m}` |
/// | not a POST | 405 |
/// | body over the cap (default 1 MiB) | 413 |
/// | signature or timestamp headers missing, malformed, stale or wrong | 401 |
/// | authentic, but not an event | 400 |
/// | an event is being handled by an earlier attempt right now | 409 |
/// | the handler returned an error or panicked | 500 |
/// | the handler is still running at the timeout, or the store failed | 503 |
///
/// Every answer but 200 makes the server retry; a failed event's claim is given back,
/// so its retry is handled, while events of the same delivery that succeeded are
/// duplicates on the retry. A handler that times out keeps running and keeps its claim
/// until it ends. The events of one delivery are handled in order, one at a time.
///
/// ```no_run
/// use axum::Router;
/// use wasphere_webhooks::{Event, Receiver, WebhookSecret};
///
/// # async fn run() -> std::io::Result<()> {
/// let receiver = Receiver::builder(WebhookSecret::new("whsec-…")).build(|event: Event| async move {
///     if let Some(status) = event.status() {
///         println!("{} is {}", status.message_id, status.status);
///     }
///     Ok::<_, std::convert::Infallible>(())
/// });
/// let app = Router::new().route_service("/hooks", receiver);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
#[derive(Clone)]
pub struct Receiver {
    shared: Arc<Shared>,
}

struct Shared {
    verifier: Verifier,
    dedup: Deduplicator,
    handler: Handler,
    handler_timeout: Duration,
}

/// Configures a [`Receiver`].
#[derive(Debug)]
pub struct ReceiverBuilder {
    verifier: Verifier,
    dedup: Option<Deduplicator>,
    handler_timeout: Duration,
}

impl Receiver {
    /// A builder for a receiver of deliveries signed with `secret`.
    pub fn builder(secret: WebhookSecret) -> ReceiverBuilder {
        ReceiverBuilder {
            verifier: Verifier::new(secret),
            dedup: None,
            handler_timeout: DEFAULT_HANDLER_TIMEOUT,
        }
    }

    /// The verifier it uses (to share with a [`Delivery`](crate::Delivery) extractor).
    pub fn verifier(&self) -> &Verifier {
        &self.shared.verifier
    }

    /// Answers one delivery.
    ///
    /// The request is taken apart before the future is made, so the future holds only
    /// the headers and the body: it is allocated for every delivery, and kept small it
    /// stays within the allocator's quickest sizes.
    pub fn handle(
        &self,
        request: Request<Body>,
    ) -> impl Future<Output = Response> + Send + 'static {
        let receiver = self.clone();
        let (parts, body) = request.into_parts();
        let is_post = parts.method == Method::POST;
        let headers = parts.headers;
        async move {
            if !is_post {
                return crate::Rejection::MethodNotAllowed.into_response();
            }
            let events = match receiver.verified(headers, body).await {
                Ok(events) => events,
                Err(rejection) => return rejection.into_response(),
            };
            let mut tally = Tally::default();
            for event in events {
                if let Err(failure) = receiver.handle_event(event, &mut tally).await {
                    return failure.into_response();
                }
            }
            tally.into_response()
        }
    }

    /// Reads the body under the cap, verifies it and reads its events.
    async fn verified(&self, headers: HeaderMap, body: Body) -> Result<Vec<Event>, Rejection> {
        let verifier = &self.shared.verifier;
        let body = verifier.read_body(&headers, body).await?;
        verifier
            .verify_events(&headers, &body)
            .inspect_err(|rejection| {
                tracing::debug!(%rejection, "webhook delivery refused");
            })
    }

    async fn handle_event(&self, event: Event, tally: &mut Tally) -> Result<(), Failure> {
        let shared = &self.shared;
        let claim = match shared.dedup.claim(&event).await {
            Ok(Claimed::New(claim)) => claim,
            Ok(Claimed::Duplicate) => {
                tally.duplicates += 1;
                return Ok(());
            }
            Ok(Claimed::InProgress) => return Err(Failure::InProgress),
            Err(e) => {
                tracing::warn!(error = %e, "webhook deduplication store failed");
                return Err(Failure::Store);
            }
        };
        let kind = event.kind.clone();
        let mut work = (shared.handler)(event);
        // Most handlers finish at their first poll; those are settled right here, without
        // a task or a timer. The others run on in a task of their own.
        let first = std::future::poll_fn(|cx| {
            Poll::Ready(panic::catch_unwind(AssertUnwindSafe(|| {
                work.as_mut().poll(cx)
            })))
        })
        .await;
        match first {
            Ok(Poll::Ready(Ok(()))) => {
                claim.commit();
                tally.handled += 1;
                Ok(())
            }
            Ok(Poll::Ready(Err(e))) => {
                tracing::warn!(event = %kind, error = %e, "webhook handler failed");
                release(claim).await;
                Err(Failure::Handler)
            }
            Err(_panic) => {
                tracing::warn!(event = %kind, "webhook handler panicked");
                release(claim).await;
                Err(Failure::Handler)
            }
            // Boxed: the rare path's timer and task handle would otherwise enlarge every
            // delivery's future past the allocator's fast sizes.
            Ok(Poll::Pending) => {
                Box::pin(self.finish_in_background(kind, work, claim, tally)).await
            }
        }
    }

    /// Runs a handler that did not finish at once in a task of its own, so it runs to
    /// its end (and settles its claim) even when the sender hangs up or the timeout
    /// answers first.
    async fn finish_in_background(
        &self,
        kind: EventKind,
        work: HandlerFuture,
        claim: Claim,
        tally: &mut Tally,
    ) -> Result<(), Failure> {
        let task = tokio::spawn(async move {
            let outcome = work.await;
            match &outcome {
                Ok(()) => claim.commit(),
                Err(_) => release(claim).await,
            }
            outcome
        });
        let timeout = self.shared.handler_timeout;
        match tokio::time::timeout(timeout, task).await {
            Ok(Ok(Ok(()))) => {
                tally.handled += 1;
                Ok(())
            }
            Ok(Ok(Err(e))) => {
                tracing::warn!(event = %kind, error = %e, "webhook handler failed");
                Err(Failure::Handler)
            }
            Ok(Err(join)) => {
                tracing::warn!(event = %kind, panicked = join.is_panic(), "webhook handler did not finish");
                Err(Failure::Handler)
            }
            Err(_) => {
                tracing::warn!(event = %kind, ?timeout, "webhook handler still running; answering 503");
                Err(Failure::TimedOut)
            }
        }
    }
}

/// Gives a failed event's claim back, so the server's retry is handled. Boxed: a
/// store's future can be large, and inlined into every delivery's future it would make
/// the common path pay for the rare one.
async fn release(claim: Claim) {
    if let Err(e) = Box::pin(claim.release()).await {
        tracing::warn!(error = %e, "could not release a failed event's claim");
    }
}

impl ReceiverBuilder {
    /// Accepts deliveries signed with `secret` too (during a secret rotation).
    pub fn also_accept(mut self, secret: WebhookSecret) -> Self {
        self.verifier = self.verifier.also_accept(secret);
        self
    }

    /// Refuses bodies over `bytes` with 413 (default 1 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.verifier = self.verifier.max_body(bytes);
        self
    }

    /// Where "now" comes from for the 300 s timestamp window (tests fix it).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.verifier = self.verifier.clock(clock);
        self
    }

    /// How events are deduplicated (default: [`Deduplicator::default`], in memory).
    pub fn dedup(mut self, dedup: Deduplicator) -> Self {
        self.dedup = Some(dedup);
        self
    }

    /// How long to wait for the handler before answering 503 (default 9 s).
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout;
        self
    }

    /// The receiver, calling `handler` once per new event. A handler that returns an
    /// error gets the event again on the server's next retry.
    pub fn build<H, F, E>(self, handler: H) -> Receiver
    where
        H: Fn(Event) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let handler: Handler = Arc::new(move |event| {
            let work = handler(event);
            Box::pin(async move { work.await.map_err(Into::into) })
        });
        Receiver {
            shared: Arc::new(Shared {
                verifier: self.verifier,
                dedup: self.dedup.unwrap_or_default(),
                handler,
                handler_timeout: self.handler_timeout,
            }),
        }
    }
}

#[derive(Default)]
struct Tally {
    handled: usize,
    duplicates: usize,
}

impl IntoResponse for Tally {
    fn into_response(self) -> Response {
        // Nearly every delivery carries one event: its answers are written once.
        let body = match (self.handled, self.duplicates) {
            (1, 0) => Body::from(r#"{"handled":1,"duplicates":0}"#),
            (0, 1) => Body::from(r#"{"handled":0,"duplicates":1}"#),
            (handled, duplicates) => Body::from(format!(
                r#"{{"handled":{handled},"duplicates":{duplicates}}}"#
            )),
        };
        json_response(StatusCode::OK, body)
    }
}

/// A delivery that was authentic but not (fully) handled: the server should retry.
enum Failure {
    InProgress,
    Handler,
    TimedOut,
    Store,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Failure::InProgress => (
                StatusCode::CONFLICT,
                r#"{"error":"an earlier attempt of this event is being handled; retry later"}"#,
            ),
            Failure::Handler => (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"error":"the handler failed"}"#,
            ),
            Failure::TimedOut => (
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"error":"the handler did not finish in time; retry later"}"#,
            ),
            Failure::Store => (
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"error":"the deduplication store is unavailable; retry later"}"#,
            ),
        };
        json_response(status, Body::from(body))
    }
}

fn json_response(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

impl<B> Service<Request<B>> for Receiver
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let answer = self.handle(request.map(Body::new));
        Box::pin(async move { Ok(answer.await) })
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("verifier", &self.shared.verifier)
            .field("dedup", &self.shared.dedup)
            .field("handler_timeout", &self.shared.handler_timeout)
            .finish_non_exhaustive()
    }
}

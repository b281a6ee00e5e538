//! Retry policies: which failures are repeated, how long to wait, and when to give up.
//!
//! As in smithy-rs, the decision is its own small component: a [`RetryClassifier`] looks
//! at an [`Error`] and at what repeating the request could do ([`Idempotency`]), and
//! answers stop, back off, or wait a given time. The loop in [`run`] applies the answer
//! within the policy's attempt and time budget; it never guesses.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::time::{Instant, sleep};

use crate::error::Error;
use crate::rate_limit_store::{Limiter, Slot};

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAction {
    /// Give up and return the error.
    Stop,
    /// Try again after an exponential backoff with full jitter.
    Backoff,
    /// Try again after this long (plus a little jitter), e.g. a 429's `Retry-After`.
    After(Duration),
}

/// What repeating a request could do when its first attempt may have been processed.
///
/// A send is not idempotent: after a timeout, repeating it may deliver the message twice.
/// The operations on messages are safe to repeat: edit and delete are idempotent on the
/// server (the second edit sets the same text, the second delete recalls a message already
/// recalled), and mark read, typing and presence only repeat a signal.
///
/// ```
/// use wasphere_client::Idempotency;
/// use wasphere_client::types::MessageOperation;
///
/// assert!(!Idempotency::Send.safe_to_repeat());
/// assert_eq!(Idempotency::of(MessageOperation::Delete), Idempotency::Idempotent);
/// assert!(Idempotency::of(MessageOperation::Typing).safe_to_repeat());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Idempotency {
    /// A send: repeating it after an unknown outcome may deliver the message twice.
    Send,
    /// Edit, delete: repeating leaves the same end state.
    Idempotent,
    /// Mark read, typing, presence: repeating only repeats a signal.
    Harmless,
}

impl Idempotency {
    /// The idempotency of an operation on messages.
    pub fn of(operation: wasphere_types::MessageOperation) -> Self {
        use wasphere_types::MessageOperation as Op;
        match operation {
            Op::Edit | Op::Delete => Idempotency::Idempotent,
            Op::MarkRead | Op::Typing | Op::Presence => Idempotency::Harmless,
        }
    }

    /// Whether repeating after an unknown outcome is safe.
    pub fn safe_to_repeat(self) -> bool {
        self != Idempotency::Send
    }
}

/// Decides whether a failed attempt is repeated. Implement it to plug in your own policy
/// with [`RetryPolicy::custom`]; delegate to [`SafeRetries`] or [`AtLeastOnce`] for the
/// cases you do not care about.
///
/// ```
/// use std::sync::Arc;
/// use wasphere_client::{Error, RetryAction, RetryClassifier, RetryPolicy, SafeRetries};
///
/// /// Safe retries, and also a 503 (our proxy answers it before forwarding anything).
/// #[derive(Debug)]
/// struct Also503;
/// impl RetryClassifier for Also503 {
///     fn classify(&self, error: &Error, attempt: u32) -> RetryAction {
///         match error.status() {
///             Some(503) => RetryAction::Backoff,
///             _ => SafeRetries.classify(error, attempt),
///         }
///     }
/// }
/// let policy = RetryPolicy::custom(Arc::new(Also503)).max_attempts(3);
/// ```
pub trait RetryClassifier: Send + Sync + fmt::Debug {
    /// The action after attempt number `attempt` (1 for the first) of a send failed with
    /// `error`.
    fn classify(&self, error: &Error, attempt: u32) -> RetryAction;

    /// The action after attempt `attempt` of a request of `idempotency` failed with
    /// `error`. By default a send is [`classify`](Self::classify)'s; a request that is
    /// safe to repeat is also repeated after the transient failures that leave its outcome
    /// unknown (a timeout after sending, a 5xx), since repeating it cannot do harm.
    fn classify_request(
        &self,
        error: &Error,
        attempt: u32,
        idempotency: Idempotency,
    ) -> RetryAction {
        match self.classify(error, attempt) {
            RetryAction::Stop if idempotency.safe_to_repeat() && error.is_transient() => {
                RetryAction::Backoff
            }
            action => action,
        }
    }
}

/// The default: repeats only what cannot deliver a message twice. A 429 is repeated after
/// its `Retry-After` (or a backoff when it gave none); failures before the request left
/// the machine (connection refused, DNS, connect timeout) after a backoff. Everything
/// after which the server may have processed the message is returned as is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SafeRetries;

impl RetryClassifier for SafeRetries {
    fn classify(&self, error: &Error, _attempt: u32) -> RetryAction {
        match error {
            Error::RateLimited {
                retry_after: Some(wait),
                ..
            } => RetryAction::After(*wait),
            e if e.is_retryable() => RetryAction::Backoff,
            _ => RetryAction::Stop,
        }
    }
}

/// [`SafeRetries`], and also the transient failures after which the message may already
/// have been delivered: 502/504 and other 5xx, timeouts after sending, broken connections.
/// Choose it when a duplicate is better than a lost message.
#[derive(Debug, Clone, Copy, Default)]
pub struct AtLeastOnce;

impl RetryClassifier for AtLeastOnce {
    fn classify(&self, error: &Error, attempt: u32) -> RetryAction {
        match SafeRetries.classify(error, attempt) {
            RetryAction::Stop if error.is_transient() => RetryAction::Backoff,
            action => action,
        }
    }
}

/// Never repeats, whatever the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRetries;

impl RetryClassifier for NoRetries {
    fn classify(&self, _error: &Error, _attempt: u32) -> RetryAction {
        RetryAction::Stop
    }

    fn classify_request(&self, _: &Error, _: u32, _: Idempotency) -> RetryAction {
        RetryAction::Stop
    }
}

/// How failed sends are repeated: a [`RetryClassifier`], at most `max_attempts` attempts
/// (the first included), and a total `deadline` measured from the first attempt. A wait
/// that would end past the deadline is not started: the last error is returned at once
/// (for a 429, that error carries the server's `retry_after`). The jitter added to a
/// `Retry-After` is trimmed to fit the deadline rather than making the retry miss it.
///
/// | policy | classifier | attempts | deadline |
/// |---|---|---|---|
/// | [`RetryPolicy::default`] | [`SafeRetries`] | 4 | 90 s |
/// | [`RetryPolicy::at_least_once`] | [`AtLeastOnce`] | 4 | 90 s |
/// | [`RetryPolicy::none`] | [`NoRetries`] | 1 | — |
///
/// Backoff is exponential with full jitter: before retry `k` (1, 2, …) a random wait in
/// `0..=min(max_delay, base_delay × 2^(k-1))`, by default base 200 ms and max 10 s.
///
/// Each setting is set by a method of its name and read by the same name with `get_`
/// (as `std::process::Command` does):
///
/// ```
/// use std::time::Duration;
/// use wasphere_client::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_attempts(3).deadline(Duration::from_secs(20));
/// assert_eq!(policy.get_max_attempts(), 3);
/// assert_eq!(policy.get_deadline(), Duration::from_secs(20));
/// assert_eq!(policy.get_base_delay(), Duration::from_millis(200));
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    classifier: Arc<dyn RetryClassifier>,
    max_attempts: u32,
    deadline: Duration,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::custom(Arc::new(SafeRetries))
    }
}

impl RetryPolicy {
    /// Also repeats failures after which the message may have been delivered
    /// ([`AtLeastOnce`]): no message is lost to a flaky gateway, but some may arrive twice.
    pub fn at_least_once() -> Self {
        Self::custom(Arc::new(AtLeastOnce))
    }

    /// One attempt, no retries.
    pub fn none() -> Self {
        Self::custom(Arc::new(NoRetries)).max_attempts(1)
    }

    /// Your own classifier, with the default budget.
    pub fn custom(classifier: Arc<dyn RetryClassifier>) -> Self {
        RetryPolicy {
            classifier,
            max_attempts: 4,
            deadline: Duration::from_secs(90),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }

    /// At most this many attempts in all, the first included (0 is read as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// No retry starts a wait that would end later than this after the first attempt began.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The first backoff's upper bound; each later one doubles it, up to `max_delay`.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The attempt budget set by [`max_attempts`](Self::max_attempts).
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time budget set by [`deadline`](Self::deadline).
    pub fn get_deadline(&self) -> Duration {
        self.deadline
    }

    /// The first backoff's upper bound, set by [`base_delay`](Self::base_delay).
    pub fn get_base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The largest backoff, set by [`max_delay`](Self::max_delay).
    pub fn get_max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The attempt budget.
    #[deprecated(
        since = "0.2.0",
        note = "renamed to `get_max_attempts`, after its setter"
    )]
    pub fn attempts(&self) -> u32 {
        self.get_max_attempts()
    }

    /// The time budget.
    #[deprecated(since = "0.2.0", note = "renamed to `get_deadline`, after its setter")]
    pub fn total_deadline(&self) -> Duration {
        self.get_deadline()
    }

    /// The classifier in use (given to [`custom`](Self::custom)).
    pub fn classifier(&self) -> &Arc<dyn RetryClassifier> {
        &self.classifier
    }

    /// The random backoff before retry number `retry` (1 for the first retry).
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_delay);
        random_up_to(ceiling)
    }
}

fn random_up_to(ceiling: Duration) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rand::rng().random_range(0..=nanos))
}

/// A little randomness on top of a server-given wait, so that several clients told the
/// same `Retry-After` do not all come back in the same millisecond: up to a tenth of the
/// wait, between 100 ms and 1 s.
pub(crate) fn jitter_for(wait: Duration) -> Duration {
    random_up_to((wait / 10).clamp(Duration::from_millis(100), Duration::from_secs(1)))
}

/// When a 429 gives no `Retry-After`, the key is paused this long (the server never asks
/// for less than one second).
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

/// Runs `attempt` (given the attempt number, from 1) of a request of `idempotency` until
/// it succeeds or the policy stops. Each attempt first takes a slot from `limiter`, except
/// the first when the caller took it already (`first_slot`, a slot of `limiter`), and
/// settles it as soon as the attempt is over, whatever it returned; a 429 pauses the
/// limiter for everyone.
pub(crate) async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    limiter: Option<&Limiter>,
    idempotency: Idempotency,
    mut first_slot: Option<Slot>,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    // The deadline counts from the first attempt, not from joining the limiter's queue:
    // waiting one's turn is not retrying.
    let mut start = None;
    let mut number = 0u32;
    loop {
        number = number.saturating_add(1);
        let slot = match (limiter, first_slot.take()) {
            (Some(_), Some(slot)) => Some(slot),
            // A shared store that is out (and set to fail) ends the send: nothing went
            // out, and waiting here for Redis to return would be a hang.
            (Some(limiter), None) => Some(limiter.acquire().await?),
            (None, _) => None,
        };
        let start = *start.get_or_insert_with(Instant::now);
        let outcome = match (limiter, slot) {
            (Some(limiter), Some(slot)) => limiter.settled(slot, attempt(number)).await,
            _ => attempt(number).await,
        };
        let error = match outcome {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if let (Some(limiter), Error::RateLimited { retry_after, .. }) = (limiter, &error) {
            limiter
                .pause_for(retry_after.unwrap_or(DEFAULT_PAUSE))
                .await;
        }
        if number >= policy.max_attempts {
            return Err(error);
        }
        let action = policy
            .classifier
            .classify_request(&error, number, idempotency);
        let (wait, jitter) = match action {
            RetryAction::Stop => return Err(error),
            RetryAction::Backoff => (policy.backoff(number), Duration::ZERO),
            RetryAction::After(wait) => (wait, jitter_for(wait)),
        };
        // The server's wait must fit in the deadline; the jitter on top only if there is room.
        let remaining = policy.deadline.saturating_sub(start.elapsed());
        let wait = if wait > remaining {
            None
        } else {
            Some(wait.saturating_add(jitter).min(remaining))
        };
        let Some(wait) = wait else {
            tracing::debug!(
                attempt = number,
                remaining_ms = remaining.as_millis() as u64,
                "not retrying: the wait would end past the retry deadline"
            );
            return Err(error);
        };
        tracing::debug!(
            attempt = number,
            wait_ms = wait.as_millis() as u64,
            error = %error,
            "retrying"
        );
        sleep(wait).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;
    use crate::error::TimeoutPhase;
    use crate::limiter::KeyLimiter;
    use crate::transport_error::TransportError;

    fn rate_limited(secs: u64) -> Error {
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(secs)),
            messages: vec![],
        }
    }

    fn connect() -> Error {
        Error::Connect {
            source: TransportError::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "connection refused",
            )),
        }
    }

    fn gateway() -> Error {
        Error::Gateway {
            status: 502,
            messages: vec![],
        }
    }

    fn timeout_after_send() -> Error {
        Error::Timeout {
            phase: TimeoutPhase::Response,
        }
    }

    /// A fake transport: answers from a script, then `Ok(n)` for attempt `n`.
    /// A limiter of `max` per `window` kept in this process, with no margin.
    fn local_limiter(max: u32, window: Duration) -> Limiter {
        Limiter::Local(Arc::new(KeyLimiter::new(max, window, Duration::ZERO)))
    }

    /// One attempt of a send played by `script`, through `limiter`, in `slot` if the
    /// caller took one.
    async fn send_once(
        limiter: &Limiter,
        slot: Option<Slot>,
        script: &Script,
    ) -> Result<u32, Error> {
        run(
            &RetryPolicy::none(),
            Some(limiter),
            Idempotency::Send,
            slot,
            |n| script.call(n),
        )
        .await
    }

    struct Script {
        answers: Mutex<VecDeque<Error>>,
        attempts: Mutex<Vec<Duration>>,
        start: Instant,
    }

    impl Script {
        fn new(answers: Vec<Error>) -> Self {
            Script {
                answers: Mutex::new(answers.into()),
                attempts: Mutex::new(Vec::new()),
                start: Instant::now(),
            }
        }

        async fn call(&self, n: u32) -> Result<u32, Error> {
            self.attempts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(self.start.elapsed());
            match self
                .answers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop_front()
            {
                Some(e) => Err(e),
                None => Ok(n),
            }
        }

        fn attempt_times(&self) -> Vec<Duration> {
            self.attempts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
        }

        async fn run(&self, policy: &RetryPolicy) -> Result<u32, Error> {
            self.run_as(policy, Idempotency::Send).await
        }

        async fn run_as(
            &self,
            policy: &RetryPolicy,
            idempotency: Idempotency,
        ) -> Result<u32, Error> {
            run(policy, None, idempotency, None, |n| self.call(n)).await
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_is_repeated_after_retry_after_plus_jitter() {
        let script = Script::new(vec![rate_limited(2)]);
        assert_eq!(script.run(&RetryPolicy::default()).await, Ok(2));
        let times = script.attempt_times();
        assert_eq!(times.len(), 2);
        assert!(times[1] >= Duration::from_secs(2), "{times:?}");
        assert!(
            times[1] <= Duration::from_millis(2200),
            "jitter is a tenth at most: {times:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_past_the_deadline_fails_at_once() {
        let script = Script::new(vec![rate_limited(120)]);
        let policy = RetryPolicy::default().deadline(Duration::from_secs(30));
        let err = script.run(&policy).await.unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
        assert_eq!(script.attempt_times(), [Duration::ZERO]);
        assert_eq!(script.start.elapsed(), Duration::ZERO, "no sleep at all");
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_that_just_fits_is_waited_without_overshooting() {
        let script = Script::new(vec![rate_limited(30)]);
        let policy = RetryPolicy::default().deadline(Duration::from_secs(30));
        assert_eq!(script.run(&policy).await, Ok(2));
        assert_eq!(script.attempt_times()[1], Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn failures_before_sending_back_off_until_the_attempts_run_out() {
        let script = Script::new(vec![connect(), connect(), connect(), connect(), connect()]);
        let policy = RetryPolicy::default()
            .max_attempts(4)
            .base_delay(Duration::from_millis(100));
        let err = script.run(&policy).await.unwrap_err();
        assert!(matches!(err, Error::Connect { .. }));
        let times = script.attempt_times();
        assert_eq!(times.len(), 4);
        // Full jitter: retry k waits at most 100 ms × 2^(k-1).
        for (k, pair) in times.windows(2).enumerate() {
            let bound = Duration::from_millis(100 << k);
            assert!(pair[1] - pair[0] <= bound, "{times:?}");
        }
        let script = Script::new(vec![connect(), connect()]);
        assert_eq!(script.run(&policy).await, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_stops_at_the_deadline() {
        let script = Script::new((0..100).map(|_| connect()).collect());
        let policy = RetryPolicy::default()
            .max_attempts(100)
            .base_delay(Duration::from_millis(500))
            .deadline(Duration::from_secs(3));
        assert!(script.run(&policy).await.is_err());
        assert!(script.start.elapsed() <= Duration::from_secs(3));
        assert!(script.attempt_times().len() >= 2);
    }

    #[tokio::test(start_paused = true)]
    async fn what_may_have_been_processed_is_not_repeated_by_default() {
        for e in [
            gateway(),
            timeout_after_send(),
            Error::Server {
                status: 500,
                messages: vec![],
            },
            Error::Interrupted {
                source: TransportError::new(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset",
                )),
            },
        ] {
            let script = Script::new(vec![e.clone()]);
            assert_eq!(script.run(&RetryPolicy::default()).await, Err(e));
            assert_eq!(script.attempt_times().len(), 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn at_least_once_repeats_them() {
        for e in [gateway(), timeout_after_send()] {
            let script = Script::new(vec![e]);
            assert_eq!(script.run(&RetryPolicy::at_least_once()).await, Ok(2));
        }
        // But not what the server refused.
        let script = Script::new(vec![Error::BadRequest { messages: vec![] }]);
        assert!(script.run(&RetryPolicy::at_least_once()).await.is_err());
        assert_eq!(script.attempt_times().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_safe_to_repeat_are_repeated_after_an_unknown_outcome() {
        for idempotency in [Idempotency::Idempotent, Idempotency::Harmless] {
            for e in [gateway(), timeout_after_send()] {
                let script = Script::new(vec![e]);
                let policy = RetryPolicy::default();
                assert_eq!(script.run_as(&policy, idempotency).await, Ok(2));
            }
            // Refusals stay refusals, and "never" stays never.
            let script = Script::new(vec![Error::BadRequest { messages: vec![] }]);
            let refused = script.run_as(&RetryPolicy::default(), idempotency).await;
            assert!(refused.is_err());
            let script = Script::new(vec![gateway()]);
            let policy = RetryPolicy::none().max_attempts(3);
            assert!(script.run_as(&policy, idempotency).await.is_err());
            assert_eq!(script.attempt_times().len(), 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn none_means_one_attempt() {
        let script = Script::new(vec![rate_limited(1)]);
        assert!(script.run(&RetryPolicy::none()).await.is_err());
        assert_eq!(script.attempt_times().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_custom_classifier_decides() {
        #[derive(Debug)]
        struct RetryBadRequestsOnce;
        impl RetryClassifier for RetryBadRequestsOnce {
            fn classify(&self, error: &Error, attempt: u32) -> RetryAction {
                match (error, attempt) {
                    (Error::BadRequest { .. }, 1) => RetryAction::After(Duration::from_secs(7)),
                    _ => RetryAction::Stop,
                }
            }
        }
        let policy = RetryPolicy::custom(Arc::new(RetryBadRequestsOnce));
        let bad = || Error::BadRequest { messages: vec![] };
        let script = Script::new(vec![bad(), bad()]);
        assert!(script.run(&policy).await.is_err());
        let times = script.attempt_times();
        assert_eq!(times.len(), 2);
        assert!(times[1] >= Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_every_sender_on_the_key() {
        let limiter = local_limiter(100, Duration::from_secs(60));
        let start = Instant::now();
        let script = Script::new(vec![rate_limited(5)]);
        let first = send_once(&limiter, None, &script).await;
        assert!(first.is_err());
        // Another sender, with plenty of room in the window, still waits out the pause.
        let other = Script::new(vec![]);
        assert_eq!(send_once(&limiter, None, &other).await, Ok(1));
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_attempt_admitted_by_the_caller_takes_no_second_slot() {
        let limiter = local_limiter(1, Duration::from_secs(60));
        let taken = limiter.acquire().await.unwrap();
        let start = Instant::now();
        let script = Script::new(vec![]);
        assert_eq!(send_once(&limiter, Some(taken), &script).await, Ok(1));
        assert_eq!(start.elapsed(), Duration::ZERO);
        // Without the caller's slot, the full window is waited out.
        assert_eq!(send_once(&limiter, None, &script).await, Ok(1));
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn every_attempt_s_slot_is_settled_when_the_attempt_is_over() {
        let limiter = local_limiter(1, Duration::from_secs(1));
        let start = Instant::now();
        let answered_after = |latency: Duration, answer: Result<u32, Error>| {
            move |_: u32| {
                let answer = answer.clone();
                async move {
                    sleep(latency).await;
                    answer
                }
            }
        };
        let once = RetryPolicy::none();
        // The caller's slot, answered 300 ms later: the next slot is a window after that.
        let taken = limiter.acquire().await.unwrap();
        let slow = answered_after(Duration::from_millis(300), Ok(1));
        let sent = run(&once, Some(&limiter), Idempotency::Send, Some(taken), slow).await;
        assert_eq!(sent, Ok(1));
        // A slot run takes itself, failing after 200 ms, is settled all the same.
        let failing = answered_after(Duration::from_millis(200), Err(gateway()));
        let failed = run(&once, Some(&limiter), Idempotency::Send, None, failing).await;
        assert_eq!(failed, Err(gateway()));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
        // A 429 after 100 ms, repeated: the retry's slot waits a window after that answer
        // (not after its grant), and the pause is shorter.
        let answers = Mutex::new(VecDeque::from([
            Err(Error::RateLimited {
                retry_after: Some(Duration::from_millis(500)),
                messages: vec![],
            }),
            Ok(2),
        ]));
        let times = Mutex::new(Vec::new());
        let retried = run(
            &RetryPolicy::default(),
            Some(&limiter),
            Idempotency::Send,
            None,
            |_| async {
                times.lock().unwrap().push(start.elapsed());
                sleep(Duration::from_millis(100)).await;
                answers.lock().unwrap().pop_front().unwrap()
            },
        )
        .await;
        assert_eq!(retried, Ok(2));
        let times = times.lock().unwrap().clone();
        assert_eq!(
            times,
            [Duration::from_millis(2500), Duration::from_millis(3600)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_a_slot_does_not_use_up_the_deadline() {
        let limiter = local_limiter(1, Duration::from_secs(60));
        let _taken = limiter.acquire().await.unwrap();
        // This send queues for 60 s, then meets a 429 asking for 20 s: within a 30 s
        // deadline counted from its first attempt, so it waits and succeeds.
        let script = Script::new(vec![rate_limited(20)]);
        let policy = RetryPolicy::default().deadline(Duration::from_secs(30));
        let limiter_ref = &limiter;
        let result = run(&policy, Some(limiter_ref), Idempotency::Send, None, |n| {
            script.call(n)
        })
        .await;
        assert_eq!(result, Ok(2));
        assert!(script.start.elapsed() >= Duration::from_secs(120));
    }

    #[test]
    fn backoff_ceilings_double_and_cap() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(2) <= Duration::from_millis(200));
            assert!(p.backoff(3) <= Duration::from_millis(350));
            assert!(p.backoff(u32::MAX) <= Duration::from_millis(350));
        }
        assert_eq!(RetryPolicy::none().max_attempts(0).get_max_attempts(), 1);
    }
}

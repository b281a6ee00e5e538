//! One API key's limiter on Redis: admissions decided by the server-side script, waited
//! for here, settled when their request is over, and, when Redis cannot be reached, either
//! an error or the local fallback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::{Instant, sleep};

use super::connection::Connection;
use super::key_names::KeyNames;
use super::outage::OnRedisOutage;
use super::scripts::{self, Verdict};
use crate::limiter::{KeyLimiter, Slot};
use crate::store_error::RateLimitStoreError;

/// After Redis failed, admissions go to the fallback without asking Redis for this long,
/// so an outage costs one time limit per second instead of one per message.
const RECHECK_AFTER: Duration = Duration::from_secs(1);

pub(crate) struct RedisKeyLimiter {
    connection: Arc<Connection>,
    names: KeyNames,
    max: u32,
    span: Duration,
    /// Held by the task whose turn it is, so this process's senders are admitted first
    /// come, first served, and only one of them at a time polls Redis.
    turn: tokio::sync::Mutex<()>,
    fallback: Option<Fallback>,
}

/// A slot taken from a [`RedisKeyLimiter`], to be [settled](RedisKeyLimiter::settle) when the
/// request made in it is over.
#[derive(Debug)]
pub(crate) enum RedisSlot {
    /// A member of the shared window.
    Shared { member: String },
    /// A slot of the fallback's local window, taken while Redis was out.
    Fallback(Slot),
}

/// The local limiter used while Redis is out, at a fraction of the limit.
struct Fallback {
    limiter: KeyLimiter,
    /// How long an admission counts (the limiter's window and margin).
    span: Duration,
    state: Mutex<OutageState>,
}

#[derive(Default)]
struct OutageState {
    /// Redis is not asked again before this.
    skip_redis_until: Option<Instant>,
    /// Local admissions Redis has not heard of yet, oldest first; told to it (as ages) with
    /// the next admission that reaches it, so the shared window counts them.
    unreported: Vec<Instant>,
}

impl RedisKeyLimiter {
    pub(crate) fn new(
        connection: Arc<Connection>,
        on_outage: OnRedisOutage,
        names: KeyNames,
        max: u32,
        span: Duration,
    ) -> Self {
        let fallback = match on_outage {
            OnRedisOutage::Fail => None,
            OnRedisOutage::FallBackToLocal { fraction } => {
                // The local share, rounded down but never below one admission per span.
                let local_max = (f64::from(max) * fraction).floor().max(1.0) as u32;
                Some(Fallback {
                    limiter: KeyLimiter::new(local_max, span, Duration::ZERO),
                    span,
                    state: Mutex::new(OutageState::default()),
                })
            }
        };
        RedisKeyLimiter {
            connection,
            names,
            max,
            span,
            turn: tokio::sync::Mutex::new(()),
            fallback,
        }
    }

    /// Waits for a slot of the shared window at least `gap` after the key's latest
    /// admission in any process (zero: no spacing), and takes it.
    ///
    /// # Errors
    /// When Redis cannot be reached and the store is set to [`OnRedisOutage::Fail`].
    pub(crate) async fn acquire(&self, gap: Duration) -> Result<RedisSlot, RateLimitStoreError> {
        let _turn = self.turn.lock().await;
        // The slot's name in the window: recorded only if the script admits it.
        let member = format!("{:016x}", rand::random::<u64>());
        loop {
            if let Some(fallback) = &self.fallback
                && fallback.redis_skipped()
            {
                return Ok(RedisSlot::Fallback(fallback.acquire(gap).await));
            }
            let reported = self.fallback.as_ref().map(Fallback::unreported_ages);
            let verdict = self
                .admit(
                    &member,
                    gap,
                    reported.as_ref().map_or(&[][..], |(_, ages)| ages),
                )
                .await;
            match (verdict, &self.fallback) {
                (Ok(verdict), fallback) => {
                    if let (Some(fallback), Some((count, _))) = (fallback, reported) {
                        fallback.reported(count);
                    }
                    match verdict {
                        Verdict::Admitted => return Ok(RedisSlot::Shared { member }),
                        // Settles meanwhile only make the wait longer: the script is asked
                        // again at the end of it.
                        Verdict::Wait(wait) => sleep(wait).await,
                    }
                }
                (Err(e), None) => return Err(e),
                (Err(e), Some(fallback)) => {
                    fallback.redis_failed(&e);
                    return Ok(RedisSlot::Fallback(fallback.acquire(gap).await));
                }
            }
        }
    }

    /// The request made in `slot` is over: its time in the window moves to now (by the
    /// Redis server's clock). Never waits for the task whose turn it is. If Redis cannot
    /// be told, the failure is logged and the slot keeps counting from its grant (which
    /// the margin then has to cover, as before settling existed).
    pub(crate) async fn settle(&self, slot: RedisSlot) {
        let member = match slot {
            RedisSlot::Shared { member } => member,
            RedisSlot::Fallback(slot) => {
                if let Some(fallback) = &self.fallback {
                    fallback.limiter.settle(slot);
                }
                return;
            }
        };
        if self.fallback.as_ref().is_some_and(Fallback::redis_skipped) {
            // Out a moment ago: asking again would only add its time limit to the send.
            return;
        }
        let window = self.names.window.clone();
        let span = scripts::micros(self.span);
        let result = self
            .connection
            .run(|mut connection| async move {
                scripts::settle()
                    .key(window)
                    .arg(member)
                    .arg(span)
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await;
        if let Err(e) = result {
            tracing::warn!(
                error = %e,
                "could not settle a slot in Redis: it counts from when it was granted"
            );
            if let Some(fallback) = &self.fallback {
                fallback.redis_failed(&e);
            }
        }
    }

    /// Pauses everyone on this key, in every process, for `wait` from now (never
    /// shortening a pause in force). If Redis cannot be told, this process's fallback
    /// still pauses, and the failure is logged: the 429 itself is being handled anyway.
    pub(crate) async fn pause_for(&self, wait: Duration) {
        if let Some(fallback) = &self.fallback {
            fallback.limiter.pause_for(wait);
        }
        let key = self.names.pause.clone();
        let result = self
            .connection
            .run(|mut connection| async move {
                scripts::pause()
                    .key(key)
                    .arg(scripts::micros(wait))
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not share a 429's pause through Redis");
        }
    }

    async fn admit(
        &self,
        member: &str,
        gap: Duration,
        replayed_ages: &[u64],
    ) -> Result<Verdict, RateLimitStoreError> {
        let member = member.to_owned();
        let (window, pause) = (self.names.window.clone(), self.names.pause.clone());
        let latest = self.names.latest.clone();
        let (max, span, gap) = (self.max, scripts::micros(self.span), scripts::micros(gap));
        let ages = replayed_ages.to_vec();
        let reply: Vec<i64> = self
            .connection
            .run(|mut connection| async move {
                let mut invocation = scripts::admit().key(window);
                invocation
                    .key(pause)
                    .key(latest)
                    .arg(max)
                    .arg(span)
                    .arg(member)
                    .arg(gap);
                for age in ages {
                    invocation.arg(age);
                }
                invocation.invoke_async(&mut connection).await
            })
            .await?;
        Verdict::from_reply(&reply).ok_or_else(|| RateLimitStoreError::Unexpected {
            url: self.connection.shown_url().to_owned(),
            reason: format!("the admission script returned {reply:?}"),
        })
    }
}

impl Fallback {
    fn state(&self) -> std::sync::MutexGuard<'_, OutageState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn redis_skipped(&self) -> bool {
        self.state()
            .skip_redis_until
            .is_some_and(|until| Instant::now() < until)
    }

    fn redis_failed(&self, e: &RateLimitStoreError) {
        let mut state = self.state();
        if state.skip_redis_until.is_none() {
            tracing::warn!(
                error = %e,
                "Redis is unavailable: falling back to this process's share of the rate limit"
            );
        }
        state.skip_redis_until = Some(Instant::now() + RECHECK_AFTER);
    }

    async fn acquire(&self, gap: Duration) -> Slot {
        let slot = self.limiter.acquire_spaced(gap).await;
        self.state().unreported.push(Instant::now());
        slot
    }

    /// How many local admissions are waiting to be reported, and the ages of those still
    /// inside the window (older ones no longer count anywhere).
    fn unreported_ages(&self) -> (usize, Vec<u64>) {
        let state = self.state();
        let now = Instant::now();
        let ages = state
            .unreported
            .iter()
            .map(|t| now.saturating_duration_since(*t))
            .filter(|age| *age < self.span)
            .map(scripts::micros)
            .collect();
        (state.unreported.len(), ages)
    }

    /// The first `count` local admissions reached Redis: forget them, and the outage.
    fn reported(&self, count: usize) {
        let mut state = self.state();
        let count = count.min(state.unreported.len());
        state.unreported.drain(..count);
        if state.skip_redis_until.take().is_some() {
            tracing::info!("Redis is back: the rate limit is shared again");
        }
    }
}

//! The client-side model of the server's sliding-window rate limit (contract section 3).
//!
//! The server admits at most N requests per API key in any window of W. A token bucket
//! would admit 2N in the first window, so this keeps the admission times of the last N
//! requests and lets the next one go only when the oldest of them is W (plus a safety
//! margin for network latency) in the past. It is a separate layer, like teloxide's
//! throttle: the send path only calls [`KeyLimiter::acquire`] before each attempt and
//! [`KeyLimiter::pause_for`] when the server answers 429 anyway.
//!
//! Time is tokio's, so tests run it paused and deterministic.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{Instant, sleep_until};

/// One API key's window, shared by every client and task sending with that key.
#[derive(Debug)]
pub(crate) struct KeyLimiter {
    max: usize,
    /// The window plus the safety margin: how long an admission counts.
    span: Duration,
    /// Admission times of the requests still inside the span, oldest first. The lock is
    /// tokio's, which is fair: whoever holds it is the next to be admitted, and the others
    /// queue in arrival order, which makes the limiter first come, first served.
    admitted: tokio::sync::Mutex<VecDeque<Instant>>,
    /// Set on a 429: nobody is admitted before this instant. A plain mutex held only for a
    /// read or a write, so a 429 handler never waits for the sleeper holding `admitted`.
    pause_until: Mutex<Option<Instant>>,
    /// Wakes the sleeper holding `admitted` when the pause moves, so it sleeps longer.
    pause_changed: Notify,
}

/// `t + d`, clamped instead of overflowing; the builder bounds every configured duration,
/// so the fallback only guards against arithmetic surprises.
fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .or_else(|| t.checked_add(Duration::from_secs(24 * 60 * 60)))
        .unwrap_or(t)
}

impl KeyLimiter {
    /// At most `max` admissions in any `window + margin`. `max` is at least 1.
    pub(crate) fn new(max: u32, window: Duration, margin: Duration) -> Self {
        let max = usize::try_from(max.max(1)).unwrap_or(usize::MAX);
        KeyLimiter {
            max,
            span: window.saturating_add(margin),
            admitted: tokio::sync::Mutex::new(VecDeque::with_capacity(max.min(1024))),
            pause_until: Mutex::new(None),
            pause_changed: Notify::new(),
        }
    }

    fn pause(&self) -> Option<Instant> {
        *self.pause_until.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot, in arrival order, and takes it.
    #[cfg(test)]
    pub(crate) async fn acquire(&self) {
        self.acquire_spaced(Duration::ZERO).await;
    }

    /// Waits for a slot at least `gap` after the previous admission (a smooth pace; the
    /// gap counts only while that admission is inside the span), in arrival order, and
    /// takes it.
    pub(crate) async fn acquire_spaced(&self, gap: Duration) {
        let mut admitted = self.admitted.lock().await;
        loop {
            // Register for pause changes before reading the pause, so a 429 arriving
            // between the read and the sleep still wakes us.
            let notified = self.pause_changed.notified();
            let now = Instant::now();
            while admitted
                .front()
                .is_some_and(|t| later(*t, self.span) <= now)
            {
                admitted.pop_front();
            }
            let window_slot = match admitted.front() {
                Some(oldest) if admitted.len() >= self.max => later(*oldest, self.span),
                _ => now,
            };
            let slot = admitted
                .back()
                .map_or(window_slot, |last| window_slot.max(later(*last, gap)));
            let ready = self.pause().map_or(slot, |p| p.max(slot));
            if ready <= now {
                admitted.push_back(now);
                return;
            }
            tokio::select! {
                () = sleep_until(ready) => {}
                () = notified => {}
            }
        }
    }

    /// Stops every sender on this key from being admitted for `wait` from now (never
    /// shortens a pause already in force).
    pub(crate) fn pause_for(&self, wait: Duration) {
        let until = later(Instant::now(), wait);
        {
            let mut pause = self.pause_until.lock().unwrap_or_else(|p| p.into_inner());
            if pause.is_some_and(|p| p >= until) {
                return;
            }
            *pause = Some(until);
        }
        self.pause_changed.notify_waiters();
    }
}

/// What makes two clients share a limiter: the same server, the same key and the same
/// settings. The key is kept only as a hash with a per-process random seed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RegistryKey {
    base_url: String,
    key_hash: u64,
    max: u32,
    window: Duration,
    margin: Duration,
}

type Registry = Mutex<HashMap<RegistryKey, Weak<KeyLimiter>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

fn key_hash(secret: &str) -> u64 {
    static SEED: OnceLock<RandomState> = OnceLock::new();
    SEED.get_or_init(RandomState::new).hash_one(secret)
}

/// The limiter of `secret` at `base_url` with these settings, created on first use and
/// shared by every client of the process until the last of them is dropped. Sharing per
/// process (not per builder) is what the server sees: all requests with one key count.
pub(crate) fn shared(
    base_url: &str,
    secret: &str,
    max: u32,
    window: Duration,
    margin: Duration,
) -> Arc<KeyLimiter> {
    let key = RegistryKey {
        base_url: base_url.to_owned(),
        key_hash: key_hash(secret),
        max,
        window,
        margin,
    };
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(existing) = map.get(&key).and_then(Weak::upgrade) {
        return existing;
    }
    map.retain(|_, limiter| limiter.strong_count() > 0);
    let limiter = Arc::new(KeyLimiter::new(max, window, margin));
    map.insert(key, Arc::downgrade(&limiter));
    limiter
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const W: Duration = Duration::from_secs(1);

    /// The server's rule: no N+1 admissions within any W.
    fn assert_sliding(times: &[Instant], n: usize, w: Duration) {
        let mut sorted = times.to_vec();
        sorted.sort();
        for pair in sorted.windows(n + 1) {
            let span = pair[n] - pair[0];
            assert!(span >= w, "{} admissions within {span:?}", n + 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn bursts_n_then_waits_for_the_oldest_to_leave() {
        let limiter = KeyLimiter::new(5, W, Duration::ZERO);
        let start = Instant::now();
        let mut offsets = Vec::new();
        for _ in 0..12 {
            limiter.acquire().await;
            offsets.push((Instant::now() - start).as_millis());
        }
        assert_eq!(
            offsets,
            [0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn slides_rather_than_refilling() {
        let limiter = KeyLimiter::new(5, W, Duration::ZERO);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..3 {
            limiter.acquire().await;
            times.push(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        for _ in 0..2 {
            limiter.acquire().await;
            times.push(Instant::now());
        }
        // The next three replace the three from t=0 at t=1.0; the two after, at t=1.5.
        for _ in 0..5 {
            limiter.acquire().await;
            times.push(Instant::now());
        }
        let offsets: Vec<u128> = times.iter().map(|t| (*t - start).as_millis()).collect();
        assert_eq!(offsets, [0, 0, 0, 500, 500, 1000, 1000, 1000, 1500, 1500]);
        assert_sliding(&times, 5, W);
    }

    #[tokio::test(start_paused = true)]
    async fn a_gap_spaces_admissions_and_the_window_still_caps_them() {
        let limiter = KeyLimiter::new(3, W, Duration::ZERO);
        let start = Instant::now();
        let mut offsets = Vec::new();
        for _ in 0..5 {
            limiter.acquire_spaced(Duration::from_millis(200)).await;
            offsets.push((Instant::now() - start).as_millis());
        }
        // 200 ms apart, until the window (3 per second) holds the fourth to t=1 s.
        assert_eq!(offsets, [0, 200, 400, 1000, 1200]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_margin_is_added_to_the_window() {
        let limiter = KeyLimiter::new(2, W, Duration::from_millis(250));
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!((Instant::now() - start).as_millis(), 1250);
    }

    #[tokio::test(start_paused = true)]
    async fn first_come_first_served_across_tasks() {
        let limiter = Arc::new(KeyLimiter::new(2, W, Duration::ZERO));
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (limiter, order) = (limiter.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                limiter.acquire().await;
                order.lock().unwrap_or_else(|p| p.into_inner()).push(i);
            }));
            // Let each task reach the queue before the next is spawned.
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.ok();
        }
        let order = order.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(order, (0..10).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_tasks_never_exceed_the_window() {
        let limiter = Arc::new(KeyLimiter::new(10, W, Duration::ZERO));
        let times = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (limiter, times) = (limiter.clone(), times.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..25 {
                    limiter.acquire().await;
                    times
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(Instant::now());
                }
            }));
        }
        for t in tasks {
            t.await.ok();
        }
        let times = times.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(times.len(), 200);
        assert_sliding(&times, 10, W);
        // 200 at 10 per second: the last batch starts at 19 s, not later.
        assert_eq!((Instant::now() - start).as_secs(), 19);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_everyone_including_a_sleeping_waiter() {
        let limiter = Arc::new(KeyLimiter::new(1, W, Duration::ZERO));
        let start = Instant::now();
        limiter.acquire().await;
        // This waiter sleeps until t=1 s for its window slot...
        let waiter = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                limiter.acquire().await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        // ...when a 429 asks everyone to wait 5 s.
        limiter.pause_for(Duration::from_secs(5));
        let admitted = waiter.await.unwrap_or(start);
        assert_eq!((admitted - start).as_millis(), 5100);
        // A shorter pause does not shorten the one in force.
        limiter.pause_for(Duration::from_millis(10));
        limiter.acquire().await;
        assert_eq!((Instant::now() - start).as_millis(), 6100);
    }

    #[test]
    fn clients_with_the_same_key_and_server_share_one_limiter() {
        let a = shared("http://127.0.0.1:1", "wsk_a", 60, W, Duration::ZERO);
        let b = shared("http://127.0.0.1:1", "wsk_a", 60, W, Duration::ZERO);
        let other_key = shared("http://127.0.0.1:1", "wsk_b", 60, W, Duration::ZERO);
        let other_server = shared("http://127.0.0.1:2", "wsk_a", 60, W, Duration::ZERO);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &other_key));
        assert!(!Arc::ptr_eq(&a, &other_server));
        drop((a, b));
        let fresh = shared("http://127.0.0.1:1", "wsk_a", 60, W, Duration::ZERO);
        assert_eq!(
            Arc::strong_count(&fresh),
            1,
            "a dropped limiter is not kept"
        );
    }
}

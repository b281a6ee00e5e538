//! The client-side model of the server's sliding-window rate limit (contract section 3).
//!
//! The server admits at most N requests per API key in any window of W. A token bucket
//! would admit 2N in the first window, so this keeps the times of the last N requests and
//! lets the next one go only when the oldest of them is W (plus a safety margin) in the
//! past. It is a separate layer, like teloxide's throttle: the send path calls
//! [`KeyLimiter::acquire_spaced`] before each attempt, [`KeyLimiter::settle`] when the
//! attempt is over, and [`KeyLimiter::pause_for`] when the server answers 429 anyway.
//!
//! **Settled at the answer.** A slot is recorded when it is granted, but the server counts
//! the request when it arrives, later by the journal's commit, the scheduler and the
//! network. So when the attempt is over (an answer, an error, a timeout) its slot's time
//! is moved to that moment, which is after the server counted the request: the window is
//! then an upper bound of the server's whatever the latency, and the next request granted
//! a window later arrives later still. The margin no longer has to cover latency, only
//! clocks (their granularity and drift); each window costs one round trip more than W.
//! An attempt cancelled before it is over (its future dropped) leaves its slot counted
//! from its grant.
//!
//! Time is tokio's, so tests run it paused and deterministic.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

/// One API key's window, shared by every client and task sending with that key.
#[derive(Debug)]
pub(crate) struct KeyLimiter {
    max: usize,
    /// The window plus the safety margin: how long a slot counts.
    span: Duration,
    /// Held by the task whose turn it is, while it waits for its slot. The lock is tokio's,
    /// which is fair: the others queue in arrival order, which makes the limiter first
    /// come, first served.
    turn: tokio::sync::Mutex<()>,
    /// The slots and the pause, under a plain mutex held only to read or write them, so a
    /// settle or a 429 never waits for the sleeper holding the turn. The sleeper needs no
    /// wake-up from them: they only ever move its moment later (a settle moves a time
    /// later or counts a slot again, a pause never shortens), so it wakes early, if at all,
    /// and looks again.
    state: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    /// The time of each slot still inside the span, and the slot's id, oldest first.
    slots: VecDeque<(Instant, u64)>,
    next_id: u64,
    /// When the latest slot was granted: a smooth pace's gap counts from there, not from
    /// the latest settle (which would slow the pace by one round trip per message).
    latest_grant: Option<Instant>,
    /// Set on a 429: nobody is admitted before this instant.
    pause_until: Option<Instant>,
}

/// A slot taken in a [`KeyLimiter`], to be [settled](KeyLimiter::settle) when the request
/// made in it is over.
#[derive(Debug)]
pub(crate) struct Slot {
    id: u64,
    /// The slot's time in the window, which is how it is found there again.
    at: Instant,
}

/// `t + d`, clamped instead of overflowing; the builder bounds every configured duration,
/// so the fallback only guards against arithmetic surprises.
fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .or_else(|| t.checked_add(Duration::from_secs(24 * 60 * 60)))
        .unwrap_or(t)
}

impl Window {
    fn forget_before(&mut self, now: Instant, span: Duration) {
        while self
            .slots
            .front()
            .is_some_and(|(t, _)| later(*t, span) <= now)
        {
            self.slots.pop_front();
        }
    }

    /// The index of the slot that must leave the span before another may be granted: the
    /// `max`-th newest (more than `max` slots are inside when settles counted again slots
    /// that had left).
    fn blocking(&self, max: usize) -> Option<usize> {
        self.slots.len().checked_sub(max)
    }

    /// When the next slot may be granted, at least `gap` after the latest grant.
    fn ready(&self, now: Instant, max: usize, span: Duration, gap: Duration) -> Instant {
        let window_ready = self
            .blocking(max)
            .and_then(|i| self.slots.get(i))
            .map_or(now, |(t, _)| later(*t, span));
        let spaced = self
            .latest_grant
            .filter(|t| later(*t, span) > now)
            .map_or(window_ready, |t| window_ready.max(later(t, gap)));
        self.pause_until.map_or(spaced, |p| p.max(spaced))
    }

    fn grant(&mut self, now: Instant) -> Slot {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.slots.push_back((now, id));
        self.latest_grant = Some(now);
        Slot { id, at: now }
    }
}

impl KeyLimiter {
    /// At most `max` slots in any `window + margin`. `max` is at least 1.
    pub(crate) fn new(max: u32, window: Duration, margin: Duration) -> Self {
        let max = usize::try_from(max.max(1)).unwrap_or(usize::MAX);
        KeyLimiter {
            max,
            span: window.saturating_add(margin),
            turn: tokio::sync::Mutex::new(()),
            state: Mutex::new(Window {
                slots: VecDeque::with_capacity(max.min(1024)),
                ..Window::default()
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, Window> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot, in arrival order, and takes it.
    #[cfg(test)]
    pub(crate) async fn acquire(&self) -> Slot {
        self.acquire_spaced(Duration::ZERO).await
    }

    /// Waits for a slot at least `gap` after the latest grant (a smooth pace; the gap
    /// counts only while that grant is inside the span), in arrival order, and takes it.
    pub(crate) async fn acquire_spaced(&self, gap: Duration) -> Slot {
        let _turn = self.turn.lock().await;
        loop {
            let ready = {
                let mut state = self.state();
                // Read under the lock, so slots are recorded in time order.
                let now = Instant::now();
                state.forget_before(now, self.span);
                let ready = state.ready(now, self.max, self.span, gap);
                if ready <= now {
                    return state.grant(now);
                }
                ready
            };
            sleep_until(ready).await;
        }
    }

    /// The request made in `slot` is over (answered, failed or timed out): its time in
    /// the window moves to now, after the server counted it. A slot that already left the
    /// window (a request slower than the span) counts again from now, since the server
    /// may count it still. Never waits.
    pub(crate) fn settle(&self, slot: Slot) {
        let mut state = self.state();
        let now = Instant::now();
        // Ids are unique and times sorted: look among the slots of the same instant.
        let first = state.slots.partition_point(|(t, _)| *t < slot.at);
        let found = state
            .slots
            .range(first..)
            .take_while(|(t, _)| *t == slot.at)
            .position(|(_, id)| *id == slot.id);
        if let Some(i) = found {
            state.slots.remove(first + i);
        }
        // `now` is at least every recorded time, so the slots stay in order.
        state.slots.push_back((now, slot.id));
    }

    /// Stops every sender on this key from being admitted for `wait` from now (never
    /// shortens a pause already in force).
    pub(crate) fn pause_for(&self, wait: Duration) {
        let until = later(Instant::now(), wait);
        let mut state = self.state();
        if state.pause_until.is_none_or(|p| p < until) {
            state.pause_until = Some(until);
        }
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

    /// Takes the next slot; when it came, in ms after `start`.
    async fn next_slot_at(limiter: &KeyLimiter, start: Instant) -> u128 {
        limiter.acquire().await;
        (Instant::now() - start).as_millis()
    }

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
            offsets.push(next_slot_at(&limiter, start).await);
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
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(next_slot_at(&limiter, start).await, 1250);
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
        assert_eq!(next_slot_at(&limiter, start).await, 6100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_answer_pushes_the_next_window_out_by_its_latency() {
        let limiter = KeyLimiter::new(2, W, Duration::ZERO);
        let start = Instant::now();
        let first = limiter.acquire().await;
        let second = limiter.acquire().await;
        // Answered 100 ms and 300 ms after they were granted: the server counted them
        // somewhere before, so the next window opens a window after each answer.
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.settle(first);
        tokio::time::sleep(Duration::from_millis(200)).await;
        limiter.settle(second);
        let mut offsets = Vec::new();
        for _ in 0..2 {
            let slot = limiter.acquire().await;
            offsets.push((Instant::now() - start).as_millis());
            limiter.settle(slot);
        }
        assert_eq!(offsets, [1100, 1300]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unsettled_slot_counts_from_its_grant() {
        let limiter = KeyLimiter::new(1, W, Duration::ZERO);
        let start = Instant::now();
        let _dropped_unused = limiter.acquire().await;
        assert_eq!(next_slot_at(&limiter, start).await, 1000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_settled_after_it_left_the_window_counts_again() {
        let limiter = KeyLimiter::new(1, W, Duration::ZERO);
        let start = Instant::now();
        let slow = limiter.acquire().await;
        // An answer 1.5 s late: the slot left the window at 1 s, but the server may have
        // counted the request as late as 1.5 s.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        limiter.settle(slow);
        assert_eq!(next_slot_at(&limiter, start).await, 2500);
    }

    #[tokio::test(start_paused = true)]
    async fn slots_counted_again_beyond_the_limit_hold_the_next_until_enough_leave() {
        // Two slots that had left the window are counted again beside a fresh one: three
        // inside a window of two, so the next waits for the second newest (1400) to
        // leave, not the oldest (1300).
        let limiter = KeyLimiter::new(2, W, Duration::ZERO);
        let start = Instant::now();
        let (a, b) = (limiter.acquire().await, limiter.acquire().await);
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let fresh = limiter.acquire().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.settle(a); // 1300
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.settle(b); // 1400
        limiter.settle(fresh); // 1400
        assert_eq!(next_slot_at(&limiter, start).await, 2400);
        assert_eq!(next_slot_at(&limiter, start).await, 2400);
    }

    #[tokio::test(start_paused = true)]
    async fn a_smooth_gap_counts_from_grants_not_from_settles() {
        let limiter = KeyLimiter::new(10, W, Duration::ZERO);
        let start = Instant::now();
        let gap = Duration::from_millis(200);
        let mut offsets = Vec::new();
        for _ in 0..4 {
            let slot = limiter.acquire_spaced(gap).await;
            offsets.push((Instant::now() - start).as_millis());
            // Each answer takes 150 ms; the pace stays one per 200 ms, not per 350 ms.
            tokio::time::sleep(Duration::from_millis(150)).await;
            limiter.settle(slot);
        }
        assert_eq!(offsets, [0, 200, 400, 600]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_settle_does_not_wait_behind_a_sleeping_acquirer() {
        let limiter = Arc::new(KeyLimiter::new(1, W, Duration::ZERO));
        let start = Instant::now();
        let first = limiter.acquire().await;
        // This waiter holds the turn and sleeps until t=1 s for its slot...
        let waiter = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                limiter.acquire().await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        // ...when the first request's answer comes. The settle is taken at once, though
        // the waiter holds the turn (no time passes), and the waiter, who counted on
        // t=1 s, is admitted a window after the answer instead.
        limiter.settle(first);
        assert_eq!((Instant::now() - start).as_millis(), 100);
        let admitted = waiter.await.unwrap_or(start);
        assert_eq!((admitted - start).as_millis(), 1100);
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

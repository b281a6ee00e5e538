//! One key's pacer: decides when the next row may go, so rows are marked `sending` only
//! when their turn has come. It mirrors the client's sliding-window limiter (the same
//! window plus margin), which stays the last guard: the client still waits if the two ever
//! disagree, and pauses everyone on a 429. The two differ by a round trip: the client
//! counts each slot from its request's answer (it settles it then), the pacer from the
//! turn, so a row may wait in the client for up to one answer's latency after its mark.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard};
use tokio::time::{Instant, sleep_until};

use crate::plan::{KeyPace, Pacing};

#[derive(Debug)]
pub(crate) struct Pacer {
    pacing: Pacing,
    /// Admissions allowed per span, and the span (window plus margin); `None`: no limit.
    limit: Option<(usize, Duration)>,
    /// Held while waiting, so callers are admitted first come, first served.
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// When the last admissions really happened, oldest first (at most `max`).
    admitted: VecDeque<Instant>,
    /// The smooth schedule's last slot: the cadence follows the schedule, not wake-up
    /// times, so timer lateness does not pile up.
    last_due: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(pacing: Pacing, key: &KeyPace) -> Self {
        Pacer {
            pacing,
            limit: key
                .span()
                .map(|(max, span)| (usize::try_from(max).unwrap_or(usize::MAX), span)),
            state: Mutex::new(PacerState::default()),
        }
    }

    /// Waits for the next slot and takes it.
    #[cfg(test)]
    pub(crate) async fn admit(&self) {
        self.next_slot().await.take();
    }

    /// Waits until the next slot is due and holds it (other callers queue behind) until it
    /// is taken, or dropped unused when there is nothing to send after all.
    pub(crate) async fn next_slot(&self) -> Slot<'_> {
        let Some((max, span)) = self.limit else {
            return Slot(None);
        };
        let state = self.state.lock().await;
        let now = Instant::now();
        // The earliest the window allows; `now` when it is not full.
        let window_ready = match state.admitted.front() {
            Some(oldest) if state.admitted.len() >= max => (*oldest + span).max(now),
            _ => now,
        };
        // `slot` is where the schedule stands once this admission is made; `due` is when
        // it may happen.
        let (due, slot) = match (self.pacing, state.last_due, state.admitted.back()) {
            (Pacing::Smooth, Some(last_slot), Some(&last_sent)) => {
                let spacing = span / u32::try_from(max).unwrap_or(u32::MAX).max(1);
                // Timer and scheduler delays make admissions late. The schedule does not
                // move for them, so they do not add up: a late pacer catches up, but never
                // closer than half a spacing to the previous send (at most twice the rate,
                // and the window still caps it). After a stall longer than the window, or
                // when the window itself holds the send back, the schedule restarts from
                // the send: never a burst.
                let scheduled = last_slot + spacing;
                if scheduled + span < now {
                    (now, now)
                } else {
                    let due = scheduled.max(last_sent + spacing / 2);
                    if state.admitted.len() >= max && window_ready > due {
                        (window_ready, window_ready)
                    } else {
                        (due, scheduled)
                    }
                }
            }
            _ => (window_ready, window_ready),
        };
        if due > now {
            sleep_until(due).await;
        }
        Slot(Some(SlotHeld { state, slot, max }))
    }
}

/// A due slot, held until taken.
pub(crate) struct Slot<'a>(Option<SlotHeld<'a>>);

struct SlotHeld<'a> {
    state: MutexGuard<'a, PacerState>,
    /// Where the smooth schedule stands after this admission.
    slot: Instant,
    max: usize,
}

impl Slot<'_> {
    /// Uses the slot: a send goes now.
    pub(crate) fn take(self) {
        if let Some(SlotHeld {
            mut state,
            slot,
            max,
        }) = self.0
        {
            if state.admitted.len() >= max {
                state.admitted.pop_front();
            }
            state.admitted.push_back(Instant::now());
            state.last_due = Some(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use wasphere_client::RateLimit;

    use super::*;

    fn pacer(pacing: Pacing, max: u32) -> Pacer {
        Pacer::new(
            pacing,
            &KeyPace {
                rate_limit: RateLimit::Window {
                    max,
                    window: Duration::from_secs(1),
                },
                margin: Duration::ZERO,
                sessions: 1,
            },
        )
    }

    async fn offsets(p: &Pacer, n: usize) -> Vec<u128> {
        let start = Instant::now();
        let mut out = Vec::new();
        for _ in 0..n {
            p.admit().await;
            out.push((Instant::now() - start).as_millis());
        }
        out
    }

    #[tokio::test(start_paused = true)]
    async fn window_fills_then_waits() {
        let p = pacer(Pacing::Window, 3);
        assert_eq!(offsets(&p, 7).await, [0, 0, 0, 1000, 1000, 1000, 2000]);
    }

    #[tokio::test(start_paused = true)]
    async fn smooth_spaces_evenly() {
        let p = pacer(Pacing::Smooth, 4);
        assert_eq!(offsets(&p, 6).await, [0, 250, 500, 750, 1000, 1250]);
    }

    #[tokio::test(start_paused = true)]
    async fn smooth_does_not_catch_up_after_a_pause() {
        let p = pacer(Pacing::Smooth, 4);
        p.admit().await;
        let start = Instant::now();
        tokio::time::sleep(Duration::from_secs(3)).await;
        p.admit().await;
        p.admit().await;
        assert_eq!((Instant::now() - start).as_millis(), 3250);
    }

    #[tokio::test(start_paused = true)]
    async fn smooth_keeps_its_cadence_when_a_caller_is_a_little_late() {
        let p = pacer(Pacing::Smooth, 4);
        let start = Instant::now();
        p.admit().await;
        tokio::time::sleep(Duration::from_millis(300)).await; // due at 250, here at 300
        p.admit().await;
        p.admit().await; // due at 500, not 550
        assert_eq!((Instant::now() - start).as_millis(), 500);
        tokio::time::sleep(Duration::from_millis(480)).await; // due at 750, here at 980
        p.admit().await; // late: the cadence holds,
        p.admit().await; // but not closer than half a spacing: 1105, not 1000
        assert_eq!((Instant::now() - start).as_millis(), 1105);
        // Back on schedule would be 1250, but the window (4 in any second) counts the send
        // of 300 until 1300: catching up never breaks the limit.
        p.admit().await;
        assert_eq!((Instant::now() - start).as_millis(), 1300);
        p.admit().await; // the schedule goes on from the window's slot
        assert_eq!((Instant::now() - start).as_millis(), 1550);
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_never_waits() {
        let p = Pacer::new(
            Pacing::Smooth,
            &KeyPace {
                rate_limit: RateLimit::Off,
                margin: Duration::ZERO,
                sessions: 1,
            },
        );
        assert_eq!(offsets(&p, 3).await, [0, 0, 0]);
    }
}

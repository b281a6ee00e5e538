//! One key's pacer: decides when the next row may go, so rows are marked `sending` only
//! when their turn has come. It mirrors the client's sliding-window limiter (the same
//! window plus margin), which stays the last guard: the client still waits if the two ever
//! disagree, and pauses everyone on a 429.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
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
    /// When the last smooth admission was due: the cadence follows due times, not wake-up
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
    pub(crate) async fn admit(&self) {
        let Some((max, span)) = self.limit else {
            return;
        };
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let window_ready = match state.admitted.front() {
            Some(oldest) if state.admitted.len() >= max => *oldest + span,
            _ => now,
        };
        let due = match (self.pacing, state.last_due) {
            (Pacing::Smooth, Some(last)) => {
                let spacing = span / u32::try_from(max).unwrap_or(u32::MAX).max(1);
                (last + spacing).max(window_ready)
            }
            _ => window_ready,
        }
        .max(now);
        if due > now {
            sleep_until(due).await;
        }
        if state.admitted.len() >= max {
            state.admitted.pop_front();
        }
        state.admitted.push_back(Instant::now());
        state.last_due = Some(due);
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

//! The server's rate limit enforced: a sliding window per API key (contract section 3).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The record of one API key's recent requests.
///
/// Only requests that were let through are kept: a 429 is not counted, so a client that
/// waits the `Retry-After` it was given is let through then, not punished for asking.
#[derive(Debug)]
pub(crate) struct SlidingWindow {
    max: u32,
    window: Duration,
    admitted: Mutex<VecDeque<Instant>>,
}

/// The answer of [`SlidingWindow::admit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Counted at this instant.
    Admitted(Instant),
    /// Full: retry after this many whole seconds (at least 1).
    Full {
        /// Whole seconds, rounded up, until the oldest request leaves the window.
        retry_after_secs: u64,
    },
}

impl SlidingWindow {
    pub(crate) fn new(max: u32, window: Duration) -> Self {
        SlidingWindow {
            max,
            window,
            admitted: Mutex::new(VecDeque::with_capacity(max.min(4096) as usize)),
        }
    }

    /// Counts a request at `now` if the window has room.
    pub(crate) fn admit(&self, now: Instant) -> Admission {
        // A poisoned lock only means another request panicked mid-update; the deque is
        // still a valid list of instants, so keep going rather than failing every send.
        let mut admitted = self.admitted.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(&oldest) = admitted.front() {
            if now.saturating_duration_since(oldest) >= self.window {
                admitted.pop_front();
            } else {
                break;
            }
        }
        if (admitted.len() as u64) < u64::from(self.max) {
            admitted.push_back(now);
            return Admission::Admitted(now);
        }
        let frees_at = admitted
            .front()
            .map_or(now + self.window, |&oldest| oldest + self.window);
        let wait = frees_at.saturating_duration_since(now);
        Admission::Full {
            retry_after_secs: ceil_secs(wait).max(1),
        }
    }

    /// Takes back a request counted at `at` (one answered by an injected 429, which must
    /// not use up real capacity).
    pub(crate) fn refund(&self, at: Instant) {
        let mut admitted = self.admitted.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = admitted.iter().rposition(|&t| t == at) {
            admitted.remove(i);
        }
    }

    /// Forgets every counted request.
    pub(crate) fn reset(&self) {
        self.admitted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_max_then_reports_when_the_oldest_leaves() {
        let t0 = Instant::now();
        let sw = SlidingWindow::new(3, Duration::from_secs(10));
        for i in 0..3 {
            assert!(matches!(
                sw.admit(t0 + Duration::from_secs(i)),
                Admission::Admitted(_)
            ));
        }
        // Oldest at t0 leaves at t0+10: at t0+3.5 that is 6.5 s away, so 7.
        assert_eq!(
            sw.admit(t0 + Duration::from_millis(3500)),
            Admission::Full {
                retry_after_secs: 7
            }
        );
        // Just before it leaves, still full, and never less than 1.
        assert_eq!(
            sw.admit(t0 + Duration::from_millis(9999)),
            Admission::Full {
                retry_after_secs: 1
            }
        );
        // Exactly W after the oldest, one slot is free; the rejected ones did not count.
        assert!(matches!(
            sw.admit(t0 + Duration::from_secs(10)),
            Admission::Admitted(_)
        ));
        assert!(matches!(
            sw.admit(t0 + Duration::from_secs(10)),
            Admission::Full { .. }
        ));
    }

    #[test]
    fn never_admits_more_than_max_in_any_window() {
        // A token bucket would admit a second burst right after the first; this must not.
        let t0 = Instant::now();
        let sw = SlidingWindow::new(5, Duration::from_secs(1));
        let mut admitted = Vec::new();
        for ms in (0..3000).step_by(7) {
            let t = t0 + Duration::from_millis(ms);
            if let Admission::Admitted(at) = sw.admit(t) {
                admitted.push(at);
            }
        }
        for (i, &start) in admitted.iter().enumerate() {
            let in_window = admitted[i..]
                .iter()
                .take_while(|&&t| t.duration_since(start) < Duration::from_secs(1))
                .count();
            assert!(in_window <= 5);
        }
        assert_eq!(admitted.len(), 15);
    }

    #[test]
    fn refund_frees_the_slot() {
        let t0 = Instant::now();
        let sw = SlidingWindow::new(1, Duration::from_secs(60));
        let Admission::Admitted(at) = sw.admit(t0) else {
            panic!("first request refused")
        };
        assert!(matches!(sw.admit(t0), Admission::Full { .. }));
        sw.refund(at);
        assert!(matches!(sw.admit(t0), Admission::Admitted(_)));
    }

    #[test]
    fn zero_max_always_refuses() {
        let sw = SlidingWindow::new(0, Duration::from_millis(1500));
        assert_eq!(
            sw.admit(Instant::now()),
            Admission::Full {
                retry_after_secs: 2
            }
        );
    }
}

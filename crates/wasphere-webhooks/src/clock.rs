//! Where "now" comes from when a delivery's timestamp is checked, so tests can fix it.

use std::time::SystemTime;

/// A source of the current time. Any `Fn() -> SystemTime` is one.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use wasphere_webhooks::{Clock, SystemClock};
///
/// let fixed = || UNIX_EPOCH + Duration::from_secs(1_795_000_000);
/// assert_eq!(fixed.now(), UNIX_EPOCH + Duration::from_secs(1_795_000_000));
/// assert!(SystemClock.now() > UNIX_EPOCH);
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

impl<F: Fn() -> SystemTime + Send + Sync + 'static> Clock for F {
    fn now(&self) -> SystemTime {
        self()
    }
}

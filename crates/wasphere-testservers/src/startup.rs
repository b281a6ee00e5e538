//! Waiting for a freshly spawned server to be ready.

use std::process::Child;
use std::time::{Duration, Instant};

/// Polls `ready` until it holds (the child is returned) or the child exits or `limit`
/// passes (the child is killed; `None`).
pub(crate) fn wait_until_ready(
    mut child: Child,
    limit: Duration,
    ready: impl Fn() -> bool,
) -> Option<Child> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return None;
        }
        if ready() {
            return Some(child);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

//! The two Lua scripts, each one atomic step on the Redis server and on its clock
//! (`TIME`), so the clocks of the machines sharing a key do not matter.

use std::sync::OnceLock;
use std::time::Duration;

use redis::Script;

/// One admission under contract section 3's sliding window: at most `max` admissions in
/// any `span` (window plus safety margin), and none before the key's pause ends.
///
/// KEYS: window, pause. ARGV: max, span (µs), a member id unique to this admission, the
/// gap (µs) to keep after the latest admission (0 for none: a smooth pace spaces
/// admissions across every process), then the ages (µs) of admissions this process made on
/// its own during an outage, which are recorded first so the window counts them.
/// Returns `{1, 0}` when admitted, else `{0, µs to wait}`.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local max = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local gap = tonumber(ARGV[4])
for i = 5, #ARGV do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), ARGV[3] .. ':' .. i)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
local ready = now
local count = redis.call('ZCARD', KEYS[1])
if count >= max then
  local blocking = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
  ready = tonumber(blocking[2]) + span
end
if gap > 0 and count > 0 then
  local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local spaced = tonumber(latest[2]) + gap
  if spaced > ready then
    ready = spaced
  end
end
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > ready then
  ready = pause
end
if ready <= now then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(span / 1000) + 1000)
  return {1, 0}
end
if #ARGV > 4 then
  redis.call('PEXPIRE', KEYS[1], math.ceil(span / 1000) + 1000)
end
return {0, ready - now}
";

/// Moves the key's pause to `wait` from now unless it already ends later.
///
/// KEYS: pause. ARGV: wait (µs). The entry expires when the pause ends.
const PAUSE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= now + wait then
  return 0
end
redis.call('SET', KEYS[1], string.format('%.0f', now + wait), 'PX', math.ceil(wait / 1000) + 1)
return 1
";

pub(crate) fn admit() -> &'static Script {
    static SCRIPT: OnceLock<Script> = OnceLock::new();
    SCRIPT.get_or_init(|| Script::new(ADMIT))
}

pub(crate) fn pause() -> &'static Script {
    static SCRIPT: OnceLock<Script> = OnceLock::new();
    SCRIPT.get_or_init(|| Script::new(PAUSE))
}

/// What [`ADMIT`] answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Admitted,
    Wait(Duration),
}

impl Verdict {
    /// Reads `{admitted, wait_us}`; `None` for anything else.
    pub(crate) fn from_reply(reply: &[i64]) -> Option<Verdict> {
        match reply {
            [1, _] => Some(Verdict::Admitted),
            [0, wait] => {
                let micros = u64::try_from(*wait).ok()?.max(1);
                Some(Verdict::Wait(Duration::from_micros(micros)))
            }
            _ => None,
        }
    }
}

/// A duration in whole microseconds, as the scripts count.
pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

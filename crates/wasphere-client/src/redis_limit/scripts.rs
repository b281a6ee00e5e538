//! The Lua scripts, each one atomic step on the Redis server and on its clock (`TIME`), so
//! the clocks of the machines sharing a key do not matter.

use std::sync::OnceLock;
use std::time::Duration;

use redis::Script;

/// One admission under contract section 3's sliding window: at most `max` slots in any
/// `span` (window plus safety margin), and none before the key's pause ends.
///
/// KEYS: window, pause, latest grant. ARGV: max, span (µs), a member id unique to this
/// admission, the gap (µs) to keep after the latest grant (0 for none: a smooth pace
/// spaces admissions across every process), then the ages (µs) of admissions this process
/// made on its own during an outage, which are recorded first so the window counts them.
/// Returns `{1, 0}` when admitted, else `{0, µs to wait}`.
///
/// The window's times are slots' grants until [`SETTLE`] moves them to their answers, so
/// the `max`-th newest is the one that must leave (there may be more than `max` inside:
/// a settle counts again a slot that had left), and the latest grant is kept apart.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local max = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local gap = tonumber(ARGV[4])
local expiry = math.ceil(span / 1000) + 1000
local latest = tonumber(redis.call('GET', KEYS[3]) or '0')
local replayed_latest = 0
for i = 5, #ARGV do
  local at = now - tonumber(ARGV[i])
  redis.call('ZADD', KEYS[1], at, ARGV[3] .. ':' .. i)
  if at > replayed_latest then
    replayed_latest = at
  end
end
if replayed_latest > latest then
  latest = replayed_latest
  redis.call('SET', KEYS[3], string.format('%.0f', latest), 'PX', expiry)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
local ready = now
local count = redis.call('ZCARD', KEYS[1])
if count >= max then
  local blocking = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
  ready = tonumber(blocking[2]) + span
end
if gap > 0 and latest > now - span and latest + gap > ready then
  ready = latest + gap
end
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > ready then
  ready = pause
end
if ready <= now then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], expiry)
  redis.call('SET', KEYS[3], string.format('%.0f', now), 'PX', expiry)
  return {1, 0}
end
if #ARGV > 4 then
  redis.call('PEXPIRE', KEYS[1], expiry)
end
return {0, ready - now}
";

/// The request made in a slot is over: the slot's time moves to now, after the server
/// counted the request. A slot that already left the window (a request slower than the
/// span) is counted again from now, since the server may count it still.
///
/// KEYS: window. ARGV: the slot's member id, span (µs). The window expires as after an
/// admission.
const SETTLE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local span = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(span / 1000) + 1000)
return 1
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

pub(crate) fn settle() -> &'static Script {
    static SCRIPT: OnceLock<Script> = OnceLock::new();
    SCRIPT.get_or_init(|| Script::new(SETTLE))
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

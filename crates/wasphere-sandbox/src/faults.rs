//! Fault injection: what can go wrong with an answer, and when it does.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// A fault and when to apply it. Its JSON form (for `POST /__sandbox/faults`) is
/// `{"fault": {"kind": "status", "status": 503}, "trigger": {"next": 2}}`.
///
/// ```
/// use wasphere_sandbox::{Fault, FaultRule, Trigger};
/// let rule: FaultRule = serde_json::from_str(
///     r#"{"fault":{"kind":"delay","ms":250},"trigger":{"probability":{"p":0.1,"seed":7}}}"#,
/// ).unwrap();
/// assert_eq!(rule.fault, Fault::Delay(std::time::Duration::from_millis(250)));
/// assert_eq!(rule.trigger, Trigger::Probability { p: 0.1, seed: 7 });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// What goes wrong.
    pub fault: Fault,
    /// Which requests it hits.
    pub trigger: Trigger,
}

impl FaultRule {
    /// `fault` for the next `n` requests.
    pub fn next(n: u32, fault: Fault) -> Self {
        FaultRule {
            fault,
            trigger: Trigger::Next(n),
        }
    }

    /// Checks the rule's numbers against the sandbox's bounds (see [`InvalidFaultRule`]).
    /// Rules read from JSON (`POST /__sandbox/faults`) are checked as they are read, so
    /// one that breaks a bound never exists; rules built in Rust are checked when they
    /// are added.
    pub fn check(&self) -> Result<(), InvalidFaultRule> {
        self.fault.check()?;
        self.trigger.check()
    }
}

/// The largest [`Fault::Delay`]: longer than any client timeout worth testing.
pub const MAX_FAULT_DELAY: Duration = Duration::from_secs(10 * 60);
/// The largest [`Fault::OversizedBody`]: 64 MiB, far above any client's answer cap. The
/// body is streamed from a fixed buffer, never allocated at this size.
pub const MAX_OVERSIZED_BODY: usize = 64 * 1024 * 1024;
/// The largest `Retry-After` of [`Fault::RateLimited`]: a day.
pub const MAX_FAULT_RETRY_AFTER_SECS: u64 = 24 * 60 * 60;
/// The largest count of [`Trigger::Next`].
pub const MAX_FAULT_COUNT: u32 = 1_000_000;

/// A fault rule the sandbox refuses: a number beyond its bound, or a status that is not
/// an error. `POST /__sandbox/faults` answers 400 with this message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidFaultRule {
    /// `status` is not a 4xx or 5xx status.
    #[error("fault status {0} is not an error status (use 500, 502, 503 or 504)")]
    NotAnErrorStatus(u16),
    /// A number is larger than the sandbox allows.
    #[error("{field} is {value}; at most {max} is allowed")]
    TooLarge {
        /// The field, as written in JSON (`fault.ms`, `trigger.next`, …).
        field: &'static str,
        /// The value given.
        value: u128,
        /// The bound.
        max: u128,
    },
    /// The probability is not a number between 0 and 1.
    #[error("trigger.probability.p is {0}; it must be between 0 and 1")]
    Probability(f64),
}

fn at_most(
    field: &'static str,
    value: impl Into<u128>,
    max: impl Into<u128>,
) -> Result<(), InvalidFaultRule> {
    let (value, max) = (value.into(), max.into());
    if value > max {
        return Err(InvalidFaultRule::TooLarge { field, value, max });
    }
    Ok(())
}

/// What goes wrong with the answer to a send. Every fault except [`Fault::RateLimited`]
/// first handles the request as usual (a valid message is recorded as accepted), then
/// replaces the answer: the server may have delivered the message although the client
/// never learns it, which is what safe-retry tests need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "FaultWire", try_from = "FaultWire")]
pub enum Fault {
    /// Wait this long, then answer as usual.
    Delay(Duration),
    /// Close the TCP connection without any HTTP answer (no status line). Over HTTP/2
    /// this ends every stream of the connection, as a crashed proxy would.
    DropConnection,
    /// Answer this status (500, 502, 503, 504) with `{"error": "..."}`; 501 with the
    /// contract's `CAPABILITY_NOT_SUPPORTED` body.
    Status(u16),
    /// Refuse with 429, `Retry-After` and the contract's body; nothing is recorded.
    RateLimited {
        /// The `Retry-After` to send.
        retry_after_secs: u64,
    },
    /// Answer 201 with a truncated JSON body.
    MalformedJson,
    /// Answer 502 with a proxy's HTML page.
    HtmlError,
    /// Answer 201 with a body of exactly this many bytes.
    OversizedBody {
        /// The body's size.
        bytes: usize,
    },
}

impl Fault {
    /// Checks the fault's numbers against the sandbox's bounds.
    pub fn check(&self) -> Result<(), InvalidFaultRule> {
        match *self {
            Fault::Status(code) if !(400..=599).contains(&code) => {
                Err(InvalidFaultRule::NotAnErrorStatus(code))
            }
            Fault::Delay(d) => at_most("fault.ms", d.as_millis(), MAX_FAULT_DELAY.as_millis()),
            Fault::RateLimited { retry_after_secs } => at_most(
                "fault.retryAfterSecs",
                retry_after_secs,
                MAX_FAULT_RETRY_AFTER_SECS,
            ),
            Fault::OversizedBody { bytes } => {
                at_most("fault.bytes", bytes as u128, MAX_OVERSIZED_BODY as u128)
            }
            _ => Ok(()),
        }
    }

    /// A short name, kept in [`crate::RecordedMessage::fault`].
    pub fn name(&self) -> String {
        match self {
            Fault::Delay(d) => format!("delay:{}ms", d.as_millis()),
            Fault::DropConnection => "dropConnection".to_owned(),
            Fault::Status(code) => format!("status:{code}"),
            Fault::RateLimited { .. } => "rateLimited".to_owned(),
            Fault::MalformedJson => "malformedJson".to_owned(),
            Fault::HtmlError => "htmlError".to_owned(),
            Fault::OversizedBody { bytes } => format!("oversizedBody:{bytes}"),
        }
    }
}

/// The JSON form of [`Fault`]: `{"kind": "...", ...}`.
#[derive(Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum FaultWire {
    Delay { ms: u64 },
    DropConnection,
    Status { status: u16 },
    RateLimited { retry_after_secs: u64 },
    MalformedJson,
    HtmlError,
    OversizedBody { bytes: usize },
}

impl From<Fault> for FaultWire {
    fn from(f: Fault) -> Self {
        match f {
            Fault::Delay(d) => FaultWire::Delay {
                ms: u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            },
            Fault::DropConnection => FaultWire::DropConnection,
            Fault::Status(status) => FaultWire::Status { status },
            Fault::RateLimited { retry_after_secs } => FaultWire::RateLimited { retry_after_secs },
            Fault::MalformedJson => FaultWire::MalformedJson,
            Fault::HtmlError => FaultWire::HtmlError,
            Fault::OversizedBody { bytes } => FaultWire::OversizedBody { bytes },
        }
    }
}

impl TryFrom<FaultWire> for Fault {
    type Error = InvalidFaultRule;
    fn try_from(w: FaultWire) -> Result<Self, InvalidFaultRule> {
        let fault = match w {
            FaultWire::Delay { ms } => Fault::Delay(Duration::from_millis(ms)),
            FaultWire::DropConnection => Fault::DropConnection,
            FaultWire::Status { status } => Fault::Status(status),
            FaultWire::RateLimited { retry_after_secs } => Fault::RateLimited { retry_after_secs },
            FaultWire::MalformedJson => Fault::MalformedJson,
            FaultWire::HtmlError => Fault::HtmlError,
            FaultWire::OversizedBody { bytes } => Fault::OversizedBody { bytes },
        };
        fault.check()?;
        Ok(fault)
    }
}

/// Which requests a fault hits. JSON: `{"next": 3}` or `{"probability": {"p": 0.2, "seed": 42}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "TriggerWire", try_from = "TriggerWire")]
pub enum Trigger {
    /// The next `n` requests, then the rule is spent.
    Next(u32),
    /// Each request with probability `p`, drawn from a generator seeded with `seed`, so
    /// the same sequence of requests meets the same faults on every run.
    Probability {
        /// Between 0 and 1.
        p: f64,
        /// The generator's seed.
        seed: u64,
    },
}

impl Trigger {
    /// Checks the trigger's numbers against the sandbox's bounds.
    pub fn check(&self) -> Result<(), InvalidFaultRule> {
        match *self {
            Trigger::Next(n) => at_most("trigger.next", n, MAX_FAULT_COUNT),
            Trigger::Probability { p, .. } if !(0.0..=1.0).contains(&p) => {
                Err(InvalidFaultRule::Probability(p))
            }
            Trigger::Probability { .. } => Ok(()),
        }
    }
}

/// The JSON form of [`Trigger`], checked as it is read.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
enum TriggerWire {
    Next(u32),
    Probability { p: f64, seed: u64 },
}

impl From<Trigger> for TriggerWire {
    fn from(t: Trigger) -> Self {
        match t {
            Trigger::Next(n) => TriggerWire::Next(n),
            Trigger::Probability { p, seed } => TriggerWire::Probability { p, seed },
        }
    }
}

impl TryFrom<TriggerWire> for Trigger {
    type Error = InvalidFaultRule;
    fn try_from(w: TriggerWire) -> Result<Self, InvalidFaultRule> {
        let trigger = match w {
            TriggerWire::Next(n) => Trigger::Next(n),
            TriggerWire::Probability { p, seed } => Trigger::Probability { p, seed },
        };
        trigger.check()?;
        Ok(trigger)
    }
}

/// A rule in force, with its remaining count or its generator.
#[derive(Debug)]
struct ActiveRule {
    fault: Fault,
    state: TriggerState,
}

#[derive(Debug)]
enum TriggerState {
    Remaining(u32),
    Random { p: f64, rng: Box<StdRng> },
}

/// The rules in force, in the order they were added. The first rule that fires on a
/// request decides its fault; rules after it are not consulted (so they draw nothing).
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    rules: Mutex<Vec<ActiveRule>>,
    // Read without the lock on every send, so a sandbox without faults never contends.
    len: AtomicUsize,
}

impl FaultPlan {
    pub(crate) fn add(&self, rule: FaultRule) {
        let state = match rule.trigger {
            Trigger::Next(0) => return,
            Trigger::Next(n) => TriggerState::Remaining(n),
            Trigger::Probability { p, seed } => TriggerState::Random {
                p,
                rng: Box::new(StdRng::seed_from_u64(seed)),
            },
        };
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        rules.push(ActiveRule {
            fault: rule.fault,
            state,
        });
        self.len.store(rules.len(), Ordering::Release);
    }

    pub(crate) fn clear(&self) {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        rules.clear();
        self.len.store(0, Ordering::Release);
    }

    /// The fault for the next request, if any rule fires.
    pub(crate) fn draw(&self) -> Option<Fault> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let mut fired = None;
        for (i, rule) in rules.iter_mut().enumerate() {
            match &mut rule.state {
                TriggerState::Remaining(n) => {
                    *n -= 1;
                    fired = Some((i, rule.fault.clone(), *n == 0));
                    break;
                }
                TriggerState::Random { p, rng } => {
                    if rng.random_bool(*p) {
                        fired = Some((i, rule.fault.clone(), false));
                        break;
                    }
                }
            }
        }
        let (i, fault, spent) = fired?;
        if spent {
            rules.remove(i);
            self.len.store(rules.len(), Ordering::Release);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_fires_n_times_in_order() {
        let plan = FaultPlan::default();
        plan.add(FaultRule::next(2, Fault::Status(503)));
        plan.add(FaultRule::next(1, Fault::HtmlError));
        assert_eq!(plan.draw(), Some(Fault::Status(503)));
        assert_eq!(plan.draw(), Some(Fault::Status(503)));
        assert_eq!(plan.draw(), Some(Fault::HtmlError));
        assert_eq!(plan.draw(), None);
    }

    #[test]
    fn probability_is_deterministic_per_seed() {
        let run = |seed| {
            let plan = FaultPlan::default();
            plan.add(FaultRule {
                fault: Fault::DropConnection,
                trigger: Trigger::Probability { p: 0.3, seed },
            });
            (0..200).map(|_| plan.draw().is_some()).collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        let hits = run(42).iter().filter(|&&b| b).count();
        assert!((30..=90).contains(&hits), "{hits}");
    }

    #[test]
    fn json_forms_round_trip() {
        for (json, rule) in [
            (
                r#"{"fault":{"kind":"status","status":503},"trigger":{"next":2}}"#,
                FaultRule::next(2, Fault::Status(503)),
            ),
            (
                r#"{"fault":{"kind":"rateLimited","retryAfterSecs":5},"trigger":{"next":1}}"#,
                FaultRule::next(
                    1,
                    Fault::RateLimited {
                        retry_after_secs: 5,
                    },
                ),
            ),
            (
                r#"{"fault":{"kind":"oversizedBody","bytes":2000000},"trigger":{"next":1}}"#,
                FaultRule::next(1, Fault::OversizedBody { bytes: 2_000_000 }),
            ),
        ] {
            let parsed: FaultRule = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, rule);
            assert_eq!(serde_json::to_string(&rule).unwrap(), json);
        }
        assert!(
            serde_json::from_str::<FaultRule>(
                r#"{"fault":{"kind":"teapot"},"trigger":{"next":1}}"#
            )
            .is_err()
        );
        let bad = FaultRule::next(1, Fault::Status(200));
        assert!(bad.check().is_err());
    }

    /// Issue 12, item 1: `{"kind":"oversizedBody","bytes":1000000000000}` aborted the
    /// process with a failed allocation. Every number a request can set is bounded as it
    /// is read, naming the field and the bound.
    #[test]
    fn every_number_of_a_rule_is_bounded_as_it_is_read() {
        for (json, field) in [
            (
                r#"{"fault":{"kind":"oversizedBody","bytes":1000000000000},"trigger":{"next":1}}"#,
                "fault.bytes",
            ),
            (
                r#"{"fault":{"kind":"delay","ms":18446744073709551615},"trigger":{"next":1}}"#,
                "fault.ms",
            ),
            (
                r#"{"fault":{"kind":"rateLimited","retryAfterSecs":99999999},"trigger":{"next":1}}"#,
                "fault.retryAfterSecs",
            ),
            (
                r#"{"fault":{"kind":"status","status":503},"trigger":{"next":4294967295}}"#,
                "trigger.next",
            ),
        ] {
            let err = serde_json::from_str::<FaultRule>(json)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(field) && err.contains("at most"),
                "{json}: {err}"
            );
        }
        for json in [
            r#"{"fault":{"kind":"status","status":200},"trigger":{"next":1}}"#,
            r#"{"fault":{"kind":"status","status":503},"trigger":{"probability":{"p":1.5,"seed":1}}}"#,
        ] {
            assert!(serde_json::from_str::<FaultRule>(json).is_err(), "{json}");
        }
        // At the bounds, accepted.
        let at_bounds = FaultRule::next(
            MAX_FAULT_COUNT,
            Fault::OversizedBody {
                bytes: MAX_OVERSIZED_BODY,
            },
        );
        let json = serde_json::to_string(&at_bounds).unwrap();
        assert_eq!(serde_json::from_str::<FaultRule>(&json).unwrap(), at_bounds);
        assert_eq!(
            FaultRule::next(1, Fault::Delay(MAX_FAULT_DELAY + Duration::from_millis(1))).check(),
            Err(InvalidFaultRule::TooLarge {
                field: "fault.ms",
                value: MAX_FAULT_DELAY.as_millis() + 1,
                max: MAX_FAULT_DELAY.as_millis(),
            })
        );
    }
}

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

    /// Checks the rule's numbers.
    pub fn check(&self) -> Result<(), String> {
        if let Fault::Status(code) = self.fault
            && !(400..=599).contains(&code)
        {
            return Err(format!(
                "fault status {code} is not an error status (use 500, 502, 503 or 504)"
            ));
        }
        if let Trigger::Probability { p, .. } = self.trigger
            && !(0.0..=1.0).contains(&p)
        {
            return Err(format!("fault probability {p} is not between 0 and 1"));
        }
        Ok(())
    }
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
    type Error = String;
    fn try_from(w: FaultWire) -> Result<Self, String> {
        Ok(match w {
            FaultWire::Delay { ms } => Fault::Delay(Duration::from_millis(ms)),
            FaultWire::DropConnection => Fault::DropConnection,
            FaultWire::Status { status } => Fault::Status(status),
            FaultWire::RateLimited { retry_after_secs } => Fault::RateLimited { retry_after_secs },
            FaultWire::MalformedJson => Fault::MalformedJson,
            FaultWire::HtmlError => Fault::HtmlError,
            FaultWire::OversizedBody { bytes } => Fault::OversizedBody { bytes },
        })
    }
}

/// Which requests a fault hits. JSON: `{"next": 3}` or `{"probability": {"p": 0.2, "seed": 42}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
}

//! How fast a campaign sends: the pacing mode, a random pause per session, and each key's
//! limit; and how long a number of rows will take with them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasphere_client::RateLimit;

/// How sends are spread within each key's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pacing {
    /// Evenly spaced at the limit's rate (1 s apart at 60 per minute), never a burst:
    /// WhatsApp flags accounts that burst. The default.
    #[default]
    Smooth,
    /// As fast as the server's sliding window allows: a burst that fills the window, then a
    /// wait. The fastest; for machine-to-machine use and benchmarks.
    Window,
}

impl Pacing {
    /// `smooth` or `window`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pacing::Smooth => "smooth",
            Pacing::Window => "window",
        }
    }
}

impl fmt::Display for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Pacing {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "smooth" => Ok(Pacing::Smooth),
            "window" => Ok(Pacing::Window),
            _ => Err(PlanError(format!(
                "invalid pacing {s:?}: expected smooth or window"
            ))),
        }
    }
}

/// A setting of the plan that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(String);

/// A random pause each session takes after each of its sends, uniformly drawn between
/// `min` and `max` (like the `delayMs` of the server's own bulk endpoint).
///
/// ```
/// use std::time::Duration;
/// use wasphere_campaign::DelayRange;
/// let d: DelayRange = "2s..5s".parse()?;
/// assert_eq!((d.min(), d.max()), (Duration::from_secs(2), Duration::from_secs(5)));
/// assert_eq!(d.to_string(), "2s..5s");
/// assert_eq!("1500ms".parse::<DelayRange>()?.max(), Duration::from_millis(1500));
/// assert!("5s..2s".parse::<DelayRange>().is_err());
/// # Ok::<(), wasphere_campaign::PlanError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DelayRange {
    #[serde(with = "millis")]
    min: Duration,
    #[serde(with = "millis")]
    max: Duration,
}

impl DelayRange {
    /// A pause between `min` and `max`.
    ///
    /// # Errors
    /// When `min` is more than `max`, or `max` more than an hour.
    pub fn new(min: Duration, max: Duration) -> Result<Self, PlanError> {
        if min > max {
            return Err(PlanError(format!(
                "invalid delay: {} is more than {}",
                humantime::format_duration(min),
                humantime::format_duration(max)
            )));
        }
        if max > Duration::from_secs(3600) {
            return Err(PlanError("invalid delay: at most 1h".to_owned()));
        }
        Ok(DelayRange { min, max })
    }

    /// The shortest pause.
    pub fn min(&self) -> Duration {
        self.min
    }

    /// The longest pause.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The average pause.
    pub fn mean(&self) -> Duration {
        (self.min + self.max) / 2
    }

    /// A pause drawn at random.
    pub(crate) fn draw(&self) -> Duration {
        use rand::Rng;
        if self.min == self.max {
            return self.min;
        }
        let lo = u64::try_from(self.min.as_micros()).unwrap_or(u64::MAX);
        let hi = u64::try_from(self.max.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(rand::rng().random_range(lo..=hi))
    }
}

impl FromStr for DelayRange {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = |part: &str| {
            humantime::parse_duration(part.trim()).map_err(|e| {
                PlanError(format!(
                    "invalid delay {s:?}: {part:?}: {e} (write e.g. 2s..5s or 1500ms)"
                ))
            })
        };
        match s.split_once("..") {
            Some((lo, hi)) => DelayRange::new(parse(lo)?, parse(hi)?),
            None => {
                let d = parse(s)?;
                DelayRange::new(d, d)
            }
        }
    }
}

impl fmt::Display for DelayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", humantime::format_duration(self.min))
        } else {
            write!(
                f,
                "{}..{}",
                humantime::format_duration(self.min),
                humantime::format_duration(self.max)
            )
        }
    }
}

/// One API key's limit, as a campaign paces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPace {
    /// Sends allowed per window ([`RateLimit::Off`]: no client-side limit).
    pub rate_limit: RateLimit,
    /// Added to the window, so requests admitted a window apart still arrive a window apart
    /// despite network jitter (the client's safety margin).
    pub margin: Duration,
    /// How many sessions send with this key.
    pub sessions: usize,
}

impl KeyPace {
    /// The span each admission counts for: the window plus the margin.
    pub(crate) fn span(&self) -> Option<(u32, Duration)> {
        match self.rate_limit {
            RateLimit::Off => None,
            RateLimit::Window { max, window } => {
                Some((max.max(1), window.saturating_add(self.margin)))
            }
        }
    }

    /// The steady-state sends per second of this key, under `pacing` and `delay`.
    fn rate(&self, delay: Option<&DelayRange>) -> Option<f64> {
        let (max, span) = self.span()?;
        let limit_rate = f64::from(max) / span.as_secs_f64();
        let sessions = self.sessions.max(1) as f64;
        Some(match delay {
            Some(d) if !d.mean().is_zero() => limit_rate.min(sessions / d.mean().as_secs_f64()),
            _ => limit_rate,
        })
    }
}

/// Everything that decides how fast a campaign goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacePlan {
    /// Smooth or window.
    pub pacing: Pacing,
    /// A random pause per session after each send.
    pub delay: Option<DelayRange>,
    /// Each key's limit; rows are spread across the keys.
    pub keys: Vec<KeyPace>,
}

impl PacePlan {
    /// How long sending `rows` messages takes at best with this plan, from the first send
    /// to the last; `None` when a key has no limit (then only the server's speed counts).
    ///
    /// ```
    /// use std::time::Duration;
    /// use wasphere_campaign::{KeyPace, PacePlan, Pacing};
    /// use wasphere_client::RateLimit;
    ///
    /// let key = KeyPace { rate_limit: RateLimit::per_minute(60), margin: Duration::ZERO, sessions: 1 };
    /// let smooth = PacePlan { pacing: Pacing::Smooth, delay: None, keys: vec![key] };
    /// // 10,000 rows at 60 per minute, one every second: 2 h 46 min 39 s.
    /// assert_eq!(smooth.estimate(10_000), Some(Duration::from_secs(9_999)));
    /// let window = PacePlan { pacing: Pacing::Window, ..smooth.clone() };
    /// assert_eq!(window.estimate(600), Some(Duration::from_secs(9 * 60)));
    /// ```
    pub fn estimate(&self, rows: u64) -> Option<Duration> {
        if rows == 0 {
            return Some(Duration::ZERO);
        }
        let rates: Vec<f64> = self
            .keys
            .iter()
            .map(|k| k.rate(self.delay.as_ref()))
            .collect::<Option<_>>()?;
        let total: f64 = rates.iter().sum();
        if total <= 0.0 || self.keys.is_empty() {
            return None;
        }
        let mut longest = Duration::ZERO;
        let mut left = rows;
        for (i, (key, rate)) in self.keys.iter().zip(&rates).enumerate() {
            let share = if i + 1 == self.keys.len() {
                left
            } else {
                ((rows as f64) * rate / total).ceil() as u64
            }
            .min(left);
            left -= share;
            longest = longest.max(self.key_time(key, *rate, share));
        }
        Some(longest)
    }

    fn key_time(&self, key: &KeyPace, rate: f64, rows: u64) -> Duration {
        let Some((max, span)) = key.span() else {
            return Duration::ZERO;
        };
        if rows == 0 {
            return Duration::ZERO;
        }
        let paced = match self.pacing {
            Pacing::Window => span.saturating_mul(
                u32::try_from(rows.div_ceil(u64::from(max)) - 1).unwrap_or(u32::MAX),
            ),
            Pacing::Smooth => {
                Duration::from_secs_f64((rows - 1) as f64 * span.as_secs_f64() / f64::from(max))
            }
        };
        let delayed = Duration::from_secs_f64((rows - 1) as f64 / rate);
        paced.max(if self.delay.is_some() {
            delayed
        } else {
            Duration::ZERO
        })
    }
}

/// Durations as whole milliseconds in the journal.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(max: u32, window: Duration, sessions: usize) -> KeyPace {
        KeyPace {
            rate_limit: RateLimit::Window { max, window },
            margin: Duration::ZERO,
            sessions,
        }
    }

    #[test]
    fn estimates_follow_the_issue_formulas() {
        let one = key(60, Duration::from_secs(1), 1);
        let window = PacePlan {
            pacing: Pacing::Window,
            delay: None,
            keys: vec![one],
        };
        assert_eq!(window.estimate(600), Some(Duration::from_secs(9)));
        assert_eq!(window.estimate(60), Some(Duration::ZERO));
        assert_eq!(window.estimate(61), Some(Duration::from_secs(1)));
        let smooth = PacePlan {
            pacing: Pacing::Smooth,
            ..window.clone()
        };
        let t = smooth.estimate(600).unwrap().as_secs_f64();
        assert!((t - 599.0 / 60.0).abs() < 1e-6, "{t}");
        let two = PacePlan {
            keys: vec![one, one],
            ..window.clone()
        };
        assert_eq!(two.estimate(1200), Some(Duration::from_secs(9)));
        let off = PacePlan {
            keys: vec![KeyPace {
                rate_limit: RateLimit::Off,
                ..one
            }],
            ..window
        };
        assert_eq!(off.estimate(10), None);
    }

    #[test]
    fn a_delay_slows_a_session_down() {
        let plan = PacePlan {
            pacing: Pacing::Smooth,
            delay: Some("2s..4s".parse().unwrap()),
            keys: vec![key(60, Duration::from_secs(60), 1)],
        };
        // 3 s on average between sends of the one session.
        assert_eq!(plan.estimate(11), Some(Duration::from_secs(30)));
    }

    #[test]
    fn pacing_parses() {
        assert_eq!("Window".parse::<Pacing>(), Ok(Pacing::Window));
        assert!("bursty".parse::<Pacing>().is_err());
    }
}

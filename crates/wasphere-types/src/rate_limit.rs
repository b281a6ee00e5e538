//! "N requests per window": the server's rate limit (contract section 3), and the value
//! every part of the toolkit configures its own limit with.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// At most `max` requests in any window of `window`, sliding; or no limit at all.
///
/// The server allows 60 requests per minute per API key ([`RateLimit::DOCUMENTED`], the
/// [`Default`]). The client limits itself with one, the sandbox enforces one, and the
/// command line and the C ABI read one. As text it is `MAX/WINDOW` with a
/// [humantime](https://docs.rs/humantime) window (`60/1m`, `100/1s`, `3/250ms`), or `off`;
/// [`Display`](fmt::Display) writes the same form back, and serde uses it too.
///
/// ```
/// use std::time::Duration;
/// use wasphere_types::RateLimit;
///
/// let limit: RateLimit = "100/1s".parse()?;
/// assert_eq!(limit, RateLimit::Window { max: 100, window: Duration::from_secs(1) });
/// assert_eq!(RateLimit::default().to_string(), "60/1m");
/// assert_eq!("off".parse::<RateLimit>()?, RateLimit::Off);
///
/// let err = "60 per minute".parse::<RateLimit>().unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid rate limit "60 per minute": write MAX/WINDOW (such as 60/1m or 100/1s) or off"#);
/// # Ok::<(), wasphere_types::InvalidRateLimit>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateLimit {
    /// No limit.
    Off,
    /// At most `max` requests in any span of `window`.
    Window {
        /// Requests allowed in any window; at least 1.
        max: u32,
        /// The window; longer than zero and at most [`RateLimit::MAX_WINDOW`].
        window: Duration,
    },
}

/// Why a text or a value is not a usable [`RateLimit`]. The text is quoted: a rate limit
/// is never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidRateLimit {
    /// Neither `off` nor `MAX/WINDOW`.
    #[error("invalid rate limit {input:?}: write MAX/WINDOW (such as 60/1m or 100/1s) or off")]
    Shape {
        /// The text given.
        input: String,
    },
    /// The part before `/` is not a whole number.
    #[error("invalid rate limit {input:?}: {max:?} is not a whole number of requests")]
    Max {
        /// The text given.
        input: String,
        /// The part before `/`.
        max: String,
    },
    /// The part after `/` is not a duration.
    #[error("invalid rate limit {input:?}: {window:?} is not a duration such as 1s, 1m or 500ms")]
    Window {
        /// The text given.
        input: String,
        /// The part after `/`.
        window: String,
    },
    /// The limit lets nothing through (`off` is the way to remove it).
    #[error("the rate limit must allow at least one request per window (off removes it)")]
    ZeroMax,
    /// The window is zero or longer than [`RateLimit::MAX_WINDOW`].
    #[error("the rate-limit window must be longer than zero and at most a day")]
    WindowOutOfRange,
}

impl RateLimit {
    /// The documented limit of the WaSphere API: 60 requests per minute per key.
    pub const DOCUMENTED: RateLimit = RateLimit::per_minute(60);

    /// The longest window accepted: a day. No server counts over longer spans, and a
    /// bound keeps time arithmetic far from overflowing.
    pub const MAX_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

    /// `max` requests per minute.
    pub const fn per_minute(max: u32) -> Self {
        RateLimit::Window {
            max,
            window: Duration::from_secs(60),
        }
    }

    /// `max` requests per second.
    pub const fn per_second(max: u32) -> Self {
        RateLimit::Window {
            max,
            window: Duration::from_secs(1),
        }
    }

    /// Reads `off` or `MAX/WINDOW`; the same as [`str::parse`].
    ///
    /// # Errors
    /// [`InvalidRateLimit`] naming what is wrong, also for a limit [`RateLimit::check`]
    /// refuses.
    pub fn parse(text: &str) -> Result<Self, InvalidRateLimit> {
        text.parse()
    }

    /// Whether the limit can be enforced: `off`, or at least one request in a window
    /// longer than zero and at most [`RateLimit::MAX_WINDOW`]. Parsing checks this; a
    /// value built by hand is checked by whoever uses it.
    ///
    /// # Errors
    /// [`InvalidRateLimit::ZeroMax`] or [`InvalidRateLimit::WindowOutOfRange`].
    pub fn check(self) -> Result<Self, InvalidRateLimit> {
        match self {
            RateLimit::Window { max: 0, .. } => Err(InvalidRateLimit::ZeroMax),
            RateLimit::Window { window, .. } if window.is_zero() || window > Self::MAX_WINDOW => {
                Err(InvalidRateLimit::WindowOutOfRange)
            }
            limit => Ok(limit),
        }
    }
}

impl Default for RateLimit {
    /// [`RateLimit::DOCUMENTED`]: 60 per minute.
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

impl FromStr for RateLimit {
    type Err = InvalidRateLimit;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = input.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(RateLimit::Off);
        }
        let (max, window) = text
            .split_once('/')
            .ok_or_else(|| InvalidRateLimit::Shape {
                input: input.to_owned(),
            })?;
        let max: u32 = max.trim().parse().map_err(|_| InvalidRateLimit::Max {
            input: input.to_owned(),
            max: max.trim().to_owned(),
        })?;
        let window =
            humantime::parse_duration(window.trim()).map_err(|_| InvalidRateLimit::Window {
                input: input.to_owned(),
                window: window.trim().to_owned(),
            })?;
        RateLimit::Window { max, window }.check()
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateLimit::Off => f.write_str("off"),
            RateLimit::Window { max, window } => {
                write!(f, "{max}/{}", humantime::format_duration(*window))
            }
        }
    }
}

impl Serialize for RateLimit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RateLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(max: u32, secs: f64) -> RateLimit {
        RateLimit::Window {
            max,
            window: Duration::from_secs_f64(secs),
        }
    }

    #[test]
    fn reads_the_documented_forms() {
        assert_eq!("60/1m".parse(), Ok(window(60, 60.0)));
        assert_eq!("100/1s".parse(), Ok(window(100, 1.0)));
        assert_eq!("3/600s".parse(), Ok(window(3, 600.0)));
        assert_eq!(" 3 / 250ms ".parse(), Ok(window(3, 0.25)));
        assert_eq!("OFF".parse(), Ok(RateLimit::Off));
        assert_eq!(RateLimit::default(), window(60, 60.0));
        assert_eq!(RateLimit::per_second(5), window(5, 1.0));
    }

    #[test]
    fn writes_what_it_reads() {
        for text in ["60/1m", "100/1s", "3/250ms", "7/1h 30m", "off"] {
            let limit: RateLimit = text.parse().unwrap();
            assert_eq!(limit.to_string(), text);
            assert_eq!(limit.to_string().parse(), Ok(limit));
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |s: &str| s.parse::<RateLimit>().unwrap_err();
        for shapeless in ["", "60", "sixty a minute"] {
            assert!(
                matches!(err(shapeless), InvalidRateLimit::Shape { .. }),
                "{shapeless:?}"
            );
        }
        assert_eq!(
            err("x/1m"),
            InvalidRateLimit::Max {
                input: "x/1m".into(),
                max: "x".into()
            }
        );
        assert!(matches!(err("-1/1m"), InvalidRateLimit::Max { .. }));
        assert!(matches!(err("60/"), InvalidRateLimit::Window { .. }));
        assert!(matches!(
            err("60/1 fortnight"),
            InvalidRateLimit::Window { .. }
        ));
        assert_eq!(err("0/1m"), InvalidRateLimit::ZeroMax);
        assert_eq!(err("60/0s"), InvalidRateLimit::WindowOutOfRange);
        assert_eq!(err("60/2days"), InvalidRateLimit::WindowOutOfRange);
        assert!(err("60/0s").to_string().contains("window"));
        assert!(err("x/1m").to_string().contains("\"x\""));
    }

    #[test]
    fn hand_built_values_are_checked_by_their_user() {
        assert_eq!(window(0, 1.0).check(), Err(InvalidRateLimit::ZeroMax));
        assert_eq!(
            RateLimit::Window {
                max: 1,
                window: Duration::MAX
            }
            .check(),
            Err(InvalidRateLimit::WindowOutOfRange)
        );
        assert_eq!(RateLimit::Off.check(), Ok(RateLimit::Off));
    }

    #[test]
    fn serde_uses_the_text_form() {
        let json = serde_json::to_string(&window(60, 60.0)).unwrap();
        assert_eq!(json, r#""60/1m""#);
        let back: RateLimit = serde_json::from_str(r#""off""#).unwrap();
        assert_eq!(back, RateLimit::Off);
        let err = serde_json::from_str::<RateLimit>(r#""60/0s""#).unwrap_err();
        assert!(err.to_string().contains("window"), "{err}");
    }
}

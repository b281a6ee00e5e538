//! Unix seconds as senders really write them: a number, a numeric string, or absent.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads a number or numeric string of Unix seconds; anything else reads as `None`, so a
/// sender that changes how it writes times never makes a payload fail to parse.
pub(super) fn unix_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// [`unix_seconds`] as a type, for readers that name a type per field.
pub(super) struct UnixSeconds(pub(super) Option<i64>);

impl<'de> Deserialize<'de> for UnixSeconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        unix_seconds(d).map(UnixSeconds)
    }
}

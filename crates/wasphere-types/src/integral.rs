//! Integers as the server reads them: a JSON number with no fractional part.
//!
//! JavaScript has one number type, so the server's `IsInt` accepts `1.0` and rejects
//! `1.5`. serde's integer types reject `1.0`, which would refuse bodies the server takes.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

struct IntegralVisitor;

impl Visitor<'_> for IntegralVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        // Beyond i64 it is out of every range anyway; keep it as the largest value.
        Ok(Some(i64::try_from(v).unwrap_or(i64::MAX)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 {
            // Saturating cast: a huge integral float is out of every range anyway.
            Ok(Some(v as i64))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }
}

/// Deserializes an optional integer that may be written `3`, `3.0` or `null`.
pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntegralVisitor)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "super::optional")]
        n: Option<i64>,
    }

    fn parse(json: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<Holder>(json)
            .map(|h| h.n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn integral_numbers_pass_fractions_fail() {
        assert_eq!(parse(r#"{"n":3}"#), Ok(Some(3)));
        assert_eq!(parse(r#"{"n":3.0}"#), Ok(Some(3)));
        assert_eq!(parse(r#"{"n":-2}"#), Ok(Some(-2)));
        assert_eq!(parse(r#"{"n":null}"#), Ok(None));
        assert_eq!(parse(r#"{}"#), Ok(None));
        assert!(parse(r#"{"n":1.5}"#).unwrap_err().contains("an integer"));
        assert!(parse(r#"{"n":"2"}"#).is_err());
    }
}

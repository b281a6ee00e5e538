//! `config_json` of `wasphere_client_new`, read by hand so that no error message can
//! ever quote a value (the value may be the API key put in the wrong field).

use std::time::Duration;

use serde_json::{Map, Value};
use wasphere_types::{ApiKey, RateLimit, SessionId, WorkspaceId};

use crate::errors::FfiError;

/// Which failed sends may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryMode {
    /// Only what cannot cause a duplicate (the default).
    Safe,
    /// Also what may have been processed already: at least once, maybe twice.
    AtLeastOnce,
}

/// A parsed `config_json`; `None` means "the client's default".
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) base_url: String,
    pub(crate) api_key: ApiKey,
    pub(crate) workspace: WorkspaceId,
    pub(crate) session: SessionId,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) allow_insecure_http: Option<bool>,
    pub(crate) retry: Option<RetryMode>,
}

const KNOWN: [&str; 9] = [
    "baseUrl",
    "apiKey",
    "workspace",
    "session",
    "rateLimit",
    "timeoutMs",
    "connectTimeoutMs",
    "allowInsecureHttp",
    "retry",
];

fn bad(field: &str, expected: &str) -> FfiError {
    FfiError::invalid(format!("config `{field}` must be {expected}"))
}

fn required<'a>(map: &'a Map<String, Value>, field: &str) -> Result<&'a str, FfiError> {
    match map.get(field) {
        None | Some(Value::Null) => Err(FfiError::invalid(format!("config `{field}` is required"))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(bad(field, "a string")),
    }
}

fn optional<'a>(map: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    map.get(field).filter(|v| !v.is_null())
}

fn millis(map: &Map<String, Value>, field: &str) -> Result<Option<Duration>, FfiError> {
    optional(map, field)
        .map(|v| match v.as_u64() {
            Some(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
            _ => Err(bad(field, "a whole number of milliseconds, at least 1")),
        })
        .transpose()
}

/// `"off"`, `"60/1m"`, or `{"max": 60, "windowSecs": 60}`: the text form of
/// [`RateLimit`], or the object form that predates it.
fn rate_limit(v: &Value) -> Result<RateLimit, FfiError> {
    const EXPECTED: &str =
        r#""off", "MAX/WINDOW" (such as "60/1m"), or {"max": <requests>, "windowSecs": <seconds>}"#;
    match v {
        // The text is not quoted back: a misplaced API key must never be echoed.
        Value::String(s) => s.parse().map_err(|_| bad("rateLimit", EXPECTED)),
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| *k != "max" && *k != "windowSecs") {
                return Err(FfiError::invalid(format!(
                    "config `rateLimit` has an unknown field `{k}`; expected {EXPECTED}"
                )));
            }
            let max = o
                .get("max")
                .and_then(Value::as_u64)
                .and_then(|m| u32::try_from(m).ok())
                .ok_or_else(|| bad("rateLimit.max", "a whole number of requests, at least 1"))?;
            let window = o
                .get("windowSecs")
                .and_then(Value::as_f64)
                .filter(|w| w.is_finite() && *w > 0.0)
                .and_then(|w| Duration::try_from_secs_f64(w).ok())
                .ok_or_else(|| {
                    bad(
                        "rateLimit.windowSecs",
                        "a number of seconds above 0, at most 86400",
                    )
                })?;
            RateLimit::Window { max, window }
                .check()
                .map_err(|e| FfiError::invalid(format!("config `rateLimit`: {e}")))
        }
        _ => Err(bad("rateLimit", EXPECTED)),
    }
}

impl Config {
    /// Reads `config_json`.
    pub(crate) fn parse(json: &str) -> Result<Config, FfiError> {
        let value: Value = serde_json::from_str(json)
            // serde_json's syntax errors give a position, never the text itself.
            .map_err(|e| FfiError::invalid(format!("config_json is not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(FfiError::invalid("config_json must be a JSON object"));
        };
        if let Some(k) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(FfiError::invalid(format!(
                "config has an unknown field `{k}`; known fields: {}",
                KNOWN.join(", ")
            )));
        }
        let base_url = required(&map, "baseUrl")?.to_owned();
        let api_key = ApiKey::new(required(&map, "apiKey")?)
            .map_err(|e| FfiError::invalid(format!("config `apiKey`: {e}")))?;
        let workspace = required(&map, "workspace")?.parse().map_err(|_| {
            bad(
                "workspace",
                "a workspace UUID such as be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8",
            )
        })?;
        let session = required(&map, "session")?
            .parse()
            .map_err(|_| bad("session", "1 to 64 of a-z, A-Z, 0-9, _ and -"))?;
        let rate_limit = optional(&map, "rateLimit").map(rate_limit).transpose()?;
        let allow_insecure_http = optional(&map, "allowInsecureHttp")
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| bad("allowInsecureHttp", "true or false"))
            })
            .transpose()?;
        let retry = optional(&map, "retry")
            .map(|v| match v.as_str() {
                Some("safe") => Ok(RetryMode::Safe),
                Some("at-least-once") => Ok(RetryMode::AtLeastOnce),
                _ => Err(bad("retry", r#""safe" or "at-least-once""#)),
            })
            .transpose()?;
        Ok(Config {
            base_url,
            api_key,
            workspace,
            session,
            rate_limit,
            timeout: millis(&map, "timeoutMs")?,
            connect_timeout: millis(&map, "connectTimeoutMs")?,
            allow_insecure_http,
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "wsk_live_s3cr3t.value+123";

    fn base() -> Value {
        serde_json::json!({
            "baseUrl": "http://127.0.0.1:8080",
            "apiKey": KEY,
            "workspace": "00000000-0000-4000-8000-000000000000",
            "session": "my-session",
        })
    }

    fn with(field: &str, value: Value) -> String {
        let mut v = base();
        v[field] = value;
        v.to_string()
    }

    #[test]
    fn reads_every_field() {
        let json = serde_json::json!({
            "baseUrl": "http://127.0.0.1:8080", "apiKey": KEY,
            "workspace": "00000000-0000-4000-8000-000000000000", "session": "my-session",
            "rateLimit": {"max": 60, "windowSecs": 60}, "timeoutMs": 2500,
            "connectTimeoutMs": 500, "allowInsecureHttp": true, "retry": "at-least-once",
        });
        let c = Config::parse(&json.to_string()).unwrap();
        assert_eq!(c.rate_limit, Some(RateLimit::per_minute(60)));
        assert_eq!(c.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(c.connect_timeout, Some(Duration::from_millis(500)));
        assert_eq!(
            (c.allow_insecure_http, c.retry),
            (Some(true), Some(RetryMode::AtLeastOnce))
        );
        let c = Config::parse(&with("rateLimit", "off".into())).unwrap();
        assert_eq!(c.rate_limit, Some(RateLimit::Off));
        let c = Config::parse(&with("rateLimit", "100/1s".into())).unwrap();
        assert_eq!(c.rate_limit, Some(RateLimit::per_second(100)));
        assert_eq!(c.timeout, None);
    }

    #[test]
    fn errors_never_quote_values() {
        let cases = [
            with("workspace", KEY.into()),
            with("session", KEY.into()),
            with("timeoutMs", KEY.into()),
            with("retry", KEY.into()),
            with("rateLimit", KEY.into()),
            with("apiKey", format!("{KEY} with space").into()),
            with("apiKey", 42.into()),
            with("apiKey", "live_s3cr3t.value+123".into()),
            format!(r#"{{"apiKey":"{KEY}","#),
        ];
        for json in cases {
            let err = Config::parse(&json).unwrap_err().to_json_string();
            assert!(!err.contains("s3cr3t"), "{err}");
            assert!(err.contains("\"kind\":\"invalid\""), "{err}");
        }
    }

    #[test]
    fn refuses_unknown_and_missing_fields() {
        let err = Config::parse(&with("timeout", 5.into()))
            .unwrap_err()
            .to_json_string();
        assert!(err.contains("unknown field `timeout`"), "{err}");
        let mut v = base();
        v.as_object_mut().unwrap().remove("session");
        let err = Config::parse(&v.to_string()).unwrap_err().to_json_string();
        assert!(err.contains("`session` is required"), "{err}");
        assert!(Config::parse("[]").is_err());
        for limit in [
            serde_json::json!({"max": 0, "windowSecs": 1}),
            serde_json::json!({"max": 1, "windowSecs": 86_401}),
            serde_json::json!("0/1m"),
        ] {
            let err = Config::parse(&with("rateLimit", limit.clone()))
                .unwrap_err()
                .to_json_string();
            assert!(err.contains("rateLimit"), "{limit}: {err}");
        }
    }
}

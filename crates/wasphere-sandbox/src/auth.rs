//! The API-key guard: which bearer tokens are keys, what they may do, where.

use std::collections::HashMap;

use axum::http::HeaderValue;
use wasphere_types::{ApiKey, RateLimit};

use crate::builder::KeyConfig;
use crate::rate_limit::SlidingWindow;

/// The permission a send needs.
pub(crate) const SEND_PERMISSION: &str = "messages:send";

/// A configured key, with its own rate-limit window.
#[derive(Debug)]
pub(crate) struct KeyEntry {
    /// Safe to log and record: `wsk_test_`.
    pub(crate) prefix: String,
    can_send: bool,
    scope: Option<String>,
    /// `None` when the limit is off.
    pub(crate) window: Option<SlidingWindow>,
}

/// Why the guard refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 401: no key, not a `Bearer wsk_…` key, or an unknown key.
    Unauthenticated,
    /// 403: the key lacks `messages:send`.
    MissingPermission,
    /// 403: the key is bound to another session.
    OtherSession,
}

/// Every key the sandbox accepts.
pub(crate) struct KeyTable {
    keys: HashMap<String, KeyEntry>,
}

impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The map's keys are the API keys themselves: show only their safe prefixes.
        f.debug_list()
            .entries(self.keys.values().map(|e| &e.prefix))
            .finish()
    }
}

impl KeyTable {
    /// The table of the valid keys among `configs` (the builder refuses to start with an
    /// invalid one).
    pub(crate) fn new(configs: &[KeyConfig], limit: RateLimit) -> Self {
        let keys = configs
            .iter()
            .filter_map(|c| Some((c, c.key.as_ref().ok()?)))
            .map(|(c, key)| {
                let entry = KeyEntry {
                    prefix: key.redacted_prefix().to_owned(),
                    can_send: c.permissions.iter().any(|p| p == SEND_PERMISSION),
                    scope: c.session_scope.clone(),
                    window: match limit {
                        RateLimit::Off => None,
                        RateLimit::Window { max, window } => Some(SlidingWindow::new(max, window)),
                    },
                };
                (key.expose_secret().to_owned(), entry)
            })
            .collect();
        KeyTable { keys }
    }

    /// Checks the `Authorization` header of a send to `session`, as the server's guard
    /// does: first who the caller is (401), then what the key may do (403).
    pub(crate) fn authorize(
        &self,
        header: Option<&HeaderValue>,
        session: &str,
    ) -> Result<&KeyEntry, Refusal> {
        let token = header
            .and_then(|h| h.to_str().ok())
            .and_then(bearer_token)
            .ok_or(Refusal::Unauthenticated)?;
        // Only `wsk_…` tokens are API keys; anything else would be a dashboard login,
        // which the sandbox has none of.
        if !token.starts_with(ApiKey::PREFIX) {
            return Err(Refusal::Unauthenticated);
        }
        let entry = self.keys.get(token).ok_or(Refusal::Unauthenticated)?;
        if !entry.can_send {
            return Err(Refusal::MissingPermission);
        }
        if entry.scope.as_deref().is_some_and(|s| s != session) {
            return Err(Refusal::OtherSession);
        }
        Ok(entry)
    }

    /// Whether the `Authorization` header carries one of the sandbox's keys, whatever its
    /// permissions: what the `/__sandbox/…` routes ask of a caller.
    pub(crate) fn knows(&self, header: Option<&HeaderValue>) -> bool {
        header
            .and_then(|h| h.to_str().ok())
            .and_then(bearer_token)
            .is_some_and(|token| self.keys.contains_key(token))
    }

    pub(crate) fn reset_windows(&self) {
        for entry in self.keys.values() {
            if let Some(w) = &entry.window {
                w.reset();
            }
        }
    }
}

/// The token of `Bearer <token>` (the scheme is case-insensitive, as in passport).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> KeyTable {
        KeyTable::new(
            &[
                KeyConfig::new("wsk_test_a"),
                KeyConfig::new("wsk_test_ro").permissions(&["messages:read"]),
                KeyConfig::new("wsk_test_scoped").session_scope("support"),
            ],
            RateLimit::Off,
        )
    }

    fn auth(header: &str, session: &str) -> Result<String, Refusal> {
        let t = table();
        let h = HeaderValue::from_str(header).unwrap();
        t.authorize(Some(&h), session).map(|e| e.prefix.clone())
    }

    #[test]
    fn guard_order_and_answers() {
        assert_eq!(auth("Bearer wsk_test_a", "s"), Ok("wsk_test_".into()));
        assert_eq!(auth("bearer  wsk_test_a ", "s"), Ok("wsk_test_".into()));
        assert_eq!(
            auth("Bearer wsk_test_b", "s"),
            Err(Refusal::Unauthenticated)
        );
        assert_eq!(auth("Basic wsk_test_a", "s"), Err(Refusal::Unauthenticated));
        assert_eq!(
            auth("Bearer eyJhbGciOi", "s"),
            Err(Refusal::Unauthenticated)
        );
        assert_eq!(auth("Bearer", "s"), Err(Refusal::Unauthenticated));
        assert_eq!(
            auth("Bearer wsk_test_ro", "s"),
            Err(Refusal::MissingPermission)
        );
        assert_eq!(
            auth("Bearer wsk_test_scoped", "sales"),
            Err(Refusal::OtherSession)
        );
        assert!(auth("Bearer wsk_test_scoped", "support").is_ok());
        assert_eq!(
            table().authorize(None, "s").map(|_| ()),
            Err(Refusal::Unauthenticated)
        );
    }

    #[test]
    fn any_configured_key_may_use_the_sandbox_routes() {
        let t = table();
        let known = |h: &str| t.knows(Some(&HeaderValue::from_str(h).unwrap()));
        assert!(known("Bearer wsk_test_a"));
        assert!(known("Bearer wsk_test_ro"), "permissions do not matter");
        assert!(!known("Bearer wsk_test_b"));
        assert!(!known("wsk_test_a"));
        assert!(!t.knows(None));
    }

    #[test]
    fn debug_never_shows_a_key() {
        let shown = format!("{:?}", table());
        assert!(
            !shown.contains("wsk_test_a") && !shown.contains("scoped"),
            "{shown}"
        );
        assert!(shown.contains("wsk_test_"), "{shown}");
    }
}

//! The API key: a secret that must never be printed.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

/// A WaSphere API key (`wsk_…`). `Debug` and `Display` show only its prefix
/// (`wsk_live_…`), so it cannot leak through logs or error messages by accident;
/// the memory is wiped when it is dropped.
///
/// That redacted form is the one way the toolkit shows a key: [`ApiKey::redact`] puts it
/// in place of the key wherever the key turns up in a text (an error page that echoes the
/// `Authorization` header, a line about to be printed).
///
/// ```
/// use wasphere_types::ApiKey;
/// let key: ApiKey = "wsk_live_0123456789abcdef".parse().unwrap();
/// assert_eq!(format!("{key:?}"), "ApiKey(wsk_live_…)");
/// assert_eq!(key.to_string(), "wsk_live_…");
/// assert_eq!(key.redact("Bearer wsk_live_0123456789abcdef"), "Bearer wsk_live_…");
/// assert_eq!(key.expose_secret(), "wsk_live_0123456789abcdef");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Zeroizing<String>);

/// The text cannot be an API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApiKey {
    /// It does not start with `wsk_` (other bearer tokens are dashboard logins, not API keys).
    #[error("an API key starts with `wsk_` (other bearer tokens are dashboard logins)")]
    MissingPrefix,
    /// Nothing follows the prefix.
    #[error("the API key is only a prefix")]
    Empty,
    /// It contains characters that cannot go in an HTTP header.
    #[error("the API key contains spaces or control characters")]
    BadCharacter,
}

impl ApiKey {
    /// The prefix every API key starts with.
    pub const PREFIX: &'static str = "wsk_";

    /// Checks a key's shape; the key itself is never part of the error.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidApiKey> {
        let key = Zeroizing::new(key.into());
        let Some(rest) = key.strip_prefix(Self::PREFIX) else {
            return Err(InvalidApiKey::MissingPrefix);
        };
        if rest.is_empty() {
            return Err(InvalidApiKey::Empty);
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidApiKey::BadCharacter);
        }
        Ok(ApiKey(key))
    }

    /// The key itself, for the `Authorization` header. Never log what this returns.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The part that is safe to show: `wsk_` and the environment word after it
    /// (`wsk_live_`, `wsk_test_`), or just `wsk_`.
    pub fn redacted_prefix(&self) -> &str {
        let rest = &self.0[Self::PREFIX.len()..];
        match rest.find('_') {
            // Only a short word (live, test, dev) counts as a label; a long one may be the secret.
            Some(i) if i <= 8 => &self.0[..Self::PREFIX.len() + i + 1],
            _ => Self::PREFIX,
        }
    }
}

/// A secret part at least this long is redacted wherever it appears, even without the
/// key's prefix before it; a shorter one (a test key such as `wsk_test_sandbox`) could be
/// an ordinary word, so only the whole key is.
const SECRET_MATCHED_ALONE: usize = 12;

impl ApiKey {
    /// `text` with every occurrence of the key replaced by its redacted form (the
    /// [`Display`](fmt::Display) of the key, `wsk_live_…`); borrowed when the key is not in it.
    ///
    /// The secret part (what follows `wsk_live_`) is replaced even where the prefix before
    /// it was changed on the way (percent-encoded, cut, or with a byte that is not UTF-8),
    /// so a mangled echo of the key shows nothing of it either.
    ///
    /// ```
    /// use wasphere_types::ApiKey;
    /// let key: ApiKey = "wsk_live_0123456789abcdef".parse().unwrap();
    /// assert_eq!(key.redact("?key=%77sk_live_0123456789abcdef"), "?key=%77sk_live_…");
    /// ```
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let key = self.expose_secret();
        let secret = &key[self.redacted_prefix().len()..];
        let (needle, replacement) = if secret.len() >= SECRET_MATCHED_ALONE {
            (secret, "…".to_owned())
        } else {
            (key, self.to_string())
        };
        if text.contains(needle) {
            Cow::Owned(text.replace(needle, &replacement))
        } else {
            Cow::Borrowed(text)
        }
    }
}

impl FromStr for ApiKey {
    type Err = InvalidApiKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}…)", self.redacted_prefix())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", self.redacted_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_the_secret_part() {
        let key = ApiKey::new("wsk_test_sandbox").unwrap();
        assert_eq!(key.to_string(), "wsk_test_…");
        assert!(!format!("{key:?}").contains("sandbox"));
        let opaque = ApiKey::new("wsk_0123456789abcdef_x").unwrap();
        assert_eq!(opaque.to_string(), "wsk_…");
    }

    #[test]
    fn redacts_every_occurrence_and_nothing_else() {
        let key = ApiKey::new("wsk_test_s3cr3t").unwrap();
        assert_eq!(
            key.redact("Bearer wsk_test_s3cr3t, again wsk_test_s3cr3t"),
            "Bearer wsk_test_…, again wsk_test_…"
        );
        assert!(matches!(key.redact("no key here"), Cow::Borrowed(_)));
        let short = ApiKey::new("wsk_x").unwrap();
        assert_eq!(short.redact("key wsk_x"), "key wsk_…");
        // A short secret part is a word too: only the whole key is replaced.
        let sandbox = ApiKey::new("wsk_test_sandbox").unwrap();
        assert_eq!(
            sandbox.redact("/__sandbox/ wsk_test_sandbox"),
            "/__sandbox/ wsk_test_…"
        );
    }

    /// Found by the `answer_classify` fuzz target: a key echoed with a byte that is not
    /// UTF-8 in its prefix (`w\xc0sk_live_…`) kept its whole secret part in the error.
    #[test]
    fn a_mangled_echo_of_the_key_shows_nothing_of_its_secret() {
        let key = ApiKey::new("wsk_live_FuzzSecret0123").unwrap();
        for echoed in [
            "w\u{fffd}sk_live_FuzzSecret0123",
            "%77sk_live_FuzzSecret0123",
            "sk_live_FuzzSecret0123",
            "Bearer wsk_live_FuzzSecret0123",
        ] {
            let shown = key.redact(echoed);
            assert!(!shown.contains("FuzzSecret"), "{echoed} -> {shown}");
        }
        assert_eq!(
            key.redact("Bearer wsk_live_FuzzSecret0123"),
            "Bearer wsk_live_…"
        );
    }

    #[test]
    fn refuses_other_tokens() {
        assert_eq!(ApiKey::new("eyJhbGciOi"), Err(InvalidApiKey::MissingPrefix));
        assert_eq!(ApiKey::new("wsk_"), Err(InvalidApiKey::Empty));
        assert_eq!(ApiKey::new("wsk_a b"), Err(InvalidApiKey::BadCharacter));
    }
}

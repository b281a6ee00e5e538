//! The names of a key's entries in Redis. They never contain the API key: it is the key of
//! an HMAC over the server's URL, so the name identifies the key to whoever holds the key
//! and to nobody else, and is the same on every machine without any shared salt.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes of the digest kept in names: 128 bits, far beyond any chance of two keys meeting.
const DIGEST_BYTES: usize = 16;

/// The Redis keys of one API key at one server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyNames {
    /// The digest of server and API key, in hex.
    pub(crate) digest: String,
    /// `{prefix}:ratelimit:{digest}:pause`, the instant (server time, µs) before which
    /// nobody on this key is admitted, set after a 429.
    pub(crate) pause: String,
    /// `{prefix}:ratelimit:{digest}:window:{max}:{span_us}`, the sorted set of the slots'
    /// times (server time, µs): when each was granted, then when its request was over.
    /// Clients configured with another limit for the same key keep another window (as
    /// in-process limiters do) but share the pause.
    pub(crate) window: String,
    /// `{prefix}:ratelimit:{digest}:latest:{max}:{span_us}`, when the window's latest slot
    /// was granted (server time, µs), which a smooth pace's gap counts from: no longer the
    /// window's highest time once slots are settled.
    pub(crate) latest: String,
}

impl KeyNames {
    pub(crate) fn new(prefix: &str, base_url: &str, api_key: &str, max: u32, span_us: u64) -> Self {
        let digest = digest(base_url, api_key);
        // The braces are a hash tag: in a Redis Cluster all the keys live in one slot,
        // which a script touching several requires.
        let stem = format!("{prefix}:ratelimit:{{{digest}}}");
        KeyNames {
            pause: format!("{stem}:pause"),
            window: format!("{stem}:window:{max}:{span_us}"),
            latest: format!("{stem}:latest:{max}:{span_us}"),
            digest,
        }
    }
}

fn digest(base_url: &str, api_key: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; an empty name is the
    // impossible fallback rather than a panic.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(api_key.as_bytes()) else {
        return String::new();
    };
    mac.update(b"wasphere-rs rate limit v1\n");
    mac.update(base_url.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..DIGEST_BYTES])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "wsk_live_k3y_that_must_not_leak";

    #[test]
    fn names_hide_the_key_and_depend_on_key_server_and_limit() {
        let names = KeyNames::new("wasphere", "https://api.example.com", KEY, 60, 60_250_000);
        for name in [&names.pause, &names.window, &names.latest] {
            assert!(!name.contains(KEY) && !name.contains("k3y"), "{name}");
            assert!(name.starts_with("wasphere:ratelimit:{"), "{name}");
        }
        assert_eq!(names.digest.len(), 2 * DIGEST_BYTES);
        assert!(names.window.ends_with(":window:60:60250000"));
        assert!(names.latest.ends_with(":latest:60:60250000"));
        let same = KeyNames::new("wasphere", "https://api.example.com", KEY, 60, 60_250_000);
        assert_eq!(names, same, "every process must name the key alike");
        let other_key = KeyNames::new(
            "wasphere",
            "https://api.example.com",
            "wsk_live_other",
            60,
            60_250_000,
        );
        let other_server = KeyNames::new("wasphere", "https://eu.example.com", KEY, 60, 60_250_000);
        assert_ne!(names.digest, other_key.digest);
        assert_ne!(names.digest, other_server.digest);
        let other_limit = KeyNames::new("wasphere", "https://api.example.com", KEY, 30, 60_250_000);
        assert_eq!(
            names.pause, other_limit.pause,
            "a 429 pauses the key whatever its limit"
        );
        assert_ne!(names.window, other_limit.window);
        assert_ne!(names.latest, other_limit.latest);
    }
}

//! `TransportError`: a failure below HTTP (connecting, TLS, a broken connection, the
//! runtime), summed up in one line for people, with its whole chain of causes kept for
//! programs (`source()`).

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use wasphere_types::ApiKey;

/// A failure of the network stack or the runtime under the client: what went wrong in one
/// line (`Display`, e.g. `tcp connect error: Connection refused (os error 111)`), and the
/// underlying error as [`source`](StdError::source), with its own causes after it.
///
/// The line never contains the API key. Cloning shares the underlying error; two
/// transport errors are equal when their lines are.
///
/// ```
/// use std::error::Error as _;
/// use wasphere_client::TransportError;
///
/// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
/// let e = TransportError::new(refused);
/// assert_eq!(e.to_string(), "connection refused");
/// assert!(e.source().is_some());
/// ```
#[derive(Clone)]
pub struct TransportError {
    summary: String,
    source: Arc<dyn StdError + Send + Sync + 'static>,
}

impl TransportError {
    /// Wraps `error`: the line is its message followed by its causes.
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        let mut parts = vec![error.to_string()];
        parts.extend(causes(error.source()));
        TransportError {
            summary: join_distinct(parts),
            source: Arc::new(error),
        }
    }

    /// Wraps a reqwest error. Its own message is mostly the URL; its causes say what went
    /// wrong ("tcp connect error: Connection refused"), so the line is made of those, with
    /// `key` scrubbed from anything the stack echoed.
    pub(crate) fn from_reqwest(error: reqwest::Error, key: &ApiKey) -> Self {
        let mut parts: Vec<String> = causes(error.source()).collect();
        if parts.is_empty() {
            let what = if error.is_timeout() {
                "timed out"
            } else if error.is_connect() {
                "connection failed"
            } else if error.is_body() {
                "the body could not be read"
            } else {
                "the request failed"
            };
            parts.push(what.to_owned());
        }
        TransportError {
            summary: key.redact(&join_distinct(parts)).into_owned(),
            source: Arc::new(error),
        }
    }
}

fn causes<'a>(mut next: Option<&'a (dyn StdError + 'static)>) -> impl Iterator<Item = String> + 'a {
    std::iter::from_fn(move || {
        let cause = next?;
        next = cause.source();
        Some(cause.to_string())
    })
}

/// The parts joined with `: `, leaving out one that an earlier part already says.
fn join_distinct(parts: Vec<String>) -> String {
    let mut kept: Vec<String> = Vec::with_capacity(parts.len());
    for part in parts {
        if !kept.iter().any(|k| k.contains(&part)) {
            kept.push(part);
        }
    }
    kept.join(": ")
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TransportError")
            .field(&self.summary)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

impl PartialEq for TransportError {
    fn eq(&self, other: &Self) -> bool {
        self.summary == other.summary
    }
}

impl Eq for TransportError {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("tcp connect error")
        }
    }

    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn the_line_follows_the_causes_and_the_chain_is_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = TransportError::new(Outer(io));
        assert_eq!(e.to_string(), "tcp connect error: refused");
        let first = e.source().unwrap();
        assert_eq!(first.to_string(), "tcp connect error");
        assert_eq!(first.source().unwrap().to_string(), "refused");
        assert_eq!(e.clone(), e);
    }

    #[test]
    fn repeated_causes_are_said_once() {
        assert_eq!(
            join_distinct(vec![
                "client error (Connect): tcp connect error".into(),
                "tcp connect error".into(),
                "refused".into()
            ]),
            "client error (Connect): tcp connect error: refused"
        );
    }
}

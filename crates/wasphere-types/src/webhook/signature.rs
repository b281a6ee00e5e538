//! Signing and verifying deliveries: HMAC-SHA256 over `"{timestamp}.{rawBody}"`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::event::WebhookEvent;

/// Header carrying the event name.
pub const EVENT_HEADER: &str = "X-WaSphere-Event";
/// Header carrying the Unix time of signing.
pub const TIMESTAMP_HEADER: &str = "X-WaSphere-Timestamp";
/// Header carrying `v1,sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-WaSphere-Signature";
/// Header carrying the id of this delivery attempt.
pub const DELIVERY_ID_HEADER: &str = "X-WaSphere-Delivery-Id";
/// How far a delivery's timestamp may be from now, either way.
pub const TOLERANCE: Duration = Duration::from_secs(300);

type HmacSha256 = Hmac<Sha256>;

/// A webhook signing secret. `Debug` never shows it, and its memory is wiped on drop.
#[derive(Clone)]
pub struct WebhookSecret(Zeroizing<Vec<u8>>);

impl WebhookSecret {
    /// A secret from its text or bytes, used as the HMAC key exactly as given.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        WebhookSecret(Zeroizing::new(secret.as_ref().to_vec()))
    }

    /// The secret's bytes. Never log them.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self, timestamp: &str, body: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `X-WaSphere-Timestamp` header.
    #[error("missing {TIMESTAMP_HEADER} header")]
    MissingTimestamp,
    /// No `X-WaSphere-Signature` header.
    #[error("missing {SIGNATURE_HEADER} header")]
    MissingSignature,
    /// The timestamp is not a whole number of seconds.
    #[error("malformed {TIMESTAMP_HEADER} header: expected Unix seconds")]
    MalformedTimestamp,
    /// The signature is not `v1,sha256=<64 lowercase hex digits>`.
    #[error("malformed {SIGNATURE_HEADER} header: expected v1,sha256=<64 lowercase hex digits>")]
    MalformedSignature,
    /// The signature uses a version or algorithm this library does not know.
    #[error("unsupported signature scheme {0:?}: expected v1,sha256")]
    UnsupportedScheme(String),
    /// The signature does not match the body, timestamp and secret.
    #[error("signature does not match (wrong secret, or the body or timestamp was changed)")]
    BadSignature,
    /// The delivery was signed too long ago (a replay, or a badly wrong clock).
    #[error("timestamp is {age_secs} s old; at most 300 s is accepted")]
    TooOld {
        /// How old, in seconds.
        age_secs: u64,
    },
    /// The delivery claims to be from the future.
    #[error("timestamp is {ahead_secs} s in the future; at most 300 s is accepted")]
    TooNew {
        /// How far ahead, in seconds.
        ahead_secs: u64,
    },
    /// The signature is good but the body is not a webhook envelope.
    #[error("the body is not a webhook event: {0}")]
    InvalidBody(String),
}

/// The `X-WaSphere-Signature` value for `body` signed at `timestamp` (Unix seconds).
pub fn sign(secret: &WebhookSecret, timestamp: i64, body: &[u8]) -> String {
    let tag = secret
        .mac(&timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    format!("v1,sha256={}", hex::encode(tag))
}

/// The hex digest of a `v1,sha256=<hex>` candidate, checked to be 64 lowercase hex digits.
fn hex_digest_of(candidate: &str) -> Result<&[u8], VerifyError> {
    let (version, rest) = candidate
        .split_once(',')
        .ok_or(VerifyError::MalformedSignature)?;
    let hex_digest = match (version, rest.split_once('=')) {
        ("v1", Some(("sha256", hex_digest))) => hex_digest,
        (_, Some((algorithm, _))) => {
            return Err(VerifyError::UnsupportedScheme(format!(
                "{version},{algorithm}"
            )));
        }
        (_, None) => return Err(VerifyError::MalformedSignature),
    };
    // The contract writes the digest in lowercase hex. Taking uppercase too would make
    // a header with a flipped case bit verify, which a signature must never do.
    let well_formed = hex_digest.len() == 64
        && hex_digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(VerifyError::MalformedSignature);
    }
    Ok(hex_digest.as_bytes())
}

/// 64 hex digits as eight words, so the constant-time comparison takes eight steps, not
/// sixty-four. Anything but 64 bytes (never passed) reads as zeros, which match no
/// digest: hex digits are never zero bytes.
fn words(hex_digest: &[u8]) -> [u64; 8] {
    let mut words = [0u64; 8];
    if hex_digest.len() == 64 {
        for (word, chunk) in words.iter_mut().zip(hex_digest.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *word = u64::from_le_bytes(bytes);
        }
    }
    words
}

/// Checks the signature and the timestamp of a delivery without parsing its body.
///
/// `timestamp` and `signature` are the header values (`None` when absent); `now` is
/// passed in so tests can fix the clock. Several space-separated signatures are
/// accepted (one per secret while a secret is being rotated): one match suffices.
pub fn verify_signature(
    secret: &WebhookSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    raw_body: &[u8],
    now: SystemTime,
) -> Result<(), VerifyError> {
    let timestamp = timestamp.ok_or(VerifyError::MissingTimestamp)?.trim();
    let signature = signature.ok_or(VerifyError::MissingSignature)?;
    let signed_at: i64 = timestamp
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    let tag = secret.mac(timestamp, raw_body).finalize().into_bytes();
    // Comparing in hex (lowercase being the only accepted form) spares decoding each
    // candidate; the comparison is as constant-time as over the bytes.
    let mut expected = [0u8; 64];
    hex::encode_to_slice(tag, &mut expected).map_err(|_| VerifyError::MalformedSignature)?;
    let expected = words(&expected);

    let mut outcome = Err(VerifyError::MalformedSignature);
    for candidate in signature.split_ascii_whitespace() {
        match hex_digest_of(candidate) {
            Ok(digest) if bool::from(words(digest).ct_eq(&expected)) => {
                outcome = Ok(());
                break;
            }
            Ok(_) => outcome = Err(VerifyError::BadSignature),
            Err(e) if outcome.is_err() && outcome != Err(VerifyError::BadSignature) => {
                outcome = Err(e)
            }
            Err(_) => {}
        }
    }
    outcome?;

    let now = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let tolerance = TOLERANCE.as_secs() as i64;
    let age = now.saturating_sub(signed_at);
    if age > tolerance {
        return Err(VerifyError::TooOld {
            age_secs: age.unsigned_abs(),
        });
    }
    if -age > tolerance {
        return Err(VerifyError::TooNew {
            ahead_secs: age.unsigned_abs(),
        });
    }
    Ok(())
}

/// [`verify_signature`] with several secrets, for a rotation: the delivery is authentic
/// when one of them signed it. A problem that does not depend on the secret (a missing
/// header, a stale timestamp) is reported as such; otherwise
/// [`VerifyError::BadSignature`], also when `secrets` is empty.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use wasphere_types::webhook::{sign, verify_signature_any, WebhookSecret};
///
/// let (old, new) = (WebhookSecret::new("whsec-old"), WebhookSecret::new("whsec-new"));
/// let body = br#"{"event":"webhook.test"}"#;
/// let signature = sign(&old, 1_795_000_000, body);
/// let now = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
/// assert!(verify_signature_any(&[new, old], Some("1795000000"), Some(&signature), body, now).is_ok());
/// ```
pub fn verify_signature_any(
    secrets: &[WebhookSecret],
    timestamp: Option<&str>,
    signature: Option<&str>,
    raw_body: &[u8],
    now: SystemTime,
) -> Result<(), VerifyError> {
    for secret in secrets {
        match verify_signature(secret, timestamp, signature, raw_body, now) {
            Err(VerifyError::BadSignature) => continue,
            outcome => return outcome,
        }
    }
    Err(VerifyError::BadSignature)
}

/// Verifies a delivery (see [`verify_signature`]) and parses its envelope.
pub fn verify(
    secret: &WebhookSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    raw_body: &[u8],
    now: SystemTime,
) -> Result<WebhookEvent, VerifyError> {
    verify_signature(secret, timestamp, signature, raw_body, now)?;
    serde_json::from_slice(raw_body).map_err(|e| VerifyError::InvalidBody(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] =
        br#"{"event":"webhook.test","sessionId":"s","timestamp":"t","deliveryId":"d","data":{}}"#;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn each_header_problem_has_its_own_error() {
        let s = WebhookSecret::new("k");
        let sig = sign(&s, 1000, BODY);
        let check =
            |ts: Option<&str>, sig: Option<&str>| verify_signature(&s, ts, sig, BODY, at(1000));
        assert_eq!(check(None, Some(&sig)), Err(VerifyError::MissingTimestamp));
        assert_eq!(
            check(Some("1000"), None),
            Err(VerifyError::MissingSignature)
        );
        assert_eq!(
            check(Some("10x"), Some(&sig)),
            Err(VerifyError::MalformedTimestamp)
        );
        assert_eq!(
            check(Some("1000"), Some("v1,sha256=zz")),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(
            check(Some("1000"), Some("garbage")),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(
            check(Some("1000"), Some(&sig.replace("v1,sha256", "v2,sha512"))),
            Err(VerifyError::UnsupportedScheme("v2,sha512".into()))
        );
        assert_eq!(
            check(
                Some("1000"),
                Some(&sig.to_uppercase().replace("V1,SHA256", "v1,sha256"))
            ),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(check(Some("1000"), Some(&sig)), Ok(()));
        assert_eq!(
            check(
                Some("1000"),
                Some(&format!("v1,sha256={} {sig}", "0".repeat(64)))
            ),
            Ok(())
        );
    }

    #[test]
    fn tolerance_is_300_seconds_each_way() {
        let s = WebhookSecret::new("k");
        for (signed, now, ok) in [
            (1000, 1300, true),
            (1000, 1301, false),
            (1300, 1000, true),
            (1301, 1000, false),
        ] {
            let sig = sign(&s, signed, BODY);
            let r = verify_signature(&s, Some(&signed.to_string()), Some(&sig), BODY, at(now));
            assert_eq!(r.is_ok(), ok, "{signed} {now} {r:?}");
        }
    }

    #[test]
    fn any_secret_of_a_rotation_verifies() {
        let (old, new) = (WebhookSecret::new("old"), WebhookSecret::new("new"));
        let both = [new.clone(), old.clone()];
        for signer in [&old, &new] {
            let sig = sign(signer, 1000, BODY);
            let r = verify_signature_any(&both, Some("1000"), Some(&sig), BODY, at(1000));
            assert_eq!(r, Ok(()));
        }
        let forged = sign(&WebhookSecret::new("other"), 1000, BODY);
        let check = |secrets: &[WebhookSecret], sig: &str, now| {
            verify_signature_any(secrets, Some("1000"), Some(sig), BODY, at(now))
        };
        assert_eq!(check(&both, &forged, 1000), Err(VerifyError::BadSignature));
        assert_eq!(check(&[], &forged, 1000), Err(VerifyError::BadSignature));
        let stale = sign(&old, 1000, BODY);
        assert_eq!(
            check(&both, &stale, 2000),
            Err(VerifyError::TooOld { age_secs: 1000 })
        );
        assert_eq!(
            check(&both, "nonsense", 1000),
            Err(VerifyError::MalformedSignature)
        );
    }

    #[test]
    fn secret_is_not_in_debug() {
        assert!(!format!("{:?}", WebhookSecret::new("hunter2")).contains("hunter2"));
    }
}

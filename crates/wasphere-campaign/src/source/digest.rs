//! The digest that tells a journal whether its source file changed.

use std::fmt;
use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// The SHA-256 of a source, as lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SourceDigest(String);

impl SourceDigest {
    /// A digest given as text (for example an identifier of your own data set).
    pub fn new(text: impl Into<String>) -> Self {
        SourceDigest(text.into())
    }

    /// The digest as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The SHA-256 of everything `reader` yields, read in 64 KiB pieces.
///
/// # Errors
/// Whatever reading fails with.
pub fn digest_reader(mut reader: impl Read) -> io::Result<SourceDigest> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
    }
    Ok(SourceDigest(hex::encode(hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_the_sha256_of_the_bytes() {
        let d = digest_reader(&b"abc"[..]).unwrap();
        assert_eq!(
            d.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

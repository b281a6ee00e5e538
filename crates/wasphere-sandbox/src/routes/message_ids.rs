//! New message ids, as the server answers them.

use rand::Rng;

/// 20 upper-case hex characters, like WhatsApp's message ids.
pub(crate) fn new_message_id() -> String {
    // 80 random bits: the top of a u128.
    format!("{:020X}", rand::rng().random::<u128>() >> 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_20_upper_hex() {
        for _ in 0..100 {
            let id = new_message_id();
            assert_eq!(id.len(), 20, "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
            );
        }
    }
}

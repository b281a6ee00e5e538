//! Which recipients a campaign has already seen, to skip duplicates. Phone numbers (at most
//! 15 digits) are kept as integers, so a million recipients take a few tens of megabytes.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use wasphere_types::{Recipient, RecipientKind};

/// The first line each recipient appeared on.
#[derive(Debug, Default)]
pub(crate) struct RecipientSet {
    phones: HashMap<u64, u64, BuildHasherDefault<PhoneHasher>>,
    jids: HashMap<String, u64>,
}

/// A multiplicative hash for phone numbers: a fraction of SipHash's cost, which shows on a
/// million rows. The numbers come from the user's own file, not from an adversary, so a
/// keyed hash buys nothing here.
#[derive(Debug, Default)]
pub(crate) struct PhoneHasher(u64);

impl Hasher for PhoneHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl RecipientSet {
    /// Notes `recipient` on `line`; if it was seen before, the line it was first seen on.
    pub(crate) fn first_seen(&mut self, recipient: &Recipient, line: u64) -> Option<u64> {
        let phone = match recipient.kind() {
            RecipientKind::Phone => recipient.as_str().parse::<u64>().ok(),
            _ => None,
        };
        match phone {
            Some(n) => match self.phones.entry(n) {
                Entry::Occupied(first) => Some(*first.get()),
                Entry::Vacant(slot) => {
                    slot.insert(line);
                    None
                }
            },
            None => {
                if let Some(&first) = self.jids.get(recipient.as_str()) {
                    return Some(first);
                }
                self.jids.insert(recipient.as_str().to_owned(), line);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_wins() {
        let mut set = RecipientSet::default();
        let a: Recipient = "923001234567".parse().unwrap();
        let g: Recipient = "120363025246125486@g.us".parse().unwrap();
        assert_eq!(set.first_seen(&a, 2), None);
        assert_eq!(set.first_seen(&g, 3), None);
        assert_eq!(set.first_seen(&a, 9), Some(2));
        assert_eq!(set.first_seen(&a, 10), Some(2));
        assert_eq!(set.first_seen(&g, 11), Some(3));
        assert_eq!(set.phones.len() + set.jids.len(), 2);
    }
}

//! The last N items, numbered: what the sandbox remembers is bounded, whatever it is sent.

use std::collections::VecDeque;

/// Keeps the most recent items, at most `max_items` of them and at most `max_bytes` of
/// their weight (the newest item is kept even when it alone weighs more). Each item gets
/// a sequence number, 1, 2, 3…, that stays with it, so a reader can page with "after".
#[derive(Debug)]
pub(crate) struct Ring<T> {
    items: VecDeque<Entry<T>>,
    next_seq: u64,
    max_items: usize,
    max_bytes: usize,
    bytes: usize,
}

#[derive(Debug)]
struct Entry<T> {
    seq: u64,
    weight: usize,
    item: T,
}

impl<T> Ring<T> {
    pub(crate) fn new(max_items: usize, max_bytes: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            next_seq: 1,
            max_items,
            max_bytes,
            bytes: 0,
        }
    }

    /// Adds `item`, forgetting the oldest ones beyond the bounds. Nothing is kept when
    /// `max_items` is 0, but the sequence still advances.
    pub(crate) fn push(&mut self, item: T, weight: usize) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.max_items == 0 {
            return;
        }
        self.items.push_back(Entry { seq, weight, item });
        self.bytes += weight;
        while self.items.len() > self.max_items
            || (self.bytes > self.max_bytes && self.items.len() > 1)
        {
            if let Some(old) = self.items.pop_front() {
                self.bytes -= old.weight;
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// How many items were ever pushed (since the last clear).
    pub(crate) fn pushed(&self) -> u64 {
        self.next_seq - 1
    }

    /// Up to `limit` items with a sequence number above `after`, oldest first.
    pub(crate) fn page(&self, after: u64, limit: usize) -> impl Iterator<Item = (u64, &T)> {
        // Sequence numbers are consecutive, so the start is found without a search.
        let first = self.items.front().map_or(0, |e| e.seq);
        let skip =
            usize::try_from(after.saturating_add(1).saturating_sub(first)).unwrap_or(usize::MAX);
        self.items
            .iter()
            .skip(skip)
            .take(limit)
            .map(|e| (e.seq, &e.item))
    }

    /// Every item kept, oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.items.iter().map(|e| &e.item)
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.bytes = 0;
        self.next_seq = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_within_both_bounds() {
        let mut ring = Ring::new(3, 100);
        for i in 1..=5 {
            ring.push(i, 10);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(ring.pushed(), 5);
        ring.push(6, 95);
        assert_eq!(
            ring.iter().copied().collect::<Vec<_>>(),
            [6],
            "over 100 bytes"
        );
        ring.push(7, 500);
        assert_eq!(
            ring.iter().copied().collect::<Vec<_>>(),
            [7],
            "the newest stays"
        );
    }

    #[test]
    fn pages_by_sequence_number() {
        let mut ring = Ring::new(4, usize::MAX);
        for i in 1..=6 {
            ring.push(i * 10, 1);
        }
        // Kept: seq 3..=6.
        let page = |after, limit| ring.page(after, limit).collect::<Vec<_>>();
        assert_eq!(page(0, 2), [(3, &30), (4, &40)]);
        assert_eq!(page(4, 10), [(5, &50), (6, &60)]);
        assert_eq!(page(6, 10), []);
        assert_eq!(page(u64::MAX, 10), []);
    }

    #[test]
    fn zero_keeps_nothing() {
        let mut ring = Ring::new(0, usize::MAX);
        ring.push("a", 1);
        assert_eq!(ring.len(), 0);
        assert_eq!(ring.pushed(), 1);
    }
}

//! The default store: bounded in size and in age, in this process's memory.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::store::{DedupStore, StoreFuture};

/// Keys in memory, at most `capacity` of them: when full, the oldest is forgotten first,
/// and each is forgotten once its time to live has passed. Memory grows until the store
/// first fills (about 200 bytes per key: 20 MB for the default 100,000) and then stays
/// flat however many events arrive. For several replicas, use a shared store instead.
///
/// ```
/// use std::time::Duration;
/// use wasphere_webhooks::dedup::MemoryStore;
///
/// let store = MemoryStore::new(2);
/// let ttl = Duration::from_secs(600);
/// assert!(store.insert("a", ttl));
/// assert!(!store.insert("a", ttl)); // seen
/// assert!(store.insert("b", ttl));
/// assert!(store.insert("c", ttl)); // full: "a", the oldest, is forgotten
/// assert!(store.insert("a", ttl));
/// assert_eq!(store.len(), 2);
/// ```
pub struct MemoryStore {
    capacity: usize,
    inner: Mutex<Keys>,
}

#[derive(Default)]
struct Keys {
    live: HashMap<Arc<str>, Entry>,
    /// Keys in the order they were recorded, with the generation they were recorded at;
    /// a removed or re-recorded key leaves a stale entry here that counts toward the
    /// capacity until it reaches the front, which keeps both collections bounded.
    order: VecDeque<(Arc<str>, u64)>,
    next_generation: u64,
}

struct Entry {
    expires: Instant,
    generation: u64,
}

impl MemoryStore {
    /// A store of at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            capacity: capacity.max(1),
            inner: Mutex::new(Keys::default()),
        }
    }

    /// The most keys it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many keys it holds now (expired ones included until they are swept).
    pub fn len(&self) -> usize {
        self.keys().live.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records `key` for `ttl` unless it is recorded; `true` when it was not.
    pub fn insert(&self, key: &str, ttl: Duration) -> bool {
        self.insert_at(key, ttl, Instant::now())
    }

    /// Forgets `key`.
    pub fn remove(&self, key: &str) {
        self.keys().live.remove(key);
    }

    fn insert_at(&self, key: &str, ttl: Duration, now: Instant) -> bool {
        let mut keys = self.keys();
        keys.sweep(now);
        if keys.live.get(key).is_some_and(|e| e.expires > now) {
            return false;
        }
        while keys.order.len() >= self.capacity {
            keys.pop_oldest();
        }
        // Removals leave tombstones in the table, which would make it grow once more at
        // some unpredictable later insert; room for twice the capacity, taken when the
        // store first fills, is where it ends up anyway, so from then on it never grows.
        if keys.live.len() + 1 >= self.capacity && keys.live.capacity() < 2 * self.capacity {
            let room = 2 * self.capacity - keys.live.len();
            keys.live.reserve(room);
        }
        let generation = keys.next_generation;
        keys.next_generation += 1;
        let key: Arc<str> = Arc::from(key);
        // A time to live too long for the clock's range means "as long as possible".
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365)))
            .unwrap_or(now);
        keys.live.insert(
            Arc::clone(&key),
            Entry {
                expires,
                generation,
            },
        );
        keys.order.push_back((key, generation));
        true
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        // A panic elsewhere while holding the lock leaves the maps consistent (every
        // update is a single insert or remove), so the data is still good to use.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Keys {
    /// Forgets, from the oldest on, keys that expired or were removed.
    fn sweep(&mut self, now: Instant) {
        while let Some((key, generation)) = self.order.front() {
            let stale = match self.live.get(key) {
                Some(entry) => entry.generation != *generation || entry.expires <= now,
                None => true,
            };
            if !stale {
                break;
            }
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((key, generation)) = self.order.pop_front()
            && self
                .live
                .get(&key)
                .is_some_and(|e| e.generation == generation)
        {
            self.live.remove(&key);
        }
    }
}

impl DedupStore for MemoryStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let new = self.insert(key, ttl);
        Box::pin(async move { Ok(new) })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        MemoryStore::remove(self, key);
        Box::pin(async { Ok(()) })
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    #[test]
    fn keys_expire_after_their_time_to_live() {
        let store = MemoryStore::new(10);
        let t0 = Instant::now();
        assert!(store.insert_at("a", TTL, t0));
        assert!(!store.insert_at("a", TTL, t0 + Duration::from_secs(59)));
        assert!(store.insert_at("a", TTL, t0 + Duration::from_secs(60)));
        // Expired keys are swept from the front as time passes.
        assert!(store.insert_at("b", TTL, t0 + Duration::from_secs(61)));
        assert!(store.insert_at("c", TTL, t0 + Duration::from_secs(200)));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn the_oldest_key_goes_first_when_full() {
        let store = MemoryStore::new(3);
        let t0 = Instant::now();
        for key in ["a", "b", "c", "d"] {
            assert!(store.insert_at(key, TTL, t0));
        }
        assert_eq!(store.len(), 3);
        assert!(store.insert_at("a", TTL, t0), "a was evicted");
        assert!(!store.insert_at("d", TTL, t0), "d is still there");
    }

    #[test]
    fn removed_keys_are_new_again_and_never_grow_the_store() {
        let store = MemoryStore::new(4);
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(store.insert_at("again", TTL, t0));
            store.remove("again");
        }
        assert!(store.insert_at("kept", TTL, t0));
        let keys = store.keys();
        assert!(keys.order.len() <= 4, "{}", keys.order.len());
        assert!(keys.live.contains_key("kept"));
    }

    #[test]
    fn a_reinserted_key_is_not_evicted_by_its_stale_entry() {
        let store = MemoryStore::new(3);
        let t0 = Instant::now();
        assert!(store.insert_at("a", TTL, t0));
        store.remove("a");
        assert!(store.insert_at("a", TTL, t0));
        assert!(store.insert_at("b", TTL, t0));
        // Full: the stale first entry of "a" goes, not the live one.
        assert!(store.insert_at("c", TTL, t0));
        assert!(!store.insert_at("a", TTL, t0));
    }
}

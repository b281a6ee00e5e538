//! The default store: bounded in size and in age, in this process's memory.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use foldhash::quality::RandomState;

use super::store::{DedupStore, StoreFuture};

/// Keys in memory, at most `capacity` of them: when full, the oldest is forgotten first,
/// and each is forgotten once its time to live has passed. Each key is kept as a 128-bit
/// fingerprint (two independently seeded hashes: two keys meeting by chance among 100,000
/// is a 1-in-10^28 event), so memory per key is fixed whatever the ids' lengths. Memory
/// grows until the store first fills (about 160 bytes per key: 16 MB for the default
/// 100,000) and then stays flat however many events arrive. For several replicas, use a
/// shared store instead.
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
    /// Two seeds, drawn per store, for the two halves of a key's fingerprint. Keys are
    /// fingerprinted only after the delivery's signature was verified, so no sender can
    /// aim at a collision either.
    seeds: [RandomState; 2],
    inner: Mutex<Keys>,
}

/// A key's 128-bit fingerprint, as two words (a `u128` would be aligned to 16 bytes and
/// pad every entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint([u64; 2]);

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already uniform: one half is the table's hash.
        state.write_u64(self.0[1]);
    }
}

#[derive(Default)]
struct Keys {
    /// Fingerprints are already uniform, so the table uses them as its hash.
    live: HashMap<Fingerprint, Entry, BuildHasherDefault<FingerprintHasher>>,
    /// Keys in the order they were recorded, with the generation they were recorded at
    /// and when they expire; a removed or re-recorded key leaves a stale entry here that
    /// counts toward the capacity until it reaches the front or expires, which keeps both
    /// collections bounded.
    order: VecDeque<Recorded>,
    next_generation: u64,
}

struct Recorded {
    key: Fingerprint,
    generation: u64,
    expires: Instant,
}

struct Entry {
    expires: Instant,
    generation: u64,
}

/// Hashes a fingerprint to one of its halves; nothing else is ever hashed with it.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached (a fingerprint writes one `u64`); folds the bytes in case it ever is.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl MemoryStore {
    /// A store of at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            capacity: capacity.max(1),
            seeds: [RandomState::default(), RandomState::default()],
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
        let key = self.fingerprint(key);
        self.keys().live.remove(&key);
    }

    fn fingerprint(&self, key: &str) -> Fingerprint {
        let [first, second] = &self.seeds;
        Fingerprint([first.hash_one(key), second.hash_one(key)])
    }

    fn insert_at(&self, key: &str, ttl: Duration, now: Instant) -> bool {
        let key = self.fingerprint(key);
        let mut keys = self.keys();
        keys.sweep(now);
        if keys.live.get(&key).is_some_and(|e| e.expires > now) {
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
        // A time to live too long for the clock's range means "as long as possible".
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365)))
            .unwrap_or(now);
        keys.live.insert(
            key,
            Entry {
                expires,
                generation,
            },
        );
        keys.order.push_back(Recorded {
            key,
            generation,
            expires,
        });
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
    /// Forgets, from the oldest on, keys whose time to live has passed. Read from the
    /// order itself, so a sweep that finds nothing to do costs no hashing.
    fn sweep(&mut self, now: Instant) {
        while self.order.front().is_some_and(|r| r.expires <= now) {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some(recorded) = self.order.pop_front()
            && self
                .live
                .get(&recorded.key)
                .is_some_and(|e| e.generation == recorded.generation)
        {
            self.live.remove(&recorded.key);
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
        assert!(keys.live.contains_key(&store.fingerprint("kept")));
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

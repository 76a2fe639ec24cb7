//! The 128-bit keys of a scope (a snapshot's children, a year's cases), in a table built for
//! what the merge does with them: add a file's tens of thousands of keys at once, millions a
//! snapshot, and say whether any was there before.
//!
//! A key is HMAC output, uniformly random bits that no one without the secret can choose,
//! so its own low bits are its slot: hashing it again buys nothing. The table is open
//! addressing with linear probing, one `u128` a slot, `0` for an empty slot (the key 0 is
//! kept apart). A national snapshot's set is some 128 MB, so each insert's slot is a cache
//! miss: the batch insert asks the processor for the slots of the keys a few places ahead
//! while it inserts this one, and the misses overlap instead of queueing. With a general
//! hash set the merge spent a tenth of a national ingest waiting on memory.

/// Keys are never more than this share of the slots, so a probe ends within a slot or two.
const MAX_LOAD: (usize, usize) = (3, 4);

/// How many keys ahead the batch insert fetches slots.
const AHEAD: usize = 16;

#[derive(Debug, Default, Clone)]
pub(crate) struct KeySet {
    /// A power of two long (or empty), `0` where empty.
    slots: Vec<u128>,
    /// Keys in `slots`, plus one if the key 0 is in the set.
    len: usize,
    has_zero: bool,
}

impl KeySet {
    pub fn with_capacity(keys: usize) -> Self {
        let mut set = KeySet::default();
        set.reserve(keys);
        set
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the set and keeps its room.
    pub fn clear(&mut self) {
        self.slots.fill(0);
        self.len = 0;
        self.has_zero = false;
    }

    /// Room for `additional` more keys without growing.
    // The zeroing by `resize` is the point: see below.
    #[allow(clippy::slow_vector_initialization)]
    pub fn reserve(&mut self, additional: usize) {
        let wanted = (self.len + additional).saturating_mul(MAX_LOAD.1) / MAX_LOAD.0 + 1;
        if wanted <= self.slots.len() {
            return;
        }
        // Zeroed by writing, not taken zeroed from the kernel: a page the table first reads
        // is mapped to the shared zero page, and the write after it costs every core a TLB
        // flush (7 % of a national ingest, in interrupts).
        let mut slots = Vec::new();
        slots.resize(wanted.next_power_of_two(), 0);
        let old = std::mem::replace(&mut self.slots, slots);
        self.len = usize::from(self.has_zero);
        for key in old.into_iter().filter(|k| *k != 0) {
            self.put(key);
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Where `key` is, or the empty slot where it would go.
    fn slot(&self, key: u128) -> usize {
        let mask = self.mask();
        let mut at = key as usize & mask;
        while self.slots[at] != 0 && self.slots[at] != key {
            at = (at + 1) & mask;
        }
        at
    }

    pub fn contains(&self, key: &u128) -> bool {
        if *key == 0 {
            return self.has_zero;
        }
        !self.slots.is_empty() && self.slots[self.slot(*key)] == *key
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: u128) -> bool {
        self.reserve(1);
        self.put(key)
    }

    /// [`insert`](Self::insert) where there is room already.
    fn put(&mut self, key: u128) -> bool {
        if key == 0 {
            let added = !self.has_zero;
            self.has_zero = true;
            self.len += usize::from(added);
            return added;
        }
        let at = self.slot(key);
        if self.slots[at] == key {
            return false;
        }
        self.slots[at] = key;
        self.len += 1;
        true
    }

    /// Takes `key` out; false if it was not there. The keys after it in its run move back,
    /// so no probe ever stops early at the hole.
    pub fn remove(&mut self, key: &u128) -> bool {
        if *key == 0 {
            let removed = self.has_zero;
            self.has_zero = false;
            self.len -= usize::from(removed);
            return removed;
        }
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.mask();
        let mut hole = self.slot(*key);
        if self.slots[hole] != *key {
            return false;
        }
        let mut next = hole;
        loop {
            next = (next + 1) & mask;
            let moved = self.slots[next];
            if moved == 0 {
                break;
            }
            // A key may fill the hole unless its own slot lies after the hole, up to `next`
            // (cyclically): there it would no longer be found.
            let home = moved as usize & mask;
            let stays = if hole <= next {
                hole < home && home <= next
            } else {
                hole < home || home <= next
            };
            if !stays {
                self.slots[hole] = moved;
                hole = next;
            }
        }
        self.slots[hole] = 0;
        self.len -= 1;
        true
    }

    /// Adds `keys` (distinct) if none is in the set yet, and says so; otherwise leaves the
    /// set as it was.
    pub fn add_if_disjoint(&mut self, keys: &[u128]) -> bool {
        match self.insert_all(keys) {
            None => true,
            Some(repeated) => {
                for key in &keys[..repeated] {
                    self.remove(key);
                }
                false
            }
        }
    }

    /// Adds `keys`, fetching slots ahead; stops at the first key already in the set and
    /// gives its index.
    pub fn insert_all(&mut self, keys: &[u128]) -> Option<usize> {
        self.reserve(keys.len());
        for (i, key) in keys.iter().enumerate() {
            if let Some(ahead) = keys.get(i + AHEAD) {
                self.fetch(*ahead);
            }
            if !self.put(*key) {
                return Some(i);
            }
        }
        None
    }

    /// Asks the processor for `key`'s slot, to have it in cache when it is needed.
    #[inline]
    fn fetch(&self, key: u128) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let at = key as usize & self.mask();
            let slot = self.slots.as_ptr().wrapping_add(at).cast();
            // SAFETY: SSE is part of the x86-64 baseline, so every processor that runs this
            // binary has the instruction; a prefetch reads nothing and never faults, and the
            // address is a slot of the table anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(slot) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }
}

impl Extend<u128> for KeySet {
    fn extend<I: IntoIterator<Item = u128>>(&mut self, keys: I) {
        for key in keys {
            self.insert(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Keys that crowd a few slots, to make long runs that wrap around the table's end.
    fn crowded(n: u128, slots: u128) -> Vec<u128> {
        (0..n)
            .map(|i| ((i * 7919) << 64) | ((slots - 3 + i % 5) % slots))
            .collect()
    }

    #[test]
    fn it_agrees_with_a_hash_set_through_inserts_and_removals() {
        let mut set = KeySet::with_capacity(40);
        let mut model = HashSet::new();
        let keys = crowded(40, 64);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(set.insert(*key), model.insert(*key));
            if i % 3 == 0 {
                let gone = keys[i / 2];
                assert_eq!(set.remove(&gone), model.remove(&gone));
            }
            for k in &keys {
                assert_eq!(set.contains(k), model.contains(k), "key {k:#x} after {i}");
            }
            assert_eq!(set.len(), model.len());
        }
    }

    #[test]
    fn the_key_zero_is_a_key_like_any_other() {
        let mut set = KeySet::default();
        assert!(!set.contains(&0));
        assert!(set.insert(0));
        assert!(!set.insert(0));
        assert!(set.contains(&0));
        assert_eq!(set.len(), 1);
        assert!(set.remove(&0));
        assert!(!set.contains(&0));
        assert!(set.is_empty());
    }

    #[test]
    fn it_grows_keeping_every_key() {
        let mut set = KeySet::default();
        let keys: Vec<u128> = (1..=10_000u128)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        assert_eq!(set.insert_all(&keys), None);
        assert_eq!(set.len(), 10_000);
        assert!(keys.iter().all(|k| set.contains(k)));
        assert!(!set.contains(&12345));
        // Never fuller than three quarters.
        assert!(set.slots.len() * 3 >= set.len() * 4);
    }

    #[test]
    fn a_file_that_repeats_a_key_leaves_the_set_as_it_was() {
        let mut set = KeySet::with_capacity(100);
        let earlier = crowded(30, 128);
        assert!(set.add_if_disjoint(&earlier));
        let mut later: Vec<u128> = (1000..1020u128).map(|i| (i << 64) | 126).collect();
        later.push(earlier[17]);
        assert!(!set.add_if_disjoint(&later));
        assert_eq!(set.len(), 30);
        assert!(earlier.iter().all(|k| set.contains(k)));
        assert!(later[..20].iter().all(|k| !set.contains(k)));
        // A file that repeats its own key is refused too.
        assert!(!set.add_if_disjoint(&[5u128 << 64, 9, 5u128 << 64]));
        assert_eq!(set.len(), 30);
    }

    #[test]
    fn cleared_it_is_empty_and_keeps_its_room() {
        let mut set = KeySet::with_capacity(1000);
        let room = set.slots.len();
        set.extend(1..=500u128);
        set.insert(0);
        set.clear();
        assert!(set.is_empty());
        assert!(!set.contains(&7) && !set.contains(&0));
        assert_eq!(set.slots.len(), room);
    }
}

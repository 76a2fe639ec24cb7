//! The 128-bit keys of a scope (a snapshot's children, a year's cases), and what the merge
//! asks of them: add a file's keys, millions a snapshot, if none was there before.
//!
//! A key is HMAC output, uniformly random bits that no one without the secret can choose,
//! so the set needs no hasher that resists chosen keys: foldhash's fast one (a multiply)
//! spreads them over a std `HashSet` (hashbrown).

use std::collections::HashSet;

#[derive(Debug, Default, Clone)]
pub(crate) struct KeySet(HashSet<u128, foldhash::fast::FixedState>);

impl KeySet {
    pub fn with_capacity(keys: usize) -> Self {
        KeySet(HashSet::with_capacity_and_hasher(keys, Default::default()))
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Empties the set and keeps its room.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Room for `additional` more keys without growing: a set grown step by step moves
    /// each key several times.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    pub fn contains(&self, key: &u128) -> bool {
        self.0.contains(key)
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: u128) -> bool {
        self.0.insert(key)
    }

    /// Adds `keys` (distinct) if none is in the set yet, and says so; otherwise leaves the
    /// set as it was.
    pub fn add_if_disjoint(&mut self, keys: &[u128]) -> bool {
        self.reserve(keys.len());
        for (i, key) in keys.iter().enumerate() {
            if !self.0.insert(*key) {
                for added in &keys[..i] {
                    self.0.remove(added);
                }
                return false;
            }
        }
        true
    }
}

impl Extend<u128> for KeySet {
    fn extend<I: IntoIterator<Item = u128>>(&mut self, keys: I) {
        self.0.extend(keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_repeats_a_key_leaves_the_set_as_it_was() {
        let mut set = KeySet::with_capacity(100);
        let earlier: Vec<u128> = (1..=30u128).map(|i| (i * 7919) << 64 | i).collect();
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
        // A file with new keys only is added, the key 0 among them.
        assert!(set.add_if_disjoint(&[0, 1 << 100]));
        assert_eq!(set.len(), 32);
        assert!(set.contains(&0));
    }

    #[test]
    fn cleared_it_is_empty_and_keeps_its_room() {
        let mut set = KeySet::with_capacity(1000);
        set.extend(1..=500u128);
        assert!(!set.insert(7));
        set.clear();
        assert_eq!(set.len(), 0);
        assert!(!set.contains(&7));
        assert!(set.0.capacity() >= 1000);
    }
}

//! Child and case ids become keys: HMAC-SHA-256 under a secret key, so the same child links
//! across files, snapshots and runs while no raw id leaves ingestion. Without the secret a
//! key cannot be turned back into an id, nor checked against a guessed one.
//!
//! Where the secret lives and how it is guarded is `crate::secret_key`'s business.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::secret_key::MIN_SECRET_BYTES;

/// HMAC-SHA-256 (RFC 2104) under the secret, from the `hmac` crate. Keyed once: the state
/// after the padded secret is cloned for each id, so an id costs only its own blocks.
#[derive(Clone)]
pub struct Pseudonymiser {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser { secret: <hidden> }")
    }
}

impl Pseudonymiser {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "The secret key is {} bytes long; at least {MIN_SECRET_BYTES} are needed.",
                secret.len()
            ));
        }
        let keyed = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|e| format!("The secret key cannot key an HMAC: {e}."))?;
        Ok(Pseudonymiser { keyed })
    }

    pub fn child_key(&self, child_id: &str) -> Key {
        self.key(CHILD, child_id)
    }

    pub fn case_key(&self, case_id: &str) -> Key {
        self.key(CASE, case_id)
    }

    /// The HMAC of the domain, a zero byte and the tidied id.
    fn key(&self, domain: &[u8], id: &str) -> Key {
        let mut mac = self.keyed.clone();
        mac.update(domain);
        mac.update(b"\0");
        mac.update(tidy(id).as_bytes());
        Key(mac.finalize().into_bytes().into())
    }
}

/// The domain tags: they keep a case id from ever sharing a key with a child id.
const CHILD: &[u8] = b"child";
const CASE: &[u8] = b"case";

/// Ids are compared the way exports differ: spacing and letter case do not matter. An id
/// as the software writes it ("TE-64633-000123") is tidy already and is not copied.
fn tidy(id: &str) -> Cow<'_, str> {
    if id
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_lowercase())
    {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(id.split_whitespace().collect::<String>().to_uppercase())
    }
}

/// A child's or a case's key: the 32 bytes of the HMAC, written as 64 hex digits in the
/// clean tables. Held as bytes so that a row costs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The HMAC's 32 bytes; written as 64 lowercase hex digits in the clean tables.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 128 bits: HMAC output, so as good as the whole for telling keys apart,
    /// and half the memory in the sets that look for duplicates.
    pub fn bits(&self) -> u128 {
        let mut first = [0u8; 16];
        first.copy_from_slice(&self.0[..16]);
        u128::from_be_bytes(first)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_ignore_spacing_and_case() {
        let p = Pseudonymiser::new(b"0123456789abcdef0123").unwrap();
        assert_eq!(
            p.child_key("TE-64633-000123"),
            p.child_key(" te-64633-000123 ")
        );
        assert_ne!(p.child_key("TE-1"), p.child_key("TE-2"));
        assert_ne!(p.child_key("TE-1"), p.case_key("TE-1"));
        let key = p.child_key("x");
        let hex = key.to_string();
        assert_eq!(hex.len(), 64);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(format!("{:032x}", key.bits()), hex[..32]);
        let other = Pseudonymiser::new(b"another secret of enough length").unwrap();
        assert_ne!(p.child_key("TE-1"), other.child_key("TE-1"));
    }

    /// The `hmac` crate's HMAC-SHA-256 of the domain, a zero byte and the id, fed in one
    /// piece and with a new key each time.
    fn reference(secret: &[u8], domain: &str, id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(format!("{domain}\0{id}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn keys_are_the_hmac_of_the_domain_and_tidy_id_at_every_length() {
        let short = b"0123456789abcdef0123".as_slice();
        let block = [b'k'; 64];
        let longer = [b'q'; 100];
        for secret in [short, &block, &longer] {
            let p = Pseudonymiser::new(secret).unwrap();
            // Around the lengths where the padding needs a second block (49 and 50 bytes
            // of id after "child\0"), and ids of several blocks.
            let ids: Vec<String> = [0, 1, 15, 48, 49, 50, 57, 58, 120, 200]
                .iter()
                .map(|&n| (0..n).map(|i| (b'A' + (i % 26) as u8) as char).collect())
                .collect();
            for id in &ids {
                assert_eq!(p.child_key(id).to_string(), reference(secret, "child", id));
                assert_eq!(p.case_key(id).to_string(), reference(secret, "case", id));
            }
            // Untidy ids are tidied first.
            assert_eq!(
                p.child_key(" te-1 ").to_string(),
                reference(secret, "child", "TE-1")
            );
            assert_eq!(
                p.case_key("vv 2021\t07").to_string(),
                reference(secret, "case", "VV202107")
            );
        }
    }

    #[test]
    fn keys_are_those_earlier_runs_wrote() {
        // HMAC-SHA-256 computed apart from this code (Python's `hmac` module): the keys of
        // the clean tables written before must not change, or children stop linking.
        let p = Pseudonymiser::new(b"treem benchmark key, not a secret").unwrap();
        let cases = [
            (
                p.child_key("TE-64623-000117"),
                "9f5f339353e627098ea23b911b1a58fef74b377bac1515426ad1045e5e0fb7be",
            ),
            (
                p.child_key(" te-64623-000117"),
                "9f5f339353e627098ea23b911b1a58fef74b377bac1515426ad1045e5e0fb7be",
            ),
            (
                p.case_key("VV-64-2021-000042"),
                "862fd573db04eb0bebb8fb4bc4425d84ea39b42db50ddd962da4c42e401ccf38",
            ),
            (
                p.child_key(&"X".repeat(60)),
                "fe1b4bdb64531ec3fe20813b9e74f3ea7d4f2b30fb5847779fccc4d07bf2b117",
            ),
        ];
        for (key, expected) in cases {
            assert_eq!(key.to_string(), expected);
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(Pseudonymiser::new(b"short").is_err());
    }
}

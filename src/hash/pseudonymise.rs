//! Child and case ids become keys: HMAC-SHA-256 under a secret key, so the same child links
//! across files, snapshots and runs while no raw id leaves ingestion. Without the secret a
//! key cannot be turned back into an id, nor checked against a guessed one.
//!
//! Where the secret lives and how it is guarded is `crate::secret_key`'s business.

use sha2::{Digest, Sha256};

use super::sha256_two::{compress_one, compress_two, digest, last_blocks, INITIAL};

use crate::secret_key::MIN_SECRET_BYTES;

/// HMAC-SHA-256 (RFC 2104) under the secret, with the two padded keys already compressed:
/// a short id then costs two compressions, one for the inner hash and one for the outer,
/// and two ids cost as many, interleaved ([`Pseudonymiser::child_keys`]). The `hmac`
/// crate does the same one id at a time, with twice the time spent around the
/// compressions; the tests check every key against it.
#[derive(Clone)]
pub struct Pseudonymiser {
    /// The state after the block `secret ^ ipad`.
    inner: [u32; 8],
    /// The state after the block `secret ^ opad`.
    outer: [u32; 8],
}

/// An HMAC block: the key's 64 bytes.
const BLOCK: u64 = 64;

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
        // RFC 2104: a key longer than a block is hashed first, a shorter one padded with zeros.
        let mut key = [0u8; 64];
        if secret.len() > key.len() {
            key[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            key[..secret.len()].copy_from_slice(secret);
        }
        let (mut inner, mut outer) = (INITIAL, INITIAL);
        compress_one(&mut inner, &[key.map(|b| b ^ 0x36)]);
        compress_one(&mut outer, &[key.map(|b| b ^ 0x5c)]);
        Ok(Pseudonymiser { inner, outer })
    }

    pub fn child_key(&self, child_id: &str) -> Key {
        self.key(CHILD, child_id)
    }

    /// Two children's keys at the cost of one: the two HMACs' compressions interleave.
    pub fn child_keys(&self, child_ids: [&str; 2]) -> [Key; 2] {
        match (
            one_block(CHILD, child_ids[0]),
            one_block(CHILD, child_ids[1]),
        ) {
            (Some(x), Some(y)) => {
                let (mut a, mut b) = (self.inner, self.inner);
                compress_two(&mut a, &mut b, &[x], &[y]);
                let (x, y) = (outer_block(&a), outer_block(&b));
                let (mut a, mut b) = (self.outer, self.outer);
                compress_two(&mut a, &mut b, &[x], &[y]);
                [Key(digest(&a)), Key(digest(&b))]
            }
            _ => child_ids.map(|id| self.child_key(id)),
        }
    }

    pub fn case_key(&self, case_id: &str) -> Key {
        self.key(CASE, case_id)
    }

    fn key(&self, domain: &[u8], id: &str) -> Key {
        let mut inner = self.inner;
        match one_block(domain, id) {
            Some(block) => compress_one(&mut inner, &[block]),
            None => {
                let message = [domain, b"\0", tidy(id).as_bytes()].concat();
                let (whole, tail) = message.as_chunks::<64>();
                compress_one(&mut inner, whole);
                let (last, used) = last_blocks(tail, BLOCK + message.len() as u64);
                compress_one(&mut inner, &last[..used]);
            }
        }
        let mut outer = self.outer;
        compress_one(&mut outer, &[outer_block(&inner)]);
        Key(digest(&outer))
    }
}

/// The domain tags: they keep a case id from ever sharing a key with a child id.
const CHILD: &[u8] = b"child";
const CASE: &[u8] = b"case";

/// Ids are compared the way exports differ: spacing and letter case do not matter.
fn tidy(id: &str) -> String {
    id.split_whitespace().collect::<String>().to_uppercase()
}

/// What is keyed (`domain`, a zero byte, the id), padded into the inner hash's one
/// block; `None` unless the id needs no tidying (ids as the software writes them,
/// "TE-64633-000123") and fits the block with its padding (49 bytes with "child").
fn one_block(domain: &[u8], id: &str) -> Option<[u8; 64]> {
    let len = domain.len() + 1 + id.len();
    let tidy = id
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_lowercase());
    if !tidy || len > 55 {
        return None;
    }
    let mut message = [0u8; 55];
    message[..domain.len()].copy_from_slice(domain);
    message[domain.len() + 1..len].copy_from_slice(id.as_bytes());
    Some(last_blocks(&message[..len], BLOCK + len as u64).0[0])
}

/// The outer hash's block: the inner digest, padded.
fn outer_block(inner: &[u32; 8]) -> [u8; 64] {
    last_blocks(&digest(inner), BLOCK + 32).0[0]
}

/// A child's or a case's key: the 32 bytes of the HMAC, written as 64 hex digits in the
/// clean tables. Held as bytes so that a row costs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The 64 lowercase hex digits, as bytes (ASCII).
    pub fn digits(&self) -> [u8; 64] {
        let mut digits = [0u8; 64];
        for (bytes, out) in self.0.chunks_exact(8).zip(digits.chunks_exact_mut(16)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes);
            out.copy_from_slice(&hex_digits_of_word(u64::from_be_bytes(word)));
        }
        digits
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
        f.write_str(std::str::from_utf8(&self.digits()).unwrap_or_default())
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({self})")
    }
}

/// The 16 lowercase hex digits of eight bytes (`word`, its first byte highest), in a few
/// word-wide steps rather than a table look-up a digit: every row of a national ingest
/// writes 64 of them.
fn hex_digits_of_word(word: u64) -> [u8; 16] {
    const LOW_NIBBLES: u128 = 0x0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
    // Each byte's two nibbles moved apart, one to a byte of a 128-bit word, in order:
    // byte i of `word` spread to bytes 2i and 2i+1 (high nibble first, from the top).
    let mut spread = u128::from(word);
    spread = (spread | (spread << 32)) & 0x0000_0000_ffff_ffff_0000_0000_ffff_ffff;
    spread = (spread | (spread << 16)) & 0x0000_ffff_0000_ffff_0000_ffff_0000_ffff;
    spread = (spread | (spread << 8)) & 0x00ff_00ff_00ff_00ff_00ff_00ff_00ff_00ff;
    let nibbles = (((spread >> 4) & LOW_NIBBLES) << 8) | (spread & LOW_NIBBLES);
    // A nibble of 10 or more gets a letter: 'a' is 39 past the digit '0' + 10 would be.
    let letters = ((nibbles + ONES * 6) >> 4) & ONES;
    (nibbles + ONES * u128::from(b'0') + letters * 39).to_be_bytes()
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

    /// The `hmac` crate's HMAC-SHA-256, the reference the keys must equal.
    fn reference(secret: &[u8], domain: &str, id: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        mac.update(id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn keys_are_the_hmac_of_the_domain_and_tidy_id_at_every_length_alone_or_in_pairs() {
        let short = b"0123456789abcdef0123".as_slice();
        let block = [b'k'; 64];
        let longer = [b'q'; 100];
        for secret in [short, &block, &longer] {
            let p = Pseudonymiser::new(secret).unwrap();
            // 49 bytes of id fill the one block with "child\0" and the padding; 50 do not.
            let ids: Vec<String> = [0, 1, 15, 48, 49, 50, 57, 58, 120, 200]
                .iter()
                .map(|&n| (0..n).map(|i| (b'A' + (i % 26) as u8) as char).collect())
                .collect();
            for a in &ids {
                assert_eq!(p.child_key(a).to_string(), reference(secret, "child", a));
                assert_eq!(p.case_key(a).to_string(), reference(secret, "case", a));
                for b in &ids {
                    let [ka, kb] = p.child_keys([a, b]);
                    assert_eq!(
                        ka.to_string(),
                        reference(secret, "child", a),
                        "{a} with {b}"
                    );
                    assert_eq!(
                        kb.to_string(),
                        reference(secret, "child", b),
                        "{b} with {a}"
                    );
                }
            }
            // Untidy ids are tidied, in pairs too.
            let [ka, kb] = p.child_keys([" te-1 ", "TE-2"]);
            assert_eq!(ka.to_string(), reference(secret, "child", "TE-1"));
            assert_eq!(kb, p.child_key("te-2"));
        }
    }

    #[test]
    fn a_word_is_written_as_its_sixteen_hex_digits_high_nibble_first() {
        for word in [
            0,
            u64::MAX,
            0x0123_4567_89ab_cdef,
            0xfedc_ba98_7654_3210,
            0x0a0b_0c0d_0e0f_9a10,
        ] {
            let digits = hex_digits_of_word(word);
            assert_eq!(
                std::str::from_utf8(&digits).unwrap(),
                format!("{word:016x}")
            );
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(Pseudonymiser::new(b"short").is_err());
    }
}

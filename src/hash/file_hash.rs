//! The sha256 of a file, with the `sha2` crate (which uses the processor's SHA
//! instructions where it has them). Every input is hashed before the ingest (its hash
//! decides whether it is read again) and every output after it (for the manifest).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Bytes read at a time: large reads, few system calls (a national year is 6.5 GB in).
const CHUNK: usize = 1 << 16;

/// The sha256 (hex) and length of a file.
pub type Hashed = std::io::Result<(String, u64)>;

/// One file's hash.
pub fn sha256_file(path: &Path) -> Hashed {
    let mut file = BufReader::with_capacity(CHUNK, File::open(path)?);
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((hex::encode(hasher.finalize()), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ from block to block: a block hashed twice or skipped changes
    /// the digest.
    fn data(length: usize) -> Vec<u8> {
        (0..length)
            .map(|i| ((i as u64 * 2654435761) >> 7) as u8)
            .collect()
    }

    #[test]
    fn a_file_hashes_as_its_bytes_do_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one");
        for length in [0, 1, 64, CHUNK - 1, CHUNK, 3 * CHUNK + 5] {
            let bytes = data(length);
            std::fs::write(&path, &bytes).unwrap();
            let expected = hex::encode(Sha256::digest(&bytes));
            assert_eq!(
                sha256_file(&path).unwrap(),
                (expected, length as u64),
                "length {length}"
            );
        }
        // The sha256 of nothing, as every implementation gives it.
        std::fs::write(&path, b"").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap().0,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = sha256_file(&dir.path().join("missing"));
        assert_eq!(missing.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    }
}

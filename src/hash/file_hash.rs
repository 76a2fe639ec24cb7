//! The sha256 of files, two at a time. Every input is hashed before the ingest (its hash
//! decides whether it is read again) and every output after it (for the manifest): a
//! national year is 6.5 GB in and 4 GB out, and hashing is the pipeline's single largest
//! cost after parsing. Two files read side by side are compressed in lock step
//! ([`sha256_two`](super::sha256_two)), each a block at a time, so that their rounds
//! interleave; padding follows FIPS 180-4 and the tests check every digest against `sha2`.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::sha256_two::{compress_one, compress_two, digest, last_blocks, INITIAL};

/// Bytes read from each file at a time: a multiple of the 64-byte block.
const CHUNK: usize = 1 << 16;

/// The sha256 (hex) and length of a file.
pub type Hashed = std::io::Result<(String, u64)>;

/// One file's hash.
pub fn sha256_file(path: &Path) -> Hashed {
    let mut stream = Stream::open(path)?;
    while !stream.done {
        stream.fill()?;
        let (state, blocks) = stream.state_and_blocks();
        compress_one(state, blocks);
        stream.consume()
    }
    Ok(stream.finish())
}

/// Two files' hashes, read and compressed side by side; each result is its own file's
/// (one unreadable file does not cost the other). Files of about the same size pair best:
/// once the shorter one ends, the rest of the longer is hashed as one stream.
pub fn sha256_pair(a_path: &Path, b_path: &Path) -> [Hashed; 2] {
    let (mut a, mut b) = match (Stream::open(a_path), Stream::open(b_path)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => return [Err(e), sha256_file(b_path)],
        (_, Err(e)) => return [sha256_file(a_path), Err(e)],
    };
    // A stream's result, once it has ended or failed.
    let mut results: [Option<Hashed>; 2] = [None, None];
    while results.iter().any(Option::is_none) {
        for (stream, result) in [&mut a, &mut b].into_iter().zip(results.iter_mut()) {
            if result.is_none() {
                if let Err(e) = stream.fill() {
                    *result = Some(Err(e));
                }
            }
        }
        // As many blocks of each as both have, in pairs while both are read.
        let paired = match &results {
            [None, None] => {
                let ((sa, x), (sb, y)) = (a.state_and_blocks(), b.state_and_blocks());
                let n = x.len().min(y.len());
                compress_two(sa, sb, &x[..n], &y[..n]);
                n
            }
            _ => 0,
        };
        for (stream, result) in [&mut a, &mut b].into_iter().zip(results.iter_mut()) {
            if result.is_none() {
                let (state, blocks) = stream.state_and_blocks();
                compress_one(state, &blocks[paired..]);
                stream.consume();
                if stream.done {
                    *result = Some(Ok(stream.finish()));
                }
            }
        }
    }
    results.map(|r| r.unwrap_or_else(|| Err(std::io::Error::other("not hashed"))))
}

/// A file being hashed: its state after the blocks so far and the bytes read but not yet
/// compressed (fewer than a block, but at the end).
struct Stream {
    file: File,
    state: [u32; 8],
    buffer: Box<[u8]>,
    filled: usize,
    bytes: u64,
    done: bool,
}

impl Stream {
    fn open(path: &Path) -> std::io::Result<Stream> {
        Ok(Stream {
            file: File::open(path)?,
            state: INITIAL,
            buffer: vec![0u8; CHUNK].into_boxed_slice(),
            filled: 0,
            bytes: 0,
            done: false,
        })
    }

    /// Reads until the buffer is full or the file ends: a buffer not at the end holds
    /// whole blocks only.
    fn fill(&mut self) -> std::io::Result<()> {
        while self.filled < CHUNK {
            match self.file.read(&mut self.buffer[self.filled..]) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The state and the buffer's whole blocks, to compress into it.
    fn state_and_blocks(&mut self) -> (&mut [u32; 8], &[[u8; 64]]) {
        (
            &mut self.state,
            self.buffer[..self.filled].as_chunks::<64>().0,
        )
    }

    /// Counts the buffer's whole blocks as hashed; a tail (only at the end) stays.
    fn consume(&mut self) {
        let whole = self.filled / 64 * 64;
        self.bytes += whole as u64;
        self.buffer.copy_within(whole..self.filled, 0);
        self.filled -= whole;
    }

    /// Pads the tail (FIPS 180-4, 5.1.1) and returns the hex digest and the length.
    fn finish(&mut self) -> (String, u64) {
        let length = self.bytes + self.filled as u64;
        let (last, used) = last_blocks(&self.buffer[..self.filled], length);
        compress_one(&mut self.state, &last[..used]);
        (hex::encode(digest(&self.state)), length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256_two::sample_bytes as data;
    use sha2::{Digest, Sha256};

    fn expected(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_hashes_as_sha2_does_at_every_padding_edge_and_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        for length in [
            0,
            1,
            55,
            56,
            63,
            64,
            65,
            119,
            120,
            128,
            CHUNK - 1,
            CHUNK,
            CHUNK + 57,
            3 * CHUNK + 5,
        ] {
            let bytes = data(length, 7);
            let path = write(dir.path(), "one", &bytes);
            let (hex, n) = sha256_file(&path).unwrap();
            assert_eq!(
                (hex, n),
                (expected(&bytes), length as u64),
                "length {length}"
            );
        }
    }

    #[test]
    fn two_files_hash_together_as_each_alone_whatever_their_lengths() {
        let dir = tempfile::tempdir().unwrap();
        let lengths = [
            0,
            3,
            64,
            200,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK + 100,
            5 * CHUNK - 9,
        ];
        for &la in &lengths {
            for &lb in &lengths {
                let (x, y) = (data(la, 1), data(lb, 2));
                let a = write(dir.path(), "a", &x);
                let b = write(dir.path(), "b", &y);
                let [ha, hb] = sha256_pair(&a, &b);
                assert_eq!(ha.unwrap(), (expected(&x), la as u64), "{la} with {lb}");
                assert_eq!(hb.unwrap(), (expected(&y), lb as u64), "{lb} with {la}");
            }
        }
    }

    #[test]
    fn a_missing_file_is_its_own_error_and_the_other_is_still_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = data(CHUNK + 3, 9);
        let there = write(dir.path(), "there", &bytes);
        let missing = dir.path().join("missing");
        let [first, second] = sha256_pair(&missing, &there);
        assert_eq!(first.unwrap_err().kind(), std::io::ErrorKind::NotFound);
        assert_eq!(second.unwrap().0, expected(&bytes));
        let [first, second] = sha256_pair(&there, &missing);
        assert_eq!(first.unwrap().0, expected(&bytes));
        assert!(second.is_err());
    }
}

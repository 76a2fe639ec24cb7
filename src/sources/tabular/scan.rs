//! The first pass over a line: where its delimiters are, and where it ends — at its newline,
//! or at a quote, after which `csv_core` reads the record.
//!
//! Every byte of every record passes here. Asking `memchr` for the next of the three bytes
//! costs a call and a vector load per cell, a dozen a registry line; here sixteen bytes at
//! a time become one bit mask of the three (SSE2, which every x86-64 processor has), and
//! its bits are the cells' ends. Elsewhere the bytes are read one by one; a test holds the
//! two to the same answers.

/// What the first pass over a line found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// Its newline, this many bytes on, and no quote before it.
    Line(usize),
    /// A quote: `csv_core` reads the record.
    Quote,
    /// Neither, in the bytes there are.
    Nothing,
}

/// Pushes to `ends` the offset of every `delimiter` in `bytes` up to its first newline or
/// quote, and says which came first, if either.
pub(super) fn line(bytes: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> Found {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every processor that runs this
        // binary has it.
        unsafe { line_sse2(bytes, delimiter, ends) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        line_bytes(bytes, delimiter, ends)
    }
}

/// Sixteen bytes at a time; the last few padded with zeros, which none of the three is (a
/// delimiter is one of `,;\t|`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn line_sse2(bytes: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> Found {
    use std::arch::x86_64::*;
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    let (delimiters, quotes, newlines) = (splat(delimiter), splat(b'"'), splat(b'\n'));
    let mut at = 0;
    while at < bytes.len() {
        let block: [u8; 16] = match bytes.get(at..at + 16) {
            Some(full) => full.try_into().unwrap_or([0; 16]),
            None => {
                let mut padded = [0; 16];
                let rest = bytes.get(at..).unwrap_or_default();
                padded[..rest.len()].copy_from_slice(rest);
                padded
            }
        };
        let whole = u128::from_le_bytes(block);
        let v = _mm_set_epi64x((whole >> 64) as i64, whole as i64);
        let hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, delimiters), _mm_cmpeq_epi8(v, quotes)),
            _mm_cmpeq_epi8(v, newlines),
        );
        let mut mask = _mm_movemask_epi8(hits) as u32;
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            match block[i] {
                b'\n' => return Found::Line(at + i),
                b'"' => return Found::Quote,
                _ => ends.push(at + i),
            }
            mask &= mask - 1;
        }
        at += 16;
    }
    Found::Nothing
}

/// One byte at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn line_bytes(bytes: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> Found {
    for (at, byte) in bytes.iter().enumerate() {
        match *byte {
            b'\n' => return Found::Line(at),
            b'"' => return Found::Quote,
            b if b == delimiter => ends.push(at),
            _ => {}
        }
    }
    Found::Nothing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(bytes: &[u8], delimiter: u8) -> (Found, Vec<usize>) {
        let mut ends = Vec::new();
        (line(bytes, delimiter, &mut ends), ends)
    }

    #[test]
    fn a_line_ends_at_its_newline_with_its_delimiters_found() {
        let line_text = "TE-64633-000123,Nguyễn Văn A,2015-03-02,Nam,Gia Rai,64633,,,\nnext,line";
        let (found, ends) = scanned(line_text.as_bytes(), b',');
        assert_eq!(found, Found::Line(line_text.find('\n').unwrap()));
        let expected: Vec<usize> = line_text
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .filter(|(_, c)| *c == ',')
            .map(|(i, _)| i)
            .collect();
        assert_eq!(ends, expected);
        assert_eq!(ends.len(), 8);
    }

    #[test]
    fn a_quote_stops_the_scan_and_so_does_the_end_of_the_bytes() {
        assert_eq!(scanned(b"a;b;\"c;d\"\n", b';'), (Found::Quote, vec![1, 3]));
        assert_eq!(scanned(b"a\tb\tc", b'\t'), (Found::Nothing, vec![1, 3]));
        assert_eq!(scanned(b"", b','), (Found::Nothing, vec![]));
        // A newline at the last byte of a block, and at the first of the next.
        assert_eq!(
            scanned(b"0123456789abcde\n", b','),
            (Found::Line(15), vec![])
        );
        assert_eq!(
            scanned(b"0123456789,bcdef\n", b','),
            (Found::Line(16), vec![10])
        );
    }

    #[test]
    fn sixteen_at_a_time_agrees_with_one_at_a_time() {
        // Every length up to three blocks, with the three bytes at every place.
        let alphabet = [b'a', b',', b'"', b'\n', 0xE1, b' ', b';'];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for length in 0..50 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..length)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        alphabet[(state % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let mut one_by_one = Vec::new();
                let want = line_bytes(&bytes, b',', &mut one_by_one);
                let (got, ends) = scanned(&bytes, b',');
                assert_eq!((got, &ends), (want, &one_by_one), "{bytes:?}");
            }
        }
    }
}

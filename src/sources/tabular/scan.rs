//! The first pass over a line: where its delimiters are, and where it ends — at its newline,
//! or at a quote, after which `csv_core` reads the record.
//!
//! Every byte of every record passes here. Asking `memchr` for the next of the three bytes
//! costs a call and a vector load per cell, a dozen a registry line; here thirty-two bytes
//! at a time (AVX2; sixteen with SSE2, which every x86-64 processor has) become one bit
//! mask of the three, and its bits are the cells' ends. Elsewhere the bytes are read one by one; a test holds the
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
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as just asked (the answer is cached).
            return unsafe { line_avx2(bytes, delimiter, ends) };
        }
        // SAFETY: SSE2 is part of the x86-64 baseline: every processor that runs this
        // binary has it.
        unsafe { line_sse2(bytes, delimiter, ends) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        line_bytes(bytes, delimiter, ends)
    }
}

/// A scan `$width` bytes at a time with one instruction set's compare and mask; the last
/// few bytes padded with zeros, which none of the three is (a delimiter is one of `,;\t|`).
macro_rules! line_simd {
    ($name:ident, $feature:literal, $width:literal, $vector:ident,
     $load:ident, $splat:ident, $equal:ident, $or:ident, $mask:ident) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        fn $name(bytes: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> Found {
            use std::arch::x86_64::*;
            let splat = |b: u8| $splat(b as i8);
            let (delimiters, quotes, newlines) = (splat(delimiter), splat(b'"'), splat(b'\n'));
            let mut at = 0;
            while at < bytes.len() {
                let block: [u8; $width] = match bytes.get(at..at + $width) {
                    Some(full) => full.try_into().unwrap_or([0; $width]),
                    None => {
                        let mut padded = [0; $width];
                        let rest = bytes.get(at..).unwrap_or_default();
                        padded[..rest.len()].copy_from_slice(rest);
                        padded
                    }
                };
                // SAFETY: `block` is exactly one vector's bytes; the load is unaligned.
                let v = unsafe { $load(block.as_ptr() as *const $vector) };
                let hits = $or(
                    $or($equal(v, delimiters), $equal(v, quotes)),
                    $equal(v, newlines),
                );
                let mut mask = $mask(hits) as u32;
                while mask != 0 {
                    let i = mask.trailing_zeros() as usize;
                    match block[i] {
                        b'\n' => return Found::Line(at + i),
                        b'"' => return Found::Quote,
                        _ => ends.push(at + i),
                    }
                    mask &= mask - 1;
                }
                at += $width;
            }
            Found::Nothing
        }
    };
}

line_simd!(
    line_sse2,
    "sse2",
    16,
    __m128i,
    _mm_loadu_si128,
    _mm_set1_epi8,
    _mm_cmpeq_epi8,
    _mm_or_si128,
    _mm_movemask_epi8
);
line_simd!(
    line_avx2,
    "avx2",
    32,
    __m256i,
    _mm256_loadu_si256,
    _mm256_set1_epi8,
    _mm256_cmpeq_epi8,
    _mm256_or_si256,
    _mm256_movemask_epi8
);

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
    fn thirty_two_and_sixteen_at_a_time_agree_with_one_at_a_time() {
        // Every length up to three blocks, with the three bytes at every place.
        let alphabet = [b'a', b',', b'"', b'\n', 0xE1, b' ', b';'];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for length in 0..100 {
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
                // SAFETY: SSE2 is x86-64's baseline (the dispatch above may have taken AVX2).
                let mut sixteen = Vec::new();
                let got = unsafe { line_sse2(&bytes, b',', &mut sixteen) };
                assert_eq!((got, &sixteen), (want, &one_by_one), "{bytes:?}");
            }
        }
    }
}

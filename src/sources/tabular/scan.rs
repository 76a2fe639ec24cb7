//! The first pass over a line: where its delimiters are, and where it ends — at its newline,
//! or at a quote, after which `csv_core` reads the record. Every byte of every record passes
//! here; `memchr` finds the three bytes with the processor's vector instructions, as
//! ripgrep's line reader finds its newlines.

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
    for at in memchr::memchr3_iter(delimiter, b'"', b'\n', bytes) {
        match bytes.get(at) {
            Some(b'\n') => return Found::Line(at),
            Some(b'"') => return Found::Quote,
            _ => ends.push(at),
        }
    }
    Found::Nothing
}

/// One byte at a time: the reference the scan is tested against.
#[cfg(test)]
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
    fn the_scan_agrees_with_one_byte_at_a_time() {
        // Every length up to three of memchr's vectors, with the three bytes at every place.
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
            }
        }
    }
}

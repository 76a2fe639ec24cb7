//! The quick check of text that is not trimmed, a whole record at a time: `Some(true)` when
//! it is printable, single-spaced and NFC for sure, `Some(false)` when it is not, `None`
//! when a character outside ASCII and the Vietnamese letters needs the full check. The
//! bytes are valid UTF-8.
//!
//! Every byte of every record read passes here, so it goes many bytes at a time with no
//! branch on what they hold: Vietnamese text mixes one-, two- and three-byte characters
//! too unpredictably for a branch a byte. On x86-64, thirty-two bytes a step with AVX2 where
//! the processor has it, else sixteen with SSE2 (every such processor has that); elsewhere,
//! eight a step in a machine word. All answer `Some(true)` for the same texts; a test holds
//! them to it.
//!
//! What counts as plain: no control (under U+0020) and no DEL; no two spaces in a row; and
//! outside ASCII only lead bytes C3–C6 (U+00C0–U+01BF) or E1 followed by B8–BB
//! (U+1E00–U+1EFF), the precomposed Vietnamese letters, NFC all of them.

/// Whether whole lines, each ended by its newline, are each plain for sure (`plain` of each
/// line is `Some(true)`): a reader's buffer checked a stretch of lines at a time, so that a
/// line found inside such a stretch needs no check of its own. `false` says only that some
/// line may not be.
pub(crate) fn plain_lines(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as just asked (the answer is cached).
            return unsafe { plain_lines_avx2(bytes) } == Some(true);
        }
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { plain_lines_sse2(bytes) == Some(true) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        plain_words(bytes, true) == Some(true)
    }
}

/// See the module: the check of this processor.
pub(super) fn plain(bytes: &[u8]) -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as just asked (the answer is cached).
            return unsafe { plain_avx2(bytes) };
        }
        // SAFETY: SSE2 is part of the x86-64 baseline: every processor that runs this
        // binary has it.
        unsafe { plain_sse2(bytes) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        plain_words(bytes, false)
    }
}

/// The check on one processor's vector registers, `width` bytes at a time, each test a
/// byte-wise comparison turned into a bit mask: written once for SSE2 and AVX2, which differ
/// only in their registers' width and their instructions' names.
macro_rules! plain_simd {
    // The check of one record, and of whole lines (a newline allowed between them).
    ($name:ident, $lines_name:ident, $feature:literal, $width:literal, $vector:ident,
     $($instructions:ident),+) => {
        plain_simd!(@one $name, false, $feature, $width, $vector, $($instructions),+);
        plain_simd!(@one $lines_name, true, $feature, $width, $vector, $($instructions),+);
    };
    (@one $name:ident, $newlines:literal, $feature:literal, $width:literal, $vector:ident,
     $load:ident, $splat:ident, $gt:ident, $eq:ident, $and:ident, $andnot:ident, $or:ident,
     $movemask:ident) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        fn $name(bytes: &[u8]) -> Option<bool> {
            use std::arch::x86_64::*;
            let splat = |b: u8| $splat(b as i8);
            // The bytes at `at`, padded with letters past the end.
            let block = |at: usize| match bytes.get(at..at + $width) {
                // SAFETY: an unaligned load of the bytes of `full`, all in bounds.
                Some(full) => unsafe { $load(full.as_ptr().cast::<$vector>()) },
                None => {
                    let mut chunk = [b'a'; $width];
                    let rest = bytes.get(at..).unwrap_or_default();
                    let n = rest.len().min($width);
                    chunk[..n].copy_from_slice(&rest[..n]);
                    // SAFETY: an unaligned load of the bytes of `chunk`.
                    unsafe { $load(chunk.as_ptr().cast::<$vector>()) }
                }
            };
            let mask = |v: $vector| $movemask(v) as u32;
            let last = 1u32 << ($width - 1);
            let mut previous_space = false;
            let mut i = 0;
            while i < bytes.len() {
                let v = block(i);
                // As signed bytes, a control is 0..0x1F; 0x80 and up are negative.
                let control = $or(
                    $and($gt(splat(0x20), v), $gt(v, splat(0xFF))),
                    $eq(v, splat(0x7F)),
                );
                // Lines checked together: a newline is where one ends, not a control.
                let control = match $newlines {
                    true => $andnot($eq(v, splat(b'\n')), control),
                    false => control,
                };
                let spaces = mask($eq(v, splat(b' ')));
                if mask(control) != 0
                    || spaces & (spaces << 1) != 0
                    || (previous_space && spaces & 1 != 0)
                {
                    return Some(false);
                }
                previous_space = spaces & last != 0;
                // Lead bytes (11xxxxxx) are C0..FF, as signed bytes -64..-1.
                let high = mask(v);
                let leads = mask($gt(v, splat(0xBF))) & high;
                if leads != 0 {
                    let c3_to_c6 = mask($and($gt(v, splat(0xC2)), $gt(splat(0xC7), v)));
                    let e1 = mask($eq(v, splat(0xE1)));
                    let after = block(i + 1);
                    let e1_range = mask($eq($and(after, splat(0xFC)), splat(0xB8)));
                    if leads & !(c3_to_c6 | e1) != 0 || e1 & !e1_range != 0 {
                        return None;
                    }
                }
                i += $width;
            }
            Some(true)
        }
    };
}

plain_simd!(
    plain_sse2,
    plain_lines_sse2,
    "sse2",
    16,
    __m128i,
    _mm_loadu_si128,
    _mm_set1_epi8,
    _mm_cmpgt_epi8,
    _mm_cmpeq_epi8,
    _mm_and_si128,
    _mm_andnot_si128,
    _mm_or_si128,
    _mm_movemask_epi8
);
plain_simd!(
    plain_avx2,
    plain_lines_avx2,
    "avx2",
    32,
    __m256i,
    _mm256_loadu_si256,
    _mm256_set1_epi8,
    _mm256_cmpgt_epi8,
    _mm256_cmpeq_epi8,
    _mm256_and_si256,
    _mm256_andnot_si256,
    _mm256_or_si256,
    _mm256_movemask_epi8
);

/// Eight bytes at a time in a machine word (SWAR).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn plain_words(bytes: &[u8], newlines: bool) -> Option<bool> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut previous_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let word = match bytes.get(i..i + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])),
            None => {
                // The last few bytes, padded with letters.
                let mut tail = [b'a'; 8];
                let rest = bytes.get(i..).unwrap_or_default();
                tail[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(tail)
            }
        };
        // A control (under 0x20: taking 0x20 borrows) or DEL; two spaces in a row.
        let delete = word ^ (0x7F * ONES);
        let control = (word.wrapping_sub(0x20 * ONES) & !word & HIGH)
            | (delete.wrapping_sub(ONES) & !delete & HIGH);
        // Lines checked together: a newline is where one ends, not a control.
        let control = match newlines {
            true => control & !zero_bytes(word ^ (u64::from(b'\n') * ONES)),
            false => control,
        };
        let spaces = zero_bytes(word ^ (0x20 * ONES));
        if control != 0 || spaces & (spaces << 8) != 0 || (previous_space && spaces & 0x80 != 0) {
            return Some(false);
        }
        previous_space = spaces >> 63 != 0;
        // Lead bytes tested on their low six bits, where no byte's sum carries into the next.
        let leads = word & (word << 1) & HIGH;
        if leads != 0 {
            let low = word & (0x3F * ONES);
            let c3_to_c6 = (low + (0x7D * ONES)) & !(low + (0x79 * ONES)) & HIGH;
            let e1 = zero_bytes(low ^ (0x21 * ONES)) & leads;
            let next = u64::from(bytes.get(i + 8).copied().unwrap_or(0));
            let after = (word >> 8) | (next << 56);
            let e1_range = zero_bytes((after & (0xFC * ONES)) ^ (0xB8 * ONES));
            if leads & !(c3_to_c6 | e1) != 0 || e1 & !e1_range != 0 {
                return None;
            }
        }
        i += 8;
    }
    Some(true)
}

/// The high bit of each byte of `v` that is zero, exactly (no carry between bytes).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn zero_bytes(v: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((v & LOW7) + LOW7) | v) & 0x8080_8080_8080_8080
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts at every position of a 32-, a 16- and an 8-byte step: each special byte at the
    /// start, middle and end of a step and across two.
    fn cases() -> Vec<String> {
        let specials = [
            " ", "  ", "\t", "\u{7f}", "\r", "ă", "Ầ", "ệ", "ữ", "Đ", "ơ", "ư", "é", "\u{00A0}",
            "\u{0301}", "\u{200B}", "中", "€", "a b", "ẻ ", " ỹ", "\u{1E00}", "\u{1EFF}",
            "\u{1DFF}", "\u{1F00}", "¿", "ǅ", "\u{E000}",
        ];
        let mut out = vec![String::new()];
        for special in specials {
            for before in 0..66 {
                for after in [0, 1, 7, 15, 16, 17, 31, 32, 33] {
                    out.push(format!(
                        "{}{special}{}",
                        "x".repeat(before),
                        "y".repeat(after)
                    ));
                }
            }
        }
        out.push("Nguyễn Thị Hằng;Trợ cấp xã hội;Hỗ trợ giáo dục,TE-64623-000117".into());
        out
    }

    #[test]
    fn the_checks_of_every_processor_pass_the_same_texts() {
        for text in cases() {
            let words = plain_words(text.as_bytes(), false) == Some(true);
            assert_eq!(plain(text.as_bytes()) == Some(true), words, "{text:?}");
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is x86-64's baseline; AVX2 is asked for first.
                let sse2 = unsafe { plain_sse2(text.as_bytes()) };
                assert_eq!(sse2 == Some(true), words, "{text:?}");
                if std::is_x86_feature_detected!("avx2") {
                    let avx2 = unsafe { plain_avx2(text.as_bytes()) };
                    assert_eq!(avx2 == Some(true), words, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn lines_checked_together_are_plain_only_when_each_line_is() {
        let texts = cases();
        // Every case as a line, then in blocks of a few lines (a newline at every position
        // of a step), alone and with a plain Vietnamese line around it.
        let mut blocks: Vec<Vec<&str>> = texts.iter().map(|t| vec![t.as_str()]).collect();
        let around = "Nguyễn Thị Hằng,Trợ cấp xã hội";
        for chunk in texts.chunks(3) {
            let mut lines: Vec<&str> = chunk.iter().map(String::as_str).collect();
            blocks.push(lines.clone());
            lines.insert(0, around);
            lines.push(around);
            blocks.push(lines);
        }
        for lines in blocks {
            let joined: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let each = lines.iter().all(|l| plain(l.as_bytes()) == Some(true));
            assert_eq!(plain_lines(joined.as_bytes()), each, "{joined:?}");
            // The machine-word check may refuse more (a space after a newline), never less.
            if plain_words(joined.as_bytes(), true) == Some(true) {
                assert!(each, "{joined:?}");
            }
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is x86-64's baseline.
                let sse2 = unsafe { plain_lines_sse2(joined.as_bytes()) };
                assert_eq!(sse2 == Some(true), each, "{joined:?}");
            }
        }
        // A newline inside a line's text is still refused by the one-line check.
        assert_ne!(plain("a\nb".as_bytes()), Some(true));
        assert!(plain_lines("a\nb\n".as_bytes()));
        assert!(!plain_lines("a\r\nb\n".as_bytes()));
    }

    #[test]
    fn plain_is_what_the_module_says() {
        let plain_text = |s: &str| plain(s.as_bytes()) == Some(true);
        assert!(plain_text("Nguyễn Bảo Hằng, Đắk Đoa; Trợ giúp xã hội"));
        assert!(plain_text(&"Hỗ trợ ".repeat(20)));
        assert!(!plain_text("a  b"));
        assert!(!plain_text(&format!("{}  b", "a".repeat(15))));
        assert!(!plain_text("a\tb"));
        assert!(!plain_text("a\u{7f}"));
        assert!(!plain_text("e\u{0301}"));
        assert!(!plain_text("x\u{200B}"));
        assert!(!plain_text(&format!("{}\u{1F00}", "a".repeat(15))));
        // A lead byte E1 as the last byte of a step, its next byte in the next step.
        assert!(plain_text(&format!("{}ệ", "a".repeat(15))));
    }
}

//! The quick check of text that is not trimmed, a whole record at a time: `Some(true)` when
//! it is printable, single-spaced and NFC for sure, `Some(false)` when it is not, `None`
//! when a character outside ASCII and the Vietnamese letters needs the full check. The
//! bytes are valid UTF-8.
//!
//! It is ours because no crate asks this question, and every byte of every record read
//! passes here: the full check it stands in for (`is_clean_unicode`, every character
//! decoded, NFC asked of `unicode-normalization`) costs some twenty times as much, which
//! on a national snapshot would be about half the ingest. It goes a step of bytes at a
//! time with no branch on what they hold — Vietnamese text mixes one-, two- and three-byte
//! characters too unpredictably for a branch a byte — in plain code that the compiler
//! turns into vector instructions. Its tests hold it to the full check.
//!
//! What counts as plain: no control (under U+0020) and no DEL; no two spaces in a row; and
//! outside ASCII only lead bytes C3–C6 (U+00C0–U+01BF) or E1 followed by B8–BB
//! (U+1E00–U+1EFF), the precomposed Vietnamese letters, NFC all of them.

/// Whether whole lines, each ended by its newline, are each plain for sure (`plain` of each
/// line is `Some(true)`): a reader's buffer checked a stretch of lines at a time, so that a
/// line found inside such a stretch needs no check of its own. `false` says only that some
/// line may not be.
pub(crate) fn plain_lines(bytes: &[u8]) -> bool {
    plain_steps(bytes, true) == Some(true)
}

/// See the module.
pub(super) fn plain(bytes: &[u8]) -> Option<bool> {
    plain_steps(bytes, false)
}

/// Bytes looked at a step.
const STEP: usize = 32;

/// The check, a step of bytes at a time: each byte's tests are plain comparisons folded into
/// two flags, with no branch inside a step, which the compiler turns into vector
/// instructions (SSE2, x86-64's baseline). A byte's neighbour (for two spaces, or the byte
/// after an E1) is the next byte of the same slice, so nothing is carried from step to step.
fn plain_steps(bytes: &[u8], newlines: bool) -> Option<bool> {
    let mut at = 0;
    while at < bytes.len() {
        // The step's bytes and the one after, padded with letters past the end.
        let mut padded = [b'a'; STEP + 1];
        let step: &[u8; STEP + 1] = match bytes
            .get(at..at + STEP + 1)
            .and_then(|full| full.try_into().ok())
        {
            Some(full) => full,
            None => {
                let rest = bytes.get(at..).unwrap_or_default();
                let n = rest.len().min(STEP + 1);
                padded[..n].copy_from_slice(&rest[..n]);
                &padded
            }
        };
        let (mut refused, mut unknown) = (false, false);
        for i in 0..STEP {
            let (byte, next) = (step[i], step[i + 1]);
            // Lines checked together: a newline is where one ends, not a control.
            let control = (byte < 0x20 && !(newlines && byte == b'\n')) | (byte == 0x7F);
            refused |= control | ((byte == b' ') & (next == b' '));
            // Lead bytes (11xxxxxx) are C0 and up: C3–C6, or E1 before B8–BB.
            let vietnamese =
                (byte.wrapping_sub(0xC3) < 4) | ((byte == 0xE1) & ((next & 0xFC) == 0xB8));
            unknown |= (byte >= 0xC0) & !vietnamese;
        }
        if refused {
            return Some(false);
        }
        if unknown {
            return None;
        }
        at += STEP;
    }
    Some(true)
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
    fn the_quick_check_agrees_with_the_full_check_whenever_it_answers() {
        // The full check (`is_clean_unicode`: every character looked at, NFC by the
        // `unicode-normalization` crate) is what the quick check stands in for. Edges are
        // `is_clean`'s to look at, not this check's.
        let mut answered = 0;
        for text in cases() {
            if text.is_empty() || text.starts_with(' ') || text.ends_with(' ') {
                continue;
            }
            if let Some(plain) = plain(text.as_bytes()) {
                assert_eq!(plain, super::super::is_clean_unicode(&text), "{text:?}");
                answered += 1;
            }
        }
        // It answers for ASCII and the Vietnamese letters, which is nearly every case.
        assert!(answered > 10_000, "{answered}");
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
            // It may refuse more (a space after a newline), never less.
            if plain_lines(joined.as_bytes()) {
                assert!(each, "{joined:?}");
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

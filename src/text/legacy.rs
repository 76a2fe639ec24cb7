//! The pre-Unicode Vietnamese font encodings still found in old district files: TCVN3
//! (ABC) and VNI-Windows.
//!
//! Neither is known to `encoding_rs`, so the tables live here. TCVN3 is one byte per
//! letter; the table is that of TCVN 5712:1993 (VN1) as libiconv ships it, whose
//! lowercase half is exactly the ABC fonts' and whose uppercase letters sit in
//! 0x80–0x9F and a few control positions. VNI writes a plain ASCII base letter followed
//! by one byte carrying the circumflex/breve and/or the tone, so it is decoded into base
//! letters plus combining marks and then composed with NFC. Both decoders are total:
//! every byte sequence gives some text, and `encoding::decode` judges which reading is
//! Vietnamese.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::compose;
use unicode_normalization::UnicodeNormalization;

/// TCVN 5712 (VN1) bytes 0x80–0xFF as Unicode code points.
const TCVN3_HIGH: [u16; 128] = [
    // 0x80
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8, //
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128, //
    // 0x90
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8, //
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168, //
    // 0xA0
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110, //
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0, //
    // 0xB0: the five tone marks as combining characters, then lowercase letters.
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3, //
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4, //
    // 0xC0
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7, //
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD, //
    // 0xD0
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC, //
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2, //
    // 0xE0
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7, //
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9, //
    // 0xF0
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF, //
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0, //
];

/// Control-range bytes that VN1 reuses for uppercase letters with tones that did not fit
/// in the upper half. Tab, newline and carriage return keep their meaning.
const TCVN3_LOW: [(u8, char); 12] = [
    (0x01, 'Ú'),
    (0x02, 'Ụ'),
    (0x04, 'Ừ'),
    (0x05, 'Ử'),
    (0x06, 'Ữ'),
    (0x11, 'Ứ'),
    (0x12, 'Ự'),
    (0x13, 'Ỳ'),
    (0x14, 'Ỷ'),
    (0x15, 'Ỹ'),
    (0x16, 'Ý'),
    (0x17, 'Ỵ'),
];

fn tcvn3_char(byte: u8) -> char {
    if byte >= 0x80 {
        char::from_u32(u32::from(TCVN3_HIGH[usize::from(byte - 0x80)])).unwrap_or('\u{FFFD}')
    } else {
        TCVN3_LOW
            .iter()
            .find(|(b, _)| *b == byte)
            .map_or(char::from(byte), |(_, c)| *c)
    }
}

/// Decodes TCVN3 (ABC) bytes to NFC text.
pub fn decode_tcvn3(bytes: &[u8]) -> String {
    // The table has separate combining tone marks (0xB0–0xB4); NFC folds them into the
    // letter before them.
    bytes.iter().map(|&b| tcvn3_char(b)).nfc().collect()
}

fn tcvn3_reverse() -> &'static HashMap<char, u8> {
    static TABLE: OnceLock<HashMap<char, u8>> = OnceLock::new();
    TABLE.get_or_init(|| (0u8..=0xFF).map(|b| (tcvn3_char(b), b)).collect())
}

/// Encodes text as TCVN3 bytes, or `None` if a character has no TCVN3 form.
pub fn encode_tcvn3(s: &str) -> Option<Vec<u8>> {
    let table = tcvn3_reverse();
    let mut out = Vec::with_capacity(s.len());
    for c in s.nfc() {
        if let Some(&b) = table.get(&c) {
            out.push(b);
            continue;
        }
        // A letter missing from the table may still be written as a letter that is in it
        // followed by one of the five combining tone marks (0xB0–0xB4).
        let mut parts = c.to_string().nfd().collect::<Vec<_>>().into_iter();
        let base = parts.next()?;
        let marks: Vec<char> = parts.collect();
        let (&tone, letter_marks) = marks.split_last()?;
        let letter = letter_marks
            .iter()
            .try_fold(base, |acc, &m| compose(acc, m))?;
        out.push(*table.get(&letter)?);
        out.push(*table.get(&tone)?);
    }
    Some(out)
}

/// What a VNI byte means: a whole letter, or marks that follow the base letter.
#[derive(Clone, Copy)]
enum VniPiece {
    Letter(char),
    Marks(&'static [char]),
}

const ACUTE: char = '\u{0301}';
const GRAVE: char = '\u{0300}';
const HOOK: char = '\u{0309}';
const TILDE: char = '\u{0303}';
const DOT: char = '\u{0323}';
const CIRCUMFLEX: char = '\u{0302}';
const BREVE: char = '\u{0306}';
const HORN: char = '\u{031B}';

/// VNI-Windows bytes from 0xC0 up, uppercase form; the lowercase form is the same byte
/// plus 0x20 and means the same marks (or the lowercase letter).
const VNI_UPPER: [(u8, VniPiece); 26] = [
    (0xD9, VniPiece::Marks(&[ACUTE])),
    (0xD8, VniPiece::Marks(&[GRAVE])),
    (0xDB, VniPiece::Marks(&[HOOK])),
    (0xD5, VniPiece::Marks(&[TILDE])),
    (0xCF, VniPiece::Marks(&[DOT])),
    (0xC2, VniPiece::Marks(&[CIRCUMFLEX])),
    (0xC1, VniPiece::Marks(&[CIRCUMFLEX, ACUTE])),
    (0xC0, VniPiece::Marks(&[CIRCUMFLEX, GRAVE])),
    (0xC5, VniPiece::Marks(&[CIRCUMFLEX, HOOK])),
    (0xC3, VniPiece::Marks(&[CIRCUMFLEX, TILDE])),
    (0xC4, VniPiece::Marks(&[CIRCUMFLEX, DOT])),
    (0xCA, VniPiece::Marks(&[BREVE])),
    (0xC9, VniPiece::Marks(&[BREVE, ACUTE])),
    (0xC8, VniPiece::Marks(&[BREVE, GRAVE])),
    (0xDA, VniPiece::Marks(&[BREVE, HOOK])),
    (0xDC, VniPiece::Marks(&[BREVE, TILDE])),
    (0xCB, VniPiece::Marks(&[BREVE, DOT])),
    (0xD4, VniPiece::Letter('Ơ')),
    (0xD6, VniPiece::Letter('Ư')),
    (0xD1, VniPiece::Letter('Đ')),
    (0xCD, VniPiece::Letter('Í')),
    (0xCC, VniPiece::Letter('Ì')),
    (0xC6, VniPiece::Letter('Ỉ')),
    (0xD3, VniPiece::Letter('Ĩ')),
    (0xD2, VniPiece::Letter('Ị')),
    (0xCE, VniPiece::Letter('Ỵ')),
];

fn vni_piece(byte: u8) -> Option<VniPiece> {
    let (upper, lowercase) = match byte {
        0xC0..=0xDF => (byte, false),
        0xE0..=0xFF => (byte - 0x20, true),
        _ => return None,
    };
    let piece = VNI_UPPER
        .iter()
        .find(|(b, _)| *b == upper)
        .map(|(_, p)| *p)?;
    Some(match (piece, lowercase) {
        (VniPiece::Letter(c), true) => VniPiece::Letter(c.to_lowercase().next().unwrap_or(c)),
        (p, _) => p,
    })
}

/// Decodes VNI-Windows bytes to NFC text. Bytes that are not VNI letter parts read as
/// Windows-1252, which is what the VNI fonts show for them.
pub fn decode_vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match vni_piece(b) {
            Some(VniPiece::Letter(c)) => out.push(c),
            Some(VniPiece::Marks(marks)) => out.extend(marks.iter()),
            None if b < 0x80 => out.push(char::from(b)),
            None => {
                let byte = [b];
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
                out.push_str(&text);
            }
        }
    }
    out.nfc().collect()
}

/// Encodes text as VNI-Windows bytes, or `None` if a character has no VNI form. Used to
/// build test files and sample data.
pub fn encode_vni(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 2);
    for c in s.nfc() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let decomposed: Vec<char> = c.to_string().nfd().collect();
        let (&base, marks) = decomposed.split_first()?;
        let lower = base.to_lowercase().next().unwrap_or(base);
        let case_offset = if base.is_uppercase() { 0 } else { 0x20 };
        let letter_mark = marks
            .iter()
            .copied()
            .find(|m| matches!(*m, CIRCUMFLEX | BREVE | HORN));
        let tone = marks
            .iter()
            .copied()
            .find(|m| matches!(*m, ACUTE | GRAVE | HOOK | TILDE | DOT));
        if marks.len() != usize::from(letter_mark.is_some()) + usize::from(tone.is_some()) {
            return None;
        }
        // Letters that VNI writes as a single byte.
        let single = match (lower, letter_mark, tone) {
            ('đ', None, None) => Some(0xD1),
            ('i', None, Some(ACUTE)) => Some(0xCD),
            ('i', None, Some(GRAVE)) => Some(0xCC),
            ('i', None, Some(HOOK)) => Some(0xC6),
            ('i', None, Some(TILDE)) => Some(0xD3),
            ('i', None, Some(DOT)) => Some(0xD2),
            ('y', None, Some(DOT)) => Some(0xCE),
            _ => None,
        };
        if let Some(b) = single {
            out.push(b + case_offset);
            continue;
        }
        if !matches!(lower, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            return None;
        }
        let tone_byte = |t: char| -> u8 {
            match t {
                ACUTE => 0xD9,
                GRAVE => 0xD8,
                HOOK => 0xDB,
                TILDE => 0xD5,
                _ => 0xCF,
            }
        };
        match (lower, letter_mark) {
            ('o' | 'u', Some(HORN)) => {
                let horned = if lower == 'o' { 0xD4 } else { 0xD6 };
                out.push(horned + case_offset);
                if let Some(t) = tone {
                    out.push(tone_byte(t) + case_offset);
                }
            }
            (_, Some(HORN)) => return None,
            ('a' | 'e' | 'o', Some(CIRCUMFLEX)) | ('a', Some(BREVE)) => {
                out.push(base as u8);
                let circumflex = letter_mark == Some(CIRCUMFLEX);
                let byte = match (circumflex, tone) {
                    (true, None) => 0xC2,
                    (true, Some(ACUTE)) => 0xC1,
                    (true, Some(GRAVE)) => 0xC0,
                    (true, Some(HOOK)) => 0xC5,
                    (true, Some(TILDE)) => 0xC3,
                    (true, Some(_)) => 0xC4,
                    (false, None) => 0xCA,
                    (false, Some(ACUTE)) => 0xC9,
                    (false, Some(GRAVE)) => 0xC8,
                    (false, Some(HOOK)) => 0xDA,
                    (false, Some(TILDE)) => 0xDC,
                    (false, Some(_)) => 0xCB,
                };
                out.push(byte + case_offset);
            }
            (_, Some(_)) => return None,
            (_, None) => {
                out.push(base as u8);
                if let Some(t) = tone {
                    out.push(tone_byte(t) + case_offset);
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every vowel with every tone, both cases, and đ.
    pub(crate) fn every_letter() -> String {
        let mut s = String::new();
        for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
            for tone in [
                "", "\u{0301}", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0323}",
            ] {
                let lower: String = format!("{base}{tone}").nfc().collect();
                s.push_str(&lower);
                s.push(' ');
                s.push_str(&lower.to_uppercase());
                s.push(' ');
            }
        }
        s.push_str("đ Đ");
        s
    }

    #[test]
    fn tcvn3_known_strings() {
        // "hép møt tÕt" as the bytes of a TCVN3 file.
        let bytes = b"h\xE9p m\xF8t t\xD5t";
        assert_eq!(decode_tcvn3(bytes), "hộp mứt tết");
        assert_eq!(decode_tcvn3(b"Tr\xEE gi\xF3p"), "Trợ giúp");
        assert_eq!(decode_tcvn3(b"\xAE\xA8k \xAEoa"), "đăk đoa");
        assert_eq!(decode_tcvn3(b"\xA7\xA8k \xA7oa"), "Đăk Đoa");
    }

    #[test]
    fn tcvn3_combining_tone_bytes_compose() {
        // "a" followed by the separate acute byte 0xB3.
        assert_eq!(decode_tcvn3(b"ca\xB3"), "cá");
    }

    #[test]
    fn tcvn3_keeps_tabs_and_newlines() {
        assert_eq!(decode_tcvn3(b"a\tb\r\n"), "a\tb\r\n");
    }

    #[test]
    fn tcvn3_round_trip_every_letter() {
        let text = every_letter();
        let bytes = encode_tcvn3(&text).unwrap();
        assert_eq!(decode_tcvn3(&bytes), text);
        assert_eq!(
            encode_tcvn3("hộp mứt tết").unwrap(),
            b"h\xE9p m\xF8t t\xD5t".to_vec()
        );
    }

    #[test]
    fn tcvn3_rejects_other_scripts() {
        assert_eq!(encode_tcvn3("Привет"), None);
        assert_eq!(encode_tcvn3("ç"), None);
        // No precomposed ñ, but n + the combining tilde byte says the same.
        assert_eq!(encode_tcvn3("ñ"), Some(vec![b'n', 0xB2]));
    }

    #[test]
    fn vni_known_strings() {
        assert_eq!(decode_vni(b"Vie\xE4t Nam"), "Việt Nam");
        assert_eq!(decode_vni(b"VIE\xC4T NAM"), "VIỆT NAM");
        assert_eq!(decode_vni(b"\xD1a\xE9k \xD1oa"), "Đắk Đoa");
        assert_eq!(decode_vni(b"\xD1a\xEAk \xD1oa"), "Đăk Đoa");
        assert_eq!(decode_vni(b"Tr\xF4\xEF giu\xF9p"), "Trợ giúp");
        assert_eq!(decode_vni(b"ng\xF6\xF4\xF8i"), "người");
        assert_eq!(decode_vni(b"tr\xE6"), "trỉ");
    }

    #[test]
    fn vni_encodes_known_strings() {
        assert_eq!(encode_vni("Việt Nam").unwrap(), b"Vie\xE4t Nam".to_vec());
        assert_eq!(
            encode_vni("Trợ giúp").unwrap(),
            b"Tr\xF4\xEF giu\xF9p".to_vec()
        );
    }

    #[test]
    fn vni_round_trip_every_letter() {
        let text = every_letter();
        let bytes = encode_vni(&text).unwrap();
        assert_eq!(decode_vni(&bytes), text);
    }

    #[test]
    fn vni_rejects_other_letters() {
        assert_eq!(encode_vni("ñ"), None);
        assert_eq!(encode_vni("ç"), None);
    }

    #[test]
    fn decoders_never_panic() {
        let all: Vec<u8> = (0u8..=0xFF).collect();
        assert!(decode_tcvn3(&all).chars().count() > 200);
        assert!(!decode_vni(&all).is_empty());
    }
}

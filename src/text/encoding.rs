//! Decoding source files whatever their encoding, and recognising legacy-font text in
//! Excel cells.
//!
//! Files from communes and districts come as UTF-8 (with or without BOM), UTF-16 from
//! Excel's "Unicode text", Windows-1258, or the old TCVN3 and VNI font encodings. The
//! unmarked 8-bit encodings cannot be told apart from the bytes alone, so each reading is
//! scored for how Vietnamese it looks — known syllables, well-formed syllables, no stray
//! symbols — and the best one wins. All decoded text is NFC.

use std::collections::HashSet;
use std::sync::OnceLock;

use unicode_normalization::char::{compose, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

use super::legacy;

/// The encoding a file was read with; logged so a misdetection can be spotted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1258,
    Tcvn3,
    Vni,
    /// Lines in different encodings, each decoded on its own.
    Mixed,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8 with BOM",
            SourceEncoding::Mixed => "mixed: UTF-8 and 8-bit lines",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Windows1258 => "Windows-1258",
            SourceEncoding::Tcvn3 => "TCVN3 (ABC)",
            SourceEncoding::Vni => "VNI-Windows",
        }
    }
}

/// A file's text and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: SourceEncoding,
}

/// Decodes a whole file: BOMs first, then BOM-less UTF-16, then UTF-8, then the most
/// Vietnamese-looking of Windows-1258, TCVN3 and VNI. Line breaks and other controls are
/// kept; cleaning cells is the reader's job.
pub fn decode(bytes: &[u8]) -> Decoded {
    let decoded = |text: String, encoding| Decoded {
        text: text.nfc().collect(),
        encoding,
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decoded(
            String::from_utf8_lossy(rest).into_owned(),
            SourceEncoding::Utf8Bom,
        );
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return decoded(text.into_owned(), SourceEncoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return decoded(text.into_owned(), SourceEncoding::Utf16Be);
    }
    // Before UTF-8: ASCII text in UTF-16 is also valid UTF-8, full of NULs.
    if let Some(encoding) = sniff_utf16(bytes) {
        let codec = match encoding {
            SourceEncoding::Utf16Be => encoding_rs::UTF_16BE,
            _ => encoding_rs::UTF_16LE,
        };
        let (text, _) = codec.decode_without_bom_handling(bytes);
        return decoded(text.into_owned(), encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return decoded(text.to_string(), SourceEncoding::Utf8);
    }
    if let Some(text) = decode_mixed(bytes) {
        return decoded(text, SourceEncoding::Mixed);
    }
    decode_legacy(bytes)
}

/// A file pieced together from exports of different machines: some lines UTF-8, others in
/// an 8-bit encoding. When the lines that are not plain ASCII are mostly valid UTF-8, each
/// line is decoded on its own (UTF-8 where valid, the best legacy reading elsewhere);
/// otherwise `None`, and the file is read as one legacy text.
fn decode_mixed(bytes: &[u8]) -> Option<String> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    if !mostly_utf8(&lines) {
        return None;
    }
    Some(
        lines
            .iter()
            .map(|line| match std::str::from_utf8(line) {
                Ok(text) => text.to_string(),
                Err(_) => decode_legacy(line).text,
            })
            .collect(),
    )
}

/// Whether the lines that are not plain ASCII are mostly (at least half, and one) valid
/// UTF-8: a file pieced together from exports, read line by line rather than as 8-bit.
pub fn mostly_utf8(lines: &[&[u8]]) -> bool {
    let non_ascii = lines.iter().filter(|l| !l.is_ascii()).count();
    let utf8 = lines
        .iter()
        .filter(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok())
        .count();
    utf8 > 0 && utf8 * 2 >= non_ascii
}

/// Decodes 8-bit text in an encoding already chosen (a file's, found in its first block).
pub fn decode_as(encoding: SourceEncoding, bytes: &[u8]) -> String {
    match encoding {
        SourceEncoding::Tcvn3 => legacy::decode_tcvn3(bytes),
        SourceEncoding::Vni => legacy::decode_vni(bytes),
        _ => encoding_rs::WINDOWS_1258
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// BOM-less UTF-16, told from its zero high bytes (see `sniff_utf16`).
pub fn sniff_utf16_head(bytes: &[u8]) -> Option<SourceEncoding> {
    sniff_utf16(bytes)
}

/// The most Vietnamese-looking reading of 8-bit text: Windows-1258, TCVN3 or VNI.
pub fn decode_legacy(bytes: &[u8]) -> Decoded {
    let decoded = |text: String, encoding| Decoded {
        text: text.nfc().collect(),
        encoding,
    };
    let (windows, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
    let candidates = [
        (
            windows.nfc().collect::<String>(),
            SourceEncoding::Windows1258,
        ),
        (legacy::decode_tcvn3(bytes), SourceEncoding::Tcvn3),
        (legacy::decode_vni(bytes), SourceEncoding::Vni),
    ];
    // On a tie the earlier candidate wins: Windows-1258 is the code page Vietnamese
    // Windows writes, the font encodings are the exception.
    let mut best: Option<(String, SourceEncoding, i64)> = None;
    for (text, encoding) in candidates {
        let score = vietnamese_score(&text).total;
        if best.as_ref().is_none_or(|(_, _, s)| score > *s) {
            best = Some((text, encoding, score));
        }
    }
    match best {
        Some((text, encoding, _)) => Decoded { text, encoding },
        None => decoded(windows.into_owned(), SourceEncoding::Windows1258),
    }
}

/// UTF-16 without a BOM shows as zero high bytes: at odd offsets for little-endian, even
/// for big-endian. Vietnamese text is mostly ASCII letters and spaces, so at least 30% of
/// the high bytes are zero, while the low bytes almost never are.
fn sniff_utf16(bytes: &[u8]) -> Option<SourceEncoding> {
    let pairs = bytes.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| {
        bytes
            .chunks_exact(2)
            .filter(|pair| pair[parity] == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 3;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(SourceEncoding::Utf16Le)
    } else if mostly(even) && rarely(odd) {
        Some(SourceEncoding::Utf16Be)
    } else {
        None
    }
}

/// The 8-bit font encodings of old Vietnamese documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyFont {
    Tcvn3,
    Vni,
}

impl LegacyFont {
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            LegacyFont::Tcvn3 => legacy::decode_tcvn3(bytes),
            LegacyFont::Vni => legacy::decode_vni(bytes),
        }
    }
}

/// The font bytes behind an Excel cell typed with a TCVN3 or VNI font: such a workbook
/// stores them as the characters U+0000–U+00FF (Windows-1252 for 0x80–0x9F). `None` when
/// a character cannot be such a byte, or when the cell is plain ASCII (nothing to decode).
pub fn font_bytes(s: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => bytes.push(b),
            Err(_) => {
                let mut buffer = [0u8; 4];
                let (encoded, _, had_errors) =
                    encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
                match (had_errors, encoded.as_ref()) {
                    (false, [b]) => bytes.push(*b),
                    _ => return None,
                }
            }
        }
    }
    (!bytes.is_ascii()).then_some(bytes)
}

/// Reads one cell typed with a TCVN3 or VNI font ("hép møt tÕt" for "hộp mứt tết").
/// Returns the font and the decoded text only when the cell does not look Vietnamese as
/// it is and the decoded text clearly does; else `None`. Short cells are often undecidable
/// alone ("vô" is a word, and "vụ" in TCVN3): `detect_legacy_font` decides for a workbook.
pub fn decode_legacy_cell_with_font(s: &str) -> Option<(LegacyFont, String)> {
    let bytes = font_bytes(s)?;
    let as_is = vietnamese_score(s);
    if as_is.implausible() == 0 {
        return None;
    }
    [LegacyFont::Tcvn3, LegacyFont::Vni]
        .into_iter()
        .map(|font| {
            let text = font.decode(&bytes);
            let score = vietnamese_score(&text);
            (font, text, score)
        })
        .filter(|(_, _, score)| {
            score.implausible() < as_is.implausible() && score.total > as_is.total
        })
        .max_by_key(|(_, _, score)| score.total)
        .map(|(font, text, _)| (font, text))
}

/// Like `decode_legacy_cell_with_font`, the text alone.
pub fn decode_legacy_cell(s: &str) -> Option<String> {
    decode_legacy_cell_with_font(s).map(|(_, text)| text)
}

/// The legacy font a workbook's text cells were typed in, if any: the font most cells
/// clearly decode with, provided they outnumber the cells that are plainly Unicode
/// Vietnamese (a font is chosen per document, not per cell).
pub fn detect_legacy_font<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<LegacyFont> {
    let (mut tcvn3, mut vni, mut unicode) = (0usize, 0usize, 0usize);
    for cell in cells {
        match decode_legacy_cell_with_font(cell) {
            Some((LegacyFont::Tcvn3, _)) => tcvn3 += 1,
            Some((LegacyFont::Vni, _)) => vni += 1,
            None if font_bytes(cell).is_none() && !cell.is_ascii() => unicode += 1,
            None => {}
        }
    }
    let (font, votes) = if tcvn3 >= vni {
        (LegacyFont::Tcvn3, tcvn3)
    } else {
        (LegacyFont::Vni, vni)
    };
    (votes > 0 && votes > unicode).then_some(font)
}

/// Encodes text as Windows-1258. That code page has the letters with circumflex, breve
/// and horn (â, ê, ô, ă, ơ, ư, đ) and a few toned letters, and writes the other tones as
/// a separate combining byte after the letter. Characters it cannot write become `?`.
pub fn encode_windows_1258(s: &str) -> Vec<u8> {
    let table = windows_1258_reverse();
    let byte_of = |c: char| -> Option<u8> {
        if c.is_ascii() {
            Some(c as u8)
        } else {
            table.get(&c).copied()
        }
    };
    let mut out = Vec::with_capacity(s.len());
    for c in s.nfc() {
        if let Some(b) = byte_of(c) {
            out.push(b);
            continue;
        }
        let decomposed: Vec<char> = c.to_string().nfd().collect();
        let Some((&base, marks)) = decomposed.split_first() else {
            out.push(b'?');
            continue;
        };
        // Compose the base with the one mark that gives a letter of the code page (ô
        // from o + circumflex), then write the remaining marks as combining bytes.
        let composed = marks.iter().enumerate().find_map(|(i, &m)| {
            let letter = byte_of(compose(base, m)?)?;
            let rest: Option<Vec<u8>> = marks
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, &r)| byte_of(r))
                .collect();
            let mut bytes = vec![letter];
            bytes.extend(rest?);
            Some(bytes)
        });
        let spelled = composed.or_else(|| {
            std::iter::once(base)
                .chain(marks.iter().copied())
                .map(byte_of)
                .collect::<Option<Vec<u8>>>()
        });
        match spelled {
            Some(bytes) => out.extend(bytes),
            None => out.push(b'?'),
        }
    }
    out
}

fn windows_1258_reverse() -> &'static std::collections::HashMap<char, u8> {
    static TABLE: OnceLock<std::collections::HashMap<char, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0x80u8..=0xFF)
            .filter_map(|b| {
                let byte = [b];
                let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(&byte);
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c != '\u{FFFD}' => Some((c, b)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// How Vietnamese a text looks. Only words with non-ASCII letters count: ASCII reads the
/// same in every candidate encoding and decides nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VietnameseScore {
    /// Known syllables +3, well-formed syllables +2, other letter words −1, words or
    /// symbols with characters Vietnamese does not use −3.
    pub total: i64,
    /// Words and symbols with characters Vietnamese does not use.
    pub foreign: u64,
    /// Words of Vietnamese letters that are not a Vietnamese syllable.
    pub malformed: u64,
}

impl VietnameseScore {
    /// Words or symbols that no correct reading of Vietnamese would produce.
    pub fn implausible(&self) -> u64 {
        self.foreign + self.malformed
    }
}

/// Scores `text` (NFC) for how Vietnamese it looks; higher is more Vietnamese.
pub fn vietnamese_score(text: &str) -> VietnameseScore {
    let mut score = VietnameseScore {
        total: 0,
        foreign: 0,
        malformed: 0,
    };
    let mut word = String::new();
    let flush = |word: &mut String, score: &mut VietnameseScore| {
        if !word.is_ascii() {
            let lower = word.to_lowercase();
            if !lower.chars().all(is_vietnamese_letter) {
                score.total -= 3;
                score.foreign += 1;
            } else if common_syllables().contains(lower.as_str()) {
                score.total += 3;
            } else if is_well_formed_syllable(&lower) {
                score.total += 2;
            } else {
                score.total -= 1;
                score.malformed += 1;
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || is_combining_mark(c) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut score);
        if !c.is_ascii() && !c.is_whitespace() && !is_common_symbol(c) {
            score.total -= 3;
            score.foreign += 1;
        }
    }
    flush(&mut word, &mut score);
    score
}

/// Typographic punctuation that turns up in real Vietnamese documents.
fn is_common_symbol(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '‘' | '’' | '–' | '—' | '…' | '•' | '°' | '№' | '€' | '«' | '»'
    )
}

const VIETNAMESE_LETTERS: &str =
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";

fn is_vietnamese_letter(c: char) -> bool {
    c.is_ascii_alphanumeric() || VIETNAMESE_LETTERS.contains(c)
}

/// Whether a lowercase word splits into a Vietnamese onset, vowel nucleus and coda, with
/// at most one tone. Catches mis-decodings such as "vieọt" that use only valid letters.
fn is_well_formed_syllable(word: &str) -> bool {
    const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];
    const ONSETS: [&str; 28] = [
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
        "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const CODAS: [&str; 9] = ["ng", "nh", "ch", "c", "m", "n", "p", "t", ""];
    const NUCLEI: [&str; 58] = [
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu",
        "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ",
        "uê", "ui", "uô", "uơ", "ươ", "ưa", "ưi", "ưu", "uy", "ya", "yê", "iêu", "yêu", "oai",
        "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "ue", "uo",
    ];
    let decomposed: Vec<char> = word.nfd().collect();
    if decomposed.iter().filter(|c| TONES.contains(c)).count() > 1 {
        return false;
    }
    let toneless: String = decomposed
        .into_iter()
        .filter(|c| !TONES.contains(c))
        .collect::<String>()
        .nfc()
        .collect();
    ONSETS.iter().any(|onset| {
        toneless.strip_prefix(onset).is_some_and(|rest| {
            CODAS.iter().any(|coda| {
                rest.strip_suffix(coda)
                    .is_some_and(|nucleus| NUCLEI.contains(&nucleus))
            })
        })
    })
}

/// Frequent syllables of administrative Vietnamese and of the headers this pipeline
/// reads; a reading that produces many of them is the right one.
const COMMON_SYLLABLES: &str = "\
mã trẻ em họ và tên ngày sinh giới tính dân tộc xã huyện nhóm hoàn cảnh đặc biệt có \
nguy cơ đã được trợ giúp hình thức cập nhật vụ việc loại xâm hại tai nạn thương tích \
xảy ra thời điểm tiếp nhận can thiệp phê duyệt kế hoạch hậu quả tử vong bị đơn vị số \
liệu chỉ tiêu tính kỳ báo cáo tháng năm đầu cuối gửi phòng lao động binh xã hội tổng \
dưới tuổi trong đó hỗ trợ khuyết tật khám sàng lọc tim bẩm phẫu thuật đuối nước giao \
thông tổ chức hành vì tết trung thu diễn đàn hoạt thúc đẩy quyền tham gia cán bộ làm \
công tác tập huấn thường trực bảo vệ đạt tiêu chuẩn phù hợp với ngân sách địa phương \
vận tiền mặt hiện vật quy chương trình quỹ tài nhà giá trị đồng ghi chú không người \
của các những một hai ba bốn sáu bảy tám chín mười trăm nghìn triệu tỷ này khi đến từ \
cho theo về đến tại sau trước nếu thì là mà như để cũng còn đang sẽ rất nhiều ít hơn \
nhất mới cũ lớn nhỏ cao thấp tốt xấu bạn tôi chúng ta họ anh chị ông bà cha mẹ con cháu \
nam nữ việt tỉnh thành phố thị trấn phường quận ủy ban nhân dân sở ngành kết quả danh \
sách mục học sinh trường lớp gia đình nghèo cận mồ côi bỏ rơi nơi nương tựa nhiễm \
sống chung vi phạm pháp luật nghiện ma túy lang thang bạo lực bóc lột tình dục mua bán \
sao nhãng mặc khác ngã bỏng vật cắn ngộ độc điện giật thương vong dự án kinh phí \
ghi chép lập biểu mẫu tháng quý năm tổng hợp trung bình tỷ lệ phần trăm đông tây bắc \
chư sê pleiku gia lai đăk đắk đoa krông ia kông chro đức prông pơ phú thiện pưh \
an khê ayun pa mang yang grai kbang păh hộp mứt tết ngôi nhà xin chào";

fn common_syllables() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_SYLLABLES.split_whitespace().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_mixing_utf8_and_windows_1258_lines_reads_each_line_right() {
        let mut bytes = "Mã trẻ em,Họ và tên\nTE1,Nguyễn Văn An\n"
            .as_bytes()
            .to_vec();
        bytes.extend(encode_windows_1258("TE2,Trần Thị Bình\n"));
        bytes.extend("TE3,Lê Văn Cường\n".as_bytes());
        let d = decode(&bytes);
        assert_eq!(d.encoding, SourceEncoding::Mixed);
        assert_eq!(
            d.text,
            "Mã trẻ em,Họ và tên\nTE1,Nguyễn Văn An\nTE2,Trần Thị Bình\nTE3,Lê Văn Cường\n"
        );
        // Wholly Windows-1258 stays one legacy text.
        let whole = encode_windows_1258("Mã trẻ em,Họ và tên\nTE2,Trần Thị Bình\n");
        assert_eq!(decode(&whole).encoding, SourceEncoding::Windows1258);
    }

    #[test]
    fn a_workbook_font_is_decided_by_its_clear_cells() {
        let tcvn3 = |t: &str| -> String {
            legacy::encode_tcvn3(t)
                .unwrap()
                .into_iter()
                .map(char::from)
                .collect()
        };
        let cells = [
            tcvn3("Phòng Lao động Thương binh và Xã hội"),
            tcvn3("Số trẻ em bị xâm hại"),
            tcvn3("vụ"),
            "B2.01".to_string(),
        ];
        assert_eq!(
            detect_legacy_font(cells.iter().map(String::as_str)),
            Some(LegacyFont::Tcvn3)
        );
        // "vụ" alone reads "vô", a word: undecidable, left as it is.
        assert_eq!(decode_legacy_cell(&tcvn3("vụ")), None);
        assert_eq!(
            LegacyFont::Tcvn3.decode(&font_bytes(&tcvn3("vụ")).unwrap()),
            "vụ"
        );
        let unicode = ["Số trẻ em bị xâm hại", "Trong đó: tử vong", "vụ"];
        assert_eq!(detect_legacy_font(unicode), None);
    }

    const SENTENCES: [&str; 4] = [
        "Mã trẻ em,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Xã,Huyện\n\
         TE001,Nguyễn Thị Hồng,05/03/2015,Nữ,Jrai,Ia Băng,Đăk Đoa\n",
        "Trẻ em có hoàn cảnh đặc biệt được trợ giúp: số liệu chỉ tiêu của đơn vị.\n",
        "Phòng Lao động - Thương binh và Xã hội huyện Chư Sê gửi báo cáo 6 tháng đầu năm.\n",
        "Quỹ Bảo trợ trẻ em tỉnh: tiền mặt, hiện vật quy ra tiền, chương trình hỗ trợ.\n",
    ];

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SENTENCES[0].as_bytes());
        assert_eq!(plain.encoding, SourceEncoding::Utf8);
        assert_eq!(plain.text, SENTENCES[0]);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(SENTENCES[0].as_bytes());
        let decoded = decode(&with_bom);
        assert_eq!(decoded.encoding, SourceEncoding::Utf8Bom);
        assert_eq!(decoded.text, SENTENCES[0]);
    }

    #[test]
    fn utf8_is_normalised_to_nfc() {
        let decoded = decode("Vie\u{0302}\u{0323}t".as_bytes());
        assert_eq!(decoded.text, "Việt");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = b"\xFF\xFE".to_vec();
        le.extend(utf16le(SENTENCES[1]));
        assert_eq!(
            decode(&le),
            Decoded {
                text: SENTENCES[1].to_string(),
                encoding: SourceEncoding::Utf16Le
            }
        );
        let mut be = b"\xFE\xFF".to_vec();
        be.extend(utf16be(SENTENCES[1]));
        assert_eq!(
            decode(&be),
            Decoded {
                text: SENTENCES[1].to_string(),
                encoding: SourceEncoding::Utf16Be
            }
        );
    }

    #[test]
    fn utf16_without_bom() {
        for s in SENTENCES {
            let le = decode(&utf16le(s));
            assert_eq!(le.encoding, SourceEncoding::Utf16Le);
            assert_eq!(le.text, s);
            let be = decode(&utf16be(s));
            assert_eq!(be.encoding, SourceEncoding::Utf16Be);
            assert_eq!(be.text, s);
        }
        // Plain ASCII in UTF-16 is valid UTF-8 too; the NULs give it away.
        assert_eq!(
            decode(&utf16le("code,name\n633,Chu Se\n")).encoding,
            SourceEncoding::Utf16Le
        );
    }

    #[test]
    fn windows_1258_detected_and_round_trips() {
        for s in SENTENCES {
            let bytes = encode_windows_1258(s);
            let decoded = decode(&bytes);
            assert_eq!(decoded.encoding, SourceEncoding::Windows1258, "{s}");
            assert_eq!(decoded.text, s);
        }
    }

    #[test]
    fn windows_1258_uses_combining_tone_bytes() {
        // "ộ" is "ô" (0xF4) followed by the combining dot below (0xF2).
        assert_eq!(encode_windows_1258("hộp"), b"h\xF4\xF2p".to_vec());
        assert_eq!(encode_windows_1258("Đà"), b"\xD0\xE0".to_vec());
        assert_eq!(encode_windows_1258("ý"), b"y\xEC".to_vec());
        assert_eq!(encode_windows_1258("Привет"), b"??????".to_vec());
    }

    #[test]
    fn windows_1258_round_trip_every_letter() {
        let text = crate::text::legacy::tests::every_letter();
        let bytes = encode_windows_1258(&text);
        let (decoded, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(&bytes);
        assert_eq!(decoded.nfc().collect::<String>(), text);
    }

    #[test]
    fn tcvn3_detected_and_round_trips() {
        for s in SENTENCES {
            let bytes = legacy::encode_tcvn3(s).unwrap();
            let decoded = decode(&bytes);
            assert_eq!(decoded.encoding, SourceEncoding::Tcvn3, "{s}");
            assert_eq!(decoded.text, s);
        }
        let decoded = decode(b"h\xE9p m\xF8t t\xD5t");
        assert_eq!(decoded.encoding, SourceEncoding::Tcvn3);
        assert_eq!(decoded.text, "hộp mứt tết");
    }

    #[test]
    fn vni_detected_and_round_trips() {
        for s in SENTENCES {
            let bytes = legacy::encode_vni(s).unwrap();
            let decoded = decode(&bytes);
            assert_eq!(decoded.encoding, SourceEncoding::Vni, "{s}");
            assert_eq!(decoded.text, s);
        }
        assert_eq!(decode(b"Vie\xE4t Nam").text, "Việt Nam");
    }

    #[test]
    fn legacy_cells() {
        assert_eq!(
            decode_legacy_cell("hép møt tÕt").as_deref(),
            Some("hộp mứt tết")
        );
        assert_eq!(decode_legacy_cell("Trî gióp").as_deref(), Some("Trợ giúp"));
        assert_eq!(decode_legacy_cell("Vieät Nam").as_deref(), Some("Việt Nam"));
        let vni_cell: String = legacy::encode_vni("Nguyễn Thị Hồng")
            .unwrap()
            .iter()
            .map(|&b| char::from(b))
            .collect();
        assert_eq!(
            decode_legacy_cell(&vni_cell).as_deref(),
            Some("Nguyễn Thị Hồng")
        );
    }

    #[test]
    fn ordinary_cells_are_left_alone() {
        for s in [
            "Việt Nam",
            "Trẻ em có hoàn cảnh đặc biệt",
            "Chu Se",
            "TE001",
            "",
            "Cà Mau",
            "Đà Nẵng",
            "José",
        ] {
            assert_eq!(decode_legacy_cell(s), None, "{s}");
        }
    }

    #[test]
    fn scores_prefer_real_text() {
        let good = vietnamese_score("hộp mứt tết");
        let bad = vietnamese_score("hép møt tÕt");
        assert!(good.total > bad.total);
        assert_eq!(good.foreign, 0);
        assert!(bad.foreign > 0);
        assert!(is_well_formed_syllable("nghiêng"));
        assert!(is_well_formed_syllable("người"));
        assert!(is_well_formed_syllable("quyển"));
        assert!(!is_well_formed_syllable("vieọt"));
        assert!(!is_well_formed_syllable("áà"));
    }

    #[test]
    fn names_for_logs() {
        assert_eq!(SourceEncoding::Tcvn3.name(), "TCVN3 (ABC)");
        assert_eq!(SourceEncoding::Utf16Le.name(), "UTF-16LE");
    }

    #[test]
    fn any_bytes_decode_to_clean_nfc_text() {
        use unicode_normalization::UnicodeNormalization;
        let nfc = |t: &str| t.nfc().collect::<String>() == t;
        let mut state: u64 = 0xD1B5_4A32_D192_ED03;
        for _ in 0..500 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (state >> 56) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (state >> 40) as u8
                })
                .collect();
            // Whatever came in, what treem goes on with is Unicode in NFC.
            let decoded = decode(&bytes);
            assert!(nfc(&decoded.text), "{bytes:?}");
            for cell in [
                decoded.text.clone(),
                bytes.iter().map(|&b| char::from(b)).collect(),
            ] {
                if let Some(text) = decode_legacy_cell(&cell) {
                    assert!(nfc(&text), "{cell:?} gave {text:?}");
                }
            }
        }
    }
}

//! Vietnamese text: normalisation, matching, numbers, dates and legacy encodings, and the
//! language ([`Lang`]) of what a reader sees.
//!
//! Everything that reads a human-typed value goes through here, so that one cell is
//! cleaned, matched and parsed the same way whichever source it came from. The parsers
//! are pure functions over `&str`; they share one error type whose message follows the
//! project style (a sentence, capitalised, the offending value quoted).

pub mod dates;
pub mod encoding;
mod lang;
pub mod legacy;
pub mod numbers;
mod plain;

use std::borrow::Cow;
use std::fmt;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub use lang::{capitalised, Lang};
use plain::plain;
pub(crate) use plain::plain_lines;

/// Invisible characters that survive copy-paste from web forms and Word and break
/// equality without showing up on screen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' // zero-width space
            | '\u{200C}' // zero-width non-joiner
            | '\u{200D}' // zero-width joiner
            | '\u{2060}' // word joiner
            | '\u{FEFF}' // byte-order mark / zero-width no-break space
            | '\u{00AD}' // soft hyphen
    )
}

/// Normalises a cell for storage and display: Unicode NFC, no control or zero-width
/// characters, every run of whitespace (non-breaking spaces included) one plain space,
/// trimmed.
pub fn clean(s: &str) -> String {
    cleaned(s).into_owned()
}

/// [`clean`] without a copy when the text is clean already, as nearly every cell of a
/// machine export is: printable, single-spaced, trimmed, and NFC (checked quickly).
pub fn cleaned(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(clean_thoroughly(s))
    }
}

/// Appends the cleaned `s` to `out`: a row's cells share one buffer.
pub fn clean_into(out: &mut String, s: &str) {
    match cleaned(s) {
        Cow::Borrowed(s) => out.push_str(s),
        Cow::Owned(s) => out.push_str(&s),
    }
}

fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    match plain(bytes) {
        Some(plain) => plain,
        None => is_clean_unicode(s),
    }
}

/// Whether the cells of one text, ending at `ends` and `gap` bytes apart (a delimiter, or
/// none), are all clean (see [`cleaned`]): checked on the whole text at once, as a
/// delimited record comes. `false` means some cell may need cleaning, and each is then
/// checked alone. A gap is checked as text too: a tab between cells sends every record of a
/// tab-separated file the slow way, as a control would.
pub fn cells_clean(text: &str, ends: &[usize], gap: usize) -> bool {
    // Two spaces that straddle a cell boundary would be a cell's edge, refused first.
    cells_trimmed(text, ends, gap) && plain(text.as_bytes()) == Some(true)
}

/// [`cells_clean`] of a text already known to be plain (`plain_lines`): whether no cell
/// starts or ends with a space.
pub fn cells_trimmed(text: &str, ends: &[usize], gap: usize) -> bool {
    let bytes = text.as_bytes();
    let mut start = 0;
    for &end in ends {
        let edges = [
            bytes.get(start),
            end.checked_sub(1).and_then(|e| bytes.get(e)),
        ];
        if end > start && edges.contains(&Some(&b' ')) {
            return false;
        }
        start = end + gap;
    }
    true
}

fn is_clean_unicode(s: &str) -> bool {
    let mut previous_space = true;
    for c in s.chars() {
        if c.is_whitespace() {
            if previous_space || c != ' ' {
                return false;
            }
            previous_space = true;
        } else if c.is_control() || is_invisible(c) {
            return false;
        } else {
            previous_space = false;
        }
    }
    !previous_space
        && unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// [`clean`] without the quick check: every character looked at. The reference the quick
/// checks are tested against.
pub fn clean_thoroughly(s: &str) -> String {
    // Invisible characters go before NFC: a zero-width joiner between a letter and its
    // combining mark would otherwise block composition.
    let visible: String = s
        .chars()
        .filter(|&c| !is_invisible(c) && (!c.is_control() || c.is_whitespace()))
        .collect();
    // Tabs and newlines are controls too, but they separate words: they are kept here
    // and collapsed to one space below.
    collapse_spaces(&visible.nfc().collect::<String>())
}

/// Joins the whitespace-separated words of `s` with single spaces.
fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A matching key for headers and names: cleaned, lowercase, without diacritics
/// (`đ` becomes `d`), every other non-alphanumeric character a space, spaces collapsed.
///
/// `fold("  Mã Trẻ  Em ") == "ma tre em"`, `fold("K'Bang") == "k bang"`.
pub fn fold(s: &str) -> String {
    let cleaned = clean(s).to_lowercase();
    let stripped: String = cleaned
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    collapse_spaces(&stripped)
}

/// `fold` without any spaces, for comparing names whose spelling varies in spacing and
/// apostrophes ("KBang", "K'Bang", "K Bang" all give "kbang").
pub fn fold_compact(s: &str) -> String {
    fold(s).chars().filter(|c| *c != ' ').collect()
}

/// What a parser was asked to read; it names the value in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Date,
    DateTime,
    Number,
    Integer,
    Amount,
    YesNo,
}

impl Expected {
    fn describe(self) -> &'static str {
        match self {
            Expected::Date => "a date",
            Expected::DateTime => "a date and time",
            Expected::Number => "a number",
            Expected::Integer => "a whole number",
            Expected::Amount => "an amount in đồng",
            Expected::YesNo => "yes or no",
        }
    }
}

/// Why a value could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Blank after cleaning; callers decide whether blank is allowed.
    Empty,
    /// Not in any accepted layout.
    BadFormat,
    /// Day outside the month (31/02) or day 0.
    NoSuchDay,
    /// Month outside 1–12.
    NoSuchMonth,
    /// Year outside the plausible range of the data.
    YearOutOfRange,
    /// An Excel serial outside 1..=80000, or 60 (the Lotus 29 February 1900).
    SerialOutOfRange,
    /// A date that reads two ways (`25-05-21`: day-month-year or year-month-day).
    Ambiguous,
    /// A date where a date and time is required.
    MissingTime,
    /// A time part that is not a time of day.
    BadTime,
    /// A number with a fractional part where a whole number is required.
    NotAnInteger,
    /// Too large to hold.
    TooLarge,
}

impl ParseErrorKind {
    fn reason(self) -> &'static str {
        match self {
            ParseErrorKind::Empty => "it is blank",
            ParseErrorKind::BadFormat => "the layout is not one that is understood",
            ParseErrorKind::NoSuchDay => "no such day",
            ParseErrorKind::NoSuchMonth => "no such month",
            ParseErrorKind::YearOutOfRange => "the year is out of range",
            ParseErrorKind::SerialOutOfRange => {
                "an Excel date number must be between 1 and 80000, and not 60"
            }
            ParseErrorKind::Ambiguous => {
                "with dashes and a two-digit year it may be day-month-year or year-month-day; write the year in four digits"
            }
            ParseErrorKind::MissingTime => "the time of day is missing",
            ParseErrorKind::BadTime => "no such time of day",
            ParseErrorKind::NotAnInteger => "it has a fractional part",
            ParseErrorKind::TooLarge => "it is too large",
        }
    }
}

/// A value that could not be read, with the value itself (shortened) for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub expected: Expected,
    pub value: String,
}

/// Longest value quoted in a message; a whole pasted paragraph helps nobody.
const QUOTE_LIMIT: usize = 40;

impl ParseError {
    pub fn new(kind: ParseErrorKind, expected: Expected, value: &str) -> Self {
        ParseError {
            kind,
            expected,
            value: shortened(value),
        }
    }
}

/// `value` as a message quotes it: at most [`QUOTE_LIMIT`] characters.
fn shortened(value: &str) -> String {
    if value.chars().count() > QUOTE_LIMIT {
        let mut short: String = value.chars().take(QUOTE_LIMIT - 1).collect();
        short.push('…');
        short
    } else {
        value.to_string()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Cannot read \"{}\" as {}: {}.",
            self.value,
            self.expected.describe(),
            self.kind.reason()
        )
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_checks_pass_only_clean_text() {
        // Eight bytes at a time: spaces doubled inside a word of eight and across two.
        assert!(matches!(cleaned("abc  defgh"), Cow::Owned(s) if s == "abc defgh"));
        assert!(matches!(cleaned("abcdefg  hij"), Cow::Owned(s) if s == "abcdefg hij"));
        assert!(matches!(cleaned("abcdefgh\tij"), Cow::Owned(s) if s == "abcdefgh ij"));
        assert!(matches!(cleaned("abcde\u{7f}fghij"), Cow::Owned(s) if s == "abcdefghij"));
        assert!(matches!(cleaned("Nguyễn Bảo Hằng"), Cow::Borrowed(_)));
        assert!(matches!(cleaned("TE-64633-000123 a"), Cow::Borrowed(_)));
        // A record: every cell clean, or one cell at its edge, or a CR inside.
        let record = |cells: &[&str]| {
            let ends: Vec<usize> = cells
                .iter()
                .scan(0, |end, c| {
                    *end += c.len();
                    Some(*end)
                })
                .collect();
            cells_clean(&cells.concat(), &ends, 0)
        };
        assert!(record(&["TE-1", "Nguyễn Văn A", "12/03/2018", ""]));
        assert!(!record(&["TE-1 ", "Nguyễn Văn A", "12/03/2018"]));
        assert!(!record(&["TE-1", " Nguyễn Văn A", "12/03/2018"]));
        assert!(!record(&["TE-1", "Nguyễn  Văn A", "12/03/2018"]));
        assert!(!record(&["TE-1\r", "Nguyễn"]));
    }

    #[test]
    fn clean_normalises_to_nfc() {
        // "Việt" with the tone as a combining mark after "ê".
        let decomposed = "Vie\u{0302}\u{0323}t Nam";
        assert_eq!(clean(decomposed), "Việt Nam");
    }

    #[test]
    fn clean_drops_controls_and_invisibles() {
        assert_eq!(clean("\u{FEFF}Mã\u{200B} trẻ\u{0000}"), "Mã trẻ");
        assert_eq!(clean("Mã\u{0000}\u{0007}trẻ"), "Mãtrẻ");
        assert_eq!(clean("a\u{00AD}b"), "ab");
        assert_eq!(clean("Tr\u{200D}e\u{0309}"), "Trẻ");
    }

    #[test]
    fn clean_collapses_whitespace_and_nbsp() {
        assert_eq!(clean("  Họ\u{00A0}và\t\ttên \r\n"), "Họ và tên");
        assert_eq!(clean("1\u{202F}000"), "1 000");
        assert_eq!(clean(""), "");
        assert_eq!(clean(" \u{00A0} "), "");
    }

    #[test]
    fn the_fast_path_borrows_exactly_what_is_clean_already() {
        for s in [
            "TE-64623-000117",
            "Đinh Văn Yũ",
            "Trợ cấp xã hội;Hỗ trợ giáo dục",
            "",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\u{00A0}b",
            "Vie\u{0302}\u{0323}t",
            "x\u{200B}y",
            "\u{0000}",
            "\r",
            "Trẻ em\r",
        ] {
            let fast = cleaned(s);
            assert_eq!(fast, clean_thoroughly(s), "{s:?}");
            assert_eq!(
                matches!(fast, Cow::Borrowed(_)),
                clean_thoroughly(s) == s,
                "borrowed iff unchanged: {s:?}"
            );
        }
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("  Mã Trẻ  Em "), "ma tre em");
        assert_eq!(fold("Đăk Đoa"), "dak doa");
        assert_eq!(fold("K'Bang"), "k bang");
        assert_eq!(fold("NGÀY SINH"), "ngay sinh");
        assert_eq!(fold("Giá trị (đồng)"), "gia tri dong");
        assert_eq!(fold("Phòng LĐTB&XH"), "phong ldtb xh");
        assert_eq!(fold("Hình thức trợ giúp"), "hinh thuc tro giup");
        assert_eq!(fold("Nhóm hoàn cảnh đặc biệt"), "nhom hoan canh dac biet");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_handles_decomposed_input() {
        assert_eq!(fold("Gio\u{031B}\u{0301}i ti\u{0301}nh"), "gioi tinh");
    }

    #[test]
    fn fold_compact_removes_spaces() {
        assert_eq!(fold_compact("K'Bang"), "kbang");
        assert_eq!(fold_compact("KBang"), "kbang");
        assert_eq!(fold_compact("Kbang"), "kbang");
        assert_eq!(fold_compact("Đắk Đoa"), "dakdoa");
    }

    #[test]
    fn parse_error_message_style() {
        let e = ParseError::new(ParseErrorKind::NoSuchDay, Expected::Date, "31/02/2021");
        assert_eq!(
            e.to_string(),
            "Cannot read \"31/02/2021\" as a date: no such day."
        );
    }

    #[test]
    fn parse_error_truncates_long_values() {
        let long = "x".repeat(100);
        let e = ParseError::new(ParseErrorKind::BadFormat, Expected::Number, &long);
        assert_eq!(e.value.chars().count(), QUOTE_LIMIT);
        assert!(e.value.ends_with('…'));
    }
}

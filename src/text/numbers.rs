//! Numbers, amounts in đồng and yes/no answers as Vietnamese forms write them.
//!
//! Vietnamese style groups thousands with `.` and marks decimals with `,` (`1.234.567`,
//! `98,5`), but files also arrive with English formatting or none. A value alone is read by
//! this rule, applied in this order:
//!
//! 1. Spaces (non-breaking ones too) are removed, and a currency word before or after the
//!    number — `đồng`, `đ`, `VND`, `VNĐ`, any case, with or without diacritics — is dropped.
//! 2. A leading `-` (or `−`) or enclosing parentheses, `(1.000)`, make the value negative.
//! 3. If both `.` and `,` appear, the *last* one is the decimal separator and the other
//!    groups thousands (`1.234,5` and `1,234.5` are both 1234.5).
//! 4. If only `.` appears, it groups thousands when the first group has 1–3 digits and
//!    does not start with `0` and every later group has exactly 3 digits (`1.500` is 1500,
//!    `1.500.000` is 1500000); otherwise a single `.` is a decimal point (`1.5`, `0.500`).
//! 5. If only `,` appears, a single one is the Vietnamese decimal comma (`98,5`, and also
//!    `1,500` = 1.5); two or more with 3-digit groups are English thousands
//!    (`1,234,567`).
//! 6. Anything else — letters, several decimal marks, a lone `-` — is not a number. Forms
//!    use `-` for zero, but that is the form reader's decision, not this module's.
//!
//! Whole numbers — amounts in đồng, counts of people, cases, activities — are never
//! fractional, and a column of them is read as one, from what all its values show
//! ([`WholeColumn`], gathered before any value is read):
//!
//! 7. A lone mark followed by exactly three digits (`1.500`, `800,000`) is the layout the
//!    value alone cannot settle. In a whole-number column it groups thousands (1500,
//!    800000) — unless another value of the column uses that mark as its decimal mark
//!    (`1,234.5` or `12.50` for `.`; `1.234,5` or `7,0` for `,`). The value could then be
//!    1.5 as well as 1500, or 800 as well as 800000: it is refused, naming the value that
//!    made it so, rather than read a thousand times too large or too small.
//! 8. Every other layout reads as it does alone: `1.234.567`, `1,234,567`, `1.234,00` and
//!    `1,234.00` are whole; `98,5` and `1,234.5` have a fractional part and are refused.

use super::{clean, fold, fold_compact, shortened, Expected, ParseError, ParseErrorKind};

/// A number taken apart: its sign and what its marks do.
struct Number {
    negative: bool,
    layout: Layout,
}

/// What a number's marks (`.` and `,`) do, as far as the number alone says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Layout {
    /// The layout leaves no doubt (or there is no mark): integer and fraction digits, and
    /// the marks used as the decimal mark and to group thousands, if any.
    Settled {
        whole: String,
        fraction: String,
        decimal: Option<char>,
        grouping: Option<char>,
    },
    /// One mark followed by exactly three digits, after a first group of 1–3 digits that
    /// does not start with `0` (`1.500`, `800,000`): thousands, or a decimal mark.
    LoneGroup {
        mark: char,
        before: String,
        after: String,
    },
}

impl Layout {
    /// Integer and fraction digits; a lone group's mark groups thousands when `groups`.
    fn digits(self, groups: bool) -> (String, String) {
        match self {
            Layout::Settled {
                whole, fraction, ..
            } => (whole, fraction),
            Layout::LoneGroup { before, after, .. } if groups => (before + &after, String::new()),
            Layout::LoneGroup { before, after, .. } => (before, after),
        }
    }
}

/// Currency words, folded and without spaces.
const CURRENCY_WORDS: [&str; 3] = ["d", "dong", "vnd"];

/// Reads a number with the rule of the module documentation (rules 1–6: a lone `,` is a
/// decimal comma).
pub fn parse_decimal(s: &str) -> Result<f64, ParseError> {
    let text = clean(s);
    let number = read_number(&text).map_err(|k| ParseError::new(k, Expected::Number, &text))?;
    let groups = !matches!(number.layout, Layout::LoneGroup { mark: ',', .. });
    let (whole, fraction) = number.layout.digits(groups);
    let literal = format!(
        "{}.{}",
        whole,
        if fraction.is_empty() { "0" } else { &fraction }
    );
    let magnitude: f64 = literal
        .parse()
        .map_err(|_| ParseError::new(ParseErrorKind::BadFormat, Expected::Number, &text))?;
    if !magnitude.is_finite() {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge,
            Expected::Number,
            &text,
        ));
    }
    // `+ 0.0` turns -0 into 0, so "-0" and "0" compare and print alike.
    Ok(if number.negative {
        -magnitude + 0.0
    } else {
        magnitude
    })
}

/// Reads a whole number alone, a column of one: `1.500` and `1,500` are 1500, `1,5` is an
/// error (not an integer).
pub fn parse_integer(s: &str) -> Result<i64, ParseError> {
    parse_whole_alone(s, Expected::Integer)
}

/// Reads an amount in whole đồng alone, with or without the currency word.
pub fn parse_vnd(s: &str) -> Result<i64, ParseError> {
    parse_whole_alone(s, Expected::Amount)
}

/// Reads a whole number of `column` (rules 7 and 8).
pub fn parse_integer_in(s: &str, column: &WholeColumn) -> Result<i64, WholeNumberError> {
    parse_whole_in(s, column, Expected::Integer)
}

/// Reads an amount in whole đồng of `column` (rules 7 and 8).
pub fn parse_vnd_in(s: &str, column: &WholeColumn) -> Result<i64, WholeNumberError> {
    parse_whole_in(s, column, Expected::Amount)
}

fn parse_whole_alone(s: &str, expected: Expected) -> Result<i64, ParseError> {
    let text = clean(s);
    let number = read_number(&text).map_err(|k| ParseError::new(k, expected, &text))?;
    whole_of(number, &text, expected)
}

fn parse_whole_in(
    s: &str,
    column: &WholeColumn,
    expected: Expected,
) -> Result<i64, WholeNumberError> {
    let text = clean(s);
    let number = read_number(&text).map_err(|k| ParseError::new(k, expected, &text))?;
    if let Layout::LoneGroup {
        mark,
        before,
        after,
    } = &number.layout
    {
        if let Some(decimal) = column.decimal(*mark) {
            let sign = if number.negative { "-" } else { "" };
            let fraction = after.trim_end_matches('0');
            return Err(WholeNumberError::Ambiguous(Box::new(AmbiguousNumber {
                value: shortened(&text),
                expected,
                mark: *mark,
                grouped: format!("{sign}{before}{after}"),
                as_decimal: match fraction {
                    "" => format!("{sign}{before}"),
                    f => format!("{sign}{before}{mark}{f}"),
                },
                decimal: decimal.clone(),
                grouping: column.grouping(*mark).cloned(),
            })));
        }
    }
    Ok(whole_of(number, &text, expected)?)
}

/// The whole number `number` is, a lone group read as thousands.
fn whole_of(number: Number, text: &str, expected: Expected) -> Result<i64, ParseError> {
    let err = |kind| ParseError::new(kind, expected, text);
    let (whole, fraction) = number.layout.digits(true);
    if fraction.bytes().any(|b| b != b'0') {
        return Err(err(ParseErrorKind::NotAnInteger));
    }
    let signed = if number.negative {
        format!("-{whole}")
    } else {
        whole
    };
    // The digits are checked, so the only failure left is overflow.
    signed.parse().map_err(|_| err(ParseErrorKind::TooLarge))
}

/// What the values of one whole-number column show about its marks, gathered over all of
/// them before any is read: the first value that uses `.`, and `,`, as a decimal mark, and
/// as a thousands mark, each with where it is. A value of plain digits, or a lone group
/// (`800,000`), shows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WholeColumn {
    dot_decimal: Option<Witness>,
    comma_decimal: Option<Witness>,
    dot_grouping: Option<Witness>,
    comma_grouping: Option<Witness>,
}

/// A value that shows how its column uses a mark, and where it is (`row 7`, `cell E12`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub value: String,
    pub place: String,
}

impl WholeColumn {
    /// A column whose values show nothing yet.
    pub const fn new() -> Self {
        WholeColumn {
            dot_decimal: None,
            comma_decimal: None,
            dot_grouping: None,
            comma_grouping: None,
        }
    }

    /// Takes in one value of the column; `place` says where it is, asked for only when
    /// the value is the first to show something.
    pub fn observe(&mut self, text: &str, place: impl Fn() -> String) {
        // Plain digits, the common cell, show nothing.
        if !text.contains(['.', ',']) {
            return;
        }
        let text = clean(text);
        let Ok(Number {
            layout: Layout::Settled {
                decimal, grouping, ..
            },
            ..
        }) = read_number(&text)
        else {
            return;
        };
        let witness = || {
            Some(Witness {
                value: shortened(&text),
                place: place(),
            })
        };
        if let Some(slot @ None) = self.decimal_slot(decimal) {
            *slot = witness();
        }
        if let Some(slot @ None) = self.grouping_slot(grouping) {
            *slot = witness();
        }
    }

    /// The mark the column uses as its decimal mark, when its values show exactly one.
    pub fn decimal_mark(&self) -> Option<char> {
        match (&self.dot_decimal, &self.comma_decimal) {
            (Some(_), None) => Some('.'),
            (None, Some(_)) => Some(','),
            _ => None,
        }
    }

    fn decimal(&self, mark: char) -> Option<&Witness> {
        match mark {
            '.' => self.dot_decimal.as_ref(),
            _ => self.comma_decimal.as_ref(),
        }
    }

    fn grouping(&self, mark: char) -> Option<&Witness> {
        match mark {
            '.' => self.dot_grouping.as_ref(),
            _ => self.comma_grouping.as_ref(),
        }
    }

    fn decimal_slot(&mut self, mark: Option<char>) -> Option<&mut Option<Witness>> {
        match mark? {
            '.' => Some(&mut self.dot_decimal),
            _ => Some(&mut self.comma_decimal),
        }
    }

    fn grouping_slot(&mut self, mark: Option<char>) -> Option<&mut Option<Witness>> {
        match mark? {
            '.' => Some(&mut self.dot_grouping),
            _ => Some(&mut self.comma_grouping),
        }
    }
}

/// Why a value of a whole-number column was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WholeNumberError {
    /// Not a whole number, whatever its column.
    Parse(ParseError),
    /// A lone group (`800,000`) whose mark the column also uses as its decimal mark.
    Ambiguous(Box<AmbiguousNumber>),
}

impl From<ParseError> for WholeNumberError {
    fn from(e: ParseError) -> Self {
        WholeNumberError::Parse(e)
    }
}

/// A value with two readings a thousand times apart, and the values of its column that
/// give it both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousNumber {
    pub value: String,
    expected: Expected,
    mark: char,
    /// The value with its mark grouping thousands (`800000`), and as the decimal mark
    /// (`800`, `1.5`).
    pub grouped: String,
    pub as_decimal: String,
    /// The column's first value with the mark as its decimal mark.
    pub decimal: Witness,
    /// The column's first value with the mark grouping thousands, if any.
    pub grouping: Option<Witness>,
}

impl std::fmt::Display for WholeNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WholeNumberError::Parse(e) => e.fmt(f),
            WholeNumberError::Ambiguous(a) => {
                let (value, what, mark) = (&a.value, a.expected.describe(), a.mark);
                let (d, grouped, as_decimal) = (&a.decimal, &a.grouped, &a.as_decimal);
                match &a.grouping {
                    None => write!(
                        f,
                        "Cannot read \"{value}\" as {what} for sure: with \"{mark}\" grouping \
                         thousands it is {grouped}, but {} of the same column (\"{}\") uses \
                         \"{mark}\" as the decimal mark, which makes it {as_decimal}.",
                        d.place, d.value
                    ),
                    Some(g) => write!(
                        f,
                        "Cannot read \"{value}\" as {what} for sure: the column uses \"{mark}\" \
                         both to group thousands ({}: \"{}\") and as the decimal mark ({}: \
                         \"{}\"), so it could be {grouped} or {as_decimal}.",
                        g.place, g.value, d.place, d.value
                    ),
                }
            }
        }
    }
}

impl std::error::Error for WholeNumberError {}

/// Applies steps 1–6 of the module rule to a cleaned string, leaving a lone group
/// (step 4's `1.500`, step 5's `1,500`) for the caller to read.
fn read_number(text: &str) -> Result<Number, ParseErrorKind> {
    if text.is_empty() {
        return Err(ParseErrorKind::Empty);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut body = strip_currency(&compact);
    let mut negative = false;
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        negative = true;
        body = strip_currency(inner);
    }
    if let Some(rest) = body.strip_prefix(['-', '\u{2212}']) {
        if negative {
            return Err(ParseErrorKind::BadFormat);
        }
        negative = true;
        body = strip_currency(rest);
    } else if let Some(rest) = body.strip_prefix('+') {
        body = rest;
    }

    let starts_and_ends_with_digit = body.starts_with(|c: char| c.is_ascii_digit())
        && body.ends_with(|c: char| c.is_ascii_digit());
    if !starts_and_ends_with_digit
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(ParseErrorKind::BadFormat);
    }

    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let layout = match (dots, commas) {
        (0, 0) => Layout::Settled {
            whole: body.to_string(),
            fraction: String::new(),
            decimal: None,
            grouping: None,
        },
        (_, 0) => single_kind(body, '.', dots)?,
        (0, _) => single_kind(body, ',', commas)?,
        _ => {
            let last = body.rfind(['.', ',']).ok_or(ParseErrorKind::BadFormat)?;
            let (decimal, thousands) = if body[last..].starts_with(',') {
                (',', '.')
            } else {
                ('.', ',')
            };
            let (whole, fraction) = split_at_decimal(body, decimal, Some(thousands))?;
            Layout::Settled {
                whole,
                fraction,
                decimal: Some(decimal),
                grouping: Some(thousands),
            }
        }
    };
    Ok(Number { negative, layout })
}

/// Only one kind of mark, `count` times: thousands when the groups say so (a lone one
/// left open), else a single one is the decimal mark.
fn single_kind(body: &str, mark: char, count: usize) -> Result<Layout, ParseErrorKind> {
    let groups: Vec<&str> = body.split(mark).collect();
    if are_thousands_groups(&groups) {
        Ok(match (count, body.split_once(mark)) {
            (1, Some((before, after))) => Layout::LoneGroup {
                mark,
                before: before.to_string(),
                after: after.to_string(),
            },
            _ => Layout::Settled {
                whole: groups.concat(),
                fraction: String::new(),
                decimal: None,
                grouping: Some(mark),
            },
        })
    } else if count == 1 {
        let (whole, fraction) = split_at_decimal(body, mark, None)?;
        Ok(Layout::Settled {
            whole,
            fraction,
            decimal: Some(mark),
            grouping: None,
        })
    } else {
        Err(ParseErrorKind::BadFormat)
    }
}

/// Splits at the single `decimal` mark; the integer part may use `thousands` grouping.
fn split_at_decimal(
    body: &str,
    decimal: char,
    thousands: Option<char>,
) -> Result<(String, String), ParseErrorKind> {
    let (int_part, fraction) = body.split_once(decimal).ok_or(ParseErrorKind::BadFormat)?;
    if fraction.contains(['.', ',']) || int_part.contains(decimal) {
        return Err(ParseErrorKind::BadFormat);
    }
    let whole = match thousands {
        Some(t) => {
            let groups: Vec<&str> = int_part.split(t).collect();
            if groups.len() > 1 && !are_thousands_groups(&groups) {
                return Err(ParseErrorKind::BadFormat);
            }
            groups.concat()
        }
        None => int_part.to_string(),
    };
    if whole.is_empty() || fraction.is_empty() {
        return Err(ParseErrorKind::BadFormat);
    }
    Ok((whole, fraction.to_string()))
}

/// `1`, `234`, `567` — a first group of 1–3 digits without a leading zero, then groups of
/// exactly three.
fn are_thousands_groups(groups: &[&str]) -> bool {
    match groups.split_first() {
        Some((first, rest)) => {
            !rest.is_empty()
                && (1..=3).contains(&first.len())
                && !first.starts_with('0')
                && rest.iter().all(|g| g.len() == 3)
        }
        None => false,
    }
}

/// Drops one currency word before and one after the number.
fn strip_currency(s: &str) -> &str {
    let mut rest = s;
    let letters_end = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    if letters_end > 0 && is_currency_word(&rest[..letters_end]) {
        rest = &rest[letters_end..];
    }
    let letters_start = rest.rfind(|c: char| !c.is_alphabetic()).map_or(0, |i| {
        i + rest[i..].chars().next().map_or(1, char::len_utf8)
    });
    if letters_start < rest.len() && is_currency_word(&rest[letters_start..]) {
        rest = &rest[..letters_start];
    }
    rest
}

fn is_currency_word(word: &str) -> bool {
    CURRENCY_WORDS.contains(&fold_compact(word).as_str())
}

/// `5545` → `5.545`, `-1500000` → `-1.500.000`.
pub fn format_integer_vi(n: i64) -> String {
    let grouped = group_thousands(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// `98.5` with 1 decimal → `98,5`; `1234.5` with 2 → `1.234,50`. Non-finite values are
/// written as Rust writes them, so they stand out rather than pass for numbers.
pub fn format_decimal_vi(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let fixed = format!("{:.*}", decimals, x.abs());
    let (int_part, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut out = String::new();
    // A value that rounds to zero prints as 0, not -0.
    if x < 0.0 && fixed.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        out.push('-');
    }
    out.push_str(&group_thousands(int_part));
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Reads a yes/no answer. Yes: `Có`, `x`, `1`, `yes`, `true`, `Đã …` (anything whose
/// first word is "có" or "đã", such as "Đã được trợ giúp"). No: `Không`, `0`, `no`,
/// `false`, `Chưa …`, and blank — registry columns mark "yes" with `x` and leave "no"
/// empty.
pub fn parse_yes_no(s: &str) -> Result<bool, ParseError> {
    // The words as the software writes them, before any folding.
    match s {
        "Có" | "có" | "x" | "X" | "1" => return Ok(true),
        "Không" | "không" | "" | "0" => return Ok(false),
        _ => {}
    }
    let text = clean(s);
    if text.is_empty() {
        return Ok(false);
    }
    let folded = fold(&text);
    match folded.as_str() {
        "0" | "no" | "n" | "false" | "k" | "ko" | "kh" => return Ok(false),
        "1" | "x" | "yes" | "y" | "true" => return Ok(true),
        _ => {}
    }
    match folded.split(' ').next().unwrap_or_default() {
        "co" | "da" => Ok(true),
        "khong" | "chua" => Ok(false),
        _ => Err(ParseError::new(
            ParseErrorKind::BadFormat,
            Expected::YesNo,
            &text,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<impl std::fmt::Debug, ParseError>) -> ParseErrorKind {
        r.unwrap_err().kind
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_decimal("0").unwrap(), 0.0);
        assert_eq!(parse_decimal("42").unwrap(), 42.0);
        assert_eq!(parse_decimal(" 42 ").unwrap(), 42.0);
        assert_eq!(parse_decimal("+7").unwrap(), 7.0);
        assert_eq!(parse_decimal("-0").unwrap().to_string(), "0");
    }

    #[test]
    fn vietnamese_thousands_and_decimals() {
        assert_eq!(parse_decimal("1.234.567").unwrap(), 1_234_567.0);
        assert_eq!(parse_decimal("1.500").unwrap(), 1500.0);
        assert_eq!(parse_decimal("1.500.000").unwrap(), 1_500_000.0);
        assert_eq!(parse_decimal("98,5").unwrap(), 98.5);
        assert_eq!(parse_decimal("1,500").unwrap(), 1.5);
        assert_eq!(parse_decimal("1.234,56").unwrap(), 1234.56);
        assert_eq!(parse_decimal("1.234.567,8").unwrap(), 1_234_567.8);
    }

    #[test]
    fn english_formatting() {
        assert_eq!(parse_decimal("1.5").unwrap(), 1.5);
        assert_eq!(parse_decimal("0.500").unwrap(), 0.5);
        assert_eq!(parse_decimal("1,234,567").unwrap(), 1_234_567.0);
        assert_eq!(parse_decimal("1,234.5").unwrap(), 1234.5);
        assert_eq!(parse_decimal("12.3456").unwrap(), 12.3456);
    }

    #[test]
    fn spaces_and_currency() {
        assert_eq!(parse_decimal("1 500 000").unwrap(), 1_500_000.0);
        assert_eq!(parse_decimal("1\u{00A0}500").unwrap(), 1500.0);
        assert_eq!(parse_vnd("1.500.000 đồng").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000đ").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000 Đ").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000 VND").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000 VNĐ").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000 vnđ").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("1.500.000 dong").unwrap(), 1_500_000);
        assert_eq!(parse_vnd("VND 2.000").unwrap(), 2000);
        assert_eq!(parse_vnd("đ2.000").unwrap(), 2000);
        assert_eq!(
            parse_vnd("Đo\u{0302}\u{0300}ng 5").unwrap(),
            5,
            "decomposed currency word"
        );
    }

    #[test]
    fn negatives() {
        assert_eq!(parse_decimal("-1.000").unwrap(), -1000.0);
        assert_eq!(parse_decimal("\u{2212}2,5").unwrap(), -2.5);
        assert_eq!(parse_decimal("(1.000)").unwrap(), -1000.0);
        assert_eq!(parse_vnd("(1.000 đ)").unwrap(), -1000);
        assert_eq!(parse_vnd("(1.000) đ").unwrap(), -1000);
        assert_eq!(parse_vnd("-500.000 đồng").unwrap(), -500_000);
        assert_eq!(kind(parse_decimal("-(1.000)")), ParseErrorKind::BadFormat);
    }

    #[test]
    fn not_numbers() {
        assert_eq!(kind(parse_decimal("")), ParseErrorKind::Empty);
        assert_eq!(kind(parse_decimal("  ")), ParseErrorKind::Empty);
        assert_eq!(kind(parse_decimal("-")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("abc")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("12a")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("1.2.3")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("1,2,3")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("1.23,5")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("1,5.000,2")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal(".5")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("5.")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("5 USD")), ParseErrorKind::BadFormat);
        assert_eq!(kind(parse_decimal("1e5")), ParseErrorKind::BadFormat);
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer("5.545").unwrap(), 5545);
        assert_eq!(parse_integer("12").unwrap(), 12);
        assert_eq!(parse_integer("-3").unwrap(), -3);
        assert_eq!(parse_integer("7,0").unwrap(), 7);
        assert_eq!(parse_integer("1,234.00").unwrap(), 1234);
        assert_eq!(parse_integer("1.234,00").unwrap(), 1234);
        assert_eq!(kind(parse_integer("98,5")), ParseErrorKind::NotAnInteger);
        assert_eq!(kind(parse_integer("1.5")), ParseErrorKind::NotAnInteger);
        assert_eq!(
            kind(parse_integer("99999999999999999999")),
            ParseErrorKind::TooLarge
        );
        assert_eq!(
            parse_integer("9.223.372.036.854.775.807").unwrap(),
            i64::MAX
        );
    }

    #[test]
    fn a_lone_group_alone_is_thousands_in_a_whole_number() {
        assert_eq!(parse_integer("1,500").unwrap(), 1500);
        assert_eq!(parse_integer("1.500").unwrap(), 1500);
        assert_eq!(parse_vnd("800,000").unwrap(), 800_000);
        assert_eq!(parse_vnd("-800,000 đ").unwrap(), -800_000);
        assert_eq!(parse_vnd("(1,500)").unwrap(), -1500);
        // Not a lone group: a first group starting with 0, or not three digits after.
        assert_eq!(kind(parse_integer("0,500")), ParseErrorKind::NotAnInteger);
        assert_eq!(kind(parse_integer("1,50")), ParseErrorKind::NotAnInteger);
        assert_eq!(kind(parse_integer("1.5000")), ParseErrorKind::NotAnInteger);
        // A number alone with a decimal mark is still one (parse_decimal is unchanged).
        assert_eq!(parse_decimal("1,500").unwrap(), 1.5);
    }

    /// A column surveyed from `values`, each at "row 2", "row 3", …
    fn column(values: &[&str]) -> WholeColumn {
        let mut column = WholeColumn::new();
        for (i, v) in values.iter().enumerate() {
            column.observe(v, || format!("row {}", i + 2));
        }
        column
    }

    fn ambiguous(r: Result<i64, WholeNumberError>) -> AmbiguousNumber {
        match r {
            Err(WholeNumberError::Ambiguous(a)) => *a,
            other => panic!("not ambiguous: {other:?}"),
        }
    }

    #[test]
    fn an_english_locale_ledger_reads_its_thousands() {
        // The 2020 ledger saved as CSV on an English-locale computer: every value grouped
        // with ",", none with a decimal mark. 800,000 is 800000 đồng, not 800.
        let values = [
            "13,000,000",
            "800,000",
            "1,500,000",
            "900,000",
            "94.000.000 đ",
        ];
        let c = column(&values);
        assert_eq!(c.decimal_mark(), None);
        let read: Vec<i64> = values
            .iter()
            .map(|v| parse_vnd_in(v, &c).unwrap())
            .collect();
        assert_eq!(read, [13_000_000, 800_000, 1_500_000, 900_000, 94_000_000]);
        assert_eq!(read.iter().sum::<i64>(), 110_200_000);
    }

    #[test]
    fn a_column_with_english_decimals_is_read_english_throughout() {
        // "1,234.00" shows "." as the decimal mark: "1.500" could be 1.5, and is refused;
        // "800,000" still groups thousands.
        let c = column(&["1,234.00", "1.500", "800,000"]);
        assert_eq!(c.decimal_mark(), Some('.'));
        assert_eq!(parse_vnd_in("1,234.00", &c).unwrap(), 1234);
        assert_eq!(parse_vnd_in("800,000", &c).unwrap(), 800_000);
        let a = ambiguous(parse_vnd_in("1.500", &c));
        assert_eq!((a.grouped.as_str(), a.as_decimal.as_str()), ("1500", "1.5"));
        assert_eq!(a.decimal.place, "row 2");
        assert_eq!(
            WholeNumberError::Ambiguous(Box::new(a)).to_string(),
            "Cannot read \"1.500\" as an amount in đồng for sure: with \".\" grouping \
             thousands it is 1500, but row 2 of the same column (\"1,234.00\") uses \".\" \
             as the decimal mark, which makes it 1.5."
        );
        // Three zeros after the mark: a whole number either way, a thousand apart.
        let a = ambiguous(parse_vnd_in("-2.000 đ", &c));
        assert_eq!((a.grouped.as_str(), a.as_decimal.as_str()), ("-2000", "-2"));
        // A fraction is a fraction, whatever the column.
        assert_eq!(
            parse_vnd_in("1,234.50", &c).unwrap_err(),
            WholeNumberError::Parse(ParseError::new(
                ParseErrorKind::NotAnInteger,
                Expected::Amount,
                "1,234.50"
            ))
        );
    }

    #[test]
    fn a_column_with_decimal_commas_refuses_a_comma_before_three_digits() {
        // "7,0" people: "," is this column's decimal mark, so "800,000" may be 800.
        let c = column(&["12", "7,0", "1.234", "800,000"]);
        assert_eq!(c.decimal_mark(), Some(','));
        assert_eq!(parse_integer_in("7,0", &c).unwrap(), 7);
        assert_eq!(parse_integer_in("1.234", &c).unwrap(), 1234);
        let a = ambiguous(parse_integer_in("800,000", &c));
        assert_eq!(
            (a.grouped.as_str(), a.as_decimal.as_str()),
            ("800000", "800")
        );
        assert_eq!(a.decimal.value, "7,0");
        assert!(a.grouping.is_none());
    }

    #[test]
    fn a_column_of_conflicting_conventions_names_both() {
        // "." groups thousands in row 2 and is a decimal point in row 3.
        let c = column(&["1.234.567", "12.50", "1.500", "2,000,000"]);
        assert_eq!(c.decimal_mark(), Some('.'));
        let e = parse_integer_in("1.500", &c).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Cannot read \"1.500\" as a whole number for sure: the column uses \".\" both to \
             group thousands (row 2: \"1.234.567\") and as the decimal mark (row 3: \
             \"12.50\"), so it could be 1500 or 1.5."
        );
        // Both marks as decimal marks: no lone group can be read.
        let c = column(&["1.234,5", "1,234.5"]);
        assert_eq!(c.decimal_mark(), None);
        assert!(parse_integer_in("1,500", &c).is_err());
        assert!(parse_integer_in("1.500", &c).is_err());
        assert_eq!(parse_integer_in("1.500.000", &c).unwrap(), 1_500_000);
    }

    #[test]
    fn a_column_decides_from_all_its_values_whatever_their_order() {
        let values = ["800,000", "5", "1.234,00"];
        let mut reversed = values;
        reversed.reverse();
        for order in [values, reversed] {
            let c = column(&order);
            assert!(parse_vnd_in("800,000", &c).is_err(), "{order:?}");
        }
        // Plain digits, lone groups, blanks and words show nothing.
        let c = column(&["5", "1.500", "800,000", "", "nhiều", "-", "1.2.3"]);
        assert_eq!(c, WholeColumn::new());
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            parse_integer("98,5").unwrap_err().to_string(),
            "Cannot read \"98,5\" as a whole number: it has a fractional part."
        );
        assert_eq!(
            parse_vnd("mười nghìn").unwrap_err().to_string(),
            "Cannot read \"mười nghìn\" as an amount in đồng: \
             the layout is not one that is understood."
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_integer_vi(0), "0");
        assert_eq!(format_integer_vi(999), "999");
        assert_eq!(format_integer_vi(5545), "5.545");
        assert_eq!(format_integer_vi(-1_500_000), "-1.500.000");
        assert_eq!(format_integer_vi(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(format_decimal_vi(98.5, 1), "98,5");
        assert_eq!(format_decimal_vi(1234.5, 2), "1.234,50");
        assert_eq!(format_decimal_vi(1500.0, 0), "1.500");
        assert_eq!(format_decimal_vi(-0.04, 1), "0,0");
        assert_eq!(format_decimal_vi(-2.25, 1), "-2,2");
        assert_eq!(format_decimal_vi(f64::NAN, 1), "NaN");
    }

    #[test]
    fn format_then_parse_round_trips() {
        for n in [
            0,
            7,
            999,
            1000,
            5545,
            1_500_000,
            -1_500_000,
            123_456_789_012,
        ] {
            assert_eq!(parse_integer(&format_integer_vi(n)).unwrap(), n, "{n}");
            assert_eq!(parse_vnd(&format_integer_vi(n)).unwrap(), n, "{n}");
        }
        for (x, decimals) in [
            (98.5, 1),
            (0.5, 3),
            (1.5, 3),
            (1234.5, 1),
            (1500.0, 0),
            (-2.75, 2),
            (1_234_567.891, 3),
            (99.98, 2),
        ] {
            let written = format_decimal_vi(x, decimals);
            assert_eq!(parse_decimal(&written).unwrap(), x, "{written}");
        }
    }

    #[test]
    fn yes_no() {
        for yes in [
            "Có",
            "co",
            "CÓ",
            "x",
            "X",
            "1",
            "yes",
            "true",
            "TRUE",
            "đã",
            "Đã được trợ giúp",
            "Có nguy cơ",
        ] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in [
            "Không",
            "khong",
            "KHÔNG",
            "0",
            "no",
            "false",
            "chưa",
            "Chưa được trợ giúp",
            "",
            "  ",
        ] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        for bad in ["2", "maybe", "-", "xx", "?"] {
            assert_eq!(
                parse_yes_no(bad).unwrap_err().kind,
                ParseErrorKind::BadFormat,
                "{bad}"
            );
        }
        assert_eq!(
            parse_yes_no("maybe").unwrap_err().to_string(),
            "Cannot read \"maybe\" as yes or no: the layout is not one that is understood."
        );
    }

    #[test]
    fn whatever_is_read_as_a_number_is_finite_and_reads_back_the_same() {
        let alphabet: Vec<char> = "0123456789.,-()+ đồngVNDx\u{2212}\u{00A0}é"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut read = 0;
        for _ in 0..2000 {
            let mut s = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (state >> 59) as usize;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            if let Ok(x) = parse_decimal(&s) {
                assert!(x.is_finite(), "{s:?} gave {x}");
            }
            // A whole number, written back the Vietnamese way, reads as itself.
            for n in [parse_integer(&s), parse_vnd(&s)].into_iter().flatten() {
                read += 1;
                assert_eq!(parse_integer(&format_integer_vi(n)), Ok(n), "{s:?}");
            }
            if let Err(e) = parse_yes_no(&s) {
                assert!(!e.to_string().is_empty(), "{s:?}");
            }
        }
        assert!(read > 20, "only {read} texts read as whole numbers");
    }
}

//! Numbers, amounts in đồng and yes/no answers as Vietnamese forms write them.
//!
//! Vietnamese style groups thousands with `.` and marks decimals with `,` (`1.234.567`,
//! `98,5`), but files also arrive with English formatting or none. The rule, applied in
//! this order:
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

use super::{clean, fold, fold_compact, Expected, ParseError, ParseErrorKind};

/// A number taken apart by the rule above: sign, integer digits, fraction digits.
struct Digits {
    negative: bool,
    whole: String,
    fraction: String,
}

/// Currency words, folded and without spaces.
const CURRENCY_WORDS: [&str; 3] = ["d", "dong", "vnd"];

/// Reads a number with the rule of the module documentation.
pub fn parse_decimal(s: &str) -> Result<f64, ParseError> {
    let text = clean(s);
    let digits = split_digits(&text).map_err(|k| ParseError::new(k, Expected::Number, &text))?;
    let literal = format!(
        "{}.{}",
        digits.whole,
        if digits.fraction.is_empty() {
            "0"
        } else {
            &digits.fraction
        }
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
    Ok(if digits.negative {
        -magnitude + 0.0
    } else {
        magnitude
    })
}

/// Reads a whole number; `1.500` is 1500, `1,5` is an error (not an integer).
pub fn parse_integer(s: &str) -> Result<i64, ParseError> {
    parse_whole(s, Expected::Integer)
}

/// Reads an amount in whole đồng, with or without the currency word.
pub fn parse_vnd(s: &str) -> Result<i64, ParseError> {
    parse_whole(s, Expected::Amount)
}

fn parse_whole(s: &str, expected: Expected) -> Result<i64, ParseError> {
    let text = clean(s);
    let err = |kind| ParseError::new(kind, expected, &text);
    let digits = split_digits(&text).map_err(err)?;
    if digits.fraction.bytes().any(|b| b != b'0') {
        return Err(err(ParseErrorKind::NotAnInteger));
    }
    let signed = if digits.negative {
        format!("-{}", digits.whole)
    } else {
        digits.whole
    };
    // The digits are checked, so the only failure left is overflow.
    signed.parse().map_err(|_| err(ParseErrorKind::TooLarge))
}

/// Applies steps 1–6 of the module rule to a cleaned, non-empty string.
fn split_digits(text: &str) -> Result<Digits, ParseErrorKind> {
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
    let (whole, fraction) = match (dots, commas) {
        (0, 0) => (body.to_string(), String::new()),
        (_, 0) => split_single_kind(body, '.', dots)?,
        (0, _) => {
            if commas == 1 {
                split_at_decimal(body, ',', None)?
            } else {
                split_single_kind(body, ',', commas)?
            }
        }
        _ => {
            let last = body.rfind(['.', ',']).ok_or(ParseErrorKind::BadFormat)?;
            let (decimal, thousands) = if body[last..].starts_with(',') {
                (',', '.')
            } else {
                ('.', ',')
            };
            split_at_decimal(body, decimal, Some(thousands))?
        }
    };
    Ok(Digits {
        negative,
        whole,
        fraction,
    })
}

/// Only one kind of separator, `count` times: thousands when the groups say so, else a
/// single one is the decimal mark (`.` in English style, `,` never reaches here alone).
fn split_single_kind(
    body: &str,
    separator: char,
    count: usize,
) -> Result<(String, String), ParseErrorKind> {
    let groups: Vec<&str> = body.split(separator).collect();
    if are_thousands_groups(&groups) {
        Ok((groups.concat(), String::new()))
    } else if count == 1 {
        split_at_decimal(body, separator, None)
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
    fn no_panic_on_arbitrary_input() {
        let alphabet: Vec<char> = "0123456789.,-()+ đồngVNDx\u{2212}\u{00A0}é"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let mut s = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (state >> 59) as usize;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            let _ = parse_decimal(&s);
            let _ = parse_integer(&s);
            let _ = parse_vnd(&s);
            let _ = parse_yes_no(&s);
        }
    }
}

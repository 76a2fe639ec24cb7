//! Dates and times as communes and districts type them.
//!
//! Vietnamese dates are day-first: `05/03/2021` is 5 March. Accepted: `d/m/yyyy` with `/`,
//! `-` or `.`, ISO `yyyy-mm-dd`, either followed by a time (`10:20`, `10:20:00`, `10h20`,
//! ISO `T10:20:00`), Excel serial numbers in the 1900 date system, the words offices
//! write (`ngày 16 tháng 11 năm 2021`, `Ngày 16/11/2021`) and two-digit years
//! (`25/05/21`), whose century a [`Century`] decides. A date is never guessed: an
//! impossible or ambiguous one is an error, and where a time is required a bare date is an
//! error too, because assuming midnight would silently move a case report across a
//! deadline.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::{clean, Expected, ParseError, ParseErrorKind};

/// The century of a two-digit year (`25/05/21`, as a spreadsheet program writes a date when
/// it saves a CSV again): the latest year ending in those digits that lies at most
/// [`Century::YEARS_AHEAD`] years after the pipeline's reporting year. For 2021, `00`–`31`
/// are 2000–2031 and `32`–`99` are 1932–1999.
///
/// Dates in these sources lie near the reporting year, except birth dates, which is what
/// the window is for. Every child (under 16) was born in the 16 years up to the reporting
/// year, so every child's two-digit year reads right. A birth year typed a few years ahead
/// (`25` for `15`) becomes a birth after the snapshot and is rejected, where reading it as
/// 1925 would exclude the child silently as aged out; hence ten years ahead rather than
/// none. A youth born in the 1990s reads as such and is excluded as aged out, as with four
/// digits. The reporting year, not today's date: a pipeline run again years later reads the
/// same dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Century {
    /// The latest year a two-digit year may mean.
    latest: i32,
}

impl Century {
    /// How far after the reporting year a two-digit year may lie (plans, late reports and
    /// typed-ahead birth years all fall within it).
    pub const YEARS_AHEAD: i32 = 10;

    pub const fn for_reporting_year(year: i32) -> Self {
        Century {
            latest: year + Self::YEARS_AHEAD,
        }
    }

    /// The year that two digits `yy` (0–99) stand for.
    fn year(self, yy: i32) -> i32 {
        self.latest - (self.latest - yy).rem_euclid(100)
    }
}

/// Excel serials accepted: 1 is 1900-01-01, 80000 is in 2119. Anything outside is more
/// likely a count or an id than a date.
const SERIAL_RANGE: std::ops::RangeInclusive<i64> = 1..=80000;

/// Years that can appear in this data (birth dates of the oldest carers to plans a few
/// years ahead); a typo such as 2201 is caught here.
const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Reads a date, a two-digit year in `century`. A time part, if present, must be a valid
/// time and is dropped.
pub fn parse_date(s: &str, century: Century) -> Result<NaiveDate, ParseError> {
    if let Some(date) = day_month_year(s) {
        return Ok(date);
    }
    let text = clean(s);
    parse_parts(&text, Expected::Date, century).map(|(date, _)| date)
}

/// `dd/mm/yyyy` exactly, as the child-management software writes every date: read
/// without the general parser's allocations. `None` sends anything else (and any error)
/// to the general parser.
fn day_month_year(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[2] != b'/' || b[5] != b'/' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[6..10])?).ok()?;
    if !YEAR_RANGE.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, number(&b[3..5])?, number(&b[0..2])?)
}

/// Reads a date with its time of day, a two-digit year in `century`. A date alone is
/// `MissingTime`; an Excel serial must carry a fractional part (`44197.5`), since a whole
/// serial is what a date-only cell holds.
pub fn parse_datetime(s: &str, century: Century) -> Result<NaiveDateTime, ParseError> {
    let text = clean(s);
    match parse_parts(&text, Expected::DateTime, century)? {
        (date, Some(time)) => Ok(date.and_time(time)),
        (_, None) => Err(ParseError::new(
            ParseErrorKind::MissingTime,
            Expected::DateTime,
            &text,
        )),
    }
}

/// What a date's text shows about the order of its day and month, for the rule that
/// decides a column's order from its values (`sources::date_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderHint {
    /// Nothing: not a `a/b/y` date (ISO, a serial, words, a bad date), or `a` = `b`.
    None,
    /// `a/b/y` with `a` 13–31 and `b` ≤ 12: only day-first reads it.
    DayFirst,
    /// `a/b/y` with `b` 13–31 and `a` ≤ 12: only month-first reads it.
    MonthFirst,
    /// `a/b/y` with `a` ≠ `b`, both 1–12: day-first and month-first read two dates.
    Either { a: u32, b: u32 },
}

/// The order `text` shows: its first word (a time may follow) as `a/b/y`, `a-b-y` or
/// `a.b.y`, `a` and `b` of one or two digits, `y` of two or four. Words (`ngày 16 tháng
/// 11`) and ISO dates say which part is which and show nothing.
pub fn order_hint(text: &str) -> OrderHint {
    let token = text.split([' ', 'T']).next().unwrap_or_default();
    let Some(separator) = token.bytes().find(|b| !b.is_ascii_digit()) else {
        return OrderHint::None;
    };
    if !matches!(separator, b'/' | b'-' | b'.') {
        return OrderHint::None;
    }
    let mut groups = token.split(separator as char);
    let (Some(a), Some(b), Some(y), None) =
        (groups.next(), groups.next(), groups.next(), groups.next())
    else {
        return OrderHint::None;
    };
    let short = |g: &str| (1..=2).contains(&g.len()) && g.bytes().all(|d| d.is_ascii_digit());
    // `21-01-16` may be year-month-day: a two-digit year with dashes shows nothing.
    let year = match (separator, y.len()) {
        (b'-', 4) | (b'/' | b'.', 2 | 4) => y.bytes().all(|d| d.is_ascii_digit()),
        _ => false,
    };
    if !short(a) || !short(b) || !year {
        return OrderHint::None;
    }
    let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
        return OrderHint::None;
    };
    match (a, b) {
        (0, _) | (_, 0) => OrderHint::None,
        _ if a == b => OrderHint::None,
        (13..=31, 1..=12) => OrderHint::DayFirst,
        (1..=12, 13..=31) => OrderHint::MonthFirst,
        (1..=12, 1..=12) => OrderHint::Either { a, b },
        _ => OrderHint::None,
    }
}

/// `text` with its first two groups swapped (`01/16/21 10:20` → `16/01/21 10:20`): a
/// month-first date as the day-first parser reads it. `None` when it is no `a/b/y` date.
pub fn swap_day_and_month(text: &str) -> Option<String> {
    let separator = text.bytes().find(|b| !b.is_ascii_digit())?;
    if !matches!(separator, b'/' | b'-' | b'.') {
        return None;
    }
    let mut parts = text.splitn(3, separator as char);
    let (a, b, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let sep = separator as char;
    Some(format!("{b}{sep}{a}{sep}{rest}"))
}

/// Days from the 1900 date system's day 0 to the 1904 system's (1 January 1904): a serial
/// of a workbook saved with the 1904 system (old Mac Excel, `date1904` in the workbook)
/// plus this is the same moment's 1900 serial.
pub const DAYS_1900_TO_1904: f64 = 1462.0;

/// Converts an Excel serial (1900 date system) to a date and time, rounded to the nearest
/// second (half a second up; 23:59:59.5 is the next midnight).
///
/// Rounded, not cut off: a serial holds the time as a fraction of a day, and most times
/// are not exact in binary. 13:10 on 1 January 2021 is stored as 44197.54861111111, a
/// hair below 13:10 (13:09:59.99999986); cut off, it would read 13:09:59 and a case
/// intervened exactly 12 hours after it was received would miss the 12-hour rule by a
/// second. Excel itself keeps times to the millisecond and shows this one as 13:10:00.
///
/// Excel counts 1900 as a leap year (a bug kept from Lotus 1-2-3): serial 60 is the
/// non-existent 29 February 1900 and gives `None`; serials before it are one day off
/// from the plain count and are corrected.
pub fn excel_serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || serial < 1.0 || serial >= (*SERIAL_RANGE.end() + 1) as f64 {
        return None;
    }
    let day = serial.floor();
    let mut whole = day as i64;
    if whole == 60 {
        return None;
    }
    let mut seconds = ((serial - day) * 86_400.0).round() as i64;
    if seconds >= 86_400 {
        // 0.999999… rounds to the next midnight.
        seconds -= 86_400;
        whole += 1;
    }
    let epoch = if whole < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let date = epoch.checked_add_signed(Duration::days(whole))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(seconds).ok()?, 0)?;
    Some(date.and_time(time))
}

/// The date and, when given, the time of `text` (already cleaned). Errors quote `text` as
/// it was written, not as its words were read.
fn parse_parts(
    text: &str,
    expected: Expected,
    century: Century,
) -> Result<(NaiveDate, Option<NaiveTime>), ParseError> {
    let err = |kind| ParseError::new(kind, expected, text);
    if text.is_empty() {
        return Err(err(ParseErrorKind::Empty));
    }
    if let Some(result) = parse_serial(text, expected) {
        return result;
    }
    let words = vietnamese_words(text);
    let text = words.as_deref().unwrap_or(text);

    // ISO `2021-03-05T10:20:00`: the `T` joins date and time.
    let (date_part, time_part) = match text.split_once(['T', 't']) {
        Some((d, t)) if d.len() == 10 && d.as_bytes()[4] == b'-' => (d.to_string(), t.to_string()),
        _ => {
            let mut tokens: Vec<&str> = text.split(' ').collect();
            // "10:20 05/03/2021" and "10h20 ngày 05/03/2021" put the time first.
            if tokens.len() >= 2 && parse_time(tokens[0]).is_ok() {
                let time = tokens.remove(0);
                tokens.retain(|t| !t.eq_ignore_ascii_case("ngày"));
                tokens.push(time);
            }
            let first = tokens.first().copied().unwrap_or_default();
            let date = first.trim_end_matches(',').to_string();
            (date, tokens[1.min(tokens.len())..].join(" "))
        }
    };

    let date = parse_date_token(&date_part, century).map_err(err)?;
    if time_part.is_empty() {
        return Ok((date, None));
    }
    let seconds = parse_time(&time_part).map_err(err)?;
    // 23:59:59.5 and later round up to the next day's midnight.
    let (date, seconds) = match seconds.checked_sub(SECONDS_PER_DAY) {
        Some(over) => (date.succ_opt().ok_or(err(ParseErrorKind::BadTime))?, over),
        None => (date, seconds),
    };
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)
        .ok_or(err(ParseErrorKind::BadTime))?;
    Ok((date, Some(time)))
}

const SECONDS_PER_DAY: u32 = 86_400;

/// A date in the words offices write — `ngày 16 tháng 11 năm 2021`, `16 tháng 11 năm
/// 2021`, `Ngày 16/11/2021`, `ngày 05/03/2021 lúc 10h20` — in any case, with or without
/// diacritics (typed in NFC or NFD alike), as `16/11/2021 …`: `D tháng M năm Y` becomes
/// `D/M/Y`, and `ngày` (day) and `lúc` (at) are dropped wherever they stand. `None` when
/// there are no such words, and the text is read as it is.
fn vietnamese_words(text: &str) -> Option<String> {
    // Numbers, separators and ISO's `T` only: most cells, skipped without a copy.
    if text
        .bytes()
        .all(|b| !b.is_ascii_alphabetic() || b == b'T' || b == b't')
    {
        return None;
    }
    let folded: String = text
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let tokens: Vec<&str> = folded.split_whitespace().collect();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut found = false;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i..] {
            [day, "thang", month, "nam", year, ..]
                if digits(day) && digits(month) && digits(year.trim_end_matches([',', '.'])) =>
            {
                out.push(format!(
                    "{day}/{month}/{}",
                    year.trim_end_matches([',', '.'])
                ));
                found = true;
                i += 5;
            }
            ["ngay" | "luc", ..] => {
                found = true;
                i += 1;
            }
            _ => {
                out.push(tokens[i].to_string());
                i += 1;
            }
        }
    }
    found.then(|| out.join(" "))
}

/// `Some` when `text` is an Excel serial (`44197`, `44197.5`, `44197,5`).
fn parse_serial(
    text: &str,
    expected: Expected,
) -> Option<Result<(NaiveDate, Option<NaiveTime>), ParseError>> {
    let (whole, fraction) = match text.split_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !fraction.is_none_or(all_digits) {
        return None;
    }
    let err = |kind| Err(ParseError::new(kind, expected, text));
    // A long digit string is an id, not a date; parse failure means it is huge.
    let Ok(day) = whole.parse::<i64>() else {
        return Some(err(ParseErrorKind::SerialOutOfRange));
    };
    if !SERIAL_RANGE.contains(&day) || day == 60 {
        return Some(err(ParseErrorKind::SerialOutOfRange));
    }
    let value: f64 = match fraction {
        Some(f) => format!("{whole}.{f}").parse().unwrap_or(day as f64),
        None => day as f64,
    };
    Some(match excel_serial_to_datetime(value) {
        Some(dt) => Ok((dt.date(), fraction.map(|_| dt.time()))),
        None => err(ParseErrorKind::SerialOutOfRange),
    })
}

/// `dd/mm/yyyy` (also `-`, `.`, one or two digits for day and month), `dd/mm/yy` or
/// `dd.mm.yy` (the year's century from `century`), or `yyyy-mm-dd`.
fn parse_date_token(token: &str, century: Century) -> Result<NaiveDate, ParseErrorKind> {
    let separator = token
        .chars()
        .find(|c| !c.is_ascii_digit())
        .ok_or(ParseErrorKind::BadFormat)?;
    if !matches!(separator, '/' | '-' | '.') {
        return Err(ParseErrorKind::BadFormat);
    }
    let groups: Vec<&str> = token.split(separator).collect();
    let well_formed = groups.len() == 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(ParseErrorKind::BadFormat);
    }
    let (y, m, d) = match (groups[0].len(), groups[1].len(), groups[2].len()) {
        (4, 1..=2, 1..=2) => (groups[0], groups[1], groups[2]),
        (1..=2, 1..=2, 4) => (groups[2], groups[1], groups[0]),
        // `25-05-21`: exports write year-month-day with dashes as often as day-month-year,
        // and with two-digit years both read as dates.
        (1..=2, 1..=2, 2) if separator == '-' => return Err(ParseErrorKind::Ambiguous),
        (1..=2, 1..=2, 2) => (groups[2], groups[1], groups[0]),
        _ => return Err(ParseErrorKind::BadFormat),
    };
    // The groups are short digit strings, so these parses cannot fail; map anyway.
    let mut year: i32 = y.parse().map_err(|_| ParseErrorKind::BadFormat)?;
    if y.len() == 2 {
        year = century.year(year);
    }
    let month: u32 = m.parse().map_err(|_| ParseErrorKind::BadFormat)?;
    let day: u32 = d.parse().map_err(|_| ParseErrorKind::BadFormat)?;
    if !YEAR_RANGE.contains(&year) {
        return Err(ParseErrorKind::YearOutOfRange);
    }
    if !(1..=12).contains(&month) {
        return Err(ParseErrorKind::NoSuchMonth);
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(ParseErrorKind::NoSuchDay)?;
    debug_assert_eq!(date.day(), day);
    Ok(date)
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, `10h20`, `10h`, with an optional `AM`/`PM` or
/// Vietnamese `SA`/`CH` or the words `sáng`/`chiều` (what LibreOffice writes for a 12-hour
/// time in a Vietnamese locale), as seconds from midnight rounded to the nearest
/// second: 86 400 when `23:59:59.5` or later rounds up to the next day.
fn parse_time(text: &str) -> Result<u32, ParseErrorKind> {
    let lower = text.to_lowercase();
    let mut body = lower.trim();
    let mut afternoon = None;
    for (suffix, pm) in [
        ("am", false),
        ("sa", false),
        ("sáng", false),
        ("sang", false),
        ("pm", true),
        ("ch", true),
        ("chiều", true),
        ("chieu", true),
    ] {
        if let Some(rest) = body.strip_suffix(suffix) {
            body = rest.trim_end();
            afternoon = Some(pm);
            break;
        }
    }
    let body = body.strip_suffix('p').unwrap_or(body);
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else if body.contains('h') || body.contains('g') {
        body.split(['h', 'g'])
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
    } else {
        return Err(ParseErrorKind::BadTime);
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err(ParseErrorKind::BadTime);
    }
    let number = |p: &str| -> Result<u32, ParseErrorKind> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseErrorKind::BadTime);
        }
        p.parse().map_err(|_| ParseErrorKind::BadTime)
    };
    let mut hour = number(parts[0])?;
    let minute = parts.get(1).map_or(Ok(0), |p| number(p))?;
    // Fractions of a second round to the nearest second, as a workbook's serials do: an
    // export that writes 13:09:59.9998 for 13:10 means 13:10.
    let (second, round_up) = match parts.get(2).map(|p| p.split_once('.').unwrap_or((p, ""))) {
        Some((whole, fraction)) => {
            if !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ParseErrorKind::BadTime);
            }
            (
                number(whole)?,
                matches!(fraction.as_bytes().first(), Some(b'5'..=b'9')),
            )
        }
        None => (0, false),
    };
    if let Some(pm) = afternoon {
        if !(1..=12).contains(&hour) {
            return Err(ParseErrorKind::BadTime);
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second).ok_or(ParseErrorKind::BadTime)?;
    Ok(time.num_seconds_from_midnight() + u32::from(round_up))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_hints_tell_day_first_month_first_and_two_way_dates_apart() {
        use OrderHint::*;
        for (text, hint) in [
            ("16/01/2021", DayFirst),
            ("16.01.21", DayFirst),
            ("16-01-2021 10:20", DayFirst),
            ("01/16/21", MonthFirst),
            ("1/16/2021", MonthFirst),
            ("01/04/21", Either { a: 1, b: 4 }),
            ("1/4/2021", Either { a: 1, b: 4 }),
            ("04/04/2021", None),
            ("2021-01-04", None),
            ("2021-01-16T10:20:00", None),
            ("21-01-16", None),
            ("44197", None),
            ("ngày 16 tháng 01 năm 2021", None),
            ("32/01/2021", None),
            ("00/04/2021", None),
            ("", None),
        ] {
            assert_eq!(order_hint(text), hint, "{text}");
        }
        assert_eq!(
            swap_day_and_month("01/16/21 10:20").as_deref(),
            Some("16/01/21 10:20")
        );
        assert_eq!(swap_day_and_month("2021"), Option::None);
    }

    /// Two-digit years as the sample's pipeline reads them.
    const Y2021: Century = Century::for_reporting_year(2021);

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, s).unwrap()
    }

    fn kind_of_date(s: &str) -> ParseErrorKind {
        parse_date(s, Y2021).unwrap_err().kind
    }

    #[test]
    fn day_first_layouts() {
        assert_eq!(parse_date("05/03/2021", Y2021).unwrap(), d(2021, 3, 5));
        assert_eq!(parse_date("5/3/2021", Y2021).unwrap(), d(2021, 3, 5));
        assert_eq!(parse_date("05-03-2021", Y2021).unwrap(), d(2021, 3, 5));
        assert_eq!(parse_date("05.03.2021", Y2021).unwrap(), d(2021, 3, 5));
        assert_eq!(parse_date(" 31/12/2021 ", Y2021).unwrap(), d(2021, 12, 31));
        assert_eq!(parse_date("29/02/2020", Y2021).unwrap(), d(2020, 2, 29));
    }

    #[test]
    fn iso_layouts() {
        assert_eq!(parse_date("2021-03-05", Y2021).unwrap(), d(2021, 3, 5));
        assert_eq!(
            parse_date("2021-03-05T10:20:00", Y2021).unwrap(),
            d(2021, 3, 5)
        );
        assert_eq!(
            parse_date("2021-03-05 10:20", Y2021).unwrap(),
            d(2021, 3, 5)
        );
    }

    #[test]
    fn date_with_time_keeps_the_date() {
        assert_eq!(
            parse_date("05/03/2021 10:20", Y2021).unwrap(),
            d(2021, 3, 5)
        );
        assert_eq!(
            parse_date("05/03/2021 10:20:30", Y2021).unwrap(),
            d(2021, 3, 5)
        );
    }

    #[test]
    fn excel_serials() {
        assert_eq!(parse_date("44197", Y2021).unwrap(), d(2021, 1, 1));
        assert_eq!(parse_date("44197.0", Y2021).unwrap(), d(2021, 1, 1));
        assert_eq!(parse_date("44197.5", Y2021).unwrap(), d(2021, 1, 1));
        assert_eq!(parse_date("1", Y2021).unwrap(), d(1900, 1, 1));
        assert_eq!(parse_date("59", Y2021).unwrap(), d(1900, 2, 28));
        assert_eq!(parse_date("61", Y2021).unwrap(), d(1900, 3, 1));
        assert_eq!(kind_of_date("60"), ParseErrorKind::SerialOutOfRange);
        assert_eq!(kind_of_date("0"), ParseErrorKind::SerialOutOfRange);
        assert_eq!(kind_of_date("80001"), ParseErrorKind::SerialOutOfRange);
        assert_eq!(
            kind_of_date("123456789012345678901234567890"),
            ParseErrorKind::SerialOutOfRange
        );
    }

    #[test]
    fn excel_serial_conversion() {
        assert_eq!(
            excel_serial_to_datetime(44197.5),
            Some(dt(2021, 1, 1, 12, 0, 0))
        );
        assert_eq!(
            excel_serial_to_datetime(44197.25),
            Some(dt(2021, 1, 1, 6, 0, 0))
        );
        assert_eq!(
            excel_serial_to_datetime(44_197.999_999_9),
            Some(dt(2021, 1, 2, 0, 0, 0))
        );
        // 13:10 is stored a hair below (13:09:59.99999986): rounded, not cut off.
        assert_eq!(
            excel_serial_to_datetime(44197.54861111111),
            Some(dt(2021, 1, 1, 13, 10, 0))
        );
        assert_eq!(excel_serial_to_datetime(60.0), None);
        assert_eq!(excel_serial_to_datetime(0.5), None);
        assert_eq!(excel_serial_to_datetime(f64::NAN), None);
        assert_eq!(excel_serial_to_datetime(80001.0), None);
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert_eq!(kind_of_date("31/02/2021"), ParseErrorKind::NoSuchDay);
        assert_eq!(kind_of_date("29/02/2021"), ParseErrorKind::NoSuchDay);
        assert_eq!(kind_of_date("00/01/2021"), ParseErrorKind::NoSuchDay);
        assert_eq!(kind_of_date("05/13/2021"), ParseErrorKind::NoSuchMonth);
        assert_eq!(kind_of_date("2021-13-01"), ParseErrorKind::NoSuchMonth);
        assert_eq!(kind_of_date("05/03/2201"), ParseErrorKind::YearOutOfRange);
    }

    #[test]
    fn malformed_dates_are_errors() {
        assert_eq!(kind_of_date(""), ParseErrorKind::Empty);
        assert_eq!(kind_of_date("   "), ParseErrorKind::Empty);
        assert_eq!(kind_of_date("hôm qua"), ParseErrorKind::BadFormat);
        assert_eq!(kind_of_date("05/03-2021"), ParseErrorKind::BadFormat);
        assert_eq!(kind_of_date("05/03/202"), ParseErrorKind::BadFormat);
        assert_eq!(kind_of_date("05/03/1"), ParseErrorKind::BadFormat);
        assert_eq!(kind_of_date("05//2021"), ParseErrorKind::BadFormat);
        assert_eq!(kind_of_date("05/03/2021 25:00"), ParseErrorKind::BadTime);
    }

    #[test]
    fn dates_in_the_words_offices_write() {
        let nfd: String = "ngày 16 tháng 11 năm 2021".nfd().collect();
        for s in [
            "ngày 16 tháng 11 năm 2021",
            "16 tháng 11 năm 2021",
            "Ngày 16/11/2021",
            "NGÀY 16 THÁNG 11 NĂM 2021",
            "ngay 16 thang 11 nam 2021",
            nfd.as_str(),
            "  Ngày  16\u{a0}tháng 11   năm 2021 ",
            "ngày 16 tháng 11 năm 2021.",
            "Ngày 16-11-2021",
        ] {
            assert_eq!(parse_date(s, Y2021), Ok(d(2021, 11, 16)), "{s:?}");
        }
        assert_eq!(
            parse_date("ngày 5 tháng 3 năm 2021", Y2021),
            Ok(d(2021, 3, 5))
        );
        assert_eq!(
            parse_datetime("10h20 ngày 16 tháng 11 năm 2021", Y2021),
            Ok(dt(2021, 11, 16, 10, 20, 0))
        );
        assert_eq!(
            parse_datetime("Ngày 16/11/2021 lúc 10:20", Y2021),
            Ok(dt(2021, 11, 16, 10, 20, 0))
        );
        // A day is needed, and a real one; the message quotes what was written.
        assert_eq!(kind_of_date("tháng 11 năm 2021"), ParseErrorKind::BadFormat);
        assert_eq!(
            kind_of_date("ngày 16 tháng mười một năm 2021"),
            ParseErrorKind::BadFormat
        );
        assert_eq!(
            parse_date("Ngày 31 tháng 2 năm 2021", Y2021)
                .unwrap_err()
                .to_string(),
            "Cannot read \"Ngày 31 tháng 2 năm 2021\" as a date: no such day."
        );
    }

    #[test]
    fn two_digit_years_take_the_century_of_the_reporting_year() {
        // Reporting year 2021: `00`-`31` are 2000-2031, `32`-`99` 1932-1999.
        assert_eq!(parse_date("25/05/21", Y2021), Ok(d(2021, 5, 25)));
        assert_eq!(parse_date("5/3/08", Y2021), Ok(d(2008, 3, 5)));
        assert_eq!(parse_date("16.11.21", Y2021), Ok(d(2021, 11, 16)));
        assert_eq!(parse_date("01/01/00", Y2021), Ok(d(2000, 1, 1)));
        assert_eq!(parse_date("01/01/31", Y2021), Ok(d(2031, 1, 1)));
        assert_eq!(parse_date("01/01/32", Y2021), Ok(d(1932, 1, 1)));
        assert_eq!(parse_date("05/03/99", Y2021), Ok(d(1999, 3, 5)));
        assert_eq!(
            parse_date("ngày 16 tháng 11 năm 21", Y2021),
            Ok(d(2021, 11, 16))
        );
        assert_eq!(
            parse_datetime("25/05/21 10:20", Y2021),
            Ok(dt(2021, 5, 25, 10, 20, 0))
        );
        // The window moves with the reporting year: for 2030, up to 2040.
        let y2030 = Century::for_reporting_year(2030);
        assert_eq!(parse_date("01/01/40", y2030), Ok(d(2040, 1, 1)));
        assert_eq!(parse_date("01/01/41", y2030), Ok(d(1941, 1, 1)));
        // Four digits are never moved.
        assert_eq!(parse_date("01/01/1940", y2030), Ok(d(1940, 1, 1)));
        // With dashes, 25-05-21 is 25 May 2021 or 21 May 2025: refused.
        assert_eq!(kind_of_date("25-05-21"), ParseErrorKind::Ambiguous);
        assert_eq!(kind_of_date("5-3-21"), ParseErrorKind::Ambiguous);
        assert_eq!(
            parse_date("25-05-21", Y2021).unwrap_err().to_string(),
            "Cannot read \"25-05-21\" as a date: with dashes and a two-digit year it may be day-month-year or year-month-day; write the year in four digits."
        );
    }

    #[test]
    fn error_message() {
        assert_eq!(
            parse_date("31/02/2021", Y2021).unwrap_err().to_string(),
            "Cannot read \"31/02/2021\" as a date: no such day."
        );
    }

    #[test]
    fn datetimes() {
        assert_eq!(
            parse_datetime("05/03/2021 10:20", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("5/3/2021 10:20:30", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 30)
        );
        assert_eq!(
            parse_datetime("05/03/2021 10h20", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("05/03/2021 9h", Y2021).unwrap(),
            dt(2021, 3, 5, 9, 0, 0)
        );
        assert_eq!(
            parse_datetime("10h20 ngày 05/03/2021", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("2021-03-05T10:20:00", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("2021-03-05T10:20:00.123", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("2021-03-05 10:20", Y2021).unwrap(),
            dt(2021, 3, 5, 10, 20, 0)
        );
        assert_eq!(
            parse_datetime("05/03/2021 2:05 PM", Y2021).unwrap(),
            dt(2021, 3, 5, 14, 5, 0)
        );
        // LibreOffice in a Vietnamese locale writes the words.
        assert_eq!(
            parse_datetime("01/01/20 07:30 sáng", Y2021).unwrap(),
            dt(2020, 1, 1, 7, 30, 0)
        );
        assert_eq!(
            parse_datetime("02/01/20 06:54 chiều", Y2021).unwrap(),
            dt(2020, 1, 2, 18, 54, 0)
        );
        assert_eq!(
            parse_datetime("05/03/2021 12:05 SA", Y2021).unwrap(),
            dt(2021, 3, 5, 0, 5, 0)
        );
        assert_eq!(
            parse_datetime("44197.5", Y2021).unwrap(),
            dt(2021, 1, 1, 12, 0, 0)
        );
        // A serial typed as text goes through the same rounding as a workbook's cell.
        assert_eq!(
            parse_datetime("44197.54861111111", Y2021).unwrap(),
            dt(2021, 1, 1, 13, 10, 0)
        );
        assert_eq!(
            parse_datetime("44197,75", Y2021).unwrap(),
            dt(2021, 1, 1, 18, 0, 0)
        );
    }

    #[test]
    fn fractions_of_a_second_round_to_the_nearest_second() {
        assert_eq!(
            parse_datetime("2021-01-01T13:09:59.9998", Y2021).unwrap(),
            dt(2021, 1, 1, 13, 10, 0)
        );
        assert_eq!(
            parse_datetime("2021-01-01T13:09:59.4999", Y2021).unwrap(),
            dt(2021, 1, 1, 13, 9, 59)
        );
        assert_eq!(
            parse_datetime("2021-01-01T13:09:59.5", Y2021).unwrap(),
            dt(2021, 1, 1, 13, 10, 0)
        );
        // Rounding carries across the hour and the day.
        assert_eq!(
            parse_datetime("01/01/2021 13:59:59.7", Y2021).unwrap(),
            dt(2021, 1, 1, 14, 0, 0)
        );
        assert_eq!(
            parse_datetime("31/12/2021 23:59:59.5", Y2021).unwrap(),
            dt(2022, 1, 1, 0, 0, 0)
        );
        // As a date alone: the day the rounded moment falls on, as with a serial.
        assert_eq!(
            parse_date("2021-12-31T23:59:59.9", Y2021).unwrap(),
            d(2022, 1, 1)
        );
        assert_eq!(
            parse_datetime("05/03/2021 10:20:30.x", Y2021)
                .unwrap_err()
                .kind,
            ParseErrorKind::BadTime
        );
    }

    #[test]
    fn datetime_without_time_is_missing_time() {
        for s in ["05/03/2021", "2021-03-05", "44197"] {
            assert_eq!(
                parse_datetime(s, Y2021).unwrap_err().kind,
                ParseErrorKind::MissingTime,
                "{s}"
            );
        }
        assert_eq!(
            parse_datetime("05/03/2021", Y2021).unwrap_err().to_string(),
            "Cannot read \"05/03/2021\" as a date and time: the time of day is missing."
        );
    }

    #[test]
    fn bad_times_are_errors() {
        for s in [
            "05/03/2021 24:00",
            "05/03/2021 10:60",
            "05/03/2021 13:00 PM",
            "05/03/2021 sáng",
            "05/03/2021 10:20:30:40",
        ] {
            assert_eq!(
                parse_datetime(s, Y2021).unwrap_err().kind,
                ParseErrorKind::BadTime,
                "{s}"
            );
        }
    }

    #[test]
    fn whatever_is_read_as_a_date_is_in_range_and_reads_back_the_same() {
        let alphabet: Vec<char> = "0123456789/-.:T hHgSACPM,ngày\u{0}é".chars().collect();
        let mut read = 0;
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            let mut s = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (state >> 59) as usize;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            // A text either gives a date of the years treem accepts, which written back
            // day-first reads as itself, or a reason that names the text.
            match parse_date(&s, Y2021) {
                Ok(d) => {
                    read += 1;
                    assert!(YEAR_RANGE.contains(&d.year()), "{s:?} gave {d}");
                    let written = d.format("%d/%m/%Y").to_string();
                    assert_eq!(parse_date(&written, Y2021), Ok(d), "{s:?}");
                }
                Err(e) => assert!(!e.to_string().is_empty(), "{s:?}"),
            }
            if let Ok(t) = parse_datetime(&s, Y2021) {
                assert!(YEAR_RANGE.contains(&t.year()), "{s:?} gave {t}");
            }
        }
        // The alphabet makes dates often enough for the checks above to mean something.
        assert!(read > 20, "only {read} texts read as dates");
    }
}

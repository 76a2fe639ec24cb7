//! Hand-formatted CSV for the national files: millions of rows a second need no allocation
//! per field, so dates come from a table of ready `dd/mm/yyyy` bytes, numbers are written
//! digit by digit, and a field is quoted only when it holds a comma, a quote or a line end.

use chrono::{Duration, NaiveDate};

/// First day of the date table; every date of the national sample is on or after it.
pub(super) fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Days in the table (2004-01-01 … 2022-12-31).
const TABLE_DAYS: usize = 6940;

/// A date as days since `base_date()`.
pub(super) type Day = u16;

pub(super) fn day_of(d: NaiveDate) -> Day {
    (d - base_date()).num_days().clamp(0, TABLE_DAYS as i64 - 1) as Day
}

pub(super) fn date_of(day: Day) -> NaiveDate {
    base_date() + Duration::days(i64::from(day))
}

/// `dd/mm/yyyy` of every day of the table.
pub(super) struct Dates {
    dmy: Vec<[u8; 10]>,
}

impl Dates {
    pub fn new() -> Dates {
        let base = base_date();
        let dmy = (0..TABLE_DAYS)
            .map(|i| {
                let d = base + Duration::days(i as i64);
                let mut b = [0u8; 10];
                let s = d.format("%d/%m/%Y").to_string();
                b.copy_from_slice(&s.as_bytes()[..10]);
                b
            })
            .collect();
        Dates { dmy }
    }

    pub fn push(&self, buf: &mut Vec<u8>, day: Day) {
        buf.extend_from_slice(&self.dmy[usize::from(day).min(TABLE_DAYS - 1)]);
    }
}

/// A text field, quoted (with doubled quotes) only when it needs to be.
pub(super) fn push_field(buf: &mut Vec<u8>, s: &str) {
    if needs_quotes(s) {
        buf.push(b'"');
        for &b in s.as_bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// The field as `push_field` writes it, for names written on every row.
pub(super) fn quoted_if_needed(s: &str) -> String {
    let mut buf = Vec::with_capacity(s.len() + 2);
    push_field(&mut buf, s);
    String::from_utf8(buf).unwrap_or_else(|_| s.to_string())
}

/// A number in decimal, padded with zeros to `width` digits at least.
pub(super) fn push_u32(buf: &mut Vec<u8>, mut n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(digits.len() - width.min(digits.len()));
    buf.extend_from_slice(&digits[start..]);
}

/// `HH:MM` of a time given in minutes after midnight.
pub(super) fn push_hhmm(buf: &mut Vec<u8>, minutes: u32) {
    push_u32(buf, minutes / 60 % 24, 2);
    buf.push(b':');
    push_u32(buf, minutes % 60, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).expect("utf-8")
    }

    #[test]
    fn numbers_are_padded_to_their_width() {
        assert_eq!(text(|b| push_u32(b, 17, 6)), "000017");
        assert_eq!(text(|b| push_u32(b, 1_234_567, 6)), "1234567");
        assert_eq!(text(|b| push_u32(b, 0, 1)), "0");
        assert_eq!(text(|b| push_u32(b, u32::MAX, 0)), "4294967295");
        assert_eq!(text(|b| push_hhmm(b, 7 * 60 + 5)), "07:05");
    }

    #[test]
    fn only_fields_with_commas_quotes_or_line_ends_are_quoted() {
        assert_eq!(text(|b| push_field(b, "Rơ Châm H'Ly")), "Rơ Châm H'Ly");
        assert_eq!(
            text(|b| push_field(b, "Hỗ trợ, tư vấn")),
            "\"Hỗ trợ, tư vấn\""
        );
        assert_eq!(text(|b| push_field(b, "a \"b\"")), "\"a \"\"b\"\"\"");
        assert_eq!(text(|b| push_field(b, "")), "");
    }

    #[test]
    fn dates_come_from_the_table_as_dd_mm_yyyy() {
        let dates = Dates::new();
        for (y, m, d) in [(2004, 1, 1), (2021, 12, 31), (2020, 2, 29), (2022, 12, 31)] {
            let day = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            assert_eq!(date_of(day_of(day)), day);
            assert_eq!(
                text(|b| dates.push(b, day_of(day))),
                day.format("%d/%m/%Y").to_string()
            );
        }
    }
}

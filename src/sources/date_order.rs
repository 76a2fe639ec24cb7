//! The order of day and month in a file's text dates, decided from its values.
//!
//! Vietnamese dates are day-first, but a CSV saved on a computer set to English (US) writes
//! them month first (`01/16/21`), and read day-first every date whose day is 12 or less
//! would be silently wrong. So a file's text dates are looked at together: `01/16/21`
//! shows month first, `16/01/21` day first, and `01/04/21` shows nothing and reads two
//! ways. A file that shows month first has its two-way dates rejected, never guessed.
//!
//! The file, not the column, is the unit: one program with one locale wrote all its
//! dates, and a column of few values (a plan's approval date) takes the order its other
//! columns show. Evidence is gathered before any row is parsed from the rows at hand — a
//! workbook's every row, a streamed CSV's first 64 KB (read ahead with its header: no
//! second pass over a national file) — and then row by row as the file is read. Month
//! first found only after two-way dates were read day first refuses the file whole
//! ([`DateOrder::refusal`]); the README's "The order of day and month" says what remains.

use crate::text::dates::{order_hint, swap_day_and_month, OrderHint};
use crate::text::ParseError;

/// A cell that shows an order: its row and column, and its text unless the column is
/// personal (a birth date is never quoted, even as evidence in another cell's message).
#[derive(Debug, Clone, PartialEq)]
struct Witness {
    line: usize,
    column: &'static str,
    text: Option<String>,
}

impl Witness {
    fn new(line: usize, column: &'static str, quotable: bool, cell: &str) -> Self {
        let text = quotable.then(|| cell.to_string());
        Witness { line, column, text }
    }
}

impl std::fmt::Display for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.text {
            Some(text) => write!(f, "row {}, {}: {text}", self.line, self.column),
            None => write!(f, "row {}, {}", self.line, self.column),
        }
    }
}

/// What one file's text dates have shown of their order so far.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DateOrder {
    /// The first cell read only day first (`16/01/21`).
    day_first: Option<Witness>,
    /// The first cell read only month first (`01/16/21`).
    month_first: Option<Witness>,
    /// Two-way dates read day first while no cell had shown month first.
    read_day_first: usize,
    /// The first month-first cell when it came only after such dates: they may be wrong,
    /// and the file is refused ([`Self::refusal`]).
    late: Option<(Witness, usize)>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `day month` in words, for a message (`4 January`).
fn day_month(day: u32, month: u32) -> String {
    let month = MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?");
    format!("{day} {month}")
}

impl DateOrder {
    /// Takes note of what `cell` shows, reading nothing (a survey before the rows are
    /// parsed). `quotable`: whether the cell may be quoted in a message (not a birth date).
    pub fn observe(
        &mut self,
        line: usize,
        column: &'static str,
        quotable: bool,
        cell: &str,
    ) -> OrderHint {
        let hint = order_hint(cell);
        let slot = match hint {
            OrderHint::DayFirst => &mut self.day_first,
            OrderHint::MonthFirst => &mut self.month_first,
            _ => return hint,
        };
        if slot.is_none() {
            *slot = Some(Witness::new(line, column, quotable, cell));
        }
        hint
    }

    /// `cell` (not blank) read by `parse`, a day-first parser, as the file's order
    /// allows; the error is why not, for a `bad_date` rejection of `column`.
    pub fn read<T>(
        &mut self,
        line: usize,
        column: &'static str,
        quotable: bool,
        cell: &str,
        parse: impl Fn(&str) -> Result<T, ParseError>,
    ) -> Result<T, String> {
        let parsed = |text: &str| parse(text).map_err(|e| e.to_string());
        let first_month_first = self.month_first.is_none();
        match self.observe(line, column, quotable, cell) {
            OrderHint::None | OrderHint::DayFirst => parsed(cell),
            OrderHint::MonthFirst => {
                let earlier = self.read_day_first;
                if let Some(day) = &self.day_first {
                    // Only month first reads it: in a file written day first, a typo or
                    // a part pasted from elsewhere. Rejected as it always was; the first
                    // such cell says what the two-way dates before it may be.
                    let mut why = format!(
                        "\"{cell}\" reads only month first, but the file writes dates day first ({day})."
                    );
                    if first_month_first && earlier > 0 {
                        why.push_str(&format!(
                            " If the file mixes both orders, the {earlier} dates before it that read either way were read day first and may be wrong; from here on such dates are rejected."
                        ));
                    }
                    return Err(why);
                }
                if first_month_first && earlier > 0 {
                    self.late = Some((Witness::new(line, column, quotable, cell), earlier));
                }
                // The file writes month first, and this date reads only so.
                parsed(&swap_day_and_month(cell).unwrap_or_else(|| cell.to_string()))
            }
            OrderHint::Either { a, b } => match (&self.month_first, &self.day_first) {
                (Some(month), None) => Err(format!(
                    "The file writes dates month first ({month}): \"{cell}\" could be {} or {}.",
                    day_month(b, a),
                    day_month(a, b)
                )),
                (Some(month), Some(day)) => Err(format!(
                    "The file writes dates both day first ({day}) and month first ({month}): \"{cell}\" could be {} or {}.",
                    day_month(a, b),
                    day_month(b, a)
                )),
                (None, _) => {
                    self.read_day_first += 1;
                    parsed(cell)
                }
            },
        }
    }

    /// Why the file cannot be kept at all: it showed month first only after dates that
    /// read either way had been read day first, and had been kept. Rejecting the later
    /// ones alone would leave those silently wrong.
    pub fn refusal(&self) -> Option<String> {
        let (witness, earlier) = self.late.as_ref()?;
        Some(format!(
            "The file writes dates month first ({witness}), which shows only after {earlier} dates that read either way had been read day first: they may be wrong, so the file is refused whole. Save it with dates as dd/mm/yyyy (a Vietnamese locale) and run again."
        ))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::sources::child_registry::COLUMNS;
    use crate::sources::headers::ColumnMap;
    use crate::sources::row::{Memo, Reason};
    use crate::sources::tabular::RawRow;
    use crate::text::dates::Century;

    const CENTURY: Century = Century::for_reporting_year(2021);

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A memo whose file's date columns are birth_date and updated_on, surveyed on `rows`.
    fn surveyed(rows: &[RawRow]) -> Memo {
        let found = [("birth_date", 0), ("updated_on", 1)].into_iter().collect();
        let map = ColumnMap::new(COLUMNS, &found, 0);
        let mut memo = Memo::default();
        memo.survey_dates(&map, &["birth_date", "updated_on"], rows);
        memo
    }

    #[test]
    fn a_file_that_shows_month_first_rejects_its_two_way_dates_and_reads_the_rest() {
        let mut memo = surveyed(&[]);
        // LibreOffice en-US: 16 January 2021, then 4 January 2021.
        assert_eq!(
            memo.date(3, "updated_on", "01/16/21", CENTURY),
            Ok(d(2021, 1, 16))
        );
        let r = memo.date(4, "updated_on", "01/04/21", CENTURY).unwrap_err();
        assert_eq!((r.column(), r.reason()), ("updated_on", Reason::BadDate));
        assert_eq!(
            r.detail(),
            "The file writes dates month first (row 3, updated_on: 01/16/21): \"01/04/21\" could be 4 January or 1 April."
        );
        // The same day and month, and a time after the date, read one way only.
        assert_eq!(
            memo.date(5, "updated_on", "04/04/2021", CENTURY),
            Ok(d(2021, 4, 4))
        );
        assert_eq!(
            memo.optional_datetime(6, "reported_at", "01/16/2021 10:20", CENTURY),
            Ok(Some(d(2021, 1, 16).and_hms_opt(10, 20, 0).unwrap()))
        );
        assert_eq!(memo.date_refusal(), None);
    }

    #[test]
    fn a_survey_decides_before_the_first_row_is_read_and_never_quotes_a_birth_date() {
        let rows = [
            RawRow::new(2, ["03/04/2012", "01/04/21"]),
            RawRow::new(3, ["01/16/2012", "01/04/21"]),
        ];
        let mut memo = surveyed(&rows);
        // Row 2 is rejected though the evidence comes a row later; the birth date that
        // shows it is named by row and column, not quoted.
        let r = memo.date(2, "updated_on", "01/04/21", CENTURY).unwrap_err();
        assert_eq!(
            r.detail(),
            "The file writes dates month first (row 3, birth_date): \"01/04/21\" could be 4 January or 1 April."
        );
        let r = memo
            .date(2, "birth_date", "03/04/2012", CENTURY)
            .unwrap_err();
        assert_eq!((r.column(), r.reason()), ("birth_date", Reason::BadDate));
        assert_eq!(r.detail(), "The cell is not a date.");
        // A new file starts afresh.
        let found = [("updated_on", 1)].into_iter().collect();
        memo.survey_dates(&ColumnMap::new(COLUMNS, &found, 0), &["updated_on"], &[]);
        assert_eq!(
            memo.date(2, "updated_on", "01/04/21", CENTURY),
            Ok(d(2021, 4, 1))
        );
    }

    #[test]
    fn a_day_first_file_reads_as_it_always_did() {
        let mut memo = surveyed(&[]);
        assert_eq!(
            memo.date(2, "updated_on", "01/04/2021", CENTURY),
            Ok(d(2021, 4, 1))
        );
        assert_eq!(
            memo.date(3, "updated_on", "16/01/2021", CENTURY),
            Ok(d(2021, 1, 16))
        );
        assert_eq!(
            memo.optional_datetime(3, "reported_at", "02/03/2021 10:20", CENTURY),
            Ok(Some(d(2021, 3, 2).and_hms_opt(10, 20, 0).unwrap()))
        );
        assert_eq!(
            memo.date(4, "updated_on", "2021-01-04", CENTURY),
            Ok(d(2021, 1, 4))
        );
        assert_eq!(memo.date_refusal(), None);
    }

    #[test]
    fn a_month_first_date_in_a_day_first_file_is_rejected_and_makes_the_file_mixed() {
        let mut memo = surveyed(&[]);
        assert!(memo.date(2, "updated_on", "01/04/2021", CENTURY).is_ok());
        assert!(memo.date(3, "updated_on", "16/01/2021", CENTURY).is_ok());
        let r = memo
            .date(4, "updated_on", "01/16/2021", CENTURY)
            .unwrap_err();
        assert_eq!(
            r.detail(),
            "\"01/16/2021\" reads only month first, but the file writes dates day first (row 3, updated_on: 16/01/2021). If the file mixes both orders, the 1 dates before it that read either way were read day first and may be wrong; from here on such dates are rejected."
        );
        let r = memo
            .date(5, "updated_on", "02/03/2021", CENTURY)
            .unwrap_err();
        assert_eq!(
            r.detail(),
            "The file writes dates both day first (row 3, updated_on: 16/01/2021) and month first (row 4, updated_on: 01/16/2021): \"02/03/2021\" could be 2 March or 3 February."
        );
        // One-way dates still read.
        assert_eq!(
            memo.date(6, "updated_on", "13/03/2021", CENTURY),
            Ok(d(2021, 3, 13))
        );
        assert_eq!(memo.date_refusal(), None);
    }

    #[test]
    fn month_first_found_after_two_way_dates_were_read_refuses_the_file() {
        let mut memo = surveyed(&[]);
        assert_eq!(
            memo.date(2, "updated_on", "01/04/2021", CENTURY),
            Ok(d(2021, 4, 1))
        );
        assert_eq!(
            memo.date(900, "updated_on", "01/16/2021", CENTURY),
            Ok(d(2021, 1, 16))
        );
        assert_eq!(
            memo.date_refusal().as_deref(),
            Some("The file writes dates month first (row 900, updated_on: 01/16/2021), which shows only after 1 dates that read either way had been read day first: they may be wrong, so the file is refused whole. Save it with dates as dd/mm/yyyy (a Vietnamese locale) and run again.")
        );
    }
}

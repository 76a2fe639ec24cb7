//! What becomes of one source row — kept, rejected or excluded — and the cell parsers the
//! sources share, each turning a bad cell into a rejection that names the column and a
//! reason code. Rejections carry no personal data: never a name, never a raw id.

use std::rc::Rc;

use chrono::{NaiveDate, NaiveDateTime};

use super::date_order::DateOrder;
use super::headers::ColumnMap;
use super::tabular::RawRow;
use crate::reference::{Level, OrgUnits, ResolveError, UnitLists};
use crate::text::dates::{parse_date, parse_datetime, Century};
use crate::text::fold;
use crate::text::numbers::parse_yes_no;

/// Why a row was not kept. The code is what the rejected table and the tests see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    // Keep `Reason::ALL` in step: the privacy test walks every reason.
    /// A required cell is blank.
    Missing,
    BadDate,
    BadValue,
    UnknownOrgUnit,
    AmbiguousOrgUnit,
    /// The commune does not lie in the district the row names.
    OrgUnitMismatch,
    /// An id seen before in the same snapshot (registry) or anywhere (cases).
    DuplicateId,
    /// Dates in an impossible order, such as a birth after the snapshot.
    DateOrder,
    /// Excluded, not rejected: 16 or older, so no longer a child under the Law on Children.
    AgedOut,
    /// The whole file could not be read; its row is 0.
    UnreadableFile,
    /// The file has no header row with the source's required columns.
    MissingColumns,
    /// A workbook lacks a sheet it must have (a form of the district report).
    MissingSheet,
    /// A number cell holds text that is not a number.
    BadNumber,
    /// A district report whose period is not the period of its folder.
    PeriodMismatch,
    /// A file over a limit of `[limits]` (inflated size, cells per sheet).
    TooLarge,
    /// A record longer than `limits.max_line_bytes`; the rest of its file is read.
    LineTooLong,
    /// A formula cell whose workbook stores no result, and that treem cannot compute.
    UncomputedFormula,
}

impl Reason {
    pub const ALL: [Reason; 17] = [
        Reason::Missing,
        Reason::BadDate,
        Reason::BadValue,
        Reason::UnknownOrgUnit,
        Reason::AmbiguousOrgUnit,
        Reason::OrgUnitMismatch,
        Reason::DuplicateId,
        Reason::DateOrder,
        Reason::AgedOut,
        Reason::UnreadableFile,
        Reason::MissingColumns,
        Reason::MissingSheet,
        Reason::BadNumber,
        Reason::PeriodMismatch,
        Reason::TooLarge,
        Reason::LineTooLong,
        Reason::UncomputedFormula,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Missing => "missing_value",
            Reason::BadDate => "bad_date",
            Reason::BadValue => "bad_value",
            Reason::UnknownOrgUnit => "unknown_org_unit",
            Reason::AmbiguousOrgUnit => "ambiguous_org_unit",
            Reason::OrgUnitMismatch => "org_unit_mismatch",
            Reason::DuplicateId => "duplicate_id",
            Reason::DateOrder => "date_order",
            Reason::AgedOut => "aged_out",
            Reason::UnreadableFile => "unreadable_file",
            Reason::MissingColumns => "missing_columns",
            Reason::MissingSheet => "missing_sheet",
            Reason::BadNumber => "bad_number",
            Reason::PeriodMismatch => "period_mismatch",
            Reason::TooLarge => "too_large",
            Reason::LineTooLong => "line_too_long",
            Reason::UncomputedFormula => "uncomputed_formula",
        }
    }
}

/// The columns whose values single out a child: a rejection of one of them says what is
/// wrong in general words and never quotes the cell, nor any date or id read beside it.
pub const PERSONAL_COLUMNS: [&str; 4] = ["child_id", "case_id", "name", "birth_date"];

/// A row that is not kept: the column at fault, the reason, and a message safe to log.
///
/// The message is made safe where the rejection is made: its fields are private, and
/// [`Rejection::new`] puts a fixed sentence in place of whatever detail was given for a
/// personal column. No later step has to remember to redact, so a new reason cannot leak.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    column: &'static str,
    reason: Reason,
    detail: String,
}

impl Rejection {
    pub fn new(column: &'static str, reason: Reason, detail: impl Into<String>) -> Self {
        let detail = match PERSONAL_COLUMNS.contains(&column) {
            true => personal_detail(column, reason).to_string(),
            false => detail.into(),
        };
        Rejection {
            column,
            reason,
            detail,
        }
    }

    pub fn column(&self) -> &'static str {
        self.column
    }

    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// The message, safe to write anywhere.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// What a rejection of a personal column says: the reason in words, no value.
fn personal_detail(column: &str, reason: Reason) -> &'static str {
    match (reason, column) {
        (Reason::Missing, _) => "The cell is blank.",
        (Reason::DuplicateId, _) => "The id was seen before.",
        // Also a date that reads two ways in a file that writes month first (see
        // `date_order`): the column and the code say enough, the other columns' rejections
        // name the cell that shows the order, and a birth date is never quoted.
        (Reason::BadDate, _) => "The cell is not a date.",
        (Reason::DateOrder, _) => {
            "The birth date comes after another date of the row (the snapshot, or the case)."
        }
        (Reason::AgedOut, _) => {
            "16 or older at the date that counts: not a child under the Law on Children, art. 1."
        }
        (_, "child_id" | "case_id") => "The id is not valid.",
        (_, "name") => "The name is not valid.",
        _ => "The birth date is not valid.",
    }
}

#[derive(Debug)]
pub enum RowOutcome<T> {
    Kept(T),
    Rejected(Rejection),
    Excluded(Rejection),
}

pub type CellResult<T> = Result<T, Rejection>;

pub fn required<'a>(column: &'static str, cell: &'a str) -> CellResult<&'a str> {
    if cell.is_empty() {
        Err(Rejection::new(
            column,
            Reason::Missing,
            "The cell is blank.",
        ))
    } else {
        Ok(cell)
    }
}

pub fn yes_no(column: &'static str, cell: &str) -> CellResult<bool> {
    parse_yes_no(cell).map_err(|e| Rejection::new(column, Reason::BadValue, e.to_string()))
}

/// `Nam` → M, `Nữ` → F; blank stays unknown.
pub fn sex(column: &'static str, cell: &str) -> CellResult<Option<&'static str>> {
    match cell {
        "Nam" => return Ok(Some("M")),
        "Nữ" => return Ok(Some("F")),
        _ => {}
    }
    match crate::text::fold(cell).as_str() {
        "" => Ok(None),
        "nam" | "m" | "male" | "trai" => Ok(Some("M")),
        "nu" | "f" | "female" | "gai" => Ok(Some("F")),
        _ => Err(Rejection::new(
            column,
            Reason::BadValue,
            format!("\"{}\" is not a sex (Nam or Nữ).", short(cell)),
        )),
    }
}

/// Completed years between a birth and a date.
pub fn age_at(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Where a row happened: a commune and the district it lies in, both as codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Shared, not copied: a memo hands the same place to a million rows.
    pub commune_code: Rc<str>,
    pub district_code: Rc<str>,
}

/// What one reading thread remembers between rows: a national file names the same few
/// thousand communes millions of times, and resolving a name folds and looks it up.
/// Bounded, so a file of junk cannot grow it without end. Its texts are counted by `Rc`, not
/// `Arc`: a memo, and the records that share its texts, stay on the thread that reads
/// (four texts a row taken and let go, with no atomic count, were 2 % of a national ingest).
#[derive(Debug, Default)]
pub struct Memo {
    places: foldhash::HashMap<String, CellResult<Place>>,
    words: foldhash::HashMap<String, Option<Rc<str>>>,
    /// Cells by their raw text, tidied (a list of support forms).
    tidied: foldhash::HashMap<String, Option<Rc<str>>>,
    /// Cells by their raw text, folded (a case's kind, form and outcome).
    folded: foldhash::HashMap<String, Rc<str>>,
    key: String,
    /// The place of the row before, by its key: an export lists a commune's children
    /// together, so most rows need no look-up at all.
    last_place: Option<(String, CellResult<Place>)>,
    /// What the text dates of the file being read show of their order: set for each file
    /// by [`Memo::survey_dates`], then added to as its rows are read.
    dates: DateOrder,
    /// The key of the list of org units the remembered places were resolved in: a code
    /// means another place in another list.
    list: String,
    /// Rows whose commune code belongs to an earlier list than their date's, taken to the
    /// newest through the crosswalk (an export that still writes old codes).
    pub mapped_codes: usize,
}

/// Whether a cell of `column` may be quoted in a message: a birth date never is.
fn quotable(column: &str) -> bool {
    !PERSONAL_COLUMNS.contains(&column)
}

/// The most places a memo holds; past it, places are resolved every time.
const MEMO_PLACES: usize = 100_000;

impl Memo {
    /// Starts a file: what the `columns` of `rows` (those at hand before parsing: a
    /// workbook's all, a streamed file's first block) show of its dates' order.
    pub fn survey_dates<'r>(
        &mut self,
        map: &ColumnMap,
        columns: &[&'static str],
        rows: impl IntoIterator<Item = &'r RawRow>,
    ) {
        self.dates = DateOrder::default();
        let at: Vec<(&'static str, usize)> = columns
            .iter()
            .filter_map(|c| map.position(c).map(|i| (*c, i)))
            .collect();
        if at.is_empty() {
            return;
        }
        for row in rows {
            for &(column, i) in &at {
                if let Some(cell) = row.cell(i) {
                    self.dates.observe(row.line, column, quotable(column), cell);
                }
            }
        }
    }

    /// Why the file just read cannot be kept for its dates' order, if so.
    pub fn date_refusal(&self) -> Option<String> {
        self.dates.refusal()
    }

    /// A required date of row `line`, read in the order its file shows; a two-digit year
    /// in `century`.
    pub fn date(
        &mut self,
        line: usize,
        column: &'static str,
        cell: &str,
        century: Century,
    ) -> CellResult<NaiveDate> {
        let cell = required(column, cell)?;
        self.dates
            .read(line, column, quotable(column), cell, |text| {
                parse_date(text, century)
            })
            .map_err(|why| Rejection::new(column, Reason::BadDate, why))
    }

    pub fn optional_date(
        &mut self,
        line: usize,
        column: &'static str,
        cell: &str,
        century: Century,
    ) -> CellResult<Option<NaiveDate>> {
        if cell.is_empty() {
            return Ok(None);
        }
        self.date(line, column, cell, century).map(Some)
    }

    /// A date with its time of day (see `parse_datetime`), read in its file's order.
    pub fn optional_datetime(
        &mut self,
        line: usize,
        column: &'static str,
        cell: &str,
        century: Century,
    ) -> CellResult<Option<NaiveDateTime>> {
        if cell.is_empty() {
            return Ok(None);
        }
        self.dates
            .read(line, column, quotable(column), cell, |text| {
                parse_datetime(text, century)
            })
            .map(Some)
            .map_err(|why| Rejection::new(column, Reason::BadDate, why))
    }

    /// [`place`] in the list of org units in force on `date`. Across a reform, a commune
    /// code unknown to the newest list but known to an earlier one (an export that still
    /// writes old codes) is taken to the commune it became, and counted in `mapped_codes`;
    /// a code both lists know is read in the date's list, as every code is.
    pub fn place_on(
        &mut self,
        lists: &UnitLists,
        date: NaiveDate,
        commune_code_cell: &str,
        commune_name_cell: &str,
        district_cell: &str,
    ) -> CellResult<Place> {
        let list = lists.in_force_on(date);
        if self.list != list.key {
            self.list.clone_from(&list.key);
            self.places.clear();
            self.last_place = None;
        }
        let found = self.place(
            &list.units,
            commune_code_cell,
            commune_name_cell,
            district_cell,
        );
        let newest = lists.latest();
        if found.is_ok()
            || commune_code_cell.is_empty()
            || !lists.is_versioned()
            || list.key != newest.key
            || list
                .units
                .get_at(commune_code_cell, Level::Commune)
                .is_some()
        {
            return found;
        }
        for earlier in lists.iter().filter(|l| l.key != newest.key) {
            let Some(old) = earlier.units.get_at(commune_code_cell, Level::Commune) else {
                continue;
            };
            let Some((new, _)) = lists.newest_commune(&earlier.key, &old.code) else {
                continue;
            };
            if let Some(commune) = newest.units.get_at(new, Level::Commune) {
                self.mapped_codes += 1;
                return Ok(Place {
                    commune_code: Rc::from(commune.code.as_str()),
                    district_code: Rc::from(commune.parent_code.as_deref().unwrap_or_default()),
                });
            }
        }
        found
    }

    /// [`place`], remembered by its three cells.
    pub fn place(
        &mut self,
        units: &OrgUnits,
        commune_code_cell: &str,
        commune_name_cell: &str,
        district_cell: &str,
    ) -> CellResult<Place> {
        let cells = [commune_code_cell, commune_name_cell, district_cell];
        // Most rows: the place of the row before, its cells compared where they lie in its
        // key, with no key built.
        if let Some((key, found)) = &self.last_place {
            if is_key_of(key, cells) {
                return found.clone();
            }
        }
        self.key.clear();
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.key.push(PLACE_KEY_SEPARATOR);
            }
            self.key.push_str(cell);
        }
        let found = remembered(&mut self.places, &self.key, |_| {
            place(units, commune_code_cell, commune_name_cell, district_cell)
        });
        match &mut self.last_place {
            Some((key, last)) => {
                key.clone_from(&self.key);
                *last = found.clone();
            }
            None => self.last_place = Some((self.key.clone(), found.clone())),
        }
        found
    }

    /// A short text many rows repeat (an ethnicity), shared rather than copied; `None`
    /// for a blank cell.
    pub fn word(&mut self, cell: &str) -> Option<Rc<str>> {
        if cell.is_empty() {
            return None;
        }
        remembered(&mut self.words, cell, |cell| Some(Rc::from(cell)))
    }

    /// `tidy(cell)`, shared rather than built again: rows repeat a few thousand lists.
    pub fn tidied(&mut self, cell: &str, tidy: fn(&str) -> Option<String>) -> Option<Rc<str>> {
        remembered(&mut self.tidied, cell, |cell| tidy(cell).map(Rc::from))
    }

    /// `fold(cell)`, shared rather than folded again: a national year of cases names its
    /// kinds, forms and outcomes in a few dozen ways, 39,000 times.
    pub fn folded(&mut self, cell: &str) -> Rc<str> {
        remembered(&mut self.folded, cell, |cell| Rc::from(fold(cell)))
    }
}

/// Between a place key's cells.
const PLACE_KEY_SEPARATOR: char = '\u{1f}';

/// Whether `key` is the three cells joined by [`PLACE_KEY_SEPARATOR`].
fn is_key_of(key: &str, [a, b, c]: [&str; 3]) -> bool {
    let (key, sep) = (key.as_bytes(), PLACE_KEY_SEPARATOR as u8);
    let (b_at, c_at) = (a.len() + 1, a.len() + 1 + b.len() + 1);
    key.len() == c_at + c.len()
        && key[..a.len()] == *a.as_bytes()
        && key[a.len()] == sep
        && key[b_at..b_at + b.len()] == *b.as_bytes()
        && key[c_at - 1] == sep
        && key[c_at..] == *c.as_bytes()
}

/// What `make` gives for `cell`, from `memo` when it was made before; remembered while
/// the memo has room.
fn remembered<V: Clone>(
    memo: &mut foldhash::HashMap<String, V>,
    cell: &str,
    make: impl FnOnce(&str) -> V,
) -> V {
    if let Some(made) = memo.get(cell) {
        return made.clone();
    }
    let made = make(cell);
    if memo.len() < MEMO_PLACES {
        memo.insert(cell.to_string(), made.clone());
    }
    made
}

/// Resolves the row's place to a commune and its district. A commune code wins over names;
/// a district, when given, must contain the commune.
pub fn place(
    units: &OrgUnits,
    commune_code_cell: &str,
    commune_name_cell: &str,
    district_cell: &str,
) -> CellResult<Place> {
    let district = if district_cell.is_empty() {
        None
    } else {
        match units.resolve_district(district_cell) {
            Ok(d) => Some(d),
            // A name districts of several provinces share ("Huyện Châu Thành"): the commune
            // code says which one, if it is one of them.
            Err(ResolveError::Ambiguous { candidates, .. }) if !commune_code_cell.is_empty() => {
                match units.get_at(commune_code_cell, Level::Commune) {
                    Some(commune) => {
                        let parent = commune.parent_code.as_deref().unwrap_or_default();
                        if !candidates.iter().any(|c| c == parent) {
                            return Err(Rejection::new(
                                "district_code",
                                Reason::OrgUnitMismatch,
                                format!(
                                    "Commune {} ({}) lies in district {parent}, which is not named \"{}\".",
                                    commune.code,
                                    commune.name,
                                    short(district_cell)
                                ),
                            ));
                        }
                        units.get_at(parent, Level::District)
                    }
                    // The commune code's own problem is reported below.
                    None => None,
                }
            }
            Err(e) => {
                return Err(Rejection::new(
                    "district_code",
                    Reason::UnknownOrgUnit,
                    e.to_string(),
                ))
            }
        }
    };
    let district_code = district.map(|d| d.code.as_str());
    let (column, text) = if !commune_code_cell.is_empty() {
        ("commune_code", commune_code_cell)
    } else if !commune_name_cell.is_empty() {
        ("commune", commune_name_cell)
    } else {
        return Err(Rejection::new(
            "commune_code",
            Reason::Missing,
            "Neither a commune code nor a commune name is given.",
        ));
    };
    let commune = units
        .resolve_commune(text, district_code)
        .map_err(|e| match e {
            ResolveError::Ambiguous { .. } => {
                Rejection::new(column, Reason::AmbiguousOrgUnit, e.to_string())
            }
            ResolveError::NotInDistrict { .. } => {
                Rejection::new("district_code", Reason::OrgUnitMismatch, e.to_string())
            }
            _ => Rejection::new(column, Reason::UnknownOrgUnit, e.to_string()),
        })?;
    if let (Some(d), Some(parent)) = (district, commune.parent_code.as_deref()) {
        if d.code != parent {
            return Err(Rejection::new(
                "district_code",
                Reason::OrgUnitMismatch,
                format!(
                    "Commune {} ({}) lies in district {parent}, not in {} ({}).",
                    commune.code, commune.name, d.code, d.name
                ),
            ));
        }
    }
    let district_code = commune.parent_code.clone().ok_or_else(|| {
        Rejection::new(
            column,
            Reason::UnknownOrgUnit,
            format!("Unit {} is not a commune.", commune.code),
        )
    })?;
    Ok(Place {
        commune_code: Rc::from(commune.code.as_str()),
        district_code: Rc::from(district_code),
    })
}

/// A cell value quoted in a message, cut short so a stray paragraph cannot flood a log.
pub fn short(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_is_in_the_list_the_privacy_test_walks() {
        // `code` must name every reason (the match is exhaustive): each code once in ALL.
        let codes: std::collections::BTreeSet<&str> =
            Reason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Reason::ALL.len());
        // A reason left out of ALL would be missing here too: count the match's arms by
        // the codes the module's own doc of the rejected table lists.
        for code in [
            "missing_value",
            "bad_date",
            "bad_value",
            "unknown_org_unit",
            "ambiguous_org_unit",
            "org_unit_mismatch",
            "duplicate_id",
            "date_order",
            "aged_out",
            "unreadable_file",
            "missing_columns",
            "missing_sheet",
            "bad_number",
            "period_mismatch",
            "too_large",
            "line_too_long",
            "uncomputed_formula",
        ] {
            assert!(codes.contains(code), "{code} is not in Reason::ALL");
        }
    }

    #[test]
    fn a_rejection_of_a_personal_column_never_carries_the_values_it_was_given() {
        let planted = [
            "TE-64623-000117",
            "Nguyễn Văn An",
            "05/03/2012",
            "2012-03-05",
            "2012",
            "17",
        ];
        let detail = format!("Born {}", planted.join(", "));
        for column in PERSONAL_COLUMNS {
            for reason in Reason::ALL {
                let r = Rejection::new(column, reason, detail.clone());
                assert_eq!((r.column(), r.reason()), (column, reason));
                assert!(!r.detail().is_empty());
                for value in planted {
                    assert!(
                        !r.detail().contains(value),
                        "{column} {reason:?}: {:?}",
                        r.detail()
                    );
                }
            }
        }
        // Other columns keep their message: it is what a clerk needs to fix the cell.
        let r = Rejection::new("sex", Reason::BadValue, "\"X\" is not a sex.");
        assert_eq!(r.detail(), "\"X\" is not a sex.");
    }

    #[test]
    fn a_place_key_matches_its_own_three_cells_and_no_others() {
        let join = |cells: [&str; 3]| cells.join(&PLACE_KEY_SEPARATOR.to_string());
        let key = join(["23944", "Ia Kha", "Ia Grai"]);
        assert!(is_key_of(&key, ["23944", "Ia Kha", "Ia Grai"]));
        for other in [
            ["23945", "Ia Kha", "Ia Grai"],
            ["23944", "Ia Khe", "Ia Grai"],
            ["23944", "Ia Kha", "Ia Gra"],
            ["2394", "4Ia Kha", "Ia Grai"],
            ["23944", "Ia Kha", "Ia Grai "],
            ["", "", ""],
        ] {
            assert!(!is_key_of(&key, other), "{other:?}");
        }
        assert!(is_key_of(&join(["", "", ""]), ["", "", ""]));
        assert!(is_key_of(&join(["", "Xã A", ""]), ["", "Xã A", ""]));
    }

    #[test]
    fn age_counts_completed_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(age_at(d(2005, 12, 31), d(2021, 12, 31)), 16);
        assert_eq!(age_at(d(2006, 1, 1), d(2021, 12, 31)), 15);
        assert_eq!(age_at(d(2008, 2, 29), d(2021, 2, 28)), 12);
    }

    #[test]
    fn sex_reads_vietnamese_words() {
        assert_eq!(sex("sex", "Nữ"), Ok(Some("F")));
        assert_eq!(sex("sex", "NAM"), Ok(Some("M")));
        assert_eq!(sex("sex", ""), Ok(None));
        assert_eq!(sex("sex", "Khác").unwrap_err().reason, Reason::BadValue);
    }
}

#[cfg(test)]
mod national_tests {
    use super::*;

    fn vn() -> OrgUnits {
        OrgUnits::from_csv_reader(include_str!("../../reference/vn_org_units_2021.csv").as_bytes())
            .unwrap()
    }

    #[test]
    fn a_district_name_ten_provinces_share_is_settled_by_the_commune_code() {
        let units = vn();
        // Ten districts are named Châu Thành; commune 25585 lies in the one coded 708.
        let p = place(&units, "25585", "", "Huyện Châu Thành").unwrap();
        assert_eq!((&*p.commune_code, &*p.district_code), ("25585", "708"));
        // Phúc Xá lies in Ba Đình, which is not a Châu Thành.
        let r = place(&units, "00001", "", "Huyện Châu Thành").unwrap_err();
        assert_eq!(
            (r.column, r.reason),
            ("district_code", Reason::OrgUnitMismatch)
        );
        // Without a commune code the name alone cannot choose.
        let r = place(&units, "", "Thị trấn Châu Thành", "Huyện Châu Thành").unwrap_err();
        assert_eq!(r.column, "district_code");
    }
}

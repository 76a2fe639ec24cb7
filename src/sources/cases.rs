//! Source 2, the abuse and injury cases of the child-management software: one row per case.
//! Kinds and subtypes become stable English codes here (charts translate them back), and
//! both the case id and the child id are replaced by keys.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::child_registry::CHILD_AGE_LIMIT;
use super::headers::{ColumnMap, ColumnSpec};
use super::row::{self, CellResult, Memo, Reason, Rejection, RowOutcome};
use super::tabular::RawRow;
use crate::hash::pseudonymise::{Key, Pseudonymiser};
use crate::reference::UnitLists;
use crate::text::dates::Century;
#[cfg(test)]
use crate::text::fold;

/// The columns of dates and times, read in the order the file shows
/// ([`super::date_order`]).
pub const DATE_COLUMNS: &[&str] = &[
    "occurred_on",
    "reported_at",
    "intervened_at",
    "plan_approved_on",
    "birth_date",
];

pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: "case_id",
        headers: &["Mã vụ việc", "Mã vụ", "Số vụ việc"],
        required: true,
    },
    ColumnSpec {
        column: "child_id",
        headers: &["Mã trẻ em", "Mã trẻ", "Mã TE"],
        required: true,
    },
    ColumnSpec {
        column: "name",
        headers: &["Họ và tên", "Họ tên", "Họ và tên trẻ em", "Tên trẻ em"],
        required: false,
    },
    ColumnSpec {
        column: "commune_code",
        headers: &["Mã xã", "Mã xã/phường"],
        required: false,
    },
    ColumnSpec {
        column: "commune",
        headers: &["Xã", "Tên xã", "Xã/phường/thị trấn"],
        required: false,
    },
    ColumnSpec {
        column: "district",
        headers: &["Huyện", "Tên huyện", "Mã huyện"],
        required: false,
    },
    ColumnSpec {
        column: "kind",
        headers: &["Loại vụ việc", "Loại"],
        required: true,
    },
    ColumnSpec {
        column: "subtype",
        headers: &["Hình thức", "Hình thức xâm hại", "Loại tai nạn"],
        required: true,
    },
    ColumnSpec {
        column: "occurred_on",
        headers: &["Ngày xảy ra"],
        required: true,
    },
    ColumnSpec {
        column: "reported_at",
        headers: &["Thời điểm tiếp nhận", "Ngày tiếp nhận"],
        required: false,
    },
    ColumnSpec {
        column: "intervened_at",
        headers: &["Thời điểm can thiệp", "Ngày can thiệp"],
        required: false,
    },
    ColumnSpec {
        column: "plan_approved_on",
        headers: &["Ngày phê duyệt kế hoạch", "Ngày phê duyệt KH"],
        required: false,
    },
    ColumnSpec {
        column: "outcome",
        headers: &["Hậu quả"],
        required: false,
    },
    ColumnSpec {
        column: "sex",
        headers: &["Giới tính"],
        required: false,
    },
    ColumnSpec {
        column: "birth_date",
        headers: &["Ngày sinh"],
        required: false,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    Abuse,
    Injury,
}

impl CaseKind {
    pub fn code(self) -> &'static str {
        match self {
            CaseKind::Abuse => "abuse",
            CaseKind::Injury => "injury",
        }
    }

    /// The subtype codes of this kind, in the order of the export's list.
    pub fn subtypes(self) -> Vec<&'static str> {
        let table = match self {
            CaseKind::Abuse => ABUSE_SUBTYPES,
            CaseKind::Injury => INJURY_SUBTYPES,
        };
        table.iter().map(|(code, _)| *code).collect()
    }
}

/// Subtypes by kind: the code and the folded Vietnamese words that name it.
const ABUSE_SUBTYPES: &[(&str, &[&str])] = &[
    ("violence", &["bao luc"]),
    ("sexual_abuse", &["tinh duc"]),
    ("exploitation", &["boc lot"]),
    ("neglect", &["sao nhang", "bo mac"]),
    ("trafficking", &["mua ban"]),
    ("other", &["khac"]),
];
const INJURY_SUBTYPES: &[(&str, &[&str])] = &[
    ("drowning", &["duoi nuoc"]),
    ("traffic", &["giao thong"]),
    ("fall", &["nga"]),
    ("burn", &["bong"]),
    ("animal_bite", &["dong vat", "can"]),
    ("poisoning", &["ngo doc"]),
    ("electrocution", &["dien giat"]),
    ("other", &["khac"]),
];

#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub case_key: Key,
    pub child_key: Key,
    pub commune_code: std::rc::Rc<str>,
    pub district_code: std::rc::Rc<str>,
    pub kind: CaseKind,
    pub subtype: &'static str,
    pub occurred_on: NaiveDate,
    pub reported_at: Option<NaiveDateTime>,
    pub intervened_at: Option<NaiveDateTime>,
    pub plan_approved_on: Option<NaiveDate>,
    /// Injury only: `death` or `injured`.
    pub outcome: Option<&'static str>,
    pub sex: Option<&'static str>,
    pub birth_year: Option<i32>,
    pub age: Option<i32>,
}

impl CaseRecord {
    pub fn year(&self) -> i32 {
        self.occurred_on.year()
    }
}

#[cfg(test)]
fn kind(cell: &str) -> CellResult<CaseKind> {
    kind_folded(cell, &fold(cell))
}

/// The kind a cell names, given the cell and its folded text.
fn kind_folded(cell: &str, f: &str) -> CellResult<CaseKind> {
    row::required("kind", cell)?;
    if f.contains("xam hai") || f == "abuse" {
        Ok(CaseKind::Abuse)
    } else if f.contains("tai nan") || f.contains("thuong tich") || f == "injury" {
        Ok(CaseKind::Injury)
    } else {
        Err(Rejection::new(
            "kind",
            Reason::BadValue,
            format!(
                "\"{}\" is neither \"Xâm hại\" nor \"Tai nạn thương tích\".",
                row::short(cell)
            ),
        ))
    }
}

#[cfg(test)]
fn subtype(kind: CaseKind, cell: &str) -> CellResult<&'static str> {
    subtype_folded(kind, cell, &fold(cell))
}

/// The form of `kind` a cell names, given the cell and its folded text.
fn subtype_folded(kind: CaseKind, cell: &str, f: &str) -> CellResult<&'static str> {
    row::required("subtype", cell)?;
    let table = match kind {
        CaseKind::Abuse => ABUSE_SUBTYPES,
        CaseKind::Injury => INJURY_SUBTYPES,
    };
    // Whole-word match: "ngã" (fall) must not be found inside "ngộ độc" once folded.
    let words: Vec<&str> = f.split(' ').collect();
    let has = |phrase: &str| {
        let p: Vec<&str> = phrase.split(' ').collect();
        words.windows(p.len()).any(|w| w == p.as_slice())
    };
    table
        .iter()
        .find(|(code, names)| *code == f || names.iter().any(|n| has(n)))
        .map(|(code, _)| *code)
        .ok_or_else(|| {
            Rejection::new(
                "subtype",
                Reason::BadValue,
                format!(
                    "\"{}\" is not a known form of {}.",
                    row::short(cell),
                    match kind {
                        CaseKind::Abuse => "abuse",
                        CaseKind::Injury => "injury",
                    }
                ),
            )
        })
}

#[cfg(test)]
fn outcome(cell: &str) -> CellResult<Option<&'static str>> {
    outcome_folded(cell, &fold(cell))
}

/// The outcome a cell names (none when blank), given the cell and its folded text.
fn outcome_folded(cell: &str, f: &str) -> CellResult<Option<&'static str>> {
    if f.is_empty() {
        Ok(None)
    } else if f.contains("tu vong") || f.contains("chet") || f == "death" {
        Ok(Some("death"))
    } else if f.contains("bi thuong") || f.contains("thuong") || f == "injured" {
        Ok(Some("injured"))
    } else {
        Err(Rejection::new(
            "outcome",
            Reason::BadValue,
            format!(
                "\"{}\" is neither \"Tử vong\" nor \"Bị thương\".",
                row::short(cell)
            ),
        ))
    }
}

/// One case row; a two-digit year in `century`.
pub fn parse_row(
    raw: &RawRow,
    map: &ColumnMap,
    units: &UnitLists,
    keys: &Pseudonymiser,
    century: Century,
    memo: &mut Memo,
) -> RowOutcome<CaseRecord> {
    match parse_cells(raw, map, units, keys, century, memo) {
        Ok(record) => match record.age {
            Some(age) if age >= CHILD_AGE_LIMIT => RowOutcome::Excluded(Rejection::new(
                "birth_date",
                Reason::AgedOut,
                format!("Aged {age} when the case occurred."),
            )),
            _ => RowOutcome::Kept(record),
        },
        Err(rejected) => RowOutcome::Rejected(rejected),
    }
}

fn parse_cells(
    raw: &RawRow,
    map: &ColumnMap,
    units: &UnitLists,
    keys: &Pseudonymiser,
    century: Century,
    memo: &mut Memo,
) -> CellResult<CaseRecord> {
    let cell = |c| map.cell(raw, c);
    let case_id = row::required("case_id", cell("case_id"))?;
    let child_id = row::required("child_id", cell("child_id"))?;
    let line = raw.line;
    // Across a reform a case's codes are those of the list in force on the day it
    // occurred, so that date is read first; with one list, the place is checked first as
    // it always was.
    let (place, occurred_on) = if units.is_versioned() {
        let occurred_on = memo.date(line, "occurred_on", cell("occurred_on"), century)?;
        let place = memo.place_on(
            units,
            occurred_on,
            cell("commune_code"),
            cell("commune"),
            cell("district"),
        )?;
        (place, Some(occurred_on))
    } else {
        let place = memo.place(
            &units.latest().units,
            cell("commune_code"),
            cell("commune"),
            cell("district"),
        )?;
        (place, None)
    };
    let kind = kind_folded(cell("kind"), &memo.folded(cell("kind")))?;
    let subtype = subtype_folded(kind, cell("subtype"), &memo.folded(cell("subtype")))?;
    let occurred_on = match occurred_on {
        Some(date) => date,
        None => memo.date(line, "occurred_on", cell("occurred_on"), century)?,
    };
    let reported_at = memo.optional_datetime(line, "reported_at", cell("reported_at"), century)?;
    let intervened_at =
        memo.optional_datetime(line, "intervened_at", cell("intervened_at"), century)?;
    let plan_approved_on =
        memo.optional_date(line, "plan_approved_on", cell("plan_approved_on"), century)?;
    if kind == CaseKind::Abuse && reported_at.is_none() {
        return Err(Rejection::new(
            "reported_at",
            Reason::Missing,
            "An abuse case needs the time it was reported, to judge the intervention.",
        ));
    }
    if let Some(reported) = reported_at {
        if reported.date() < occurred_on {
            return Err(Rejection::new(
                "occurred_on",
                Reason::DateOrder,
                format!("Occurred {occurred_on}, after it was reported ({reported})."),
            ));
        }
        if let Some(intervened) = intervened_at {
            if intervened < reported {
                return Err(Rejection::new(
                    "intervened_at",
                    Reason::DateOrder,
                    format!("Intervention at {intervened}, before the report at {reported}."),
                ));
            }
        }
    }
    let birth = memo.optional_date(line, "birth_date", cell("birth_date"), century)?;
    if let Some(b) = birth {
        if b > occurred_on {
            return Err(Rejection::new(
                "birth_date",
                Reason::DateOrder,
                // Not the birth date itself: rejected rows never carry one.
                format!("Born after the case occurred ({occurred_on})."),
            ));
        }
    }
    Ok(CaseRecord {
        case_key: keys.case_key(case_id),
        child_key: keys.child_key(child_id),
        commune_code: place.commune_code,
        district_code: place.district_code,
        kind,
        subtype,
        occurred_on,
        reported_at,
        intervened_at,
        plan_approved_on,
        outcome: outcome_folded(cell("outcome"), &memo.folded(cell("outcome")))?,
        sex: row::sex("sex", cell("sex"))?,
        birth_year: birth.map(|b| b.year()),
        age: birth.map(|b| row::age_at(b, occurred_on)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_subtypes_read_from_vietnamese() {
        assert_eq!(kind("Xâm hại"), Ok(CaseKind::Abuse));
        assert_eq!(kind("TAI NẠN THƯƠNG TÍCH"), Ok(CaseKind::Injury));
        assert_eq!(kind("Khác").unwrap_err().reason(), Reason::BadValue);
        assert_eq!(subtype(CaseKind::Injury, "Đuối nước"), Ok("drowning"));
        assert_eq!(
            subtype(CaseKind::Injury, "Tai nạn giao thông"),
            Ok("traffic")
        );
        assert_eq!(subtype(CaseKind::Injury, "Ngã"), Ok("fall"));
        assert_eq!(subtype(CaseKind::Injury, "Ngộ độc"), Ok("poisoning"));
        assert_eq!(subtype(CaseKind::Injury, "Động vật cắn"), Ok("animal_bite"));
        assert_eq!(subtype(CaseKind::Abuse, "Sao nhãng/bỏ mặc"), Ok("neglect"));
        assert_eq!(
            subtype(CaseKind::Abuse, "Xâm hại tình dục"),
            Ok("sexual_abuse")
        );
        assert_eq!(subtype(CaseKind::Abuse, "Mua bán"), Ok("trafficking"));
        assert_eq!(
            subtype(CaseKind::Abuse, "Đuối nước").unwrap_err().reason(),
            Reason::BadValue
        );
    }

    #[test]
    fn outcomes_read_from_vietnamese() {
        assert_eq!(outcome("Tử vong"), Ok(Some("death")));
        assert_eq!(outcome("Bị thương"), Ok(Some("injured")));
        assert_eq!(outcome(""), Ok(None));
    }
}

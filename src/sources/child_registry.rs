//! Source 1, the child-management software's registry export: one row per child in special
//! circumstances or at risk, one folder per snapshot date. A row becomes a
//! `RegistryRecord` with the child id already replaced by its key and the name dropped.

use chrono::{Datelike, NaiveDate};

use super::headers::{ColumnMap, ColumnSpec};
use super::row::{self, CellResult, Memo, Reason, Rejection, RowOutcome};
use super::tabular::RawRow;
use crate::hash::pseudonymise::{Key, Pseudonymiser};
use crate::reference::UnitLists;
use crate::text::dates::Century;
use crate::text::fold;

/// Children are people under 16 (Law on Children 2016, art. 1).
pub const CHILD_AGE_LIMIT: i32 = 16;

/// The columns of dates, read in the order the file shows ([`super::date_order`]).
pub const DATE_COLUMNS: &[&str] = &["birth_date", "updated_on"];

/// The registry's columns. Rows are parsed by position in this list (`parse_cells`).
pub const COLUMNS: &[ColumnSpec; 13] = &[
    ColumnSpec {
        column: "child_id",
        headers: &["Mã trẻ em", "Mã trẻ", "Mã TE", "ID trẻ em"],
        required: true,
    },
    // Read so it can be recognised and dropped; never written anywhere.
    ColumnSpec {
        column: "name",
        headers: &["Họ và tên", "Họ tên", "Tên trẻ em", "Họ và tên trẻ em"],
        required: false,
    },
    ColumnSpec {
        column: "birth_date",
        headers: &["Ngày sinh", "Ngày tháng năm sinh"],
        required: true,
    },
    ColumnSpec {
        column: "sex",
        headers: &["Giới tính"],
        required: false,
    },
    ColumnSpec {
        column: "ethnicity",
        headers: &["Dân tộc"],
        required: false,
    },
    ColumnSpec {
        column: "commune_code",
        headers: &["Mã xã", "Mã xã/phường", "Mã đơn vị"],
        required: false,
    },
    ColumnSpec {
        column: "commune",
        headers: &["Xã", "Xã/phường/thị trấn", "Tên xã", "Xã, phường, thị trấn"],
        required: false,
    },
    ColumnSpec {
        column: "district",
        headers: &["Huyện", "Huyện/thị xã/thành phố", "Tên huyện", "Mã huyện"],
        required: false,
    },
    ColumnSpec {
        column: "special_group",
        headers: &["Nhóm hoàn cảnh đặc biệt", "Hoàn cảnh đặc biệt", "Nhóm HCĐB"],
        required: true,
    },
    ColumnSpec {
        column: "at_risk",
        headers: &[
            "Có nguy cơ",
            "Nguy cơ",
            "Có nguy cơ rơi vào hoàn cảnh đặc biệt",
        ],
        required: true,
    },
    ColumnSpec {
        column: "supported",
        headers: &["Đã được trợ giúp", "Được trợ giúp"],
        required: true,
    },
    ColumnSpec {
        column: "support_forms",
        headers: &["Hình thức trợ giúp"],
        required: false,
    },
    ColumnSpec {
        column: "updated_on",
        headers: &["Ngày cập nhật"],
        required: false,
    },
];

/// One child at one snapshot, as the clean `registry` table holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRecord {
    pub snapshot_date: NaiveDate,
    pub child_key: Key,
    pub birth_year: i32,
    pub age: i32,
    pub sex: Option<&'static str>,
    pub ethnicity: Option<std::rc::Rc<str>>,
    pub commune_code: std::rc::Rc<str>,
    pub district_code: std::rc::Rc<str>,
    pub special_group: Option<&'static str>,
    pub at_risk: bool,
    pub supported: bool,
    pub support_forms: Option<std::rc::Rc<str>>,
    pub updated_on: Option<NaiveDate>,
}

/// The groups of children in special circumstances, Law on Children art. 10 (1): the
/// letter, and folded key words by which an export may name the group instead.
const SPECIAL_GROUPS: &[(&str, &[&str])] = &[
    ("a", &["mo coi"]),
    ("b", &["bo roi"]),
    ("c", &["nuong tua"]),
    ("d", &["khuyet tat"]),
    ("đ", &["hiv", "aids"]),
    ("e", &["vi pham phap luat"]),
    ("g", &["nghien"]),
    ("h", &["bo hoc"]),
    ("i", &["bao luc", "ton hai"]),
    ("k", &["boc lot"]),
    ("l", &["tinh duc"]),
    ("m", &["mua ban"]),
    ("n", &["hiem ngheo", "dai ngay"]),
    ("o", &["di cu", "lanh nan", "ti nan"]),
];

/// The letters of the art. 10 groups, in the law's order (a, b, c, d, đ, e, …, o).
pub fn special_group_letters() -> Vec<&'static str> {
    SPECIAL_GROUPS.iter().map(|(g, _)| *g).collect()
}

/// Reads a group given as its letter (`a`, `(đ)`, `Nhóm k`, telex `dd`) or its name.
pub fn special_group(cell: &str) -> CellResult<Option<&'static str>> {
    if cell.is_empty() {
        return Ok(None);
    }
    // The letter alone, as the software writes it.
    if let Some((g, _)) = SPECIAL_GROUPS.iter().find(|(g, _)| *g == cell) {
        return Ok(Some(g));
    }
    let lower = cell.to_lowercase();
    let letter = lower
        .trim_start_matches("nhóm")
        .trim()
        .trim_matches(|c: char| c == '(' || c == ')' || c == '.' || c == ' ');
    let letter = if letter == "dd" { "đ" } else { letter };
    if let Some((g, _)) = SPECIAL_GROUPS.iter().find(|(g, _)| *g == letter) {
        return Ok(Some(g));
    }
    let folded = fold(cell);
    if matches!(folded.as_str(), "khong" | "0" | "-") {
        return Ok(None);
    }
    SPECIAL_GROUPS
        .iter()
        .find(|(_, words)| words.iter().any(|w| folded.contains(w)))
        .map(|(g, _)| Some(*g))
        .ok_or_else(|| {
            Rejection::new(
                "special_group",
                Reason::BadValue,
                format!(
                    "\"{}\" is not a group of art. 10 (a, b, c, d, đ, e, g, h, i, k, l, m, n, o or its name).",
                    row::short(cell)
                ),
            )
        })
}

/// Parses one data row of a registry file taken on `snapshot`; a two-digit year in
/// `century`.
pub fn parse_row(
    raw: &RawRow,
    map: &ColumnMap,
    snapshot: NaiveDate,
    units: &UnitLists,
    keys: &Pseudonymiser,
    century: Century,
    memo: &mut Memo,
) -> RowOutcome<RegistryRecord> {
    outcome(parse_cells(raw, map, snapshot, units, keys, century, memo))
}

fn outcome(parsed: CellResult<Parsed>) -> RowOutcome<RegistryRecord> {
    match parsed {
        Ok(Ok(record)) => RowOutcome::Kept(record),
        Ok(Err(excluded)) => RowOutcome::Excluded(excluded),
        Err(rejected) => RowOutcome::Rejected(rejected),
    }
}

type Parsed = Result<RegistryRecord, Rejection>;

fn parse_cells(
    raw: &RawRow,
    map: &ColumnMap,
    snapshot: NaiveDate,
    units: &UnitLists,
    keys: &Pseudonymiser,
    century: Century,
    memo: &mut Memo,
) -> CellResult<Parsed> {
    // In the order of COLUMNS.
    let [child_id, _name, birth_date, sex, ethnicity, commune_code, commune, district, group, at_risk, supported, forms, updated_on] =
        map.cells_in_spec_order::<{ COLUMNS.len() }>(raw);
    let child_id = row::required("child_id", child_id)?;
    let birth = memo.date(raw.line, "birth_date", birth_date, century)?;
    if birth > snapshot {
        return Err(Rejection::new(
            "birth_date",
            Reason::DateOrder,
            // Not the birth date itself: rejected rows never carry one.
            format!("Born after the snapshot date {snapshot}."),
        ));
    }
    let age = row::age_at(birth, snapshot);
    // A snapshot's codes are those of the list in force on its date.
    let place = memo.place_on(units, snapshot, commune_code, commune, district)?;
    let record = RegistryRecord {
        snapshot_date: snapshot,
        child_key: keys.child_key(child_id),
        birth_year: birth.year(),
        age,
        sex: row::sex("sex", sex)?,
        ethnicity: memo.word(ethnicity),
        commune_code: place.commune_code,
        district_code: place.district_code,
        special_group: special_group(group)?,
        at_risk: row::yes_no("at_risk", at_risk)?,
        supported: row::yes_no("supported", supported)?,
        support_forms: memo.tidied(forms, support_forms),
        updated_on: memo.optional_date(raw.line, "updated_on", updated_on, century)?,
    };
    if age >= CHILD_AGE_LIMIT {
        return Ok(Err(Rejection::new(
            "birth_date",
            Reason::AgedOut,
            format!("Aged {age} at the snapshot date {snapshot}."),
        )));
    }
    Ok(Ok(record))
}

/// The `;`-separated list, tidied: blank items dropped, one spacing.
fn support_forms(cell: &str) -> Option<String> {
    let mut forms = String::with_capacity(cell.len() + 8);
    for item in cell
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !forms.is_empty() {
            forms.push_str("; ");
        }
        forms.push_str(item);
    }
    (!forms.is_empty()).then_some(forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_read_from_letters_and_names() {
        assert_eq!(special_group("a"), Ok(Some("a")));
        assert_eq!(special_group("(đ)"), Ok(Some("đ")));
        assert_eq!(special_group("Đ"), Ok(Some("đ")));
        assert_eq!(special_group("dd"), Ok(Some("đ")));
        assert_eq!(special_group("D"), Ok(Some("d")));
        assert_eq!(special_group("Nhóm k"), Ok(Some("k")));
        assert_eq!(special_group("Trẻ em khuyết tật"), Ok(Some("d")));
        assert_eq!(special_group("Trẻ em mồ côi cả cha và mẹ"), Ok(Some("a")));
        assert_eq!(special_group("Trẻ em bị xâm hại tình dục"), Ok(Some("l")));
        assert_eq!(special_group(""), Ok(None));
        assert_eq!(special_group("z").unwrap_err().reason(), Reason::BadValue);
    }

    #[test]
    fn support_forms_are_tidied() {
        assert_eq!(
            support_forms(" Trợ cấp xã hội ;; Chăm sóc y tế;"),
            Some("Trợ cấp xã hội; Chăm sóc y tế".to_string())
        );
        assert_eq!(support_forms(" "), None);
    }
}

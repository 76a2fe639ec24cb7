//! How each generated file departs from the clean form: container and encoding, date
//! style, org units as codes or as hand-typed names, special-circumstance groups as letters
//! or as names, the at-risk flag as Có/Không or x/blank, and header spelling and order.
//! Kept in one place so the sample README and the code tell the same story.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use unicode_normalization::UnicodeNormalization;

use super::reference::{Commune, District};
use super::writers::{format_number, Cell, Container, CsvEncoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// `dd/mm/yyyy` text.
    Dmy,
    /// `d/m/yyyy` text.
    DmyShort,
    /// `yyyy-mm-dd` text.
    Iso,
    /// Excel serial numbers (days since 1899-12-30), as numbers in xlsx or digits in CSV.
    Serial,
    /// Real date cells (xlsx only).
    Native,
}

impl DateStyle {
    pub fn date(self, d: NaiveDate) -> Cell {
        match self {
            DateStyle::Dmy => Cell::text(d.format("%d/%m/%Y").to_string()),
            DateStyle::DmyShort => Cell::text(d.format("%-d/%-m/%Y").to_string()),
            DateStyle::Iso => Cell::text(d.format("%Y-%m-%d").to_string()),
            DateStyle::Serial => Cell::Number(excel_serial(d) as f64),
            DateStyle::Native => Cell::Date(d),
        }
    }

    /// A date-time to the minute, as the cases' `Thời điểm …` columns carry it.
    pub fn datetime(self, t: NaiveDateTime) -> Cell {
        match self {
            DateStyle::Dmy => Cell::text(t.format("%d/%m/%Y %H:%M").to_string()),
            DateStyle::DmyShort => Cell::text(t.format("%-d/%-m/%Y %H:%M").to_string()),
            DateStyle::Iso => Cell::text(t.format("%Y-%m-%d %H:%M").to_string()),
            DateStyle::Serial => {
                let minutes = f64::from(t.hour() * 60 + t.minute());
                let serial = excel_serial(t.date()) as f64 + minutes / 1440.0;
                // Round as Excel does when it saves, so CSV and xlsx carry the same value.
                Cell::Number(format_number(serial).parse().unwrap_or(serial))
            }
            DateStyle::Native => Cell::DateTime(t),
        }
    }
}

pub(crate) fn excel_serial(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(d);
    (d - epoch).num_days()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitStyle {
    /// `Mã xã` filled; `Xã`, `Huyện` with the official full names.
    Codes,
    /// `Mã xã` filled as a number cell (xlsx).
    NumericCodes,
    /// `Mã xã` blank; `Xã`, `Huyện` typed by hand in varying spellings.
    Names,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupStyle {
    Letter,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtRiskStyle {
    CoKhong,
    XBlank,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderStyle {
    Standard,
    /// Capitals without diacritics, another column order, and an extra `Ghi chú`.
    CapsReordered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegistryStyle {
    pub container: Container,
    pub dates: DateStyle,
    pub units: UnitStyle,
    pub groups: GroupStyle,
    pub at_risk: AtRiskStyle,
    pub headers: HeaderStyle,
}

/// The export style of one district's registry file at one snapshot (0 = 2020-12-31,
/// 1 = 2021-06-30, 2 = 2021-12-31). Districts keep their software settings, except Chư
/// Prông, which moved from CSV to xlsx in 2021, and Đăk Pơ, whose last file was retyped.
pub(crate) fn registry_style(district: u32, snapshot: usize) -> RegistryStyle {
    use AtRiskStyle::*;
    use Container::*;
    use CsvEncoding::*;
    use DateStyle::*;
    use GroupStyle::*;
    use UnitStyle::*;
    let (container, dates, units, groups, at_risk) = match district {
        622 => (Xlsx, Native, Codes, Letter, CoKhong),
        623 => (Csv(Utf8Bom), Dmy, Codes, Letter, CoKhong),
        624 => (Csv(Utf8), Iso, Codes, Name, XBlank),
        625 => (Csv(Windows1258), Dmy, Names, Letter, CoKhong),
        626 => (Xlsx, Serial, NumericCodes, Letter, XBlank),
        627 => (Csv(Utf8Bom), DmyShort, Names, Name, CoKhong),
        628 => (Xlsx, Native, Names, Letter, XBlank),
        629 => (Csv(Utf8), Serial, Codes, Letter, CoKhong),
        630 => (Xlsx, Dmy, Codes, Name, CoKhong),
        631 => (Csv(Windows1258), Iso, Codes, Letter, XBlank),
        632 if snapshot == 0 => (Csv(Utf8), Iso, Codes, Letter, CoKhong),
        632 => (Xlsx, Native, Codes, Letter, CoKhong),
        633 => (Csv(Utf8Bom), Dmy, Names, Letter, CoKhong),
        634 => (Csv(Utf8), DmyShort, Codes, Letter, XBlank),
        635 => (Xlsx, Native, Names, Name, CoKhong),
        637 => (Csv(Utf8Bom), Dmy, Codes, Letter, CoKhong),
        638 => (Xlsx, Serial, Codes, Letter, XBlank),
        _ => (Csv(Windows1258), DmyShort, Names, Letter, CoKhong),
    };
    let headers = if district == 634 && snapshot == 2 {
        HeaderStyle::CapsReordered
    } else {
        HeaderStyle::Standard
    };
    RegistryStyle {
        container,
        dates,
        units,
        groups,
        at_risk,
        headers,
    }
}

pub(crate) const REGISTRY_HEADERS: [&str; 13] = [
    "Mã trẻ em",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Mã xã",
    "Xã",
    "Huyện",
    "Nhóm hoàn cảnh đặc biệt",
    "Có nguy cơ",
    "Đã được trợ giúp",
    "Hình thức trợ giúp",
    "Ngày cập nhật",
];

/// Column order of the retyped file, as indices into `REGISTRY_HEADERS`; `Ghi chú` follows.
pub(crate) const CAPS_ORDER: [usize; 13] = [5, 6, 7, 0, 1, 2, 3, 4, 8, 9, 10, 11, 12];

pub(crate) const CASE_HEADERS: [&str; 13] = [
    "Mã vụ việc",
    "Mã trẻ em",
    "Họ và tên",
    "Mã xã",
    "Loại vụ việc",
    "Hình thức",
    "Ngày xảy ra",
    "Thời điểm tiếp nhận",
    "Thời điểm can thiệp",
    "Ngày phê duyệt kế hoạch",
    "Hậu quả",
    "Giới tính",
    "Ngày sinh",
];

/// Capitals without diacritics: "Nhóm hoàn cảnh đặc biệt" → "NHOM HOAN CANH DAC BIET".
pub(crate) fn caps_ascii(s: &str) -> String {
    fold_ascii(s).to_uppercase()
}

/// Drops diacritics (đ → d): "Chư Sê" → "Chu Se".
pub(crate) fn fold_ascii(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// The 14 groups of the Law on Children art. 10, by letter.
pub(crate) const GROUPS: [(&str, &str); 14] = [
    ("a", "Trẻ em mồ côi cả cha và mẹ"),
    ("b", "Trẻ em bị bỏ rơi"),
    ("c", "Trẻ em không nơi nương tựa"),
    ("d", "Trẻ em khuyết tật"),
    ("đ", "Trẻ em nhiễm HIV/AIDS"),
    ("e", "Trẻ em vi phạm pháp luật"),
    ("g", "Trẻ em nghiện ma túy"),
    (
        "h",
        "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở",
    ),
    (
        "i",
        "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực",
    ),
    ("k", "Trẻ em bị bóc lột"),
    ("l", "Trẻ em bị xâm hại tình dục"),
    ("m", "Trẻ em bị mua bán"),
    (
        "n",
        "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo hoặc hộ cận nghèo",
    ),
    (
        "o",
        "Trẻ em di cư, trẻ em lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc",
    ),
];

pub(crate) fn group_cell(style: GroupStyle, group: Option<usize>) -> Cell {
    match group.and_then(|g| GROUPS.get(g)) {
        None => Cell::Blank,
        Some((letter, name)) => match style {
            GroupStyle::Letter => Cell::text(*letter),
            GroupStyle::Name => Cell::text(*name),
        },
    }
}

pub(crate) fn at_risk_cell(style: AtRiskStyle, at_risk: bool) -> Cell {
    match (style, at_risk) {
        (AtRiskStyle::CoKhong, true) => Cell::text("Có"),
        (AtRiskStyle::CoKhong, false) => Cell::text("Không"),
        (AtRiskStyle::XBlank, true) => Cell::text("x"),
        (AtRiskStyle::XBlank, false) => Cell::Blank,
    }
}

pub(crate) fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "Có" } else { "Không" })
}

/// A hand-typed commune name: full, bare, abbreviated prefix, without diacritics or in
/// lower case. Spellings without diacritics are avoided when they would be ambiguous in the
/// district (Ia Băng and Ia Bang in Chư Prông).
pub(crate) fn commune_variant(rng: &mut ChaCha8Rng, district: &District, c: &Commune) -> String {
    let ascii_ambiguous = district
        .communes
        .iter()
        .filter(|o| o.name_ascii.eq_ignore_ascii_case(&c.name_ascii))
        .count()
        > 1;
    let abbr = match c.unit_type.as_str() {
        "Phường" => "P.",
        "Thị trấn" => "TT.",
        _ => "X.",
    };
    let pick = rng.gen_range(0..10);
    match pick {
        0..=3 => c.full_name.clone(),
        4 | 5 => c.name.clone(),
        6 => format!("{abbr} {}", c.name),
        7 if !ascii_ambiguous => c.name_ascii.clone(),
        8 if !ascii_ambiguous => c.name_ascii.to_lowercase(),
        9 if !ascii_ambiguous => format!("{} {}", fold_ascii(&c.unit_type), c.name_ascii),
        _ => c.full_name.to_lowercase(),
    }
}

/// A hand-typed district name: "Huyện Chư Sê", "H. Chư Sê", "Chư Sê", "Chu Se", …
pub(crate) fn district_variant(rng: &mut ChaCha8Rng, d: &District) -> String {
    let abbr = match d.unit_type.as_str() {
        "Thành phố" => "TP.",
        "Thị xã" => "TX.",
        _ => "H.",
    };
    match rng.gen_range(0..10) {
        0..=3 => d.full_name.clone(),
        4 | 5 => format!("{abbr} {}", d.name),
        6 | 7 => d.name.clone(),
        8 => d.name_ascii.clone(),
        _ => format!("{} {}", d.unit_type.to_lowercase(), d.name),
    }
}

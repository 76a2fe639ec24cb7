//! Source 4, the ledger of the provincial Child Protection Fund (Quỹ Bảo trợ trẻ em tỉnh):
//! one row per contribution. Only the date, the kind and the value in đồng are kept; donors
//! and notes stay behind (a donor may be a private person). A negative value is a
//! correction of an earlier row and counts as such.

use chrono::{Datelike, NaiveDate};

use super::headers::{ColumnMap, ColumnSpec};
use super::row::{self, CellResult, Memo, Reason, Rejection, RowOutcome};
use super::tabular::RawRow;
use crate::text::dates::Century;
use crate::text::fold;
use crate::text::numbers::parse_vnd_in;

pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: "date",
        headers: &["Ngày", "Ngày tháng", "Ngày tiếp nhận", "Ngày nhận"],
        required: true,
    },
    ColumnSpec {
        column: "donor",
        headers: &["Nhà tài trợ", "Đơn vị, cá nhân ủng hộ", "Tên nhà tài trợ"],
        required: false,
    },
    ColumnSpec {
        column: "kind",
        headers: &["Hình thức", "Hình thức ủng hộ", "Loại"],
        required: true,
    },
    ColumnSpec {
        column: "value_vnd",
        headers: &[
            "Giá trị (đồng)",
            "Giá trị",
            "Số tiền",
            "Thành tiền",
            "Giá trị (VNĐ)",
        ],
        required: true,
    },
    ColumnSpec {
        column: "note",
        headers: &["Ghi chú"],
        required: false,
    },
];

/// Columns of whole numbers, read as a column: whether `800,000` groups thousands is
/// decided from every value of the file's column before any row is parsed
/// (`text::numbers`, rules 7 and 8).
/// The column of dates, read in the order the file shows ([`super::date_order`]).
pub const DATE_COLUMNS: &[&str] = &["date"];

pub const WHOLE_NUMBER_COLUMNS: &[&str] = &["value_vnd"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundKind {
    Cash,
    InKind,
    Programme,
}

impl FundKind {
    pub fn code(self) -> &'static str {
        match self {
            FundKind::Cash => "cash",
            FundKind::InKind => "in_kind",
            FundKind::Programme => "programme",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FundRecord {
    pub date: NaiveDate,
    pub kind: FundKind,
    pub value_vnd: i64,
}

impl FundRecord {
    pub fn year(&self) -> i32 {
        self.date.year()
    }
}

pub fn kind(cell: &str) -> CellResult<FundKind> {
    let f = fold(row::required("kind", cell)?);
    if f.contains("tien mat") || f == "cash" || f.contains("chuyen khoan") {
        Ok(FundKind::Cash)
    } else if f.contains("hien vat") || f == "in kind" {
        Ok(FundKind::InKind)
    } else if f.contains("chuong trinh") || f == "programme" {
        Ok(FundKind::Programme)
    } else {
        Err(Rejection::new(
            "kind",
            Reason::BadValue,
            format!(
                "\"{}\" is not Tiền mặt, Hiện vật or Chương trình.",
                row::short(cell)
            ),
        ))
    }
}

/// One ledger row; a two-digit year in `century`, the date in the order the file shows
/// (`memo`'s survey of it).
pub fn parse_row(
    raw: &RawRow,
    map: &ColumnMap,
    century: Century,
    memo: &mut Memo,
) -> RowOutcome<FundRecord> {
    let parsed = (|| -> CellResult<FundRecord> {
        let cell = |c| map.cell(raw, c);
        let date = memo.date(raw.line, "date", cell("date"), century)?;
        let kind = kind(cell("kind"))?;
        let value = row::required("value_vnd", cell("value_vnd"))?;
        let value_vnd = parse_vnd_in(value, map.whole_column("value_vnd"))
            .map_err(|e| Rejection::new("value_vnd", Reason::BadNumber, e.to_string()))?;
        Ok(FundRecord {
            date,
            kind,
            value_vnd,
        })
    })();
    match parsed {
        Ok(record) => RowOutcome::Kept(record),
        Err(r) => RowOutcome::Rejected(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_from_vietnamese() {
        assert_eq!(kind("Tiền mặt"), Ok(FundKind::Cash));
        assert_eq!(kind("HIỆN VẬT"), Ok(FundKind::InKind));
        assert_eq!(kind("Chương trình hỗ trợ"), Ok(FundKind::Programme));
        assert_eq!(kind("Vàng").unwrap_err().reason(), Reason::BadValue);
    }
}

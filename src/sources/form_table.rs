//! The table of a statistical report form, as Vietnamese forms lay it out: a header of one
//! row, or of two — labels wrapped over two rows (`Mã` above `số`), a group merged over its
//! sub-columns (`Số liệu` above `Kỳ báo cáo | Cùng kỳ năm trước`), the other labels merged
//! down both rows — and under it, often, a row that numbers the columns (`A | B | C | D |
//! 1 | 2`). Both header rows and the numbering row belong to the header, not to the data.
//!
//! A merged cell reads as its first cell and blanks, so the layout is told from the text:
//! a second header row is one whose cell in the key column (the item code) is blank, or
//! completes the key's label. An item row always has its code there.

use std::collections::HashMap;

use super::headers::{
    self, column_named, missing, row_columns, ColumnMap, ColumnSpec, MissingColumns,
    HEADER_SEARCH_ROWS,
};
use super::tabular::{RawRow, RawTable};

/// Where a form's table lies in its sheet.
#[derive(Debug)]
pub struct FormTable {
    pub columns: ColumnMap,
    /// Index into the sheet's rows of the header's first row: the header block lies above.
    pub header_start: usize,
    /// Index of the first row after the header (and its numbering row): the items.
    pub items_start: usize,
}

/// The table was not found.
#[derive(Debug, PartialEq)]
pub enum FormTableError {
    /// No header names every required column.
    Missing(MissingColumns),
    /// The value column is a group of sub-columns, and none, or more than one, is the
    /// period reported.
    AmbiguousValue {
        group: String,
        sub_columns: Vec<String>,
    },
}

impl std::fmt::Display for FormTableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormTableError::Missing(m) => write!(f, "{m}"),
            FormTableError::AmbiguousValue { group, sub_columns } => {
                let subs: Vec<String> = sub_columns.iter().map(|s| format!("\"{s}\"")).collect();
                write!(
                    f,
                    "the column \"{group}\" has the sub-columns {}, and no single one of them is the period reported (such as \"Kỳ báo cáo\").",
                    subs.join(", ")
                )
            }
        }
    }
}

/// What the form needs to find its table.
pub struct Layout<'a> {
    pub specs: &'a [ColumnSpec],
    /// The column every item row fills (the item code).
    pub key: &'static str,
    /// The column of the values, which may be a group of sub-columns.
    pub value: &'static str,
    /// Sub-column headers that name the period reported, for a value group.
    pub this_period: &'a [&'a str],
}

/// Finds the table of `table`: the first row, among the first `HEADER_SEARCH_ROWS`, that
/// starts a header naming every required column — over two rows if the row below belongs
/// to it, else alone.
pub fn locate(table: &RawTable, layout: &Layout) -> Result<FormTable, FormTableError> {
    let no_aliases = |_: &str| Vec::new();
    let wanted = headers::wanted(layout.specs, &no_aliases);
    let mut fewest_missing: Option<Vec<&'static str>> = None;
    let rows = &table.rows;
    for index in 0..rows.len().min(HEADER_SEARCH_ROWS) {
        let top = &rows[index];
        if let Some(bottom) = rows.get(index + 1) {
            if let Some(found) = two_rows(top, bottom, layout, &wanted)? {
                return Ok(finish(rows, layout, found, index, 2));
            }
        }
        let found = row_columns(top, &wanted);
        let missing = missing(layout.specs, &found);
        if missing.is_empty() {
            return Ok(finish(rows, layout, found, index, 1));
        }
        if fewest_missing
            .as_ref()
            .is_none_or(|m| missing.len() < m.len())
        {
            fewest_missing = Some(missing);
        }
    }
    Err(FormTableError::Missing(MissingColumns {
        missing: fewest_missing.unwrap_or_else(|| missing(layout.specs, &HashMap::new())),
    }))
}

/// The table whose header is `header_rows` rows from `start`, with its numbering row, if
/// any, skipped.
fn finish(
    rows: &[RawRow],
    layout: &Layout,
    found: HashMap<&'static str, usize>,
    start: usize,
    header_rows: usize,
) -> FormTable {
    let after = start + header_rows;
    let numbered = rows.get(after).is_some_and(is_numbering);
    FormTable {
        columns: ColumnMap::new(layout.specs, &found, start),
        header_start: start,
        items_start: after + usize::from(numbered),
    }
}

/// A header over `top` and `bottom`: each column's label starts in the top row and may go
/// on in the bottom one (`Mã` + `số`); a label of the top row alone may be a group over
/// sub-columns in the bottom row. `None` when the two rows do not make a header (a column
/// is missing, or the bottom row is an item or the numbering).
fn two_rows(
    top: &RawRow,
    bottom: &RawRow,
    layout: &Layout,
    wanted: &[(&'static str, Vec<String>)],
) -> Result<Option<HashMap<&'static str, usize>>, FormTableError> {
    if bottom.is_blank() {
        return Ok(None);
    }
    let width = top.len().max(bottom.len());
    let mut found = HashMap::new();
    // Columns named by their top cell alone, not joined with the cell below.
    let mut top_only = Vec::new();
    for i in 0..width {
        let (t, b) = (text(top, i), text(bottom, i));
        if t.is_empty() {
            continue;
        }
        if !b.is_empty() {
            if let Some(column) = column_named(&format!("{t} {b}"), wanted, &found) {
                found.insert(column, i);
                continue;
            }
        }
        if let Some(column) = column_named(t, wanted, &found) {
            found.insert(column, i);
            top_only.push(i);
        }
    }
    if !missing(layout.specs, &found).is_empty() {
        return Ok(None);
    }
    // An item row has its code under the key's label; a second header row has nothing
    // there, or the rest of the label.
    let Some(&key) = found.get(layout.key) else {
        return Ok(None);
    };
    if !text(bottom, key).is_empty() && top_only.contains(&key) {
        return Ok(None);
    }
    if is_numbering(bottom) {
        return Ok(None);
    }
    // A value label of the top row alone over sub-columns: the one of the period reported.
    if let Some(&value) = found.get(layout.value) {
        if top_only.contains(&value) {
            let group_end = (value + 1..width)
                .find(|&i| !text(top, i).is_empty())
                .unwrap_or(width);
            let subs: Vec<(usize, &str)> = (value..group_end)
                .map(|i| (i, text(bottom, i)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            let chosen = match subs.as_slice() {
                [] => value,
                [(only, _)] => *only,
                _ => {
                    let this_period: Vec<String> = layout
                        .this_period
                        .iter()
                        .map(|h| headers::fold_header(h))
                        .collect();
                    let named: Vec<usize> = subs
                        .iter()
                        .filter(|(_, t)| this_period.contains(&headers::fold_header(t)))
                        .map(|(i, _)| *i)
                        .collect();
                    match named.as_slice() {
                        [one] => *one,
                        _ => {
                            return Err(FormTableError::AmbiguousValue {
                                group: text(top, value).to_string(),
                                sub_columns: subs.iter().map(|(_, t)| t.to_string()).collect(),
                            })
                        }
                    }
                }
            };
            found.insert(layout.value, chosen);
        }
    }
    Ok(Some(found))
}

/// Cell `i` of `row`, trimmed; "" past its end.
fn text(row: &RawRow, i: usize) -> &str {
    row.cell(i).map(str::trim).unwrap_or("")
}

/// `A | B | C | D | 1 | 2`, `(A) | (B) | … | (1)`: the row that numbers a statistical
/// form's columns, letters for the descriptive ones and numbers for the figures.
fn is_numbering(row: &RawRow) -> bool {
    let labels: Vec<&str> = row
        .cells()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            let inner = label
                .strip_prefix('(')
                .and_then(|l| l.strip_suffix(')'))
                .unwrap_or(label);
            let letter = inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_alphabetic());
            let number =
                (1..=2).contains(&inner.len()) && inner.bytes().all(|b| b.is_ascii_digit());
            letter || number
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ColumnSpec] = &[
        ColumnSpec {
            column: "code",
            headers: &["Mã số", "Mã"],
            required: true,
        },
        ColumnSpec {
            column: "item",
            headers: &["Chỉ tiêu"],
            required: false,
        },
        ColumnSpec {
            column: "unit",
            headers: &["Đơn vị tính"],
            required: false,
        },
        ColumnSpec {
            column: "value",
            headers: &["Số liệu"],
            required: true,
        },
    ];

    const LAYOUT: Layout = Layout {
        specs: SPECS,
        key: "code",
        value: "value",
        this_period: &["Kỳ báo cáo", "Kỳ này"],
    };

    fn table(rows: &[&[&str]]) -> RawTable {
        RawTable {
            sheet: Some("Biểu 1".into()),
            encoding: None,
            first_column: 0,
            skipped: Vec::new(),
            uncomputed: Vec::new(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow::new(i + 1, r.iter()))
                .collect(),
        }
    }

    /// (header start, items start, code column, value column).
    fn found(rows: &[&[&str]]) -> (usize, usize, Option<usize>, Option<usize>) {
        let t = table(rows);
        let f = locate(&t, &LAYOUT).unwrap();
        (
            f.header_start,
            f.items_start,
            f.columns.position("code"),
            f.columns.position("value"),
        )
    }

    const HEADER: &[&str] = &["STT", "Mã số", "Chỉ tiêu", "Đơn vị tính", "Số liệu"];
    const ITEM: &[&str] = &["1", "B1.01", "Tổng số trẻ em", "người", "30500"];

    #[test]
    fn a_one_row_header_is_read_as_before() {
        assert_eq!(
            found(&[&["Kỳ báo cáo: Năm 2021"], HEADER, ITEM]),
            (1, 2, Some(1), Some(4))
        );
    }

    #[test]
    fn the_numbering_row_belongs_to_the_header() {
        for numbering in [
            &["A", "B", "C", "D", "1"][..],
            &["A", "B", "C", "D", "1", "2"],
            &["(A)", "(B)", "(C)", "(D)", "(1)"],
            &["1", "2", "3", "4", "5"],
        ] {
            assert_eq!(
                found(&[HEADER, numbering, ITEM]),
                (0, 2, Some(1), Some(4)),
                "{numbering:?}"
            );
        }
        // An item row is not a numbering row, even a short one.
        assert_eq!(
            found(&[HEADER, &["", "B1.01", "", "", "5"]]),
            (0, 1, Some(1), Some(4))
        );
    }

    #[test]
    fn a_value_group_over_sub_columns_takes_the_period_reported() {
        // STT, Mã số, Chỉ tiêu, ĐVT merged down two rows; Số liệu merged across two.
        let top: &[&str] = &["STT", "Mã số", "Chỉ tiêu", "Đơn vị tính", "Số liệu", ""];
        let bottom: &[&str] = &["", "", "", "", "Cùng kỳ năm trước", "Kỳ báo cáo"];
        let numbering: &[&str] = &["A", "B", "C", "D", "1", "2"];
        assert_eq!(
            found(&[&["Ngày gửi: 15/11/2021"], top, bottom, numbering, ITEM]),
            (1, 4, Some(1), Some(5))
        );
        // One sub-column: it is the value, whatever it is called.
        assert_eq!(
            found(&[HEADER, &["", "", "", "", "Kỳ báo cáo"], ITEM]),
            (0, 2, Some(1), Some(4))
        );
        // Sub-columns none of which is the period reported: not guessed.
        let t = table(&[top, &["", "", "", "", "Nam", "Nữ"], ITEM]);
        let err = locate(&t, &LAYOUT).unwrap_err();
        assert_eq!(
            err,
            FormTableError::AmbiguousValue {
                group: "Số liệu".into(),
                sub_columns: vec!["Nam".into(), "Nữ".into()]
            }
        );
        assert!(err.to_string().contains("\"Nam\", \"Nữ\""), "{err}");
    }

    #[test]
    fn labels_wrapped_over_two_rows_are_joined() {
        let top: &[&str] = &["STT", "Mã", "Chỉ tiêu", "Đơn vị", "Số"];
        let bottom: &[&str] = &["", "số", "", "tính", "liệu"];
        assert_eq!(found(&[top, bottom, ITEM]), (0, 2, Some(1), Some(4)));
        assert_eq!(
            found(&[top, bottom, &["A", "B", "C", "D", "1"], ITEM]),
            (0, 3, Some(1), Some(4))
        );
    }

    #[test]
    fn a_section_heading_under_the_header_is_not_an_item() {
        // Its code cell is blank: read as the header's second row, which changes nothing.
        assert_eq!(
            found(&[
                HEADER,
                &["I", "", "TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT", "", ""],
                ITEM
            ]),
            (0, 2, Some(1), Some(4))
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let t = table(&[&["STT", "Mã số", "Chỉ tiêu"], ITEM]);
        assert_eq!(
            locate(&t, &LAYOUT).unwrap_err(),
            FormTableError::Missing(MissingColumns {
                missing: vec!["Số liệu"]
            })
        );
    }
}

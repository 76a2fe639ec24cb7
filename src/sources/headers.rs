//! Finding a source's columns by their Vietnamese names. Exports put title lines above the
//! header, capitalise it, drop the diacritics or reorder the columns; matching is on folded
//! text (no case, no diacritics, no punctuation), plus the aliases a pipeline file adds.

use std::collections::HashMap;

use super::tabular::{RawRow, RawTable};
use crate::text::fold;
use crate::text::numbers::WholeColumn;

/// One column of a source: its name in the clean table and the headers that mean it.
#[derive(Debug)]
pub struct ColumnSpec {
    pub column: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

/// Header rows are looked for among the first rows of a sheet only.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// Where each known column sits in a table.
#[derive(Debug)]
pub struct ColumnMap {
    /// Each spec's column and its index in a row (`None`: not in the file), in the specs'
    /// order: a dozen, so a scan beats hashing on every cell read by name.
    positions: Vec<(&'static str, Option<usize>)>,
    /// Index into the table's rows of the header row.
    pub header_index: usize,
    /// What all the values of each whole-number column (the fund's amounts) show about
    /// their marks, surveyed before any row is parsed; none for sources without one.
    whole_columns: Vec<(&'static str, WholeColumn)>,
}

/// A whole-number column that no value has told anything about.
static UNSURVEYED: WholeColumn = WholeColumn::new();

impl ColumnMap {
    /// `specs`' columns at the indexes `found` gives them, the header at row `header_index`.
    pub(crate) fn new(
        specs: &[ColumnSpec],
        found: &HashMap<&'static str, usize>,
        header_index: usize,
    ) -> Self {
        ColumnMap {
            positions: specs
                .iter()
                .map(|s| (s.column, found.get(s.column).copied()))
                .collect(),
            header_index,
            whole_columns: Vec::new(),
        }
    }

    /// The cell of `column` in `row`, or "" when the file has no such column or the row is short.
    pub fn cell<'a>(&self, row: &'a RawRow, column: &str) -> &'a str {
        self.position(column)
            .and_then(|i| row.cell(i))
            .unwrap_or("")
    }

    /// Index within a row of `column`'s cell.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, i)| *i)
    }

    /// Every spec's cell in `row`, in the specs' order ("" where the file has no such
    /// column): a source read by the million takes its cells so, with no lookup by name.
    pub fn cells_in_spec_order<'a, const N: usize>(&self, row: &'a RawRow) -> [&'a str; N] {
        std::array::from_fn(|i| {
            self.positions
                .get(i)
                .and_then(|(_, at)| *at)
                .and_then(|at| row.cell(at))
                .unwrap_or("")
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.position(column).is_some()
    }

    /// Starts a survey of the whole-number `columns` the file has: [`Self::survey`] each
    /// data row, then read their values with [`Self::whole_column`].
    pub fn survey_whole_columns(&mut self, columns: &[&'static str]) {
        self.whole_columns = columns
            .iter()
            .filter(|c| self.has(c))
            .map(|c| (*c, WholeColumn::new()))
            .collect();
    }

    /// Takes in the values of one data row of the surveyed columns.
    pub fn survey(&mut self, row: &RawRow) {
        for (column, seen) in &mut self.whole_columns {
            let Some(cell) = self
                .positions
                .iter()
                .find(|(c, _)| c == column)
                .and_then(|(_, at)| *at)
                .and_then(|at| row.cell(at))
            else {
                continue;
            };
            seen.observe(cell, || format!("row {}", row.line));
        }
    }

    /// What the values of whole-number `column` showed (nothing, if it was not surveyed).
    pub fn whole_column(&self, column: &str) -> &WholeColumn {
        self.whole_columns
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(&UNSURVEYED, |(_, seen)| seen)
    }
}

/// The header row was not found: the required columns that no row of the sheet has.
#[derive(Debug, PartialEq)]
pub struct MissingColumns {
    pub missing: Vec<&'static str>,
}

impl std::fmt::Display for MissingColumns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.missing.iter().map(|h| format!("\"{h}\"")).collect();
        write!(
            f,
            "no header row with the columns {} in the first {HEADER_SEARCH_ROWS} rows.",
            names.join(", ")
        )
    }
}

/// Finds the header row in the first sheet that has one: the first row in which every
/// required column is found. `aliases` gives the pipeline file's extra names of a column.
pub fn locate<'t>(
    tables: &'t [RawTable],
    specs: &[ColumnSpec],
    aliases: &dyn Fn(&str) -> Vec<String>,
) -> Result<(&'t RawTable, ColumnMap), MissingColumns> {
    let wanted = wanted(specs, aliases);
    let mut fewest_missing: Option<Vec<&'static str>> = None;
    for table in tables {
        for (index, row) in table.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            let positions = row_columns(row, &wanted);
            let missing = missing(specs, &positions);
            if missing.is_empty() {
                return Ok((table, ColumnMap::new(specs, &positions, index)));
            }
            if fewest_missing
                .as_ref()
                .is_none_or(|m| missing.len() < m.len())
            {
                fewest_missing = Some(missing);
            }
        }
    }
    Err(MissingColumns {
        missing: fewest_missing.unwrap_or_else(|| missing(specs, &HashMap::new())),
    })
}

/// The columns a header row names: each cell, left to right, the first column not found
/// yet that it names.
pub(crate) fn row_columns(
    row: &RawRow,
    wanted: &[(&'static str, Vec<String>)],
) -> HashMap<&'static str, usize> {
    let mut found = HashMap::new();
    for (i, cell) in row.cells().enumerate() {
        if let Some(column) = column_named(cell, wanted, &found) {
            found.insert(column, i);
        }
    }
    found
}

/// The first column not in `found` that `label` names.
pub(crate) fn column_named(
    label: &str,
    wanted: &[(&'static str, Vec<String>)],
    found: &HashMap<&'static str, usize>,
) -> Option<&'static str> {
    let folded = fold_header(label);
    if folded.is_empty() {
        return None;
    }
    wanted
        .iter()
        .find(|(c, names)| !found.contains_key(c) && names.contains(&folded))
        .map(|(c, _)| *c)
}

/// The required columns not in `found`, each by its first header.
pub(crate) fn missing(
    specs: &[ColumnSpec],
    found: &HashMap<&'static str, usize>,
) -> Vec<&'static str> {
    specs
        .iter()
        .filter(|s| s.required && !found.contains_key(s.column))
        .map(|s| s.headers[0])
        .collect()
}

/// Each spec's column with the folded headers that name it, the pipeline file's aliases
/// included.
pub(crate) fn wanted(
    specs: &[ColumnSpec],
    aliases: &dyn Fn(&str) -> Vec<String>,
) -> Vec<(&'static str, Vec<String>)> {
    specs
        .iter()
        .map(|s| {
            let mut names: Vec<String> = s.headers.iter().map(|h| fold_header(h)).collect();
            names.extend(aliases(s.column).iter().map(|h| fold_header(h)));
            (s.column, names)
        })
        .collect()
}

/// Headers compare without spaces too, so "Mã xã" matches "MaXa" and "Ma_xa".
pub(crate) fn fold_header(s: &str) -> String {
    fold(s).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ColumnSpec] = &[
        ColumnSpec {
            column: "child_id",
            headers: &["Mã trẻ em"],
            required: true,
        },
        ColumnSpec {
            column: "birth_date",
            headers: &["Ngày sinh"],
            required: true,
        },
        ColumnSpec {
            column: "note",
            headers: &["Ghi chú"],
            required: false,
        },
    ];

    fn table(rows: &[&[&str]]) -> RawTable {
        RawTable {
            sheet: None,
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

    fn no_aliases(_: &str) -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn finds_the_header_below_title_lines_in_capitals_without_diacritics() {
        let t = [table(&[
            &["DANH SÁCH TRẺ EM", ""],
            &["", ""],
            &["NGAY SINH", "MA TRE EM"],
            &["01/01/2015", "TE1"],
        ])];
        let (_, map) = locate(&t, SPECS, &no_aliases).unwrap();
        assert_eq!(map.header_index, 2);
        assert_eq!(map.cell(&t[0].rows[3], "child_id"), "TE1");
        assert_eq!(map.cell(&t[0].rows[3], "birth_date"), "01/01/2015");
        assert!(!map.has("note"));
        assert_eq!(map.cell(&t[0].rows[3], "note"), "");
    }

    #[test]
    fn aliases_from_the_pipeline_file_count() {
        let t = [table(&[&["ID trẻ", "Ngày sinh"]])];
        assert!(locate(&t, SPECS, &no_aliases).is_err());
        let aliases = |c: &str| {
            if c == "child_id" {
                vec!["ID tre".to_string()]
            } else {
                vec![]
            }
        };
        let (_, map) = locate(&t, SPECS, &aliases).unwrap();
        assert!(map.has("child_id"));
    }

    #[test]
    fn names_the_missing_columns() {
        let t = [table(&[&["Mã trẻ em", "Họ và tên"]])];
        let err = locate(&t, SPECS, &no_aliases).unwrap_err();
        assert_eq!(err.missing, vec!["Ngày sinh"]);
        assert!(err.to_string().contains("\"Ngày sinh\""));
    }
}

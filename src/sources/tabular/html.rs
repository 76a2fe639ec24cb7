//! HTML tables saved with an Excel name: what old web systems export as "Excel" (an `.xls`
//! that is really `<table><tr><td>…`). Excel opens them, so districts send them; each
//! `<table>` becomes a sheet and each `<tr>` a row, cells by `<td>`/`<th>`, tags inside a
//! cell dropped and entities decoded. Rows are numbered as they come (1 = the first `<tr>`).

use std::path::Path;

use super::{unreadable, Limits, RawRow, RawTable, UnreadableFile};
use crate::text;
use crate::text::encoding::decode;

/// Whether a file's first bytes are an HTML document or fragment.
pub fn looks_like_html(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    [
        "<!doctype html",
        "<html",
        "<table",
        "<meta",
        "<?xml version=\"1.0\"?>\n<html",
    ]
    .iter()
    .any(|p| text.starts_with(p))
}

pub fn read(path: &Path, limits: &Limits) -> Result<Vec<RawTable>, UnreadableFile> {
    let bytes =
        std::fs::read(path).map_err(|e| unreadable(path, "unreadable_file", format!("{e}.")))?;
    let decoded = decode(&bytes);
    let tables = parse_tables(&decoded.text);
    if tables.is_empty() {
        return Err(unreadable(
            path,
            "unreadable_file",
            "an HTML page with no table in it (an \"Excel\" file saved from a web page?).".into(),
        ));
    }
    let mut out = Vec::new();
    for (i, rows) in tables.into_iter().enumerate() {
        let cells: u64 = rows.iter().map(|r| r.len() as u64).sum();
        if cells > limits.max_cells_per_sheet {
            return Err(unreadable(
                path,
                "too_large",
                format!(
                    "table {} holds {cells} cells, over the {} that limits.max_cells_per_sheet allows.",
                    i + 1,
                    limits.max_cells_per_sheet
                ),
            ));
        }
        out.push(RawTable {
            sheet: Some(format!("table {}", i + 1)),
            encoding: Some(decoded.encoding.name()),
            first_column: 0,
            rows,
            skipped: Vec::new(),
            uncomputed: Vec::new(),
        });
    }
    Ok(out)
}

/// The tables of an HTML text, each as rows of cell texts.
fn parse_tables(html: &str) -> Vec<Vec<RawRow>> {
    let mut tables: Vec<Vec<RawRow>> = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        if let Some(c) = cell.as_mut() {
            c.push_str(&rest[..open]);
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
        rest = &rest[open + close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("table", false) => tables.push(Vec::new()),
            ("tr", false) => {
                finish_cell(&mut cell, &mut row);
                finish_row(&mut row, &mut tables);
                row = Some(Vec::new());
            }
            ("tr", true) => {
                finish_cell(&mut cell, &mut row);
                finish_row(&mut row, &mut tables);
            }
            ("td" | "th", false) => {
                finish_cell(&mut cell, &mut row);
                if row.is_none() {
                    row = Some(Vec::new());
                }
                cell = Some(String::new());
            }
            ("td" | "th", true) => finish_cell(&mut cell, &mut row),
            ("br", _) => {
                if let Some(c) = cell.as_mut() {
                    c.push(' ');
                }
            }
            ("table", true) => {
                finish_cell(&mut cell, &mut row);
                finish_row(&mut row, &mut tables);
            }
            _ => {}
        }
    }
    tables.retain(|t| !t.is_empty());
    tables
}

fn finish_cell(cell: &mut Option<String>, row: &mut Option<Vec<String>>) {
    if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
        r.push(text::clean(&entities(&c)));
    }
}

fn finish_row(row: &mut Option<Vec<String>>, tables: &mut Vec<Vec<RawRow>>) {
    if let Some(cells) = row.take() {
        if tables.is_empty() {
            tables.push(Vec::new());
        }
        if let Some(t) = tables.last_mut() {
            let line = t.len() + 1;
            t.push(RawRow::new(line, cells));
        }
    }
}

/// Decodes the entities a table export uses: named basics and numeric references.
fn entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_rows_and_cells_come_out_with_entities_decoded() {
        let html = "<html><body><table border=1>\
            <tr><th>Mã trẻ em</th><th>Họ &amp; tên</th></tr>\
            <tr><td>TE1</td><td><b>Nguyễn&nbsp;Văn&#32;An</b></td></tr>\
            <tr><td>TE2<td>L&#234; Thị B\
            </table><table><tr><td>x</td></tr></table>";
        let tables = parse_tables(html);
        assert_eq!(tables.len(), 2);
        let cells: Vec<Vec<String>> = tables[0]
            .iter()
            .map(|r| r.cells().map(str::to_string).collect())
            .collect();
        assert_eq!(
            cells,
            vec![
                vec!["Mã trẻ em".to_string(), "Họ & tên".to_string()],
                vec!["TE1".to_string(), "Nguyễn Văn An".to_string()],
                vec!["TE2".to_string(), "Lê Thị B".to_string()],
            ]
        );
        assert_eq!(tables[0][2].line, 3);
    }

    #[test]
    fn html_is_recognised_by_its_first_bytes() {
        assert!(looks_like_html(b"\xef\xbb\xbf  <html><table>"));
        assert!(looks_like_html(b"<TABLE><TR>"));
        assert!(!looks_like_html(b"PK\x03\x04"));
        assert!(!looks_like_html(b"Ma tre em,Ho ten"));
    }
}

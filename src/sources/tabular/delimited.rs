//! Delimited text (CSV, Excel's "Unicode text"): decoded whatever its encoding, the
//! delimiter sniffed, each record with the line it starts on. A record longer than
//! `max_line_bytes` is set aside alone, with its line, and the rest of the file is read.

use std::path::Path;

use super::{unreadable, Limits, RawRow, RawTable, UnreadableFile};
use crate::text;
use crate::text::encoding::decode;

pub fn read(path: &Path, limits: &Limits) -> Result<RawTable, UnreadableFile> {
    let bytes =
        std::fs::read(path).map_err(|e| unreadable(path, "unreadable_file", format!("{e}.")))?;
    let decoded = decode(&bytes);
    // csv's record positions drift by a line per CRLF record after the first; with plain
    // LF endings its line numbers are the ones an editor shows.
    let text = decoded.text.replace("\r\n", "\n");
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            unreadable(
                path,
                "unreadable_file",
                format!("line {line} is not valid delimited text ({e})."),
            )
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let bytes = record.as_slice().len() as u64;
        if bytes > limits.max_line_bytes {
            skipped.push((
                line,
                format!(
                    "Line {line} holds {bytes} bytes, over the {} that limits.max_line_bytes allows.",
                    limits.max_line_bytes
                ),
            ));
            continue;
        }
        rows.push(RawRow {
            line,
            cells: record.iter().map(text::clean).collect(),
        });
    }
    Ok(RawTable {
        sheet: None,
        encoding: Some(decoded.encoding.name()),
        first_column: 0,
        rows,
        skipped,
    })
}

/// Picks the delimiter that splits the first non-blank line most: Excel's "CSV" is `;`
/// in some locales and its "Unicode text" is tab-separated.
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let n = count_outside_quotes(first, d as char);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

use super::*;

#[test]
fn sniffs_the_delimiter_from_the_first_line() {
    assert_eq!(super::delimited::sniff_delimiter("a;b;c\n1;2;3"), b';');
    assert_eq!(super::delimited::sniff_delimiter("a\tb\tc"), b'\t');
    assert_eq!(super::delimited::sniff_delimiter("\n\"x,y\";b;c"), b';');
    assert_eq!(super::delimited::sniff_delimiter("a,b"), b',');
}

#[test]
fn column_numbers_become_letters() {
    assert_eq!(column_letters(0), "A");
    assert_eq!(column_letters(4), "E");
    assert_eq!(column_letters(25), "Z");
    assert_eq!(column_letters(26), "AA");
    assert_eq!(column_letters(27), "AB");
    assert_eq!(column_letters(701), "ZZ");
    assert_eq!(column_letters(702), "AAA");
}

#[test]
fn whole_floats_read_back_as_typed() {
    assert_eq!(super::workbook::format_float(44561.0), "44561");
    assert_eq!(super::workbook::format_float(98.5), "98.5");
}

#[test]
fn fractional_floats_never_read_back_as_thousands() {
    use crate::text::numbers::parse_decimal;
    // Typed 1.125 written "1.125" would read as 1125; a fourth decimal keeps it 1.125.
    assert_eq!(super::workbook::format_float(1.125), "1.1250");
    assert_eq!(super::workbook::format_float(-999.5), "-999.5");
    assert_eq!(super::workbook::format_float(-12.375), "-12.3750");
    assert_eq!(super::workbook::format_float(0.125), "0.125");
    assert_eq!(super::workbook::format_float(1234.125), "1234.125");
    assert_eq!(super::workbook::format_float(44561.547), "44561.547");
    for f in [1.125, -12.375, 0.125, 98.5, 1234.125, 999.999] {
        let text = super::workbook::format_float(f);
        assert_eq!(parse_decimal(&text), Ok(f), "{text}");
    }
}

#[test]
fn csv_rows_keep_their_line_numbers_across_quoted_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    std::fs::write(&path, "a,b\n\"multi\nline\",2\nx,3\n").unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2, 4]);
    assert_eq!(table.rows[1].cell(0), Some("multi line"));
    // The same with Windows line endings, as Excel writes them.
    std::fs::write(&path, "a,b\r\n\"multi\r\nline\",2\r\nx,3\r\ny,4\r\n").unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2, 4, 5]);
}

#[test]
fn a_streamed_file_reads_as_its_whole_decoding() {
    use crate::text::encoding::encode_windows_1258;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    // A UTF-8 file with one line pasted from a Windows-1258 export.
    let mut bytes = "Mã,Tên\n1,Trẻ em\n".as_bytes().to_vec();
    bytes.extend(encode_windows_1258("2,Việt Nam\n"));
    bytes.extend("3,Hà Nội\n".as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let cells: Vec<Vec<&str>> = table.rows.iter().map(|r| r.cells().collect()).collect();
    assert_eq!(
        cells,
        vec![
            vec!["Mã", "Tên"],
            vec!["1", "Trẻ em"],
            vec!["2", "Việt Nam"],
            vec!["3", "Hà Nội"]
        ]
    );
    assert_eq!(table.encoding, Some("mixed: UTF-8 and 8-bit lines"));

    // UTF-16 with a BOM, as Excel's "Unicode text" saves it: transcoded as it streams.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Mã\tTên\r\n1\tTrẻ em\r\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(&path, &utf16).unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let cells: Vec<Vec<&str>> = table.rows.iter().map(|r| r.cells().collect()).collect();
    assert_eq!(cells, vec![vec!["Mã", "Tên"], vec!["1", "Trẻ em"]]);
    assert_eq!(table.encoding, Some("UTF-16LE"));
}

#[test]
fn a_row_keeps_its_cells_in_one_buffer() {
    let mut row = RawRow::new(7, ["a", "", "Trẻ"]);
    assert_eq!(row.cells().collect::<Vec<_>>(), vec!["a", "", "Trẻ"]);
    assert_eq!(row.cell(2), Some("Trẻ"));
    assert_eq!(row.cell(3), None);
    assert!(!row.is_blank());
    row.clear(8);
    row.push_cleaned("  x \t y ");
    assert_eq!((row.line, row.len(), row.cell(0)), (8, 1, Some("x y")));
    assert!(RawRow::new(1, ["", ""]).is_blank());
}

#[test]
fn date_cells_are_read_to_the_nearest_second() {
    use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
    let text = |serial: f64, is_1904: bool| {
        super::workbook::datetime_text(&ExcelDateTime::new(serial, DateTime, is_1904))
    };
    // 13:10 on 1 January 2021 is 44197 + 790/1440, stored a hair below: 13:09:59.99999986,
    // which calamine's own components give as 13:09:59.
    assert_eq!(text(44197.54861111111, false), "2021-01-01T13:10:00");
    // The same moment in a 1904 workbook is 1462 days fewer.
    assert_eq!(text(42735.54861111111, true), "2021-01-01T13:10:00");
    assert_eq!(text(44197.0, false), "2021-01-01");
    assert_eq!(text(42735.0, true), "2021-01-01");
    // 23:59:59.6 rounds to the next day's midnight: a date alone.
    assert_eq!(text(44197.0 + 86_399.6 / 86_400.0, false), "2021-01-02");
    // To the nearest second, either way.
    assert_eq!(
        text(44197.0 + 30.6 / 86_400.0, false),
        "2021-01-01T00:00:31"
    );
    assert_eq!(
        text(44197.0 + 30.4 / 86_400.0, false),
        "2021-01-01T00:00:30"
    );
    // No date treem reads: the serial itself, for the date parser to refuse with a reason.
    assert_eq!(text(60.0, false), "60");
    assert_eq!(text(0.5, false), "0.5");
}

/// A workbook of one date-time cell (`moment`: year, month, day, hour, minute), its
/// workbook part changed to say `date1904` when `in_1904`, read back through `read_tables`.
fn date_cell_read_back(moment: (u16, u8, u8, u16, u8), in_1904: bool) -> String {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("written.xlsx");
    let (y, m, d, h, min) = moment;
    let mut book = rust_xlsxwriter::Workbook::new();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let moment = rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d)
        .unwrap()
        .and_hms(h, min, 0)
        .unwrap();
    book.add_worksheet()
        .write_datetime_with_format(0, 0, &moment, &format)
        .unwrap();
    book.save(&written).unwrap();
    let path = dir.path().join("read.xlsx");
    let mut source = zip::ZipArchive::new(std::fs::File::open(&written).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/workbook.xml" && in_1904 {
            let xml = String::from_utf8(bytes).unwrap();
            assert!(xml.contains("<workbookPr"), "{xml}");
            bytes = xml
                .replace("<workbookPr", "<workbookPr date1904=\"1\"")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
    let tables = read_tables(&path).unwrap();
    tables[0].rows[0].cell(0).unwrap().to_string()
}

#[test]
fn a_workbook_date_time_cell_reads_as_the_minute_it_was_written() {
    // rust_xlsxwriter stores 13:10 as 44197.54861111111, as Excel does.
    assert_eq!(
        date_cell_read_back((2021, 1, 1, 13, 10), false),
        "2021-01-01T13:10:00"
    );
    // The same number in a workbook that counts from 1904 is 1462 days later.
    assert_eq!(
        date_cell_read_back((2021, 1, 1, 13, 10), true),
        "2025-01-02T13:10:00"
    );
}

/// An xlsx of one sheet "Biểu 1" whose `<sheetData>` is `rows`, written part by part (so
/// that a test can put in it what no library writes); `calc_pr` goes in the workbook.
fn raw_xlsx(path: &std::path::Path, calc_pr: &str, rows: &str) {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Biểu 1" sheetId="1" r:id="rId1"/></sheets>{calc_pr}</workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#),
        ),
    ];
    for (name, text) in parts {
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap();
}

/// Every cell of a table as (address, text), and its uncomputed formulas.
type CellsRead = (Vec<(String, String)>, Vec<UncomputedFormula>);

/// The only table's cells and uncomputed formulas.
fn cells_and_uncomputed(path: &std::path::Path) -> Result<CellsRead, UnreadableFile> {
    let tables = read_tables(path)?;
    let table = &tables[0];
    let mut cells = Vec::new();
    for row in &table.rows {
        for (i, text) in row.cells().enumerate() {
            if !text.is_empty() {
                cells.push((table.address(row, i), text.to_string()));
            }
        }
    }
    Ok((cells, table.uncomputed.clone()))
}

#[test]
fn shared_formulas_without_results_are_computed_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.xlsx");
    // E2:E4 = C + D of their own row, written as Excel writes a formula filled down: the
    // first cell holds it, the others point to it by index. No results stored.
    raw_xlsx(
        &path,
        "",
        r#"<row r="2"><c r="C2"><v>1</v></c><c r="D2"><v>10</v></c><c r="E2"><f t="shared" ref="E2:E4" si="0">C2+D2</f></c></row>
<row r="3"><c r="C3"><v>2</v></c><c r="D3"><v>20</v></c><c r="E3"><f t="shared" si="0"/></c></row>
<row r="4"><c r="C4"><v>3</v></c><c r="D4"><v>30</v></c><c r="E4"><f t="shared" si="0"/></c><c r="F4"><f>SUM(E2:E4)*$C$2</f><v>7</v></c></row>"#,
    );
    let (cells, uncomputed) = cells_and_uncomputed(&path).unwrap();
    let text = |at: &str| cells.iter().find(|c| c.0 == at).map(|c| c.1.as_str());
    // 1 + 10, 2 + 20, 3 + 30
    assert_eq!(
        (text("E2"), text("E3"), text("E4")),
        (Some("11"), Some("22"), Some("33"))
    );
    // A formula with a stored result, in a workbook that does not ask to be recalculated:
    // the stored 7, not (11 + 22 + 33) × 1.
    assert_eq!(text("F4"), Some("7"));
    assert!(uncomputed.is_empty(), "{uncomputed:?}");

    // Asking to be recalculated, the 7 is a placeholder and the formula counts: 66.
    raw_xlsx(
        &path,
        r#"<calcPr calcId="124519" fullCalcOnLoad="1"/>"#,
        r#"<row r="2"><c r="E2"><v>11</v></c><c r="F2"><f>SUM(E2:E3)*2</f><v>7</v></c><c r="G2"><f>IF(E2&gt;0,1,0)</f><v>0</v></c></row>
<row r="3"><c r="E3"><v>22</v></c></row>"#,
    );
    let (cells, uncomputed) = cells_and_uncomputed(&path).unwrap();
    let text = |at: &str| cells.iter().find(|c| c.0 == at).map(|c| c.1.as_str());
    assert_eq!(text("F2"), Some("66"));
    // What cannot be computed keeps its placeholder as text and is listed, with the
    // formula unescaped as the file means it.
    assert_eq!(text("G2"), Some("0"));
    assert_eq!(uncomputed.len(), 1);
    let g2 = &uncomputed[0];
    assert_eq!(
        (g2.line, g2.column, g2.formula.as_str()),
        (2, 6, "IF(E2>0,1,0)")
    );
    assert!(g2.placeholder);
    assert!(
        g2.to_string().starts_with(
            "the formula \"=IF(E2>0,1,0)\" has no stored result (the workbook asks to be recalculated"
        ),
        "{g2}"
    );
}

#[test]
fn shared_formulas_that_would_expand_past_the_limits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let refused = |rows: &str| {
        raw_xlsx(&path, "", rows);
        match cells_and_uncomputed(&path) {
            Err(e) => (e.reason, e.message),
            Ok(read) => panic!("read: {read:?}"),
        }
    };
    // calamine would write this formula out for each of the sheet's 17 billion cells.
    let (reason, message) =
        refused(r#"<row r="1"><c r="A1"><f t="shared" ref="A1:XFD1048576" si="0">1</f></c></row>"#);
    assert_eq!(reason, "too_large");
    assert!(
        message.contains("cover 17179869184 cells") && message.contains("max_cells_per_sheet"),
        "{message}"
    );
    // … or keep four billion slots for its index.
    let (reason, message) = refused(
        r#"<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="4000000000">1</f></c></row>"#,
    );
    assert_eq!(reason, "too_large");
    assert!(message.contains("numbered up to 4000000000"), "{message}");
    // A modest rectangle of a long formula: 1,000,000 cells × 2,001 bytes, over 1 GiB.
    let long = format!("1{}", "+1".repeat(1000));
    let (reason, message) = refused(&format!(
        r#"<row r="1"><c r="A1"><f t="shared" ref="A1:A1000000" si="0">{long}</f></c></row>"#
    ));
    assert_eq!(reason, "too_large");
    assert!(message.contains("max_xlsx_inflated_bytes"), "{message}");
}

#[test]
fn a_word_split_across_writes_is_still_seen() {
    use std::io::Write;
    for cut in 0..=8 {
        let text = b"<f t=\"shared\"";
        let mut seen = super::workbook::Mentions::new(b"shared");
        seen.write_all(&text[..cut]).unwrap();
        seen.write_all(&text[cut..]).unwrap();
        assert!(seen.found, "cut at {cut}");
    }
    // Byte by byte too.
    let mut seen = super::workbook::Mentions::new(b"shared");
    for b in b"xx shared xx" {
        seen.write_all(&[*b]).unwrap();
    }
    assert!(seen.found);
    let mut split = super::workbook::Mentions::new(b"shared");
    for chunk in [&b"sha"[..], b"r", b"ed"] {
        split.write_all(chunk).unwrap();
    }
    assert!(split.found, "sha|r|ed");
    let mut apart = super::workbook::Mentions::new(b"shared");
    for chunk in [&b"shar"[..], b"e", b" d"] {
        apart.write_all(chunk).unwrap();
    }
    assert!(!apart.found, "share d is not the word");
}

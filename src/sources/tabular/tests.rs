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

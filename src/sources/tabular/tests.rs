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
fn csv_rows_keep_their_line_numbers_across_quoted_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    std::fs::write(&path, "a,b\n\"multi\nline\",2\nx,3\n").unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2, 4]);
    assert_eq!(table.rows[1].cells[0], "multi line");
    // The same with Windows line endings, as Excel writes them.
    std::fs::write(&path, "a,b\r\n\"multi\r\nline\",2\r\nx,3\r\ny,4\r\n").unwrap();
    let table = super::delimited::read(&path, &Limits::default()).unwrap();
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2, 4, 5]);
}

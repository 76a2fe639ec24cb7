//! Property tests of every text parser: no input makes one panic, and what can be written
//! the Vietnamese way reads back as itself (numbers, dates, legacy encodings).

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use treem::text::dates::{parse_date, parse_datetime, Century};

/// Two-digit years as a pipeline of 2021 reads them: 1932-2031.
const CENTURY: Century = Century::for_reporting_year(2021);
use treem::text::encoding::{decode, decode_legacy_cell, encode_windows_1258};
use treem::text::legacy::{decode_tcvn3, decode_vni, encode_tcvn3, encode_vni};
use treem::text::numbers::{
    format_decimal_vi, format_integer_vi, parse_decimal, parse_integer, parse_integer_in,
    parse_vnd, parse_vnd_in, parse_yes_no, WholeColumn, WholeNumberError,
};
use treem::text::{cells_clean, clean, clean_thoroughly, cleaned, fold};

/// Every Vietnamese letter with every tone, both cases, and what sits between words.
const VIETNAMESE: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴ ,.-";

fn vietnamese_text() -> impl Strategy<Value = String> {
    let letters: Vec<char> = VIETNAMESE.chars().collect();
    proptest::collection::vec(proptest::sample::select(letters), 0..60)
        .prop_map(|cs| cs.into_iter().collect())
}

/// A cell as exports write them, and as they go wrong: spaces doubled or at the edges,
/// tabs, CR, non-breaking and zero-width spaces, combining tones, a Greek letter that NFC
/// replaces, DEL, and anything at all.
fn cell_text() -> impl Strategy<Value = String> {
    let mut odd: Vec<char> = VIETNAMESE.chars().collect();
    odd.extend([
        '0', '7', '/', ';', '\t', '\r', '\u{7f}', '\u{a0}', '\u{300}', '\u{303}', '\u{200b}',
        '\u{feff}', '\u{1f71}', '\u{2126}',
    ]);
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(odd), 0..30)
            .prop_map(|cs| cs.into_iter().collect()),
        // Long ASCII runs, read eight bytes at a time.
        2 => "[ a-zA-Z0-9/;\t\r\x7f-]{0,30}",
        1 => "( {0,3}[a-z0-9]{1,9}){1,4} {0,2}",
        1 => any::<String>(),
    ]
}

/// A whole-number column that has seen `values`.
fn column<S: AsRef<str>>(values: &[S]) -> WholeColumn {
    let mut column = WholeColumn::new();
    for (i, v) in values.iter().enumerate() {
        column.observe(v.as_ref(), || format!("row {}", i + 2));
    }
    column
}

/// `n` grouped by thousands with `mark`: `1234567` → `1,234,567`.
fn grouped(n: i64, mark: char) -> String {
    format_integer_vi(n).replace('.', &mark.to_string())
}

fn units() -> &'static treem::reference::OrgUnits {
    static UNITS: std::sync::OnceLock<treem::reference::OrgUnits> = std::sync::OnceLock::new();
    UNITS.get_or_init(|| {
        treem::reference::OrgUnits::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("reference/gia_lai_org_units_2021.csv"),
        )
        .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_string_makes_a_parser_panic(s in any::<String>()) {
        let _ = parse_date(&s, CENTURY);
        let _ = parse_datetime(&s, CENTURY);
        let _ = parse_decimal(&s);
        let _ = parse_integer(&s);
        let _ = parse_vnd(&s);
        let _ = parse_yes_no(&s);
        let _ = decode_legacy_cell(&s);
        let _ = units().resolve_district(&s);
        let _ = units().resolve_commune(&s, Some("633"));
        let _ = units().resolve_commune(&s, None);
        let _ = treem::sources::district_reports::period_key(&s);
        for item in treem::sources::district_reports::ITEMS {
            let _ = treem::sources::district_reports::value_of(&s, item, &column(&[&s]));
        }
    }

    #[test]
    fn number_like_strings_never_panic(s in "[-+(]?[0-9., ]{0,24}[)]?( ?(đ|đồng|VND))?") {
        let _ = parse_decimal(&s);
        let _ = parse_integer(&s);
        let _ = parse_vnd(&s);
        let _ = parse_integer_in(&s, &column(&[&s]));
        let _ = parse_vnd_in(&s, &column(&[&s, "1,5", "2.5"]));
    }

    /// Whatever else a column holds, a whole number grouped the English or the Vietnamese
    /// way reads as itself or is refused as ambiguous: never a thousand times off.
    #[test]
    fn grouped_whole_numbers_are_never_misread(
        n in -10_000_000_000i64..10_000_000_000,
        others in proptest::collection::vec("[-(]?[0-9]{1,4}([.,][0-9]{1,4}){0,3}[)]?", 0..6),
    ) {
        let column = column(&others);
        for mark in ['.', ','] {
            let written = grouped(n, mark);
            match parse_integer_in(&written, &column) {
                Ok(read) => prop_assert_eq!(read, n, "{} in a column of {:?}", written, others),
                Err(WholeNumberError::Ambiguous(a)) => {
                    prop_assert!((1_000..1_000_000).contains(&n.abs()), "{}", written);
                    prop_assert_eq!(a.grouped, n.to_string());
                }
                Err(e) => prop_assert!(false, "{written}: {e}"),
            }
        }
    }

    #[test]
    fn date_like_strings_never_panic(s in "[0-9]{1,5}([/.-][0-9]{1,4}){0,2}( [0-9]{1,2}[:h][0-9]{1,2})?") {
        let _ = parse_date(&s, CENTURY);
        let _ = parse_datetime(&s, CENTURY);
    }

    #[test]
    fn no_bytes_make_the_decoder_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let d = decode(&bytes);
        // Whatever came in, the text is valid Unicode in NFC.
        use unicode_normalization::UnicodeNormalization;
        prop_assert_eq!(d.text.nfc().collect::<String>(), d.text.clone());
        let _ = decode_tcvn3(&bytes);
        let _ = decode_vni(&bytes);
    }

    /// The quick checks only ever pass text that cleaning leaves as it is: a record's cells
    /// checked together, or one cell alone.
    #[test]
    fn text_passed_as_clean_is_clean(cells in proptest::collection::vec(cell_text(), 1..14)) {
        let joined: String = cells.concat();
        let ends: Vec<usize> = cells
            .iter()
            .scan(0, |end, c| { *end += c.len(); Some(*end) })
            .collect();
        // And as a delimited line holds them, a comma between.
        let line = cells.join(",");
        let line_ends: Vec<usize> = ends.iter().enumerate().map(|(i, end)| end + i).collect();
        if cells_clean(&joined, &ends, 0) || cells_clean(&line, &line_ends, 1) {
            for cell in &cells {
                prop_assert_eq!(&clean_thoroughly(cell), cell);
            }
        }
        for cell in &cells {
            if let std::borrow::Cow::Borrowed(same) = cleaned(cell) {
                prop_assert_eq!(clean_thoroughly(same), same.to_string());
            }
        }
    }

    #[test]
    fn clean_and_fold_are_idempotent(s in any::<String>()) {
        prop_assert_eq!(clean(&clean(&s)), clean(&s));
        prop_assert_eq!(fold(&fold(&s)), fold(&s));
    }

    #[test]
    fn integers_written_the_vietnamese_way_read_back(n in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
        prop_assert_eq!(parse_integer(&format_integer_vi(n)).unwrap(), n);
        prop_assert_eq!(parse_vnd(&format!("{} đồng", format_integer_vi(n))).unwrap(), n);
    }

    #[test]
    fn decimals_written_the_vietnamese_way_read_back(x in -1.0e9f64..1.0e9, decimals in 0usize..4) {
        let written = format_decimal_vi(x, decimals);
        let back = parse_decimal(&written).unwrap();
        let step = 10f64.powi(-(decimals as i32));
        prop_assert!((back - x).abs() <= step / 2.0 + 1e-9 * x.abs().max(1.0), "{x} → {written} → {back}");
    }

    #[test]
    fn dates_in_every_vietnamese_style_read_back(days in 0i64..60_000) {
        let d = NaiveDate::from_ymd_opt(1900, 3, 1).unwrap() + chrono::Duration::days(days);
        for written in [
            d.format("%d/%m/%Y").to_string(),
            format!("{}/{}/{}", d.day(), d.month(), d.year()),
            d.format("%Y-%m-%d").to_string(),
            d.format("%d-%m-%Y").to_string(),
            d.format("%d.%m.%Y").to_string(),
            d.format("ngày %d tháng %m năm %Y").to_string(),
            d.format("%-d THÁNG %-m NĂM %Y").to_string(),
            d.format("Ngày %d/%m/%Y").to_string(),
        ] {
            prop_assert_eq!(parse_date(&written, CENTURY).unwrap(), d, "{}", written);
        }
        // A two-digit year reads back within the century's hundred years, 1932-2031.
        if (1932..=2031).contains(&d.year()) {
            for written in [d.format("%d/%m/%y").to_string(), d.format("%-d.%-m.%y").to_string()] {
                prop_assert_eq!(parse_date(&written, CENTURY).unwrap(), d, "{}", written);
            }
        }
    }

    #[test]
    fn vietnamese_text_survives_every_8_bit_encoding(s in vietnamese_text()) {
        let s = clean(&s);
        if let Some(bytes) = encode_tcvn3(&s) {
            prop_assert_eq!(clean(&decode_tcvn3(&bytes)), s.clone());
        }
        if let Some(bytes) = encode_vni(&s) {
            prop_assert_eq!(clean(&decode_vni(&bytes)), s.clone());
        }
        let windows = encode_windows_1258(&s);
        let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(&windows);
        use unicode_normalization::UnicodeNormalization;
        prop_assert_eq!(clean(&text.nfc().collect::<String>()), s);
    }

    #[test]
    fn header_matching_never_panics(rows in proptest::collection::vec(proptest::collection::vec(any::<String>(), 0..6), 0..8)) {
        use treem::sources::tabular::{RawRow, RawTable};
        let table = RawTable {
            sheet: None,
            encoding: None,
            first_column: 0,
            rows: rows.into_iter().enumerate().map(|(i, cells)| RawRow::new(i + 1, cells)).collect(),
            skipped: Vec::new(),
            uncomputed: Vec::new(),
        };
        let none = |_: &str| Vec::new();
        let _ = treem::sources::headers::locate(std::slice::from_ref(&table), treem::sources::child_registry::COLUMNS, &none);
    }
}

//! Broken and hostile inputs (tests/corpus/README.md): every one gets its message — the
//! file, the place, what is wrong — or is read as what it really is, and no other input is
//! lost. All of them go through one run beside a good file; the zip bomb and the
//! million-row sheet are also run alone with their peak memory measured.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use common::{Project, Run, REGISTRY_HEADER};
use polars::prelude::*;

const SNAPSHOT: &str = "data/child_registry/2021-12-31";

/// A good registry row for child `id`, born `birth`.
fn row(id: &str, name: &str, birth: &str) -> String {
    format!("{id},{name},{birth},Nữ,Jrai,23944,,,d,Không,Có,Trợ cấp xã hội,30/11/2021")
}

fn csv(rows: &[String]) -> String {
    let mut text = REGISTRY_HEADER.to_string();
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text
}

/// A valid registry workbook of `rows` (cells split on commas).
fn registry_xlsx(path: &Path, rows: &[String]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in REGISTRY_HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, line) in rows.iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save(path).unwrap();
}

/// A zip with the parts of a valid workbook plus `extra` parts of `size` bytes of zeros,
/// deflated (about 1,000 : 1).
fn zip_bomb(path: &Path, size: usize) {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    registry_xlsx(&good, &[row("BOMB-1", "Tên", "05/03/2012")]);
    let mut source = ::zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let mut out = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().to_string();
        out.start_file(name, options).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    out.start_file("xl/media/padding.bin", options).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size / zeros.len() {
        out.write_all(&zeros).unwrap();
    }
    out.finish().unwrap();
}

/// A workbook whose one sheet has 1,048,576 rows and declares no size, written part by
/// part (rust_xlsxwriter would take minutes in a debug build).
fn million_row_workbook(path: &Path) {
    let mut out = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    let mut chunk = String::new();
    for r in 1..=1_048_576u32 {
        chunk.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
        if chunk.len() > 1 << 20 {
            out.write_all(chunk.as_bytes()).unwrap();
            chunk.clear();
        }
    }
    out.write_all(chunk.as_bytes()).unwrap();
    out.write_all(b"</sheetData></worksheet>").unwrap();
    out.finish().unwrap();
}

const LIMITS: &str =
    "[limits]\nmax_xlsx_inflated_bytes = 100000000\nmax_cells_per_sheet = 1000000\n";

struct Corpus {
    project: Project,
    run: Run,
    rejected: Vec<(String, String, u32, String)>,
}

/// (file name, reason, row, detail) of every rejected row of `table`.
fn rejected(project: &Project, table: &str) -> Vec<(String, String, u32, String)> {
    project
        .rejected(table)
        .into_iter()
        .map(|r| (r.file_name, r.reason, r.row, r.detail))
        .collect()
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let p = Project::kept("hostile-corpus");
        p.pipeline(LIMITS);
        let at = |name: &str| p.path(&format!("{SNAPSHOT}/{name}"));
        p.file(
            &format!("{SNAPSHOT}/good.csv"),
            &csv(&[
                row("GOOD-1", "Nguyễn Thị Mai", "05/03/2012"),
                row("GOOD-2", "Trần Văn Nam", "06/04/2013"),
            ]),
        );
        for name in ["registry_excel97.xls", "registry_web_export.xls"] {
            std::fs::copy(
                Path::new(common::REPO).join("tests/corpus").join(name),
                at(name),
            )
            .unwrap();
        }
        // Truncated: a valid workbook cut in half.
        let whole = tempfile::tempdir().unwrap();
        registry_xlsx(
            &whole.path().join("w.xlsx"),
            &[row("TRUNC-1", "Tên", "05/03/2012")],
        );
        let bytes = std::fs::read(whole.path().join("w.xlsx")).unwrap();
        p.bytes(
            &format!("{SNAPSHOT}/truncated.xlsx"),
            &bytes[..bytes.len() / 2],
        );
        zip_bomb(&at("bomb.xlsx"), 500 << 20);
        million_row_workbook(&at("million_rows.xlsx"));
        p.bytes(&format!("{SNAPSHOT}/empty.csv"), b"");
        p.file(
            &format!("{SNAPSHOT}/semicolon.csv"),
            &csv(&[row("SEMI-1", "Tên", "05/03/2012")]).replace(',', ";"),
        );
        let long = format!(
            "{},{}",
            row("LONG-2", "Tên", "05/03/2012"),
            "x".repeat(50 << 20)
        );
        p.file(
            &format!("{SNAPSHOT}/long_line.csv"),
            // The row before the long line is rejected too: the two rejections must come
            // in the file's order although rows are parsed in pairs.
            &csv(&[
                row("LONG-1", "Tên", "31/02/2012"),
                long,
                row("LONG-3", "Tên", "05/03/2012"),
            ]),
        );
        p.file(
            &format!("{SNAPSHOT}/nul_bytes.csv"),
            &csv(&[row("NUL-1", "Tên\0 Có\0Nul", "05/03\0/2012")]),
        );
        let mut mixed = csv(&[row("MIX-1", "Nguyễn Thị Mai", "05/03/2012")]).into_bytes();
        mixed.extend(treem::text::encoding::encode_windows_1258(&format!(
            "{}\n",
            row("MIX-2", "Trần Thị Bình", "05/03/2012")
        )));
        mixed.extend(format!("{}\n", row("MIX-3", "Lê Văn Cường", "05/03/2012")).as_bytes());
        p.bytes(&format!("{SNAPSHOT}/mixed_encoding.csv"), &mixed);
        {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            for (c, h) in REGISTRY_HEADER.split(',').enumerate() {
                ws.write_string(0, c as u16, h).unwrap();
            }
            for (c, v) in row("FORMULA-1", "Tên", "x").split(',').enumerate() {
                ws.write_string(1, c as u16, v).unwrap();
            }
            // 40973 = 2012-03-05, the value Excel caches for the formula.
            ws.write_formula(
                1,
                2,
                rust_xlsxwriter::Formula::new("=DATE(2012,3,5)").set_result("40973"),
            )
            .unwrap();
            book.save(at("formulas.xlsx")).unwrap();
        }
        {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            let f = rust_xlsxwriter::Format::new();
            ws.merge_range(0, 0, 0, 12, "DANH SÁCH TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT", &f)
                .unwrap();
            ws.merge_range(2, 0, 2, 4, "Thông tin trẻ em", &f).unwrap();
            ws.merge_range(2, 5, 2, 7, "Địa bàn", &f).unwrap();
            for (c, h) in REGISTRY_HEADER.split(',').enumerate() {
                ws.write_string(3, c as u16, h).unwrap();
            }
            for (c, v) in row("MERGED-1", "Tên", "05/03/2012").split(',').enumerate() {
                ws.write_string(4, c as u16, v).unwrap();
            }
            book.save(at("merged_headers.xlsx")).unwrap();
        }
        let styles = [
            "05/03/2012",
            "5/3/2012",
            "2012-03-05",
            "05-03-2012",
            "05.03.2012",
        ];
        let dated: Vec<String> = styles
            .iter()
            .enumerate()
            .map(|(i, d)| row(&format!("DATE-{i}"), "Tên", d))
            .collect();
        p.file(&format!("{SNAPSHOT}/date_styles.csv"), &csv(&dated));
        {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            ws.write_string(0, 0, "Ghi chú nội bộ").unwrap();
            ws.write_string(1, 0, "Không có dữ liệu").unwrap();
            book.save(at("no_expected_sheet.xlsx")).unwrap();
        }
        p.file(
            "data/fund/quy.csv",
            "Ngày,Nhà tài trợ,Hình thức,Giá trị (đồng),Ghi chú\n\
             05/01/2021,A,Tiền mặt,\"1,234,567\",English style\n\
             06/01/2021,B,Tiền mặt,1.234.567,Vietnamese style\n\
             07/01/2021,C,Tiền mặt,\"1,500\",A lone comma in a column of đồng\n",
        );
        p.with_reports_and_fund();
        // The data-quality gate at its usual 1 %: this folder is far worse.
        let text = std::fs::read_to_string(p.path("pipelines/p.toml")).unwrap();
        p.file(
            "pipelines/p.toml",
            &text.replace("max_rejected_share = 1.0", "max_rejected_share = 0.01"),
        );
        let run = p.run(&[]);
        let rejected = rejected(&p, "registry");
        Corpus {
            project: p,
            run,
            rejected,
        }
    })
}

fn reasons_of(file: &str) -> Vec<(String, u32, String)> {
    corpus()
        .rejected
        .iter()
        .filter(|r| r.0 == file)
        .map(|r| (r.1.clone(), r.2, r.3.clone()))
        .collect()
}

/// Child keys kept in the registry.
fn kept() -> usize {
    common::parquet_rows(&corpus().project.out("ingested/registry"))
}

#[test]
fn the_run_finishes_and_says_what_happened_to_each_file() {
    let c = corpus();
    // Far more than 1 % of the rows are rejected here: the run finishes and exits 3, the
    // data-quality gate, not 1.
    c.run.expect_code(3);
    let err = c.run.stderr();
    for file in [
        "truncated.xlsx",
        "bomb.xlsx",
        "million_rows.xlsx",
        "empty.csv",
        "no_expected_sheet.xlsx",
    ] {
        assert!(err.contains(file), "{file} is named on stderr:\n{err}");
    }
}

#[test]
fn every_good_row_of_every_readable_file_is_kept() {
    // good 2 + BIFF8 2 + HTML 2 + semicolon 1 + long-line file 1 + NUL 1 + mixed 3 +
    // formula 1 + merged headers 1 + five date styles 5 = 19.
    assert_eq!(kept(), 19, "{:?}", corpus().rejected);
}

#[test]
fn a_truncated_workbook_is_named_damaged() {
    let r = reasons_of("truncated.xlsx");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].0.as_str(), r[0].1), ("unreadable_file", 0));
    assert!(r[0].2.contains("damaged or truncated"), "{}", r[0].2);
}

#[test]
fn a_zip_bomb_is_refused_naming_the_limit() {
    let r = reasons_of("bomb.xlsx");
    assert_eq!((r[0].0.as_str(), r[0].1), ("too_large", 0));
    assert!(
        r[0].2.contains("limits.max_xlsx_inflated_bytes"),
        "{}",
        r[0].2
    );
}

#[test]
fn a_million_row_sheet_is_refused_naming_the_sheet_and_the_limit() {
    let r = reasons_of("million_rows.xlsx");
    assert_eq!((r[0].0.as_str(), r[0].1), ("too_large", 0));
    assert!(
        r[0].2.contains("sheet \"Sheet1\"") && r[0].2.contains("limits.max_cells_per_sheet"),
        "{}",
        r[0].2
    );
}

#[test]
fn an_empty_file_is_named_empty() {
    let r = reasons_of("empty.csv");
    assert_eq!((r[0].0.as_str(), r[0].1), ("unreadable_file", 0));
    assert!(r[0].2.contains("empty"), "{}", r[0].2);
}

#[test]
fn a_fifty_megabyte_line_is_rejected_with_its_line_in_the_files_order() {
    let r = reasons_of("long_line.csv");
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!((r[0].0.as_str(), r[0].1), ("bad_date", 2));
    assert_eq!((r[1].0.as_str(), r[1].1), ("line_too_long", 3));
    assert!(r[1].2.contains("limits.max_line_bytes"), "{}", r[1].2);
}

#[test]
fn a_workbook_without_the_expected_sheet_names_the_missing_columns() {
    let r = reasons_of("no_expected_sheet.xlsx");
    assert_eq!((r[0].0.as_str(), r[0].1), ("missing_columns", 0));
    assert!(r[0].2.contains("Mã trẻ em"), "{}", r[0].2);
}

#[test]
fn files_read_as_what_they_are_lose_no_row() {
    for file in [
        "registry_excel97.xls",
        "registry_web_export.xls",
        "semicolon.csv",
        "nul_bytes.csv",
        "mixed_encoding.csv",
        "formulas.xlsx",
        "merged_headers.xlsx",
        "date_styles.csv",
    ] {
        assert_eq!(reasons_of(file), vec![], "{file}");
    }
}

#[test]
fn english_and_vietnamese_thousands_read_the_same_and_a_lone_comma_groups_thousands() {
    let c = corpus();
    let mut total = 0i64;
    for f in common::parquet_files(&c.project.out("ingested/fund")) {
        total += common::read_parquet(&f)
            .column("value_vnd")
            .unwrap()
            .i64()
            .unwrap()
            .sum()
            .unwrap();
    }
    // Đồng are whole, and no value of the column uses "," as a decimal mark: "1,500" is
    // 1,500 đồng (it was refused as 1.5 before whole-number columns were read as one).
    assert_eq!(total, 2 * 1_234_567 + 1_500);
    let fund = rejected(&c.project, "fund");
    assert_eq!(fund, vec![], "{fund:?}");
}

/// Peak resident memory (VmHWM) of the binary running `args` in `cwd`, with its exit code.
fn peak_memory(cwd: &Path, args: &[&str]) -> (u64, i32) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .current_dir(cwd)
        .env("TREEM_SECRET_KEY", "a test secret that is long enough")
        .env(
            "TREEM_KEY_DIR",
            std::env::temp_dir().join("treem-test-keys"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(exit) = child.try_wait().unwrap() {
            return (peak_kb * 1024, exit.code().unwrap_or(-1));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn the_zip_bomb_and_the_million_row_sheet_keep_memory_bounded() {
    // Each alone, with the good file: a 500 MB bomb and a million-cell sheet, under the
    // test's limits (100 MB inflated, 1,000,000 cells). The bound, 400 MB, is what the
    // good file alone costs (polars and the binary, ~100 MB) plus the million cells' text
    // held before the limit trips.
    const BOUND: u64 = 400 << 20;
    for (name, write) in [
        (
            "bomb.xlsx",
            (|p: &Path| zip_bomb(p, 500 << 20)) as fn(&Path),
        ),
        ("million_rows.xlsx", million_row_workbook as fn(&Path)),
    ] {
        let p = Project::new();
        p.pipeline(LIMITS);
        p.file(
            &format!("{SNAPSHOT}/good.csv"),
            &csv(&[row("GOOD-1", "Tên", "05/03/2012")]),
        );
        write(&p.path(&format!("{SNAPSHOT}/{name}")));
        let (peak, code) = peak_memory(p.dir.path(), &["run", "pipelines/p.toml", "--out", "out"]);
        assert!(code == 0 || code == 3, "{name}: exit {code}");
        assert!(peak > 0 && peak < BOUND, "{name}: peak {} MB", peak >> 20);
        assert_eq!(
            common::parquet_rows(&p.out("ingested/registry")),
            1,
            "{name}: the good file is kept"
        );
    }
}

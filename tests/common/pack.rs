//! Readers of a built pack for the tests that check it: the workbook's sheets and keyed
//! rows, its worksheets' XML (for what calamine does not read: the page setup), and the
//! page's rows by `data-key`.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use treem::pack::html::{escape, row_key};

/// Every sheet of the workbook.
pub fn sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range.rows().map(|r| r.to_vec()).collect())
        })
        .collect()
}

/// The XML of the workbook's part `name` (`xl/workbook.xml`), if it has one.
pub fn part(path: &Path, name: &str) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut xml).unwrap();
    Some(xml)
}

/// The XML of every worksheet, in the workbook's order (rust_xlsxwriter numbers them so).
pub fn worksheet_xml(path: &Path) -> Vec<String> {
    (1..)
        .map_while(|i| part(path, &format!("xl/worksheets/sheet{i}.xml")))
        .collect()
}

/// A sheet's rows by key, and its headers.
pub type KeyedRows = (BTreeMap<String, Vec<Data>>, Vec<String>);

/// The rows of a sheet with code columns, by key; and where each header is.
pub fn sheet_rows(sheet: &[Vec<Data>]) -> Option<KeyedRows> {
    let header: Vec<String> = sheet.get(1)?.iter().map(|d| d.to_string()).collect();
    let at = |n: &str| header.iter().position(|h| h == n);
    let (i, p, o, b) = (
        at("Mã chỉ tiêu")?,
        at("Mã kỳ")?,
        at("Mã đơn vị")?,
        at("Mã phân tổ")?,
    );
    let rows = sheet[2..]
        .iter()
        .map(|r| {
            let s = |k: usize| r[k].to_string();
            let breakdown = s(b);
            let key = row_key(
                &s(i),
                &s(p),
                &s(o),
                Some(breakdown.as_str()).filter(|x| !x.is_empty()),
            );
            (key, r.clone())
        })
        .collect();
    Some((rows, header))
}

/// The pages of a built pack as one text: `index.html`, then every table page under
/// `tables/` by name — where the rows of the indicators are.
pub fn all_pages(pack: &Path) -> String {
    let mut text = std::fs::read_to_string(pack.join("index.html")).unwrap();
    let mut tables: Vec<_> = std::fs::read_dir(pack.join("tables"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    tables.sort();
    for page in tables {
        text.push_str(&std::fs::read_to_string(page).unwrap());
    }
    text
}

/// The `<td>` contents of the page's row whose `attribute` is `key`.
pub fn html_row(page: &str, attribute: &str, key: &str) -> Option<Vec<String>> {
    let start = page.find(&format!("<tr {attribute}=\"{}\"", escape(key)))?;
    let row = &page[start..start + page[start..].find("</tr>")?];
    Some(
        row.split("<td")
            .skip(1)
            .map(|td| {
                let inner = &td[td.find('>').unwrap() + 1..];
                inner[..inner.find("</td>").unwrap()].to_string()
            })
            .collect(),
    )
}

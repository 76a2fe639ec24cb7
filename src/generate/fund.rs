//! The provincial Child Protection Fund ledger (source 4): one row per donation, bunched
//! before Tết, 1 June and the Mid-Autumn festival, as a fund's book is. 2020 is an xlsx
//! workbook with numeric amounts, 2021 a UTF-8 CSV with amounts written the Vietnamese way;
//! a few amounts in both carry `đ` or `đồng`, and 2021 has a double entry and its
//! negative correction. Each year's total is fixed, so the fund target's answer is known.
//!
//! Draws from its own random stream, like the district reports.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::writers::{self, Cell, Container, CsvEncoding, Table};
use super::{pick_weighted, ymd, GenerateError};
use crate::text::numbers::format_integer_vi;

pub(crate) const HEADERS: [&str; 5] = [
    "Ngày",
    "Nhà tài trợ",
    "Hình thức",
    "Giá trị (đồng)",
    "Ghi chú",
];

pub(crate) const CASH: &str = "Tiền mặt";
pub(crate) const IN_KIND: &str = "Hiện vật";
pub(crate) const PROGRAMME: &str = "Chương trình";

/// The note of the negative row that cancels a double entry.
pub const CORRECTION_NOTE: &str = "Điều chỉnh giảm do ghi trùng";

/// (year, file, container, total in đồng, donation rows before the correction pair, Tết,
/// Mid-Autumn).
type LedgerYear = (i32, &'static str, Container, i64, (u32, u32), (u32, u32));
const YEARS: [LedgerYear; 2] = [
    (
        2020,
        "quy_bao_tro_tre_em_2020.xlsx",
        Container::Xlsx,
        4_026_500_000,
        (1, 25),
        (10, 1),
    ),
    (
        2021,
        "quy_bao_tro_tre_em_2021.csv",
        Container::Csv(CsvEncoding::Utf8Bom),
        3_486_900_000,
        (2, 12),
        (9, 21),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Donor {
    Company,
    Bank,
    Association,
    Person,
}

/// Invented donors.
const DONORS: [(&str, Donor); 22] = [
    ("Công ty TNHH Cà phê Hương Cao Nguyên", Donor::Company),
    ("Công ty CP Nông nghiệp Ia Sao Xanh", Donor::Company),
    ("Công ty TNHH Xây dựng Hoàng Phát Gia Lai", Donor::Company),
    ("Công ty CP Năng lượng Đồi Gió", Donor::Company),
    ("Công ty TNHH MTV Vận tải Phố Núi", Donor::Company),
    ("Công ty CP Dược phẩm Tây Nguyên Xanh", Donor::Company),
    ("Doanh nghiệp tư nhân Minh Tâm", Donor::Company),
    ("Công ty TNHH Thương mại Đức Thịnh", Donor::Company),
    ("Công ty CP Gỗ và Nội thất Đại Ngàn", Donor::Company),
    ("Ngân hàng TMCP Đại Ngàn - Chi nhánh Gia Lai", Donor::Bank),
    (
        "Ngân hàng TMCP Cao Nguyên Việt - Chi nhánh Pleiku",
        Donor::Bank,
    ),
    ("Ngân hàng TMCP Phương Đông Xanh - PGD An Khê", Donor::Bank),
    ("Hội Doanh nhân trẻ Phố Núi", Donor::Association),
    ("Câu lạc bộ Thiện nguyện Hoa Dã Quỳ", Donor::Association),
    (
        "Hội Đồng hương Gia Lai tại TP. Hồ Chí Minh",
        Donor::Association,
    ),
    ("Nhóm Từ thiện Bánh mì Yêu thương", Donor::Association),
    ("Hội Cựu giáo chức xã Ia Kênh", Donor::Association),
    ("Ông Nguyễn Văn Thịnh", Donor::Person),
    ("Bà Lê Thị Hồng Nhung", Donor::Person),
    ("Ông Trần Quốc Bảo", Donor::Person),
    ("Bà Phạm Thị Kim Liên", Donor::Person),
    ("Nhà hảo tâm (giấu tên)", Donor::Person),
];

const IN_KIND_NOTES: [&str; 5] = [
    "Sách vở, đồ dùng học tập",
    "Xe đạp cho học sinh nghèo",
    "Áo ấm, chăn mền",
    "Sữa và nhu yếu phẩm",
    "Bàn ghế, tủ sách cho điểm sinh hoạt trẻ em",
];
const PROGRAMME_NOTES: [&str; 4] = [
    "Phẫu thuật tim bẩm sinh cho trẻ em",
    "Học bổng cho trẻ em mồ côi",
    "Khám sàng lọc trẻ em khuyết tật",
    "Xây dựng sân chơi cho trẻ em",
];

/// The ledger of one year as the sample plants it.
#[derive(Debug, Clone, PartialEq)]
pub struct FundYearFacts {
    pub year: i32,
    pub file: PathBuf,
    pub rows: usize,
    /// Sum of every row, corrections included.
    pub total: i64,
    pub cash: i64,
    pub in_kind: i64,
    pub programmes: i64,
    /// Sums by month of `Ngày`, January first.
    pub by_month: [i64; 12],
    /// Rows with a negative value.
    pub corrections: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    date: NaiveDate,
    donor: &'static str,
    kind: &'static str,
    amount: i64,
    note: String,
}

/// The ledger files written (relative path, data rows) and each year's facts.
pub(crate) type FundOutput = (Vec<(PathBuf, usize)>, Vec<FundYearFacts>);

pub(crate) fn write(rng: &mut ChaCha8Rng, out: &Path) -> Result<FundOutput, GenerateError> {
    let mut files = Vec::new();
    let mut facts = Vec::new();
    for &(year, name, container, total, tet, mid_autumn) in &YEARS {
        let events = [
            ymd(year, tet.0, tet.1)?,
            ymd(year, 6, 1)?,
            ymd(year, mid_autumn.0, mid_autumn.1)?,
        ];
        let n = if year == 2020 {
            rng.gen_range(82..=92)
        } else {
            rng.gen_range(90..=100)
        };
        let mut entries = Vec::with_capacity(n + 2);
        for _ in 0..n {
            entries.push(donation(rng, year, &events)?);
        }
        scale_to(&mut entries, total);
        if year == 2021 {
            plant_double_entry(rng, &mut entries)?;
        }
        entries.sort_by_key(|e| e.date);

        let rel = PathBuf::from("fund").join(name);
        let mut table = Table::new(&HEADERS);
        for e in &entries {
            table.rows.push(cells(rng, e, container));
        }
        writers::write_table(out, &rel, container, &table, &format!("Sổ quỹ {year}"))?;
        files.push((rel.clone(), entries.len()));

        let by_kind = |k: &str| -> i64 {
            entries
                .iter()
                .filter(|e| e.kind == k)
                .map(|e| e.amount)
                .sum()
        };
        let mut by_month = [0i64; 12];
        for e in &entries {
            by_month[e.date.month0() as usize] += e.amount;
        }
        facts.push(FundYearFacts {
            year,
            file: rel,
            rows: entries.len(),
            total: entries.iter().map(|e| e.amount).sum(),
            cash: by_kind(CASH),
            in_kind: by_kind(IN_KIND),
            programmes: by_kind(PROGRAMME),
            by_month,
            corrections: entries.iter().filter(|e| e.amount < 0).count(),
        });
    }
    Ok((files, facts))
}

/// One donation: a day weighted towards the weeks before Tết, 1 June and Mid-Autumn, a
/// donor, a kind that suits both, and an amount that suits the donor.
fn donation(
    rng: &mut ChaCha8Rng,
    year: i32,
    events: &[NaiveDate; 3],
) -> Result<Entry, GenerateError> {
    let first = ymd(year, 1, 1)?;
    let days = ymd(year, 12, 31)?.ordinal() as i64;
    let near = |d: NaiveDate| {
        events
            .iter()
            .position(|e| (-25..=2).contains(&(d - *e).num_days()))
    };
    let weights: Vec<f64> = (0..days)
        .map(|i| {
            if near(first + Duration::days(i)).is_some() {
                6.0
            } else {
                1.0
            }
        })
        .collect();
    let date = first + Duration::days(pick_weighted(rng, &weights) as i64);
    let (donor, who) = DONORS[rng.gen_range(0..DONORS.len())];
    let season = near(date);
    let gifts = matches!(season, Some(0) | Some(2));
    let kind = match (who, rng.gen_range(0..100)) {
        (Donor::Person, 0..=84) => CASH,
        (Donor::Person, _) => IN_KIND,
        (Donor::Bank, 0..=59) => CASH,
        (Donor::Bank, _) => PROGRAMME,
        (_, r) if gifts && r < 55 => IN_KIND,
        (Donor::Company, 0..=59) => CASH,
        (Donor::Company, 60..=84) => IN_KIND,
        (Donor::Association, 0..=34) => CASH,
        (Donor::Association, 35..=74) => IN_KIND,
        _ => PROGRAMME,
    };
    let (lo, hi): (f64, f64) = match (kind, who) {
        (CASH, Donor::Person) => (1e6, 20e6),
        (CASH, Donor::Bank) => (50e6, 300e6),
        (CASH, _) => (5e6, 150e6),
        (IN_KIND, _) => (5e6, 120e6),
        _ => (50e6, 450e6),
    };
    // Log-uniform: many small gifts, a few large ones.
    let amount = (lo * (hi / lo).powf(rng.gen::<f64>())) as i64;
    let note = match (kind, season) {
        (CASH, Some(0)) => "Quà Tết cho trẻ em có hoàn cảnh đặc biệt".to_string(),
        (CASH, Some(1)) => "Hưởng ứng Tháng hành động vì trẻ em".to_string(),
        (CASH, Some(2)) => format!("Tết Trung thu {year}"),
        (CASH, _) if rng.gen_bool(0.6) => String::new(),
        (CASH, _) => "Ủng hộ Quỹ Bảo trợ trẻ em".to_string(),
        (IN_KIND, Some(2)) => "Quà Trung thu (bánh, lồng đèn)".to_string(),
        (IN_KIND, Some(0)) => "Quà Tết (bánh chưng, áo mới)".to_string(),
        (IN_KIND, _) => IN_KIND_NOTES[rng.gen_range(0..IN_KIND_NOTES.len())].to_string(),
        _ => PROGRAMME_NOTES[rng.gen_range(0..PROGRAMME_NOTES.len())].to_string(),
    };
    Ok(Entry {
        date,
        donor,
        kind,
        amount,
        note,
    })
}

/// Scales the amounts so that they add up to `total` exactly, each a multiple of 100,000
/// đồng (500,000 for gifts of a million or more), the rounding left on the largest row.
fn scale_to(entries: &mut [Entry], total: i64) {
    let raw: i64 = entries.iter().map(|e| e.amount).sum();
    if raw <= 0 {
        return;
    }
    let factor = total as f64 / raw as f64;
    for e in entries.iter_mut() {
        let x = e.amount as f64 * factor;
        let step = if x >= 10e6 { 500_000.0 } else { 100_000.0 };
        e.amount = ((x / step).round() * step).max(step) as i64;
    }
    let sum: i64 = entries.iter().map(|e| e.amount).sum();
    if let Some(largest) = entries.iter_mut().max_by_key(|e| e.amount) {
        largest.amount += total - sum;
    }
}

/// A cash gift of the summer entered twice, and at the end of the quarter a negative row
/// that cancels the copy; the total is unchanged.
fn plant_double_entry(rng: &mut ChaCha8Rng, entries: &mut Vec<Entry>) -> Result<(), GenerateError> {
    let summer: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            let e = &entries[i];
            e.kind == CASH && (6..=8).contains(&e.date.month()) && e.amount >= 10_000_000
        })
        .collect();
    let Some(&i) = summer.get(rng.gen_range(0..summer.len().max(1))) else {
        return Ok(());
    };
    let copy = entries[i].clone();
    let correction = Entry {
        date: ymd(2021, 9, 30)?,
        donor: copy.donor,
        kind: copy.kind,
        amount: -copy.amount,
        note: CORRECTION_NOTE.to_string(),
    };
    entries.push(copy);
    entries.push(correction);
    Ok(())
}

/// An amount as the ledger writes it: numbers in the workbook, `1.500.000` in the CSV, a
/// few with `đ` or `đồng` after them.
fn cells(rng: &mut ChaCha8Rng, e: &Entry, container: Container) -> Vec<Cell> {
    let suffix = match rng.gen_range(0..100) {
        0..=6 => " đ",
        7..=12 => " đồng",
        _ => "",
    };
    let amount = match (container, suffix) {
        (Container::Xlsx, "") => Cell::Number(e.amount as f64),
        _ => Cell::Text(format!("{}{suffix}", format_integer_vi(e.amount))),
    };
    let date = match container {
        Container::Xlsx => Cell::Date(e.date),
        Container::Csv(_) => Cell::Text(e.date.format("%d/%m/%Y").to_string()),
    };
    vec![
        date,
        Cell::text(e.donor),
        Cell::text(e.kind),
        amount,
        if e.note.is_empty() {
            Cell::Blank
        } else {
            Cell::text(e.note.clone())
        },
    ]
}

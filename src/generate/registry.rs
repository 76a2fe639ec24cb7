//! The child registry (source 1): who is in special circumstances or at risk at each
//! snapshot, who is supported, and one export file per district per snapshot with that
//! district's quirks and the planted bad rows.
//!
//! Children live across snapshots — the same id, entering when identified, leaving at 16
//! or when their circumstances end — and the numbers of children and of unsupported
//! children per district are fixed first and then filled, so the province support rate is
//! a planted fact rather than an accident of sampling.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::layout::{self, HeaderStyle, RegistryStyle, UnitStyle};
use super::people::{self, IdAllocator, Person, Sex};
use super::reference::{District, Geography};
use super::writers::{self, Cell, Table};
use super::{
    apportion, pick_weighted, sample_weighted, ymd, DistrictSupport, FaultKind, GenerateError,
    PlantedFault, SnapshotFacts,
};

/// At-risk children are written 1 in this many (about 100,000 in reality).
pub(crate) const AT_RISK_SAMPLE_RATIO: usize = 20;

pub(crate) const SNAPSHOTS: [(i32, u32, u32); 3] = [(2020, 12, 31), (2021, 6, 30), (2021, 12, 31)];
/// Children in special circumstances, province, per snapshot.
const SPECIAL_CHILDREN: [usize; 3] = [5_372, 5_446, 5_518];
/// Of whom not supported: 97.00 %, 97.59 %, 98.21 % supported.
const UNSUPPORTED: [usize; 3] = [161, 131, 99];
/// Rows of at-risk children in the sample (×20 in reality).
const AT_RISK_ROWS: [usize; 3] = [4_900, 4_985, 5_060];
/// The district with every special-circumstance child supported at 2021-12-31, and the one
/// at the bottom (about 95 %) all along.
const FULLY_SUPPORTED_DISTRICT: u32 = 634;
const LOWEST_DISTRICT: u32 = 630;

/// Relative frequency of the art. 10 groups (index into `layout::GROUPS`) among new
/// children, and the age range (years, end exclusive) a child of the group has.
pub(crate) const GROUP_PROFILE: [(f64, u32, u32); 14] = [
    (6.0, 1, 16),   // a orphaned
    (2.0, 0, 12),   // b abandoned
    (10.0, 1, 16),  // c no one to rely on
    (31.0, 1, 16),  // d disabled
    (1.2, 1, 16),   // đ HIV/AIDS
    (4.0, 12, 16),  // e in conflict with the law
    (0.6, 12, 16),  // g drugs
    (12.0, 11, 16), // h out of school to earn a living
    (2.5, 3, 16),   // i violence
    (1.2, 8, 16),   // k exploited
    (2.0, 5, 16),   // l sexually abused
    (0.1, 8, 16),   // m trafficked
    (25.0, 1, 16),  // n long-term illness, poor household
    (0.1, 1, 16),   // o migrant, refugee
];

pub(crate) const FORMS_BY_GROUP: [&[&str]; 14] = [
    &["Trợ cấp xã hội", "Hỗ trợ giáo dục", "Hỗ trợ sinh kế"],
    &["Trợ cấp xã hội", "Chăm sóc y tế"],
    &["Trợ cấp xã hội", "Hỗ trợ giáo dục"],
    &[
        "Trợ cấp xã hội",
        "Chăm sóc y tế",
        "Phục hồi chức năng",
        "Hỗ trợ giáo dục",
    ],
    &["Chăm sóc y tế", "Trợ cấp xã hội", "Tư vấn tâm lý"],
    &["Tư vấn tâm lý", "Hỗ trợ pháp lý", "Hỗ trợ giáo dục"],
    &["Chăm sóc y tế", "Tư vấn tâm lý"],
    &["Hỗ trợ giáo dục", "Hỗ trợ sinh kế"],
    &["Tư vấn tâm lý", "Chăm sóc y tế", "Hỗ trợ pháp lý"],
    &["Tư vấn tâm lý", "Hỗ trợ giáo dục", "Hỗ trợ sinh kế"],
    &["Tư vấn tâm lý", "Chăm sóc y tế", "Hỗ trợ pháp lý"],
    &["Tư vấn tâm lý", "Hỗ trợ pháp lý", "Trợ cấp xã hội"],
    &["Chăm sóc y tế", "Trợ cấp xã hội"],
    &["Trợ cấp xã hội", "Chăm sóc y tế"],
];
pub(crate) const AT_RISK_FORMS: &[&str] = &[
    "Hỗ trợ giáo dục",
    "Tư vấn tâm lý",
    "Hỗ trợ sinh kế",
    "Chăm sóc y tế",
];

/// A child the cases put into the registry (an abused child), from snapshot `from` on.
#[derive(Debug, Clone)]
pub(crate) struct RegistrySeed {
    pub person: Person,
    pub group: usize,
    pub from: usize,
}

#[derive(Debug, Clone)]
struct RegChild {
    person: Person,
    /// Index into `layout::GROUPS`; `None` for a child who is only at risk.
    group: Option<usize>,
    forms: Vec<&'static str>,
    seeded: bool,
    entered: usize,
    present: [bool; 3],
    supported: [bool; 3],
    updated: [NaiveDate; 3],
}

pub(crate) struct Registry {
    pub dates: [NaiveDate; 3],
    children: Vec<RegChild>,
}

impl Registry {
    /// Children of `district` present at `snapshot`.
    pub fn present(&self, district: u32, snapshot: usize) -> Vec<&Person> {
        self.children
            .iter()
            .filter(|c| c.present[snapshot] && c.person.district == district)
            .map(|c| &c.person)
            .collect()
    }

    pub fn facts(&self, geo: &Geography) -> Vec<SnapshotFacts> {
        (0..3)
            .map(|s| {
                let districts: Vec<DistrictSupport> = geo
                    .districts
                    .iter()
                    .map(|d| {
                        let live = self
                            .children
                            .iter()
                            .filter(|c| c.present[s] && c.person.district == d.code);
                        let (mut special, mut supported, mut at_risk) = (0, 0, 0);
                        for c in live {
                            if c.group.is_some() {
                                special += 1;
                                supported += usize::from(c.supported[s]);
                            } else {
                                at_risk += 1;
                            }
                        }
                        DistrictSupport {
                            district_code: d.code,
                            special_children: special,
                            special_supported: supported,
                            at_risk_rows: at_risk,
                        }
                    })
                    .collect();
                SnapshotFacts {
                    date: self.dates[s],
                    special_children: districts.iter().map(|d| d.special_children).sum(),
                    special_supported: districts.iter().map(|d| d.special_supported).sum(),
                    at_risk_rows: districts.iter().map(|d| d.at_risk_rows).sum(),
                    districts,
                }
            })
            .collect()
    }
}

pub(crate) fn snapshot_dates() -> Result<[NaiveDate; 3], GenerateError> {
    let [a, b, c] = SNAPSHOTS;
    Ok([
        ymd(a.0, a.1, a.2)?,
        ymd(b.0, b.1, b.2)?,
        ymd(c.0, c.1, c.2)?,
    ])
}

/// Index of the first snapshot on or after `date` (None after the last).
pub(crate) fn snapshot_after(date: NaiveDate) -> Result<Option<usize>, GenerateError> {
    Ok(snapshot_dates()?.iter().position(|s| *s >= date))
}

pub(crate) fn build(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    ids: &mut IdAllocator,
    seeds: &[RegistrySeed],
) -> Result<Registry, GenerateError> {
    let dates = snapshot_dates()?;
    let n = geo.districts.len();
    // Targets per snapshot and district.
    let mut special = [vec![0; n], vec![0; n], vec![0; n]];
    let mut at_risk = [vec![0; n], vec![0; n], vec![0; n]];
    let mut unsupported = [vec![0; n], vec![0; n], vec![0; n]];
    let base_unsupported: Vec<f64> = geo
        .districts
        .iter()
        .map(|d| {
            if d.code == LOWEST_DISTRICT {
                4.0
            } else {
                rng.gen_range(0.2..1.6)
            }
        })
        .collect();
    for s in 0..3 {
        let year = usize::from(s > 0);
        let w: Vec<f64> = geo
            .districts
            .iter()
            .map(|d| f64::from(d.children[year]) * d.special_weight * rng.gen_range(0.97..1.03))
            .collect();
        special[s] = apportion(SPECIAL_CHILDREN[s], &w, None);
        let w: Vec<f64> = geo
            .districts
            .iter()
            .map(|d| f64::from(d.children[year]) * d.special_weight.powf(1.5))
            .collect();
        at_risk[s] = apportion(AT_RISK_ROWS[s], &w, None);
        // At most 5 % unsupported in a district: every district rate stays at or above 95 %.
        let caps: Vec<usize> = special[s].iter().map(|&k| k / 20).collect();
        let w: Vec<f64> = geo
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                if s == 2 && d.code == FULLY_SUPPORTED_DISTRICT {
                    0.0
                } else {
                    special[s][i] as f64 * base_unsupported[i] * rng.gen_range(0.7..1.3)
                }
            })
            .collect();
        unsupported[s] = apportion(UNSUPPORTED[s], &w, Some(&caps));
    }

    let mut children = Vec::new();
    for (di, district) in geo.districts.iter().enumerate() {
        let mut pool: Vec<RegChild> = Vec::new();
        for s in 0..3 {
            let date = dates[s];
            let window_start = if s == 0 {
                ymd(2020, 7, 1)?
            } else {
                dates[s - 1] + Duration::days(1)
            };
            if s > 0 {
                for c in pool.iter_mut().filter(|c| c.present[s - 1]) {
                    let keep = if c.group.is_some() { 0.96 } else { 0.92 };
                    c.present[s] = people::age_on(c.person.birth, date) < 16
                        && (c.seeded || rng.gen_bool(keep));
                    c.updated[s] = c.updated[s - 1];
                    if rng.gen_bool(0.5) {
                        c.updated[s] = update_date(rng, window_start, date, c.person.birth);
                    }
                }
            }
            for seed in seeds
                .iter()
                .filter(|x| x.person.district == district.code && x.from == s)
            {
                if people::age_on(seed.person.birth, date) >= 16 {
                    continue;
                }
                let updated = update_date(rng, window_start, date, seed.person.birth);
                pool.push(RegChild {
                    person: seed.person.clone(),
                    group: Some(seed.group),
                    forms: pick_forms(rng, FORMS_BY_GROUP[seed.group]),
                    seeded: true,
                    entered: s,
                    present: presence_from(s),
                    supported: [false; 3],
                    updated: [updated; 3],
                });
            }
            for special_kind in [true, false] {
                let target = if special_kind {
                    special[s][di]
                } else {
                    at_risk[s][di]
                };
                let live: Vec<usize> = (0..pool.len())
                    .filter(|&i| pool[i].present[s] && pool[i].group.is_some() == special_kind)
                    .collect();
                if live.len() > target {
                    let removable: Vec<usize> =
                        live.iter().copied().filter(|&i| !pool[i].seeded).collect();
                    let drop: Vec<usize> = removable
                        .choose_multiple(rng, live.len() - target)
                        .copied()
                        .collect();
                    for i in drop {
                        pool[i].present[s] = false;
                    }
                }
                for _ in live.len()..target {
                    let child = new_child(rng, ids, district, special_kind, s, date, window_start);
                    pool.push(child);
                }
            }
            assign_support(rng, &mut pool, s, unsupported[s][di], window_start, date);
        }
        children.extend(pool);
    }
    Ok(Registry { dates, children })
}

fn presence_from(s: usize) -> [bool; 3] {
    let mut p = [false; 3];
    p[s] = true;
    p
}

fn update_date(
    rng: &mut ChaCha8Rng,
    from: NaiveDate,
    to: NaiveDate,
    birth: NaiveDate,
) -> NaiveDate {
    let from = from.max(birth);
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

fn pick_forms(rng: &mut ChaCha8Rng, candidates: &[&'static str]) -> Vec<&'static str> {
    let k = rng.gen_range(1..=candidates.len().min(3));
    let mut chosen: Vec<usize> = (0..candidates.len()).collect();
    chosen.shuffle(rng);
    chosen.truncate(k);
    chosen.sort_unstable();
    chosen.into_iter().map(|i| candidates[i]).collect()
}

fn new_child(
    rng: &mut ChaCha8Rng,
    ids: &mut IdAllocator,
    district: &District,
    special: bool,
    s: usize,
    date: NaiveDate,
    window_start: NaiveDate,
) -> RegChild {
    let (group, female_share, min_age, max_age, forms) = if special {
        let w: Vec<f64> = GROUP_PROFILE.iter().map(|g| g.0).collect();
        let g = pick_weighted(rng, &w);
        let female = match g {
            10 => 0.88, // l sexually abused
            11 => 0.75, // m trafficked
            5 | 6 => 0.15,
            _ => 0.47,
        };
        let (_, lo, hi) = GROUP_PROFILE[g];
        (Some(g), female, lo, hi, FORMS_BY_GROUP[g])
    } else {
        (None, 0.49, 0, 16, AT_RISK_FORMS)
    };
    let sex = Sex::random(rng, female_share);
    let person = people::new_child(rng, ids, district, sex, date, min_age, max_age);
    // A child already on the books at the first snapshot was updated any time in the half
    // year before; a child entering later was identified since the previous snapshot.
    let updated = update_date(rng, window_start, date, person.birth);
    let forms = pick_forms(rng, forms);
    let at_risk_supported = !special && rng.gen_bool(0.35);
    RegChild {
        person,
        group,
        forms,
        seeded: false,
        entered: s,
        present: presence_from(s),
        supported: [at_risk_supported; 3],
        updated: [updated; 3],
    }
}

/// Marks exactly `unsupported` of the district's special-circumstance children at `s` as
/// not supported: newly identified children and those unsupported before are likelier.
fn assign_support(
    rng: &mut ChaCha8Rng,
    pool: &mut [RegChild],
    s: usize,
    unsupported: usize,
    window_start: NaiveDate,
    date: NaiveDate,
) {
    let live: Vec<usize> = (0..pool.len())
        .filter(|&i| pool[i].present[s] && pool[i].group.is_some())
        .collect();
    let weights: Vec<f64> = live
        .iter()
        .map(|&i| {
            let c = &pool[i];
            if c.entered == s {
                6.0
            } else if s > 0 && !c.supported[s - 1] {
                4.0
            } else {
                1.0
            }
        })
        .collect();
    let chosen = sample_weighted(rng, &weights, unsupported);
    for (k, &i) in live.iter().enumerate() {
        let supported = chosen.binary_search(&k).is_err();
        let c = &mut pool[i];
        if s > 0 && supported && !c.supported[s - 1] && c.entered < s {
            c.updated[s] = update_date(rng, window_start, date, c.person.birth);
        }
        c.supported[s] = supported;
    }
}

// ---------------------------------------------------------------------------------------
// Files

#[derive(Clone)]
enum Birth {
    Date(NaiveDate),
    Text(&'static str),
}

#[derive(Clone)]
enum Unit {
    Known(u32),
    UnknownCode(u32),
    UnknownName(&'static str),
}

#[derive(Clone)]
struct Row {
    id: Option<String>,
    name: String,
    birth: Birth,
    sex: Sex,
    ethnicity: &'static str,
    unit: Unit,
    group: Option<usize>,
    supported: bool,
    forms: Vec<&'static str>,
    updated: NaiveDate,
    fault: Option<(FaultKind, String)>,
}

impl Row {
    fn of(c: &RegChild, s: usize) -> Row {
        Row {
            id: Some(c.person.id.clone()),
            name: c.person.name.clone(),
            birth: Birth::Date(c.person.birth),
            sex: c.person.sex,
            ethnicity: c.person.ethnicity,
            unit: Unit::Known(c.person.commune),
            group: c.group,
            supported: c.supported[s],
            forms: c.forms.clone(),
            updated: c.updated[s],
            fault: None,
        }
    }

    /// An extra at-risk-only row: faults never touch special-circumstance children, so the
    /// support rate is the same whether ingestion keeps or rejects them.
    fn extra(p: &Person, updated: NaiveDate, fault: FaultKind, detail: String) -> Row {
        Row {
            id: Some(p.id.clone()),
            name: p.name.clone(),
            birth: Birth::Date(p.birth),
            sex: p.sex,
            ethnicity: p.ethnicity,
            unit: Unit::Known(p.commune),
            group: None,
            supported: false,
            forms: Vec::new(),
            updated,
            fault: Some((fault, detail)),
        }
    }
}

/// The planted registry faults: (snapshot, district, kind).
const REGISTRY_FAULTS: [(usize, u32, FaultKind); 6] = [
    (0, 622, FaultKind::AgedOut),
    (1, 633, FaultKind::UnknownCommune),
    (1, 628, FaultKind::MissingChildId),
    (2, 626, FaultKind::UnknownCommune),
    (2, 623, FaultKind::ImpossibleDate),
    (2, 637, FaultKind::DuplicateChildId),
];

fn file_name(d: &District, date: NaiveDate, ext: &str) -> String {
    let slug = layout::fold_ascii(&d.name)
        .to_lowercase()
        .replace([' ', '\''], "_");
    format!("tre_em_{}_{}.{}", slug, date.format("%d%m%Y"), ext)
}

/// The files written (relative path, data rows) and the faults planted in them.
pub(crate) type RegistryOutput = (Vec<(PathBuf, usize)>, Vec<PlantedFault>);

pub(crate) fn write(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    ids: &mut IdAllocator,
    reg: &Registry,
    out: &Path,
) -> Result<RegistryOutput, GenerateError> {
    let mut files = Vec::new();
    let mut faults = Vec::new();
    for (s, &date) in reg.dates.iter().enumerate() {
        for district in &geo.districts {
            let style = layout::registry_style(district.code, s);
            let mut kids: Vec<&RegChild> = reg
                .children
                .iter()
                .filter(|c| c.present[s] && c.person.district == district.code)
                .collect();
            kids.sort_by(|a, b| {
                (a.person.commune, &a.person.id).cmp(&(b.person.commune, &b.person.id))
            });
            let mut rows: Vec<Row> = kids.iter().map(|c| Row::of(c, s)).collect();
            for &(_, _, kind) in REGISTRY_FAULTS
                .iter()
                .filter(|f| f.0 == s && f.1 == district.code)
            {
                plant(rng, ids, district, date, style, kind, &mut rows)?;
            }
            let rel = PathBuf::from("child_registry")
                .join(date.format("%Y-%m-%d").to_string())
                .join(file_name(district, date, style.container.extension()));
            let table = render(rng, district, style, &rows);
            writers::write_table(out, &rel, style.container, &table, "Danh sách trẻ em")?;
            for (i, row) in rows.iter().enumerate() {
                if let Some((kind, detail)) = &row.fault {
                    faults.push(PlantedFault {
                        file: rel.clone(),
                        row: i + 2,
                        kind: *kind,
                        detail: detail_with_rows(detail, row, &rows, i),
                    });
                }
            }
            files.push((rel, rows.len()));
        }
    }
    Ok((files, faults))
}

/// For a duplicate id, names the row it duplicates.
fn detail_with_rows(detail: &str, row: &Row, rows: &[Row], at: usize) -> String {
    if let (Some((FaultKind::DuplicateChildId, _)), Some(id)) = (&row.fault, &row.id) {
        if let Some(first) = rows
            .iter()
            .enumerate()
            .position(|(j, r)| j != at && r.id.as_deref() == Some(id.as_str()))
        {
            return format!("{detail} (same id as row {})", first + 2);
        }
    }
    detail.to_string()
}

fn plant(
    rng: &mut ChaCha8Rng,
    ids: &mut IdAllocator,
    district: &District,
    date: NaiveDate,
    style: RegistryStyle,
    kind: FaultKind,
    rows: &mut Vec<Row>,
) -> Result<(), GenerateError> {
    let sex = Sex::random(rng, 0.5);
    let updated = date - Duration::days(rng.gen_range(3..60));
    let mut p = people::new_child(rng, ids, district, sex, date, 2, 15);
    let row = match kind {
        FaultKind::AgedOut => {
            p.birth = people::years_before(date, 16) - Duration::days(rng.gen_range(20..200));
            let detail = format!(
                "Ngày sinh {} makes the child {} at the snapshot {}",
                p.birth.format("%d/%m/%Y"),
                people::age_on(p.birth, date),
                date.format("%Y-%m-%d")
            );
            Row::extra(&p, updated, kind, detail)
        }
        FaultKind::UnknownCommune => {
            let (unit, detail) = if style.units == UnitStyle::Names {
                (
                    Unit::UnknownName("Xã Không Có"),
                    "Xã \"Xã Không Có\" is no commune of the district".to_string(),
                )
            } else {
                (
                    Unit::UnknownCode(99999),
                    "Mã xã 99999 is no commune code".to_string(),
                )
            };
            let mut row = Row::extra(&p, updated, kind, detail);
            row.unit = unit;
            row
        }
        FaultKind::MissingChildId => {
            let mut row = Row::extra(&p, updated, kind, "Mã trẻ em is blank".to_string());
            row.id = None;
            row
        }
        FaultKind::ImpossibleDate => {
            let mut row = Row::extra(
                &p,
                updated,
                kind,
                "Ngày sinh 31/02/2021 does not exist".to_string(),
            );
            row.birth = Birth::Text("31/02/2021");
            row
        }
        _ => {
            // A child entered twice: the same id on a second row with another update date.
            let at_risk: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].group.is_none() && rows[i].fault.is_none())
                .collect();
            let Some(&i) = at_risk.choose(rng) else {
                return Ok(());
            };
            let mut row = rows[i].clone();
            let id = row.id.clone().unwrap_or_default();
            row.updated -= Duration::days(rng.gen_range(30..90));
            row.fault = Some((kind, format!("Mã trẻ em {id} appears twice")));
            row
        }
    };
    let at = rng.gen_range(0..=rows.len());
    rows.insert(at, row);
    Ok(())
}

fn render(rng: &mut ChaCha8Rng, district: &District, style: RegistryStyle, rows: &[Row]) -> Table {
    let caps = style.headers == HeaderStyle::CapsReordered;
    let mut table = if caps {
        let mut h: Vec<String> = layout::CAPS_ORDER
            .iter()
            .map(|&i| layout::caps_ascii(layout::REGISTRY_HEADERS[i]))
            .collect();
        h.push("Ghi chú".to_string());
        Table {
            headers: h,
            rows: Vec::new(),
        }
    } else {
        Table::new(&layout::REGISTRY_HEADERS)
    };
    for row in rows {
        let (code, commune, district_name) = unit_cells(rng, district, style.units, &row.unit);
        let special = row.group.is_some();
        let cells = [
            row.id.clone().map_or(Cell::Blank, Cell::Text),
            Cell::text(row.name.clone()),
            match row.birth {
                Birth::Date(d) => style.dates.date(d),
                Birth::Text(t) => Cell::text(t),
            },
            Cell::text(row.sex.label()),
            Cell::text(row.ethnicity),
            code,
            commune,
            district_name,
            layout::group_cell(style.groups, row.group),
            layout::at_risk_cell(style.at_risk, !special),
            layout::yes_no(row.supported),
            if row.supported {
                Cell::text(row.forms.join(";"))
            } else {
                Cell::Blank
            },
            style.dates.date(row.updated),
        ];
        let out = if caps {
            let mut v: Vec<Cell> = layout::CAPS_ORDER
                .iter()
                .map(|&i| cells[i].clone())
                .collect();
            let note = match rng.gen_range(0..25) {
                0 => "Hộ nghèo",
                1 => "Đã xác minh",
                2 => "Chuyển đến từ xã khác",
                _ => "",
            };
            v.push(Cell::text(note));
            v
        } else {
            cells.to_vec()
        };
        table.rows.push(out);
    }
    table
}

fn unit_cells(
    rng: &mut ChaCha8Rng,
    district: &District,
    style: UnitStyle,
    unit: &Unit,
) -> (Cell, Cell, Cell) {
    let code_cell = |code: u32| match style {
        UnitStyle::NumericCodes => Cell::Number(f64::from(code)),
        UnitStyle::Codes => Cell::Text(code.to_string()),
        UnitStyle::Names => Cell::Blank,
    };
    let by_names = style == UnitStyle::Names;
    let district_cell = if by_names {
        Cell::Text(layout::district_variant(rng, district))
    } else {
        Cell::Text(district.full_name.clone())
    };
    match unit {
        Unit::Known(code) => {
            let commune = match district.commune(*code) {
                Some(c) if by_names => Cell::Text(layout::commune_variant(rng, district, c)),
                Some(c) => Cell::Text(c.full_name.clone()),
                None => Cell::Blank,
            };
            (code_cell(*code), commune, district_cell)
        }
        Unit::UnknownCode(code) => (code_cell(*code), Cell::Blank, district_cell),
        // Only planted in files that give names, where `Mã xã` is blank anyway.
        Unit::UnknownName(name) => (Cell::Blank, Cell::text(*name), district_cell),
    }
}

//! Abuse and injury cases (source 2): who was harmed, when it was reported, how fast the
//! commune intervened and approved a support plan, and the per-period case files.
//!
//! Abused children are drawn first because most of them then enter the registry (groups
//! i, k, l, m) under the same id; injured children come after the registry so a few can be
//! registry children. Delays are drawn from fixed counts per year and each abuse case's
//! reception-to-plan span avoids public holidays, so "within 12 hours" and "within 5
//! working days" have one answer whatever holiday list a pipeline uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::layout::{self, DateStyle};
use super::people::{self, IdAllocator, Person, Sex};
use super::reference::Geography;
use super::registry::{self, Registry, RegistrySeed};
use super::writers::{self, Cell, Container, CsvEncoding, Table};
use super::{
    pick_weighted, sample_weighted, ymd, CaseYearFacts, FaultKind, GenerateError,
    InterventionDelays, PlantedFault,
};

pub(crate) const ABUSE: &str = "Xâm hại";
pub(crate) const INJURY: &str = "Tai nạn thương tích";

/// (subtype, weight, female share, min age, max age exclusive, registry group letter index).
pub(crate) const ABUSE_SUBTYPES: [(&str, f64, f64, u32, u32, usize); 6] = [
    ("Xâm hại tình dục", 50.0, 0.9, 6, 16, 10),
    ("Bạo lực", 25.0, 0.45, 3, 16, 8),
    ("Sao nhãng/bỏ mặc", 8.0, 0.45, 1, 11, 8),
    ("Bóc lột", 7.0, 0.4, 10, 16, 9),
    ("Mua bán", 3.0, 0.8, 12, 16, 11),
    ("Khác", 7.0, 0.5, 3, 16, 8),
];

/// (subtype, weight, weight of dying, min age, month weights).
pub(crate) type InjuryProfile = (&'static str, f64, f64, u32, [f64; 12]);
const SUMMER: [f64; 12] = [1.0, 1.0, 2.0, 3.0, 5.0, 8.0, 9.0, 8.0, 5.0, 3.0, 2.0, 1.0];
const EVEN: [f64; 12] = [1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 1.0, 1.1];
pub(crate) const INJURY_SUBTYPES: [InjuryProfile; 8] = [
    ("Đuối nước", 21.0, 12.0, 2, SUMMER),
    ("Tai nạn giao thông", 29.0, 5.0, 0, EVEN),
    ("Ngã", 18.0, 0.3, 0, EVEN),
    ("Bỏng", 7.0, 0.3, 0, EVEN),
    ("Động vật cắn", 10.0, 0.1, 1, EVEN),
    ("Ngộ độc", 6.0, 0.5, 0, EVEN),
    ("Điện giật", 3.0, 6.0, 3, EVEN),
    ("Khác", 6.0, 0.3, 0, EVEN),
];

/// Per year: distinct abused children, of whom abused twice, and the abuse cases by
/// intervention delay: ≤ 12 h, 12–24 h, 1–5 days, > 5 days, none yet; then how many cases
/// intervened within a day still got their plan late.
pub(crate) const ABUSE_YEARS: [(i32, usize, usize, [usize; 5], usize); 2] = [
    (2020, 55, 3, [44, 7, 4, 2, 1], 5),
    (2021, 48, 2, [42, 4, 2, 1, 1], 3),
];
/// Per year: distinct injured children, of whom injured twice, and deaths.
pub(crate) const INJURY_YEARS: [(i32, usize, usize, usize); 2] =
    [(2020, 452, 9, 37), (2021, 398, 7, 31)];
/// Share of abused children who enter the registry; of injured children taken from it.
pub(crate) const ABUSED_IN_REGISTRY: f64 = 0.7;
pub(crate) const INJURED_FROM_REGISTRY: f64 = 0.08;

/// Public holidays of 2020–2021 (Tết, Hùng Kings, 30/4, 1/5, National Day, New Year and
/// the compensatory days), listed in the sample README.
pub(crate) const HOLIDAYS: [(i32, u32, u32); 21] = [
    (2020, 1, 1),
    (2020, 1, 23),
    (2020, 1, 24),
    (2020, 1, 27),
    (2020, 1, 28),
    (2020, 1, 29),
    (2020, 4, 2),
    (2020, 4, 30),
    (2020, 5, 1),
    (2020, 9, 2),
    (2021, 1, 1),
    (2021, 2, 10),
    (2021, 2, 11),
    (2021, 2, 12),
    (2021, 2, 15),
    (2021, 2, 16),
    (2021, 4, 21),
    (2021, 4, 30),
    (2021, 5, 3),
    (2021, 9, 2),
    (2021, 9, 3),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delay {
    Within12h,
    Within24h,
    Days1To5,
    Over5Days,
    None,
}

#[derive(Debug, Clone)]
pub(crate) struct Case {
    id: String,
    child: Person,
    kind: &'static str,
    subtype: &'static str,
    occurred: NaiveDate,
    reported: NaiveDateTime,
    intervened: Option<NaiveDateTime>,
    plan: Option<NaiveDate>,
    died: bool,
    fault: Option<(FaultKind, String)>,
}

pub(crate) struct AbusePlan {
    pub cases: Vec<Case>,
    pub registry_seeds: Vec<RegistrySeed>,
}

pub(crate) fn holidays() -> Result<BTreeSet<NaiveDate>, GenerateError> {
    HOLIDAYS.iter().map(|&(y, m, d)| ymd(y, m, d)).collect()
}

fn is_working_day(d: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d)
}

fn add_working_days(from: NaiveDate, k: u32, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut d = from;
    let mut left = k;
    while left > 0 {
        d += Duration::days(1);
        if is_working_day(d, holidays) {
            left -= 1;
        }
    }
    d
}

/// Working days after `from` up to and including `to`.
fn working_days_between(from: NaiveDate, to: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d += Duration::days(1);
        if is_working_day(d, holidays) {
            n += 1;
        }
    }
    n
}

/// The injuries of one child in `year`: `n` of them at least two weeks apart, each as
/// (subtype, reported at, occurred on — the day or up to two days before, not before
/// 1 January), in the order reported. `pick` draws a subtype. Both profiles draw them so.
pub(crate) fn injury_events(
    rng: &mut ChaCha8Rng,
    year: i32,
    n: usize,
    mut pick: impl FnMut(&mut ChaCha8Rng) -> usize,
) -> Result<Vec<(usize, NaiveDateTime, NaiveDate)>, GenerateError> {
    let jan1 = ymd(year, 1, 1)?;
    let mut events: Vec<(usize, NaiveDateTime, NaiveDate)> = Vec::new();
    while events.len() < n {
        let sub = pick(rng);
        let day = random_day(rng, year, &INJURY_SUBTYPES[sub].4)?;
        if events
            .iter()
            .any(|e| (e.1.date() - day).num_days().abs() < 14)
        {
            continue;
        }
        let reported = at_time(day, rng.gen_range(6 * 60..23 * 60));
        let lag = if rng.gen_bool(0.7) {
            0
        } else {
            rng.gen_range(1..=2)
        };
        events.push((sub, reported, (day - Duration::days(lag)).max(jan1)));
    }
    events.sort_by_key(|e| e.1);
    Ok(events)
}

pub(crate) fn at_time(d: NaiveDate, minutes: u32) -> NaiveDateTime {
    let t = NaiveTime::from_hms_opt(minutes / 60 % 24, minutes % 60, 0).unwrap_or(NaiveTime::MIN);
    d.and_time(t)
}

pub(crate) fn random_day(
    rng: &mut ChaCha8Rng,
    year: i32,
    month_weights: &[f64; 12],
) -> Result<NaiveDate, GenerateError> {
    let month = pick_weighted(rng, month_weights) as u32 + 1;
    let first = ymd(year, month, 1)?;
    let next = if month == 12 {
        ymd(year + 1, 1, 1)?
    } else {
        ymd(year, month + 1, 1)?
    };
    let days = (next - first).num_days();
    Ok(first + Duration::days(rng.gen_range(0..days)))
}

pub(crate) fn plan_abuse(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    ids: &mut IdAllocator,
) -> Result<AbusePlan, GenerateError> {
    let holidays = holidays()?;
    let district_w: Vec<f64> = geo
        .districts
        .iter()
        .map(|d| f64::from(d.children[1]) * d.special_weight)
        .collect();
    let subtype_w: Vec<f64> = ABUSE_SUBTYPES.iter().map(|s| s.1).collect();
    let mut cases = Vec::new();
    let mut seeds = Vec::new();
    for &(year, n_children, twice, delay_counts, late_plans) in &ABUSE_YEARS {
        // Delay of every case; the one not yet intervened is a single case late in the year.
        let mut delays: Vec<Delay> = Vec::new();
        for (delay, &count) in [
            Delay::Within12h,
            Delay::Within24h,
            Delay::Days1To5,
            Delay::Over5Days,
        ]
        .iter()
        .zip(&delay_counts[..4])
        {
            delays.extend(std::iter::repeat_n(*delay, count));
        }
        delays.shuffle(rng);
        let mut late_plan: Vec<bool> = vec![false; delays.len()];
        let quick: Vec<usize> = (0..delays.len())
            .filter(|&i| matches!(delays[i], Delay::Within12h | Delay::Within24h))
            .collect();
        for &i in quick.choose_multiple(rng, late_plans) {
            late_plan[i] = true;
        }
        let mut next_slot = 0;
        let mut none_left = delay_counts[4];
        for child_no in 0..n_children {
            let district = &geo.districts[pick_weighted(rng, &district_w)];
            let first_sub = pick_weighted(rng, &subtype_w);
            let n_cases = if child_no < twice { 2 } else { 1 };
            let mut slots: Vec<(Delay, bool, usize)> = Vec::new();
            for _ in 0..n_cases {
                let sub = if slots.is_empty() || rng.gen_bool(0.7) {
                    first_sub
                } else {
                    pick_weighted(rng, &subtype_w)
                };
                // Single-case children at the end of the list take the "none yet" slots.
                if n_cases == 1 && child_no >= n_children - delay_counts[4] && none_left > 0 {
                    none_left -= 1;
                    slots.push((Delay::None, false, sub));
                } else {
                    let d = delays.get(next_slot).copied().unwrap_or(Delay::Within12h);
                    let late = late_plan.get(next_slot).copied().unwrap_or(false);
                    next_slot += 1;
                    slots.push((d, late, sub));
                }
            }
            // Dates first: the child's age is set on the first reception.
            let mut timed: Vec<(usize, AbuseTimes)> = Vec::new();
            for &(delay, late, sub) in &slots {
                let times = abuse_times_apart(rng, year, delay, late, &holidays, &timed)?;
                timed.push((sub, times));
            }
            timed.sort_by_key(|(_, t)| t.reported);
            let first_reported = match timed.first() {
                Some((_, t)) => t.reported.date(),
                None => ymd(year, 6, 1)?,
            };
            let (_, _, female, lo, hi, group) = ABUSE_SUBTYPES[first_sub];
            let sex = Sex::random(rng, female);
            let person = people::new_child(rng, ids, district, sex, first_reported, lo, hi);
            for (sub, t) in timed {
                let lag = match rng.gen_range(0..10) {
                    0..=5 => rng.gen_range(0..=2),
                    6..=8 => rng.gen_range(3..=14),
                    _ => rng.gen_range(15..=45),
                };
                let occurred = (t.reported.date() - Duration::days(lag))
                    .max(ymd(year, 1, 1)?)
                    .max(person.birth);
                cases.push(Case {
                    id: String::new(),
                    child: person.clone(),
                    kind: ABUSE,
                    subtype: ABUSE_SUBTYPES[sub].0,
                    occurred,
                    reported: t.reported,
                    intervened: t.intervened,
                    plan: t.plan,
                    died: false,
                    fault: None,
                });
            }
            if rng.gen_bool(ABUSED_IN_REGISTRY) {
                if let Some(from) = registry::snapshot_after(first_reported)? {
                    seeds.push(RegistrySeed {
                        person: person.clone(),
                        group,
                        from,
                    });
                }
            }
        }
    }
    Ok(AbusePlan {
        cases,
        registry_seeds: seeds,
    })
}

pub(crate) struct AbuseTimes {
    pub reported: NaiveDateTime,
    pub intervened: Option<NaiveDateTime>,
    pub plan: Option<NaiveDate>,
}

/// [`abuse_times`] for one more case of a child: received at least 20 days from its cases
/// in `timed` (given up after 50 draws, as rare as it is harmless). Both profiles draw so.
pub(crate) fn abuse_times_apart(
    rng: &mut ChaCha8Rng,
    year: i32,
    delay: Delay,
    late_plan: bool,
    holidays: &BTreeSet<NaiveDate>,
    timed: &[(usize, AbuseTimes)],
) -> Result<AbuseTimes, GenerateError> {
    let mut tries = 0;
    loop {
        tries += 1;
        let times = abuse_times(rng, year, delay, late_plan, holidays)?;
        let clear = timed
            .iter()
            .all(|(_, t)| (t.reported.date() - times.reported.date()).num_days().abs() >= 20);
        if clear || tries > 50 {
            return Ok(times);
        }
    }
}

/// Reception, intervention and plan of one abuse case with the given delay class. The span
/// from reception to plan holds no public holiday.
pub(crate) fn abuse_times(
    rng: &mut ChaCha8Rng,
    year: i32,
    delay: Delay,
    late_plan: bool,
    holidays: &BTreeSet<NaiveDate>,
) -> Result<AbuseTimes, GenerateError> {
    loop {
        let day = if delay == Delay::None {
            ymd(year, 12, 1)? + Duration::days(rng.gen_range(8..28))
        } else {
            random_day(rng, year, &[1.0; 12])?
        };
        if day.year() != year {
            continue;
        }
        let reported = at_time(day, rng.gen_range(7 * 60..21 * 60));
        let delay_minutes: Option<i64> = match delay {
            Delay::Within12h => Some(if rng.gen_bool(0.7) {
                rng.gen_range(20..=360)
            } else {
                rng.gen_range(361..=690)
            }),
            Delay::Within24h => Some(rng.gen_range(750..=1410)),
            Delay::Days1To5 => Some(rng.gen_range(1500..=6400)),
            Delay::Over5Days => Some(rng.gen_range(7 * 1440..=12 * 1440)),
            Delay::None => None,
        };
        let Some(minutes) = delay_minutes else {
            if is_working_day(day, holidays) {
                return Ok(AbuseTimes {
                    reported,
                    intervened: None,
                    plan: None,
                });
            }
            continue;
        };
        let intervened = reported + Duration::minutes(minutes);
        let k = match delay {
            Delay::Within12h | Delay::Within24h if !late_plan => rng.gen_range(1..=4),
            Delay::Within12h | Delay::Within24h => rng.gen_range(7..=10),
            Delay::Days1To5 => rng.gen_range(8..=11),
            _ => rng.gen_range(12..=15),
        };
        let plan = add_working_days(day, k, holidays);
        let span_clear = (0..=(plan - day).num_days() + 1)
            .all(|i| !holidays.contains(&(day - Duration::days(1) + Duration::days(i))));
        if span_clear && plan.year() == year && plan >= intervened.date() {
            return Ok(AbuseTimes {
                reported,
                intervened: Some(intervened),
                plan: Some(plan),
            });
        }
    }
}

pub(crate) fn plan_injuries(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    ids: &mut IdAllocator,
    reg: &Registry,
) -> Result<Vec<Case>, GenerateError> {
    let district_w: Vec<f64> = geo
        .districts
        .iter()
        .map(|d| f64::from(d.children[1]) * d.special_weight.sqrt())
        .collect();
    let subtype_w: Vec<f64> = INJURY_SUBTYPES.iter().map(|s| s.1).collect();
    let mut all = Vec::new();
    for &(year, n_children, twice, deaths) in &INJURY_YEARS {
        let snapshot = if year == 2020 { 0 } else { 2 };
        let mut cases: Vec<Case> = Vec::new();
        let mut from_registry: Vec<bool> = Vec::new();
        let mut used: BTreeSet<String> = BTreeSet::new();
        for child_no in 0..n_children {
            let district = &geo.districts[pick_weighted(rng, &district_w)];
            let n_cases = if child_no < twice { 2 } else { 1 };
            let events = injury_events(rng, year, n_cases, |rng| pick_weighted(rng, &subtype_w))?;
            let first = events[0].2;
            let min_age = INJURY_SUBTYPES[events[0].0].3;
            let registry_child = if rng.gen_bool(INJURED_FROM_REGISTRY) {
                let candidates: Vec<&Person> = reg
                    .present(district.code, snapshot)
                    .into_iter()
                    .filter(|p| {
                        p.birth + Duration::days(365 * i64::from(min_age.max(1))) <= first
                            && people::age_on(p.birth, first) < 16
                            && !used.contains(&p.id)
                    })
                    .collect();
                candidates.choose(rng).map(|p| (*p).clone())
            } else {
                None
            };
            let in_registry = registry_child.is_some();
            let child = match registry_child {
                Some(p) => p,
                None => {
                    let sex = Sex::random(rng, 0.42);
                    people::new_child(rng, ids, district, sex, first, min_age, 16)
                }
            };
            used.insert(child.id.clone());
            for (sub, reported, occurred) in events {
                cases.push(Case {
                    id: String::new(),
                    child: child.clone(),
                    kind: INJURY,
                    subtype: INJURY_SUBTYPES[sub].0,
                    occurred: occurred.max(child.birth),
                    reported,
                    intervened: None,
                    plan: None,
                    died: false,
                    fault: None,
                });
                from_registry.push(in_registry);
            }
        }
        // Deaths: children injured once and not in the registry, likelier by drowning,
        // traffic and electric shock.
        let mut per_child: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &cases {
            *per_child.entry(c.child.id.as_str()).or_default() += 1;
        }
        let weights: Vec<f64> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if from_registry[i] || per_child.get(c.child.id.as_str()) != Some(&1) {
                    0.0
                } else {
                    INJURY_SUBTYPES
                        .iter()
                        .find(|s| s.0 == c.subtype)
                        .map_or(0.0, |s| s.2)
                }
            })
            .collect();
        for i in sample_weighted(rng, &weights, deaths) {
            cases[i].died = true;
        }
        all.extend(cases);
    }
    Ok(all)
}

/// (year, file stem, first month, last month, container, date style).
const CASE_FILES: [(i32, &str, u32, u32, Container, DateStyle); 6] = [
    (
        2020,
        "vu_viec_2020_6_thang_dau",
        1,
        6,
        Container::Csv(CsvEncoding::Utf8Bom),
        DateStyle::Dmy,
    ),
    (
        2020,
        "vu_viec_2020_6_thang_cuoi",
        7,
        12,
        Container::Xlsx,
        DateStyle::Native,
    ),
    (
        2021,
        "vu_viec_2021_quy_1",
        1,
        3,
        Container::Xlsx,
        DateStyle::Native,
    ),
    (
        2021,
        "vu_viec_2021_quy_2",
        4,
        6,
        Container::Csv(CsvEncoding::Utf8),
        DateStyle::Iso,
    ),
    (
        2021,
        "vu_viec_2021_quy_3",
        7,
        9,
        Container::Csv(CsvEncoding::Windows1258),
        DateStyle::DmyShort,
    ),
    (
        2021,
        "vu_viec_2021_quy_4",
        10,
        12,
        Container::Xlsx,
        DateStyle::Serial,
    ),
];

pub(crate) type CaseOutput = (Vec<(PathBuf, usize)>, Vec<PlantedFault>, Vec<CaseYearFacts>);

pub(crate) fn write(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    abuse: Vec<Case>,
    injuries: Vec<Case>,
    out: &Path,
) -> Result<CaseOutput, GenerateError> {
    let holidays = holidays()?;
    let mut files = Vec::new();
    let mut faults = Vec::new();
    let mut facts = Vec::new();
    for year in [2020, 2021] {
        let mut cases: Vec<Case> = abuse
            .iter()
            .chain(&injuries)
            .filter(|c| c.reported.year() == year)
            .cloned()
            .collect();
        if year == 2020 {
            plant_occurred_after_reported(rng, &mut cases)?;
        }
        cases.sort_by(|a, b| (a.reported, &a.child.id).cmp(&(b.reported, &b.child.id)));
        for (i, c) in cases.iter_mut().enumerate() {
            c.id = format!("VV-{year}-{:04}", i + 1);
        }
        if year == 2021 {
            plant_duplicate_case_id(rng, &mut cases)?;
        }
        facts.push(year_facts(geo, year, &cases, &holidays));
        for &(_, stem, m0, m1, container, dates) in CASE_FILES.iter().filter(|f| f.0 == year) {
            let rows: Vec<&Case> = cases
                .iter()
                .filter(|c| (m0..=m1).contains(&c.reported.month()))
                .collect();
            let rel = PathBuf::from("cases")
                .join(year.to_string())
                .join(format!("{stem}.{}", container.extension()));
            let mut table = Table::new(&layout::CASE_HEADERS);
            for c in &rows {
                table.rows.push(case_cells(c, container, dates));
            }
            writers::write_table(out, &rel, container, &table, "Vụ việc")?;
            for (i, c) in rows.iter().enumerate() {
                if let Some((kind, detail)) = &c.fault {
                    faults.push(PlantedFault {
                        file: rel.clone(),
                        row: i + 2,
                        kind: *kind,
                        detail: detail_with_rows(detail, c, &rows, i),
                    });
                }
            }
            files.push((rel, rows.len()));
        }
    }
    Ok((files, faults, facts))
}

fn detail_with_rows(detail: &str, c: &Case, rows: &[&Case], at: usize) -> String {
    if let Some((FaultKind::DuplicateCaseId, _)) = &c.fault {
        if let Some(first) = rows
            .iter()
            .enumerate()
            .position(|(j, r)| j != at && r.id == c.id)
        {
            return format!("{detail} (same id as row {})", first + 2);
        }
    }
    detail.to_string()
}

fn case_cells(c: &Case, container: Container, dates: DateStyle) -> Vec<Cell> {
    let abuse = c.kind == ABUSE;
    let commune = if container == Container::Xlsx && dates == DateStyle::Serial {
        Cell::Number(f64::from(c.child.commune))
    } else {
        Cell::Text(c.child.commune.to_string())
    };
    vec![
        Cell::text(c.id.clone()),
        Cell::text(c.child.id.clone()),
        Cell::text(c.child.name.clone()),
        commune,
        Cell::text(c.kind),
        Cell::text(c.subtype),
        dates.date(c.occurred),
        dates.datetime(c.reported),
        c.intervened.map_or(Cell::Blank, |t| dates.datetime(t)),
        c.plan.map_or(Cell::Blank, |d| dates.date(d)),
        if abuse {
            Cell::Blank
        } else if c.died {
            Cell::text("Tử vong")
        } else {
            Cell::text("Bị thương")
        },
        Cell::text(c.child.sex.label()),
        dates.date(c.child.birth),
    ]
}

/// An extra injury case, reported in the second half of 2020 for a child already injured
/// once that year (so the distinct count holds either way), dated three days after its
/// reception.
fn plant_occurred_after_reported(
    rng: &mut ChaCha8Rng,
    cases: &mut Vec<Case>,
) -> Result<(), GenerateError> {
    let candidates: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            let c = &cases[i];
            c.kind == INJURY && !c.died && c.reported.month() <= 6
        })
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return Ok(());
    };
    let mut extra = cases[i].clone();
    let day = ymd(2020, 10, 1)? + Duration::days(rng.gen_range(0..40));
    extra.reported = at_time(day, rng.gen_range(8 * 60..17 * 60));
    extra.occurred = day + Duration::days(3);
    extra.subtype = "Ngã";
    extra.fault = Some((
        FaultKind::OccurredAfterReported,
        format!(
            "Ngày xảy ra {} is after Thời điểm tiếp nhận {}",
            extra.occurred.format("%d/%m/%Y"),
            extra.reported.format("%d/%m/%Y %H:%M")
        ),
    ));
    cases.push(extra);
    Ok(())
}

/// The same injury case entered twice in the second quarter of 2021, the copy received a
/// couple of hours later.
fn plant_duplicate_case_id(
    rng: &mut ChaCha8Rng,
    cases: &mut Vec<Case>,
) -> Result<(), GenerateError> {
    let candidates: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            let c = &cases[i];
            c.kind == INJURY
                && !c.died
                && (4..=6).contains(&c.reported.month())
                && c.reported.day() < 28
        })
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return Ok(());
    };
    let mut copy = cases[i].clone();
    copy.reported += Duration::minutes(rng.gen_range(90..240));
    copy.fault = Some((
        FaultKind::DuplicateCaseId,
        format!("Mã vụ việc {} appears twice", copy.id),
    ));
    let at = cases
        .iter()
        .position(|c| c.reported > copy.reported)
        .unwrap_or(cases.len());
    cases.insert(at, copy);
    Ok(())
}

fn year_facts(
    geo: &Geography,
    year: i32,
    cases: &[Case],
    holidays: &BTreeSet<NaiveDate>,
) -> CaseYearFacts {
    let clean: Vec<&Case> = cases
        .iter()
        .filter(|c| c.fault.is_none() && c.occurred.year() == year)
        .collect();
    let distinct = |pred: &dyn Fn(&Case) -> bool| -> BTreeSet<&str> {
        clean
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.child.id.as_str())
            .collect()
    };
    let injured = distinct(&|c| c.kind == INJURY);
    let abused = distinct(&|c| c.kind == ABUSE);
    let mut delays = InterventionDelays::default();
    let (mut plans_ok, mut plans_late) = (0, 0);
    for c in clean.iter().filter(|c| c.kind == ABUSE) {
        match c.intervened {
            None => delays.none_yet += 1,
            Some(t) => {
                let minutes = (t - c.reported).num_minutes();
                match minutes {
                    m if m <= 12 * 60 => delays.within_12h += 1,
                    m if m <= 24 * 60 => delays.from_12h_to_24h += 1,
                    m if m <= 5 * 24 * 60 => delays.from_1_to_5_days += 1,
                    _ => delays.over_5_days += 1,
                }
                match c.plan {
                    Some(p) if working_days_between(c.reported.date(), p, holidays) <= 5 => {
                        plans_ok += 1
                    }
                    _ => plans_late += 1,
                }
            }
        }
    }
    let by_district = |kind: &str| -> Vec<(u32, usize)> {
        geo.districts
            .iter()
            .map(|d| {
                let n = clean
                    .iter()
                    .filter(|c| c.kind == kind && c.child.district == d.code)
                    .map(|c| c.child.id.as_str())
                    .collect::<BTreeSet<_>>()
                    .len();
                (d.code, n)
            })
            .collect()
    };
    CaseYearFacts {
        year,
        injury_cases: clean.iter().filter(|c| c.kind == INJURY).count(),
        injured_children: injured.len(),
        injury_deaths: distinct(&|c| c.kind == INJURY && c.died).len(),
        drowned_children: distinct(&|c| c.kind == INJURY && c.subtype == "Đuối nước").len(),
        traffic_injured_children: distinct(&|c| {
            c.kind == INJURY && c.subtype == "Tai nạn giao thông"
        })
        .len(),
        abuse_cases: clean.iter().filter(|c| c.kind == ABUSE).count(),
        abused_children: abused.len(),
        abused_children_intervened: distinct(&|c| c.kind == ABUSE && c.intervened.is_some()).len(),
        intervention_delays: delays,
        plans_within_5_working_days: plans_ok,
        plans_late,
        abused_children_by_district: by_district(ABUSE),
        injured_children_by_district: by_district(INJURY),
    }
}

/// What a district's form 2 says for a window, counted over the clean cases (planted
/// faults excluded) whose `Ngày xảy ra` falls in it; children are counted once each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DistrictCaseCounts {
    pub abuse_cases: usize,
    pub abused_children: usize,
    pub abused_children_intervened: usize,
    pub injured_children: usize,
    pub deaths: usize,
    pub drowned: usize,
    pub traffic: usize,
}

pub(crate) fn district_case_counts(
    cases: &[Case],
    district: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> DistrictCaseCounts {
    let clean: Vec<&Case> = cases
        .iter()
        .filter(|c| {
            c.fault.is_none() && c.child.district == district && (from..=to).contains(&c.occurred)
        })
        .collect();
    let distinct = |pred: &dyn Fn(&Case) -> bool| -> usize {
        clean
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.child.id.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    DistrictCaseCounts {
        abuse_cases: clean.iter().filter(|c| c.kind == ABUSE).count(),
        abused_children: distinct(&|c| c.kind == ABUSE),
        abused_children_intervened: distinct(&|c| c.kind == ABUSE && c.intervened.is_some()),
        injured_children: distinct(&|c| c.kind == INJURY),
        deaths: distinct(&|c| c.kind == INJURY && c.died),
        drowned: distinct(&|c| c.kind == INJURY && c.subtype == "Đuối nước"),
        traffic: distinct(&|c| c.kind == INJURY && c.subtype == "Tai nạn giao thông"),
    }
}

//! Abuse and injury cases of one province for 2020 and 2021, with the distributions of the
//! Gia Lai profile (subtypes, ages, seasons, delays, plans within working days) drawn per
//! case instead of fixed counts. Most abused children then enter the registry under the
//! same id; a few injured children are registry children.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::cases::{
    abuse_times_apart, injury_events, Delay, ABUSE, ABUSED_IN_REGISTRY, ABUSE_SUBTYPES,
    ABUSE_YEARS, INJURED_FROM_REGISTRY, INJURY, INJURY_SUBTYPES,
};
use super::super::people::{age_on, years_before};
use super::super::GenerateError;
use super::geography::Province;
use super::names::{self, draw};
use super::pool::{self, Child, Context, DistrictPool, MONTHS};
use super::rows::{date_of, day_of, push_hhmm, push_u32};

pub(super) const CASE_HEADER: &str = "Mã vụ việc,Mã trẻ em,Họ và tên,Mã xã,Loại vụ việc,Hình thức,Ngày xảy ra,Thời điểm tiếp nhận,Thời điểm can thiệp,Ngày phê duyệt kế hoạch,Hậu quả,Giới tính,Ngày sinh\n";

/// Share of abused children with a second case in the year; of injured children.
const ABUSED_TWICE: f64 = 0.05;
const INJURED_TWICE: f64 = 0.02;
/// Turns an injury subtype's death weight into a probability: about 8 % of injured
/// children die, as in the Gia Lai profile.
const DEATH_SCALE: f64 = 0.0191;

#[derive(Debug, Clone)]
pub(super) struct Case {
    pub district: usize,
    pub child: Child,
    pub abuse: bool,
    pub subtype: &'static str,
    pub occurred: NaiveDate,
    pub reported: NaiveDateTime,
    pub intervened: Option<NaiveDateTime>,
    pub plan: Option<NaiveDate>,
    pub died: bool,
}

/// Month index (0 = January 2021) of the first registry snapshot on or after `date`.
fn first_snapshot(date: NaiveDate) -> usize {
    if date.year() < 2021 {
        0
    } else {
        date.month0() as usize
    }
}

fn birth_on(rng: &mut ChaCha8Rng, on: NaiveDate, lo: u32, hi: u32) -> NaiveDate {
    let latest = years_before(on, lo).min(on - Duration::days(30));
    let earliest = years_before(on, hi) + Duration::days(1);
    let span = (latest - earliest).num_days().max(1);
    earliest + Duration::days(rng.gen_range(0..span))
}

/// The abuse cases of `year`, for `n_children` children; most of them are enrolled in the
/// registry pools.
pub(super) fn plan_abuse(
    ctx: &Context,
    rng: &mut ChaCha8Rng,
    province: &Province,
    pools: &mut [DistrictPool],
    district_cdf: &[f64],
    year: i32,
    n_children: usize,
) -> Result<Vec<Case>, GenerateError> {
    let holidays = super::super::cases::holidays()?;
    let &(_, gl_children, _, delay_counts, late_plans) = ABUSE_YEARS
        .iter()
        .find(|y| y.0 == year)
        .unwrap_or(&ABUSE_YEARS[0]);
    let delay_cdf: Vec<f64> = delay_counts[..4]
        .iter()
        .scan(0.0, |t, &n| {
            *t += n as f64;
            Some(*t)
        })
        .collect();
    let none_share = delay_counts[4] as f64 / gl_children as f64;
    let late_share = late_plans as f64 / (delay_counts[0] + delay_counts[1]) as f64;
    let subtype_cdf: Vec<f64> = ABUSE_SUBTYPES
        .iter()
        .scan(0.0, |t, s| {
            *t += s.1;
            Some(*t)
        })
        .collect();
    let mut cases = Vec::new();
    for _ in 0..n_children {
        let di = draw(rng, district_cdf);
        let district = &province.districts[di];
        if district.communes.is_empty() {
            continue;
        }
        let first_sub = draw(rng, &subtype_cdf);
        let twice = rng.gen_bool(ABUSED_TWICE);
        let mut timed: Vec<(usize, super::super::cases::AbuseTimes)> = Vec::new();
        for i in 0..(1 + usize::from(twice)) {
            let sub = if i == 0 || rng.gen_bool(0.7) {
                first_sub
            } else {
                draw(rng, &subtype_cdf)
            };
            let delay = if !twice && rng.gen_bool(none_share) {
                Delay::None
            } else {
                match draw(rng, &delay_cdf) {
                    0 => Delay::Within12h,
                    1 => Delay::Within24h,
                    2 => Delay::Days1To5,
                    _ => Delay::Over5Days,
                }
            };
            let quick = matches!(delay, Delay::Within12h | Delay::Within24h);
            let late = quick && rng.gen_bool(late_share.min(1.0));
            let times = abuse_times_apart(rng, year, delay, late, &holidays, &timed)?;
            timed.push((sub, times));
        }
        timed.sort_by_key(|(_, t)| t.reported);
        let first_reported = timed[0].1.reported.date();
        let (_, _, female_share, lo, hi, group) = ABUSE_SUBTYPES[first_sub];
        let female = rng.gen_bool(female_share);
        let birth = day_of(birth_on(rng, first_reported, lo, hi));
        let child = pools[di].person(ctx, rng, district, province.region, female, birth);
        for (sub, t) in timed {
            let lag = match rng.gen_range(0..10) {
                0..=5 => rng.gen_range(0..=2),
                6..=8 => rng.gen_range(3..=14),
                _ => rng.gen_range(15..=45),
            };
            let occurred = (t.reported.date() - Duration::days(lag))
                .max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN))
                .max(date_of(birth));
            cases.push(Case {
                district: di,
                child,
                abuse: true,
                subtype: ABUSE_SUBTYPES[sub].0,
                occurred,
                reported: t.reported,
                intervened: t.intervened,
                plan: t.plan,
                died: false,
            });
        }
        let enrolled = rng.gen_bool(ABUSED_IN_REGISTRY)
            && pools[di].enrol(ctx, rng, child, first_snapshot(first_reported), group as u8);
        if !enrolled {
            pools[di].others.push(child);
        }
    }
    Ok(cases)
}

/// The injury cases of `year`, for `n_children` children; the registry pools must be filled.
pub(super) fn plan_injuries(
    ctx: &Context,
    rng: &mut ChaCha8Rng,
    province: &Province,
    pools: &mut [DistrictPool],
    district_cdf: &[f64],
    year: i32,
    n_children: usize,
) -> Result<Vec<Case>, GenerateError> {
    let subtype_cdf: Vec<f64> = INJURY_SUBTYPES
        .iter()
        .scan(0.0, |t, s| {
            *t += s.1;
            Some(*t)
        })
        .collect();
    let mut used: BTreeSet<(usize, u16, u32)> = BTreeSet::new();
    let mut cases = Vec::new();
    for _ in 0..n_children {
        let di = draw(rng, district_cdf);
        let district = &province.districts[di];
        if district.communes.is_empty() {
            continue;
        }
        let n_cases = 1 + usize::from(rng.gen_bool(INJURED_TWICE));
        let events = injury_events(rng, year, n_cases, |rng| draw(rng, &subtype_cdf))?;
        let first = events[0].2;
        let min_age = INJURY_SUBTYPES[events[0].0].3;
        let pool = &pools[di];
        let month = first_snapshot(first).min(MONTHS - 1);
        let mut from_registry = None;
        if rng.gen_bool(INJURED_FROM_REGISTRY) && !pool.children.is_empty() {
            for _ in 0..10 {
                let i = rng.gen_range(0..pool.children.len());
                let c = pool.children[i];
                let birth = date_of(c.birth);
                if c.present(month)
                    && years_before(first, min_age.max(1)) >= birth
                    && age_on(birth, first) < 16
                    && used.insert((di, c.commune, c.serial))
                {
                    from_registry = Some(c);
                    break;
                }
            }
        }
        let in_registry = from_registry.is_some();
        let child = match from_registry {
            Some(c) => c,
            None => {
                let female = rng.gen_bool(0.42);
                let birth = day_of(birth_on(rng, first, min_age, 16));
                let c = pools[di].person(ctx, rng, district, province.region, female, birth);
                pools[di].others.push(c);
                c
            }
        };
        for &(sub, reported, occurred) in &events {
            let died = n_cases == 1
                && !in_registry
                && rng.gen_bool((INJURY_SUBTYPES[sub].2 * DEATH_SCALE).min(1.0));
            cases.push(Case {
                district: di,
                child,
                abuse: false,
                subtype: INJURY_SUBTYPES[sub].0,
                occurred: occurred.max(date_of(child.birth)),
                reported,
                intervened: None,
                plan: None,
                died,
            });
        }
    }
    Ok(cases)
}

/// Sorts a year's cases by reception and writes their rows, numbered in that order.
pub(super) fn push_case_rows(
    buf: &mut Vec<u8>,
    ctx: &Context,
    province: &Province,
    year: i32,
    cases: &mut [Case],
) {
    let key = |c: &Case| {
        let d = &province.districts[c.district];
        (
            c.reported,
            d.communes[usize::from(c.child.commune)].code_num,
            c.child.serial,
        )
    };
    cases.sort_by_key(key);
    let push_datetime = |buf: &mut Vec<u8>, t: NaiveDateTime| {
        ctx.dates.push(buf, day_of(t.date()));
        buf.push(b' ');
        push_hhmm(buf, t.hour() * 60 + t.minute());
    };
    for (i, c) in cases.iter().enumerate() {
        let d = &province.districts[c.district];
        buf.extend_from_slice(b"VV-");
        push_u32(buf, year as u32, 4);
        buf.push(b'-');
        buf.extend_from_slice(province.code.as_bytes());
        buf.push(b'-');
        push_u32(buf, i as u32 + 1, 5);
        buf.push(b',');
        pool::push_child_id(buf, d, &c.child);
        buf.push(b',');
        names::push_name(buf, &c.child.name);
        buf.push(b',');
        buf.extend_from_slice(d.communes[usize::from(c.child.commune)].code.as_bytes());
        buf.push(b',');
        buf.extend_from_slice(if c.abuse { ABUSE } else { INJURY }.as_bytes());
        buf.push(b',');
        buf.extend_from_slice(c.subtype.as_bytes());
        buf.push(b',');
        ctx.dates.push(buf, day_of(c.occurred));
        buf.push(b',');
        push_datetime(buf, c.reported);
        buf.push(b',');
        if let Some(t) = c.intervened {
            push_datetime(buf, t);
        }
        buf.push(b',');
        if let Some(p) = c.plan {
            ctx.dates.push(buf, day_of(p));
        }
        buf.push(b',');
        if !c.abuse {
            buf.extend_from_slice(if c.died { "Tử vong" } else { "Bị thương" }.as_bytes());
        }
        buf.push(b',');
        buf.extend_from_slice(pool::sex_label(c.child.female).as_bytes());
        buf.push(b',');
        ctx.dates.push(buf, c.child.birth);
        buf.push(b'\n');
    }
}

//! The registry children of one district over the twelve month ends of 2021: a stock in
//! January, exits (ageing out at 16, circumstances ending) and newcomers topping each month
//! up to its target. What varies by month — support, the last update — is a hash of (seed,
//! child, month) rather than a draw, so a month's file is the same whichever months are
//! written and whichever thread writes it.

use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::layout::GROUPS;
use super::super::people::years_before;
use super::super::registry::{AT_RISK_FORMS, FORMS_BY_GROUP, GROUP_PROFILE};
use super::geography::{District, Region};
use super::names::{self, draw, Name, Names};
use super::rows::{self, day_of, push_field, push_u32, Dates, Day};

pub(super) const MONTHS: usize = 12;
/// `Child::group` of a child who is only at risk.
pub(super) const AT_RISK: u8 = 14;
/// Monthly chance that a child leaves the registry for another reason than age.
const EXIT_SPECIAL: f64 = 0.004;
const EXIT_AT_RISK: f64 = 0.008;
/// Chance that a special-circumstance child is not yet supported in the month it is found.
const NEW_UNSUPPORTED: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Child {
    pub name: Name,
    pub serial: u32,
    /// Index into the district's communes.
    pub commune: u16,
    pub birth: Day,
    /// Update date when entered (later updates are hashed per month).
    pub first_update: Day,
    /// Month index of the first snapshot the child is in, and of the first it is not in.
    pub enter: u8,
    pub leave: u8,
    /// Index into `GROUPS`, or `AT_RISK`.
    pub group: u8,
    /// Support forms, a bit per candidate of the group.
    pub forms: u8,
    pub ethnicity: u8,
    pub female: bool,
    pub at_risk_supported: bool,
}

impl Child {
    pub fn present(&self, m: usize) -> bool {
        usize::from(self.enter) <= m && m < usize::from(self.leave)
    }

    pub fn special(&self) -> bool {
        self.group != AT_RISK
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Tables shared by every province, built once.
pub(super) struct Context {
    pub seed: u64,
    pub dates: Dates,
    pub names: Names,
    /// Day of each month end of 2021, and of 30 June 2020 (the oldest update of the stock).
    pub month_end: [Day; MONTHS],
    stock_updates_from: Day,
    /// 31 December 2020, the baseline snapshot.
    baseline_end: Day,
    /// `years_before(month_end[m], a)` for a = 0..=16.
    years_before: [[Day; 17]; MONTHS],
    /// First month index at which a child born on a day is 16, `MONTHS` if never in 2021.
    aged_out: Vec<u8>,
    groups: Vec<f64>,
    /// Support forms text per group (`AT_RISK` last) and bit set.
    forms: Vec<[String; 16]>,
}

impl Context {
    pub fn new(seed: u64) -> Context {
        let month_end_date = |m: usize| {
            let (y, mo) = if m == 11 {
                (2022, 1)
            } else {
                (2021, m as u32 + 2)
            };
            NaiveDate::from_ymd_opt(y, mo, 1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(NaiveDate::MIN)
        };
        let ends: Vec<NaiveDate> = (0..MONTHS).map(month_end_date).collect();
        let month_end: [Day; MONTHS] = std::array::from_fn(|m| day_of(ends[m]));
        let years_before: [[Day; 17]; MONTHS] = std::array::from_fn(|m| {
            std::array::from_fn(|a| day_of(years_before(ends[m], a as u32)))
        });
        let aged_out = (0..6940u32)
            .map(|day| {
                let birth = rows::date_of(day as Day);
                let sixteen = birth
                    .with_year(birth.year() + 16)
                    .or_else(|| NaiveDate::from_ymd_opt(birth.year() + 16, 3, 1))
                    .unwrap_or(NaiveDate::MAX);
                ends.iter().position(|e| *e >= sixteen).unwrap_or(MONTHS) as u8
            })
            .collect();
        let mut total = 0.0;
        let groups = GROUP_PROFILE
            .iter()
            .map(|g| {
                total += g.0;
                total
            })
            .collect();
        let forms = FORMS_BY_GROUP
            .iter()
            .chain(std::iter::once(&AT_RISK_FORMS))
            .map(|candidates| {
                std::array::from_fn(|mask| {
                    let chosen: Vec<&str> = candidates
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, f)| *f)
                        .collect();
                    rows::quoted_if_needed(&chosen.join(";"))
                })
            })
            .collect();
        Context {
            seed,
            dates: Dates::new(),
            names: Names::new(),
            month_end,
            baseline_end: day_of(NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or(NaiveDate::MIN)),
            stock_updates_from: day_of(
                NaiveDate::from_ymd_opt(2020, 7, 1).unwrap_or(NaiveDate::MIN),
            ),
            years_before,
            aged_out,
            groups,
            forms,
        }
    }

    fn hash(&self, d: &District, c: &Child, tag: u64) -> u64 {
        let key =
            (u64::from(d.communes[usize::from(c.commune)].code_num) << 32) | u64::from(c.serial);
        mix(mix(self.seed ^ mix(key)) ^ tag)
    }

    pub fn aged_out(&self, birth: Day) -> u8 {
        self.aged_out.get(usize::from(birth)).copied().unwrap_or(0)
    }

    /// Supported at month `m` (special-circumstance children; at-risk children keep theirs).
    pub fn supported(&self, d: &District, c: &Child, m: usize) -> bool {
        if !c.special() {
            return c.at_risk_supported;
        }
        if unit(self.hash(d, c, 1)) < 1.0 - d.support_rate(m) {
            return false;
        }
        !(m == usize::from(c.enter) && m > 0 && unit(self.hash(d, c, 2)) < NEW_UNSUPPORTED)
    }

    /// 31 December before the first month end: the baseline snapshot's date.
    pub fn baseline_end(&self) -> Day {
        self.baseline_end
    }

    /// Whether `c` is in the baseline snapshot: in the stock of the first month end and
    /// born by the baseline's date (a child in that stock was under 16 a month earlier too).
    pub fn at_baseline(&self, c: &Child) -> bool {
        c.enter == 0 && c.birth <= self.baseline_end()
    }

    /// Supported in the baseline snapshot: the district's rate a month before January
    /// ([`District::support_rate_before`]), drawn from a hash of its own so the months of
    /// the reporting year stay as they were.
    pub fn supported_at_baseline(&self, d: &District, c: &Child) -> bool {
        if !c.special() {
            return c.at_risk_supported;
        }
        unit(self.hash(d, c, 3)) >= 1.0 - d.support_rate_before()
    }

    /// `Ngày cập nhật` in the baseline snapshot: the entry update when it came by then,
    /// else a day in the half year before (the entry update's distance from 1 July 2020,
    /// halved), never before the birth.
    pub fn updated_at_baseline(&self, c: &Child) -> Day {
        if c.first_update <= self.baseline_end() {
            return c.first_update;
        }
        let from = self.stock_updates_from;
        (from + (c.first_update - from) / 2).max(c.birth)
    }

    /// `Ngày cập nhật` at month `m`: the last month since entering with an update (a
    /// quarter of months have one), else the entry update.
    pub fn updated(&self, d: &District, c: &Child, m: usize) -> Day {
        for k in (usize::from(c.enter) + 1..=m).rev() {
            let h = self.hash(d, c, 16 + k as u64);
            if h & 3 == 0 {
                let len = u64::from(self.month_end[k] - self.month_end[k - 1]);
                let day = self.month_end[k - 1] + 1 + ((h >> 32) % len) as Day;
                return day.max(c.birth);
            }
        }
        c.first_update
    }

    /// A birth day making the child aged `lo` (and 30 days) to `hi` (exclusive) at month `m`.
    pub fn birth(&self, rng: &mut ChaCha8Rng, m: usize, lo: u32, hi: u32) -> Day {
        let latest = self.years_before[m][lo as usize].min(self.month_end[m].saturating_sub(30));
        let earliest = self.years_before[m][hi.min(16) as usize] + 1;
        earliest + rng.gen_range(0..latest.saturating_sub(earliest).max(1))
    }

    /// A group (or `AT_RISK`), and the forms of support the child gets when supported.
    pub fn draw_group(&self, rng: &mut ChaCha8Rng, special: bool) -> u8 {
        if special {
            draw(rng, &self.groups) as u8
        } else {
            AT_RISK
        }
    }

    pub fn draw_forms(&self, rng: &mut ChaCha8Rng, group: u8) -> u8 {
        let n = FORMS_BY_GROUP
            .get(usize::from(group))
            .map_or(AT_RISK_FORMS.len(), |f| f.len());
        let k = rng.gen_range(1..=n.min(3));
        let mut idx = [0u8, 1, 2, 3];
        let (chosen, _) = idx[..n].partial_shuffle(rng, k);
        chosen.iter().fold(0u8, |mask, &i| mask | (1 << i))
    }
}

/// The children of one district: those of the registry and, apart, those only in the cases.
pub(super) struct DistrictPool {
    pub children: Vec<Child>,
    pub others: Vec<Child>,
    next_serial: Vec<u32>,
}

impl DistrictPool {
    pub fn new(rng: &mut ChaCha8Rng, d: &District) -> DistrictPool {
        DistrictPool {
            children: Vec::new(),
            others: Vec::new(),
            next_serial: d.communes.iter().map(|_| rng.gen_range(1..120)).collect(),
        }
    }

    /// A new child of a commune drawn by weight, born on `birth`, with no registry months.
    pub fn person(
        &mut self,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        d: &District,
        region: Region,
        female: bool,
        birth: Day,
    ) -> Child {
        let commune = draw(rng, &d.commune_cdf);
        let serial = self.next_serial[commune];
        self.next_serial[commune] += if rng.gen_bool(0.08) {
            rng.gen_range(2..6)
        } else {
            1
        };
        let ethnicity = ctx.names.ethnicity(rng, region);
        Child {
            name: ctx.names.name(rng, ethnicity, female),
            serial,
            commune: commune as u16,
            birth,
            first_update: birth,
            enter: MONTHS as u8,
            leave: MONTHS as u8,
            group: AT_RISK,
            forms: 0,
            ethnicity,
            female,
            at_risk_supported: false,
        }
    }

    /// Adds `c` to the registry from month `enter` on, as a child of `group`; false when
    /// the child is 16 by then.
    pub fn enrol(
        &mut self,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        mut c: Child,
        enter: usize,
        group: u8,
    ) -> bool {
        let aged_out = ctx.aged_out(c.birth);
        if usize::from(aged_out) <= enter {
            return false;
        }
        c.enter = enter as u8;
        c.leave = aged_out;
        c.group = group;
        c.forms = ctx.draw_forms(rng, group);
        c.first_update = update_in(ctx, rng, enter, c.birth);
        self.children.push(c);
        true
    }

    /// Fills the registry month by month up to `targets[special][m]` children, then sorts
    /// it by commune and serial, the order of the export.
    pub fn fill(
        &mut self,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        d: &District,
        region: Region,
        targets: &[[usize; MONTHS]; 2],
    ) {
        if d.communes.is_empty() {
            self.children.clear();
            return;
        }
        let mut leaving = [[0usize; MONTHS + 1]; 2];
        let mut entering = [[0usize; MONTHS]; 2];
        for c in &self.children {
            let k = usize::from(c.special());
            leaving[k][usize::from(c.leave)] += 1;
            entering[k][usize::from(c.enter)] += 1;
        }
        let mut present = [0usize; 2];
        for m in 0..MONTHS {
            for special in [true, false] {
                let k = usize::from(special);
                present[k] = present[k] + entering[k][m] - leaving[k][m];
                for _ in present[k]..targets[k][m] {
                    let c = self.newcomer(ctx, rng, d, region, special, m);
                    leaving[k][usize::from(c.leave)] += 1;
                    present[k] += 1;
                    self.children.push(c);
                }
            }
        }
        self.children
            .sort_unstable_by_key(|c| (c.commune, c.serial));
    }

    fn newcomer(
        &mut self,
        ctx: &Context,
        rng: &mut ChaCha8Rng,
        d: &District,
        region: Region,
        special: bool,
        m: usize,
    ) -> Child {
        let group = ctx.draw_group(rng, special);
        let (female_share, lo, hi) = match GROUP_PROFILE.get(usize::from(group)) {
            Some(&(_, lo, hi)) => {
                let female = match group {
                    10 => 0.88, // l sexually abused
                    11 => 0.75, // m trafficked
                    5 | 6 => 0.15,
                    _ => 0.47,
                };
                (female, lo, hi)
            }
            None => (0.49, 0, 16),
        };
        let female = rng.gen_bool(female_share);
        let birth = ctx.birth(rng, m, lo, hi);
        let mut c = self.person(ctx, rng, d, region, female, birth);
        let exit = if special { EXIT_SPECIAL } else { EXIT_AT_RISK };
        let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
        let stay = (u.ln() / (1.0 - exit).ln()).floor();
        let left = (m as f64 + 1.0 + stay).min(MONTHS as f64) as u8;
        c.enter = m as u8;
        c.leave = left.min(ctx.aged_out(birth)).max(m as u8 + 1);
        c.group = group;
        c.forms = ctx.draw_forms(rng, group);
        c.at_risk_supported = !special && rng.gen_bool(0.35);
        c.first_update = update_in(ctx, rng, m, birth);
        c
    }
}

/// An update date when a child enters at month `m`: any time in the half year before the
/// first snapshot for the stock, else since the previous month end.
fn update_in(ctx: &Context, rng: &mut ChaCha8Rng, m: usize, birth: Day) -> Day {
    let from = if m == 0 {
        ctx.stock_updates_from
    } else {
        ctx.month_end[m - 1] + 1
    };
    let from = from.max(birth);
    let to = ctx.month_end[m].max(from);
    rng.gen_range(from..=to)
}

pub(super) const REGISTRY_HEADER: &str = "Mã trẻ em,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Mã xã,Xã,Huyện,Nhóm hoàn cảnh đặc biệt,Có nguy cơ,Đã được trợ giúp,Hình thức trợ giúp,Ngày cập nhật\n";

/// `TE-<commune code>-<serial>`.
pub(super) fn push_child_id(buf: &mut Vec<u8>, d: &District, c: &Child) {
    buf.extend_from_slice(b"TE-");
    buf.extend_from_slice(d.communes[usize::from(c.commune)].code.as_bytes());
    buf.push(b'-');
    push_u32(buf, c.serial, 6);
}

pub(super) fn sex_label(female: bool) -> &'static str {
    if female {
        "Nữ"
    } else {
        "Nam"
    }
}

/// Appends the registry row of `c` at month `m`; returns whether it is supported.
pub(super) fn push_registry_row(
    buf: &mut Vec<u8>,
    ctx: &Context,
    d: &District,
    c: &Child,
    m: usize,
) -> bool {
    let supported = ctx.supported(d, c, m);
    push_row(buf, ctx, d, c, supported, ctx.updated(d, c, m));
    supported
}

/// Appends the registry row of `c` in the baseline snapshot (31 December of the year
/// before, [`Context::baseline_end`]); returns whether it is supported.
pub(super) fn push_baseline_row(buf: &mut Vec<u8>, ctx: &Context, d: &District, c: &Child) -> bool {
    let supported = ctx.supported_at_baseline(d, c);
    push_row(buf, ctx, d, c, supported, ctx.updated_at_baseline(c));
    supported
}

/// Appends a registry row of `c`, supported or not, last updated on `updated`.
fn push_row(
    buf: &mut Vec<u8>,
    ctx: &Context,
    d: &District,
    c: &Child,
    supported: bool,
    updated: Day,
) {
    let commune = &d.communes[usize::from(c.commune)];
    push_child_id(buf, d, c);
    buf.push(b',');
    names::push_name(buf, &c.name);
    buf.push(b',');
    ctx.dates.push(buf, c.birth);
    buf.push(b',');
    buf.extend_from_slice(sex_label(c.female).as_bytes());
    buf.push(b',');
    push_field(buf, names::ethnicity_name(c.ethnicity));
    buf.push(b',');
    buf.extend_from_slice(commune.code.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(commune.csv_full_name.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(d.csv_full_name.as_bytes());
    buf.push(b',');
    if let Some((letter, _)) = GROUPS.get(usize::from(c.group)) {
        buf.extend_from_slice(letter.as_bytes());
    }
    buf.extend_from_slice(if c.special() { ",Không," } else { ",Có," }.as_bytes());
    buf.extend_from_slice(if supported { "Có," } else { "Không," }.as_bytes());
    if supported {
        let forms = &ctx.forms[usize::from(c.group.min(AT_RISK))][usize::from(c.forms & 15)];
        buf.extend_from_slice(forms.as_bytes());
    }
    buf.push(b',');
    ctx.dates.push(buf, updated);
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::super::geography::Commune;
    use super::*;

    fn district() -> District {
        District {
            code: "633".to_string(),
            code_num: 633,
            csv_full_name: "Huyện Chư Sê".to_string(),
            communes: vec![Commune {
                code: "24007".to_string(),
                code_num: 24007,
                csv_full_name: "Thị trấn Chư Sê".to_string(),
            }],
            commune_cdf: vec![1.0],
            children: [30_000, 30_500],
            special_weight: 1.0,
            support_base: 1.0,
            support_gain: 0.0,
        }
    }

    fn child(group: u8) -> Child {
        let birth = day_of(NaiveDate::from_ymd_opt(2012, 3, 9).expect("date"));
        Child {
            name: ["Siu", "", "H'Ly"],
            serial: 42,
            commune: 0,
            birth,
            first_update: day_of(NaiveDate::from_ymd_opt(2020, 11, 2).expect("date")),
            enter: 0,
            leave: MONTHS as u8,
            group,
            forms: 0b101,
            ethnicity: 9,
            female: true,
            at_risk_supported: false,
        }
    }

    fn row(ctx: &Context, c: &Child, m: usize) -> String {
        let mut buf = Vec::new();
        push_registry_row(&mut buf, ctx, &district(), c, m);
        String::from_utf8(buf).expect("utf-8")
    }

    #[test]
    fn a_registry_row_has_the_thirteen_columns_of_the_header() {
        // A support rate of 100 % and no update hashed for January: the row is fixed.
        let ctx = Context::new(7);
        let text = row(&ctx, &child(3), 0);
        assert_eq!(
            text,
            "TE-24007-000042,Siu H'Ly,09/03/2012,Nữ,Jrai,24007,Thị trấn Chư Sê,Huyện Chư Sê,d,Không,Có,Trợ cấp xã hội;Phục hồi chức năng,02/11/2020\n"
        );
        assert_eq!(text.split(',').count(), REGISTRY_HEADER.split(',').count());
        let at_risk = row(&ctx, &child(AT_RISK), 0);
        assert!(
            at_risk.starts_with("TE-24007-000042,Siu H'Ly,09/03/2012,Nữ,Jrai,24007,Thị trấn Chư Sê,Huyện Chư Sê,,Có,Không,,"),
            "{at_risk}"
        );
    }

    #[test]
    fn updates_never_go_back_in_time() {
        let ctx = Context::new(11);
        let d = district();
        let c = child(0);
        let mut last = c.first_update;
        for m in 0..MONTHS {
            let u = ctx.updated(&d, &c, m);
            assert!(u >= last && u <= ctx.month_end[m], "month {m}");
            last = u;
        }
    }
}

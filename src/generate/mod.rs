//! Deterministic synthetic sample data (`treem generate`): the reference lists, the child
//! registry snapshots, the case files, the district report workbooks and the fund ledger of
//! a province, written the messy way real exports arrive, with a few deliberately bad rows
//! whose place is reported in the summary.
//!
//! One `ChaCha8Rng` seeded from the options drives the registry and the cases; the district
//! reports and the fund ledger each have their own stream (the seed plus a constant), so
//! they could be added without changing a byte of the older files. Nothing iterates a hash
//! map, so the same seed gives byte-identical files. The planted facts (support rates,
//! distinct injured and abused children, …) are counted from the clean rows only: every
//! planted fault is an extra row chosen so that the facts hold whether ingestion rejects it
//! or not.

mod cases;
pub mod district_reports;
mod fund;
mod layout;
pub mod national;
mod people;
mod reference;
pub mod reform;
mod registry;
mod writers;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use district_reports::{
    DistrictReportValues, LegacyWorkbook, ReportAnomaly, ReportAnomalyKind, ReportPeriodFacts,
    ReportSubmission,
};
pub use fund::{FundYearFacts, CORRECTION_NOTE};

/// Added to the seed for the district reports' random stream.
const REPORTS_STREAM: u64 = 0x4249_4555; // "BIEU"
/// Added to the seed for the fund ledger's random stream.
const FUND_STREAM: u64 = 0x0051_5559; // "QUY"

/// Which country or province the synthetic data imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Gia Lai province (code 64): 17 districts, 220 communes, snapshots 2020–2021.
    GiaLai,
    /// The new Gia Lai (52) across the 2025 reform: 2024 under the old units (64 and 52,
    /// districts), 2026 under the new communes (`reform.rs`).
    GiaLai2026,
    /// The whole country (63 provinces, 705 districts, 10,599 communes): monthly snapshots
    /// of 2021, one clean CSV per province (`national::generate_national` for the options).
    National,
}

impl std::str::FromStr for Profile {
    type Err = GenerateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "gia-lai" | "gialai" => Ok(Profile::GiaLai),
            "gia-lai-2026" => Ok(Profile::GiaLai2026),
            "national" | "vn" => Ok(Profile::National),
            _ => Err(GenerateError::UnknownProfile(s.to_string())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub profile: Profile,
    pub seed: u64,
    /// Folder the sample is written into (created if missing; files are overwritten).
    pub out: PathBuf,
}

/// What was written and the facts planted in it. Paths are relative to `GenerateOptions::out`.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSummary {
    /// Every file written, with its number of data rows (header excluded).
    pub files: Vec<(PathBuf, usize)>,
    /// At-risk children are sampled 1 in this many; special-circumstance children are complete.
    pub at_risk_sample_ratio: usize,
    /// One entry per registry snapshot, oldest first.
    pub snapshots: Vec<SnapshotFacts>,
    /// One entry per case year, oldest first.
    pub case_years: Vec<CaseYearFacts>,
    /// Every deliberately bad row.
    pub faults: Vec<PlantedFault>,
    /// District reports, one entry per period: 2020, 2021S1, 2021.
    pub reports: Vec<ReportPeriodFacts>,
    /// The deliberate oddities of the district workbooks.
    pub report_anomalies: Vec<ReportAnomaly>,
    /// The workbook typed with a TCVN3 font, with what it says.
    pub tcvn3_workbook: Option<LegacyWorkbook>,
    /// The fund ledger, one entry per year, oldest first.
    pub fund: Vec<FundYearFacts>,
}

impl GenerateSummary {
    /// The files written, with no planted facts (profiles that keep theirs as constants).
    pub fn files_only(files: Vec<(PathBuf, usize)>) -> Self {
        GenerateSummary {
            files,
            at_risk_sample_ratio: 1,
            snapshots: Vec::new(),
            case_years: Vec::new(),
            faults: Vec::new(),
            reports: Vec::new(),
            report_anomalies: Vec::new(),
            tcvn3_workbook: None,
            fund: Vec::new(),
        }
    }
}

/// Registry facts of one snapshot, counted over the clean rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotFacts {
    pub date: NaiveDate,
    pub special_children: usize,
    pub special_supported: usize,
    /// Rows of at-risk children (not in special circumstances) in the sample.
    pub at_risk_rows: usize,
    pub districts: Vec<DistrictSupport>,
}

impl SnapshotFacts {
    /// Supported ÷ all children in special circumstances (province, from the rows).
    pub fn special_support_rate(&self) -> f64 {
        ratio(self.special_supported, self.special_children)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictSupport {
    pub district_code: u32,
    pub special_children: usize,
    pub special_supported: usize,
    pub at_risk_rows: usize,
}

impl DistrictSupport {
    /// A district with no child counted yet.
    pub fn new(district_code: u32) -> Self {
        DistrictSupport {
            district_code,
            special_children: 0,
            special_supported: 0,
            at_risk_rows: 0,
        }
    }

    /// Counts one registry row: a special-circumstance child (supported or not), or one
    /// at risk.
    pub fn count(&mut self, special: bool, supported: bool) {
        if special {
            self.special_children += 1;
            self.special_supported += usize::from(supported);
        } else {
            self.at_risk_rows += 1;
        }
    }

    pub fn special_support_rate(&self) -> f64 {
        ratio(self.special_supported, self.special_children)
    }
}

/// Case facts of one year (by `Ngày xảy ra`), counted over the clean rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseYearFacts {
    pub year: i32,
    pub injury_cases: usize,
    pub injured_children: usize,
    pub injury_deaths: usize,
    pub drowned_children: usize,
    pub traffic_injured_children: usize,
    pub abuse_cases: usize,
    pub abused_children: usize,
    /// Abused children with at least one case that has an intervention time.
    pub abused_children_intervened: usize,
    /// Abuse cases by delay from reception to intervention.
    pub intervention_delays: InterventionDelays,
    /// Abuse cases whose plan was approved within 5 working days of reception (weekends and
    /// the public holidays listed in the sample README not counted).
    pub plans_within_5_working_days: usize,
    /// Abuse cases with an intervention whose plan came later than that.
    pub plans_late: usize,
    /// Distinct abused children per district code.
    pub abused_children_by_district: Vec<(u32, usize)>,
    /// Distinct injured children per district code.
    pub injured_children_by_district: Vec<(u32, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterventionDelays {
    pub within_12h: usize,
    pub from_12h_to_24h: usize,
    pub from_1_to_5_days: usize,
    pub over_5_days: usize,
    pub none_yet: usize,
}

/// A deliberately bad row. `row` counts the header as row 1 (a spreadsheet's row number).
#[derive(Debug, Clone, PartialEq)]
pub struct PlantedFault {
    pub file: PathBuf,
    pub row: usize,
    pub kind: FaultKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    UnknownCommune,
    ImpossibleDate,
    DuplicateChildId,
    AgedOut,
    MissingChildId,
    DuplicateCaseId,
    OccurredAfterReported,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("Unknown profile \"{0}\"; the known profiles are \"gia-lai\", \"gia-lai-2026\" and \"national\"")]
    UnknownProfile(String),
    #[error("{0}")]
    InvalidOption(String),
    #[error("Cannot write \"{path}\": {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("Cannot write the CSV \"{path}\": {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("Cannot write the workbook \"{path}\": {source}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("Character \"{ch}\" cannot be written in Windows-1258 (in \"{path}\")")]
    Unencodable { path: PathBuf, ch: char },
    #[error("Text \"{text}\" cannot be written in TCVN3 (in \"{path}\")")]
    NotTcvn3 { path: PathBuf, text: String },
    #[error("The embedded reference list is invalid: {0}")]
    Reference(String),
    #[error("Generated an invalid date: {0}")]
    Date(String),
}

/// Writes the synthetic sample of `opts.profile` into `opts.out`.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary, GenerateError> {
    match opts.profile {
        Profile::GiaLai => generate_gia_lai(opts.seed, &opts.out),
        Profile::GiaLai2026 => reform::generate(opts.seed, &opts.out),
        Profile::National => {
            let national = national::NationalOptions::new(opts.seed, opts.out.clone());
            let summary = national::generate_national(&national)?;
            Ok(GenerateSummary {
                snapshots: summary.snapshots,
                ..GenerateSummary::files_only(
                    summary
                        .files
                        .into_iter()
                        .map(|f| (f.path, f.rows))
                        .collect(),
                )
            })
        }
    }
}

fn generate_gia_lai(seed: u64, out: &Path) -> Result<GenerateSummary, GenerateError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let geo = reference::Geography::gia_lai(&mut rng)?;
    let mut ids = people::IdAllocator::new(&mut rng, &geo);

    let abuse = cases::plan_abuse(&mut rng, &geo, &mut ids)?;
    let reg = registry::build(&mut rng, &geo, &mut ids, &abuse.registry_seeds)?;
    let injuries = cases::plan_injuries(&mut rng, &geo, &mut ids, &reg)?;

    let mut files = reference::write(&geo, out)?;
    let mut faults = Vec::new();
    let (reg_files, mut reg_faults) = registry::write(&mut rng, &geo, &mut ids, &reg, out)?;
    files.extend(reg_files);
    faults.append(&mut reg_faults);
    let all_cases: Vec<cases::Case> = abuse.cases.iter().chain(&injuries).cloned().collect();
    let (case_files, mut case_faults, case_years) =
        cases::write(&mut rng, &geo, abuse.cases, injuries, out)?;
    files.extend(case_files);
    faults.append(&mut case_faults);

    let snapshots = reg.facts(&geo);
    let mut report_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(REPORTS_STREAM));
    let reports = district_reports::write(
        &mut report_rng,
        &geo,
        &snapshots,
        &all_cases,
        registry::AT_RISK_SAMPLE_RATIO,
        out,
    )?;
    files.extend(reports.files);
    let mut fund_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(FUND_STREAM));
    let (fund_files, fund) = fund::write(&mut fund_rng, out)?;
    files.extend(fund_files);

    Ok(GenerateSummary {
        files,
        at_risk_sample_ratio: registry::AT_RISK_SAMPLE_RATIO,
        snapshots,
        case_years,
        faults,
        reports: reports.periods,
        report_anomalies: reports.anomalies,
        tcvn3_workbook: reports.legacy,
        fund,
    })
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Index drawn with probability proportional to `weights` (all zero: the first).
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    use rand::Rng;
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut r = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len().saturating_sub(1)
}

/// `k` distinct indices drawn without replacement, each with probability proportional to
/// its weight (Efraimidis–Spirakis keys), returned in increasing order.
fn sample_weighted(rng: &mut ChaCha8Rng, weights: &[f64], k: usize) -> Vec<usize> {
    use rand::Rng;
    let mut keyed: Vec<(f64, usize)> = weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0.0)
        .map(|(i, w)| {
            let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
            (-u.ln() / w, i)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = keyed.into_iter().take(k).map(|(_, i)| i).collect();
    chosen.sort_unstable();
    chosen
}

/// Splits `total` into parts proportional to `weights`, each at most `caps[i]` when caps are
/// given (largest remainder; the parts always add up to `total` when the caps allow it).
fn apportion(total: usize, weights: &[f64], caps: Option<&[usize]>) -> Vec<usize> {
    let cap = |i: usize| caps.map_or(usize::MAX, |c| c[i]);
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let raw: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<usize> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| (r.floor() as usize).min(cap(i)))
        .collect();
    let mut given: usize = parts.iter().sum();
    while given < total {
        let best = (0..parts.len())
            .filter(|&i| parts[i] < cap(i))
            .max_by(|&a, &b| {
                (raw[a] - parts[a] as f64)
                    .total_cmp(&(raw[b] - parts[b] as f64))
                    .then(b.cmp(&a))
            });
        match best {
            Some(i) => {
                parts[i] += 1;
                given += 1;
            }
            None => break,
        }
    }
    parts
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, GenerateError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| GenerateError::Date(format!("{y}-{m}-{d}")))
}

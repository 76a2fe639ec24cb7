//! The national profile (`treem generate --profile national`): the whole country from the
//! GSO list of 2021 (63 provinces, 705 districts, 10,599 communes), about 4 million registry
//! rows per monthly snapshot, dumped the way a national system does it — one clean UTF-8
//! CSV per province per snapshot, and one per province per case year.
//!
//! Speed shapes it: provinces are generated in parallel, each from its own ChaCha8 stream
//! (seed, province), and what changes from month to month is hashed from (seed, child,
//! month); so the files are byte-identical for a seed whatever the thread scheduling and
//! whichever months are written. Rows are formatted by hand into large buffers.

mod cases;
mod geography;
mod names;
mod pool;
mod rows;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{apportion, DistrictSupport, GenerateError, SnapshotFacts};
use geography::{Nation, Province};
use pool::{Context, DistrictPool, MONTHS};

/// Added to the seed for the stream of the geography (populations, weights, support rates).
const GEOGRAPHY_STREAM: u64 = 0x0051_554F_4347; // "QUOCG"
/// Registry children at 31 December 2021, at scale 1.
const SPECIAL_CHILDREN: f64 = 1_500_000.0;
const AT_RISK_CHILDREN: f64 = 2_500_000.0;
/// Growth of the registry over 2021 (January has this much fewer children than December).
const YEAR_GROWTH: f64 = 0.013;
/// Distinct abused and injured children per case year, at scale 1 (about 40 Gia Lais).
const ABUSED_CHILDREN: [(i32, f64); 2] = [(2020, 2_200.0), (2021, 1_920.0)];
const INJURED_CHILDREN: [(i32, f64); 2] = [(2020, 18_000.0), (2021, 15_900.0)];
/// Flush a file's buffer past this many bytes.
const BUFFER_BYTES: usize = 4 << 20;

#[derive(Debug, Clone)]
pub struct NationalOptions {
    pub seed: u64,
    pub out: PathBuf,
    /// Month ends written, the last ones of 2021: 1 = 31 December only, 12 = every month.
    pub snapshots: usize,
    /// Fraction of the national numbers of children and cases (1.0 = about 4 million rows
    /// per snapshot); small values make test-sized samples of the same shape.
    pub scale: f64,
}

impl NationalOptions {
    pub fn new(seed: u64, out: PathBuf) -> NationalOptions {
        NationalOptions {
            seed,
            out,
            snapshots: MONTHS,
            scale: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WrittenFile {
    /// Relative to `NationalOptions::out`.
    pub path: PathBuf,
    /// Data rows (header excluded).
    pub rows: usize,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NationalSummary {
    pub files: Vec<WrittenFile>,
    /// One entry per snapshot written, oldest first — the baseline year's 31 December, then
    /// the month ends of the reporting year; districts in the order of the list.
    pub snapshots: Vec<SnapshotFacts>,
    /// Case rows per year.
    pub case_rows: Vec<(i32, usize)>,
    pub seconds: f64,
}

impl NationalSummary {
    pub fn rows(&self) -> usize {
        self.files.iter().map(|f| f.rows).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// Registry targets per district (special, at risk) and case children per province.
struct Plan {
    targets: Vec<Vec<[[usize; MONTHS]; 2]>>,
    abused: Vec<[usize; 2]>,
    injured: Vec<[usize; 2]>,
}

fn plan(nation: &Nation, scale: f64) -> Plan {
    let districts: Vec<_> = nation.districts().collect();
    let at_risk_w: Vec<f64> = districts
        .iter()
        .map(|d| d.registry_weight() * d.special_weight.sqrt())
        .collect();
    let special_w: Vec<f64> = districts.iter().map(|d| d.registry_weight()).collect();
    let mut flat = vec![[[0usize; MONTHS]; 2]; districts.len()];
    for m in 0..MONTHS {
        let growth = 1.0 - YEAR_GROWTH * (MONTHS - 1 - m) as f64 / (MONTHS - 1) as f64;
        let at_risk = apportion(
            (AT_RISK_CHILDREN * scale * growth).round() as usize,
            &at_risk_w,
            None,
        );
        let special = apportion(
            (SPECIAL_CHILDREN * scale * growth).round() as usize,
            &special_w,
            None,
        );
        for (i, t) in flat.iter_mut().enumerate() {
            t[0][m] = at_risk[i];
            t[1][m] = special[i];
        }
    }
    let mut targets = Vec::new();
    let mut it = flat.into_iter();
    for p in &nation.provinces {
        targets.push(it.by_ref().take(p.districts.len()).collect());
    }
    let per_province = |national: [(i32, f64); 2], weight: &dyn Fn(&Province) -> f64| {
        let w: Vec<f64> = nation.provinces.iter().map(weight).collect();
        let years: Vec<Vec<usize>> = national
            .iter()
            .map(|&(_, n)| apportion((n * scale).round() as usize, &w, None))
            .collect();
        (0..w.len())
            .map(|i| [years[0][i], years[1][i]])
            .collect::<Vec<_>>()
    };
    Plan {
        targets,
        abused: per_province(ABUSED_CHILDREN, &|p: &Province| -> f64 {
            abuse_weights(p).iter().sum()
        }),
        injured: per_province(INJURED_CHILDREN, &|p: &Province| -> f64 {
            injury_weights(p).iter().sum()
        }),
    }
}

fn abuse_weights(p: &Province) -> Vec<f64> {
    p.districts.iter().map(|d| d.registry_weight()).collect()
}

fn injury_weights(p: &Province) -> Vec<f64> {
    p.districts
        .iter()
        .map(|d| d.registry_weight() / d.special_weight.sqrt())
        .collect()
}

fn cumulative(w: &[f64]) -> Vec<f64> {
    w.iter()
        .scan(0.0, |t, x| {
            *t += x;
            Some(*t)
        })
        .collect()
}

/// A CSV being written through a large buffer.
struct CsvOut {
    rel: PathBuf,
    path: PathBuf,
    file: std::fs::File,
    buf: Vec<u8>,
    rows: usize,
    bytes: u64,
}

impl CsvOut {
    fn create(out: &Path, rel: PathBuf, header: &str) -> Result<CsvOut, GenerateError> {
        let path = out.join(&rel);
        let file = std::fs::File::create(&path).map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        let mut buf = Vec::with_capacity(BUFFER_BYTES + (64 << 10));
        buf.extend_from_slice(header.as_bytes());
        Ok(CsvOut {
            rel,
            path,
            file,
            buf,
            rows: 0,
            bytes: 0,
        })
    }

    fn flush(&mut self) -> Result<(), GenerateError> {
        self.file
            .write_all(&self.buf)
            .map_err(|source| GenerateError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    fn row_done(&mut self) -> Result<(), GenerateError> {
        self.rows += 1;
        if self.buf.len() >= BUFFER_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<WrittenFile, GenerateError> {
        self.flush()?;
        Ok(WrittenFile {
            path: self.rel,
            rows: self.rows,
            bytes: self.bytes,
        })
    }
}

fn create_dir(path: &Path) -> Result<(), GenerateError> {
    std::fs::create_dir_all(path).map_err(|source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn write_text(
    out: &Path,
    rel: &str,
    text: &str,
    rows: usize,
) -> Result<WrittenFile, GenerateError> {
    let path = out.join(rel);
    std::fs::write(&path, text).map_err(|source| GenerateError::Io { path, source })?;
    Ok(WrittenFile {
        path: PathBuf::from(rel),
        rows,
        bytes: text.len() as u64,
    })
}

fn snapshot_dir(ctx: &Context, m: usize) -> String {
    rows::date_of(ctx.month_end[m])
        .format("%Y-%m-%d")
        .to_string()
}

struct ProvinceOutput {
    files: Vec<WrittenFile>,
    /// Per written snapshot, per district of the province.
    districts: Vec<Vec<DistrictSupport>>,
    case_rows: [usize; 2],
}

fn generate_province(
    ctx: &Context,
    opts: &NationalOptions,
    nation: &Nation,
    plan: &Plan,
    pi: usize,
) -> Result<ProvinceOutput, GenerateError> {
    let province = &nation.provinces[pi];
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    rng.set_stream(pi as u64 + 1);
    let mut pools: Vec<DistrictPool> = province
        .districts
        .iter()
        .map(|d| DistrictPool::new(&mut rng, d))
        .collect();
    let abuse_cdf = cumulative(&abuse_weights(province));
    let injury_cdf = cumulative(&injury_weights(province));
    let mut year_cases = Vec::new();
    for (y, year) in [2020, 2021].into_iter().enumerate() {
        let n = plan.abused[pi][y];
        year_cases.push(cases::plan_abuse(
            ctx, &mut rng, province, &mut pools, &abuse_cdf, year, n,
        )?);
    }
    for (di, d) in province.districts.iter().enumerate() {
        pools[di].fill(ctx, &mut rng, d, province.region, &plan.targets[pi][di]);
    }
    for (y, year) in [2020, 2021].into_iter().enumerate() {
        let n = plan.injured[pi][y];
        let injuries =
            cases::plan_injuries(ctx, &mut rng, province, &mut pools, &injury_cdf, year, n)?;
        year_cases[y].extend(injuries);
    }

    let mut files = Vec::new();
    let mut facts = Vec::new();
    let file_name = format!("{}.csv", province.code);
    // The baseline year's last snapshot first: what the stock of January was a month
    // earlier, so that the baseline and the change of the registry's indicators exist.
    {
        let rel = PathBuf::from("child_registry")
            .join(
                rows::date_of(ctx.baseline_end())
                    .format("%Y-%m-%d")
                    .to_string(),
            )
            .join(&file_name);
        let mut csv = CsvOut::create(&opts.out, rel, pool::REGISTRY_HEADER)?;
        let mut districts = Vec::new();
        for (d, p) in province.districts.iter().zip(&pools) {
            let mut support = DistrictSupport::new(d.code_num);
            for c in p.children.iter().filter(|c| ctx.at_baseline(c)) {
                let supported = pool::push_baseline_row(&mut csv.buf, ctx, d, c);
                support.count(c.special(), supported);
                csv.row_done()?;
            }
            districts.push(support);
        }
        files.push(csv.finish()?);
        facts.push(districts);
    }
    for m in MONTHS - opts.snapshots..MONTHS {
        let rel = PathBuf::from("child_registry")
            .join(snapshot_dir(ctx, m))
            .join(&file_name);
        let mut csv = CsvOut::create(&opts.out, rel, pool::REGISTRY_HEADER)?;
        let mut districts = Vec::new();
        for (d, p) in province.districts.iter().zip(&pools) {
            let mut support = DistrictSupport::new(d.code_num);
            for c in p.children.iter().filter(|c| c.present(m)) {
                let supported = pool::push_registry_row(&mut csv.buf, ctx, d, c, m);
                support.count(c.special(), supported);
                csv.row_done()?;
            }
            districts.push(support);
        }
        files.push(csv.finish()?);
        facts.push(districts);
    }
    let mut case_rows = [0; 2];
    for (y, year) in [2020, 2021].into_iter().enumerate() {
        let rel = PathBuf::from("cases")
            .join(year.to_string())
            .join(&file_name);
        let mut csv = CsvOut::create(&opts.out, rel, cases::CASE_HEADER)?;
        cases::push_case_rows(&mut csv.buf, ctx, province, year, &mut year_cases[y]);
        csv.rows = year_cases[y].len();
        case_rows[y] = csv.rows;
        files.push(csv.finish()?);
    }
    Ok(ProvinceOutput {
        files,
        districts: facts,
        case_rows,
    })
}

fn population_csv(nation: &Nation) -> (String, usize) {
    let mut text = String::from("district_code,year,children_under_16\n");
    let mut rows = 0;
    for (i, year) in [2020, 2021].into_iter().enumerate() {
        for d in nation.districts() {
            text.push_str(&format!("{},{year},{}\n", d.code, d.children[i]));
            rows += 1;
        }
    }
    (text, rows)
}

/// Writes the national sample into `opts.out`.
pub fn generate_national(opts: &NationalOptions) -> Result<NationalSummary, GenerateError> {
    let started = Instant::now();
    if !(1..=MONTHS).contains(&opts.snapshots) {
        return Err(GenerateError::InvalidOption(format!(
            "The number of snapshots must be between 1 and 12, not \"{}\"",
            opts.snapshots
        )));
    }
    if !(opts.scale.is_finite() && opts.scale > 0.0 && opts.scale <= 10.0) {
        return Err(GenerateError::InvalidOption(format!(
            "The scale must be above 0 and at most 10, not \"{}\"",
            opts.scale
        )));
    }
    let mut geo_rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(GEOGRAPHY_STREAM));
    let nation = Nation::load(&mut geo_rng)?;
    let plan = plan(&nation, opts.scale);
    let ctx = Context::new(opts.seed);

    let out = &opts.out;
    create_dir(&out.join("reference"))?;
    let months = MONTHS - opts.snapshots..MONTHS;
    create_dir(
        &out.join("child_registry").join(
            rows::date_of(ctx.baseline_end())
                .format("%Y-%m-%d")
                .to_string(),
        ),
    )?;
    for m in months.clone() {
        create_dir(&out.join("child_registry").join(snapshot_dir(&ctx, m)))?;
    }
    for year in [2020, 2021] {
        create_dir(&out.join("cases").join(year.to_string()))?;
    }
    let mut files = Vec::new();
    let units = geography::VN_ORG_UNITS;
    files.push(write_text(
        out,
        "reference/org_units.csv",
        units,
        units.lines().count().saturating_sub(1),
    )?);
    let (population, population_rows) = population_csv(&nation);
    files.push(write_text(
        out,
        "reference/population.csv",
        &population,
        population_rows,
    )?);

    // Largest provinces first, so the two cores finish together.
    let mut order: Vec<usize> = (0..nation.provinces.len()).collect();
    order.sort_by(|&a, &b| {
        nation.provinces[b]
            .registry_weight()
            .total_cmp(&nation.provinces[a].registry_weight())
            .then(a.cmp(&b))
    });
    let mut outputs: Vec<(usize, ProvinceOutput)> = order
        .par_iter()
        .map(|&pi| generate_province(&ctx, opts, &nation, &plan, pi).map(|o| (pi, o)))
        .collect::<Result<_, _>>()?;
    outputs.sort_by_key(|(pi, _)| *pi);

    let mut snapshots = Vec::new();
    let dates = std::iter::once(ctx.baseline_end()).chain(months.map(|m| ctx.month_end[m]));
    for (k, date) in dates.enumerate() {
        let districts: Vec<DistrictSupport> = outputs
            .iter()
            .flat_map(|(_, o)| o.districts[k].iter().cloned())
            .collect();
        snapshots.push(SnapshotFacts {
            date: rows::date_of(date),
            special_children: districts.iter().map(|d| d.special_children).sum(),
            special_supported: districts.iter().map(|d| d.special_supported).sum(),
            at_risk_rows: districts.iter().map(|d| d.at_risk_rows).sum(),
            districts,
        });
    }
    let case_rows = vec![
        (2020, outputs.iter().map(|(_, o)| o.case_rows[0]).sum()),
        (2021, outputs.iter().map(|(_, o)| o.case_rows[1]).sum()),
    ];
    // Registry files by snapshot, then the case files, each by province code.
    let mut data_files: Vec<WrittenFile> = outputs.into_iter().flat_map(|(_, o)| o.files).collect();
    data_files.sort_by(|a, b| a.path.cmp(&b.path));
    files.extend(data_files);
    let readme = readme(opts, &snapshots, &case_rows);
    files.push(write_text(out, "README.md", &readme, 0)?);
    Ok(NationalSummary {
        files,
        snapshots,
        case_rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn readme(
    opts: &NationalOptions,
    snapshots: &[SnapshotFacts],
    case_rows: &[(i32, usize)],
) -> String {
    let mut text = format!(
        "# National synthetic sample (`treem generate --profile national`)\n\n\
         Seed {seed}, scale {scale}, {n} snapshot(s). Synthetic data: no real child is described.\n\n\
         - `reference/org_units.csv`: the GSO list of 2021 (63 provinces, 705 districts, 10,599 \
         communes), columns `code,level,unit_type,name,full_name,name_ascii,parent_code`.\n\
         - `reference/population.csv`: children under 16 per district, 2020 and 2021.\n\
         - `child_registry/<month end>/<province code>.csv`: the registry as the national system \
         dumps it, one file per province per month end of 2021 and for 31 December 2020 (the \
         baseline year), UTF-8, comma-separated, LF, \
         dates `dd/mm/yyyy`, groups of art. 10 as letters, `Có nguy cơ` as Có/Không. A child \
         keeps the id `TE-<commune code>-<serial>` from month to month; children enter when \
         found and leave at 16 or when their circumstances end.\n\
         - `cases/<year>/<province code>.csv`: abuse and injury cases of 2020 and 2021, with \
         case ids `VV-<year>-<province code>-<number>`. Most abused children are in the \
         registry under the same id; a few injured children are registry children.\n\n\
         No district report workbooks and no fund ledger: they are provincial documents (see \
         the Gia Lai profile). No deliberately bad rows either.\n\n\
         | snapshot | special circumstances | of whom supported | at risk |\n|---|---|---|---|\n",
        seed = opts.seed,
        scale = opts.scale,
        n = opts.snapshots,
    );
    for s in snapshots {
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            s.date.format("%Y-%m-%d"),
            s.special_children,
            s.special_supported,
            s.at_risk_rows
        ));
    }
    text.push_str("\n| case year | rows |\n|---|---|\n");
    for (year, n) in case_rows {
        text.push_str(&format!("| {year} | {n} |\n"));
    }
    text
}

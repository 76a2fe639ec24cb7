//! What the last ingest made of each input, kept inside the clean tables' folder
//! (`ingested/.treem-state/`) so that it is published, and replaced, together with the
//! tables it describes: the next run reuses an unchanged input's part files and rejected
//! rows instead of reading it again.
//!
//! An input is reused only when its own sha256 is the same and so is the *context* — the
//! treem version, the whole pipeline file, the reference files and the secret key — since
//! any of those changes what its rows become. One more thing links files: a duplicate id is
//! rejected in the later file. So a file is reused only if none of its rows was a duplicate
//! of an earlier file's, and none of its kept ids is now found in an earlier file (its kept
//! keys are kept for that check); otherwise it is read again, and the manifest says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::FileSummary;
use crate::config::Plan;
use crate::error::Error;
use crate::hash::file_hash;
use crate::store::layout::{write_atomic, write_staged};

pub const STATE_DIR: &str = ".treem-state";
const STATE_FILE: &str = "state.json";

/// A source file as found this run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputFile {
    pub table: String,
    pub path: PathBuf,
    /// Empty when the file cannot be read (it is then one rejected row).
    pub sha256: String,
    pub bytes: u64,
}

/// The clean table a source becomes.
pub fn table_of(kind: crate::sources::SourceKind) -> &'static str {
    use crate::sources::SourceKind;
    match kind {
        SourceKind::ChildRegistry => "registry",
        SourceKind::Cases => "cases",
        SourceKind::DistrictReports => super::district_reports::TABLE,
        SourceKind::Fund => "fund",
    }
}

/// Every source file of the plan, hashed, on every core (a national year is 6.5 GB). A
/// file whose size and modification time (to the nanosecond) are those recorded in
/// `cache` by an earlier run keeps its recorded hash, as git's index does; the cache is
/// then rewritten. A missing or unreadable cache only costs the hashing.
pub fn hash_inputs(plan: &Plan, cache: &Path) -> Vec<InputFile> {
    let files: Vec<(&'static str, &PathBuf)> = plan
        .sources
        .iter()
        .flat_map(|s| s.files.iter().map(move |p| (table_of(s.kind), p)))
        .collect();
    hash_files(&files, cache)
}

/// `files` (each with its table) hashed on every core, the largest first so that no core
/// is left with a large file at the end, the ones `cache` knows unchanged not read again;
/// the cache is then rewritten for these files.
pub(crate) fn hash_files(files: &[(&'static str, &PathBuf)], cache: &Path) -> Vec<InputFile> {
    use rayon::prelude::*;
    let known: HashCache = std::fs::read(cache)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let stamps: Vec<Option<Stamp>> = files.par_iter().map(|(_, p)| stamp(p)).collect();
    let mut hashes: Vec<Option<(String, u64)>> = files
        .iter()
        .zip(&stamps)
        .map(|((_, path), now)| match (now, known.get(*path)) {
            (Some(now), Some((then, sha256))) if now == then => Some((sha256.clone(), now.bytes)),
            _ => None,
        })
        .collect();
    let mut unknown: Vec<usize> = (0..files.len()).filter(|&i| hashes[i].is_none()).collect();
    unknown.sort_by_key(|&i| std::cmp::Reverse(stamps[i].as_ref().map_or(0, |s| s.bytes)));
    let hashed: Vec<(usize, (String, u64))> = unknown
        .par_iter()
        // An unreadable file has no hash (and is then one rejected row).
        .map(|&i| (i, file_hash::sha256_file(files[i].1).unwrap_or_default()))
        .collect();
    for (i, found) in hashed {
        hashes[i] = Some(found);
    }
    let hashed: Vec<(InputFile, Option<Stamp>)> = files
        .iter()
        .zip(stamps)
        .zip(hashes)
        .map(|(((table, path), stamp), hash)| {
            let (sha256, bytes) = hash.unwrap_or_default();
            let input = InputFile {
                table: table.to_string(),
                path: (*path).clone(),
                sha256,
                bytes,
            };
            (input, stamp)
        })
        .collect();
    let cache_now: HashCache = hashed
        .iter()
        .filter_map(|(i, s)| {
            let s = s.clone()?;
            (!i.sha256.is_empty()).then(|| (i.path.clone(), (s, i.sha256.clone())))
        })
        .collect();
    if cache_now != known {
        if let Ok(bytes) = serde_json::to_vec(&cache_now) {
            // Only a speed-up: a cache that cannot be written is hashed again next time.
            let _ = write_atomic(cache, &bytes);
        }
    }
    hashed.into_iter().map(|(i, _)| i).collect()
}

/// Size and modification time of an input, which say it has not changed since hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    bytes: u64,
    modified_ns: u128,
}

type HashCache = BTreeMap<PathBuf, (Stamp, String)>;

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(Stamp {
        bytes: meta.len(),
        modified_ns: modified.as_nanos(),
    })
}

/// What every input's outcome depends on besides the input itself. The secret enters by
/// its random id (`crate::secret_key`): nothing derived from it is kept here.
pub fn context_digest(plan: &Plan, key_id: &str) -> String {
    let mut hasher = Sha256::new();
    // The build, not only the version: it digests the code, so code that reads cells or
    // lays out parts differently reads again every input an older build read.
    hasher.update(crate::BUILD.as_bytes());
    // The pipeline file, the reference files and, across a reform, every list and
    // crosswalk decide how codes and rows read.
    let lists = plan
        .unit_lists
        .iter()
        .flat_map(|list| std::iter::once(&list.file).chain(&list.crosswalk));
    for path in [&plan.file, &plan.org_units, &plan.population]
        .into_iter()
        .chain(lists)
    {
        hasher.update(b"\0");
        hasher.update(
            file_hash::sha256_file(path)
                .map(|(s, _)| s)
                .unwrap_or_default(),
        );
    }
    hasher.update(b"\0key id\0");
    hasher.update(key_id.as_bytes());
    hex::encode(hasher.finalize())
}

/// The ingest step's fingerprint: the context and every input. Equal fingerprints mean
/// the clean tables would come out the same.
pub fn fingerprint(context: &str, inputs: &[InputFile]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(context.as_bytes());
    for i in inputs {
        hasher.update(format!("\0{}\0{}\0{}", i.table, i.path.display(), i.sha256).as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub context: String,
    /// The random id of the secret the keys were made with; none from an older treem.
    #[serde(default)]
    pub key_id: Option<String>,
    /// Table name → its files, in the order they were ingested.
    pub tables: BTreeMap<String, Vec<FileSummary>>,
}

impl State {
    /// The state of the clean tables in `ingested`, if they have one.
    pub fn load(ingested: &Path) -> Option<State> {
        let text = std::fs::read_to_string(ingested.join(STATE_DIR).join(STATE_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn write(&self, ingested: &Path) -> Result<(), Error> {
        let path = ingested.join(STATE_DIR).join(STATE_FILE);
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::write(&path, std::io::Error::other(e)))?;
        write_staged(&path, &text).map_err(|e| Error::write(&path, e))
    }
}

/// The last published ingest, read for reuse.
pub struct Previous {
    /// The last run's clean tables (the version folder the `ingested` link leads to).
    pub ingested: PathBuf,
    /// The rejected rows published with them.
    pub rejected: PathBuf,
    pub state: State,
}

impl Previous {
    /// The last ingest, if it ran in the same context.
    pub fn load(ingested_link: &Path, context: &str) -> Option<Previous> {
        let ingested = std::fs::canonicalize(ingested_link).ok()?;
        let state = State::load(&ingested)?;
        if state.context != context {
            return None;
        }
        let rejected = ingested.parent()?.join("rejected");
        Some(Previous {
            ingested,
            rejected,
            state,
        })
    }

    /// The earlier outcome of `path`, if its contents are the same.
    pub fn file(&self, table: &str, path: &Path, sha256: &str) -> Option<&FileSummary> {
        self.state
            .tables
            .get(table)?
            .iter()
            .find(|f| f.path == path && f.sha256 == sha256 && !sha256.is_empty())
    }

    /// The rejected rows `path` gave last time.
    pub fn rejected_rows(&self, table: &str, path: &Path) -> Result<DataFrame, Error> {
        let file = self.rejected.join(format!("{table}.parquet"));
        let context = || format!("reading the earlier rejected rows of {}", file.display());
        crate::store::parquet::scan_parquet_file(&file)
            .and_then(|lf| {
                lf.filter(col(crate::columns::FILE).eq(lit(path.display().to_string())))
                    .collect()
            })
            .map_err(|e| Error::polars(&context(), e))
    }
}

fn keys_path(state_dir: &Path, table: &str, input: &Path) -> PathBuf {
    let digest = Sha256::digest(input.to_string_lossy().as_bytes());
    state_dir
        .join("keys")
        .join(table)
        .join(format!("{}.keys", &hex::encode(digest)[..16]))
}

/// The unique keys `input` kept, one a line.
/// Writes a file's keys, 16 bytes each (little-endian): for 4 million rows, 64 MB.
/// Writes an input's kept keys (staged, not synced); returns the file's path.
pub fn write_keys(
    ingested: &Path,
    table: &str,
    input: &Path,
    keys: &[u128],
) -> Result<PathBuf, Error> {
    let path = keys_path(&ingested.join(STATE_DIR), table, input);
    let mut bytes = Vec::with_capacity(keys.len() * 16);
    for k in keys {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    write_staged(&path, &bytes).map_err(|e| Error::write(&path, e))?;
    Ok(path)
}

pub fn read_keys(ingested: &Path, table: &str, input: &Path) -> Option<Vec<u128>> {
    let path = keys_path(&ingested.join(STATE_DIR), table, input);
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() % 16 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(16)
            .map(|c| {
                let mut k = [0u8; 16];
                k.copy_from_slice(c);
                u128::from_le_bytes(k)
            })
            .collect(),
    )
}

pub fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_with_its_recorded_size_and_time_keeps_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("64.csv");
        let cache = dir.path().join("hashes.json");
        std::fs::write(&input, "a,b\n1,2\n").unwrap();
        let hash = |input: &PathBuf| hash_files(&[("registry", input)], &cache)[0].sha256.clone();
        let first = hash(&input);
        assert_eq!(first, file_hash::sha256_file(&input).unwrap().0);
        assert!(cache.is_file());

        // Same size, same modification time: the recorded hash is trusted (the file is
        // not read), which is what makes a nightly rerun cheap.
        let modified = std::fs::metadata(&input).unwrap().modified().unwrap();
        std::fs::write(&input, "a,b\n1,3\n").unwrap();
        let file = std::fs::File::options().write(true).open(&input).unwrap();
        file.set_modified(modified).unwrap();
        drop(file);
        assert_eq!(hash(&input), first);

        // A new modification time: hashed again.
        let file = std::fs::File::options().write(true).open(&input).unwrap();
        file.set_modified(modified + std::time::Duration::from_secs(1))
            .unwrap();
        drop(file);
        assert_eq!(hash(&input), file_hash::sha256_file(&input).unwrap().0);
        assert_ne!(hash(&input), first);

        // A broken cache costs only the hashing.
        std::fs::write(&cache, "not json").unwrap();
        assert_eq!(hash(&input), file_hash::sha256_file(&input).unwrap().0);
    }
}

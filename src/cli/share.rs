//! `treem share [PIPELINE] --to DIR [--out DIR]`: copies the part of an output folder that
//! may leave the statistics office's own machine into a new folder — the clean tables,
//! the indicators, the pack, the report and the manifest — and nothing else: no key (none
//! is kept in the output folder, and the copy is searched for it), no rejected rows, no
//! districts' feedback (their own figures, sent back to them), no state.
//!
//! The clean tables are still internal: birth year, sex, ethnicity and commune can single
//! out a child in a small commune. They go to analysts bound by the same rules as the
//! office; the pack alone (`pack/`) may be given to anyone. The copy's `README.txt` says so.

use std::path::{Path, PathBuf};

use crate::config;
use crate::error::Error;
use crate::run::{self, lock::RunLock};
use crate::secret_key::{self, KeyEnv, Location};
use crate::store::Layout;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
    /// The new folder to copy into; it must not exist yet, or be empty.
    #[arg(long)]
    pub to: PathBuf,
    /// Output folder (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The published folders that may be shared, and the files at the top.
const FOLDERS: [&str; 4] = ["ingested", "indicators", "pack", "report"];
const FILES: [&str; 1] = ["manifest.json"];

pub fn run(args: Args) -> Result<u8, Error> {
    let plan = config::load(&super::pipeline_path(args.pipeline))?;
    let layout = Layout::new(args.out.unwrap_or_else(|| run::default_out(&plan)));
    if !layout.root.join("manifest.json").is_file() {
        return Err(Error::Usage(format!(
            "{} holds no run's outputs (no manifest.json); run the pipeline first.",
            layout.root.display()
        )));
    }
    let to = args.to;
    if std::fs::read_dir(&to).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Error::Usage(format!(
            "{} is not empty; name a new folder.",
            to.display()
        )));
    }
    let (root, target) = (absolute(&layout.root), absolute(&to));
    if target.starts_with(&root) || root.starts_with(&target) {
        return Err(Error::Usage(format!(
            "{} and the output folder {} must not contain each other.",
            to.display(),
            layout.root.display()
        )));
    }
    // Under the lock, so that no run publishes or cleans while the folders are copied.
    let holder = format!("treem share, pid {}", std::process::id());
    let _lock = RunLock::acquire(&layout.lock_file(), &holder)?;
    std::fs::create_dir_all(&to).map_err(|e| Error::write(&to, e))?;
    let mut copied = Vec::new();
    for name in FOLDERS {
        let from = layout.root.join(name);
        if let Ok(real) = std::fs::canonicalize(&from) {
            copy_tree(&real, &to.join(name), &mut copied)?;
        }
    }
    for name in FILES {
        let from = layout.root.join(name);
        if from.is_file() {
            let dest = to.join(name);
            std::fs::copy(&from, &dest).map_err(|e| Error::write(&dest, e))?;
            copied.push(dest);
        }
    }
    let readme = to.join("README.txt");
    std::fs::write(&readme, README).map_err(|e| Error::write(&readme, e))?;

    // The key never lives in the output folder; the copy is searched for it all the same,
    // when it can be read without creating one.
    let env = KeyEnv::from_process();
    let location = Location::find(&env, plan.secret_key_file.as_deref(), &plan.name);
    if let Ok(Ok(Some(secret))) = location.map(|l| secret_key::read_existing(&l, &env)) {
        let needles = secret_key::encodings(secret.bytes());
        for path in &copied {
            let bytes = std::fs::read(path).map_err(|e| Error::write(path, e))?;
            if needles
                .iter()
                .any(|n| memchr::memmem::find(&bytes, n).is_some())
            {
                let _ = std::fs::remove_dir_all(&to);
                return Err(Error::Secret(format!(
                    "{} holds the secret key; the copy was removed. Nothing was shared.",
                    path.display()
                )));
            }
        }
    }
    println!(
        "Copied {} files to {}: the clean tables (internal: for analysts bound by the \
         office's rules), the indicators, the pack and the report (pack/ and report/ may be \
         given to anyone) and the manifest. No key, no rejected rows, no feedback.",
        copied.len(),
        to.display()
    );
    Ok(0)
}

/// Copies the files under `from` to `to`, leaving out hidden entries (treem's state and
/// fingerprints), which are of no use outside the output folder.
fn copy_tree(from: &Path, to: &Path, copied: &mut Vec<PathBuf>) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| Error::write(to, e))?;
    let entries = std::fs::read_dir(from).map_err(|e| Error::write(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::write(from, e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let (src, dest) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dest, copied)?;
        } else {
            std::fs::copy(&src, &dest).map_err(|e| Error::write(&dest, e))?;
            copied.push(dest);
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(path))
}

const README: &str = "\
Outputs of treem, copied by `treem share`.

pack/        The published chart pack (index.html, indicators.xlsx, charts). Under
             disclosure control: it may be given to anyone. Its links to the
             districts' feedback (../feedback/) lead nowhere here: feedback is internal.
report/      The draft report of each period (bao_cao_<period>.docx), from the same
             disclosure-controlled figures as the pack: it may be given to anyone.
indicators/  Every indicator with its numerator and denominator, and the data-quality
             table. NOT under disclosure control: small counts are shown as they are.
ingested/    The clean tables. Children appear under keys, not ids or names, but birth
             year, sex, ethnicity and commune can still single out a child in a small
             commune: internal tables, for analysts bound by the office's rules.
manifest.json  What the run read and wrote.

The secret key that made the keys is not here and must never be put here.

Dữ liệu do treem xuất ra. pack/ và report/ có thể công bố; indicators/ và ingested/ là dữ liệu nội bộ
(chưa áp dụng kiểm soát công bố số nhỏ), chỉ dành cho người phân tích được ủy quyền.
";

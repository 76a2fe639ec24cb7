//! The output folder, `out/<pipeline name>/` or what `--out` names, where each step writes
//! in it, and how its outputs get there without ever being half-written.
//!
//! Every file is written under a temporary name in its folder and renamed (`write_atomic`).
//! A step builds its folders in a private staging folder; publishing moves the built folder
//! under `.versions/` and repoints a symlink (`ingested -> .versions/ingest-…/ingested`) by
//! creating the new link under a temporary name and renaming it over the old one. A
//! rename is atomic on POSIX, so a reader, or a run killed at any moment — `kill -9`
//! included — finds either the whole old folder or the whole new one, never none.
//! The other way, renaming the old folder aside and the new one in, has a moment with no
//! folder at all: a kill there would leave nothing for `treem sql` until the next run
//! repaired it. With links there is nothing to repair; what a dead run leaves is garbage
//! (staging folders, unreferenced versions, temporary files), removed at the next start
//! under the lock ([`clean_leftovers`]). An output folder of the older layout (a real
//! folder) is moved to `.versions/<name>-legacy` and linked; [`clean_leftovers`] relinks
//! it should a run die between those two renames. Where there are no symlinks (not Unix)
//! the folder is renamed in, with the same repair.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where published versions live, inside the output folder.
pub const VERSIONS: &str = ".versions";
/// The published folders of the output folder: every link in it into `.versions/` (so a
/// new step's folder needs no list to be kept, cleaned or put in the manifest).
pub fn published(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_symlink()))
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.starts_with(VERSIONS)))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout { root: root.into() }
    }

    pub fn ingested(&self) -> PathBuf {
        self.root.join("ingested")
    }

    pub fn rejected(&self) -> PathBuf {
        self.root.join("rejected")
    }

    /// The indicators step's outputs: `indicators.parquet` and `data_quality.parquet`.
    pub fn indicators(&self) -> PathBuf {
        self.root.join("indicators")
    }

    /// The published pack: `index.html`, `indicators.xlsx`, `charts/`.
    pub fn pack(&self) -> PathBuf {
        self.root.join("pack")
    }

    /// The report step's Word documents: `bao_cao_<period>.docx`.
    pub fn report(&self) -> PathBuf {
        self.root.join("report")
    }

    /// The report step's workbooks for the districts: [`feedback_file`].
    pub fn feedback(&self) -> PathBuf {
        self.root.join("feedback")
    }

    /// The charts step's outputs: `<chart>.png` and `<chart>.svg`.
    pub fn charts(&self) -> PathBuf {
        self.root.join("charts")
    }

    pub fn ingested_table(&self, table: &str) -> PathBuf {
        self.ingested().join(table)
    }

    /// A private folder for this process to build outputs in before they are published.
    pub fn staging(&self) -> PathBuf {
        self.root.join(format!(".staging-{}", std::process::id()))
    }

    /// The last run's manifest.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("manifest.json")
    }

    /// One manifest per run, by run id.
    pub fn runs(&self) -> PathBuf {
        self.root.join("runs")
    }

    pub fn lock_file(&self) -> PathBuf {
        self.root.join(".treem.lock")
    }
}

/// The name of a unit's feedback workbook in [`Layout::feedback`]: its code, then its
/// name folded to ASCII (`633_huyen_chu_se.xlsx`), which every file system and mail
/// client keeps as it is. The report step writes it, the pack links it.
pub fn feedback_file(code: &str, name: &str) -> String {
    let folded = crate::text::fold(name).replace(' ', "_");
    format!("{code}_{folded}.xlsx")
}

/// A name unique to this process and moment, for temporary files and versions.
fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Writes a file inside a staging folder: through a temporary name like [`write_atomic`],
/// but not synced on its own. [`publish`] syncs the file system once before the staged
/// folder goes live, which for a national ingest's hundreds of small state files is one
/// flush rather than hundreds.
pub fn write_staged(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_through_temporary(path, bytes, false)
}

/// Makes what was written under `path` durable before it is published: every staged file
/// (Parquet parts, state) in one call for the whole file system.
fn sync_file_system(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(path)?;
        rustix::fs::syncfs(&dir)?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and then
/// renamed: whoever reads `path` sees the old contents or the new, whole.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_through_temporary(path, bytes, true)
}

/// `bytes` written under a temporary name in `path`'s folder (synced if `sync`), then
/// renamed to `path`; the temporary file is removed if anything fails.
fn write_through_temporary(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = temporary_name(path);
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `.<name>.tmp-<pid>-<nanos>` beside `path`: hidden, and recognised as garbage later.
pub fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", unique()))
}

/// Publishes the single folder `built` as `target` (e.g. `out/indicators`).
pub fn swap_in(built: &Path, target: &Path) -> std::io::Result<()> {
    let (Some(root), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(std::io::Error::other("the target folder has no parent"));
    };
    let name = name.to_string_lossy().into_owned();
    let version = root.join(VERSIONS).join(format!("{name}-{}", unique()));
    std::fs::create_dir_all(root.join(VERSIONS))?;
    sync_file_system(built)?;
    std::fs::rename(built, &version)?;
    point(root, &name, &format!("{VERSIONS}/{}", file_name(&version)))?;
    remove_unreferenced_versions(root)
}

/// Publishes the folders `names` of `built` together (the ingest step's `ingested` and
/// `rejected`, with its state beside them): `built` becomes one version, and each name is
/// repointed into it, in the order given.
pub fn publish(built: &Path, names: &[&str], root: &Path, step: &str) -> std::io::Result<()> {
    let version = root.join(VERSIONS).join(format!("{step}-{}", unique()));
    std::fs::create_dir_all(root.join(VERSIONS))?;
    sync_file_system(built)?;
    std::fs::rename(built, &version)?;
    for name in names {
        point(
            root,
            name,
            &format!("{VERSIONS}/{}/{name}", file_name(&version)),
        )?;
    }
    remove_unreferenced_versions(root)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Makes `root/name` lead to `root/relative`, replacing what was there in one rename.
#[cfg(unix)]
fn point(root: &Path, name: &str, relative: &str) -> std::io::Result<()> {
    let link = root.join(name);
    if is_real_dir(&link) {
        // The older layout: move the folder under .versions, then link it (below).
        let legacy = root.join(VERSIONS).join(format!("{name}-legacy"));
        let _ = std::fs::remove_dir_all(&legacy);
        std::fs::rename(&link, &legacy)?;
    }
    let tmp = temporary_name(&link);
    std::os::unix::fs::symlink(relative, &tmp)?;
    std::fs::rename(&tmp, &link).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Without symlinks: the old folder goes aside as `-legacy`, the new one is renamed in.
/// [`clean_leftovers`] puts the aside copy back if a run dies between the two renames.
#[cfg(not(unix))]
fn point(root: &Path, name: &str, relative: &str) -> std::io::Result<()> {
    let link = root.join(name);
    let legacy = root.join(VERSIONS).join(format!("{name}-legacy"));
    let _ = std::fs::remove_dir_all(&legacy);
    if link.exists() {
        std::fs::rename(&link, &legacy)?;
    }
    std::fs::rename(root.join(relative), &link)
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The version folders (`.versions/<x>`) that an output link leads into.
fn referenced_versions(root: &Path) -> HashSet<String> {
    let mut used = HashSet::new();
    for name in published(root) {
        let Ok(target) = std::fs::read_link(root.join(name)) else {
            continue;
        };
        let mut parts = target.components();
        if parts
            .next()
            .is_some_and(|c| c.as_os_str() == std::ffi::OsStr::new(VERSIONS))
        {
            if let Some(version) = parts.next() {
                used.insert(version.as_os_str().to_string_lossy().into_owned());
            }
        }
    }
    used
}

fn remove_unreferenced_versions(root: &Path) -> std::io::Result<()> {
    let used = referenced_versions(root);
    let Ok(entries) = std::fs::read_dir(root.join(VERSIONS)) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !used.contains(&name) {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// What a dead run may have left, repaired and removed; call only while holding the lock,
/// when no other run can be writing. Returns a line for each thing done.
pub fn clean_leftovers(root: &Path) -> std::io::Result<Vec<String>> {
    let mut done = Vec::new();
    // An output folder moved aside and not yet replaced: put it back.
    let aside: Vec<String> = std::fs::read_dir(root.join(VERSIONS))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix("-legacy").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    for name in aside {
        let link = root.join(&name);
        let legacy = root.join(VERSIONS).join(format!("{name}-legacy"));
        if std::fs::symlink_metadata(&link).is_err() && legacy.is_dir() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(format!("{VERSIONS}/{name}-legacy"), &link)?;
            #[cfg(not(unix))]
            std::fs::rename(&legacy, &link)?;
            done.push(format!(
                "Restored {} from {}.",
                link.display(),
                legacy.display()
            ));
        }
    }
    // A legacy folder no link leads to any more is garbage too.
    let used = referenced_versions(root);
    if let Ok(entries) = std::fs::read_dir(root.join(VERSIONS)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) {
                std::fs::remove_dir_all(entry.path())?;
                done.push(format!("Removed the unused version {name}."));
            }
        }
    }
    for dir in [root.to_path_buf(), root.join("runs")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name.starts_with(".staging-") && is_real_dir(&path) {
                std::fs::remove_dir_all(&path)?;
                done.push(format!(
                    "Removed the staging folder {name} of a run that died."
                ));
            } else if name.starts_with('.') && name.contains(".tmp-") {
                if is_real_dir(&path) {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
                done.push(format!(
                    "Removed the temporary file {name} of a run that died."
                ));
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_in_replaces_the_old_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("indicators");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.parquet"), "old").unwrap();
        for contents in ["new", "newer"] {
            let built = dir.path().join(".staging-1/indicators");
            std::fs::create_dir_all(&built).unwrap();
            std::fs::write(built.join("new.parquet"), contents).unwrap();
            swap_in(&built, &target).unwrap();
            assert!(!target.join("old.parquet").exists());
            assert_eq!(
                std::fs::read_to_string(target.join("new.parquet")).unwrap(),
                contents
            );
            assert!(!built.exists());
        }
        clean_leftovers(dir.path()).unwrap();
        let versions: Vec<_> = std::fs::read_dir(dir.path().join(VERSIONS))
            .unwrap()
            .collect();
        assert_eq!(versions.len(), 1, "only the published version remains");
        assert!(!dir.path().join(".staging-1").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_moved_aside_by_a_killed_run_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = dir.path().join(VERSIONS).join("ingested-legacy");
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(legacy.join("a.parquet"), "a").unwrap();
        let done = clean_leftovers(dir.path()).unwrap();
        assert_eq!(done.len(), 1, "{done:?}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("ingested/a.parquet")).unwrap(),
            "a"
        );
    }

    #[test]
    fn write_atomic_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        write_atomic(&path, b"{}").unwrap();
        write_atomic(&path, b"{\"a\":1}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

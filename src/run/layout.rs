//! The output folder, `out/<pipeline name>/` or what `--out` names, and where each step
//! writes in it. Steps build their outputs in a staging folder beside the real one and
//! swap them in at the end, so a failed or killed run leaves the last good outputs whole.

use std::path::{Path, PathBuf};

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

    /// The indicators step's outputs: `indicators.parquet` (and later `data_quality.parquet`).
    pub fn indicators(&self) -> PathBuf {
        self.root.join("indicators")
    }

    /// The charts step's outputs: `<chart>.png` and `<chart>.svg`.
    pub fn charts(&self) -> PathBuf {
        self.root.join("charts")
    }

    pub fn ingested_table(&self, table: &str) -> PathBuf {
        self.ingested().join(table)
    }

    /// A private folder for this process to build outputs in before they are swapped in.
    pub fn staging(&self) -> PathBuf {
        self.root.join(format!(".staging-{}", std::process::id()))
    }
}

/// Replaces `target` by `built` (both folders): the old one is renamed aside first and
/// removed only once the new one is in place.
pub fn swap_in(built: &Path, target: &Path) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let old = target.with_extension(format!("old-{}", std::process::id()));
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old)?;
    }
    if let Err(e) = std::fs::rename(built, target) {
        if had_old {
            // Put the last good output back before reporting the failure.
            let _ = std::fs::rename(&old, target);
        }
        return Err(e);
    }
    if had_old {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_in_replaces_the_old_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ingested");
        std::fs::create_dir_all(target.join("registry")).unwrap();
        std::fs::write(target.join("registry/old.parquet"), "old").unwrap();
        let built = dir.path().join("staging");
        std::fs::create_dir_all(built.join("registry")).unwrap();
        std::fs::write(built.join("registry/new.parquet"), "new").unwrap();
        swap_in(&built, &target).unwrap();
        assert!(!target.join("registry/old.parquet").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("registry/new.parquet")).unwrap(),
            "new"
        );
        assert!(!built.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the swapped-in folder remains");
    }
}

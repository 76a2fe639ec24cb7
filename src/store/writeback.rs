//! Early writeback of a step's staged files. Publishing syncs the file system once
//! ([`super::layout::publish`]) before the new version goes live; left to that moment, a
//! national ingest's 350 MB of Parquet parts and keys were all still in the page cache and
//! the run sat idle for a quarter of a second while the disk took them. Each finished file
//! is handed here instead and made durable (`fdatasync`) by a thread of its own while the
//! readers go on, so the final sync finds little left to write.
//!
//! Only a head start: a file that cannot be synced here (removed meanwhile, say), or is
//! still waiting when the step's work ends, is left to the final sync, whose error is the
//! one a run reports.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// Where finished files go to be written back; see [`with_writeback`].
pub struct Writeback {
    files: mpsc::Sender<PathBuf>,
}

impl Writeback {
    /// Asks for `path`, a finished file, to be written to disk now.
    pub fn push(&self, path: &Path) {
        // The thread only ends after `with_writeback`'s work: a send cannot fail before.
        let _ = self.files.send(path.to_path_buf());
    }
}

/// Runs `work` with a [`Writeback`] whose files a second thread syncs as they come; returns
/// once `work` is done and the file being synced then, if any, is. Files still waiting are
/// left to the publishing sync: on a slow disk one `syncfs` is cheaper than their
/// `fdatasync`s one by one.
pub fn with_writeback<R>(work: impl FnOnce(&Writeback) -> R) -> R {
    let (files, finished) = mpsc::channel::<PathBuf>();
    let done = AtomicBool::new(false);
    std::thread::scope(|threads| {
        let done = &done;
        threads.spawn(move || {
            for path in finished {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(file) = std::fs::File::open(&path) {
                    let _ = file.sync_data();
                }
            }
        });
        let writeback = Writeback { files };
        let result = work(&writeback);
        done.store(true, Ordering::Relaxed);
        result
        // `writeback` is dropped here, which ends the thread's loop; the scope joins it.
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_returns_its_value_and_leaves_its_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("{i}"))).collect();
        let got = with_writeback(|w| {
            for p in &paths {
                std::fs::write(p, b"part").unwrap();
                w.push(p);
            }
            // A file gone before its turn is skipped, not an error.
            w.push(&dir.path().join("removed"));
            paths.len()
        });
        assert_eq!(got, 3);
        for p in &paths {
            assert_eq!(std::fs::read(p).unwrap(), b"part");
        }
    }
}

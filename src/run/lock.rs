//! One run at a time per output folder: an OS lock on `.treem.lock` (`File::try_lock`).
//! The kernel releases it when the process ends, however it ends, so a lock left by a
//! killed run never blocks the next one and there is no stale-pid guessing. The file's
//! text names the holder (pid, start time, run id) for the message the second run prints;
//! the text is only a label, the OS lock is the truth.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::Error;

/// Held for the whole run; dropping it (or the process dying) releases the lock.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock of the output folder, or fails at once with [`Error::Locked`] naming
    /// the run that holds it.
    pub fn acquire(path: &Path, holder: &str) -> Result<RunLock, Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::write(path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                    holder: if holder.is_empty() {
                        "a run that has just started".to_string()
                    } else {
                        holder.to_string()
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::write(path, e)),
        }
        let label = (|| {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(holder.as_bytes())?;
            file.sync_all()
        })();
        label.map_err(|e| Error::write(path, e))?;
        Ok(RunLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".treem.lock");
        let first = RunLock::acquire(&path, "pid 1, started 2021-12-31T01:00:00Z").unwrap();
        let err = RunLock::acquire(&path, "pid 2").unwrap_err();
        assert_eq!(err.exit_code(), 75);
        assert!(err.to_string().contains("pid 1, started"), "{err}");
        drop(first);
        RunLock::acquire(&path, "pid 3").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "pid 3");
    }
}

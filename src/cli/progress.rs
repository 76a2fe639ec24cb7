//! What a run prints while it works: on a terminal (stderr is a TTY) a progress bar per
//! source being read and a spinner for the other steps, with every log line kept above
//! them; otherwise — a scheduler's log file — the same lines, plain, one per event.
//! The library only emits lines; this file alone knows about terminals, so the steps stay
//! free of display code. A line `Reading <source> (<n> files).` starts a bar of n, each
//! following `  read …`/`  reused …` line advances it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    /// `None` when stderr is not a terminal.
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    /// Shows one line of the run's log.
    pub fn line(&mut self, line: &str) {
        let Some(bar) = &self.bar else {
            eprintln!("{line}");
            return;
        };
        if let Some(n) = files_to_read(line) {
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:30}] {pos}/{len} files {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_length(n);
            bar.set_position(0);
            bar.set_message(line.trim_end_matches('.').to_string());
            return;
        }
        if line.starts_with("  read ") || line.starts_with("  reused ") {
            bar.inc(1);
            return;
        }
        if line.starts_with("Step ") {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(line.to_string());
        }
        bar.println(line);
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

/// `Reading child_registry (12 files).` → 12.
fn files_to_read(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("Reading ")?;
    let (_, count) = rest.split_once(" (")?;
    count.strip_suffix(" files).")?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reading_line_gives_the_number_of_files() {
        assert_eq!(super::files_to_read("Reading cases (3 files)."), Some(3));
        assert_eq!(
            super::files_to_read("Step ingest: reading the sources."),
            None
        );
    }
}

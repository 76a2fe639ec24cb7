//! What a command prints while it works, on stderr. On a terminal: a progress bar per
//! source being read and a spinner for the other steps, with every log line kept above
//! them, as written. Off a terminal — a scheduler's log, the journal, a cron mail — one
//! event per line, each with its time (RFC 3339, UTC) and level:
//!
//! ```text
//! 2026-12-05T01:00:02.417Z INFO  Step ingest: reading the sources.
//! 2026-12-05T01:00:09.803Z WARN  Data-quality gate failed: 2.31 % of the rows read were rejected, …
//! ```
//!
//! Under systemd (stderr is the journal's stream, `JOURNAL_STREAM`) each line also opens
//! with its syslog priority (`<4>`), so `journalctl -p warning` finds the warnings.
//! `--quiet` keeps warnings and errors, `--verbose` adds debug detail (every file read or
//! reused, where the metrics went, the failure hook's output); a line's level is told by
//! `crate::log`. The library only emits lines; this file alone knows about terminals, so
//! the steps stay free of display code. A line `Reading <source> (<n> files).` starts a
//! bar of n, each following `  read …`/`  reused …` line advances it.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::log::{Level, Levels, Line};

/// How much the command says: `--quiet`, nothing given, `--verbose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

impl Verbosity {
    pub fn shows(self, level: Level) -> bool {
        match self {
            Verbosity::Quiet => level <= Level::Warning,
            Verbosity::Normal => level <= Level::Info,
            Verbosity::Verbose => true,
        }
    }
}

/// Set once from the command line's global flags, before any line is printed.
static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

pub fn set_verbosity(verbosity: Verbosity) {
    let _ = VERBOSITY.set(verbosity);
}

fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or_default()
}

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// As written, for a person at a terminal.
    Terminal,
    /// Time and level first; `journal`: the syslog priority before them.
    Log { journal: bool },
}

impl Style {
    fn of_stderr() -> Self {
        match std::io::stderr().is_terminal() {
            true => Style::Terminal,
            false => Style::Log {
                journal: stderr_is_journal(),
            },
        }
    }

    fn format(self, line: &Line) -> String {
        match self {
            // Warnings and errors keep their mark on a terminal; debug detail needs none.
            Style::Terminal if line.level == Level::Debug => line.text.clone(),
            Style::Terminal => line.line.to_string(),
            Style::Log { journal } => log_line_at(&Utc::now(), line, journal),
        }
    }
}

/// `2026-12-05T01:00:02.417Z WARN  text`, with `<4>` in front for the journal.
fn log_line_at(time: &chrono::DateTime<Utc>, line: &Line, journal: bool) -> String {
    let priority = match journal {
        true => format!("<{}>", line.level.syslog_priority()),
        false => String::new(),
    };
    format!(
        "{priority}{} {:<5} {}",
        time.to_rfc3339_opts(SecondsFormat::Millis, true),
        line.level.name(),
        line.text
    )
}

/// Whether stderr is the stream systemd connected to the journal: `JOURNAL_STREAM` names
/// its device and inode (systemd.exec(5)), and a child's redirected stderr no longer
/// matches.
fn stderr_is_journal() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(stream) = std::env::var("JOURNAL_STREAM") else {
            return false;
        };
        let Ok(meta) = std::fs::metadata("/proc/self/fd/2") else {
            return false;
        };
        stream == format!("{}:{}", meta.dev(), meta.ino())
    }
    #[cfg(not(target_os = "linux"))]
    false
}

pub struct Progress {
    /// `None` off a terminal, and with `--quiet`.
    bar: Option<ProgressBar>,
    levels: Levels,
    verbosity: Verbosity,
    style: Style,
}

impl Progress {
    pub fn new() -> Self {
        let style = Style::of_stderr();
        let verbosity = verbosity();
        let bar = (style == Style::Terminal && verbosity != Verbosity::Quiet).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            levels: Levels::default(),
            verbosity,
            style,
        }
    }

    /// Plain lines, no bar: for a command's few lines of progress.
    fn plain() -> Self {
        Progress {
            bar: None,
            levels: Levels::default(),
            verbosity: verbosity(),
            style: Style::of_stderr(),
        }
    }

    /// Shows one line of the run's log.
    pub fn line(&mut self, line: &str) {
        let line = self.levels.read(line);
        let shown = self.verbosity.shows(line.level);
        let Some(bar) = &self.bar else {
            if shown {
                eprintln!("{}", self.style.format(&line));
            }
            return;
        };
        if let Some(n) = files_to_read(line.line) {
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:30}] {pos}/{len} files {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_length(n);
            bar.set_position(0);
            bar.set_message(line.line.trim_end_matches('.').to_string());
            return;
        }
        if line.line.starts_with("  read ") || line.line.starts_with("  reused ") {
            bar.inc(1);
            if shown {
                bar.println(self.style.format(&line));
            }
            return;
        }
        if line.line.starts_with("Step ") {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(line.line.to_string());
        }
        if shown {
            bar.println(self.style.format(&line));
        }
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

/// One line of a command's progress, on stderr, as `Progress` shows it.
pub fn log_line(line: &str) {
    Progress::plain().line(line);
}

/// The error a command stopped on: `error: …` on a terminal, as before; off it, each of
/// its lines with the time and `ERROR`, so a scheduler's log reads the same throughout.
/// Always shown, `--quiet` or not.
pub fn error(message: &str) {
    match Style::of_stderr() {
        Style::Terminal => eprintln!("error: {message}"),
        style => {
            for text in message.lines() {
                let line = Line {
                    level: Level::Error,
                    line: text,
                    text: text.to_string(),
                };
                eprintln!("{}", style.format(&line));
            }
        }
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
    use super::*;

    #[test]
    fn a_reading_line_gives_the_number_of_files() {
        assert_eq!(files_to_read("Reading cases (3 files)."), Some(3));
        assert_eq!(files_to_read("Step ingest: reading the sources."), None);
    }

    #[test]
    fn a_log_line_has_its_time_level_and_text_and_the_journal_s_priority() {
        let time = chrono::DateTime::parse_from_rfc3339("2026-12-05T01:00:02.417Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut levels = Levels::default();
        let warning = levels.read("Warning: the data-quality gate failed.");
        assert_eq!(
            log_line_at(&time, &warning, false),
            "2026-12-05T01:00:02.417Z WARN  the data-quality gate failed."
        );
        assert_eq!(
            log_line_at(&time, &warning, true),
            "<4>2026-12-05T01:00:02.417Z WARN  the data-quality gate failed."
        );
        let read = levels.read("  read data/a.csv");
        assert_eq!(
            log_line_at(&time, &read, false),
            "2026-12-05T01:00:02.417Z DEBUG   read data/a.csv"
        );
    }

    #[test]
    fn quiet_keeps_warnings_and_verbose_adds_debug() {
        assert!(Verbosity::Quiet.shows(Level::Warning));
        assert!(!Verbosity::Quiet.shows(Level::Info));
        assert!(Verbosity::Normal.shows(Level::Info));
        assert!(!Verbosity::Normal.shows(Level::Debug));
        assert!(Verbosity::Verbose.shows(Level::Debug));
    }
}

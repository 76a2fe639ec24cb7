//! The levels of a run's log. The steps report events as lines through the one callback
//! each takes (`&mut dyn FnMut(&str)`), so they need no logging framework and a test can
//! collect what they say; a line's level travels in its own words, which read the same to
//! a person: `Warning: …` or `Error: …` at its front, `Debug: …` for detail shown only
//! with `--verbose`. A line indented under another is that event's detail and takes its
//! level, except `  read …` and `  reused …` — one file read or taken over — which are
//! debug detail. How a line is shown (a terminal, a scheduler's log) is the command
//! line's business (`cli/progress.rs`).

/// How much a line matters, most first: `--quiet` keeps `Warning` and above, `--verbose`
/// adds `Debug`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Info,
    Debug,
}

impl Level {
    /// The word a scheduler's log shows.
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warning => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }

    /// The syslog priority journald reads from a `<N>` at the front of a line.
    pub fn syslog_priority(self) -> u8 {
        match self {
            Level::Error => 3,
            Level::Warning => 4,
            Level::Info => 6,
            Level::Debug => 7,
        }
    }
}

/// The words that mark a line's level, with the level they mark.
const MARKS: [(&str, Level); 3] = [
    ("Error: ", Level::Error),
    ("Warning: ", Level::Warning),
    ("Debug: ", Level::Debug),
];

/// Lines of progress detail: a file read, or taken over from the last run.
const PROGRESS: [&str; 2] = ["  read ", "  reused "];

/// `text` as a warning line.
pub fn warning(text: &str) -> String {
    format!("Warning: {text}")
}

/// `text` as a debug line, shown with `--verbose` only.
pub fn debug(text: &str) -> String {
    format!("Debug: {text}")
}

/// A line told apart: its level, and its text without the mark of its level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub level: Level,
    /// The line as written, mark included (what a terminal shows).
    pub line: &'a str,
    /// The line without its mark (what a log with a level column shows), indentation kept.
    pub text: String,
}

/// Tells each line's level, remembering the last event's for the detail lines under it.
#[derive(Debug, Clone)]
pub struct Levels {
    event: Level,
}

impl Default for Levels {
    fn default() -> Self {
        Levels { event: Level::Info }
    }
}

impl Levels {
    pub fn read<'a>(&mut self, line: &'a str) -> Line<'a> {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if let Some((mark, level)) = MARKS.iter().find(|(mark, _)| body.starts_with(mark)) {
            if indent.is_empty() {
                self.event = *level;
            }
            return Line {
                level: *level,
                line,
                text: format!("{indent}{}", &body[mark.len()..]),
            };
        }
        let level = match indent.is_empty() {
            true => {
                self.event = Level::Info;
                Level::Info
            }
            false if PROGRESS.iter().any(|p| line.starts_with(p)) => Level::Debug,
            false => self.event,
        };
        Line {
            level,
            line,
            text: line.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(lines: &[&str]) -> Vec<(Level, String)> {
        let mut levels = Levels::default();
        lines
            .iter()
            .map(|l| {
                let line = levels.read(l);
                (line.level, line.text)
            })
            .collect()
    }

    #[test]
    fn a_mark_sets_the_level_and_detail_lines_take_their_event_s() {
        assert_eq!(
            levels(&[
                "Reading cases (2 files).",
                "  read data/cases/a.csv",
                "    data/cases/a.csv: a value",
                "Warning: child_registry: 1 file under its folder not read:",
                "  data/x.pdf: not a format treem reads",
                "  reused data/cases/b.csv",
                "Debug: metrics written",
                "Step pack: publishing.",
                "  Warning: an indented warning",
                "  a detail",
            ]),
            vec![
                (Level::Info, "Reading cases (2 files).".into()),
                (Level::Debug, "  read data/cases/a.csv".into()),
                (Level::Info, "    data/cases/a.csv: a value".into()),
                (
                    Level::Warning,
                    "child_registry: 1 file under its folder not read:".into()
                ),
                (
                    Level::Warning,
                    "  data/x.pdf: not a format treem reads".into()
                ),
                (Level::Debug, "  reused data/cases/b.csv".into()),
                (Level::Debug, "metrics written".into()),
                (Level::Info, "Step pack: publishing.".into()),
                (Level::Warning, "  an indented warning".into()),
                (Level::Info, "  a detail".into()),
            ]
        );
    }
}

//! What an administrator sets up around the nightly run (issue 25): the shipped systemd
//! units and cron line, the metrics file of every run, the failure hook, logs a journal
//! can read, `treem status --format json`, and the example alert rules. The units and the
//! metrics are checked by the tools that will read them: `systemd-analyze` and `promtool`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{log_line, treem, Project, REPO};
use treem::run::manifest::{Manifest, Outcome};

/// A project whose first run is good.
fn project(extra: &str) -> Project {
    let p = Project::new();
    p.pipeline(extra);
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &common::registry_csv(&["TE1", "TE2"]),
    );
    p
}

/// Makes the next run fail (exit 1) in the ingest step: a population file that cannot be read.
fn break_population(p: &Project) {
    p.file(
        "data/reference/population.csv",
        "district_code,year,children_under_16\n633,two thousand,30000\n",
    );
}

fn manifest(p: &Project) -> Manifest {
    Manifest::read(&p.out("manifest.json")).expect("manifest.json reads")
}

/// A tool the test needs, with how to get it: a missing one fails the test.
fn tool(name: &str, package: &str) -> PathBuf {
    optional_tool(name)
        .unwrap_or_else(|| panic!("{name} is not installed: `apt-get install {package}`"))
}

/// A tool that checks more where it is installed. `promtool` comes with Prometheus, which
/// neither a newcomer's machine nor CI need have: where it is missing the test says so and
/// checks the file with what it has (the series are still parsed and every value asserted).
fn optional_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        eprintln!("{name} is not installed (`apt-get install prometheus`): its check is not run");
    }
    found
}

fn run_tool(program: &Path, args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

// ---------------------------------------------------------------- units and cron

const SERVICE: &str = "deploy/systemd/treem@.service";
const TIMER: &str = "deploy/systemd/treem@.timer";
const INSTALLED_BINARY: &str = "/usr/local/bin/treem";

/// The shipped units as an instance for pipeline `gia-lai-2021`, the binary path replaced
/// by this build's (verify checks that the command exists and is executable).
fn units_in(dir: &Path) -> (PathBuf, PathBuf) {
    let service = std::fs::read_to_string(Path::new(REPO).join(SERVICE)).unwrap();
    assert!(service.contains(INSTALLED_BINARY), "{service}");
    let service = service.replace(INSTALLED_BINARY, env!("CARGO_BIN_EXE_treem"));
    let s = dir.join("treem@gia-lai-2021.service");
    let t = dir.join("treem@gia-lai-2021.timer");
    std::fs::write(&s, service).unwrap();
    std::fs::copy(Path::new(REPO).join(TIMER), &t).unwrap();
    (s, t)
}

#[test]
fn the_shipped_units_verify_without_a_warning() {
    let analyze = tool("systemd-analyze", "systemd");
    let dir = tempfile::tempdir().unwrap();
    let (service, timer) = units_in(dir.path());
    let (code, said) = run_tool(
        &analyze,
        &["verify", service.to_str().unwrap(), timer.to_str().unwrap()],
        dir.path(),
    );
    // An unknown or misspelt setting is only a warning to systemd: any word fails here.
    assert_eq!(
        (code, said.trim()),
        (0, ""),
        "systemd-analyze verify said:\n{said}"
    );

    // The sandbox, as systemd scores it (0 = locked down, 10 = exposed).
    let (code, said) = run_tool(
        &analyze,
        &["security", "--offline=true", service.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, 0, "{said}");
    let level: f64 = said
        .lines()
        .find_map(|l| {
            l.split_once("Overall exposure level for")?
                .1
                .split_once(": ")
        })
        .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{said}"));
    assert!(level <= 2.0, "exposure {level}:\n{said}");
}

#[test]
fn the_service_runs_unprivileged_and_writes_only_the_output_folder() {
    let service = std::fs::read_to_string(Path::new(REPO).join(SERVICE)).unwrap();
    let settings: Vec<&str> = service
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .collect();
    for wanted in [
        "User=treem",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "ReadWritePaths=/var/lib/treem/out/%i",
    ] {
        assert!(
            settings.contains(&wanted),
            "{wanted} is missing:\n{service}"
        );
    }
    let writable: Vec<&&str> = settings
        .iter()
        .filter(|l| l.starts_with("ReadWritePaths="))
        .collect();
    assert_eq!(writable.len(), 1, "{writable:?}");
    assert!(!settings.iter().any(|l| l.starts_with("User=root")));
}

#[test]
fn the_cron_line_runs_what_the_service_runs() {
    let service = std::fs::read_to_string(Path::new(REPO).join(SERVICE)).unwrap();
    let exec = service
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap()
        .replace("%i", "gia-lai-2021");
    let cron = std::fs::read_to_string(Path::new(REPO).join("deploy/cron/treem")).unwrap();
    let lines: Vec<&str> = cron
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.len(), 1, "{cron}");
    let fields: Vec<&str> = lines[0].split_whitespace().collect();
    // minute hour day month weekday user command…
    assert_eq!(
        &fields[..6],
        ["30", "1", "*", "*", "*", "treem"],
        "{}",
        lines[0]
    );
    let command = fields[6..].join(" ");
    assert!(command.starts_with(&exec), "{command}\nshould run {exec}");
}

// ---------------------------------------------------------------- metrics

/// `name{labels} value` lines of a metrics file, by series.
fn series(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

fn value(all: &BTreeMap<String, f64>, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    all.iter()
        .find(|(key, _)| {
            key.split('{').next() == Some(name)
                && labels
                    .iter()
                    .all(|(k, v)| key.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, v)| *v)
}

#[test]
fn a_failed_run_writes_the_metrics_file_with_its_outcome() {
    let p = project("");
    p.run(&[]).expect_code(0);
    let good = manifest(&p);
    let metrics = p.out("treem.prom");
    let first = series(&std::fs::read_to_string(&metrics).unwrap());
    let done = [("outcome", "done"), ("pipeline", "test")];
    assert_eq!(value(&first, "treem_last_run_outcome", &done), Some(1.0));
    assert_eq!(
        value(
            &first,
            "treem_source_rows_read",
            &[("source", "child_registry")]
        ),
        Some(2.0)
    );
    assert_eq!(value(&first, "treem_quality_gate_failed", &[]), Some(0.0));

    break_population(&p);
    p.run(&[]).expect_code(1);
    let failed = manifest(&p);
    assert_eq!(failed.outcome, Outcome::Failed);
    let text = std::fs::read_to_string(&metrics).unwrap();
    let after = series(&text);
    assert_eq!(
        value(&after, "treem_last_run_outcome", &[("outcome", "failed")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(value(&after, "treem_last_run_outcome", &done), Some(0.0));
    // The last success is the good run's end; the failed run's own times are its.
    let ended = |m: &Manifest| m.ended.unwrap().timestamp_micros() as f64 / 1e6;
    let last_success = value(&after, "treem_last_success_timestamp_seconds", &[]).unwrap();
    assert!((last_success - ended(&good)).abs() < 1e-3, "{text}");
    let end = value(&after, "treem_last_run_end_timestamp_seconds", &[]).unwrap();
    assert!((end - ended(&failed)).abs() < 1e-3, "{text}");
    // The steps are the run's: the one that failed says so, those not reached are absent.
    let failed_step = failed.steps.last().unwrap().step.clone();
    assert_eq!(
        value(
            &after,
            "treem_step_status",
            &[("step", &failed_step), ("status", "failed")]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&after, "treem_step_status", &[("step", "pack")]),
        None
    );
    // The gate was not reached: no verdict rather than a false "passed".
    assert_eq!(value(&after, "treem_quality_gate_failed", &[]), None);
    // Written through a temporary file, none left behind.
    let leftovers: Vec<_> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("treem.prom.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The format, as Prometheus' own tool reads it: no error, no lint.
    let Some(promtool) = optional_tool("promtool") else {
        return;
    };
    let out = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&metrics).unwrap())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        (out.status.code(), said.trim()),
        (Some(0), ""),
        "promtool check metrics:\n{said}\n{text}"
    );
}

#[test]
fn a_source_with_no_file_is_in_the_metrics_with_zero_and_the_file_goes_where_asked() {
    let p = project("[monitoring]\nmetrics_file = \"../metrics/nightly.prom\"\n");
    std::fs::remove_file(p.path("data/child_registry/2021-12-31/a.csv")).unwrap();
    p.run(&[]).expect_code(0);
    assert!(!p.out("treem.prom").exists());
    let text = std::fs::read_to_string(p.path("metrics/nightly.prom")).unwrap();
    let all = series(&text);
    assert_eq!(
        value(&all, "treem_source_files", &[("source", "child_registry")]),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        value(&all, "treem_source_files", &[("source", "cases")]),
        Some(0.0),
        "{text}"
    );
    // The command line wins over the pipeline file.
    p.run(&["--metrics-file", "elsewhere.prom"]).expect_code(0);
    assert!(p.path("elsewhere.prom").is_file());
}

#[test]
fn the_alert_rules_load_and_fire_on_their_cases() {
    let Some(promtool) = optional_tool("promtool") else {
        return;
    };
    let dir = Path::new(REPO).join("deploy/prometheus");
    let (code, said) = run_tool(&promtool, &["check", "rules", "treem-alerts.yml"], &dir);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("3 rules found"), "{said}");
    let (code, said) = run_tool(&promtool, &["test", "rules", "treem-alerts.test.yml"], &dir);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("SUCCESS"), "{said}");
}

// ---------------------------------------------------------------- the failure hook

/// A hook that records its arguments and environment beside itself, prints a line and
/// fails: its failure must change nothing.
const RECORDING_HOOK: &str = r#"#!/bin/sh
here=$(dirname "$0")
printf '%s\n' "$*" >> "$here/calls.txt"
printf '%s|%s|%s|%s\n' "$TREEM_OUTCOME" "$TREEM_RUN_ID" "$TREEM_MANIFEST" "${TREEM_SECRET_KEY:-no secret}" >> "$here/env.txt"
echo "the hook says hello"
exit 7
"#;

fn executable(p: &Project, rel: &str, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = p.file(rel, text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn the_hook_runs_once_after_a_failed_run_with_its_outcome_run_id_and_manifest() {
    let p = project("[monitoring]\non_failure = [\"./hook.sh\", \"--channel\", \"ops\"]\n");
    executable(&p, "pipelines/hook.sh", RECORDING_HOOK);
    p.run(&[]).expect_code(0);
    assert!(
        !p.path("pipelines/calls.txt").exists(),
        "the hook ran after a run that was done"
    );

    break_population(&p);
    let run = p.run(&["--verbose"]);
    // The hook exits 7; the run's own exit code stands.
    run.expect_code(1);
    let m = manifest(&p);
    let calls = std::fs::read_to_string(p.path("pipelines/calls.txt")).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let record = std::fs::canonicalize(p.out(&format!("runs/{}.json", m.run_id))).unwrap();
    assert_eq!(
        calls[0],
        format!("--channel ops failed {} {}", m.run_id, record.display())
    );
    let env = std::fs::read_to_string(p.path("pipelines/env.txt")).unwrap();
    assert_eq!(
        env.trim(),
        format!("failed|{}|{}|no secret", m.run_id, record.display())
    );
    let record: Manifest = Manifest::read(&record).unwrap();
    assert_eq!(record.outcome, Outcome::Failed);
    let err = run.stderr();
    assert!(err.contains("hook: the hook says hello"), "{err}");
    assert!(err.contains("ended with exit status: 7"), "{err}");
}

#[test]
fn a_hanging_hook_is_stopped_at_its_limit_with_what_it_started() {
    let p = project(
        "[monitoring]\non_failure = [\"sh\", \"-c\", \"sleep 60 & echo $! > \\\"$0\\\"; wait\", \"sleeper.pid\"]\non_failure_timeout_seconds = 1\n",
    );
    break_population(&p);
    let clock = Instant::now();
    let run = p.run(&[]);
    let took = clock.elapsed();
    run.expect_code(1);
    assert!(
        took < Duration::from_secs(20),
        "the run waited {took:?} for a hook limited to 1 s"
    );
    let err = run.stderr();
    assert!(
        err.contains("was still running after its 1 s limit and was stopped"),
        "{err}"
    );
    // The hook's child went with it: its process group was stopped.
    let pid = std::fs::read_to_string(p.path("sleeper.pid")).unwrap();
    let state = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
        .ok()
        .and_then(|s| s.rsplit_once(") ")?.1.chars().next());
    assert!(
        matches!(state, None | Some('Z') | Some('X')),
        "the hook's child {} is still alive ({state:?})",
        pid.trim()
    );
    assert_eq!(manifest(&p).outcome, Outcome::Failed);
}

#[test]
fn a_hook_that_cannot_start_is_a_warning() {
    let p = project("[monitoring]\non_failure = [\"/nonexistent/notify\"]\n");
    break_population(&p);
    let run = p.run(&[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("The failure hook /nonexistent/notify could not be run"),
        "{}",
        run.stderr()
    );
}

// ---------------------------------------------------------------- logs

/// (level, text) of every line a run printed on stderr; every line must have a level.
fn levels(stderr: &str, started: chrono::DateTime<chrono::Utc>) -> Vec<(String, String)> {
    let ended = chrono::Utc::now();
    stderr
        .lines()
        .map(|line| {
            let (level, text) = log_line(line);
            let level = level.unwrap_or_else(|| panic!("no time and level: {line:?}"));
            let time = chrono::DateTime::parse_from_rfc3339(line.split(' ').next().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc);
            assert!(started <= time && time <= ended, "{line}");
            (level.to_string(), text.to_string())
        })
        .collect()
}

#[test]
fn off_a_terminal_every_line_has_its_time_and_level() {
    let p = project("");
    // A file no pattern takes: a warning.
    p.file("data/child_registry/readme.txt", "not a table");
    let started = chrono::Utc::now();
    let run = p.run(&[]);
    run.expect_code(0);
    let lines = levels(&run.stderr(), started);
    assert!(lines
        .iter()
        .any(|(l, t)| l == "INFO" && t.starts_with("Step ingest")));
    assert!(
        lines.iter().any(|(l, t)| l == "WARN"
            && t.starts_with("child_registry: 1 file under its folder not read")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|(l, _)| l == "DEBUG"), "{lines:?}");

    let run = p.run(&["--quiet", "--full-refresh"]);
    run.expect_code(0);
    let quiet = levels(&run.stderr(), started);
    assert!(!quiet.is_empty());
    assert!(quiet.iter().all(|(l, _)| l == "WARN"), "{quiet:?}");

    let run = p.run(&["--verbose", "--full-refresh"]);
    run.expect_code(0);
    let verbose = levels(&run.stderr(), started);
    assert!(
        verbose
            .iter()
            .any(|(l, t)| l == "DEBUG" && t.starts_with("  read ") && t.ends_with("a.csv")),
        "{verbose:?}"
    );
    assert!(
        verbose
            .iter()
            .any(|(l, t)| l == "DEBUG" && t.starts_with("Metrics written to")),
        "{verbose:?}"
    );

    // The error a run stops on is a line of the log too.
    break_population(&p);
    let run = p.run(&["--quiet"]);
    run.expect_code(1);
    let failed = levels(&run.stderr(), started);
    assert!(
        failed
            .iter()
            .any(|(l, t)| l == "ERROR" && t.contains("population")),
        "{failed:?}"
    );
}

// ---------------------------------------------------------------- status --format json

#[test]
fn status_json_parses_and_holds_the_run() {
    let p = project("");
    p.run(&[]).expect_code(0);
    let m = manifest(&p);
    let status = treem(
        p.dir.path(),
        &[
            "status",
            "pipelines/p.toml",
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    status.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&status.stdout())
        .unwrap_or_else(|e| panic!("{e}:\n{}", status.stdout()));
    assert_eq!(json["run_id"], m.run_id.as_str());
    assert_eq!(json["outcome"], "done");
    assert_eq!(json["inputs"]["files"], 1);
    let registry = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "registry")
        .unwrap();
    assert_eq!(registry["rows_read"], 2);
    assert_eq!(registry["kept"], 2);
    let steps: Vec<&str> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    let recorded: Vec<&str> = m.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(steps, recorded);
    assert_eq!(json["targets"]["level"], "province");
    let period = &json["targets"]["periods"][0];
    assert_eq!(period["period"], "2021");
    let counted =
        period["met"].as_array().unwrap().len() + period["not_met"].as_array().unwrap().len();
    assert_eq!(counted, 1, "{period}");
    assert!(json["duration_seconds"].as_f64().unwrap() > 0.0);

    // The text stays the default.
    let text = treem(
        p.dir.path(),
        &["status", "pipelines/p.toml", "--out", "out"],
    );
    assert!(text.stdout().starts_with("Last run "), "{}", text.stdout());
}

#[test]
fn monitoring_settings_are_checked_with_the_rest_of_the_pipeline_file() {
    let p = project(
        "[monitoring]\nmetrics_file = \"treem.txt\"\non_failure = []\non_failure_timeout_seconds = 0\n",
    );
    let run = p.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("3 problems"), "{err}");
    assert!(err.contains("monitoring.metrics_file"), "{err}");
    assert!(err.contains("monitoring.on_failure\" is empty"), "{err}");
    assert!(
        err.contains("monitoring.on_failure_timeout_seconds"),
        "{err}"
    );
}

#[test]
fn on_the_journal_s_stream_each_line_opens_with_its_syslog_priority() {
    use std::os::unix::fs::MetadataExt;
    let p = project("");
    p.file("data/child_registry/readme.txt", "not a table");
    // systemd names the stream it gives a service as `device:inode` in JOURNAL_STREAM; a
    // file stands in for its socket.
    let log = p.path("journal.txt");
    let file = std::fs::File::create(&log).unwrap();
    let meta = file.metadata().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["run", "pipelines/p.toml", "--out", "out"])
        .current_dir(p.dir.path())
        .env("TREEM_SECRET_KEY", "a test secret that is long enough")
        .env(
            "TREEM_KEY_DIR",
            std::env::temp_dir().join("treem-test-keys"),
        )
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .stderr(file)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&log).unwrap();
    let priority = |line: &str| line.split_once('>').map(|(p, _)| p.to_string());
    assert!(
        text.lines().all(|l| l.starts_with('<')),
        "every line has a priority:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| priority(l).as_deref() == Some("<4") && l.contains(" WARN  ")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| priority(l).as_deref() == Some("<6") && l.contains(" INFO  Step ingest")),
        "{text}"
    );
}

#[test]
fn a_failed_quality_gate_calls_the_hook_and_keeps_exit_code_3() {
    let p = project("[monitoring]\non_failure = [\"./hook.sh\"]\n");
    executable(&p, "pipelines/hook.sh", RECORDING_HOOK);
    // A file the registry's pattern takes that is no table: not read at all, which the
    // gate allows none of.
    p.file("data/child_registry/2021-12-31/notes.pdf", "not a table");
    p.run(&[]).expect_code(3);
    let m = manifest(&p);
    assert_eq!(m.outcome, Outcome::QualityGateFailed);
    let calls = std::fs::read_to_string(p.path("pipelines/calls.txt")).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(
        calls.starts_with(&format!("quality_gate_failed {} ", m.run_id)),
        "{calls}"
    );
    let metrics = series(&std::fs::read_to_string(p.out("treem.prom")).unwrap());
    assert_eq!(value(&metrics, "treem_quality_gate_failed", &[]), Some(1.0));
    assert_eq!(
        value(
            &metrics,
            "treem_source_files_not_read",
            &[("source", "child_registry")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&metrics, "treem_last_success_timestamp_seconds", &[]),
        Some(0.0)
    );
}

//! Safe to run every night with nobody watching (issue 6): incremental ingestion by
//! sha256, the lock of the output folder, outputs that survive `kill -9`, the manifest,
//! `treem status` and `treem check`, and their exit codes.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{parquet_files, parquet_rows, read_parquet, treem, Project, Workbook, REPO};
use polars::prelude::*;
use treem::run::manifest::{InputStatus, Manifest, Outcome, StepStatus};

const SECRET: &str = "a test secret that is long enough";

fn manifest(out: &Path) -> Manifest {
    Manifest::read(&out.join("manifest.json")).expect("manifest.json reads")
}

/// (file name, status) of every input in the manifest, sorted.
fn statuses(m: &Manifest) -> Vec<(String, InputStatus)> {
    let mut v: Vec<_> = m
        .inputs
        .iter()
        .map(|i| {
            let name = i.path.file_name().unwrap().to_string_lossy().into_owned();
            (name, i.status.clone())
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Every Parquet file under `dir` (relative path → frame).
fn frames(dir: &Path) -> BTreeMap<PathBuf, DataFrame> {
    parquet_files(dir)
        .into_iter()
        .map(|p| (p.strip_prefix(dir).unwrap().to_path_buf(), read_parquet(&p)))
        .collect()
}

fn same_tables(a: &BTreeMap<PathBuf, DataFrame>, b: &BTreeMap<PathBuf, DataFrame>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((pa, da), (pb, db))| pa == pb && da.equals_missing(db))
}

fn registry_row(id: &str) -> String {
    format!("{id},Tên,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,30/11/2021")
}

fn registry_file(ids: &[&str]) -> String {
    let mut text = common::REGISTRY_HEADER.to_string();
    for id in ids {
        text.push('\n');
        text.push_str(&registry_row(id));
    }
    text
}

#[test]
fn unchanged_inputs_are_reused_changed_ones_reread_and_removed_ones_dropped() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1", "TE2", "TE3"]),
    );
    p.file(
        "data/child_registry/2021-12-31/b.csv",
        &registry_file(&["TE4", "TE5"]),
    );
    p.file(
        "data/cases/2021/c.csv",
        &format!(
            "{}\nV1,TE1,Tên,23944,Xâm hại,Bạo lực,01/03/2021,01/03/2021 08:00,01/03/2021 15:00,05/03/2021,,Nam,05/03/2012",
            common::CASES_HEADER
        ),
    );
    let registry = || parquet_rows(&p.out("ingested/registry"));

    // First run: everything is read.
    p.run(&[]).expect_code(0);
    let first = manifest(&p.path("out"));
    assert_eq!(first.outcome, Outcome::Done);
    assert!(
        first
            .inputs
            .iter()
            .all(|i| i.status == InputStatus::Reingested && i.sha256.len() == 64),
        "{:?}",
        first.inputs
    );
    assert_eq!(registry(), 5, "3 children in a.csv + 2 in b.csv");
    let tables_before = frames(&p.out("ingested"));
    let rejected_before = frames(&p.out("rejected"));

    // Second run, nothing changed: nothing is read again, the tables are the same.
    let run = p.run(&[]);
    run.expect_code(0);
    let second = manifest(&p.path("out"));
    assert!(
        second.inputs.len() == 3
            && second
                .inputs
                .iter()
                .all(|i| i.status == InputStatus::Reused),
        "{:?}",
        second.inputs
    );
    assert!(
        second.steps.iter().all(|s| s.status == StepStatus::Skipped),
        "{:?}",
        second.steps
    );
    assert!(
        run.stderr().contains("Step ingest: skipped"),
        "{}",
        run.stderr()
    );
    assert!(same_tables(&tables_before, &frames(&p.out("ingested"))));
    assert!(same_tables(&rejected_before, &frames(&p.out("rejected"))));
    assert_ne!(first.run_id, second.run_id);
    assert!(p.path(&format!("out/runs/{}.json", first.run_id)).is_file());

    // b.csv gets a sixth child: only b.csv is read again.
    p.file(
        "data/child_registry/2021-12-31/b.csv",
        &registry_file(&["TE4", "TE5", "TE6"]),
    );
    p.run(&[]).expect_code(0);
    let third = manifest(&p.path("out"));
    assert_eq!(
        statuses(&third),
        vec![
            ("a.csv".to_string(), InputStatus::Reused),
            ("b.csv".to_string(), InputStatus::Reingested),
            ("c.csv".to_string(), InputStatus::Reused),
        ]
    );
    assert_eq!(registry(), 6, "3 + 3");
    let b = third
        .inputs
        .iter()
        .find(|i| i.path.ends_with("b.csv"))
        .unwrap();
    assert_eq!((b.rows_read, b.kept), (3, 3));
    // The incremental result is what a full refresh gives.
    let incremental = frames(&p.out("ingested"));
    p.run(&["--full-refresh"]).expect_code(0);
    assert!(manifest(&p.path("out"))
        .inputs
        .iter()
        .all(|i| i.status == InputStatus::Reingested));
    assert!(same_tables(&incremental, &frames(&p.out("ingested"))));

    // a.csv is deleted: its 3 children leave the clean table.
    std::fs::remove_file(p.path("data/child_registry/2021-12-31/a.csv")).unwrap();
    p.run(&[]).expect_code(0);
    let fourth = manifest(&p.path("out"));
    assert_eq!(
        statuses(&fourth),
        vec![
            ("b.csv".to_string(), InputStatus::Reused),
            ("c.csv".to_string(), InputStatus::Reused),
        ]
    );
    assert_eq!(registry(), 3, "6 before, minus a.csv's 3");
    // The indicators saw the change too.
    assert_eq!(fourth.steps[1].status, StepStatus::Run);
}

#[test]
fn a_duplicate_across_files_is_found_when_only_one_file_changes() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1", "TE2"]),
    );
    p.file(
        "data/child_registry/2021-12-31/b.csv",
        &registry_file(&["TE3"]),
    );
    p.run(&[]).expect_code(0);
    // a.csv now also holds TE3: b.csv's TE3 becomes the later duplicate, though b.csv is
    // unchanged, so b.csv cannot be reused.
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1", "TE2", "TE3"]),
    );
    p.run(&[]).expect_code(0);
    assert_eq!(parquet_rows(&p.out("ingested/registry")), 3);
    let reasons: Vec<_> = p.rejections("registry").into_iter().map(|r| r.0).collect();
    assert_eq!(reasons, vec!["duplicate_id".to_string()]);
}

#[test]
fn a_run_while_another_holds_the_lock_exits_75_and_names_it() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1"]),
    );
    std::fs::create_dir_all(p.path("out")).unwrap();
    let lock_path = p.path("out/.treem.lock");
    let mut held = File::create(&lock_path).unwrap();
    held.try_lock().unwrap();
    write!(held, "pid 4242, started 2021-12-31 01:00:00 UTC, run r1").unwrap();
    let run = p.run(&[]);
    run.expect_code(75);
    assert!(
        run.stderr()
            .contains("pid 4242, started 2021-12-31 01:00:00 UTC"),
        "{}",
        run.stderr()
    );
    assert!(
        !p.path("out/manifest.json").exists(),
        "the locked-out run writes nothing"
    );
    // Released (as when its holder dies), the same lock file no longer blocks.
    drop(held);
    p.run(&[]).expect_code(0);
}

#[test]
fn a_lock_file_left_by_a_killed_run_does_not_block() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1"]),
    );
    // A run of a big input, killed while it holds the lock.
    let big: Vec<String> = (0..40_000).map(|i| format!("TE{i}")).collect();
    let ids: Vec<&str> = big.iter().map(String::as_str).collect();
    p.file(
        "data/child_registry/2021-12-31/big.csv",
        &registry_file(&ids),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["run", "pipelines/p.toml", "--out", "out"])
        .current_dir(p.dir.path())
        .env("TREEM_SECRET_KEY", SECRET)
        .env(
            "TREEM_KEY_DIR",
            std::env::temp_dir().join("treem-test-keys"),
        )
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = p.path("out/.treem.lock");
    for _ in 0..200 {
        if std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let holder = std::fs::read_to_string(&lock).unwrap();
    assert!(holder.contains(&format!("pid {}", child.id())), "{holder}");
    p.run(&[]).expect_code(0);
    // TE1 of a.csv, and TE0…TE39999 of big.csv less its TE1, a duplicate.
    assert_eq!(parquet_rows(&p.out("ingested/registry")), 40_000);
}

/// Rows of each published table, and whether all of it reads.
fn published_counts(out: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for dir in ["ingested", "rejected", "indicators"] {
        for file in parquet_files(&out.join(dir)) {
            let rel = file.strip_prefix(out).unwrap();
            let table = rel.iter().take(2).collect::<PathBuf>();
            *counts
                .entry(table.to_string_lossy().into_owned())
                .or_default() += read_parquet(&file).height();
        }
    }
    counts
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_last_outputs_whole() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_string_lossy().into_owned();
    treem(Path::new(REPO), &["run", "--out", &out_arg]).expect_code(0);
    let good = published_counts(out.path());
    assert!(good.len() >= 6, "{good:?}");
    let good_manifest = manifest(out.path());

    // Each run is killed (SIGKILL) the moment its log shows it has reached a point: in
    // the middle of each step, and between them. The points come from the run itself, not
    // from a clock, so the test kills in the same places on a fast machine and a slow one.
    let points = [
        ("Step ingest: reading the sources.", true),
        ("Reading child_registry", true),
        ("Reading cases", true),
        ("Reading district_reports", true),
        ("Step indicators:", false),
        ("Step charts:", false),
        ("Step pack:", false),
        ("Step report:", false),
    ];
    for (i, (point, in_ingest)) in points.iter().enumerate() {
        let log = out.path().join(format!("../kill-{i}.log"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
            .args(["run", "--out", &out_arg, "--full-refresh"])
            .current_dir(REPO)
            .env("TREEM_SECRET_KEY", SECRET)
            .env(
                "TREEM_KEY_DIR",
                std::env::temp_dir().join("treem-test-keys"),
            )
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let mut printed = String::new();
        while !printed.contains(point) {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before it reached {point:?}:\n{printed}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "{point:?} never came"
            );
            std::thread::sleep(Duration::from_millis(1));
            printed = std::fs::read_to_string(&log).unwrap_or_default();
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let printed = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        if *in_ingest {
            // Killed before the ingest step published: the step's end line never came.
            assert!(!printed.contains("registry: "), "{point:?}: {printed}");
        }
        assert_eq!(
            published_counts(out.path()),
            good,
            "after a kill at {point:?}, log:\n{printed}"
        );
        // The manifest is whole: the last run's, or the killed one's if it got that far.
        let m = manifest(out.path());
        assert!(m.run_id == good_manifest.run_id || m.outcome == Outcome::Done);
    }

    // The next run cleans what the dead ones left and ends as the first did.
    treem(Path::new(REPO), &["run", "--out", &out_arg]).expect_code(0);
    assert_eq!(published_counts(out.path()), good);
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging") || n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let versions = std::fs::read_dir(out.path().join(".versions"))
        .unwrap()
        .count();
    assert_eq!(
        versions,
        treem::run::Step::ALL.len(),
        "one version of each step's outputs"
    );
}

#[test]
fn status_tells_the_last_run_and_a_failure_keeps_the_last_outputs() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1", "TE2"]),
    );
    p.run(&[]).expect_code(0);
    let status = treem(
        p.dir.path(),
        &["status", "pipelines/p.toml", "--out", "out"],
    );
    status.expect_code(0);
    let text = status.stdout();
    assert!(text.contains(": done"), "{text}");
    assert!(
        text.contains("Inputs: 1 files, 1 changed or new and ingested"),
        "{text}"
    );
    assert!(text.contains("a.csv"), "{text}");
    assert!(text.contains("Targets (province): 2021: "), "{text}");

    // A population file that cannot be read fails the run (exit 1): the manifest says so,
    // the last good clean tables stay.
    p.file(
        "data/reference/population.csv",
        "district_code,year,children_under_16\n633,two thousand,30000\n",
    );
    p.run(&[]).expect_code(1);
    let m = manifest(&p.path("out"));
    assert_eq!(m.outcome, Outcome::Failed);
    assert!(
        m.error.as_deref().unwrap_or("").contains("population"),
        "{:?}",
        m.error
    );
    assert_eq!(parquet_rows(&p.out("ingested/registry")), 2);
    let status = treem(p.dir.path(), &["status", "--out", "out"]);
    assert!(status.stdout().contains("failed:"), "{}", status.stdout());
}

#[test]
fn check_lists_a_broken_workbook_cell_and_writes_nothing() {
    let p = Project::new();
    p.with_reports_and_fund();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1"]),
    );
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    let mut broken = Workbook::chu_se_2021();
    broken.unit_name = "Phòng LĐTB&XH huyện Đăk Đoa".into();
    broken.unit_code = "626".into();
    broken.values[1] = ("B1.02", "nhiều".into());
    broken.write(&p.path("data/district_reports/2021/dak_doa.xlsx"));
    let before = common::all_files(p.dir.path()).len();

    let check = treem(p.dir.path(), &["check", "pipelines/p.toml"]);
    check.expect_code(3);
    let text = check.stdout();
    let line = text
        .lines()
        .find(|l| l.contains("dak_doa.xlsx"))
        .unwrap_or_else(|| panic!("no problem named for dak_doa.xlsx:\n{text}"));
    assert!(line.contains("sheet \"Biểu 1\""), "{line}");
    assert!(line.contains("row "), "{line}");
    assert!(
        !text.contains("chu_se.xlsx"),
        "the good workbook has no problem:\n{text}"
    );
    assert_eq!(
        common::all_files(p.dir.path()).len(),
        before,
        "check wrote nothing"
    );
    assert!(!p.path("out").exists());

    // Fixed, the same inputs check clean.
    Workbook {
        unit_name: "Phòng LĐTB&XH huyện Đăk Đoa".into(),
        unit_code: "626".into(),
        ..Workbook::chu_se_2021()
    }
    .write(&p.path("data/district_reports/2021/dak_doa.xlsx"));
    treem(p.dir.path(), &["check", "pipelines/p.toml"]).expect_code(0);

    // A bad pipeline file is exit 2.
    p.pipeline("colour = \"blue\"");
    treem(p.dir.path(), &["check", "pipelines/p.toml"]).expect_code(2);
}

#[test]
fn a_reader_that_closes_the_pipe_early_stops_treem_quietly() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry_file(&["TE1"]),
    );
    p.run(&[]).expect_code(0);
    // `treem status | head -0`: the reader is gone before treem writes a line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["status", "pipelines/p.toml", "--out", "out"])
        .current_dir(p.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! Every file is read or refused loudly (issue 19, parts 2 and 5): a file under a source's
//! folder that no pattern takes is listed with its reason in the log, the manifest,
//! `treem status` and `treem check`; a file that cannot be read at all fails the
//! data-quality gate.

mod common;

use common::{treem, Project, REGISTRY_HEADER};
use treem::run::manifest::{Manifest, Outcome};

fn registry(ids: &[&str]) -> String {
    let mut text = REGISTRY_HEADER.to_string();
    for id in ids {
        text.push_str(&format!(
            "\n{id},Tên,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,30/11/2021"
        ));
    }
    text
}

/// A project whose registry pattern takes `pattern` under each snapshot folder.
fn project(pattern: &str) -> Project {
    let p = Project::new();
    let text = std::fs::read_to_string(p.path("pipelines/p.toml")).unwrap();
    p.file(
        "pipelines/p.toml",
        &text.replace(
            "child_registry = \"../data/child_registry/*/*\"",
            &format!("child_registry = \"../data/child_registry/*/{pattern}\""),
        ),
    );
    p
}

#[test]
fn files_no_pattern_takes_are_listed_with_their_reason_everywhere() {
    let p = project("*.csv");
    p.file("data/child_registry/2021-12-31/a.csv", &registry(&["TE-1"]));
    // Matched without regard to case, as Windows names files.
    p.file("data/child_registry/2021-12-31/B.CSV", &registry(&["TE-2"]));
    p.bytes(
        "data/child_registry/2021-12-31/c.xls",
        b"a workbook the pattern misses",
    );
    p.bytes("data/child_registry/2021-12-31/scan.pdf", b"%PDF-1.4");
    p.bytes("data/child_registry/2021-12-31/~$a.xlsx", b"lock");
    p.file(
        "data/child_registry/2021-12-31/old/d.csv",
        &registry(&["TE-3"]),
    );

    let run = p.run(&[]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("child_registry: 4 files under its folder not read:"),
        "{err}"
    );
    assert!(err.contains("registry: 2 rows read = 2 kept"), "{err}");
    let m = Manifest::read(&p.out("manifest.json")).unwrap();
    let ignored: Vec<(String, String)> = m
        .ignored
        .iter()
        .map(|f| {
            let name = f
                .path
                .strip_prefix("pipelines/../data/child_registry")
                .unwrap();
            (name.display().to_string(), f.reason.clone())
        })
        .collect();
    let names: Vec<&str> = ignored.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "2021-12-31/c.xls",
            "2021-12-31/old/d.csv",
            "2021-12-31/scan.pdf",
            "2021-12-31/~$a.xlsx"
        ]
    );
    assert!(
        ignored[0].1.contains("although treem reads .xls files"),
        "{:?}",
        ignored[0]
    );
    assert!(
        ignored[1].1.contains("although treem reads .csv files"),
        "{:?}",
        ignored[1]
    );
    assert!(
        ignored[2].1.contains("treem does not read .pdf files"),
        "{:?}",
        ignored[2]
    );
    assert!(ignored[3].1.contains("Excel lock file"), "{:?}", ignored[3]);
    assert!(m.ignored.iter().all(|f| f.source == "child_registry"));

    let status = treem(
        p.dir.path(),
        &["status", "pipelines/p.toml", "--out", "out"],
    );
    status.expect_code(0);
    assert!(
        status
            .stdout()
            .contains("Ignored: 4 files under the sources' folders that no pattern takes:"),
        "{}",
        status.stdout()
    );
    assert!(status.stdout().contains("c.xls"), "{}", status.stdout());

    // `check` calls the two readable files the pattern misses problems.
    let check = treem(p.dir.path(), &["check", "pipelines/p.toml"]);
    check.expect_code(3);
    let out = check.stdout();
    assert!(out.contains("2 problems"), "{out}");
    assert!(
        out.contains("c.xls: not read:") && out.contains("d.csv: not read:"),
        "{out}"
    );
}

#[test]
fn alternatives_in_a_pattern_take_every_format_listed() {
    let p = project("*.{csv,txt}");
    p.file("data/child_registry/2021-12-31/a.csv", &registry(&["TE-1"]));
    p.file("data/child_registry/2021-12-31/b.TXT", &registry(&["TE-2"]));
    let run = p.run(&[]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("registry: 2 rows read = 2 kept"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("not read:"), "{}", run.stderr());
    assert!(Manifest::read(&p.out("manifest.json"))
        .unwrap()
        .ignored
        .is_empty());
}

#[test]
fn a_file_not_read_at_all_fails_the_gate_unless_the_pipeline_allows_it() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry(&["TE-1", "TE-2"]),
    );
    p.bytes(
        "data/child_registry/2021-12-31/broken.xlsx",
        b"not a zip archive",
    );
    let run = p.run(&[]);
    run.expect_code(3);
    let err = run.stderr();
    assert!(
        err.contains("1 not read at all, each a rejected row with row number 0"),
        "{err}"
    );
    let m = Manifest::read(&p.out("manifest.json")).unwrap();
    assert_eq!(m.outcome, Outcome::QualityGateFailed);
    let gate = m.quality_gate.unwrap_or_default();
    assert!(
        gate.contains("1 file could not be read at all") && gate.contains("broken.xlsx"),
        "{gate}"
    );
    // The good file's rows are kept all the same.
    assert_eq!(common::parquet_rows(&p.out("ingested/registry")), 2);

    let text = std::fs::read_to_string(p.path("pipelines/p.toml")).unwrap();
    p.file(
        "pipelines/p.toml",
        &text.replace(
            "max_rejected_share = 1.0",
            "max_rejected_share = 1.0\nmax_unreadable_files = 1",
        ),
    );
    p.run(&[]).expect_code(0);
    assert_eq!(
        Manifest::read(&p.out("manifest.json")).unwrap().outcome,
        Outcome::Done
    );
}

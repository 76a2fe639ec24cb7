//! The key stays out of the data (issue 24): the secret behind child keys never lives in
//! the output folder, is guarded by its file mode, can be shown and rotated, and what may
//! be shared is copied without it. Every run here has no `TREEM_SECRET_KEY` and its own
//! key folder (`TREEM_KEY_DIR`), so the default home is what is tested.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{all_files, parquet_files, read_parquet, Project, Run, REPO};
use treem::run::manifest::{InputStatus, Manifest};

/// Runs `treem ARGS` from `cwd` with keys kept in `keys` and no secret in the environment.
fn treem(cwd: &Path, keys: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .current_dir(cwd)
        .env_remove("TREEM_SECRET_KEY")
        .env("TREEM_KEY_DIR", keys)
        .output()
        .expect("the treem binary runs");
    Run {
        command: format!("TREEM_KEY_DIR={} treem {}", keys.display(), args.join(" ")),
        output,
    }
}

/// The secret in the key file: its one line that is not a comment.
fn secret_in(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap()
        .trim()
        .to_string()
}

/// Files under `dir` holding any of `needles`, as bytes.
fn files_holding(dir: &Path, needles: &[Vec<u8>]) -> Vec<PathBuf> {
    all_files(dir)
        .into_iter()
        .filter(|f| {
            let bytes = std::fs::read(f).unwrap_or_default();
            needles
                .iter()
                .any(|n| memchr::memmem::find(&bytes, n).is_some())
        })
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_sample_run_leaves_no_key_material_under_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, out) = (dir.path().join("keys"), dir.path().join("out"));
    let out_arg = out.to_string_lossy().into_owned();
    let run = treem(Path::new(REPO), &keys, &["run", "--out", &out_arg]);
    run.expect_code(0);
    let key_file = keys.join("gia-lai-2021.key");
    assert!(
        run.stderr().contains("Created a new secret key"),
        "{}",
        run.stderr()
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&key_file), 0o600);
        assert_eq!(mode(&keys), 0o700);
    }
    let secret = secret_in(&key_file);
    assert_eq!(secret.len(), 64);
    // The secret in every form treem could write it, and its fingerprint (kept beside the
    // key, never under the output folder).
    let mut needles = treem::secret_key::encodings(secret.as_bytes());
    let ledger = std::fs::read_to_string(keys.join("ids")).unwrap();
    let (fingerprint, id) = ledger.trim().split_once(' ').unwrap();
    needles.push(fingerprint.as_bytes().to_vec());
    needles.push(fingerprint.as_bytes()["SHA256:".len()..].to_vec());
    let files = all_files(&out);
    assert!(files.len() > 50, "{} files", files.len());
    assert_eq!(files_holding(&out, &needles), Vec::<PathBuf>::new());
    assert!(!files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "key")));
    // The manifest names the key by its random id, which tells nothing of the secret.
    let manifest = Manifest::read(&out.join("manifest.json")).unwrap();
    assert_eq!(manifest.key_id.as_deref(), Some(id));
    // The search would have found the secret had it been there.
    std::fs::write(out.join("planted"), format!("x{}y", secret.to_uppercase())).unwrap();
    assert_eq!(files_holding(&out, &needles), vec![out.join("planted")]);
}

#[test]
fn a_key_file_inside_the_output_folder_is_refused() {
    let p = Project::new();
    p.pipeline("[privacy]\nsecret_key_file = \"../out/k.key\"\n");
    let keys = p.path("keys");
    let run = treem(
        p.dir.path(),
        &keys,
        &["run", "pipelines/p.toml", "--out", "out"],
    );
    run.expect_code(2);
    assert!(
        run.stderr().contains("is inside the output folder"),
        "{}",
        run.stderr()
    );
    assert!(!p.out("k.key").exists());
    assert!(!p.out("ingested").exists());
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_stops_the_run_with_the_chmod_to_fix_it() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    let keys = p.path("keys");
    treem(p.dir.path(), &keys, &["key", "create", "pipelines/p.toml"]).expect_code(0);
    let key = keys.join("test.key");
    assert_eq!(mode(&key), 0o600);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = treem(
        p.dir.path(),
        &keys,
        &["run", "pipelines/p.toml", "--out", "out"],
    );
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains(&format!("chmod 600 {}", key.display())),
        "{}",
        run.stderr()
    );
    assert!(!p.out("ingested").exists());
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    treem(
        p.dir.path(),
        &keys,
        &["run", "pipelines/p.toml", "--out", "out"],
    )
    .expect_code(0);
}

fn child_keys(out: &Path) -> Vec<String> {
    let mut keys = Vec::new();
    for f in parquet_files(&out.join("ingested/registry")) {
        let df = read_parquet(&f);
        let col = df.column("child_key").unwrap().str().unwrap();
        keys.extend(col.iter().flatten().map(str::to_string));
    }
    keys.sort();
    keys
}

fn registry(ids: &[&str]) -> String {
    let mut text = common::REGISTRY_HEADER.to_string();
    for id in ids {
        text.push_str(&format!(
            "\n{id},Tên,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,30/11/2021"
        ));
    }
    text
}

#[test]
fn rotation_changes_every_key_and_the_next_run_says_why_it_reads_everything() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry(&["TE-1", "TE-2", "TE-3"]),
    );
    p.file(
        "data/child_registry/2021-06-30/b.csv",
        &registry(&["TE-1", "TE-4"]),
    );
    let keys = p.path("keys");
    let run_args = ["run", "pipelines/p.toml", "--out", "out"];
    treem(p.dir.path(), &keys, &run_args).expect_code(0);
    let before = child_keys(&p.out(""));
    assert_eq!(before.len(), 5);
    // An unchanged second run reuses everything and keeps the keys.
    let again = treem(p.dir.path(), &keys, &run_args);
    again.expect_code(0);
    assert!(
        again.stderr().contains("Step ingest: skipped"),
        "{}",
        again.stderr()
    );
    assert_eq!(child_keys(&p.out("")), before);

    let key = keys.join("test.key");
    let old_secret = secret_in(&key);
    let rotate = treem(p.dir.path(), &keys, &["key", "rotate", "pipelines/p.toml"]);
    rotate.expect_code(0);
    assert!(!rotate.stdout().contains(&old_secret));
    assert_ne!(secret_in(&key), old_secret);
    assert!(
        rotate.stdout().contains("New fingerprint: SHA256:"),
        "{}",
        rotate.stdout()
    );

    let after_run = treem(p.dir.path(), &keys, &run_args);
    after_run.expect_code(0);
    assert!(
        after_run
            .stderr()
            .contains("is not the one the clean tables were keyed with"),
        "{}",
        after_run.stderr()
    );
    let after = child_keys(&p.out(""));
    assert_eq!(after.len(), 5);
    assert!(
        after.iter().all(|k| !before.contains(k)),
        "a key survived rotation"
    );
    // The same child still links across the two snapshots under the new key.
    assert_eq!(after.windows(2).filter(|w| w[0] == w[1]).count(), 1);
    let manifest = Manifest::read(&p.out("manifest.json")).unwrap();
    assert!(manifest
        .inputs
        .iter()
        .all(|i| i.status == InputStatus::Reingested));
}

#[test]
fn an_old_key_in_the_output_folder_is_moved_out_and_keeps_the_keys() {
    let p = Project::new();
    p.file("data/child_registry/2021-12-31/a.csv", &registry(&["TE-1"]));
    let keys = p.path("keys");
    let old = "0123456789abcdef0123456789abcdef";
    p.file("out/secret.key", old);
    let run = treem(
        p.dir.path(),
        &keys,
        &["run", "pipelines/p.toml", "--out", "out"],
    );
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("Moved the secret key out of the output folder"),
        "{}",
        run.stderr()
    );
    assert!(!p.out("secret.key").exists());
    assert_eq!(secret_in(&keys.join("test.key")), old);
    #[cfg(unix)]
    assert_eq!(mode(&keys.join("test.key")), 0o600);
    // The child keys are those the old key gave.
    let expected = treem::hash::pseudonymise::Pseudonymiser::new(old.as_bytes())
        .unwrap()
        .child_key("TE-1")
        .to_string();
    assert_eq!(child_keys(&p.out("")), vec![expected]);
}

#[test]
fn key_show_tells_where_and_the_fingerprint_never_the_secret() {
    let p = Project::new();
    let keys = p.path("keys");
    let show = treem(p.dir.path(), &keys, &["key", "show", "pipelines/p.toml"]);
    show.expect_code(0);
    assert!(
        show.stdout().contains("Not created yet"),
        "{}",
        show.stdout()
    );
    treem(p.dir.path(), &keys, &["key", "create", "pipelines/p.toml"]).expect_code(0);
    treem(p.dir.path(), &keys, &["key", "create", "pipelines/p.toml"]).expect_code(2);
    let show = treem(p.dir.path(), &keys, &["key", "show", "pipelines/p.toml"]);
    show.expect_code(0);
    let secret = secret_in(&keys.join("test.key"));
    assert!(show
        .stdout()
        .contains(&keys.join("test.key").display().to_string()));
    assert!(
        show.stdout().contains("Fingerprint: SHA256:"),
        "{}",
        show.stdout()
    );
    assert!(!show.stdout().contains(&secret));
    assert!(!show.stdout().contains(&secret[..16]));
}

#[test]
fn share_copies_the_tables_indicators_and_pack_and_nothing_else() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/a.csv",
        &registry(&["TE-1", "TE-2"]),
    );
    let keys = p.path("keys");
    treem(
        p.dir.path(),
        &keys,
        &["run", "pipelines/p.toml", "--out", "out"],
    )
    .expect_code(0);
    let run = treem(
        p.dir.path(),
        &keys,
        &[
            "share",
            "pipelines/p.toml",
            "--out",
            "out",
            "--to",
            "shared",
        ],
    );
    run.expect_code(0);
    let shared = p.path("shared");
    for present in [
        "pack/index.html",
        "pack/indicators.xlsx",
        "indicators/indicators.parquet",
        "manifest.json",
        "README.txt",
    ] {
        assert!(shared.join(present).is_file(), "{present} missing");
    }
    assert!(!parquet_files(&shared.join("ingested/registry")).is_empty());
    assert!(!shared.join("rejected").exists());
    // The report is shared; the districts' feedback, their own figures, is not.
    assert!(shared.join("report").is_dir());
    assert!(!shared.join("feedback").exists());
    let names: Vec<String> = all_files(&shared)
        .iter()
        .map(|f| {
            f.strip_prefix(&shared)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with('.') || n.contains("/.") || n.ends_with(".key")),
        "{names:?}"
    );
    let secret = secret_in(&keys.join("test.key"));
    let needles = treem::secret_key::encodings(secret.as_bytes());
    assert_eq!(files_holding(&shared, &needles), Vec::<PathBuf>::new());
    // A second share into the same folder is refused: nothing is overwritten.
    treem(
        p.dir.path(),
        &keys,
        &[
            "share",
            "pipelines/p.toml",
            "--out",
            "out",
            "--to",
            "shared",
        ],
    )
    .expect_code(2);
}

//! Gives each build an identity: a digest of the sources, the reference files the code
//! embeds (`include_str!` of `reference/`), the manifest and the lock file, as
//! `TREEM_BUILD_ID` (`crate::BUILD`).
//!
//! A step is skipped when what it would be built from is unchanged, and "what it is built
//! from" includes the code that builds it. The crate's version alone never changes between
//! the builds a province deploys, so a nightly run on a fixed treem would keep the outputs
//! the old code made until an input changed; a digest of the sources changes with any
//! change of code or of a dependency, and the first run of a new build builds everything
//! again.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    // A directory is scanned for any change of any file in it.
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=reference");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    for dir in ["src", "reference"] {
        if let Err(e) = sources(Path::new(dir), &mut files) {
            panic!("build.rs: cannot list {dir}/: {e}");
        }
    }
    files.sort();
    files.extend([PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")]);
    let mut hasher = Sha256::new();
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => panic!("build.rs: cannot read {}: {e}", file.display()),
        };
        // The name and the length delimit each file, so moving text between files changes
        // the digest too.
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let digest = hasher.finalize();
    let id: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=TREEM_BUILD_ID={id}");
}

/// Every file under `dir`, depth first.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            sources(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

//! The shape of the house, checked: which top-level module of `src/` names which other
//! (`crate::<module>` anywhere in its code, in `use` lines or inline), and the rules those
//! edges must keep. No two modules may reach each other, directly or round a longer circle,
//! and nothing may import the orchestrator (`run`) or the command line (`cli`) beneath it
//! (`cli` alone drives `run`). A file is read as text, comments left out: the check needs
//! no build of what it checks, so it also runs on a tree that does not compile yet.
//!
//! `scripts/check_layers.sh` runs this test and prints the edges.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules that only the command line may import.
const ABOVE: [&str; 2] = ["run", "cli"];

/// Who may import an `ABOVE` module: `cli` drives `run`.
const DRIVERS: [(&str, &str); 1] = [("cli", "run")];

/// Steps at the end of the data flow, and the only modules that may import them: the
/// report draws on the pack's words, nothing draws on the report but the run.
const LAST_STEPS: [(&str, &[&str]); 1] = [("report", &["run"])];

type Edges = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn no_module_reaches_back_into_another_nor_up_into_run() {
    let edges = edges(&Path::new(common::REPO).join("src"));
    println!("Imports between the modules of src/ (module -> what it names: files):");
    for (from, tos) in &edges {
        for (to, files) in tos {
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            println!("  {from} -> {to}    ({})", files.join(", "));
        }
    }
    let mut problems = Vec::new();
    for (from, tos) in &edges {
        for (to, files) in tos {
            let driven = DRIVERS.contains(&(from.as_str(), to.as_str()));
            if ABOVE.contains(&to.as_str()) && !driven {
                problems.push(format!(
                    "{from} imports {to}, which sits above the steps ({}).",
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    for (step, allowed) in LAST_STEPS {
        for (from, tos) in &edges {
            if let Some(files) = tos.get(step) {
                if !allowed.contains(&from.as_str()) {
                    problems.push(format!(
                        "{from} imports {step}, the last step, which only {} may drive ({}).",
                        allowed.join(", "),
                        files.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    for circle in cycles(&edges) {
        problems.push(format!("A circle of imports: {}.", circle.join(" -> ")));
    }
    assert!(
        problems.is_empty(),
        "The modules' imports break the layering:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn a_circle_is_found() {
    let mut edges = Edges::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        edges
            .entry(from.into())
            .or_default()
            .entry(to.into())
            .or_default()
            .insert(String::new());
    }
    assert_eq!(cycles(&edges), vec![vec!["a", "b", "c", "a"]]);
    assert_eq!(
        named_modules("use crate::{a::b, c::{d, e}};\nlet x = crate::f::g(); // crate::h\n"),
        ["a", "c", "f"].map(String::from).into()
    );
}

/// module -> module it names -> the files (relative to `src/`) that name it.
fn edges(src: &Path) -> Edges {
    let mut edges = Edges::new();
    for file in common::files_with_extension(src, "rs") {
        let relative = file
            .strip_prefix(src)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let module = match relative.split_once('/') {
            Some((folder, _)) => folder.to_string(),
            None => relative.trim_end_matches(".rs").to_string(),
        };
        // The binary names the library as `treem::`, never `crate::`; lib.rs declares.
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for named in named_modules(&text) {
            if named != module {
                edges
                    .entry(module.clone())
                    .or_default()
                    .entry(named)
                    .or_default()
                    .insert(relative.clone());
            }
        }
    }
    edges
}

/// The top-level modules a file's code names through `crate::`: `crate::a::b`,
/// `use crate::{a, b::c}`. Comments are left out.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The top level of a `{…}` group: each item's first name.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        named.extend(first_name(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            named.extend(first_name(&item));
        } else {
            named.extend(first_name(rest));
        }
    }
    named
}

fn first_name(path: &str) -> Option<String> {
    let name: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    // `crate::Error` names an item of lib.rs, not a module.
    (!name.is_empty() && name.starts_with(|c: char| c.is_lowercase())).then_some(name)
}

/// Every elementary circle, each once, starting from its smallest module.
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    fn walk(edges: &Edges, start: &str, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
        let Some(tos) = edges.get(path.last().unwrap()) else {
            return;
        };
        for to in tos.keys() {
            if to == start {
                let mut circle = path.clone();
                circle.push(start.to_string());
                found.push(circle);
            } else if to.as_str() > start && !path.contains(to) {
                path.push(to.clone());
                walk(edges, start, path, found);
                path.pop();
            }
        }
    }
    let mut found = Vec::new();
    for start in edges.keys() {
        walk(edges, start, &mut vec![start.clone()], &mut found);
    }
    found
}

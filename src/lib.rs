//! treem — the child-protection statistics pipeline of a Vietnamese province.
//!
//! The library holds all the work; `main.rs` only parses the command line and maps the
//! outcome to an exit code. The modules follow the data flow:
//! `config` (the pipeline file) → `sources` (decode and parse what communes and districts
//! send) → `ingest` (row rules, pseudonymisation, clean Parquet) → `indicators` (the long
//! table of indicators with baselines and targets, with the `quality` checks) → `charts`
//! and `pack`, which draw the indicators as `disclosure` publishes them, once per run, and
//! `report`, the Word report and the districts' feedback drawn from the same table.
//! `run` drives the steps and sits above them; nothing but `cli` imports it. What the
//! steps share sits beneath them: `store` (the output folder, atomic publishing, Parquet),
//! `hash` (file hashes, child keys), `columns` (names and levels), `reference` (the
//! official administrative units, the scope), `text` (Vietnamese text, numbers, dates,
//! legacy encodings), `log` (the levels of the lines a run reports). `generate` makes
//! sample data. `tests/layers.rs` keeps the imports
//! one way.

#![forbid(unsafe_code)]

/// The build: the crate's version and a digest of the code and the reference files it was
/// built from (`build.rs`),
/// `0.1.0+3f2a…`. Every step's fingerprint holds it, so a new build of the same version
/// does not take outputs made by the old code for its own; the manifest and the pack name
/// it, so whoever reads them can tell which build made them.
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("TREEM_BUILD_ID"));

pub mod charts;
pub mod cli;
pub mod columns;
pub mod config;
pub mod disclosure;
pub mod error;
pub mod generate;
pub mod hash;
pub mod indicators;
pub mod ingest;
pub mod log;
pub mod pack;
pub mod quality;
pub mod reference;
pub mod report;
pub mod run;
pub mod secret_key;
pub mod sources;
pub mod store;
pub mod text;

pub use error::Error;

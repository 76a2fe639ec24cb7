//! treem — the child-protection statistics pipeline of a Vietnamese province.
//!
//! The library holds all the work; `main.rs` only parses the command line and maps the
//! outcome to an exit code. The modules follow the data flow:
//! `config` (the pipeline file) → `sources` (decode and parse what communes and districts
//! send) → `ingest` (row rules, pseudonymisation, clean Parquet) → `indicators` (the long
//! table of indicators with baselines and targets), driven by `run`; `charts` and `pack` draw the published, disclosure-controlled
//! indicators for the report.
//! `text` is everything about Vietnamese text, numbers, dates and legacy encodings;
//! `reference` is the official list of administrative units; `generate` makes sample data.

#![forbid(unsafe_code)]

pub mod charts;
pub mod cli;
pub mod columns;
pub mod config;
pub mod error;
pub mod generate;
pub mod indicators;
pub mod ingest;
pub mod pack;
pub mod quality;
pub mod reference;
pub mod run;
pub mod secret_key;
pub mod sources;
pub mod text;

pub use error::Error;

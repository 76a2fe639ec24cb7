//! treem — the child-protection statistics pipeline of a Vietnamese province.
//!
//! The library holds all the work; `main.rs` only parses the command line and maps the
//! outcome to an exit code. The modules follow the data flow:
//! `config` (the pipeline file) → `sources` (decode and parse what communes and districts
//! send) → `ingest` (row rules, pseudonymisation, clean Parquet) → later steps.
//! `text` is everything about Vietnamese text, numbers, dates and legacy encodings;
//! `reference` is the official list of administrative units.

pub mod generate;
pub mod text;

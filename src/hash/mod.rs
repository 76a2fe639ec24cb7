//! SHA-256 where the pipeline spends on it: the inputs' and outputs' hashes (`file_hash`,
//! the `sha2` crate) and the keys children and cases get in place of their ids
//! (`pseudonymise`, HMAC-SHA256 from the `hmac` crate). No cryptography is written here.
//!
//! A module of its own beneath `sources` and the steps: the sources key each row as they
//! parse it, the ingest step hashes its inputs and the run its outputs, and none of them
//! should have to import another for it.

pub mod file_hash;
pub mod pseudonymise;

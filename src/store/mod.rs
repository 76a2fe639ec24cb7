//! What every step writes and reads through: the output folder and where each step's
//! outputs sit in it (`layout.rs`), files and folders published atomically (`layout.rs`), an
//! early writeback of staged files (`writeback.rs`), and the Parquet files the steps hand
//! each other (`parquet.rs`).
//!
//! It sits beneath the steps and knows none of them: a step builds its outputs in staging
//! and publishes them through here, and `run` only decides which steps run. Keeping these
//! helpers out of `run` is what lets nothing import the orchestrator.

pub mod layout;
pub mod parquet;
pub mod writeback;

pub use layout::Layout;

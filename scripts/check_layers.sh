#!/usr/bin/env bash
# Prints which top-level module of src/ imports which, and fails on a circle of imports or
# on a module beneath the command line importing `run` or `cli`. The rules and the parsing
# are in tests/layers.rs, which `cargo test` runs too.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --quiet --test layers -- --nocapture --test-threads 1 "$@"

#!/usr/bin/env bash
# Runs each fuzz target of fuzz/ for a fixed time and prints what it found.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz asks for a nightly compiler;
# this machine has only stable, so RUSTC_BOOTSTRAP=1 lets stable accept the flags, and the
# sanitizer is off (-s none): libFuzzer's coverage guidance still works, crashes are panics.
# The dev profile keeps the polars build to minutes. A crash leaves its input under
# fuzz/artifacts/<target>/: turn it into a regression test in tests/ and fix it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/treem-fuzz-target}"
seed_corpus() {
  # Start from real inputs: the sample's workbooks whole, and the first 4 KB of its CSVs
  # (every encoding the sample has), so each execution stays fast.
  local target=$1 dir=corpus/$1
  mkdir -p "$dir"
  case $target in
    xlsx_form_reader) find ../sample_data/district_reports -name '*.xlsx' | head -n 20 | xargs -r cp -t "$dir" ;;
    csv_reader | legacy_decoder)
      for f in $(find ../sample_data/child_registry ../sample_data/cases ../sample_data/fund -name '*.csv' | head -n 20); do
        head -c 4096 "$f" > "$dir/$(basename "$f")"
      done ;;
  esac
}
max_len() {
  case $1 in
    xlsx_form_reader) echo 200000 ;;
    *) echo 8192 ;;
  esac
}
for target in xlsx_form_reader csv_reader legacy_decoder; do
  seed_corpus "$target"
  echo "== $target: ${seconds}s"
  log=$(mktemp)
  if cargo fuzz run --dev -s none "$target" -- -max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see fuzz/artifacts/$target/)"
  fi
  # libFuzzer's last status line: executions, coverage, corpus size.
  grep -E '^#[0-9]+' "$log" | tail -n 1 || true
  grep -E 'Done [0-9]+ runs' "$log" || true
  echo "$target: $result"
  rm -f "$log"
done

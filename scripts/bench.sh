#!/usr/bin/env bash
# National-scale benchmark (issue 7): the whole country's registry and cases through the
# pipeline on this machine. For each number of monthly snapshots asked for (default: 1 and
# 12) it generates the national set once (cached, with --seed 2021), then runs the ingest
# step and the indicators step of pipelines/national_2021.toml, each a fresh process, and
# prints wall time, rows per second, MB of CSV per second and peak memory (max RSS).
#
#   scripts/bench.sh            # 1 and 12 snapshots
#   scripts/bench.sh 1          # one snapshot only
#
# Needs a release build (built here if missing) and, for 12 snapshots, about 6 GB of disk
# for the CSV and 4 GB for the output. The cache lives in $TREEM_BENCH_DIR (default
# ~/.cache/treem-bench); delete it to generate again.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/treem-target}"
cache="${TREEM_BENCH_DIR:-$HOME/.cache/treem-bench}"
mkdir -p "$cache"
snapshots=("${@:-1}")
[ $# -eq 0 ] && snapshots=(1 12)

cargo build --release --locked --quiet
bin="$CARGO_TARGET_DIR/release/treem"
# A fixed key: the benchmark measures HMAC work, not key-file handling.
export TREEM_SECRET_KEY="treem benchmark key, not a secret"

# Runs a command under /usr/bin/time; prints "<seconds> <max RSS in KiB>".
measure() {
  local log="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$log.time" "$@" >"$log" 2>&1 || {
    echo "FAILED: $* (see $log)" >&2
    tail -20 "$log" >&2
    exit 1
  }
  cat "$log.time"
}

printf '%-9s %-10s %9s %11s %8s %10s %8s %9s\n' \
  snapshots step seconds rows rows/s "MB/s" "MB in" "peak RSS"
for n in "${snapshots[@]}"; do
  data="$cache/national-$n"
  if [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    read -r secs rss < <(measure "$cache/generate-$n.log" \
      "$bin" generate --profile national --snapshots "$n" --seed 2021 --out "$data")
    touch "$data/.complete"
    printf '%-9s %-10s %9s %11s %8s %10s %8s %8sM\n' "$n" generate "$secs" "" "" "" "" $((rss / 1024))
  fi
  # The pipeline reads ../national_data from its own folder.
  ln -sfn "$data" national_data
  out="$cache/out-$n"
  rm -rf "$out"
  # Measured on a warm page cache, with nothing left to write back: the pipeline's work,
  # not the disk's (a cold read of the twelve snapshots' 6.5 GB took this machine's disk
  # about 15 s more).
  sync
  find "$data/child_registry" "$data/cases" -type f -exec cat {} + >/dev/null
  mb=$(du -sm --apparent-size "$data/child_registry" "$data/cases" | awk '{s += $1} END {print s}')
  for step in ingest indicators; do
    read -r secs rss < <(measure "$cache/$step-$n.log" \
      "$bin" run pipelines/national_2021.toml --only "$step" --out "$out")
    rows=$(grep -Eo '^(registry|cases): [0-9]+ rows read' "$cache/ingest-$n.log" \
      | awk '{s += $2} END {print s}')
    printf '%-9s %-10s %9s %11s %8s %10s %8s %8sM\n' "$n" "$step" "$secs" "$rows" \
      "$(awk -v r="$rows" -v s="$secs" 'BEGIN {printf "%.0f", r / s}')" \
      "$(awk -v m="$mb" -v s="$secs" 'BEGIN {printf "%.0f", m / s}')" "$mb" $((rss / 1024))
  done
done
rm -f national_data

#!/usr/bin/env bash
# National-scale benchmark (issue 7): the whole country's registry and cases through the
# pipeline on this machine. For each number of monthly snapshots asked for (default: 1 and
# 12) it generates the national set once (cached, with --seed 2021), then runs the ingest
# step and the indicators step of pipelines/national_2021.toml, each a fresh process, and
# prints wall time, rows per second, MB of CSV per second and peak memory (max RSS).
# Each size is run $TREEM_BENCH_RUNS times (default 3), from a fresh output folder each
# time: the median run is printed with the fastest and slowest in brackets ("total" is
# ingest + indicators of one run, the CSV-to-indicators figure), and peak memory is the
# largest of the runs. This machine's speed drifts, so one run says little.
#
#   scripts/bench.sh            # 1 and 12 snapshots
#   scripts/bench.sh 1          # one snapshot only
#   TREEM_BENCH_RUNS=1 scripts/bench.sh 12
#   TREEM_BENCH_PIPELINE=national_2025 scripts/bench.sh 1   # on the 3,321 communes of 2025
#
# TREEM_BENCH_PIPELINE names the pipeline file in pipelines/ (default national_2021); both
# read the same generated set. TREEM_BENCH_BIN runs a binary built elsewhere (an older
# commit's, to compare in turns) instead of building this tree's.
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

pipeline="pipelines/${TREEM_BENCH_PIPELINE:-national_2021}.toml"
[ -f "$pipeline" ] || { echo "No pipeline file $pipeline" >&2; exit 2; }
if [ -n "${TREEM_BENCH_BIN:-}" ]; then
  bin="$TREEM_BENCH_BIN"
else
  cargo build --release --locked --quiet
  bin="$CARGO_TARGET_DIR/release/treem"
fi
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

runs="${TREEM_BENCH_RUNS:-3}"
# Prints the median of its arguments, then the smallest and the largest.
spread() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f\n", m, v[1], v[NR]}'
}

printf '%-9s %-10s %7s %13s %11s %8s %6s %6s %9s\n' \
  snapshots step seconds "(min-max)" rows rows/s "MB/s" "MB in" "peak RSS"
for n in "${snapshots[@]}"; do
  data="$cache/national-$n"
  if [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    read -r secs rss < <(measure "$cache/generate-$n.log" \
      "$bin" generate --profile national --snapshots "$n" --seed 2021 --out "$data")
    touch "$data/.complete"
    printf '%-9s %-10s %7s %13s %11s %8s %6s %6s %8sM\n' "$n" generate "$secs" "" "" "" "" "" \
      $((rss / 1024))
  fi
  # The pipeline reads ../national_data from its own folder.
  ln -sfn "$data" national_data
  out="$cache/out-$n"
  mb=$(du -sm --apparent-size "$data/child_registry" "$data/cases" | awk '{s += $1} END {print s}')
  declare -A secs_of=() rss_of=()
  for run in $(seq "$runs"); do
    rm -rf "$out"
    # Measured on a warm page cache, with nothing left to write back: the pipeline's work,
    # not the disk's (a cold read of the twelve snapshots' 6.5 GB took this machine's disk
    # about 15 s more).
    sync
    find "$data/child_registry" "$data/cases" -type f -exec cat {} + >/dev/null
    total=0
    for step in ingest indicators; do
      read -r secs rss < <(measure "$cache/$step-$n.log" \
        "$bin" run "$pipeline" --only "$step" --out "$out")
      secs_of[$step]+=" $secs"
      rss_of[$step]=$(( rss > ${rss_of[$step]:-0} ? rss : ${rss_of[$step]:-0} ))
      total=$(awk -v t="$total" -v s="$secs" 'BEGIN {print t + s}')
    done
    secs_of[total]+=" $total"
  done
  # The log's lines start with a time and a level off a terminal: match past them.
  rows=$(grep -Eo '(registry|cases): [0-9]+ rows read' "$cache/ingest-$n.log" \
    | awk '{s += $2} END {print s}')
  for step in ingest indicators total; do
    # shellcheck disable=SC2086 # one number a run
    read -r median low high < <(spread ${secs_of[$step]})
    rss="${rss_of[$step]:-}"
    printf '%-9s %-10s %7s %13s %11s %8s %6s %6s %9s\n' "$n" "$step" "$median" \
      "($low-$high)" "$rows" \
      "$(awk -v r="$rows" -v s="$median" 'BEGIN {printf "%.0f", r / s}')" \
      "$(awk -v m="$mb" -v s="$median" 'BEGIN {printf "%.0f", m / s}')" "$mb" \
      "${rss:+$((rss / 1024))M}"
  done
  unset secs_of rss_of
done
rm -f national_data

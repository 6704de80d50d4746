#!/usr/bin/env bash
# Runs every libFuzzer target a SOCAPI_FUZZ build made, one after another,
# for a share of a total time budget, each from a scratch copy of its seeds
# (the committed seeds are never written). A crash, leak or UBSan report
# fails the run and leaves the input in the work directory.
# Usage: tests/fuzz/run.sh <fuzz build dir> [total seconds, default 150] [work dir]
set -euo pipefail
build=$1
total=${2:-150}
work=${3:-$build/fuzz-work}
list=$build/tests/fuzz/targets.txt
[ -s "$list" ] || { echo "no fuzz targets listed in $list" >&2; exit 1; }
n=$(wc -l < "$list")
each=$(( total / n > 5 ? total / n : 5 ))
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
while read -r name binary seeds; do
  corpus=$work/$name
  rm -rf "$corpus" && mkdir -p "$corpus"
  cp -r "$seeds"/. "$corpus"/
  printf '%-24s %3ss: ' "$name" "$each"
  if ! "$binary" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$work/$name-" -print_final_stats=1 "$corpus" >"$work/$name.log" 2>&1; then
    echo "FAILED"; tail -40 "$work/$name.log"; exit 1
  fi
  awk '/stat::number_of_executed_units/ {runs = $2} /stat::average_exec_per_sec/ {rate = $2}
       END {printf "%s runs, %s/s, nothing found\n", runs, rate}' "$work/$name.log"
done < "$list"

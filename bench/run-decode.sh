#!/usr/bin/env bash
# Typed decode speed of the kit's 597 KB answer (friends.get ext=1, 1000
# users) beside Python's json.loads on the same bytes, in one interleaved
# run: bench_decode (one-pass, one-pass with unknown members, the json-c
# tree decoder, json-c's parse alone) and json.loads take turns RUNS times,
# all timed in CPU seconds (the machine is shared); medians. Never a test.
# Usage: bench/run-decode.sh [build dir, default build-bench]   (RUNS=5 by default)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-bench}
runs=${RUNS:-5}
kit=$repo/../shared/bench-peers
work=$(mktemp -d /tmp/socapi-decode.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$kit/gen_bodies.py" "$work" 1000 >/dev/null
body=$work/mailru_n1000.json
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DSOCAPI_VK_SCHEMA_DIR= >/dev/null
cmake --build "$build" -j2 --target bench_decode >/dev/null

for run in $(seq 1 "$runs"); do
  "$build/bench/bench_decode" "$body" 100 1 >>"$work/c.jsonl"
  python3 - "$body" >>"$work/py.jsonl" <<'PY'
import json, sys, time
data = open(sys.argv[1], "rb").read()
json.loads(data)
start = time.process_time()
for _ in range(50):
    json.loads(data)
print(json.dumps({"json.loads": {"MB_per_s": len(data) * 50 / (time.process_time() - start) / 1e6}}))
PY
done
python3 - "$work/c.jsonl" "$work/py.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for path in sys.argv[1:] for line in open(path)]
cases = ["one-pass", "one-pass+unknown", "tree", "json-c parse", "json.loads"]
median = {c: statistics.median(r[c]["MB_per_s"] for r in rows if c in r) for c in cases}
print(f"{len(rows) // 2} interleaved runs, medians over CPU time, MB/s of the 597,522-byte body")
for c in cases:
    print(f"  {c:18} {median[c]:8.1f}")
print(f"  one-pass / json.loads: {median['one-pass'] / median['json.loads']:.2f}x")
PY

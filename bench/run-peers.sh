#!/usr/bin/env bash
# socapi beside the Python peers and bare libcurl, measured by itself from scratch:
#  1. installs what the bench-peers kit needs (as root, with apt-get; never part of the tests),
#  2. copies the kit (../shared/bench-peers) to a fresh directory under /tmp and builds its
#     bare libcurl loop,
#  3. builds socapi's bench_calls driver in Release, in that directory,
#  4. runs every peer case, wrk and socapi's cases in one interleaved run (RUNS runs, the
#     client pinned to CPU 0 and nginx to CPU 1, each case under /usr/bin/time -v),
#  5. prints the kit's summary and socapi's side-by-side table (bench/peers_table.py).
# Usage: bench/run-peers.sh            (about 8 minutes with RUNS=3 on a quiet 2-core machine)
# Env:   RUNS (3), ONLY (a regex of case names; default every case but the cold start),
#        KIT (../shared/bench-peers beside the repository), WORK (a new /tmp/socapi-peers-*),
#        JOBS (2, for the build).
# Loopback only; nginx listens on 127.0.0.1:8080 and is stopped by the kit when the run ends.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
kit=${KIT:-$repo/../shared/bench-peers}
work=${WORK:-$(mktemp -d /tmp/socapi-peers-XXXXXX)}
export RUNS=${RUNS:-3}
export ONLY=${ONLY:-'^(aiomailru|aiookru|vk|json|socapi|bare|wrk)-'}

[ -f "$kit/run_all.sh" ] || { echo "no bench-peers kit at $kit (set KIT)" >&2; exit 2; }
need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
command -v pkg-config >/dev/null || need+=(pkg-config)
python3 -c 'import aiohttp' 2>/dev/null || need+=(python3-aiohttp)
python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing: ${need[*]} (install them, or run as root)" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== kit and builds in $work"
mkdir -p "$work"
chmod 755 "$work"  # mktemp -d makes it 0700: nginx's worker (www-data) must read the kit's www/
cp -r "$kit" "$work/kit"
rm -rf "$work/kit/results" "$work/kit/logs"  # a copy of somebody's earlier run
make -s -C "$work/kit/limit"
cmake -S "$repo" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DSOCAPI_VK_SCHEMA_DIR= >/dev/null
cmake --build "$work/build" -j"${JOBS:-2}" --target bench_calls >/dev/null
calls=$work/build/bench/bench_calls
bare=$work/kit/limit/curl_bare
python3 "$work/kit/gen_bodies.py" "$work/kit/www" 1000 >/dev/null

# socapi's cases and the bare libcurl ceilings, in the same rounds as the peers
cat > "$work/socapi-cases.txt" <<EOF
socapi-tiny-seq      $calls --body tiny --mode seq -k 10000
socapi-tiny-batch    $calls --body tiny --mode batch --conc 64 -k 64000
socapi-n1000-seq     $calls --body n1000 --mode seq -k 1000
socapi-n1000-batch   $calls --body n1000 --mode batch --conc 64 -k 640
socapi-n1000-decode  $calls --body n1000 --mode decode --file $work/kit/www/mailru_n1000.json -k 300
bare-tiny-seq        $bare --body tiny --mode seq -k 10000
bare-tiny-seq-post   $bare --body tiny --mode seq --post -k 10000
bare-tiny-multi      $bare --body tiny --mode multi --conc 64 -k 64000
bare-n1000-seq       $bare --body n1000 --mode seq -k 2000
bare-n1000-multi     $bare --body n1000 --mode multi --conc 64 -k 1280
EOF

echo "== one interleaved run: $RUNS runs of every case"
(cd "$work/kit" && EXTRA_CASES="$work/socapi-cases.txt" ./run_all.sh)

echo
echo "== socapi side by side (also in $work/side-by-side.md)"
python3 "$repo/bench/peers_table.py" "$work/kit/results" | tee "$work/side-by-side.md"
